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

# The main job: the example page goes into the archive (idempotent, so the portal has
# something to show offline), then `kabar run` polls the configured feeds and serves
# the portal at http://$(HOST):$(PORT)/ until stopped (Ctrl-C).
run: $(STAMP)
	$(BIN)/kabar ingest examples --db $(DB) -q
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

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
