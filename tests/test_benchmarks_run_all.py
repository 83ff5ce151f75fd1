"""benchmarks.run_all: every benchmark in a subprocess, failures and time-outs recorded, one table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.run_all import TOOLS, RunOptions, discover, main, run_all

ROOT = Path(__file__).resolve().parents[1]

FAKES = {
    "__init__.py": "",
    "helper.py": '"""no __main__ block: a helper, not a benchmark"""\nVALUE = 1\n',
    "good.py": """import sys
from benchmarks._common import result
QUICK_ARGS = ["--small", 3]
print("args", sys.argv[1:])
result("speed", 12.5, "pages/s", anchor="plain reader", anchor_value=10.0)
result("unmeasurable", float("nan"), "ms")
print('RESULT {"half-written')
if __name__ == "__main__":
    pass
""",
    "broken.py": 'if __name__ == "__main__":\n    print("starting")\n    raise RuntimeError("the index is gone")\n',
    "silent.py": 'if __name__ == "__main__":\n    print("kabar 3 pages/s, anchor 2 pages/s")\n',
    "slow.py": 'import time\nif __name__ == "__main__":\n    print("working", flush=True)\n    time.sleep(60)\n',
    "needs_data.py": (
        'import sys\nif __name__ == "__main__":\n'
        '    sys.exit("benchmark needs /nowhere/corpus.jsonl (the shared data set); not found")\n'
    ),
}


@pytest.fixture
def fake_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "fakebench"
    package.mkdir()
    for name, text in FAKES.items():
        (package / name).write_text(text)
    # the fake benchmarks import the real helper, as real ones do
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return tmp_path


def test_runs_each_benchmark_and_records_what_happened(fake_root: Path) -> None:
    out = fake_root / "out"
    options = RunOptions(root=fake_root, package="fakebench", quick=True, timeout=3, out=out)
    assert [b.name for b in discover(options)] == ["broken", "good", "needs_data", "silent", "slow"]
    outcomes = {o.name: o for o in run_all(options)}

    good = outcomes["good"]
    assert good.status == "ok" and good.command[-2:] == ["--small", "3"]
    assert good.results == [
        {"name": "speed", "value": 12.5, "unit": "pages/s", "anchor": "plain reader", "anchor_value": 10.0},
        {"name": "unmeasurable", "value": None, "unit": "ms"},
    ]
    assert outcomes["broken"].status == "failed" and outcomes["broken"].exit_code == 1
    assert any("the index is gone" in line for line in outcomes["broken"].tail)
    assert outcomes["silent"].status == "ok" and outcomes["silent"].results == []
    assert outcomes["silent"].tail == ["kabar 3 pages/s, anchor 2 pages/s"]
    assert outcomes["slow"].status == "timed out after 3 s" and outcomes["slow"].exit_code is None
    # killed at its limit, not waited for (it sleeps 60 s)
    assert outcomes["slow"].wall_seconds < 60 and outcomes["slow"].tail == ["working"]
    assert outcomes["needs_data"].status == "skipped"

    summary = json.loads((out / "summary.json").read_text())
    assert [b["name"] for b in summary["benchmarks"]] == ["broken", "good", "needs_data", "silent", "slow"]
    markdown = (out / "summary.md").read_text()
    assert "| good | speed | 12.5 | plain reader | 10.0 | pages/s |  |" in markdown
    assert (
        "| silent | *(no RESULT lines; last output)* | kabar 3 pages/s, anchor 2 pages/s | – | – | – | ok |"
        in markdown
    )
    assert "## broken: failed" in markdown and "RuntimeError: the index is gone" in markdown
    assert (out / "logs" / "slow.log").read_text().startswith("working")


def test_only_runs_the_named_benchmark_and_refuses_unknown_names(fake_root: Path) -> None:
    options = RunOptions(root=fake_root, package="fakebench", only=["silent"], out=fake_root / "o")
    assert [o.name for o in run_all(options)] == ["silent"]
    with pytest.raises(SystemExit, match="no benchmark nope; there are: broken, good"):
        run_all(RunOptions(root=fake_root, package="fakebench", only=["nope"], out=fake_root / "o"))


def test_the_real_benchmarks_are_found_with_their_quick_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    benches = {b.name: b for b in discover(RunOptions())}
    assert {"serve", "search", "ingest", "extraction"} <= set(benches)
    assert not set(TOOLS) & set(benches) and not any(n.startswith("_") for n in benches)
    assert "story_eval" not in benches  # a helper module: no __main__ block
    assert benches["serve"].quick_args[:2] == ["--seconds", "3"]
    assert main(["--list"]) == 0 and "serve" in capsys.readouterr().out
