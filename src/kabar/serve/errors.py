"""Errors as JSON with a clear message under /api and /feed, as an Indonesian page elsewhere.

Messages speak the reader's terms (which parameter, what it should be), never the
validator's class names, and anything the request sent that is echoed back is cut
short: a 100 kB URL must not come back as a 100 kB error page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kabar.archive.errors import ArchiveError
from kabar.serve.params import DATE_OUT_OF_RANGE, FIRST_DAY, ID_OUT_OF_RANGE, LAST_DAY
from kabar.serve.state import get_state

log = logging.getLogger(__name__)

ECHO_LIMIT = 200  # characters of the request's own text an error may repeat

_PAGE_MESSAGES = {
    400: "Permintaan tidak dapat dibaca.",
    404: "Halaman yang Anda cari tidak ditemukan.",
    405: "Metode ini tidak didukung di alamat ini.",
    413: "Kiriman terlalu besar.",
    422: "Parameter permintaan tidak valid.",
    500: "Terjadi kesalahan di server.",
    503: "Layanan sedang tidak tersedia. Silakan coba lagi nanti.",
}


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, marked when cut (escaping is the renderer's job)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.startswith("/feed") or path == "/openapi.json"


# What each kind of validation failure means, in the API's English and the portal's Indonesian.
_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("is required", "wajib diisi"),
    "int_parsing": ("must be a whole number", "harus bilangan bulat"),
    "int_type": ("must be a whole number", "harus bilangan bulat"),
    "int_from_float": ("must be a whole number", "harus bilangan bulat"),
    "float_parsing": ("must be a number", "harus angka"),
    "bool_parsing": ("must be true or false", "harus true atau false"),
    "datetime_parsing": ("must be a date or time like 2020-11-03 or 2020-11-03T09:00", "harus tanggal"),
    "datetime_from_date_parsing": (
        "must be a date or time like 2020-11-03 or 2020-11-03T09:00",
        "harus tanggal seperti 2020-11-03",
    ),
    "datetime_type": ("must be a date or time like 2020-11-03 or 2020-11-03T09:00", "harus tanggal"),
    "date_parsing": ("must be a date like 2020-11-03", "harus tanggal seperti 2020-11-03"),
    "date_from_datetime_parsing": ("must be a date like 2020-11-03", "harus tanggal seperti 2020-11-03"),
    "string_type": ("must be text", "harus teks"),
    "string_unicode": ("must be text", "harus teks"),
    "json_invalid": ("is not valid JSON", "bukan JSON yang sah"),
}
_DATE_RANGE = (
    f"must be a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}",
    f"harus tanggal antara {FIRST_DAY.isoformat()} dan {LAST_DAY.isoformat()}",
)


_BOUNDS: dict[str, tuple[str, tuple[str, str]]] = {
    "greater_than_equal": ("ge", ("must be at least {}", "minimal {}")),
    "greater_than": ("gt", ("must be more than {}", "harus lebih dari {}")),
    "less_than_equal": ("le", ("must be at most {}", "maksimal {}")),
    "less_than": ("lt", ("must be less than {}", "harus kurang dari {}")),
    "string_too_long": ("max_length", ("must be at most {} characters", "maksimal {} karakter")),
    "string_too_short": ("min_length", ("must be at least {} characters", "minimal {} karakter")),
    "literal_error": ("expected", ("must be one of: {}", "harus salah satu dari: {}")),
    "enum": ("expected", ("must be one of: {}", "harus salah satu dari: {}")),
}


def _bound(ctx: Mapping[str, Any], key: str) -> str:
    return clip(str(ctx.get(key, "?")), 40)


def _reason(err: Mapping[str, Any], indonesian: bool) -> str:
    kind = str(err.get("type", ""))
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    lang = 1 if indonesian else 0
    if kind in _WORDS:
        return _WORDS[kind][lang]
    if kind == DATE_OUT_OF_RANGE:
        return _DATE_RANGE[lang]
    if kind == ID_OUT_OF_RANGE:
        return ("no such id", "tidak ada")[lang]
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return words[lang].format(_bound(ctx, key))
    return ("is not valid", "tidak valid")[lang]


def _where(err: Mapping[str, Any]) -> str:
    """The parameter's name as the reader wrote it (``limit``), not the validator's path."""
    parts = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body", "header")]
    return clip(".".join(parts), 60)


def validation_message(errors: Sequence[Mapping[str, Any]], indonesian: bool = False) -> str:
    parts = []
    for err in errors[:5]:
        where, reason = _where(err), _reason(err, indonesian)
        parts.append(f"{where}: {reason}" if where else reason)
    return "; ".join(parts) or ("permintaan tidak valid" if indonesian else "invalid request")


def validation_status(errors: Sequence[Mapping[str, Any]]) -> int:
    """404 for an id that cannot exist, 400 for a date out of range, 422 for the rest."""
    kinds = {str(e.get("type", "")) for e in errors}
    if ID_OUT_OF_RANGE in kinds:
        return 404
    if DATE_OUT_OF_RANGE in kinds:
        return 400
    return 422


def json_error(status: int, message: str, headers: Mapping[str, str] | None = None, **extra: Any) -> Response:
    body = {"status": status, "error": HTTPStatus(status).phrase, "message": clip(message), **extra}
    return JSONResponse(body, status_code=status, headers=dict(headers) if headers else None)


def page_error(
    request: Request, status: int, message: str | None, headers: Mapping[str, str] | None = None
) -> Response:
    template = get_state(request).templates.get_template("error.html")
    text = _PAGE_MESSAGES.get(status, HTTPStatus(status).phrase)
    detail = clip(message) if message and status < 500 else None
    html = template.render(status=status, message=text, detail=detail)
    return HTMLResponse(html, status_code=status, headers=dict(headers) if headers else None)


def error_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if wants_json(request):
        return json_error(status, message, headers=headers)
    return page_error(request, status, message, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    status = validation_status(errors)
    if wants_json(request):
        details = [
            {"loc": [clip(str(x), 60) for x in e.get("loc", ())], "msg": _reason(e, False)}
            for e in errors[:20]
        ]
        return json_error(status, validation_message(errors), details=details)
    return page_error(request, status, validation_message(errors, indonesian=True))


async def _archive_error(request: Request, exc: Exception) -> Response:
    """A storage fault (busy, read-only, full, gone): 503 and when to try again, no SQL, no path."""
    assert isinstance(exc, ArchiveError)
    log.warning("archive fault on %s: %s", clip(request.url.path), exc)
    headers = {"Retry-After": str(exc.retry_after)}
    return error_response(request, 503, exc.summary, headers=headers)


def server_error(request: Request, exc: BaseException) -> Response:
    """The answer to an exception no handler took: logged in full here, told in one line there."""
    log.error("unhandled error on %s", clip(request.url.path, 200), exc_info=exc)
    if wants_json(request):
        return json_error(500, "internal error; see the server log")
    return page_error(request, 500, None)


def install(app: FastAPI) -> None:
    # Unhandled exceptions are answered by SecurityHeadersMiddleware (see security.py):
    # Starlette's own catch-all sits outside every middleware, so its 500 would go out bare.
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ArchiveError, _archive_error)
