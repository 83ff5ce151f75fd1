"""A configuration's problems as one line each: where (file, line, key path), what was expected, what to type.

pydantic's own messages name its internals ("Extra inputs are not permitted", loc tuples); a person editing a
TOML file wants the key as written, the line, what the key accepts and, for a misspelt key, the closest valid
one. What a key accepts comes from the models' fields (:func:`expected`), the same text as docs/CONFIG.md.
"""

from __future__ import annotations

import difflib
import json
import re
import types
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from kabar.engine.config_model import ConfigFile, EngineSection, SourceConfig

MAX_PROBLEMS = 20  # a hostile or generated file can have thousands; the first ones say enough
Loc = Sequence[int | str]

# the tables a file may hold, as the TOML writes their headers
_SECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "engine": (EngineSection, "[engine]"),
    "source": (SourceConfig, "[[source]]"),
}


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _bounds(metadata: list[Any]) -> str:
    low = next((f"from {_number(m.ge)}" for m in metadata if isinstance(m, Ge)), None)
    low = low or next((f"above {_number(m.gt)}" for m in metadata if isinstance(m, Gt)), None)
    high = next((f"to {_number(m.le)}" for m in metadata if isinstance(m, Le)), None)
    high = high or next((f"below {_number(m.lt)}" for m in metadata if isinstance(m, Lt)), None)
    return " ".join(part for part in (low, high) if part)


def _describe(annotation: Any, metadata: list[Any]) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        nested = [m for e in extra for m in (e.metadata if isinstance(e, FieldInfo) else [e])]
        return _describe(inner, metadata + nested)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return " or ".join(_describe(a, metadata) for a in options)
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(v) for v in get_args(annotation))
    if origin is list:
        return "a list"
    bounds = _bounds(metadata)
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return f"a whole number {bounds}".rstrip()
    if annotation is float:
        return f"a number {bounds}".rstrip()
    if annotation is str:
        blank_allowed = all(getattr(m, "min_length", None) in (None, 0) for m in metadata)
        return "text" if blank_allowed else "non-empty text"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a table"
    return getattr(annotation, "__name__", str(annotation))


def expected(field: FieldInfo) -> str:
    """What a key accepts, in words ("a number from 0.001 to 10080")."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("expects"), str):
        return str(extra["expects"])
    return _describe(field.annotation, list(field.metadata))


def _short(text: str) -> str:
    """A hostile key or value stays one short line."""
    return text if len(text) <= 60 else text[:57] + "…"


def path_text(loc: Loc) -> str:
    """``('source', 2, 'intervall')`` → ``source[2].intervall``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{_short(part)}" if out else _short(part))
    return out


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model whose key the last element of ``loc`` is."""
    model: type[BaseModel] = ConfigFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        sub = _SECTIONS.get(str(part))
        if sub is None:
            return None
        model = sub[0]
    return model


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return _short(json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value))


def _unknown_key(loc: Loc, value: object) -> str:
    key = str(loc[-1])
    model = _model_at(loc)
    top = len(loc) == 1
    if top:
        for section_model, header in _SECTIONS.values():
            if key in section_model.model_fields:
                return f"unknown top-level key; `{key}` belongs under {header}"
        close = difflib.get_close_matches(key, list(_SECTIONS), n=1)
        hint = f"did you mean {_SECTIONS[close[0]][1]}?" if close else "a file holds [engine] and [[source]]"
        what = "section" if isinstance(value, dict | list) else "top-level key"
        return f"unknown {what}; {hint}"
    valid = list(model.model_fields) if model is not None else []
    close = difflib.get_close_matches(key, valid, n=1)
    if close:
        return f"unknown key; did you mean `{close[0]}`?"
    for section_model, header in _SECTIONS.values():
        if section_model is not model and key in section_model.model_fields:
            return f"unknown key here; `{key}` belongs in {header}"
    return "unknown key; valid keys: " + ", ".join(valid)


def _problem(error: Any) -> str:
    loc: Loc = error["loc"]
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(loc, error["input"])
    if kind == "missing":
        return "missing: a required key"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    model = _model_at(loc) if loc else None
    field = model.model_fields.get(str(loc[-1])) if model is not None and loc else None
    if field is not None and not isinstance(loc[-1], int):
        want = expected(field)
    elif loc and isinstance(loc[-1], int):
        want = "a table"
    else:
        want = error["msg"].removeprefix("Input should be ").lower()
    return f"expected {want}, got {_shown(error['input'])}"


# --- where in the file -------------------------------------------------------------------------
_HEADER = re.compile(r"""^\s*(\[\[?)\s*([A-Za-z0-9_\-."' ]+?)\s*\]\]?\s*(?:#.*)?$""")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def line_of(text: str, loc: Loc) -> int | None:
    """The 1-based line where ``loc``'s key (or table) is written, when plain TOML makes it findable.

    tomllib returns values without positions; this scan follows table headers and ``key =`` lines, skipping
    multi-line strings, and gives up (None) on forms it does not follow (inline tables, dotted keys)."""
    want_table = str(loc[0]) if loc else ""
    want_index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    want_key = str(loc[-1]) if loc and not isinstance(loc[-1], int) else None
    key_depth = len(loc) - 1  # 0: a top-level key; 1: in a table; 2: in an array-of-tables entry
    table: str | None = None
    counts: dict[str, int] = {}
    index: int | None = None
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            table = header.group(2).strip().strip("\"'")
            if header.group(1) == "[[":
                index = counts.get(table, 0)
                counts[table] = index + 1
            else:
                index = None
            if table == want_table and (len(loc) == 1 or (want_key is None and index == want_index)):
                return number
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).strip("\"'")
            here = (table is None and key_depth == 0) or (
                table == want_table and (index == want_index if want_index is not None else key_depth == 1)
            )
            if here and name == want_key:
                return number
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote
    return None


def problems(exc: ValidationError, *, origin: str, text: str) -> list[str]:
    """One line per problem: ``file:line: key.path: what is wrong``."""
    located: list[tuple[int, str]] = []
    errors = exc.errors(include_url=False)
    for error in errors[:MAX_PROBLEMS]:
        loc = tuple(error["loc"])
        line = line_of(text, loc)
        if line is None and len(loc) > 2:  # a missing key: point at its table
            line = line_of(text, loc[:2])
        where = f"{origin}:{line}" if line is not None else origin
        message = f"{where}: {path_text(loc) or '(the file)'}: {_problem(error)}"
        located.append((line if line is not None else len(text), message))
    # in the file's order, as a person reads it (pydantic reports in the models' field order)
    out = [message for _, message in sorted(located, key=lambda pair: pair[0])]
    if len(errors) > MAX_PROBLEMS:
        out.append(f"{origin}: … and {len(errors) - MAX_PROBLEMS} more problems")
    return out


__all__ = ["MAX_PROBLEMS", "expected", "line_of", "path_text", "problems"]
