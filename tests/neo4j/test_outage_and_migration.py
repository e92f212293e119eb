"""What only a real Neo4j server can show: a server that dies mid-load, and the move from the
embedded store to Neo4j that a user makes when the network outgrows one machine."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

from neo4j import GraphDatabase

from graph.loaders import export_dataset, load_dataset
from graph.settings import Settings
from graph.store import open_store
from graph.store.embedded import EmbeddedStore
from seeds import generate_dataset
from tests.conftest import _free_port, _wipe_neo4j, local_neo4j


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _count(uri: str, password: str, query: str) -> int:
    try:
        with GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
            return driver.execute_query(query).records[0][0]
    except Exception:
        return -1


def _rsn_load(
    folder: Path, uri: str, password: str, data_dir: Path, batch: int = 10_000
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    env.update(
        RSN_BACKEND="neo4j",
        NEO4J_URI=uri,
        NEO4J_USER="neo4j",
        NEO4J_PASSWORD=password,
        RSN_DATA_DIR=str(data_dir),
        RSN_BATCH_SIZE="100",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "load", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_neo4j_stopped_during_a_load_fails_clearly_and_a_rerun_completes(tmp_path):
    local = local_neo4j()
    password = "outage-test-pw"
    server = local.start(tmp_path / "neo4j", _free_port(), password, timeout=300)
    try:
        dataset = tmp_path / "dataset"
        generate_dataset(dataset, enterprises=4000, seed=7)
        loading = _rsn_load(dataset, server.uri, password, tmp_path / "data", batch=100)
        deadline = time.monotonic() + 120
        while _count(server.uri, password, "MATCH (n:Enterprise) RETURN count(n)") <= 0:
            assert loading.poll() is None, loading.stderr.read()
            assert time.monotonic() < deadline, "the load never started writing"
            time.sleep(0.05)
        server.stop(kill=True)
        _, stderr = loading.communicate(timeout=180)
        assert loading.returncode == 1
        assert "Traceback" not in stderr
        assert "Neo4j at " + server.uri in stderr, stderr

        server = local.start(server.home, server.port, password, timeout=300)
        rerun = _rsn_load(dataset, server.uri, password, tmp_path / "data")
        _, stderr = rerun.communicate(timeout=600)
        assert rerun.returncode == 0, stderr
        nodes = sum(
            _rows(dataset / name)
            for name in (
                "enterprises.csv",
                "assets.csv",
                "centres.csv",
                "financiers.csv",
                "specialists.csv",
            )
        )
        assert _count(server.uri, password, "MATCH (n) RETURN count(n)") == nodes
        assert _count(server.uri, password, "MATCH ()-[r]->() RETURN count(r)") == _rows(
            dataset / "relations.csv"
        )
    finally:
        server.stop()


def test_embedded_to_neo4j_and_back_gives_the_same_dataset(tmp_path, neo4j_server):
    _wipe_neo4j(neo4j_server)
    dataset = tmp_path / "dataset"
    generate_dataset(dataset, enterprises=600, seed=11)
    with EmbeddedStore(tmp_path / "embedded") as embedded:
        load_dataset(dataset, embedded)
        export_dataset(embedded, tmp_path / "from-embedded")
    target = Settings(
        RSN_BACKEND="neo4j",
        RSN_DATA_DIR=tmp_path / "d",
        NEO4J_URI=neo4j_server.uri,
        NEO4J_USER=neo4j_server.user,
        NEO4J_PASSWORD=neo4j_server.password,
    )
    with open_store(target) as neo4j_store:
        load_dataset(tmp_path / "from-embedded", neo4j_store)
        export_dataset(neo4j_store, tmp_path / "from-neo4j")
    for path in sorted((tmp_path / "from-embedded").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "from-neo4j" / path.name).read_bytes(), path.name
    # and the export is the seed dataset itself, row for row
    for name in ("enterprises.csv", "relations.csv"):
        assert _rows(tmp_path / "from-neo4j" / name) == _rows(dataset / name)
