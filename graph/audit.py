"""The audit log of confidential ties: one entry for every answer that showed one.

An answer of the API that showed a confidential tie (see :mod:`graph.visibility`) leaves an
:class:`AuditEntry`: which key asked, on which route, when, and the enterprises whose
confidential ties it showed. Entries are kept beside the API keys (in ``keys.sqlite`` with the
embedded store, in the graph's database with Neo4j:
:meth:`graph.store.keys.KeyStore.record_audit`), and are never changed or deleted; an export
writes them as ``audit.csv`` and a load of the export appends them to the target's log.

Times are ISO 8601 in UTC to the microsecond, as :func:`graph.valid_time.now_stamp` gives
them, so that they compare as texts. Pure data, no I/O.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.errors import InvalidArgument, RowInvalid
from graph.i18n import N_, _
from graph.model import is_valid_id
from graph.valid_time import parse_day

__all__ = [
    "AUDIT_ID_PREFIX",
    "KEY_NAME_LIMIT",
    "ROUTE_LIMIT",
    "AuditEntry",
    "audit_entry",
    "audit_route",
    "audit_since",
    "audit_stamp",
    "new_audit_id",
]

#: How an entry's id begins: ``audit-`` and 22 hexadecimal digits follow.
AUDIT_ID_PREFIX = "audit-"
#: The longest key name (as :meth:`graph.store.keys.KeyStore.add` allows).
KEY_NAME_LIMIT = 100
#: The longest route an entry names (:func:`audit_route` cuts a longer one).
ROUTE_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One answer that showed confidential ties: its ``id``, when (``at``, ISO 8601 UTC to
    the microsecond), the name of the ``key`` that asked, the ``route`` (as the API names
    it, e.g. ``GET /v1/nodes/E1``), and the ids of the ``enterprises`` concerned, sorted,
    each once."""

    id: str
    at: str
    key: str
    route: str
    enterprises: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The entry as answers show it (the enterprises as a list)."""
        return {
            "id": self.id,
            "at": self.at,
            "key": self.key,
            "route": self.route,
            "enterprises": list(self.enterprises),
        }


def new_audit_id() -> str:
    """A new entry's id: ``audit-``, the microseconds since 1970 in 14 hexadecimal digits,
    then 8 random ones. Ids made later sort after (the log's index of ids grows at its end)
    and are unique across data folders, so that entries restored from an export never take
    another's id."""
    return f"{AUDIT_ID_PREFIX}{time.time_ns() // 1000:014x}{secrets.token_hex(4)}"


def _stamp(text: str) -> datetime:
    """``text`` (ISO 8601, a time without an offset being UTC) in UTC. Raises ValueError."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def audit_stamp(text: str, name: str = "at") -> str:
    """The time ``text`` (ISO 8601; one without an offset is UTC) as entries keep it: UTC,
    to the microsecond, like :func:`graph.valid_time.now_stamp`. Raises InvalidArgument
    naming ``name`` for a text that is not such a time."""
    try:
        return _stamp(text.strip()).isoformat(timespec="microseconds")
    except (ValueError, AttributeError, OverflowError):
        raise InvalidArgument(
            _("{name} must be an ISO 8601 date and time, got {text}", name=name, text=repr(text))
        ) from None


def audit_since(text: str, name: str = "since") -> str:
    """The lower bound (inclusive) of the entries ``since`` asks for, as a text that the
    entries' times compare with: a day ``YYYY-MM-DD`` (from its first moment, UTC) as
    itself, an ISO 8601 time as :func:`audit_stamp` writes it. Raises InvalidArgument naming
    ``name`` for anything else."""
    stripped = text.strip() if isinstance(text, str) else ""
    if len(stripped) == 10:
        try:
            return parse_day(stripped, name)
        except InvalidArgument:
            pass
    elif "T" in stripped or " " in stripped:
        try:
            return _stamp(stripped).isoformat(timespec="microseconds")
        except (ValueError, OverflowError):
            pass
    raise InvalidArgument(
        _(
            "{name} must be a day (YYYY-MM-DD) or an ISO 8601 date and time, got {text}",
            name=name,
            text=repr(text),
        )
    )


def audit_route(text: str) -> str:
    """``text`` (a method and a path with its query, as a request names them) as a route an
    entry can keep: a character that is not printable as its escape (a line break as
    ``\\n``), and a text longer than :data:`ROUTE_LIMIT` cut to it, ending with ``…``;
    ``-`` for a blank text. So every request can be logged, however its path was written."""
    shown = text
    if not text.isprintable():
        shown = "".join(
            each if each.isprintable() else each.encode("unicode_escape").decode("ascii")
            for each in text
        )
    if len(shown) > ROUTE_LIMIT:
        shown = shown[: ROUTE_LIMIT - 1] + "…"
    return shown or "-"


#: What the label columns are called in a sentence.
_LABELS = {"key": N_("a key"), "route": N_("a route")}


def _label_problem(text: str, what: str, limit: int) -> str | None:
    """Why ``text`` cannot be a key name or a route (``what``), or None."""
    if not text or len(text) > limit or not text.isprintable():
        return _(
            "{what} must be 1 to {limit} printable characters, got {text}",
            what=what,
            limit=limit,
            text=repr(text),
        )
    return None


def audit_entry(
    entry_id: str, at: str, key: str, route: str, enterprises: Iterable[str]
) -> AuditEntry:
    """The entry of these values, checked: its time as :func:`audit_stamp` writes it and
    its enterprises sorted, each once (none is allowed: a confidential type that joins no
    enterprise); ``enterprises`` may be one text of ids separated by spaces, as audit.csv
    writes them. Raises RowInvalid listing every bad value by column (``id``, ``at``,
    ``key``, ``route``, ``enterprises``)."""
    problems: list[tuple[str, str]] = []
    if not is_valid_id(entry_id):
        problems.append(
            ("id", _("{id} is not a valid id (1 to 64 of A-Z a-z 0-9 _ . : -)", id=repr(entry_id)))
        )
    stamp = at
    try:
        stamp = audit_stamp(at)
    except InvalidArgument as error:
        problems.append(("at", str(error).removeprefix("at ")))
    for column, text, limit in (("key", key, KEY_NAME_LIMIT), ("route", route, ROUTE_LIMIT)):
        problem = _label_problem(text, _(_LABELS[column]), limit)
        if problem is not None:
            problems.append((column, problem))
    if isinstance(enterprises, str):
        enterprises = enterprises.split()
    ids = sorted(set(enterprises))
    bad = [each for each in ids if not is_valid_id(each)]
    if bad:
        problems.append(("enterprises", _("{id} is not a valid enterprise id", id=repr(bad[0]))))
    if problems:
        raise RowInvalid(problems)
    return AuditEntry(entry_id, stamp, key, route, tuple(ids))
