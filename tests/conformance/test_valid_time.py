"""Valid time on both stores: the graph as of a day equals a store that holds only what
existed that day, and retractions end ties that stay in history.

The reference for each day is a fresh embedded store loaded with only the nodes that exist
that day and the ties that hold that day between two of them (no dates at all, so it reads
them without any filtering). Random graphs, with random ``since``/``until`` on their ties and
``founded``/``ended`` on their nodes, are loaded side by side into the store under test.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from pathlib import Path

import pytest

from graph.errors import NotFound
from graph.model import Node, NodeKind, Relation, RelationType
from graph.provenance import Attribution, relation_record
from graph.queries.density import density_table
from graph.queries.introductions import introducers, introduction_paths
from graph.queries.weaknesses import weakness_report
from graph.store.embedded import EmbeddedStore
from graph.valid_time import exists_on, holds_on, today
from tests.conformance.test_introductions import random_graph

PREFECTURES = ["13", "27", "01"]
DAYS = ["2006-04-01", "2011-04-01", "2016-07-15", "2021-12-31"]


def _day(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def dated_graph(seed: int) -> tuple[list[Node], list[Relation], list]:
    """A random graph (of the introductions' conformance tests) with prefectures, founding
    years, ends of nodes and valid times of ties."""
    graph = random_graph(seed)
    rng = random.Random(10_000 + seed)
    nodes = []
    for node in graph.nodes:
        props: dict = {"prefecture": rng.choice(PREFECTURES)}
        if node.kind is NodeKind.ENTERPRISE and rng.random() < 0.4:
            props["founded"] = rng.randint(2000, 2020)
        if rng.random() < 0.15:
            props["ended"] = _day(rng, 2005, 2024)
        nodes.append(replace(node, props=props))
    relations = []
    for relation in graph.relations:
        since = _day(rng, 1995, 2020) if rng.random() < 0.7 else None
        until = None
        if rng.random() < 0.35:
            until = _day(rng, int(since[:4]) + 1 if since else 2000, 2025)
        relations.append(relation._replace(since=since, until=until))
    return nodes, relations, graph.questions


def as_of(nodes: list[Node], relations: list[Relation], day: str):
    """What a store holding only what existed on ``day`` would hold, without any dates."""
    alive = {node.id: node for node in nodes if exists_on(node.props, day)}
    kept_nodes = [
        replace(node, props={k: v for k, v in node.props.items() if k not in ("ended", "founded")})
        for node in alive.values()
    ]
    kept = [
        relation._replace(since=None, until=None)
        for relation in relations
        if holds_on(relation.since, relation.until, day)
        and relation.source in alive
        and relation.target in alive
    ]
    return kept_nodes, kept


def _paths(store, source, target, k, hops):
    try:
        found = introduction_paths(store, source, target, k=k, max_hops=hops)
    except NotFound:
        return None
    return [([n.id for n in p.nodes], round(p.score, 9)) for p in found]


def _introducers(store, a, b):
    try:
        return [(i.node.id, round(i.score, 9)) for i in introducers(store, a, b)]
    except NotFound:
        return None


def _report(store, prefecture):
    report = weakness_report(store, prefecture)
    return report.nodes, report.edges, report.counts


@pytest.mark.parametrize("batch", range(3))
def test_as_of_answers_equal_a_store_holding_only_that_day(store, tmp_path: Path, batch):
    graphs = [dated_graph(seed) for seed in range(batch * 40, (batch + 1) * 40)]
    nodes = [node for graph in graphs for node in graph[0]]
    relations = [relation for graph in graphs for relation in graph[1]]
    with store.transaction() as tx:
        tx.upsert_nodes(nodes)
        tx.upsert_relations(relations)
    for number, day in enumerate(DAYS):
        with EmbeddedStore(tmp_path / f"reference-{number}", watch_seconds=None) as reference:
            kept_nodes, kept = as_of(nodes, relations, day)
            with reference.transaction() as tx:
                tx.upsert_nodes(kept_nodes)
                tx.upsert_relations(kept)
            dated = store.as_of(day)
            assert dated.stats() == reference.stats(), day
            assert sorted(dated.iter_relations(), key=lambda r: r.key) == [
                r
                for r in sorted(relations, key=lambda r: r.key)
                if r._replace(since=None, until=None) in set(kept)
            ], day
            for graph_nodes, _, questions in graphs:
                for source, target, k, hops in questions:
                    where = f"{day}: {source} -> {target}"
                    assert _paths(dated, source, target, k, hops) == _paths(
                        reference, source, target, k, hops
                    ), where
                    assert _introducers(dated, source, target) == _introducers(
                        reference, source, target
                    ), where
                node_id = graph_nodes[0].id
                assert [r.key for r in dated.ties(node_id)] == [
                    r.key for r in reference.ties(node_id)
                ], f"{day}: ties of {node_id}"
            assert density_table(dated) == density_table(reference), day
            for prefecture in (None, "13"):
                assert _report(dated, prefecture) == _report(reference, prefecture), day


def _node(node_id: str, of: NodeKind = NodeKind.ENTERPRISE, **props) -> Node:
    return Node(node_id, of, f"{of.value} {node_id}", {"prefecture": "13", **props})


def _at(day: str) -> str:
    return f"{day}T09:00:00.000000+00:00"


def _two_contributors(store) -> None:
    """C1 supports E1, as the centre C1 said in 2020 (0.5) and a prefecture file in 2022
    (0.8, since 2019)."""
    with store.transaction(Attribution("C1", _at("2020-05-01"))) as tx:
        tx.upsert_nodes([_node("C1", NodeKind.CENTRE, kind="other"), _node("E1", industry="E")])
        tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.5, "2018-01-01")])
    with store.transaction(Attribution("pref-13", _at("2022-06-01"))) as tx:
        tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.8, "2019-01-01")])


def test_two_contributors_keep_their_own_values_and_the_latest_counts(store):
    _two_contributors(store)
    [tie] = store.ties("E1")
    assert (tie.strength, tie.since, tie.until) == (0.8, "2019-01-01", None)
    record = relation_record("C1", RelationType.SUPPORTS, "E1")
    assertions = store.provenance([record])[record]
    assert [(a.contributor, a.recorded_at, a.last_seen, a.retracted_at) for a in assertions] == [
        ("C1", _at("2020-05-01"), _at("2020-05-01"), None),
        ("pref-13", _at("2022-06-01"), _at("2022-06-01"), None),
    ]
    assert [a.values for a in assertions] == [
        {"strength": 0.5, "since": "2018-01-01"},
        {"strength": 0.8, "since": "2019-01-01"},
    ]
    # asserting again renews: first recorded stays, last seen moves, values are the new ones
    with store.transaction(Attribution("C1", _at("2023-01-10"))) as tx:
        tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.6, "2018-01-01")])
    assert store.ties("E1")[0].strength == 0.6
    mine = store.provenance([record])[record][0]
    assert (mine.recorded_at, mine.last_seen, mine.values["strength"]) == (
        _at("2020-05-01"),
        _at("2023-01-10"),
        0.6,
    )
    summary = {c.contributor: c for c in store.contributors()}
    assert (summary["C1"].nodes, summary["C1"].relations) == (2, 1)
    assert (summary["pref-13"].nodes, summary["pref-13"].relations) == (0, 1)
    assert summary["C1"].last_load == _at("2023-01-10")
    assert store.standing_records("pref-13") == {record}


def test_a_retraction_falls_back_then_ends_the_tie_which_stays_in_history(store):
    _two_contributors(store)
    record = relation_record("C1", RelationType.SUPPORTS, "E1")
    with store.transaction(Attribution("pref-13", _at("2024-03-01"))) as tx:
        assert tx.retract([record], "pref-13") == 1
        assert tx.retract([record], "pref-13") == 0  # nothing standing is left to retract
    [tie] = store.ties("E1")
    assert (tie.strength, tie.since, tie.until) == (0.5, "2018-01-01", None)
    with store.transaction(Attribution("C1", _at("2025-02-10"))) as tx:
        assert tx.retract([record, "no-such-record"], "C1") == 1
    [tie] = store.ties("E1")  # the whole history still holds it, ended
    assert tie.until == "2025-02-10"
    before, after = store.as_of("2025-02-09"), store.as_of("2025-02-10")
    assert [r.key for r in before.ties("E1")] == [("C1", "SUPPORTS", "E1")]
    assert after.ties("E1") == []
    assert before.stats().relations["SUPPORTS"] == 1
    assert after.stats().relations["SUPPORTS"] == 0
    assert store.as_of(today()).ties("E1") == []
    assertions = store.provenance([record])[record]
    assert [a.retracted_at for a in assertions] == [_at("2025-02-10"), _at("2024-03-01")]
    assert store.standing_records("C1") == {"C1", "E1"}
    # asserted again, it holds again
    with store.transaction(Attribution("C1", _at("2025-06-01"))) as tx:
        tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E1", 0.7)])
    assert [r.strength for r in store.as_of(today()).ties("E1")] == [0.7]


def test_a_node_with_no_standing_assertion_ends_and_leaves_the_graph_of_later_days(store):
    _two_contributors(store)
    with store.transaction(Attribution("C1", _at("2024-01-15"))) as tx:
        assert tx.retract(["E1"], None) == 1
    node = store.get_node("E1")
    assert node is not None and node.props["ended"] == "2024-01-15"
    assert store.as_of("2024-01-14").get_node("E1") is not None
    assert store.as_of("2024-01-15").get_node("E1") is None
    # its tie still holds in the file, but not on days the node no longer exists
    assert store.as_of("2024-01-15").ties("C1") == []
    assert [r.target for r in store.as_of("2023-01-01").ties("C1")] == ["E1"]
    assert store.as_of("2024-01-15").stats().nodes["Enterprise"] == 0
    assert store.stats().nodes["Enterprise"] == 1  # the whole history keeps it


def test_paths_follow_the_day(store):
    """A path through a tie exists only on the days the tie holds, and a node founded later
    is not there before."""
    with store.transaction() as tx:
        tx.upsert_nodes(
            [
                _node("A", industry="E"),
                _node("B", industry="E", founded=2015),
                _node("C", NodeKind.CENTRE, kind="other"),
            ]
        )
        tx.upsert_relations(
            [
                Relation("A", RelationType.TRADES_WITH, "B", 0.9, "2016-01-01", "2020-01-01"),
                Relation("C", RelationType.SUPPORTS, "B", 0.5, "2010-01-01"),
                Relation("C", RelationType.SUPPORTS, "A", 0.5),
            ]
        )

    def best(day):
        found = introduction_paths(store.as_of(day), "A", "B", k=3, max_hops=3)
        return [([n.id for n in p.nodes], p.score) for p in found]

    assert [nodes for nodes, _ in best("2017-06-01")] == [["A", "B"], ["A", "C", "B"]]
    later = best("2021-06-01")
    assert [nodes for nodes, _ in later] == [["A", "C", "B"]]
    assert math.isclose(later[0][1], 0.25)
    with pytest.raises(NotFound):
        best("2014-06-01")  # B was not founded yet
