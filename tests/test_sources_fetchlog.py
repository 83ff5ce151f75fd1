"""The engine's tables: fetch log, source state, frontier (resumable, once per URL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kabar.archive import open_archive as kabar_open_archive
from kabar.archive.sqlite import open_archive
from kabar.sources.crawler import FetchResult
from kabar.sources.fetchlog import due_after


def _result(url: str, outcome: str = "ok", **kw: object) -> FetchResult:
    return FetchResult(url=url, final_url=url, outcome=outcome, status=200, content=b"abc", **kw)  # type: ignore[arg-type]


def test_frontier_discovers_once_and_retries_a_bounded_number_of_times(tmp_path: Path) -> None:
    with open_archive(tmp_path / "k.db") as archive:
        log = archive.frontier
        assert log.discover([("https://a.id/1", {"title": "Satu"}), ("https://a.id/2", {})], "A") == 2
        assert log.discover([("https://a.id/1", {"title": "lain"}), ("https://a.id/3", {})], "B") == 1
        pending = {p.url: p for p in log.pending()}
        assert set(pending) == {"https://a.id/1", "https://a.id/2", "https://a.id/3"}
        assert (
            pending["https://a.id/1"].hints == {"title": "Satu"} and pending["https://a.id/1"].source == "A"
        )
        log.finish("https://a.id/1", outcome="added", article_id=7, retry=False)
        log.finish("https://a.id/2", outcome="timeout", article_id=None, retry=True, max_attempts=2)
        assert log.state_of("https://a.id/2") == "pending"
        log.finish("https://a.id/2", outcome="timeout", article_id=None, retry=True, max_attempts=2)
        log.finish("https://a.id/3", outcome="not_html", article_id=None, retry=False)
        assert [log.state_of(f"https://a.id/{i}") for i in (1, 2, 3)] == ["done", "failed", "failed"]
        counts = log.counts()
        assert (counts.pending, counts.done, counts.failed) == (0, 1, 2)


def test_source_state_keeps_validators_and_counts_errors(tmp_path: Path) -> None:
    with open_archive(tmp_path / "k.db") as archive:
        log = archive.fetch_log
        log.ensure_source("A", "feed", "https://a.id/rss")
        ok = _result(
            "https://a.id/rss", headers={"etag": '"x"', "last-modified": "Tue, 03 Nov 2020 09:50:00 GMT"}
        )
        log.poll_done("A", ok, links=5, error=None, next_due=due_after(15))
        bad = _result("https://a.id/rss", outcome="timeout")
        log.poll_done("A", bad, links=0, error="timeout: slow", next_due=due_after(15, errors=1))
        log.poll_done("A", bad, links=0, error="timeout: slow", next_due=due_after(15, errors=2))
        row = log.source("A")
        assert row is not None
        assert row.etag == '"x"' and row.last_modified and row.polls == 3 and row.links_found == 5
        assert row.consecutive_errors == 2 and row.last_error == "timeout: slow" and row.last_ok_at
        log.ensure_source("A", "sitemap", "https://a.id/sitemap.xml")  # config changed: state kept
        row = log.source("A")
        assert row is not None and row.kind == "sitemap" and row.polls == 3
        assert due_after(10, errors=5) > due_after(10) > datetime.now(UTC)


def test_fetch_log_records_and_prunes(tmp_path: Path) -> None:
    with open_archive(tmp_path / "k.db") as archive:
        log = archive.fetch_log
        for i in range(30):
            log.record(_result(f"https://a.id/{i}", error="x" * 2000))
        assert log.fetch_counts() == {"ok": 30}
        assert log.prune(keep=10) == 20
        recent = log.recent_fetches(100)
        assert len(recent) == 10 and recent[0]["url"] == "https://a.id/29" and len(recent[0]["error"]) <= 500
        assert recent[0]["bytes"] == 3


def test_an_articles_pages_are_done_under_its_id(archive_url: str) -> None:
    # Pages read as part of an article: done whether listed before (pending, failed) or not at
    # all, so the crawl never takes them as articles; a page stored as its own article stays so.
    with kabar_open_archive(archive_url) as archive:
        log = archive.frontier
        log.discover(
            [("https://a.id/x?page=2", {}), ("https://a.id/x?page=4", {}), ("https://a.id/y", {})], "A"
        )
        log.finish("https://a.id/x?page=4", outcome="timeout", article_id=None, retry=False)
        log.finish("https://a.id/y", outcome="added", article_id=9, retry=False)
        pages = ["https://a.id/x?page=2", "https://a.id/x?page=3", "https://a.id/x?page=4", "https://a.id/y"]
        log.mark_pages(pages, article_id=5, source="A")
        assert [log.state_of(u) for u in pages] == ["done"] * 4
        assert log.pending() == []
        assert log.discover([("https://a.id/x?page=3", {})], "B") == 0
        counts = log.counts()
        assert (counts.pending, counts.done, counts.failed) == (0, 4, 0)
