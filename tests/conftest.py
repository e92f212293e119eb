"""Fixtures shared by every test: datasets written on the fly, stores of both backends,
a real local Neo4j started for the session, and a live API over HTTP."""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.loaders import load_dataset
from graph.loaders.dataset import RELATIONS_FILE
from graph.model import FILE_KIND
from graph.rows import RELATION_COLUMNS, node_columns
from graph.settings import Backend, Settings
from graph.store import Store, open_store
from graph.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = [Backend.EMBEDDED, Backend.NEO4J]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# -- datasets --------------------------------------------------------------------------

#: The standard header of each dataset file, as the model gives it: the rows below are
#: written in these columns.
HEADERS: dict[str, list[str]] = {
    **{name: list(node_columns(kind)) for name, kind in FILE_KIND.items()},
    RELATIONS_FILE: list(RELATION_COLUMNS),
}


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> Path:
    """Write a CSV file the way a spreadsheet would (RFC 4180 quoting, CRLF optional)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_dataset(folder: Path, files: dict[str, list[list[str]]]) -> Path:
    """A dataset folder with the given rows under the standard headers; a row shorter than
    its header is blank in the columns it leaves out (the optional ones at the end, such as
    ``ended`` and ``until``)."""
    for name, rows in files.items():
        header = HEADERS[name]
        write_csv(folder / name, header, [row + [""] * (len(header) - len(row)) for row in rows])
    return folder


#: A small network that touches every kind and relation type.
SMALL_NETWORK: dict[str, list[list[str]]] = {
    "enterprises.csv": [
        ["E1", "山田製作所", "13", "E", "25", "1962"],
        ["E2", 'Sakura Foods, Ltd. "Honten"', "13", "I", "", ""],
        ["E3", "Kaga Lacquer\nWorkshop", "17", "E", "4", "1890"],
        ["E4", "Naha Tours", "47", "M", "12", "2001"],
    ],
    "assets.csv": [
        ["A1", "Edo Kiriko glass", "industrial", "13"],
        ["A2", "Kaga vegetables", "agricultural", "17"],
    ],
    "centres.csv": [
        ["C1", "Tokyo Chamber of Commerce", "13", "chamber_of_commerce", "40"],
        ["C2", "Ishikawa Industrial Promotion Centre", "17", "prefectural_centre", ""],
    ],
    "financiers.csv": [
        ["F1", "Tokyo Credit Guarantee Corporation", "credit_guarantee_corporation", "13"],
        ["F2", "Japan Finance Corporation", "government", ""],
    ],
    "specialists.csv": [
        ["S1", "Sato Hanako", "banker", "finance;succession", "13"],
        ["S2", "Ito Ken", "patent_attorney", "intellectual_property", ""],
    ],
    "relations.csv": [
        ["C1", "SUPPORTS", "E1", "0.8", "2015-04-01"],
        ["S1", "ADVISES", "E1", "0.9", ""],
        ["S1", "AFFILIATED_WITH", "C1", "", ""],
        ["S2", "AFFILIATED_WITH", "C2", "0.6", ""],
        ["S1", "WORKED_AT", "F1", "0.7", "1990-04-01"],
        ["S2", "WORKED_AT", "E3", "0.3", ""],
        ["F1", "GUARANTEES", "E1", "0.75", ""],
        ["F2", "LENDS_TO", "E3", "0.65", ""],
        ["F2", "INVESTS_IN", "E2", "0.2", ""],
        ["C1", "PARTNERS_WITH", "F1", "0.9", ""],
        ["C1", "COLLABORATES_WITH", "C2", "0.4", ""],
        ["E1", "TRADES_WITH", "E2", "0.55", "2019-01-15"],
        ["E2", "COLLABORATES_WITH", "E1", "0.35", ""],
        ["E1", "UTILIZES", "A1", "", ""],
    ],
}


@pytest.fixture
def small_dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "small", SMALL_NETWORK)


@pytest.fixture
def small_store_dir(tmp_path: Path, small_dataset: Path) -> Path:
    """A data folder holding an embedded store loaded with the small network."""
    folder = tmp_path / "data"
    with EmbeddedStore(folder, watch_seconds=None) as store:
        load_dataset(small_dataset, store)
    return folder


# -- Neo4j -----------------------------------------------------------------------------


@dataclass
class Neo4jServer:
    uri: str
    user: str
    password: str
    handle: object | None = None  # the local server, when this session started it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: The plugin's path search keeps the ties of hubs between calls and handles their leaves
#: apart; real hubs have thousands of ties. Test networks are small, so the thresholds are set
#: low enough that both ways (and the plain one, below 3 ties) run on every test network.
PLUGIN_TEST_OPTIONS = ["-Drsn.hubCache.minTies=3", "-Drsn.paths.fanTies=3"]


def _local_neo4j_module():
    path = ROOT / "tools" / "neo4j" / "local.py"
    spec = importlib.util.spec_from_file_location("rsn_local_neo4j", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def local_neo4j():
    """The launcher of a local Neo4j (tools/neo4j/local.py).

    Without Java or Maven the Neo4j tests are skipped with the reason, except in CI, where a
    missing Neo4j fails the run.
    """
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        reason = f"Neo4j tests need {' and '.join(missing)} to start a local Neo4j"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(f"SKIPPING NEO4J TESTS: {reason}")
    return _local_neo4j_module()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A real Neo4j: the one NEO4J_URI names, or a local one started for this session."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jServer(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
        )
        return
    local = local_neo4j()
    home = tmp_path_factory.mktemp("neo4j-home")
    server = local.start(
        home, _free_port(), "rsn-test-password", timeout=300, java_options=PLUGIN_TEST_OPTIONS
    )
    try:
        yield Neo4jServer(server.uri, server.user, server.password, server)
    finally:
        server.stop()


def _wipe_neo4j(server: Neo4jServer) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        with driver.session() as session:  # IN TRANSACTIONS needs an auto-commit query
            session.run(
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()


# -- stores of both backends -----------------------------------------------------------


StoreFactory = Callable[[], Store]


@pytest.fixture(params=BACKENDS, ids=lambda b: b.value)
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.param


@pytest.fixture
def settings(backend: Backend, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh, empty store of ``backend``."""
    data_dir = tmp_path / "rsn-data"
    if backend is Backend.NEO4J:
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        _wipe_neo4j(server)
        return Settings(
            RSN_BACKEND="neo4j",
            RSN_DATA_DIR=data_dir,
            NEO4J_URI=server.uri,
            NEO4J_USER=server.user,
            NEO4J_PASSWORD=server.password,
            RSN_BATCH_SIZE=500,
        )
    return Settings(RSN_BACKEND="embedded", RSN_DATA_DIR=data_dir, RSN_BATCH_SIZE=500)


@pytest.fixture
def open_again(settings: Settings) -> Iterator[StoreFactory]:
    """Open (again) the store of ``settings``: the second call sees what the first wrote."""
    opened: list[Store] = []

    def factory() -> Store:
        store = open_store(settings)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(open_again: StoreFactory) -> Store:
    """A fresh, empty store; the same tests run on every backend."""
    return open_again()


@pytest.fixture
def embedded_store(tmp_path: Path) -> Iterator[Store]:
    """A second, empty embedded store, beside whichever ``store`` a test has."""
    from graph.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "second-embedded") as second:
        yield second


def empty_neo4j(settings) -> None:
    """Delete everything in the Neo4j database ``settings`` name (a test that needs a second,
    empty database on the same server)."""
    from neo4j import GraphDatabase

    with (
        GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        ) as driver,
        driver.session() as session,
    ):
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
