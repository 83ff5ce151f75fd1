"""Near-duplicate detection: precision, recall and throughput on reprints made from the corpus.

Each of N corpus articles gets one reprint of a kind an outlet really produces:
cut short, furniture inserted ("Baca juga: …", "Advertisement"), paragraphs
reordered, sentences edited, a different headline and dateline, or all of these
lightly at once. The reprints are ingested with the untouched corpus (3,463
articles) into a fresh archive whose only indexer is kabar's ``DedupIndexer``;
a pair is correct when both articles come from the same corpus original.

Anchor, same run: datasketch's own in-memory ``MinHashLSH`` (threshold 0.5) over
the same signatures — what you get without kabar's SQL banding, grouping and
containment check.

    .venv/bin/python -m benchmarks.dedup [--reprints 600]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from benchmarks._common import result
from benchmarks.link_corpus import load_corpus
from kabar.archive.sqlite import open_archive
from kabar.link.dedup import DedupIndexer
from kabar.model import Article

QUICK_ARGS = ["--reprints", "200"]
FURNITURE = [
    "Advertisement",
    "Scroll to continue with content",
    "Baca juga: {other}",
    "Simak juga: {other}",
    "BACA JUGA: {other}",
    "(ant/nat)",
    "Editor: Redaksi",
]
_SENT = re.compile(r"(?<=[.!?])\s+")
_NUM = re.compile(r"\d+")


def _sentences(paragraphs: list[str]) -> list[list[str]]:
    return [[s for s in _SENT.split(p) if s] for p in paragraphs]


def truncate(a: Article, rng: random.Random, others: list[str]) -> Article:
    words = sum(len(p.split()) for p in a.paragraphs)
    keep = int(words * rng.uniform(0.3, 0.8))
    out, n = [], 0
    for p in a.paragraphs:
        w = p.split()
        if n + len(w) > keep:
            if keep - n > 5:
                out.append(" ".join(w[: keep - n]))
            break
        out.append(p)
        n += len(w)
    return replace(a, paragraphs=out or a.paragraphs[:1])


def furniture(a: Article, rng: random.Random, others: list[str]) -> Article:
    paras = list(a.paragraphs)
    for _ in range(rng.randint(2, 4)):
        line = rng.choice(FURNITURE).format(other=rng.choice(others))
        paras.insert(rng.randint(1, max(1, len(paras))), line)
    return replace(a, paragraphs=paras)


def reorder(a: Article, rng: random.Random, others: list[str]) -> Article:
    paras = list(a.paragraphs)
    head, rest = paras[:1], paras[1:]
    rng.shuffle(rest)
    return replace(a, paragraphs=head + rest)


def edit(a: Article, rng: random.Random, others: list[str]) -> Article:
    out = []
    for sentences in _sentences(a.paragraphs):
        kept = []
        for s in sentences:
            r = rng.random()
            if r < 0.1:
                continue  # sentence dropped
            if r < 0.3:
                words = s.split()
                if len(words) > 4:
                    i = rng.randrange(len(words))
                    words[i] = rng.choice(["pun", "juga", "tersebut", "itu", "kemudian"])
                    s = " ".join(words)
            elif r < 0.4:
                s = _NUM.sub(lambda m: str(int(m.group()) + 1), s)
            kept.append(s)
        if kept:
            out.append(" ".join(kept))
    return replace(a, paragraphs=out or a.paragraphs)


def headline(a: Article, rng: random.Random, others: list[str]) -> Article:
    paras = list(a.paragraphs)
    if paras:
        paras[0] = f"{rng.choice(['JAKARTA', 'SURABAYA', 'BANDUNG'])}, ANTARA - {paras[0]}"
    return replace(a, headline=rng.choice(others), paragraphs=paras)


def mixed(a: Article, rng: random.Random, others: list[str]) -> Article:
    b = headline(a, rng, others)
    b = furniture(b, rng, others)
    b = edit(b, rng, others)
    if rng.random() < 0.5:
        b = reorder(b, rng, others)
    return b


KINDS: dict[str, Callable[[Article, random.Random, list[str]], Article]] = {
    "truncated": truncate,
    "furniture": furniture,
    "reordered": reorder,
    "edited": edit,
    "headline": headline,
    "mixed": mixed,
}


@dataclass(slots=True)
class Scores:
    precision: float
    recall: float
    predicted: int
    true_pairs: int


def pairs_of(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for g in groups:
        out.update((min(a, b), max(a, b)) for a, b in combinations(sorted(set(g)), 2))
    return out


def score(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> Scores:
    hit = len(predicted & truth)
    return Scores(
        precision=hit / len(predicted) if predicted else 1.0,
        recall=hit / len(truth) if truth else 1.0,
        predicted=len(predicted),
        true_pairs=len(truth),
    )


def anchor_datasketch(
    articles: list[tuple[int, Article]], indexer: DedupIndexer
) -> tuple[set[tuple[int, int]], float]:
    """datasketch's MinHashLSH at threshold 0.5 on the same signatures: pairs and articles/s of CPU."""
    num_perm = indexer.options.signature.num_perm
    lsh = MinHashLSH(threshold=0.5, num_perm=num_perm)
    pairs: set[tuple[int, int]] = set()
    t0 = time.process_time()
    for aid, art in articles:
        signed = indexer.sign(art)
        if signed is None:
            continue
        mh = MinHash(num_perm=num_perm, hashvalues=signed.signature, scheme="affine32")
        for other in lsh.query(mh):
            pairs.add((min(aid, other), max(aid, other)))
        lsh.insert(aid, mh)
    return pairs, len(articles) / (time.process_time() - t0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reprints", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    corpus = load_corpus()
    headlines = [c.article.headline or "" for c in corpus]
    chosen = rng.sample(range(len(corpus)), min(args.reprints, len(corpus)))
    kinds = list(KINDS)
    reprints: list[tuple[int, str, Article]] = []
    for n, idx in enumerate(chosen):
        kind = kinds[n % len(kinds)]
        art = KINDS[kind](corpus[idx].article, rng, headlines)
        url = f"https://reprint.example/{n}"
        reprints.append((idx, kind, replace(art, url=url, canonical_url=url, outlet="reprint", id=None)))
    # Interleave reprints with originals in a shuffled order: a reprint may arrive first.
    stream: list[tuple[int, str, Article]] = [(i, "original", c.article) for i, c in enumerate(corpus)]
    stream += reprints
    rng.shuffle(stream)

    with tempfile.TemporaryDirectory() as tmp:
        indexer = DedupIndexer()
        spent = spent_cpu = 0.0
        original_index = indexer.index

        def timed(conn, article_id, article):  # type: ignore[no-untyped-def]
            nonlocal spent, spent_cpu
            t, c = time.perf_counter(), time.process_time()
            original_index(conn, article_id, article)
            spent += time.perf_counter() - t
            spent_cpu += time.process_time() - c

        indexer.index = timed  # type: ignore[method-assign]
        archive = open_archive(Path(tmp) / "dedup.db", indexers=[indexer])
        family: dict[int, int] = {}
        kind_of: dict[int, str] = {}
        order: list[tuple[int, Article]] = []
        exact = 0
        t0 = time.perf_counter()
        for origin, kind, art in stream:
            res = archive.add(art)
            if res.status != "added":
                exact += 1  # folded by the archive itself (same URL or content hash)
                continue
            family[res.id] = origin
            if kind != "original":
                kind_of[res.id] = kind
            order.append((res.id, art))
        ingest_s = time.perf_counter() - t0
        groups = archive.duplicates.list_groups()
        archive.close()

    by_family: dict[int, list[int]] = defaultdict(list)
    for aid, origin in family.items():
        by_family[origin].append(aid)
    truth = pairs_of(by_family.values())
    predicted = pairs_of([m.id for m in g.members] for g in groups)
    kabar = score(predicted, truth)
    anchor_pairs, anchor_rate = anchor_datasketch(order, DedupIndexer())
    anchor = score(anchor_pairs, truth)

    print(
        f"articles: {len(stream)} ({len(corpus)} corpus + {len(reprints)} reprints), groups: {len(groups)}, "
        f"exact duplicates folded by the archive: {exact}"
    )
    print(f"{'':28}{'precision':>10}{'recall':>8}{'pairs':>7}")
    print(f"{'kabar DedupIndexer (SQL)':28}{kabar.precision:>10.3f}{kabar.recall:>8.3f}{kabar.predicted:>7}")
    print(
        f"{'datasketch MinHashLSH 0.5':28}{anchor.precision:>10.3f}{anchor.recall:>8.3f}{anchor.predicted:>7}"
    )
    print("recall by kind (kabar / datasketch):")
    for kind in kinds:
        kt = {p for p in truth if kind_of.get(p[0]) == kind or kind_of.get(p[1]) == kind}
        print(f"  {kind:10} {len(kt & predicted) / len(kt):.3f} / {len(kt & anchor_pairs) / len(kt):.3f}")
    wrong = Counter(
        "reprint-involved" if (a in kind_of or b in kind_of) else "corpus-corpus"
        for a, b in predicted - truth
    )
    print(f"false pairs: {dict(wrong) or 0}")
    print(
        f"throughput: dedup indexer {len(stream) / spent:,.0f} articles/s wall, "
        f"{len(stream) / spent_cpu:,.0f}/s of CPU (whole archive add {len(stream) / ingest_s:,.0f}/s); "
        f"datasketch in-memory LSH {anchor_rate:,.0f}/s of CPU; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    anchor_name = "datasketch MinHashLSH 0.5"
    result("near-duplicate precision", kabar.precision, "", anchor=anchor_name, anchor_value=anchor.precision)
    result("near-duplicate recall", kabar.recall, "", anchor=anchor_name, anchor_value=anchor.recall)
    result("dedup indexing rate", len(stream) / spent_cpu, "articles/CPU s", anchor=anchor_name + " (in memory)",
           anchor_value=anchor_rate)  # fmt: skip


if __name__ == "__main__":
    main()
