# rsn: `make demo` runs the demo on the embedded store, `make test` runs the tests.
# Both set up everything they need on a fresh machine (a virtual environment in .venv, the
# project, and for the tests a local Neo4j resolved with Maven).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RSN := $(VENV)/bin/rsn
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install lint format neo4j neo4j-stop bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,fast]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	RSN_DATA_DIR=$${RSN_DATA_DIR:-data/demo} $(RSN) demo

test: install
	@sh tools/install-chromium.sh
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# A local Neo4j on 127.0.0.1 for development; prints the settings to export.
neo4j: install
	@$(PY) tools/neo4j/local.py start

neo4j-stop:
	@$(PYTHON) tools/neo4j/local.py stop

# Every benchmark on the 100,000-enterprise dataset, one table of figures beside their
# baselines; JSON in bench/results/. Starts its own Neo4j unless NEO4J_URI is set.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data bench/results test-artifacts tools/neo4j/target tools/neo4j/run
