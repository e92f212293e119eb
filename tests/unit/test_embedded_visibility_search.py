"""The embedded store's introduction search on the ties a caller may see.

Random graphs, each with a random caller (entitled to some of its enterprises, and the
contributor ``cx``, which asserted some confidential ties: alone, beside another
contributor, or asserted and then retracted): the search with the caller's visibility must
equal the plain search on a second store loaded with only the visible ties, and a brute
force on those ties; over the whole history, today and past days. Then hubs (a lender of
hundreds), a contributor's own ties, and caches kept across writes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

import networkx as nx
import pytest

from graph.model import (
    ALLOWED_ENDPOINTS,
    INTRODUCTION_TIE_TYPES,
    Node,
    NodeKind,
    Relation,
    RelationType,
    ScoredPath,
)
from graph.provenance import Attribution, relation_record
from graph.queries.referrals import Caller, create_referral, move_referral
from graph.queries.visibility import visibility_of
from graph.store.embedded import EmbeddedStore
from graph.valid_time import Day, exists_on, holds_on, today
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, EVERYTHING, Viewer, Visibility

T = RelationType
CX = "cx"
#: Confidential types that put a confidential and an open tie between the same two
#: enterprises, and make centres' collaborations confidential (never their referrals').
WIDER_TYPES = DEFAULT_CONFIDENTIAL_TYPES | {T.TRADES_WITH, T.COLLABORATES_WITH}
STRENGTHS = (0.2, 0.4, 0.5, 0.8, 1.0)
KIND_PREFIX = {
    NodeKind.ENTERPRISE: "E",
    NodeKind.CENTRE: "C",
    NodeKind.FINANCIER: "F",
    NodeKind.SPECIALIST: "S",
}


def days_from_today(days: int) -> Day:
    return (date.fromisoformat(today()) + timedelta(days=days)).isoformat()


#: The days the searches are asked on: the whole history, today and two past days.
DAYS: tuple[Day | None, ...] = (None, today(), "2012-06-01", "2017-06-01")


@dataclass
class Graph:
    """A random graph of ``prefix``-named nodes, how its relations are written, and a
    caller."""

    prefix: str
    nodes: list[Node]
    relations: list[Relation]
    visibility: Visibility
    #: keys of relations written by cx alone, by cx beside ``local``, and by cx then
    #: retracted by it
    alone: set[tuple] = field(default_factory=set)
    both: set[tuple] = field(default_factory=set)
    retracted: set[tuple] = field(default_factory=set)
    #: centres whose referrals between them are completed
    referrals: list[tuple[str, str]] = field(default_factory=list)
    questions: list[tuple[str, str, int, int]] = field(default_factory=list)

    def ids(self, kind: NodeKind) -> list[str]:
        return [n.id for n in self.nodes if n.kind is kind]


def random_graph(seed: int, types: frozenset[RelationType] = DEFAULT_CONFIDENTIAL_TYPES) -> Graph:
    rng = random.Random(seed)
    prefix = f"g{seed}-"
    counts = {
        NodeKind.ENTERPRISE: rng.randint(5, 12),
        NodeKind.CENTRE: rng.randint(2, 4),
        NodeKind.FINANCIER: rng.randint(1, 3),
        NodeKind.SPECIALIST: rng.randint(1, 3),
    }
    nodes = []
    for kind, count in counts.items():
        for i in range(count):
            props: dict[str, object] = {"prefecture": "13"}
            if rng.random() < 0.1:
                props["founded"] = 2015
            elif rng.random() < 0.1:
                props["ended"] = "2016-04-01"
            nodes.append(Node(f"{prefix}{KIND_PREFIX[kind]}{i}", kind, f"n{i}", props))
    by_kind = {kind: [n.id for n in nodes if n.kind is kind] for kind in counts}
    relations: dict[tuple, Relation] = {}
    for _ in range(rng.randint(10, 40)):
        kind = rng.choice(INTRODUCTION_TIE_TYPES)
        source_kind, target_kind = rng.choice(sorted(ALLOWED_ENDPOINTS[kind]))
        source, target = rng.choice(by_kind[source_kind]), rng.choice(by_kind[target_kind])
        if source == target:
            continue
        since = until = None
        if rng.random() < 0.3:
            since = rng.choice(("2010-01-01", "2014-01-01"))
            until = rng.choice((None, "2015-01-01", "2030-01-01"))
        relations[source, kind, target] = Relation(
            source, kind, target, rng.choice(STRENGTHS), since, until
        )
    entitled = frozenset(
        e for e in by_kind[NodeKind.ENTERPRISE] if rng.random() < rng.choice((0.0, 0.2, 0.5))
    )
    visibility = Visibility(
        types=types, enterprises=entitled, contributor=CX if rng.random() < 0.8 else None
    )
    graph = Graph(prefix, nodes, list(relations.values()), visibility)
    for key, relation in relations.items():
        if relation.type in types and rng.random() < 0.35:
            bucket = rng.choice((graph.alone, graph.alone, graph.both, graph.retracted))
            bucket.add(key)
    centres = by_kind[NodeKind.CENTRE]
    if rng.random() < 0.4:
        graph.referrals = [tuple(rng.sample(centres, 2)) for _ in range(rng.randint(1, 3))]
    actors = [n.id for n in nodes]
    for _ in range(6):
        source, target = rng.sample(actors, 2)
        graph.questions.append((source, target, rng.randint(1, 4), rng.randint(1, 5)))
    return graph


def write_graphs(store: EmbeddedStore, graphs: list[Graph]) -> None:
    """Every relation by ``local`` but cx's own; then cx's assertions; then its
    retractions; then the completed referrals."""
    alone = {key for g in graphs for key in g.alone | g.retracted}
    with store.transaction() as tx:
        tx.upsert_nodes([n for g in graphs for n in g.nodes])
        tx.upsert_relations([r for g in graphs for r in g.relations if r.key not in alone])
    mine = [r for g in graphs for r in g.relations if r.key in g.alone | g.both | g.retracted]
    if mine:
        with store.transaction(Attribution(contributor=CX)) as tx:
            tx.upsert_relations(mine)
    retracted = [relation_record(*key) for g in graphs for key in g.retracted]
    if retracted:
        with store.transaction(Attribution(contributor=CX)) as tx:
            tx.retract(retracted, CX)
    for g in graphs:
        for number, (sender, receiver) in enumerate(g.referrals):
            complete_referral(store, sender, receiver, g.ids(NodeKind.ENTERPRISE)[number])


def complete_referral(store: EmbeddedStore, sender: str, receiver: str, firm: str) -> None:
    referral, _ = create_referral(store, Caller("s", centre=sender), firm, receiver, "export")
    for status in ("accepted", "in_progress", "completed"):
        move_referral(store, Caller("r", centre=receiver), referral.id, status, outcome="done")


def asserters(store: EmbeddedStore, relations: Iterable[Relation]) -> dict[tuple, set[str]]:
    """Who asserted each of ``relations``, read from the store's provenance."""
    relations = list(relations)
    found = store.provenance(relation_record(*r.key) for r in relations)
    return {
        r.key: {a.contributor for a in found.get(relation_record(*r.key), [])} for r in relations
    }


def visible_relations(store: EmbeddedStore, graph: Graph) -> list[Relation]:
    """The relations of ``graph`` as stored that its caller sees, by the model's rule."""
    stored = [r for r in store.iter_relations() if r.source.startswith(graph.prefix)]
    by = asserters(store, stored)
    return [r for r in stored if graph.visibility.sees(r, by[r.key])]


def brute_force(
    store: EmbeddedStore,
    visible: list[Relation],
    source: str,
    target: str,
    k: int,
    max_hops: int,
    day: Day | None,
) -> list[tuple[tuple[str, ...], float]]:
    """The k best paths by enumerating every simple path on the visible ties (and the
    referral ties of ``store``) as of ``day``."""
    nodes = store.get_nodes({r.source for r in visible} | {r.target for r in visible})

    def exists(node_id: str) -> bool:
        return day is None or exists_on(nodes[node_id].props, day)

    reference = nx.Graph()
    ties = [
        r
        for r in visible
        if r.type in INTRODUCTION_TIE_TYPES
        and (day is None or holds_on(r.since, r.until, day))
        and exists(r.source)
        and exists(r.target)
    ]
    centres = {r.source for r in visible} | {r.target for r in visible}
    ties += [t for c in centres for t in store.derived_ties(c, day)]
    for r in ties:
        if r.source not in reference or r.target not in reference[r.source]:
            reference.add_edge(r.source, r.target, strength=r.strength)
        else:
            edge = reference[r.source][r.target]
            edge["strength"] = max(edge["strength"], r.strength)
    if source not in reference or target not in reference:
        return []
    scored = []
    for path in nx.all_simple_paths(reference, source, target, cutoff=max_hops):
        score = math.prod(reference[u][v]["strength"] for u, v in pairwise(path))
        scored.append((tuple(path), score))
    scored.sort(key=lambda item: (-item[1], len(item[0]), item[0]))
    return scored[:k]


def same(found: list[ScoredPath], expected: list[tuple[tuple[str, ...], float]]) -> bool:
    return [p.nodes for p in found] == [nodes for nodes, _ in expected] and all(
        math.isclose(p.score, score, rel_tol=0, abs_tol=1e-12)
        for p, (_, score) in zip(found, expected, strict=True)
    )


@pytest.fixture
def stores(tmp_path):
    with (
        EmbeddedStore(tmp_path / "one", watch_seconds=None) as one,
        EmbeddedStore(tmp_path / "visible", watch_seconds=None) as visible,
    ):
        yield one, visible


def load_visible(store: EmbeddedStore, graphs: list[Graph], relations: list[Relation]) -> None:
    """Load the graphs' nodes and only ``relations`` into ``store``, with the same
    completed referrals."""
    with store.transaction() as tx:
        tx.upsert_nodes([n for g in graphs for n in g.nodes])
        tx.upsert_relations(relations)
    for g in graphs:
        for number, (sender, receiver) in enumerate(g.referrals):
            complete_referral(store, sender, receiver, g.ids(NodeKind.ENTERPRISE)[number])


@pytest.mark.parametrize(
    ("seeds", "types"),
    [
        (range(0, 40), DEFAULT_CONFIDENTIAL_TYPES),
        (range(40, 80), DEFAULT_CONFIDENTIAL_TYPES),
        (range(80, 120), WIDER_TYPES),
    ],
    ids=["default-a", "default-b", "wider"],
)
def test_the_filtered_search_equals_a_store_of_visible_ties_and_brute_force(stores, seeds, types):
    one, other = stores
    graphs = [random_graph(seed, types) for seed in seeds]
    write_graphs(one, graphs)
    visible = {g.prefix: visible_relations(one, g) for g in graphs}
    load_visible(other, graphs, [r for relations in visible.values() for r in relations])
    asked = hidden = through_asserted = found_any = 0
    for g in graphs:
        hidden += sum(1 for r in g.relations if r.type in types) - sum(
            1 for r in visible[g.prefix] if r.type in types
        )
        for source, target, k, max_hops in g.questions:
            for day in DAYS:
                where = f"{g.prefix} {source}->{target} k={k} hops={max_hops} day={day}"
                found = one.best_paths(source, target, k, max_hops, day, g.visibility)
                assert found == other.best_paths(source, target, k, max_hops, day), where
                expected = brute_force(one, visible[g.prefix], source, target, k, max_hops, day)
                assert same(found, expected), where
                asked += 1
                found_any += bool(found)
                through_asserted += any(
                    r.type in types and not g.visibility.entitled(r)
                    for p in found
                    for r in p.relations
                )
    assert asked == len(graphs) * 6 * len(DAYS)
    assert hidden > 0 and found_any > asked // 4
    assert through_asserted > 0  # paths do go through ties seen only as asserted


def test_an_admin_and_an_unrestricted_caller_search_the_whole_graph(stores):
    one, _ = stores
    graphs = [random_graph(seed) for seed in range(200, 230)]
    write_graphs(one, graphs)
    nothing_confidential = Visibility(types=frozenset(), contributor=CX)
    through_hidden = 0
    for g in graphs:
        for source, target, k, max_hops in g.questions:
            for day in DAYS:
                whole = one.best_paths(source, target, k, max_hops, day)
                assert one.best_paths(source, target, k, max_hops, day, EVERYTHING) == whole
                assert (
                    one.best_paths(source, target, k, max_hops, day, nothing_confidential) == whole
                )
                through_hidden += whole != one.best_paths(
                    source, target, k, max_hops, day, g.visibility
                )
    assert through_hidden > 0


# -- hubs --------------------------------------------------------------------------------


def hub_graph(lent: int, worked: int) -> tuple[list[Node], list[Relation]]:
    """A lender F0 to ``lent`` enterprises (and partner of a few centres), a specialist S0
    who worked at ``worked`` of them (open ties) and advises some of them, more strongly
    or more weakly; and enterprises trading in a ring."""
    rng = random.Random(lent * 31 + worked)
    firms = [f"E{i}" for i in range(max(lent, worked))]
    nodes = [Node(f, NodeKind.ENTERPRISE, f, {"prefecture": "13"}) for f in firms]
    nodes += [Node(f"C{i}", NodeKind.CENTRE, "c", {"prefecture": "13"}) for i in range(5)]
    nodes += [
        Node("F0", NodeKind.FINANCIER, "bank", {"prefecture": "13"}),
        Node("S0", NodeKind.SPECIALIST, "sp", {"prefecture": "13"}),
    ]
    relations = [Relation("F0", T.LENDS_TO, f, rng.choice(STRENGTHS)) for f in firms[:lent]]
    relations += [
        Relation("F0", T.GUARANTEES, f, rng.choice(STRENGTHS)) for f in firms[: lent // 3]
    ]
    relations += [Relation(f"C{i}", T.PARTNERS_WITH, "F0", 0.5) for i in range(5)]
    relations += [Relation("S0", T.WORKED_AT, f, rng.choice(STRENGTHS)) for f in firms[:worked]]
    relations += [Relation("S0", T.ADVISES, f, rng.choice(STRENGTHS)) for f in firms[: worked // 2]]
    relations += [Relation(a, T.TRADES_WITH, b, rng.choice(STRENGTHS)) for a, b in pairwise(firms)]
    relations += [Relation(f"C{i}", T.SUPPORTS, f, 0.6) for i, f in enumerate(firms[:5])]
    return nodes, relations


@pytest.mark.parametrize(("lent", "worked"), [(400, 40), (30, 300)])
@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 1.0])
def test_a_hub_shows_only_the_ties_the_caller_sees(tmp_path, lent, worked, share):
    nodes, relations = hub_graph(lent, worked)
    rng = random.Random(int(share * 100) + lent)
    firms = [n.id for n in nodes if n.kind is NodeKind.ENTERPRISE]
    entitled = frozenset(f for f in firms if rng.random() < share)
    mine = [r for r in relations if r.type in DEFAULT_CONFIDENTIAL_TYPES and rng.random() < 0.02]
    visibility = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, enterprises=entitled, contributor=CX)
    mine_keys = {r.key for r in mine}
    seen = [r for r in relations if visibility.entitled(r) or r.key in mine_keys]
    with (
        EmbeddedStore(tmp_path / "one", watch_seconds=None) as one,
        EmbeddedStore(tmp_path / "visible", watch_seconds=None) as other,
    ):
        with one.transaction() as tx:
            tx.upsert_nodes(nodes)
            tx.upsert_relations([r for r in relations if r.key not in mine_keys])
        with one.transaction(Attribution(contributor=CX)) as tx:
            tx.upsert_relations(mine)
        with other.transaction() as tx:
            tx.upsert_nodes(nodes)
            tx.upsert_relations(seen)
        asserted = one._asserted_by(CX, visibility.types)
        with one._read_lock:
            for node in nodes:
                for day in (None, today()):
                    shown = one._visible_ties(node.id, day, visibility, asserted)
                    assert shown == other._introduction_ties(node.id, day), node.id
        pairs = [("E1", "E2"), ("E0", firms[-1]), ("C0", "E7"), ("S0", "C3"), ("F0", "E3")]
        pairs += [tuple(rng.sample(firms, 2)) for _ in range(20)]
        for source, target in pairs:
            for k, max_hops in ((1, 2), (3, 4), (5, 6)):
                assert one.best_paths(source, target, k, max_hops, today(), visibility) == (
                    other.best_paths(source, target, k, max_hops, today())
                ), (source, target, k, max_hops)


def test_a_hidden_strong_tie_does_not_lift_a_weaker_visible_one(tmp_path):
    nodes = [
        Node("E1", NodeKind.ENTERPRISE, "a"),
        Node("E2", NodeKind.ENTERPRISE, "b"),
        Node("S1", NodeKind.SPECIALIST, "s"),
    ]
    relations = [
        Relation("S1", T.WORKED_AT, "E1", 0.3),
        Relation("S1", T.ADVISES, "E1", 0.9),  # confidential, stronger
        Relation("S1", T.WORKED_AT, "E2", 0.5),
    ]
    with EmbeddedStore(tmp_path / "s", watch_seconds=None) as store:
        with store.transaction() as tx:
            tx.upsert_nodes(nodes)
            tx.upsert_relations(relations)
        (admin,) = store.best_paths("E1", "E2", 3, 2)
        assert admin.score == pytest.approx(0.9 * 0.5)
        assert admin.relations[0].type is T.ADVISES
        analyst = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES)
        (seen,) = store.best_paths("E1", "E2", 3, 2, visibility=analyst)
        assert seen.score == pytest.approx(0.3 * 0.5)
        assert [r.type for r in seen.relations] == [T.WORKED_AT, T.WORKED_AT]
        # the enterprise's centre sees the advice
        theirs = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, enterprises=frozenset({"E1"}))
        (seen,) = store.best_paths("E1", "E2", 3, 2, visibility=theirs)
        assert seen == admin


# -- a contributor's own ties ------------------------------------------------------------


def test_a_contributor_sees_the_confidential_ties_it_asserted_in_either_form(tmp_path):
    """cx asserts F1->E1 alone (kept in the row), F1->E2 after ``local`` (kept in
    provenance), F1->E3 and then retracts it; ``other`` asserts F1->E4 alone."""
    nodes = [Node(f"E{i}", NodeKind.ENTERPRISE, "e") for i in range(1, 6)]
    nodes.append(Node("F1", NodeKind.FINANCIER, "bank"))
    lends = {f"E{i}": Relation("F1", T.LENDS_TO, f"E{i}", 0.5) for i in range(1, 6)}
    with EmbeddedStore(tmp_path / "s", watch_seconds=None) as store:
        with store.transaction() as tx:
            tx.upsert_nodes(nodes)
            tx.upsert_relations([lends["E2"], lends["E5"]])
        with store.transaction(Attribution(contributor=CX)) as tx:
            tx.upsert_relations([lends["E1"], lends["E2"], lends["E3"]])
        with store.transaction(Attribution(contributor="other")) as tx:
            tx.upsert_relations([lends["E4"]])
        with store.transaction(Attribution(contributor=CX)) as tx:
            tx.retract([relation_record(*lends["E3"].key)], CX)
        mine = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, contributor=CX)
        keys = {key for found in store._asserted_by(CX, mine.types).values() for key in found}
        assert keys == {lends[e].key for e in ("E1", "E2", "E3")}
        for firm, expected in (("E1", True), ("E2", True), ("E4", False), ("E5", False)):
            found = store.best_paths("E3", firm, 3, 2, visibility=mine)
            assert bool(found) is expected, firm
        # retracted, the tie still counts as asserted, over the whole history; it ended today
        assert [p.nodes for p in store.best_paths("E3", "E1", 3, 2, visibility=mine)] == [
            ("E3", "F1", "E1")
        ]
        assert store.best_paths("E3", "E1", 3, 2, today(), mine) == []
        assert store.best_paths("E2", "E1", 3, 2, today(), mine)[0].nodes == ("E2", "F1", "E1")
        # another contributor, or none, does not see them
        analyst = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES)
        theirs = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, contributor="other")
        assert store.best_paths("E2", "E1", 3, 2, visibility=analyst) == []
        assert store.best_paths("E2", "E1", 3, 2, visibility=theirs) == []
        assert store.best_paths("E4", "E1", 3, 2, visibility=theirs) == []
        assert [p.nodes for p in store.best_paths("E4", "E5", 3, 2)] == [("E4", "F1", "E5")]


def test_the_strongest_of_several_asserted_ties_between_two_nodes_counts(tmp_path):
    firms = [f"E{i}" for i in range(10)]
    nodes = [Node(f, NodeKind.ENTERPRISE, "e") for f in firms]
    nodes.append(Node("F1", NodeKind.FINANCIER, "bank"))
    strengths = {T.LENDS_TO: 0.2, T.GUARANTEES: 0.9, T.INVESTS_IN: 0.5}
    relations = [Relation("F1", kind, f, s) for f in firms for kind, s in strengths.items()]
    mine = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, contributor=CX)
    with EmbeddedStore(tmp_path / "s", watch_seconds=None) as store:
        with store.transaction() as tx:
            tx.upsert_nodes(nodes)
        with store.transaction(Attribution(contributor=CX)) as tx:
            tx.upsert_relations(relations)
        for one, other in pairwise(firms):
            (path,) = store.best_paths(one, other, 1, 2, visibility=mine)
            assert path.score == pytest.approx(0.9 * 0.9)
            assert {r.type for r in path.relations} == {T.GUARANTEES}
        # only the weakest is cx's: it is the one seen
        with store.transaction() as tx:
            tx.delete_records([relation_record(*r.key) for r in relations])
            tx.upsert_relations([r for r in relations if r.type is not T.LENDS_TO])
        with store.transaction(Attribution(contributor=CX)) as tx:
            tx.upsert_relations([r for r in relations if r.type is T.LENDS_TO])
        (path,) = store.best_paths("E0", "E1", 1, 2, visibility=mine)
        assert path.score == pytest.approx(0.2 * 0.2)
        assert {r.type for r in path.relations} == {T.LENDS_TO}


# -- caches across writes ----------------------------------------------------------------


@pytest.fixture
def chain(tmp_path):
    """E1 - F1 - E2 by loans, E1 - E2 by a weak trade, and centre C1 with no support yet."""
    with EmbeddedStore(tmp_path / "s", watch_seconds=None) as store:
        with store.transaction() as tx:
            tx.upsert_nodes(
                [
                    Node("E1", NodeKind.ENTERPRISE, "a", {"prefecture": "13"}),
                    Node("E2", NodeKind.ENTERPRISE, "b", {"prefecture": "13"}),
                    Node("F1", NodeKind.FINANCIER, "bank", {"prefecture": "13"}),
                    Node("C1", NodeKind.CENTRE, "centre", {"prefecture": "13"}),
                ]
            )
            tx.upsert_relations(
                [
                    Relation("F1", T.LENDS_TO, "E1", 0.9),
                    Relation("F1", T.LENDS_TO, "E2", 0.9),
                    Relation("E1", T.TRADES_WITH, "E2", 0.1),
                ]
            )
        yield store


def nodes_of(paths: list[ScoredPath]) -> list[tuple[str, ...]]:
    return [p.nodes for p in paths]


def centre_sees(store: EmbeddedStore) -> Visibility:
    return visibility_of(store, Viewer("key", centre="C1"), DEFAULT_CONFIDENTIAL_TYPES)


def test_a_changed_tie_is_searched_anew(chain):
    seen = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, enterprises=frozenset({"E1", "E2"}))
    for day in (None, today()):
        assert nodes_of(chain.best_paths("E1", "E2", 2, 2, day, seen)) == [
            ("E1", "F1", "E2"),
            ("E1", "E2"),
        ]
    with chain.transaction() as tx:
        tx.upsert_relations([Relation("F1", T.LENDS_TO, "E2", 0.05)])
    for day in (None, today()):
        paths = chain.best_paths("E1", "E2", 2, 2, day, seen)
        assert nodes_of(paths) == [("E1", "E2"), ("E1", "F1", "E2")]
        assert paths[1].score == pytest.approx(0.9 * 0.05)
    with chain.transaction() as tx:
        tx.upsert_relations([Relation("F1", T.LENDS_TO, "E2", 0.9, until=days_from_today(0))])
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, today(), seen)) == [("E1", "E2")]
    assert len(chain.best_paths("E1", "E2", 2, 2, None, seen)) == 2


def test_an_assertion_written_after_a_search_is_seen(chain):
    mine = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, contributor=CX)
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]
    with chain.transaction(Attribution(contributor="other")) as tx:
        tx.upsert_relations([Relation("F1", T.LENDS_TO, "E1", 0.9)])
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]
    with chain.transaction(Attribution(contributor=CX)) as tx:
        tx.upsert_relations([Relation("F1", T.LENDS_TO, "E1", 0.9)])
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]
    with chain.transaction(Attribution(contributor=CX)) as tx:
        tx.upsert_relations([Relation("F1", T.LENDS_TO, "E2", 0.8)])
    paths = chain.best_paths("E1", "E2", 2, 2, visibility=mine)
    assert nodes_of(paths) == [("E1", "F1", "E2"), ("E1", "E2")]
    assert paths[0].score == pytest.approx(0.9 * 0.8)
    # the relation deleted outright (as a merge does), cx's assertion goes with it
    with chain.transaction() as tx:
        tx.delete_records([relation_record("F1", T.LENDS_TO, "E2")])
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]
    with chain.transaction(Attribution(contributor="other")) as tx:
        tx.upsert_relations([Relation("F1", T.LENDS_TO, "E2", 0.7)])
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]


def test_an_assertion_restored_after_a_search_is_seen(chain):
    mine = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, contributor=CX)
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]
    restored = [
        (relation_record("F1", T.LENDS_TO, e), a)
        for e in ("E1", "E2")
        for a in chain.provenance([relation_record("F1", T.LENDS_TO, e)])[
            relation_record("F1", T.LENDS_TO, e)
        ]
    ]
    with chain.transaction(Attribution(record=False)) as tx:
        tx.restore_provenance([(record, replace(a, contributor=CX)) for record, a in restored])
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine))[0] == ("E1", "F1", "E2")


def test_a_new_support_shows_the_enterprise_ties(chain):
    before = centre_sees(chain)
    assert before.enterprises == frozenset()
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, today(), before)) == [("E1", "E2")]
    assert nodes_of(chain.best_paths("C1", "F1", 2, 3, today(), before)) == []
    with chain.transaction() as tx:
        tx.upsert_relations([Relation("C1", T.SUPPORTS, "E2", 0.6)])
    after = centre_sees(chain)
    assert after.enterprises == {"E2"}
    # E2's loan is seen, E1's is not
    assert nodes_of(chain.best_paths("C1", "F1", 2, 3, today(), after)) == [("C1", "E2", "F1")]
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, today(), after)) == [("E1", "E2")]
    # the support ended: the loan is hidden again
    with chain.transaction() as tx:
        tx.upsert_relations([Relation("C1", T.SUPPORTS, "E2", 0.6, until=days_from_today(0))])
    again = centre_sees(chain)
    assert again.enterprises == frozenset()
    assert nodes_of(chain.best_paths("C1", "F1", 2, 3, today(), again)) == []


def test_a_write_of_another_process_is_seen_after_a_refresh(chain, tmp_path):
    mine = Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, contributor=CX)
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine)) == [("E1", "E2")]
    with EmbeddedStore(tmp_path / "s", watch_seconds=None) as writer:
        with writer.transaction(Attribution(contributor=CX)) as tx:
            tx.upsert_relations(
                [Relation("F1", T.LENDS_TO, "E1", 0.9), Relation("F1", T.LENDS_TO, "E2", 0.9)]
            )
    assert chain.refresh()
    assert nodes_of(chain.best_paths("E1", "E2", 2, 2, visibility=mine))[0] == ("E1", "F1", "E2")


def test_a_completed_referral_is_a_tie_nobody_is_denied(chain):
    with chain.transaction() as tx:
        tx.upsert_nodes([Node("C2", NodeKind.CENTRE, "other", {"prefecture": "13"})])
        tx.upsert_relations([Relation("C1", T.COLLABORATES_WITH, "C2", 0.3)])
    wider = Visibility(types=WIDER_TYPES)
    assert nodes_of(chain.best_paths("C1", "C2", 1, 1, visibility=wider)) == []
    complete_referral(chain, "C1", "C2", "E1")
    (path,) = chain.best_paths("C1", "C2", 1, 1, visibility=wider)
    assert path.score == pytest.approx(0.75)
    assert path.relations[0].since == today()
    (path,) = chain.best_paths("C1", "C2", 1, 1)
    assert path.score == pytest.approx(0.75)
