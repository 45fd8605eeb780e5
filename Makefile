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

# Headless Chromium renders the owner reports in the tests (Debian's package; needs root or sudo).
test-tools:
	@command -v chromium >/dev/null || bash .ci/install-chromium.sh

run: install
	$(BIN)/python -m pipeline.airflow_local

test: install test-tools
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

# Regenerate the lock after changing pyproject.toml: resolve in a scratch venv, then pin every file's hash
# with pip-tools (extras stay attached, e.g. celery[redis], as pip's hash mode requires).
LOCK_TOOLS := /tmp/annual-reports-lock-tools
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet ".[dev]"
	/tmp/lock-venv/bin/pip freeze --exclude annual-reports-warehouse > /tmp/lock-venv/requirements.in
	test -x $(LOCK_TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet pip-tools==7.6.2; }
	$(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-header --no-annotate \
	  -o /tmp/lock-venv/requirements.hashed /tmp/lock-venv/requirements.in
	{ echo "# Every package of the known-good environment, pinned with the sha256 of every accepted file."; \
	  echo "# \`make install\` installs exactly this (pip checks the hashes); regenerate with \`make lock\`."; \
	  grep -v -e '^--' /tmp/lock-venv/requirements.hashed; } > requirements.lock

# Known vulnerabilities of the locked set: a report, not a gate (the advisory service may be unreachable).
AUDIT_TOOLS := .venv-audit
audit:
	test -x $(AUDIT_TOOLS)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_TOOLS) && $(AUDIT_TOOLS)/bin/pip install --quiet pip-audit==2.10.1; }
	$(AUDIT_TOOLS)/bin/pip-audit --requirement requirements.lock --require-hashes --disable-pip --progress-spinner off \
	  || echo "pip-audit reported vulnerabilities or could not reach its advisory service (see above); not a gate"

clean:
	rm -rf .airflow warehouse reports data/lake dbt_project/target dbt_project/logs
