"""Reading dataset CSV files row by row, with the line an editor shows for each row."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from graph.errors import Problem

if TYPE_CHECKING:
    from _csv import Reader

__all__ = [
    "CsvRecords",
    "CsvRow",
    "read_records",
    "HeaderProblems",
    "RejectRow",
    "spreadsheet_safe",
    "spreadsheet_value",
    "spreadsheet_values",
]

#: reject(line, column, message, fields): a row that cannot be read as a record.
RejectRow = Callable[[int, str, str, list[str]], None]


#: A cell a spreadsheet would run as a formula (it begins with = + - @, a tab or a carriage
#: return), or such a cell behind one or more ' (so that adding one ' is undone exactly).
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a cell that no spreadsheet runs as a formula: one ' is put before a cell
    that begins with = + - @, a tab or a carriage return, or with ' characters then one of
    those. :func:`spreadsheet_value` takes it off again, so what loads back is unchanged."""
    return "'" + text if _FORMULA.match(text) else text


def spreadsheet_value(text: str) -> str:
    """The value of a cell that :func:`spreadsheet_safe` wrote: one leading ' less when the
    rest begins with = + - @, a tab or a carriage return (after any more ')."""
    if text.startswith("'") and _FORMULA.match(text, 1):
        return text[1:]
    return text


def spreadsheet_values(fields: list[str]) -> list[str]:
    """:func:`spreadsheet_value` of every field; the same list when no field begins with '."""
    for field in fields:
        if field.startswith("'"):
            return [spreadsheet_value(each) for each in fields]
    return fields


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One record of a CSV file: where it starts, its values by column, and its raw fields."""

    line: int
    values: dict[str, str]
    fields: list[str]


class HeaderProblems(Exception):
    """The header cannot be used; ``problems`` say why. Nothing of the file is read."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


def _first_line_not_utf8(path: Path) -> int:
    """The number of the first line of ``path`` that is not UTF-8 (1 when every line is)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


class CsvRecords(NamedTuple):
    """A CSV file as :func:`read_records` opens it: its header (the column names) and its
    records as ``(line, fields)``, read as they are iterated."""

    header: list[str]
    records: Iterator[tuple[int, list[str]]]


def read_records(
    path: Path,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    reject: RejectRow,
) -> CsvRecords:
    """Open ``path`` (UTF-8, a BOM tolerated, RFC 4180 quoting) and read its header; the
    records follow as ``(line, fields)``, each with as many fields as the header has columns.

    ``line`` is the line on which a record starts, counting every physical line, so a quoted
    name that spans lines does not shift the numbers of the rows after it. Rows with the
    wrong number of fields go to ``reject`` and are not yielded; blank lines are skipped.

    Raises HeaderProblems when the file cannot be read, is empty, or its header lacks a
    required column or names an unknown or repeated one; and when a line is not UTF-8 or
    not valid CSV, here for the header, or while the records are read for a later line.
    The file is closed when the records have all been read.
    """
    name = path.name
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise HeaderProblems(
            [Problem(name, 0, "file", f"cannot be read: {error.strerror}")]
        ) from None
    try:
        reader = csv.reader(handle, strict=True)
        with _unreadable_lines(path, lambda: reader.line_num):
            header = _header(name, next(reader, None), required, allowed)
    except BaseException:
        handle.close()
        raise
    return CsvRecords(header, _records(path, handle, reader, len(header), reject))


def _header(
    name: str, header: list[str] | None, required: tuple[str, ...], allowed: tuple[str, ...]
) -> list[str]:
    """The column names of the first record of file ``name`` (stripped). Raises
    HeaderProblems when there is none, a required column is missing, or a column is
    unknown or repeated."""
    if header is None:
        raise HeaderProblems([Problem(name, 1, "header", "the file is empty")])
    header = [column.strip() for column in header]
    problems = []
    for column in required:
        if column not in header:
            problems.append(Problem(name, 1, column, "required column is missing"))
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, "column appears twice"))
        seen.add(column)
        if column not in allowed:
            problems.append(
                Problem(
                    name,
                    1,
                    column or "header",
                    f"unknown column; the columns of {name} are {', '.join(allowed)}",
                )
            )
    if problems:
        raise HeaderProblems(problems)
    return header


def _records(
    path: Path,
    handle: TextIO,
    reader: Reader,
    width: int,
    reject: RejectRow,
) -> Iterator[tuple[int, list[str]]]:
    """The records after the header as ``(line, fields)``; rows that are not ``width``
    fields wide go to ``reject``. Closes ``handle`` at the end. Raises HeaderProblems for
    a line that is not UTF-8 or not valid CSV."""
    with handle, _unreadable_lines(path, lambda: reader.line_num):
        end_of_last = reader.line_num
        for fields in reader:
            start = end_of_last + 1
            end_of_last = reader.line_num
            if len(fields) != width:
                if not fields or (len(fields) == 1 and fields[0] == "" and width > 1):
                    continue
                reject(
                    start,
                    "row",
                    f"has {len(fields)} values but the header has {width} columns",
                    fields,
                )
                continue
            yield start, fields


@contextmanager
def _unreadable_lines(path: Path, line_num: Callable[[], int]) -> Iterator[None]:
    """Turn a line that is not UTF-8 or not valid CSV into HeaderProblems naming it."""
    try:
        yield
    except UnicodeDecodeError:
        line = _first_line_not_utf8(path)
        raise HeaderProblems(
            [Problem(path.name, line, "file", "is not UTF-8 text (save it as UTF-8)")]
        ) from None
    except csv.Error as error:
        raise HeaderProblems(
            [Problem(path.name, line_num(), "row", f"is not valid CSV: {error}")]
        ) from None
