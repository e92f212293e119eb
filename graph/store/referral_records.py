"""A referral as a flat record of text by field name: how every store writes it (SQLite
columns, Neo4j properties) and how the dataset's ``referrals.csv`` holds it.

The field names come from the :class:`~graph.referral_lifecycle.Referral` dataclass itself,
so a field added there is written, read, exported and loaded everywhere at once; the two
fields that are not text say here how they become text and back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

from graph.referral_lifecycle import Referral, ReferralStatus

__all__ = ["DECODE", "ENCODE", "REFERRAL_FIELDS", "from_record", "to_record"]

#: The fields of a referral, in the dataclass's order.
REFERRAL_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Referral))


def _status_text(referral: Referral) -> str:
    """The status of ``referral``, as its value."""
    return referral.status.value


#: How each field that is not text is written as text, by field name (from the referral).
ENCODE: dict[str, Callable[[Referral], str]] = {
    "status": _status_text,
    "history": Referral.history_json,
}

#: How each such field is read back from its text (raising ValueError if it cannot be).
DECODE: dict[str, Callable[[str], Any]] = {
    "status": ReferralStatus,
    "history": Referral.parse_history,
}


def to_record(referral: Referral) -> dict[str, str]:
    """The record of ``referral``: every field of :data:`REFERRAL_FIELDS`, as text."""
    record: dict[str, str] = {}
    for name in REFERRAL_FIELDS:
        encode = ENCODE.get(name)
        record[name] = encode(referral) if encode is not None else getattr(referral, name)
    return record


def from_record(record: Mapping[str, Any]) -> Referral:
    """The referral a record holds (other keys are ignored).

    Raises KeyError for a missing field and ValueError for a status or a history that is not
    one (a store's own records never have either).
    """
    values: dict[str, Any] = {}
    for name in REFERRAL_FIELDS:
        value = record[name]
        decode = DECODE.get(name)
        values[name] = decode(value) if decode is not None else value
    return Referral(**values)
