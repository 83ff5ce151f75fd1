"""The IndoSum sample in examples/: stories worth a first look, its licence beside it, ingested once only."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from benchmarks.make_sample import choose, judged_stories, load_corpus
from typer.testing import CliRunner

from conftest import ROOT, shared_path
from kabar.cli.main import app

SAMPLE = ROOT / "examples" / "indosum-sample.jsonl"
LICENCE = ROOT / "examples" / "LICENSE-indosum-CC-BY-SA-4.0.txt"


def _records() -> list[dict[str, str]]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def test_the_sample_holds_whole_stories_from_several_outlets() -> None:
    records = _records()
    ids = {r["id"] for r in records}
    assert 200 <= len(records) <= 400 and len(ids) == len(records)
    outlets = Counter(r["source"] for r in records)
    assert len(outlets) >= 8 and min(outlets.values()) >= 10  # every outlet shows on the front page
    assert len({r["category"] for r in records}) >= 5  # sections
    # the judged stories (read by a person) the sample holds whole, with 3+ articles from 2+ outlets
    judged = [
        json.loads(p.read_text(encoding="utf-8"))["stories"]
        for p in ROOT.glob("benchmarks/data/stories_judged*.json")
    ]
    whole = [s for stories in judged for s in stories if len(s["ids"]) >= 3 and set(s["ids"]) <= ids]
    varied = [s for s in whole if len({r["source"] for r in records if r["id"] in s["ids"]}) >= 2]
    assert len(varied) >= 5, [s["key"] for s in varied]
    assert [r["published_utc"] for r in records] == sorted(r["published_utc"] for r in records)


def test_the_licence_and_attribution_travel_with_it() -> None:
    text = LICENCE.read_text(encoding="utf-8")
    assert "IndoSum" in text and "Kurniawan" in text and "Louvan" in text
    assert f"holds {len(_records())} news articles" in text
    assert "Attribution-ShareAlike 4.0 International Public License" in text  # the legal code itself
    assert re.search(r"copyright stays with their\s+publishers", text)


def test_the_sample_is_what_make_sample_chooses() -> None:
    corpus = load_corpus(shared_path("corpus", "indosum-dev.jsonl"))
    sample = choose(corpus, len(_records()))
    assert [r.line for r in sample.records] == SAMPLE.read_text(encoding="utf-8").splitlines()
    assert len(sample.stories) >= 5 and all(len(ids) >= 3 for _, ids in judged_stories(corpus))


def test_make_runs_ingest_is_idempotent_on_the_sample(tmp_path: Path) -> None:
    part = tmp_path / "part.jsonl"
    part.write_text("".join(line + "\n" for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:3]))
    db = str(tmp_path / "kabar.db")
    first = CliRunner().invoke(app, ["ingest", str(part), "--db", db])
    again = CliRunner().invoke(app, ["ingest", str(part), "--db", db])
    assert first.exit_code == 0 and "3 added" in first.output, first.output
    assert again.exit_code == 0 and "0 added, 3 unchanged" in again.output, again.output


def test_make_run_names_the_files_so_the_licence_is_not_ingested() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    examples = re.search(r"^EXAMPLES := (.+)$", makefile, re.MULTILINE)
    assert examples is not None and "$(EXAMPLES)" in makefile
    named = examples.group(1).split()
    assert "examples/indosum-sample.jsonl" in named and not any("LICENSE" in n for n in named)
    assert all((ROOT / n).is_file() for n in named)
