"""Burt's constraint computed by rsn's plugin (``rsn.scopeConstraint``): the same floats as
rsn's own on the same actor graph, for every scope and day; the brokers of the weakness
report the same with and without the plugin; and the report's own figures when what the
store computed on is not the graph the report read."""

from __future__ import annotations

import pytest

import graph.queries.weaknesses as weaknesses
from graph.algorithms.centrality import burt_constraint
from graph.model import Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.neo4j import Neo4jStore
from graph.store.ports import ScopeConstraint
from graph.store.projection import project
from tests.neo4j.test_scope_betweenness import (
    DAYS,
    SCOPES,
    dated_stores,
    not_asked_below_the_threshold,
    reports_with_and_without,
)


class Counting(Neo4jStore):
    """The Neo4j store as it is, counting the constraints its plugin computed."""

    computed = 0

    def scope_constraint(self, scope, actors, day=None):
        found = super().scope_constraint(scope, actors, day)
        if found is not None:
            Counting.computed += 1
        return found


@pytest.fixture(scope="module")
def stores(neo4j_server):
    yield from dated_stores(neo4j_server, Counting)


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("prefecture", SCOPES)
def test_the_plugin_computes_the_floats_rsn_computes(stores, prefecture, day):
    plugin, plain = stores
    actors = project(*plain.scope_graph(Scope(prefecture=prefecture), day))
    # every actor, those without ties among them, and an id that is no actor
    wanted = [*sorted(actors), "no-such-actor"]
    found = plugin.scope_constraint(Scope(prefecture=prefecture), wanted, day)
    assert found is not None
    assert (found.nodes, found.edges) == (actors.number_of_nodes(), actors.number_of_edges())
    want = {v: burt_constraint(actors, v) for v in actors}
    assert found.values == {**want, "no-such-actor": None}  # the same floats, not nearly
    assert any(value is None for value in want.values())
    assert len({value for value in want.values() if value is not None}) > 10


def test_without_the_plugin_nothing_is_computed(stores):
    _plugin, plain = stores
    assert plain.scope_constraint(Scope(prefecture="13"), ["e"]) is None


def test_the_brokers_are_the_same_with_and_without_the_plugin(stores, monkeypatch):
    plugin, plain = stores
    not_asked_below_the_threshold(plugin, lambda: Counting.computed)
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)  # every graph asked there
    before = Counting.computed
    for prefecture, mine, theirs in reports_with_and_without(plugin, plain):
        assert mine == theirs, prefecture
        assert any(b.constraint is not None for b in mine.brokers)
    assert Counting.computed - before == 2 * len(SCOPES)


class Changed(Neo4jStore):
    """A store whose plugin computed on another graph than the one the report read."""

    def scope_constraint(self, scope, actors, day=None):
        found = super().scope_constraint(scope, actors, day)
        assert found is not None
        return ScopeConstraint(found.nodes + 1, found.edges, {v: 0.5 for v in actors})


class Told(Neo4jStore):
    """A store whose constraints are made up: 0.5 for every broker."""

    def scope_constraint(self, scope, actors, day=None):
        found = super().scope_constraint(scope, actors, day)
        assert found is not None
        return ScopeConstraint(found.nodes, found.edges, {v: 0.5 for v in actors})


def test_the_report_uses_the_figures_only_for_the_graph_it_read(stores, neo4j_server, monkeypatch):
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)
    _plugin, plain = stores
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Changed(*server) as changed, Told(*server) as told:
        weaknesses._kept.clear()
        want = weakness_report(plain, "13", limit=MAX_LIMIT)
        assert any(b.constraint != 0.5 for b in want.brokers)
        assert weakness_report(changed, "13", limit=MAX_LIMIT) == want
        made_up = weakness_report(told, "13", limit=MAX_LIMIT).brokers
        assert made_up and all(b.constraint == 0.5 for b in made_up)
