"""Where the network is weak: the weakness report, each finding with its next step.

The meaning is the README's (see its section on weaknesses, what-if and density). The scope
is a prefecture's **actor graph** (the actors whose prefecture is the code, and every relation
between two of them) or, without a prefecture, the whole network's. The report runs in
NetworkX on the projection of the scope (:func:`graph.store.projection.project`), with the
algorithms of :mod:`graph.algorithms`; where the store sends the projection itself
(:meth:`GraphStore.scope_projection`: the whole network on a Neo4j server with rsn's
plugin), its ties stay in the store's columns and a node's neighbours are made only when a
finding walks them (:class:`graph.algorithms.adjacency.ColumnAdjacency`). Every order that
could differ between stores (of nodes, of ties) is fixed by ids, so both stores give the
same answer:

- articulation points, bridges, isolated actors and connected components of the actor graph
  (found where the graph lives when the store can: :meth:`GraphStore.scope_cuts`);
- unfinanced enterprises (no LENDS_TO, GUARANTEES or INVESTS_IN from any financier, in or
  outside the scope), the one that reaches a financier best first (the best path is found
  where the graph lives when the store can: :meth:`GraphStore.scope_reach`, rsn's plugin on
  a Neo4j server), unsupported enterprises (no centre SUPPORTS them and no specialist
  ADVISES them) and unused assets (no enterprise UTILIZES them);
- brokers: the actors with the highest betweenness (exact on small scopes, estimated from a
  seeded sample of sources on large ones) with Burt's constraint beside it (computed where
  the graph lives when the store can: :meth:`GraphStore.scope_constraint`); the exact one is
  computed where the graph lives when the store can (:meth:`GraphStore.scope_metrics`: a
  Neo4j server with Graph Data Science), and brokers are ordered on its first
  :data:`RANKED_DIGITS` digits, so that both ways give the same brokers;
- centres over capacity: more enterprises SUPPORTed than their ``capacity``.

Every node finding carries a computed ``suggestion`` (a sentence, worded by
:mod:`graph.queries.wording`) and a ``next_step`` (the same as data): an introduction path to a
financier, a centre with room that is near (found where the graph lives when the store can:
:meth:`GraphStore.scope_nearest`), the partner centre whose tie removes a single point of
failure, enterprises that could use an asset. On the whole network, the centre or financier
is sought in the finding's prefecture first (nationwide financiers count as of every
prefecture), then in its regional block, then anywhere, and the suggestion says which. Computed
numbers are shown rounded (:func:`readable`); every order is decided on the exact ones.

What would happen if one actor left is :mod:`graph.queries.what_if`.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress, pairwise
from operator import and_, not_, xor
from typing import Any

import networkx as nx

from graph.algorithms.adjacency import (
    adjacency_of,
    degree,
    isolated,
    neighbours_of,
    strengths,
    tie_count,
    tie_data,
)
from graph.algorithms.centrality import (
    betweenness,
    burt_constraint,
    chosen_sources,
    normalised,
)
from graph.algorithms.cuts import Cut, cut_vertices
from graph.algorithms.paths import k_best_paths, ties_of
from graph.algorithms.reach import (
    Everywhere,
    Places,
    Search,
    State,
    best_reach,
    nearest,
    nearest_place_first,
    nearest_ranked,
    path_of,
)
from graph.collector import collector_off
from graph.errors import InvalidArgument
from graph.i18n import _, language
from graph.japan import ELSEWHERE, PREFECTURE_BY_CODE, SAME_PREFECTURE, nearness
from graph.model import (
    ACTOR_KINDS,
    DEFAULT_MAX_HOPS,
    FINANCING_TYPES,
    SUPPORT_TYPES,
    USE_TYPES,
    AssetCategory,
    Node,
    NodeKind,
    Relation,
    RelationType,
    Scope,
    ScoredPath,
)
from graph.queries import wording
from graph.queries.introductions import describe
from graph.queries.readable import readable
from graph.queries.regional_measures import graph_changes
from graph.queries.scope import scope_of
from graph.queries.visibility import visible_ties
from graph.store.dated import DatedStore
from graph.store.ports import (
    GraphStore,
    ScopeBetweenness,
    ScopeConstraint,
    ScopeCuts,
    ScopeNearest,
    ScopeReach,
    TieColumns,
)
from graph.store.projection import project
from graph.valid_time import Day
from graph.visibility import Visibility

__all__ = [
    "BETWEENNESS_EXACT_MAX",
    "BETWEENNESS_SEED",
    "BETWEENNESS_VISITS",
    "Bridge",
    "Broker",
    "Component",
    "DEFAULT_LIMIT",
    "FITTING_INDUSTRIES",
    "Finding",
    "KEPT_REPORTS",
    "MAX_LIMIT",
    "NextStep",
    "RANKED_DIGITS",
    "STORE_SEARCH_MIN_TIES",
    "WeaknessReport",
    "weakness_report",
]

#: How many findings of each kind a report lists by default, and at most (counts are always
#: of all of them).
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000

#: Betweenness is exact up to this many actors; above, it is estimated from sampled sources.
BETWEENNESS_EXACT_MAX = 1_000
#: The work an estimate may do, in adjacency visits: the number of sampled sources is this
#: divided by twice the edges, at least BETWEENNESS_MIN_SAMPLES.
BETWEENNESS_VISITS = 4_000_000
BETWEENNESS_MIN_SAMPLES = 16
#: The seed of the sample, so that the same graph gives the same brokers every time.
BETWEENNESS_SEED = 2008

#: From how many ties of the actor graph the report asks the store to search it where it
#: lives (:meth:`GraphStore.scope_cuts`, :meth:`GraphStore.scope_constraint`,
#: :meth:`GraphStore.scope_reach`, :meth:`GraphStore.scope_nearest`): below, searching
#: the graph the report holds costs less than the store's reading it again (a prefecture such
#: as Tokyo at 100,000 enterprises: 90,000 ties, 0.1 s less here); above, much more (the whole
#: network at 1,000,000 enterprises: 6 million ties, 50 s more here).
STORE_SEARCH_MIN_TIES = 200_000

#: The JSIC divisions that can put a regional asset of each category to use, best fit first.
FITTING_INDUSTRIES: dict[AssetCategory, tuple[str, ...]] = {
    AssetCategory.AGRICULTURAL: ("A", "B", "E", "M", "I"),
    AssetCategory.INDUSTRIAL: ("E", "D", "L", "I"),
    AssetCategory.TOURISM: ("M", "N", "H", "I"),
}

#: The relation a partner centre would make with an actor of each kind to tie it in.
_TIE_TO: dict[NodeKind, RelationType] = {
    NodeKind.ENTERPRISE: RelationType.SUPPORTS,
    NodeKind.CENTRE: RelationType.COLLABORATES_WITH,
    NodeKind.FINANCIER: RelationType.PARTNERS_WITH,
    NodeKind.SPECIALIST: RelationType.AFFILIATED_WITH,
}


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """A suggestion as data: ``action`` names it; ``targets`` are the actors to contact or tie;
    ``path`` the chain of ties to walk (ids), ``score`` its strength when it has one."""

    action: str
    targets: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    score: float | None = None


@dataclass(frozen=True)
class Finding:
    """One node the report points at, why (``details``), and what to do about it."""

    id: str
    kind: str
    name: str
    prefecture: str | None
    suggestion: str
    next_step: NextStep
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bridge:
    """A tie whose removal splits the actor graph: the strongest relation between the two
    actors, in its own direction; ``cut_off`` actors lie on the smaller side."""

    source: str
    target: str
    type: str
    strength: float
    cut_off: int


@dataclass(frozen=True)
class Component:
    """A connected part of the actor graph."""

    size: int
    has_centre: bool
    has_financier: bool
    kinds: dict[str, int]
    sample: tuple[str, ...]


@dataclass(frozen=True)
class Broker:
    """An actor many shortest paths run through; low constraint means its contacts are not
    tied to one another, so it alone bridges them."""

    id: str
    kind: str
    name: str
    betweenness: float
    constraint: float | None
    degree: int


@dataclass(frozen=True)
class WeaknessReport:
    """The weakness report of a scope (``prefecture``, None for the whole network): the size
    of its actor graph, how many findings of each kind there are (``counts``), and the first
    of each kind, the most telling first."""

    prefecture: str | None
    nodes: int
    edges: int
    counts: dict[str, int]
    articulation_points: list[Finding]
    bridges: list[Bridge]
    isolated: list[Finding]
    unfinanced_enterprises: list[Finding]
    unsupported_enterprises: list[Finding]
    unused_assets: list[Finding]
    overloaded_centres: list[Finding]
    components: list[Component]
    brokers: list[Broker]
    betweenness_sources: int
    betweenness_exact: bool
    withheld: dict[str, int] = field(default_factory=dict)
    #: The enterprises with a confidential tie on a next step or a bridge of the report (what
    #: the audit log records of an answer that showed one); empty without a visibility.
    confidential: tuple[str, ...] = ()


# -- the report -------------------------------------------------------------------------

#: What the nearest-centre search records for a node (see graph.algorithms.reach.nearest).
_Near = tuple[int, str, State | None]
#: What the best-reach search records for a node (see graph.algorithms.reach.best_reach).
_Reach = tuple[float, int, str]


@dataclass
class _Scope:
    """What every finding of one report draws on."""

    store: GraphStore
    actors: nx.Graph  # the actor graph
    nodes: dict[str, Node]  # the full records of the scope's nodes, assets too
    clients: Counter[str]  # enterprises each centre SUPPORTS, in or outside the scope
    boundary: list[Relation]
    asset_relations: list[Relation]  # the scope's relations with an asset at an end
    asset_ties: dict[str, set[str]]  # the nodes each node of the scope shares one with
    # the actor graph's own dictionaries, read once (graph.algorithms.adjacency): each
    # actor's neighbours with the data of each tie, and each actor's data
    adjacency: Mapping[str, dict[str, dict[str, Any]]]
    attrs: dict[str, dict[str, Any]]
    centres: frozenset[str]  # the centres of the actor graph
    # each centre's nearness to a place (graph.japan.nearness), by place, as first needed
    centre_ranks: dict[str | None, dict[str, int]] = field(default_factory=dict)

    @property
    def neighbours(self) -> Mapping[str, Iterable[str]]:
        """Each actor's neighbours, for a search that reads no tie's data."""
        return neighbours_of(self.adjacency)

    def finding(self, node_id: str, suggestion: str, step: NextStep, **details: Any) -> Finding:
        """The finding of ``node_id`` with its suggestion and next step."""
        node = self.nodes[node_id]
        return Finding(
            id=node_id,
            kind=node.kind.value,
            name=node.name,
            prefecture=node.prefecture,
            suggestion=suggestion,
            next_step=step,
            details=details,
        )

    def room(self, centre: str) -> int | None:
        """How many more enterprises a centre can take on; None when it has no capacity."""
        capacity = self.nodes[centre].props.get("capacity")
        return None if capacity is None else int(capacity) - self.clients[centre]

    def with_room(self, centre: str) -> wording.WithRoom:
        """A centre as a suggestion names it."""
        return wording.WithRoom(self.nodes[centre], self.clients[centre], self.room(centre))

    def degree(self, node_id: str) -> int:
        """The nodes of the scope tied to ``node_id``, actors and assets."""
        return degree(self.adjacency, node_id) + len(self.asset_ties.get(node_id, ()))


def weakness_report(
    store: GraphStore,
    prefecture: str | None = None,
    limit: int = DEFAULT_LIMIT,
    visibility: Visibility | None = None,
) -> WeaknessReport:
    """The weakness report of a prefecture's actor graph (or the whole network's, for None),
    listing at most ``limit`` findings of each kind, the most telling first; ``counts`` holds
    how many there are in all.

    For a caller who may not see every confidential tie (``visibility``), the counts stay
    those of the whole graph (they reveal no firm), but the lists hold only what the caller
    may see: unfinanced enterprises whose confidential ties it sees, findings whose next step
    walks only ties it sees, bridges it sees; ``withheld`` says how many of each list were
    left out.

    The report is kept while the graph of ``store`` does not change (see :func:`_graph_of`):
    the same question (prefecture, limit, a visibility that sees the same ties, and the
    language its sentences are in) is then answered at once, with the same report object,
    which callers must not change. A few reports are kept, the least recently asked dropped
    first.

    Raises InvalidArgument for an unknown prefecture code or a limit outside 1..MAX_LIMIT.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(
            _(
                "limit must be a whole number from 1 to {most}, got {value!r}",
                most=MAX_LIMIT,
                value=limit,
            )
        )
    scope_of(prefecture)  # an unknown code is refused before anything is kept or read
    graph = _graph_of(store)
    key: tuple[object, ...] | None = None
    if graph is not None:
        inner, changes, day = graph
        key = (id(inner), changes, day, prefecture, limit, _seeing(visibility), language())
        with _keeping:
            kept = _kept.get(key)
            if kept is not None and kept[0]() is inner:
                _kept.move_to_end(key)
                return kept[1]
    with collector_off():  # the report makes many small objects that hold no cycles
        report = _report(store, prefecture, limit, visibility)
    if graph is not None and key is not None and _graph_of(store) == graph:
        with _keeping:
            _kept[key] = (weakref.ref(graph[0]), report)
            while len(_kept) > KEPT_REPORTS:
                _kept.popitem(last=False)
    return report


#: What tells two states of a store's graph apart: the store that holds the graph, its
#: count of changes, and the day a dated store reads it as of.
_Graph = tuple[GraphStore, int, Day | None]

#: How many reports :func:`weakness_report` keeps.
KEPT_REPORTS = 4

#: The kept reports, by question, each with (a weak reference to) the store it read.
_kept: OrderedDict[tuple[object, ...], tuple[weakref.ref[GraphStore], WeaknessReport]] = (
    OrderedDict()
)
_keeping = threading.Lock()


def _graph_of(store: GraphStore) -> _Graph | None:
    """The graph ``store`` reads: the store that holds it (under a store dated as of a day,
    the store it reads), that store's count of changes to its graph
    (:func:`graph.queries.regional_measures.graph_changes`), and the day it is read as of
    (None for the graph of today); None for a store that keeps no count of changes, whose
    reports are never kept."""
    day: Day | None = None
    while isinstance(store, DatedStore):
        day = store.day  # a dated store asks the one below as of its own day
        store = store.store
    changes = graph_changes(store)
    if not isinstance(changes, int):
        return None
    return store, changes, day


def _seeing(visibility: Visibility | None) -> tuple[object, ...]:
    """A key equal for two callers exactly when their reports are the same: none given;
    else whether some tie may be hidden, the confidential types (they mark what a report
    shows as confidential), and for a caller who may not see them all, the enterprises it is
    entitled to and the contributor whose assertions it sees."""
    if visibility is None:
        return ("none",)
    if not visibility.restricted:
        return ("all", visibility.types)
    return ("some", visibility.types, visibility.enterprises, visibility.contributor)


def _report(
    store: GraphStore, prefecture: str | None, limit: int, visibility: Visibility | None
) -> WeaknessReport:
    """The report :func:`weakness_report` describes, made anew."""
    scope = scope_of(prefecture)
    ctx, financed, supported = _context(store, scope)
    actors = ctx.actors
    by_kind: dict[NodeKind, list[str]] = defaultdict(list)
    for node_id, kind in actors.nodes(data="kind"):
        by_kind[kind].append(node_id)
    for ids in by_kind.values():  # by id, not in the order a store hands the nodes out
        ids.sort()

    # counted on the adjacency, not on a view of the graph: NetworkX's degree and edge views
    # refer back to the graph, which then outlives the report until the collector finds it
    edges = tie_count(ctx.adjacency)
    cuts, cut_ties, connected = _cuts(store, scope, ctx, edges)
    ranked_cuts = sorted(cuts, key=lambda v: (-cuts[v].cut_off, v))
    bridges = _bridges(ctx, cut_ties)
    lonely = sorted(isolated(ctx.adjacency))
    components = _components(ctx, connected)
    sources = _sampled_sources(actors.number_of_nodes(), edges)
    computed = (
        _exact_betweenness(store, scope, ctx, edges, cuts, cut_ties) if sources is None else None
    )
    if computed is None:
        values, used = _betweenness(store, scope, ctx, edges, sources)
    else:
        values, used = computed, len(computed)
    brokers = _brokers(store, scope, ctx, edges, values, limit)

    used_assets: set[str] = set()
    for relation in ctx.asset_relations:
        if relation.type in USE_TYPES:
            used_assets.update((relation.source, relation.target))
    for relation in ctx.boundary:
        if relation.type in FINANCING_TYPES:
            financed.add(relation.target)
        elif relation.type in SUPPORT_TYPES:
            supported.add(relation.target)
        elif relation.type in USE_TYPES:
            used_assets.add(relation.target)
    enterprises = by_kind[NodeKind.ENTERPRISE]
    unfinanced = [e for e in enterprises if e not in financed]
    unsupported = [e for e in enterprises if e not in supported]
    assets = sorted(n for n, node in ctx.nodes.items() if node.kind is NodeKind.ASSET)
    unused = [a for a in assets if a not in used_assets]
    overloaded = sorted(
        (c for c in by_kind[NodeKind.CENTRE] if (ctx.room(c) or 0) < 0),
        key=lambda c: (ctx.room(c), c),
    )

    rooms = _centres_with_room(ctx, by_kind[NodeKind.CENTRE])
    # on the whole network, the nearest place first: the prefecture, then the regional block
    levels = _place_levels(actors) if scope.prefecture is None else ()

    near_room = _nearest_rooms(
        store,
        scope,
        ctx,
        edges,
        _with_a_source(connected, rooms, [*unsupported[:limit], *overloaded[:limit]]),
        rooms,
        levels,
    )
    financiers = by_kind[NodeKind.FINANCIER]
    reach = _best_reach(store, scope, ctx, edges, financiers, unfinanced)
    unfinanced.sort(key=lambda e: (-(reach.get(e) or (-1.0,))[0], e))

    def search_reach(
        sources: list[str], places: Places | None, wanted: list[str]
    ) -> Search[_Reach]:
        return best_reach(actors, sources, DEFAULT_MAX_HOPS, places) if places else reach

    restricted = visibility is not None and visibility.restricted
    seen_unfinanced = unfinanced
    if visibility is not None and restricted:
        seen_unfinanced = [e for e in unfinanced if visibility.sees_ties_of(e)]
    reach_near = nearest_place_first(
        actors, seen_unfinanced[:limit], financiers, search_reach, lambda hit: hit[2], levels
    )

    asset_users = _asset_users(ctx) if unused else ({}, {})
    picked: dict[tuple[str | None, str], list[str]] = {}  # by (prefecture, category)
    report = WeaknessReport(
        prefecture=scope.prefecture,
        nodes=actors.number_of_nodes(),
        edges=edges,
        counts={
            "articulation_points": len(cuts),
            "bridges": len(bridges),
            "isolated": len(lonely),
            "unfinanced_enterprises": len(unfinanced),
            "unsupported_enterprises": len(unsupported),
            "unused_assets": len(unused),
            "overloaded_centres": len(overloaded),
            "components": len(components),
        },
        articulation_points=[_cut_finding(ctx, cuts[v]) for v in ranked_cuts[:limit]],
        bridges=bridges[:limit],
        isolated=[_isolated_finding(ctx, v, rooms) for v in lonely[:limit]],
        unfinanced_enterprises=_unfinanced_findings(ctx, seen_unfinanced[:limit], reach_near),
        unsupported_enterprises=[
            _unsupported_finding(ctx, e, near_room, rooms) for e in unsupported[:limit]
        ],
        unused_assets=[_unused_finding(ctx, a, *asset_users, picked) for a in unused[:limit]],
        overloaded_centres=[
            _overloaded_finding(ctx, c, near_room, rooms) for c in overloaded[:limit]
        ],
        components=components[:limit],
        brokers=brokers,
        betweenness_sources=used,
        betweenness_exact=sources is None,
    )
    if visibility is None:
        return report
    return _as_seen(ctx, report, visibility, len(unfinanced) - len(seen_unfinanced))


#: The lists of a report a caller may see only part of.
_FINDING_LISTS = (
    "articulation_points",
    "isolated",
    "unfinanced_enterprises",
    "unsupported_enterprises",
    "unused_assets",
    "overloaded_centres",
)


def _as_seen(
    ctx: _Scope, report: WeaknessReport, visibility: Visibility, unfinanced_withheld: int
) -> WeaknessReport:
    """``report`` as the caller of ``visibility`` may see it: the findings whose next step
    walks a tie it may not see and the bridges it may not see are left out and counted in
    ``withheld``, with the unfinanced enterprises left out before (``unfinanced_withheld``)."""
    lists: dict[str, list[Finding]] = {name: getattr(report, name) for name in _FINDING_LISTS}
    walked: dict[tuple[str, str], Relation] = {}
    for findings in lists.values():
        for finding in findings:
            for u, v in pairwise(finding.next_step.path):
                walked[(u, v)] = _relation_on(ctx.adjacency, u, v)
    bridges = {
        (b.source, b.target): Relation(b.source, RelationType(b.type), b.target, b.strength)
        for b in report.bridges
    }
    doubtful = [r for r in (*walked.values(), *bridges.values()) if not visibility.entitled(r)]
    seen = {r.key for r in visible_ties(ctx.store, visibility, doubtful)}
    hidden = {r.key for r in doubtful} - seen

    def shown(finding: Finding) -> bool:
        return all(walked[(u, v)].key not in hidden for u, v in pairwise(finding.next_step.path))

    kept = {name: [f for f in findings if shown(f)] for name, findings in lists.items()}
    withheld = {name: len(lists[name]) - len(kept[name]) for name in _FINDING_LISTS}
    withheld["unfinanced_enterprises"] += unfinanced_withheld
    shown_bridges = [b for b in report.bridges if bridges[(b.source, b.target)].key not in hidden]
    withheld["bridges"] = len(report.bridges) - len(shown_bridges)
    shown_ties = [
        walked[(u, v)]
        for findings in kept.values()
        for finding in findings
        for u, v in pairwise(finding.next_step.path)
    ] + [bridges[(b.source, b.target)] for b in shown_bridges]
    confidential = {
        end
        for r in shown_ties
        if visibility.confidential(r)
        for end in (r.source, r.target)
        if ctx.nodes[end].kind is NodeKind.ENTERPRISE
    }
    if not visibility.restricted:
        withheld = {}
    return replace(
        report,
        articulation_points=kept["articulation_points"],
        isolated=kept["isolated"],
        unfinanced_enterprises=kept["unfinanced_enterprises"],
        unsupported_enterprises=kept["unsupported_enterprises"],
        unused_assets=kept["unused_assets"],
        overloaded_centres=kept["overloaded_centres"],
        bridges=shown_bridges,
        withheld=withheld,
        confidential=tuple(sorted(confidential)),
    )


def _context(store: GraphStore, scope: Scope) -> tuple[_Scope, set[str], set[str]]:
    """What the report draws on, and the enterprises of the scope that a financier or a
    centre or specialist of the scope finances or supports.

    The scope's graph is read and projected, or taken as the store projects it where that is
    quicker (:meth:`GraphStore.scope_projection`: the whole network on a Neo4j server with
    rsn's plugin). One pass over the ties of the actor graph finds what they say (financed,
    supported, each centre's clients: :func:`_tie_facts`), and one over the other relations
    those with an asset at an end."""
    projected = store.scope_projection(scope)
    if projected is not None:
        in_scope, actors, relations = projected.nodes, projected.actors, projected.others
        boundary: list[Relation] = []
    else:
        in_scope, relations, boundary = store.scope_graph_and_boundary(scope)
        actors = project(in_scope, relations)
    nodes = {node.id: node for node in in_scope}
    kind_of = {node.id: node.kind for node in in_scope}
    asset = NodeKind.ASSET
    asset_relations = []
    asset_ties: dict[str, set[str]] = defaultdict(set)
    for relation in relations:
        u, v = relation.source, relation.target
        u_kind, v_kind = kind_of.get(u), kind_of.get(v)
        if u_kind is None or v_kind is None:
            continue
        if u_kind is asset or v_kind is asset:
            asset_relations.append(relation)
            asset_ties[u].add(v)
            asset_ties[v].add(u)
    adjacency = adjacency_of(actors)
    if projected is not None and projected.ties is not None:
        financed, supported, clients = _column_tie_facts(projected.ties, kind_of)
    else:
        financed, supported, clients = _tie_facts(adjacency, kind_of)
    for relation in boundary:
        if relation.type is RelationType.SUPPORTS and relation.source in nodes:
            clients[relation.source] += 1
    ctx = _Scope(
        store,
        actors,
        nodes,
        clients,
        boundary,
        asset_relations,
        asset_ties,
        adjacency,
        dict(actors.nodes(data=True)),
        frozenset(n for n in actors if kind_of[n] is NodeKind.CENTRE),
    )
    return ctx, financed, supported


#: What the types of a tie tell :func:`_tie_facts`: bits for a financing type, a support
#: type, and SUPPORTS.
_FINANCING, _SUPPORT, _SUPPORTS = 1, 2, 4


def _tie_facts(
    adjacency: Mapping[str, Mapping[str, Mapping[str, Any]]], kind_of: Mapping[str, NodeKind]
) -> tuple[set[str], set[str], Counter[str]]:
    """The enterprises of the actor graph (``adjacency``) tied to another actor by a
    financing relation (financed) or a support relation (supported), and each centre's
    clients: one per pair of actors joined by SUPPORTS, counted for the pair's centre (for
    the first of two centres in the graph's order; for the later end of a pair with none).
    Each tie is looked at from both its ends; what its types say is worked out once per set
    of types."""
    said: dict[frozenset[RelationType], int] = {}
    financed: set[str] = set()
    supported: set[str] = set()
    clients: Counter[str] = Counter()
    enterprise, centre = NodeKind.ENTERPRISE, NodeKind.CENTRE
    odd: list[tuple[str, str]] = []  # SUPPORTS between two centres, or between none
    for u, around in adjacency.items():
        u_kind = kind_of[u]
        for v, data in around.items():
            types = data["types"]
            bits = said.get(types)
            if bits is None:
                bits = said[types] = _said(types)
            if not bits:
                continue
            if u_kind is enterprise:
                if bits & _FINANCING:
                    financed.add(u)
                if bits & _SUPPORT:
                    supported.add(u)
            if bits & _SUPPORTS:
                v_is_centre = kind_of[v] is centre
                if u_kind is centre and not v_is_centre:  # the pair's one centre
                    clients[u] += 1
                elif u_kind is centre or not v_is_centre:  # two centres, or none
                    odd.append((u, v))
    if odd:  # not what rsn's model allows: counted once per pair, by the graph's order
        position = {node: i for i, node in enumerate(adjacency)}
        for a, b in {(u, v) if position[u] < position[v] else (v, u) for u, v in odd}:
            clients[a if kind_of[a] is centre else b] += 1
    return financed, supported, clients


def _said(types: frozenset[RelationType]) -> int:
    """What a tie of ``types`` tells :func:`_tie_facts`, as its bits."""
    return (
        (_FINANCING if types & FINANCING_TYPES else 0)
        | (_SUPPORT if types & SUPPORT_TYPES else 0)
        | (_SUPPORTS if RelationType.SUPPORTS in types else 0)
    )


def _column_tie_facts(
    ties: TieColumns, kind_of: Mapping[str, NodeKind]
) -> tuple[set[str], set[str], Counter[str]]:
    """What :func:`_tie_facts` finds on the actor graph whose ties are ``ties``, the graph's
    order being that of ``ties.actors``: each tie read once, from its columns, and every
    loop over ties run in C (``map``, ``compress``, ``Counter``); only the SUPPORTS ties the
    model refuses, if any, are looked at one by one."""
    actors = ties.actors
    kinds = [kind_of[actor] for actor in actors]
    is_enterprise = bytes(kind is NodeKind.ENTERPRISE for kind in kinds)
    is_centre = bytes(kind is NodeKind.CENTRE for kind in kinds)
    said = {
        mask: _said(frozenset(t for i, t in enumerate(ties.types) if mask >> i & 1))
        for mask in set(ties.masks)
    }

    def ends(bit: int) -> tuple[list[int], list[int]]:
        telling = {mask: int(bits & bit != 0) for mask, bits in said.items()}
        chosen = bytes(map(telling.__getitem__, ties.masks))
        return list(compress(ties.sources, chosen)), list(compress(ties.targets, chosen))

    def enterprises(*numbers: list[int]) -> set[str]:
        found = {
            n for some in numbers for n in compress(some, map(is_enterprise.__getitem__, some))
        }
        return {actors[n] for n in found}

    financed = enterprises(*ends(_FINANCING))
    supported = enterprises(*ends(_SUPPORT))
    sources, targets = ends(_SUPPORTS)
    source_is_centre = bytes(map(is_centre.__getitem__, sources))
    target_is_centre = bytes(map(is_centre.__getitem__, targets))
    one_centre = bytes(map(xor, source_is_centre, target_is_centre))
    counted = Counter(compress(sources, map(and_, source_is_centre, one_centre)))
    counted.update(compress(targets, map(and_, target_is_centre, one_centre)))
    if one_centre.count(0):  # not what rsn's model allows: the pair's first end in order
        for a, b in compress(zip(sources, targets, strict=True), map(not_, one_centre)):
            first, second = min(a, b), max(a, b)
            counted[first if is_centre[first] else second] += 1
    clients: Counter[str] = Counter({actors[n]: count for n, count in counted.items()})
    return financed, supported, clients


def _exact_betweenness(
    store: GraphStore,
    scope: Scope,
    ctx: _Scope,
    edges: int,
    cuts: Mapping[str, Cut],
    bridges: list[tuple[str, str, int]],
) -> dict[str, float] | None:
    """The exact betweenness of every actor, computed where the graph lives when the store
    can (:meth:`GraphStore.scope_metrics`, e.g. a Neo4j server with Graph Data Science);
    None when it cannot, or when what it computed on is not the graph the report read (its
    actors, the number of ties, the cut vertices or the bridges differ: the graph changed
    between the two reads), and the report computes it itself.

    The cut vertices and bridges the store finds are only compared: the report needs the
    parts each cut vertex holds together and the side each bridge cuts off, which one
    depth-first search of its own finds with them."""
    metrics = store.scope_metrics(scope, betweenness=True)
    if metrics is None or metrics.betweenness is None:
        return None
    same = (
        metrics.nodes == len(ctx.adjacency)
        and metrics.edges == edges
        and metrics.betweenness.keys() == ctx.adjacency.keys()
        and metrics.cut_vertices == cuts.keys()
        and metrics.bridges == {frozenset((u, v)) for u, v, _side in bridges}
    )
    return metrics.betweenness if same else None


def _sampled_sources(nodes: int, edges: int) -> int | None:
    """How many sources betweenness uses: all (None) up to BETWEENNESS_EXACT_MAX actors."""
    if nodes <= BETWEENNESS_EXACT_MAX:
        return None
    return min(nodes, max(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_VISITS // max(1, 2 * edges)))


def _cuts(
    store: GraphStore, scope: Scope, ctx: _Scope, edges: int
) -> tuple[dict[str, Cut], list[tuple[str, str, int]], list[list[str]]]:
    """The cut vertices, bridges and connected parts of the actor graph, as
    :func:`cut_vertices` finds them: found where the graph lives when the store can
    (:meth:`GraphStore.scope_cuts`, e.g. a Neo4j server with rsn's plugin) and the graph has
    STORE_SEARCH_MIN_TIES ties or more, unless what the store searched is not the graph the
    report read (its number of actors or ties differ); else here."""
    if edges >= STORE_SEARCH_MIN_TIES:
        found = store.scope_cuts(scope)
        if found is not None and _same_graph(ctx, edges, found):
            return found.cuts, found.bridges, found.components
    connected: list[list[str]] = []
    cuts, bridges = cut_vertices(ctx.actors, connected)
    return cuts, bridges, connected


def _bridges(ctx: _Scope, ties: list[tuple[str, str, int]]) -> list[Bridge]:
    """Every bridge as its strongest relation, the one that cuts off most actors first."""
    found = []
    for u, v, cut_off in ties:
        data = tie_data(ctx.adjacency, u, v)
        found.append(
            Bridge(
                source=data["source"],
                target=data["target"],
                type=data["type"].value,
                strength=data["strength"],
                cut_off=cut_off,
            )
        )
    found.sort(key=lambda b: (-b.cut_off, b.source, b.target))
    return found


def _components(ctx: _Scope, connected: list[list[str]]) -> list[Component]:
    """The connected parts of the actor graph (``connected``, the nodes of each), largest
    first."""
    found = []
    attrs = ctx.attrs
    for members in connected:
        kinds = Counter(attrs[m]["kind"] for m in members)
        found.append(
            Component(
                size=len(members),
                has_centre=kinds[NodeKind.CENTRE] > 0,
                has_financier=kinds[NodeKind.FINANCIER] > 0,
                kinds={kind.value: kinds[kind] for kind in NodeKind if kind in ACTOR_KINDS},
                sample=tuple(heapq.nsmallest(5, members)),
            )
        )
    found.sort(key=lambda c: (-c.size, c.sample))
    return found


#: The significant digits of betweenness that order brokers: two computations of the same
#: exact value (in Python, or by the store) differ only in the last digits of their floats.
RANKED_DIGITS = 12


def _ranked(value: float) -> float:
    """``value`` to :data:`RANKED_DIGITS` significant digits, as brokers are ordered."""
    return float(f"{value:.{RANKED_DIGITS}g}")


def _brokers(
    store: GraphStore, scope: Scope, ctx: _Scope, edges: int, values: dict[str, float], limit: int
) -> list[Broker]:
    """The ``limit`` actors of highest betweenness (above 0; ``values``, every actor's), the
    highest first (then by id), with their constraint: computed where the graph lives when
    the store can (:meth:`GraphStore.scope_constraint`, e.g. a Neo4j server with rsn's
    plugin) and the graph has STORE_SEARCH_MIN_TIES ties or more (a broker of the whole
    network is a hub whose contacts' contacts are millions), unless what the store computed
    on is not the graph the report read (its number of actors or ties differ); else here."""
    actors, adjacency, attrs = ctx.actors, ctx.adjacency, ctx.attrs
    # each value rounded once, and only those above 0 (rounding keeps a value's sign): most
    # actors of a large scope lie on no sampled shortest path
    ranked = {v: _ranked(value) for v, value in values.items() if value > 0}
    top = heapq.nsmallest(limit, ranked, key=lambda v: (-ranked[v], v))
    constraints: Mapping[str, float | None] | None = None
    if top and edges >= STORE_SEARCH_MIN_TIES:
        found = store.scope_constraint(scope, top)
        if found is not None and _same_graph(ctx, edges, found):
            constraints = found.values
    if constraints is None:
        constraints = {v: burt_constraint(actors, v, adjacency) for v in top}
    return [
        Broker(
            id=v,
            kind=attrs[v]["kind"].value,
            name=attrs[v]["name"],
            betweenness=readable(values[v]),
            constraint=_readable_or_none(constraints[v]),
            degree=degree(adjacency, v),
        )
        for v in top
    ]


def _betweenness(
    store: GraphStore, scope: Scope, ctx: _Scope, edges: int, sources: int | None
) -> tuple[dict[str, float], int]:
    """The betweenness of every actor from ``sources`` sampled sources (None: all), as
    :func:`betweenness` computes it: summed where the graph lives when the store can
    (:meth:`GraphStore.scope_betweenness`, e.g. a Neo4j server with rsn's plugin) and the
    sums scaled here, unless what the store summed on is not the graph the report read (its
    actors or number of ties differ: the graph changed between the two reads); else here.
    Returns the values and the number of sources used."""
    nodes = sorted(ctx.adjacency)
    chosen = chosen_sources(len(nodes), sources, BETWEENNESS_SEED)
    wanted = None if len(chosen) == len(nodes) else [nodes[i] for i in chosen]
    summed = store.scope_betweenness(scope, wanted)
    if (
        summed is not None
        and _same_graph(ctx, edges, summed)
        and summed.totals.keys() == ctx.adjacency.keys()
    ):
        totals = summed.totals
        return normalised(nodes, [totals[node] for node in nodes], len(chosen)), len(chosen)
    return betweenness(ctx.actors, sources, seed=BETWEENNESS_SEED)


def _same_graph(
    ctx: _Scope,
    edges: int,
    computed: ScopeBetweenness | ScopeConstraint | ScopeCuts | ScopeReach | ScopeNearest,
) -> bool:
    """Whether what a store computed on the scope's actor graph was computed on as many
    actors and ties as the report read (``edges`` ties): if not, the graph changed between
    the two reads, and the report does not use it."""
    return computed.nodes == len(ctx.adjacency) and computed.edges == edges


def _with_a_source(
    connected: list[list[str]], sources: Iterable[str], nodes: list[str]
) -> list[str]:
    """``nodes`` that lie in a connected part of the actor graph (``connected``, the nodes of
    each part) holding one of ``sources``, in their order: the only ones a search from the
    sources can reach. A search told to stop once it has reached the nodes it wants then
    stops there, where one node it can never reach would have it walk all it can."""
    part_of = {node: i for i, members in enumerate(connected) for node in members}
    holding = {part_of[source] for source in sources}
    return [node for node in nodes if part_of[node] in holding]


#: What the report knows of the centre with room found for an actor: the ties to it, it,
#: and the path from the actor to it.
_Room = tuple[int, str, tuple[str, ...]]


def _nearest_rooms(
    store: GraphStore,
    scope: Scope,
    ctx: _Scope,
    edges: int,
    wanted: list[str],
    rooms: list[str],
    levels: Sequence[Mapping[str, str]],
) -> dict[str, _Room]:
    """For each actor of ``wanted`` that ties lead to one from, the nearest centre with room
    (of ``rooms``), the nearest place first (``levels``: each actor's prefecture, then its
    block, on the whole network; none in a prefecture), and the path to it: found where the
    graph lives when the store can (:meth:`GraphStore.scope_nearest`, e.g. a Neo4j server with
    rsn's plugin) and the graph has STORE_SEARCH_MIN_TIES ties or more, unless what the store
    searched is not the graph the report read (its number of actors or ties differ); else
    here (:func:`nearest_place_first`)."""
    if not rooms or not wanted:
        return {}
    if edges >= STORE_SEARCH_MIN_TIES:
        blocks = {code: p.block for code, p in PREFECTURE_BY_CODE.items()} if levels else {}
        found = store.scope_nearest(scope, rooms, wanted, blocks)
        if found is not None and _same_graph(ctx, edges, found):
            return found.found
    actors = ctx.actors

    def search(sources: list[str], places: Places | None, todo: list[str]) -> Search[_Near]:
        return nearest(actors, sources, places, todo)

    answers = nearest_place_first(actors, wanted, rooms, search, lambda hit: hit[1], levels)
    return {node: (hit[0], hit[1], path_of(tier, node)) for node, (tier, hit) in answers.items()}


def _best_reach(
    store: GraphStore,
    scope: Scope,
    ctx: _Scope,
    edges: int,
    financiers: list[str],
    unfinanced: list[str],
) -> Search[_Reach]:
    """The best path within DEFAULT_MAX_HOPS ties from each unfinanced enterprise to any
    financier, as :func:`best_reach` finds it: found where the graph lives when the store can
    (:meth:`GraphStore.scope_reach`, e.g. a Neo4j server with rsn's plugin) and the graph has
    STORE_SEARCH_MIN_TIES ties or more, and then for the unfinanced enterprises only (all the
    report asks about), unless what the store searched is not the graph the report read (its
    number of actors or ties differ: the graph changed between the two reads); else here,
    for every actor."""
    if not financiers or not unfinanced:  # no path to look for, or no one to ask about
        return Search({}, Everywhere(ctx.actors))
    if edges >= STORE_SEARCH_MIN_TIES:
        found = store.scope_reach(scope, financiers, DEFAULT_MAX_HOPS, unfinanced)
        if found is not None and _same_graph(ctx, edges, found):
            reached: dict[State, _Reach] = {node: hit for node, hit in found.reached.items()}
            return Search(reached, Everywhere(ctx.actors))
    return best_reach(ctx.actors, financiers, DEFAULT_MAX_HOPS)


def _readable_or_none(value: float | None) -> float | None:
    """``value`` as a person reads it (:func:`readable`); None stays None."""
    return None if value is None else readable(value)


def _centres_with_room(ctx: _Scope, centres: Iterable[str]) -> list[str]:
    """Centres that can take one more enterprise on: room left, or no capacity declared."""
    return sorted(c for c in centres if (room := ctx.room(c)) is None or room > 0)


def _place_levels(actors: nx.Graph) -> tuple[dict[str, str], dict[str, str]]:
    """Each actor's prefecture, and its regional block (none for a nationwide actor)."""
    prefectures = {n: p for n, p in actors.nodes(data="prefecture") if p in PREFECTURE_BY_CODE}
    blocks = {n: PREFECTURE_BY_CODE[p].block for n, p in prefectures.items()}
    return prefectures, blocks


def _best_centre_of(ctx: _Scope, rooms: Sequence[str], prefecture: str | None) -> str | None:
    """The centre to call first when no tie leads anywhere: the one with most room in the
    prefecture, else in its regional block (any centre, for a nationwide actor); None when
    none of those has room."""
    if prefecture is None:
        chosen = list(rooms)
    else:
        chosen = [c for c in rooms if ctx.nodes[c].prefecture == prefecture] or [
            c for c in rooms if nearness(prefecture, ctx.nodes[c].prefecture) < ELSEWHERE
        ]
    if not chosen:
        return None
    return min(chosen, key=lambda c: (ctx.room(c) is None, -(ctx.room(c) or 0), c))


# -- the findings -----------------------------------------------------------------------


def _cut_finding(ctx: _Scope, cut: Cut) -> Finding:
    """An articulation point: the partner centre that, tied to one actor of each part the
    node alone holds, would leave no part depending on it."""
    adjacency, kinds, centres = ctx.adjacency, ctx.attrs, ctx.centres
    node, parts = cut.node, cut.unsorted_parts()
    is_centre = [not centres.isdisjoint(part) for part in parts]
    hub_index = next((i for i, has in enumerate(is_centre) if has), None)
    cut_off = cut.cut_off
    details = {"cut_off": cut_off, "parts": [len(part) for part in parts]}
    record = ctx.nodes[node]
    if hub_index is None:
        return ctx.finding(
            node,
            wording.cut_vertex_without_partner(record, cut_off),
            NextStep("no_partner_centre"),
            **details,
        )
    others = {m for i, part in enumerate(parts) if i != hub_index for m in part}
    partner = _partner_centre(ctx, node, others)
    anchors = []
    weights: dict[str, float] | None = None  # the node's ties' strengths, as first needed
    for i, part in enumerate(parts):
        if i == hub_index:
            continue
        held = centres.intersection(part)
        if held:
            anchors.append(min(held))
        else:
            if weights is None:
                weights = dict(strengths(adjacency, node))
            tied = [m for m in part if m in weights]
            anchors.append(min(tied, key=lambda m: (-weights[m], m)))
    ties = [(_TIE_TO[kinds[a]["kind"]], ctx.nodes[a]) for a in anchors]
    return ctx.finding(
        node,
        wording.cut_vertex_partner(
            record, cut_off, ctx.nodes[min(parts[-1])], ctx.nodes[partner], ties
        ),
        NextStep("partner_centre", targets=(partner, *anchors)),
        **details,
    )


def _partner_centre(ctx: _Scope, start: str, barred: set[str]) -> str:
    """The centre to partner with ``start``, reached through nodes not ``barred`` (the other
    parts of its component, so that the search stays in one part): the nearest place first
    (its prefecture, then its regional block, then the rest), then the fewest ties, then the
    smallest id. Centres up to DEFAULT_MAX_HOPS ties away compete; past that, the nearest
    centre of any place is taken. Raises AssertionError when no centre is reached (the
    caller knows that the part holds one)."""
    home = ctx.attrs[start]["prefecture"]
    ranks = ctx.centre_ranks.get(home)
    if ranks is None:  # each centre's nearness to the place: None for any other node
        ranks = ctx.centre_ranks[home] = {
            centre: nearness(home, ctx.attrs[centre]["prefecture"]) for centre in ctx.centres
        }
    enough = SAME_PREFECTURE if home in PREFECTURE_BY_CODE else ELSEWHERE
    found = nearest_ranked(
        ctx.actors, start, ranks.get, enough, DEFAULT_MAX_HOPS, barred, ctx.neighbours
    )
    if found is None:
        raise AssertionError("the part holds a centre")
    return found


def _isolated_finding(ctx: _Scope, node: str, rooms: Sequence[str]) -> Finding:
    """An actor without ties: the centre with most room near it, to reach out."""
    record = ctx.nodes[node]
    centre = _best_centre_of(ctx, [c for c in rooms if c != node], record.prefecture)
    if centre is None:
        return ctx.finding(node, wording.isolated_without_centre(record), NextStep("none"))
    return ctx.finding(
        node,
        wording.isolated_contact(record, ctx.with_room(centre), _TIE_TO[record.kind]),
        NextStep("contact_centre", targets=(centre,)),
    )


def _unfinanced_findings(
    ctx: _Scope, enterprises: list[str], reach: Mapping[str, tuple[Search[_Reach], _Reach]]
) -> list[Finding]:
    """A finding for each unfinanced enterprise: the best introduction path, in the scope's
    actor graph, to the financier ``reach`` names for it (the one it reaches best, the
    nearest place first), or a first step when no financier is within DEFAULT_MAX_HOPS ties.
    The paths are searched in memory on the projection the report already holds, exactly as
    the embedded store searches."""
    ties = ties_of(ctx.actors)
    paths: dict[str, ScoredPath] = {}
    for enterprise in enterprises:
        hit = reach.get(enterprise)
        if hit is not None:  # a financier within reach: a path to it exists
            (nodes, _score), *_others = k_best_paths(
                ties, enterprise, hit[1][2], 1, DEFAULT_MAX_HOPS
            )
            relations = [_relation_on(ctx.adjacency, u, v) for u, v in pairwise(nodes)]
            paths[enterprise] = ScoredPath.of(nodes, relations)
    described = zip(paths, describe(ctx.store, list(paths.values()), ctx.nodes), strict=True)
    introductions = dict(described)
    findings = []
    for enterprise in enterprises:
        record = ctx.nodes[enterprise]
        path = introductions.get(enterprise)
        if path is None:
            suggestion = wording.unfinanced_without_financier(record, DEFAULT_MAX_HOPS)
            findings.append(ctx.finding(enterprise, suggestion, NextStep("none")))
            continue
        financier = path.nodes[-1]
        step = NextStep(
            "introduction",
            targets=(financier.id,),
            path=tuple(n.id for n in path.nodes),
            score=path.score,
        )
        suggestion = wording.unfinanced_introduction(path.explanation, record, financier)
        findings.append(ctx.finding(enterprise, suggestion, step))
    return findings


def _relation_on(adjacency: Mapping[str, dict[str, dict[str, Any]]], u: str, v: str) -> Relation:
    """The relation that counts between two neighbours of a projection (the strongest), from
    the projection's adjacency (:func:`adjacency_of`)."""
    data = tie_data(adjacency, u, v)
    return Relation(data["source"], data["type"], data["target"], data["strength"])


def _unsupported_finding(
    ctx: _Scope,
    enterprise: str,
    near: Mapping[str, _Room],
    rooms: Sequence[str],
) -> Finding:
    """An unsupported enterprise: the nearest centre with room that ties lead to, the nearest
    place first (``near`` names it, with the path to it), or else the one with most room in
    its prefecture or block to contact directly."""
    record = ctx.nodes[enterprise]
    found = near.get(enterprise)
    if found is None:
        centre = _best_centre_of(ctx, rooms, record.prefecture)
        if centre is None:
            return ctx.finding(
                enterprise, wording.unsupported_without_centre(record), NextStep("none")
            )
        return ctx.finding(
            enterprise,
            wording.unsupported_contact(record, ctx.with_room(centre)),
            NextStep("contact_centre", targets=(centre,)),
        )
    distance, centre, path = found
    via = [ctx.nodes[n] for n in path[1:-1]]
    return ctx.finding(
        enterprise,
        wording.unsupported_refer(record, ctx.with_room(centre), distance, via),
        NextStep("refer_to_centre", targets=(centre,), path=path),
    )


def _overloaded_finding(
    ctx: _Scope,
    centre: str,
    near: Mapping[str, _Room],
    rooms: Sequence[str],
) -> Finding:
    """A centre over capacity: the nearest centre with room to share the load with, chosen as
    for an unsupported enterprise."""
    record = ctx.nodes[centre]
    room = ctx.room(centre)
    if room is None:
        raise AssertionError("a centre over capacity declares one")
    details = {"clients": ctx.clients[centre], "capacity": ctx.clients[centre] + room}
    over = -room
    found = near.get(centre)
    partner: str | None
    path: tuple[str, ...]
    if found is not None:
        _distance, partner, path = found
    else:
        partner, path = _best_centre_of(ctx, rooms, record.prefecture), ()
    if partner is None:
        return ctx.finding(
            centre,
            wording.overloaded_without_partner(record, over),
            NextStep("none"),
            **details,
        )
    return ctx.finding(
        centre,
        wording.overloaded_share(record, over, ctx.with_room(partner)),
        NextStep("share_load", targets=(partner,), path=path),
        **details,
    )


#: The enterprises by (prefecture, industry).
_ByIndustry = dict[tuple[str | None, str | None], list[str]]


def _asset_users(ctx: _Scope) -> tuple[dict[str, set[str]], _ByIndustry]:
    """The enterprises that use an asset of each category, and the enterprises of the scope
    by (prefecture, industry)."""
    nodes = ctx.nodes
    users: dict[str, set[str]] = defaultdict(set)
    by_industry: _ByIndustry = defaultdict(list)
    for node_id, record in nodes.items():
        if record.kind is NodeKind.ASSET:
            users[record.props.get("category", "")].update(
                other
                for other in ctx.asset_ties.get(node_id, ())
                if nodes[other].kind is NodeKind.ENTERPRISE
            )
        elif record.kind is NodeKind.ENTERPRISE:
            by_industry[(record.prefecture, record.props.get("industry"))].append(node_id)
    return users, by_industry


def _unused_finding(
    ctx: _Scope,
    asset: str,
    users: Mapping[str, set[str]],
    by_industry: _ByIndustry,
    picked: dict[tuple[str | None, str], list[str]],
) -> Finding:
    """An unused asset: the three enterprises of its prefecture, in an industry that fits
    its category, to present it to (those that use an asset of the category first, then by
    fit, then the most tied)."""
    record = ctx.nodes[asset]
    category = record.props.get("category", "")
    fitting = FITTING_INDUSTRIES.get(category, ())
    chosen = picked.get((record.prefecture, category))
    if chosen is None:  # the same for every asset of one category in one prefecture
        rank = {division: i for i, division in enumerate(fitting)}
        users_of_kind = users.get(category, set())
        best = heapq.nsmallest(
            3,
            (
                (e not in users_of_kind, rank[d], -ctx.degree(e), e)
                for d in fitting
                for e in by_industry.get((record.prefecture, d), ())
            ),
        )
        chosen = picked[(record.prefecture, category)] = [key[-1] for key in best]
    if not chosen:
        return ctx.finding(
            asset,
            wording.unused_without_industry(record, category, fitting),
            NextStep("none"),
            category=category,
        )
    return ctx.finding(
        asset,
        wording.unused_match(record, category, [ctx.nodes[e] for e in chosen]),
        NextStep("match_enterprises", targets=tuple(chosen)),
        category=category,
    )
