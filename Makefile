# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= kabar.db
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck pytest bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job: the example page and the IndoSum sample (300 articles, CC BY-SA 4.0: see
# examples/LICENSE-indosum-CC-BY-SA-4.0.txt) go into the archive (idempotent, so the portal has
# stories, outlets and entities to show offline), then `kabar run` polls the configured feeds and
# serves the portal at http://$(HOST):$(PORT)/ until stopped (Ctrl-C). Named files, not the folder:
# the licence beside the sample is a .txt that must not become an article.
EXAMPLES := examples/tempo-putin-armenia-azerbaijan.txt examples/indosum-sample.jsonl
run: $(STAMP)
	$(BIN)/kabar ingest $(EXAMPLES) --db $(DB) -q
	@echo "kabar: the portal will be at http://$(HOST):$(PORT)/ (status at /status)"
	$(BIN)/kabar run --db $(DB) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test: lint typecheck pytest

lock: $(BIN)/python
	$(BIN)/pip list --format=freeze --exclude-editable | grep -v '^pip==' > requirements.lock

# Every benchmark, one table (benchmarks/out/summary.md and .json): `make bench BENCH_ARGS=--quick`
# for smaller runs, `BENCH_ARGS="--only serve"` for one.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
