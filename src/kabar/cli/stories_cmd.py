"""``kabar stories``, ``kabar story ID``, ``kabar entities``, ``kabar entity ID``: what the archive understood."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from kabar.archive.stores import EntityQuery
from kabar.cli.common import DbOption, fail, open_existing
from kabar.link.story_view import get_story


class Format(StrEnum):
    text = "text"
    json = "json"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _jsonable(data: Any) -> Any:
    if isinstance(data, datetime):
        return data.isoformat()
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    return data


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(_jsonable(data), ensure_ascii=False, indent=2))


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else ""


def _stories(db: str, fmt: Format, limit: int, offset: int, min_articles: int) -> None:
    archive = open_existing(db)
    found = archive.stories.list_stories(limit=limit, offset=offset, min_articles=min_articles)
    archive.close()
    if fmt is Format.json:
        _emit_json([asdict(s) for s in found])
        return
    if not found:
        typer.echo(f"no stories of {min_articles}+ articles in {db}")
        return
    table = Table("id", "articles", "from", "to", "label", box=None, header_style="bold")
    for s in found:
        table.add_row(
            str(s.id), str(s.article_count), _day(s.first_published), _day(s.last_published), s.label
        )
    Console(highlight=False).print(table)


def _story(story_id: int, db: str, fmt: Format) -> None:
    archive = open_existing(db)
    story = get_story(archive, story_id)
    if story is None:
        archive.close()
        fail(f"no story {story_id} in {db}")
    articles = archive.get_many(story.article_ids)
    archive.close()
    if fmt is Format.json:
        data = asdict(story)
        data["articles"] = [
            {
                "id": a.id,
                "headline": a.headline,
                "published": _iso(a.published),
                "url": a.url,
                "outlet": a.outlet,
            }
            for a in articles
        ]
        _emit_json(data)
        return
    out = Console(highlight=False)
    out.print(
        f"[bold]{story.label or '(no label)'}[/]  story {story.id}, {story.article_count} articles",
        markup=True,
    )
    out.print("\n[bold]Articles[/]", markup=True)
    for a in articles:
        out.print(f"  {a.id:>6}  {_day(a.published)}  {a.outlet or ''}  {a.headline or a.url or ''}")
    if story.entities:
        out.print("\n[bold]Entities[/]", markup=True)
        out.print("  " + ", ".join(f"{e.name} ({e.articles})" for e in story.entities[:20]))
    out.print("\n[bold]Timeline[/]", markup=True)
    for e in story.timeline:
        mark = "·" if e.kind == "published" else "•"
        note = f"  [{e.note}]" if e.note else ""
        out.print(f"  {e.date:<22} {mark} {e.text}{note}  (article {e.article_id})")


def _entities(db: str, fmt: Format, limit: int, offset: int, kind: str | None, name: str | None) -> None:
    if kind is not None and kind not in ("person", "place", "organization"):
        fail(f"--type must be person, place or organization, not {kind!r}")
    archive = open_existing(db)
    query = EntityQuery(limit=limit, offset=offset, type=kind, name=name)  # type: ignore[arg-type]
    found = archive.entities.list_entities(query)
    archive.close()
    if fmt is Format.json:
        _emit_json([asdict(e) for e in found])
        return
    if not found:
        typer.echo(f"no entities in {db} (entities come from `kabar ingest` with understanding on)")
        return
    table = Table("id", "type", "articles", "name", "roles", box=None, header_style="bold")
    for e in found:
        table.add_row(str(e.id), e.type, str(e.article_count), e.name, "; ".join(r.role for r in e.roles[:3]))
    Console(highlight=False).print(table)


def _entity(entity_id: int, db: str, fmt: Format, limit: int) -> None:
    archive = open_existing(db)
    record = archive.entities.get_entity(entity_id)
    ids = archive.entities.entity_articles(entity_id, limit=limit) if record is not None else []
    if record is None:
        archive.close()
        fail(f"no entity {entity_id} in {db}")
    articles = archive.get_many(ids)
    archive.close()
    if fmt is Format.json:
        data = asdict(record)
        data["articles"] = [
            {"id": a.id, "headline": a.headline, "published": _iso(a.published)} for a in articles
        ]
        _emit_json(data)
        return
    out = Console(highlight=False)
    out.print(
        f"[bold]{record.name}[/]  {record.type}, entity {record.id}, {record.article_count} articles",
        markup=True,
    )
    if len(record.names) > 1:
        out.print("  also: " + ", ".join(n for n in record.names if n != record.name))
    for r in record.roles:
        out.print(f"  role: {r.role}  ({r.count}×, {_day(r.first_seen)} – {_day(r.last_seen)})")
    for a in articles:
        out.print(f"  {a.id:>6}  {_day(a.published)}  {a.headline or ''}")


def register(app: typer.Typer) -> None:
    @app.command("stories")
    def stories_command(
        db: str = DbOption,
        fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
        limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many stories."),
        offset: int = typer.Option(0, "--offset", min=0, help="Skip this many."),
        min_articles: int = typer.Option(
            2, "--min-articles", min=1, help="Only stories of at least this many."
        ),
    ) -> None:
        """Stories the archive grouped, most recently updated first."""
        _stories(db, fmt, limit, offset, min_articles)

    @app.command("story")
    def story_command(
        story_id: int = typer.Argument(..., help="A story id from `kabar stories`."),
        db: str = DbOption,
        fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    ) -> None:
        """One story: its label, articles, entities and timeline of dated events."""
        _story(story_id, db, fmt)

    @app.command("entities")
    def entities_command(
        db: str = DbOption,
        fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
        limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many entities."),
        offset: int = typer.Option(0, "--offset", min=0, help="Skip this many."),
        kind: str | None = typer.Option(None, "--type", help="person, place or organization."),
        name: str | None = typer.Option(None, "--name", help="Only entities with a name containing this."),
    ) -> None:
        """People, places and organisations across the archive, most named first."""
        _entities(db, fmt, limit, offset, kind, name)

    @app.command("entity")
    def entity_command(
        entity_id: int = typer.Argument(..., help="An entity id from `kabar entities`."),
        db: str = DbOption,
        fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
        limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many of its articles."),
    ) -> None:
        """One entity: names seen, type, roles over time, and the articles naming it."""
        _entity(entity_id, db, fmt, limit)
