"""Introductions on the graph a caller may see: every store (embedded, Neo4j with rsn's
plugin, Neo4j in plain Cypher) against a brute-force reference on the visible ties, and
against a second store loaded with only the visible ties.

Each random graph gets a random caller: entitled to a random part of its enterprises, and
a contributor (``cx``) that asserted some confidential ties, a few of them asserted by it
alone. A tie the caller may not see must not exist for the search: no path and no
introducer through it, and between two nodes the strongest visible tie counts.
"""

from __future__ import annotations

import math
import random

import pytest

from graph.model import NodeKind, Relation
from graph.provenance import Attribution
from graph.queries.introductions import introducers, introduction_paths
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, EVERYTHING, Visibility
from tests.conformance.test_introductions import (  # noqa: F401 (fixtures)
    RandomGraph,
    actor_graph,
    backend,
    random_graph,
    reference_introducers,
    reference_paths,
    settings,
    variant,
)

GRAPHS = 160
BATCHES = 4
CONTRIBUTOR = "cx"


def caller_of(graph: RandomGraph, seed: int) -> tuple[Visibility, list[Relation], set[tuple]]:
    """A random caller for ``graph``: its visibility, the confidential relations its
    contributor asserts, and the keys of those only it asserts."""
    rng = random.Random(seed * 7919 + 1)
    enterprises = [n.id for n in graph.nodes if n.kind is NodeKind.ENTERPRISE]
    entitled = frozenset(rng.sample(enterprises, rng.randint(0, len(enterprises) // 2)))
    confidential = [r for r in graph.relations if r.type in DEFAULT_CONFIDENTIAL_TYPES]
    asserted = rng.sample(confidential, rng.randint(0, len(confidential) // 3))
    alone = {r.key for r in asserted if rng.random() < 0.3}
    visibility = Visibility(
        types=DEFAULT_CONFIDENTIAL_TYPES, enterprises=entitled, contributor=CONTRIBUTOR
    )
    return visibility, asserted, alone


def load_with_assertions(store, graphs, callers) -> None:
    """Every relation by the default contributor except those ``cx`` asserts alone; then
    ``cx``'s assertions, in a transaction of its own."""
    alone = {key for _, _, keys in callers for key in keys}
    with store.transaction() as tx:
        tx.upsert_nodes([node for graph in graphs for node in graph.nodes])
        tx.upsert_relations([r for graph in graphs for r in graph.relations if r.key not in alone])
    mine = [r for _, asserted, _ in callers for r in asserted]
    if mine:
        with store.transaction(Attribution(contributor=CONTRIBUTOR)) as tx:
            tx.upsert_relations(mine)


def visible_relations(graph: RandomGraph, visibility: Visibility, asserted) -> list[Relation]:
    keys = {r.key for r in asserted}
    return [r for r in graph.relations if visibility.entitled(r) or r.key in keys]


@pytest.mark.parametrize("batch", range(BATCHES))
def test_the_search_on_the_visible_graph_equals_brute_force_and_a_store_of_visible_ties(
    store, embedded_store, batch
):
    seeds = range(batch * GRAPHS // BATCHES, (batch + 1) * GRAPHS // BATCHES)
    graphs = [random_graph(seed) for seed in seeds]
    callers = [caller_of(graph, seed) for seed, graph in zip(seeds, graphs, strict=True)]
    load_with_assertions(store, graphs, callers)
    if batch % 2:
        store.warm_up()
    visible_only = [
        visible_relations(graph, visibility, asserted)
        for graph, (visibility, asserted, _) in zip(graphs, callers, strict=True)
    ]
    with embedded_store.transaction() as tx:
        tx.upsert_nodes([node for graph in graphs for node in graph.nodes])
        tx.upsert_relations([r for relations in visible_only for r in relations])
    hidden_somewhere = 0
    for seed, graph, (visibility, _, _), relations in zip(
        seeds, graphs, callers, visible_only, strict=True
    ):
        hidden_somewhere += len(graph.relations) - len(relations)
        reference = actor_graph(graph.nodes, relations)
        for source, target, k, max_hops in graph.questions:
            where = f"graph {seed}: {source} -> {target}, k={k}, max_hops={max_hops}"
            expected = reference_paths(reference, source, target, k, max_hops)
            found = introduction_paths(store, source, target, k, max_hops, visibility=visibility)
            assert [[n.id for n in p.nodes] for p in found] == [p for p, _ in expected], where
            for path, (nodes, score) in zip(found, expected, strict=True):
                assert math.isclose(path.score, score, rel_tol=0, abs_tol=1e-9), where
                steps = [(s.origin.id, s.relation, s.destination.id) for s in path.steps]
                assert steps == [
                    (u, reference.edges[u, v]["relation"], v)
                    for u, v in zip(nodes, nodes[1:], strict=False)
                ], where
            plain = introduction_paths(embedded_store, source, target, k, max_hops)
            assert [(p.nodes, p.score, [s.relation for s in p.steps]) for p in found] == [
                (p.nodes, p.score, [s.relation for s in p.steps]) for p in plain
            ], where
        for a, b in graph.pairs:
            found_introducers = [
                (i.node.id, i.score) for i in introducers(store, a, b, visibility=visibility)
            ]
            expected_introducers = reference_introducers(reference, a, b)
            assert [n for n, _ in found_introducers] == [n for n, _ in expected_introducers]
            for (_, got), (_, want) in zip(found_introducers, expected_introducers, strict=True):
                assert math.isclose(got, want, rel_tol=0, abs_tol=1e-9)
    assert hidden_somewhere > 0  # the callers do miss ties


def test_an_admin_sees_the_whole_graph_and_an_analyst_no_confidential_tie(store):
    graphs = [random_graph(seed) for seed in range(1000, 1040)]
    callers = [
        caller_of(graph, seed) for seed, graph in zip(range(1000, 1040), graphs, strict=True)
    ]
    load_with_assertions(store, graphs, callers)
    analyst = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES)
    through_confidential = 0
    for graph in graphs:
        public = [r for r in graph.relations if r.type not in DEFAULT_CONFIDENTIAL_TYPES]
        reference = actor_graph(graph.nodes, public)
        for source, target, k, max_hops in graph.questions:
            everything = introduction_paths(store, source, target, k, max_hops)
            as_admin = introduction_paths(store, source, target, k, max_hops, visibility=EVERYTHING)
            assert as_admin == everything
            through_confidential += any(
                s.relation.type in DEFAULT_CONFIDENTIAL_TYPES for p in everything for s in p.steps
            )
            found = introduction_paths(store, source, target, k, max_hops, visibility=analyst)
            expected = reference_paths(reference, source, target, k, max_hops)
            assert [[n.id for n in p.nodes] for p in found] == [p for p, _ in expected]
            assert not any(
                s.relation.type in DEFAULT_CONFIDENTIAL_TYPES for p in found for s in p.steps
            )
    assert through_confidential > 0


def test_a_centres_clients_are_the_enterprises_it_supports_on_the_day(store):
    from graph.model import Node, RelationType

    C, E, F = NodeKind.CENTRE, NodeKind.ENTERPRISE, NodeKind.FINANCIER
    nodes = [Node("C1", C, "c1"), Node("C2", C, "c2"), Node("F1", F, "f1")]
    nodes += [Node(f"E{i}", E, f"e{i}") for i in range(1, 5)]
    nodes.append(Node("E5", E, "e5", {"ended": "2020-01-01"}))
    S = RelationType.SUPPORTS
    with store.transaction() as tx:
        tx.upsert_nodes(nodes)
        tx.upsert_relations(
            [
                Relation("C1", S, "E1", 0.5),
                Relation("C1", S, "E2", 0.5, None, "2019-01-01"),  # ended
                Relation("C1", S, "E3", 0.5, "2030-01-01"),  # not yet
                Relation("C1", S, "E5", 0.5),  # the firm ended
                Relation("C2", S, "E4", 0.5),
                Relation("F1", RelationType.LENDS_TO, "E4", 0.5),
            ]
        )
    assert store.clients("C1", "2024-06-01") == {"E1"}
    assert store.clients("C1", "2018-06-01") == {"E1", "E2", "E5"}
    assert store.clients("C1") == {"E1", "E2", "E3", "E5"}
    assert store.clients("C2", "2024-06-01") == {"E4"}
    assert store.clients("F1", "2024-06-01") == set()
    assert store.clients("nobody") == set()
