"""Hostile text is data, never code: stored and read back verbatim, changing nothing else."""

from __future__ import annotations

import pytest

from graph.loaders import export_dataset, load_dataset
from graph.model import NodeKind, RelationType
from graph.store import cypher
from tests.conftest import write_dataset

HOSTILE_NAMES = [
    "x'}) MATCH (n) DETACH DELETE n //",
    'a"} ) RETURN 1 UNION MATCH (m) SET m.name = "pwned',
    "`Centre`:`Enterprise` {id: 'E1'}",
    "{id: $id, name: 'evil'}",
    "\\' OR 1=1 -- ; DROP CONSTRAINT enterprise_id",
    "CALL db.labels() YIELD label RETURN label",
]
HOSTILE_IDS = ["MATCH", "DETACH-DELETE", "n.id", "RETURN:1", "CREATE_INDEX", "WITH.n-1"]


def test_hostile_ids_and_names_are_stored_verbatim(store, tmp_path, small_dataset):
    load_dataset(small_dataset, store)
    before_stats = store.stats()
    rows = [
        [node_id, name, "13", "E", "", ""]
        for node_id, name in zip(HOSTILE_IDS, HOSTILE_NAMES, strict=True)
    ]
    relations = [[HOSTILE_IDS[i], "TRADES_WITH", HOSTILE_IDS[i + 1], "0.5", ""] for i in range(5)]
    folder = write_dataset(
        tmp_path / "hostile", {"enterprises.csv": rows, "relations.csv": relations}
    )
    load_dataset(folder, store)
    for node_id, name in zip(HOSTILE_IDS, HOSTILE_NAMES, strict=True):
        node = store.get_node(node_id)
        assert node is not None and node.name == name and node.kind is NodeKind.ENTERPRISE
    stats = store.stats()
    assert stats.nodes["Enterprise"] == before_stats.nodes["Enterprise"] + len(HOSTILE_IDS)
    assert stats.relations["TRADES_WITH"] == before_stats.relations["TRADES_WITH"] + 5
    # nothing else changed: the original network is intact
    assert store.get_node("E1").name == "山田製作所"
    assert store.get_node("C1").name == "Tokyo Chamber of Commerce"
    assert [t.key for t in store.ties("MATCH")] == [("MATCH", "TRADES_WITH", "DETACH-DELETE")]
    export_dataset(store, tmp_path / "out")
    assert "x'}) MATCH (n) DETACH DELETE n //" in (tmp_path / "out" / "enterprises.csv").read_text()


@pytest.mark.parametrize(
    "bad",
    ["Enterprise`) DETACH DELETE n //", "Enterprise", "Centre:Asset", None, 3],
)
def test_only_enum_members_are_spliced_as_labels(bad):
    with pytest.raises(ValueError, match="refusing"):
        cypher.label(bad)
    with pytest.raises(ValueError, match="refusing"):
        cypher.rel_type(bad)


def test_every_statement_gets_labels_from_the_enums():
    assert cypher.label(NodeKind.CENTRE) == "`Centre`"
    assert cypher.rel_type(RelationType.LENDS_TO) == "`LENDS_TO`"
    statement = cypher.upsert_nodes(NodeKind.ENTERPRISE)
    assert "$rows" in statement and "row.id" in statement
