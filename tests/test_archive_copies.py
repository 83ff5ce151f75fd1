"""Copies, not losses: known text under another URL or outlet is kept as a copy of the stored article.

On both backends (the ``archive_url`` fixture): through ``archive.add``, through the one ingest
path (which skips understanding for known text), in ``kabar show``, the API and the portal,
and with hostile values stored safely and rendered inert.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

from typer.testing import CliRunner

from backends import open_test_archive
from kabar.archive.copy_store import Appearance, CopyRecord, reprint_chain
from kabar.cli.main import app
from kabar.guard import GuardOptions
from kabar.ingest import IngestOptions, Ingestor, IngestSummary
from kabar.model import Article
from serve_support import Client, make_app

WIB = timezone(timedelta(hours=7))
FAST = GuardOptions(max_cpu_seconds=1.0, max_memory_mb=256)
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=WIB)


def _article(url: str, outlet: str, published: datetime | None = T0, **kw: object) -> Article:
    values: dict[str, object] = {
        "headline": "Harga beras naik di pasar Cipinang",
        "paragraphs": ["Harga beras medium naik Rp500 per kilogram.", "Pedagang menyebut pasokan berkurang."],
        "published": published,
        "outlet": outlet,
        "url": url,
        "canonical_url": url,
        "captured_at": datetime(2024, 5, 2, tzinfo=UTC),
    }
    values.update(kw)
    return Article(**values)  # type: ignore[arg-type]


def test_same_text_under_another_url_is_one_article_and_one_copy(archive_url: str) -> None:
    with open_test_archive(archive_url) as archive:
        first = archive.add(_article("https://antaranews.com/berita/1", "ANTARA"))
        assert first.status == "added"
        copy = _article("https://koran.example/beras", "Koran", published=T0 + timedelta(hours=2))
        result = archive.add(copy)
        assert (result.status, result.id) == ("copy", first.id)
        assert archive.count() == 1
        copies = archive.copies.copies_of(first.id)
        assert [(c.url, c.outlet, c.published) for c in copies] == [
            ("https://koran.example/beras", "Koran", T0 + timedelta(hours=2))
        ]
        assert copies[0].first_seen == datetime(2024, 5, 2, tzinfo=UTC)
        # the same copy URL again, and the original URL again: nothing new
        assert archive.add(copy).status == "unchanged"
        assert archive.add(_article("https://antaranews.com/berita/1", "ANTARA")).status == "unchanged"
        assert archive.copies.count() == 1 and archive.count() == 1


def test_a_known_url_now_carrying_another_articles_text_becomes_its_copy(archive_url: str) -> None:
    with open_test_archive(archive_url) as archive:
        a = archive.add(_article("https://a.example/1", "A")).id
        b = archive.add(_article("https://b.example/2", "B", headline="Lain", paragraphs=["Teks lain."])).id
        # the page at B's URL now carries A's text (a reprint): A's copy, B stays as it was
        result = archive.add(_article("https://b.example/2", "B"))
        assert (result.status, result.id) == ("copy", a)
        assert archive.get(b) is not None and archive.get(b).headline == "Lain"  # type: ignore[union-attr]
        assert [c.url for c in archive.copies.copies_of(a)] == ["https://b.example/2"]


def test_ingest_records_the_copy_without_understanding_and_once(archive_url: str) -> None:
    summary = IngestSummary()
    with open_test_archive(archive_url) as archive:
        with Ingestor(archive, IngestOptions(understand=False, guard=FAST)) as ingestor:
            for n, (url, outlet) in enumerate(
                [
                    ("https://antaranews.com/berita/1", "ANTARA"),
                    ("https://koran.example/beras", "Koran"),
                    ("https://koran.example/beras", "Koran"),
                    ("https://antaranews.com/berita/1", "ANTARA"),
                    ("https://tv.example/beras", "TV"),
                ]
            ):
                outcome = ingestor.store(_article(url, outlet), f"rec{n}")
                summary.record(outcome)
        assert (summary.added, summary.copies, summary.unchanged) == (1, 2, 2)
        assert summary.stored == 5
        assert archive.count() == 1 and archive.copies.count() == 2


def test_reprint_chain_orders_by_time_and_marks_the_first() -> None:
    late = Appearance("https://a.example/1", "A", T0 + timedelta(hours=3), None, original=True)
    copies = [
        CopyRecord(1, "https://b.example/1", "B", T0, datetime(2024, 5, 2, tzinfo=UTC)),
        CopyRecord(1, "https://c.example/1", "C", None, datetime(2024, 5, 1, 1, tzinfo=UTC)),
    ]
    chain = reprint_chain([late], copies)
    # C has no publication time: its first-seen time (08:00 WIB) stands for it
    assert [a.outlet for a in chain] == ["C", "B", "A"]
    assert [a.first for a in chain] == [True, False, False]
    unknown = reprint_chain([Appearance(None, "A", None, None, original=True)], [])
    assert [a.first for a in unknown] == [False]  # no time at all: nobody is called first


def test_copies_in_show_api_and_portal(archive_url: str, tmp_path: object) -> None:
    with open_test_archive(archive_url) as archive:
        aid = archive.add(
            _article("https://antaranews.com/berita/1", "ANTARA", published=T0 + timedelta(hours=1))
        ).id
        archive.add(_article("https://koran.example/beras", "Koran", published=T0))
        archive.add(_article("https://tv.example/beras", "TV", published=T0 + timedelta(hours=5)))

        shown = CliRunner().invoke(app, ["show", str(aid), "--db", archive_url, "--format", "json"])
        assert shown.exit_code == 0, shown.output
        answer = json.loads(shown.stdout)
        assert [c["outlet"] for c in answer["copies"]] == ["Koran", "TV"]
        assert [c["first"] for c in answer["copies"]] == [True, False]
        assert answer["first_appearance"]["url"] == "https://koran.example/beras"
        text = CliRunner().invoke(app, ["show", str(aid), "--db", archive_url])
        assert "Juga dimuat di" in text.stdout and "https://koran.example/beras" in text.stdout

        client = Client(make_app(archive))
        api = client.get(f"/api/articles/{aid}").json()
        assert [c["url"] for c in api["copies"]] == [
            "https://koran.example/beras",
            "https://tv.example/beras",
        ]
        assert api["first_appearance"]["outlet"] == "Koran" and not api["first_appearance"]["original"]
        html = client.get(f"/artikel/{aid}").text
        block = html[html.index("Juga dimuat di") :]
        assert re.search(r'href="https://koran.example/beras">https://koran.example/beras</a>', block)
        assert block.index("Koran") < block.index("TV")
        assert "pertama terbit" in block


def test_hostile_copy_values_are_stored_whole_and_rendered_inert(archive_url: str) -> None:
    long_url = "https://x.example/" + "a" * 100_000
    with open_test_archive(archive_url) as archive:
        aid = archive.add(_article("https://antaranews.com/berita/1", "ANTARA")).id
        assert archive.add(_article(long_url, "Panjang")).status == "copy"
        assert archive.add(_article("javascript:alert(1)", "<script>alert(1)</script>")).status == "copy"
        assert archive.add(_article("https://nul.example/1", "Nul\x00Media")).status == "copy"
        assert archive.add(_article(long_url, "Panjang")).status == "unchanged"
        copies = {c.outlet: c.url for c in archive.copies.copies_of(aid)}
        assert copies["Panjang"] == long_url  # kept whole: the unique key is its hash
        assert "NulMedia" in copies and copies["NulMedia"] == "https://nul.example/1"

        html = Client(make_app(archive)).get(f"/artikel/{aid}").text
        block = html[html.index("Juga dimuat di") : html.index("</section>", html.index("Juga dimuat di"))]
        assert "<script>alert(1)" not in block and "&lt;script&gt;" in block
        assert 'href="javascript:' not in block and "javascript:alert(1)" in block  # shown as text only
        assert len(block) < 20_000  # the long URL is shortened on the page


def test_duplicates_merge_near_duplicate_groups_with_copies(archive_url: str) -> None:
    from kabar.link.dedup import DedupIndexer

    body = [
        "Badan Meteorologi, Klimatologi, dan Geofisika memperingatkan hujan lebat disertai angin kencang "
        "akan melanda sebagian besar wilayah Jabodetabek hingga akhir pekan ini, warga diminta waspada.",
        "Kepala BMKG menyebut curah hujan tinggi dipicu gelombang atmosfer yang bergerak dari Samudra Hindia "
        "menuju Pulau Jawa, sehingga potensi banjir dan tanah longsor meningkat di daerah rawan.",
        "Pemerintah provinsi telah menyiagakan pompa air, perahu karet, dan petugas di titik pengungsian.",
    ]
    with open_test_archive(archive_url, [DedupIndexer()]) as archive:
        a = archive.add(
            _article("https://a.example/1", "A", paragraphs=body, published=T0 + timedelta(hours=2))
        )
        b = archive.add(
            _article(
                "https://b.example/1",
                "B",
                headline="BMKG: hujan lebat",
                paragraphs=body,
                published=T0 + timedelta(hours=4),
            )
        )
        assert a.status == b.status == "added"
        copy = _article(
            "https://c.example/1", "C", headline="BMKG: hujan lebat", paragraphs=body, published=T0
        )
        assert archive.add(copy).status == "copy"
    listed = CliRunner().invoke(app, ["duplicates", "--db", archive_url, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (group,) = json.loads(listed.stdout)["groups"]
    chain = group["chain"]
    # C reprinted B's text before either A or B was published: it is first, a copy of B
    assert [(x["outlet"], x["original"], x["first"]) for x in chain] == [
        ("C", False, True),
        ("A", True, False),
        ("B", True, False),
    ]
    assert chain[0]["article_id"] == b.id
    text = CliRunner().invoke(app, ["duplicates", "--db", archive_url])
    assert "first:" in text.stdout and "copy of" in text.stdout
