"""The graph metrics of the weakness report (graph.algorithms) against plain networkx, on many
random graphs."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from graph.algorithms.centrality import betweenness, burt_constraint
from graph.algorithms.cuts import cut_vertices


def random_graphs(count: int = 150):
    for seed in range(count):
        rng = random.Random(seed)
        n = rng.randint(1, 25)
        graph = nx.gnp_random_graph(n, rng.uniform(0.02, 0.4), seed=seed)
        yield seed, nx.relabel_nodes(graph, {i: f"n{i:02d}" for i in graph})


def reference_parts(graph: nx.Graph, node: str) -> list[int]:
    """The sizes of the parts of node's component without it, largest first."""
    component = nx.node_connected_component(graph, node) - {node}
    rest = graph.subgraph(component)
    return sorted((len(p) for p in nx.connected_components(rest)), reverse=True)


def test_articulation_points_and_their_parts_equal_networkx():
    for seed, graph in random_graphs():
        cuts, bridges = cut_vertices(graph)
        assert set(cuts) == set(nx.articulation_points(graph)), seed
        for node, cut in cuts.items():
            parts = cut.parts()
            assert [len(p) for p in parts] == reference_parts(graph, node) == cut.sizes, seed
            assert sorted(m for p in parts for m in p) == sorted(
                nx.node_connected_component(graph, node) - {node}
            )
        assert {frozenset(b[:2]) for b in bridges} == {frozenset(b) for b in nx.bridges(graph)}
        for u, v, side in bridges:
            without = graph.copy()
            without.remove_edge(u, v)
            sizes = [len(nx.node_connected_component(without, end)) for end in (u, v)]
            assert side == min(sizes), seed


def test_betweenness_equals_networkx_and_sampling_is_seeded():
    for seed, graph in random_graphs():
        values, used = betweenness(graph)
        expected = nx.betweenness_centrality(graph, normalized=True)
        assert used == len(graph)
        for node in graph:
            assert math.isclose(values[node], expected[node], abs_tol=1e-12), seed
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(200, 2, seed=1), str)
    first, used = betweenness(graph, sources=20, seed=5)
    assert used == 20 and first == betweenness(graph, sources=20, seed=5)[0]
    shuffled = nx.Graph()
    order = list(graph.edges())
    random.Random(3).shuffle(order)
    shuffled.add_edges_from(order)
    assert betweenness(shuffled, sources=20, seed=5)[0] == first


def test_burt_constraint_equals_networkx():
    for seed, graph in random_graphs():
        expected = nx.constraint(graph)
        for node in graph:
            mine = burt_constraint(graph, node)
            if math.isnan(expected[node]):
                assert mine is None
            else:
                assert mine == pytest.approx(expected[node], abs=1e-12), seed
