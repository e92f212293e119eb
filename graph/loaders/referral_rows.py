"""Referrals as dataset rows: the columns of ``referrals.csv`` and their checks."""

from __future__ import annotations

from datetime import datetime

from graph.errors import RowInvalid
from graph.i18n import _
from graph.model import Expertise, is_valid_id
from graph.referral_lifecycle import Referral, ReferralStatus
from graph.store.referral_records import REFERRAL_FIELDS, from_record, to_record

__all__ = ["REFERRALS_FILE", "REFERRAL_COLUMNS", "parse_referral", "referral_cells"]

REFERRALS_FILE = "referrals.csv"
#: The columns of referrals.csv: a referral's fields (:data:`REFERRAL_FIELDS`), the history
#: (a long JSON list) last, where it has always been.
REFERRAL_COLUMNS: tuple[str, ...] = (
    *(name for name in REFERRAL_FIELDS if name != "history"),
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
            problems.append((column, _("{value!r} is not a valid id", value=row.get(column))))
    if row.get("need") not in _EXPERTISE:
        problems.append(("need", _("{value!r} is not an expertise word", value=row.get("need"))))
    status: ReferralStatus | None = None
    try:
        status = ReferralStatus(row.get("status", ""))
    except ValueError:
        status = None
        problems.append(
            ("status", _("{value!r} is not a referral status", value=row.get("status")))
        )
    try:
        datetime.fromisoformat(row.get("created_at", ""))
    except ValueError:
        problems.append(("created_at", _("must be an ISO 8601 date and time")))
    try:
        history = Referral.parse_history(row.get("history", ""))
    except ValueError as error:
        history = ()
        problems.append(("history", str(error)))
    if status is not None and history and history[-1].status is not status:
        problems.append(
            (
                "history",
                _(
                    "its last move is to {last}, not {status}",
                    last=history[-1].status.value,
                    status=status.value,
                ),
            )
        )
    if not history and "history" not in {column for column, _message in problems}:
        problems.append(("history", _("must hold at least the request")))
    if not row.get("request_key"):
        problems.append(("request_key", _("is required")))
    if problems:
        raise RowInvalid(problems)
    # the optional columns (note, fingerprint) may be missing: blank
    return from_record({name: row.get(name, "") for name in REFERRAL_FIELDS})


def referral_cells(referral: Referral) -> list[str]:
    """The row of referrals.csv for ``referral``, in REFERRAL_COLUMNS order."""
    record = to_record(referral)
    return [record[column] for column in REFERRAL_COLUMNS]
