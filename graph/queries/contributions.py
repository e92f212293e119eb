"""Contributions to the graph: taking a contributor's word back, ending a node, who said
what, and who contributed how much. (Writing as a contributor is
:mod:`graph.loaders.values` for a few records and :func:`graph.loaders.load_dataset` for a
dataset.)

Every write is attributed (see :mod:`graph.provenance`): it is one contributor's assertion of
each record it writes. A retraction takes one contributor's assertion back; a record that no
contributor asserts any longer ends (a relation's ``until``, a node's ``ended``) and stays in
history, so that the graph as of an earlier day still holds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.errors import Conflict, NotFound
from graph.i18n import _
from graph.model import Node, NodeKind, Relation, RelationType
from graph.names import status_name
from graph.provenance import (
    Assertion,
    Attribution,
    ContributorSummary,
    node_record,
    relation_record,
)
from graph.queries.merges import no_node, resolve, resolve_ids
from graph.queries.wording import listed, said
from graph.referral_lifecycle import OPEN_STATUSES, Referral
from graph.store.ports import GraphStore, Store

__all__ = [
    "EndedNode",
    "RetractedRelation",
    "contributors",
    "end_node",
    "provenance_of",
    "open_referrals_naming",
    "retract_relation",
]


# -- taking it back --------------------------------------------------------------------


@dataclass(frozen=True)
class RetractedRelation:
    """A retraction of a relation: how many assertions were taken back, and the relation as
    it is now (with ``until`` when no contributor asserts it any longer)."""

    retracted: int
    relation: Relation


def _relation_in_store(
    store: GraphStore, source: str, kind: RelationType, target: str
) -> Relation | None:
    """The relation (source, kind, target) in the whole history, or None."""
    for relation in store.ties(source, None):
        if relation.key == (source, kind, target):
            return relation
    return None


def retract_relation(
    store: GraphStore, source: str, kind: RelationType, target: str, by: Attribution
) -> RetractedRelation:
    """Take back ``by.contributor``'s assertion of the relation (source, kind, target), at
    ``by.at``. When no contributor asserts it any longer, it ends on ``by.day``; otherwise it
    takes the values of the latest assertion still standing.

    An end named by the id of a node merged into another (an alias) stands for the kept node.
    Raises NotFound when the store holds no such relation, or when the contributor does not
    assert it now (never did, or took it back already); the sentence names who asserts it.
    """
    ends = resolve_ids(store, [source, target])
    source, target = ends[source], ends[target]
    kind = RelationType(kind)
    record = relation_record(source, kind, target)
    if _relation_in_store(store, source, kind, target) is None:
        raise NotFound(_("no relation {record}", record=record))
    standing = _standing(store.provenance([record]).get(record, []))
    if by.contributor not in standing:
        raise NotFound(_not_asserted(record, by.contributor, standing))
    with store.transaction(by) as tx:
        retracted = tx.retract([record], by.contributor)
    if retracted == 0:  # taken back by another request meanwhile
        raise NotFound(_not_asserted(record, by.contributor, []))
    relation = _relation_in_store(store, source, kind, target)
    if relation is None:  # not possible: retracting ends, it never deletes
        raise NotFound(_("no relation {record}", record=record))
    return RetractedRelation(retracted, relation)


def _standing(assertions: Iterable[Assertion]) -> list[str]:
    """The contributors whose assertion among ``assertions`` stands."""
    return [a.contributor for a in assertions if a.standing]


def _not_asserted(record: str, contributor: str, standing: list[str]) -> str:
    if standing:
        return _(
            "contributor {contributor!r} does not assert the relation {record}: it is asserted "
            "by {standing}",
            contributor=contributor,
            record=record,
            standing=listed(standing),
        )
    return _(
        "contributor {contributor!r} does not assert the relation {record}: no contributor "
        "asserts it any longer (it has ended)",
        contributor=contributor,
        record=record,
    )


@dataclass(frozen=True)
class EndedNode:
    """A node ended by :func:`end_node`: how many assertions were taken back (of the node and
    of its ties), the node as it is now (``props["ended"]``) and how many of its ties
    ended."""

    retracted: int
    node: Node
    ended_ties: int


def open_referrals_naming(store: Store, node: Node) -> list[Referral]:
    """The open referrals (requested, accepted or in progress) that name ``node``: as the
    enterprise referred, or as either centre; oldest first."""
    if node.kind is NodeKind.CENTRE:
        found = store.list_referrals(node.id)
    elif node.kind is NodeKind.ENTERPRISE:
        found = [r for r in store.list_referrals() if r.enterprise == node.id]
    else:
        return []
    return sorted(
        (r for r in found if r.status in OPEN_STATUSES), key=lambda r: (r.created_at, r.id)
    )


def end_node(store: Store, node_id: str, by: Attribution) -> EndedNode:
    """End node ``node_id`` and its ties: take back every contributor's assertion of the node
    and of each of its relations, at ``by.at``; each ends on ``by.day`` (earlier ends stay).

    The id of a node merged into another (an alias) ends the kept node. Raises NotFound for
    an id the store does not hold, or a node that ended already and that no contributor
    asserts; Conflict while an open referral names the node (the sentence names it: close or
    cancel it first).
    """
    node_id = resolve(store, node_id)
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(no_node(node_id))
    blocking = open_referrals_naming(store, node)
    if blocking:
        first = blocking[0]
        more = _(" and {count} more", count=len(blocking) - 1) if len(blocking) > 1 else ""
        raise Conflict(
            _(
                "node {id!r} is named by open referral {referral} ({status}, {enterprise} from "
                "{from_centre} to {to_centre}){more}: it cannot end while a referral naming it "
                "is open; close or cancel it first",
                id=node_id,
                referral=first.id,
                status=said(first.status.value, status_name(first.status)),
                enterprise=first.enterprise,
                from_centre=first.from_centre,
                to_centre=first.to_centre,
                more=more,
            )
        )
    ties = store.ties(node_id, None)
    records = [node_record(node_id)] + [relation_record(*tie.key) for tie in ties]
    before = {tie.key: tie.until for tie in ties}
    with store.transaction(by) as tx:
        retracted = tx.retract(records, None)
    now = store.get_node(node_id) or node
    if retracted == 0 and node.props.get("ended") is not None:
        raise NotFound(
            _(
                "node {id!r} ended on {ended} already; no contributor asserts it any longer",
                id=node_id,
                ended=node.props["ended"],
            )
        )
    ended_ties = sum(
        1
        for tie in store.ties(node_id, None)
        if tie.until is not None and before.get(tie.key) != tie.until
    )
    return EndedNode(retracted, now, ended_ties)


# -- who said what ---------------------------------------------------------------------


def provenance_of(
    store: GraphStore, node_id: str, ties: Sequence[Relation]
) -> tuple[list[Assertion], dict[tuple[str, str, str], list[Assertion]]]:
    """The assertions of node ``node_id`` and those of each of ``ties`` (its relations, by
    key), each list in contributor order, read in one call. A record nobody asserted (a
    derived tie) has an empty list."""
    records = {relation_record(*tie.key): tie.key for tie in ties}
    found = store.provenance([node_record(node_id), *records])
    return (
        found.get(node_record(node_id), []),
        {key: found.get(record, []) for record, key in records.items()},
    )


def contributors(store: GraphStore) -> list[ContributorSummary]:
    """Every contributor, in name order, with the nodes and relations it asserts now and when
    it last wrote."""
    return store.contributors()
