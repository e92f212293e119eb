"""The national first load: rsn export --format neo4j-admin, neo4j-admin database import, then
rsn load for the referrals, gives the same store as the embedded one it came from."""

from __future__ import annotations

import csv
import shlex

from graph.loaders import export_dataset, load_dataset
from graph.loaders.neo4j_admin import export_neo4j_admin, import_arguments
from graph.model import NodeKind
from graph.queries.referrals import Caller, create_referral, move_referral
from graph.settings import Settings
from graph.store import open_store
from graph.store.embedded import EmbeddedStore
from seeds import generate_dataset
from tests.conftest import _free_port, local_neo4j


def test_an_admin_import_gives_the_same_store(tmp_path):
    local = local_neo4j()
    generate_dataset(tmp_path / "seed", enterprises=400, seed=5)
    with EmbeddedStore(tmp_path / "embedded") as embedded:
        load_dataset(tmp_path / "seed", embedded)
        centres = [node.id for node in embedded.iter_nodes(NodeKind.CENTRE)][:2]
        enterprise = next(embedded.iter_nodes(NodeKind.ENTERPRISE)).id
        sender, receiver = Caller("a", centre=centres[0]), Caller("b", centre=centres[1])
        referral, _ = create_referral(embedded, sender, enterprise, centres[1], "finance")
        for status in ("accepted", "in_progress", "completed"):
            move_referral(embedded, receiver, referral.id, status, outcome="a loan")
        export_neo4j_admin(embedded, tmp_path / "admin")
        export_dataset(embedded, tmp_path / "from-embedded")

    home = tmp_path / "neo4j"
    port = _free_port()
    # the command IMPORT.md gives, as a shell reads it, run from the export's folder
    command = (tmp_path / "admin" / "IMPORT.md").read_text().split("    neo4j-admin ")[1]
    arguments = shlex.split(command.splitlines()[0])
    assert arguments == import_arguments()
    assert local.admin(import_arguments(tmp_path / "admin"), home, check=False) == 0
    server = local.start(home, port, "admin-import-pw", timeout=300)
    try:
        settings = Settings(
            RSN_BACKEND="neo4j",
            RSN_DATA_DIR=tmp_path / "d",
            NEO4J_URI=server.uri,
            NEO4J_PASSWORD="admin-import-pw",
        )
        with open_store(settings) as store:
            load_dataset(tmp_path / "admin", store)  # reads referrals.csv only
            export_dataset(store, tmp_path / "from-neo4j")
    finally:
        server.stop()
    for path in sorted((tmp_path / "from-embedded").glob("*.csv")):
        if path.name != "provenance.csv":
            assert path.read_bytes() == (tmp_path / "from-neo4j" / path.name).read_bytes(), path
    # the importer carries no provenance: the store asserts every record as "local" when it
    # first opens the imported database, once
    imported = _rows(tmp_path / "from-neo4j" / "provenance.csv")
    records = {row["record"] for row in _rows(tmp_path / "from-embedded" / "provenance.csv")}
    assert {row["record"] for row in imported} == records
    assert {row["contributor"] for row in imported} == {"local"}
    assert all(row["retracted_at"] == "" for row in imported)


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
