"""One request per address among the articles an engine round reads together.

A feed can list an article's page 2 while page 1 is read in the same round, and page 1 then
fetches page 2 as its next page (and page 2, entered at, fetches page 1 and 3): the same page
requested twice. The articles of one batch fetch through one :class:`SharedFetches`: a page another
article of the batch is fetching, or has fetched, is awaited and its answer shared, not requested
again. It lives for one batch (the engine makes a new one each time), so it holds at most the pages
of the articles read at once.
"""

from __future__ import annotations

import asyncio

from kabar.engine.article_pages import PageFetcher
from kabar.sources.crawler import FetchResult
from kabar.sources.urls import canonical_url

__all__ = ["SharedFetches"]


class SharedFetches:
    """The answers fetched for one batch, by canonical address (the signature of :meth:`Fetcher.fetch`
    the engine and :class:`~kabar.engine.article_pages.ArticlePages` use)."""

    def __init__(self, fetcher: PageFetcher) -> None:
        self.fetcher = fetcher
        self._answers: dict[str, asyncio.Future[FetchResult]] = {}

    async def fetch(self, url: str, *, source: str | None = None, same_host: bool = False) -> FetchResult:
        key = canonical_url(url) or url
        answer = self._answers.get(key)
        if answer is not None:
            result = await asyncio.shield(answer)
            # A redirect off the host that one caller refused may be one this caller follows.
            if result.outcome != "off_host_redirect" or same_host:
                return result
            return await self.fetcher.fetch(url, source=source, same_host=same_host)
        answer = asyncio.get_running_loop().create_future()
        self._answers[key] = answer
        try:
            result = await self.fetcher.fetch(url, source=source, same_host=same_host)
        except BaseException as exc:
            del self._answers[key]  # not an answer: the next caller asks again
            if isinstance(exc, asyncio.CancelledError):
                answer.cancel()
            else:
                answer.set_exception(exc)
                answer.exception()  # marked retrieved: with no one waiting, nothing is logged
            raise
        answer.set_result(result)
        return result
