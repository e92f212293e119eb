"""The positions the network pages are drawn with (viz/layout.py) and what the page carries."""

from __future__ import annotations

import json
import math
import random
import re
import statistics

import networkx as nx
import pytest

from graph.model import NodeKind, RelationType
from viz.layout import layout
from viz.pages import NetworkView, network_page


def clustered(hubs: int = 5, per_hub: int = 40, cross: int = 30, seed: int = 1) -> nx.Graph:
    """Hubs h0.., each with its own enterprises (tied to it and to each other), a few
    enterprises also tied to another hub, and ties between the hubs."""
    rng = random.Random(seed)
    graph = nx.Graph()
    for h in range(hubs):
        graph.add_node(f"h{h}")
        members = [f"e{h}-{k:02d}" for k in range(per_hub)]
        for member in members:
            graph.add_edge(f"h{h}", member, strength=rng.choice([0.6, 0.8, 1.0]))
        for _ in range(per_hub):
            a, b = rng.sample(members, 2)
            graph.add_edge(a, b, strength=0.5)
        if h:
            graph.add_edge(f"h{h}", f"h{h - 1}", strength=1.0)
    for _ in range(cross):
        h, other = rng.sample(range(hubs), 2)
        graph.add_edge(f"e{h}-{rng.randrange(per_hub):02d}", f"h{other}", strength=0.3)
    return graph


def random_graphs(count: int = 60):
    for seed in range(count):
        rng = random.Random(seed)
        n = rng.randint(1, 60)
        graph = nx.gnp_random_graph(n, rng.uniform(0.0, 0.2), seed=seed)
        graph = nx.relabel_nodes(graph, {i: f"n{i:02d}" for i in graph})
        if n > 2 and rng.random() < 0.3:
            graph.add_edge("n00", "n00")  # a loop is ignored
        hubs = rng.choice([None, [], rng.sample(sorted(graph), min(n, rng.randint(1, 5)))])
        yield seed, graph, hubs


def test_every_node_gets_finite_coordinates():
    for seed, graph, hubs in random_graphs():
        positions = layout(graph, hubs)
        assert set(positions) == set(graph), seed
        for x, y in positions.values():
            assert math.isfinite(x) and math.isfinite(y), seed
        if len(graph) > 1:
            assert len(set(positions.values())) == len(graph), seed  # no two at one point


def test_the_same_graph_gives_the_same_positions_whatever_the_order():
    graph = clustered()
    hubs = [f"h{h}" for h in range(5)]
    first = layout(graph, hubs)
    assert layout(graph, hubs) == first
    edges = list(graph.edges(data=True))
    random.Random(9).shuffle(edges)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(sorted(graph, reverse=True))
    shuffled.add_edges_from(edges)
    assert layout(shuffled, list(reversed(hubs))) == first


def test_nodes_gather_around_their_hub_and_hubs_spread_out():
    graph = clustered()
    hubs = [f"h{h}" for h in range(5)]
    positions = layout(graph, hubs)
    everyone = [node for node in graph if node not in hubs]
    for h, hub in enumerate(hubs):
        own = [node for node in everyone if node.startswith(f"e{h}-")]
        near = statistics.mean(math.dist(positions[hub], positions[node]) for node in own)
        overall = statistics.mean(math.dist(positions[hub], positions[node]) for node in everyone)
        assert near < 0.5 * overall, hub
        # each of its own nodes is nearer to it than to any other hub
        for node in own:
            nearest = min(hubs, key=lambda other: math.dist(positions[other], positions[node]))
            assert nearest == hub, node
    spread = min(math.dist(positions[a], positions[b]) for a in hubs for b in hubs if a < b)
    assert spread > 100


def test_nodes_of_the_given_sizes_do_not_overlap():
    graph = clustered(hubs=4, per_hub=60)
    sizes = {node: 8 + 4 * min(graph.degree(node), 100) ** 0.5 for node in graph}
    positions = layout(graph, [f"h{h}" for h in range(4)], sizes=sizes)
    nodes = sorted(graph)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert math.dist(positions[a], positions[b]) >= sizes[a] + sizes[b] - 1e-6, (a, b)


def test_an_empty_graph_a_single_node_and_loose_nodes():
    assert layout(nx.Graph()) == {}
    one = nx.Graph()
    one.add_node("solo")
    assert layout(one) == {"solo": (0.0, 0.0)}
    assert layout(one, ["solo"]) == {"solo": (0.0, 0.0)}
    loose = nx.empty_graph(5)
    positions = layout(loose, [])
    assert len(set(positions.values())) == 5


def test_components_without_a_hub_are_kept_apart():
    graph = clustered(hubs=2, per_hub=20, cross=0)
    graph.add_edges_from([("x1", "x2"), ("x2", "x3"), ("x3", "x1")])
    positions = layout(graph, ["h0", "h1"])
    triangle = [positions[f"x{k}"] for k in (1, 2, 3)]
    side = max(math.dist(a, b) for a in triangle for b in triangle)
    assert side < 100  # together, around the one lent as a hub
    assert min(math.dist(p, positions[n]) for p in triangle for n in graph if n[0] != "x") > 10


def page_graph() -> nx.Graph:
    kinds = {
        "C1": NodeKind.CENTRE,
        "F1": NodeKind.FINANCIER,
        "S1": NodeKind.SPECIALIST,
        "A1": NodeKind.ASSET,
    }
    graph = nx.Graph()
    for node, kind in kinds.items():
        graph.add_node(node, kind=kind, name=f"{kind.value} <{node}>", prefecture="13")
    for k in range(30):
        graph.add_node(f"E{k:02d}", kind=NodeKind.ENTERPRISE, name=f"E {k}", prefecture="13")
        graph.add_edge("C1", f"E{k:02d}", type=RelationType.SUPPORTS, strength=0.7)
        if k % 3 == 0:
            graph.add_edge("F1", f"E{k:02d}", type=RelationType.LENDS_TO, strength=0.5)
    graph.add_edge("E00", "E01", type=RelationType.TRADES_WITH, strength=0.4)
    graph.add_edge("E01", "A1", type=RelationType.UTILIZES, strength=1.0)
    graph.add_edge("S1", "C1", type=RelationType.AFFILIATED_WITH, strength=0.5)
    return graph


def page_data(page: str) -> tuple[dict, dict]:
    data = json.loads(re.search(r"const rsnData = (.*);\n", page).group(1))
    options = json.loads(re.search(r"\{nodes, edges\},\n  (.*)\);\n", page).group(1))
    return data, options


def test_the_page_carries_positions_for_every_node_and_no_physics(monkeypatch):
    from pyvis.network import Network

    def quadratic(*args, **kwargs):
        raise AssertionError("add_edge scans every edge on each call")

    monkeypatch.setattr(Network, "add_edge", quadratic)
    graph = page_graph()
    page = network_page(NetworkView("A test", graph, len(graph)))
    data, options = page_data(page)
    assert {node["id"] for node in data["nodes"]} == set(graph)
    for node in data["nodes"]:
        assert math.isfinite(node["x"]) and math.isfinite(node["y"]), node
    assert len({(node["x"], node["y"]) for node in data["nodes"]}) == len(graph)
    assert options["physics"] == {"enabled": False}
    assert len(data["edges"]) == graph.number_of_edges()
    assert {frozenset((e["from"], e["to"])) for e in data["edges"]} == {
        frozenset(edge) for edge in graph.edges()
    }
    first = next(e for e in data["edges"] if {e["from"], e["to"]} == {"C1", "E00"})
    assert first == {"from": "C1", "to": "E00", "title": "SUPPORTS (0.7)", "width": 1}
    assert 'network.once("afterDrawing", settled)' in page
    assert "<C1>" not in page  # names stay escaped inside the script
    assert network_page(NetworkView("A test", graph, len(graph))) == page  # deterministic


@pytest.mark.parametrize("size", [0, 1])
def test_a_page_of_no_node_or_one(size):
    graph = page_graph().subgraph(["C1"][:size]).copy()
    data, _ = page_data(network_page(NetworkView("Small", graph, size)))
    assert [(n["id"], n["x"], n["y"]) for n in data["nodes"]] == [("C1", 0.0, 0.0)][:size]
    assert data["edges"] == []
