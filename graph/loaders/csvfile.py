"""Reading dataset CSV files row by row, with the line an editor shows for each row.

A file is UTF-8 (a BOM tolerated) or Shift_JIS as Windows writes it (CP932), found out for
each file (:func:`detect_encoding`): UTF-8 if every byte of it is UTF-8, else CP932 if every
byte is CP932. A load may also name the encoding of all its files (:func:`encoding_named`).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from graph.errors import Problem
from graph.i18n import _

if TYPE_CHECKING:
    from _csv import Reader

__all__ = [
    "CP932",
    "CsvRecords",
    "CsvRow",
    "ENCODINGS",
    "UTF8",
    "UTF8_BOM",
    "check_header",
    "detect_encoding",
    "encoding_named",
    "read_records",
    "reread_records",
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


#: The encodings a file is read in, as a load's summary names them.
UTF8, UTF8_BOM, CP932 = "utf-8", "utf-8 (BOM)", "cp932"
#: The names a person may give an encoding by, with the encoding they mean: Shift_JIS as
#: Windows writes it is CP932 (which has the NEC and IBM characters, such as ① and ㈱).
ENCODINGS: dict[str, str] = {
    "utf-8": UTF8,
    "utf8": UTF8,
    "utf-8-sig": UTF8,
    "cp932": CP932,
    "ms932": CP932,
    "windows-31j": CP932,
    "shift_jis": CP932,
    "shift-jis": CP932,
    "sjis": CP932,
}
#: The codec Python reads each encoding with.
_CODECS = {UTF8: "utf-8-sig", UTF8_BOM: "utf-8-sig", CP932: "cp932"}
#: How much of a file is checked at a time: small enough to stay in the processor's cache.
_CHUNK = 1 << 16
#: Characters that Python's CP932 codec gives for single bytes that no Shift_JIS text
#: holds (0x80, 0xA0, 0xFD to 0xFF): a file holding them is not Shift_JIS.
_NOT_SHIFT_JIS = re.compile("[\x80\uf8f0-\uf8f3]")


def encoding_named(name: str) -> str:
    """The encoding (:data:`UTF8` or :data:`CP932`) that ``name`` names: ``utf-8``, ``cp932``
    or ``shift_jis`` (in any case). Raises ValueError naming the choices."""
    encoding = ENCODINGS.get(name.strip().lower())
    if encoding is None:
        raise ValueError(
            _("{name!r} is not an encoding rsn reads: use utf-8, cp932 or shift_jis", name=name)
        )
    return encoding


class _NotEncoded(Exception):
    """A file that is not text in an encoding: the offset of the first byte that is not."""

    def __init__(self, offset: int):
        self.offset = offset
        super().__init__(offset)


def _check_utf8(path: Path) -> str:
    """:data:`UTF8_BOM` or :data:`UTF8` when every byte of ``path`` is UTF-8, checked a
    chunk at a time (a chunk of ASCII needs no decoding). Raises _NotEncoded otherwise."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0
    with path.open("rb") as handle:
        chunk = handle.read(_CHUNK)
        bom = chunk.startswith(codecs.BOM_UTF8)
        while chunk:
            pending = len(decoder.getstate()[0])
            if pending or not chunk.isascii():
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    raise _NotEncoded(fed - pending + error.start) from None
            fed += len(chunk)
            chunk = handle.read(_CHUNK)
    pending = len(decoder.getstate()[0])
    if pending:  # the file ends inside a character
        raise _NotEncoded(fed - pending)
    return UTF8_BOM if bom else UTF8


def _check_cp932(path: Path) -> str:
    """:data:`CP932` when every byte of ``path`` is Shift_JIS as Windows writes it.
    Raises _NotEncoded otherwise."""
    data = path.read_bytes()
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as error:
        raise _NotEncoded(error.start) from None
    odd = _NOT_SHIFT_JIS.search(text)
    if odd is not None:
        raise _NotEncoded(len(text[: odd.start()].encode("cp932")))
    return CP932


def _where(path: Path, offset: int) -> tuple[int, str]:
    """The line (from 1) on which byte ``offset`` of ``path`` is, and that byte as 0xNN."""
    with path.open("rb") as handle:
        before = handle.read(offset)
        return before.count(b"\n") + 1, f"0x{handle.read(1).hex().upper()}"


def detect_encoding(path: Path, encoding: str | None = None) -> str:
    """The encoding ``path`` is in: UTF-8 (:data:`UTF8`, or :data:`UTF8_BOM` with a BOM) if
    every byte of it is UTF-8, else :data:`CP932` if every byte is Shift_JIS (CP932); only
    ``encoding`` when one is given (:func:`encoding_named`).

    Raises HeaderProblems naming the file, the line and the byte offset of the first byte
    that is in neither encoding (or not in the one given); ValueError for an encoding that
    rsn does not read, and OSError if the file cannot be read.
    """
    if encoding is not None:
        wanted = encoding_named(encoding)
        what = "UTF-8" if wanted == UTF8 else "Shift_JIS (CP932)"
        try:
            return _check_utf8(path) if wanted == UTF8 else _check_cp932(path)
        except _NotEncoded as error:
            line, byte = _where(path, error.offset)
            message = _(
                "is not {encoding} text: byte {offset} ({byte}) is not {encoding}; save it as "
                "{encoding}, or load it without naming an encoding",
                encoding=what,
                offset=error.offset,
                byte=byte,
            )
            raise HeaderProblems([Problem(path.name, line, "file", message)]) from None
    try:
        return _check_utf8(path)
    except _NotEncoded as error:
        not_utf8 = error.offset
    try:
        return _check_cp932(path)
    except _NotEncoded as error:
        offset = max(not_utf8, error.offset)
    line, byte = _where(path, offset)
    with path.open("rb") as handle:
        utf16 = handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if utf16:
        message = _(
            "is neither UTF-8 nor Shift_JIS (CP932) text (it looks like UTF-16, Excel's "
            "Unicode text): byte {offset} ({byte}) is in neither; save it as UTF-8 (in Excel: "
            "CSV UTF-8)",
            offset=offset,
            byte=byte,
        )
    else:
        message = _(
            "is neither UTF-8 nor Shift_JIS (CP932) text: byte {offset} ({byte}) is in "
            "neither; save it as UTF-8 (in Excel: CSV UTF-8)",
            offset=offset,
            byte=byte,
        )
    raise HeaderProblems([Problem(path.name, line, "file", message)])


class CsvRecords(NamedTuple):
    """A CSV file as :func:`read_records` opens it: its header (the column names), its
    records as ``(line, fields)``, read as they are iterated, and the encoding it was read
    in (:data:`UTF8`, :data:`UTF8_BOM`, :data:`CP932`, or ``xlsx`` for a workbook's sheet)."""

    header: list[str]
    records: Iterator[tuple[int, list[str]]]
    encoding: str = UTF8


def read_records(
    path: Path,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    reject: RejectRow,
    encoding: str | None = None,
) -> CsvRecords:
    """Open ``path`` (UTF-8, a BOM tolerated, or Shift_JIS (CP932), as
    :func:`detect_encoding` finds out, or in ``encoding`` when one is given; RFC 4180
    quoting) and read its header; the records follow as ``(line, fields)``, each with as many
    fields as the header has columns.

    ``line`` is the line on which a record starts, counting every physical line, so a quoted
    name that spans lines does not shift the numbers of the rows after it. Rows with the
    wrong number of fields go to ``reject`` and are not yielded; blank lines are skipped.

    Raises HeaderProblems when the file cannot be read, is in neither encoding (or not in
    the one given), is empty, or its header lacks a required column or names an unknown or
    repeated one; and when a line is not valid CSV, here for the header, or while the
    records are read for a later line. Raises ValueError for an ``encoding`` that rsn does
    not read. The file is closed when the records have all been read.
    """
    try:
        found = detect_encoding(path, encoding)
    except OSError as error:
        raise HeaderProblems(
            [Problem(path.name, 0, "file", _("cannot be read: {reason}", reason=error.strerror))]
        ) from None
    return _open_records(path, found, required, allowed, reject)


def reread_records(
    path: Path, found: str, required: tuple[str, ...], allowed: tuple[str, ...]
) -> CsvRecords:
    """Open ``path`` again as :func:`read_records` read it, in the encoding it ``found``
    (:data:`UTF8`, :data:`UTF8_BOM` or :data:`CP932`), without checking its bytes again: the
    same header and records, a row of the wrong width passed over (it was rejected the first
    time). Raises HeaderProblems as :func:`read_records` does."""

    def passed_over(line: int, column: str, message: str, fields: list[str]) -> None:
        return None

    return _open_records(path, found, required, allowed, passed_over)


def _open_records(
    path: Path,
    found: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    reject: RejectRow,
) -> CsvRecords:
    """:func:`read_records` of ``path``, found to be in encoding ``found``."""
    name = path.name
    try:
        handle = path.open(encoding=_CODECS[found], newline="")
    except OSError as error:
        raise HeaderProblems(
            [Problem(name, 0, "file", _("cannot be read: {reason}", reason=error.strerror))]
        ) from None
    try:
        reader = csv.reader(handle, strict=True)
        with _unreadable_lines(path, lambda: reader.line_num):
            header = check_header(name, next(reader, None), required, allowed)
    except BaseException:
        handle.close()
        raise
    return CsvRecords(header, _records(path, handle, reader, len(header), reject), found)


def check_header(
    name: str, header: list[str] | None, required: tuple[str, ...], allowed: tuple[str, ...]
) -> list[str]:
    """The column names of the first record of file ``name`` (stripped). Raises
    HeaderProblems when there is none, a required column is missing, or a column is
    unknown or repeated."""
    if header is None:
        raise HeaderProblems([Problem(name, 1, "header", _("the file is empty"))])
    header = [column.strip() for column in header]
    problems = []
    for column in required:
        if column not in header:
            problems.append(Problem(name, 1, column, _("required column is missing")))
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(name, 1, column, _("column appears twice")))
        seen.add(column)
        if column not in allowed:
            problems.append(
                Problem(
                    name,
                    1,
                    column or "header",
                    _(
                        "unknown column; the columns of {file} are {columns}",
                        file=name,
                        columns=", ".join(allowed),
                    ),
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
    a line that cannot be decoded (the file changed after its encoding was found out) or
    is not valid CSV."""
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
                    _(
                        "has {count} values but the header has {width} columns",
                        count=len(fields),
                        width=width,
                    ),
                    fields,
                )
                continue
            yield start, fields


@contextmanager
def _unreadable_lines(path: Path, line_num: Callable[[], int]) -> Iterator[None]:
    """Turn a line that cannot be decoded or is not valid CSV into HeaderProblems naming it."""
    try:
        yield
    except UnicodeDecodeError as error:
        message = _(
            "could not be read as {encoding}: the file changed while it was read",
            encoding=error.encoding,
        )
        raise HeaderProblems([Problem(path.name, line_num() + 1, "file", message)]) from None
    except csv.Error as error:
        raise HeaderProblems(
            [Problem(path.name, line_num(), "row", _("is not valid CSV: {error}", error=error))]
        ) from None
