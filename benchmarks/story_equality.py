"""Story membership of the whole IndoSum corpus, to check that a faster story indexer assigns as before.

    PYTHONPATH=src:. .venv/bin/python -m benchmarks.story_equality --out after.json [--bulk]
    PYTHONPATH=/path/to/old/src:. .venv/bin/python -m benchmarks.story_equality --out before.json
    .venv/bin/python -m benchmarks.story_equality --compare before.json after.json

Every article of ``../shared/corpus/indosum-dev.jsonl`` (3,463) is ingested in publication
order into a fresh SQLite archive, in batches of 64 as ``kabar ingest`` stores them (or, with
``--bulk``, stored first and its stories built at the end, as ``kabar ingest --bulk`` does).
Every tenth article has no headline (its features read the URL slug) and every other one
carries capitalised names as entities, so the headline, slug and entity paths all count.

``--memory`` clusters the same articles in memory (no archive): the batched and bulk archive
paths must give exactly its membership. ``--out`` writes each article's story mates (by URL; ids are the same in both runs, URLs say
it plainly); ``--compare`` counts the articles whose mates differ between two such files and
exits non-zero when any does. Run it with the code before a change (its ``src`` first on
``PYTHONPATH``) and after, and compare.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks._common import shared
from kabar.archive import open_archive
from kabar.archive.articles_core import CoreArchive
from kabar.model import Article, Entity, Mention
from kabar.wiring import default_indexers

BATCH = 64
_NAME = re.compile(r"\b([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?)\b")


def _entities(text: str) -> list[Entity]:
    names = list(dict.fromkeys(m.group(1) for m in _NAME.finditer(text)))[:6]
    return [
        Entity(name=n, type="person" if i % 2 == 0 else "place", mentions=[Mention(0, len(n), n)])
        for i, n in enumerate(names)
    ]


def corpus_articles(path: Path, start: int = 0, count: int | None = None) -> list[Article]:
    """The corpus in publication order (``count`` of them from ``start``), as ingest maps a
    record: every tenth without a headline, every other one with capitalised names as entities
    (cheap and deterministic: understanding is not under test). tests/test_ingest_equality uses it too."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records.sort(key=lambda r: (r["published_utc"], r["url"]))
    out = []
    for i, rec in enumerate(records[start : None if count is None else start + count]):
        body = [p.strip() for p in rec["body"].split("\n\n") if p.strip()]
        host = urlsplit(rec["url"]).netloc.removeprefix("www.")
        out.append(
            Article(
                headline="" if i % 10 == 9 else rec["title_from_slug"].capitalize(),
                paragraphs=body,
                published=datetime.fromisoformat(rec["published_utc"]),
                outlet=host,
                url=rec["url"],
                canonical_url=rec["url"],
                entities=_entities(" ".join(body)) if i % 2 == 0 else [],
            )
        )
    return out


def membership(db: Path, articles: list[Article], bulk: bool) -> dict[str, list[str]]:
    """Each article's URL to the sorted URLs of its story (itself included; absent: no story)."""
    archive = open_archive(str(db), default_indexers(note_reach=False))
    assert isinstance(archive, CoreArchive)
    try:
        if bulk:
            from kabar.archive.batch_write import deferred_indexes
            from kabar.archive.bulk_index import build_pending

            with deferred_indexes():
                for i in range(0, len(articles), BATCH):
                    archive.add_batch(articles[i : i + BATCH])
            build_pending(archive)
        else:
            for i in range(0, len(articles), BATCH):
                results = archive.add_batch(articles[i : i + BATCH])
                if any(r.error is not None for r in results):
                    raise SystemExit(f"an article of batch {i // BATCH} failed")
        urls = {}
        stories: dict[int, list[str]] = {}
        for aid in range(1, archive.count() + 1):
            got = archive.get(aid)
            if got is None:
                continue
            urls[aid] = got.url or ""
            sid = archive.stories.article_story(aid)
            if sid is not None:
                stories.setdefault(sid, []).append(urls[aid])
        return {url: sorted(mates) for mates in stories.values() for url in mates}
    finally:
        archive.close()


def membership_memory(articles: list[Article]) -> dict[str, list[str]]:
    """The same membership from the in-memory clusterer (no archive): the archive's paths must
    give exactly this."""
    from kabar.understand.story_cluster import MemoryStoryStore, assign
    from kabar.understand.story_features import article_features

    store = MemoryStoryStore()
    stories: dict[int, list[str]] = {}
    for a in articles:
        f = article_features(a)
        if not f.terms and not f.entities:
            continue  # as the story indexer: nothing to compare on, no story
        stories.setdefault(assign(store, f).story_id, []).append(a.url or "")
    return {url: sorted(mates) for mates in stories.values() for url in mates}


def compare(before: dict[str, list[str]], after: dict[str, list[str]]) -> int:
    """How many articles have other story mates (or a story on one side only)."""
    return sum(1 for url in before.keys() | after.keys() if before.get(url) != after.get(url))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="write the membership here")
    parser.add_argument("--bulk", action="store_true", help="stories built at the end (kabar ingest --bulk)")
    parser.add_argument("--memory", action="store_true", help="the in-memory clusterer, no archive")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        differing = compare(before, after)
        stories = len({tuple(m) for m in after.values()})
        print(
            f"articles {len(after.keys() | before.keys())} in stories after {stories}: differing {differing}"
        )
        return 1 if differing else 0
    if args.out is None:
        parser.error("--out or --compare")
    articles = corpus_articles(shared("corpus", "indosum-dev.jsonl"))
    started = time.process_time()
    if args.memory:
        got = membership_memory(articles)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            got = membership(Path(tmp) / "a.db", articles, args.bulk)
    args.out.write_text(json.dumps(got, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"articles {len(articles)} with a story {len(got)} cpu {time.process_time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
