"""Property tests of the query reader (archive search on a small fixture archive) and of the
tokeniser and stemmer every indexed word goes through."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import fuzz_settings, long_runs, prose, search_texts, text_with_hostility
from kabar.archive.base import SearchQuery
from kabar.lang.analysis import analyze, stem, token_spans, tokenize
from search_fixtures import search_archive

# Hypothesis warns when it prints a grammar strategy's (long) repr; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    opened = search_archive(tmp_path_factory.mktemp("fuzz_search") / "kabar.db")
    yield opened
    opened.close()


WHEN = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from((UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-12)))),
    ),
)


@fuzz_settings(scale=3)
@given(
    search_texts(),
    st.integers(-5, 10_000),
    st.integers(-5, 10**9),
    st.one_of(st.none(), st.sampled_from(("Tempo", "", "'", "%", "\x00"))),
    WHEN,
    WHEN,
    st.sampled_from(("relevance", "newest")),
)
def test_search_answers_any_query(
    archive: object,
    text: str,
    limit: int,
    offset: int,
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    order: str,
) -> None:
    query = SearchQuery(
        text=text, limit=limit, offset=offset, outlet=outlet, since=since, until=until, order=order
    )  # type: ignore[arg-type]
    try:
        result = archive.search(query)  # type: ignore[attr-defined]
    except ValueError as exc:  # a bad limit or offset is refused by name, in the caller's terms
        assert any(word in str(exc) for word in ("limit", "offset")), exc
        return
    assert result.total >= 0 and len(result.hits) <= max(limit, 0)
    assert archive.count() == 6  # type: ignore[attr-defined]  # a query never changes the archive


@fuzz_settings(scale=4)
@given(st.one_of(text_with_hostility(), st.text(max_size=300), long_runs()))
def test_tokeniser_spans_match_tokens(text: str) -> None:
    tokens = tokenize(text)
    spans = token_spans(text)
    assert len(spans) == len(tokens)
    for (start, end), token in zip(spans, tokens, strict=True):
        assert text[start:end].lower() == token
    analyze(text)


@fuzz_settings(scale=4)
@given(st.one_of(st.text(max_size=60), prose(1), st.builds(lambda a, b: a + b, st.sampled_from(
    ("me", "mem", "meng", "meny", "pe", "pem", "per", "ber", "ter", "di", "ke", "se", "memper", "diper", "")
), st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", max_size=40))))  # fmt: skip
def test_stemmer_any_word(word: str) -> None:
    assert isinstance(stem(word), str)
    assert isinstance(stem(word.lower()), str)
