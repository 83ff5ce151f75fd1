"""The response-cache tests' shared set-up (test_serve_cache.py, test_serve_cache_targeted.py).

An archive holding the Karabakh story, the app's cache middleware to count with, and a writer
beside the server whose commits only the archive's change stamp or log can tell.
"""

from __future__ import annotations

from collections.abc import Iterator

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.model import Article
from kabar.serve.response_cache import ResponseCacheMiddleware
from kabar.wiring import default_indexers
from serve_support import Client, fill, rich_article, story_article


def story_archive(archive_url: str, *more: Article) -> Iterator[CoreArchive]:
    """For a fixture to ``yield from``: an archive with the rich article, the story's parts 1 to 3
    (part 0, the newest, is what the tests ingest mid-way) and ``more``; closed afterwards."""
    archive = fill(archive_url, [rich_article(), *[story_article(n) for n in range(1, 4)], *more])
    try:
        yield archive
    finally:
        archive.close()


def response_cache(client: Client) -> ResponseCacheMiddleware:
    """The app's response cache (its middleware instance, built on the first request)."""
    stack = client.app.middleware_stack
    while stack is not None and not isinstance(stack, ResponseCacheMiddleware):
        stack = getattr(stack, "app", None)
    assert isinstance(stack, ResponseCacheMiddleware)
    return stack


def ingest_elsewhere(archive_url: str, *articles: Article) -> None:
    """As `kabar ingest` beside the server would: another archive object, only the stamp tells."""
    other = open_test_archive(archive_url, default_indexers(note_reach=True))
    try:
        for article in articles:
            other.add(article)
    finally:
        other.close()
