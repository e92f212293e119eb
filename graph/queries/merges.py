"""Merging duplicate entities in a store, and undoing a merge (see :mod:`graph.merging`).

:func:`merge_nodes` snapshots, through the store's port, everything the merge changes, then
writes the merge in one transaction; :func:`unmerge` writes the snapshot back in one
transaction. :func:`resolve` and :func:`resolve_ids` turn an alias (the id of a node merged
into another) into the kept node's id, for every route and load that takes a node id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

from graph.collector import collector_off
from graph.errors import Conflict, NotFound, StoreError
from graph.i18n import _
from graph.matching import find_candidates
from graph.merging import (
    MERGED_KINDS,
    MergeRecord,
    MergeSnapshot,
    check_mergeable,
    check_not_aliases,
    later_blocking,
    new_merge_id,
    plan_merge,
    plan_unmerge,
)
from graph.model import Node, NodeKind
from graph.provenance import DEFAULT_CONTRIBUTOR, Attribution, is_relation_record
from graph.queries.matches import match_record
from graph.store.ports import GraphStore, Store
from graph.valid_time import now_stamp

__all__ = [
    "find_merge",
    "list_merges",
    "merge_same_numbers",
    "kept_of",
    "merge_nodes",
    "merge_score",
    "resolve",
    "resolve_ids",
    "unmerge",
]


def resolve(store: GraphStore, node_id: str) -> str:
    """The id of the node ``node_id`` stands for: the kept node's when ``node_id`` was
    merged into another (an alias), else ``node_id`` itself."""
    return store.aliases().get(node_id, node_id)


def resolve_ids(store: GraphStore, ids: Iterable[str]) -> dict[str, str]:
    """For each of ``ids``, the id it stands for (see :func:`resolve`), read once: an alias
    maps to its kept node, any other id to itself."""
    aliases = store.aliases()
    return {node_id: aliases.get(node_id, node_id) for node_id in ids}


def merge_score(keep: Node, merge: Node) -> float | None:
    """The matching score of the two nodes when they are a candidate duplicate (see
    :func:`graph.matching.find_candidates`), else None."""
    found = find_candidates([match_record(keep), match_record(merge)])
    return found[0].score if found else None


def merge_same_numbers(
    store: Store, ids: Iterable[str], by: str = DEFAULT_CONTRIBUTOR, before: Iterable[str] = ()
) -> list[MergeRecord]:
    """Make each of ``ids`` (nodes just written) that has the corporate number of another
    enterprise (or financier) one node with it: two records with one corporate number are
    one entity. Of each group the node kept is one there before the write (not among
    ``ids``, or among ``before``: those of ``ids`` the store had), else the one with the most
    ties, else the smallest id; the others are merged
    into it (:func:`merge_nodes`, ``by`` the writer, the number as the reason). Returns the
    merges made; a pair the store refuses to merge (one keeps another merge) is left to an
    admin."""
    asked = set(ids)
    written = store.get_nodes(asked)
    numbers = {
        (node.kind, number)
        for node in written.values()
        if node.kind in MERGED_KINDS and (number := node.props.get("corporate_number"))
    }
    if not numbers:
        return []
    groups: dict[tuple[NodeKind, str], list[str]] = {key: [] for key in numbers}
    for kind in {kind for kind, _number in numbers}:
        for node in store.iter_nodes(kind):
            group = groups.get((kind, node.props.get("corporate_number", "")))
            if group is not None:
                group.append(node.id)
    had = set(before)
    made: list[MergeRecord] = []
    for (_kind, number), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        keep = kept_of(store, members, asked, had)
        for other in sorted(set(members) - {keep}):
            try:
                made.append(
                    merge_nodes(store, keep, other, by=by, reason=f"same corporate number {number}")
                )
            except Conflict:
                continue
    return made


def kept_of(
    store: GraphStore, ids: Iterable[str], written: Collection[str], before: Collection[str]
) -> str:
    """Which of ``ids``, one entity, a merge keeps: one there before a write (not among
    ``written``, or among ``before``), else the one with the most ties, else the smallest
    id."""
    return min(ids, key=lambda n: (n in written and n not in before, -len(store.ties(n)), n))


def list_merges(store: GraphStore) -> list[MergeRecord]:
    """Every merge, open or undone, oldest first."""
    return store.merges()


def find_merge(store: GraphStore, merge_id: str) -> MergeRecord:
    """The merge ``merge_id``; raises NotFound if there is none."""
    for record in store.merges():
        if record.id == merge_id:
            return record
    raise NotFound(no_merge(merge_id))


def no_merge(merge_id: str) -> str:
    """The sentence for a merge id the store does not hold."""
    return _("no merge with id {id!r}", id=merge_id)


def no_node(node_id: str) -> str:
    """The sentence for a node id the store does not hold."""
    return _("no node with id {id!r}", id=node_id)


def _snapshot_of(store: GraphStore, record: MergeRecord) -> MergeSnapshot:
    text = store.merge_snapshot(record.id)
    if text is None:
        raise NotFound(no_merge(record.id))
    try:
        return MergeSnapshot.from_json(text)
    except ValueError as error:
        raise StoreError(_("merge {id}: {error}", id=record.id, error=error)) from error


@collector_off()
def merge_nodes(
    store: Store, keep: str, merge: str, by: str = DEFAULT_CONTRIBUTOR, reason: str | None = None
) -> MergeRecord:
    """Merge node ``merge`` into node ``keep`` (see :mod:`graph.merging`), made ``by`` an
    admin for ``reason``; returns the merge's record.

    Raises NotFound for an unknown id and Conflict for two nodes that may not be merged
    (itself, an alias, a kept node of an open merge, two kinds, a kind other than enterprise
    or financier); nothing is written then.

    Runs with the cyclic garbage collector held off (:func:`collector_off`): a hub's merge
    makes tens of thousands of small objects, and the passes they set off would walk every
    object the process holds.
    """
    aliases = store.aliases()
    check_not_aliases(keep, merge, aliases)
    nodes = store.get_nodes([keep, merge])
    for node_id in (keep, merge):
        if node_id not in nodes:
            raise NotFound(no_node(node_id))
    merges = store.merges()
    kept, merged = check_mergeable(keep, merge, nodes, aliases, merges)
    record = MergeRecord(
        id=new_merge_id(),
        keep=keep,
        merge=merge,
        by=by,
        at=now_stamp(),
        reason=(reason or "").strip() or None,
        score=merge_score(kept, merged),
    )
    with store.transaction(Attribution(DEFAULT_CONTRIBUTOR, record.at, record=False)) as tx:
        # the ties are read in the unit and held: no other write can change, add or delete
        # one between the plan and the writes made from it
        merged_ties, provenance = tx.held_ties(merge)
        # and the merged node itself, read again now that it is held: a write to it that
        # committed since the first read is in the snapshot, so an undo gives it back
        held = store.get_nodes([merge]).get(merge)
        if held is None:
            raise NotFound(no_node(merge))
        merged = held
        # of the kept node's ties, only those that may become one with a moved tie
        others = {end for tie in merged_ties for end in (tie.source, tie.target)} - {merge}
        kept_ties, kept_provenance = tx.held_ties(keep, others)
        provenance.update(kept_provenance)
        provenance.update(store.provenance([merge]))
        referrals = [r for r in store.list_referrals() if r.enterprise == merge]
        plan = plan_merge(record, merged, merged_ties, kept_ties, provenance, referrals)
        if plan.moved:
            tx.move_ties(merge, keep, plan.moved)
        if plan.relations:
            tx.restore_relations(plan.relations, plan.provenance)
        if plan.referrals:
            tx.upsert_referrals(plan.referrals)
        tx.delete_records(plan.deleted)
        tx.record_merge(record, plan.snapshot.to_json())
    return record


@collector_off()
def unmerge(store: Store, merge_id: str) -> MergeRecord:
    """Undo the merge ``merge_id``: both nodes as they were before it (nodes, ties with
    their values, every assertion, referrals), the alias gone; writes made to the kept node
    since that touch nothing the merge changed stay. Returns the record, marked undone.

    Raises NotFound for an unknown merge, and Conflict for one undone already or one that a
    later open merge built on (undo merges in reverse order: the sentence names it). Runs
    with the collector held off, as :func:`merge_nodes`.
    """
    merges = store.merges()
    record = next((m for m in merges if m.id == merge_id), None)
    if record is None:
        raise NotFound(no_merge(merge_id))
    if not record.open:
        raise Conflict(
            _(
                "merge {id} was undone already, at {undone_at}",
                id=merge_id,
                undone_at=record.undone_at,
            )
        )
    snapshot = _snapshot_of(store, record)
    position = merges.index(record)
    later = [(m, _snapshot_of(store, m)) for m in merges[position + 1 :] if m.open]
    blocking = later_blocking(record, snapshot, later)
    if blocking is not None:
        raise Conflict(
            _(
                "merge {blocking} (of {merged!r} into {kept!r}) was made after merge {id} and "
                "builds on it: undo merge {blocking} first",
                blocking=blocking.id,
                merged=blocking.merge,
                kept=blocking.keep,
                id=merge_id,
            )
        )
    referrals = [r for r in store.list_referrals() if r.id in set(snapshot.referrals)]
    keep = snapshot.keep
    others = {end for tie in snapshot.written for end in (tie.source, tie.target)} - {keep}
    at = now_stamp()
    with store.transaction(Attribution(DEFAULT_CONTRIBUTOR, at, record=False)) as tx:
        # read in the unit and held, as in merge_nodes
        current, current_provenance = tx.held_ties(keep, others)
        plan = plan_unmerge(record, snapshot, current, current_provenance, referrals)
        if plan.deleted:
            tx.delete_records(plan.deleted)
        tx.upsert_nodes([plan.node])
        node_provenance = [(r, a) for r, a in plan.provenance if not is_relation_record(r)]
        if node_provenance:
            tx.restore_provenance(node_provenance)
        if plan.moved:
            tx.move_ties(keep, snapshot.merge, plan.moved)
        if plan.relations:
            tx.restore_relations(
                plan.relations, [(r, a) for r, a in plan.provenance if is_relation_record(r)]
            )
        if plan.referrals:
            tx.upsert_referrals(plan.referrals)
        tx.undo_merge(record.id, at)
    return replace(record, undone_at=at)
