"""benchmarks.stories --tune-only: the held-out (fresh) set is never loaded, so working runs cannot look at it."""

from __future__ import annotations

from datetime import datetime

import pytest
from benchmarks import stories
from benchmarks.story_eval import CorpusArticle, Judged

from kabar.model import Article


def _corpus() -> list[CorpusArticle]:
    texts = ["Banjir melanda Jakarta Utara, ribuan warga mengungsi.", "Timnas menang 2-0 atas Malaysia."]
    return [
        CorpusArticle(
            key=f"a{n}",
            article=Article(
                headline=None,
                published=datetime(2017, 9, 1 + n),
                paragraphs=[t],
                canonical_url=f"https://contoh.test/a{n}",
            ),
        )
        for n, t in enumerate(texts)
    ]


def _judged() -> Judged:
    return Judged(
        gold={"a0": "s0", "a1": "s1"},
        stories=[{"key": "s0", "ids": ["a0"]}, {"key": "s1", "ids": ["a1"]}],
        hard_negatives=[],
    )


def _never() -> Judged | None:
    raise AssertionError("the fresh set was loaded")


def test_tune_only_never_loads_the_fresh_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(stories, "load_corpus", lambda time_order=True: _corpus())
    monkeypatch.setattr(stories, "load_judged", _judged)
    monkeypatch.setattr(stories, "load_fresh", _never)
    stories.main(["--tune-only"])
    out = capsys.readouterr().out
    assert "judged set" in out
    assert "fresh" not in out.replace("never load", "")


def test_without_the_flag_the_fresh_set_is_scored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(stories, "load_corpus", lambda time_order=True: _corpus())
    monkeypatch.setattr(stories, "load_judged", _judged)
    monkeypatch.setattr(stories, "load_fresh", _judged)
    stories.main([])
    assert "fresh set (test)" in capsys.readouterr().out
