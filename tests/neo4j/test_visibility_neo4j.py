"""Confidential ties in the Neo4j introduction search, with rsn's plugin and in plain Cypher.

Random networks (with founding years, ends and valid times) are loaded side by side under
prefixed ids; a second contributor also asserts some of their ties (owning some, holding an
explicit assertion of others, retracting some, being the only one to assert a few), and each
network gets a random :class:`Visibility`. The search as that caller must equal, for every
question and day, both a brute-force reference on the ties the caller sees and the search of
a caller who sees everything on a copy of the network holding only those ties (loaded beside
it under other ids). The session's own server keeps the ties of nodes with 3 ties or more in
the plugin's hub cache, so the cached ways (open ties and confidential ones apart, merged per
caller) run on every network; writes between questions must show at once.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

import pytest

from graph.model import INTRODUCTION_TIE_TYPES, Node, NodeKind, Relation, RelationType, ScoredPath
from graph.provenance import DEFAULT_CONTRIBUTOR, Attribution, relation_record
from graph.queries.visibility import visibility_of
from graph.referral_lifecycle import referral_tie_strength
from graph.store import cypher
from graph.store.neo4j import Neo4jStore, _seeing
from graph.valid_time import today
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, EVERYTHING, Viewer, Visibility
from tests.conformance.test_introductions import actor_graph, reference_paths
from tests.conformance.test_valid_time import DAYS, as_of, dated_graph
from tests.conftest import _wipe_neo4j
from tests.neo4j.test_provenance_neo4j import _referral

C, E, F, S = NodeKind.CENTRE, NodeKind.ENTERPRISE, NodeKind.FINANCIER, NodeKind.SPECIALIST
AT = "2024-06-01T09:00:00.000000+00:00"
LATER = "2024-06-02T09:00:00.000000+00:00"
BATCHES = 4
GRAPHS = 16  # random networks per batch, and a hub network


@pytest.fixture(params=[True, False], ids=["neo4j", "neo4j-cypher"])
def procedures(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.fixture
def store(neo4j_server, procedures):
    _wipe_neo4j(neo4j_server)
    opened = Neo4jStore(
        neo4j_server.uri, neo4j_server.user, neo4j_server.password, procedures=procedures
    )
    assert opened.paths_in_database is procedures
    yield opened
    opened.close()


# -- networks ----------------------------------------------------------------------------


@dataclass
class Network:
    prefix: str
    nodes: list[Node]
    relations: list[Relation]
    questions: list[tuple[str, str, int, int]]


def random_network(seed: int) -> Network:
    nodes, relations, questions = dated_graph(seed)
    return Network(f"g{seed:03d}-", nodes, relations, questions)


def hub_network(seed: int) -> Network:
    """Two lenders with a tie to most enterprises, specialists advising many, centres
    supporting many: hubs whose ties are mostly confidential, parallel ties of several types
    between the same two nodes, some of them dated."""
    rng = random.Random(50_000 + seed)
    prefix = f"h{seed:03d}-"

    def ident(kind: NodeKind, i: int) -> str:
        return f"{prefix}{kind.value[0]}{i:02d}"

    counts = {F: 2, C: 2, S: 3, E: rng.randint(25, 40)}
    nodes = [
        Node(ident(kind, i), kind, f"{kind.value} {i}", {"prefecture": "13"})
        for kind, count in counts.items()
        for i in range(count)
    ]
    ids = {kind: [ident(kind, i) for i in range(count)] for kind, count in counts.items()}

    def strength() -> float:
        return rng.choice([1.0, 0.5, 0.25, 0.75]) if rng.random() < 0.5 else round(rng.random(), 2)

    def since() -> str | None:
        return rng.choice([None, None, None, *DAYS[:3]])

    relations: dict[tuple[str, str, str], Relation] = {}

    def add(source: str, kind: RelationType, target: str) -> None:
        if source != target:
            until = rng.choice([None] * 5 + DAYS[1:])
            start = since()
            if until is not None and start is not None and start >= until:
                until = None
            relations[(source, kind.value, target)] = Relation(
                source, kind, target, strength(), start, until
            )

    for lender in ids[F]:
        for enterprise in ids[E]:
            for kind, chance in (
                (RelationType.LENDS_TO, 0.8),
                (RelationType.GUARANTEES, 0.3),
                (RelationType.INVESTS_IN, 0.1),
            ):
                if rng.random() < chance:
                    add(lender, kind, enterprise)
    for specialist in ids[S]:
        for enterprise in rng.sample(ids[E], 8):
            add(specialist, RelationType.ADVISES, enterprise)
        add(specialist, RelationType.AFFILIATED_WITH, rng.choice(ids[C]))
        add(specialist, RelationType.WORKED_AT, rng.choice(ids[F]))
    for centre in ids[C]:
        for enterprise in rng.sample(ids[E], len(ids[E]) // 2):
            add(centre, RelationType.SUPPORTS, enterprise)
        add(centre, RelationType.PARTNERS_WITH, rng.choice(ids[F]))
    add(ids[C][0], RelationType.COLLABORATES_WITH, ids[C][1])
    for _ in range(len(ids[E])):
        a, b = rng.sample(ids[E], 2)
        add(a, rng.choice([RelationType.TRADES_WITH, RelationType.COLLABORATES_WITH]), b)
    actors = [node.id for node in nodes]
    questions = [  # at most 4 ties: the reference enumerates every path
        (*rng.sample(actors, 2), rng.randint(1, 12), rng.randint(1, 4)) for _ in range(10)
    ]
    return Network(prefix, nodes, list(relations.values()), questions)


def copied(network: Network, relations: list[Relation], prefix: str) -> Network:
    """``network``'s nodes and ``relations`` under ``prefix`` instead of its own."""

    def moved(node_id: str) -> str:
        return prefix + node_id[len(network.prefix) :]

    return Network(
        prefix,
        [replace(node, id=moved(node.id)) for node in network.nodes],
        [r._replace(source=moved(r.source), target=moved(r.target)) for r in relations],
        [(moved(s), moved(t), k, hops) for s, t, k, hops in network.questions],
    )


# -- who asserted what, and who sees what ---------------------------------------------------


def contributor_of(network: Network) -> str:
    return f"ctr-{network.prefix[:-1]}"


def load_with_assertions(store, networks: list[Network], rng: random.Random) -> dict[str, set]:
    """Load ``networks``; each one's contributor also asserts some of its ties: after the
    default contributor (so it owns them), before it (so it holds an explicit assertion),
    retracting some of them, and alone for a few. Returns the contributors that asserted each
    relation record."""
    by: dict[str, set[str]] = {}
    alone, mine, again, retracted = [], [], [], []
    for network in networks:
        for relation in network.relations:
            record = relation_record(*relation.key)
            roll = rng.random()
            if roll < 0.08:
                alone.append((network, relation))
                by[record] = {contributor_of(network)}
                if rng.random() < 0.3:
                    retracted.append((network, record))
                continue
            by[record] = {DEFAULT_CONTRIBUTOR}
            if roll < 0.4:
                mine.append((network, relation))
                by[record].add(contributor_of(network))
                if rng.random() < 0.4:
                    again.append(relation)
                if rng.random() < 0.3:
                    retracted.append((network, record))
    lone = {relation_record(*r.key) for _, r in alone}
    with store.transaction() as tx:
        tx.upsert_nodes([node for network in networks for node in network.nodes])
        tx.upsert_relations(
            [
                r
                for network in networks
                for r in network.relations
                if relation_record(*r.key) not in lone
            ]
        )
    for network in networks:
        name = contributor_of(network)
        with store.transaction(Attribution(name, AT)) as tx:
            tx.upsert_relations([r for n, r in mine + alone if n is network])
    with store.transaction(Attribution(DEFAULT_CONTRIBUTOR, AT)) as tx:
        tx.upsert_relations(again)  # the default contributor owns these again
    for network in networks:
        with store.transaction(Attribution(contributor_of(network), LATER)) as tx:
            tx.retract([record for n, record in retracted if n is network], contributor_of(network))
    return by


def random_visibility(network: Network, rng: random.Random) -> Visibility:
    roll = rng.random()
    if roll < 0.08:
        return Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, everything=True)
    if roll < 0.14:
        return Visibility(types=frozenset())
    if rng.random() < 0.6:
        types = DEFAULT_CONFIDENTIAL_TYPES
    else:
        types = frozenset(rng.sample(INTRODUCTION_TIE_TYPES, rng.randint(1, 5)))
    enterprises = {n.id for n in network.nodes if n.kind is E and rng.random() < 0.25}
    if rng.random() < 0.2:
        enterprises.add(f"{network.prefix}none")
    contributor = contributor_of(network) if rng.random() < 0.7 else None
    return Visibility(types=types, enterprises=frozenset(enterprises), contributor=contributor)


def stored(store, network: Network) -> list[Relation]:
    """The relations of ``network`` as the store holds them (a retraction may have ended one)."""
    return [r for r in store.iter_relations() if r.source.startswith(network.prefix)]


# -- the reference -------------------------------------------------------------------------


def expected(network: Network, visible: list[Relation], question, day):
    """The reference's k best paths on the visible ties, as (ids, score, step keys)."""
    source, target, k, hops = question
    nodes, relations = (
        (network.nodes, visible) if day is None else as_of(network.nodes, visible, day)
    )
    graph = actor_graph(nodes, relations)
    if source not in graph or target not in graph:
        return []
    found = []
    for path, score in reference_paths(graph, source, target, k, hops):
        steps = [graph.edges[u, v]["relation"] for u, v in zip(path, path[1:], strict=False)]
        found.append((tuple(path), score, [(r.key, r.strength) for r in steps]))
    return found


def answer(paths: list[ScoredPath], moved=lambda node_id: node_id):
    return [
        (
            tuple(moved(n) for n in p.nodes),
            p.score,
            [((moved(r.source), r.type, moved(r.target)), r.strength) for r in p.relations],
        )
        for p in paths
    ]


def same(found, wanted, where: str) -> None:
    assert [(ids, steps) for ids, _, steps in found] == [
        (ids, steps) for ids, _, steps in wanted
    ], where
    for (_, got, _), (_, want, _) in zip(found, wanted, strict=True):
        assert math.isclose(got, want, rel_tol=0, abs_tol=1e-9), where


# -- the search against the reference and against a store of the visible ties only ---------


@pytest.mark.parametrize("batch", range(BATCHES))
def test_the_search_sees_exactly_the_ties_the_caller_sees(store, batch):
    rng = random.Random(batch)
    networks = [random_network(batch * GRAPHS + i) for i in range(GRAPHS)]
    networks.append(hub_network(batch))
    asserted = load_with_assertions(store, networks, rng)
    seen: dict[str, tuple[Visibility, list[Relation], Network]] = {}
    every = list(store.iter_relations())
    hidden_somewhere = 0
    for network in networks:
        visibility = random_visibility(network, rng)
        relations = [r for r in every if r.source.startswith(network.prefix)]
        visible = [
            r for r in relations if visibility.sees(r, asserted.get(relation_record(*r.key), set()))
        ]
        copy = copied(network, visible, "v" + network.prefix)
        seen[network.prefix] = (visibility, visible, copy)
        hidden_somewhere += len(visible) < len(relations)
    with store.transaction() as tx:
        tx.upsert_nodes([node for _, _, copy in seen.values() for node in copy.nodes])
        tx.upsert_relations([r for _, _, copy in seen.values() for r in copy.relations])
    if batch % 2:  # a server reads its hubs ahead, for every caller
        store.warm_up()
    for day in [None, *DAYS]:
        for network in networks:
            visibility, visible, copy = seen[network.prefix]

            def back(node_id: str, copy=copy, network=network) -> str:
                return network.prefix + node_id[len(copy.prefix) :]

            for question, moved in zip(network.questions, copy.questions, strict=True):
                where = f"{network.prefix} {question} on {day} as {visibility}"
                wanted = expected(network, visible, question, day)
                found = store.best_paths(*question, day=day, visibility=visibility)
                same(answer(found), wanted, where)
                on_copy = store.best_paths(*moved, day=day, visibility=None)
                same(answer(on_copy, back), wanted, where + " (the copy)")
    assert hidden_somewhere >= 3  # the visibilities did hide ties


def test_networks_and_assertions_cover_the_hard_cases():
    """The generator makes hubs with parallel confidential and open ties; the assertions
    cover every way a contributor can have asserted a tie."""
    network = hub_network(0)
    pairs: dict[frozenset[str], set[RelationType]] = {}
    for r in network.relations:
        pairs.setdefault(frozenset((r.source, r.target)), set()).add(r.type)
    mixed = [
        kinds for kinds in pairs.values() if kinds & DEFAULT_CONFIDENTIAL_TYPES and len(kinds) > 1
    ]
    assert mixed
    degree: dict[str, int] = {}
    for r in network.relations:
        for end in (r.source, r.target):
            degree[end] = degree.get(end, 0) + 1
    assert max(degree.values()) >= 20


# -- the hub cache follows writes -------------------------------------------------------------


def _check_centre(store, network: Network, centre: str, days) -> Visibility:
    """The centre's search (what it sees worked out anew, as the API does) and an admin's,
    against the reference on what each sees, for every question and day."""
    visibility = visibility_of(store, Viewer(centre, centre=centre), DEFAULT_CONFIDENTIAL_TYPES)
    relations = stored(store, network)
    provenance = store.provenance([relation_record(*r.key) for r in relations])
    by = {record: {a.contributor for a in found} for record, found in provenance.items()}
    visible = [r for r in relations if visibility.sees(r, by.get(relation_record(*r.key), ()))]
    assert len(visible) < len(relations)
    for day in days:
        for question in network.questions:
            where = f"{question} on {day} as {visibility}"
            found = store.best_paths(*question, day=day, visibility=visibility)
            same(answer(found), expected(network, visible, question, day), where)
            found = store.best_paths(*question, day=day, visibility=EVERYTHING)
            same(answer(found), expected(network, relations, question, day), where + " (admin)")
    return visibility


def test_answers_follow_writes_at_once(store):
    network = hub_network(7)
    lender, centre = f"{network.prefix}F00", f"{network.prefix}C00"
    with store.transaction() as tx:
        tx.upsert_nodes(network.nodes)
        tx.upsert_relations(network.relations)
    enterprises = [n.id for n in network.nodes if n.kind is E]
    network.questions += [(lender, e, 5, 3) for e in enterprises[:4]]
    network.questions += [(centre, e, 5, 4) for e in enterprises[-4:]]
    days = [None, today()]
    visibility = _check_centre(store, network, centre, days)
    _check_centre(store, network, centre, days)  # from the hub cache now
    supported = sorted(visibility.enterprises)
    others = [e for e in enterprises if e not in visibility.enterprises]

    def write(by: str = DEFAULT_CONTRIBUTOR, at: str | None = None):
        return store.transaction(Attribution(by, at or today() + "T00:00:00.000000+00:00"))

    # a strong confidential tie to an enterprise the centre supports: seen
    with write() as tx:
        tx.upsert_relations([Relation(lender, RelationType.LENDS_TO, supported[0], 1.0)])
    _check_centre(store, network, centre, days)
    # one to an enterprise it does not support: hidden, but an admin sees it
    with write() as tx:
        tx.upsert_relations([Relation(lender, RelationType.INVESTS_IN, others[0], 1.0)])
    _check_centre(store, network, centre, days)
    # the centre asserts a confidential tie it could not see: seen from now on
    hidden = next(
        r
        for r in stored(store, network)
        if r.type in DEFAULT_CONFIDENTIAL_TYPES
        and r.source == lender
        and r.target not in visibility.enterprises
    )
    with write(centre) as tx:
        tx.upsert_relations([hidden])
    _check_centre(store, network, centre, days)
    # it supports one more enterprise, whose confidential ties it sees from now on
    with write() as tx:
        tx.upsert_relations([Relation(centre, RelationType.SUPPORTS, others[1], 0.5)])
    assert others[1] in _check_centre(store, network, centre, days).enterprises
    # a confidential tie it saw is deleted
    with write() as tx:
        tx.delete_records([relation_record(lender, RelationType.LENDS_TO, supported[0])])
    _check_centre(store, network, centre, days)
    # it stops supporting one (today it no longer does), and takes its assertion back (a
    # retracted assertion still shows the tie to the centre that made it)
    with write() as tx:
        tx.retract([relation_record(centre, RelationType.SUPPORTS, supported[1])], None)
    with write(centre) as tx:
        tx.retract([relation_record(*hidden.key)], centre)
    assert supported[1] not in _check_centre(store, network, centre, days).enterprises


# -- what is never confidential, and what is shared ------------------------------------------


def test_ties_derived_from_referrals_are_never_confidential(store):
    nodes = [
        Node(node_id, kind, node_id, {"prefecture": "13"})
        for node_id, kind in (("C1", C), ("C2", C), ("E1", E))
    ]
    with store.transaction() as tx:
        tx.upsert_nodes(nodes)
        tx.upsert_relations([Relation("C1", RelationType.COLLABORATES_WITH, "C2", 0.9)])
        tx.upsert_referrals([_referral(1, "C1", "C2", "2021-01-01")])
    everything = store.best_paths("C1", "C2", 3, 2)
    assert [p.score for p in everything] == [0.9]
    hiding = Visibility(types=frozenset({RelationType.COLLABORATES_WITH}))
    for day in (None, "2022-01-01"):
        (path,) = store.best_paths("C1", "C2", 3, 2, day, hiding)
        assert path.score == referral_tie_strength(1)
        assert path.relations[0].type is RelationType.COLLABORATES_WITH
        assert path.relations[0].since == "2021-01-01"
    assert store.best_paths("C1", "C2", 3, 2, "2020-01-01", hiding) == []


def test_callers_who_see_every_tie_run_the_plain_statements():
    assert _seeing(None) is None
    assert _seeing(EVERYTHING) is None
    assert _seeing(Visibility(types=DEFAULT_CONFIDENTIAL_TYPES, everything=True)) is None
    assert _seeing(Visibility(types=frozenset())) is None
    # a confidential type no introduction walks hides nothing from the search
    assert _seeing(Visibility(types=frozenset({RelationType.UTILIZES}))) is None
    seeing = _seeing(
        Visibility(
            types=frozenset({RelationType.LENDS_TO, RelationType.UTILIZES}),
            enterprises=frozenset({"E2", "E1"}),
            contributor="C1",
        )
    )
    assert seeing == {
        "hidden": ["LENDS_TO"],
        "entitled": {"E1": True, "E2": True},
        "contributor": "C1",
        "asserted": cypher.provenance_key("C1"),
        "owner": cypher.OWNER,
        "prefix": cypher.PROVENANCE_PREFIX,
    }
    for dated in (False, True):
        assert "$seeing.hidden, $seeing.entitled" in cypher.k_best_paths_in_database(dated, True)
        assert "$seeing" not in cypher.k_best_paths_in_database(dated)
        for hops in range(1, 7):
            assert "$seeing" not in cypher.k_best_paths(hops, dated)
            restricted = cypher.k_best_paths(hops, dated, True)
            assert restricted.count("$seeing.hidden") == (3 if hops > 1 else 2)
