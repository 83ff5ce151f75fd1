"""``kabar related ID`` ("Berita terkait") and ``kabar duplicates`` (near-duplicate groups)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand

from kabar.archive.copy_store import Appearance, CopyRecord, appearance_dict, reprint_chain
from kabar.archive.stores import DuplicateGroup, GroupQuery
from kabar.cli.common import DbOption, fail, open_existing
from kabar.link.related import RelatedError, RelatedOptions, related

_MAX_ID = 2**63 - 1  # SQLite's largest integer


class LinkFormat(StrEnum):
    text = "text"
    json = "json"


class Mode(StrEnum):
    relevant = "relevant"
    newest = "newest"


def parse_id(value: str) -> int:
    """An article id from the command line, or one clear line saying what is wrong."""
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        fail(f"article id must be a whole number, not {value[:40]!r}")
    number = int(text[:30])
    if number < 1 or number > _MAX_ID or len(text) > 19:
        fail(f"no article with id {text[:30]} (ids are whole numbers from 1)")
    return number


def _negative_token(args: list[str], valued: set[str]) -> str | None:
    """The first argument like ``-5`` that is not an option's value (``--limit -3``)."""
    skip = False
    for arg in args:
        if arg == "--":
            return None
        if skip:
            skip = False
        elif arg in valued:
            skip = True
        elif len(arg) > 1 and arg[0] == "-" and arg[1].isdigit():
            return arg
    return None


class _IdCommand(TyperCommand):
    """A command whose ID may look like a negative number (``kabar related -5``).

    click reads ``-5`` as an unknown short option and prints a usage box; none of these
    commands has an option starting with a digit, so such a token can only be a bad id
    and gets the same one-line message as any other bad id. (Checked before parsing:
    typer vendors its own click, whose exception classes are private.)
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        valued = {
            opt
            for p in self.params
            if p.param_type_name == "option" and not getattr(p, "is_flag", False)
            for opt in p.opts
        }
        token = _negative_token(args, valued)
        if token is not None:
            parse_id(token)  # always fails: an id never starts with "-"
        return super().parse_args(ctx, args)


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _related_text(article_id: int, headline: str | None, mode: str, hits: list[Any]) -> None:
    console = Console(highlight=False)
    console.print(f"[bold]Berita terkait[/] ({mode}) for [cyan]{article_id}[/] {escape(headline or '')}")
    if not hits:
        console.print("[yellow]no related articles found[/]")
    for n, h in enumerate(hits, 1):
        when = h.published.strftime("%Y-%m-%d %H:%M") if h.published else "undated"
        meta = " · ".join(x for x in (h.outlet, when, f"score {h.score:.2f}") if x)
        console.print(f"{n:2}. [bold cyan]{h.id}[/]  [bold]{escape(h.headline or '(no headline)')}[/]")
        console.print(f"    [dim]{escape(meta)} · {escape(h.reason)}[/]")


def _group_chain(group: DuplicateGroup, copies: dict[int, list[CopyRecord]]) -> list[Appearance]:
    """A group's reprint chain: its articles and every copy of them, earliest first."""
    members = [
        Appearance(m.url, m.outlet, m.published, None, original=True, article_id=m.id) for m in group.members
    ]
    return reprint_chain(members, [c for m in group.members for c in copies.get(m.id, [])])


def _chain_text(console: Console, chain: list[Appearance]) -> None:
    first = next((a for a in chain if a.first), None)
    copies = [a for a in chain if not a.original]
    if copies:
        console.print(
            f"  [dim]{len(copies)} copies:[/] " + escape(", ".join(a.outlet or a.url or "?" for a in copies))
        )
    if first is not None and (copies or len(chain) > 1):
        what = f"article {first.article_id}" if first.original else f"copy of {first.article_id}"
        console.print(f"  [dim]first:[/] {escape(first.outlet or '?')} {escape(first.url or '')} ({what})")


def _groups_text(groups: list[Any], chains: list[list[Appearance]]) -> None:
    console = Console(highlight=False)
    if not groups:
        console.print("no near-duplicate groups")
        return
    console.print(f"[bold]{len(groups)}[/] near-duplicate group(s)")
    for g, chain in zip(groups, chains, strict=True):
        console.print(f"\n[bold]group {g.group_id}[/] ({len(g.members)} articles)")
        for m in g.members:
            when = m.published.strftime("%Y-%m-%d %H:%M") if m.published else "undated"
            meta = " · ".join(x for x in (m.outlet, when, f"similarity {m.similarity:.2f}") if x)
            console.print(
                f"  [cyan]{m.id}[/]  {escape(m.headline or '(no headline)')}  [dim]{escape(meta)}[/]"
            )
        _chain_text(console, chain)


def register(app: typer.Typer) -> None:
    @app.command("related", cls=_IdCommand)
    def related_command(
        article_id: str = typer.Argument(..., metavar="ID", help="The archive id of the article."),
        db: str = DbOption,
        mode: Mode = typer.Option(Mode.relevant, "--mode", help="relevant (best first) or newest."),
        limit: int = typer.Option(10, "--limit", min=1, max=100, help="How many related articles."),
        format: LinkFormat = typer.Option(LinkFormat.text, "--format", help="text (for people) or json."),
    ) -> None:
        """Berita terkait: related articles, never the article itself or its reprints."""
        number = parse_id(article_id)
        archive = open_existing(db)
        try:
            if archive.count() == 0:
                fail(f"the archive {db} is empty: ingest articles first")
            try:
                hits = related(archive, number, RelatedOptions(mode=mode.value, limit=limit))
            except RelatedError as exc:
                fail(str(exc))
            article = archive.get(number)
        finally:
            archive.close()
        headline = article.headline if article else None
        if format is LinkFormat.json:
            payload = {
                "article": {"id": number, "headline": headline},
                "mode": mode.value,
                "related": [
                    {
                        "id": h.id,
                        "headline": h.headline,
                        "published": _when(h.published),
                        "outlet": h.outlet,
                        "url": h.url,
                        "score": h.score,
                        "reason": h.reason,
                    }
                    for h in hits
                ],
            }
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            _related_text(number, headline, mode.value, hits)

    @app.command("duplicates")
    def duplicates_command(
        db: str = DbOption,
        limit: int | None = typer.Option(None, "--limit", min=1, help="Show at most this many groups."),
        format: LinkFormat = typer.Option(LinkFormat.text, "--format", help="text (for people) or json."),
    ) -> None:
        """Near-duplicate groups (reprints), largest first."""
        archive = open_existing(db)
        try:
            groups = archive.duplicates.list_groups(GroupQuery(limit=limit))
            copies = archive.copies.copies_of_many([m.id for g in groups for m in g.members])
        finally:
            archive.close()
        # who published first: the near-duplicate group and the copies of its articles together
        chains = [_group_chain(g, copies) for g in groups]
        if format is LinkFormat.json:
            payload = {
                "groups": [
                    {
                        "group": g.group_id,
                        "articles": [
                            {
                                "id": m.id,
                                "headline": m.headline,
                                "published": _when(m.published),
                                "outlet": m.outlet,
                                "url": m.url,
                                "similarity": m.similarity,
                            }
                            for m in g.members
                        ],
                        "chain": [appearance_dict(a) for a in chain],
                    }
                    for g, chain in zip(groups, chains, strict=True)
                ]
            }
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            _groups_text(groups, chains)


__all__ = ["parse_id", "register"]
