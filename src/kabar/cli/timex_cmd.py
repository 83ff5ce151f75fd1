"""``kabar timex FILE…``: time expressions as TimeML (TIMEX3 inline) or JSON; ``--score GOLD RUN``
scores a run of TimeML files against gold ones the TempEval-3 way."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import typer

from kabar.cli.common import fail


class TimexFormat(StrEnum):
    timeml = "timeml"
    json = "json"


def _published(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--published: not an ISO 8601 date or time: {value!r}", 2)


def _score(gold_dir: Path, run_dir: Path) -> None:
    from kabar.understand.timeml.document import TimemlError
    from kabar.understand.timeml.folders import score_folders

    try:
        result = score_folders(gold_dir, run_dir)
    except TimemlError as exc:
        fail(str(exc), 2)
    for line in result.scores.lines():
        typer.echo(line)
    if result.scores.counts.missing_docs:
        typer.echo(f"missing from the run: {', '.join(result.scores.counts.missing_docs)}", err=True)


def register(app: typer.Typer) -> None:
    @app.command("timex")
    def timex_command(
        files: list[Path] = typer.Argument(..., help="Text, flattened page, HTML or TimeML (.tml) files."),
        format: TimexFormat = typer.Option(TimexFormat.timeml, "--format", "-f", help="Output format."),
        published: str | None = typer.Option(
            None, "--published", help="The creation time (ISO 8601) relative expressions resolve against."
        ),
        read_as: str = typer.Option("auto", "--as", help="Input kind: auto, text, flat, html or timeml."),
        out: Path | None = typer.Option(
            None, "--out", help="Write one FILE.tml/.json per input into this folder."
        ),
        score: bool = typer.Option(
            False, "--score", help="Score: the two FILES are a gold folder and a run folder of .tml files."
        ),
    ) -> None:
        """Find time expressions and write them as TimeML TIMEX3 (DATE, TIME, DURATION, SET)."""
        if score:
            if len(files) != 2:
                fail("--score takes two folders: GOLD_DIR RUN_DIR", 2)
            _score(files[0], files[1])
            return
        from kabar.understand.timeml.annotate import annotate
        from kabar.understand.timeml.document import TimemlError, write_timeml
        from kabar.understand.timeml.inputs import KINDS, read_source

        if read_as not in KINDS:
            fail(f"--as: choose one of {', '.join(KINDS)}", 2)
        if out is None and len(files) > 1 and format is TimexFormat.timeml:
            fail("several inputs: give --out FOLDER (one TimeML document per file)", 2)
        when = _published(published)
        failed = 0
        records = []
        for path in files:
            try:
                source = read_source(path, read_as, when)
            except TimemlError as exc:
                typer.echo(f"kabar timex: {exc}", err=True)
                failed += 1
                continue
            doc = annotate(source.text, source.dct, source.docid)
            if format is TimexFormat.timeml:
                rendered = write_timeml(doc)
            else:
                record = {
                    "docid": doc.docid,
                    "dct": doc.dct.isoformat() if doc.dct else None,
                    "timexes": [asdict(t) for t in doc.timexes],
                }
                records.append(record)
                rendered = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                suffix = ".tml" if format is TimexFormat.timeml else ".json"
                (out / f"{source.stem}{suffix}").write_text(rendered, encoding="utf-8")
            elif format is TimexFormat.timeml:
                typer.echo(rendered, nl=False)
        if out is None and format is TimexFormat.json and records:
            typer.echo(json.dumps(records[0] if len(files) == 1 else records, ensure_ascii=False, indent=2))
        if failed:
            raise typer.Exit(1 if failed < len(files) else 2)
