"""kabar's analysed terms as tsvector/tsquery text: positions, weights, bounds, quoting."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from backends import PgServer
from kabar.archive.pg_tsvector import MAX_POSITION, quote_lexeme, tsquery_text, tsvector_text
from kabar.archive.term_records import DocTerms


def test_headline_is_weight_a_body_weight_b_with_a_gap_between() -> None:
    text = tsvector_text(DocTerms(headline=["banjir", "jakarta"], body=["banjir", "warga", "ungsi"]))
    assert text == "'banjir':1A,4B 'jakarta':2A 'warga':5B 'ungsi':6B"


def test_positions_are_bounded_as_postgresql_keeps_them() -> None:
    text = tsvector_text(DocTerms(headline=[], body=["kata"] * 17_000 + ["akhir", "akhir"]))
    kata, akhir = text.split(" ")
    assert kata.startswith("'kata':2B,3B") and kata.count(",") == 255  # 256 positions at most
    assert akhir == f"'akhir':{MAX_POSITION}B"  # past the last position: clamped, once


def test_quotes_and_backslashes_cannot_break_out() -> None:
    assert quote_lexeme("it's") == "'it''s'"
    assert quote_lexeme("a\\b") == "'a\\\\b'"
    assert tsquery_text([("a'b", "c")], "OR") == "('a''b' <-> 'c')"


def test_phrases_and_operators() -> None:
    assert tsquery_text([("gencatan", "senjata"), ("rusia",)]) == "('gencatan' <-> 'senjata') & ('rusia')"
    assert tsquery_text([("a",), ("b",)], "OR") == "('a') | ('b')"
    assert tsquery_text([("",)]) == ""


@pytest.mark.postgres
def test_postgresql_reads_them_as_written(pg_server: PgServer) -> None:
    terms = DocTerms(headline=["desa-desa", "1.000", "it's"], body=["back\\slash", "desa-desa"])
    dsn = make_url(pg_server.url).render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        stored = conn.execute("SELECT CAST(%s AS tsvector)::text", (tsvector_text(terms),)).fetchone()
        assert stored is not None
        assert stored[0] == "'1.000':2A 'back\\\\slash':5B 'desa-desa':1A,6B 'it''s':3A"
        hit = conn.execute(
            "SELECT CAST(%s AS tsvector) @@ CAST(%s AS tsquery), CAST(%s AS tsvector) @@ CAST(%s AS tsquery)",
            (
                tsvector_text(terms),
                tsquery_text([("desa-desa", "1.000")]),
                tsvector_text(terms),
                tsquery_text([("it's", "back\\slash")]),  # across the headline/body gap: no phrase
            ),
        ).fetchone()
        assert hit == (True, False)
