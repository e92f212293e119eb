"""Where the network is weak: the weakness report, each finding with its next step, and what
would happen if one actor left.

The meaning is api.md's. The scope is a prefecture's **actor graph** (the actors whose
prefecture is the code, and every relation between two of them) or, without a prefecture, the
whole network's. The report runs in NetworkX on the projection the store hands out
(:meth:`GraphStore.projection`), what-if on the actor graph read from the actor outwards (or
on the projection, for a hub); every order that could differ between stores (of nodes, of
ties) is fixed by ids, so both stores give the same answer:

- articulation points, bridges, isolated actors and connected components of the actor graph;
- unfinanced enterprises (no LENDS_TO, GUARANTEES or INVESTS_IN from any financier, in or
  outside the scope), unsupported enterprises (no centre SUPPORTS them and no specialist
  ADVISES them) and unused assets (no enterprise UTILIZES them);
- brokers: the actors with the highest betweenness (exact on small scopes, estimated from a
  seeded sample of sources on large ones) with Burt's constraint beside it;
- centres over capacity: more enterprises SUPPORTed than their ``capacity``.

Every node finding carries a computed ``suggestion`` (a sentence) and a ``next_step`` (the
same as data): an introduction path to a financier, a centre with room that is near, the
partner centre whose tie removes a single point of failure, enterprises that could use an
asset. On the whole network, the centre or financier is sought in the finding's prefecture
first (nationwide financiers count as of every prefecture), then in its regional block, then
anywhere, and the suggestion says which. Computed numbers are shown rounded
(:func:`readable`); every order is decided on the exact ones.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

from graph.algorithms.paths import Ties, k_best_paths, strongest_first
from graph.errors import InvalidArgument, NotFound
from graph.japan import (
    ELSEWHERE,
    JSIC_DIVISIONS,
    PREFECTURE_BY_CODE,
    SAME_PREFECTURE,
    block_of,
    nearness,
    nearness_words,
)
from graph.model import (
    ACTOR_KINDS,
    FINANCING_TYPES,
    AssetCategory,
    Node,
    NodeKind,
    Relation,
    RelationType,
    Scope,
    ScoredPath,
)
from graph.queries.introductions import DEFAULT_MAX_HOPS, describe
from graph.queries.readable import readable
from graph.queries.scope import scope_of
from graph.store.base import GraphStore
from graph.store.projection import project

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
    "MAX_LIMIT",
    "NextStep",
    "WeaknessReport",
    "WhatIf",
    "betweenness",
    "burt_constraint",
    "cut_vertices",
    "weakness_report",
    "what_if_removed",
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

#: The JSIC divisions that can put a regional asset of each category to use, best fit first.
FITTING_INDUSTRIES: dict[str, tuple[str, ...]] = {
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


@dataclass(frozen=True)
class WhatIf:
    """What the enterprises of the scope would lose if ``removed`` left the network: every
    path to any financier (``lose_financier``) or to any centre (``lose_centre``); their only
    lender, guarantor or investor (``only_financier``: every LENDS_TO, GUARANTEES or
    INVESTS_IN tie they have, in or outside the scope, is with it); their only support
    (``only_support``: every SUPPORTS or ADVISES tie is with it). Each list sorted by id."""

    removed: Node
    prefecture: str | None
    lose_financier: list[Node]
    lose_centre: list[Node]
    only_financier: list[Node] = field(default_factory=list)
    only_support: list[Node] = field(default_factory=list)


# -- metrics, each checked against networkx in the tests --------------------------------


@dataclass(frozen=True)
class Cut:
    """An articulation point and the parts of its component that its removal leaves.

    ``order`` is the component in depth-first order, where each child subtree the node alone
    holds is the contiguous ``ranges``; what remains besides the node is one more part.
    """

    node: str
    order: list[str]
    ranges: tuple[tuple[int, int], ...]

    @property
    def sizes(self) -> list[int]:
        """The parts' sizes, largest first."""
        children = [stop - start for start, stop in self.ranges]
        rest = len(self.order) - 1 - sum(children)
        return sorted(children + ([rest] if rest else []), reverse=True)

    @property
    def cut_off(self) -> int:
        """The actors that lose touch with the largest part."""
        sizes = self.sizes
        return sum(sizes) - sizes[0]

    def parts(self) -> list[list[str]]:
        """The parts, each sorted by id, largest first (then by smallest id)."""
        return [sorted(part) for part in self.unsorted_parts()]

    def unsorted_parts(self) -> list[list[str]]:
        """The parts in the order of :meth:`parts`, each in depth-first order (cheaper)."""
        order = self.order
        parts = [order[start:stop] for start, stop in self.ranges]
        rest: list[str] = []
        at = 0
        for start, stop in sorted(self.ranges):
            rest += order[at:start]
            at = stop
        rest += order[at:]
        rest.remove(self.node)
        if rest:
            parts.append(rest)
        return sorted(parts, key=lambda p: (-len(p), min(p)))


def cut_vertices(graph: nx.Graph) -> tuple[dict[str, Cut], list[tuple[str, str, int]]]:
    """The articulation points and bridges of ``graph``, by one depth-first search.

    Returns every articulation point as a :class:`Cut`; and every bridge as (u, v, the
    actors on its smaller side). A child subtree whose low point does not climb above a node is
    a part of its own (a bridge too, if it does not reach the node itself); what remains of the
    component is one more part. Subtrees are contiguous in the search's order.
    """
    cuts: dict[str, Cut] = {}
    bridges: list[tuple[str, str, int]] = []
    discovered: dict[str, int] = {}
    for root in graph:
        if root in discovered:
            continue
        order = [root]
        base = len(discovered)
        discovered[root] = base
        low = {root: base}
        size = {root: 1}
        parent: dict[str, str | None] = {root: None}
        split: dict[str, list[str]] = defaultdict(list)
        sides: list[tuple[str, str, int]] = []
        stack = [(root, iter(graph.adj[root]))]
        while stack:
            node, neighbours = stack[-1]
            for other in neighbours:
                if other not in discovered:
                    parent[other] = node
                    discovered[other] = low[other] = base + len(order)
                    size[other] = 1
                    order.append(other)
                    stack.append((other, iter(graph.adj[other])))
                    break
                if other != parent[node]:
                    low[node] = min(low[node], discovered[other])
            else:
                stack.pop()
                up = parent[node]
                if up is not None:
                    low[up] = min(low[up], low[node])
                    size[up] += size[node]
                    if low[node] >= discovered[up]:
                        split[up].append(node)
                    if low[node] > discovered[up]:
                        sides.append((up, node, size[node]))
        total = len(order)
        bridges.extend((u, v, min(side, total - side)) for u, v, side in sides)
        for node, children in split.items():
            if node == root and len(children) < 2:
                continue
            ranges = tuple((discovered[c] - base, discovered[c] - base + size[c]) for c in children)
            cuts[node] = Cut(node, order, ranges)
    return cuts, bridges


def betweenness(graph: nx.Graph, sources: int | None = None, seed: int = BETWEENNESS_SEED):
    """Normalised shortest-path betweenness of every node (Brandes), as networkx computes it
    with ``normalized=True``. With ``sources`` below the node count it is estimated from that
    many sources drawn with ``seed`` from the nodes in id order, scaled by n/sources. Nodes
    and ties are visited in id order, so any store's projection gives the same values.
    Returns (values by node, the number of sources used)."""
    nodes = sorted(graph)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = [sorted(index[other] for other in graph.adj[node]) for node in nodes]
    if sources is None or sources >= n:
        chosen = range(n)
        used = n
    else:
        chosen = sorted(random.Random(seed).sample(range(n), sources))
        used = sources
    totals = [0.0] * n
    for source in chosen:
        sigma = [0] * n
        distance = [-1] * n
        sigma[source], distance[source] = 1, 0
        order = [source]
        i = 0
        while i < len(order):
            node = order[i]
            i += 1
            step, paths = distance[node] + 1, sigma[node]
            for other in adjacency[node]:
                seen = distance[other]
                if seen < 0:
                    distance[other] = step
                    order.append(other)
                    sigma[other] = paths
                elif seen == step:
                    sigma[other] += paths
        delta = [0.0] * n
        for node in reversed(order):
            back = distance[node] - 1
            share = (1.0 + delta[node]) / sigma[node]
            for other in adjacency[node]:
                if distance[other] == back:
                    delta[other] += sigma[other] * share
            if node != source:
                totals[node] += delta[node]
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if used < n:
        scale *= n / used
    return {node: totals[i] * scale for i, node in enumerate(nodes)}, used


def burt_constraint(graph: nx.Graph, node: str) -> float | None:
    """Burt's constraint of ``node`` on the unweighted graph, as ``networkx.constraint``
    computes it; None for a node without ties. It costs the sum of the neighbours' degrees."""
    neighbours = graph.adj[node]
    if not neighbours:
        return None
    own = 1.0 / len(neighbours)
    # in id order, so that every store's projection sums in the same order
    invested = dict.fromkeys(sorted(neighbours), own)
    for middle in invested:
        through = graph.adj[middle]
        share = own / len(through)
        for other in sorted(through) if len(through) <= len(invested) else invested:
            if other in invested and other in through:
                invested[other] += share
    return sum(value * value for value in invested.values())


def _sampled_sources(nodes: int, edges: int) -> int | None:
    """How many sources betweenness uses: all (None) up to BETWEENNESS_EXACT_MAX actors."""
    if nodes <= BETWEENNESS_EXACT_MAX:
        return None
    return min(nodes, max(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_VISITS // max(1, 2 * edges)))


# -- searches that every suggestion of one kind shares ----------------------------------


#: A node as a search sees it. A search by place reaches a node as (node, the place it was
#: reached for): a node of a place for that place only; a nationwide node (no place) for each
#: place it is reached from, or for ANYWHERE when reached from a nationwide source. A search
#: of the whole actor graph reaches the node itself.
_State = tuple[str, str] | str
ANYWHERE = ""


class _Places:
    """A search by place: each node's place (a prefecture or a regional block; none for a
    nationwide node), the places searched (``searched``), and the ties of each nationwide
    node to those places grouped by place, so that a search for one place reads only that
    place's ties of a hub."""

    def __init__(self, graph: nx.Graph, place_of: dict[str, str], searched: set[str]):
        self.graph = graph
        self.place_of = place_of
        self.nationwide: dict[str, dict[str | None, list[tuple[str, dict]]]] = {}
        for node in graph:
            if node not in place_of:
                grouped: dict[str | None, list[tuple[str, dict]]] = defaultdict(list)
                for other, data in graph.adj[node].items():
                    theirs = place_of.get(other)
                    if theirs is None or theirs in searched:
                        grouped[theirs].append((other, data))
                self.nationwide[node] = grouped

    def start(self, source: str) -> _State:
        return (source, self.place_of.get(source, ANYWHERE))

    @staticmethod
    def node(state: _State) -> str:
        return state[0]

    @staticmethod
    def place(state: _State) -> str | None:
        return state[1]

    def steps(self, state: _State) -> list[tuple[_State, dict]]:
        """The states one tie away from ``state``: through its place's nodes and nationwide
        ones; from a nationwide node reached ANYWHERE, into any place searched."""
        node, place = state
        grouped = self.nationwide.get(node)
        if grouped is None:  # a node of ``place``
            place_of = self.place_of
            return [
                ((other, place), data)
                for other, data in self.graph.adj[node].items()
                if place_of.get(other, place) == place
            ]
        if place == ANYWHERE:
            return [
                ((other, ANYWHERE if theirs is None else theirs), data)
                for theirs, ties in grouped.items()
                for other, data in ties
            ]
        return [
            ((other, place), data)
            for other, data in (*grouped.get(place, ()), *grouped.get(None, ()))
        ]


class _Everywhere:
    """A search of the whole actor graph, with no places."""

    def __init__(self, graph: nx.Graph):
        self.graph = graph

    def start(self, source: str) -> _State:
        return source

    def steps(self, state: _State) -> Iterable[tuple[_State, dict]]:
        return self.graph.adj[state].items()

    @staticmethod
    def node(state: _State) -> str:
        return state

    @staticmethod
    def place(state: _State) -> str | None:
        return None


@dataclass
class _Search:
    """What a search from sources found, by state (see _State)."""

    found: dict[_State, tuple]
    places: _Places | _Everywhere

    def get(self, node: str) -> tuple | None:
        """What the search found for ``node`` (for a search by place, from a source of the
        node's own place or a nationwide one)."""
        return self.found.get(self.places.start(node))


def _best_reach(
    graph: nx.Graph, sources: Iterable[str], max_hops: int, places: _Places | None = None
) -> _Search:
    """For every node within ``max_hops`` ties of a source: (score, hops, source) of its best
    path to any source, where a path's score is the product of its strengths; ties go to fewer
    hops, then the smaller source id. One layered search from all sources at once (a best walk
    is never better than the simple path inside it, since strengths are at most 1). With
    ``places``, a search by place (see _State)."""
    walk = places or _Everywhere(graph)
    best: dict[_State, tuple[float, int, str]] = {
        walk.start(s): (1.0, 0, s) for s in sorted(sources)
    }
    frontier = sorted(best)
    for hops in range(1, max_hops + 1):
        changed: set[_State] = set()
        # Extend what the frontier held when this layer began: a node improved earlier in
        # the same layer has a walk of ``hops`` ties, which must not be extended in it.
        for state, (score, _, origin) in [(state, best[state]) for state in frontier]:
            for other, data in walk.steps(state):
                candidate = (score * data["strength"], hops, origin)
                known = best.get(other)
                if known is None or _better(candidate, known):
                    best[other] = candidate
                    changed.add(other)
        frontier = sorted(changed)
        if not frontier:
            break
    return _Search(best, walk)


def _better(a: tuple[float, int, str], b: tuple[float, int, str]) -> bool:
    return (-a[0], a[1], a[2]) < (-b[0], b[1], b[2])


def _nearest(
    graph: nx.Graph,
    sources: Iterable[str],
    places: _Places | None = None,
    wanted: Iterable[str] | None = None,
) -> _Search:
    """For every node reachable from a source: (ties to the nearest source, that source, the
    state before it on the way there), the smallest source id winning among the nearest.
    With ``places``, a search by place (see _State). With ``wanted``, the search of a place
    stops once it has reached every node of it there."""
    walk = places or _Everywhere(graph)
    found: dict[_State, tuple[int, str, _State | None]] = {
        walk.start(s): (0, s, None) for s in sources
    }
    pending: dict[str | None, set[_State]] | None = None
    if wanted is not None:
        pending = defaultdict(set)
        for node in wanted:
            if (state := walk.start(node)) not in found:
                pending[walk.place(state)].add(state)

    def live(states: Iterable[_State]) -> list[_State]:
        if pending is None:
            return sorted(states)
        return sorted(s for s in states if (p := walk.place(s)) == ANYWHERE or pending.get(p))

    adjacency = graph.adj if places is None else None  # the whole graph: as fast as it gets
    frontier = live(found)
    distance = 0
    while frontier:
        distance += 1
        offers: dict[_State, tuple[str, _State]] = {}
        for state in frontier:
            origin = found[state][1]
            if adjacency is not None:
                neighbours: Iterable[_State] = adjacency[state]
            else:
                neighbours = [other for other, _ in walk.steps(state)]
            for other in neighbours:
                if other in found:
                    continue
                offer = (origin, state)
                if other not in offers or offer < offers[other]:
                    offers[other] = offer
        for other, (origin, via) in offers.items():
            found[other] = (distance, origin, via)
            if pending is not None and (place := walk.place(other)) in pending:
                pending[place].discard(other)
        frontier = live(offers)
    return _Search(found, walk)


def _walk(search: _Search, start: str) -> tuple[str, ...]:
    """The path from ``start`` to the source ``search`` found for it."""
    path = [start]
    state = search.places.start(start)
    while (via := search.found[state][2]) is not None:
        path.append(search.places.node(via))
        state = via
    return tuple(path)


def _nearest_place_first(
    actors: nx.Graph,
    wanted: Iterable[str],
    sources: list[str],
    search: Callable[[list[str], _Places | None, list[str]], _Search],
    origin: Callable[[tuple], str],
    whole: bool,
) -> dict[str, tuple[_Search, tuple]]:
    """For each node of ``wanted``, what ``search`` (from some of ``sources``) finds for it,
    the nearest place first, and the search that found it (for its path); ``origin`` tells
    the source of what a search found.

    A search of the whole actor graph first; on the whole network, a node whose source is
    of another prefecture (a nationwide source is of every one) is searched again: by
    prefecture, from the sources of its prefecture and the nationwide ones, through the
    prefecture's actors and nationwide ones; if that does not reach it and its source is
    still of another block, the same by regional block; else what was found stands."""
    todo = list(wanted)
    everywhere = search(sources, None, todo)
    answers = {node: (everywhere, hit) for node in todo if (hit := everywhere.get(node))}
    if not whole:
        return answers
    prefectures = {n: p for n, p in actors.nodes(data="prefecture") if p in PREFECTURE_BY_CODE}
    blocks = {n: block_of(p) for n, p in prefectures.items()}
    todo = [node for node in answers if node in prefectures]
    for place_of in (prefectures, blocks):
        # reached first from a source of another place (a nationwide one is of every place)
        todo = [
            node
            for node in todo
            if place_of.get(origin(answers[node][1]), ANYWHERE) not in (place_of[node], ANYWHERE)
        ]
        searched = {place_of[node] for node in todo}
        if not searched:
            break
        starting = searched | {ANYWHERE}  # nationwide sources search every place
        chosen = [s for s in sources if place_of.get(s, ANYWHERE) in starting]
        found = search(chosen, _Places(actors, place_of, searched), todo)
        rest = []
        for node in todo:
            hit = found.get(node)
            if hit is None:
                rest.append(node)
            else:
                answers[node] = (found, hit)
        todo = rest
    return answers


# -- the report -------------------------------------------------------------------------


@dataclass
class _Scope:
    """What every finding of one report draws on."""

    store: GraphStore
    everything: nx.Graph  # the projection with assets
    actors: nx.Graph  # the actor graph
    nodes: dict[str, Node]  # the full records of the scope's nodes
    clients: Counter[str]  # enterprises each centre SUPPORTS, in or outside the scope
    boundary: list[Relation]

    def name(self, node_id: str) -> str:
        return " ".join(str(self.everything.nodes[node_id]["name"]).split())

    def finding(self, node_id: str, suggestion: str, step: NextStep, **details: Any) -> Finding:
        data = self.everything.nodes[node_id]
        return Finding(
            id=node_id,
            kind=data["kind"].value,
            name=data["name"],
            prefecture=data["prefecture"],
            suggestion=suggestion,
            next_step=step,
            details=details,
        )

    def room(self, centre: str) -> int | None:
        """How many more enterprises a centre can take on; None when it has no capacity."""
        capacity = self.nodes[centre].props.get("capacity")
        return None if capacity is None else int(capacity) - self.clients[centre]


def weakness_report(
    store: GraphStore, prefecture: str | None = None, limit: int = DEFAULT_LIMIT
) -> WeaknessReport:
    """The weakness report of a prefecture's actor graph (or the whole network's, for None),
    listing at most ``limit`` findings of each kind, the most telling first; ``counts`` holds
    how many there are in all.

    Raises InvalidArgument for an unknown prefecture code or a limit outside 1..MAX_LIMIT.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument(f"limit must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}")
    scope = scope_of(prefecture)
    ctx = _context(store, scope)
    actors = ctx.actors
    by_kind: dict[NodeKind, list[str]] = defaultdict(list)
    for node_id, kind in actors.nodes(data="kind"):
        by_kind[kind].append(node_id)
    for ids in by_kind.values():  # by id, not in the order a store hands the nodes out
        ids.sort()

    cuts, cut_ties = cut_vertices(actors)
    ranked_cuts = sorted(cuts, key=lambda v: (-cuts[v].cut_off, v))
    bridges = _bridges(actors, cut_ties)
    isolated = sorted(nx.isolates(actors))
    components = _components(actors)
    sources = _sampled_sources(actors.number_of_nodes(), actors.number_of_edges())
    brokers, used = _brokers(actors, sources, limit)

    financed, supported, used_assets = set(), set(), set()
    kinds = ctx.everything.nodes
    for u, v, types in _edges(ctx.everything, "types"):
        if RelationType.UTILIZES in types:
            used_assets.update((u, v))
        for end in (u, v):
            if kinds[end]["kind"] is NodeKind.ENTERPRISE:
                if not types.isdisjoint(FINANCING_TYPES):
                    financed.add(end)
                if RelationType.SUPPORTS in types or RelationType.ADVISES in types:
                    supported.add(end)
    for relation in ctx.boundary:
        if relation.type in FINANCING_TYPES:
            financed.add(relation.target)
        elif relation.type in (RelationType.SUPPORTS, RelationType.ADVISES):
            supported.add(relation.target)
        elif relation.type is RelationType.UTILIZES:
            used_assets.add(relation.target)
    enterprises = by_kind[NodeKind.ENTERPRISE]
    unfinanced = [e for e in enterprises if e not in financed]
    unsupported = [e for e in enterprises if e not in supported]
    assets = sorted(n for n, kind in ctx.everything.nodes(data="kind") if kind is NodeKind.ASSET)
    unused = [a for a in assets if a not in used_assets]
    overloaded = sorted(
        (c for c in by_kind[NodeKind.CENTRE] if (ctx.room(c) or 0) < 0),
        key=lambda c: (ctx.room(c), c),
    )

    asset_users = _asset_users(ctx) if unused else ({}, {})
    picked: dict[tuple, list[str]] = {}  # the enterprises chosen by (prefecture, category)
    rooms = _centres_with_room(ctx, by_kind[NodeKind.CENTRE])
    whole = scope.prefecture is None
    near_room = _nearest_place_first(
        actors,
        [*unsupported[:limit], *overloaded[:limit]],
        rooms,
        lambda sources, places, wanted: _nearest(actors, sources, places, wanted),
        lambda hit: hit[1],
        whole,
    )
    financiers = by_kind[NodeKind.FINANCIER]
    reach = _best_reach(actors, financiers, DEFAULT_MAX_HOPS)
    unfinanced.sort(key=lambda e: (-(reach.get(e) or (-1.0,))[0], e))
    reach_near = _nearest_place_first(
        actors,
        unfinanced[:limit],
        financiers,
        lambda sources, places, _: (
            _best_reach(actors, sources, DEFAULT_MAX_HOPS, places) if places else reach
        ),
        lambda hit: hit[2],
        whole,
    )

    return WeaknessReport(
        prefecture=scope.prefecture,
        nodes=actors.number_of_nodes(),
        edges=actors.number_of_edges(),
        counts={
            "articulation_points": len(cuts),
            "bridges": len(bridges),
            "isolated": len(isolated),
            "unfinanced_enterprises": len(unfinanced),
            "unsupported_enterprises": len(unsupported),
            "unused_assets": len(unused),
            "overloaded_centres": len(overloaded),
            "components": len(components),
        },
        articulation_points=[_cut_finding(ctx, cuts[v]) for v in ranked_cuts[:limit]],
        bridges=bridges[:limit],
        isolated=[_isolated_finding(ctx, v, rooms) for v in isolated[:limit]],
        unfinanced_enterprises=_unfinanced_findings(ctx, unfinanced[:limit], reach_near),
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


def _context(store: GraphStore, scope: Scope) -> _Scope:
    in_scope, relations = store.scope_graph(scope)
    everything = project(in_scope, relations, actors_only=False)
    actors = _actor_graph(everything)
    boundary = store.boundary_relations(scope)
    nodes = {node.id: node for node in in_scope}
    clients: Counter[str] = Counter()
    for u, v, types in _edges(everything, "types"):
        if RelationType.SUPPORTS in types:
            centre = u if everything.nodes[u]["kind"] is NodeKind.CENTRE else v
            clients[centre] += 1
    for relation in boundary:
        if relation.type is RelationType.SUPPORTS and relation.source in everything:
            clients[relation.source] += 1
    return _Scope(store, everything, actors, nodes, clients, boundary)


def _actor_graph(everything: nx.Graph) -> nx.Graph:
    """The actor graph inside a projection with assets, sharing its attribute dicts (read
    only); built directly, as a subgraph view's copy costs several times more."""
    actors = nx.Graph()
    nodes = everything.nodes
    actors.add_nodes_from((n, data) for n, data in nodes.items() if data["kind"] in ACTOR_KINDS)
    adjacency = actors._adj  # filled directly, in the projection's order
    for u, around in everything._adj.items():
        mine = adjacency.get(u)
        if mine is not None:
            mine.update((v, data) for v, data in around.items() if v in adjacency)
    return actors


def _edges(graph: nx.Graph, attribute: str):
    """(u, v, the attribute) of every edge once, like ``graph.edges(data=attribute)`` at a
    fraction of its cost (it matters on the whole network)."""
    seen: set[str] = set()
    for u, around in graph._adj.items():
        seen.add(u)
        for v, data in around.items():
            if v not in seen:
                yield u, v, data[attribute]


def _bridges(actors: nx.Graph, ties: list[tuple[str, str, int]]) -> list[Bridge]:
    """Every bridge as its strongest relation, the one that cuts off most actors first."""
    found = []
    for u, v, cut_off in ties:
        data = actors.edges[u, v]
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


def _components(actors: nx.Graph) -> list[Component]:
    found = []
    for members in nx.connected_components(actors):
        kinds = Counter(actors.nodes[m]["kind"].value for m in members)
        found.append(
            Component(
                size=len(members),
                has_centre=kinds[NodeKind.CENTRE.value] > 0,
                has_financier=kinds[NodeKind.FINANCIER.value] > 0,
                kinds={kind.value: kinds[kind.value] for kind in NodeKind if kind in ACTOR_KINDS},
                sample=tuple(sorted(members)[:5]),
            )
        )
    found.sort(key=lambda c: (-c.size, c.sample))
    return found


def _brokers(actors: nx.Graph, sources: int | None, limit: int) -> tuple[list[Broker], int]:
    values, used = betweenness(actors, sources)
    top = sorted((v for v in values if values[v] > 0), key=lambda v: (-values[v], v))[:limit]
    return [
        Broker(
            id=v,
            kind=actors.nodes[v]["kind"].value,
            name=actors.nodes[v]["name"],
            betweenness=readable(values[v]),
            constraint=_readable_or_none(burt_constraint(actors, v)),
            degree=actors.degree(v),
        )
        for v in top
    ], used


def _readable_or_none(value: float | None) -> float | None:
    return None if value is None else readable(value)


def _centres_with_room(ctx: _Scope, centres: Iterable[str]) -> list[str]:
    """Centres that can take one more enterprise on: room left, or no capacity declared."""
    return sorted(c for c in centres if (room := ctx.room(c)) is None or room > 0)


# -- suggestions ------------------------------------------------------------------------


def _room_words(ctx: _Scope, centre: str) -> str:
    room = ctx.room(centre)
    clients = ctx.clients[centre]
    if room is None:
        return f"it supports {clients} enterprises and declares no capacity"
    return f"it supports {clients} of its capacity of {clients + room}"


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


def _where(ctx: _Scope, home: str, other: str) -> str:
    """Where ``other`` is, seen from ``home``: "in the same prefecture (Tokyo)", ..."""
    return nearness_words(ctx.nodes[home].prefecture, ctx.nodes[other].prefecture)


def _cut_finding(ctx: _Scope, cut: Cut) -> Finding:
    """An articulation point: the partner centre that, tied to one actor of each part the
    node alone holds, would leave no part depending on it."""
    actors = ctx.actors
    node, parts = cut.node, cut.unsorted_parts()
    kinds = actors.nodes
    is_centre = [any(kinds[m]["kind"] is NodeKind.CENTRE for m in part) for part in parts]
    hub_index = next((i for i, has in enumerate(is_centre) if has), None)
    cut_off = cut.cut_off
    label = f"{ctx.name(node)} alone links {cut_off} actor{'s' if cut_off != 1 else ''}"
    details = {"cut_off": cut_off, "parts": [len(part) for part in parts]}
    if hub_index is None:
        return ctx.finding(
            node,
            f"{label} to the rest of its part of the network, and no other centre is in reach: "
            "bring a centre in to support these actors directly.",
            NextStep("no_partner_centre"),
            **details,
        )
    others = {m for i, part in enumerate(parts) if i != hub_index for m in part}
    partner = _nearest_centre(actors, node, others)
    anchors = []
    for i, part in enumerate(parts):
        if i == hub_index:
            continue
        centres = [m for m in part if kinds[m]["kind"] is NodeKind.CENTRE]
        if centres:
            anchors.append(min(centres))
        else:
            tied = [m for m in part if actors.has_edge(node, m)]
            anchors.append(min(tied, key=lambda m: (-actors.edges[node, m]["strength"], m)))
    ties = "; ".join(
        f"{_TIE_TO[actors.nodes[a]['kind']].value} {ctx.name(a)} ({a})" for a in anchors[:3]
    )
    more = f" and {len(anchors) - 3} more" if len(anchors) > 3 else ""
    return ctx.finding(
        node,
        f"{label} (for example {ctx.name(min(parts[-1]))}) to the rest: ask partner centre "
        f"{ctx.name(partner)} ({partner}, {_where(ctx, node, partner)}) to tie in directly, "
        f"{ties}{more}, so that no part depends on {ctx.name(node)} alone.",
        NextStep("partner_centre", targets=(partner, *anchors)),
        **details,
    )


def _nearest_centre(actors: nx.Graph, start: str, barred: set[str]) -> str:
    """The centre to partner with ``start``, reached through nodes not ``barred`` (the other
    parts of its component, so that the search stays in one part): the nearest place first
    (its prefecture, then its regional block, then the rest), then the fewest ties, then the
    smallest id. Centres up to DEFAULT_MAX_HOPS ties away compete; past that, the nearest
    centre of any place is taken."""
    home = actors.nodes[start]["prefecture"]
    nearest_place = SAME_PREFECTURE if home in PREFECTURE_BY_CODE else ELSEWHERE
    best: tuple[int, int, str] | None = None
    seen = {start}
    frontier = [start]
    distance = 0
    while frontier:
        distance += 1
        following = sorted(
            {o for n in frontier for o in actors.adj[n] if o not in barred and o not in seen}
        )
        for other in following:
            if actors.nodes[other]["kind"] is NodeKind.CENTRE:
                key = (nearness(home, actors.nodes[other]["prefecture"]), distance, other)
                best = key if best is None else min(best, key)
        if best is not None and (best[0] == nearest_place or distance >= DEFAULT_MAX_HOPS):
            return best[2]
        seen.update(following)
        frontier = following
    if best is None:
        raise AssertionError("the part holds a centre")
    return best[2]


def _isolated_finding(ctx: _Scope, node: str, rooms: Sequence[str]) -> Finding:
    kind = ctx.actors.nodes[node]["kind"]
    centre = _best_centre_of(
        ctx, [c for c in rooms if c != node], ctx.actors.nodes[node]["prefecture"]
    )
    if centre is None:
        return ctx.finding(
            node,
            f"{ctx.name(node)} has no tie at all and no centre of its prefecture or regional "
            "block has room: it needs a first contact from outside.",
            NextStep("none"),
        )
    verb = _TIE_TO[kind].value if kind is not NodeKind.CENTRE else "COLLABORATES_WITH"
    return ctx.finding(
        node,
        f"{ctx.name(node)} has no tie at all: ask {ctx.name(centre)} ({centre}, "
        f"{_where(ctx, node, centre)}) to reach out ({verb}); {_room_words(ctx, centre)}.",
        NextStep("contact_centre", targets=(centre,)),
    )


def _unfinanced_findings(
    ctx: _Scope, enterprises: list[str], reach: dict[str, tuple[_Search, tuple]]
) -> list[Finding]:
    """A finding for each unfinanced enterprise: the best introduction path, in the scope's
    actor graph, to the financier ``reach`` names for it (the one it reaches best, the
    nearest place first), or a first step when no financier is within DEFAULT_MAX_HOPS ties.
    The paths are searched in memory on the projection the report already holds, exactly as
    the embedded store searches."""
    ties = _ties_in(ctx.actors)
    paths: dict[str, ScoredPath] = {}
    for enterprise in enterprises:
        hit = reach.get(enterprise)
        if hit is not None:  # a financier within reach: a path to it exists
            (nodes, _), *_ = k_best_paths(ties, enterprise, hit[1][2], 1, DEFAULT_MAX_HOPS)
            relations = [_relation_on(ctx.actors, u, v) for u, v in pairwise(nodes)]
            paths[enterprise] = ScoredPath.of(nodes, relations)
    described = zip(paths, describe(ctx.store, list(paths.values()), ctx.nodes), strict=True)
    introductions = dict(described)
    findings = []
    for enterprise in enterprises:
        path = introductions.get(enterprise)
        if path is None:
            suggestion = (
                f"No financier of the scope is within {DEFAULT_MAX_HOPS} ties of "
                f"{ctx.name(enterprise)}: a centre's financing consultation is the first step."
            )
            findings.append(ctx.finding(enterprise, suggestion, NextStep("none")))
            continue
        step = NextStep(
            "introduction",
            targets=(path.nodes[-1].id,),
            path=tuple(n.id for n in path.nodes),
            score=path.score,
        )
        financier = path.nodes[-1].id
        where = f"{ctx.name(financier)} is {_where(ctx, enterprise, financier)}."
        findings.append(ctx.finding(enterprise, f"{path.explanation} {where}", step))
    return findings


def _ties_in(graph: nx.Graph) -> Ties:
    """The ties of each node of ``graph`` as the in-memory path search takes them:
    (strength, neighbour), strongest first, then by neighbour id; sorted once per node."""
    cache: dict[str, list[tuple[float, str]]] = {}

    def ties(node_id: str) -> list[tuple[float, str]]:
        found = cache.get(node_id)
        if found is None:
            around = graph._adj[node_id]
            found = sorted(
                ((data["strength"], other) for other, data in around.items()),
                key=strongest_first,
            )
            cache[node_id] = found
        return found

    return ties


def _relation_on(graph: nx.Graph, u: str, v: str) -> Relation:
    """The relation that counts between two neighbours of a projection (the strongest)."""
    data = graph._adj[u][v]
    return Relation(data["source"], data["type"], data["target"], data["strength"])


def _unsupported_finding(
    ctx: _Scope, enterprise: str, near: dict[str, tuple[_Search, tuple]], rooms: Sequence[str]
) -> Finding:
    """An unsupported enterprise: the nearest centre with room that ties lead to, the nearest
    place first (``near`` names it, with the search that found it), or else the one with
    most room in its prefecture or block to contact directly."""
    found = near.get(enterprise)
    if found is None:
        centre = _best_centre_of(ctx, rooms, ctx.actors.nodes[enterprise]["prefecture"])
        if centre is None:
            return ctx.finding(
                enterprise,
                f"No centre with room is tied to {ctx.name(enterprise)}, and none of its "
                "prefecture or regional block has room.",
                NextStep("none"),
            )
        return ctx.finding(
            enterprise,
            f"No tie leads from {ctx.name(enterprise)} to a centre with room: contact "
            f"{ctx.name(centre)} ({centre}, {_where(ctx, enterprise, centre)}) directly; "
            f"{_room_words(ctx, centre)}.",
            NextStep("contact_centre", targets=(centre,)),
        )
    tier, (distance, centre, _) = found
    path = _walk(tier, enterprise)
    via = ", ".join(ctx.name(n) for n in path[1:-1])
    how = f"through {via}" if via else "they already know each other"
    return ctx.finding(
        enterprise,
        f"Ask {ctx.name(centre)} ({centre}, {_where(ctx, enterprise, centre)}) to take "
        f"{ctx.name(enterprise)} on: it is {distance} tie{'s' if distance != 1 else ''} away "
        f"({how}), and {_room_words(ctx, centre)}.",
        NextStep("refer_to_centre", targets=(centre,), path=path),
    )


def _overloaded_finding(
    ctx: _Scope, centre: str, near: dict[str, tuple[_Search, tuple]], rooms: Sequence[str]
) -> Finding:
    """A centre over capacity: the nearest centre with room to share the load with, chosen as
    for an unsupported enterprise."""
    details = {"clients": ctx.clients[centre], "capacity": ctx.clients[centre] + ctx.room(centre)}
    over = -ctx.room(centre)
    found = near.get(centre)
    if found is not None:
        partner, path = found[1][1], _walk(found[0], centre)
    else:
        partner, path = _best_centre_of(ctx, rooms, ctx.nodes[centre].prefecture), ()
    if partner is None:
        return ctx.finding(
            centre,
            f"{ctx.name(centre)} supports {over} enterprises more than its capacity, and no "
            "centre of its prefecture or regional block has room to share the load.",
            NextStep("none"),
            **details,
        )
    return ctx.finding(
        centre,
        f"{ctx.name(centre)} supports {over} enterprises more than its capacity: refer some "
        f"to {ctx.name(partner)} ({partner}, {_where(ctx, centre, partner)}); "
        f"{_room_words(ctx, partner)}.",
        NextStep("share_load", targets=(partner,), path=path),
        **details,
    )


def _asset_users(ctx: _Scope) -> tuple[dict[str, set[str]], dict[tuple, list[str]]]:
    """The enterprises that use an asset of each category, and the enterprises of the scope
    by (prefecture, industry)."""
    graph = ctx.everything
    kinds = graph.nodes
    users: dict[str, set[str]] = defaultdict(set)
    for asset, kind in graph.nodes(data="kind"):
        if kind is NodeKind.ASSET:
            users[ctx.nodes[asset].props.get("category", "")].update(
                other for other in graph.adj[asset] if kinds[other]["kind"] is NodeKind.ENTERPRISE
            )
    by_industry: dict[tuple, list[str]] = defaultdict(list)
    for node_id, kind in graph.nodes(data="kind"):
        if kind is NodeKind.ENTERPRISE:
            record = ctx.nodes[node_id]
            by_industry[(record.prefecture, record.props.get("industry"))].append(node_id)
    return users, by_industry


def _unused_finding(
    ctx: _Scope, asset: str, users: dict, by_industry: dict, picked: dict
) -> Finding:
    record = ctx.nodes[asset]
    category = record.props.get("category", "")
    fitting = FITTING_INDUSTRIES.get(category, ())
    chosen = picked.get((record.prefecture, category))
    if chosen is None:  # the same for every asset of one category in one prefecture
        rank = {division: i for i, division in enumerate(fitting)}
        users_of_kind = users.get(category, set())
        degree = ctx.everything.adj
        chosen = heapq.nsmallest(
            3,
            (
                (e not in users_of_kind, rank[d], -len(degree[e]), e)
                for d in fitting
                for e in by_industry.get((record.prefecture, d), ())
            ),
        )
        chosen = picked[(record.prefecture, category)] = [key[-1] for key in chosen]
    if not chosen:
        return ctx.finding(
            asset,
            f"No enterprise of {_prefecture_name(record.prefecture)} works in an industry that "
            f"fits {category} assets ({', '.join(fitting)}).",
            NextStep("none"),
            category=category,
        )
    names = ", ".join(
        f"{ctx.name(e)} ({e}, {JSIC_DIVISIONS[ctx.nodes[e].props['industry']].lower()})"
        for e in chosen
    )
    return ctx.finding(
        asset,
        f"No enterprise uses {ctx.name(asset)}: present it to {names}, in "
        f"{_prefecture_name(record.prefecture)} and in an industry that fits {category} assets.",
        NextStep("match_enterprises", targets=tuple(chosen)),
        category=category,
    )


def _prefecture_name(code: str | None) -> str:
    prefecture = PREFECTURE_BY_CODE.get(code or "")
    return prefecture.name_en if prefecture else "the prefecture"


# -- what if ----------------------------------------------------------------------------


def what_if_removed(store: GraphStore, node_id: str, prefecture: str | None = None) -> WhatIf:
    """What the enterprises of the scope (a prefecture's actor graph, or the whole network's
    without ``prefecture``) would lose if ``node_id`` left: see :class:`WhatIf`.

    On the whole network paths are many, so that few enterprises lose every path; the lists
    of what they lose directly say who depended on the actor alone. The actor graph is read
    from the store tie by tie, from the actor outwards, and a search stops in a part as soon
    as it holds a financier and a centre: the whole network costs about what a prefecture
    does.

    Raises NotFound for an unknown id; InvalidArgument for a node that is not an actor, an
    unknown prefecture code, or an actor outside the prefecture asked (a nationwide one
    belongs to no prefecture: ask without one).
    """
    scope = scope_of(prefecture)
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"no node with id {node_id!r}")
    if node.kind not in ACTOR_KINDS:
        raise InvalidArgument(
            f"{node_id!r} is {node.kind.with_article}, not an actor: only an actor can leave"
        )
    if not scope.holds(node.prefecture):
        where = (
            "it is nationwide, in no prefecture's actor graph: ask without a prefecture for "
            "the whole network"
            if node.prefecture is None
            else f"it is in {_prefecture_name(node.prefecture)}"
        )
        raise InvalidArgument(f"{node_id!r} is not in prefecture {scope.prefecture}: {where}")
    try:
        actors: _Around | _Projected = _Around(store, scope, node)
        found = _what_if(actors, node_id)
    except _TooFar:  # a hub: reading the scope at once costs less than tie by tie
        actors = _Projected(store, scope)
        found = _what_if(actors, node_id)
    nodes = actors.nodes_of({e for ids in found for e in ids})
    return WhatIf(node, scope.prefecture, *([nodes[e] for e in sorted(ids)] for ids in found))


def _what_if(actors: _Around | _Projected, removed: str) -> tuple[list[str], ...]:
    """The four lists of :class:`WhatIf`, as ids."""
    lose_financier, lose_centre = _cut_off_without(actors, removed)
    only_financier = _depending_on(actors, removed, FINANCING_TYPES)
    only_support = _depending_on(actors, removed, {RelationType.SUPPORTS, RelationType.ADVISES})
    return lose_financier, lose_centre, only_financier, only_support


#: How long a what-if reads the store tie by tie before it reads the scope at once, in
#: seconds: long enough for most actors on either store; a hub (most of all on a server
#: store, where a read is a round trip) is read at once, as fast as the scope allows.
WHAT_IF_SECONDS = 0.5


class _TooFar(Exception):
    """A what-if read the store tie by tie for longer than WHAT_IF_SECONDS."""


class _Around:
    """The actor graph of a scope, read from the store as a search reaches each node: its
    actors (``nodes``) and, for each node asked about, its ties to them. Raises _TooFar
    past WHAT_IF_SECONDS of reading."""

    def __init__(self, store: GraphStore, scope: Scope, start: Node):
        self.store = store
        self.scope = scope
        self.until = time.monotonic() + WHAT_IF_SECONDS
        self.nodes: dict[str, Node] = {start.id: start}
        self.outside: set[str] = set()  # assets, and actors of another prefecture
        self.relations: dict[str, list[Relation]] = {}
        self.adjacency: dict[str, dict[str, set[RelationType]]] = {}

    def kind(self, node_id: str) -> NodeKind:
        return self.nodes[node_id].kind

    def nodes_of(self, ids: set[str]) -> dict[str, Node]:
        return self.nodes

    def ties(self, node_id: str) -> dict[str, set[RelationType]]:
        """The actors of the scope tied to ``node_id``, with the types that join them."""
        found = self.adjacency.get(node_id)
        if found is None:
            relations = self._relations_of(node_id)
            others = {r.target if r.source == node_id else r.source for r in relations}
            self._learn(others - {node_id})
            found = self.adjacency[node_id] = defaultdict(set)
            for relation in relations:
                other = relation.target if relation.source == node_id else relation.source
                if other in self.nodes and other != node_id:
                    found[other].add(relation.type)
        return found

    def other_tie(self, node_id: str, types: frozenset[RelationType], removed: str) -> bool:
        """Whether ``node_id`` has a relation of ``types`` with anyone but ``removed``, in or
        outside the scope."""
        return any(
            r.type in types and removed not in (r.source, r.target)
            for r in self._relations_of(node_id)
        )

    def _relations_of(self, node_id: str) -> list[Relation]:
        found = self.relations.get(node_id)
        if found is None:
            self._read()
            found = self.relations[node_id] = self.store.ties(node_id)
        return found

    def _learn(self, ids: set[str]) -> None:
        missing = [i for i in ids if i not in self.nodes and i not in self.outside]
        if not missing:
            return
        self._read()
        found = self.store.get_nodes(missing)
        for node_id in missing:
            node = found.get(node_id)
            if node and node.kind in ACTOR_KINDS and self.scope.holds(node.prefecture):
                self.nodes[node_id] = node
            else:
                self.outside.add(node_id)

    def _read(self) -> None:
        if time.monotonic() > self.until:
            raise _TooFar


class _Projected:
    """The actor graph of a scope read at once (:meth:`GraphStore.projection`), with the
    relations that leave the scope when it is a prefecture, as :class:`_Around` offers it."""

    def __init__(self, store: GraphStore, scope: Scope):
        self.store = store
        self.graph = store.projection(scope)
        self.leaving: dict[str, set[tuple[RelationType, str]]] | None = None
        self.scope = scope

    def kind(self, node_id: str) -> NodeKind:
        return self.graph.nodes[node_id]["kind"]

    def nodes_of(self, ids: set[str]) -> dict[str, Node]:
        return self.store.get_nodes(ids)

    def ties(self, node_id: str) -> dict[str, frozenset[RelationType]]:
        return {other: data["types"] for other, data in self.graph.adj[node_id].items()}

    def other_tie(self, node_id: str, types: frozenset[RelationType], removed: str) -> bool:
        inside = any(
            other != removed and not data["types"].isdisjoint(types)
            for other, data in self.graph.adj[node_id].items()
        )
        if inside or self.scope.prefecture is None:
            return inside
        if self.leaving is None:
            self.leaving = defaultdict(set)
            for r in self.store.boundary_relations(self.scope):
                self.leaving[r.source].add((r.type, r.target))
                self.leaving[r.target].add((r.type, r.source))
        return any(kind in types for kind, _ in self.leaving.get(node_id, ()))


def _cut_off_without(around: _Around | _Projected, removed: str) -> tuple[list[str], list[str]]:
    """The enterprises that reach a financier (and those that reach a centre) through the
    actor graph and would reach none without ``removed``.

    Only the parts that ``removed``'s neighbours fall into can change. Each is searched from
    a neighbour; a search that finds both a financier and a centre, or meets a part already
    known to hold both, stops, since none of its enterprises loses anything."""
    part_of: dict[str, int] = {removed: -1}
    holds_both: set[int] = set()
    parts: list[tuple[list[str], set[NodeKind]]] = []
    for start in sorted(around.ties(removed)):
        if start in part_of:
            continue
        index = len(parts)
        members, found = [start], {around.kind(start)}
        part_of[start] = index
        parts.append((members, found))
        at = 0
        while at < len(members) and index not in holds_both:
            for other in around.ties(members[at]):
                known = part_of.get(other)
                if known is None:
                    part_of[other] = index
                    members.append(other)
                    found.add(around.kind(other))
                elif known in holds_both:
                    holds_both.add(index)
            if NodeKind.FINANCIER in found and NodeKind.CENTRE in found:
                holds_both.add(index)
            at += 1
    lost: dict[NodeKind, list[str]] = {NodeKind.FINANCIER: [], NodeKind.CENTRE: []}
    for kind, enterprises in lost.items():
        had = around.kind(removed) is kind or any(
            i in holds_both or kind in found for i, (_, found) in enumerate(parts)
        )
        if not had:
            continue
        for i, (members, found) in enumerate(parts):
            if i not in holds_both and kind not in found:
                enterprises += [m for m in members if around.kind(m) is NodeKind.ENTERPRISE]
    return lost[NodeKind.FINANCIER], lost[NodeKind.CENTRE]


def _depending_on(
    around: _Around | _Projected, removed: str, types: Iterable[RelationType]
) -> list[str]:
    """The enterprises of the scope tied to ``removed`` by one of ``types`` and by no other
    relation of those types with anyone, in or outside the scope."""
    types = frozenset(types)
    return [
        other
        for other, joined in around.ties(removed).items()
        if around.kind(other) is NodeKind.ENTERPRISE
        and not types.isdisjoint(joined)
        and not around.other_tie(other, types, removed)
    ]
