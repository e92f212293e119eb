"""The whole network is read from Neo4j page by page (graph.store.neo4j_gds.read_scope), so
that no transaction holds a national network: the pages together are exactly what one read
of the whole gives, whatever the page size, over the whole history and as of a day."""

from __future__ import annotations

import pytest

import graph.store.neo4j_gds as neo4j_gds
from graph.model import Scope
from graph.store.neo4j import Neo4jStore
from graph.valid_time import today
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import graphs_with_prefectures
from tests.conftest import _wipe_neo4j


@pytest.fixture(scope="module")
def store(neo4j_server):
    _wipe_neo4j(neo4j_server)
    with Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password) as opened:
        load(opened, graphs_with_prefectures(range(12)))
        yield opened


@pytest.mark.parametrize("page", [1, 7, 50, 100_000])
@pytest.mark.parametrize("dated", [False, True], ids=["whole-history", "as-of-today"])
def test_the_pages_make_the_whole_network(store, monkeypatch, page, dated):
    monkeypatch.setattr(neo4j_gds, "SCOPE_PAGE", page)
    day = today() if dated else None
    statements: list[str] = []
    read = store._read

    def counted(query: str, **params):
        statements.append(query)
        return read(query, **params)

    nodes, relations, boundary = neo4j_gds.read_scope(counted, Scope(), day)
    plain_nodes, plain_relations = store.scope_graph(Scope(), day)
    assert sorted(nodes, key=lambda n: n.id) == sorted(plain_nodes, key=lambda n: n.id)
    assert sorted(relations) == sorted(plain_relations)
    assert boundary == []
    assert len(nodes) > 50 and relations
    if page == 1:  # one statement per node and per node's relations, and one more per kind
        assert len(statements) > 2 * len(nodes)
