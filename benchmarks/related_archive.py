"""The corpus archive of benchmarks.related, understood and stored once, cached by the code that builds it.

Understanding and storing the 3,463 IndoSum articles with the default indexers costs minutes
of CPU; ranking related news on the archive costs seconds. So the archive is kept under
``benchmarks/out/related-archive/<key>/`` and reused while ``key`` is the same. The key is
a hash of everything the archive's content depends on:

- every source and data file of ``src/kabar`` except those that only read an archive
  (related news' ranking, the portal, the command line, export, backfill, the engine,
  the change-log reach): a change to understanding, extraction, analysis, the stores or an
  indexer builds a new archive, a change to the ranking does not;
- this file and ``benchmarks/link_corpus.py`` (how articles are read and stored);
- the corpus file itself, and which articles are kept (``size``).

``size`` (default: the whole corpus) keeps every judged article of the judged sets and a
seeded sample of the others, in corpus order, so a small archive still scores every judged
query — but with fewer unjudged distractors, so its figures are not the full corpus's.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import resource
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.link_corpus import CORPUS, CorpusArticle, load_corpus
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.model import Article
from kabar.understand import enrich
from kabar.wiring import default_indexers

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "kabar"
CACHE = Path(__file__).resolve().parent / "out" / "related-archive"
# Paths under src/kabar that only read an archive: editing them must not rebuild it.
READERS = ("serve/", "cli/", "export/", "backfill/", "engine/", "link/change_reach.py")
READER_PREFIXES = ("link/related", "link/data/related_")
BUILDERS = (Path(__file__).resolve(), ROOT / "benchmarks" / "link_corpus.py")


@dataclass(slots=True)
class CorpusArchive:
    archive: SqliteArchive
    ids: dict[str, int]  # corpus id → archive id
    path: Path
    reused: bool


def _builds_archive(rel: str) -> bool:
    if "__pycache__" in rel or rel.endswith((".pyc", ".pyo")):
        return False
    return not rel.startswith(READERS) and not rel.startswith(READER_PREFIXES)


def code_files(src: Path = SRC) -> list[Path]:
    """The files whose content decides the archive's content, in a stable order."""
    files = [p for p in src.rglob("*") if p.is_file() and _builds_archive(p.relative_to(src).as_posix())]
    return sorted(files, key=lambda p: p.relative_to(src).as_posix())


def cache_key(
    size: int | None, keep: set[str], corpus: Path = CORPUS, files: Iterable[Path] | None = None
) -> str:
    h = hashlib.sha256()
    for path in [*(code_files() if files is None else files), *BUILDERS]:
        h.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    h.update(corpus.read_bytes())
    h.update(f"size={size}".encode())
    if size is not None:  # which articles a smaller archive keeps
        h.update("\n".join(sorted(keep)).encode())
    return h.hexdigest()[:16]


def select(corpus: Sequence[CorpusArticle], keep: set[str], size: int | None) -> list[CorpusArticle]:
    """Every judged article and a seeded sample of the rest, ``size`` in all, in corpus order."""
    if size is None or size >= len(corpus):
        return list(corpus)
    others = [c.corpus_id for c in corpus if c.corpus_id not in keep]
    extra = max(0, size - sum(1 for c in corpus if c.corpus_id in keep))
    chosen = keep | set(random.Random(17).sample(others, min(extra, len(others))))
    return [c for c in corpus if c.corpus_id in chosen]


def _understood(articles: Sequence[CorpusArticle], workers: int) -> Iterator[Article]:
    """Each article enriched, in corpus order; ``workers`` > 1 understands in that many processes
    (the same articles: understanding is a function of the article), ingest stays in order."""
    if workers <= 1:
        yield from (enrich(a.article) for a in articles)
        return
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(enrich, [a.article for a in articles], chunksize=8)


def _build(path: Path, articles: Sequence[CorpusArticle], workers: int) -> dict[str, int]:
    # The change-log reach is left out whatever KABAR_CACHE_INVALIDATION says: it changes no
    # answer of related news, and the archive must not depend on the environment.
    archive = open_archive(path, indexers=default_indexers(note_reach=False))
    ids: dict[str, int] = {}
    t, c = time.perf_counter(), time.process_time()
    try:
        for item, article in zip(articles, _understood(articles, workers), strict=True):
            ids[item.corpus_id] = archive.add(article).id
    finally:
        archive.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"understood and ingested {len(articles)} articles (default indexers) in "
        f"{time.perf_counter() - t:.1f} s, {time.process_time() - c:.1f} CPU-s here "
        f"+ {children.ru_utime + children.ru_stime:.1f} CPU-s in {workers if workers > 1 else 0} workers"
    )
    return ids


def corpus_archive(
    keep: set[str], size: int | None = None, at: Path | None = None, workers: int = 1
) -> CorpusArchive:
    """The cached archive for this code, corpus and size (built when missing); ``at`` overrides
    the cache with a path of one's own, reused whatever built it."""
    where = at if at is not None else CACHE / cache_key(size, keep) / "related.db"
    ids_file = where.with_name(where.name + ".ids.json")
    if where.exists() and ids_file.exists():
        print(f"reusing the archive at {where}")
        ids = json.loads(ids_file.read_text(encoding="utf-8"))
        return CorpusArchive(open_archive(where, read_only=True), ids, where, reused=True)
    where.parent.mkdir(parents=True, exist_ok=True)
    for stale in (where, ids_file):
        stale.unlink(missing_ok=True)  # a build cut short leaves a database without its ids
    ids = _build(where, select(load_corpus(), keep, size), workers)
    ids_file.write_text(json.dumps(ids), encoding="utf-8")  # written last: the archive is whole
    return CorpusArchive(open_archive(where, read_only=True), ids, where, reused=False)


__all__ = ["CACHE", "CorpusArchive", "cache_key", "code_files", "corpus_archive", "select"]
