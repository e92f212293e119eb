"""The Neo4j bulk writer: relations found by element id, merged straight away for nodes the
load created, and never misplaced when an element id no longer names the node it was read
for."""

from __future__ import annotations

import pytest

from graph.errors import StoreError
from graph.model import Node, NodeKind, Relation, RelationType
from graph.store.neo4j import Neo4jStore
from tests.conftest import _wipe_neo4j


@pytest.fixture
def neo4j_store(neo4j_server):
    _wipe_neo4j(neo4j_server)
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    yield store
    store.close()


def _count(store: Neo4jStore, query: str, **params) -> int:
    return store._read(query, **params)[0][0]


def _nodes(*ids: str) -> list[Node]:
    return [Node(i, NodeKind.ENTERPRISE, f"Enterprise {i}", {"prefecture": "13"}) for i in ids]


def test_a_stale_element_id_falls_back_to_the_ids(neo4j_store):
    """A row whose element ids name other nodes (as after a delete and reuse) is written by
    id, to the right nodes, and nothing goes to the wrong ones."""
    neo4j_store.upsert_nodes(_nodes("E1", "E2", "E3"))
    elements = {
        record["id"]: record["element"]
        for record in neo4j_store._read(
            "MATCH (n:Enterprise) RETURN n.id AS id, elementId(n) AS element"
        )
    }
    with neo4j_store.bulk() as writer:
        writer._elements.update({"E1": elements["E3"], "E2": elements["E1"]})  # wrong on purpose
        writer.upsert_relations([Relation("E1", RelationType.TRADES_WITH, "E2", 0.5, None)])
    ties = neo4j_store._read(
        "MATCH (a)-[r:TRADES_WITH]->(b) RETURN a.id AS a, b.id AS b, r.strength AS s"
    )
    assert [(t["a"], t["b"], t["s"]) for t in ties] == [("E1", "E2", 0.5)]


def test_a_load_creates_each_relation_of_new_nodes_once_and_a_second_merges(neo4j_store):
    nodes = _nodes(*(f"E{i}" for i in range(50)))
    relations = [
        Relation(f"E{i}", RelationType.TRADES_WITH, f"E{(i * 7 + 3) % 50}", 0.5, None)
        for i in range(50)
        if i != (i * 7 + 3) % 50
    ]
    for strength in (0.5, 0.75):  # the second load finds every node and every relation
        known = {n.id: n.kind for n in nodes} if strength == 0.75 else {}
        changed = [r._replace(strength=strength) for r in relations]
        with neo4j_store.bulk(known=known) as writer:
            writer.upsert_nodes(nodes)
            writer.upsert_relations(changed)
        assert _count(neo4j_store, "MATCH ()-[r:TRADES_WITH]->() RETURN count(r)") == len(relations)
        assert _count(
            neo4j_store,
            "MATCH ()-[r:TRADES_WITH]->() WHERE r.strength = $s RETURN count(r)",
            s=strength,
        ) == len(relations)
    assert _count(neo4j_store, "MATCH (n:Enterprise) RETURN count(n)") == 50


def test_the_writer_knows_the_nodes_it_created_and_no_others(neo4j_store):
    neo4j_store.upsert_nodes(_nodes("E0"))
    with neo4j_store.bulk() as writer:
        writer.upsert_nodes(_nodes("E0", "E1", "E2"))
        writer.flush()  # a bulk load's nodes are written on its threads
        assert writer._new == {"E1", "E2"}
        writer.upsert_nodes(_nodes("E1", "E3"))  # written again: still the load's own
        writer.flush()
        assert writer._new == {"E1", "E2", "E3"}
    assert _count(neo4j_store, "MATCH (n:Enterprise) RETURN count(n)") == 4


def test_a_relation_of_a_new_node_made_meanwhile_by_another_is_not_doubled(neo4j_store):
    """Between a load creating a node and writing its ties, another writer may tie it: the
    load's relation is merged with that one (settled as the other's), never made twice."""
    with neo4j_store.bulk() as writer:
        writer.upsert_nodes(_nodes("E1", "E2"))
        neo4j_store._write(
            "MATCH (a:Enterprise {id: 'E1'}), (b:Enterprise {id: 'E2'}) "
            "CREATE (a)-[:TRADES_WITH {strength: 0.3}]->(b)"
        )
        writer.upsert_relations([Relation("E1", RelationType.TRADES_WITH, "E2", 0.5, None)])
    assert _count(neo4j_store, "MATCH ()-[r:TRADES_WITH]->() RETURN count(r)") == 1


def test_a_batch_that_fails_on_its_session_fails_the_bulk_load(neo4j_store):
    """A relation statement runs on a pool thread; its failure reaches the caller."""
    neo4j_store.upsert_nodes(_nodes("E1", "E2"))
    broken = Relation("E1", RelationType.TRADES_WITH, "E2", {"not": "a number"}, None)
    with pytest.raises(StoreError, match="Neo4j failed"):
        with neo4j_store.bulk() as writer:
            writer.upsert_relations([broken])
    assert _count(neo4j_store, "MATCH ()-[r:TRADES_WITH]->() RETURN count(r)") == 0
