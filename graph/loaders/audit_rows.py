"""The audit log of confidential ties as a file of an export: ``audit.csv``.

An export writes every entry of the log (:class:`graph.audit.AuditEntry`), oldest first, as
a row of audit.csv: ``id``, ``at``, ``key``, ``route``, and ``enterprises``, the ids joined
by spaces. Loading the folder appends the entries the target's log does not hold yet
(:meth:`graph.store.keys.KeyStore.restore_audit`), so that the log follows the data. The
file is checked whole first: a bad row is a problem ``audit.csv:LINE: COLUMN: message``, as
in the other files of a dataset, and nothing of it is restored.

Cells are guarded for spreadsheets (:func:`graph.loaders.csvfile.spreadsheet_safe`) and
read back as they were.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from graph.audit import AuditEntry, audit_entry
from graph.errors import DatasetInvalid, InvalidArgument, Problem, RowInvalid
from graph.i18n import _
from graph.loaders.csvfile import (
    HeaderProblems,
    encoding_named,
    read_records,
    spreadsheet_safe,
    spreadsheet_values,
)

__all__ = [
    "AUDIT_COLUMNS",
    "AUDIT_FILE",
    "PROBLEM_LIMIT",
    "audit_cells",
    "read_audit",
    "read_audit_folder",
    "write_audit",
]

AUDIT_FILE = "audit.csv"
#: The columns of audit.csv, every one required.
AUDIT_COLUMNS: tuple[str, ...] = ("id", "at", "key", "route", "enterprises")
#: How many problems a failed read lists before it only counts the rest (as a load does).
PROBLEM_LIMIT = 50


def audit_cells(entry: AuditEntry) -> list[str]:
    """The row of audit.csv for ``entry``, in AUDIT_COLUMNS order (not yet guarded)."""
    return [entry.id, entry.at, entry.key, entry.route, " ".join(entry.enterprises)]


def write_audit(entries: Iterable[AuditEntry], folder: Path) -> int:
    """Write ``entries`` (the log, oldest first, as :meth:`KeyStore.audit` gives it) as
    ``folder``/audit.csv, guarded for spreadsheets; returns how many. With none, no file is
    written (and one an earlier export left in ``folder`` is removed, so that the folder
    loads back as it is). Raises OSError if the file cannot be written."""
    path = Path(folder) / AUDIT_FILE
    rows = [[spreadsheet_safe(cell) for cell in audit_cells(entry)] for entry in entries]
    if not rows:
        path.unlink(missing_ok=True)
        return 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(AUDIT_COLUMNS)
        writer.writerows(rows)
    return len(rows)


def read_audit(path: Path, encoding: str | None = None) -> list[AuditEntry]:
    """The entries of the audit.csv at ``path``, in the file's order (UTF-8 or Shift_JIS as
    :func:`graph.loaders.csvfile.read_records` reads a dataset file, or ``encoding``).

    Raises DatasetInvalid listing every problem (the first :data:`PROBLEM_LIMIT`) as
    ``audit.csv:LINE: COLUMN: message``: a file that cannot be read or whose header lacks a
    column or names an unknown one, a row of the wrong width, an id that is not one or is
    given twice, a time that is not ISO 8601, a blank key or route, an enterprise id that is
    not one. Raises InvalidArgument for an encoding rsn does not read."""
    if encoding is not None:
        try:
            encoding = encoding_named(encoding)
        except ValueError as error:
            raise InvalidArgument(str(error)) from None
    name = Path(path).name
    problems: list[Problem] = []

    def reject(line: int, column: str, message: str, fields: list[str]) -> None:
        problems.append(Problem(name, line, column, message))

    entries: list[AuditEntry] = []
    lines: dict[str, int] = {}
    try:
        header, records, _unused = read_records(
            Path(path), AUDIT_COLUMNS, AUDIT_COLUMNS, reject, encoding
        )
        for line, fields in records:
            values = dict(zip(header, spreadsheet_values(fields), strict=True))
            try:
                entry = audit_entry(
                    values["id"],
                    values["at"],
                    values["key"],
                    values["route"],
                    values["enterprises"],
                )
            except RowInvalid as error:
                problems.extend(Problem(name, line, c, m) for c, m in error.problems)
                continue
            first = lines.setdefault(entry.id, line)
            if first != line:
                problems.append(
                    Problem(
                        name,
                        line,
                        "id",
                        _("entry {id} is already at line {line}", id=entry.id, line=first),
                    )
                )
                continue
            entries.append(entry)
    except HeaderProblems as error:
        problems.extend(error.problems)
    if problems:
        raise DatasetInvalid(problems[:PROBLEM_LIMIT], len(problems))
    return entries


def read_audit_folder(folder: Path, encoding: str | None = None) -> list[AuditEntry] | None:
    """The entries of ``folder``/audit.csv (:func:`read_audit`), or None when the folder
    has no audit.csv. Raises as :func:`read_audit` does."""
    path = Path(folder) / AUDIT_FILE
    if not path.is_file():
        return None
    return read_audit(path, encoding)
