"""The English a person reads in the answers: what to do with an introduction path, and the
suggestion of each weakness finding.

This module only turns facts into sentences: the queries decide who, what and how near, then
call it. It reads no store and decides nothing, so that another language's wording (say a
Japanese one) can sit beside it with the same functions. Names are put on one line
(:func:`graph.model.one_line`); places are said as :func:`graph.japan.nearness_words` says
them.

Every table here keyed by relation type, node kind, centre kind or financier kind has an
entry for each member (tests/unit/test_tables_wording.py), so a new member cannot go unsaid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from graph.japan import JSIC_DIVISIONS, nearness_words, prefecture_name
from graph.model import (
    CentreKind,
    FinancierKind,
    Node,
    NodeKind,
    Relation,
    RelationType,
    one_line,
    strongest,
)

__all__ = [
    "Tie",
    "WithRoom",
    "cut_vertex_partner",
    "cut_vertex_without_partner",
    "explain",
    "isolated_contact",
    "isolated_without_centre",
    "overloaded_share",
    "overloaded_without_partner",
    "room",
    "unfinanced_introduction",
    "unfinanced_without_financier",
    "unsupported_contact",
    "unsupported_refer",
    "unsupported_without_centre",
    "unused_match",
    "unused_without_industry",
    "where",
]


# -- introductions -----------------------------------------------------------------------


class Tie(Protocol):
    """One tie of a path, walked from ``origin`` to ``destination`` (path order);
    ``relation`` is the relation that counts between them, in its own direction (an
    introduction's step is one)."""

    @property
    def origin(self) -> Node: ...

    @property
    def destination(self) -> Node: ...

    @property
    def relation(self) -> Relation: ...


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
    RelationType.UTILIZES: ("use", "are used by"),
}

#: The same, said of one named actor.
_DOES_ONE: dict[RelationType, tuple[str, str]] = {
    RelationType.SUPPORTS: ("supports", "is supported by"),
    RelationType.ADVISES: ("advises", "is advised by"),
    RelationType.AFFILIATED_WITH: ("works with", "hosts"),
    RelationType.WORKED_AT: ("worked at", "once employed"),
    RelationType.LENDS_TO: ("lends to", "borrows from"),
    RelationType.GUARANTEES: ("guarantees the loans of", "has loans guaranteed by"),
    RelationType.INVESTS_IN: ("invests in", "is backed by"),
    RelationType.PARTNERS_WITH: ("partners with", "partners with"),
    RelationType.COLLABORATES_WITH: ("collaborates with", "collaborates with"),
    RelationType.TRADES_WITH: ("trades with", "trades with"),
    RelationType.UTILIZES: ("uses", "is used by"),
}

#: How to call an actor of each kind in general ("a firm") and once named ("the firm"), when
#: its own kind (a centre's or a financier's) says no better.
_KIND_WORDS: dict[NodeKind, tuple[str, str]] = {
    NodeKind.ENTERPRISE: ("a firm", "the firm"),
    NodeKind.CENTRE: ("a support centre", "the centre"),
    NodeKind.FINANCIER: ("a financier", "the financier"),
    NodeKind.SPECIALIST: ("a specialist", "the specialist"),
}

#: The same for a centre of each kind.
_CENTRE_WORDS: dict[CentreKind, tuple[str, str]] = {
    CentreKind.CHAMBER_OF_COMMERCE: ("a chamber of commerce", "the chamber"),
    CentreKind.COMMERCE_ASSOCIATION: ("a commerce association", "the association"),
    CentreKind.SME_FEDERATION: ("an SME federation", "the federation"),
    CentreKind.PREFECTURAL_CENTRE: ("a prefectural support centre", "the centre"),
    CentreKind.SHINKIN_BANK: ("a shinkin bank support desk", "the centre"),
    CentreKind.CREDIT_COOPERATIVE: ("a credit cooperative support desk", "the centre"),
    CentreKind.UNIVERSITY: ("a university", "the university"),
    CentreKind.AGRICULTURAL_COOPERATIVE: ("an agricultural cooperative", "the cooperative"),
    CentreKind.OTHER: _KIND_WORDS[NodeKind.CENTRE],
}

#: The same for a financier of each kind.
_FINANCIER_WORDS: dict[FinancierKind, tuple[str, str]] = {
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
    FinancierKind.OTHER: _KIND_WORDS[NodeKind.FINANCIER],
}


def _words(node: Node) -> tuple[str, str]:
    """How to call a node in general ("a regional bank") and once named ("the bank")."""
    general = _KIND_WORDS.get(node.kind, _KIND_WORDS[NodeKind.ENTERPRISE])
    own = node.props.get("kind", "")
    if node.kind is NodeKind.CENTRE:
        return _CENTRE_WORDS.get(own, general)
    if node.kind is NodeKind.FINANCIER:
        return _FINANCIER_WORDS.get(own, general)
    return general


def _does(subject: Node, relation: Relation, one: bool = False) -> str:
    """What ``subject`` does in ``relation``: its verb as the relation's source or target,
    said of "they" or, with ``one``, of one named actor."""
    forward, backward = (_DOES_ONE if one else _DOES)[relation.type]
    return forward if relation.source == subject.id else backward


def _introduce_who(first: Node, step_in: Tie, background: Sequence[tuple[Relation, Node]]) -> str:
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


def explain(steps: Sequence[Tie], background: Sequence[tuple[Relation, Node]] = ()) -> str:
    """What a person should do with an introduction path, in one or two sentences.

    ``steps`` are the path's ties in path order. ``background`` holds the first
    intermediary's own ties that tell who they are (a specialist's AFFILIATED_WITH centre and
    WORKED_AT employer) with the node at the other end. Raises ValueError for a path without
    steps.
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


# -- the weakness report's suggestions ----------------------------------------------------


class WithRoom(NamedTuple):
    """A centre as a suggestion names it: its record, the enterprises it supports, and how
    many more it can take on (None when it declares no capacity)."""

    node: Node
    clients: int
    room: int | None


def room(centre: WithRoom) -> str:
    """How full a centre is: "it supports 3 of its capacity of 5"."""
    if centre.room is None:
        return f"it supports {centre.clients} enterprises and declares no capacity"
    return f"it supports {centre.clients} of its capacity of {centre.clients + centre.room}"


def where(home: Node, other: Node) -> str:
    """Where ``other`` is, seen from ``home``: "in the same prefecture (Tokyo)", ... (see
    :func:`graph.japan.nearness_words`)."""
    return nearness_words(home.prefecture, other.prefecture)


def _named(node: Node, seen_from: Node) -> str:
    """A node named with its id and where it is: "Kanagawa Centre (GCK, in the same
    prefecture (Kanagawa))"."""
    return f"{one_line(node.name)} ({node.id}, {where(seen_from, node)})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _alone_links(node: Node, cut_off: int) -> str:
    return f"{one_line(node.name)} alone links {_plural(cut_off, 'actor')}"


def cut_vertex_without_partner(node: Node, cut_off: int) -> str:
    """A cut vertex that ``cut_off`` actors depend on, with no other centre in reach."""
    return (
        f"{_alone_links(node, cut_off)} to the rest of its part of the network, and no other "
        "centre is in reach: bring a centre in to support these actors directly."
    )


def cut_vertex_partner(
    node: Node,
    cut_off: int,
    example: Node,
    partner: Node,
    anchors: Sequence[tuple[RelationType, Node]],
) -> str:
    """A cut vertex that ``cut_off`` actors (``example`` one of them) depend on: ``partner``
    should make each tie of ``anchors`` (the relation, the actor), one into each part; the
    first three are named."""
    ties = "; ".join(f"{tie.value} {one_line(a.name)} ({a.id})" for tie, a in anchors[:3])
    more = f" and {len(anchors) - 3} more" if len(anchors) > 3 else ""
    return (
        f"{_alone_links(node, cut_off)} (for example {one_line(example.name)}) to the rest: "
        f"ask partner centre {_named(partner, node)} to tie in directly, {ties}{more}, so "
        f"that no part depends on {one_line(node.name)} alone."
    )


def isolated_without_centre(node: Node) -> str:
    """An actor without ties, and no centre with room near it."""
    return (
        f"{one_line(node.name)} has no tie at all and no centre of its prefecture or regional "
        "block has room: it needs a first contact from outside."
    )


def isolated_contact(node: Node, centre: WithRoom, tie: RelationType) -> str:
    """An actor without ties, and the centre with room that should reach out with ``tie``."""
    return (
        f"{one_line(node.name)} has no tie at all: ask {_named(centre.node, node)} to reach "
        f"out ({tie.value}); {room(centre)}."
    )


def unfinanced_without_financier(enterprise: Node, max_hops: int) -> str:
    """An unfinanced enterprise with no financier within ``max_hops`` ties."""
    return (
        f"No financier of the scope is within {max_hops} ties of {one_line(enterprise.name)}: "
        "a centre's financing consultation is the first step."
    )


def unfinanced_introduction(explanation: str, enterprise: Node, financier: Node) -> str:
    """An unfinanced enterprise, the introduction to ``financier`` (its ``explanation``, see
    :func:`explain`) and where the financier is."""
    return f"{explanation} {one_line(financier.name)} is {where(enterprise, financier)}."


def unsupported_without_centre(enterprise: Node) -> str:
    """An unsupported enterprise, and no centre with room near it."""
    return (
        f"No centre with room is tied to {one_line(enterprise.name)}, and none of its "
        "prefecture or regional block has room."
    )


def unsupported_contact(enterprise: Node, centre: WithRoom) -> str:
    """An unsupported enterprise that no tie leads from to a centre with room, and the one to
    contact directly."""
    return (
        f"No tie leads from {one_line(enterprise.name)} to a centre with room: contact "
        f"{_named(centre.node, enterprise)} directly; {room(centre)}."
    )


def unsupported_refer(
    enterprise: Node, centre: WithRoom, distance: int, via: Sequence[Node]
) -> str:
    """An unsupported enterprise, and the centre with room ``distance`` ties away, through
    the actors ``via`` (none when they know each other)."""
    through = ", ".join(one_line(n.name) for n in via)
    how = f"through {through}" if through else "they already know each other"
    return (
        f"Ask {_named(centre.node, enterprise)} to take {one_line(enterprise.name)} on: it is "
        f"{_plural(distance, 'tie')} away ({how}), and {room(centre)}."
    )


def overloaded_without_partner(centre: Node, over: int) -> str:
    """A centre ``over`` enterprises past its capacity, and no centre with room near it."""
    return (
        f"{one_line(centre.name)} supports {over} enterprises more than its capacity, and no "
        "centre of its prefecture or regional block has room to share the load."
    )


def overloaded_share(centre: Node, over: int, partner: WithRoom) -> str:
    """A centre ``over`` enterprises past its capacity, and the centre to share the load."""
    return (
        f"{one_line(centre.name)} supports {over} enterprises more than its capacity: refer "
        f"some to {_named(partner.node, centre)}; {room(partner)}."
    )


def _prefecture(node: Node) -> str:
    return prefecture_name(node.prefecture, unknown="the prefecture")


def unused_without_industry(asset: Node, category: str, fitting: Sequence[str]) -> str:
    """An unused asset of ``category``, and no enterprise of its prefecture in an industry
    that fits (``fitting``: JSIC division codes)."""
    return (
        f"No enterprise of {_prefecture(asset)} works in an industry that fits {category} "
        f"assets ({', '.join(fitting)})."
    )


def unused_match(asset: Node, category: str, enterprises: Sequence[Node]) -> str:
    """An unused asset of ``category``, and the enterprises of its prefecture to present it
    to (each with an ``industry``, a JSIC division code)."""
    names = ", ".join(
        f"{one_line(e.name)} ({e.id}, {JSIC_DIVISIONS[e.props['industry']].lower()})"
        for e in enterprises
    )
    return (
        f"No enterprise uses {one_line(asset.name)}: present it to {names}, in "
        f"{_prefecture(asset)} and in an industry that fits {category} assets."
    )
