"""Dataset files as Excel workbooks, and where each dataset file of a folder is.

A dataset file may be given as a CSV file (``enterprises.csv``), as a workbook of its own
(``enterprises.xlsx``: its sheet named ``enterprises``, or else its first sheet), or as a
sheet named like it (``enterprises``) of another workbook of the folder, such as one
``dataset.xlsx`` holding every file as a sheet. Each file may be given once only.

A sheet reads as a CSV file does (:class:`graph.loaders.csvfile.CsvRecords`): its first row
that is not blank is the header; the rows follow, numbered as the spreadsheet numbers them,
and blank rows are skipped. Cells become the text a CSV file would hold: a whole number
without its ``.0``, a date (a datetime cell) as ``YYYY-MM-DD``, an empty cell as blank.
Problems name the workbook and the sheet: ``dataset.xlsx:enterprises:5: prefecture: …``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl

from graph.errors import DatasetInvalid, Problem
from graph.i18n import _
from graph.loaders.csvfile import CsvRecords, HeaderProblems, RejectRow, check_header

__all__ = [
    "WORKBOOK",
    "DatasetSource",
    "cell_text",
    "find_sources",
    "read_sheet_records",
]

#: The encoding a load's summary names for a file read from a workbook's sheet.
WORKBOOK = "xlsx"
_SUFFIX = ".xlsx"


@dataclass(frozen=True, slots=True)
class DatasetSource:
    """Where the rows of one dataset ``file`` (``enterprises.csv``) are: the CSV file at
    ``path``, or the ``sheet`` of the workbook at ``path``."""

    file: str
    path: Path
    sheet: str | None = None

    @property
    def label(self) -> str:
        """How problems name it: ``enterprises.csv``, or ``dataset.xlsx:enterprises``."""
        return self.path.name if self.sheet is None else f"{self.path.name}:{self.sheet}"


def cell_text(value: Any) -> str:
    """A cell's value as the text a CSV file would hold: blank for an empty cell, a whole
    number without its fraction (``12.0`` as ``12``), a date or a datetime at midnight as
    ``YYYY-MM-DD`` (another time of day as ``YYYY-MM-DDTHH:MM:SS``), TRUE or FALSE, and
    text as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _stem(name: str) -> str:
    """A sheet's or file's name as the dataset file's stem: ``Enterprises`` and
    ``enterprises.csv`` are both ``enterprises``."""
    return name.strip().lower().removesuffix(".csv")


def _sheet_names(path: Path) -> list[str]:
    """The names of the sheets of the workbook at ``path``. Raises DatasetInvalid when it
    cannot be opened as a workbook."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DatasetInvalid(
            [
                Problem(
                    path.name,
                    0,
                    "file",
                    _("cannot be read as an Excel workbook (.xlsx): {error}", error=error),
                )
            ]
        ) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def find_sources(folder: Path, files: Sequence[str]) -> dict[str, DatasetSource]:
    """Where each of the dataset ``files`` (``enterprises.csv``, …) present in ``folder`` is:
    the CSV file, a workbook named like it, or a sheet named like it of another workbook.

    Raises DatasetInvalid when a file is given twice (``enterprises.csv`` and
    ``enterprises.xlsx``, or a sheet of the same name in another workbook, or in two
    workbooks), for an old Excel workbook (``.xls``), which cannot be read, and for a
    workbook that cannot be opened. Excel's lock files (``~$…``) are not read.
    """
    by_stem = {_stem(name): name for name in files}
    found: dict[str, list[DatasetSource]] = {}
    for name in files:
        if (folder / name).is_file():
            found.setdefault(name, []).append(DatasetSource(name, folder / name))
    problems: list[Problem] = []
    books = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(("~$", "."))
    )
    for path in books:
        suffix = path.suffix.lower()
        if suffix == ".xls" and _stem(path.stem) in by_stem:
            message = _("is an old Excel workbook (.xls), which rsn cannot read: save it as .xlsx")
            problems.append(Problem(path.name, 0, "file", message))
            continue
        if suffix != _SUFFIX:
            continue
        sheets = _sheet_names(path)
        own = by_stem.get(_stem(path.stem))
        if own is not None:
            sheet = next((s for s in sheets if _stem(s) == _stem(path.stem)), sheets[0])
            found.setdefault(own, []).append(DatasetSource(own, path, sheet))
            continue
        for sheet in sheets:
            file = by_stem.get(_stem(sheet))
            if file is not None:
                found.setdefault(file, []).append(DatasetSource(file, path, sheet))
    for file, sources in found.items():
        if len(sources) > 1:
            places = _(" and ").join(source.label for source in sources)
            message = _(
                "{file} is given {count} times, as {places}: keep one of them",
                file=file,
                count=len(sources),
                places=places,
            )
            problems.append(Problem(sources[1].label, 0, "file", message))
    if problems:
        raise DatasetInvalid(problems)
    return {file: found[file][0] for file in files if file in found}


def read_sheet_records(
    source: DatasetSource,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    reject: RejectRow,
) -> CsvRecords:
    """Open the sheet of ``source`` and read its header (its first row that is not blank);
    the rows follow as ``(row number, fields)``, each as wide as the header (a row that ends
    early is blank in the columns it leaves out). A row with a value beyond the header goes
    to ``reject``; blank rows are skipped.

    Raises HeaderProblems, naming the workbook and the sheet, when the workbook cannot be
    read, the sheet is empty, or its header lacks a required column or names an unknown or
    repeated one. The workbook is closed when the rows have all been read.
    """
    label = source.label
    try:
        book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise HeaderProblems(
            [
                Problem(
                    label, 0, "file", _("cannot be read as an Excel workbook: {error}", error=error)
                )
            ]
        ) from None
    try:
        sheet = book[source.sheet]
        sheet.reset_dimensions()  # some writers record the size of a sheet wrongly
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        first = next(((n, cells) for n, cells in rows if _texts(cells)), None)
        if first is None:
            raise HeaderProblems([Problem(label, 1, "header", _("the sheet is empty"))])
        number, cells = first
        try:
            header = check_header(label, _texts(cells), required, allowed)
        except HeaderProblems as error:
            for problem in error.problems:
                problem.line = number
            raise
    except BaseException:
        book.close()
        raise
    return CsvRecords(header, _sheet_rows(book, rows, len(header), reject), WORKBOOK)


def _texts(cells: Sequence[Any]) -> list[str]:
    """The cells of a row as text (:func:`cell_text`), without the blank cells at its end."""
    texts = [cell_text(value) for value in cells]
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def _sheet_rows(
    book: Any,
    rows: Iterator[tuple[int, Sequence[Any]]],
    width: int,
    reject: RejectRow,
) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header as ``(row number, fields)``, ``width`` fields each; rows
    with a value beyond the header go to ``reject``, blank rows are skipped. Closes
    ``book`` at the end."""
    try:
        for number, cells in rows:
            fields = _texts(cells)
            if not fields:
                continue
            if len(fields) > width:
                reject(
                    number,
                    "row",
                    _(
                        "has {count} values but the header has {width} columns",
                        count=len(fields),
                        width=width,
                    ),
                    fields,
                )
                continue
            fields.extend([""] * (width - len(fields)))
            yield number, fields
    finally:
        book.close()
