"""`kabar related` and `kabar duplicates` on the command line, including bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabar.archive.fts import FtsIndexer
from kabar.archive.sqlite import open_archive
from kabar.cli.main import app
from kabar.link.dedup import DedupIndexer
from kabar.model import Article

FIXTURE = Path(__file__).parent / "fixtures" / "link" / "articles.json"
runner = CliRunner()


def _one_clear_line(output: str) -> None:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "kabar.db"
    archive = open_archive(path, indexers=[FtsIndexer(), DedupIndexer()])
    for d in json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]:
        archive.add(
            Article(
                headline=d["headline"],
                published=datetime.fromisoformat(d["published"]),
                outlet=d["outlet"],
                url=d["url"],
                canonical_url=d["url"],
                paragraphs=list(d["paragraphs"]),
            )
        )
    flood = archive.get(1)
    assert flood is not None
    archive.add(
        replace(
            flood,
            headline="Salinan banjir",
            url="https://agensi.example/1",
            canonical_url="https://agensi.example/1",
            id=None,
        )
    )
    archive.close()
    return path


def test_related_json_and_text(db: Path) -> None:
    result = runner.invoke(app, ["related", "1", "--db", str(db), "--format", "json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["article"]["id"] == 1 and data["mode"] == "relevant"
    assert [h["id"] for h in data["related"]] == [2, 3]
    assert set(data["related"][0]) == {"id", "headline", "published", "outlet", "url", "score", "reason"}
    text = runner.invoke(app, ["related", "1", "--db", str(db), "--mode", "newest"])
    assert text.exit_code == 0 and "Berita terkait" in text.stdout
    assert text.stdout.index("BMKG peringatkan") < text.stdout.index("Pengungsi banjir")


def test_duplicates_json_and_text(db: Path) -> None:
    result = runner.invoke(app, ["duplicates", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    assert len(groups) == 1 and [a["id"] for a in groups[0]["articles"]] == [1, 10]
    text = runner.invoke(app, ["duplicates", "--db", str(db)])
    assert "1 near-duplicate group" in text.stdout and "Salinan banjir" in text.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["related", "abc"], "whole number"),
        (["related", "１２"], "whole number"),  # full-width digits are not an id
        (["related", "--", "-5"], "whole number"),
        (["related", "-5"], "not '-5'"),  # click alone would call it an unknown option
        (["related", "-12"], "not '-12'"),  # click alone would name only "-1"
        (["related", "-1.5"], "whole number"),
        (["related", "--limit", "2", "-0"], "not '-0'"),
        (["related", ""], "whole number"),
        (["related", "1; DROP TABLE articles"], "whole number"),
        (["related", "999"], "no article with id 999"),
        (["related", "99999999999999999999999"], "no article"),
    ],
)
def test_related_bad_ids(db: Path, args: list[str], needle: str) -> None:
    result = runner.invoke(app, [args[0], "--db", str(db), *args[1:]])
    assert result.exit_code == 1 and needle in result.output
    _one_clear_line(result.output)


def test_negative_option_values_keep_their_own_message(db: Path) -> None:
    result = runner.invoke(app, ["related", "1", "--db", str(db), "--limit", "-3"])
    assert result.exit_code == 2 and "--limit" in result.output and "whole number" not in result.output
    unknown = runner.invoke(app, ["related", "1", "--db", str(db), "-x"])
    assert unknown.exit_code == 2 and "No such option" in unknown.output


def test_missing_empty_and_foreign_archives(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    for cmd in (["related", "1"], ["duplicates"]):
        result = runner.invoke(app, [*cmd, "--db", str(missing)])
        assert result.exit_code == 1 and "no archive" in result.output
        _one_clear_line(result.output)
    assert not missing.exists()  # reading never creates an archive
    empty = tmp_path / "empty.db"
    open_archive(empty, indexers=[]).close()
    result = runner.invoke(app, ["related", "1", "--db", str(empty)])
    assert result.exit_code == 1 and "empty" in result.output
    _one_clear_line(result.output)
    listed = runner.invoke(app, ["duplicates", "--db", str(empty), "--format", "json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == {"groups": []}
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\xff" * 4096)
    for cmd in (["related", "1"], ["duplicates"]):
        result = runner.invoke(app, [*cmd, "--db", str(junk)])
        assert result.exit_code == 1
        _one_clear_line(result.output)


def test_article_without_text(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    archive = open_archive(path, indexers=[FtsIndexer(), DedupIndexer()])
    archive.add(Article(headline="", url="https://x.example/k", canonical_url="https://x.example/k"))
    archive.close()
    result = runner.invoke(app, ["related", "1", "--db", str(path)])
    assert result.exit_code == 1 and "no text" in result.output
    _one_clear_line(result.output)
