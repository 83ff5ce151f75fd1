"""Schemathesis over the API's /openapi.json, many cases: cases run, server errors, schema mismatches.

    .venv/bin/python -m benchmarks.schemathesis_run [--cases 300] [--modes positive,negative]

The app runs in-process (ASGI, no socket) over a small fixture archive, as in
``tests/test_serve_schema.py`` (which runs a dozen cases per operation for `make test`).
Each operation gets ``--cases`` generated requests per mode: positive (data that fits the
schema: the answer must be 2xx/4xx as documented, with the documented body and type) and
negative (data that breaks it: the answer must be a 4xx). The ingest token is sent, so
POST /api/ingest is exercised rather than refused.

Anchor, from the same run: the operations /openapi.json lists and how many of them the
run covered (every one should have produced cases). CPU time of this process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, result

QUICK_ARGS = ["--cases", "50"]
TIMEOUT_SECONDS = 3600


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="cases per operation and mode")
    parser.add_argument("--modes", default="positive,negative", help="generation modes, comma-separated")
    parser.add_argument("--random", action="store_true", help="new cases each run (default: the same cases)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "tests"))  # the fixture archive and the runner the test uses
    from schema_fuzz import fixture_archive, fuzz_app
    from serve_support import make_app

    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    with tempfile.TemporaryDirectory() as tmp:
        archive = fixture_archive(Path(tmp) / "k.db")
        try:
            app = make_app(archive, token="bench-token", warm_latest=0)
            listed = sum(len(ops) for ops in app.openapi()["paths"].values())
            start = time.process_time()
            auth = {"Authorization": "Bearer bench-token"}
            run = fuzz_app(app, args.cases, modes=modes, headers=auth, derandomize=not args.random)
            cpu = time.process_time() - start
        finally:
            archive.close()

    covered = len(set(run.operations))
    print(f"operations in /openapi.json: {listed}; covered by this run: {covered}")
    print(f"modes: {', '.join(modes)}; up to {args.cases} cases per operation and mode")
    print(
        f"cases run: {run.cases}  server errors (5xx): {run.server_errors}  failed checks: {len(run.failures)}"
    )
    print("statuses: " + ", ".join(f"{s}×{n}" for s, n in sorted(run.statuses.items())))
    print(f"CPU: {cpu:.1f} s ({1000 * cpu / max(run.cases, 1):.2f} ms per case)")
    for failure in run.failures:
        print("  " + failure.replace("\n", " ")[:300])
    result("schemathesis cases run", run.cases, "cases", anchor="operations covered", anchor_value=covered)
    result(
        "schemathesis server errors",
        run.server_errors,
        "errors",
        anchor="operations listed",
        anchor_value=listed,
        better="lower",
    )
    result("schemathesis failed checks", len(run.failures), "failures", better="lower")
    return 1 if run.server_errors or run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
