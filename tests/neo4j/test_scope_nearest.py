"""The nearest centres found by rsn's plugin (``rsn.scopeNearest``), the nearest place first:
the same answers and paths as rsn's own searches on the same actor graph, for every scope and
day and several sets of sources; the weakness report the same with and without the plugin; and
the report's own searches when what the store searched is not the graph the report read. (The
conformance suite's network of a few prefectures, tests/conformance/test_weaknesses.py, checks
on a server with the plugin the answers that only the search by place finds.)"""

from __future__ import annotations

import random

import pytest

import graph.queries.weaknesses as weaknesses
from graph.algorithms.reach import nearest, nearest_place_first, path_of
from graph.japan import PREFECTURE_BY_CODE
from graph.model import NodeKind, Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.neo4j import Neo4jStore
from graph.store.ports import ScopeNearest
from graph.store.projection import project
from tests.neo4j.test_scope_betweenness import (
    DAYS,
    SCOPES,
    dated_stores,
    not_asked_below_the_threshold,
    reports_with_and_without,
)

BLOCKS = {code: prefecture.block for code, prefecture in PREFECTURE_BY_CODE.items()}


class Counting(Neo4jStore):
    """The Neo4j store as it is, counting the searches its plugin answered."""

    searched = 0

    def scope_nearest(self, scope, sources, wanted, blocks, day=None):
        found = super().scope_nearest(scope, sources, wanted, blocks, day)
        if found is not None:
            Counting.searched += 1
        return found


@pytest.fixture(scope="module")
def stores(neo4j_server):
    yield from dated_stores(neo4j_server, Counting)


def _rsn(actors, sources, wanted, levels):
    """What rsn's own searches find (as the report keeps it)."""

    def search(chosen, places, todo):
        return nearest(actors, chosen, places, todo)

    answers = nearest_place_first(actors, wanted, sources, search, lambda hit: hit[1], levels)
    return {node: (hit[0], hit[1], path_of(tier, node)) for node, (tier, hit) in answers.items()}


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("prefecture", SCOPES)
def test_the_plugin_finds_the_centres_rsn_finds(stores, prefecture, day):
    plugin, plain = stores
    scope = Scope(prefecture=prefecture)
    actors = project(*plain.scope_graph(scope, day))
    nodes = sorted(actors)
    assert len(nodes) > 50
    centres = sorted(n for n, kind in actors.nodes(data="kind") if kind is NodeKind.CENTRE)
    levels = weaknesses._place_levels(actors) if prefecture is None else ()
    blocks = BLOCKS if levels else {}
    rng = random.Random(len(nodes))
    farthest = 0
    for sources in (centres, rng.sample(centres, max(1, len(centres) // 4)), rng.sample(nodes, 3)):
        wanted = [*rng.sample(nodes, len(nodes) // 2), "no-such-actor"]
        found = plugin.scope_nearest(scope, sources, wanted, blocks, day)
        assert found is not None
        assert (found.nodes, found.edges) == (actors.number_of_nodes(), actors.number_of_edges())
        expected = _rsn(actors, sources, wanted, levels)
        assert found.found == expected
        farthest = max(farthest, *(distance for distance, _, _ in expected.values()))
    assert farthest > 1  # paths of several ties among them


def test_without_the_plugin_or_with_a_source_that_is_no_actor_nothing_is_found(stores):
    plugin, plain = stores
    assert plain.scope_nearest(Scope(), ["c"], ["e"], BLOCKS) is None
    assert plugin.scope_nearest(Scope(), ["no-such-actor"], ["e"], BLOCKS) is None


def test_the_report_is_the_same_with_and_without_the_plugin(stores, monkeypatch):
    plugin, plain = stores
    not_asked_below_the_threshold(plugin, lambda: Counting.searched)
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)  # every graph asked there
    before = Counting.searched
    for prefecture, mine, theirs in reports_with_and_without(plugin, plain):
        assert mine == theirs, prefecture
        steps = {f.next_step.action for f in mine.unsupported_enterprises}
        assert "refer_to_centre" in steps, prefecture
    assert Counting.searched - before == 2 * len(SCOPES)


class Changed(Neo4jStore):
    """A store whose plugin searched another graph than the one the report read."""

    def scope_nearest(self, scope, sources, wanted, blocks, day=None):
        found = super().scope_nearest(scope, sources, wanted, blocks, day)
        assert found is not None
        return ScopeNearest(found.nodes + 1, found.edges, dict(found.found))


class Told(Neo4jStore):
    """A store whose searches are made up: no centre reached from anyone."""

    def scope_nearest(self, scope, sources, wanted, blocks, day=None):
        found = super().scope_nearest(scope, sources, wanted, blocks, day)
        assert found is not None
        return ScopeNearest(found.nodes, found.edges, {})


def test_the_report_uses_the_centres_only_for_the_graph_it_read(stores, neo4j_server, monkeypatch):
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)
    _plugin, plain = stores
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Changed(*server) as changed, Told(*server) as told:
        weaknesses._kept.clear()
        want = weakness_report(plain, None, limit=MAX_LIMIT)
        assert any(f.next_step.action == "refer_to_centre" for f in want.unsupported_enterprises)
        assert weakness_report(changed, None, limit=MAX_LIMIT) == want
        shown = weakness_report(told, None, limit=MAX_LIMIT).unsupported_enterprises
        assert shown
        assert all(f.next_step.action in ("contact_centre", "none") for f in shown)
