"""Merges as dataset rows: the columns of ``merges.csv`` and ``aliases.csv`` and their checks.

An export writes every merge (:class:`graph.merging.MergeRecord`), open and undone, as a row
of merges.csv with its snapshot (the JSON text that lets the merge be undone), and the
aliases of the open merges as aliases.csv, for people and other tools. Loading the folder
restores each merge as it was (:class:`MergeRows` checks them against the folder and the
store); aliases.csv is only checked: aliases come from merges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from graph.errors import RowInvalid
from graph.i18n import _
from graph.merging import MergeRecord, MergeSnapshot
from graph.model import is_valid_id

__all__ = [
    "ALIASES_FILE",
    "ALIAS_COLUMNS",
    "MERGES_FILE",
    "MERGE_COLUMNS",
    "MERGE_REQUIRED",
    "MergeRow",
    "MergeRows",
    "alias_cells",
    "merge_cells",
    "parse_merge",
]

MERGES_FILE = "merges.csv"
ALIASES_FILE = "aliases.csv"
#: The columns of merges.csv: a merge's record, then its snapshot (a long JSON text) last.
MERGE_COLUMNS: tuple[str, ...] = (
    "id",
    "keep",
    "merge",
    "by",
    "at",
    "reason",
    "score",
    "undone_at",
    "snapshot",
)
#: The columns merges.csv must have (``reason``, ``score`` and ``undone_at`` may be blank,
#: or left out).
MERGE_REQUIRED: tuple[str, ...] = ("id", "keep", "merge", "by", "at", "snapshot")
#: The columns of aliases.csv: the id of a node merged into another, and the kept node's.
ALIAS_COLUMNS: tuple[str, ...] = ("alias", "kept")

#: A problem of a row: the line, the column and what is wrong.
Report = Callable[[int, str, str], None]


def _stamp_problem(text: str, optional: bool = False) -> str | None:
    """Why ``text`` is not a date and time in ISO 8601 (saying that blank will do too, when
    ``optional``), or None."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        if optional:
            return _(
                "must be an ISO 8601 date and time, got {value!r} (or blank while the merge holds)",
                value=text,
            )
        return _("must be an ISO 8601 date and time, got {value!r}", value=text)
    return None


def parse_merge(row: Mapping[str, str]) -> tuple[MergeRecord, str]:
    """The record and the snapshot text of a row of merges.csv (its nodes not yet
    checked). The texts of the times are kept as they are written.

    Raises RowInvalid listing every bad column: an id that is not one, a node merged with
    itself, a blank ``by``, a time that is not ISO 8601, a score outside [0, 1], a snapshot
    that is not a merge's snapshot of the row's two nodes.
    """
    problems: list[tuple[str, str]] = []
    for column in ("id", "keep", "merge"):
        if not is_valid_id(row.get(column, "")):
            problems.append((column, _("{value!r} is not a valid id", value=row.get(column, ""))))
    keep, merge = row.get("keep", ""), row.get("merge", "")
    if keep == merge and is_valid_id(keep):
        problems.append(("merge", _("a node cannot be merged with itself ({id!r})", id=keep)))
    by = row.get("by", "").strip()
    if not by:
        problems.append(("by", _("is required: who made the merge")))
    at = row.get("at", "")
    problem = _stamp_problem(at)
    if problem is not None:
        problems.append(("at", problem))
    undone_at = row.get("undone_at", "") or None
    if undone_at is not None:
        problem = _stamp_problem(undone_at, optional=True)
        if problem is not None:
            problems.append(("undone_at", problem))
    score: float | None = None
    text = row.get("score", "").strip()
    if text:
        try:
            score = float(text)
        except ValueError:
            score = math.nan
        if not 0.0 <= score <= 1.0:  # NaN fails too
            problems.append(
                ("score", _("must be a number from 0 to 1 (or blank), got {value!r}", value=text))
            )
    snapshot = row.get("snapshot", "")
    try:
        parsed = MergeSnapshot.from_json(snapshot)
    except ValueError as error:
        problems.append(("snapshot", str(error)))
    else:
        if (parsed.keep, parsed.merge) != (keep, merge):
            problems.append(
                (
                    "snapshot",
                    _(
                        "is the snapshot of merging {merged!r} into {kept!r}, not of this "
                        "row's {merge!r} into {keep!r}",
                        merged=parsed.merge,
                        kept=parsed.keep,
                        merge=merge,
                        keep=keep,
                    ),
                )
            )
    if problems:
        raise RowInvalid(problems)
    record = MergeRecord(
        id=row["id"],
        keep=keep,
        merge=merge,
        by=by,
        at=at,
        reason=row.get("reason", "").strip() or None,
        score=score,
        undone_at=undone_at,
    )
    return record, snapshot


def merge_cells(record: MergeRecord, snapshot: str) -> list[str]:
    """The row of merges.csv for ``record`` and its ``snapshot``, in MERGE_COLUMNS order
    (a score written exactly, blanks for what the record lacks)."""
    return [
        record.id,
        record.keep,
        record.merge,
        record.by,
        record.at,
        record.reason or "",
        "" if record.score is None else repr(float(record.score)),
        record.undone_at or "",
        snapshot,
    ]


def alias_cells(record: MergeRecord) -> list[str]:
    """The row of aliases.csv for the open merge ``record``: its alias and its kept node."""
    return [record.merge, record.keep]


@dataclass(frozen=True)
class MergeRow:
    """A row of merges.csv read well: its line, record, snapshot text and fields."""

    line: int
    record: MergeRecord
    snapshot: str
    fields: list[str]


class MergeRows:
    """The checks of one folder's merges.csv (and aliases.csv) against the folder and the
    store, once the rows are read (:func:`parse_merge`) and the nodes validated.

    ``stored`` holds the store's merges by id, each with its snapshot text (read only for
    the ids of the file); ``is_node(id)`` says whether a node of that id will be in the
    store after the load (in the folder or in the store already).
    """

    def __init__(
        self,
        stored: Mapping[str, tuple[MergeRecord, str | None]],
        store_open: Sequence[MergeRecord],
        is_node: Callable[[str], bool],
    ):
        self._stored = stored
        self._store_open = store_open
        self._is_node = is_node

    def check(self, rows: Sequence[MergeRow], report: Report) -> list[MergeRow]:
        """The rows to restore, in their order: each ``report``\\ s its problems (a merge id
        given twice, or in the store with other values; an open merge whose kept node is
        not a node after the load, whose merged id is one, or that another open merge
        makes impossible, as the store would refuse it). A row identical to a merge of the
        store is left out: it is there already."""
        # the open merges as the store will hold them when each row is written, by the
        # merged id and by the kept id (the store's own first)
        by_merged: dict[str, MergeRecord] = {}
        by_kept: dict[str, MergeRecord] = {}
        for record in self._store_open:
            by_merged[record.merge] = record
            by_kept.setdefault(record.keep, record)
        lines: dict[str, int] = {}
        kept: list[MergeRow] = []
        for row in rows:
            record = row.record
            first = lines.setdefault(record.id, row.line)
            if first != row.line:
                report(
                    row.line,
                    "id",
                    _("merge {id} is already at line {line}", id=record.id, line=first),
                )
                continue
            stored = self._stored.get(record.id)
            if stored is not None:
                if stored != (record, row.snapshot):
                    report(
                        row.line,
                        "id",
                        _(
                            "merge {id} is in the store already, with other values: a merge "
                            "is restored as it was, never changed by a load",
                            id=record.id,
                        ),
                    )
                continue
            if not self._row_fits(row, by_merged, by_kept, report):
                continue
            if record.open:
                by_merged[record.merge] = record
                by_kept.setdefault(record.keep, record)
            kept.append(row)
        return kept

    def _row_fits(
        self,
        row: MergeRow,
        by_merged: Mapping[str, MergeRecord],
        by_kept: Mapping[str, MergeRecord],
        report: Report,
    ) -> bool:
        """Whether ``row`` may be written after the open merges given; reports why not."""
        record, good = row.record, True
        if record.open:
            if not self._is_node(record.keep):
                report(
                    row.line,
                    "keep",
                    _(
                        "no node with id {id!r} in the folder or the store: the node an open "
                        "merge keeps must exist",
                        id=record.keep,
                    ),
                )
                good = False
            if self._is_node(record.merge):
                report(
                    row.line,
                    "merge",
                    _(
                        "{id!r} is a node of the folder or the store: the id an open merge "
                        "merged away cannot be a node (undo the merge with rsn unmerge, or mark "
                        "it undone)",
                        id=record.merge,
                    ),
                )
                good = False
        clash = next(
            (
                other
                for node_id in (record.keep, record.merge)
                if (other := by_merged.get(node_id)) is not None
            ),
            by_kept.get(record.merge),
        )
        if clash is not None:
            report(
                row.line,
                "merge",
                _(
                    "merge {id} (of {merged!r} into {kept!r}) holds already: {merge!r} cannot "
                    "be merged into {keep!r} after it; write the merges oldest first, as an "
                    "export does",
                    id=clash.id,
                    merged=clash.merge,
                    kept=clash.keep,
                    merge=record.merge,
                    keep=record.keep,
                ),
            )
            good = False
        return good

    @staticmethod
    def check_aliases(
        aliases: Sequence[tuple[int, str, str]],
        open_merges: Sequence[MergeRow] | None,
        store_aliases: Mapping[str, str],
        report_alias: Report,
        report_merge: Report,
    ) -> None:
        """Check the rows (line, alias, kept) of aliases.csv: with merges.csv
        (``open_merges``, its open merges), each row must be the alias of one of them or
        of the store, and each of them listed (``report_merge`` names its line of
        merges.csv); without (None), each row must be an alias the store has already."""
        expected: dict[str, str] = dict(store_aliases)
        if open_merges is not None:
            expected.update((row.record.merge, row.record.keep) for row in open_merges)
        listed: dict[str, int] = {}
        for line, alias, kept in aliases:
            first = listed.setdefault(alias, line)
            if first != line:
                report_alias(
                    line,
                    "alias",
                    _("{alias!r} is already listed at line {line}", alias=alias, line=first),
                )
                continue
            holds = expected.get(alias)
            if holds == kept:
                continue
            if holds is not None:
                message = _(
                    "{alias!r} is an alias of {holds!r}, not of {kept!r}: aliases.csv must "
                    "agree with the merges",
                    alias=alias,
                    holds=holds,
                    kept=kept,
                )
            elif open_merges is None:
                message = _(
                    "{alias!r} is not an alias in the store: aliases come from merges "
                    "(rsn merge, or merges.csv beside aliases.csv), not from aliases.csv",
                    alias=alias,
                )
            else:
                message = _(
                    "{alias!r} is the alias of no open merge of merges.csv or the store: "
                    "aliases.csv must agree with the merges",
                    alias=alias,
                )
            report_alias(line, "alias", message)
        for row in open_merges or ():
            if row.record.merge not in listed:
                report_merge(
                    row.line,
                    "merge",
                    _(
                        "the alias {alias!r} of this open merge (into {kept!r}) is missing "
                        "from aliases.csv: list every open merge's alias there, or leave "
                        "aliases.csv out",
                        alias=row.record.merge,
                        kept=row.record.keep,
                    ),
                )
