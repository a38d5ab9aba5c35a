# Groundrules: `make demo` and `make test` work on a fresh clone with Python 3.11+ and make.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Bare `make` lists the targets below (their `## name: what it does` lines).
.DEFAULT_GOAL := help

.PHONY: help demo test bench bench-live prepare train compare eval lint format i18n console constraints clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "groundrules needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

help:
	@awk '/^## [a-z0-9-]+: / { sub(/^## /, ""); print; next } /^## / { sub(/^## /, "    "); print }' $(MAKEFILE_LIST)

## demo: replay the bundled example conversation on SQLite and show what the bot did
demo: $(STAMP)
	$(BIN)/groundrules replay examples/demo.jsonl

## test: the whole suite (SQLite always; PostgreSQL too when DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## bench: replay a large generated conversation and print throughput and latency; then
## members' client languages looked up through the cache and without it; a big
## organisation a year in: its hot paths beside the forms they replaced; a big Slack
## channel's roster read from users.list beside one users.info per member; a full
## garbage collection in the started bot, before and after freezing what start-up made
bench: $(STAMP)
	$(BIN)/python -m benchmarks.replay
	$(BIN)/python -m benchmarks.member_languages
	$(BIN)/python -m benchmarks.scale
	$(BIN)/python -m benchmarks.rosters
	$(BIN)/python -m benchmarks.collector

## bench-live: the real bot (groundrules run slack discord) fed 100,000 messages by the
## stand-in Slack and Discord over loopback; its peak memory (about 6 minutes)
bench-live: $(STAMP)
	$(BIN)/python -m benchmarks.live --messages 100000

## train: build the shipped classifier from data/ (fixed seed)
train: $(STAMP)
	$(BIN)/python -m training.train

## prepare: deduplicate the corpus and split it by batch into data/splits/
prepare: $(STAMP)
	$(BIN)/python -m training.prepare

## compare: measure the candidate classifiers side by side (several minutes)
compare: $(STAMP)
	$(BIN)/python -m training.compare

## eval: per-label, nudge and agreement-offer figures, trained pipeline beside the rule classifier
eval: $(STAMP)
	$(BIN)/python -m training.evaluate

## console: chat as several people in the terminal
console: $(STAMP)
	$(BIN)/groundrules console

## lint: ruff: its checks, and whether the code is formatted
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: format the code and fix what ruff can
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## i18n: bring the English and Dutch catalogues in step with the code
i18n: $(STAMP)
	$(BIN)/python scripts/i18n.py

## constraints: pin every dependency to the newest releases that install together
## (run the tests and `make bench` after it: a release can move the figures)
constraints:
	rm -rf .constraints-venv && $(PYTHON) -m venv .constraints-venv
	.constraints-venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	.constraints-venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	{ echo "# The versions every install uses (make, CI, Docker); refreshed by 'make constraints'."; \
	  .constraints-venv/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .constraints-venv

## clean: remove the virtual environment and the tools' caches
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
