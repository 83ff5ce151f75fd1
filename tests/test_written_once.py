"""Code the review found written twice is written once, and each former copy uses the one.

- the CPU time of a process and its ended children: benchmarks._common.cpu_with_children, used
  by the ingest, backfill and guard benchmarks (each summed getrusage by hand);
- the response-cache tests' set-up: tests/cache_support.py, used by both cache test files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks._common import cpu_with_children

import cache_support

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["ingest", "backfill", "guard"])
def test_the_benchmarks_read_cpu_through_the_one_function(name: str) -> None:
    source = (ROOT / "benchmarks" / f"{name}.py").read_text(encoding="utf-8")
    assert "cpu_with_children()" in source
    assert "getrusage(" not in source


def test_cpu_with_children_counts_a_child_once_it_has_ended() -> None:
    before = cpu_with_children()
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.2: pass\nprint(time.process_time())"
    child = float(
        subprocess.run([sys.executable, "-c", burn], check=True, capture_output=True, text=True).stdout
    )
    assert cpu_with_children() - before >= 0.95 * child  # the child's whole CPU, and this process's


@pytest.mark.parametrize("module", ["test_serve_cache", "test_serve_cache_targeted"])
def test_both_cache_test_files_share_one_set_up(module: str) -> None:
    tests = __import__(module)
    assert tests._cache is cache_support.response_cache
    assert "story_archive(" in Path(tests.__file__).read_text(encoding="utf-8")
