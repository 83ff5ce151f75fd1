"""``kabar extract``: pages in, structured articles out (no archive involved), each page under the guard."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from kabar.cli.batch import (
    EXIT_HELP,
    RejectReport,
    guard_options,
    max_cpu_option,
    max_memory_option,
    rejects_option,
    strict_option,
)
from kabar.cli.common import err_console, fail
from kabar.guard import Guard, Verdict, reject_of
from kabar.model import Article, body_layout
from kabar.prepare import PageJob, prepare, warm_up
from kabar.prepare import understand as understand_step
from kabar.serialize import article_to_dict, article_to_jsonld
from kabar.sources.files import PageError, ReadOptions, read_stdin_page


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
    for placed in body_layout(article.paragraphs, article.images, article.subheadings):
        if placed.image is not None:
            image = placed.image
            lines.append(f"[Foto: {image.caption or ''} — {image.credit or ''}]".replace(" — ]", "]"))
        elif placed.kind == "heading":
            lines.extend((f"## {placed.text}", ""))
        else:
            lines.extend((placed.text, ""))
    if article.sources:
        lines.append("Sumber: " + ", ".join(article.sources))
    if article.related:
        lines.append("Berita terkait:")
        lines.extend(f"  - {r.headline} ({r.age_text or ''})" for r in article.related)
    return "\n".join(lines).rstrip() + "\n"


def _job(path_arg: str, options: ReadOptions, url: str | None, when: datetime | None) -> PageJob:
    if path_arg == "-":
        # stdin is read here (bounded): the worker cannot read the caller's stdin
        page = read_stdin_page(sys.stdin.buffer, options)
        return PageJob(source="-", page=page, url=url, captured_at=when, read=options)
    return PageJob(source=path_arg, path=Path(path_arg), url=url, captured_at=when, read=options)


def _article(guard: Guard, job: PageJob, understand: bool) -> Verdict[Article]:
    """Read and extract (and understand) one page under the guard: one CPU budget for both steps."""
    prepared = guard.run(prepare, job, source=job.source)
    if prepared.reject is not None or not understand:
        return prepared
    assert prepared.value is not None
    return guard.run(understand_step, prepared.value, source=job.source, spent=prepared.cpu_seconds)


def _emit(article: Article, source: str, format: ExtractFormat, results: list[dict[str, Any]]) -> None:
    if format is ExtractFormat.jsonl:
        record = article_to_dict(article)
        record["source"] = source
        typer.echo(json.dumps(record, ensure_ascii=False))
    elif format is ExtractFormat.text:
        typer.echo(_as_text(article))
    elif format is ExtractFormat.jsonld:
        results.append(article_to_jsonld(article))
    else:
        results.append(article_to_dict(article))


def register(app: typer.Typer) -> None:
    @app.command("extract", epilog=EXIT_HELP)
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
        rejects: Path | None = rejects_option(),
        strict: bool = strict_option(),
        max_cpu_seconds: float = max_cpu_option(),
        max_memory_mb: int = max_memory_option(),
    ) -> None:
        """Read news pages and print structured articles.

        Each page runs under a CPU and memory budget: a page that fails or goes over is
        rejected (one line on stderr) and the others go on.
        """
        when = _parse_captured(captured_at)
        options = ReadOptions()
        results: list[dict[str, Any]] = []
        done = 0
        with (
            RejectReport(rejects, strict=strict) as report,
            Guard(
                guard_options(max_cpu_seconds, max_memory_mb), warm=warm_up if understand else None
            ) as guard,
        ):
            for path_arg in paths:
                try:
                    job = _job(path_arg, options, url, when)
                except PageError as exc:
                    report.add(reject_of(path_arg, "read", exc))
                else:
                    verdict = _article(guard, job, understand)
                    if verdict.reject is not None:
                        report.add(verdict.reject)
                    else:
                        assert verdict.value is not None
                        _emit(verdict.value, path_arg, format, results)
                        done += 1
                if report.stop:
                    break
            if results:
                payload: Any = results[0] if len(paths) == 1 else results
                typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            if len(paths) > 1 or report.count:
                err_console().print(f"{done} extracted, {report.count} rejected", soft_wrap=True)
            status = report.exit_status(done)
        if status:
            raise typer.Exit(status)
