"""Reading dataset CSV files row by row, with the line an editor shows for each row."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import Problem

__all__ = [
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
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def read_records(
    path: Path,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    reject: RejectRow,
) -> Iterator[Any]:
    """Read ``path`` (UTF-8, a BOM tolerated, RFC 4180 quoting): yield its header (a list of
    column names) first, then ``(line, fields)`` for each record, with as many fields as the
    header has columns.

    ``line`` is the line on which a record starts, counting every physical line, so a quoted
    name that spans lines does not shift the numbers of the rows after it. Rows with the
    wrong number of fields go to ``reject`` and are not yielded; blank lines are
    skipped. Raises HeaderProblems when the header lacks a required column, names an unknown
    or repeated one, or the file is not UTF-8.
    """
    name = path.name
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise HeaderProblems(
            [Problem(name, 0, "file", f"cannot be read: {error.strerror}")]
        ) from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise HeaderProblems([Problem(name, 1, "header", "the file is empty")])
            header = [column.strip() for column in header]
            header_problems = []
            for column in required:
                if column not in header:
                    header_problems.append(Problem(name, 1, column, "required column is missing"))
            seen: set[str] = set()
            for column in header:
                if column in seen:
                    header_problems.append(Problem(name, 1, column, "column appears twice"))
                seen.add(column)
                if column not in allowed:
                    header_problems.append(
                        Problem(
                            name,
                            1,
                            column or "header",
                            f"unknown column; the columns of {name} are {', '.join(allowed)}",
                        )
                    )
            if header_problems:
                raise HeaderProblems(header_problems)
            yield header
            width = len(header)
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
        except UnicodeDecodeError:
            line = _first_line_not_utf8(path)
            raise HeaderProblems(
                [Problem(name, line, "file", "is not UTF-8 text (save it as UTF-8)")]
            ) from None
        except csv.Error as error:
            raise HeaderProblems(
                [Problem(name, reader.line_num, "row", f"is not valid CSV: {error}")]
            ) from None
