"""Who can introduce whom: the best introduction paths between two actors, and the actors
who know both.

The meaning is the same on every store (api.md): ties are undirected and the strongest of
several between two nodes counts; a path runs through actors only, visits no node twice and has
at most ``max_hops`` ties; its score is the product of its ties' strengths; the ``k`` best come
first by score, then fewer hops, then node ids. The search itself is the store's
(:meth:`GraphStore.best_paths`); this module checks the question, names the people and says
in words who should ask whom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.errors import InvalidArgument, NotFound
from graph.model import (
    ACTOR_KINDS,
    DEFAULT_MAX_HOPS,
    INTRODUCTION_TIE_TYPES,
    MAX_HOPS_LIMIT,
    CentreKind,
    FinancierKind,
    Node,
    NodeKind,
    Relation,
    RelationType,
    ScoredPath,
    one_line,
    strongest,
)
from graph.store.base import GraphStore

__all__ = [
    "DEFAULT_K",
    "DEFAULT_MAX_HOPS",
    "Introducer",
    "Introduction",
    "MAX_HOPS",
    "MAX_K",
    "Step",
    "describe",
    "explain",
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
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgument(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _two_actors(
    store: GraphStore,
    first: str,
    second: str,
    names: tuple[str, str],
) -> list[Node]:
    """The two actors named by ``first`` and ``second``.

    Raises InvalidArgument when they are the same id or one is not an actor, NotFound when one
    is not in the store.
    """
    if first == second:
        raise InvalidArgument(
            f"{names[0]} and {names[1]} are both {first!r}: name two different actors"
        )
    found = store.get_nodes([first, second])
    nodes = []
    for node_id in (first, second):
        node = found.get(node_id)
        if node is None:
            raise NotFound(f"no node with id {node_id!r}")
        if node.kind not in ACTOR_KINDS:
            raise InvalidArgument(
                f"{node_id!r} is {node.kind.with_article}, not an actor: introductions join "
                "enterprises, centres, financiers and specialists"
            )
        nodes.append(node)
    return nodes


# -- the questions ---------------------------------------------------------------------


def introduction_paths(
    store: GraphStore,
    source: str,
    target: str,
    k: int = DEFAULT_K,
    max_hops: int = DEFAULT_MAX_HOPS,
) -> list[Introduction]:
    """The ``k`` best introduction paths from ``source`` to ``target``, best first, each with
    its steps and an explanation; an empty list when none has at most ``max_hops`` ties.

    Raises InvalidArgument for ``k`` outside 1..MAX_K, ``max_hops`` outside 1..MAX_HOPS, the
    same id twice or an id that is not an actor; NotFound for an id not in the store.
    """
    k = _whole_number(k, "k", 1, MAX_K)
    max_hops = _whole_number(max_hops, "max_hops", 1, MAX_HOPS)
    _two_actors(store, source, target, ("source", "target"))
    return describe(store, store.best_paths(source, target, k, max_hops))


def describe(
    store: GraphStore, found: Sequence[ScoredPath], known: Mapping[str, Node] | None = None
) -> list[Introduction]:
    """Each path of ``found`` as an introduction: its nodes, its steps and what to do with it.
    The nodes come from ``known`` when it holds them, the others from the store in one call;
    a specialist first on a path is described by their affiliation and former employer."""
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
                backgrounds[first.id] = _specialist_background(store, first)
            background = backgrounds[first.id]
        introductions.append(
            Introduction(path_nodes, path.score, steps, explain(steps, background))
        )
    return introductions


def introducers(store: GraphStore, a: str, b: str) -> list[Introducer]:
    """The actors tied to both ``a`` and ``b``, best first: by the product of the strongest tie
    to each, then by id.

    Raises InvalidArgument for the same id twice or an id that is not an actor; NotFound for an
    id not in the store.
    """
    _two_actors(store, a, b, ("a", "b"))
    to_a = _strongest_by_neighbour(store.ties(a), a)
    to_b = _strongest_by_neighbour(store.ties(b), b)
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


def _specialist_background(store: GraphStore, specialist: Node) -> list[tuple[Relation, Node]]:
    """The specialist's affiliations and former employers, with the node at the other end."""
    own = [
        relation
        for relation in store.ties(specialist.id)
        if relation.source == specialist.id
        and relation.type in (RelationType.AFFILIATED_WITH, RelationType.WORKED_AT)
    ]
    others = store.get_nodes(relation.target for relation in own)
    return [(relation, others[relation.target]) for relation in own if relation.target in others]


# -- saying it in words ----------------------------------------------------------------

#: What a relation's source does to its target, and what the target does in return, said of
#: "they" (the grammar fits a person, a firm or an organisation alike).
_DOES: dict[RelationType, tuple[str, str]] = {
    RelationType.SUPPORTS: ("support", "are supported by"),
    RelationType.ADVISES: ("advise", "are advised by"),
    RelationType.AFFILIATED_WITH: ("work with", "host"),
    RelationType.WORKED_AT: ("worked at", "once employed"),
    RelationType.LENDS_TO: ("lend to", "borrow from"),
    RelationType.GUARANTEES: ("guarantee the loans of", "have loans guaranteed by"),
    RelationType.INVESTS_IN: ("invest in", "are backed by"),
    RelationType.PARTNERS_WITH: ("partner with", "partner with"),
    RelationType.COLLABORATES_WITH: ("collaborate with", "collaborate with"),
    RelationType.TRADES_WITH: ("trade with", "trade with"),
}

#: The same, said of one named actor.
_DOES_ONE: dict[str, str] = {
    "support": "supports",
    "are supported by": "is supported by",
    "advise": "advises",
    "are advised by": "is advised by",
    "work with": "works with",
    "host": "hosts",
    "worked at": "worked at",
    "once employed": "once employed",
    "lend to": "lends to",
    "borrow from": "borrows from",
    "guarantee the loans of": "guarantees the loans of",
    "have loans guaranteed by": "has loans guaranteed by",
    "invest in": "invests in",
    "are backed by": "is backed by",
    "partner with": "partners with",
    "collaborate with": "collaborates with",
    "trade with": "trades with",
}

_CENTRE_WORDS: dict[str, tuple[str, str]] = {
    CentreKind.CHAMBER_OF_COMMERCE: ("a chamber of commerce", "the chamber"),
    CentreKind.COMMERCE_ASSOCIATION: ("a commerce association", "the association"),
    CentreKind.SME_FEDERATION: ("an SME federation", "the federation"),
    CentreKind.PREFECTURAL_CENTRE: ("a prefectural support centre", "the centre"),
    CentreKind.SHINKIN_BANK: ("a shinkin bank support desk", "the centre"),
    CentreKind.CREDIT_COOPERATIVE: ("a credit cooperative support desk", "the centre"),
    CentreKind.UNIVERSITY: ("a university", "the university"),
    CentreKind.AGRICULTURAL_COOPERATIVE: ("an agricultural cooperative", "the cooperative"),
}

_FINANCIER_WORDS: dict[str, tuple[str, str]] = {
    FinancierKind.CITY_BANK: ("a city bank", "the bank"),
    FinancierKind.REGIONAL_BANK: ("a regional bank", "the bank"),
    FinancierKind.SECOND_REGIONAL_BANK: ("a second-tier regional bank", "the bank"),
    FinancierKind.SHINKIN_BANK: ("a shinkin bank", "the bank"),
    FinancierKind.CREDIT_COOPERATIVE: ("a credit cooperative", "the cooperative"),
    FinancierKind.CREDIT_GUARANTEE_CORPORATION: (
        "a credit guarantee corporation",
        "the guarantee corporation",
    ),
    FinancierKind.GOVERNMENT: ("a public lender", "the public lender"),
    FinancierKind.FUND: ("an investment fund", "the fund"),
}


def _words(node: Node) -> tuple[str, str]:
    """How to call a node in general ("a regional bank") and once named ("the bank")."""
    if node.kind is NodeKind.CENTRE:
        return _CENTRE_WORDS.get(node.props.get("kind", ""), ("a support centre", "the centre"))
    if node.kind is NodeKind.FINANCIER:
        return _FINANCIER_WORDS.get(node.props.get("kind", ""), ("a financier", "the financier"))
    if node.kind is NodeKind.SPECIALIST:
        return ("a specialist", "the specialist")
    return ("a firm", "the firm")


def _does(subject: Node, relation: Relation, one: bool = False) -> str:
    """What ``subject`` does in ``relation``: its verb as the relation's source or target."""
    forward, backward = _DOES[relation.type]
    verb = forward if relation.source == subject.id else backward
    return _DOES_ONE[verb] if one else verb


def _introduce_who(first: Node, step_in: Step, background: Sequence[tuple[Relation, Node]]) -> str:
    """``first`` described for a person who does not know them, e.g. "a specialist of X,
    formerly at Y" or "a trade partner of Z"."""
    if first.kind is NodeKind.SPECIALIST:
        words = "a specialist"
        affiliations = [(r, n) for r, n in background if r.type is RelationType.AFFILIATED_WITH]
        employers = [(r, n) for r, n in background if r.type is RelationType.WORKED_AT]
        if affiliations:
            words += " of " + one_line(_strongest_with(affiliations).name)
        if employers:
            words += ", formerly at " + one_line(_strongest_with(employers).name)
        return words
    if first.kind is NodeKind.ENTERPRISE:
        partner = one_line(step_in.origin.name)
        if step_in.relation.type is RelationType.TRADES_WITH:
            return f"a trade partner of {partner}"
        if step_in.relation.type is RelationType.COLLABORATES_WITH:
            return f"a firm that collaborates with {partner}"
    if first.kind is NodeKind.CENTRE and step_in.relation.type is RelationType.SUPPORTS:
        return f"{_words(first)[0]} that supports {one_line(step_in.origin.name)}"
    if first.kind is NodeKind.FINANCIER and step_in.relation.type is RelationType.LENDS_TO:
        return f"{_words(first)[0]} that lends to {one_line(step_in.origin.name)}"
    return _words(first)[0]


def _strongest_with(pairs: Sequence[tuple[Relation, Node]]) -> Node:
    best = strongest(relation for relation, _ in pairs)
    return next(node for relation, node in pairs if relation is best)


def explain(steps: Sequence[Step], background: Sequence[tuple[Relation, Node]] = ()) -> str:
    """What a person should do with a path, in one or two sentences.

    ``steps`` are the path's ties in path order. ``background`` holds the first
    intermediary's own ties that tell who they are (a specialist's AFFILIATED_WITH centre and
    WORKED_AT employer) with the node at the other end.
    """
    if not steps:
        raise ValueError("a path has at least one step")
    source, target = steps[0].origin, steps[-1].destination
    if len(steps) == 1:
        return (
            f"{one_line(source.name)} and {one_line(target.name)} already work together "
            f"({steps[0].relation.type.value}): contact them directly."
        )
    first = steps[0].destination
    who = _introduce_who(first, steps[0], background)
    chain = "".join(
        f", who can introduce them to {one_line(step.destination.name)}" for step in steps[2:]
    )
    ask = (
        f"Ask {one_line(first.name)} ({who}) to introduce {one_line(source.name)} to "
        f"{one_line(steps[1].destination.name)}{chain}"
    )
    if len(steps) == 2:
        near, far = _words(source)[1], _words(target)[1]
        if near == far:
            near, far = one_line(source.name), one_line(target.name)
        why = (
            f"they {_does(first, steps[0].relation)} {near} and "
            f"{_does(first, steps[1].relation)} {far}"
        )
        return f"{ask}: {why}."
    reasons = [
        f"{one_line(first.name)} {_does(first, steps[0].relation, one=True)} "
        f"{one_line(source.name)} and "
        f"{_does(first, steps[1].relation, one=True)} {one_line(steps[1].destination.name)}"
    ]
    reasons += [
        f"{one_line(step.origin.name)} {_does(step.origin, step.relation, one=True)} "
        f"{one_line(step.destination.name)}"
        for step in steps[2:]
    ]
    return f"{ask}: " + "; ".join(reasons) + "."
