"""The architecture, enforced: the archive is the only door to storage, and packages import one way.

Read from the source (the AST), not by importing it, so a violation hidden inside a function
is found as surely as one at the top of a module. The layer table is docs/ARCHITECTURE.md's.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import kabar

SRC = Path(kabar.__file__).parent

# Lowest first: a module may import its own layer, the layers below it, and the base layer.
LAYERS = ("sources", "extract", "understand", "archive", "link", "ingest", "serve", "top")
BASE = ("kabar.model", "kabar.serialize", "kabar.lang")
# Top-level modules by layer; packages are their own layer (kabar.cli and kabar.engine are "top").
MODULE_LAYER = {
    "kabar.ingest": "ingest",  # the one ingest path: the CLI, the engine and the API's ingest use it
    "kabar.ingest_batch": "ingest",  # bulk ingest: the same path, N workers, one writer in batches
    "kabar.prepare": "ingest",
    "kabar.guard": "ingest",
    "kabar.guard_start": "ingest",
    "kabar.wiring": "ingest",  # which indexers run: above link, whose near-duplicate indexer it names
    "kabar.export": "serve",  # datasets out (kabar export): reads the archive, like the portal
    "kabar.backfill": "serve",  # WARC → shards → archive: uses ingest's steps and the export's schema
    "kabar.cli": "top",
    "kabar.engine": "top",
    "kabar": "top",  # the package's public names
}
DRIVERS = ("sqlite3", "sqlalchemy", "psycopg", "psycopg2", "alembic")
# SQL statements in string literals (docstrings are prose and may name SQL).
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bCREATE\s+(?:VIRTUAL\s+|UNIQUE\s+)?(?:TABLE|INDEX)\b|\bDROP\s+TABLE\b"
    r"|\bPRAGMA\s+\w+"
)
DRIVER_CALLS = ("connect", "execute", "executemany", "exec_driver_sql")


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: Path
    tree: ast.Module


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = SRC) -> Iterator[Module]:
    for path in sorted(root.rglob("*.py")):
        yield Module(_module_name(path, root), path, ast.parse(path.read_text(encoding="utf-8"), str(path)))


def layer_of(name: str) -> str | None:
    """The layer of a kabar module, None for the base layer (anyone may import it)."""
    if any(name == b or name.startswith(b + ".") for b in BASE):
        return None
    for prefix, layer in MODULE_LAYER.items():
        if name == prefix or (prefix != "kabar" and name.startswith(prefix + ".")):
            return layer
    package = name.split(".")[1] if name.count(".") >= 1 else ""
    if package in LAYERS:
        return package
    raise AssertionError(f"{name}: no layer; add it to MODULE_LAYER (and docs/ARCHITECTURE.md)")


@dataclass(frozen=True, slots=True)
class Imported:
    line: int
    name: str
    maybe: bool = False  # ``from package import name``: a module only if package/name exists


def imports(tree: ast.AST, module: str) -> Iterator[Imported]:
    """Every module an import names, at any depth (function-level imports included)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Imported(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = module.split(".")[: -node.level] if node.level else []
                target = ".".join([*base, node.module or ""]).rstrip(".")
            else:
                target = node.module or ""
            yield Imported(node.lineno, target)
            for alias in node.names:  # ``from kabar import link`` imports kabar.link
                yield Imported(node.lineno, f"{target}.{alias.name}", maybe=True)


def _is_kabar(name: str) -> bool:
    return name == "kabar" or name.startswith("kabar.")


def _known(name: str, root: Path) -> bool:
    """``from kabar.x import name`` names a module only when kabar/x/name(.py) exists."""
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    return (root / rel).is_dir() or (root / rel).with_suffix(".py").exists()


def layer_violations(root: Path = SRC) -> list[str]:
    out = []
    for m in modules(root):
        own = layer_of(m.name)
        for imp in imports(m.tree, m.name):
            line, target = imp.line, imp.name
            if not _is_kabar(target) or (imp.maybe and not _known(target, root)):
                continue
            theirs = layer_of(target)
            if own is None and theirs is not None:
                out.append(f"{m.name}:{line} (base layer) imports {target} ({theirs})")
            elif own is not None and theirs is not None and LAYERS.index(theirs) > LAYERS.index(own):
                out.append(f"{m.name}:{line} ({own}) imports {target} ({theirs})")
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                ids.add(id(value))
    return ids


def storage_violations(root: Path = SRC) -> list[str]:
    out = []
    for m in modules(root):
        if m.name.startswith("kabar.archive"):
            continue
        docs = _docstrings(m.tree)
        for imp in imports(m.tree, m.name):
            if not imp.maybe and imp.name.split(".")[0] in DRIVERS:
                out.append(f"{m.name}:{imp.line} imports {imp.name}")
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if SQL.search(node.value):
                    out.append(f"{m.name}:{node.lineno} holds SQL: {node.value[:60]!r}")
            elif isinstance(node, ast.JoinedStr) and SQL.search(ast.unparse(node)):
                out.append(f"{m.name}:{node.lineno} holds SQL: {ast.unparse(node)[:60]}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in DRIVER_CALLS
            ):
                out.append(f"{m.name}:{node.lineno} calls .{node.func.attr}()")
    return out


def test_only_the_archive_touches_storage() -> None:
    offenders = storage_violations()
    assert offenders == [], "storage outside kabar.archive:\n" + "\n".join(offenders)


def test_packages_import_one_way() -> None:
    offenders = layer_violations()
    assert offenders == [], "imports against the layer order:\n" + "\n".join(offenders)


# -- the checks themselves catch what they must (small fixtures of the old faults) ---------

_FAULTS = {
    "understand/stories.py": (
        "from kabar.link.timeline import build_timeline\n"
        "def f(conn):\n"
        "    return conn.execute('SELECT id FROM stories WHERE id = 1')\n"
    ),
    "archive/indexers.py": "def default_indexers():\n    from kabar.link.dedup import DedupIndexer\n",
    "link/dedup.py": 'import sqlite3\nSQL = f"INSERT OR IGNORE INTO dedup_bands VALUES ({1})"\n',
    "sources/fetchlog.py": "from sqlalchemy.dialects.sqlite import insert\n",
    "serve/sections.py": "def f(archive):\n    return archive.connect()\n",
    "model.py": "from kabar.archive.base import Archive\n",
    "lang/time.py": '"""SELECT x FROM y in a docstring is prose."""\n',
}


@pytest.fixture
def faulty_tree(tmp_path: Path) -> Path:
    root = tmp_path / "kabar"
    for rel, code in _FAULTS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    for package in {p.parent for p in root.rglob("*.py")}:
        (package / "__init__.py").touch()
    return root


def test_the_checks_find_hidden_cycles_drivers_and_sql(faulty_tree: Path) -> None:
    layers = layer_violations(faulty_tree)
    storage = storage_violations(faulty_tree)
    assert any("kabar.understand.stories:1 (understand) imports kabar.link.timeline" in v for v in layers)
    assert any(
        "kabar.archive.indexers:2 (archive) imports kabar.link.dedup" in v for v in layers
    )  # in a function
    assert any("kabar.model:1 (base layer) imports kabar.archive.base" in v for v in layers)
    assert any("kabar.link.dedup:1 imports sqlite3" in v for v in storage)
    assert any("kabar.link.dedup:2 holds SQL" in v for v in storage)
    assert any("kabar.sources.fetchlog:1 imports sqlalchemy" in v for v in storage)
    assert any("kabar.serve.sections:2 calls .connect()" in v for v in storage)
    assert any("kabar.understand.stories:3 holds SQL" in v for v in storage)
    assert any("kabar.understand.stories:3 calls .execute()" in v for v in storage)
    assert not any("kabar.lang" in v for v in storage)  # a docstring may name SQL
