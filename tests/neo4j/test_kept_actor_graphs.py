"""The actor graphs rsn's plugin keeps between the calls of a weakness report: a write to the
graph is seen by the next call, a transaction's own changes by its own calls and by no
other's, and a day's graph is not another day's."""

from __future__ import annotations

import neo4j
import pytest

from graph.algorithms.centrality import betweenness, normalised
from graph.algorithms.cuts import cut_vertices
from graph.algorithms.reach import best_reach
from graph.model import ALLOWED_ENDPOINTS, DEFAULT_MAX_HOPS, NodeKind, Relation, Scope
from graph.store import cypher
from graph.store.neo4j import Neo4jStore
from graph.store.projection import project
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import graphs_with_prefectures
from tests.conftest import _wipe_neo4j
from tests.neo4j.test_scope_betweenness import _dated
from tests.neo4j.test_scope_cuts import described

WHOLE = Scope()


@pytest.fixture()
def stores(neo4j_server):
    """The dated graphs of twenty seeds loaded into the server, a store using rsn's plugin
    and one that does not; the server wiped before and after."""
    _wipe_neo4j(neo4j_server)
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Neo4jStore(*server) as plugin, Neo4jStore(*server, procedures=False) as plain:
        load(plugin, _dated(graphs_with_prefectures(range(20))))
        yield plugin, plain
    _wipe_neo4j(neo4j_server)


def searched_here(plain):
    """The whole network's actor graph as rsn reads it, and its cut vertices, bridges and
    parts as rsn's own search finds them."""
    actors = project(*plain.scope_graph(WHOLE))
    connected: list[list[str]] = []
    cuts, bridges = cut_vertices(actors, connected)
    return actors, described(cuts, bridges, connected), connected


def two_parts_apart(actors, connected):
    """A tie that would join two connected parts: (source, type, target), allowed between
    the kinds of its ends."""
    kinds = dict(actors.nodes(data="kind"))
    first, second = connected[0], connected[1]
    for source in first:
        for target in second:
            for kind, ends in ALLOWED_ENDPOINTS.items():
                if (kinds[source], kinds[target]) in ends and kind.value in cypher.COUNTED_TYPES:
                    return source, kind, target
    raise AssertionError("no tie allowed between the two parts")


def test_a_write_is_seen_by_the_next_call(stores):
    plugin, plain = stores
    actors, want, connected = searched_here(plain)
    first = plugin.scope_cuts(WHOLE)
    assert first is not None and described(first.cuts, first.bridges, first.components) == want
    again = plugin.scope_cuts(WHOLE)  # the kept graph
    assert again is not None and described(again.cuts, again.bridges, again.components) == want

    source, kind, target = two_parts_apart(actors, connected)
    plugin.upsert_relations([Relation(source, kind, target, 0.9)])
    actors, want, connected = searched_here(plain)
    after = plugin.scope_cuts(WHOLE)
    assert after is not None
    assert (after.nodes, after.edges) == (first.nodes, first.edges + 1)
    assert len(after.components) == len(first.components) - 1
    assert described(after.cuts, after.bridges, after.components) == want
    # the other calls on the same kept graph see the write too
    summed = plugin.scope_betweenness(WHOLE, None)
    assert summed is not None and summed.edges == after.edges
    values, _used = betweenness(actors, None, seed=2008)
    nodes = sorted(actors)
    assert normalised(nodes, [summed.totals[n] for n in nodes], len(nodes)) == values

    # a tie's strength changed: the best reach found with it is the new one
    financiers = sorted(n for n, k in actors.nodes(data="kind") if k is NodeKind.FINANCIER)
    financed = next((u, v) for u, v in actors.edges() if v in financiers and u not in financiers)
    tie = actors.edges[financed]
    plugin.upsert_relations(
        [Relation(tie["source"], tie["type"], tie["target"], tie["strength"] / 3)]
    )
    actors = project(*plain.scope_graph(WHOLE))
    wanted = sorted(actors)
    reached = plugin.scope_reach(WHOLE, financiers, DEFAULT_MAX_HOPS, wanted)
    mine = best_reach(actors, financiers, DEFAULT_MAX_HOPS)
    assert reached is not None
    assert reached.reached == {n: hit for n in wanted if (hit := mine.get(n)) is not None}


def test_a_transaction_sees_its_own_changes_and_no_other_does(stores, neo4j_server):
    plugin, plain = stores
    actors, want, connected = searched_here(plain)
    before = plugin.scope_cuts(WHOLE)
    assert before is not None
    source, kind, target = two_parts_apart(actors, connected)
    call = (
        f"CALL {cypher.CUTS_PROCEDURE}($labels, $types, null, '') YIELD edges, sizes "
        "RETURN edges, size(sizes) AS parts"
    )
    names = {"labels": cypher.ACTOR_LABELS, "types": cypher.COUNTED_TYPES}
    auth = (neo4j_server.user, neo4j_server.password)
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=auth) as driver:
        with driver.session() as session, session.begin_transaction() as tx:
            tx.run(
                f"MATCH (a {{id: $source}}), (b {{id: $target}}) "
                f"CREATE (a)-[:{kind.value} {{strength: 0.5}}]->(b)",
                source=source,
                target=target,
            ).consume()
            mine = tx.run(call, **names).single()
            assert (mine["edges"], mine["parts"]) == (before.edges + 1, len(before.components) - 1)
            # another transaction, meanwhile, sees the graph without the change
            outside = plugin.scope_cuts(WHOLE)
            assert outside is not None and outside.edges == before.edges
            tx.rollback()
    after = plugin.scope_cuts(WHOLE)
    assert after is not None
    assert described(after.cuts, after.bridges, after.components) == want


def test_each_day_has_its_own_graph(stores):
    plugin, plain = stores
    sizes = set()
    for day in (None, "2016-06-30", None, "2016-06-30"):
        actors = project(*plain.scope_graph(WHOLE, day))
        found = plugin.scope_cuts(WHOLE, day)
        assert found is not None
        assert (found.nodes, found.edges) == (actors.number_of_nodes(), actors.number_of_edges())
        sizes.add((found.nodes, found.edges))
    assert len(sizes) == 2  # the two days' graphs differ, and neither was taken for the other
