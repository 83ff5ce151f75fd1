"""``kabar extract``: pages in, structured articles out (no archive involved)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from kabar.cli.common import err_console, fail
from kabar.extract import ExtractError, extract
from kabar.model import Article, Image, RawPage
from kabar.serialize import article_to_dict, article_to_jsonld
from kabar.sources.files import PageError, ReadOptions, read_page, read_stdin_page
from kabar.understand import enrich


class ExtractFormat(StrEnum):
    json = "json"
    jsonld = "jsonld"
    jsonl = "jsonl"
    text = "text"


def _parse_captured(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--captured-at: not an ISO 8601 time: {value!r}")
    if parsed.tzinfo is None:
        fail(f"--captured-at: give a zone, e.g. {value}+07:00")
    return parsed


def _as_text(article: Article) -> str:
    lines = [article.headline or "(no headline)"]
    if article.published_text or article.published:
        lines.append(article.published_text or (article.published.isoformat() if article.published else ""))
    if article.outlet:
        lines.append(article.outlet)
    lines.append("")
    images: dict[int, list[Image]] = {}
    for image in article.images:
        images.setdefault(image.position, []).append(image)
    for i, para in enumerate(article.paragraphs):
        for image in images.get(i, []):
            lines.append(f"[Foto: {image.caption or ''} — {image.credit or ''}]".replace(" — ]", "]"))
        lines.append(para)
        lines.append("")
    if article.sources:
        lines.append("Sumber: " + ", ".join(article.sources))
    if article.related:
        lines.append("Berita terkait:")
        lines.extend(f"  - {r.headline} ({r.age_text or ''})" for r in article.related)
    return "\n".join(lines).rstrip() + "\n"


def _read(path_arg: str, options: ReadOptions) -> RawPage:
    if path_arg == "-":
        return read_stdin_page(sys.stdin.buffer, options)
    return read_page(Path(path_arg), options)


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_command(
        paths: list[str] = typer.Argument(..., help="Files (.txt, .html, .html.gz) or - for stdin."),
        format: ExtractFormat = typer.Option(ExtractFormat.json, "--format", "-f", help="Output format."),
        captured_at: str | None = typer.Option(
            None,
            "--captured-at",
            help="When the page was captured (ISO 8601 with zone); dates relative ages.",
        ),
        url: str | None = typer.Option(None, "--url", help="The page's URL, where the file does not say."),
        understand: bool = typer.Option(True, "--understand/--no-understand", help="Add entities and times."),
    ) -> None:
        """Read news pages and print structured articles."""
        when = _parse_captured(captured_at)
        options = ReadOptions()
        results: list[dict[str, Any]] = []
        failures = 0
        for path_arg in paths:
            try:
                page = _read(path_arg, options)
                page.captured_at = when
                page.url = page.url or url
                article = extract(page)
                if understand:
                    enrich(article)
            except (PageError, ExtractError) as exc:
                failures += 1
                err_console().print(f"[bold red]kabar:[/] {exc}", soft_wrap=True)
                continue
            if format is ExtractFormat.jsonl:
                record = article_to_dict(article)
                record["source"] = path_arg
                typer.echo(json.dumps(record, ensure_ascii=False))
            elif format is ExtractFormat.text:
                typer.echo(_as_text(article))
            elif format is ExtractFormat.jsonld:
                results.append(article_to_jsonld(article))
            else:
                results.append(article_to_dict(article))
        if results:
            payload: Any = results[0] if len(paths) == 1 else results
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        if failures:
            raise typer.Exit(1)
