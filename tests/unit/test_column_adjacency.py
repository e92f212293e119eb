"""The actor graph kept as columns (``ColumnAdjacency``, ``column_graph``), as a store sends
the whole network's: the same neighbours, ties and counts as the NetworkX graph it stands
for, each node's neighbours made only when asked; the algorithms give the same answers on
it; what the report reads of every tie from the columns (``_column_tie_facts``) is what it
reads walking the graph; and the whole report is the same."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.algorithms.adjacency import (
    ColumnAdjacency,
    adjacency_of,
    column_graph,
    degree,
    isolated,
    neighbours_of,
    strengths,
    tie_count,
    tie_data,
)
from graph.algorithms.centrality import betweenness
from graph.algorithms.cuts import cut_vertices
from graph.algorithms.paths import k_best_paths, ties_of
from graph.algorithms.reach import Places, best_reach, nearest
from graph.model import ACTOR_KINDS, NodeKind, RelationType, Scope
from graph.queries import weaknesses
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.embedded import EmbeddedStore
from graph.store.ports import ScopeProjection, TieColumns
from graph.store.projection import project
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import graphs_with_prefectures
from tests.unit.test_weakness_speed_equivalence import random_graphs

TYPES = list(RelationType)


def as_columns(graph: nx.Graph) -> tuple[nx.Graph, TieColumns]:
    """``graph`` as a store sends it in columns: the nodes in id order, each one's
    neighbours in id order, the ties numbered as first met; with each tie's ends and types
    (those of its data, when it has them)."""
    ids = sorted(graph)
    number = {node: i for i, node in enumerate(ids)}
    counts, others, ties = [], [], []
    tie_of: dict[frozenset[str], int] = {}
    data: list[dict[str, Any]] = []
    for node in ids:
        around = sorted(graph.adj[node])
        counts.append(len(around))
        for other in around:
            pair = frozenset((node, other))
            if pair not in tie_of:
                tie_of[pair] = len(data)
                data.append(graph.adj[node][other])
            others.append(number[other])
            ties.append(tie_of[pair])
    adjacency = ColumnAdjacency(
        ids, counts, others, ties, data.__getitem__, [d.get("strength", 1.0) for d in data]
    )
    columns = column_graph({node: graph.nodes[node] for node in ids}, adjacency)
    ends = [sorted(pair) for pair, _tie in sorted(tie_of.items(), key=lambda item: item[1])]
    sources = [number[d.get("source", a)] for d, (a, _b) in zip(data, ends, strict=True)]
    targets = [number[d.get("target", b)] for d, (_a, b) in zip(data, ends, strict=True)]
    masks = [sum(1 << TYPES.index(t) for t in d.get("types", ())) for d in data]
    return columns, TieColumns(ids, sources, targets, masks, TYPES)


def test_the_columns_hold_the_graphs_neighbours_and_make_them_when_asked():
    for seed, graph in random_graphs(60):
        columns, _ties = as_columns(graph)
        adjacency = adjacency_of(columns)
        assert isinstance(adjacency, ColumnAdjacency)
        assert list(adjacency) == sorted(graph) and len(adjacency) == len(graph)
        assert adjacency.keys() == set(graph)
        assert "not a node" not in adjacency
        with pytest.raises(KeyError):
            adjacency["not a node"]
        plain = adjacency_of(graph)
        assert tie_count(adjacency) == tie_count(plain) == graph.number_of_edges(), seed
        assert isolated(adjacency) == sorted(isolated(plain)), seed
        for node in graph:
            assert degree(adjacency, node) == degree(plain, node) == graph.degree[node]
        assert adjacency._made == {}, "counts make no neighbour dictionary"
        if len(graph):
            first = adjacency.ids[0]
            assert adjacency[first] == plain[first]
            assert list(adjacency[first]) == sorted(plain[first])  # neighbours in id order
            assert list(adjacency._made) == [first]
            assert adjacency[first] is adjacency[first]  # made once
        made = adjacency._made.copy()
        for u, v in graph.edges():
            assert tie_data(adjacency, u, v) == tie_data(plain, u, v) == graph.adj[u][v]
        for node in graph:
            assert list(neighbours_of(adjacency)[node]) == sorted(graph.adj[node])
            assert strengths(adjacency, node) == sorted(strengths(plain, node))
            for other in list(graph)[:5]:
                if other not in graph.adj[node]:
                    with pytest.raises(KeyError):
                        tie_data(adjacency, node, other)
        assert adjacency._made == made, "a tie or the neighbours make no dictionary"
        assert {node: adjacency[node] for node in adjacency} == plain, seed
        for node in graph:  # the same, once made
            assert neighbours_of(adjacency)[node] == sorted(graph.adj[node])
            for other in graph.adj[node]:
                assert adjacency.tie(node, other) is adjacency[node][other]
        assert dict(columns.nodes(data=True)) == dict(graph.nodes(data=True))
        assert sorted(map(sorted, columns.edges())) == sorted(map(sorted, graph.edges()))


def test_counts_that_do_not_match_are_refused():
    with pytest.raises(ValueError):
        ColumnAdjacency(["a", "b"], [1], [1], [0], lambda tie: {})
    with pytest.raises(ValueError):
        ColumnAdjacency(["a", "b"], [1, 0], [1, 0], [0, 0], lambda tie: {})
    adjacency = ColumnAdjacency(["a", "b"], [1, 1], [1, 0], [0, 0], lambda tie: {})
    with pytest.raises(ValueError):
        column_graph({"b": {}, "a": {}}, adjacency)


def test_the_algorithms_give_the_same_answers_on_the_columns():
    for seed, graph in random_graphs(80):
        columns, _ties = as_columns(graph)
        nodes = sorted(graph)
        if not nodes:
            continue
        rng = random.Random(seed)
        sources = rng.sample(nodes, min(3, len(nodes)))
        place_of = {node: rng.choice("AB") for node in nodes if rng.random() < 0.8}
        for found, want in (
            (best_reach(columns, sources, 3), best_reach(graph, sources, 3)),
            (nearest(columns, sources), nearest(graph, sources)),
            (
                best_reach(columns, sources, 4, Places(columns, place_of, {"A"})),
                best_reach(graph, sources, 4, Places(graph, place_of, {"A"})),
            ),
            (
                nearest(columns, sources, Places(columns, place_of, {"A", "B"})),
                nearest(graph, sources, Places(graph, place_of, {"A", "B"})),
            ),
        ):
            assert found.found == want.found, seed
        assert betweenness(columns) == betweenness(graph), seed
        parts, plain_parts = [], []
        cuts, bridges = cut_vertices(columns, parts)
        plain_cuts, plain_bridges = cut_vertices(graph, plain_parts)
        assert sorted(map(sorted, parts)) == sorted(map(sorted, plain_parts)), seed
        assert cuts.keys() == plain_cuts.keys(), seed
        assert {frozenset(b[:2]) for b in bridges} == {frozenset(b[:2]) for b in plain_bridges}
        if len(nodes) > 1:
            source, target = nodes[0], nodes[-1]
            assert k_best_paths(ties_of(columns), source, target, 3, 4) == k_best_paths(
                ties_of(graph), source, target, 3, 4
            ), seed


def typed_graphs(count: int = 150):
    """Random actor graphs whose ties carry types (SUPPORTS between any two kinds too, as the
    model refuses), in a shuffled order of nodes."""
    kinds = [kind for kind in NodeKind if kind in ACTOR_KINDS]
    for seed in range(count):
        rng = random.Random(seed)
        kind_of = {f"a{i:03d}": rng.choice(kinds) for i in range(rng.randint(1, 30))}
        graph = nx.Graph()
        nodes = list(kind_of)
        rng.shuffle(nodes)
        graph.add_nodes_from(nodes)
        for _ in range(rng.randint(0, 60)):
            u, v = rng.sample(nodes, 2) if len(nodes) > 1 else (nodes[0], nodes[0])
            if u == v:
                continue
            types = frozenset(rng.sample(TYPES, rng.randint(1, 3)))
            source, target = (u, v) if rng.random() < 0.5 else (v, u)
            graph.add_edge(u, v, types=types, source=source, target=target, strength=0.5)
        yield seed, graph, kind_of


def test_the_columns_say_what_the_ties_say():
    odd = 0
    for seed, graph, kind_of in typed_graphs():
        columns, ties = as_columns(graph)
        want = weaknesses._tie_facts(adjacency_of(columns), kind_of)
        assert weaknesses._column_tie_facts(ties, kind_of) == want, seed
        # the graph's order matters only for the ties the model refuses: in the graph's own
        # order, the two give the same
        plain = weaknesses._tie_facts(adjacency_of(graph), kind_of)
        assert want[:2] == plain[:2], seed
        odd += any(
            RelationType.SUPPORTS in data["types"]
            and (kind_of[u] is NodeKind.CENTRE) == (kind_of[v] is NodeKind.CENTRE)
            for u, v, data in graph.edges(data=True)
        )
    assert odd > 20  # the ties the model refuses were there


def test_the_pairs_the_model_refuses_count_as_walking_the_graph_counts_them():
    c, e, f, s = NodeKind.CENTRE, NodeKind.ENTERPRISE, NodeKind.FINANCIER, NodeKind.SPECIALIST
    kind_of = {"c1": c, "c2": c, "e1": e, "e2": e, "e3": e, "f1": f, "s1": s}
    supports = RelationType.SUPPORTS
    graph = nx.Graph()
    graph.add_nodes_from(sorted(kind_of))
    for u, v, types in [
        ("c2", "c1", {supports}),
        ("e2", "e1", {supports}),
        ("f1", "s1", {supports}),
        ("c1", "e3", {supports, RelationType.ADVISES}),
        ("c2", "e3", {supports}),
        ("f1", "e1", {RelationType.LENDS_TO}),
    ]:
        graph.add_edge(u, v, types=frozenset(types), source=u, target=v)
    _columns, ties = as_columns(graph)
    financed, supported, clients = weaknesses._column_tie_facts(ties, kind_of)
    assert financed == {"e1"} and supported == {"e1", "e2", "e3"}
    # c1 before c2 in id order; e2 after e1; s1 after f1; c1 and c2 each for e3
    assert +clients == Counter({"c1": 2, "e2": 1, "s1": 1, "c2": 1})


class ColumnStore(EmbeddedStore):
    """The embedded store, sending the whole network's actor graph in columns as a Neo4j
    server with rsn's plugin does."""

    def scope_projection(self, scope, day=None):
        if scope.prefecture is not None:
            return None
        nodes, relations, _boundary = self.scope_graph_and_boundary(scope, day)
        kinds = {node.id: node.kind for node in nodes}
        actors, ties = as_columns(project(nodes, relations))
        others = [
            r
            for r in relations
            if kinds[r.source] not in ACTOR_KINDS or kinds[r.target] not in ACTOR_KINDS
        ]
        return ScopeProjection(nodes=nodes, actors=actors, others=others, ties=ties)


def test_the_report_is_the_same_on_the_columns(tmp_path: Path):
    graphs = graphs_with_prefectures(range(40))
    with EmbeddedStore(tmp_path / "plain") as plain:
        load(plain, graphs)
        weaknesses._kept.clear()
        want = weakness_report(plain, None, MAX_LIMIT)
    with ColumnStore(tmp_path / "columns") as store:
        load(store, graphs)
        assert store.scope_projection(Scope()) is not None
        weaknesses._kept.clear()
        found = weakness_report(store, None, MAX_LIMIT)
        weaknesses._kept.clear()
    assert found == want
    assert want.counts["unfinanced_enterprises"] and want.counts["articulation_points"]
    assert want.unfinanced_enterprises[0].next_step.path
