"""The best paths to financiers found by rsn's plugin (``rsn.scopeReach``): the same floats,
hops and sources as rsn's own layered search on the same actor graph, for every scope, day,
set of sources and number of ties; the weakness report the same with and without the plugin;
and the report's own search when what the store searched is not the graph the report read."""

from __future__ import annotations

import random

import pytest

import graph.queries.weaknesses as weaknesses
from graph.algorithms.reach import best_reach
from graph.model import DEFAULT_MAX_HOPS, NodeKind, Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.neo4j import Neo4jStore
from graph.store.ports import ScopeReach
from graph.store.projection import project
from tests.neo4j.test_scope_betweenness import (
    DAYS,
    SCOPES,
    dated_stores,
    not_asked_below_the_threshold,
    reports_with_and_without,
)


class Counting(Neo4jStore):
    """The Neo4j store as it is, counting the searches its plugin answered."""

    searched = 0

    def scope_reach(self, scope, sources, max_hops, wanted, day=None):
        found = super().scope_reach(scope, sources, max_hops, wanted, day)
        if found is not None:
            Counting.searched += 1
        return found


@pytest.fixture(scope="module")
def stores(neo4j_server):
    yield from dated_stores(neo4j_server, Counting)


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("prefecture", SCOPES)
def test_the_plugin_finds_the_paths_rsn_finds(stores, prefecture, day):
    plugin, plain = stores
    actors = project(*plain.scope_graph(Scope(prefecture=prefecture), day))
    nodes = sorted(actors)
    assert len(nodes) > 50
    financiers = sorted(n for n, kind in actors.nodes(data="kind") if kind is NodeKind.FINANCIER)
    rng = random.Random(len(nodes))
    for sources, hops in (
        (financiers, DEFAULT_MAX_HOPS),
        (financiers, 1),
        (rng.sample(nodes, 5), 2),
        (rng.sample(nodes, 3) * 2, 6),  # a source given twice counts once
    ):
        wanted = [*rng.sample(nodes, len(nodes) // 2), "no-such-actor"]
        found = plugin.scope_reach(Scope(prefecture=prefecture), sources, hops, wanted, day)
        assert found is not None
        assert (found.nodes, found.edges) == (actors.number_of_nodes(), actors.number_of_edges())
        mine = best_reach(actors, sources, hops)
        expected = {n: hit for n in wanted if (hit := mine.get(n)) is not None}
        assert found.reached == expected  # the same floats, not nearly
        # paths of several ties among them, where they are allowed
        assert max(hit[1] for hit in expected.values()) >= min(hops, 2)


def test_without_the_plugin_or_with_a_source_that_is_no_actor_nothing_is_found(stores):
    plugin, plain = stores
    scope = Scope(prefecture="13")
    assert plain.scope_reach(scope, ["f"], DEFAULT_MAX_HOPS, ["e"]) is None
    assert plugin.scope_reach(scope, ["no-such-actor"], DEFAULT_MAX_HOPS, ["e"]) is None


def test_the_report_is_the_same_with_and_without_the_plugin(stores, monkeypatch):
    plugin, plain = stores
    not_asked_below_the_threshold(plugin, lambda: Counting.searched)
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)  # every graph asked there
    before = Counting.searched
    for prefecture, mine, theirs in reports_with_and_without(plugin, plain):
        assert mine == theirs, prefecture
        assert any(f.next_step.action == "introduction" for f in mine.unfinanced_enterprises)
    assert Counting.searched - before == 2 * len(SCOPES)


class Changed(Neo4jStore):
    """A store whose plugin searched another graph than the one the report read."""

    def scope_reach(self, scope, sources, max_hops, wanted, day=None):
        found = super().scope_reach(scope, sources, max_hops, wanted, day)
        assert found is not None
        return ScopeReach(found.nodes, found.edges + 1, dict(found.reached))


class Told(Neo4jStore):
    """A store whose paths are made up: none within reach of any financier."""

    def scope_reach(self, scope, sources, max_hops, wanted, day=None):
        found = super().scope_reach(scope, sources, max_hops, wanted, day)
        assert found is not None
        return ScopeReach(found.nodes, found.edges, {})


def test_the_report_uses_the_paths_only_for_the_graph_it_read(stores, neo4j_server, monkeypatch):
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)
    _plugin, plain = stores
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Changed(*server) as changed, Told(*server) as told:
        weaknesses._kept.clear()
        want = weakness_report(plain, "13", limit=MAX_LIMIT)
        assert any(f.next_step.action == "introduction" for f in want.unfinanced_enterprises)
        assert weakness_report(changed, "13", limit=MAX_LIMIT) == want
        shown = weakness_report(told, "13", limit=MAX_LIMIT).unfinanced_enterprises
        assert shown and all(f.next_step.action == "none" for f in shown)
