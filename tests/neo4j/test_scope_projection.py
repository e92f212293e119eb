"""The whole network's graph as rsn's plugin sends it for the weakness report
(``rsn.scopeTies``, ``GraphStore.scope_projection``): the same nodes, the same actor graph
(every edge with the same data: its strongest relation, chosen as the projection chooses it,
and the types of all) and the same relations with an asset at an end as reading every
relation and projecting them, on every day; the report the same with and without it."""

from __future__ import annotations

import pytest

import graph.queries.weaknesses as weaknesses
from graph.model import ACTOR_KINDS, NodeKind, Relation, RelationType, Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.neo4j import Neo4jStore
from graph.store.neo4j_gds import ties_graph
from graph.store.projection import project
from tests.neo4j.test_scope_betweenness import DAYS, PREFECTURES, dated_stores

WHOLE = Scope()


class Counting(Neo4jStore):
    """The Neo4j store as it is, counting the projections its plugin sent."""

    sent = 0

    def scope_projection(self, scope, day=None):
        found = super().scope_projection(scope, day)
        if found is not None:
            Counting.sent += 1
        return found


def _with_ties_of_every_kind(graphs):
    """The graphs, with pairs of actors joined by two relations of the same strength (the
    strongest then told apart by type, and by direction) and of different strengths."""
    for graph in graphs:
        enterprises = sorted(n.id for n in graph.nodes if n.kind is NodeKind.ENTERPRISE)
        centres = sorted(n.id for n in graph.nodes if n.kind is NodeKind.CENTRE)
        if len(enterprises) < 4:
            continue
        a, b, c, d = enterprises[:4]
        graph.relations.extend(
            [
                Relation(a, RelationType.TRADES_WITH, b, 0.7),
                Relation(b, RelationType.TRADES_WITH, a, 0.7),  # the same, the other way
                Relation(a, RelationType.COLLABORATES_WITH, b, 0.7),  # the first type name
                Relation(c, RelationType.TRADES_WITH, d, 0.2),
                Relation(d, RelationType.COLLABORATES_WITH, c, 0.9),
            ]
        )
        if len(centres) > 1:
            graph.relations.append(
                Relation(centres[1], RelationType.COLLABORATES_WITH, centres[0], 0.5)
            )
    return graphs


@pytest.fixture(scope="module")
def stores(neo4j_server):
    yield from dated_stores(neo4j_server, Counting, _with_ties_of_every_kind)


@pytest.mark.parametrize("day", DAYS)
def test_the_plugin_sends_the_graph_rsn_projects(stores, day):
    plugin, plain = stores
    nodes, relations, _boundary = plain.scope_graph_and_boundary(WHOLE, day)
    want = project(nodes, relations)
    found = plugin.scope_projection(WHOLE, day)
    assert found is not None
    assert {n.id: n for n in found.nodes} == {n.id: n for n in nodes}
    got = found.actors
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert got.number_of_edges() == want.number_of_edges() > 100
    for u, v, data in want.edges(data=True):
        assert got.edges[u, v] == data, (u, v)
    # pairs with several relations, told apart by strength, type and direction, are there
    assert sum(len(data["types"]) > 1 for *_ends, data in want.edges(data=True)) > 10
    kinds = {node.id: node.kind for node in nodes}
    others = [
        r
        for r in relations
        if not (kinds[r.source] in ACTOR_KINDS and kinds[r.target] in ACTOR_KINDS)
    ]
    assert others and sorted(found.others) == sorted(others)


def test_only_the_whole_network_and_only_with_the_plugin(stores):
    plugin, plain = stores
    assert plain.scope_projection(WHOLE) is None
    assert plugin.scope_projection(Scope(prefecture=PREFECTURES[0])) is None


def test_actors_that_are_not_those_read_give_no_graph(stores):
    plugin, _plain = stores
    found = plugin.scope_projection(WHOLE)
    assert found is not None
    some = found.nodes[1:]  # one node fewer than the plugin's actors
    records = [{"ids": sorted(found.actors)}]
    assert found.nodes[0].kind in ACTOR_KINDS
    assert ties_graph(some, records, []) is None


def test_the_report_is_the_same_with_and_without_it(stores):
    plugin, plain = stores
    before = Counting.sent
    for day in DAYS:
        on, other = (plugin, plain) if day is None else (plugin.as_of(day), plain.as_of(day))
        weaknesses._kept.clear()
        mine = weakness_report(on, None, limit=MAX_LIMIT)
        assert mine == weakness_report(other, None, limit=MAX_LIMIT)
        assert mine.unfinanced_enterprises and mine.unsupported_enterprises
        assert any(f.next_step.action == "introduction" for f in mine.unfinanced_enterprises)
    assert Counting.sent - before == len(DAYS)
