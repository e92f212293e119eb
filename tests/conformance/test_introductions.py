"""Introduction paths and introducers: both stores against a plain brute-force reference.

The reference below enumerates every simple path with ``networkx.all_simple_paths`` on the
undirected actor graph (the strongest tie counting between two nodes), scores each in path
order and sorts by the contract. Random graphs are loaded side by side into one store as
disjoint components with prefixed ids, so one load serves many questions.

Neo4j answers in two ways, both checked here: with rsn's plugin (its procedure; the test
server has it) and in plain Cypher (``RSN_NEO4J_PROCEDURES=false``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import networkx as nx
import pytest

from graph.errors import InvalidArgument, NotFound
from graph.loaders import load_dataset
from graph.model import (
    ACTOR_KINDS,
    ALLOWED_ENDPOINTS,
    Expertise,
    Node,
    NodeKind,
    Relation,
    RelationType,
)
from graph.queries.introductions import describe, introducers, introduction_paths
from graph.settings import Backend, Settings
from graph.store import cypher

GRAPHS = 300
BATCHES = 10
KIND_WEIGHTS = {
    NodeKind.ENTERPRISE: 45,
    NodeKind.CENTRE: 12,
    NodeKind.FINANCIER: 12,
    NodeKind.SPECIALIST: 16,
    NodeKind.ASSET: 15,
}
#: Strengths whose products are exact in binary, so that many paths tie on score.
EVEN_STRENGTHS = [1.0, 0.5, 0.25, 0.125, 0.75]


# -- the stores: embedded, Neo4j with rsn's plugin, Neo4j in plain Cypher ----------------


@pytest.fixture(
    params=[(Backend.EMBEDDED, True), (Backend.NEO4J, True), (Backend.NEO4J, False)],
    ids=["embedded", "neo4j", "neo4j-cypher"],
)
def variant(request: pytest.FixtureRequest) -> tuple[Backend, bool]:
    return request.param


@pytest.fixture
def backend(variant: tuple[Backend, bool]) -> Backend:
    return variant[0]


@pytest.fixture
def settings(settings: Settings, variant: tuple[Backend, bool]) -> Settings:
    return settings.model_copy(update={"neo4j_procedures": variant[1]})


def test_neo4j_answers_the_way_the_variant_says(store, variant):
    """The plugin is really used where it should be, and not where it should not."""
    backend, procedures = variant
    if backend is Backend.NEO4J:
        assert store.paths_in_database is procedures


def test_warming_up_reads_the_hubs_only_where_the_plugin_keeps_them(store, variant, request):
    """The session's own server keeps the ties of nodes with 3 ties or more: H and C, not
    the spokes (nor A, whose ties are not introduction ties); another server (NEO4J_URI) may
    keep only bigger hubs."""
    F, E, C, A = NodeKind.FINANCIER, NodeKind.ENTERPRISE, NodeKind.CENTRE, NodeKind.ASSET
    store.upsert_nodes(
        [node("H", F), node("C", C), node("A", A), *(node(f"E{i}", E) for i in range(1, 6))]
    )
    store.upsert_relations(
        [tie("H", RelationType.LENDS_TO, f"E{i}", 0.5) for i in range(1, 6)]
        + [tie("C", RelationType.SUPPORTS, f"E{i}", 0.5) for i in range(1, 4)]
        + [tie(f"E{i}", RelationType.UTILIZES, "A", 0.5) for i in range(1, 6)]
    )
    backend, procedures = variant
    if backend is Backend.NEO4J and procedures:
        own_server = request.getfixturevalue("neo4j_server").handle is not None
        # no specialist; today's counts kept by the plugin
        warmed = {"nodes": 8, "hubs": 2, "ties": 5 + 3, "days of counts": 1, "samples": 4}
        if not own_server:
            warmed = store.warm_up() | {"nodes": 8, "samples": 4}
            assert (warmed["hubs"], warmed["ties"]) in {(0, 0), (2, 8)}
        assert store.warm_up() == warmed
        assert store.warm_up() == warmed  # the hubs already there are counted again
    elif backend is Backend.NEO4J:
        assert store.warm_up() == {"samples": 4}  # no specialist
    else:  # the embedded store works out the answers it keeps (see its warm_up)
        assert store.warm_up() == {
            "days of counts": 1,
            "lists of centres by expertise": len(Expertise),
        }


# -- the reference, written plainly ---------------------------------------------------


def strongest_between(relations: list[Relation]) -> Relation:
    """The relation that counts between two nodes: strongest, then by type, source, target."""
    ordered = sorted(relations, key=lambda r: (-r.strength, r.type.value, r.source, r.target))
    return ordered[0]


def actor_graph(nodes: list[Node], relations: list[Relation]) -> nx.Graph:
    """Actors only; between two actors, an edge with the relation that counts."""
    graph = nx.Graph()
    graph.add_nodes_from(node.id for node in nodes if node.kind in ACTOR_KINDS)
    between: dict[frozenset[str], list[Relation]] = {}
    for relation in relations:
        if relation.source in graph and relation.target in graph:
            between.setdefault(frozenset((relation.source, relation.target)), []).append(relation)
    for pair, found in between.items():
        u, v = sorted(pair)
        graph.add_edge(u, v, relation=strongest_between(found))
    return graph


def reference_paths(graph: nx.Graph, source: str, target: str, k: int, max_hops: int):
    """Every simple path of at most max_hops ties, scored in path order, sorted, cut at k."""
    scored = []
    for path in nx.all_simple_paths(graph, source, target, cutoff=max_hops):
        score = 1.0
        for u, v in zip(path, path[1:], strict=False):
            score *= graph.edges[u, v]["relation"].strength
        scored.append((path, score))
    scored.sort(key=lambda item: (-item[1], len(item[0]), item[0]))
    return scored[:k]


def reference_introducers(graph: nx.Graph, a: str, b: str) -> list[tuple[str, float]]:
    common = set(graph[a]) & set(graph[b])
    scored = [
        (n, graph.edges[a, n]["relation"].strength * graph.edges[b, n]["relation"].strength)
        for n in common
    ]
    return sorted(scored, key=lambda item: (-item[1], item[0]))


# -- random graphs ---------------------------------------------------------------------


@dataclass
class RandomGraph:
    nodes: list[Node]
    relations: list[Relation]
    questions: list[tuple[str, str, int, int]]
    pairs: list[tuple[str, str]]


def random_graph(seed: int) -> RandomGraph:
    """A small valid network: every relation joins the kinds its type allows; parallel
    relations of other types and directions; assets tied to several enterprises; often some
    isolated actors."""
    rng = random.Random(seed)
    size = rng.randint(5, 30)
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=size)
    nodes = [
        Node(f"g{seed:03d}-{kind.value[0]}{i:02d}", kind, f"{kind.value} {i} of graph {seed}")
        for i, kind in enumerate(kinds)
    ]
    by_kind: dict[NodeKind, list[str]] = {}
    for node in nodes:
        by_kind.setdefault(node.kind, []).append(node.id)
    style = seed % 3
    density = rng.uniform(0.4, 2.5)

    def strength() -> float:
        if style == 0 or (style == 2 and rng.random() < 0.5):
            return rng.choice(EVEN_STRENGTHS)
        return round(rng.uniform(0.05, 1.0), 2)

    relations: dict[tuple[str, str, str], Relation] = {}
    options = [
        (kind, source, target)
        for kind, allowed in ALLOWED_ENDPOINTS.items()
        for source, target in sorted(allowed)  # a set's order changes from run to run
        if by_kind.get(source) and by_kind.get(target)
    ]
    for _ in range(int(size * density)):
        if not options:
            break
        kind, source_kind, target_kind = rng.choice(options)
        source, target = rng.choice(by_kind[source_kind]), rng.choice(by_kind[target_kind])
        if source == target:
            continue
        relations[(source, kind.value, target)] = Relation(source, kind, target, strength())
        if kind in {RelationType.TRADES_WITH, RelationType.COLLABORATES_WITH}:
            if rng.random() < 0.25:  # the same tie written both ways, maybe of equal strength
                again = relations[(source, kind.value, target)].strength
                back = again if rng.random() < 0.5 else strength()
                relations[(target, kind.value, source)] = Relation(target, kind, source, back)
    actors = [node.id for node in nodes if node.kind in ACTOR_KINDS]
    questions, pairs = [], []
    if len(actors) >= 2:
        for _ in range(4):
            source, target = rng.sample(actors, 2)
            questions.append((source, target, rng.randint(1, 20), rng.randint(1, 6)))
        for _ in range(2):
            pairs.append(tuple(rng.sample(actors, 2)))
    return RandomGraph(nodes, list(relations.values()), questions, pairs)


def load(store, graphs: list[RandomGraph]) -> None:
    with store.transaction() as tx:
        tx.upsert_nodes([node for graph in graphs for node in graph.nodes])
        tx.upsert_relations([relation for graph in graphs for relation in graph.relations])


# -- both stores against the reference -------------------------------------------------


@pytest.mark.parametrize("batch", range(BATCHES))
def test_paths_and_introducers_equal_the_brute_force_reference(store, batch):
    seeds = range(batch * GRAPHS // BATCHES, (batch + 1) * GRAPHS // BATCHES)
    graphs = [random_graph(seed) for seed in seeds]
    load(store, graphs)
    if batch % 2:  # half the batches start with the hubs read ahead, as a server does
        store.warm_up()
    for seed, graph in zip(seeds, graphs, strict=True):
        reference = actor_graph(graph.nodes, graph.relations)
        for source, target, k, max_hops in graph.questions:
            where = f"graph {seed}: {source} -> {target}, k={k}, max_hops={max_hops}"
            expected = reference_paths(reference, source, target, k, max_hops)
            found = introduction_paths(store, source, target, k=k, max_hops=max_hops)
            assert [[n.id for n in p.nodes] for p in found] == [p for p, _ in expected], where
            for path, (nodes, score) in zip(found, expected, strict=True):
                assert math.isclose(path.score, score, rel_tol=0, abs_tol=1e-9), where
                steps = [(s.origin.id, s.relation, s.destination.id) for s in path.steps]
                assert steps == [
                    (u, reference.edges[u, v]["relation"], v)
                    for u, v in zip(nodes, nodes[1:], strict=False)
                ], where
                assert path.hops == len(nodes) - 1
        for a, b in graph.pairs:
            found = [(i.node.id, i.score) for i in introducers(store, a, b)]
            expected = reference_introducers(reference, a, b)
            assert [n for n, _ in found] == [n for n, _ in expected], f"graph {seed}: {a}, {b}"
            for (_, got), (_, want) in zip(found, expected, strict=True):
                assert math.isclose(got, want, rel_tol=0, abs_tol=1e-9)


def test_the_random_graphs_cover_the_hard_cases():
    """The generator does make what the reference test relies on."""
    graphs = [random_graph(seed) for seed in range(GRAPHS)]
    parallel = equal_scores = assets = isolated = 0
    for graph in graphs:
        pairs = [frozenset((r.source, r.target)) for r in graph.relations]
        parallel += len(pairs) != len(set(pairs))
        assets += any(r.type is RelationType.UTILIZES for r in graph.relations)
        tied = {end for r in graph.relations for end in (r.source, r.target)}
        isolated += any(n.id not in tied and n.kind in ACTOR_KINDS for n in graph.nodes)
        reference = actor_graph(graph.nodes, graph.relations)
        for source, target, k, max_hops in graph.questions:
            scores = [s for _, s in reference_paths(reference, source, target, k, max_hops)]
            equal_scores += len(scores) != len(set(scores))
    assert min(parallel, equal_scores, assets, isolated) >= 30
    assert {q[3] for g in graphs for q in g.questions} == {1, 2, 3, 4, 5, 6}
    assert {q[2] for g in graphs for q in g.questions} >= {1, 20}


# -- the rules, on hand-made networks --------------------------------------------------


def node(node_id: str, kind: NodeKind = NodeKind.ENTERPRISE) -> Node:
    return Node(node_id, kind, f"name of {node_id}")


def tie(source: str, kind: RelationType, target: str, strength: float) -> Relation:
    return Relation(source, kind, target, strength)


def test_equal_scores_go_by_fewer_hops_then_by_ids(store):
    E, T = NodeKind.ENTERPRISE, RelationType.TRADES_WITH
    store.upsert_nodes([node(i, E) for i in ("S", "A", "B", "C", "D", "T")])
    store.upsert_relations(
        [
            tie("S", T, "B", 0.5),
            tie("B", T, "T", 0.5),  # S-B-T: 0.25, 2 hops
            tie("S", T, "A", 0.5),
            tie("A", T, "T", 0.5),  # S-A-T: 0.25, 2 hops, ids before S-B-T
            tie("S", T, "C", 1.0),
            tie("C", T, "D", 0.25),
            tie("D", T, "T", 1.0),  # S-C-D-T: 0.25, 3 hops
            tie("S", T, "T", 0.25),  # S-T: 0.25, 1 hop
        ]
    )
    found = introduction_paths(store, "S", "T", k=4)
    assert [[n.id for n in p.nodes] for p in found] == [
        ["S", "T"],
        ["S", "A", "T"],
        ["S", "B", "T"],
        ["S", "C", "D", "T"],
    ]
    assert [p.score for p in found] == [0.25] * 4
    assert [[n.id for n in p.nodes] for p in introduction_paths(store, "S", "T", k=2)] == [
        ["S", "T"],
        ["S", "A", "T"],
    ]


def test_the_strongest_of_parallel_ties_counts_with_a_fixed_tie_break(store):
    store.upsert_nodes([node("E1"), node("E2"), node("F1", NodeKind.FINANCIER)])
    store.upsert_relations(
        [
            tie("E1", RelationType.TRADES_WITH, "E2", 0.4),
            tie("E2", RelationType.TRADES_WITH, "E1", 0.9),
            tie("E1", RelationType.COLLABORATES_WITH, "E2", 0.9),
            tie("F1", RelationType.LENDS_TO, "E1", 0.3),
            tie("F1", RelationType.GUARANTEES, "E1", 0.3),
        ]
    )
    (direct,) = introduction_paths(store, "E1", "E2", k=1)
    # equal strength: COLLABORATES_WITH sorts before TRADES_WITH
    assert direct.steps[0].relation == tie("E1", RelationType.COLLABORATES_WITH, "E2", 0.9)
    (financed,) = introduction_paths(store, "F1", "E2", k=1)
    assert financed.score == pytest.approx(0.3 * 0.9)
    assert [s.relation.type for s in financed.steps] == [
        RelationType.GUARANTEES,
        RelationType.COLLABORATES_WITH,
    ]


def test_paths_never_cross_an_asset(store):
    store.upsert_nodes([node("E1"), node("E2"), node("A1", NodeKind.ASSET)])
    store.upsert_relations(
        [
            tie("E1", RelationType.UTILIZES, "A1", 1.0),
            tie("E2", RelationType.UTILIZES, "A1", 1.0),
        ]
    )
    assert introduction_paths(store, "E1", "E2", max_hops=6) == []
    assert introducers(store, "E1", "E2") == []


def test_a_new_tie_changes_the_answer_at_once(store):
    store.upsert_nodes([node("E1"), node("E2"), node("E3")])
    store.upsert_relations(
        [
            tie("E1", RelationType.TRADES_WITH, "E2", 0.5),
            tie("E2", RelationType.TRADES_WITH, "E3", 0.5),
        ]
    )
    assert [p.score for p in introduction_paths(store, "E1", "E3")] == [0.25]
    store.upsert_relations([tie("E3", RelationType.TRADES_WITH, "E2", 1.0)])
    assert [p.score for p in introduction_paths(store, "E1", "E3")] == [0.5]
    store.upsert_relations([tie("E1", RelationType.COLLABORATES_WITH, "E3", 0.75)])
    assert [p.score for p in introduction_paths(store, "E1", "E3")] == [0.75, 0.5]


def test_a_changed_tie_at_a_hub_changes_the_answer_at_once(store):
    """A hub's ties may be kept between questions (Neo4j's plugin does): a write must show."""
    F, E = NodeKind.FINANCIER, NodeKind.ENTERPRISE
    spokes = [f"E{i}" for i in range(1, 7)]
    store.upsert_nodes([node("H", F), *(node(i, E) for i in spokes)])
    store.upsert_relations([tie("H", RelationType.LENDS_TO, i, 0.5) for i in spokes])
    store.warm_up()
    assert [p.score for p in introduction_paths(store, "E1", "E2")] == [0.25]
    assert [p.score for p in introduction_paths(store, "E3", "E4")] == [0.25]
    store.upsert_relations([tie("H", RelationType.LENDS_TO, "E2", 1.0)])
    assert [p.score for p in introduction_paths(store, "E1", "E2")] == [0.5]
    store.upsert_relations([tie("E5", RelationType.TRADES_WITH, "E6", 0.75)])
    found = introduction_paths(store, "E5", "E6", k=2)
    assert [([n.id for n in p.nodes], p.score) for p in found] == [
        (["E5", "E6"], 0.75),
        (["E5", "H", "E6"], 0.25),
    ]
    with store.transaction() as tx:
        tx.upsert_nodes([node("E7", E)])
        tx.upsert_relations([tie("H", RelationType.LENDS_TO, "E7", 1.0)])
    assert [p.score for p in introduction_paths(store, "E7", "E2")] == [1.0]


def test_introductions_on_the_small_network(store, small_dataset):
    load_dataset(small_dataset, store)
    found = introduction_paths(store, "E1", "F1", k=3)
    assert [[n.id for n in p.nodes] for p in found] == [
        ["E1", "F1"],
        ["E1", "C1", "F1"],
        ["E1", "S1", "F1"],
    ]
    assert found[2].explanation == (
        "Ask Sato Hanako (a specialist of Tokyo Chamber of Commerce, formerly at Tokyo Credit "
        "Guarantee Corporation) to introduce 山田製作所 to Tokyo Credit Guarantee Corporation: "
        "they advise the firm and worked at the guarantee corporation."
    )
    assert introduction_paths(store, "E4", "E1") == []
    assert [(i.node.id, round(i.score, 9)) for i in introducers(store, "E1", "F1")] == [
        ("C1", 0.72),
        ("S1", 0.63),
    ]


@pytest.mark.parametrize(
    ("source", "target", "options", "error", "words"),
    [
        ("E1", "F1", {"k": 0}, InvalidArgument, "k must be a whole number from 1 to 20"),
        ("E1", "F1", {"k": 21}, InvalidArgument, "got 21"),
        ("E1", "F1", {"k": 2.5}, InvalidArgument, "k must be a whole number"),
        ("E1", "F1", {"max_hops": 0}, InvalidArgument, "max_hops must be a whole number from 1"),
        ("E1", "F1", {"max_hops": 7}, InvalidArgument, "from 1 to 6, got 7"),
        ("E1", "E1", {}, InvalidArgument, "both 'E1'"),
        ("E1", "A1", {}, InvalidArgument, "'A1' is an Asset, not an actor"),
        ("NOPE", "E1", {}, NotFound, "no node with id 'NOPE'"),
    ],
)
def test_bad_questions_are_refused(store, small_dataset, source, target, options, error, words):
    load_dataset(small_dataset, store)
    with pytest.raises(error, match=words):
        introduction_paths(store, source, target, **options)


def test_bad_introducer_questions_are_refused(store, small_dataset):
    load_dataset(small_dataset, store)
    with pytest.raises(InvalidArgument, match="both 'C1'"):
        introducers(store, "C1", "C1")
    with pytest.raises(InvalidArgument, match="not an actor"):
        introducers(store, "A2", "E3")
    with pytest.raises(NotFound):
        introducers(store, "E1", "E404")


@pytest.mark.parametrize("bad", [0, 7, True, "4", 4.0, "4} RETURN 1 //"])
def test_only_whole_hop_counts_are_spliced_into_the_statement(bad):
    with pytest.raises(ValueError, match="max_hops"):
        cypher.k_best_paths(bad)
    assert "{1,3}" in cypher.k_best_paths(6) and "{0,3}" in cypher.k_best_paths(6)


@pytest.mark.parametrize("dated", [False, True], ids=["whole-history", "as-of-today"])
@pytest.mark.parametrize("restricted", [False, True], ids=["sees-all", "analyst"])
def test_an_introduction_is_one_round_trip_with_the_plugin(
    store, variant, small_dataset, dated, restricted
):
    """With rsn's plugin, the ends, the paths, their nodes and the background of a specialist
    who introduces first come in one statement; every variant gives the introductions that
    the store's reads in turn give (the ends, the paths, the nodes, the specialist's ties)."""
    from graph.store.ports import GraphStore
    from graph.valid_time import today
    from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, Visibility

    load_dataset(small_dataset, store)
    seeing = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES) if restricted else None
    reading = store.as_of(today()) if dated else store
    statements: list[str] = []
    backend, procedures = variant
    if backend is Backend.NEO4J:
        assert store.paths_in_database is procedures  # looked up once, before counting
        read = store._read

        def counted(query: str, **params):
            statements.append(query)
            return read(query, **params)

        store._read = counted
    found = introduction_paths(reading, "E1", "F1", k=3, visibility=seeing)
    if backend is Backend.NEO4J:
        store._read = read
        if procedures:
            assert len(statements) == 1
            assert statements[0].count(f"CALL {cypher.PATHS_PROCEDURE}(") == 1
        else:  # the ends, one statement per threshold, the nodes, the specialist's ties
            assert len(statements) > 2
    # the same as the store's reads in turn, and the specialist's background read apart
    search = GraphStore.introduction_search(reading, "E1", "F1", 3, 4, None, seeing)
    assert search.background == {}
    assert found == describe(reading, search.paths, search.nodes, seeing)
    assert [[n.id for n in p.nodes] for p in found] == [list(p.nodes) for p in search.paths]
    # a specialist introduces first, unless the analyst does not see the tie to the lender
    assert restricted or any(p.nodes[1].kind is NodeKind.SPECIALIST for p in found)
