"""`kabar serve`: bad arguments give one clear line; the corpus serves on every route."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from kabar.cli.main import app
from serve_support import Client, fill, indosum_articles, make_app


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert "no archive at" in result.output
    assert not (tmp_path / "nope.db").exists()


def test_serve_refuses_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01not sqlite at all" * 100)
    result = CliRunner().invoke(app, ["serve", "--db", str(junk)])
    assert result.exit_code == 1 and "not a kabar archive" in result.output


@pytest.mark.parametrize("port", ["-1", "70000", "http"])
def test_serve_refuses_a_bad_port(tmp_path: Path, port: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--port", port])
    assert result.exit_code == 2


def test_every_route_serves_the_indosum_corpus(tmp_path: Path) -> None:
    articles = indosum_articles(shared_path("corpus", "indosum-dev.jsonl"), 40)
    archive = fill(tmp_path / "k.db", articles)
    try:
        client = Client(make_app(archive))
        outlets = client.get("/api/outlets").json()
        assert len(outlets) >= 5
        word = "jakarta"
        paths = [
            "/",
            "/cari?q=" + word,
            "/cari?q=" + word + "&urutan=terbaru&halaman=2",
            f"/media/{outlets[0]['outlet']}",
            "/api/articles?limit=50",
            "/api/search?q=" + word,
            "/feed/rss/terbaru",
            "/feed/atom/cari?q=" + word,
            f"/feed/rss/media/{outlets[1]['outlet']}",
        ]
        paths += [f"/artikel/{i}" for i in range(1, 41, 5)]
        paths += [f"/api/articles/{i}/related" for i in range(1, 41, 13)]
        for path in paths:
            r = client.get(path)
            assert r.status_code == 200, (path, r.text[:300])
        hits = client.get("/api/search?q=" + word).json()
        assert hits["total"] > 0
        page = client.get(f"/artikel/{hits['hits'][0]['id']}").text
        assert "<h1>" in page and "<mark>" in client.get("/cari?q=" + word).text
    finally:
        archive.close()
