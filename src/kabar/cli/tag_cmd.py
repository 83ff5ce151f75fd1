"""``kabar tag FILE|-``: tag a CoNLL file with the shipped NER model (PER, ORG, LOC in IOB)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

from kabar.understand.ner.tagger import CONVENTIONS


def register(app: typer.Typer) -> None:
    app.command(name="tag")(tag)


def tag(
    file: str = typer.Argument(..., help="CoNLL file (token in the first column), or - for stdin"),
    convention: str = typer.Option(
        "idner", help=f"annotation convention to follow: {', '.join(CONVENTIONS)}"
    ),
    score: bool = typer.Option(
        False, "--score", help="the input's last column is a gold IOB tag: print type-macro F1 to stderr"
    ),
) -> None:
    """Append a predicted IOB tag column (B-PER/I-PER/B-ORG/I-ORG/B-LOC/I-LOC/O) to every token line."""
    from kabar.understand.ner.tagfile import NotTextError, decode_input, iter_lines, tag_lines
    from kabar.understand.ner.tagger import ModelMissingError, NerTagger, TaggerOptions

    if convention not in CONVENTIONS:
        _fail(f"unknown convention {convention!r}; choose one of {', '.join(CONVENTIONS)}")
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}")
    try:
        text = decode_input(data, "stdin" if file == "-" else file)
        tagger = NerTagger(TaggerOptions(convention=convention))
    except (NotTextError, ModelMissingError) as exc:
        _fail(str(exc))
    out = sys.stdout
    written: list[str] = []
    for line in tag_lines(iter_lines(text), tagger):
        out.write(line)
        if score:
            written.append(line)
    out.flush()
    if score:
        from kabar.understand.ner.scoring import TYPES
        from kabar.understand.ner.tagfile import score_tagged

        result = score_tagged(written)
        per_type = ", ".join(f"{t} {result.f1(t):.1f}" for t in TYPES)
        typer.echo(f"type-macro F1 {result.macro_f1():.1f} ({per_type}; micro {result.f1():.1f})", err=True)


def _fail(message: str) -> NoReturn:
    typer.echo(f"kabar tag: error: {message}", err=True)
    raise typer.Exit(2)
