"""Who can introduce whom: the best introduction paths between two actors, and the actors
who know both.

The meaning is the same on every store (see the README's section on introductions): ties are
undirected and the strongest of several between two nodes counts; a path runs through actors
only, visits no node twice and has at most ``max_hops`` ties; its score is the product of its
ties' strengths; the ``k`` best come first by score, then fewer hops, then node ids. The
search itself is the store's (:meth:`GraphStore.best_paths`); this module checks the question
and names the people; :func:`graph.queries.wording.explain` says in words who should ask
whom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.errors import InvalidArgument
from graph.i18n import _
from graph.model import (
    ACTOR_KINDS,
    DEFAULT_MAX_HOPS,
    INTRODUCTION_TIE_TYPES,
    MAX_HOPS_LIMIT,
    Node,
    NodeKind,
    Relation,
    RelationType,
    ScoredPath,
    strongest,
)
from graph.queries import wording
from graph.queries.presence import node_on
from graph.queries.visibility import visible_ties
from graph.store.ports import GraphStore
from graph.visibility import Visibility

__all__ = [
    "DEFAULT_K",
    "DEFAULT_MAX_HOPS",
    "Introducer",
    "Introduction",
    "MAX_HOPS",
    "MAX_K",
    "Step",
    "describe",
    "introducers",
    "introduction_paths",
]

DEFAULT_K = 3
MAX_K = 20
MAX_HOPS = MAX_HOPS_LIMIT


@dataclass(frozen=True)
class Step:
    """One tie of a path, walked from ``origin`` to ``destination`` (path order); ``relation``
    is the strongest relation between them, in its own direction."""

    origin: Node
    destination: Node
    relation: Relation


@dataclass(frozen=True)
class Introduction:
    """An introduction path from ``nodes[0]`` to ``nodes[-1]`` and what to do with it;
    ``score`` is exact (the API and the CLI show it as :func:`readable` gives it)."""

    nodes: tuple[Node, ...]
    score: float
    steps: tuple[Step, ...]
    explanation: str

    @property
    def hops(self) -> int:
        """The path's ties."""
        return len(self.steps)


@dataclass(frozen=True)
class Introducer:
    """An actor tied to both ``a`` and ``b``; ``score`` is the exact product of the two ties
    (the API and the CLI show it as :func:`readable` gives it)."""

    node: Node
    score: float
    tie_to_a: Relation
    tie_to_b: Relation


# -- checking the question -------------------------------------------------------------


def _whole_number(value: object, name: str, low: int, high: int) -> int:
    """``value`` when it is a whole number (not a bool) from ``low`` to ``high``; else raises
    InvalidArgument naming the parameter ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgument(
            _(
                "{name} must be a whole number from {low} to {high}, got {value!r}",
                name=name,
                low=low,
                high=high,
                value=value,
            )
        )
    return value


def _two_ids(first: str, second: str, names: tuple[str, str]) -> None:
    """Raise InvalidArgument when ``first`` and ``second`` are the same id."""
    if first == second:
        raise InvalidArgument(
            _(
                "{first} and {second} are both {id!r}: name two different actors",
                first=names[0],
                second=names[1],
                id=first,
            )
        )


def _two_actors(
    store: GraphStore,
    first: str,
    second: str,
    names: tuple[str, str],
    found: Mapping[str, Node] | None = None,
) -> list[Node]:
    """The two actors named by ``first`` and ``second`` (the kept node for the id of a node
    merged into another), looked up in ``found`` (the nodes of the store read already) or
    else in the store.

    Raises InvalidArgument when they are the same node or one is not an actor, NotFound when
    one is not in the store.
    """
    _two_ids(first, second, names)
    if found is None:
        found = store.get_nodes([first, second])
    nodes = []
    for node_id in (first, second):
        node = found.get(node_id) or node_on(store, node_id)
        if node.kind not in ACTOR_KINDS:
            raise InvalidArgument(
                _(
                    "{id!r} is {kind}, not an actor: introductions join enterprises, centres, "
                    "financiers and specialists",
                    id=node_id,
                    kind=wording.a_kind(node.kind),
                )
            )
        nodes.append(node)
    if nodes[0].id == nodes[1].id:
        raise InvalidArgument(
            _(
                "{first} {first_id!r} and {second} {second_id!r} are one node, {id!r}, since "
                "they were merged: name two different actors",
                first=names[0],
                first_id=first,
                second=names[1],
                second_id=second,
                id=nodes[0].id,
            )
        )
    return nodes


# -- the questions ---------------------------------------------------------------------


def introduction_paths(
    store: GraphStore,
    source: str,
    target: str,
    k: int = DEFAULT_K,
    max_hops: int = DEFAULT_MAX_HOPS,
    visibility: Visibility | None = None,
) -> list[Introduction]:
    """The ``k`` best introduction paths from ``source`` to ``target``, best first, each with
    its steps and an explanation; an empty list when none has at most ``max_hops`` ties. The
    search runs on the graph the caller of ``visibility`` may see (all of it for None).

    Raises InvalidArgument for ``k`` outside 1..MAX_K, ``max_hops`` outside 1..MAX_HOPS, the
    same id twice or an id that is not an actor; NotFound for an id not in the store.
    """
    k = _whole_number(k, "k", 1, MAX_K)
    max_hops = _whole_number(max_hops, "max_hops", 1, MAX_HOPS)
    names = ("source", "target")
    _two_ids(source, target, names)
    # the ends, the paths and their nodes at once (one round trip on a server store)
    search = store.introduction_search(source, target, k, max_hops, visibility=visibility)
    one, other = _two_actors(store, source, target, names, search.ends)
    if (one.id, other.id) != (source, target):  # an id of a merged node: search the kept one
        search = store.introduction_search(one.id, other.id, k, max_hops, visibility=visibility)
    return describe(store, search.paths, search.nodes, visibility, search.background)


def describe(
    store: GraphStore,
    found: Sequence[ScoredPath],
    known: Mapping[str, Node] | None = None,
    visibility: Visibility | None = None,
    read_background: Mapping[str, list[Relation]] | None = None,
) -> list[Introduction]:
    """Each path of ``found`` as an introduction: its nodes, its steps and what to do with it.
    The nodes come from ``known`` when it holds them, the others from the store in one call;
    a specialist first on a path is described by their affiliation and former employer (those
    ties the caller of ``visibility`` may see), taken from ``read_background`` when it holds the
    specialist's (with the nodes at their other ends in ``known``), else read.
    Raises KeyError for a path through a node that neither ``known`` nor the store holds
    (the paths of a search of the same store never are)."""
    wanted = {node_id for path in found for node_id in path.nodes}
    nodes = {node_id: known[node_id] for node_id in wanted if node_id in known} if known else {}
    if len(nodes) < len(wanted):
        nodes.update(store.get_nodes(wanted - set(nodes)))
    backgrounds: dict[str, list[tuple[Relation, Node]]] = {}
    introductions = []
    for path in found:
        path_nodes = tuple(nodes[node_id] for node_id in path.nodes)
        steps = tuple(
            Step(path_nodes[i], path_nodes[i + 1], relation)
            for i, relation in enumerate(path.relations)
        )
        first = path_nodes[1] if len(path_nodes) > 2 else None
        background: list[tuple[Relation, Node]] = []
        if first is not None and first.kind is NodeKind.SPECIALIST:
            if first.id not in backgrounds:
                own = read_background.get(first.id) if read_background else None
                backgrounds[first.id] = _specialist_background(store, first, visibility, own, nodes)
            background = backgrounds[first.id]
        introductions.append(
            Introduction(path_nodes, path.score, steps, wording.explain(steps, background))
        )
    return introductions


def introducers(
    store: GraphStore, a: str, b: str, visibility: Visibility | None = None
) -> list[Introducer]:
    """The actors tied to both ``a`` and ``b``, best first: by the product of the strongest tie
    to each, then by id; only ties the caller of ``visibility`` may see count.

    Raises InvalidArgument for the same id twice or an id that is not an actor; NotFound for an
    id not in the store.
    """
    a, b = (node.id for node in _two_actors(store, a, b, ("a", "b")))
    to_a = _strongest_by_neighbour(_seen_ties(store, a, visibility), a)
    to_b = _strongest_by_neighbour(_seen_ties(store, b, visibility), b)
    common = (set(to_a) & set(to_b)) - {a, b}
    nodes = store.get_nodes(common)
    scored = [
        (to_a[node.id].strength * to_b[node.id].strength, node)
        for node in nodes.values()
        if node.kind in ACTOR_KINDS
    ]
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return [Introducer(node, score, to_a[node.id], to_b[node.id]) for score, node in scored]


def _strongest_by_neighbour(ties: Sequence[Relation], node_id: str) -> dict[str, Relation]:
    """The strongest introduction tie between ``node_id`` and each of its neighbours."""
    grouped: dict[str, list[Relation]] = {}
    for relation in ties:
        if relation.type not in INTRODUCTION_TIE_TYPES:
            continue
        other = relation.target if relation.source == node_id else relation.source
        grouped.setdefault(other, []).append(relation)
    return {other: strongest(relations) for other, relations in grouped.items()}


def _seen_ties(store: GraphStore, node_id: str, visibility: Visibility | None) -> list[Relation]:
    """The ties of ``node_id`` the caller of ``visibility`` sees (all for None)."""
    ties = store.ties(node_id)
    if visibility is None:
        return ties
    return visible_ties(store, visibility, ties, around=node_id)


def _specialist_background(
    store: GraphStore,
    specialist: Node,
    visibility: Visibility | None = None,
    read: list[Relation] | None = None,
    known: Mapping[str, Node] | None = None,
) -> list[tuple[Relation, Node]]:
    """The specialist's affiliations and former employers (that the caller of
    ``visibility`` sees), with the node at the other end; ``read`` holds those relations
    when they were read already (before any visibility) and ``known`` their other ends."""
    if read is None:
        ties = _seen_ties(store, specialist.id, visibility)
    elif visibility is None:
        ties = read
    else:
        ties = visible_ties(store, visibility, read, around=specialist.id)
    own = [
        relation
        for relation in ties
        if relation.source == specialist.id
        and relation.type in (RelationType.AFFILIATED_WITH, RelationType.WORKED_AT)
    ]
    targets = {relation.target for relation in own}
    others = {node: known[node] for node in targets if node in known} if known else {}
    if len(others) < len(targets):
        others.update(store.get_nodes(targets - others.keys()))
    return [(relation, others[relation.target]) for relation in own if relation.target in others]
