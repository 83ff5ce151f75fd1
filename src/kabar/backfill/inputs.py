"""What ``kabar backfill INPUTS…`` names → the WARC files to process, each once, in a stable order.

An input is a WARC file (``*.warc``, ``*.warc.gz``, ``*.arc``, ``*.arc.gz``), a folder (its
WARC files, not recursive), a glob (``crawl/*.warc.gz``; quote it so the tool expands it,
not the shell: a CC-NEWS month is more names than a command line holds) or any other file,
read as a list of paths, one a line (``#`` comments; relative paths are relative to the
list's folder), each of which may itself be a glob.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

_WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_GLOB_CHARS = frozenset("*?[")


class InputError(ValueError):
    """An input that names nothing to process (the message says which and why)."""


def is_warc_name(path: Path) -> bool:
    return path.name.lower().endswith(_WARC_SUFFIXES)


@dataclass(slots=True)
class _Collector:
    found: list[Path] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def add(self, path: Path) -> None:
        key = path.resolve()
        if key not in self.seen:
            self.seen.add(key)
            self.found.append(path)


def _expand(entry: str, base: Path | None, out: _Collector, origin: str) -> None:
    path = Path(entry) if base is None or Path(entry).is_absolute() else base / entry
    if _GLOB_CHARS & set(entry) and not path.exists():
        matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True))
        warcs = [m for m in matches if m.is_file() and is_warc_name(m)]
        if not warcs:
            raise InputError(f"{origin}{entry}: the pattern matches no WARC file")
        for m in warcs:
            out.add(m)
    elif path.is_dir():
        warcs = sorted(p for p in path.iterdir() if p.is_file() and is_warc_name(p))
        if not warcs:
            raise InputError(f"{origin}{entry}: the folder holds no WARC file (*.warc, *.warc.gz)")
        for p in warcs:
            out.add(p)
    elif not path.exists():
        raise InputError(f"{origin}{entry}: no such file")
    elif is_warc_name(path) or base is not None:  # a list names WARC files, never further lists
        out.add(path)
    else:
        _read_list(path, out)


def _read_list(path: Path, out: _Collector) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: neither a WARC name (*.warc, *.warc.gz) nor a text list of paths"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    entries = [(n, line.split("#", 1)[0].strip()) for n, line in enumerate(text.splitlines(), 1)]
    entries = [(n, e) for n, e in entries if e]
    if not entries:
        raise InputError(f"{path}: the list names no file")
    for n, entry in entries:
        _expand(entry, path.parent, out, f"{path}:{n}: ")


def warc_inputs(inputs: list[str]) -> list[Path]:
    """Every WARC file the inputs name, first mention first, duplicates dropped."""
    out = _Collector()
    for entry in inputs:
        _expand(entry, None, out, "")
    return out.found


__all__ = ["InputError", "is_warc_name", "warc_inputs"]
