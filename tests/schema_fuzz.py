"""Schemathesis over the app's own /openapi.json, in-process (ASGI, no socket).

Shared by ``tests/test_serve_schema.py`` (a few hundred cases) and
``benchmarks/schemathesis_run.py`` (many more). Every generated request is sent; a
failing check is recorded rather than raised, so one run counts every server error
and schema mismatch instead of stopping (and shrinking) at the first.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Err
from schemathesis.python import asgi

from kabar.archive.sqlite import SqliteArchive
from serve_support import fill, make_article, rich_article

# What a response must satisfy: no 5xx, a status, content type, body and headers the
# schema declares; for invalid input (negative mode), a 4xx.
POSITIVE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
NEGATIVE_CHECKS = (*POSITIVE_CHECKS, "negative_data_rejection")


@dataclass(slots=True)
class SchemaRun:
    operations: list[str] = field(default_factory=list)
    cases: int = 0
    server_errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the first few, for the message


def fixture_archive(path: Path) -> SqliteArchive:
    """A small archive with every kind of record the API shows (articles, outlets, related)."""
    articles = [rich_article(), *[make_article(n) for n in range(1, 8)], make_article(20, outlet="kumparan")]
    return fill(path, articles)


def _checks(names: tuple[str, ...]) -> list[Any]:
    import schemathesis.checks as known

    return [getattr(known, name) for name in names]


def _fuzz_operation(
    run: SchemaRun,
    operation: Any,
    mode: str,
    cases: int,
    headers: dict[str, str],
    session: Any,
    derandomize: bool,
) -> None:
    generation = GenerationMode(mode)
    checks = _checks(POSITIVE_CHECKS if generation.is_positive else NEGATIVE_CHECKS)

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=derandomize,  # True: the same cases every run, so a failure reproduces
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=generation))
    def send(case: Any) -> None:
        response = case.call(headers=headers, session=session)
        run.cases += 1
        run.statuses[response.status_code] += 1
        if response.status_code >= 500:
            run.server_errors += 1
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as exc:  # failed checks: recorded, the run goes on
            if len(run.failures) < 20:
                where = f"{mode} {case.method} {case.formatted_path} {case.query or ''}"
                run.failures.append(f"{where} -> {response.status_code}: {str(exc)[:600]}")

    # Negative mode on an operation that takes no parameters has nothing to break.
    with contextlib.suppress(Unsatisfiable):
        send()


def fuzz_app(
    app: Any,
    cases_per_operation: int,
    modes: tuple[str, ...] = ("positive",),
    headers: dict[str, str] | None = None,
    derandomize: bool = True,
) -> SchemaRun:
    """Run ``cases_per_operation`` cases per operation and mode; ``headers`` go with every request
    (the ingest token, so POST /api/ingest is exercised rather than refused)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    run = SchemaRun()
    # One in-process client for the whole run (a client per case would start a thread each time).
    with asgi.get_client(app) as session:
        for found in schema.get_all_operations():
            if isinstance(found, Err):  # an operation schemathesis cannot read is a defect of the schema
                run.failures.append(f"invalid operation in /openapi.json: {str(found.err())[:300]}")
                continue
            operation = found.ok()
            run.operations.append(operation.label)
            for mode in modes:
                _fuzz_operation(
                    run, operation, mode, cases_per_operation, headers or {}, session, derandomize
                )
    return run
