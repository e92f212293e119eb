"""The whole network's relations read by rsn's plugin (``rsn.relationColumns``): exactly what
Cypher's pages read (graph.store.neo4j_gds.read_scope), over the whole history and as of days
on which some nodes have ended and some ties have not begun or have ended, whatever the
chunk; and the store reads the whole network so when the server has the plugin, and only
then."""

from __future__ import annotations

import math

import pytest

import graph.store.neo4j_gds as neo4j_gds
from graph.model import Scope
from graph.store import cypher
from graph.store.neo4j import Neo4jStore
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import graphs_with_prefectures
from tests.conftest import _wipe_neo4j
from tests.neo4j.test_scope_betweenness import _dated

#: The whole history, a day some nodes ended on, and a day between ties' dates.
DAYS = (None, "2015-03-31", "2016-06-30")


def _order(relation):
    return (
        relation.source,
        relation.type.value,
        relation.target,
        relation.strength,
        str(relation.since),
        str(relation.until),
    )


@pytest.fixture(scope="module")
def server(neo4j_server):
    _wipe_neo4j(neo4j_server)
    with Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password) as opened:
        load(opened, _dated(graphs_with_prefectures(range(12))))
    return neo4j_server.uri, neo4j_server.user, neo4j_server.password


@pytest.mark.parametrize("chunk", [1, 7, 100_000])
@pytest.mark.parametrize("day", DAYS)
def test_the_plugin_reads_the_relations_the_pages_read(server, monkeypatch, chunk, day):
    monkeypatch.setattr(neo4j_gds, "SCOPE_PAGE", chunk)
    with Neo4jStore(*server) as store:
        chunks: list[int] = []
        read = store._read

        def counted(query: str, **params):
            found = read(query, **params)
            if query == cypher.RELATION_COLUMNS:
                chunks.extend(len(record["relations"]) for record in found)
            return found

        nodes, relations, boundary = neo4j_gds.read_scope(counted, Scope(), day, in_plugin=True)
        paged_nodes, paged, _ = neo4j_gds.read_scope(read, Scope(), day)
        _, plain = store.scope_graph(Scope(), day)
        _, every = store.scope_graph(Scope())
    assert sorted(relations, key=_order) == sorted(paged, key=_order)
    assert sorted(relations, key=_order) == sorted(plain, key=_order)
    assert nodes == paged_nodes and boundary == []
    assert len(relations) > 50
    # every chunk full but the last, and no empty one
    assert len(chunks) == math.ceil(len(relations) / chunk)
    assert all(size == chunk for size in chunks[:-1]) and 0 < chunks[-1] <= chunk
    if day is not None:  # the day counts: some relations of the whole history are left out
        assert len(relations) < len(every)


@pytest.mark.parametrize("procedures", [True, False], ids=["plugin", "cypher"])
def test_the_store_reads_the_whole_network_with_the_plugin_when_it_has_it(
    server, monkeypatch, procedures
):
    with Neo4jStore(*server, procedures=procedures) as store:
        statements: list[str] = []
        read = store._read

        def counted(query: str, **params):
            statements.append(query)
            return read(query, **params)

        monkeypatch.setattr(store, "_read", counted)
        _, relations, _ = store.scope_graph_and_boundary(Scope())
        whole = statements.count(cypher.RELATION_COLUMNS)
        statements.clear()
        store.scope_graph_and_boundary(Scope(prefecture="13"))
        in_prefecture = statements.count(cypher.RELATION_COLUMNS)
    assert relations
    assert whole == (1 if procedures else 0)
    assert in_prefecture == 0  # a prefecture's relations and boundary: one Cypher pass
