# Two commands: `make run` (set up, then run the nightly DAG once through Airflow on the samples) and
# `make test` (set up, then the whole test suite). `make install` is the set-up alone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run test lint lock clean test-tools

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"Python 3.11 is required, found {sys.version.split()[0]}"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
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

# Regenerate the lock after changing pyproject.toml: resolve in a scratch venv, freeze it.
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet ".[dev]"
	{ echo "# Every package of the known-good environment, pinned (pip freeze of a fresh resolve)."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml; \`make install\` installs exactly this."; \
	  /tmp/lock-venv/bin/pip freeze --exclude annual-reports-warehouse; } > requirements.lock

clean:
	rm -rf .airflow warehouse reports data/lake dbt_project/target dbt_project/logs
