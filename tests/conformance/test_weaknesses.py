"""The weakness report, what-if and density on both stores, against plain networkx on random
small graphs loaded side by side (tests/conformance/test_introductions.py makes them)."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import networkx as nx
import pytest

from graph.errors import InvalidArgument, NotFound
from graph.loaders import load_dataset
from graph.model import ACTOR_KINDS, FINANCING_TYPES, Node, NodeKind, RelationType
from graph.queries.analytics import scope_of
from graph.queries.density import density_table
from graph.queries.weaknesses import MAX_LIMIT, weakness_report, what_if_removed
from tests.conformance.test_introductions import actor_graph, load, random_graph

PREFECTURES = ("13", "17", "47")


def graphs_with_prefectures(seeds):
    """Random graphs whose nodes get one of three prefectures (graph by graph) or, for a few
    financiers and specialists, none."""
    graphs = []
    for seed in seeds:
        graph = random_graph(seed)
        rng = random.Random(seed)
        code = PREFECTURES[seed % 3]
        nodes = []
        for node in graph.nodes:
            props = {"prefecture": code}
            if node.kind in (NodeKind.FINANCIER, NodeKind.SPECIALIST) and rng.random() < 0.2:
                props = {}
            if node.kind is NodeKind.CENTRE and rng.random() < 0.5:
                props["capacity"] = rng.randint(1, 3)
            nodes.append(Node(node.id, node.kind, node.name, props))
        graph.nodes[:] = nodes
        graphs.append(graph)
    return graphs


@pytest.fixture
def loaded(store):
    graphs = graphs_with_prefectures(range(60))
    load(store, graphs)
    return store, graphs


def reference(graphs, prefecture=None):
    nodes = [n for g in graphs for n in g.nodes]
    relations = [r for g in graphs for r in g.relations]
    inside = {n.id for n in nodes if prefecture is None or n.prefecture == prefecture}
    chosen = [n for n in nodes if n.id in inside]
    graph = actor_graph(chosen, [r for r in relations if r.source in inside and r.target in inside])
    nx.set_node_attributes(graph, {n.id: n.kind for n in chosen if n.id in graph}, "kind")
    return graph, chosen, relations


def test_a_scope_holds_its_nodes_the_ties_among_them_and_knows_those_that_leave(loaded):
    """What every report starts from: the scope's nodes, the relations inside it, and the
    relations with one end outside (nationwide financiers and specialists here)."""
    store, graphs = loaded
    nodes = [n for g in graphs for n in g.nodes]
    relations = [r for g in graphs for r in g.relations]
    crossing = 0
    for prefecture in (None, *PREFECTURES):
        scope = scope_of(prefecture)
        inside = {n.id for n in nodes if prefecture is None or n.prefecture == prefecture}
        found_nodes, found_relations = store.scope_graph(scope)
        assert {n.id for n in found_nodes} == inside
        assert sorted(r.key for r in found_relations) == sorted(
            r.key for r in relations if r.source in inside and r.target in inside
        )
        leaving = sorted(r.key for r in relations if (r.source in inside) != (r.target in inside))
        assert sorted(r.key for r in store.boundary_relations(scope)) == leaving
        crossing += len(leaving)
    assert crossing > 20


def best_financier_path(graph: nx.Graph, source: str) -> float:
    """The best score of a simple path of at most 4 ties from ``source`` to any financier
    of ``graph``, by enumerating them all."""
    financiers = [n for n, kind in graph.nodes(data="kind") if kind is NodeKind.FINANCIER]
    return max(
        math.prod(graph.edges[u, v]["relation"].strength for u, v in pairwise(path))
        for path in nx.all_simple_paths(graph, source, financiers, cutoff=4)
    )


def test_the_report_equals_the_networkx_reference(loaded):
    store, graphs = loaded
    for prefecture in (None, *PREFECTURES):
        graph, nodes, relations = reference(graphs, prefecture)
        report = weakness_report(store, prefecture, limit=MAX_LIMIT)
        where = f"prefecture {prefecture}"
        assert report.nodes == graph.number_of_nodes(), where
        assert report.edges == graph.number_of_edges(), where
        assert {f.id for f in report.articulation_points} == set(nx.articulation_points(graph))
        for finding in report.articulation_points:
            rest = graph.subgraph(nx.node_connected_component(graph, finding.id) - {finding.id})
            sizes = sorted((len(p) for p in nx.connected_components(rest)), reverse=True)
            assert finding.details["cut_off"] == sum(sizes[1:]), where
        assert {frozenset((b.source, b.target)) for b in report.bridges} == {
            frozenset(b) for b in nx.bridges(graph)
        }, where
        assert [f.id for f in report.isolated] == sorted(nx.isolates(graph)), where
        assert sorted(c.size for c in report.components) == sorted(
            len(c) for c in nx.connected_components(graph)
        ), where
        assert report.counts["components"] == nx.number_connected_components(graph)
        ids = {n.id for n in nodes}
        enterprises = {n.id for n in nodes if n.kind is NodeKind.ENTERPRISE}
        financed = {r.target for r in relations if r.type in FINANCING_TYPES}
        supported = {
            r.target for r in relations if r.type in (RelationType.SUPPORTS, RelationType.ADVISES)
        }
        used = {r.target for r in relations if r.type is RelationType.UTILIZES}
        assets = {n.id for n in nodes if n.kind is NodeKind.ASSET}
        assert {f.id for f in report.unfinanced_enterprises} == enterprises - financed, where
        assert {f.id for f in report.unsupported_enterprises} == enterprises - supported, where
        assert {f.id for f in report.unused_assets} == assets - used, where
        clients = {n.id: 0 for n in nodes if n.kind is NodeKind.CENTRE}
        for r in relations:
            if r.type is RelationType.SUPPORTS and r.source in clients:
                clients[r.source] += 1
        overloaded = {
            n.id
            for n in nodes
            if n.kind is NodeKind.CENTRE and clients[n.id] > n.props.get("capacity", math.inf)
        }
        assert {f.id for f in report.overloaded_centres} == overloaded, where
        expected = nx.betweenness_centrality(graph)
        for broker in report.brokers:
            assert broker.betweenness == pytest.approx(expected[broker.id], abs=1e-12)
            assert broker.constraint == pytest.approx(nx.constraint(graph, [broker.id])[broker.id])
        positive = {n for n, v in expected.items() if v > 1e-12}
        assert {b.id for b in report.brokers} == positive, where
        for finding in report.unfinanced_enterprises:
            assert finding.suggestion and finding.id in ids
            if finding.next_step.action == "introduction":
                path = finding.next_step.path
                assert path[0] == finding.id
                assert store.get_node(path[-1]).kind is NodeKind.FINANCIER
                # A path of the scope's actor graph, as strong as the best to any financier.
                assert nx.is_path(graph, list(path)) and len(path) - 1 <= 4, where
                score = math.prod(graph.edges[u, v]["relation"].strength for u, v in pairwise(path))
                assert finding.next_step.score == pytest.approx(score, abs=1e-12), where
                assert score == pytest.approx(best_financier_path(graph, finding.id), abs=1e-12)
        for finding in report.articulation_points:
            if finding.next_step.action != "partner_centre":
                continue
            partner, *anchors = finding.next_step.targets
            mended = graph.copy()
            mended.add_edges_from((partner, anchor) for anchor in anchors)
            assert finding.id not in set(nx.articulation_points(mended)), where
        for finding in report.unsupported_enterprises:
            if finding.next_step.action == "refer_to_centre":
                path = finding.next_step.path
                assert nx.is_path(graph, list(path)) and len(path) - 1 == nx.shortest_path_length(
                    graph, finding.id, path[-1]
                )


def test_both_stores_give_the_same_report(loaded, embedded_store):
    store, graphs = loaded
    load(embedded_store, graphs)
    for prefecture in (None, "13"):
        assert weakness_report(store, prefecture) == weakness_report(embedded_store, prefecture)


def test_what_if_equals_removing_the_actor(loaded):
    store, graphs = loaded
    graph, nodes, _ = reference(graphs)
    rng = random.Random(1)
    actors = sorted(n.id for n in nodes if n.kind in ACTOR_KINDS)
    for removed in rng.sample(actors, 40):
        without = graph.copy()
        without.remove_node(removed)

        def reaches(g, e, kind):
            return any(g.nodes[m]["kind"] is kind for m in nx.node_connected_component(g, e))

        enterprises = [n for n in graph if graph.nodes[n]["kind"] is NodeKind.ENTERPRISE]
        found = what_if_removed(store, removed)
        for kind, listed in (
            (NodeKind.FINANCIER, found.lose_financier),
            (NodeKind.CENTRE, found.lose_centre),
        ):
            expected = sorted(
                e
                for e in enterprises
                if e != removed and reaches(graph, e, kind) and not reaches(without, e, kind)
            )
            assert [n.id for n in listed] == expected, (removed, kind)


def test_density_equals_networkx(loaded):
    store, graphs = loaded
    rows = {row.key: row for row in density_table(store, "prefecture")}
    assert sorted(rows) == sorted(PREFECTURES)
    for code in PREFECTURES:
        graph, nodes, _ = reference(graphs, code)
        assert rows[code].nodes == graph.number_of_nodes()
        assert rows[code].edges == graph.number_of_edges()
        assert rows[code].density == pytest.approx(nx.density(graph))
        centres = graph.subgraph(n for n in graph if graph.nodes[n]["kind"] is NodeKind.CENTRE)
        assert rows[code].centre_density == pytest.approx(
            nx.density(centres) if len(centres) > 1 else 0.0
        )
    blocks = {row.key: row for row in density_table(store, "block")}
    assert sorted(blocks) == ["Chubu", "Kanto", "Okinawa"]


def test_bad_questions_are_refused(store, small_dataset):
    load_dataset(small_dataset, store)
    with pytest.raises(InvalidArgument, match="'48' is not a prefecture code"):
        weakness_report(store, "48")
    with pytest.raises(InvalidArgument, match="limit"):
        weakness_report(store, limit=0)
    with pytest.raises(NotFound):
        what_if_removed(store, "NOPE")
    with pytest.raises(InvalidArgument, match="not an actor"):
        what_if_removed(store, "A1")
    with pytest.raises(InvalidArgument, match="by must be"):
        density_table(store, "city")


def test_the_small_network_report(store, small_dataset):
    load_dataset(small_dataset, store)
    report = weakness_report(store, "13")
    assert [f.id for f in report.unfinanced_enterprises] == []
    assert [f.id for f in report.unsupported_enterprises] == ["E2"]
    assert [f.id for f in report.unused_assets] == []
    (unsupported,) = report.unsupported_enterprises
    assert unsupported.next_step.targets == ("C1",)
    assert "Tokyo Chamber of Commerce" in unsupported.suggestion
    whole = weakness_report(store)
    assert [f.id for f in whole.isolated] == ["E4"]
    assert what_if_removed(store, "E1").lose_centre == []
