"""Merging duplicate entities: one node is kept, the other becomes an alias of it.

When two contributors load the same firm under two ids, an admin merges them. Every tie of
the merged node (its whole history, ended ties too, both directions) becomes the same tie of
the kept node; where the kept node already has that tie (same type, same other end) the two
become one, with the values of the stronger (the kept node's on equal strength) and the
assertions of both (where one contributor asserted both, its later one by ``last_seen``). A
tie between the two nodes would become a loop, and goes. Referrals that name the merged node
follow to the kept one.

A merge keeps a :class:`MergeSnapshot` of everything it changes, so that undoing it restores
both nodes exactly as they were. This module plans both (:func:`plan_merge`,
:func:`plan_unmerge`) and (de)serialises the snapshot; the stores write the plans. Pure
data, no I/O.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from graph.errors import Conflict
from graph.i18n import N_, _
from graph.model import Node, NodeKind, Relation, RelationType
from graph.provenance import (
    Assertion,
    relation_record,
)
from graph.referral_lifecycle import Referral

__all__ = [
    "MERGED_KINDS",
    "SNAPSHOT_VERSION",
    "MergePlan",
    "MergeRecord",
    "MergeSnapshot",
    "UnmergePlan",
    "check_mergeable",
    "check_not_aliases",
    "combined_provenance",
    "later_blocking",
    "merge_clash",
    "moved_tie",
    "tie_changed",
    "new_merge_id",
    "plan_merge",
    "plan_unmerge",
    "relation_of_key",
]

#: The kinds of node that may be merged (each only with its own kind).
MERGED_KINDS: frozenset[NodeKind] = frozenset({NodeKind.ENTERPRISE, NodeKind.FINANCIER})

#: The version of the snapshot's JSON form: 2 writes each relation and each assertion as a
#: list of its fields (a hub's snapshot holds thousands of them); 1, with an object for each,
#: is still read.
SNAPSHOT_VERSION = 2
#: The versions :meth:`MergeSnapshot.from_json` reads.
_READ_VERSIONS = (1, 2)


def new_merge_id() -> str:
    """A new merge's id: ``merge-`` and 16 hexadecimal digits."""
    return f"merge-{uuid.uuid4().hex[:16]}"


@dataclass(frozen=True)
class MergeRecord:
    """One merge: ``merge`` became an alias of ``keep``, made ``by`` someone ``at`` a time
    (ISO 8601, UTC) for a ``reason``, with the matching ``score`` of the pair when it is a
    candidate duplicate (else None); ``undone_at`` when it was undone (None while it holds)."""

    id: str
    keep: str
    merge: str
    by: str
    at: str
    reason: str | None = None
    score: float | None = None
    undone_at: str | None = None

    @property
    def open(self) -> bool:
        """Whether the merge holds (it was not undone)."""
        return self.undone_at is None

    def as_dict(self) -> dict[str, Any]:
        """The record as answers show it."""
        return {
            "id": self.id,
            "keep": self.keep,
            "merge": self.merge,
            "by": self.by,
            "at": self.at,
            "reason": self.reason,
            "score": self.score,
            "undone_at": self.undone_at,
        }


def merge_clash(record: MergeRecord, other_id: str, kept: str, merged: str) -> str:
    """The sentence of a merge ``record`` refused because the open merge ``other_id`` (of
    ``merged`` into ``kept``) already made one of its ids an alias or keeps its merged
    node."""
    return _(
        "merge {id} (of {merged!r} into {kept!r}) holds already: {merge!r} cannot be merged "
        "into {keep!r} now; reload and try again",
        id=other_id,
        merged=merged,
        kept=kept,
        merge=record.merge,
        keep=record.keep,
    )


def tie_changed(tie: Relation, node: str) -> str:
    """The sentence of a merge (or its undoing) that found ``tie`` of ``node`` other than it
    was read: another write changed it meanwhile."""
    return _(
        "the tie {record} of {node!r} was changed by another write meanwhile: nothing was "
        "merged or undone; try again",
        record=relation_of_key(tie.key),
        node=node,
    )


# -- the snapshot ----------------------------------------------------------------------


def _assertion_fields(assertion: Assertion) -> list[Any]:
    return [
        assertion.contributor,
        assertion.recorded_at,
        assertion.last_seen,
        assertion.retracted_at,
        assertion.values,
    ]


def _relation_from(data: Any) -> Relation:
    """The relation of a snapshot's [source, type, target, strength, since, until] (or, in
    version 1, of an object of those fields)."""
    if isinstance(data, Mapping):
        data = [data["source"], data["type"], data["target"], data["strength"]] + [
            data.get("since"),
            data.get("until"),
        ]
    source, type_name, target, strength, since, until = data
    # the look-up is the fast way; RelationType() says why a name is none
    relation_type = _RELATION_TYPES.get(type_name) or RelationType(type_name)
    return Relation(str(source), relation_type, str(target), float(strength), since, until)


#: Each relation type by its value (a hub's snapshot names thousands).
_RELATION_TYPES: dict[Any, RelationType] = {kind.value: kind for kind in RelationType}


def _assertion_from(data: Any) -> Assertion:
    """The assertion of a snapshot's [contributor, recorded_at, last_seen, retracted_at,
    values] (or, in version 1, of an object of those fields)."""
    if isinstance(data, Mapping):
        data = [data["contributor"], data["recorded_at"], data["last_seen"]] + [
            data.get("retracted_at"),
            data["values"],
        ]
    contributor, recorded_at, last_seen, retracted_at, values = data
    return Assertion(str(contributor), str(recorded_at), str(last_seen), retracted_at, dict(values))


def relation_of_key(key: tuple[str, str, str]) -> str:
    """The record name of the relation ``key`` (source, type, target)."""
    return relation_record(*key)


@dataclass(frozen=True)
class MergeSnapshot:
    """Everything a merge changes, as it was before: the merged node, its ties (every one,
    ended too), the kept node's ties that were combined with one of them, the assertions of
    each of these records, the relations the merge wrote (moved or combined, as written) and
    the ids of the referrals that followed to the kept node."""

    keep: str
    merge: str
    node: Node
    ties: tuple[Relation, ...]
    combined: tuple[Relation, ...]
    written: tuple[Relation, ...]
    provenance: dict[str, list[Assertion]] = field(default_factory=dict)
    referrals: tuple[str, ...] = ()

    def records(self) -> set[str]:
        """Every record the merge changed: the merged node, its ties, the kept node's ties
        it combined and the relations it wrote."""
        found = {self.merge}
        for relation in (*self.ties, *self.combined, *self.written):
            found.add(relation_of_key(relation.key))
        return found

    def written_records(self) -> set[str]:
        """The relations the merge wrote (moved or combined), as records."""
        return {relation_of_key(relation.key) for relation in self.written}

    def to_json(self) -> str:
        """The snapshot as one JSON text (what a store keeps beside the merge)."""
        return json.dumps(
            {
                "version": SNAPSHOT_VERSION,
                "keep": self.keep,
                "merge": self.merge,
                "node": {
                    "id": self.node.id,
                    "kind": self.node.kind.value,
                    "name": self.node.name,
                    "props": self.node.props,
                },
                # a relation is a named tuple, written as the list of its fields
                "ties": self.ties,
                "combined": self.combined,
                "written": self.written,
                "provenance": {
                    record: [_assertion_fields(a) for a in assertions]
                    for record, assertions in sorted(self.provenance.items())
                },
                "referrals": list(self.referrals),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> MergeSnapshot:
        """The snapshot of :meth:`to_json`; raises ValueError if ``text`` is not one."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") not in _READ_VERSIONS:
                raise ValueError(_("not a merge snapshot of this version"))
            node = data["node"]
            return cls(
                keep=str(data["keep"]),
                merge=str(data["merge"]),
                node=Node(
                    str(node["id"]), NodeKind(node["kind"]), str(node["name"]), dict(node["props"])
                ),
                ties=tuple(_relation_from(r) for r in data["ties"]),
                combined=tuple(_relation_from(r) for r in data["combined"]),
                written=tuple(_relation_from(r) for r in data["written"]),
                provenance={
                    str(record): [_assertion_from(a) for a in assertions]
                    for record, assertions in data["provenance"].items()
                },
                referrals=tuple(str(r) for r in data["referrals"]),
            )
        except (KeyError, TypeError, ValueError, json.JSONDecodeError) as error:
            raise ValueError(
                _("the merge's snapshot cannot be read: {error}", error=error)
            ) from None


# -- planning ----------------------------------------------------------------------------

#: Each kind in the plural, as sentences say it (in English, the value and an s).
_KIND_PLURALS: dict[NodeKind, str] = {
    NodeKind.ENTERPRISE: N_("Enterprises"),
    NodeKind.ASSET: N_("Assets"),
    NodeKind.CENTRE: N_("Centres"),
    NodeKind.FINANCIER: N_("Financiers"),
    NodeKind.SPECIALIST: N_("Specialists"),
}


def _kinds_word(kind: NodeKind) -> str:
    """``kind`` in the plural, in the current language: "Centres" (支援機関)."""
    return _(_KIND_PLURALS[kind])


def check_not_aliases(keep: str, merge: str, aliases: Mapping[str, str]) -> None:
    """Raise Conflict, in words, for a node merged with itself or an id that is already an
    alias (``aliases``: merged id -> kept id)."""
    if keep == merge:
        raise Conflict(_("a node cannot be merged with itself ({id!r})", id=keep))
    for node_id in (keep, merge):
        if node_id in aliases:
            raise Conflict(
                _(
                    "{id!r} was merged into {kept!r} already: it is an alias; merge {kept!r} "
                    "instead",
                    id=node_id,
                    kept=aliases[node_id],
                )
            )


def check_mergeable(
    keep: str,
    merge: str,
    nodes: Mapping[str, Node],
    aliases: Mapping[str, str],
    merges: Sequence[MergeRecord] = (),
) -> tuple[Node, Node]:
    """The kept node and the merged node, if ``merge`` may be merged into ``keep``; raises
    Conflict, in words, for a node merged with itself, an id that is already an alias, a
    merged node that an open merge keeps, or two nodes that are not both enterprises or both
    financiers. ``nodes`` holds the nodes of both ids that exist (the caller raises NotFound
    for the others)."""
    check_not_aliases(keep, merge, aliases)
    kept_by = [m for m in merges if m.open and m.keep == merge]
    if kept_by:
        raise Conflict(
            _(
                "{merge!r} is the kept node of merge {merge_id} (of {merged!r}); merge {keep!r} "
                "into {merge!r} instead, or undo that merge first",
                merge=merge,
                merge_id=kept_by[0].id,
                merged=kept_by[0].merge,
                keep=keep,
            )
        )
    kept, merged = nodes[keep], nodes[merge]
    if kept.kind is not merged.kind:
        raise Conflict(
            _(
                "{keep!r} is {keep_kind} and {merge!r} is {merge_kind}: only two nodes of the "
                "same kind can be merged",
                keep=keep,
                keep_kind=kept.kind.with_article,
                merge=merge,
                merge_kind=merged.kind.with_article,
            )
        )
    if kept.kind not in MERGED_KINDS:
        raise Conflict(
            _(
                "{keep!r} and {merge!r} are {kinds}: only enterprises or financiers can be merged",
                keep=keep,
                merge=merge,
                kinds=_kinds_word(kept.kind),
            )
        )
    numbers = (kept.props.get("corporate_number"), merged.props.get("corporate_number"))
    if None not in numbers and numbers[0] != numbers[1]:
        raise Conflict(
            _(
                "{keep!r} and {merge!r} have different corporate numbers ({first} and "
                "{second}): they are two entities and are never merged",
                keep=keep,
                merge=merge,
                first=numbers[0],
                second=numbers[1],
            )
        )
    return kept, merged


def combined_provenance(kept: Iterable[Assertion], merged: Iterable[Assertion]) -> list[Assertion]:
    """Every contributor's assertion of either of two relations that become one: where one
    contributor asserted both, its later assertion (by ``last_seen``; the kept one's when
    equal). In contributor order."""
    found: dict[str, Assertion] = {a.contributor: a for a in kept}
    for assertion in merged:
        mine = found.get(assertion.contributor)
        if mine is None or assertion.last_seen > mine.last_seen:
            found[assertion.contributor] = assertion
    return [found[name] for name in sorted(found)]


def moved_tie(tie: Relation, merge: str, keep: str) -> Relation:
    """``tie`` of node ``merge`` as the same tie of node ``keep``: ``keep`` at the end where
    ``merge`` was."""
    source = keep if tie.source == merge else tie.source
    target = keep if tie.target == merge else tie.target
    return tie._replace(source=source, target=target)


@dataclass(frozen=True)
class MergePlan:
    """What a merge writes, in one transaction: the merged node's ties that move to the
    kept node as they are (``moved``, each as it is now), the kept node's ties combined
    with one of them (``relations``) with their exact assertions, the records to delete
    (the merged node's other ties, and the node), the referrals moved to the kept node, and
    the snapshot."""

    record: MergeRecord
    moved: tuple[Relation, ...]
    relations: tuple[Relation, ...]
    provenance: tuple[tuple[str, Assertion], ...]
    deleted: tuple[str, ...]
    referrals: tuple[Referral, ...]
    snapshot: MergeSnapshot


def plan_merge(
    record: MergeRecord,
    merged_node: Node,
    merged_ties: Sequence[Relation],
    kept_ties: Sequence[Relation],
    provenance: Mapping[str, list[Assertion]],
    referrals: Sequence[Referral],
) -> MergePlan:
    """The plan of ``record``'s merge, given the merged node, every tie of it and the kept
    node's ties to the same other ends (whole history; more do no harm), the assertions of
    the merged node and of those ties (by record), and the referrals that name the merged
    node."""
    keep, merge = record.keep, record.merge
    kept_by_key = {r.key: r for r in kept_ties}
    written: dict[tuple[str, str, str], Relation] = {}
    asserted: dict[tuple[str, str, str], list[Assertion]] = {}
    combined: list[Relation] = []
    moving: list[Relation] = []
    for tie in sorted(merged_ties, key=lambda r: r.key):
        moved = moved_tie(tie, merge, keep)
        if moved.source == moved.target:
            continue  # a tie between the two would be a loop
        there = kept_by_key.get(moved.key)
        if there is None:
            written[moved.key] = moved
            moving.append(tie)
            continue
        combined.append(there)
        values = moved if moved.strength > there.strength else there
        written[moved.key] = values._replace(source=moved.source, target=moved.target)
        asserted[moved.key] = combined_provenance(
            provenance.get(relation_of_key(there.key), []),
            provenance.get(relation_of_key(tie.key), []),
        )
    kept_records = {merge} | {relation_of_key(t.key) for t in (*merged_ties, *combined)}
    snapshot_provenance = {
        name: list(assertions) for name, assertions in provenance.items() if name in kept_records
    }
    snapshot = MergeSnapshot(
        keep=keep,
        merge=merge,
        node=merged_node,
        ties=tuple(sorted(merged_ties, key=lambda r: r.key)),
        combined=tuple(sorted(combined, key=lambda r: r.key)),
        written=tuple(written[key] for key in sorted(written)),
        provenance=snapshot_provenance,
        referrals=tuple(sorted(r.id for r in referrals)),
    )
    moved_keys = {tie.key for tie in moving}
    return MergePlan(
        record=record,
        moved=tuple(moving),
        relations=tuple(written[key] for key in sorted(asserted)),
        provenance=tuple(
            (relation_of_key(key), a) for key in sorted(asserted) for a in asserted[key]
        ),
        deleted=(
            *(relation_of_key(t.key) for t in snapshot.ties if t.key not in moved_keys),
            merge,
        ),
        referrals=tuple(replace(r, enterprise=keep) for r in referrals),
        snapshot=snapshot,
    )


@dataclass(frozen=True)
class UnmergePlan:
    """What undoing a merge writes, in one transaction: delete the relations it wrote
    (``deleted``), make the merged node again, move back to it the ties the merge moved that
    are as it left them (``moved``, ties of the kept node as they are now), write every
    other snapshotted tie (the merged node's and the kept node's combined ones) with its
    exact assertions (``relations``; ``provenance`` holds the node's too), and move the
    referrals back."""

    record: MergeRecord
    deleted: tuple[str, ...]
    node: Node
    moved: tuple[Relation, ...]
    relations: tuple[Relation, ...]
    provenance: tuple[tuple[str, Assertion], ...]
    referrals: tuple[Referral, ...]


def later_blocking(
    record: MergeRecord,
    snapshot: MergeSnapshot,
    later: Iterable[tuple[MergeRecord, MergeSnapshot]],
) -> MergeRecord | None:
    """The first of the ``later`` open merges that must be undone before ``record``: one
    that names its kept node, or that changed a relation ``record``'s merge wrote."""
    wrote = snapshot.written_records()
    for other, other_snapshot in later:
        if not other.open or other.id == record.id:
            continue
        if record.keep in (other.keep, other.merge) or wrote & other_snapshot.records():
            return other
    return None


def plan_unmerge(
    record: MergeRecord,
    snapshot: MergeSnapshot,
    current: Sequence[Relation],
    current_provenance: Mapping[str, list[Assertion]],
    referrals: Sequence[Referral],
) -> UnmergePlan:
    """The plan that undoes ``record``'s merge from its ``snapshot``, given the kept node's
    ties now to the other ends of the relations the merge wrote (``current``; more do no
    harm) and their assertions by record, and the referrals of the snapshot as they are now
    (those that still name the kept node move back). A tie the merge moved that is as the
    merge left it, values and assertions, moves back as it is; every other relation the
    merge wrote is deleted (one gone since is passed over), and the snapshot's ties it stood
    for are written again."""
    keep, merge = snapshot.keep, snapshot.merge
    now = {tie.key: tie for tie in current}
    combined = {tie.key for tie in snapshot.combined}
    written = {tie.key: tie for tie in snapshot.written}
    moved: list[Relation] = []
    back: set[tuple[str, str, str]] = set()
    stays: set[str] = set()  # the relations moved back, as records of the kept node
    for tie in snapshot.ties:
        key = moved_tie(tie, merge, keep).key
        there = now.get(key)
        if key in combined or there is None or there != written.get(key):
            continue
        name = relation_of_key(key)
        if current_provenance.get(name, []) != snapshot.provenance.get(
            relation_of_key(tie.key), []
        ):
            continue
        moved.append(there)
        back.add(tie.key)
        stays.add(name)
    ties = {r.key: r for r in (*snapshot.ties, *snapshot.combined) if r.key not in back}
    moved_back = tuple(
        replace(r, enterprise=merge)
        for r in referrals
        if r.id in snapshot.referrals and r.enterprise == keep
    )
    restored = {relation_of_key(key) for key in ties} | {merge}
    return UnmergePlan(
        record=record,
        deleted=tuple(name for name in sorted(snapshot.written_records()) if name not in stays),
        node=snapshot.node,
        moved=tuple(moved),
        relations=tuple(ties[key] for key in sorted(ties)),
        provenance=tuple(
            (name, assertion)
            for name in sorted(snapshot.provenance)
            if name in restored
            for assertion in snapshot.provenance[name]
        ),
        referrals=moved_back,
    )
