"""One request per address among the articles a round reads together (issue 16): the batch's
articles share what any of them fetched, a failed fetch is asked again, and a redirect off the host
refused for one caller is followed for a caller that allows it."""

from __future__ import annotations

import asyncio

import pytest

from kabar.engine.shared_fetches import SharedFetches
from kabar.sources.crawler import FetchResult


class CountingFetcher:
    """Answers every address after a pause (so callers overlap), counting the requests."""

    def __init__(self, *, fail: bool = False, off_host: bool = False) -> None:
        self.calls: list[tuple[str, bool]] = []
        self.fail = fail
        self.off_host = off_host

    async def fetch(self, url: str, *, source: str | None = None, same_host: bool = False) -> FetchResult:
        self.calls.append((url, same_host))
        await asyncio.sleep(0.01)
        if self.fail:
            raise RuntimeError("connection torn")
        if self.off_host and same_host:
            return FetchResult(url, "http://elsewhere.example/a", "off_host_redirect")
        return FetchResult(url, url, "ok", status=200, content=b"<html></html>")


def test_overlapping_and_later_callers_share_one_request() -> None:
    fetcher = CountingFetcher()
    shared = SharedFetches(fetcher)

    async def go() -> list[FetchResult]:
        both = await asyncio.gather(
            shared.fetch("http://a.example/x?page=2", source="s"),
            shared.fetch("http://a.example/x?page=2#komentar", same_host=True),  # the same page
        )
        later = await shared.fetch("http://a.example/x?page=2")
        return [*both, later]

    results = asyncio.run(go())
    assert len(fetcher.calls) == 1
    assert all(r is results[0] for r in results)


def test_other_addresses_are_requested_each() -> None:
    fetcher = CountingFetcher()
    shared = SharedFetches(fetcher)

    async def go() -> None:
        await asyncio.gather(*(shared.fetch(f"http://a.example/x?page={n}") for n in (1, 2, 3)))

    asyncio.run(go())
    assert sorted(u for u, _ in fetcher.calls) == [f"http://a.example/x?page={n}" for n in (1, 2, 3)]


def test_a_fetch_that_raises_is_asked_again() -> None:
    fetcher = CountingFetcher(fail=True)
    shared = SharedFetches(fetcher)

    async def go() -> None:
        for _ in range(2):
            with pytest.raises(RuntimeError):
                await shared.fetch("http://a.example/x")

    asyncio.run(go())
    assert len(fetcher.calls) == 2


def test_a_refused_off_host_redirect_is_followed_for_a_caller_that_allows_it() -> None:
    fetcher = CountingFetcher(off_host=True)
    shared = SharedFetches(fetcher)

    async def go() -> list[FetchResult]:
        first = await shared.fetch("http://a.example/x", same_host=True)
        again = await shared.fetch("http://a.example/x", same_host=True)
        own = await shared.fetch("http://a.example/x")
        return [first, again, own]

    first, again, own = asyncio.run(go())
    assert first is again and first.outcome == "off_host_redirect"
    assert own.ok and fetcher.calls == [("http://a.example/x", True), ("http://a.example/x", False)]
