"""Searches from many sources at once: the best-scoring path to any source (:func:`best_reach`),
the nearest source (:func:`nearest`), each optionally *by place*, and the choice of the
nearest place first (:func:`nearest_place_first`); the best-ranked node near one start
(:func:`nearest_ranked`).

A search by place keeps each place's search to its own nodes and to the nodes of no place:
each node has a place (a prefecture, a regional block: any string) or none (nationwide). It
reaches a node as a *state* (node, the place it was reached for): a node of a place for that
place only; a node of no place for each place it is reached from, or for :data:`ANYWHERE`
when reached from a source of no place. A search of the whole graph reaches the node
itself. Every order that could depend on how the graph was built is fixed by ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import networkx as nx

from graph.algorithms.adjacency import adjacency_of, strengths

__all__ = [
    "ANYWHERE",
    "Everywhere",
    "Places",
    "Search",
    "State",
    "best_reach",
    "nearest",
    "nearest_place_first",
    "nearest_ranked",
    "path_of",
]

#: A node as a search sees it: (node, the place it was reached for) in a search by place,
#: the node itself in a search of the whole graph.
State = tuple[str, str] | str
#: The place a node of no place is reached for from a source of no place.
ANYWHERE = ""

#: A step of a search: the state one tie away, and the tie's strength.
Step = tuple[State, float]

#: What a search records for each state it reaches.
Found = TypeVar("Found", bound=tuple[Any, ...])


class Places:
    """A search by place: each node's place (``place_of``; none for a node of no place), the
    places searched (``searched``), and the ties of each node of no place to those places
    grouped by place, so that a search for one place reads only that place's ties of a hub.

    >>> graph = nx.path_graph(["a1", "hub", "b1"])
    >>> places = Places(graph, {"a1": "A", "b1": "B"}, {"A"})
    >>> [state for state, _ in places.steps(places.start("a1"))]
    [('hub', 'A')]
    >>> [state for state, _ in places.steps(("hub", "A"))]  # b1 is of a place not searched
    [('a1', 'A')]
    """

    def __init__(self, graph: nx.Graph, place_of: Mapping[str, str], searched: set[str]):
        self.graph = graph
        self.adjacency = adjacency_of(graph)
        self.place_of = place_of
        self.nationwide: dict[str, dict[str | None, list[tuple[str, float]]]] = {}
        for node in self.adjacency:  # each node's ties read only for those of no place
            if node not in place_of:
                grouped: dict[str | None, list[tuple[str, float]]] = defaultdict(list)
                for other, strength in strengths(self.adjacency, node):
                    theirs = place_of.get(other)
                    if theirs is None or theirs in searched:
                        grouped[theirs].append((other, strength))
                self.nationwide[node] = grouped

    def start(self, source: str) -> State:
        """The state a search from ``source`` starts at."""
        return (source, self.place_of.get(source, ANYWHERE))

    @staticmethod
    def node(state: State) -> str:
        """The node of a state."""
        return state[0]

    @staticmethod
    def place(state: State) -> str:
        """The place a state was reached for."""
        return state[1]

    def steps(self, state: State) -> list[Step]:
        """The states one tie away from ``state``, with the tie's strength: through its
        place's nodes and those of no place; from a node of no place reached ANYWHERE, into
        any place searched."""
        node, place = state[0], state[1]
        grouped = self.nationwide.get(node)
        if grouped is None:  # a node of ``place``
            place_of = self.place_of
            return [
                ((other, place), strength)
                for other, strength in strengths(self.adjacency, node)
                if place_of.get(other, place) == place
            ]
        if place == ANYWHERE:
            return [
                ((other, ANYWHERE if theirs is None else theirs), strength)
                for theirs, ties in grouped.items()
                for other, strength in ties
            ]
        return [
            ((other, place), strength)
            for other, strength in (*grouped.get(place, ()), *grouped.get(None, ()))
        ]

    def neighbours(self, state: State) -> list[State]:
        """The states one tie away from ``state``, as :meth:`steps` gives them, without the
        ties (what a search that reads no strength walks)."""
        return [other for other, _ in self.steps(state)]


class Everywhere:
    """A search of the whole graph, with no places.

    >>> walk = Everywhere(nx.path_graph(["a", "b", "c"]))
    >>> [state for state, _ in walk.steps(walk.start("b"))]
    ['a', 'c']
    """

    def __init__(self, graph: nx.Graph):
        self.graph = graph
        self.adjacency = adjacency_of(graph)

    def start(self, source: str) -> State:
        """The state a search from ``source`` starts at: the node itself."""
        return source

    def steps(self, state: State) -> Iterable[Step]:
        """The nodes one tie away, with the tie's strength."""
        assert isinstance(state, str)
        found: Iterable[Step] = strengths(self.adjacency, state)
        return found

    @staticmethod
    def node(state: State) -> str:
        """The node of a state: the state itself."""
        assert isinstance(state, str)
        return state

    @staticmethod
    def place(state: State) -> str | None:
        """No place: a search of the whole graph has none."""
        return None


@dataclass
class Search(Generic[Found]):
    """What a search from sources found, by state (see :data:`State`), and how it walked.

    >>> found = nearest(nx.path_graph(["s", "a"]), ["s"])
    >>> found.get("a"), found.get("elsewhere") is None
    ((1, 's', 's'), True)
    """

    found: dict[State, Found]
    places: Places | Everywhere

    def get(self, node: str) -> Found | None:
        """What the search found for ``node`` (for a search by place, from a source of the
        node's own place or of no place); None when it did not reach it."""
        return self.found.get(self.places.start(node))


def best_reach(
    graph: nx.Graph, sources: Iterable[str], max_hops: int, places: Places | None = None
) -> Search[tuple[float, int, str]]:
    """For every node within ``max_hops`` ties of a source: (score, hops, source) of its best
    path to any source, where a path's score is the product of its ties' ``strength``; ties
    go to fewer hops, then the smaller source id. One layered search from all sources at once
    (a best walk is never better than the simple path inside it, since strengths are at most
    1). With ``places``, a search by place. Raises KeyError for a source not in ``graph``.

    >>> graph = nx.Graph()
    >>> graph.add_edge("s", "a", strength=0.5)
    >>> graph.add_edge("a", "b", strength=0.5)
    >>> graph.add_edge("s", "b", strength=0.2)
    >>> best_reach(graph, ["s"], 2).get("b")  # 0.5 * 0.5 through a beats 0.2 direct
    (0.25, 2, 's')
    >>> best_reach(graph, ["s"], 1).get("b")
    (0.2, 1, 's')
    """
    walk: Places | Everywhere = places or Everywhere(graph)
    best: dict[State, tuple[float, int, str]] = {
        walk.start(s): (1.0, 0, s) for s in sorted(sources)
    }
    frontier = list(best)
    for hops in range(1, max_hops + 1):
        changed: set[State] = set()
        # Extend what the frontier held when this layer began: a node improved earlier in
        # the same layer has a walk of ``hops`` ties, which must not be extended in it.
        for state, (score, _, origin) in [(state, best[state]) for state in frontier]:
            for other, strength in walk.steps(state):
                value = score * strength
                known = best.get(other)
                # better: a higher score, then fewer hops, then the smaller source id
                if (
                    known is None
                    or value > known[0]
                    or (value == known[0] and (hops, origin) < (known[1], known[2]))
                ):
                    best[other] = (value, hops, origin)
                    changed.add(other)
        # in any order: what a layer finds does not depend on it (each state keeps the best
        # of what the layer offers it, and extends what it held when the layer began)
        frontier = list(changed)
        if not frontier:
            break
    return Search(best, walk)


def nearest(
    graph: nx.Graph,
    sources: Iterable[str],
    places: Places | None = None,
    wanted: Iterable[str] | None = None,
) -> Search[tuple[int, str, State | None]]:
    """For every node reachable from a source: (ties to the nearest source, that source, the
    state before it on the way there), the smallest source id winning among the nearest.
    With ``places``, a search by place. With ``wanted``, the search of a place stops once it
    has reached every node of it there. Raises KeyError for a source not in ``graph``.

    >>> graph = nx.path_graph(["s", "a", "b", "t"])
    >>> found = nearest(graph, ["s", "t"])
    >>> found.get("a"), found.get("b")
    ((1, 's', 's'), (1, 't', 't'))
    >>> path_of(found, "a")
    ('a', 's')
    """
    walk: Places | Everywhere = places or Everywhere(graph)
    found: dict[State, tuple[int, str, State | None]] = {
        walk.start(s): (0, s, None) for s in sources
    }
    pending: dict[str | None, set[State]] | None = None
    if wanted is not None:
        pending = defaultdict(set)
        for node in wanted:
            if (state := walk.start(node)) not in found:
                pending[walk.place(state)].add(state)

    # the states to go on from: those of a place with nodes still wanted (in any order, as
    # each state keeps the least offer it gets, whatever the order they come in)
    def live(states: Iterable[State]) -> list[State]:
        if pending is None:
            return list(states)
        return [s for s in states if (p := walk.place(s)) == ANYWHERE or pending.get(p)]

    # the whole graph: as fast as it gets (its states are its nodes)
    neighbours_of: Callable[[State], Iterable[State]]
    if isinstance(walk, Everywhere):
        neighbours_of = cast("Mapping[State, Iterable[State]]", walk.adjacency).__getitem__
    else:
        neighbours_of = walk.neighbours
    frontier = live(found)
    distance = 0
    while frontier:
        distance += 1
        offers: dict[State, tuple[str, State]] = {}
        for state in frontier:
            offer = (found[state][1], state)
            for other in neighbours_of(state):
                if other not in found:
                    known = offers.get(other)
                    if known is None or offer < known:
                        offers[other] = offer
        for other, (origin, via) in offers.items():
            found[other] = (distance, origin, via)
            if pending is not None and (place := walk.place(other)) in pending:
                pending[place].discard(other)
        frontier = live(offers)
    return Search(found, walk)


def path_of(search: Search[tuple[int, str, State | None]], start: str) -> tuple[str, ...]:
    """The path from ``start`` to the source :func:`nearest` found for it, as nodes. Raises
    KeyError for a node the search did not reach.

    >>> path_of(nearest(nx.path_graph(["s", "a", "b"]), ["s"]), "b")
    ('b', 'a', 's')
    """
    path = [start]
    state = search.places.start(start)
    while (via := search.found[state][2]) is not None:
        path.append(search.places.node(via))
        state = via
    return tuple(path)


def nearest_place_first(
    graph: nx.Graph,
    wanted: Iterable[str],
    sources: list[str],
    search: Callable[[list[str], Places | None, list[str]], Search[Found]],
    origin: Callable[[Found], str],
    levels: Sequence[Mapping[str, str]] = (),
) -> dict[str, tuple[Search[Found], Found]]:
    """For each node of ``wanted``, what ``search`` (from some of ``sources``, by place or
    not, stopping when it has reached what it is given) finds for it, the nearest place
    first, and the search that found it (for its path); ``origin`` tells the source of what a
    search found. A node ``search`` does not reach is left out.

    A search of the whole graph first. Then, for each map of ``levels`` in turn (say
    prefectures, then regional blocks: each node's place, none for a node of no place), a
    node of a place whose source is of another place (a source of no place is of every place)
    is searched again by place: from the sources of its place and those of no place, through
    its place's nodes and those of no place. What that finds replaces what was found; if it
    finds nothing, what was found stands and the next level tries.

    >>> graph = nx.path_graph(["near", "x", "e", "far"])
    >>> places = {"near": "A", "x": "A", "e": "A", "far": "B"}
    >>> found = nearest_place_first(
    ...     graph,
    ...     ["e"],
    ...     ["far", "near"],
    ...     lambda sources, places, wanted: nearest(graph, sources, places, wanted),
    ...     lambda hit: hit[1],
    ...     [places],
    ... )
    >>> found["e"][1]  # "far" is one tie nearer, but "near" is of e's place
    (2, 'near', ('x', 'A'))
    >>> path_of(found["e"][0], "e")
    ('e', 'x', 'near')
    """
    todo = list(wanted)
    everywhere = search(sources, None, todo)
    answers = {
        node: (everywhere, hit) for node in todo if (hit := everywhere.get(node)) is not None
    }
    if not levels:
        return answers
    todo = [node for node in answers if node in levels[0]]
    for place_of in levels:
        # reached first from a source of another place (one of no place is of every place)
        todo = [
            node
            for node in todo
            if place_of.get(origin(answers[node][1]), ANYWHERE) not in (place_of[node], ANYWHERE)
        ]
        searched = {place_of[node] for node in todo}
        if not searched:
            break
        starting = searched | {ANYWHERE}  # sources of no place search every place
        chosen = [s for s in sources if place_of.get(s, ANYWHERE) in starting]
        found = search(chosen, Places(graph, place_of, searched), todo)
        rest = []
        for node in todo:
            hit = found.get(node)
            if hit is None:
                rest.append(node)
            else:
                answers[node] = (found, hit)
        todo = rest
    return answers


def nearest_ranked(
    graph: nx.Graph,
    start: str,
    rank: Callable[[str], int | None],
    enough: int,
    max_hops: int,
    barred: Container[str] = frozenset(),
    adjacency: Mapping[str, Iterable[str]] | None = None,
) -> str | None:
    """The node ``rank`` ranks best (lowest) among those reached from ``start`` through nodes
    not ``barred``, then the fewest ties away, then the smallest id; None when no node
    reached has a rank (``rank`` gives None for a node that is passed through, never
    chosen). The search stops after the first layer where the best rank so far is at most
    ``enough``, or ``max_hops`` ties out: past that, the best found is taken. A caller
    searching from many starts passes ``adjacency``, each node's neighbours read once
    (:func:`adjacency_of` the graph, or :func:`graph.algorithms.adjacency.neighbours_of` it).
    Raises KeyError for a ``start`` not in ``graph``.

    >>> graph = nx.path_graph(["s", "a", "b", "c"])
    >>> rank = {"a": 2, "c": 0}.get
    >>> nearest_ranked(graph, "s", rank, enough=0, max_hops=4)
    'c'
    >>> nearest_ranked(graph, "s", rank, enough=0, max_hops=1)
    'a'
    >>> nearest_ranked(graph, "s", rank, enough=0, max_hops=4, barred={"b"})
    'a'
    """
    around = graph.adj if adjacency is None else adjacency
    best: tuple[int, int, str] | None = None
    seen = {start}
    frontier = [start]
    distance = 0
    while frontier:
        distance += 1
        following = sorted(
            {o for n in frontier for o in around[n] if o not in barred and o not in seen}
        )
        for other in following:
            ranked = rank(other)
            if ranked is not None:
                key = (ranked, distance, other)
                best = key if best is None else min(best, key)
        if best is not None and (best[0] <= enough or distance >= max_hops):
            return best[2]
        seen.update(following)
        frontier = following
    return None if best is None else best[2]
