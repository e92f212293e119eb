"""Valid time: when a node exists and when a tie holds, and the days questions are asked on.

Days travel as ISO texts (``YYYY-MM-DD``), which compare as the days they name. A tie holds
from its ``since`` (or always) until the day before its ``until`` (or for ever). A node exists
from 1 January of its ``founded`` year (or always) until the day before its ``ended`` (or for
ever). The graph *as of* a day holds the nodes that exist that day and the ties that hold
that day between two of them; every reading question is asked of it (see
:meth:`graph.store.ports.GraphStore.as_of`).

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from graph.errors import InvalidArgument
from graph.i18n import _

__all__ = [
    "FISCAL_YEAR_START",
    "Day",
    "day_of",
    "exists_on",
    "fiscal_year_day",
    "holds_on",
    "now_stamp",
    "parse_day",
    "today",
]

#: A day, as ``YYYY-MM-DD``.
Day = str

#: Japan's fiscal year begins on 1 April: history is read as of that day of each year.
FISCAL_YEAR_START = "04-01"

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def today() -> Day:
    """Today in UTC, the day questions are asked on when they name none (provenance and
    referral histories keep UTC times, so a retraction ends a tie on the same day)."""
    return datetime.now(UTC).date().isoformat()


def now_stamp() -> str:
    """The current time as provenance records it: ISO 8601 in UTC, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def day_of(stamp: str) -> Day:
    """The day of a timestamp of :func:`now_stamp` (its first ten characters)."""
    return stamp[:10]


def parse_day(value: Any, name: str = "as_of") -> Day:
    """``value`` (a date, or a text ``YYYY-MM-DD``) as a day. Raises InvalidArgument naming
    ``name`` for anything else, e.g. ``2026-02-30``."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip() if isinstance(value, str) else None
    if text is not None and _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise InvalidArgument(
        _("{name} must be a date written YYYY-MM-DD, got {value!r}", name=name, value=value)
    )


def fiscal_year_day(year: int) -> Day:
    """The first day of fiscal ``year`` (1 April), the day history reads each year on."""
    return f"{year:04d}-{FISCAL_YEAR_START}"


def holds_on(since: str | None, until: str | None, day: Day) -> bool:
    """Whether a tie from ``since`` until ``until`` (either may be None) holds on ``day``."""
    return (since is None or since <= day) and (until is None or day < until)


def exists_on(props: dict[str, Any], day: Day) -> bool:
    """Whether a node with properties ``props`` (its ``founded`` year, its ``ended`` day)
    exists on ``day``."""
    founded = props.get("founded")
    if founded is not None and int(day[:4]) < founded:
        return False
    ended = props.get("ended")
    return ended is None or day < ended
