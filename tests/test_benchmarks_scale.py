"""The scale benchmark's synthetic archive (benchmarks/scale.py), small, on both backends."""

from __future__ import annotations

from collections import Counter

from benchmarks.scale import SynthOptions, build, make_queries, measure, prepare, split_sentences
from benchmarks.synth import load_corpus

from backends import open_test_archive
from conftest import shared_path
from kabar.archive.base import SearchQuery
from kabar.lang.analysis import default_analyzer
from kabar.serve.sections import related_articles


def test_synthetic_archive_answers_search_and_related(archive_url: str) -> None:
    corpus = load_corpus(shared_path("corpus", "indosum-dev.jsonl"), limit=400)
    # verify_every=1: every article's memoised terms are checked against a full analyze().
    figures = build(
        archive_url, SynthOptions(count=200, verify_every=1), batch=64, progress=False, corpus=corpus
    )
    assert figures.articles == 200
    assert figures.bytes_on_disk > 0
    archive = open_test_archive(archive_url)
    try:
        assert archive.count() == 200
        articles = archive.get_many(list(range(1, 201)))
        assert len({a.content_hash for a in articles}) == 200
        # Realistic shape: several outlets, years of dates in id order, corpus-like lengths.
        assert len({a.outlet for a in articles}) >= 3
        dated = [a.published for a in articles if a.published is not None]
        assert len(dated) == 200 and (dated[-1] - dated[0]).days > 3 * 365
        corpus_words = sorted(len(a.body.split()) for a in corpus)
        synth_words = sorted(len(a.body.split()) for a in articles)
        assert 0.5 < synth_words[100] / corpus_words[len(corpus_words) // 2] < 2.0
        # New texts made of corpus sentences: no article is a corpus article again.
        originals = {a.content_hash for a in corpus}
        assert not originals & {a.content_hash for a in articles}
        corpus_text = "\n".join(s for a in corpus for p in a.paragraphs for s in split_sentences(p))
        assert all(split_sentences(a.paragraphs[0])[0] in corpus_text for a in articles)

        queries = make_queries(corpus, 30, default_analyzer())
        assert Counter(len(q.split()) for q in queries).keys() >= {1, 2}
        answered = [q for q in queries if archive.search(SearchQuery(text=q)).hits]
        assert len(answered) >= len(queries) // 2
        with_related = [i for i in range(1, 201, 20) if related_articles(archive, i, 10)]
        assert len(with_related) >= 8
    finally:
        archive.close()
    measured = measure(archive_url, queries[:10], 5)
    assert measured.articles == 200
    assert len(measured.search.wall_ms) == len(measured.bare.wall_ms) == 10
    assert len(measured.related.wall_ms) == 5 and measured.empty_related < 5


def test_material_keeps_every_sentence_once() -> None:
    corpus = load_corpus(shared_path("corpus", "indosum-dev.jsonl"), limit=50)
    material = prepare(corpus)
    assert len(set(material.sentences.texts)) == len(material.sentences.texts)
    assert len(material.sentences.terms) == len(material.sentences.texts)
    assert sum(len(ids) for ids in material.sentences.by_section.values()) == len(material.sentences.texts)
