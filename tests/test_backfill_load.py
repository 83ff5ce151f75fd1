"""kabar load: finished shards → the archive (SQLite and PostgreSQL), in time order, idempotent; and the CLI."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from backfill_support import article_spec, mixed_warc, sample_articles, write_warc
from kabar.archive.base import ListQuery
from kabar.backfill.load import LoadError, load_shards
from kabar.backfill.shard import ShardPaths
from kabar.backfill.task import TaskSpec, run_task
from kabar.cli.main import app
from kabar.wiring import open_archive


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two WARCs whose articles interleave in time (0, 2, 4 and 1, 3, 5), understood."""
    tmp = tmp_path_factory.mktemp("shards")
    articles = sample_articles(6)
    out = tmp / "out"
    for name, part in (("even", articles[0::2]), ("odd", articles[1::2])):
        warc = write_warc(tmp / f"{name}.warc.gz", [article_spec(a) for a in part])
        assert run_task(TaskSpec(warc=warc, out_dir=out)).status == "done"
    # A shard without its marker (killed before it) is not loaded.
    half = write_warc(tmp / "half.warc.gz", [article_spec(a) for a in sample_articles(2, skip=20)])
    assert run_task(TaskSpec(warc=half, out_dir=out, understand=False)).status == "done"
    ShardPaths.of(half, out).marker.unlink()
    return out


def test_load_stores_every_article_once_in_time_order(shards: Path, archive_url: str) -> None:
    archive = open_archive(archive_url)
    with contextlib.closing(archive):
        first = load_shards(shards, archive)
        assert (first.shards, first.articles, first.summary.added, first.summary.rejected) == (2, 6, 6, 0)
        again = load_shards(shards, archive)
        assert (again.summary.added, again.summary.unchanged) == (0, 6)
        assert archive.count() == 6
        stored = archive.list_articles(ListQuery(limit=50))
        by_id = sorted(stored, key=lambda s: s.id)
        # Ids are given in storing order: the time order across both shards.
        expected = sample_articles(6)
        assert [s.url for s in by_id] == [a.url for a in expected]
        article = archive.get(by_id[0].id)
        assert article is not None and article.entities, "the shard's entities are stored with the article"


def test_load_refuses_a_folder_without_finished_shards(tmp_path: Path) -> None:
    archive = open_archive(tmp_path / "a.db")
    with contextlib.closing(archive):
        with pytest.raises(LoadError, match="no finished shard"):
            load_shards(tmp_path, archive)
        with pytest.raises(LoadError, match="no such folder"):
            load_shards(tmp_path / "missing", archive)
        (tmp_path / "x.parquet").write_bytes(b"PAR1 not really")
        (tmp_path / "x.done").write_text("{}")
        with pytest.raises(LoadError, match="cannot read the shard"):
            load_shards(tmp_path, archive)
        assert archive.count() == 0


def test_the_commands_end_to_end(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    mixed_warc(crawl / "one.warc.gz", sample_articles(3))
    write_warc(crawl / "two.warc.gz", [article_spec(a) for a in sample_articles(2, skip=3)])
    (crawl / "bad.warc.gz").write_bytes(b"not a WARC at all\n")
    listing = tmp_path / "warcs.txt"
    listing.write_text("crawl/one.warc.gz\ncrawl/bad.warc.gz\n")
    out = tmp_path / "shards"
    runner = CliRunner()
    args = [
        "backfill",
        str(listing),
        str(crawl / "two.*"),
        "--out",
        str(out),
        "--workers",
        "2",
        "--no-understand",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 3, first.output
    assert "failed" in first.output and "not a WARC file" in first.output
    assert "2 WARC done, 0 skipped" in first.output
    assert sum(pq.read_metadata(p).num_rows for p in out.glob("*.parquet")) == 5
    second = runner.invoke(app, args)
    assert second.exit_code == 3 and "0 WARC done, 2 skipped" in second.output, second.output
    (crawl / "bad.warc.gz").unlink()
    listing.write_text("crawl/one.warc.gz\n")
    assert runner.invoke(app, args).exit_code == 0
    db = tmp_path / "a.db"
    loaded = runner.invoke(app, ["load", str(out), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    assert "5 articles from 2 shards: 5 added" in loaded.output
    reloaded = runner.invoke(app, ["load", str(out), "--db", str(db)])
    assert "0 added, 5 unchanged" in reloaded.output
    assert runner.invoke(app, ["load", str(tmp_path / "nowhere"), "--db", str(db)]).exit_code == 1
    usage = runner.invoke(app, ["backfill", str(crawl / "*.arc"), "--out", str(out)])
    assert usage.exit_code == 1 and "matches no WARC" in usage.output
    marker = json.loads(next(out.glob("*.done")).read_text())
    assert marker["rows"] in (2, 3)
