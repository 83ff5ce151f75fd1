"""``kabar migrate``: SQLite → PostgreSQL → SQLite, and every reader's answer stays the same.

Ids are kept, so the comparisons are direct: the counts, search hits, the stories and their
members, and the entities agree on both backends; related news agrees exactly after the round
trip, and on PostgreSQL in its best three (its scores are ts_rank, not BM25). An interrupted copy resumes; a target that
holds another archive's articles is refused in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backends import PgServer, open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import ListQuery, SearchQuery
from kabar.archive.transfer import CopyOptions, copy_archive
from kabar.cli.main import app
from kabar.link.related import RelatedOptions, related
from kabar.model import Article
from kabar.wiring import default_indexers
from serve_support import fill, make_article, rich_article, story_article
from stories_support import fixture_articles

pytestmark = pytest.mark.postgres

runner = CliRunner()
QUERIES = ["banjir", "Putin", '"nagorno-karabakh"', "presiden rusia", "jakarta banjir"]


@dataclass(slots=True)
class Answers:
    count: int
    search: list[tuple[int, list[int]]]
    related: dict[int, list[int]]
    stories: list[tuple[str, int, list[int]]]
    entities: list[tuple[str, str, int]]
    copies: list[tuple[int, str, str | None]]


def _articles() -> list[Article]:
    return [
        rich_article(),
        *[make_article(n) for n in range(1, 8)],
        *[story_article(n) for n in range(1, 5)],
        *[a for _k, _s, a in fixture_articles()],
    ]


def _answers(archive: CoreArchive) -> Answers:
    ids = sorted(s.id for s in archive.list_articles(ListQuery(limit=1000)))
    stories = archive.stories.list_stories(limit=100)
    return Answers(
        count=archive.count(),
        search=[
            (r.total, sorted(h.id for h in r.hits))
            for r in (archive.search(SearchQuery(text=q, limit=200)) for q in QUERIES)
        ],
        related={i: [h.id for h in related(archive, i, RelatedOptions(limit=5))] for i in ids[:12]},
        stories=[
            (s.label, s.article_count, sorted(archive.stories.story_article_ids(s.id))) for s in stories
        ],
        entities=[(e.name, str(e.type), e.article_count) for e in archive.entities.list_entities()],
        copies=sorted((c.article_id, c.url, c.outlet) for c in archive.copies.all_copies()),
    )


def _migrate(source: str, target: str) -> str:
    result = runner.invoke(app, ["migrate", "--from", source, "--to", target, "-q", "--batch", "5"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_round_trip_answers_the_same(pg_server: PgServer, tmp_path: Path) -> None:
    original = fill(tmp_path / "a.db", _articles())
    reprint = "https://salinan.example/berita/6"  # the same text elsewhere: a copy, carried across
    copied = original.add(make_article(6, outlet="Salinan", url=reprint, canonical_url=reprint))
    assert copied.status == "copy"
    expected = _answers(original)
    original.close()
    assert expected.count > 10 and expected.stories and expected.entities and expected.copies
    with pg_server.database(template=False) as url:
        said = _migrate(str(tmp_path / "a.db"), url)
        assert f"{expected.count} articles copied" in said and "counts agree" in said
        on_pg = open_test_archive(url, default_indexers())
        answers = _answers(on_pg)
        on_pg.close()
        assert (answers.count, answers.search, answers.stories, answers.entities) == (
            expected.count,
            expected.search,
            expected.stories,
            expected.entities,
        )
        # Related news ranks by the search index's scores, which are BM25 on SQLite and ts_rank
        # on PostgreSQL: the same best few, possibly in another order and with another tail.
        assert {i: set(r[:3]) for i, r in answers.related.items()} == {
            i: set(r[:3]) for i, r in expected.related.items()
        }
        back = tmp_path / "b.db"
        _migrate(url, str(back))
        on_pg = open_test_archive(url, default_indexers())
        assert on_pg.add(make_article(99)).id == expected.count + 1  # new ids follow the copied ones
        on_pg.close()
    again = open_test_archive(str(back))
    assert _answers(again) == expected
    again.close()


def test_an_interrupted_copy_resumes(pg_server: PgServer, tmp_path: Path) -> None:
    source = fill(tmp_path / "a.db", _articles()[:12])
    total = source.count()
    assert total > 5
    with pg_server.database(template=False) as url:
        target = open_test_archive(url, default_indexers())

        def stop_after_first_batch(_n: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            copy_archive(source, target, CopyOptions(batch=5), stop_after_first_batch)
        assert target.count() == 5
        target.close()
        source.close()
        said = _migrate(str(tmp_path / "a.db"), url)
        assert f"{total - 5} articles copied, 5 already there" in said


def test_a_target_holding_other_articles_is_refused(pg_server: PgServer, tmp_path: Path) -> None:
    fill(tmp_path / "a.db", [make_article(1), make_article(2)]).close()
    with pg_server.database() as url:
        other = open_test_archive(url)
        other.add(make_article(50, outlet="lain"))
        other.close()
        result = runner.invoke(app, ["migrate", "--from", str(tmp_path / "a.db"), "--to", url, "-q"])
        assert result.exit_code != 0
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and "not this source's" in lines[0]
