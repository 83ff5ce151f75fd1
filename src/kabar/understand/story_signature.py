"""The distinguishing names of an article's event: which competition or case, which stage.

Two badminton tournaments a week apart share players, federation, words and even scores; what
differs is the name ("Korea Terbuka" against "Jepang Terbuka"). A Champions League semifinal and
the final share the club; what differs is the stage. The lead names both. Heads, stages, aliases
and the words that are never part of a name are data (``data/story_signature.json``).

The article's name of a kind is the *first* its lead gives (a Japan Open report recalls the Korea
Open's final only further down); its stage likewise. A name its sentence dates a week or more
before publication ("GP Qatar di Losail, 26 Maret" in a report from Argentina) is a past event
recalled: named, never the first. The clusterer keeps a story's names and stages as counts and
asks :func:`compare_names` whether the two agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "story_signature.json"
_WORD = r"[A-Z][\w'-]*|[a-z]+-?[A-Z][\w-]*"  # "Korea", "U-19", "e-KTP"


@dataclass(slots=True, frozen=True)
class Head:
    kind: str
    key: str
    blocks: bool


@dataclass(slots=True, frozen=True)
class SignatureLexicon:
    after: re.Pattern[str]  # "<Name> Terbuka"
    before: re.Pattern[str]  # "GP <Name>", "Piala <Name>"
    before_gap: re.Pattern[str]  # "kasus [a few lowercase words] <Name>"
    heads: dict[str, Head]  # head word (casefolded) → its kind
    stages: re.Pattern[str]
    stage_of: dict[str, str]  # stage word (casefolded, spaces single) → stage key
    not_names: dict[str, frozenset[str]]  # word → the kinds it is no name in (empty: every kind)
    aliases: dict[str, str]
    lead_paragraphs: int
    lead_chars: int
    stage_gap_days: float
    recalled_days: int  # a name its sentence dates this many days before publication is recalled
    recalled_chars: int  # how far after the name its sentence's date is looked for


def _alternation(words: list[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)  # longest first: "perempat final" before "final"
    return "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in ordered)


@lru_cache(maxsize=1)
def lexicon() -> SignatureLexicon:
    doc = json.loads(_DATA.read_text(encoding="utf-8"))
    heads: dict[str, Head] = {}
    after: list[str] = []
    before: list[str] = []
    before_gap: list[str] = []
    for h in doc["heads"]:
        word = str(h["head"])
        heads[" ".join(word.casefold().split())] = Head(str(h["kind"]), str(h["key"]), bool(h["blocks"]))
        (after if h["at"] == "after" else before_gap if h.get("gap") else before).append(word)
    n = int(doc["max_name_words"])
    name = rf"(?:{_WORD})(?:[ \t]+(?:{_WORD})){{0,{n - 1}}}"
    gap = int(doc["gap_words"])
    stage_of: dict[str, str] = {}
    for s in doc["stages"]:
        for w in s["words"]:
            stage_of[" ".join(str(w).casefold().split())] = str(s["stage"])
    return SignatureLexicon(
        after=re.compile(rf"(?<![\w-])({name})[ \t]+({_alternation(after)})(?![\w-])"),
        before=re.compile(rf"(?<![\w-])({_alternation(before)})[ \t]+({name})"),
        # a case's head may sit a few words before its name ("kasus korupsi KTP")
        before_gap=re.compile(
            rf"(?<![\w-])((?i:{_alternation(before_gap)}))[ \t]+(?:[a-z]+[ \t]+){{0,{gap}}}?({name})"
        ),
        heads=heads,
        stages=re.compile(rf"(?<![\w-])(?:{_alternation(list(stage_of))})(?![\w-])", re.IGNORECASE),
        stage_of=stage_of,
        not_names={
            str(w["word"]).casefold(): frozenset(str(k) for k in w.get("only", [])) for w in doc["not_names"]
        },
        aliases={str(a["from"]).casefold(): str(a["to"]) for a in doc["aliases"]},
        lead_paragraphs=int(doc["lead_paragraphs"]),
        lead_chars=int(doc["lead_chars"]),
        stage_gap_days=float(doc["stage_gap_days"]),
        recalled_days=int(doc["recalled_days"]),
        recalled_chars=int(doc["recalled_chars"]),
    )


@dataclass(slots=True, frozen=True)
class NamesSignature:
    names: list[str] = field(
        default_factory=list
    )  # "tournament:korea open", "race:austria": the lead's names
    # the lead's first name of each kind: what the article is about ("India Terbuka 2018 ... the
    # runner-up of the Indonesia Masters" is about the India Open)
    first: list[str] = field(default_factory=list)
    stage: str = ""  # the lead's first stage word, as its key ("semifinal"); "" when none


def _name_key(words: str, kind: str, lex: SignatureLexicon) -> str:
    def no_name(w: str) -> bool:
        kinds = lex.not_names.get(w)
        return kinds is not None and (not kinds or kind in kinds)

    kept = [w for w in re.sub(r"[^\w\s-]", " ", words.casefold()).split()]
    while kept and no_name(kept[0]):  # "Turnamen Korea", "Pada GP"
        kept = kept[1:]
    while kept and no_name(kept[-1]):
        kept = kept[:-1]
    if not kept or any(no_name(w) for w in kept):
        return ""
    joined = " ".join(kept)
    return lex.aliases.get(joined, " ".join(lex.aliases.get(w, w) for w in kept))


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _recalled(lead: str, end: int, published: datetime, lex: SignatureLexicon) -> bool:
    """Whether the sentence goes on to date the name days before publication ("balapan GP Qatar
    di Sirkuit Losail, 26 Maret" in a report from Argentina two weeks on): a past event recalled,
    not the one the article reports. A range counts by its last day (a tournament just ended)."""
    from kabar.understand import timex_resolve
    from kabar.understand.timex import find_in_text

    rest = lead[end : end + lex.recalled_chars]
    if (stop := _SENTENCE_END.search(rest)) is not None:
        rest = rest[: stop.start()]
    anchor = timex_resolve.Anchor(today=published.date(), hour=published.hour)
    days: list[date] = []
    for t in find_in_text(rest, "body:0", anchor):
        for v in t.value if isinstance(t.value, list) else [t.value] if t.value else []:
            try:
                days.append(date.fromisoformat(v))
            except ValueError:
                continue  # weeks, months: not a day
    return bool(days) and (published.date() - max(days)).days >= lex.recalled_days


def names_signature(
    headline: str, paragraphs: list[str], published: datetime | None = None
) -> NamesSignature:
    """The lead's names and stage; with ``published``, a name its sentence dates days before
    publication is recalled: named (it may agree with a story), never what the lead is about."""
    lex = lexicon()
    lead = "\n".join([headline, *paragraphs[: lex.lead_paragraphs]])[: lex.lead_chars]
    found: list[tuple[int, str, str, int]] = []  # (position, kind, key, end)
    for m in lex.after.finditer(lead):
        head = lex.heads[" ".join(m.group(2).casefold().split())]
        key = _name_key(m.group(1), head.kind, lex)
        if key:
            # "Korea Terbuka" and "Korea Masters" are two tournaments; "Rogers Cup" is "Piala Rogers"
            suffix = f" {head.key}" if head.key != head.kind else ""
            found.append((m.start(), head.kind, f"{head.kind}:{key}{suffix}", m.end()))
    for m in [*lex.before.finditer(lead), *lex.before_gap.finditer(lead)]:
        head = lex.heads[" ".join(m.group(1).casefold().split())]
        key = _name_key(m.group(2), head.kind, lex)
        if key:
            found.append((m.start(), head.kind, f"{head.kind}:{key}", m.end()))
    names = sorted({key for _, _, key, _ in found})
    first: dict[str, str] = {}
    for _, kind, key, end in sorted(found):
        if kind not in first and not (published is not None and _recalled(lead, end, published, lex)):
            first[kind] = key
    stage = ""
    if (s := lex.stages.search(lead)) is not None:
        stage = lex.stage_of.get(" ".join(s.group(0).casefold().split()), "")
    return NamesSignature(names=names, first=sorted(first.values()), stage=stage)


@dataclass(slots=True, frozen=True)
class NamesComparison:
    name_conflict: bool  # a blocking kind both name, with different names: another event
    name_agree: bool  # a name the article gives is one of the story's: the story carries on
    stage_conflict: bool  # both name stages, the article's is not the story's, days apart


def _kind(key: str) -> str:
    return key.split(":", 1)[0]


def compare_names(
    article: NamesSignature, names: Mapping[str, float], stages: Mapping[str, float], gap_days: float
) -> NamesComparison:
    """The article's names and stage against a story's (its members' names and stages, counted)."""
    lex = lexicon()
    blocking = {h.kind for h in lex.heads.values() if h.blocks}
    theirs = {k for k, v in names.items() if v > 0}
    # another event: the story names a blocking kind and the lead's first name of that kind is
    # none of the story's (a preview naming last week's race after this week's still joins)
    conflict = any(
        _kind(ours) in blocking
        and (same := {t for t in theirs if _kind(t) == _kind(ours)})
        and ours not in same
        for ours in article.first
    )
    agree = any(n in theirs for n in article.names)
    their_stages = {k for k, v in stages.items() if v > 0}
    stage_conflict = bool(
        article.stage
        and their_stages
        and article.stage not in their_stages
        and gap_days >= lex.stage_gap_days
    )
    return NamesComparison(name_conflict=conflict, name_agree=agree, stage_conflict=stage_conflict)
