"""The hand-made TIMEX3 gold (standoff) and its materialisation as TempEval-3 TimeML files.

benchmarks/data/timeml/gold.json holds only ids, paragraph indices and annotated strings (the texts stay in
../shared/corpus, CC BY-SA 4.0); this module finds every annotation in its text, refuses a gold that does not
fit (string not at the stated place, overlapping annotations, a value outside the TIMEX3 grammar) and writes
one ``.tml`` per article with the TIMEX3 tags inline. ``docs/TIMEML.md`` says how the gold was annotated.

    python -m benchmarks.timeml_gold OUT_DIR [--part tune|test|all]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "benchmarks" / "data" / "timeml" / "gold.json"
SHARED = Path(os.environ.get("KABAR_SHARED", ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "indosum-dev.jsonl"

TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})
MODS = frozenset(
    {
        "START",
        "MID",
        "END",
        "APPROX",
        "LESS_THAN",
        "MORE_THAN",
        "EQUAL_OR_LESS",
        "EQUAL_OR_MORE",
        "BEFORE",
        "AFTER",
        "ON_OR_BEFORE",
        "ON_OR_AFTER",
    }
)
PARTS = frozenset({"tune", "test"})
# Largest gold file we accept: the real one is ~100 kB; a runaway file must not be read into memory whole.
MAX_GOLD_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class GoldTimex:
    para: int
    text: str
    occurrence: int
    type: str
    value: str
    mod: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    source: str
    dct: str
    part: str
    timex: tuple[GoldTimex, ...]


@dataclass(frozen=True, slots=True)
class PlacedTimex:
    """An annotation found in its paragraph: character offsets [start, end) in that paragraph."""

    timex: GoldTimex
    start: int
    end: int


class GoldError(ValueError):
    """The gold file is unreadable or an annotation does not fit its text."""


class CorpusMissing(FileNotFoundError):
    """../shared/corpus is absent (a plain clone): the gold cannot be materialised."""


@lru_cache(maxsize=1)
def _value_patterns() -> dict[str, re.Pattern[str]]:
    """The TIMEX3 value grammar (TimeML 1.2.1 / TempEval-3), one full-match pattern per type."""
    year = r"(?:\d{4}|XXXX)"
    two = r"(?:\d{2}|XX)"
    ref = r"(?:PRESENT_REF|PAST_REF|FUTURE_REF)"
    after_year = rf"(?:-{two}(?:-{two})?|-W{two}(?:-(?:\d|WE))?|-Q[1-4X]|-H[12X]|-(?:SP|SU|FA|WI))"
    date = rf"(?:\d{{2}}|\d{{3}}|{year}{after_year}?)"
    clock = r"(?:\d{2}(?::\d{2}(?::\d{2})?)?|MO|MI|AF|EV|NI|DT)"
    time = rf"{date}T{clock}"
    num = r"(?:\d+(?:\.\d+)?|X)"
    duration = rf"P(?:(?:{num}(?:Y|M|W|D|DE|CE|L))+(?:T(?:{num}[HMS])+)?|T(?:{num}[HMS])+)"
    return {
        "DATE": re.compile(rf"{ref}|{date}"),
        "TIME": re.compile(rf"{ref}|{time}"),
        "DURATION": re.compile(duration),
        "SET": re.compile(rf"{duration}|{time}|{date}"),
    }


def valid_value(type_: str, value: str) -> bool:
    pattern = _value_patterns().get(type_)
    return pattern is not None and pattern.fullmatch(value) is not None


def _timex(raw: object, where: str) -> GoldTimex:
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: an annotation must be an object, got {type(raw).__name__}")
    try:
        tx = GoldTimex(
            para=int(raw["para"]),
            text=str(raw["text"]),
            occurrence=int(raw.get("occurrence", 0)),
            type=str(raw["type"]),
            value=str(raw["value"]),
            mod=None if raw.get("mod") is None else str(raw["mod"]),
            note=None if raw.get("note") is None else str(raw["note"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GoldError(f"{where}: annotation {raw!r} lacks or mistypes a field ({exc})") from exc
    if not tx.text or tx.text != tx.text.strip():
        raise GoldError(f"{where}: annotated text {tx.text!r} is empty or has outer spaces")
    if tx.para < 0 or tx.occurrence < 0:
        raise GoldError(f"{where}: negative paragraph or occurrence in {raw!r}")
    if tx.type not in TYPES:
        raise GoldError(f"{where}: type {tx.type!r} is not one of {sorted(TYPES)}")
    if not valid_value(tx.type, tx.value):
        raise GoldError(f"{where}: value {tx.value!r} is not a TIMEX3 {tx.type} value")
    if tx.mod is not None and tx.mod not in MODS:
        raise GoldError(f"{where}: mod {tx.mod!r} is not one of {sorted(MODS)}")
    return tx


def _article(raw: object, n: int) -> GoldArticle:
    if not isinstance(raw, dict) or not isinstance(raw.get("timex"), list):
        raise GoldError(f"article {n}: must be an object with a 'timex' list")
    where = f"article {raw.get('id', n)!s}"
    dct = str(raw.get("dct", ""))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", dct):
        raise GoldError(f"{where}: dct {dct!r} is not YYYY-MM-DD")
    if raw.get("part") not in PARTS:
        raise GoldError(f"{where}: part {raw.get('part')!r} is not one of {sorted(PARTS)}")
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        raise GoldError(f"{where}: missing id")
    return GoldArticle(
        id=raw["id"],
        source=str(raw.get("source", "")),
        dct=dct,
        part=str(raw["part"]),
        timex=tuple(_timex(t, where) for t in raw["timex"]),
    )


def load_gold(path: Path = GOLD) -> list[GoldArticle]:
    """The gold articles; GoldError with the reason when the file is absent, broken or not a gold file."""
    try:
        size = path.stat().st_size
        if size > MAX_GOLD_BYTES:
            raise GoldError(f"{path}: {size} bytes is more than a gold file can be ({MAX_GOLD_BYTES})")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot read the gold file ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise GoldError(f"{path}: the gold file is not UTF-8 ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}: the gold file is not JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise GoldError(f"{path}: expected an object with an 'articles' list")
    articles = [_article(raw, n) for n, raw in enumerate(data["articles"])]
    ids = Counter(a.id for a in articles)
    twice = sorted(i for i, k in ids.items() if k > 1)
    if twice:
        raise GoldError(f"{path}: articles listed twice: {twice}")
    return articles


def paragraphs(body: str) -> list[str]:
    """The corpus body's paragraphs as the gold indexes them: split on blank lines, then stripped."""
    return [p.strip() for p in body.split("\n\n")]


def load_bodies(ids: set[str], corpus: Path = CORPUS) -> dict[str, str]:
    """The bodies of the given corpus ids; CorpusMissing when ../shared is absent, GoldError for lost ids."""
    if not corpus.is_file():
        raise CorpusMissing(f"needs the shared corpus at {corpus} (absent in a plain clone; present in CI)")
    bodies: dict[str, str] = {}
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("id") in ids:
                bodies[row["id"]] = row["body"]
    lost = sorted(ids - bodies.keys())
    if lost:
        raise GoldError(f"gold ids not in {corpus}: {lost}")
    return bodies


def place(article: GoldArticle, paras: list[str]) -> list[list[PlacedTimex]]:
    """Each paragraph's annotations with offsets, in text order; GoldError when one is missing or overlaps."""
    placed: list[list[PlacedTimex]] = [[] for _ in paras]
    for tx in article.timex:
        if tx.para >= len(paras):
            raise GoldError(f"{article.id}: paragraph {tx.para} for {tx.text!r}, the body has {len(paras)}")
        text = paras[tx.para]
        start = -1
        for _ in range(tx.occurrence + 1):
            start = text.find(tx.text, start + 1)
            if start < 0:
                raise GoldError(
                    f"{article.id}: {tx.text!r} (occurrence {tx.occurrence}) not found in paragraph {tx.para}"
                )
        placed[tx.para].append(PlacedTimex(tx, start, start + len(tx.text)))
    for n, spans in enumerate(placed):
        spans.sort(key=lambda p: (p.start, p.end))
        for left, right in itertools.pairwise(spans):
            if right.start < left.end:
                raise GoldError(
                    f"{article.id}: paragraph {n}: {left.timex.text!r} and {right.timex.text!r} overlap"
                )
    return placed


def _tagged(text: str, spans: list[PlacedTimex], first_tid: int) -> str:
    out: list[str] = []
    at = 0
    for k, span in enumerate(spans):
        tx = span.timex
        attrs = f"tid={quoteattr(f't{first_tid + k}')} type={quoteattr(tx.type)} value={quoteattr(tx.value)}"
        if tx.mod:
            attrs += f" mod={quoteattr(tx.mod)}"
        out.append(escape(text[at : span.start]))
        out.append(f"<TIMEX3 {attrs}>{escape(text[span.start : span.end])}</TIMEX3>")
        at = span.end
    out.append(escape(text[at:]))
    return "".join(out)


def to_tml(article: GoldArticle, body: str) -> str:
    """The article as a TempEval-3 TimeML document with the gold TIMEX3 inline (tids t1.. in text order)."""
    paras = paragraphs(body)
    placed = place(article, paras)
    tagged: list[str] = []
    tid = 1
    for text, spans in zip(paras, placed, strict=True):
        tagged.append(_tagged(text, spans, tid))
        tid += len(spans)
    dct = escape(article.dct)
    return (
        '<?xml version="1.0" ?>\n<TimeML>\n'
        f"<DOCID>{escape(article.id)}</DOCID>\n"
        f'<DCT><TIMEX3 tid="t0" type="DATE" value="{dct}" temporalFunction="false" '
        f'functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>\n'
        "<TEXT>\n" + "\n\n".join(tagged) + "\n</TEXT>\n</TimeML>\n"
    )


def select(articles: list[GoldArticle], part: str) -> list[GoldArticle]:
    if part not in PARTS | {"all"}:
        raise ValueError(f"part must be tune, test or all, not {part!r}")
    return [a for a in articles if part == "all" or a.part == part]


def write_gold(out_dir: Path, part: str = "all", corpus: Path = CORPUS) -> list[Path]:
    """One ``{id}.tml`` per gold article of the part ("tune", "test" or "all") in out_dir; their paths."""
    chosen = select(load_gold(), part)
    bodies = load_bodies({a.id for a in chosen}, corpus)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for article in chosen:
        path = out_dir / f"{article.id}.tml"
        path.write_text(to_tml(article, bodies[article.id]), encoding="utf-8")
        paths.append(path)
    return paths


@dataclass(frozen=True, slots=True)
class GoldCounts:
    articles: Counter[str]
    timex: Counter[str]
    by_type: Counter[tuple[str, str]]
    by_source: Counter[tuple[str, str]]


def counts(articles: list[GoldArticle]) -> GoldCounts:
    result = GoldCounts(Counter(), Counter(), Counter(), Counter())
    for a in articles:
        result.articles[a.part] += 1
        result.timex[a.part] += len(a.timex)
        result.by_source[(a.part, a.source)] += len(a.timex)
        for tx in a.timex:
            result.by_type[(a.part, tx.type)] += 1
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory for the .tml files")
    parser.add_argument("--part", default="all", choices=["tune", "test", "all"])
    args = parser.parse_args(argv)
    try:
        paths = write_gold(args.out_dir, args.part)
    except CorpusMissing as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 2
    c = counts(select(load_gold(), args.part))
    print(f"wrote {len(paths)} files to {args.out_dir}")
    for part in sorted(c.timex):
        types = ", ".join(f"{t} {n}" for (p, t), n in sorted(c.by_type.items()) if p == part)
        print(f"{part}: {c.articles[part]} articles, {c.timex[part]} TIMEX3 ({types})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
