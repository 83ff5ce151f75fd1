"""``kabar export`` and the archive's streaming read, on both backends.

Exports are made through the CLI (typer's CliRunner against real databases) and read back
with pyarrow (Parquet), json (JSON Lines) and csv: rows, columns and values are checked
against the articles stored.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from backends import open_test_archive
from export_support import ODD_HEADLINE, ODD_PARAGRAPHS, Sample, build_sample
from kabar.archive.article_stream import StreamQuery
from kabar.cli.main import app
from kabar.export.options import RecordOptions
from kabar.export.records import export_schema

runner = CliRunner()


@pytest.fixture
def sample(archive_url: str) -> Sample:
    return build_sample(archive_url)


@pytest.fixture(autouse=True)
def long_csv_fields() -> Iterator[None]:
    # Python's csv reader refuses fields over 128 KiB unless told; the odd article has one.
    before = csv.field_size_limit(sys.maxsize)
    yield
    csv.field_size_limit(before)


def _export(sample: Sample, out: Path, *args: str) -> None:
    result = runner.invoke(app, ["export", "--db", sample.url, "--out", str(out), "-q", *args])
    assert result.exit_code == 0, result.output


def test_parquet_holds_every_article_with_nested_entities(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "berita.parquet"
    _export(sample, out, "--with-entities")
    table = pq.read_table(out)
    assert table.schema.names == export_schema(RecordOptions(with_entities=True)).names
    assert table.column("id").to_pylist() == sample.ids  # every article, once, in id order
    rows = {r["id"]: r for r in table.to_pylist()}
    for article_id, article in sample.articles.items():
        row = rows[article_id]
        assert row["headline"] == article.headline
        assert row["paragraphs"] == article.paragraphs
        assert row["body"] == "\n\n".join(article.paragraphs)
        assert row["outlet"] == article.outlet
        assert row["content_hash"] == article.content_hash
        assert row["published"] == article.published  # an aware time, read back in UTC
        assert row["published"].tzinfo is not None
    first = rows[sample.ids[0]]
    assert first["authors"] == ["Penulis 0", "Redaksi"]
    assert first["images"] == [
        {"caption": "Foto 0", "credit": "ANTARA", "position": 1, "url": "https://img.example/0.jpg"}
    ]
    assert first["related"][0]["age_seconds"] == 7200
    jokowi = first["entities"][0]
    assert (jokowi["name"], jokowi["type"], jokowi["aliases"]) == ("Joko Widodo", "person", ["Jokowi"])
    assert jokowi["mentions"] == [{"start": 0, "end": 11, "text": "Joko Widodo", "field": "body:1"}]
    one, many = first["time_expressions"]
    assert (one["value"], one["values"]) == ("2022-01-09", None)
    assert (many["value"], many["values"]) == (None, ["2022-01-03", "2022-01-04"])
    # the archive's own grouping: every article stored with the story indexer has a story
    assert all(isinstance(r["story_id"], int) for r in rows.values())


def test_without_entities_the_nested_columns_are_absent(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "berita.parquet"
    _export(sample, out)
    names = pq.read_schema(out).names
    assert "entities" not in names and "time_expressions" not in names
    assert pq.read_metadata(out).num_rows == len(sample.ids)


def test_odd_text_survives_every_format(sample: Sample, tmp_path: Path) -> None:
    odd_id = sample.ids[-1]
    _export(sample, tmp_path / "a.parquet")
    _export(sample, tmp_path / "a.jsonl")
    _export(sample, tmp_path / "a.csv")
    parquet = {r["id"]: r for r in pq.read_table(tmp_path / "a.parquet").to_pylist()}
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    jsonl = {r["id"]: r for r in map(json.loads, lines)}
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as fh:
        table = {int(r["id"]): r for r in csv.DictReader(fh)}
    assert len(lines) == len(table) == len(parquet) == len(sample.ids)
    for row in (parquet[odd_id], jsonl[odd_id], table[odd_id]):
        assert row["headline"] == ODD_HEADLINE
        assert row["body"] == "\n\n".join(ODD_PARAGRAPHS)
        assert row["description"] == 'Deskripsi,\n"aneh"'
    assert parquet[odd_id]["paragraphs"] == ODD_PARAGRAPHS
    assert jsonl[odd_id]["paragraphs"] == ODD_PARAGRAPHS
    assert "paragraphs" not in table[odd_id]  # CSV: body carries them


def test_jsonl_and_csv_give_times_with_their_offset_and_lists_as_json(sample: Sample, tmp_path: Path) -> None:
    _export(sample, tmp_path / "a.jsonl", "--with-entities")
    _export(sample, tmp_path / "a.csv", "--with-entities")
    first_id = sample.ids[0]
    article = sample.articles[first_id]
    row = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert row["id"] == first_id
    assert row["published"] == article.published.isoformat()  # type: ignore[union-attr]
    assert row["published"].endswith("+07:00")
    assert row["entities"][1]["name"] == "Bandung"
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as fh:
        cell = next(csv.DictReader(fh))
    assert cell["published"] == row["published"]
    assert json.loads(cell["tags"]) == article.tags
    assert json.loads(cell["entities"])[0]["aliases"] == ["Jokowi"]
    assert cell["story_id"] == str(row["story_id"])


def _ids(path: Path) -> list[int]:
    return pq.read_table(path, columns=["id"]).column("id").to_pylist()


def test_filters_pick_the_same_articles_as_the_stored_values(sample: Sample, tmp_path: Path) -> None:
    plain = {i: a for i, a in sample.articles.items() if a.headline and a.headline.startswith("Berita")}
    _export(sample, tmp_path / "kompas.parquet", "--outlet", "kompas")
    assert _ids(tmp_path / "kompas.parquet") == sorted(
        i for i, a in sample.articles.items() if a.outlet == "kompas"
    )
    _export(sample, tmp_path / "y2023.parquet", "--since", "2023-01-01", "--until", "2023-12-31")
    in_2023 = [
        i for i, a in sample.articles.items() if a.published and a.published.astimezone(UTC).year == 2023
    ]
    expected = sorted(in_2023, key=lambda i: (sample.articles[i].published, i))  # a time filter: time order
    assert expected and _ids(tmp_path / "y2023.parquet") == expected
    _export(sample, tmp_path / "gempa.parquet", "--query", "gempa")
    gempa = sorted(i for i, a in plain.items() if "gempa" in (a.headline or ""))
    assert gempa and _ids(tmp_path / "gempa.parquet") == gempa
    _export(sample, tmp_path / "gempa-kompas.parquet", "--query", "gempa", "--outlet", "kompas")
    assert _ids(tmp_path / "gempa-kompas.parquet") == [
        i for i in gempa if sample.articles[i].outlet == "kompas"
    ]


def test_story_filter_exports_the_story_members(sample: Sample, tmp_path: Path) -> None:
    with open_test_archive(sample.url) as archive:
        stories = {i: archive.stories.article_story(i) for i in sample.ids}
    story = stories[sample.ids[0]]
    assert story is not None
    members = sorted(i for i, s in stories.items() if s == story)
    _export(sample, tmp_path / "story.parquet", "--story", str(story))
    table = pq.read_table(tmp_path / "story.parquet")
    assert table.column("id").to_pylist() == members
    assert set(table.column("story_id").to_pylist()) == {story}
    _export(sample, tmp_path / "story-q.parquet", "--story", str(story), "--query", "gempa")
    expected = [i for i in members if "gempa" in (sample.articles[i].headline or "")]
    assert _ids(tmp_path / "story-q.parquet") == expected


@pytest.mark.parametrize(
    "query",
    [
        StreamQuery(),
        StreamQuery(outlet="tempo"),
        StreamQuery(text="pemilu"),
        StreamQuery(since=datetime(2023, 1, 1, tzinfo=UTC)),
        StreamQuery(outlet="kompas", until=datetime(2024, 1, 1, tzinfo=UTC)),
    ],
    ids=["all", "outlet", "search", "since", "outlet-until"],
)
def test_pages_cover_every_match_once(sample: Sample, query: StreamQuery) -> None:
    with open_test_archive(sample.url) as archive:
        whole = [a.id for page in archive.stream_articles(query) for a in page.articles]
        pages = list(archive.stream_articles(replace(query, page_size=2)))
        paged = [a.id for page in pages for a in page.articles]
        total = archive.count_matching(query)
    assert whole and paged == whole and len(set(whole)) == len(whole)
    assert total == len(whole)
    assert len(pages) >= len(whole) // 2  # really paged
    assert all(len(p.articles) <= 2 for p in pages)
    timed = query.since is not None or query.until is not None
    if timed:  # in publication order, then id
        times = [sample.articles[i].published for i in whole]
        assert times == sorted(times)  # type: ignore[type-var]
        picked = {i for i, a in sample.articles.items() if a.published and _in(query, a.published)}
        picked = {i for i in picked if query.outlet is None or sample.articles[i].outlet == query.outlet}
        assert set(whole) == picked
    else:
        assert whole == sorted(whole)


def _in(query: StreamQuery, when: datetime) -> bool:
    return (query.since is None or when >= query.since) and (query.until is None or when < query.until)


def test_list_pages_with_offset_past_any_cap(sample: Sample) -> None:
    seen: list[int] = []
    offset = 0
    while True:
        result = runner.invoke(
            app, ["list", "--db", sample.url, "-f", "json", "--limit", "4", "--offset", str(offset)]
        )
        assert result.exit_code == 0, result.output
        page = [r["id"] for r in json.loads(result.stdout)]
        if not page:
            break
        seen.extend(page)
        offset += len(page)
    assert sorted(seen) == sample.ids and len(seen) == len(set(seen))


def _comparable(value: object) -> object:
    """A value as JSON Lines writes it (times as UTC instants, to compare with Parquet's)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def test_parquet_and_jsonl_hold_the_same_values(sample: Sample, tmp_path: Path) -> None:
    """Parquet is decoded by Arrow, JSON Lines by Python: every column of every row agrees."""
    _export(sample, tmp_path / "a.parquet", "--with-entities")
    _export(sample, tmp_path / "a.jsonl", "--with-entities")
    parquet = pq.read_table(tmp_path / "a.parquet").to_pylist()
    schema = export_schema(RecordOptions(with_entities=True))
    for row, line in zip(
        parquet, (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines(), strict=True
    ):
        plain = json.loads(line)
        assert list(plain) == schema.names
        for name in ("published", "modified", "captured_at"):
            plain[name] = datetime.fromisoformat(plain[name]) if plain[name] else None
        for item in plain["related"]:
            item["published"] = datetime.fromisoformat(item["published"]) if item["published"] else None
        assert _comparable(row) == _comparable(plain)


@pytest.mark.parametrize(
    "query",
    [
        StreamQuery(page_size=2),
        StreamQuery(outlet="kompas", page_size=2),
        StreamQuery(
            since=datetime(2022, 6, 1, tzinfo=UTC), until=datetime(2024, 6, 1, tzinfo=UTC), page_size=2
        ),
        StreamQuery(outlet="tempo", since=datetime(2022, 6, 1, tzinfo=UTC), page_size=2),
    ],
    ids=["all", "outlet", "since-until", "outlet-since"],
)
def test_no_page_sorts_the_rest_of_the_archive(tmp_path: Path, query: StreamQuery) -> None:
    """Each page's read walks an index in the page's own order (SQLite's plan): a page costs the
    same at any depth. A plan with a sort would fetch and sort every remaining match per page."""
    sample = build_sample(str(tmp_path / "kabar.db"), odd=False)
    seen: list[tuple[str, object]] = []
    with open_test_archive(sample.url) as archive:
        event.listen(archive.engine, "before_cursor_execute", lambda *a: seen.append((a[2], a[3])))
        assert sum(len(p.articles) for p in archive.stream_articles(query)) > 2
        pages = [(sql, params) for sql, params in seen if "FROM articles" in sql and " LIMIT " in sql]
        assert len(pages) >= 2
        with archive.engine.connect() as conn:
            raw = conn.connection.driver_connection
            plans = [
                " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql, params))
                for sql, params in pages
            ]
    for plan in plans:
        assert "TEMP B-TREE" not in plan, plan
        assert "SCAN articles" not in plan, plan
