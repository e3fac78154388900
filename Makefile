# The two commands a newcomer needs: `make demo` and `make test` (`make test-fast` while editing).
# Both install what they need on first use (a virtualenv from the locked requirements,
# every file checked against its hash, with the DuckDB command-line program as .venv/bin/duckdb).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The installers themselves are pinned too (bump them on purpose, like the lock).
PIP_VERSION := 26.3
UV_VERSION  := 0.13.9

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install demo test test-fast lint format browser bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q pip==$(PIP_VERSION) uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@test -x $(BIN)/duckdb || { echo "$(BIN)/duckdb is missing: the duckdb-cli package did not install"; exit 1; }
	touch $(STAMP)

install: $(STAMP)

## Headless Chromium (Debian package) for the HTML report's browser test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(BIN)/tpm-match nightly --demo

test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## The unit tier: everything but the tests marked slow (servers, subprocesses, Prefect,
## Chromium); under a minute. `make test` is the full suite.
test-fast: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
