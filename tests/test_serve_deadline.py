"""A handler that has not answered within the server's time limit gets a clean 503, and the server goes on.

The slow handler waits on an event the test sets only after the 503 has arrived: the order
shows the limit answered, not how long anything took.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.serve.deadline import DeadlineMiddleware
from kabar.serve.limits import ServerLimits, limits_from_env
from kabar.serve.security import SECURITY_HEADERS
from kabar.wiring import default_indexers
from serve_support import make_app, make_article


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = open_archive(tmp_path / "k.db", default_indexers())
    arch.add(make_article(1))
    yield arch
    arch.close()


def test_a_slow_handler_is_answered_503_and_the_server_goes_on(
    archive: SqliteArchive, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(archive, handler_seconds=2, warm_latest=0)
    let_go = threading.Event()
    started = threading.Event()
    finished = threading.Event()
    real_outlets = archive.outlets

    def stuck_outlets(*args: Any, **kwargs: Any) -> Any:
        started.set()
        let_go.wait(60)  # a storage stall: the route's thread waits here
        finished.set()
        return real_outlets(*args, **kwargs)

    monkeypatch.setattr(archive, "outlets", stuck_outlets)

    async def go() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as client:
            # The first request of an app does its one-time work (the change stamp, the caches);
            # on a loaded machine that alone passed a short limit, the handler was cancelled before
            # it reached storage, and the "abandoned handler ends" check below had nothing to see.
            assert (await client.get("/api/articles")).status_code == 200
            api = await client.get("/api/outlets")
            api_finished = finished.is_set()
            let_go.set()
            await asyncio.sleep(0)
            after = await client.get("/api/articles")
            return {"api": api, "api_finished": api_finished, "after": after}

    got = asyncio.run(go())
    api = got["api"]
    assert not got["api_finished"]  # answered while the handler was still stuck
    assert api.status_code == 503 and int(api.headers["Retry-After"]) >= 1
    body = api.json()
    assert body["status"] == 503 and "longer than 2 s" in body["message"]
    for name, value in SECURITY_HEADERS:
        assert api.headers[name.decode()] == value.decode()
    assert got["after"].status_code == 200  # the server goes on
    assert started.is_set()  # the stall was reached: the 503 is the limit's, not a cancelled start
    assert finished.wait(30)  # and the abandoned handler ended on its own


def test_the_portal_gets_the_503_page(archive: SqliteArchive, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(archive, handler_seconds=0.3, warm_latest=0)
    let_go = threading.Event()

    def stuck(*args: Any, **kwargs: Any) -> Any:
        let_go.wait(60)
        raise RuntimeError("abandoned")  # its late failure is dropped with its answer

    monkeypatch.setattr(archive, "outlets", stuck)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as client:
            page = await client.get("/")
            let_go.set()
            return page

    page = asyncio.run(go())
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "Silakan coba lagi" in page.text and "Traceback" not in page.text


def test_quick_answers_and_errors_pass_through_untouched(archive: SqliteArchive) -> None:
    app = make_app(archive, handler_seconds=5, warm_latest=0)

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [await client.get(u) for u in ("/api/articles", "/api/articles/999999", "/")]

    ok, missing, home = asyncio.run(go())
    assert ok.status_code == 200 and len(ok.json()["items"]) == 1
    assert missing.status_code == 404 and home.status_code == 200


def test_the_limit_is_settable_and_validated() -> None:
    assert ServerLimits().handler_seconds == 60.0
    assert limits_from_env({"KABAR_HANDLER_TIMEOUT": "7.5"}).handler_seconds == 7.5
    with pytest.raises(ValueError):
        limits_from_env({"KABAR_HANDLER_TIMEOUT": "0"})
    with pytest.raises(ValueError):
        DeadlineMiddleware(make_app, 0)  # type: ignore[arg-type]
