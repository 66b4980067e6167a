# Pathways: `make up` runs the whole embedded stack, `make test` the test suite.
# Needs only python3.11 on PATH; everything else comes from PyPI into .venv.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install only when pyproject.toml changes (the editable install follows the sources).
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: up test lint clean install chaos bench

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

up: $(STAMP)
	$(BIN)/pathways up

test: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q

# The browser tests drive Debian's Chromium (Playwright's own downloads are not reachable).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Faults under load, then invariants (tests/chaos/run.py); a few minutes, loopback only.
chaos: $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/python -m tests.chaos.run $(CHAOS_ARGS)

# The benchmark suite on a stack of its own (temporary directory, free loopback ports), under
# 15 minutes; writes bench/RESULTS.md and bench/results.json. `python -m bench --smoke`: seconds.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet 'yappi>=1.6' 'psutil>=5.9'
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict domain workflows web

clean:
	rm -rf .pathways
