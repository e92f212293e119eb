"""Provenance and valid time in the Neo4j adapter: what only Neo4j can show (assertions kept as
properties of the records, never leaking into their values; two writers at once; the plugin's
hub cache per day; the migration of a database written before provenance) and the graph as of a
day against the embedded store, with rsn's plugin and in plain Cypher."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from graph.errors import NotFound, StoreError, StoreUnavailable
from graph.merging import MergeSnapshot
from graph.model import Node, NodeKind, Relation, RelationType, Scope
from graph.provenance import Assertion, Attribution, relation_record
from graph.queries.merges import merge_nodes, unmerge
from graph.referral_lifecycle import Referral, ReferralEvent, ReferralStatus, referral_tie_strength
from graph.store import cypher
from graph.store.embedded import EmbeddedStore
from graph.store.neo4j import Neo4jStore
from tests.conformance.test_valid_time import DAYS, dated_graph
from tests.conftest import _wipe_neo4j

C, E, F, S = NodeKind.CENTRE, NodeKind.ENTERPRISE, NodeKind.FINANCIER, NodeKind.SPECIALIST


def _open(server, procedures: bool = True) -> Neo4jStore:
    return Neo4jStore(server.uri, server.user, server.password, procedures=procedures)


@pytest.fixture
def neo4j_store(neo4j_server):
    _wipe_neo4j(neo4j_server)
    store = _open(neo4j_server)
    yield store
    store.close()


def _at(day: str) -> str:
    return f"{day}T09:00:00.000000+00:00"


def _node(node_id: str, of: NodeKind = E, **props) -> Node:
    return Node(node_id, of, f"{of.value} {node_id}", {"prefecture": "13", **props})


def _raw(store: Neo4jStore, query: str, **params):
    return store._read(query, **params)


# -- assertions as properties ----------------------------------------------------------


def test_assertions_never_show_among_a_records_values(neo4j_store):
    store = neo4j_store
    with store.transaction(Attribution("C1", _at("2021-01-01"))) as tx:
        tx.upsert_nodes(
            [
                _node("C1", C, kind="other"),
                _node("S1", S, background="cpa", expertise=["tax"]),
                _node("E1", industry="E"),
            ]
        )
        tx.upsert_relations(
            [
                Relation("C1", RelationType.SUPPORTS, "E1", 0.5, "2020-01-01"),
                Relation("S1", RelationType.AFFILIATED_WITH, "C1", 0.6),
            ]
        )
    raw = _raw(store, "MATCH (n {id: 'E1'}) RETURN properties(n) AS p")[0]["p"]
    assert "prov.C1" in raw  # kept on the node itself
    nodes = [
        store.get_node("E1"),
        *store.iter_nodes(E),
        *store.scope_graph(Scope("13"))[0],
        *(centre for centre, _ in store.centres_with_expertise("tax")),
    ]
    for node in nodes:
        assert node is not None
        assert not any(key.startswith("prov.") for key in node.props), node
    assert store.get_node("E1").props == {"prefecture": "13", "industry": "E"}


def test_a_later_write_drops_the_properties_it_does_not_give(neo4j_store):
    store = neo4j_store
    store.upsert_nodes([_node("E1", industry="E", employees=4, founded=1990)])
    store.upsert_nodes([Node("E1", E, "Renamed", {"prefecture": "27", "odd": "x"})])
    store.upsert_nodes([Node("E1", E, "Renamed", {"prefecture": "27"})])
    assert store.get_node("E1") == Node("E1", E, "Renamed", {"prefecture": "27"})
    [assertion] = store.provenance(["E1"])["E1"]
    assert assertion.values == {"name": "Renamed", "prefecture": "27"}


def test_writing_without_asserting_leaves_no_assertion(neo4j_store):
    store = neo4j_store
    by = Attribution(record=False)
    store.upsert_nodes([_node("E1"), _node("E2")], by=by)
    store.upsert_relations([Relation("E1", RelationType.TRADES_WITH, "E2", 0.4)], by=by)
    assert store.provenance(["E1", "E2", "E1 TRADES_WITH E2"]) == {}
    assert store.contributors() == []


def test_a_bulk_load_asserts_every_record_by_its_contributor(neo4j_store):
    store = neo4j_store
    nodes = [_node(f"E{i}") for i in range(30)]
    relations = [
        Relation(f"E{i}", RelationType.TRADES_WITH, f"E{(i + 7) % 30}", 0.5) for i in range(30)
    ]
    for attempt, contributor in enumerate(("bank-union", "bank-union", "pref-13")):
        at = _at(f"202{attempt}-05-01")
        known = {} if attempt == 0 else {n.id: n.kind for n in nodes}
        with store.bulk(known, Attribution(contributor, at)) as writer:
            writer.upsert_nodes(nodes)
            writer.upsert_relations(relations)
    records = [r.key for r in relations]
    names = [relation_record(*key) for key in records]
    found = store.provenance(names + ["E3"])
    assert set(found) == {*names, "E3"}
    for assertions in found.values():
        assert [(a.contributor, a.recorded_at, a.last_seen) for a in assertions] == [
            ("bank-union", _at("2020-05-01"), _at("2021-05-01")),
            ("pref-13", _at("2022-05-01"), _at("2022-05-01")),
        ]
    assert store.standing_records("bank-union") == {*names, *(n.id for n in nodes)}
    summary = {c.contributor: c for c in store.contributors()}
    assert (summary["pref-13"].nodes, summary["pref-13"].relations) == (30, 30)
    assert summary["bank-union"].last_load == _at("2021-05-01")


def test_two_writers_as_different_contributors_at_once_lose_nothing(neo4j_server, neo4j_store):
    """Each of two stores (two drivers, as two processes have) writes the same records again
    and again as its own contributor, with values of its own, at the same time: every record
    ends with both assertions, each with the values its contributor gave, and the record's
    values are one of them."""
    ids = [f"E{i}" for i in range(40)]
    pairs = [(f"E{i}", f"E{(i * 3 + 1) % 40}") for i in range(40) if i != (i * 3 + 1) % 40]
    strength = {"one": 0.25, "two": 0.75}

    def nodes_of(contributor: str) -> list[Node]:
        return [Node(i, E, f"{contributor} {i}", {"prefecture": "13"}) for i in ids]

    def relations_of(contributor: str) -> list[Relation]:
        return [Relation(a, RelationType.TRADES_WITH, b, strength[contributor]) for a, b in pairs]

    neo4j_store.upsert_nodes(nodes_of("one"), by=Attribution("seed"))
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def write(contributor: str) -> None:
        nodes, relations = nodes_of(contributor), relations_of(contributor)
        try:
            with _open(neo4j_server) as store:
                start.wait()
                for round_ in range(10):
                    by = Attribution(contributor, _at(f"2024-01-{round_ + 1:02d}"))
                    if round_ % 2:
                        for _ in range(20):  # as a client does when told to try again
                            try:
                                with store.transaction(by) as tx:
                                    tx.upsert_nodes(nodes)
                                    tx.upsert_relations(relations)
                                break
                            except StoreUnavailable:  # a deadlock with the other writer
                                continue
                    else:
                        with store.bulk({i: E for i in ids}, by) as writer:
                            writer.upsert_nodes(nodes)
                            writer.upsert_relations(relations)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    found = neo4j_store.provenance(ids)
    for node in neo4j_store.get_nodes(ids).values():
        assertions = {a.contributor: a for a in found[node.id]}
        assert set(assertions) == {"seed", "one", "two"}, node.id
        for name in ("one", "two"):
            assert assertions[name].values["name"] == f"{name} {node.id}"
            assert assertions[name].last_seen == _at("2024-01-10")
        assert node.name in {f"one {node.id}", f"two {node.id}"}
    records = [relation_record(a, RelationType.TRADES_WITH, b) for a, b in pairs]
    found = neo4j_store.provenance(records)
    for relation in neo4j_store.iter_relations():
        assertions = {a.contributor: a for a in found[relation_record(*relation.key)]}
        assert set(assertions) == {"one", "two"}
        for name in ("one", "two"):
            assert assertions[name].values["strength"] == strength[name]
        assert relation.strength in strength.values()


# -- retraction and restoring ----------------------------------------------------------


def _two_contributors(store) -> str:
    with store.transaction(Attribution("C1", _at("2020-05-01"))) as tx:
        tx.upsert_nodes([_node("C1", C, kind="other"), _node("E1", industry="E")])
        tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.5, "2018-01-01")])
    with store.bulk(by=Attribution("pref-13", _at("2022-06-01"))) as writer:
        writer.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.8, "2019-01-01")])
    return relation_record("C1", RelationType.SUPPORTS, "E1")


def test_a_retraction_in_a_bulk_load_falls_back_then_ends(neo4j_store):
    store = neo4j_store
    record = _two_contributors(store)
    with store.bulk(by=Attribution("pref-13", _at("2024-03-01"))) as writer:
        assert writer.retract([record, "E1 SUPPORTS", "nobody"], "pref-13") == 1
    assert [(r.strength, r.since, r.until) for r in store.ties("E1")] == [(0.5, "2018-01-01", None)]
    with store.transaction(Attribution("admin", _at("2025-02-10"))) as tx:
        assert tx.retract([record, "E1"], None) == 2
    [tie] = store.ties("E1")
    assert tie.until == "2025-02-10"
    assert store.get_node("E1").props["ended"] == "2025-02-10"
    assert store.as_of("2025-02-10").get_node("E1") is None
    assert store.as_of("2025-02-09").ties("C1") == [tie]
    assert store.standing_records("C1") == {"C1"}
    assert {c.contributor: c.last_load for c in store.contributors()}["C1"] == _at("2025-02-10")


def test_a_retraction_that_fails_is_undone_with_its_transaction(neo4j_store):
    store = neo4j_store
    record = _two_contributors(store)
    with pytest.raises(RuntimeError):
        with store.transaction(Attribution("C1", _at("2024-01-01"))) as tx:
            assert tx.retract([record], "C1") == 1
            raise RuntimeError("undo")
    assert all(a.retracted_at is None for a in store.provenance([record])[record])


def test_restoring_provenance_writes_assertions_as_they_were(neo4j_store):
    store = neo4j_store
    store.upsert_nodes([_node("C1", C), _node("E1")], by=Attribution(record=False))
    store.upsert_relations(
        [Relation("C1", RelationType.SUPPORTS, "E1", 0.7)], by=Attribution(record=False)
    )
    record = relation_record("C1", RelationType.SUPPORTS, "E1")
    rows = [
        (
            record,
            Assertion(
                "a", _at("2019-01-01"), _at("2020-01-01"), _at("2021-01-01"), {"strength": 0.6}
            ),
        ),
        (record, Assertion("b", _at("2019-02-01"), _at("2020-02-01"), None, {"strength": 0.7})),
        ("E1", Assertion("b", _at("2019-02-01"), _at("2019-02-01"), None, {"name": "x"})),
    ]
    with store.bulk(by=Attribution(record=False)) as writer:
        writer.restore_provenance(rows)
    assert list(store.iter_provenance()) == sorted(rows, key=lambda r: (r[0], r[1].contributor))
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            tx.restore_provenance([("E1 SUPPORTS C1", rows[0][1])])
    with pytest.raises(NotFound):
        with store.transaction() as tx:
            tx.restore_provenance([("E9", rows[0][1])])


def test_a_bulk_restore_follows_nodes_made_again_and_names_a_missing_relation(neo4j_store):
    """A restore in a bulk load finds a node made again since the load wrote it (another
    node under the same id), and its tie; a relation that is not there is named."""
    store = neo4j_store
    ties = [Relation("C1", RelationType.SUPPORTS, end, 0.7) for end in ("E1", "E2")]
    stamp = Assertion("a", _at("2019-01-01"), _at("2020-01-01"), None, {"strength": 0.7})
    with store.bulk(by=Attribution(record=False)) as writer:
        writer.upsert_nodes([_node("C1", C), _node("E1"), _node("E2")])
        writer.upsert_relations(ties)
        writer.flush()
        store._write(
            "MATCH (e:Enterprise {id: 'E1'}) DETACH DELETE e WITH count(*) AS gone "
            "MATCH (c:Centre {id: 'C1'}) "
            "CREATE (c)-[:SUPPORTS {strength: 0.7}]->(:Enterprise {id: 'E1', name: 'again', "
            "prefecture: '13'})"
        )
        rows = [("E1", stamp), ("E2", stamp)] + [(relation_record(*t.key), stamp) for t in ties]
        writer.restore_provenance(rows)
    assert [record for record, _assertion in store.iter_provenance()] == sorted(
        record for record, _assertion in rows
    )
    with pytest.raises(NotFound, match="C1 ADVISES E2"):
        with store.bulk(by=Attribution(record=False)) as writer:
            writer.restore_provenance([("C1 ADVISES E2", stamp)])


def test_a_bulk_restore_waits_for_the_nodes_written_just_before(neo4j_store):
    """A load's node batches are written on its threads; assertions restored right after
    them (no relation between) wait until they are there, so none is refused as missing."""
    store = neo4j_store
    stamp = Assertion("a", _at("2019-01-01"), _at("2020-01-01"), None, {"name": "E"})
    for round_ in range(2):  # new nodes each time: the race is run again
        nodes = [_node(f"E{round_}-{number}") for number in range(20000)]
        with store.bulk(by=Attribution(record=False)) as writer:
            writer.upsert_nodes(nodes[:19990])  # a long statement on one thread,
            writer.upsert_nodes(nodes[19990:])  # a short one on the other, which is then free
            writer.restore_provenance([(node.id, stamp) for node in nodes])
        assert len(list(store.iter_provenance())) == 20000 * (round_ + 1)


def test_held_ties_wait_for_no_one_but_keep_other_writers_out_until_the_unit_ends(neo4j_store):
    """A merge's unit holds the ties it read: another writer that changes one of them, or
    makes a new tie at the node, waits until the unit ends, then writes over what it left."""
    store = neo4j_store
    quiet = Attribution(record=False)
    store.upsert_nodes([_node("C1", C), _node("E1"), _node("E2")], by=quiet)
    tie = Relation("C1", RelationType.SUPPORTS, "E1", 0.5)
    store.upsert_relations([tie], by=quiet)
    done: list[str] = []

    def write(name: str, relation: Relation) -> None:
        store.upsert_relations([relation], by=Attribution("tokyo"))
        done.append(name)

    new = Relation("E2", RelationType.TRADES_WITH, "E1", 0.4)
    for name, relation, written, after in (
        ("changed", tie._replace(strength=0.9), 0.7, {tie.key: 0.9}),
        ("new", new, 0.6, {tie.key: 0.6, new.key: 0.4}),
    ):
        with store.transaction(quiet) as tx:
            ties, _provenance = tx.held_ties("E1")
            assert relation not in ties
            other = threading.Thread(target=write, args=(name, relation))
            other.start()
            other.join(timeout=2)
            assert name not in done  # it waits for the unit
            tx.upsert_relations([tie._replace(strength=written)])
        other.join(timeout=60)
        assert name in done
        assert {t.key: t.strength for t in store.ties("E1")} == after


def test_a_merges_snapshot_is_kept_compressed_and_one_kept_as_text_still_reads(neo4j_store):
    """The server keeps a merge's snapshot as compressed bytes (a hub's runs to megabytes of
    text); a merge kept before that, with its snapshot as text, reads and undoes as before."""
    store = neo4j_store
    quiet = Attribution(record=False)
    store.upsert_nodes([_node("C1", C), _node("E1"), _node("E2")], by=quiet)
    store.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E2", 0.5)], by=quiet)
    record = merge_nodes(store, "E1", "E2", by="admin")
    (kept,) = _raw(store, f"MATCH (m:{cypher.MERGE_LABEL}) RETURN m.snapshot AS s")
    assert isinstance(kept["s"], bytes)
    text = store.merge_snapshot(record.id)
    assert text is not None and len(kept["s"]) < len(text.encode())
    assert MergeSnapshot.from_json(text).merge == "E2"
    store._write(f"MATCH (m:{cypher.MERGE_LABEL}) SET m.snapshot = $text", text=text)
    assert store.merge_snapshot(record.id) == text
    unmerge(store, record.id)
    assert [t.key for t in store.ties("E2")] == [("C1", RelationType.SUPPORTS, "E2")]
    store._write(f"MATCH (m:{cypher.MERGE_LABEL}) SET m.snapshot = $junk", junk=b"not zlib")
    with pytest.raises(StoreError, match=f"merge {record.id}: .*snapshot cannot be read"):
        store.merge_snapshot(record.id)


def test_every_assertion_comes_out_in_record_order(neo4j_store):
    """Node ids that are prefixes of others ("E1", "E10") and relations of each: the export's
    order is that of the record texts."""
    store = neo4j_store
    ids = ["E1", "E10", "E1a", "E2", "C1"]
    store.upsert_nodes([_node(i, C if i == "C1" else E) for i in ids], by=Attribution("b"))
    store.upsert_nodes([_node("E10")], by=Attribution("a"))
    store.upsert_relations(
        [
            Relation("E1", RelationType.TRADES_WITH, "E10", 0.5),
            Relation("E10", RelationType.TRADES_WITH, "E2", 0.5),
            Relation("C1", RelationType.SUPPORTS, "E1", 0.5),
            Relation("E1", RelationType.COLLABORATES_WITH, "E2", 0.5),
        ],
        by=Attribution("b"),
    )
    found = [(record, a.contributor) for record, a in store.iter_provenance()]
    assert found == sorted(found)
    assert len(found) == 10


# -- the graph as of a day -------------------------------------------------------------


@pytest.fixture(scope="module")
def dated_graphs():
    graphs = [dated_graph(seed) for seed in range(24)]
    nodes = [node for graph in graphs for node in graph[0]]
    relations = [relation for graph in graphs for relation in graph[1]]
    return graphs, nodes, relations


def _paths(store, day, source, target, k, hops):
    return [
        (p.nodes, round(p.score, 9), [(r.key, r.since, r.until) for r in p.relations])
        for p in store.best_paths(source, target, k, hops, day)
    ]


@pytest.mark.parametrize("procedures", [True, False], ids=["plugin", "cypher"])
def test_reads_as_of_a_day_equal_the_embedded_stores(
    neo4j_server, tmp_path: Path, dated_graphs, procedures
):
    graphs, nodes, relations = dated_graphs
    _wipe_neo4j(neo4j_server)
    with (
        _open(neo4j_server, procedures) as store,
        EmbeddedStore(tmp_path / "reference", watch_seconds=None) as reference,
    ):
        assert store.paths_in_database is procedures
        for each in (store, reference):
            with each.bulk() as writer:
                writer.upsert_nodes(nodes)
                writer.upsert_relations(relations)
        for day in [None, *DAYS]:
            assert store.stats(day) == reference.stats(day), day
            assert list(store.iter_relations(day)) == list(reference.iter_relations(day)), day
            for kind in NodeKind:
                assert list(store.iter_nodes(kind, day)) == list(reference.iter_nodes(kind, day))
            for scope in (Scope(), Scope("13")):
                mine, theirs = store.scope_graph(scope, day), reference.scope_graph(scope, day)
                assert sorted(mine[0], key=lambda n: n.id) == sorted(theirs[0], key=lambda n: n.id)
                assert sorted(mine[1]) == sorted(theirs[1]), (day, scope)
            assert sorted(store.boundary_relations(Scope("27"), day)) == sorted(
                reference.boundary_relations(Scope("27"), day)
            )
            for graph_nodes, _, questions in graphs:
                for node in graph_nodes[:3]:
                    assert store.ties(node.id, day) == reference.ties(node.id, day)
                    assert store.get_node(node.id, day) == reference.get_node(node.id, day)
                for source, target, k, hops in questions:
                    assert _paths(store, day, source, target, k, hops) == _paths(
                        reference, day, source, target, k, hops
                    ), (day, source, target)


def _referral(number: int, a: str, b: str, completed: str | None) -> Referral:
    created = _at("2019-01-01")
    history: list[ReferralEvent] = []
    status = ReferralStatus.REQUESTED
    if completed is not None:
        history = [
            ReferralEvent(_at("2019-01-02"), b, ReferralStatus.ACCEPTED, ReferralStatus.REQUESTED),
            ReferralEvent(
                _at("2019-01-03"), b, ReferralStatus.IN_PROGRESS, ReferralStatus.ACCEPTED
            ),
            ReferralEvent(
                _at(completed),
                b,
                ReferralStatus.COMPLETED,
                ReferralStatus.IN_PROGRESS,
                outcome="ok",
            ),
        ]
        status = ReferralStatus.COMPLETED
    return Referral(
        f"R{number}", a, b, "E1", "tax", "", status, created, tuple(history), f"key-{number}"
    )


def _referral_network(store) -> None:
    store.upsert_nodes(
        [_node("C1", C), _node("C2", C), _node("C3", C, ended="2023-01-01"), _node("E1")]
    )
    days = ["2020-03-01", "2020-03-01", "2021-06-01", "2022-01-01", "2022-02-01", "2024-01-01"]
    referrals = [_referral(i, "C1", "C2", day) for i, day in enumerate(days)]
    referrals.append(_referral(10, "C3", "C1", "2021-01-01"))
    referrals.append(_referral(11, "C2", "C3", None))
    with store.transaction() as tx:
        tx.upsert_referrals(referrals)


def test_referral_ties_as_of_a_day_count_the_referrals_completed_by_then(neo4j_store, tmp_path):
    store = neo4j_store
    with EmbeddedStore(tmp_path / "reference", watch_seconds=None) as reference:
        for each in (store, reference):
            _referral_network(each)
        for day in [
            None,
            "2020-02-29",
            "2020-03-01",
            "2021-06-01",
            "2022-01-31",
            "2022-12-31",
            "2023-01-01",
            "2024-01-01",
            "2030-01-01",
        ]:
            for centre in ("C1", "C2", "C3"):
                assert store.derived_ties(centre, day) == reference.derived_ties(centre, day), (
                    day,
                    centre,
                )
            assert store.stats(day) == reference.stats(day), day
            assert _paths(store, day, "C2", "C3", 3, 2) == _paths(reference, day, "C2", "C3", 3, 2)
    ties = store.derived_ties("C1", "2021-06-01")
    assert [(t.target, t.strength, t.since) for t in ties] == [
        ("C2", referral_tie_strength(3), "2020-03-01"),
        ("C3", referral_tie_strength(1), "2021-01-01"),
    ]
    # the two completed on one day make no tie of one completion; the last is the current one
    levels = _raw(
        store,
        "MATCH (:Centre {id: 'C1'})-[t:REFERRAL_TIE|REFERRAL_TIE_EARLIER]->(:Centre {id: 'C2'}) "
        "RETURN type(t) AS type, t.since AS since, t.until AS until ORDER BY since",
    )
    assert [(r["type"], r["since"], r["until"]) for r in levels] == [
        ("REFERRAL_TIE_EARLIER", "2020-03-01", "2021-06-01"),
        ("REFERRAL_TIE_EARLIER", "2021-06-01", "2022-01-01"),
        ("REFERRAL_TIE", "2022-01-01", None),
    ]


def test_a_move_to_completed_dates_the_tie(neo4j_store):
    store = neo4j_store
    _referral_network(store)
    open_one = store.get_referral("R11")
    assert open_one is not None
    moved = open_one
    for status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
        event = ReferralEvent(_at("2022-05-05"), "C3", status, moved.status, outcome="done")
        following = replace(moved, status=status, history=(*moved.history, event))
        store.move_referral(following, moved.status)
        moved = following
    assert [t.since for t in store.derived_ties("C3", "2022-05-05")] == ["2021-01-01", "2022-05-05"]
    assert "C3" not in {t.target for t in store.derived_ties("C2", "2022-05-04")}
    assert "C3" in {t.target for t in store.derived_ties("C2", "2022-05-05")}


def test_the_hub_cache_keeps_each_day_apart(neo4j_store):
    """A hub (3 ties or more, in tests) asked about as of two days and over the whole history
    answers each time as the day says, though its ties are cached between calls."""
    store = neo4j_store
    assert store.paths_in_database
    store.upsert_nodes([_node("H", F, kind="other"), *(_node(f"E{i}") for i in range(6))])
    store.upsert_relations(
        [Relation("H", RelationType.LENDS_TO, f"E{i}", 0.5, None, "2020-01-01") for i in range(3)]
        + [Relation("H", RelationType.LENDS_TO, f"E{i}", 0.5, "2020-01-01") for i in range(3, 6)]
    )
    for _ in range(2):
        assert [p.nodes for p in store.best_paths("E0", "E1", 3, 2, "2019-06-01")] == [
            ("E0", "H", "E1")
        ]
        assert store.best_paths("E0", "E1", 3, 2, "2021-06-01") == []
        assert [p.nodes for p in store.best_paths("E3", "E4", 3, 2, "2021-06-01")] == [
            ("E3", "H", "E4")
        ]
        assert [p.nodes for p in store.best_paths("E0", "E4", 3, 2)] == [("E0", "H", "E4")]
    warmed = store.warm_up()
    assert warmed["hubs"] >= 1


# -- a database written before provenance ----------------------------------------------


def _forget_the_migration(server) -> None:
    """Empty the database and drop the mark of its migration, as a database made by an
    earlier rsn (or by neo4j-admin) has none."""
    from neo4j import GraphDatabase

    _wipe_neo4j(server)
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        driver.execute_query(f"DROP INDEX {cypher.MIGRATION_MARK} IF EXISTS")


def test_a_database_written_before_provenance_is_asserted_by_local_once(neo4j_server):
    _forget_the_migration(neo4j_server)
    from neo4j import GraphDatabase

    history = (
        '[{"at": "2021-04-05T01:02:03.000000+00:00", "by": "C2", "status": "completed", '
        '"from": "in_progress", "reason": null, "outcome": "ok"}]'
    )
    with GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as driver:
        driver.execute_query(
            "CREATE (c1:Centre {id: 'C1', name: 'One', prefecture: '13', kind: 'other'}), "
            "(c2:Centre {id: 'C2', name: 'Two', prefecture: '13', kind: 'other'}), "
            "(e:Enterprise {id: 'E1', name: 'Ent', prefecture: '13', founded: 1990}), "
            "(c1)-[:SUPPORTS {strength: 0.8, since: '2015-04-01'}]->(e), "
            "(c1)-[:REFERRAL_TIE {strength: 0.75}]->(c2), "
            "(r:Referral {id: 'R1', from_centre: 'C1', to_centre: 'C2', enterprise: 'E1', "
            "need: 'tax', note: '', status: 'completed', created_at: '2021-04-01T00:00:00+00:00', "
            "history: $history, request_key: 'R1', fingerprint: '', request_id: 'C1|R1'}), "
            "(r)-[:FROM_CENTRE]->(c1), (r)-[:TO_CENTRE]->(c2), (r)-[:ABOUT]->(e)",
            history=history,
        )
    with _open(neo4j_server) as store:
        found = store.provenance(["C1", "E1", "C1 SUPPORTS E1"])
        assert set(found) == {"C1", "E1", "C1 SUPPORTS E1"}
        [first] = found["C1 SUPPORTS E1"]
        assert (first.contributor, first.recorded_at == first.last_seen) == ("local", True)
        assert first.values == {"strength": 0.8, "since": "2015-04-01"}
        assert found["E1"][0].values == {"name": "Ent", "prefecture": "13", "founded": 1990}
        assert [(t.target, t.since) for t in store.derived_ties("C1")] == [("C2", "2021-04-05")]
        assert store.derived_ties("C1", "2021-04-04") == []
    with _open(neo4j_server) as again:  # once: a second opening changes nothing
        assert again.provenance(["C1 SUPPORTS E1"])["C1 SUPPORTS E1"] == [first]
        assert [c.contributor for c in again.contributors()] == ["local"]


def test_an_empty_database_is_marked_by_its_first_write(neo4j_server):
    _forget_the_migration(neo4j_server)
    with _open(neo4j_server) as store:
        assert not store._read(cypher.MIGRATED, name=cypher.MIGRATION_MARK)[0]["done"]
        store.upsert_nodes([_node("E1")], by=Attribution(record=False))
        assert store._read(cypher.MIGRATED, name=cypher.MIGRATION_MARK)[0]["done"]
    with _open(neo4j_server) as again:  # written without asserting, and left so
        assert again.provenance(["E1"]) == {}


def test_random_retractions_leave_the_values_of_the_latest_standing_assertion(
    neo4j_store, tmp_path
):
    """Several contributors write and retract the same ties at random times; both stores end
    with the same ties, values and assertions."""
    rng = random.Random(5)
    ids = [f"E{i}" for i in range(6)]
    pairs = [(a, b) for a in ids for b in ids if a < b][:8]
    with EmbeddedStore(tmp_path / "reference", watch_seconds=None) as reference:
        stores = (neo4j_store, reference)
        for each in stores:
            each.upsert_nodes([_node(i) for i in ids], by=Attribution("base", _at("2010-01-01")))
        for step in range(40):
            at = _at(f"{2011 + step // 12}-{step % 12 + 1:02d}-01")
            contributor = rng.choice(["a", "b", "c"])
            a, b = rng.choice(pairs)
            retracting = rng.random() < 0.3
            strength = round(rng.random(), 2) or 0.1
            for each in stores:
                with each.transaction(Attribution(contributor, at)) as tx:
                    if retracting:
                        tx.retract([relation_record(a, RelationType.TRADES_WITH, b)], contributor)
                    else:
                        tx.upsert_relations([Relation(a, RelationType.TRADES_WITH, b, strength)])
        assert list(neo4j_store.iter_relations()) == list(reference.iter_relations())
        assert list(neo4j_store.iter_provenance()) == list(reference.iter_provenance())
        assert neo4j_store.contributors() == reference.contributors()


def _same_in_both(neo4j_store, tmp_path, writes) -> None:
    """Run ``writes`` (a function of a store) on the Neo4j store and on an embedded one; both
    end with the same nodes, relations and assertions."""
    with EmbeddedStore(tmp_path / "reference", watch_seconds=None) as reference:
        for each in (neo4j_store, reference):
            writes(each)
        for kind in NodeKind:
            assert list(neo4j_store.iter_nodes(kind)) == list(reference.iter_nodes(kind))
        assert list(neo4j_store.iter_relations()) == list(reference.iter_relations())
        assert list(neo4j_store.iter_provenance()) == list(reference.iter_provenance())
        assert neo4j_store.contributors() == reference.contributors()


def test_a_write_without_asserting_leaves_the_owners_values_with_its_assertion(
    neo4j_store, tmp_path
):
    def writes(store) -> None:
        with store.transaction(Attribution("C1", _at("2020-01-01"))) as tx:
            tx.upsert_nodes([_node("C1", C, kind="other"), _node("E1", industry="E")])
            tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.5)])
        with store.bulk({"C1": C, "E1": E}, Attribution(record=False)) as writer:
            writer.upsert_nodes([Node("E1", E, "Renamed", {"prefecture": "27"})])
            writer.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.9)])
        with store.transaction(Attribution("C1", _at("2021-01-01"))) as tx:
            tx.upsert_nodes([_node("C1", C, kind="capacity")])

    _same_in_both(neo4j_store, tmp_path, writes)
    [assertion] = neo4j_store.provenance(["E1"])["E1"]
    assert assertion.values == {"name": "Enterprise E1", "prefecture": "13", "industry": "E"}


def test_times_that_are_not_rsns_are_kept_as_written(neo4j_store, tmp_path):
    """Times rsn does not write itself (another zone, no microseconds, any text) are kept as
    texts, beside those kept as numbers, and come back as written."""

    def writes(store) -> None:
        for at, contributor in [
            (_at("2020-01-01"), "a"),
            ("2020-06-01T12:00:00+09:00", "a"),
            ("2021-01-01", "b"),
            (_at("2022-01-01"), "a"),
            ("2023-01-01 noon", "b"),
        ]:
            with store.transaction(Attribution(contributor, at)) as tx:
                tx.upsert_nodes([_node("E1"), _node("E2")])
                tx.upsert_relations([Relation("E1", RelationType.TRADES_WITH, "E2", 0.5)])
        with store.transaction(Attribution("a", "2024")) as tx:
            tx.retract(["E1", "E1 TRADES_WITH E2"], "a")

    _same_in_both(neo4j_store, tmp_path, writes)


def test_the_procedures_answer_over_the_whole_history_when_no_day_is_given(neo4j_store):
    """A caller that names no day (as rsn did before days) gets the whole history."""
    store = neo4j_store
    store.upsert_nodes([_node("E1"), _node("E2"), _node("H", F, kind="other")])
    store.upsert_relations(
        [
            Relation("H", RelationType.LENDS_TO, "E1", 0.5, None, "2020-01-01"),
            Relation("H", RelationType.LENDS_TO, "E2", 0.5),
        ]
    )
    found = _raw(
        store,
        "MATCH (s:Enterprise {id: 'E1'}), (t:Enterprise {id: 'E2'}) "
        "CALL rsn.kBestPaths(s, t, $types, 'strength', 'id', 3, 2) YIELD nodes "
        "RETURN [n IN nodes | n.id] AS ids",
        types=cypher.INTRODUCTION_TIE_NAMES,
    )
    assert [record["ids"] for record in found] == [["E1", "H", "E2"]]
    (warmed,) = _raw(
        store,
        "CALL rsn.warmUp($types, 'strength') YIELD nodes RETURN nodes",
        types=cypher.INTRODUCTION_TIE_NAMES,
    )
    assert warmed["nodes"] == 3


def test_counts_as_of_a_day_follow_every_write(neo4j_store):
    """rsn's procedure keeps its counts of a day between calls, never past a write."""
    store = neo4j_store
    store.upsert_nodes([_node("E1"), _node("E2")])
    day = "2024-06-01"
    assert store.stats(day).relations["TRADES_WITH"] == 0
    store.upsert_relations([Relation("E1", RelationType.TRADES_WITH, "E2", 0.5, "2024-01-01")])
    assert store.stats(day).relations["TRADES_WITH"] == 1
    assert store.stats(day).relations["TRADES_WITH"] == 1  # asked again: the same
    with store.transaction(Attribution("local", _at("2024-03-01"))) as tx:
        tx.retract(["E2"], None)
    assert store.stats(day).relations["TRADES_WITH"] == 0
    assert store.stats(day).nodes["Enterprise"] == 1
    assert store.stats("2024-02-01").relations["TRADES_WITH"] == 1
