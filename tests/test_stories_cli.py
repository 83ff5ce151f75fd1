"""``kabar stories``, ``kabar story``, ``kabar entities``, ``kabar entity`` over a small archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabar.cli.main import app
from stories_support import fixture_articles, person, understanding_archive

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kabar.db"
    archive = understanding_archive(path)
    for _, _, article in fixture_articles():
        if "Putin" in (article.headline or ""):
            article.entities = [person("Vladimir Putin", "Presiden Rusia", ["Putin"])]
        archive.add(article)
    archive.close()
    return path


def test_stories_text_and_json(db: Path) -> None:
    r = runner.invoke(app, ["stories", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "Nagorno-Karabakh" in r.output
    r = runner.invoke(app, ["stories", "--db", str(db), "--format", "json", "--limit", "1"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert len(data) == 1 and data[0]["article_count"] >= 2 and data[0]["label"]


def test_story_text_and_json(db: Path) -> None:
    stories = json.loads(runner.invoke(app, ["stories", "--db", str(db), "--format", "json"]).output)
    sid = next(s["id"] for s in stories if "Karabakh" in s["label"])
    r = runner.invoke(app, ["story", str(sid), "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    story = json.loads(r.output)
    assert len(story["articles"]) == 3 and story["article_ids"] == [a["id"] for a in story["articles"]]
    assert story["timeline"] and story["timeline"][0]["date"] == "2020-09-27"
    assert any(e["name"] == "Vladimir Putin" for e in story["entities"])
    r = runner.invoke(app, ["story", str(sid), "--db", str(db)])
    assert r.exit_code == 0 and "Timeline" in r.output and "2020-11-01" in r.output


def test_entities_and_entity(db: Path) -> None:
    r = runner.invoke(app, ["entities", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    entities = json.loads(r.output)
    putin = next(e for e in entities if e["name"] == "Vladimir Putin")
    assert putin["article_count"] == 3 and putin["type"] == "person"
    r = runner.invoke(app, ["entity", str(putin["id"]), "--db", str(db)])
    assert r.exit_code == 0 and "Presiden Rusia" in r.output
    r = runner.invoke(app, ["entity", str(putin["id"]), "--db", str(db), "--format", "json"])
    assert len(json.loads(r.output)["articles"]) == 3
    r = runner.invoke(app, ["entities", "--db", str(db), "--type", "place"])
    assert r.exit_code == 0 and "no entities" in r.output


def test_clear_errors(db: Path, tmp_path: Path) -> None:
    for args in (
        ["stories", "--db", str(tmp_path / "missing.db")],
        ["story", "99999", "--db", str(db)],
        ["entity", "99999", "--db", str(db)],
        ["entities", "--db", str(db), "--type", "alien"],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 1, args
        assert "Traceback" not in r.output
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00\xffnot sqlite" * 100)
    r = runner.invoke(app, ["stories", "--db", str(garbage)])
    assert r.exit_code == 1 and "not a kabar archive" in r.output
    r = runner.invoke(app, ["story", "abc", "--db", str(db)])
    assert r.exit_code != 0
