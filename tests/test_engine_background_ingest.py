"""`kabar run --ingest`: files loaded in the background, the portal's notice meanwhile, /tentang."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.offline_run import OFFLINE_CONFIG
from typer.testing import CliRunner

from conftest import ROOT
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.cli.main import app
from kabar.engine.background_ingest import BackgroundIngest
from kabar.wiring import default_indexers
from serve_support import Client, make_app

SAMPLE = ROOT / "examples" / "indosum-sample.jsonl"
NOTICE = 'class="pemberitahuan"'


@pytest.fixture
def part(tmp_path: Path) -> Path:
    """Three records of the shipped sample."""
    path = tmp_path / "part.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:3]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = open_archive(tmp_path / "kabar.db", default_indexers())
    yield arch
    arch.close()


def test_the_files_land_once_and_the_notice_says_how_far(archive: SqliteArchive, part: Path) -> None:
    loader = BackgroundIngest(archive, [part])
    assert loader.progress().total == 3 and not loader.progress().finished
    assert loader.notice() is not None and "0 dari 3" in loader.notice()  # type: ignore[operator]
    loader.start()
    assert loader.wait(timeout=120)
    done = loader.progress()
    assert done.finished and (done.done, done.added, done.unchanged, done.rejected) == (3, 3, 0, 0)
    assert loader.notice() is None
    again = BackgroundIngest(archive, [part]).run()  # a second run stores nothing twice
    assert (again.added, again.unchanged) == (0, 3)
    assert archive.count() == 3


def test_the_portal_shows_the_notice_until_loading_ends_even_when_pages_are_kept(
    archive: SqliteArchive, part: Path
) -> None:
    loader = BackgroundIngest(archive, [part])
    client = Client(make_app(archive, notice=loader.notice))
    first = client.get("/")
    assert first.status_code == 200 and NOTICE in first.text and "0 dari 3" in first.text
    assert NOTICE in client.get("/tentang").text  # every page, not only the front page
    loader.run()
    home = client.get("/")
    assert NOTICE not in home.text  # the page kept while loading is not served again
    assert home.text.count('class="judul"') >= 3


def test_about_page_names_the_sample_its_licence_and_the_outlets_rights(archive: SqliteArchive) -> None:
    client = Client(make_app(archive))
    about = client.get("/tentang")
    assert about.status_code == 200
    text = about.text
    for needed in ("IndoSum", "Kemal Kurniawan", "Samuel Louvan", "arXiv:1810.05334", "CC BY-SA 4.0"):
        assert needed in text, needed
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/' in text
    assert "Hak cipta setiap berita tetap pada medianya" in text and "Tempo.co" in text
    assert "examples/LICENSE-indosum-CC-BY-SA-4.0.txt" in text
    for page in ("/", "/cari", "/tentang"):
        assert 'href="/tentang"' in client.get(page).text, page  # the footer of every page


def test_kabar_run_once_ingests_the_files_first(tmp_path: Path, part: Path) -> None:
    config = tmp_path / "offline.toml"  # one source, a closed loopback port: nothing is fetched
    config.write_text(OFFLINE_CONFIG, encoding="utf-8")
    db = str(tmp_path / "run.db")
    args = ["run", "--once", "--config", str(config), "--db", db, "--ingest", str(part)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "the archive holds 3 articles" in first.output, first.output
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "the archive holds 3 articles" in again.output, again.output


def test_kabar_run_refuses_a_missing_file_before_starting(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.jsonl"
    out = CliRunner().invoke(app, ["run", "--ingest", str(missing), "--db", str(tmp_path / "x.db")])
    assert out.exit_code != 0 and "no such file or folder (--ingest)" in out.output, out.output
    assert not (tmp_path / "x.db").exists()


def test_a_kept_page_loses_the_notice_when_loading_ends_without_a_commit(
    archive: SqliteArchive, part: Path
) -> None:
    """A page rendered between the last article's commit and the end of loading must not keep
    the notice. The response cache compares the notice on every request (serve/response_cache.py),
    so no commit is needed to clear it — and the fetch log's pruning, the loader's last step, is
    no logged change and drops no page on its own (it must not bring the notice back either)."""
    BackgroundIngest(archive, [part]).run()
    shown: list[str | None] = ["Arsip sedang diisi"]
    client = Client(make_app(archive, notice=lambda: shown[0]))
    assert NOTICE in client.get("/").text
    assert NOTICE in client.get("/").text  # kept while the notice stands
    shown[0] = None
    assert NOTICE not in client.get("/").text  # gone at once, nothing committed
    archive.fetch_log.prune()
    assert NOTICE not in client.get("/").text
