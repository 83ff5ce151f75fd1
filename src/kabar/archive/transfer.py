"""Copy an archive into another, on any pair of backends (``kabar migrate``).

Articles are copied in id order and keep their ids (the portal's and the API's links
stay valid); every derived index — search, near-duplicates, entities, stories — is
rebuilt in the target by its own indexers as each article arrives, exactly as ingest
built it in the source (in the same order, so story clustering comes out the same).
The target must be empty or an earlier, interrupted copy of the same source: each
article is one transaction, so running the copy again resumes where it stopped. The
counts are verified at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select

from kabar.archive.articles_core import CoreArchive, article_from_row
from kabar.archive.errors import ArchiveError
from kabar.archive.schema import articles
from kabar.model import Article


class CopyRefused(ArchiveError):
    """The target holds articles that are not the source's: copying would mix two archives."""

    summary = "the target archive already holds other articles"


@dataclass(slots=True, frozen=True)
class CopyOptions:
    batch: int = 200


@dataclass(slots=True)
class CopyReport:
    source_articles: int = 0
    copied: int = 0  # stored by this run
    already_there: int = 0  # stored by an earlier, interrupted run
    target_articles: int = 0
    source_copies: int = 0  # other URLs the texts appeared under (kabar.archive.copy_store)
    target_copies: int = 0

    @property
    def verified(self) -> bool:
        return self.source_articles == self.target_articles and self.source_copies == self.target_copies


@dataclass(slots=True, frozen=True)
class StoredArticle:
    id: int
    content_hash: str
    article: Article


def _batches(archive: CoreArchive, size: int) -> Iterator[list[StoredArticle]]:
    """Every article in id order, ``size`` at a time (keyset paging: no OFFSET scans)."""
    after = 0
    stmt = select(articles.c.id, articles.c.content_hash, articles.c.data).order_by(articles.c.id)
    while True:
        with archive.engine.connect() as conn:
            rows = conn.execute(stmt.where(articles.c.id > after).limit(size)).all()
        if not rows:
            return
        yield [StoredArticle(int(r[0]), str(r[1]), article_from_row(int(r[0]), r[2])) for r in rows]
        after = int(rows[-1][0])


def _hashes(archive: CoreArchive) -> dict[int, str]:
    """id → content hash of every article (two narrow columns: ~70 bytes an article)."""
    with archive.engine.connect() as conn:
        return {int(r[0]): str(r[1]) for r in conn.execute(select(articles.c.id, articles.c.content_hash))}


def _count(archive: CoreArchive) -> int:
    with archive.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(articles)).scalar_one())


def copy_archive(
    source: CoreArchive,
    target: CoreArchive,
    options: CopyOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> CopyReport:
    """Copy every article of ``source`` into ``target`` (whose indexers rebuild the indexes).

    ``progress`` is called with the number of articles handled after each batch.
    """
    opts = options or CopyOptions()
    report = CopyReport(source_articles=_count(source))
    present = _hashes(target)
    if present:
        source_hashes = _hashes(source)
        strangers = [i for i, h in present.items() if source_hashes.get(i) != h]
        if strangers:
            raise CopyRefused(
                target.url,
                f"holds {len(strangers):,} articles that are not this source's (article {strangers[0]} "
                "among them); copy into a new, empty archive.",
            )
    try:
        for batch in _batches(source, max(1, opts.batch)):
            for stored in batch:
                if stored.id in present:
                    report.already_there += 1
                    continue
                result = target.add_keeping_id(stored.article, stored.id)
                if result.status != "added" or result.id != stored.id:
                    raise CopyRefused(
                        target.url,
                        f"article {stored.id} of the source was taken for article {result.id} of the target "
                        f"({result.status}); the source holds two articles the target counts as one.",
                    )
                report.copied += 1
            if progress is not None:
                progress(len(batch))
    finally:
        target.ids_taken()
    # Copies after their articles (each names one by id); recording one twice records nothing.
    copies = source.copies.all_copies()
    report.source_copies = len(copies)
    target_copies = target.copies
    for copy in copies:
        target_copies.record(copy)
    report.target_copies = target_copies.count()
    report.target_articles = _count(target)
    return report


__all__ = ["CopyOptions", "CopyRefused", "CopyReport", "copy_archive"]
