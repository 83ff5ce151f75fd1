"""``kabar run`` as a user starts it: the portal and /status served while sources are unreachable;
``kabar fetch`` against a local site."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from conftest import shared_path
from kabar.archive.sqlite import open_archive
from kabar.cli.main import app
from kabar.model import Article
from sources_site import LocalSite, real_pages


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kabar() -> list[str]:
    script = Path(sys.executable).parent / "kabar"
    return (
        [str(script)] if script.exists() else [sys.executable, "-c", "from kabar.cli.main import app; app()"]
    )


def test_offline_run_says_so_once_and_serves_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    with open_archive(db) as archive:
        archive.add(Article(headline="Banjir melanda Jakarta", paragraphs=["Air naik setinggi satu meter."],
                            url="https://a.id/banjir", canonical_url="https://a.id/banjir"))  # fmt: skip
    dead, port = _free_port(), _free_port()
    config = tmp_path / "offline.toml"
    config.write_text(
        f"[engine]\ninterval_minutes = 0.005\nretries = 0\nallow_private = true\n"
        f'[[source]]\nname = "Jauh"\nurl = "http://127.0.0.1:{dead}/rss.xml"\n'
    )
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen(
        [*_kabar(), "run", "--config", str(config), "--db", str(db), "--port", str(port)],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 40
        status = None
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/status.json", timeout=2).json()
                if status["engine"]["rounds"] >= 2:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        assert status is not None and status["engine"]["rounds"] >= 2, (tmp_path / "run.log").read_text()
        assert status["engine"]["offline"] and status["articles"] == 1
        assert "tidak terjangkau" in httpx.get(f"http://127.0.0.1:{port}/status", timeout=5).text
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.status_code == 200 and "Banjir melanda Jakarta" in home.text
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
    text = (tmp_path / "run.log").read_text()
    assert text.count("network unreachable") == 1, text
    assert "source Jauh" not in text  # offline, one line says it all
    assert "serving the 1 articles" in text


def test_fetch_command_stores_real_pages_once(tmp_path: Path) -> None:
    anpandu = shared_path("pages", "id", "anpandu")
    pages = [p for p in real_pages(anpandu) if "kompas" in str(p.file)][:2]
    db = tmp_path / "k.db"
    with LocalSite() as site:
        for p in pages:
            site.add(p.path, body=p.file.read_bytes())
        site.add("/gambar.png", body=b"\x89PNG", content_type="image/png")
        urls = [site.url(p.path) for p in pages]
        runner = CliRunner()
        first = runner.invoke(app, ["fetch", *urls, "--db", str(db), "--allow-private"])
        assert first.exit_code == 0, first.output
        assert first.output.count("added #") == 2
        again = runner.invoke(app, ["fetch", urls[0], "--db", str(db), "--allow-private"])
        assert again.exit_code == 0 and "unchanged #1" in again.output
        bad = runner.invoke(
            app, ["fetch", site.url("/gambar.png"), site.url("/none"), "--db", str(db), "--allow-private"]
        )
        assert bad.exit_code == 1
        assert "not an HTML page" in bad.output and "http error" in bad.output
        refused = runner.invoke(app, ["fetch", urls[0], "--db", str(db)])
        assert refused.exit_code == 1 and "refused" in refused.output
    with open_archive(db) as archive:
        assert archive.count() == 2
