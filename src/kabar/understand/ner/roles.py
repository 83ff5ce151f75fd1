"""What the text says a person is: the title before the name or an apposition after it.

``Presiden Rusia Vladimir Putin`` → "Presiden Rusia"; ``AS melalui Menteri Luar Negeri Mike Pompeo``
→ "Menteri Luar Negeri AS" (the country that acts *through* the minister is the minister's);
``Arayik Harutyunyan, presiden daerah kantong etnis Armenia, mengatakan`` → "presiden daerah kantong
etnis Armenia". A role starts with a cue word from ``data/person_titles.txt`` and runs through
capitalised words and a few connectors (``data/role_connectors.txt``) up to the name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kabar.understand.ner.gazetteer import DATA, read_list

# Forms of address are cues that a name follows but say nothing about the person's office.
_HONORIFICS = frozenset(
    [
        "bapak",
        "pak",
        "ibu",
        "bu",
        "mas",
        "mbak",
        "bung",
        "tuan",
        "nyonya",
        "sang",
        "saudara",
        "saudari",
        "kh",
        "habib",
        "syekh",
        "dr",
        "ir",
        "drs",
        "prof",
    ]
)
_VIA = frozenset({"melalui", "lewat", "via"})
_MAX_ROLE = 8
_MAX_APPOSITION = 12


@dataclass(slots=True, frozen=True)
class RoleLexicon:
    cues: frozenset[tuple[str, ...]]
    connectors: frozenset[str]

    def cue_at(self, lows: Sequence[str], i: int) -> int:
        """Length of the longest cue starting at ``i`` (0 if none)."""
        for n in (3, 2, 1):
            if i + n <= len(lows) and tuple(lows[i : i + n]) in self.cues:
                return n
        return 0


@lru_cache(maxsize=1)
def load_role_lexicon() -> RoleLexicon:
    cues = frozenset(tuple(c.lower().split()) for c in read_list(DATA / "person_titles.txt"))
    connectors = frozenset(c.lower() for c in read_list(DATA / "role_connectors.txt"))
    return RoleLexicon(cues, connectors)


@dataclass(slots=True, frozen=True)
class RoleSpan:
    """Token range [start, end) of a role, plus an extra token range it borrows (the ``X melalui`` actor)."""

    start: int
    end: int
    actor: tuple[int, int] | None = None


def _is_word(tok: str) -> bool:
    return any(ch.isalpha() for ch in tok)


def role_before(tokens: Sequence[str], tags: Sequence[str], name_start: int) -> RoleSpan | None:
    lex = load_role_lexicon()
    lows = [t.lower() for t in tokens]
    run_start = name_start
    j = name_start - 1
    while j >= 0 and name_start - j <= _MAX_ROLE:
        tok = tokens[j]
        if tags[j].endswith("PER") or not _is_word(tok):
            break
        if not (tok[:1].isupper() or lows[j] in lex.connectors or lex.cue_at(lows, j)):
            break
        run_start = j
        j -= 1
    start = next(
        (k for k in range(run_start, name_start) if lex.cue_at(lows, k) and lows[k] not in _HONORIFICS),
        None,
    )
    if start is None:
        return None
    end = name_start
    while end > start and lows[end - 1] in _HONORIFICS:
        end -= 1  # "Presiden Bapak Joko" → role "Presiden"
    actor = _actor(tokens, tags, start)
    inside = any(tags[k] != "O" for k in range(start, end))
    return RoleSpan(start, end, None if inside else actor)


def _actor(tokens: Sequence[str], tags: Sequence[str], role_start: int) -> tuple[int, int] | None:
    """``AS melalui <role>``: the place or organisation ending just before ``melalui``."""
    via = role_start - 1
    if via < 1 or tokens[via].lower() not in _VIA:
        return None
    end = via
    k = end - 1
    if tags[k] == "O" or tags[k].endswith("PER"):
        return None
    while k > 0 and tags[k].startswith("I-"):
        k -= 1
    return (k, end)


def role_after(tokens: Sequence[str], tags: Sequence[str], name_end: int) -> RoleSpan | None:
    """An apposition: ``Name, <cue> ..., `` closed by a comma or a full stop within a few words.

    One naming another person (``Jokowi, Ketua KPK Firli Bahuri, dan …``) is a list, not an apposition.
    """
    lex = load_role_lexicon()
    if name_end + 1 >= len(tokens) or tokens[name_end] != ",":
        return None
    lows = [t.lower() for t in tokens]
    start = name_end + 1
    if not lex.cue_at(lows, start) or lows[start] in _HONORIFICS:
        return None
    for k in range(start + 1, min(len(tokens), start + _MAX_APPOSITION + 1)):
        if tokens[k] in {",", ".", ";", ")"}:
            return RoleSpan(start, k)
        if not _is_word(tokens[k]) or tags[k].endswith("PER"):
            return None
    return None


def split_leading_title(tokens: Sequence[str], start: int, end: int) -> int:
    """A person span the model opened with a title (``Presiden Jokowi``): where the name proper starts."""
    lex = load_role_lexicon()
    lows = [t.lower() for t in tokens]
    k = start
    while k < end - 1:
        n = lex.cue_at(lows, k)
        if not n or k + n >= end:
            break
        k += n
    return k
