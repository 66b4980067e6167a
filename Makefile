# Pathways: `make up` runs the whole embedded stack, `make test` the test suite.
# Needs only Python 3.11, 3.12 or 3.13 on PATH; everything else comes from PyPI into .venv.

# The newest supported interpreter that runs here: CPython 3.11.7 and older fail at random to
# build ASTs in threaded programs (python/cpython gh-106905; 3.13 has the fix). Each candidate
# is run, not just looked up: a pyenv shim of a version pyenv has not selected is on PATH and
# fails, so pyenv's own copy of that version is tried next. PYTHON=... chooses another one;
# `make PYTHON=python3.12 VENV=.venv312 test` keeps a second virtualenv beside the first.
SUPPORTED_PYTHONS := 3.13 3.12 3.11
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for v in $(SUPPORTED_PYTHONS); do \
	for p in python$$v "$$(pyenv prefix "$$(pyenv latest $$v)")/bin/python$$v"; do \
		"$$p" -c '' >/dev/null && { echo "$$p"; exit; }; done; done 2>/dev/null)
endif
VERSION_OF := import sysconfig; print(sysconfig.get_python_version())
PYTHON_VERSION := $(shell $(PYTHON) -c '$(VERSION_OF)' 2>/dev/null)
ifeq ($(PYTHON_VERSION),)
$(error No supported Python found: need Python $(SUPPORTED_PYTHONS), or PYTHON=...)
endif
# Python writes its bytecode here, whatever the machine says: under PYTHONDONTWRITEBYTECODE
# (set on this workplace's machines) every process compiled every module it imported from
# source again (each CLI call, each worker, each pytest worker, which also re-rewrote the
# asserts of every test module), and one web test took 9.0 s of CPU against 5.8 s with the
# .pyc kept (docs/testing.md).
unexport PYTHONDONTWRITEBYTECODE

VENV   ?= .venv
BIN    := $(VENV)/bin
# Re-install when pyproject.toml changes (the editable install follows the sources), and
# rebuild the virtualenv when it was made with another interpreter (the stamp names it).
STAMP  := $(VENV)/.installed-$(PYTHON_VERSION)
CHROMIUM ?= /usr/bin/chromium

.PHONY: up test lint clean install chaos bench bytecode

install: $(STAMP) bytecode

# The SDK's sandbox imports the workflow modules again for every workflow instance (an open,
# a continue-as-new, a replay: sdk-python #607). An editable install leaves no .pyc, and with
# PYTHONDONTWRITEBYTECODE none is ever written, so each instance compiled them again: 92 ms
# an instance against 23 ms with .pyc, a median ratio of 3.2 (90 % interval 1.9-6.1) on 6
# December (bench/runs/2026-12-06-issue25-bytecode.md). Python reads a .pyc even under that
# variable; compileall rewrites only what changed since.
PACKAGES := domain workflows activities infra client workers web

bytecode: $(STAMP)
	$(BIN)/python -m compileall -q $(PACKAGES)

$(STAMP): pyproject.toml
	@if [ -d $(VENV) ] && [ "$$($(BIN)/python -c "$(VERSION_OF)" 2>/dev/null)" != $(PYTHON_VERSION) ]; then \
		echo "$(VENV) was not made with Python $(PYTHON_VERSION): rebuilding it"; rm -rf $(VENV); fi
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

up: $(STAMP) bytecode
	$(BIN)/pathways up

# Three pytest workers (pytest-xdist), a test file each at a time: much of the suite's time is
# spent waiting on processes the tests start (the stack, the CLI, the benchmark), so three files
# at once keep both cores busy. Files go out in collection order, the slowest first
# (tests/conftest.py HEAVIEST_FIRST; xdist would otherwise send the files with most tests
# first, and the two-minute ones last). `make test TEST_WORKERS=0` runs it in one process.
# The suite is bound by the two cores, so a fourth worker only adds its own session servers
# and collection: the same 2,339 tests took 16 min 26 s on three and 17 min 46 s on four
# (7 December, fresh clones, docs/testing.md).
TEST_WORKERS ?= 3

test: $(STAMP) bytecode $(CHROMIUM)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The browser tests drive Debian's Chromium (Playwright's own downloads are not reachable).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# Faults under load, then invariants (tests/chaos/run.py); a few minutes, loopback only.
chaos: $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/python -m tests.chaos.run $(CHAOS_ARGS)

# The benchmark suite on a stack of its own (temporary directory, free loopback ports), about
# 45 minutes (interleaved rounds of 30 s, docs/benchmarking.md); writes bench/RESULTS.md,
# bench/results.json and the generated bench/ANALYSIS.md. Refuses to start above a 1-minute
# load of 1.5 unless BENCH_ARGS=--force. `python -m bench --smoke --force`: a minute or two.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet 'yappi>=1.6' 'psutil>=5.9'
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict domain workflows client web

clean:
	rm -rf .pathways
