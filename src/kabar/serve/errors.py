"""Errors as JSON with a clear message under /api and /feed, as an Indonesian page elsewhere."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kabar.serve.state import get_state

log = logging.getLogger(__name__)

_PAGE_MESSAGES = {
    400: "Permintaan tidak dapat dibaca.",
    404: "Halaman yang Anda cari tidak ditemukan.",
    405: "Metode ini tidak didukung di alamat ini.",
    413: "Kiriman terlalu besar.",
    422: "Parameter permintaan tidak valid.",
    500: "Terjadi kesalahan di server.",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.startswith("/feed") or path == "/openapi.json"


def _validation_message(errors: list[Any]) -> str:
    parts = []
    for err in errors[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def _json_error(status: int, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body = {"status": status, "error": HTTPStatus(status).phrase, "message": message, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


def _page_error(request: Request, status: int, message: str | None) -> Response:
    template = get_state(request).templates.get_template("error.html")
    text = _PAGE_MESSAGES.get(status, HTTPStatus(status).phrase)
    html = template.render(status=status, message=text, detail=message if status < 500 else None)
    return HTMLResponse(html, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if _wants_json(request):
        return _json_error(exc.status_code, message, headers=getattr(exc, "headers", None))
    return _page_error(request, exc.status_code, message)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = _validation_message(list(exc.errors()))
    if _wants_json(request):
        details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()[:20]]
        return _json_error(422, message, details=details)
    return _page_error(request, 422, message)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    if _wants_json(request):
        return _json_error(500, "internal error; see the server log")
    return _page_error(request, 500, None)


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)
