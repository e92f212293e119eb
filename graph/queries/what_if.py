"""What would happen if one actor left: which enterprises of the scope would lose every path to
a financier or to a centre, and which depend on the actor alone for financing or support.

The scope is a prefecture's actor graph (the actors whose prefecture is the code, and every
relation between two of them) or, without a prefecture, the whole network's; see the README's
section on weaknesses, what-if and density. The actor graph is read from the store tie by tie,
from the actor outwards, or at once (:meth:`GraphStore.projection`) for a hub. Every order
that could differ between stores is fixed by ids, so both stores give the same answer.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from typing import Protocol

from graph.errors import InvalidArgument
from graph.i18n import _
from graph.japan import prefecture_name
from graph.model import (
    ACTOR_KINDS,
    FINANCING_TYPES,
    SUPPORT_TYPES,
    Node,
    NodeKind,
    Relation,
    RelationType,
    Scope,
)
from graph.queries.presence import missing
from graph.queries.scope import scope_of
from graph.queries.wording import a_kind
from graph.store.ports import GraphStore
from graph.visibility import Visibility

__all__ = ["WHAT_IF_SECONDS", "WhatIf", "what_if_removed"]

#: The relation types by which a centre or a specialist supports an enterprise (the weakness
#: report counts the same: tests/unit/test_tables_wording.py holds them equal).

#: How long a what-if reads the store tie by tie before it reads the scope at once, in
#: seconds: long enough for most actors on either store; a hub (most of all on a server
#: store, where a read is a round trip) is read at once, as fast as the scope allows.
WHAT_IF_SECONDS = 0.5


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
    #: For a caller who may not see every confidential tie: how many of each list were left
    #: out (see :func:`what_if_removed`); empty otherwise.
    withheld: dict[str, int] = field(default_factory=dict)
    #: The enterprises whose confidential tie with the removed actor the answer shows (their
    #: only lender, guarantor, investor or advisor); empty without a visibility.
    confidential: tuple[str, ...] = ()


def what_if_removed(
    store: GraphStore,
    node_id: str,
    prefecture: str | None = None,
    visibility: Visibility | None = None,
) -> WhatIf:
    """What the enterprises of the scope (a prefecture's actor graph, or the whole network's
    without ``prefecture``) would lose if ``node_id`` left: see :class:`WhatIf`.

    On the whole network paths are many, so that few enterprises lose every path; the lists
    of what they lose directly say who depended on the actor alone. The actor graph is read
    from the store tie by tie, from the actor outwards, and a search stops in a part as soon
    as it holds a financier and a centre: the whole network costs about what a prefecture
    does. Past WHAT_IF_SECONDS of reading (a hub), the scope is read at once instead, with
    the same answer.

    For a caller who may not see every confidential tie (``visibility``), the lists that
    would reveal an enterprise's financing or advice (``lose_financier``,
    ``only_financier``, ``only_support``) hold only the enterprises whose confidential ties
    it sees, and ``withheld`` says how many were left out.

    Raises NotFound for an unknown id; InvalidArgument for a node that is not an actor, an
    unknown prefecture code, or an actor outside the prefecture asked (a nationwide one
    belongs to no prefecture: ask without one).
    """
    scope = scope_of(prefecture)
    node = store.get_node(node_id)
    if node is None:
        raise missing(store, node_id)
    if node.kind not in ACTOR_KINDS:
        raise InvalidArgument(
            _(
                "{id!r} is {kind}, not an actor: only an actor can leave",
                id=node_id,
                kind=a_kind(node.kind),
            )
        )
    if not scope.holds(node.prefecture):
        if node.prefecture is None:
            raise InvalidArgument(
                _(
                    "{id!r} is not in prefecture {prefecture}: it is nationwide, in no "
                    "prefecture's actor graph: ask without a prefecture for the whole network",
                    id=node_id,
                    prefecture=scope.prefecture,
                )
            )
        raise InvalidArgument(
            _(
                "{id!r} is not in prefecture {prefecture}: it is in {place}",
                id=node_id,
                prefecture=scope.prefecture,
                place=prefecture_name(node.prefecture, unknown=_("the prefecture")),
            )
        )
    actors: _ActorGraph
    try:
        actors = _Around(store, scope, node)
        found = _what_if(actors, node_id)
    except _TooFar:  # a hub: reading the scope at once costs less than tie by tie
        actors = _Projected(store, scope)
        found = _what_if(actors, node_id)
    nodes = actors.nodes_of({e for ids in found for e in ids})
    lose_financier, lose_centre, only_financier, only_support = (
        [nodes[e] for e in sorted(ids)] for ids in found
    )
    found_if = WhatIf(
        node, scope.prefecture, lose_financier, lose_centre, only_financier, only_support
    )
    return found_if if visibility is None else _as_seen(found_if, visibility)


def _as_seen(found: WhatIf, visibility: Visibility) -> WhatIf:
    """``found`` as the caller of ``visibility`` may see it (see :func:`what_if_removed`)."""
    lists = {
        "lose_financier": found.lose_financier,
        "only_financier": found.only_financier,
        "only_support": found.only_support,
    }
    # an only support is confidential when it is advice (a specialist left), not support
    advice = found.removed.kind is NodeKind.SPECIALIST
    guarded = {
        "lose_financier": True,
        "only_financier": bool(FINANCING_TYPES & visibility.types),
        "only_support": advice and RelationType.ADVISES in visibility.types,
    }
    kept = {
        name: [n for n in nodes if not guarded[name] or visibility.sees_ties_of(n.id)]
        for name, nodes in lists.items()
    }
    withheld = (
        {name: len(lists[name]) - len(kept[name]) for name in lists}
        if visibility.restricted
        else {}
    )
    shown = {
        n.id for name in ("only_financier", "only_support") if guarded[name] for n in kept[name]
    }
    return replace(
        found,
        lose_financier=kept["lose_financier"],
        only_financier=kept["only_financier"],
        only_support=kept["only_support"],
        withheld=withheld,
        confidential=tuple(sorted(shown)),
    )


class _ActorGraph(Protocol):
    """The actor graph of a scope as what-if reads it."""

    def kind(self, node_id: str) -> NodeKind:
        """The kind of an actor of the scope."""

    def nodes_of(self, ids: set[str]) -> Mapping[str, Node]:
        """The records of ``ids`` (actors of the scope), by id."""

    def ties(self, node_id: str) -> Mapping[str, Set[RelationType]]:
        """The actors of the scope tied to ``node_id``, with the types that join them."""

    def other_tie(self, node_id: str, types: frozenset[RelationType], removed: str) -> bool:
        """Whether ``node_id`` has a relation of ``types`` with anyone but ``removed``, in or
        outside the scope."""


def _what_if(
    actors: _ActorGraph, removed: str
) -> tuple[list[str], list[str], list[str], list[str]]:
    """The four lists of :class:`WhatIf`, as ids."""
    lose_financier, lose_centre = _cut_off_without(actors, removed)
    only_financier = _depending_on(actors, removed, FINANCING_TYPES)
    only_support = _depending_on(actors, removed, SUPPORT_TYPES)
    return lose_financier, lose_centre, only_financier, only_support


class _TooFar(Exception):
    """A what-if read the store tie by tie for longer than WHAT_IF_SECONDS."""


class _Around:
    """The actor graph of a scope, read from the store as a search reaches each node: its
    actors (``nodes``) and, for each node asked about, its ties to them (an
    :class:`_ActorGraph`). Each method raises _TooFar when it must read the store past
    WHAT_IF_SECONDS."""

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

    def nodes_of(self, ids: set[str]) -> Mapping[str, Node]:
        return self.nodes

    def ties(self, node_id: str) -> Mapping[str, Set[RelationType]]:
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
    relations that leave the scope when it is a prefecture (read when first needed), as
    :class:`_Around` offers it (an :class:`_ActorGraph`)."""

    def __init__(self, store: GraphStore, scope: Scope):
        self.store = store
        self.graph = store.projection(scope)
        self.leaving: dict[str, set[tuple[RelationType, str]]] | None = None
        self.scope = scope

    def kind(self, node_id: str) -> NodeKind:
        kind: NodeKind = self.graph.nodes[node_id]["kind"]
        return kind

    def nodes_of(self, ids: set[str]) -> Mapping[str, Node]:
        return self.store.get_nodes(ids)

    def ties(self, node_id: str) -> Mapping[str, Set[RelationType]]:
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
        return any(kind in types for kind, _other in self.leaving.get(node_id, ()))


def _cut_off_without(actors: _ActorGraph, removed: str) -> tuple[list[str], list[str]]:
    """The enterprises that reach a financier (and those that reach a centre) through the
    actor graph and would reach none without ``removed``.

    Only the parts that ``removed``'s neighbours fall into can change. Each is searched from
    a neighbour; a search that finds both a financier and a centre, or meets a part already
    known to hold both, stops, since none of its enterprises loses anything."""
    part_of: dict[str, int] = {removed: -1}
    holds_both: set[int] = set()
    parts: list[tuple[list[str], set[NodeKind]]] = []
    for start in sorted(actors.ties(removed)):
        if start in part_of:
            continue
        index = len(parts)
        members, found = [start], {actors.kind(start)}
        part_of[start] = index
        parts.append((members, found))
        at = 0
        while at < len(members) and index not in holds_both:
            for other in actors.ties(members[at]):
                known = part_of.get(other)
                if known is None:
                    part_of[other] = index
                    members.append(other)
                    found.add(actors.kind(other))
                elif known in holds_both:
                    holds_both.add(index)
            if NodeKind.FINANCIER in found and NodeKind.CENTRE in found:
                holds_both.add(index)
            at += 1
    lost: dict[NodeKind, list[str]] = {NodeKind.FINANCIER: [], NodeKind.CENTRE: []}
    for kind, enterprises in lost.items():
        had = actors.kind(removed) is kind or any(
            i in holds_both or kind in found for i, (_part, found) in enumerate(parts)
        )
        if not had:
            continue
        for i, (members, found) in enumerate(parts):
            if i not in holds_both and kind not in found:
                enterprises += [m for m in members if actors.kind(m) is NodeKind.ENTERPRISE]
    return lost[NodeKind.FINANCIER], lost[NodeKind.CENTRE]


def _depending_on(actors: _ActorGraph, removed: str, types: Iterable[RelationType]) -> list[str]:
    """The enterprises of the scope tied to ``removed`` by one of ``types`` and by no other
    relation of those types with anyone, in or outside the scope."""
    wanted = frozenset(types)
    return [
        other
        for other, joined in actors.ties(removed).items()
        if actors.kind(other) is NodeKind.ENTERPRISE
        and not wanted.isdisjoint(joined)
        and not actors.other_tie(other, wanted, removed)
    ]
