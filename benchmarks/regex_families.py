"""Every regular expression that runs on page text, found by introspection, and hostile strings to
time them on. Shared by ``tests/test_regex_linear.py`` (the ratio gate) and
``benchmarks/robustness.py`` (the worst time per family at 100k characters).

Patterns are collected, not listed, so a pattern added later is covered without editing this file:

* module-level compiled patterns, and patterns held in module-level tuples, lists and dicts;
* what the module's argument-free cached builders return (``@functools.cache def _pattern()``),
  looking inside tuples, lists, dicts and dataclass-like records (``Pattern(name, regex)``);
* compiled patterns in class attributes;
* literal patterns in inline calls (``re.search(r"...", text)``), read from the source with ``ast``.

A family is the module a pattern lives in.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGES = ("kabar.extract", "kabar.understand", "kabar.lang", "kabar.link", "kabar.sources")
# Modules that never see page text: training tools and command-line front ends.
_SKIP_MODULES = ("kabar.understand.ner.train", "kabar.understand.ner.conll", "kabar.understand.ner.tagfile")
_INLINE_FUNCS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


@dataclass(slots=True, frozen=True)
class Found:
    family: str  # the module
    name: str  # where in the module
    pattern: re.Pattern[str]


def _modules() -> Iterator[Any]:
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if info.name in _SKIP_MODULES:
                continue
            yield importlib.import_module(info.name)


def _harvest(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if depth > 4:
        return
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
        return
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return
    if isinstance(value, dict):
        for v in list(value.values()):
            yield from _harvest(v, depth + 1)
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for v in list(value):
            yield from _harvest(v, depth + 1)
        return
    if not type(value).__module__.startswith("kabar.") or inspect.isclass(value) or callable(value):
        return  # only kabar's own records hold patterns worth reading
    slots = getattr(type(value), "__slots__", ())
    fields = (
        [getattr(value, s, None) for s in slots] if slots else list(getattr(value, "__dict__", {}).values())
    )
    for v in fields:
        yield from _harvest(v, depth + 1)


def _cached_builder(obj: Any) -> Callable[[], Any] | None:
    if not callable(obj) or not hasattr(obj, "cache_info"):
        return None
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return None
    required = [p for p in params if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return None if required else obj


def _flags(call: ast.Call) -> int:
    for kw in call.keywords:
        if kw.arg == "flags":
            return _flag_value(kw.value)
    positional = {
        "compile": 1,
        "search": 2,
        "match": 2,
        "fullmatch": 2,
        "finditer": 2,
        "findall": 2,
        "split": 3,
    }
    index = positional.get(getattr(call.func, "attr", ""))
    if index is not None and len(call.args) > index:
        return _flag_value(call.args[index])
    return 0


def _flag_value(node: ast.expr) -> int:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return int(getattr(re, node.attr, 0))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flag_value(node.left) | _flag_value(node.right)
    return 0


def _inline(module: Any) -> Iterator[tuple[str, re.Pattern[str]]]:
    path = getattr(module, "__file__", None)
    if not path:
        return
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("re", "regex")
            and node.func.attr in _INLINE_FUNCS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield f"line {node.lineno}", re.compile(node.args[0].value, _flags(node))


def collect() -> list[Found]:
    """Every distinct pattern, each once (the first place it was seen names it)."""
    seen: set[tuple[str, int]] = set()
    found: list[Found] = []

    def add(family: str, name: str, pattern: re.Pattern[str]) -> None:
        key = (pattern.pattern, pattern.flags)
        if key not in seen:
            seen.add(key)
            found.append(Found(family, name, pattern))

    for module in _modules():
        family = module.__name__
        for attr, value in list(vars(module).items()):
            if getattr(value, "__module__", family) != family and not isinstance(
                value, (re.Pattern, tuple, list, dict)
            ):
                continue  # imported from elsewhere: its own module reports it
            for p in _harvest(value):
                add(family, attr, p)
            builder = _cached_builder(value)
            if builder is not None:
                try:
                    built = builder()
                except Exception:
                    continue
                for p in _harvest(built):
                    add(family, f"{attr}()", p)
            if inspect.isclass(value) and value.__module__ == family:
                for cattr, cvalue in vars(value).items():
                    for p in _harvest(cvalue):
                        add(family, f"{attr}.{cattr}", p)
        for name, p in _inline(module):
            add(family, name, p)
    return found


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# Hostile shapes: each is a unit repeated to the wanted size.
HOSTILE: dict[str, str] = {
    "capitalised words": "Presiden Joko Widodo Bertemu Menteri ",
    "capitals": "ANTARA FOTO REUTERS ",
    "capitals, no space": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "spaces": " ",
    "blank lines": "\n \n",
    "digits": "0123456789",
    "digits and separators": "12/11/2020 12.30 ",
    "punctuation": ".,:;-–—/|•()[]\"'!?",
    "repeated word": "berita ",
    "month dates": "Selasa, 3 November 2020 ",
    "date without year": "3 November dan 4 Desember, ",
    "WIB": "WIB ",
    "credit slashes": "Antara/Foto/",
    "mixture": "Jakarta (ANTARA) - 12.30 WIB | Foto: REUTERS/ 3 Nov. 2020, kata Joko. ",
    "word characters": "abcdefghij",
    "urls": "https://a.b/c?d=e ",
    "hyphens": "a-b-",
    "dots": "A.B.",
}


def hostile(name: str, size: int) -> str:
    return _repeat(HOSTILE[name], size)


def cpu_time(pattern: re.Pattern[str], text: str) -> float:
    """CPU seconds to find every match of ``pattern`` in ``text`` (a scan from every position)."""
    start = time.process_time()
    for _ in pattern.finditer(text):
        pass
    return time.process_time() - start
