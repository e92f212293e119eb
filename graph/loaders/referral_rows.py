"""Referrals as dataset rows: the columns of ``referrals.csv`` and their checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.errors import RowInvalid
from graph.model import Expertise, is_valid_id
from graph.referral_lifecycle import Referral, ReferralStatus

__all__ = ["REFERRALS_FILE", "REFERRAL_COLUMNS", "parse_referral", "referral_cells"]

REFERRALS_FILE = "referrals.csv"
REFERRAL_COLUMNS: tuple[str, ...] = (
    "id",
    "from_centre",
    "to_centre",
    "enterprise",
    "need",
    "note",
    "status",
    "created_at",
    "request_key",
    "fingerprint",
    "history",
)
_EXPERTISE = frozenset(word.value for word in Expertise)


def parse_referral(row: dict[str, str]) -> Referral:
    """A referral from a row of referrals.csv (endpoints not yet checked).

    Raises RowInvalid listing every bad column.
    """
    problems: list[tuple[str, str]] = []
    for column in ("id", "from_centre", "to_centre", "enterprise"):
        if not is_valid_id(row.get(column, "")):
            problems.append((column, f"{row.get(column)!r} is not a valid id"))
    if row.get("need") not in _EXPERTISE:
        problems.append(("need", f"{row.get('need')!r} is not an expertise word"))
    try:
        status = ReferralStatus(row.get("status"))
    except ValueError:
        status = None
        problems.append(("status", f"{row.get('status')!r} is not a referral status"))
    try:
        datetime.fromisoformat(row.get("created_at", ""))
    except ValueError:
        problems.append(("created_at", "must be an ISO 8601 date and time"))
    try:
        history = Referral.parse_history(row.get("history", ""))
    except ValueError as error:
        history = ()
        problems.append(("history", str(error)))
    if status is not None and history and history[-1].status is not status:
        problems.append(
            ("history", f"its last move is to {history[-1].status.value}, not {status.value}")
        )
    if not history and "history" not in {column for column, _ in problems}:
        problems.append(("history", "must hold at least the request"))
    if not row.get("request_key"):
        problems.append(("request_key", "is required"))
    if problems:
        raise RowInvalid(problems)
    return Referral(
        id=row["id"],
        from_centre=row["from_centre"],
        to_centre=row["to_centre"],
        enterprise=row["enterprise"],
        need=row["need"],
        note=row.get("note", ""),
        status=status,
        created_at=row["created_at"],
        history=history,
        request_key=row["request_key"],
        fingerprint=row.get("fingerprint", ""),
    )


def referral_cells(referral: Referral) -> list[Any]:
    """The row of referrals.csv for ``referral``, in REFERRAL_COLUMNS order."""
    return [
        referral.id,
        referral.from_centre,
        referral.to_centre,
        referral.enterprise,
        referral.need,
        referral.note,
        referral.status.value,
        referral.created_at,
        referral.request_key,
        referral.fingerprint,
        referral.history_json(),
    ]
