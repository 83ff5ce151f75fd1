"""POST /api/ingest: a page (flattened text or HTML) or a URL-less JSON document into the archive."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request

from kabar.guard import Reject
from kabar.ingest import Ingestor, IngestOutcome
from kabar.model import Article, RawPage
from kabar.serialize import article_from_dict
from kabar.serve.security import safe_url


def check_token(request: Request, token: str | None) -> None:
    """Bearer-token guard: no token configured means ingest is off, not open."""
    if not token:
        raise HTTPException(503, "ingest is disabled: start the server with KABAR_TOKEN set")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(403, "wrong token")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` (never read whole first)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body of {declared} bytes is over the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_text(raw: bytes, charset: str | None) -> str:
    if not raw.strip():
        raise HTTPException(422, "empty body: send a page or a JSON document")
    if b"\x00" in raw[:65536]:
        raise HTTPException(422, "body looks binary (NUL bytes); send UTF-8 text, HTML or JSON")
    encoding = charset or "utf-8"
    try:
        return raw.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise HTTPException(422, f"body is not valid {encoding}: {exc}") from exc


@dataclass(slots=True)
class IngestRequest:
    page: RawPage | None = None
    document: Article | None = None


def _document(data: dict[str, Any]) -> Article:
    """A URL-less JSON document in kabar's article form (``body`` may stand for ``paragraphs``)."""
    headline = data.get("headline")
    if not isinstance(headline, str) or not headline.strip():
        raise HTTPException(422, "document needs a non-empty string 'headline'")
    if isinstance(data.get("body"), str) and "paragraphs" not in data:
        data = {**data, "paragraphs": [p.strip() for p in data["body"].split("\n\n") if p.strip()]}
    paragraphs = data.get("paragraphs")
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs) or not paragraphs:
        raise HTTPException(422, "document needs 'paragraphs' (a list of strings) or 'body' (a string)")
    data = {k: v for k, v in data.items() if k not in ("id", "content_hash")}
    try:
        article = article_from_dict(data)
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        # The exception names kabar's classes and repeats the input; the client gets the field list.
        raise HTTPException(
            422,
            "document does not fit kabar's article form: fields are headline, body or paragraphs "
            "(strings), and optionally url, published (ISO 8601), outlet, images (objects), tags",
        ) from exc
    article.extractor = article.extractor or "api"
    return article


def parse_request(content_type: str, raw: bytes, url: str | None) -> IngestRequest:
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"').lower()
    if url is not None and (safe_url(url) is None or not url.lower().startswith(("http://", "https://"))):
        raise HTTPException(422, "url must be an absolute http(s) URL")
    text = decode_text(raw, charset)
    if media in ("text/plain", ""):
        return IngestRequest(page=RawPage(content=text, kind="text", url=url, source="api"))
    if media in ("text/html", "application/xhtml+xml"):
        return IngestRequest(page=RawPage(content=text, kind="html", url=url, source="api"))
    if media == "application/json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise HTTPException(422, f"body is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise HTTPException(422, "JSON body must be an object")
        if "content" in data:
            kind = data.get("kind", "text")
            if not isinstance(data["content"], str) or kind not in ("text", "html"):
                raise HTTPException(422, "'content' must be a string and 'kind' 'text' or 'html'")
            return IngestRequest(page=RawPage(content=data["content"], kind=kind, url=url, source="api"))
        return IngestRequest(document=_document(data))
    raise HTTPException(
        415, f"unsupported content type {media!r}: use text/plain, text/html or application/json"
    )


def _http_error(reject: Reject) -> HTTPException:
    """A reject in the client's terms: what went wrong with its page, not which class raised."""
    if reject.stage == "size":
        return HTTPException(413, reject.message)
    if reject.stage in ("start", "read", "extract"):
        return HTTPException(422, f"could not read the page: {reject.message}")
    return HTTPException(422, f"could not process the page ({reject.stage}): {reject.message}")


def ingest(ingestor: Ingestor, request: IngestRequest) -> IngestOutcome:
    """Through the one ingest path (:class:`~kabar.ingest.Ingestor`), as the CLI and the engine.

    Blocking: the route runs it on a thread of the ingest pool (:mod:`kabar.serve.ingest_pool`),
    and the work itself runs in that ingestor's guard worker process, so a slow page neither
    stalls the event loop nor holds the GIL other requests need, nor other ingests.
    Extraction and understanding run under the guard's budgets; an article longer than any real
    one (``max_article_chars``) is refused before understanding.
    """
    if request.page is not None:
        outcome = ingestor.ingest_page(request.page, source="api")
    else:
        assert request.document is not None
        outcome = ingestor.store(request.document, "api")
    if outcome.reject is not None:
        raise _http_error(outcome.reject)
    if outcome.id is None:
        raise HTTPException(422, "could not store the page")
    return outcome
