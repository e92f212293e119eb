"""Hostile text is data, never code: stored and read back verbatim, changing nothing else."""

from __future__ import annotations

import pytest

from graph.loaders import export_dataset, load_dataset
from graph.model import NodeKind, RelationType
from graph.referral_lifecycle import ReferralStatus
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


def _statements() -> dict[str, str]:
    """Every statement of the Cypher module: its constants, and its builders' output for one
    kind of each."""
    found = {name: value for name, value in vars(cypher).items() if isinstance(value, str)}
    for kind in NodeKind:
        found[f"ties_of({kind})"] = cypher.ties_of(kind)
        found[f"nodes_page({kind})"] = cypher.nodes_page(kind)
    for hops in range(1, 7):
        found[f"k_best_paths({hops})"] = cypher.k_best_paths(hops)
    return found


@pytest.mark.parametrize("value", [status.value for status in ReferralStatus] + ["inbox", "outbox"])
def test_referral_statuses_and_boxes_travel_as_parameters(value):
    for name, statement in _statements().items():
        for quoted in (f"'{value}'", f'"{value}"'):
            assert quoted not in statement, f"{name} holds the value {quoted}: pass it as a $param"


def test_the_referral_tie_curve_travels_as_a_parameter():
    # the curve is computed once, in Python, and the statements only look it up
    statement = cypher.REFRESH_REFERRAL_TIES  # the only one that recounts (a move calls it)
    assert "$strengths" in statement and "$completed" in statement
    assert "0.5 ^" not in statement and "$cap" not in statement
    assert "$strengths" not in cypher.MOVE_REFERRAL
