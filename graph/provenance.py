"""Provenance: who asserted each node and each relation, when, and with what values.

Every write is made by a contributor (a centre, a prefecture's guarantee file, a bank union,
``local`` for a plain ``rsn load``). For each record (a node, or a relation) a store keeps one
:class:`Assertion` per contributor: when it first and last asserted the record, when it
retracted it (None while it stands) and the values it gave. The record's effective values
are those of its latest assertion still standing (:func:`latest_standing`). A record with no
standing assertion has ended: a relation's ``until`` becomes the day of the retraction (or
stays earlier), a node's ``ended`` likewise; it stays in history.

Records are named by text: a node by its id, a relation by ``"source TYPE target"`` (ids
hold no spaces, so the name is unambiguous). Pure functions, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.i18n import _
from graph.model import Node, NodeKind, Relation, RelationType, is_valid_id
from graph.valid_time import Day, day_of, now_stamp

__all__ = [
    "ADMIN_CONTRIBUTOR",
    "DEFAULT_CONTRIBUTOR",
    "Assertion",
    "Attribution",
    "ContributorSummary",
    "check_contributor",
    "check_unrecorded",
    "ended_node",
    "ended_relation",
    "is_relation_record",
    "latest_standing",
    "node_from_values",
    "node_record",
    "node_values",
    "relation_from_values",
    "relation_key_of",
    "relation_record",
    "relation_values",
    "restored_assertions",
    "values_from_text",
    "values_text",
]

#: Who a write is attributed to when nobody is named: a plain ``rsn load``.
DEFAULT_CONTRIBUTOR = "local"
#: Who an admin key's API writes are attributed to when the body names nobody.
ADMIN_CONTRIBUTOR = "admin"


def check_contributor(name: str) -> str:
    """``name`` if it is a contributor's name (1-64 of ``A-Z a-z 0-9 _ . : -``, as an id);
    raises ValueError with the sentence a person reads otherwise."""
    if not is_valid_id(name):
        raise ValueError(
            _(
                "a contributor is named by 1 to 64 letters, digits or _ . : -, got {value!r}",
                value=name,
            )
        )
    return name


@dataclass(frozen=True)
class Attribution:
    """Who makes the writes of a unit of work, and when (one time for all of them).

    ``record`` False writes nodes and relations without asserting them, for loading an
    export whose ``provenance.csv`` restores the assertions as they were."""

    contributor: str = DEFAULT_CONTRIBUTOR
    at: str = field(default_factory=now_stamp)
    record: bool = True

    @property
    def day(self) -> Day:
        """The day of the writes, e.g. the day a retraction ends a tie."""
        return day_of(self.at)


@dataclass(frozen=True)
class Assertion:
    """One contributor's assertion of one record."""

    contributor: str
    recorded_at: str
    last_seen: str
    retracted_at: str | None
    values: dict[str, Any]

    @property
    def standing(self) -> bool:
        return self.retracted_at is None

    def as_dict(self) -> dict[str, Any]:
        """The assertion as answers show it."""
        return {
            "contributor": self.contributor,
            "recorded_at": self.recorded_at,
            "last_seen": self.last_seen,
            "retracted_at": self.retracted_at,
            "values": self.values,
        }


@dataclass(frozen=True)
class ContributorSummary:
    """A contributor: how many nodes and relations it asserts now (standing), and when it
    last wrote (its latest ``last_seen`` or ``retracted_at``)."""

    contributor: str
    nodes: int
    relations: int
    last_load: str | None


def node_record(node_id: str) -> str:
    """The record name of a node: its id."""
    return node_id


def relation_record(source: str, kind: RelationType | str, target: str) -> str:
    """The record name of a relation: ``"source TYPE target"``. Raises ValueError for a
    ``kind`` that is no relation type."""
    if not isinstance(kind, RelationType):  # (a member needs no look-up: merges name many)
        kind = RelationType(kind)
    return f"{source} {kind.value} {target}"


def is_relation_record(record: str) -> bool:
    """Whether ``record`` names a relation (rather than a node)."""
    return " " in record


def relation_key_of(record: str) -> tuple[str, RelationType, str]:
    """The (source, type, target) a relation's record names; raises ValueError if it
    names none."""
    source, kind, target = record.split(" ")
    return source, RelationType(kind), target


def check_unrecorded(by: Attribution) -> None:
    """Raise ValueError when the unit of work ``by`` records its writes: relations that are
    restored or moved as they were must not be asserted by the unit too."""
    if by.record:
        raise ValueError("relations are restored or moved only in a unit that records nothing")


def restored_assertions(
    by: Attribution,
    relations: Sequence[Relation],
    provenance: Iterable[tuple[str, Assertion]],
) -> dict[str, list[Assertion]]:
    """The assertions of each of ``relations`` (by record) that a unit of work ``by``
    restores with them (see :meth:`graph.store.ports.GraphWriter.restore_relations`).

    Raises ValueError when ``by`` records its writes (restored relations assert only what
    they are given), or for an assertion of a record that is none of ``relations``."""
    check_unrecorded(by)
    found: dict[str, list[Assertion]] = {relation_record(*r.key): [] for r in relations}
    for record, assertion in provenance:
        assertions = found.get(record)
        if assertions is None:
            raise ValueError(f"an assertion of {record!r}, which is not restored here")
        assertions.append(assertion)
    return found


def node_values(node: Node) -> dict[str, Any]:
    """The values a contributor gives a node: its name and properties (``ended`` too, when
    the contributor said the node ended)."""
    return {"name": node.name, **node.props}


def relation_values(relation: Relation) -> dict[str, Any]:
    """The values a contributor gives a relation: strength, and since/until when set."""
    values: dict[str, Any] = {"strength": float(relation.strength)}
    if relation.since is not None:
        values["since"] = relation.since
    if relation.until is not None:
        values["until"] = relation.until
    return values


def node_from_values(node_id: str, kind: NodeKind, values: Mapping[str, Any]) -> Node:
    """The node whose values are ``values`` (of :func:`node_values`)."""
    props = {key: value for key, value in values.items() if key != "name"}
    return Node(node_id, kind, str(values.get("name", "")), props)


def relation_from_values(
    source: str, kind: RelationType, target: str, values: Mapping[str, Any]
) -> Relation:
    """The relation whose values are ``values`` (of :func:`relation_values`)."""
    return Relation(
        source,
        kind,
        target,
        float(values["strength"]),
        values.get("since"),
        values.get("until"),
    )


def latest_standing(assertions: Iterable[Assertion]) -> Assertion | None:
    """The latest assertion still standing (by ``last_seen``, then contributor), whose values
    are the record's; None when none stands."""
    standing = [a for a in assertions if a.retracted_at is None]
    if not standing:
        return None
    return max(standing, key=lambda a: (a.last_seen, a.contributor))


def ended_relation(relation: Relation, day: Day) -> Relation:
    """``relation`` ended on ``day``, unless it had already ended earlier."""
    if relation.until is not None and relation.until <= day:
        return relation
    since = relation.since
    # a tie that had not begun by the day it ends never held: it ends the day it began
    until = day if since is None or since <= day else since
    return relation._replace(until=until)


def ended_node(node: Node, day: Day) -> Node:
    """``node`` ended on ``day``, unless it had already ended earlier."""
    ended = node.props.get("ended")
    if ended is not None and ended <= day:
        return node
    return Node(node.id, node.kind, node.name, {**node.props, "ended": day})


def values_text(values: Mapping[str, Any]) -> str:
    """``values`` as one canonical JSON text (keys sorted), as stores and exports keep it."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def values_from_text(text: str) -> dict[str, Any]:
    """The values of :func:`values_text`; raises ValueError if ``text`` is not a JSON
    object."""
    values = json.loads(text)
    if not isinstance(values, dict):
        raise ValueError(_("values must be a JSON object, got {value!r}", value=text[:60]))
    return values
