"""What rsn's plugin keeps (hubs' sorted ties, the counts as of a day), and the scopes a
report reads, last until a write touches them, not until any transaction closes: the
plugin's listener follows each database's changes.
After every kind of write that can change an answer (a tie's strength, a firm that ended, a
referral completed between two centres, a tie deleted) and one that cannot (a node of another
label), the plugin answers exactly as plain Cypher does, on the same database, for
introductions through a hub and for the counts."""

from __future__ import annotations

import math

import pytest

from graph.model import Node, NodeKind, Relation, RelationType, Scope
from graph.provenance import relation_record
from graph.queries.introductions import introduction_paths
from graph.queries.referrals import Caller, create_referral, move_referral
from graph.store.neo4j import Neo4jStore
from graph.valid_time import today
from tests.conftest import _wipe_neo4j

E, F, C = NodeKind.ENTERPRISE, NodeKind.FINANCIER, NodeKind.CENTRE
ADMIN = Caller("admin", admin=True)
PAIRS = [("E1", "E6"), ("E3", "E6"), ("C1", "C2"), ("E1", "C2"), ("E2", "C2")]


@pytest.fixture(scope="module")
def stores(neo4j_server):
    _wipe_neo4j(neo4j_server)
    server = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with Neo4jStore(*server) as plugin, Neo4jStore(*server, procedures=False) as plain:
        nodes = [Node(f"E{i}", E, f"firm {i}", {"prefecture": "13"}) for i in range(1, 7)]
        nodes += [
            Node("H", F, "the hub bank", {"prefecture": "13"}),
            Node("C1", C, "centre 1", {"prefecture": "13"}),
            Node("C2", C, "centre 2", {"prefecture": "13"}),
        ]
        relations = [
            Relation("H", RelationType.LENDS_TO, f"E{i}", 0.3 + 0.1 * i) for i in range(1, 7)
        ]
        relations += [
            Relation("C1", RelationType.SUPPORTS, "E1", 0.8),
            Relation("C1", RelationType.SUPPORTS, "E2", 0.6),
            Relation("C2", RelationType.SUPPORTS, "E5", 0.7),
            Relation("C2", RelationType.SUPPORTS, "E6", 0.5),
            Relation("E3", RelationType.TRADES_WITH, "E4", 0.9),
        ]
        with plugin.transaction() as tx:
            tx.upsert_nodes(nodes)
            tx.upsert_relations(relations)
        yield plugin, plain
    _wipe_neo4j(neo4j_server)


def _paths(store, source: str, target: str) -> list[tuple[list[str], float]]:
    return [
        ([n.id for n in path.nodes], path.score)
        for path in introduction_paths(store, source, target, k=3, max_hops=4)
    ]


def _same(plugin: Neo4jStore, plain: Neo4jStore, step: str) -> None:
    """The plugin's answers equal plain Cypher's, asked twice (the second from what the
    plugin kept), over the whole history and as of today."""
    day = today()
    for _ in range(2):
        for with_plugin, without in ((plugin, plain), (plugin.as_of(day), plain.as_of(day))):
            for source, target in PAIRS:
                got, want = _paths(with_plugin, source, target), _paths(without, source, target)
                assert [ids for ids, _ in got] == [ids for ids, _ in want], (step, source, target)
                for (_, a), (_, b) in zip(got, want, strict=True):
                    assert math.isclose(a, b, abs_tol=1e-9), (step, source, target)
        assert plugin.as_of(today()).stats() == plain.as_of(today()).stats(), step
        assert plugin.as_of("2015-04-01").stats() == plain.as_of("2015-04-01").stats(), step


def test_the_plugin_follows_the_database_changes(stores):
    plugin, _ = stores
    ((tracked,),) = [tuple(r.values()) for r in plugin._read("CALL rsn.changesTracked()")]
    assert tracked is True


def test_kept_answers_follow_every_write_that_changes_them(stores):
    plugin, plain = stores
    assert plugin._has_procedure("rsn.kBestPaths") and plugin._has_procedure("rsn.countsOn")
    _same(plugin, plain, "as loaded")
    before = plugin.as_of(today()).stats()

    plugin.upsert_relations([Relation("H", RelationType.LENDS_TO, "E6", 0.99)])
    _same(plugin, plain, "a hub's tie made stronger")
    assert _paths(plugin, "E1", "E6")[0][0] == ["E1", "H", "E6"]

    plugin.upsert_nodes([Node("E5", E, "firm 5", {"prefecture": "13", "ended": "2020-01-01"})])
    _same(plugin, plain, "a firm that ended")
    after_ending = plugin.as_of(today()).stats()
    assert after_ending.nodes["Enterprise"] == before.nodes["Enterprise"] - 1
    assert all("E5" not in ids for ids, _ in _paths(plugin.as_of(today()), "E2", "C2"))
    assert any("E5" in ids for ids, _ in _paths(plugin, "E2", "C2"))  # the whole history

    referral, _ = create_referral(plugin, ADMIN, "E2", "C2", "export", from_centre="C1")
    _same(plugin, plain, "a referral made")
    move_referral(plugin, ADMIN, referral.id, "accepted")
    move_referral(plugin, ADMIN, referral.id, "in_progress")
    move_referral(plugin, ADMIN, referral.id, "completed", outcome="a buyer found")
    _same(plugin, plain, "a referral completed between two centres")
    assert any(ids == ["C1", "C2"] for ids, _ in _paths(plugin, "C1", "C2"))
    assert plugin.as_of(today()).stats().derived_relations == {"COLLABORATES_WITH": 1}

    with plugin.transaction() as tx:
        tx.delete_records([relation_record("H", RelationType.LENDS_TO, "E6")])
    _same(plugin, plain, "a hub's tie deleted")
    assert ["E1", "H", "E6"] not in [ids for ids, _ in _paths(plugin, "E1", "E6")]

    plugin._driver.execute_query("CREATE (:RsnProbe {n: 1})", database_=plugin.database)
    _same(plugin, plain, "a node of another label")


def test_a_scope_read_is_kept_until_a_write_changes_nodes_or_relations(stores):
    plugin, plain = stores
    scope, day = Scope("13"), today()

    def read(store):
        nodes, relations, boundary = store.as_of(day).scope_graph_and_boundary(scope)
        return sorted(n.id for n in nodes), sorted(relations), sorted(boundary)

    first = read(plugin)
    hits = plugin._scopes.hits
    assert read(plugin) == first == read(plain)
    assert plugin._scopes.hits == hits + 1  # the second read was the kept one

    # a referral made and moved writes neither nodes of the graph nor relations it reads
    referral, _ = create_referral(plugin, ADMIN, "E1", "C2", "finance", from_centre="C1")
    move_referral(plugin, ADMIN, referral.id, "accepted")
    assert read(plugin) == first
    assert plugin._scopes.hits == hits + 2

    plugin.upsert_nodes([Node("E7", E, "firm 7", {"prefecture": "13"})])
    plugin.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E7", 0.4)])
    changed = read(plugin)
    assert plugin._scopes.hits == hits + 2  # read again
    assert "E7" in changed[0] and changed != first
    assert changed == read(plain) and read(plugin) == changed
    assert plugin._scopes.hits == hits + 3 and plain._scopes.hits == 0


def _cached(store: Neo4jStore) -> set[str]:
    """The ids of the hubs whose ties the plugin keeps now."""
    return {record["id"] for record in store._read("CALL rsn.cachedHubs() YIELD id RETURN id")}


def test_a_write_drops_only_the_hubs_whose_ties_it_touches(stores):
    """A referral made or moved links a referral to its centres and enterprise, which are no
    ties: the centres' kept ties stay. A tie written drops its two ends, and no other hub."""
    plugin, plain = stores
    plugin.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E3", 0.4)])  # a 3rd tie
    _paths(plugin, "C1", "E4")
    _paths(plugin, "E2", "E5")
    assert {"C1", "H"} <= _cached(plugin)
    referral, _ = create_referral(plugin, ADMIN, "E4", "C2", "finance", from_centre="C1")
    assert {"C1", "H"} <= _cached(plugin)
    move_referral(plugin, ADMIN, referral.id, "accepted")
    assert {"C1", "H"} <= _cached(plugin)
    _same(plugin, plain, "a referral made and accepted, the hubs kept")
    plugin.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E4", 0.45)])
    kept = _cached(plugin)
    assert "C1" not in kept and "H" in kept
    _same(plugin, plain, "a centre's tie made")
