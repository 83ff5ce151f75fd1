"""``kabar search QUERY``: BM25 search over the archive with Indonesian morphology."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from kabar.archive.base import SearchHit, SearchQuery, SearchResult
from kabar.cli.common import DbOption, fail, open_existing

# A date without a zone is read as Western Indonesian Time, the zone of most portals.
WIB = timezone(timedelta(hours=7), "WIB")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SearchFormat(StrEnum):
    text = "text"
    json = "json"


def parse_when(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """ISO date or time; a bare date for --until means through the end of that day."""
    if value is None:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option}: not a date (use YYYY-MM-DD or an ISO 8601 time): {value[:60]!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=WIB)
    if end_of_day and _DATE_ONLY.match(text):
        parsed += timedelta(days=1)
    return parsed


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "headline": hit.headline,
        "published": hit.published.isoformat() if hit.published else None,
        "outlet": hit.outlet,
        "url": hit.url,
        "score": hit.score,
        "snippet": hit.snippet,
    }


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": result.total,
        "total_exact": result.total_exact,
        "message": result.message,
        "hits": [hit_to_dict(h) for h in result.hits],
    }


def _marked(snippet: str) -> str:
    """«match» → reverse video; everything else escaped so article text is never markup."""
    parts = re.split(r"(«[^«»]*»)", snippet)
    return "".join(
        f"[bold reverse]{escape(p[1:-1])}[/]" if p.startswith("«") and p.endswith("»") else escape(p)
        for p in parts
    )


def print_text(result: SearchResult, console: Console) -> None:
    shown = escape(result.query[:80])
    more = "" if result.total_exact else "more than "
    console.print(f"{more}[bold]{result.total:,}[/] article(s) for [italic]{shown}[/]")
    if result.message:
        console.print(f"[yellow]{escape(result.message)}[/]")
    for hit in result.hits:
        console.print()
        console.print(f"[bold cyan]{hit.id}[/]  [bold]{escape(hit.headline or '(no headline)')}[/]")
        meta = " · ".join(
            x for x in (hit.outlet, hit.published.strftime("%Y-%m-%d %H:%M") if hit.published else None) if x
        )
        console.print(f"    [dim]{escape(meta)} · score {hit.score:.2f}[/]")
        if hit.snippet:
            console.print("    " + _marked(hit.snippet), soft_wrap=False)


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search_command(
        query: str = typer.Argument(..., help='Words and "quoted phrases"; morphology-aware.'),
        db: str = DbOption,
        format: SearchFormat = typer.Option(SearchFormat.text, "--format", help="text (for people) or json."),
        limit: int = typer.Option(10, "--limit", min=1, max=200, help="How many hits to show."),
        offset: int = typer.Option(0, "--offset", min=0, help="Skip this many hits (paging)."),
        outlet: str | None = typer.Option(None, "--outlet", help="Only this outlet (e.g. kompas)."),
        since: str | None = typer.Option(None, "--since", help="From this date/time (WIB if no zone)."),
        until: str | None = typer.Option(None, "--until", help="Up to this date (inclusive) or time."),
        newest: bool = typer.Option(False, "--newest", help="Newest first instead of best match."),
    ) -> None:
        """Search the archive: BM25 over headline and body, newest-first on request."""
        request = SearchQuery(
            text=query,
            limit=limit,
            offset=offset,
            outlet=outlet.strip() if outlet and outlet.strip() else None,
            since=parse_when(since, "--since"),
            until=parse_when(until, "--until", end_of_day=True),
            order="newest" if newest else "relevance",
        )
        archive = open_existing(db)
        try:
            result = archive.search(request)
        finally:
            archive.close()
        if format is SearchFormat.json:
            typer.echo(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))
        else:
            print_text(result, Console(highlight=False))


__all__ = ["parse_when", "register", "result_to_dict"]
