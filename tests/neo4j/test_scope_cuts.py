"""The connected parts, cut vertices and bridges found by rsn's plugin (``rsn.scopeCuts``):
the same sets, parts and sides as rsn's own depth-first search on the same actor graph, for
every scope and day; the weakness report the same with and without the plugin; and the
report's own search when what the store searched is not the graph the report read."""

from __future__ import annotations

import pytest

import graph.queries.weaknesses as weaknesses
from graph.algorithms.cuts import cut_vertices
from graph.model import Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.neo4j import Neo4jStore
from graph.store.ports import ScopeCuts
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

    def scope_cuts(self, scope, day=None):
        found = super().scope_cuts(scope, day)
        if found is not None:
            Counting.searched += 1
        return found


@pytest.fixture(scope="module")
def stores(neo4j_server):
    yield from dated_stores(neo4j_server, Counting)


def described(cuts, bridges, components):
    """What a search found, whatever its order: each cut vertex's parts (sorted) and the
    actors it cuts off, each bridge's ends and smaller side, each part's actors."""
    return (
        {node: (cut.parts(), cut.cut_off, cut.sizes) for node, cut in cuts.items()},
        {(frozenset((u, v)), side) for u, v, side in bridges},
        sorted(sorted(members) for members in components),
    )


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("prefecture", SCOPES)
def test_the_plugin_finds_the_parts_rsn_finds(stores, prefecture, day):
    plugin, plain = stores
    actors = project(*plain.scope_graph(Scope(prefecture=prefecture), day))
    found = plugin.scope_cuts(Scope(prefecture=prefecture), day)
    assert found is not None
    assert (found.nodes, found.edges) == (actors.number_of_nodes(), actors.number_of_edges())
    connected: list[list[str]] = []
    cuts, bridges = cut_vertices(actors, connected)
    want = described(cuts, bridges, connected)
    assert described(found.cuts, found.bridges, found.components) == want
    # every part is its own search's order: each cut vertex among the actors of its part
    for node, cut in found.cuts.items():
        assert node in cut.order and len(set(cut.order)) == len(cut.order)
    # enough to tell a wrong search from a right one: cut vertices holding several parts,
    # bridges cutting off more than one actor, several connected parts
    assert any(len(cut.sizes) > 2 for cut in cuts.values())
    assert any(side > 1 for *_ends, side in bridges)
    assert len(connected) > 1


def test_without_the_plugin_nothing_is_found(stores):
    _plugin, plain = stores
    assert plain.scope_cuts(Scope(prefecture="13")) is None


def test_the_report_is_the_same_with_and_without_the_plugin(stores, monkeypatch):
    plugin, plain = stores
    not_asked_below_the_threshold(plugin, lambda: Counting.searched)
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)  # every graph asked there
    before = Counting.searched
    for prefecture, mine, theirs in reports_with_and_without(plugin, plain):
        assert mine == theirs, prefecture
        assert mine.articulation_points and mine.bridges
    assert Counting.searched - before == 2 * len(SCOPES)


class Changed(Neo4jStore):
    """A store whose plugin searched another graph than the one the report read."""

    def scope_cuts(self, scope, day=None):
        found = super().scope_cuts(scope, day)
        assert found is not None
        return ScopeCuts(found.nodes, found.edges + 1, found.cuts, found.bridges, [])


class Told(Neo4jStore):
    """A store whose search is made up: no cut vertex, no bridge."""

    def scope_cuts(self, scope, day=None):
        found = super().scope_cuts(scope, day)
        assert found is not None
        return ScopeCuts(found.nodes, found.edges, {}, [], found.components)


def test_the_report_uses_the_parts_only_for_the_graph_it_read(stores, neo4j_server, monkeypatch):
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)
    _plugin, plain = stores
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Changed(*server) as changed, Told(*server) as told:
        weaknesses._kept.clear()
        want = weakness_report(plain, "13", limit=MAX_LIMIT)
        assert want.articulation_points and want.bridges
        assert weakness_report(changed, "13", limit=MAX_LIMIT) == want
        made_up = weakness_report(told, "13", limit=MAX_LIMIT)
        assert made_up.articulation_points == [] and made_up.bridges == []
        assert made_up.components == want.components
