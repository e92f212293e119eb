"""The sentences a person reads in the answers, in the current language (:mod:`graph.i18n`):
what to do with an introduction path, and the suggestion of each weakness finding.

This module only turns facts into sentences: the queries decide who, what and how near, then
call it. It reads no store and decides nothing. Each sentence is one catalogue message with
named placeholders (one per relation type, or per direction of a tie, where the grammar
needs it), so that Japanese puts the words in its own order; the English reads as the
messages' source text. Names are put on one line (:func:`graph.model.one_line`) and are
never translated (they are data); places are said as :func:`graph.japan.nearness_words`
says them, kinds and relation types as :mod:`graph.names` names them.

Every table here keyed by relation type, node kind, centre kind or financier kind has an
entry for each member (tests/unit/test_tables_wording.py), so a new member cannot go unsaid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol

from graph.i18n import DEFAULT_LANGUAGE, N_, _, _n, language
from graph.japan import nearness_words, prefecture_name
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
from graph.names import category_name, industry_name, kind_name, relation_name

__all__ = [
    "Tie",
    "WithRoom",
    "a_kind",
    "cut_vertex_partner",
    "cut_vertex_without_partner",
    "explain",
    "isolated_contact",
    "isolated_without_centre",
    "listed",
    "overloaded_share",
    "overloaded_without_partner",
    "room",
    "said",
    "tie_label",
    "unfinanced_introduction",
    "unfinanced_without_financier",
    "unsupported_contact",
    "unsupported_refer",
    "unsupported_without_centre",
    "unused_match",
    "unused_without_industry",
    "where",
]


# -- words shared by the answers -----------------------------------------------------------


def said(value: str, name: str) -> str:
    """A machine value as a sentence says it: as it is in English, where the answers' fields
    spell it so ("SUPPORTS", "finance", "requested"), and by its ``name`` in any other
    language (支援, 財務・資金調達, 依頼中)."""
    return value if language() == DEFAULT_LANGUAGE else name


def a_kind(kind: NodeKind) -> str:
    """A node kind after its article, for sentences: "an Enterprise" (企業)."""
    return said(kind.with_article, kind_name(kind))


def tie_label(kind: RelationType) -> str:
    """A relation type in a sentence, in parentheses or a list: "SUPPORTS" (支援)."""
    return said(kind.value, relation_name(kind))


def listed(items: Iterable[str]) -> str:
    """Items as a list in a sentence: "a, b, c" (a、b、c); "" for none."""
    text = ""
    for item in items:
        text = _("{list}, {item}", list=text, item=item) if text else item
    return text


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


#: What a relation's source does to its ``{object}``, and what the target does in return,
#: said of "they" (the grammar fits a person, a firm or an organisation alike).
_DOES: dict[RelationType, tuple[str, str]] = {
    RelationType.SUPPORTS: (N_("support {object}"), N_("are supported by {object}")),
    RelationType.ADVISES: (N_("advise {object}"), N_("are advised by {object}")),
    RelationType.AFFILIATED_WITH: (N_("work with {object}"), N_("host {object}")),
    RelationType.WORKED_AT: (N_("worked at {object}"), N_("once employed {object}")),
    RelationType.LENDS_TO: (N_("lend to {object}"), N_("borrow from {object}")),
    RelationType.GUARANTEES: (
        N_("guarantee the loans of {object}"),
        N_("have loans guaranteed by {object}"),
    ),
    RelationType.INVESTS_IN: (N_("invest in {object}"), N_("are backed by {object}")),
    RelationType.PARTNERS_WITH: (N_("partner with {object}"), N_("partner with {object}")),
    RelationType.COLLABORATES_WITH: (
        N_("collaborate with {object}"),
        N_("collaborate with {object}"),
    ),
    RelationType.TRADES_WITH: (N_("trade with {object}"), N_("trade with {object}")),
    RelationType.UTILIZES: (N_("use {object}"), N_("are used by {object}")),
}

#: The same, said of one named actor.
_DOES_ONE: dict[RelationType, tuple[str, str]] = {
    RelationType.SUPPORTS: (N_("supports {object}"), N_("is supported by {object}")),
    RelationType.ADVISES: (N_("advises {object}"), N_("is advised by {object}")),
    RelationType.AFFILIATED_WITH: (N_("works with {object}"), N_("hosts {object}")),
    RelationType.WORKED_AT: (N_("worked at {object}"), N_("once employed {object}")),
    RelationType.LENDS_TO: (N_("lends to {object}"), N_("borrows from {object}")),
    RelationType.GUARANTEES: (
        N_("guarantees the loans of {object}"),
        N_("has loans guaranteed by {object}"),
    ),
    RelationType.INVESTS_IN: (N_("invests in {object}"), N_("is backed by {object}")),
    RelationType.PARTNERS_WITH: (N_("partners with {object}"), N_("partners with {object}")),
    RelationType.COLLABORATES_WITH: (
        N_("collaborates with {object}"),
        N_("collaborates with {object}"),
    ),
    RelationType.TRADES_WITH: (N_("trades with {object}"), N_("trades with {object}")),
    RelationType.UTILIZES: (N_("uses {object}"), N_("is used by {object}")),
}

#: How to call an actor of each kind in general ("a firm") and once named ("the firm"), when
#: its own kind (a centre's or a financier's) says no better.
_KIND_WORDS: dict[NodeKind, tuple[str, str]] = {
    NodeKind.ENTERPRISE: (N_("a firm"), N_("the firm")),
    NodeKind.CENTRE: (N_("a support centre"), N_("the centre")),
    NodeKind.FINANCIER: (N_("a financier"), N_("the financier")),
    NodeKind.SPECIALIST: (N_("a specialist"), N_("the specialist")),
}

#: The same for a centre of each kind.
_CENTRE_WORDS: dict[CentreKind, tuple[str, str]] = {
    CentreKind.CHAMBER_OF_COMMERCE: (N_("a chamber of commerce"), N_("the chamber")),
    CentreKind.COMMERCE_ASSOCIATION: (N_("a commerce association"), N_("the association")),
    CentreKind.SME_FEDERATION: (N_("an SME federation"), N_("the federation")),
    CentreKind.PREFECTURAL_CENTRE: (N_("a prefectural support centre"), N_("the centre")),
    CentreKind.SHINKIN_BANK: (N_("a shinkin bank support desk"), N_("the centre")),
    CentreKind.CREDIT_COOPERATIVE: (N_("a credit cooperative support desk"), N_("the centre")),
    CentreKind.UNIVERSITY: (N_("a university"), N_("the university")),
    CentreKind.AGRICULTURAL_COOPERATIVE: (
        N_("an agricultural cooperative"),
        N_("the cooperative"),
    ),
    CentreKind.OTHER: _KIND_WORDS[NodeKind.CENTRE],
}

#: The same for a financier of each kind.
_FINANCIER_WORDS: dict[FinancierKind, tuple[str, str]] = {
    FinancierKind.CITY_BANK: (N_("a city bank"), N_("the bank")),
    FinancierKind.REGIONAL_BANK: (N_("a regional bank"), N_("the bank")),
    FinancierKind.SECOND_REGIONAL_BANK: (N_("a second-tier regional bank"), N_("the bank")),
    FinancierKind.SHINKIN_BANK: (N_("a shinkin bank"), N_("the bank")),
    FinancierKind.CREDIT_COOPERATIVE: (N_("a credit cooperative"), N_("the cooperative")),
    FinancierKind.CREDIT_GUARANTEE_CORPORATION: (
        N_("a credit guarantee corporation"),
        N_("the guarantee corporation"),
    ),
    FinancierKind.GOVERNMENT: (N_("a public lender"), N_("the public lender")),
    FinancierKind.FUND: (N_("an investment fund"), N_("the fund")),
    FinancierKind.OTHER: _KIND_WORDS[NodeKind.FINANCIER],
}


def _words(node: Node) -> tuple[str, str]:
    """How to call a node in general ("a regional bank") and once named ("the bank"), said
    in the current language."""
    general = _KIND_WORDS.get(node.kind, _KIND_WORDS[NodeKind.ENTERPRISE])
    own = node.props.get("kind", "")
    words = general
    if node.kind is NodeKind.CENTRE:
        words = _CENTRE_WORDS.get(own, general)
    elif node.kind is NodeKind.FINANCIER:
        words = _FINANCIER_WORDS.get(own, general)
    return _(words[0]), _(words[1])


def _does(subject: Node, relation: Relation, what: str, one: bool = False) -> str:
    """What ``subject`` does in ``relation`` to ``what``: its verb as the relation's source
    or target with its object, said of "they" or, with ``one``, of one named actor."""
    forward, backward = (_DOES_ONE if one else _DOES)[relation.type]
    return _(forward if relation.source == subject.id else backward, object=what)


def _introduce_who(first: Node, step_in: Tie, background: Sequence[tuple[Relation, Node]]) -> str:
    """``first`` described for a person who does not know them, e.g. "a specialist of X,
    formerly at Y" or "a trade partner of Z"."""
    if first.kind is NodeKind.SPECIALIST:
        affiliations = [(r, n) for r, n in background if r.type is RelationType.AFFILIATED_WITH]
        employers = [(r, n) for r, n in background if r.type is RelationType.WORKED_AT]
        centre = one_line(_strongest_with(affiliations).name) if affiliations else None
        employer = one_line(_strongest_with(employers).name) if employers else None
        if centre is not None and employer is not None:
            return _(
                "a specialist of {centre}, formerly at {employer}", centre=centre, employer=employer
            )
        if centre is not None:
            return _("a specialist of {centre}", centre=centre)
        if employer is not None:
            return _("a specialist, formerly at {employer}", employer=employer)
        return _("a specialist")
    partner = one_line(step_in.origin.name)
    tie = step_in.relation.type
    if first.kind is NodeKind.ENTERPRISE:
        if tie is RelationType.TRADES_WITH:
            return _("a trade partner of {partner}", partner=partner)
        if tie is RelationType.COLLABORATES_WITH:
            return _("a firm that collaborates with {partner}", partner=partner)
    if first.kind is NodeKind.CENTRE and tie is RelationType.SUPPORTS:
        return _("{who} that supports {partner}", who=_words(first)[0], partner=partner)
    if first.kind is NodeKind.FINANCIER and tie is RelationType.LENDS_TO:
        return _("{who} that lends to {partner}", who=_words(first)[0], partner=partner)
    return _words(first)[0]


def _strongest_with(pairs: Sequence[tuple[Relation, Node]]) -> Node:
    best = strongest(relation for relation, _node in pairs)
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
    source, target = one_line(steps[0].origin.name), one_line(steps[-1].destination.name)
    if len(steps) == 1:
        return _(
            "{source} and {target} already work together ({relation}): contact them directly.",
            source=source,
            target=target,
            relation=tie_label(steps[0].relation.type),
        )
    first = steps[0].destination
    who = _introduce_who(first, steps[0], background)
    if len(steps) == 2:
        near, far = _words(steps[0].origin)[1], _words(steps[-1].destination)[1]
        if near == far:
            near, far = source, target
        return _(
            "Ask {first} ({who}) to introduce {source} to {target}: they {tie_in} and {tie_out}.",
            first=one_line(first.name),
            who=who,
            source=source,
            target=target,
            tie_in=_does(first, steps[0].relation, near),
            tie_out=_does(first, steps[1].relation, far),
        )
    second = one_line(steps[1].destination.name)
    chain = "".join(
        _(", who can introduce them to {name}", name=one_line(step.destination.name))
        for step in steps[2:]
    )
    reasons = _(
        "{subject} {action} and {more}",
        subject=one_line(first.name),
        action=_does(first, steps[0].relation, source, one=True),
        more=_does(first, steps[1].relation, second, one=True),
    )
    for step in steps[2:]:
        reasons = _(
            "{reasons}; {subject} {action}",
            reasons=reasons,
            subject=one_line(step.origin.name),
            action=_does(step.origin, step.relation, one_line(step.destination.name), one=True),
        )
    return _(
        "Ask {first} ({who}) to introduce {source} to {second}{chain}: {reasons}.",
        first=one_line(first.name),
        who=who,
        source=source,
        second=second,
        chain=chain,
        reasons=reasons,
    )


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
        return _(
            "it supports {clients} enterprises and declares no capacity", clients=centre.clients
        )
    return _(
        "it supports {clients} of its capacity of {capacity}",
        clients=centre.clients,
        capacity=centre.clients + centre.room,
    )


def where(home: Node, other: Node) -> str:
    """Where ``other`` is, seen from ``home``: "in the same prefecture (Tokyo)", ... (see
    :func:`graph.japan.nearness_words`)."""
    return nearness_words(home.prefecture, other.prefecture)


def _named(node: Node, seen_from: Node) -> str:
    """A node named with its id and where it is: "Kanagawa Centre (GCK, in the same
    prefecture (Kanagawa))"."""
    return _(
        "{name} ({id}, {where})", name=one_line(node.name), id=node.id, where=where(seen_from, node)
    )


def cut_vertex_without_partner(node: Node, cut_off: int) -> str:
    """A cut vertex that ``cut_off`` actors depend on, with no other centre in reach."""
    return _n(
        "{node} alone links {count} actor to the rest of its part of the network, and no "
        "other centre is in reach: bring a centre in to support these actors directly.",
        "{node} alone links {count} actors to the rest of its part of the network, and no "
        "other centre is in reach: bring a centre in to support these actors directly.",
        cut_off,
        node=one_line(node.name),
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
    ties = ""
    for tie, actor in anchors[:3]:
        item = _("{tie} {name} ({id})", tie=tie_label(tie), name=one_line(actor.name), id=actor.id)
        ties = _("{ties}; {tie}", ties=ties, tie=item) if ties else item
    more = _(" and {count} more", count=len(anchors) - 3) if len(anchors) > 3 else ""
    return _n(
        "{node} alone links {count} actor (for example {example}) to the rest: ask partner "
        "centre {partner} to tie in directly, {ties}{more}, so that no part depends on {node} "
        "alone.",
        "{node} alone links {count} actors (for example {example}) to the rest: ask partner "
        "centre {partner} to tie in directly, {ties}{more}, so that no part depends on {node} "
        "alone.",
        cut_off,
        node=one_line(node.name),
        example=one_line(example.name),
        partner=_named(partner, node),
        ties=ties,
        more=more,
    )


def isolated_without_centre(node: Node) -> str:
    """An actor without ties, and no centre with room near it."""
    return _(
        "{node} has no tie at all and no centre of its prefecture or regional block has room: "
        "it needs a first contact from outside.",
        node=one_line(node.name),
    )


def isolated_contact(node: Node, centre: WithRoom, tie: RelationType) -> str:
    """An actor without ties, and the centre with room that should reach out with ``tie``."""
    return _(
        "{node} has no tie at all: ask {centre} to reach out ({tie}); {room}.",
        node=one_line(node.name),
        centre=_named(centre.node, node),
        tie=tie_label(tie),
        room=room(centre),
    )


def unfinanced_without_financier(enterprise: Node, max_hops: int) -> str:
    """An unfinanced enterprise with no financier within ``max_hops`` ties."""
    return _(
        "No financier of the scope is within {max_hops} ties of {enterprise}: a centre's "
        "financing consultation is the first step.",
        max_hops=max_hops,
        enterprise=one_line(enterprise.name),
    )


def unfinanced_introduction(explanation: str, enterprise: Node, financier: Node) -> str:
    """An unfinanced enterprise, the introduction to ``financier`` (its ``explanation``, see
    :func:`explain`) and where the financier is."""
    return _(
        "{explanation} {financier} is {where}.",
        explanation=explanation,
        financier=one_line(financier.name),
        where=where(enterprise, financier),
    )


def unsupported_without_centre(enterprise: Node) -> str:
    """An unsupported enterprise, and no centre with room near it."""
    return _(
        "No centre with room is tied to {enterprise}, and none of its prefecture or regional "
        "block has room.",
        enterprise=one_line(enterprise.name),
    )


def unsupported_contact(enterprise: Node, centre: WithRoom) -> str:
    """An unsupported enterprise that no tie leads from to a centre with room, and the one to
    contact directly."""
    return _(
        "No tie leads from {enterprise} to a centre with room: contact {centre} directly; {room}.",
        enterprise=one_line(enterprise.name),
        centre=_named(centre.node, enterprise),
        room=room(centre),
    )


def unsupported_refer(
    enterprise: Node, centre: WithRoom, distance: int, via: Sequence[Node]
) -> str:
    """An unsupported enterprise, and the centre with room ``distance`` ties away, through
    the actors ``via`` (none when they know each other)."""
    how = (
        _("through {actors}", actors=listed(one_line(n.name) for n in via))
        if via
        else _("they already know each other")
    )
    return _n(
        "Ask {centre} to take {enterprise} on: it is {count} tie away ({how}), and {room}.",
        "Ask {centre} to take {enterprise} on: it is {count} ties away ({how}), and {room}.",
        distance,
        centre=_named(centre.node, enterprise),
        enterprise=one_line(enterprise.name),
        how=how,
        room=room(centre),
    )


def overloaded_without_partner(centre: Node, over: int) -> str:
    """A centre ``over`` enterprises past its capacity, and no centre with room near it."""
    return _(
        "{centre} supports {over} enterprises more than its capacity, and no centre of its "
        "prefecture or regional block has room to share the load.",
        centre=one_line(centre.name),
        over=over,
    )


def overloaded_share(centre: Node, over: int, partner: WithRoom) -> str:
    """A centre ``over`` enterprises past its capacity, and the centre to share the load."""
    return _(
        "{centre} supports {over} enterprises more than its capacity: refer some to "
        "{partner}; {room}.",
        centre=one_line(centre.name),
        over=over,
        partner=_named(partner.node, centre),
        room=room(partner),
    )


def _prefecture(node: Node) -> str:
    return prefecture_name(node.prefecture, unknown=_("the prefecture"))


def unused_without_industry(asset: Node, category: str, fitting: Sequence[str]) -> str:
    """An unused asset of ``category``, and no enterprise of its prefecture in an industry
    that fits (``fitting``: JSIC division codes)."""
    return _(
        "No enterprise of {prefecture} works in an industry that fits {category} assets "
        "({divisions}).",
        prefecture=_prefecture(asset),
        category=said(category, category_name(category)),
        divisions=listed(fitting),
    )


def unused_match(asset: Node, category: str, enterprises: Sequence[Node]) -> str:
    """An unused asset of ``category``, and the enterprises of its prefecture to present it
    to (each with an ``industry``, a JSIC division code)."""
    names = listed(
        _(
            "{name} ({id}, {industry})",
            name=one_line(e.name),
            id=e.id,
            industry=industry_name(e.props["industry"]).lower(),
        )
        for e in enterprises
    )
    return _(
        "No enterprise uses {asset}: present it to {enterprises}, in {prefecture} and in an "
        "industry that fits {category} assets.",
        asset=one_line(asset.name),
        enterprises=names,
        prefecture=_prefecture(asset),
        category=said(category, category_name(category)),
    )
