"""The weakness report, what-if and density on both stores, against plain networkx on random
small graphs loaded side by side (tests/conformance/test_introductions.py makes them)."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from itertools import pairwise

import networkx as nx
import pytest

from graph.errors import InvalidArgument, NotFound
from graph.loaders import load_dataset
from graph.model import ACTOR_KINDS, FINANCING_TYPES, Node, NodeKind, RelationType
from graph.queries import weaknesses
from graph.queries.density import density_table
from graph.queries.scope import scope_of
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.queries.what_if import what_if_removed
from tests.conformance.test_introductions import actor_graph, load, random_graph
from tests.conftest import write_dataset

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
            # shown to four significant digits
            assert broker.betweenness == pytest.approx(expected[broker.id], rel=5e-4)
            assert broker.betweenness == float(f"{broker.betweenness:.4g}")
            constraint = nx.constraint(graph, [broker.id])[broker.id]
            assert broker.constraint == pytest.approx(constraint, rel=5e-4)
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
                assert finding.next_step.score == pytest.approx(score, rel=5e-4), where
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
        assert rows[code].density == pytest.approx(nx.density(graph), rel=5e-4)
        centres = graph.subgraph(n for n in graph if graph.nodes[n]["kind"] is NodeKind.CENTRE)
        assert rows[code].centre_density == pytest.approx(
            nx.density(centres) if len(centres) > 1 else 0.0, rel=5e-4
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


# -- geography of the next steps, and what-if on the whole network ----------------------

#: Small networks apart from one another, each where the nearest actor by ties is far away
#: and another, a few more ties away, is in the same prefecture or block.
GEOGRAPHY: dict[str, list[list[str]]] = {
    "enterprises.csv": [
        # a Kanagawa firm no one supports: a Hokkaido centre 2 ties away, a Kanagawa one 3
        ["GK", "Kanagawa Ironworks", "14", "E", "", ""],
        ["GK2", "Kanagawa Trading", "14", "I", "", ""],
        ["GK3", "Kanagawa Tools", "14", "E", "", ""],
        ["GH", "Asahikawa Foods", "01", "E", "", ""],
        # an overloaded Tokyo centre: Kagoshima 1 tie away, Saitama 3
        ["GT1", "Tokyo Gears", "13", "E", "", ""],
        ["GT2", "Tokyo Print", "13", "E", "", ""],
        ["GS", "Saitama Metal", "11", "E", "", ""],
        # a Kanagawa firm with no lender: a Hokkaido bank 0.81 away, a Kanagawa one 0.25
        ["GF", "Yokohama Sweets", "14", "E", "", ""],
        ["GF1", "Sapporo Dairy", "01", "E", "", ""],
        ["GF2", "Yokohama Flour", "14", "E", "", ""],
        # another: the Hokkaido bank 0.81 away, a nationwide lender 0.25
        ["GN", "Kawasaki Robotics", "14", "E", "", ""],
        ["GN1", "Hakodate Fish", "01", "E", "", ""],
        ["GN2", "Kawasaki Parts", "14", "E", "", ""],
        # a single point of failure: a Hokkaido centre 1 tie away, a Kanagawa one 2
        ["GX", "Sagamihara Works", "14", "E", "", ""],
        ["GX1", "Sagamihara Leaf", "14", "E", "", ""],
        ["GX2", "Sagamihara Mill", "14", "E", "", ""],
    ],
    "centres.csv": [
        ["GCH", "Asahikawa Chamber", "01", "chamber_of_commerce", "10"],
        ["GCK", "Kanagawa Centre", "14", "prefectural_centre", "10"],
        ["GCT", "Tokyo Centre", "13", "prefectural_centre", "1"],
        ["GCG", "Kagoshima Centre", "46", "prefectural_centre", "10"],
        ["GCS", "Saitama Centre", "11", "prefectural_centre", "10"],
        ["GCX", "Hokkaido Desk", "01", "other", "10"],
        ["GCY", "Sagamihara Chamber", "14", "chamber_of_commerce", "10"],
    ],
    "financiers.csv": [
        ["GBH", "Hokkaido Bank", "regional_bank", "01"],
        ["GBK", "Yokohama Bank", "regional_bank", "14"],
        ["GBH2", "Hakodate Bank", "regional_bank", "01"],
        ["GBN", "Public Lender", "government", ""],
    ],
    "relations.csv": [
        ["GK", "TRADES_WITH", "GH", "", ""],
        ["GCH", "SUPPORTS", "GH", "", ""],
        ["GK", "TRADES_WITH", "GK2", "", ""],
        ["GK2", "TRADES_WITH", "GK3", "", ""],
        ["GCK", "SUPPORTS", "GK3", "", ""],
        ["GCT", "SUPPORTS", "GT1", "", ""],
        ["GCT", "SUPPORTS", "GT2", "", ""],
        ["GCT", "COLLABORATES_WITH", "GCG", "", ""],
        ["GT1", "TRADES_WITH", "GS", "", ""],
        ["GCS", "SUPPORTS", "GS", "", ""],
        ["GF", "TRADES_WITH", "GF1", "0.9", ""],
        ["GBH", "LENDS_TO", "GF1", "0.9", ""],
        ["GF", "TRADES_WITH", "GF2", "0.5", ""],
        ["GBK", "LENDS_TO", "GF2", "0.5", ""],
        ["GN", "TRADES_WITH", "GN1", "0.9", ""],
        ["GBH2", "LENDS_TO", "GN1", "0.9", ""],
        ["GN", "TRADES_WITH", "GN2", "0.5", ""],
        ["GBN", "LENDS_TO", "GN2", "0.5", ""],
        ["GX", "TRADES_WITH", "GX1", "", ""],
        ["GCX", "SUPPORTS", "GX", "", ""],
        ["GX", "TRADES_WITH", "GX2", "", ""],
        ["GCY", "SUPPORTS", "GX2", "", ""],
        ["GCX", "COLLABORATES_WITH", "GCY", "", ""],
    ],
}


@pytest.fixture
def geography(store, tmp_path, monkeypatch):
    # a store that can search the graph where it lives does so, however small the graph
    monkeypatch.setattr(weaknesses, "STORE_SEARCH_MIN_TIES", 0)
    load_dataset(write_dataset(tmp_path / "geography", GEOGRAPHY), store)
    report = weakness_report(store, limit=MAX_LIMIT)
    findings = {
        kind: {f.id: f for f in getattr(report, kind)}
        for kind in ("unsupported_enterprises", "overloaded_centres", "unfinanced_enterprises")
    }
    return store, report, findings


def test_an_unsupported_firm_is_sent_to_a_centre_of_its_prefecture_before_a_nearer_one(
    geography,
):
    _, _, findings = geography
    finding = findings["unsupported_enterprises"]["GK"]
    step = finding.next_step
    assert (step.action, step.targets, step.path) == (
        "refer_to_centre",
        ("GCK",),
        ("GK", "GK2", "GK3", "GCK"),
    )
    assert "Kanagawa Centre (GCK, in the same prefecture (Kanagawa))" in finding.suggestion
    assert "3 ties away" in finding.suggestion


def test_an_overloaded_centre_shares_with_its_block_before_a_nearer_centre_elsewhere(geography):
    _, _, findings = geography
    finding = findings["overloaded_centres"]["GCT"]
    assert finding.next_step.targets == ("GCS",)
    assert finding.next_step.path == ("GCT", "GT1", "GS", "GCS")
    assert "Saitama Centre (GCS, elsewhere in the Kanto block (Saitama))" in finding.suggestion


def test_a_firm_with_no_lender_is_introduced_to_one_of_its_prefecture_or_a_nationwide_one(
    geography,
):
    _, _, findings = geography
    local = findings["unfinanced_enterprises"]["GF"]
    assert local.next_step.path == ("GF", "GF2", "GBK") and local.next_step.score == 0.25
    assert local.suggestion.endswith("Yokohama Bank is in the same prefecture (Kanagawa).")
    nationwide = findings["unfinanced_enterprises"]["GN"]
    assert nationwide.next_step.path == ("GN", "GN2", "GBN")
    assert nationwide.suggestion.endswith("Public Lender is nationwide.")


def test_a_partner_centre_of_the_prefecture_comes_before_a_nearer_one(geography):
    _, report, _ = geography
    (finding,) = [f for f in report.articulation_points if f.id == "GX"]
    assert finding.next_step.action == "partner_centre"
    assert finding.next_step.targets[0] == "GCY"
    assert "(GCY, in the same prefecture (Kanagawa))" in finding.suggestion


def test_a_prefecture_report_is_unchanged_by_places(geography):
    """Inside one prefecture every actor is of that prefecture: the nearest centre by ties."""
    store, _, _ = geography
    kanagawa = {f.id: f for f in weakness_report(store, "14").unsupported_enterprises}
    assert kanagawa["GK"].next_step.path == ("GK", "GK2", "GK3", "GCK")


def test_what_if_on_the_whole_network_names_the_firms_a_nationwide_lender_alone_finances(
    store, small_dataset, tmp_path
):
    load_dataset(small_dataset, store)
    found = what_if_removed(store, "F2")  # the nationwide public lender
    assert found.prefecture is None
    assert (found.lose_financier, found.lose_centre) == ([], [])  # other paths remain
    assert [n.id for n in found.only_financier] == ["E2", "E3"]
    assert found.only_support == []
    assert [n.id for n in what_if_removed(store, "C1").only_support] == []  # S1 advises E1
    with pytest.raises(InvalidArgument, match="nationwide.*ask without a prefecture"):
        what_if_removed(store, "F2", "13")
    with pytest.raises(InvalidArgument, match="is in Tokyo"):
        what_if_removed(store, "C1", "17")
    # in a prefecture, a lender outside it still counts
    assert [n.id for n in what_if_removed(store, "F1", "13").only_financier] == ["E1"]
    more = {"relations.csv": [["F2", "LENDS_TO", "E1", "", ""]]}
    load_dataset(write_dataset(tmp_path / "more", more), store)
    assert what_if_removed(store, "F1", "13").only_financier == []
    assert what_if_removed(store, "F1").only_financier == []


def test_what_if_in_a_prefecture_equals_removing_the_actor_from_its_actor_graph(loaded):
    store, graphs = loaded
    rng = random.Random(2)
    for code in PREFECTURES:
        graph, nodes, _ = reference(graphs, code)
        actors = sorted(n.id for n in nodes if n.kind in ACTOR_KINDS)
        for removed in rng.sample(actors, 10):
            without = graph.copy()
            without.remove_node(removed)
            found = what_if_removed(store, removed, code)
            assert found.prefecture == code
            for kind, listed in (
                (NodeKind.FINANCIER, found.lose_financier),
                (NodeKind.CENTRE, found.lose_centre),
            ):
                expected = sorted(
                    e
                    for e in graph
                    if graph.nodes[e]["kind"] is NodeKind.ENTERPRISE
                    and e != removed
                    and _reaches(graph, e, kind)
                    and not _reaches(without, e, kind)
                )
                assert [n.id for n in listed] == expected, (code, removed, kind)


def _reaches(graph, node, kind):
    return any(graph.nodes[m]["kind"] is kind for m in nx.node_connected_component(graph, node))


def test_what_if_reads_a_hub_at_once_with_the_same_answer(loaded, monkeypatch):
    """Tie by tie from the actor, or (past a time, as for a hub on a server store) the scope
    at once: the same lists, and those an actor alone finances or supports are exactly those."""
    from graph.queries import what_if

    store, graphs = loaded
    nodes = {n.id: n for g in graphs for n in g.nodes}
    relations = [r for g in graphs for r in g.relations]
    rng = random.Random(3)
    support = {RelationType.SUPPORTS, RelationType.ADVISES}
    checked = 0
    for code in (None, *PREFECTURES):
        actors = sorted(
            n.id
            for n in nodes.values()
            if n.kind in ACTOR_KINDS and scope_of(code).holds(n.prefecture)
        )
        for removed in rng.sample(actors, 15):
            monkeypatch.setattr(what_if, "WHAT_IF_SECONDS", 60.0)
            by_ties = what_if_removed(store, removed, code)
            monkeypatch.setattr(what_if, "WHAT_IF_SECONDS", -1.0)
            assert what_if_removed(store, removed, code) == by_ties, (code, removed)
            for types, listed in (
                (FINANCING_TYPES, by_ties.only_financier),
                (support, by_ties.only_support),
            ):
                theirs = defaultdict(set)
                for r in relations:
                    if r.type in types:
                        theirs[r.target].add(r.source)
                expected = sorted(
                    e
                    for e, sources in theirs.items()
                    if sources == {removed} and scope_of(code).holds(nodes[e].prefecture)
                )
                assert [n.id for n in listed] == expected, (code, removed)
                checked += len(expected)
    assert checked > 10
