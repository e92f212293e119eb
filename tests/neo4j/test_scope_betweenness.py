"""Betweenness summed by rsn's plugin (``rsn.scopeBetweenness``): the same floats as rsn's own
Brandes pass on the same actor graph, for every scope, day and sample of sources; the
weakness report the same with and without the plugin, exact and sampled; and the report's
own pass when what the store summed is not the graph the report read."""

from __future__ import annotations

import random

import pytest

import graph.queries.weaknesses as weaknesses
from graph.algorithms.centrality import betweenness, chosen_sources, normalised
from graph.model import Node, Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.neo4j import Neo4jStore
from graph.store.ports import ScopeBetweenness
from graph.store.projection import project
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import PREFECTURES, graphs_with_prefectures
from tests.conftest import _wipe_neo4j

SCOPES = (None, *PREFECTURES)
#: No day (the whole history), a day on which some nodes have ended and some ties not begun.
DAYS = (None, "2016-06-30")


def _dated(graphs):
    """The graphs with some nodes ended and some ties begun or ended around 2016."""
    rng = random.Random(7)
    for graph in graphs:
        graph.nodes[:] = [
            Node(n.id, n.kind, n.name, {**n.props, "ended": "2015-03-31"})
            if rng.random() < 0.1
            else n
            for n in graph.nodes
        ]
        dated = []
        for r in graph.relations:
            roll = rng.random()
            if roll < 0.15:
                r = r._replace(since="2017-01-01")
            elif roll < 0.3:
                r = r._replace(since="2010-04-01", until="2016-01-01")
            dated.append(r)
        graph.relations[:] = dated
    return graphs


class Counting(Neo4jStore):
    """The Neo4j store as it is, counting the sums its plugin gave."""

    summed = 0

    def scope_betweenness(self, scope, sources, day=None):
        found = super().scope_betweenness(scope, sources, day)
        if found is not None:
            Counting.summed += 1
        return found


def dated_stores(neo4j_server, with_plugin: type[Neo4jStore], change=None):
    """The dated graphs of 60 seeds (first changed by ``change``, when given) loaded into the
    server, and two stores on it: one of ``with_plugin`` (its procedures used), and one
    opened without them (plain Cypher); the server wiped before and after."""
    _wipe_neo4j(neo4j_server)
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    graphs = graphs_with_prefectures(range(60))
    with with_plugin(*server) as plugin, Neo4jStore(*server, procedures=False) as plain:
        load(plugin, _dated(change(graphs) if change else graphs))
        yield plugin, plain
    _wipe_neo4j(neo4j_server)


@pytest.fixture(scope="module")
def stores(neo4j_server):
    yield from dated_stores(neo4j_server, Counting)


def reports_with_and_without(plugin, plain):
    """The weakness report of every scope of :data:`SCOPES`, of today and of ``DAYS[1]``, by
    a store using rsn's plugin and by one that does not: (scope, the first, the second)."""
    for prefecture in SCOPES:
        for on, other in ((plugin, plain), (plugin.as_of(DAYS[1]), plain.as_of(DAYS[1]))):
            mine = weakness_report(on, prefecture, limit=MAX_LIMIT)
            yield prefecture, mine, weakness_report(other, prefecture, limit=MAX_LIMIT)


def not_asked_below_the_threshold(plugin, count):
    """Check that the whole network's report of the test graphs, whose actor graph has fewer
    ties than STORE_SEARCH_MIN_TIES, leaves ``count()`` (of the store's answers) as it was:
    the report works on the graph it holds."""
    before = count()
    weaknesses._kept.clear()
    weakness_report(plugin, None, limit=MAX_LIMIT)
    assert count() == before


def _actor_graph(store, prefecture, day):
    nodes, relations = store.scope_graph(Scope(prefecture=prefecture), day)
    return project(nodes, relations)


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("prefecture", SCOPES)
def test_the_plugin_sums_the_floats_rsn_sums(stores, prefecture, day):
    plugin, plain = stores
    actors = _actor_graph(plain, prefecture, day)
    nodes = sorted(actors)
    assert len(nodes) > 50  # big enough to tell an order of visits from another
    for sources in (None, 7, len(nodes) // 3):
        chosen = chosen_sources(len(nodes), sources, 2008)
        wanted = None if sources is None else [nodes[i] for i in chosen]
        summed = plugin.scope_betweenness(Scope(prefecture=prefecture), wanted, day)
        assert summed is not None
        assert summed.nodes == actors.number_of_nodes()
        assert summed.edges == actors.number_of_edges()
        values, used = betweenness(actors, sources, seed=2008)
        mine = normalised(nodes, [summed.totals[n] for n in nodes], len(chosen))
        assert used == len(chosen)
        assert mine == values  # the same floats, not nearly
        assert any(value > 0 for value in values.values())


def test_a_store_opened_without_procedures_sums_nothing(stores):
    _, plain = stores
    assert plain.scope_betweenness(Scope(prefecture="13"), None) is None


def test_a_source_that_is_no_actor_gives_no_sums(stores):
    plugin, _ = stores
    assert plugin.scope_betweenness(Scope(prefecture="13"), ["no-such-actor"]) is None


@pytest.mark.parametrize("exact_up_to", [weaknesses.BETWEENNESS_EXACT_MAX, 5])
def test_the_report_is_the_same_with_and_without_the_plugin(stores, monkeypatch, exact_up_to):
    plugin, plain = stores
    monkeypatch.setattr(weaknesses, "BETWEENNESS_EXACT_MAX", exact_up_to)
    monkeypatch.setattr(weaknesses, "BETWEENNESS_VISITS", 2_000)  # a few sources when sampled
    before = Counting.summed
    for prefecture, mine, theirs in reports_with_and_without(plugin, plain):
        assert mine == theirs, prefecture
        assert mine.brokers
        assert mine.betweenness_exact is (exact_up_to > 5)
    assert Counting.summed - before == 2 * len(SCOPES)


class Changed(Neo4jStore):
    """A store whose plugin summed on another graph than the one the report read."""

    def scope_betweenness(self, scope, sources, day=None):
        found = super().scope_betweenness(scope, sources, day)
        assert found is not None
        return ScopeBetweenness(found.nodes + 1, found.edges, {**found.totals})


class Told(Neo4jStore):
    """A store whose sums are made up: the report must show what the store summed."""

    def scope_betweenness(self, scope, sources, day=None):
        found = super().scope_betweenness(scope, sources, day)
        assert found is not None
        return ScopeBetweenness(found.nodes, found.edges, dict.fromkeys(found.totals, 0.0))


def test_the_report_uses_the_sums_only_for_the_graph_it_read(stores, neo4j_server):
    plugin, plain = stores
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Changed(*server) as changed, Told(*server) as told:
        want = weakness_report(plain, "13", limit=MAX_LIMIT)
        assert want.brokers
        assert weakness_report(changed, "13", limit=MAX_LIMIT) == want
        assert weakness_report(told, "13", limit=MAX_LIMIT).brokers == []
