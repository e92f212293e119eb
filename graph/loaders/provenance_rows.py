"""Provenance as dataset rows: the columns of ``provenance.csv`` and their checks.

An export writes one row per assertion (:class:`graph.provenance.Assertion`) of each node and
relation, in (record, contributor) order; loading the folder restores them as they were.
A row's record must be a node or a relation of the folder (:class:`AssertionRows`).
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from graph.errors import RowInvalid
from graph.i18n import _
from graph.model import RelationType, is_valid_id
from graph.provenance import (
    Assertion,
    check_contributor,
    is_relation_record,
    values_from_text,
    values_text,
)

__all__ = [
    "AssertionRows",
    "PROVENANCE_COLUMNS",
    "PROVENANCE_FILE",
    "assertion_cells",
    "parse_assertion",
    "record_problem",
]

PROVENANCE_FILE = "provenance.csv"
#: The columns of provenance.csv, every one required (``retracted_at`` is blank while the
#: assertion stands).
PROVENANCE_COLUMNS: tuple[str, ...] = (
    "record",
    "contributor",
    "recorded_at",
    "last_seen",
    "retracted_at",
    "values",
)

_RELATION_TYPES = frozenset(kind.value for kind in RelationType)
#: JSON's decoder without :func:`json.loads`'s checks around it: (value, where it ended).
_decode = json.JSONDecoder().raw_decode


def record_problem(record: str) -> str | None:
    """Why ``record`` names neither a node (its id) nor a relation (``source TYPE
    target``), or None when it names one of them."""
    if not is_relation_record(record):
        if is_valid_id(record):
            return None
        return _(
            "{record!r} is neither a node id nor a relation written 'source TYPE target'",
            record=record,
        )
    parts = record.split(" ")
    if (
        len(parts) != 3
        or parts[1] not in _RELATION_TYPES
        or not (is_valid_id(parts[0]) and is_valid_id(parts[2]))
    ):
        return _(
            "{record!r} is not a relation written 'source TYPE target' (two ids and a "
            "relation type, one space apart)",
            record=record,
        )
    return None


def _values_problem(record: str, values: dict[str, Any]) -> str | None:
    """Why ``values`` cannot be the values of ``record`` (a node's need a text ``name``, a
    relation's a ``strength`` greater than 0 and at most 1), or None."""
    if is_relation_record(record):
        strength = values.get("strength")
        if (
            isinstance(strength, bool)
            or not isinstance(strength, int | float)
            or not 0.0 < strength <= 1.0
        ):
            return _("a relation's values need a strength greater than 0 and at most 1")
        for day in ("since", "until"):
            if day in values and not isinstance(values[day], str):
                return _("a relation's {day} must be a date written YYYY-MM-DD", day=day)
        return None
    if not isinstance(values.get("name"), str):
        return _("a node's values need its name as text")
    return None


class AssertionRows:
    """The check of the rows of one provenance.csv.

    :meth:`parse` gives a row's record and assertion or words every problem of it;
    :meth:`plain` takes the common case of a well-formed record, given as its fields under
    ``header``, faster (the loader's way for the rows of a large export), and gives None for
    anything else, which :meth:`parse` then words. Given ``records`` (the node ids and
    relation records of the folder), a row's record must be one of them. The stamps and
    contributors found good are remembered, since the rows share many of them.
    """

    def __init__(
        self, records: Container[str] | None = None, header: Sequence[str] = PROVENANCE_COLUMNS
    ):
        self._records = records
        self._stamps: set[str] = set()
        self._contributors: set[str] = set()
        self._pick = itemgetter(*(list(header).index(column) for column in PROVENANCE_COLUMNS))

    def _good_stamp(self, text: str) -> bool:
        """Whether ``text`` is a date and time in ISO 8601 (remembered when it is)."""
        if text in self._stamps:
            return True
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return False
        self._stamps.add(text)
        return True

    def _stamp_problem(self, text: str, optional: bool = False) -> str | None:
        """Why ``text`` is not a date and time in ISO 8601 (saying that blank will do too,
        when ``optional``), or None."""
        if self._good_stamp(text):
            return None
        if optional:
            return _(
                "must be an ISO 8601 date and time, got {value!r} (or blank while it stands)",
                value=text,
            )
        return _("must be an ISO 8601 date and time, got {value!r}", value=text)

    def _record_problem(self, record: str) -> str | None:
        records = self._records
        if records is not None and record in records:
            return None
        problem = record_problem(record)
        if problem is None and records is not None:
            if is_relation_record(record):
                return _(
                    "names no relation of this folder ({record!r}): an assertion is of a row",
                    record=record,
                )
            return _(
                "names no node of this folder ({record!r}): an assertion is of a row",
                record=record,
            )
        return problem

    def plain(self, fields: Sequence[str]) -> tuple[str, Assertion] | None:
        """The record and assertion of a well-formed record of the file (its fields in the
        header's order), or None for any other, to go through :meth:`parse`. Needs
        ``records``: a record of the folder is known good (a guarded cell never is one)."""
        record, contributor, recorded_at, last_seen, retracted_at, text = self._pick(fields)
        records, stamps = self._records, self._stamps
        if records is None or record not in records:
            return None
        if contributor not in self._contributors:
            if not is_valid_id(contributor):
                return None
            self._contributors.add(contributor)
        if not (
            (recorded_at in stamps or self._good_stamp(recorded_at))
            and (last_seen in stamps or self._good_stamp(last_seen))
            and (not retracted_at or retracted_at in stamps or self._good_stamp(retracted_at))
        ):
            return None
        try:
            values, end = _decode(text) if text[:1] == "{" else (None, 0)
        except ValueError:
            return None
        if end != len(text) or type(values) is not dict:
            return None
        if " " not in record:  # a node's
            if type(values.get("name")) is not str:
                return None
        elif _values_problem(record, values) is not None:
            return None
        return record, Assertion(contributor, recorded_at, last_seen, retracted_at or None, values)

    def parse(self, row: Mapping[str, str]) -> tuple[str, Assertion]:
        """The record and assertion of a row of provenance.csv. The texts of the times are
        kept as they are written.

        Raises RowInvalid listing every bad column.
        """
        problems: list[tuple[str, str]] = []
        record = row.get("record", "")
        problem = self._record_problem(record)
        if problem is not None:
            problems.append(("record", problem))
        contributor = row.get("contributor", "")
        if contributor not in self._contributors:
            try:
                self._contributors.add(check_contributor(contributor))
            except ValueError as error:
                problems.append(("contributor", str(error)))
        recorded_at, last_seen = row.get("recorded_at", ""), row.get("last_seen", "")
        for column, stamp in (("recorded_at", recorded_at), ("last_seen", last_seen)):
            problem = self._stamp_problem(stamp)
            if problem is not None:
                problems.append((column, problem))
        retracted_at = row.get("retracted_at", "") or None
        if retracted_at is not None:
            problem = self._stamp_problem(retracted_at, optional=True)
            if problem is not None:
                problems.append(("retracted_at", problem))
        values: dict[str, Any] = {}
        text = row.get("values", "")
        try:
            values = values_from_text(text)
        except json.JSONDecodeError as error:
            problems.append(
                (
                    "values",
                    _(
                        "is not JSON: {error} at character {position}",
                        error=error.msg,
                        position=error.pos,
                    ),
                )
            )
        except ValueError:
            problems.append(
                ("values", _("must be a JSON object {{...}}, got {value!r}", value=text[:60]))
            )
        else:
            problem = _values_problem(record, values)
            if problem is not None:
                problems.append(("values", problem))
        if problems:
            raise RowInvalid(problems)
        return record, Assertion(contributor, recorded_at, last_seen, retracted_at, values)


def parse_assertion(row: Mapping[str, str]) -> tuple[str, Assertion]:
    """The record and assertion of a row of provenance.csv, whatever the folder holds (see
    :class:`AssertionRows`). Raises RowInvalid listing every bad column."""
    return AssertionRows().parse(row)


def assertion_cells(record: str, assertion: Assertion) -> list[str]:
    """The row of provenance.csv for ``assertion`` of ``record``, in PROVENANCE_COLUMNS
    order (``values`` as :func:`graph.provenance.values_text`)."""
    return [
        record,
        assertion.contributor,
        assertion.recorded_at,
        assertion.last_seen,
        assertion.retracted_at or "",
        values_text(assertion.values),
    ]
