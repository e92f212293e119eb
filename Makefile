# rsn: `make demo` runs the demo on the embedded store, `make test` runs the tests.
# Both set up everything they need on a fresh machine (a virtual environment in .venv, the
# project, and for the tests a local Neo4j resolved with Maven).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RSN := $(VENV)/bin/rsn
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install lint format neo4j neo4j-peers neo4j-stop bench clean

PORT ?= 8000
BENCH_STAMP := $(VENV)/.bench-stamp

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 2; }
	@echo "creating .venv and installing rsn and its dependencies into it (about a minute the first time) ..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -e '.[dev,fast]'
	@touch $(STAMP)
	@echo "installed: run a command as .venv/bin/rsn ..., or first '. .venv/bin/activate' and then rsn ..."

install: $(STAMP)

# The demo uses the same data folder as every other command (RSN_DATA_DIR, default data/).
demo: install
	$(RSN) demo --port $(PORT)

test: install
	@sh tools/install-chromium.sh
	@sh tools/install-axe.sh
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# A local Neo4j on 127.0.0.1 for development; prints the settings to export.
neo4j: install
	@$(PY) tools/neo4j/local.py start

# the local Neo4j with Neo4j GDS and APOC beside rsn's plugin, for bench/peers.py only
neo4j-peers: install
	@RSN_NEO4J_HEAP=$${RSN_NEO4J_HEAP:-3g} $(PY) tools/neo4j/local.py start --peers

neo4j-stop:
	@$(PYTHON) tools/neo4j/local.py stop

# Every benchmark on the 100,000-enterprise dataset, one table of figures beside their
# baselines; JSON in bench/results/. Starts its own Neo4j unless NEO4J_URI is set.
bench: install $(BENCH_STAMP)
	$(PY) -m bench $(BENCH_ARGS)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --progress-bar on -e '.[dev,fast,bench]'
	@touch $(BENCH_STAMP)

clean:
	rm -rf $(VENV) data bench/results test-artifacts tools/neo4j/target tools/neo4j/run tools/axe
