# Two commands: `make run` (set up, then run the nightly DAG once through Airflow on the samples) and
# `make test` (set up, then the whole test suite). `make install` is the set-up alone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-bootstrap.txt requirements.lock pyproject.toml | sha1sum | cut -c1-12)
# The lock is installed as it stands (--no-deps): pip never resolves against the index, so a release published
# after the lock cannot change what gets installed; `pip check` then proves the lock is complete.
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: install run test lint lock audit clean test-tools

install: $(STAMP)

$(STAMP): requirements-bootstrap.txt requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else f"Python 3.11 is required (found {sys.version.split()[0]}): install python3.11 (e.g. apt install python3.11-venv, brew install python@3.11, or pyenv install 3.11) and run make again, or set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --require-hashes -r requirements-bootstrap.txt
	$(BIN)/python -m pip install $(PIP_FLAGS) --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install $(PIP_FLAGS) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@rm -f $(VENV)/.installed-*
	@touch $@

# Headless Chromium renders the owner reports in the tests: $CHROMIUM when set, else Debian's package (installed
# here with apt, which needs root or sudo).
test-tools:
	@test -n "$$CHROMIUM" || command -v chromium >/dev/null || bash .ci/install-chromium.sh

run: install
	$(BIN)/python -m pipeline.airflow_local

test: install test-tools lint
	$(BIN)/python -m pytest

# Python with ruff; the dbt models, tests and analyses with sqlfluff's dbt templater (it compiles the project
# against a scratch database: no warehouse or lake needed).
LINT_DB := $(shell mktemp -u /tmp/annual-reports-lint-XXXXXX)
lint: install
	$(BIN)/ruff check .
	DBT_DUCKDB_PATH=$(LINT_DB).duckdb LAKE_DIR=$(LINT_DB) LAKE_PARSED_DIR=$(LINT_DB) $(BIN)/sqlfluff lint dbt_project
	rm -f $(LINT_DB).duckdb

# Regenerate the locks after changing pyproject.toml. pip-compile resolves the project with its dev extra and
# pins the sha256 of every file of every package, so the lock is complete for the --no-deps install; it keeps
# every pin the lock already holds and adds only what is new (`make lock LOCK_ARGS=--upgrade` moves them all).
# The installer (pip, setuptools, wheel) is locked apart in requirements-bootstrap.txt, which is installed
# first; pip-compile leaves it out of the lock. tests/test_lock.py proves a fresh venv installs the result.
LOCK_TOOLS := /tmp/annual-reports-lock-tools
LOCK_WORK := /tmp/annual-reports-lock
LOCK_ARGS ?=
PIP_COMPILE = $(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-header --no-annotate \
  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_TOOLS) \
	  && $(LOCK_TOOLS)/bin/pip install $(PIP_FLAGS) --require-hashes -r requirements-bootstrap.txt \
	  && $(LOCK_TOOLS)/bin/pip install $(PIP_FLAGS) pip-tools==7.6.2; }
	rm -rf $(LOCK_WORK) && mkdir -p $(LOCK_WORK)
	cp requirements.lock $(LOCK_WORK)/requirements.txt
	cp requirements-bootstrap.txt $(LOCK_WORK)/bootstrap.txt
	printf 'pip\nsetuptools\nwheel\n' > $(LOCK_WORK)/bootstrap.in
	$(PIP_COMPILE) --allow-unsafe -o $(LOCK_WORK)/bootstrap.txt $(LOCK_WORK)/bootstrap.in
	$(PIP_COMPILE) --extra dev -o $(LOCK_WORK)/requirements.txt pyproject.toml
	{ sed -n '/^# /p' requirements-bootstrap.txt; grep -v '^#' $(LOCK_WORK)/bootstrap.txt | sed '/^$$/d'; } > $(LOCK_WORK)/bootstrap.out
	mv $(LOCK_WORK)/bootstrap.out requirements-bootstrap.txt
	{ echo "# Every package the project and its dev extra need, pip and setuptools aside (requirements-bootstrap.txt),"; \
	  echo "# pinned with the sha256 of every accepted file. \`make install\` installs exactly this, --no-deps (pip checks"; \
	  echo "# the hashes, then \`pip check\` that nothing is missing); regenerate with \`make lock\`."; \
	  grep -v '^#' $(LOCK_WORK)/requirements.txt | sed '/^$$/d'; } > requirements.lock

# Known vulnerabilities of the locked set: a report, not a gate (the advisory service may be unreachable).
AUDIT_TOOLS := .venv-audit
audit:
	test -x $(AUDIT_TOOLS)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_TOOLS) && $(AUDIT_TOOLS)/bin/pip install --quiet pip-audit==2.10.1; }
	$(AUDIT_TOOLS)/bin/pip-audit --requirement requirements.lock --require-hashes --disable-pip --progress-spinner off \
	  || echo "pip-audit reported vulnerabilities or could not reach its advisory service (see above); not a gate"

clean:
	rm -rf .airflow warehouse reports data/lake dbt_project/target dbt_project/logs
