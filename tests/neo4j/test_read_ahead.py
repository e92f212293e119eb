"""A heavy work process reads ahead, when it starts, the largest prefectures' graphs as of
today, so that their first report does not wait for the read: largest first, within half of
what is kept, the same graphs a report would read, and nothing without rsn's plugin."""

from __future__ import annotations

import pytest

from graph.model import Node, NodeKind, Relation, RelationType, Scope
from graph.store import neo4j as neo4j_store
from graph.store.neo4j import Neo4jStore
from graph.valid_time import today
from tests.conftest import _wipe_neo4j

E, C = NodeKind.ENTERPRISE, NodeKind.CENTRE
#: enterprises by prefecture: 13 has the most, then 27, then 01
SIZES = {"13": 5, "27": 3, "01": 1}


@pytest.fixture(scope="module")
def server(neo4j_server):
    _wipe_neo4j(neo4j_server)
    address = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    nodes, relations = [], []
    for prefecture, count in SIZES.items():
        centre = f"C{prefecture}"
        nodes.append(Node(centre, C, f"centre {prefecture}", {"prefecture": prefecture}))
        for i in range(count):
            firm = f"E{prefecture}-{i}"
            nodes.append(Node(firm, E, f"firm {firm}", {"prefecture": prefecture}))
            relations.append(Relation(centre, RelationType.SUPPORTS, firm, 0.5))
    relations.append(Relation("E13-0", RelationType.TRADES_WITH, "E27-0", 0.7))  # a boundary
    with Neo4jStore(*address) as store, store.transaction() as tx:
        tx.upsert_nodes(nodes)
        tx.upsert_relations(relations)
    yield address
    _wipe_neo4j(neo4j_server)


def _read(store: Neo4jStore, prefecture: str) -> tuple[list[str], list, list]:
    nodes, relations, boundary = store.as_of(today()).scope_graph_and_boundary(Scope(prefecture))
    return sorted(n.id for n in nodes), sorted(relations), sorted(boundary)


def test_the_largest_prefectures_are_read_ahead_and_their_reports_find_them(server):
    with Neo4jStore(*server) as store, Neo4jStore(*server, procedures=False) as plain:
        assert store.warm_reports() == {"prefectures": 3}
        for prefecture in SIZES:
            hits = store._scopes.hits
            assert _read(store, prefecture) == _read(plain, prefecture)
            assert store._scopes.hits == hits + 1, prefecture  # the kept read, not a new one


def test_only_so_many_of_the_largest_are_read(server, monkeypatch):
    monkeypatch.setattr(neo4j_store, "READ_AHEAD_PREFECTURES", 2)
    with Neo4jStore(*server) as store:
        assert store.warm_reports() == {"prefectures": 2}
        hits = store._scopes.hits
        _read(store, "13"), _read(store, "27")
        assert store._scopes.hits == hits + 2
        _read(store, "01")  # the smallest was left to its first report
        assert store._scopes.hits == hits + 2


def test_reading_ahead_stops_at_half_of_what_is_kept(server):
    with Neo4jStore(*server) as store:
        tokyo = _read(store, "13")
        store._scopes = type(store._scopes)(store._scope_stamp, max_relations=len(tokyo[1]) * 2)
        assert store.warm_reports() == {"prefectures": 1}  # Tokyo alone fills half
        hits = store._scopes.hits
        _read(store, "27")
        assert store._scopes.hits == hits


def test_nothing_is_read_ahead_without_the_plugin(server):
    with Neo4jStore(*server, procedures=False) as plain:
        assert plain.warm_reports() == {}
