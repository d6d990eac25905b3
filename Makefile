# Paper Digest: two commands do all the set-up on a fresh machine (Python 3.11, node and npm).
#
#   make serve   build the shipped digests and preview the site on http://127.0.0.1:8000/
#   make test    run the checks and the whole test suite
#
# Each installs what it needs (.venv/, node_modules/) the first time, and again only when
# requirements*.txt or package*.json change.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: serve test build check lint golden bench weight browser feed-reader

serve: $(VENV)/.runtime node_modules/.runtime
	$(PY) build.py serve

build: $(VENV)/.runtime node_modules/.runtime
	$(PY) build.py build

check: $(VENV)/.runtime node_modules/.runtime
	$(PY) build.py check

test: $(VENV)/.dev node_modules/.installed browser feed-reader
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m mypy

# Refresh the expected output of the golden-site test; review the diff before committing.
golden: $(VENV)/.dev node_modules/.installed
	$(PY) -m tests.golden --update

bench: $(VENV)/.dev node_modules/.installed
	$(PY) bench/run.py

# HTML, CSS and JavaScript bytes per kind of page (a report, not a gate).
weight: $(VENV)/.dev node_modules/.installed
	$(PY) bench/weight.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# What the site itself needs (lunr.js, copied into it), unless everything is installed already: the
# test-only checkers are left to `make test` (vnu-jar's installer downloads Java when it is missing).
node_modules/.runtime: package.json package-lock.json
	@if [ node_modules/.installed -nt package.json ] && [ node_modules/.installed -nt package-lock.json ]; then :; \
	else npm ci --omit=dev --no-audit --no-fund --loglevel=error; fi
	touch $@

# Some tests drive Debian's own programs, never downloaded ones: Chromium (the browser tests) and
# newsboat (a real feed reader). Each is installed here when we can (root with apt-get, as on CI and
# the project's machines); otherwise the tests that need it are skipped.
define debian_package
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's $(1) for $(2)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	  else \
	    echo "$(1) not found: $(2) will be skipped (install it: apt-get install $(1))"; \
	  fi; }
endef

browser:
	$(call debian_package,chromium,the browser tests)

feed-reader:
	$(call debian_package,newsboat,the feed reader tests)
