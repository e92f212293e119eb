"""The fast forms of the weakness report's algorithms give exactly what plain ones give (the
same floats, the same orders) on many random graphs, and the report keeps its last answers
only while the graph stands."""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from graph.algorithms.adjacency import adjacency_of
from graph.algorithms.centrality import betweenness, burt_constraint
from graph.algorithms.cuts import cut_vertices
from graph.algorithms.paths import strongest_first, ties_of
from graph.algorithms.reach import Places, best_reach, nearest, nearest_ranked
from graph.model import FINANCING_TYPES, SUPPORT_TYPES, NodeKind, Relation, RelationType
from graph.queries import weaknesses
from graph.queries.scope import scope_of
from graph.queries.weaknesses import KEPT_REPORTS, weakness_report
from graph.store.embedded import EmbeddedStore
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, EVERYTHING, Viewer, Visibility
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import graphs_with_prefectures

STRENGTHS = (0.25, 0.5, 0.5, 0.75, 1.0)  # few values, so that scores often tie


def random_graphs(count: int = 120, most: int = 40):
    """Random graphs of string nodes (ids not in the order they are added), with strengths
    drawn from a few values."""
    for seed in range(count):
        rng = random.Random(seed)
        n = rng.randint(1, most)
        shape = rng.random()
        if shape < 0.2:
            plain = nx.random_labeled_tree(n, seed=seed) if n > 1 else nx.empty_graph(n)
        elif shape < 0.3:
            plain = nx.star_graph(max(0, n - 1))
        else:
            plain = nx.gnp_random_graph(n, rng.uniform(0.02, 0.35), seed=seed)
        names = {i: f"n{rng.randrange(10**6):06d}-{i}" for i in plain}
        graph = nx.Graph()
        nodes = list(plain)
        rng.shuffle(nodes)
        graph.add_nodes_from(names[i] for i in nodes)
        edges = list(plain.edges())
        rng.shuffle(edges)
        for u, v in edges:
            graph.add_edge(names[u], names[v], strength=rng.choice(STRENGTHS))
        yield seed, graph


# -- plain references, as the algorithms were first written ------------------------------


def plain_betweenness(graph: nx.Graph, sources: int | None, seed: int) -> dict[str, float]:
    """Brandes' algorithm, every tie walked again on the way back, nodes and ties by id."""
    nodes = sorted(graph)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = [sorted(index[other] for other in graph.adj[node]) for node in nodes]
    if sources is None or sources >= n:
        chosen, used = list(range(n)), n
    else:
        chosen, used = sorted(random.Random(seed).sample(range(n), sources)), sources
    totals = [0.0] * n
    for source in chosen:
        sigma, distance = [0] * n, [-1] * n
        sigma[source], distance[source] = 1, 0
        order, i = [source], 0
        while i < len(order):
            node = order[i]
            i += 1
            for other in adjacency[node]:
                if distance[other] < 0:
                    distance[other] = distance[node] + 1
                    order.append(other)
                if distance[other] == distance[node] + 1:
                    sigma[other] += sigma[node]
        delta = [0.0] * n
        for node in reversed(order):
            share = (1.0 + delta[node]) / sigma[node]
            for other in adjacency[node]:
                if distance[other] == distance[node] - 1:
                    delta[other] += sigma[other] * share
            if node != source:
                totals[node] += delta[node]
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if used < n:
        scale *= n / used
    return {node: totals[i] * scale for i, node in enumerate(nodes)}


def plain_constraint(graph: nx.Graph, node: str) -> float | None:
    """Burt's constraint summed in id order, one contact pair at a time."""
    contacts = sorted(graph.adj[node])
    if not contacts:
        return None
    own = 1.0 / len(contacts)
    invested = dict.fromkeys(contacts, own)
    for middle in contacts:
        share = own / len(graph.adj[middle])
        for other in contacts:
            if graph.has_edge(middle, other):
                invested[other] += share
    return sum(value * value for value in invested.values())


def plain_best_reach(graph, sources, max_hops, places=None):
    """The layered search of best_reach, comparing whole candidates."""
    walk = places
    start = (lambda s: s) if walk is None else walk.start
    plain = lambda s: [(o, data["strength"]) for o, data in graph.adj[s].items()]  # noqa: E731
    steps = plain if walk is None else walk.steps
    best = {start(s): (1.0, 0, s) for s in sorted(sources)}
    frontier = sorted(best)
    for hops in range(1, max_hops + 1):
        changed = set()
        for state, (score, _, origin) in [(state, best[state]) for state in frontier]:
            for other, strength in steps(state):
                candidate = (score * strength, hops, origin)
                known = best.get(other)
                if known is None or (-candidate[0], hops, origin) < (-known[0], *known[1:]):
                    best[other] = candidate
                    changed.add(other)
        frontier = sorted(changed)
        if not frontier:
            break
    return best


def plain_nearest(graph, sources, places=None):
    """A breadth-first search from every source at once, layer by layer, each state offered
    by every state of the layer before and the least (source, state) kept; no early stop."""
    start = (lambda s: s) if places is None else places.start
    steps = (lambda s: graph.adj[s].items()) if places is None else places.steps
    found = {start(s): (0, s, None) for s in sources}
    frontier, distance = sorted(found), 0
    while frontier:
        distance += 1
        offers = {}
        for state in frontier:
            for other, _data in steps(state):
                if other not in found:
                    offer = (found[state][1], state)
                    offers[other] = min(offers.get(other, offer), offer)
        for other, (origin, via) in offers.items():
            found[other] = (distance, origin, via)
        frontier = sorted(offers)
    return found


def plain_nearest_ranked(graph, start, rank, enough, max_hops, barred):
    """A breadth-first search, layer by layer, the best (rank, ties, id) kept."""
    best, seen, frontier, distance = None, {start}, [start], 0
    while frontier:
        distance += 1
        following = sorted(
            {o for n in frontier for o in graph.neighbors(n) if o not in barred and o not in seen}
        )
        for other in following:
            if rank(other) is not None:
                key = (rank(other), distance, other)
                best = key if best is None else min(best, key)
        if best is not None and (best[0] <= enough or distance >= max_hops):
            return best[2]
        seen.update(following)
        frontier = following
    return None if best is None else best[2]


# -- the algorithms ---------------------------------------------------------------------


def test_betweenness_gives_the_floats_of_plain_brandes():
    for seed, graph in random_graphs():
        for sources in (None, 1, 3, 10):
            values, _used = betweenness(graph, sources, seed)
            assert values == plain_betweenness(graph, sources, seed), (seed, sources)
        if len(graph) > 2:  # every source: the values networkx gives
            expected = nx.betweenness_centrality(graph, normalized=True)
            values, _used = betweenness(graph)
            for node in graph:
                assert math.isclose(values[node], expected[node], abs_tol=1e-12), seed


def test_betweenness_of_a_larger_sparse_graph_with_many_equal_paths():
    graph = nx.relabel_nodes(nx.grid_2d_graph(12, 15), lambda p: f"g{p[0]:02d}{p[1]:02d}")
    graph.add_edges_from(nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=4), str).edges)
    for sources in (None, 40):
        assert betweenness(graph, sources, 9)[0] == plain_betweenness(graph, sources, 9)


def test_constraint_read_from_the_adjacency_equals_the_plain_sum_and_networkx():
    for seed, graph in random_graphs():
        adjacency = adjacency_of(graph)
        expected = nx.constraint(graph)
        for node in graph:
            fast = burt_constraint(graph, node, adjacency)
            assert fast == burt_constraint(graph, node) == plain_constraint(graph, node), seed
            if fast is None:
                assert math.isnan(expected[node])
            else:
                assert fast == pytest.approx(expected[node], abs=1e-12), seed


def test_parts_come_largest_first_then_by_smallest_id():
    for seed, graph in random_graphs():
        cuts, _bridges = cut_vertices(graph)
        for node, cut in cuts.items():
            parts = cut.unsorted_parts()
            assert parts == sorted(parts, key=lambda p: (-len(p), min(p))), seed
            component = nx.node_connected_component(graph, node) - {node}
            pieces = nx.connected_components(graph.subgraph(component))
            assert sorted(map(sorted, parts)) == sorted(map(sorted, pieces)), seed
        connected: list[list[str]] = []
        assert cut_vertices(graph, connected) == (cuts, _bridges)
        plain = sorted(map(sorted, nx.connected_components(graph)))
        assert sorted(map(sorted, connected)) == plain, seed


def test_ties_come_strongest_first_then_by_neighbour_id():
    for seed, graph in random_graphs():
        ties = ties_of(graph)
        for node in graph:
            plain = sorted(
                ((data["strength"], other) for other, data in graph.adj[node].items()),
                key=strongest_first,
            )
            assert ties(node) == plain, seed


def graphs_with_sources():
    """The non-empty random graphs, each with a generator seeded by the graph's seed, its
    nodes in id order and one to four of them as sources."""
    for seed, graph in random_graphs():
        rng = random.Random(seed)
        nodes = sorted(graph)
        if nodes:
            yield seed, graph, rng, nodes, rng.sample(nodes, rng.randint(1, min(4, len(nodes))))


def test_best_reach_equals_the_plain_search_on_the_whole_graph_and_by_place():
    for seed, graph, rng, nodes, sources in graphs_with_sources():
        hops = rng.randint(1, 4)
        assert best_reach(graph, sources, hops).found == plain_best_reach(graph, sources, hops)
        place_of = {n: rng.choice("AB") for n in nodes if rng.random() < 0.8}
        searched = {"A", "B"}
        found = best_reach(graph, sources, hops, Places(graph, place_of, searched)).found
        plain = plain_best_reach(graph, sources, hops, Places(graph, place_of, searched))
        assert found == plain, seed
        near = nearest(graph, sources)
        assert near.found == nearest(graph, sources, wanted=nodes).found, seed


def test_nearest_equals_the_plain_search_on_the_whole_graph_and_by_place():
    for seed, graph, rng, nodes, sources in graphs_with_sources():
        assert nearest(graph, sources).found == plain_nearest(graph, sources), seed
        place_of = {n: rng.choice("ABC") for n in nodes if rng.random() < 0.8}
        places = Places(graph, place_of, {"A", "B"})
        for state in [places.start(n) for n in nodes] + [(n, "A") for n in nodes]:
            if state[0] in place_of and place_of[state[0]] != state[1]:
                continue  # a node of a place is only ever reached for its own place
            assert places.neighbours(state) == [s for s, _ in places.steps(state)], seed
        found = nearest(graph, sources, places).found
        assert found == plain_nearest(graph, sources, places), seed
        # with some nodes wanted, it finds for them what the full search finds
        wanted = rng.sample(nodes, rng.randint(1, len(nodes)))
        partial = nearest(graph, sources, places, wanted).found
        assert all(partial.get(places.start(n)) == found.get(places.start(n)) for n in wanted), seed


def test_nearest_ranked_reads_the_adjacency_as_the_plain_search_reads_the_graph():
    for seed, graph in random_graphs():
        rng = random.Random(seed)
        nodes = sorted(graph)
        if not nodes:
            continue
        ranked = {n: rng.randint(0, 3) for n in nodes if rng.random() < 0.3}
        adjacency = adjacency_of(graph)
        for start in nodes[:5]:
            barred = {n for n in nodes if rng.random() < 0.2} - {start}
            for enough in (0, 3):
                fast = nearest_ranked(graph, start, ranked.get, enough, 4, barred, adjacency)
                assert fast == nearest_ranked(graph, start, ranked.get, enough, 4, barred)
                plain = plain_nearest_ranked(graph, start, ranked.get, enough, 4, barred)
                assert fast == plain, seed


# -- the report -------------------------------------------------------------------------


@pytest.fixture
def loaded(tmp_path: Path):
    with EmbeddedStore(tmp_path / "store") as store:
        graphs = graphs_with_prefectures(range(40))
        load(store, graphs)
        weaknesses._kept.clear()
        yield store, graphs
        weaknesses._kept.clear()


def test_one_pass_over_the_relations_counts_what_the_actor_graph_says(loaded):
    """Financed, supported and each centre's clients from the relations equal what the
    edges of the actor graph say, pair by pair."""
    store, _graphs = loaded
    for prefecture in (None, "13", "17", "47"):
        ctx, financed, supported = weaknesses._context(store, scope_of(prefecture))
        actors = ctx.actors
        kinds = actors.nodes
        clients: Counter[str] = Counter()
        plain_financed, plain_supported = set(), set()
        seen: set[str] = set()
        for u, around in actors.adjacency():  # each pair once, from its end that comes first
            seen.add(u)
            for v, data in around.items():
                if v in seen:
                    continue
                types = data["types"]
                if RelationType.SUPPORTS in types:
                    clients[u if kinds[u]["kind"] is NodeKind.CENTRE else v] += 1
                for end in (u, v):
                    if kinds[end]["kind"] is NodeKind.ENTERPRISE:
                        if not types.isdisjoint(FINANCING_TYPES):
                            plain_financed.add(end)
                        if not types.isdisjoint(SUPPORT_TYPES):
                            plain_supported.add(end)
        for relation in ctx.boundary:
            if relation.type is RelationType.SUPPORTS and relation.source in ctx.nodes:
                clients[relation.source] += 1
        assert financed == plain_financed, prefecture
        assert supported == plain_supported, prefecture
        assert +ctx.clients == +clients, prefecture
        assert ctx.adjacency == {u: dict(a) for u, a in actors.adjacency()}


def test_supports_between_two_centres_or_none_counts_once_per_pair_by_the_graphs_order():
    """Ties the model refuses (SUPPORTS between two centres, two enterprises, a financier
    and a specialist) still count one client per pair: for the centre that comes first in
    the graph's order, or for the later end of a pair with none; the other ties as usual."""
    c, e, f, s = NodeKind.CENTRE, NodeKind.ENTERPRISE, NodeKind.FINANCIER, NodeKind.SPECIALIST
    kind_of = {"c1": c, "c2": c, "e1": e, "e2": e, "e3": e, "f1": f, "s1": s}
    supports, lends = RelationType.SUPPORTS, RelationType.LENDS_TO
    ties = [
        ("c2", "c1", {supports}),
        ("e2", "e1", {supports}),
        ("f1", "s1", {supports}),
        ("c1", "e3", {supports, RelationType.ADVISES}),
        ("c2", "e3", {supports}),
        ("f1", "e1", {lends}),
        ("s1", "e2", {RelationType.ADVISES}),
    ]
    graph = nx.Graph()
    graph.add_nodes_from(["c2", "e2", "f1", "c1", "e1", "s1", "e3"])  # the graph's order
    for u, v, types in ties:
        graph.add_edge(u, v, types=frozenset(types))
    financed, supported, clients = weaknesses._tie_facts(adjacency_of(graph), kind_of)
    assert financed == {"e1"}
    assert supported == {"e1", "e2", "e3"}
    # c2 before c1; e1 after e2; s1 after f1; c1 and c2 each for e3
    assert +clients == Counter({"c2": 2, "e1": 1, "s1": 1, "c1": 1})


def test_the_nodes_no_centre_can_reach_are_not_searched_for_and_the_report_stays(
    loaded, monkeypatch
):
    """The search for the nearest centre with room is not given the nodes that lie in a
    connected part with no such centre; the report is the one it makes when it searches
    for every node (which then walks all it can reach, in vain)."""
    store, _graphs = loaded
    left_out = 0
    pruned = weaknesses._with_a_source

    def counted(connected, sources, nodes):
        nonlocal left_out
        kept = pruned(connected, sources, nodes)
        left_out += len(nodes) - len(kept)
        parts = [set(members) for members in connected if not set(sources).isdisjoint(members)]
        assert kept == [n for n in nodes if any(n in part for part in parts)]
        return kept

    for prefecture in (None, "13", "17", "47"):
        monkeypatch.setattr(weaknesses, "_with_a_source", counted)
        weaknesses._kept.clear()
        report = weakness_report(store, prefecture, limit=50)
        monkeypatch.setattr(weaknesses, "_with_a_source", lambda _parts, _sources, nodes: nodes)
        weaknesses._kept.clear()
        assert weakness_report(store, prefecture, limit=50) == report, prefecture
    assert left_out > 0  # some nodes could not be reached: the check is not empty


def test_a_report_is_kept_until_the_graph_changes(loaded):
    store, graphs = loaded
    first = weakness_report(store, "13")
    assert weakness_report(store, "13") is first
    assert weakness_report(store, "13", limit=5) is not first
    # a write: the next report is made anew, and tells the new tie
    lonely = first.unsupported_enterprises[0].id
    centre = min(
        n.id for g in graphs for n in g.nodes if n.kind is NodeKind.CENTRE and n.prefecture == "13"
    )
    before = store.changes
    with store.transaction() as tx:
        tx.upsert_relations([Relation(centre, RelationType.SUPPORTS, lonely, 0.9)])
    assert store.changes != before
    fresh = weakness_report(store, "13")
    assert lonely not in {f.id for f in fresh.unsupported_enterprises}
    assert fresh.counts["unsupported_enterprises"] == first.counts["unsupported_enterprises"] - 1
    assert weakness_report(store, "13") is fresh
    weaknesses._kept.clear()
    assert fresh == weakness_report(store, "13")


def test_the_kept_reports_are_few_and_the_least_recent_goes_first(loaded):
    store, _graphs = loaded
    asked = ["13", "17", "47", None, "13"]
    reports = [weakness_report(store, p, limit=7) for p in asked]
    assert reports[-1] is reports[0]
    for limit in range(1, KEPT_REPORTS + 1):
        weakness_report(store, "13", limit=limit)
    assert len(weaknesses._kept) == KEPT_REPORTS
    assert weakness_report(store, "13", limit=7) is not reports[0]


def test_a_dated_store_is_kept_by_its_day_and_a_store_without_changes_never(loaded):
    store, _graphs = loaded
    day, other = "2024-04-01", "2015-04-01"
    dated = weakness_report(store.as_of(day), "13")
    assert weakness_report(store.as_of(day), "13") is dated  # another dated store, same day
    assert weakness_report(store.as_of(other), "13") is not dated

    class Uncounted:
        """The store's reads, with no count of changes."""

        def __getattr__(self, name):
            if name in ("changes", "_changes"):
                raise AttributeError(name)
            return getattr(store, name)

    uncounted = Uncounted()
    report = weakness_report(uncounted, "13")  # type: ignore[arg-type]
    assert weakness_report(uncounted, "13") is not report  # type: ignore[arg-type]
    assert weakness_report(uncounted, "13") == report  # type: ignore[arg-type]


def test_callers_share_a_report_exactly_when_they_see_the_same_ties(loaded):
    store, graphs = loaded
    types = DEFAULT_CONFIDENTIAL_TYPES
    firms = frozenset(n.id for g in graphs[:20] for n in g.nodes)
    centre = Visibility(types, enterprises=firms, contributor="c1", viewer=Viewer("one"))
    same = Visibility(types, enterprises=firms, contributor="c1", viewer=Viewer("two"))
    assert weakness_report(store, None, visibility=centre) is weakness_report(
        store, None, visibility=same
    )
    callers = {
        "none": None,
        "everything": EVERYTHING,
        "admin": Visibility(types, everything=True),
        "centre": centre,
        "contributor": Visibility(types, enterprises=firms, contributor="c2"),
        "fewer": Visibility(types, enterprises=firms - {min(firms)}, contributor="c1"),
        "nobody": Visibility(types),
    }
    fresh = {}
    for name, visibility in callers.items():
        weaknesses._kept.clear()
        fresh[name] = weakness_report(store, None, visibility=visibility)
    assert len({repr(report) for report in fresh.values()}) >= 3  # they do differ
    weaknesses._kept.clear()
    for _ in range(2):
        for name, visibility in callers.items():
            assert weakness_report(store, None, visibility=visibility) == fresh[name], name
    # everything seen: the same report, whoever asks and whatever else the key holds
    weaknesses._kept.clear()
    admin = weakness_report(store, "13", visibility=Visibility(types, everything=True))
    assert weakness_report(store, "13", visibility=Visibility(types, True, firms)) is admin
    assert weakness_report(store, "13", visibility=Visibility(frozenset(), everything=True)) is (
        weakness_report(store, "13", visibility=Visibility(frozenset()))
    )
