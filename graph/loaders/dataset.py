"""Loading a dataset folder: read and validate every row, then read again and write in
batches.

All or nothing by default: every row is validated (fields, ids, endpoints, kinds) before a
single write, and any problem raises :class:`DatasetInvalid` listing them as
``file:line: column: what is wrong``. With ``skip_invalid`` the valid rows are written and
the rejected ones are kept in a rejects file with their reasons.

The files are read twice, so that a load of the whole country does not hold its rows: the
first reading checks every row and keeps only what the checks across rows need (each node
id with its kind, line and a number, about 100 bytes with the id's text; each relation's
ends and type as one 8-byte key; the lines rejected), the second reads the rows again and
writes them in batches, passing over the rows the first rejected or that a later row
replaces. A file that changed between the two (its size or time of change) is refused.

Every node and relation written is asserted by a contributor (:mod:`graph.provenance`); a
load with ``replace`` takes the folder as the contributor's whole view and retracts what it
no longer holds. A folder that holds ``provenance.csv`` (an export) is written as it was
recorded: its assertions are restored instead; one that holds ``merges.csv`` restores its
merges as they were (:mod:`graph.loaders.merge_rows`).

Every id a row names that is an alias (the id of a node merged into another, by an open
merge of the store or of the folder's merges.csv) is read as the kept node's id: a relation
naming it lands on the kept node, a node row with it updates the kept node. With
``auto_merge`` a load merges the candidate duplicates it made (:func:`load_dataset`).

A file may be CSV in UTF-8 or Shift_JIS (CP932), found out for each file or named for the
whole load, or an Excel workbook's sheet (:mod:`graph.loaders.workbook`); the report names
how each was read.
"""

from __future__ import annotations

import csv
import heapq
import io
import math
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Container, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from itertools import islice
from pathlib import Path
from typing import NamedTuple, TypeVar

from graph.collector import BatchSweeper, collector_paused
from graph.errors import Conflict, DatasetInvalid, InvalidArgument, Problem, RowInvalid
from graph.i18n import _
from graph.loaders.csvfile import (
    CsvRecords,
    CsvRow,
    HeaderProblems,
    encoding_named,
    read_records,
    reread_records,
    spreadsheet_safe,
    spreadsheet_values,
)
from graph.loaders.merge_rows import (
    ALIAS_COLUMNS,
    ALIASES_FILE,
    MERGE_COLUMNS,
    MERGE_REQUIRED,
    MERGES_FILE,
    MergeRow,
    MergeRows,
    parse_merge,
)
from graph.loaders.provenance_rows import PROVENANCE_COLUMNS, PROVENANCE_FILE, AssertionRows
from graph.loaders.referral_rows import REFERRAL_COLUMNS, REFERRALS_FILE, parse_referral
from graph.loaders.workbook import DatasetSource, find_sources, read_sheet_records
from graph.merging import MergeRecord
from graph.model import ALLOWED_ENDPOINTS, FILE_KIND, Node, NodeKind, Relation, RelationType
from graph.progress import Progress, no_progress
from graph.provenance import (
    DEFAULT_CONTRIBUTOR,
    Assertion,
    Attribution,
    check_contributor,
    relation_record,
)
from graph.queries.matches import match_candidates
from graph.queries.merges import kept_of, merge_nodes, merge_same_numbers
from graph.referral_lifecycle import Referral
from graph.rows import (
    RELATION_COLUMNS,
    RelationFields,
    check_endpoints,
    node_columns,
    parse_node,
    parse_relation,
    required_columns,
)
from graph.store.ports import GraphStore, ReferralStore, Store

__all__ = [
    "LoadReport",
    "RejectedRow",
    "ValidatedDataset",
    "load_dataset",
    "validate_dataset",
    "write_rejects",
    "ALIASES_FILE",
    "MERGES_FILE",
    "PROVENANCE_FILE",
    "RELATIONS_FILE",
]

RELATIONS_FILE = "relations.csv"
#: The files of a dataset folder, in the order they are read and their problems listed.
DATASET_FILES: tuple[str, ...] = (
    *FILE_KIND,
    RELATIONS_FILE,
    REFERRALS_FILE,
    PROVENANCE_FILE,
    MERGES_FILE,
    ALIASES_FILE,
)
#: How many problems a failed load lists before it only counts the rest.
PROBLEM_LIMIT = 50
#: How many ids one look-up in the store asks about.
LOOKUP_CHUNK = 5_000

_T = TypeVar("_T")


@dataclass
class LoadReport:
    """What a load wrote and what it rejected: the nodes (by kind), relations and referrals
    written; the contributor's assertions retracted (a load with ``replace``); the
    assertions restored from provenance.csv; the rows rejected, and why; and how each file
    was read (``encodings``: ``enterprises.csv`` → ``utf-8``, ``utf-8 (BOM)`` or ``cp932``;
    ``dataset.xlsx:relations`` → ``xlsx``). ``aliased`` counts the rows that named an alias
    (read as its kept node), ``merges`` the merges restored from merges.csv, and ``merged``
    holds the merges an ``auto_merge`` load made, in the order it made them."""

    nodes: Counter[str] = field(default_factory=Counter)
    relations: int = 0
    referrals: int = 0
    retracted: int = 0
    restored: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    rejects_file: Path | None = None
    encodings: dict[str, str] = field(default_factory=dict)
    aliased: int = 0
    merges: int = 0
    merged: list[MergeRecord] = field(default_factory=list)

    def encodings_text(self) -> str:
        """How the files were read, for a person: ``enterprises.csv (cp932),
        relations.csv (utf-8)``; blank when no file was read."""
        return ", ".join(f"{name} ({encoding})" for name, encoding in self.encodings.items())


@dataclass
class RejectedRow:
    """A row that was not loaded: why, and its fields as they were read (none for a
    problem of a whole file, such as its header)."""

    problem: Problem
    fields: list[str]


class _Seen(NamedTuple):
    """Where a node id was first read in the dataset: its kind, file and line."""

    kind: NodeKind
    file: str
    line: int


#: The kinds of node and the types of relation by the small number a packed id or key
#: gives them.
_KINDS: tuple[NodeKind, ...] = tuple(NodeKind)
_KIND_NUMBER = {kind: number for number, kind in enumerate(_KINDS)}
_TYPES: tuple[RelationType, ...] = tuple(RelationType)
_TYPE_NUMBER = {kind: number for number, kind in enumerate(_TYPES)}
_TYPE_OF_TEXT = {kind.value: number for number, kind in enumerate(_TYPES)}
#: A node's packed place: its number above :data:`_NUMBER_SHIFT`, its line above the 3 bits
#: of its kind.
_KIND_BITS = 3
_LINE_MASK = (1 << 32) - 1
_NUMBER_SHIFT = 35
#: A relation's key: source number above :data:`_SOURCE_SHIFT`, type above
#: :data:`_TYPE_SHIFT`, then target number (each number below ``1 << 28``).
_SOURCE_SHIFT = 32
_TYPE_SHIFT = 28
_MOST_NODES = 1 << 28


class _NodeIds:
    """The valid node ids of a dataset, each with where it was read (kind and line; the
    kind names the file) and a number of its own, all packed in one integer; and the
    numbers given to the nodes outside the dataset that relations name. The numbers make a
    relation's key one integer (:meth:`key`)."""

    def __init__(self, labels: Mapping[NodeKind, str]):
        #: id -> number << 35 | line << 3 | kind
        self.packed: dict[str, int] = {}
        #: id -> number, of nodes outside the dataset
        self.outside: dict[str, int] = {}
        self._labels = dict(labels)
        self._next = 0

    def __len__(self) -> int:
        return len(self.packed)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.packed

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed)

    def _number(self) -> int:
        """A number no id has yet."""
        number = self._next
        if number >= _MOST_NODES:
            raise InvalidArgument(
                _("a load takes at most {count} nodes", count=format(_MOST_NODES, ","))
            )
        self._next += 1
        return number

    def _seen(self, packed: int) -> _Seen:
        kind = _KINDS[packed & 7]
        return _Seen(kind, self._labels[kind], (packed >> _KIND_BITS) & _LINE_MASK)

    def get(self, node_id: str) -> _Seen | None:
        """Where ``node_id`` was read, or None if it is no valid node of the dataset."""
        packed = self.packed.get(node_id)
        return None if packed is None else self._seen(packed)

    def __getitem__(self, node_id: str) -> _Seen:
        return self._seen(self.packed[node_id])

    def kind(self, node_id: str) -> NodeKind | None:
        """The kind of ``node_id`` in the dataset, or None."""
        packed = self.packed.get(node_id)
        return None if packed is None else _KINDS[packed & 7]

    def put(self, node_id: str, kind: NodeKind, line: int) -> None:
        """Record that ``node_id`` is read as ``kind`` on ``line`` (a later row of the same
        id keeps its number)."""
        packed = self.packed.get(node_id)
        number = self._number() if packed is None else packed >> _NUMBER_SHIFT
        self.packed[node_id] = (
            number << _NUMBER_SHIFT | (line & _LINE_MASK) << _KIND_BITS | _KIND_NUMBER[kind]
        )

    def pop(self, node_id: str) -> _Seen:
        """Forget ``node_id``; where it was read."""
        return self._seen(self.packed.pop(node_id))

    def move(self, alias: str, kept: str) -> None:
        """Read the row of ``alias`` as the row of ``kept``."""
        self.packed[kept] = self.packed.pop(alias)

    def is_row_of(self, node_id: str, kind: NodeKind, line: int) -> bool:
        """Whether the row on ``line`` of ``kind``'s file is the one that writes ``node_id``."""
        packed = self.packed.get(node_id)
        return packed is not None and packed & ((_LINE_MASK << _KIND_BITS) | 7) == (
            (line & _LINE_MASK) << _KIND_BITS | _KIND_NUMBER[kind]
        )

    def number_of(self, node_id: str, give: bool = False) -> int | None:
        """The number of ``node_id`` (of the dataset, or outside it); one is given to an id
        outside the dataset with ``give``, else None."""
        packed = self.packed.get(node_id)
        if packed is not None:
            return packed >> _NUMBER_SHIFT
        number = self.outside.get(node_id)
        if number is None and give:
            number = self.outside[node_id] = self._number()
        return number

    def key(self, source: str, kind: RelationType, target: str, give: bool = False) -> int | None:
        """The key of the relation (one integer), or None if an end has no number (see
        :meth:`number_of`)."""
        s, t = self.number_of(source, give), self.number_of(target, give)
        if s is None or t is None:
            return None
        return s << _SOURCE_SHIFT | _TYPE_NUMBER[kind] << _TYPE_SHIFT | t


class _RelationKeys:
    """The keys (:meth:`_NodeIds.key`) of the valid relations of a dataset, 8 bytes each:
    gathered in sorted chunks, then merged into one sorted array (:meth:`freeze`), which
    tells a key found (by bisection) and which keys more than one row gives."""

    CHUNK = 1 << 20

    def __init__(self) -> None:
        self._chunks: list[array[int]] = []
        self._open: array[int] = array("Q")
        self._sorted: array[int] = array("Q")
        #: key -> how many valid rows give it, of the keys more than one row gives
        self.repeated: dict[int, int] = {}
        self.rows = 0

    def add(self, key: int) -> None:
        """Keep the key of one more valid row."""
        self._open.append(key)
        if len(self._open) >= self.CHUNK:
            self._chunks.append(array("Q", sorted(self._open)))
            self._open = array("Q")

    def freeze(self) -> None:
        """Merge the keys gathered into one sorted array, counting those given twice."""
        chunks = [*self._chunks, array("Q", sorted(self._open))]
        self._chunks, self._open = [], array("Q")
        merged: array[int] = array("Q")
        repeated = self.repeated
        last = -1
        rows = 0
        for key in heapq.merge(*chunks) if len(chunks) > 1 else chunks[0]:
            rows += 1
            if key == last:
                repeated[key] = repeated.get(key, 1) + 1
                continue
            merged.append(key)
            last = key
        self._sorted = merged
        self.rows = rows

    def __len__(self) -> int:
        """How many relations (distinct keys) there are, once frozen."""
        return len(self._sorted)

    def __iter__(self) -> Iterator[int]:
        return iter(self._sorted)

    def __contains__(self, key: object) -> bool:
        keys = self._sorted
        if not isinstance(key, int):
            return False
        at = bisect_left(keys, key)
        return at < len(keys) and keys[at] == key


class _Records(AbstractSet[str]):
    """The record names (:mod:`graph.provenance`) of the valid nodes and relations of a
    dataset, as a set of texts read from its node ids and relation keys (looking one up
    costs a bisection; going through them all builds a table of the ids by number)."""

    def __init__(self, ids: _NodeIds, keys: _RelationKeys):
        self._ids = ids
        self._keys = keys

    def __len__(self) -> int:
        return len(self._ids) + len(self._keys)

    def __iter__(self) -> Iterator[str]:
        yield from self._ids.packed
        if not len(self._keys):
            return
        names = {packed >> _NUMBER_SHIFT: node_id for node_id, packed in self._ids.packed.items()}
        names.update((number, node_id) for node_id, number in self._ids.outside.items())
        mask = (1 << _TYPE_SHIFT) - 1
        for key in self._keys:
            kind = _TYPES[(key >> _TYPE_SHIFT) & 15]
            yield relation_record(names[key >> _SOURCE_SHIFT], kind, names[key & mask])

    def __contains__(self, record: object) -> bool:
        if not isinstance(record, str):
            return False
        if " " not in record:
            return record in self._ids.packed
        parts = record.split(" ")
        if len(parts) != 3:
            return False
        source, kind, target = parts
        number = _TYPE_OF_TEXT.get(kind)
        if number is None:
            return False
        key = self._ids.key(source, _TYPES[number], target)
        return key is not None and key in self._keys


class _EveryRecord(Container[str]):
    """Every text but one guarded for spreadsheets (a leading '), as a container: the
    records of rows already checked (a guarded one is read unguarded first)."""

    def __contains__(self, record: object) -> bool:
        return isinstance(record, str) and record[:1] != "'"


_EVERY_RECORD = _EveryRecord()


@dataclass
class ValidatedDataset:
    """A dataset folder checked against the model and the store: every problem with the
    row it rejected, and what the checks across rows keep (the node ids, relation keys,
    aliases; see :mod:`graph.loaders.dataset`). :func:`validate_dataset` also gives the
    valid records to write (``nodes``, ``relations``, ``provenance``); a load reads them
    again from the files instead."""

    nodes: dict[NodeKind, dict[str, Node]] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], Relation] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    #: The assertions of provenance.csv, in its order; None when the folder has none.
    provenance: list[tuple[str, Assertion]] | None = None
    #: The kind in the store, when it was validated, of each node of the dataset it had.
    in_store: dict[str, NodeKind] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    #: How each file was read, by the name problems give it (see :class:`LoadReport`).
    encodings: dict[str, str] = field(default_factory=dict)
    #: The merges of merges.csv to restore, in its order; None when the folder has none.
    merges: list[MergeRow] | None = None
    #: How many rows named an alias, read as the kept node's id.
    aliased: int = 0
    #: The valid node ids, where each was read, and their numbers.
    ids: _NodeIds = field(default_factory=lambda: _NodeIds({}))
    #: The keys of the valid relations.
    keys: _RelationKeys = field(default_factory=_RelationKeys)
    #: Every alias (of the store or of merges.csv) and the id it is read as.
    aliases: dict[str, str] = field(default_factory=dict)
    #: How many rows of provenance.csv are valid (None: the folder has none).
    assertions: int | None = None
    #: The files whose reading stopped at a line that could not be read.
    stopped: set[str] = field(default_factory=set)

    def reject(self, file: str, line: int, column: str, message: str, fields: list[str]) -> None:
        """Record a problem at ``file:line`` and the row it rejects."""
        problem = Problem(file, line, column, message)
        self.problems.append(problem)
        self.rejected.append(RejectedRow(problem, fields))

    def reject_row(self, file: str, row: CsvRow, column: str, message: str) -> None:
        """Record a problem of ``row`` of ``file`` and reject the row."""
        self.reject(file, row.line, column, message, row.fields)

    def reject_invalid(self, file: str, line: int, error: RowInvalid, fields: list[str]) -> None:
        """Record every problem of a row that failed validation, and reject it."""
        for column, message in error.problems:
            self.reject(file, line, column, message, fields)

    def keep_relation(self, relation: Relation) -> None:
        """Keep the key of a valid relation (its ends are numbered, or given one)."""
        key = self.ids.key(relation.source, relation.type, relation.target, give=True)
        assert key is not None, "an end given a number has one"
        self.keys.add(key)

    def rejected_lines(self, file: str) -> set[int]:
        """The lines of ``file`` with a problem (their rows are not written)."""
        return {problem.line for problem in self.problems if problem.file == file}

    def records_of_nodes(self) -> Collection[str]:
        """The ids of the valid nodes (those a load writes)."""
        return self.ids.packed.keys()

    def records(self) -> _Records:
        """The record names (:mod:`graph.provenance`) of the valid nodes and relations."""
        return _Records(self.ids, self.keys)


class _Files(NamedTuple):
    """The dataset files of a folder (:func:`graph.loaders.workbook.find_sources`), the
    encoding the load names for its CSV files (None: found out for each), and the size and
    time of change of each file's path before it was first read."""

    sources: dict[str, DatasetSource]
    encoding: str | None
    stamps: dict[str, tuple[int, int]] = {}

    def label(self, name: str) -> str:
        """How problems name dataset file ``name``: its CSV file, or its workbook and sheet."""
        source = self.sources.get(name)
        return source.label if source is not None else name


def _read_records(
    files: _Files,
    name: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    out: ValidatedDataset,
) -> CsvRecords | None:
    """The header and records of dataset file ``name`` (:func:`read_records` for a CSV
    file, :func:`read_sheet_records` for a sheet); None for a missing file or one whose
    header cannot be used, which is reported. A record of the wrong width, or a later line
    that cannot be read, is reported and not yielded. How it was read goes in
    ``out.encodings``."""
    source = files.sources.get(name)
    if source is None:
        return None
    label = source.label

    def reject(line: int, column: str, message: str, fields: list[str]) -> None:
        out.reject(label, line, column, message, fields)

    try:
        if source.sheet is None:
            opened = read_records(source.path, required, allowed, reject, files.encoding)
        else:
            opened = read_sheet_records(source, required, allowed, reject)
    except HeaderProblems as error:
        _report_file_problems(error, out)
        return None
    out.encodings[label] = opened.encoding
    return CsvRecords(opened.header, _reported(opened.records, out, label), opened.encoding)


def _reported(
    records: Iterator[tuple[int, list[str]]], out: ValidatedDataset, label: str = ""
) -> Iterator[tuple[int, list[str]]]:
    """``records``, up to a line that cannot be read, which is reported (and the file
    ``label`` noted in ``out.stopped``)."""
    try:
        yield from records
    except HeaderProblems as error:
        out.stopped.add(label)
        _report_file_problems(error, out)


def _report_file_problems(error: HeaderProblems, out: ValidatedDataset) -> None:
    """Record the problems of a file that cannot be read (no row of it is rejected)."""
    for problem in error.problems:
        out.reject(problem.file, problem.line, problem.column, problem.message, [])


def _read_file(
    files: _Files,
    name: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    out: ValidatedDataset,
) -> Iterator[CsvRow]:
    """The records of ``name`` with their values by column, as :func:`_read_records`; a
    value that ``rsn export`` guarded for spreadsheets (a leading ') is read as it was."""
    opened = _read_records(files, name, required, allowed, out)
    if opened is None:
        return
    header, records, _encoding = opened
    for line, fields in records:
        yield CsvRow(line, dict(zip(header, spreadsheet_values(fields), strict=True)), fields)


def _changed(label: str, line: int = 0) -> DatasetInvalid:
    """The error of a file that changed between its check and its writing."""
    message = _("changed after it was checked, while the folder was loaded: load it again")
    return DatasetInvalid([Problem(label, line, "file", message)])


def _check_unchanged(files: _Files) -> None:
    """Raise DatasetInvalid (:func:`_changed`) for the first file of ``files`` that changed
    since it was first read (its size or time of change)."""
    for name, source in files.sources.items():
        if _stamp(source.path) != files.stamps.get(name, _stamp(source.path)):
            raise _changed(source.label)


def _stamp(path: Path) -> tuple[int, int]:
    """The size and time of change of ``path`` ((-1, -1) when it cannot be read)."""
    try:
        found = path.stat()
    except OSError:
        return (-1, -1)
    return (found.st_size, found.st_mtime_ns)


def _reread(
    files: _Files,
    name: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    checked: ValidatedDataset,
) -> CsvRecords | None:
    """The header and records of dataset file ``name`` read again, as the first reading
    read them (:func:`_read_records`, in the encoding it found, without reporting again);
    None for a file that was missing or whose header could not be used. Raises
    DatasetInvalid (:func:`_changed`) for a file that changed since it was first read."""
    source = files.sources.get(name)
    if source is None:
        return None
    label = source.label
    found = checked.encodings.get(label)
    if found is None:  # its header could not be used: no row of it was checked
        return None
    if _stamp(source.path) != files.stamps.get(name, _stamp(source.path)):
        raise _changed(label)

    def passed_over(line: int, column: str, message: str, fields: list[str]) -> None:
        return None

    try:
        if source.sheet is None:
            opened = reread_records(source.path, found, required, allowed)
        else:
            opened = read_sheet_records(source, required, allowed, passed_over)
    except HeaderProblems:
        raise _changed(label) from None
    stops = label in checked.stopped
    return CsvRecords(opened.header, _stopping(opened.records, label, stops), found)


def _stopping(
    records: Iterator[tuple[int, list[str]]], label: str, stops: bool
) -> Iterator[tuple[int, list[str]]]:
    """``records`` up to a line that cannot be read, where the first reading stopped too
    (``stops``); raises DatasetInvalid (:func:`_changed`) for one it did not stop at."""
    line = 0
    try:
        for line, fields in records:
            yield line, fields
    except HeaderProblems:
        if not stops:
            raise _changed(label, line) from None


def _lookup_kinds(store: GraphStore, ids: Iterable[str]) -> dict[str, NodeKind]:
    """The kind in ``store`` of each of ``ids`` it holds, asked in chunks."""
    found: dict[str, NodeKind] = {}
    iterator = iter(ids)
    while batch := list(islice(iterator, LOOKUP_CHUNK)):
        found.update(store.node_kinds(batch))
    return found


def validate_dataset(
    folder: Path, store: Store, progress: Progress = no_progress, encoding: str | None = None
) -> ValidatedDataset:
    """Read and validate every file of ``folder`` against the model and the store; its CSV
    files in ``encoding`` (``utf-8``, ``cp932`` or ``shift_jis``) when one is given, else
    each in the encoding it is found to be in (UTF-8 or CP932).

    Every problem is kept, ordered by file (in :data:`DATASET_FILES` order) and line, with
    the row it rejects: a bad field, an id that names a node of another kind (in the
    dataset or the store), a relation whose end is missing or whose type may not join the
    kinds of its ends, a referral that names no such centre or enterprise or takes another
    referral's request key, an assertion of provenance.csv that names no node or relation
    of the folder, a merge of merges.csv that cannot be restored or an aliases.csv that
    disagrees with the merges. An id that is an alias (of an open merge of the store or of
    merges.csv) is read as its kept node's. ``progress`` hears of the rows checked as they
    are.

    Raises DatasetInvalid when ``folder`` is not a folder, holds none of the dataset
    files or gives one twice (``enterprises.csv`` and ``enterprises.xlsx``);
    InvalidArgument for an ``encoding`` that rsn does not read; StoreError if the store
    fails; DatasetInvalid as well for a file that changed while it was read.
    """
    files = _dataset_files(Path(folder), encoding)
    out = _validate(files, store, progress)
    out.nodes = {kind: {} for kind in FILE_KIND.values()}
    for kind, nodes in _node_batches(files, out, LOOKUP_CHUNK):
        out.nodes[kind].update((node.id, node) for node in nodes)
    for relations in _relation_batches(files, out, LOOKUP_CHUNK):
        out.relations.update((relation.key, relation) for relation in relations)
    if out.assertions is not None:
        out.provenance = [
            assertion
            for assertions in _assertion_batches(files, out, LOOKUP_CHUNK)
            for assertion in assertions
        ]
    return out


def _validate(files: _Files, store: Store, progress: Progress) -> ValidatedDataset:
    """:func:`validate_dataset` of the dataset ``files`` found, keeping only what the
    checks across rows need (see :class:`ValidatedDataset`)."""
    out = ValidatedDataset(ids=_NodeIds({kind: files.label(n) for n, kind in FILE_KIND.items()}))
    merge_rows = _read_merges(files, out)
    # read once; a store without merges and a folder without merges.csv add no work per row
    store_aliases = store.aliases()
    aliases = dict(store_aliases)
    aliases.update((r.record.merge, r.record.keep) for r in merge_rows or () if r.record.open)
    out.aliases = aliases
    seen = _validate_nodes(files, out, progress)
    if aliases:
        _resolve_node_aliases(seen, out, aliases)
    _check_kinds_in_store(store, seen, out)
    _validate_relations(files, store, seen, out, progress, aliases)
    out.keys.freeze()
    _validate_referrals(files, store, seen, out, aliases)
    _validate_provenance(files, out, progress)
    _validate_merges(files, store, seen, merge_rows, store_aliases, out)
    order = {files.label(name): DATASET_FILES.index(name) for name in DATASET_FILES}
    out.problems.sort(key=lambda p: (order.get(p.file, 99), p.line))
    # merges.csv is read first (its aliases are needed for every row): named in file order
    out.encodings = dict(sorted(out.encodings.items(), key=lambda item: order.get(item[0], 99)))
    return out


def _dataset_files(folder: Path, encoding: str | None) -> _Files:
    """The dataset files of ``folder``, CSV files or sheets of workbooks, to be read in
    ``encoding`` (checked). Raises DatasetInvalid unless ``folder`` is a folder holding a
    dataset file, each given once; InvalidArgument for an encoding that rsn does not read."""
    if encoding is not None:
        try:
            encoding = encoding_named(encoding)
        except ValueError as error:
            raise InvalidArgument(str(error)) from None
    if not folder.is_dir():
        raise DatasetInvalid([Problem(str(folder), 0, "folder", _("is not a folder"))])
    sources = find_sources(folder, DATASET_FILES)
    if not sources:
        names = ", ".join(DATASET_FILES)
        raise DatasetInvalid(
            [
                Problem(
                    str(folder),
                    0,
                    "folder",
                    _(
                        "holds none of the dataset files {names} (as CSV files, as workbooks "
                        "named like them, or as sheets named like them of a workbook)",
                        names=names,
                    ),
                )
            ]
        )
    return _Files(sources, encoding, {name: _stamp(src.path) for name, src in sources.items()})


def _validate_nodes(files: _Files, out: ValidatedDataset, progress: Progress) -> _NodeIds:
    """Validate the node files into ``out.ids``, which it returns: where each valid id was
    read. An id read before as another kind is rejected; read again as the same kind, the
    later row replaces the earlier."""
    seen = out.ids
    for name, kind in FILE_KIND.items():
        label = files.label(name)
        columns = node_columns(kind, contact=True)
        records = _read_file(files, name, required_columns(kind), columns, out)
        for count, row in enumerate(records, start=1):
            try:
                node = parse_node(kind, row.values)
            except RowInvalid as error:
                out.reject_invalid(label, row.line, error, row.fields)
                continue
            first = seen.get(node.id)
            if first is not None and first.kind != kind:
                where = f"{first.file}:{first.line}"
                message = _(
                    "id {id!r} is already {kind} at {where}",
                    id=node.id,
                    kind=first.kind.with_article,
                    where=where,
                )
                out.reject_row(label, row, "id", message)
                continue
            seen.put(node.id, kind, row.line)
            if count % 10_000 == 0:
                progress(_("checking {file}", file=name), count, None)
    return seen


def _check_kinds_in_store(store: GraphStore, seen: _NodeIds, out: ValidatedDataset) -> None:
    """Reject each node of the dataset whose id names a node of another kind in the store
    (dropping it from ``seen``); keep the stored kinds in ``out.in_store``."""
    # a first load into an empty store has nothing to look up
    in_store = _lookup_kinds(store, seen) if sum(store.stats().nodes.values()) else {}
    out.in_store = in_store
    for node_id, store_kind in in_store.items():
        kind, name, line = seen[node_id]
        if store_kind != kind:
            message = _(
                "id {id!r} is already {kind} in the store", id=node_id, kind=store_kind.with_article
            )
            out.reject(name, line, "id", message, [])
            seen.pop(node_id)


class _Pending(NamedTuple):
    """A relation with an end outside the dataset, waiting for the store's look-up."""

    line: int
    fields: list[str]
    relation: Relation


def _validate_relations(
    files: _Files,
    store: GraphStore,
    seen: _NodeIds,
    out: ValidatedDataset,
    progress: Progress,
    aliases: dict[str, str] | None = None,
) -> None:
    """Validate relations.csv into ``out.keys``: fields, then the kinds of the ends.

    Rows whose ends are both in the dataset are settled at once; only the others wait for
    one batched look-up in the store, so a large dataset's rows are not all kept around.
    Well-formed records take the bulk check (:class:`RelationFields`); the others go through
    the model. No pattern of the bulk check admits a ', so a value guarded for spreadsheets
    takes the model's way. An end that is an alias (in ``aliases``) is never a node id of
    the dataset, so its row waits with the others and is read as the kept node's there.
    """
    opened = _read_records(files, RELATIONS_FILE, required_columns(None), RELATION_COLUMNS, out)
    if opened is None:
        return
    header, records, _encoding = opened
    label = files.label(RELATIONS_FILE)
    fast = RelationFields(header)
    pending: list[_Pending] = []
    packed, add, types = seen.packed, out.keys.add, _TYPE_NUMBER
    for count, (line, fields) in enumerate(records, start=1):
        relation = fast(fields)
        if relation is None:
            try:
                relation = parse_relation(
                    dict(zip(header, spreadsheet_values(fields), strict=True))
                )
            except RowInvalid as error:
                out.reject_invalid(label, line, error, fields)
                continue
        source, target = packed.get(relation.source), packed.get(relation.target)
        if source is None or target is None:
            pending.append(_Pending(line, fields, relation))
            continue
        kinds = (_KINDS[source & 7], _KINDS[target & 7])
        if kinds in ALLOWED_ENDPOINTS[relation.type]:
            add(
                (source >> _NUMBER_SHIFT) << _SOURCE_SHIFT
                | types[relation.type] << _TYPE_SHIFT
                | target >> _NUMBER_SHIFT
            )
        else:
            _accept_relation(out, label, line, fields, relation, kinds)
        if count % 50_000 == 0:
            progress(_("checking {file}", file=RELATIONS_FILE), count, None)
    if aliases:
        pending = _resolve_pending(pending, aliases, out, label)
    _settle_pending(store, pending, seen, out, label)


def _resolve_pending(
    pending: list[_Pending], aliases: dict[str, str], out: ValidatedDataset, label: str
) -> list[_Pending]:
    """``pending`` relations with each end that is an alias read as its kept node (rows
    counted in ``out.aliased``); a row that then ties a node to itself is rejected."""
    resolved: list[_Pending] = []
    for line, fields, relation in pending:
        source = aliases.get(relation.source, relation.source)
        target = aliases.get(relation.target, relation.target)
        if source == relation.source and target == relation.target:
            resolved.append(_Pending(line, fields, relation))
            continue
        out.aliased += 1
        if source == target:
            message = _(
                "{source!r} and {target!r} are one node since a merge ({kept!r}): a node "
                "cannot be tied to itself",
                source=relation.source,
                target=relation.target,
                kept=source,
            )
            out.reject(label, line, "target", message, fields)
            continue
        resolved.append(_Pending(line, fields, relation._replace(source=source, target=target)))
    return resolved


def _resolve_node_aliases(seen: _NodeIds, out: ValidatedDataset, aliases: dict[str, str]) -> None:
    """Read each node row whose id is an alias as a row of the kept node (counted in
    ``out.aliased``): it updates the kept node. Where the dataset has a row of the kept
    node too, the later row of the two counts, as for an id given twice; a kept node given
    as another kind rejects the alias's row."""
    named = sorted(
        (seen[alias].file, seen[alias].line, alias) for alias in aliases if alias in seen
    )
    for _file, _line, alias in named:
        where = seen[alias]
        out.aliased += 1
        kept = aliases[alias]
        other = seen.get(kept)
        if other is not None and other.kind != where.kind:
            seen.pop(alias)
            place = f"{other.file}:{other.line}"
            message = _(
                "id {alias!r} was merged into {kept!r}, which is already {kind} at {where}",
                alias=alias,
                kept=kept,
                kind=other.kind.with_article,
                where=place,
            )
            out.reject(where.file, where.line, "id", message, [])
            continue
        if other is None or (other.file, other.line) < (where.file, where.line):
            seen.move(alias, kept)
        else:
            seen.pop(alias)


def _settle_pending(
    store: GraphStore,
    pending: list[_Pending],
    seen: _NodeIds,
    out: ValidatedDataset,
    label: str,
) -> None:
    """Look up the ends of ``pending`` relations that are not in the dataset in the store,
    in one batched look-up; keep the relations whose ends exist and whose type joins their
    kinds, and reject the others."""
    outside = {
        end for _line, _fields, r in pending for end in (r.source, r.target) if end not in seen
    }
    outside_kinds = _lookup_kinds(store, outside)
    for line, fields, relation in pending:
        kinds: list[NodeKind] = []
        for column, end in (("source", relation.source), ("target", relation.target)):
            kind = seen.kind(end) or outside_kinds.get(end)
            if kind is None:
                message = _("no node with id {id!r} in the dataset or the store", id=end)
                out.reject(label, line, column, message, fields)
            else:
                kinds.append(kind)
        if len(kinds) == 2:
            _accept_relation(out, label, line, fields, relation, (kinds[0], kinds[1]))


def _accept_relation(
    out: ValidatedDataset,
    label: str,
    line: int,
    fields: list[str],
    relation: Relation,
    kinds: tuple[NodeKind, NodeKind],
) -> None:
    """Keep ``relation`` if its type may join its ends' ``kinds``; else reject its row
    (at ``label``:``line``)."""
    try:
        check_endpoints(relation, *kinds)
    except RowInvalid as error:
        out.reject_invalid(label, line, error, fields)
        return
    out.keep_relation(relation)


#: The ends of a referral: its column, and the kind of node it must name.
_REFERRAL_ENDS: tuple[tuple[str, NodeKind], ...] = (
    ("from_centre", NodeKind.CENTRE),
    ("to_centre", NodeKind.CENTRE),
    ("enterprise", NodeKind.ENTERPRISE),
)


def _validate_referrals(
    files: _Files,
    store: Store,
    seen: _NodeIds,
    out: ValidatedDataset,
    aliases: dict[str, str] | None = None,
) -> None:
    """Check referrals.csv: fields; centres and enterprise in the dataset or the store (an
    enterprise that is an alias read as its kept node); and that no row takes the sender
    and request key of another referral (stored, or on an earlier row), which would replace
    it."""
    label = files.label(REFERRALS_FILE)
    pending: list[tuple[CsvRow, Referral]] = []
    for row in _read_file(files, REFERRALS_FILE, REFERRAL_COLUMNS, REFERRAL_COLUMNS, out):
        try:
            pending.append((row, parse_referral(row.values)))
        except RowInvalid as error:
            out.reject_invalid(label, row.line, error, row.fields)
    if aliases:
        for index, (row, referral) in enumerate(pending):
            if referral.enterprise in aliases:
                out.aliased += 1
                pending[index] = (row, replaced(referral, enterprise=aliases[referral.enterprise]))
    ends = {e for _row, r in pending for e in (r.from_centre, r.to_centre, r.enterprise)}
    stored = _lookup_kinds(store, {end for end in ends if end not in seen})
    owners = _request_owners(store, [referral for _row, referral in pending])
    for row, referral in pending:
        wrong = False
        for column, kind in _REFERRAL_ENDS:
            end = getattr(referral, column)
            found = seen.kind(end) or stored.get(end)
            if found is not kind:
                if found is None:
                    message = _("no node with id {id!r} in the dataset or store", id=end)
                else:
                    message = _(
                        "{found}, not {kind}, with id {id!r} in the dataset or store",
                        found=found.with_article,
                        kind=kind.with_article,
                        id=end,
                    )
                out.reject_row(label, row, column, message)
                wrong = True
        taken = _request_taken(referral, owners, row.line, label)
        if taken is not None:
            out.reject_row(label, row, "request_key", taken)
            wrong = True
        if not wrong:
            out.referrals[referral.id] = referral


def _request_owners(
    store: ReferralStore, referrals: list[Referral], chunk: int = LOOKUP_CHUNK
) -> dict[tuple[str, str], tuple[str, int | None]]:
    """The referral that holds each (from_centre, request_key) of ``referrals`` in the
    store, as (id, None); rows add theirs as (id, line) as they are checked."""
    requests = list(dict.fromkeys((r.from_centre, r.request_key) for r in referrals))
    owners: dict[tuple[str, str], tuple[str, int | None]] = {}
    for start in range(0, len(requests), chunk):
        found = store.referral_ids_by_request(requests[start : start + chunk])
        owners.update((request, (owner, None)) for request, owner in found.items())
    return owners


def _request_taken(
    referral: Referral,
    owners: dict[tuple[str, str], tuple[str, int | None]],
    line: int,
    label: str = REFERRALS_FILE,
) -> str | None:
    """Why ``referral`` (on ``line`` of ``label``) may not take its sender's request key,
    or None: the key already names another referral in the store or on an earlier row.
    Records the row as the key's holder when it is free."""
    request = (referral.from_centre, referral.request_key)
    owner = owners.setdefault(request, (referral.id, line))
    if owner[0] == referral.id:
        return None
    if owner[1] is None:
        return _(
            "{key!r} of centre {centre} is already the request key of referral {owner} in the "
            "store: a request key names one referral of its sender",
            key=referral.request_key,
            centre=referral.from_centre,
            owner=owner[0],
        )
    where = f"{label}:{owner[1]}"
    return _(
        "{key!r} of centre {centre} is already the request key of referral {owner} at "
        "{where}: a request key names one referral of its sender",
        key=referral.request_key,
        centre=referral.from_centre,
        owner=owner[0],
        where=where,
    )


def _validate_provenance(files: _Files, out: ValidatedDataset, progress: Progress) -> None:
    """Check provenance.csv, when the folder holds one, counting its valid rows in
    ``out.assertions``: fields; each record a node or relation of the folder (a valid row
    of it); one row per record and contributor.

    Well-formed records take the quick check (:meth:`AssertionRows.plain`), the others the
    one that words their problems. Rows in (record, contributor) order, as an export writes
    them, are told apart from the row before; once a row comes out of order, the rows before
    it are read again and every row is looked up among all the rows read.
    """
    opened = _read_records(files, PROVENANCE_FILE, PROVENANCE_COLUMNS, PROVENANCE_COLUMNS, out)
    if opened is None:
        if PROVENANCE_FILE in files.sources:
            out.assertions = 0
        return
    header, records, _encoding = opened
    label = files.label(PROVENANCE_FILE)
    rows = AssertionRows(out.records(), header)
    valid = 0
    last = ("", "")
    first: dict[tuple[str, str], int] | None = None  # once the rows come out of order
    for count, (line, fields) in enumerate(records, start=1):
        if count % 50_000 == 0:
            progress(_("checking {file}", file=PROVENANCE_FILE), count, None)
        parsed = _assertion_of(rows, header, fields)
        if isinstance(parsed, RowInvalid):
            out.reject_invalid(label, line, parsed, fields)
            continue
        record, assertion = parsed
        key = (record, assertion.contributor)
        if first is None and key <= last:
            first = _assertions_before(files, out, rows, line)
        earlier = line if first is None else first.setdefault(key, line)
        if earlier != line:
            where = f"{label}:{earlier}"
            message = _(
                "{contributor!r} already asserts {record!r} at {where}: one row per record and "
                "contributor",
                contributor=assertion.contributor,
                record=record,
                where=where,
            )
            out.reject(label, line, "contributor", message, fields)
            continue
        last = key
        valid += 1
    out.assertions = valid


def _assertion_of(
    rows: AssertionRows, header: list[str], fields: list[str]
) -> tuple[str, Assertion] | RowInvalid:
    """The record and assertion of a row of provenance.csv, or why it is not valid."""
    parsed = rows.plain(fields)
    if parsed is not None:
        return parsed
    try:
        return rows.parse(dict(zip(header, spreadsheet_values(fields), strict=True)))
    except RowInvalid as error:
        return error


def _assertions_before(
    files: _Files, out: ValidatedDataset, rows: AssertionRows, end: int
) -> dict[tuple[str, str], int]:
    """The (record, contributor) of each valid row of provenance.csv before line ``end``
    and its line, read again (those rows came in order, so each was told apart from the
    row before it)."""
    opened = _reread(files, PROVENANCE_FILE, PROVENANCE_COLUMNS, PROVENANCE_COLUMNS, out)
    assert opened is not None, "a file read once can be read again"
    header, records, _encoding = opened
    rejected = out.rejected_lines(files.label(PROVENANCE_FILE))
    first: dict[tuple[str, str], int] = {}
    for line, fields in records:
        if line >= end:
            break
        if line in rejected:
            continue
        parsed = _assertion_of(rows, header, fields)
        if isinstance(parsed, RowInvalid):
            raise _changed(files.label(PROVENANCE_FILE), line)
        first[parsed[0], parsed[1].contributor] = line
    return first


def _read_merges(files: _Files, out: ValidatedDataset) -> list[MergeRow] | None:
    """The rows of merges.csv, when the folder holds one, that are well formed
    (:func:`parse_merge`); the others are rejected. None without merges.csv."""
    if MERGES_FILE not in files.sources:
        return None
    label = files.label(MERGES_FILE)
    rows: list[MergeRow] = []
    for row in _read_file(files, MERGES_FILE, MERGE_REQUIRED, MERGE_COLUMNS, out):
        try:
            record, snapshot = parse_merge(row.values)
        except RowInvalid as error:
            out.reject_invalid(label, row.line, error, row.fields)
            continue
        rows.append(MergeRow(row.line, record, snapshot, row.fields))
    return rows


def _validate_merges(
    files: _Files,
    store: Store,
    seen: _NodeIds,
    merge_rows: list[MergeRow] | None,
    store_aliases: dict[str, str],
    out: ValidatedDataset,
) -> None:
    """Check the merges of merges.csv against the folder and the store into
    ``out.merges`` (see :class:`MergeRows`), and aliases.csv, when the folder holds one,
    against them: each alias row an open merge's (of merges.csv or the store), each open
    merge of merges.csv listed; without merges.csv, each row an alias of the store. A
    merges.csv with a row that cannot be read leaves aliases.csv unchecked (its rows would
    only repeat those problems)."""
    alias_rows = _read_aliases(files, out)
    if merge_rows is None and alias_rows is None:
        return
    merges_label, aliases_label = files.label(MERGES_FILE), files.label(ALIASES_FILE)
    unread = any(problem.file == merges_label for problem in out.problems)
    fields = {row.line: row.fields for row in merge_rows or ()}
    rejected: set[int] = set()

    def report_merge(line: int, column: str, message: str) -> None:
        rejected.add(line)
        out.reject(merges_label, line, column, message, fields.get(line, []))

    if merge_rows is not None:
        in_store = {record.id: record for record in store.merges()} if merge_rows else {}
        ids = {row.record.id for row in merge_rows}
        stored = {
            merge_id: (record, store.merge_snapshot(merge_id))
            for merge_id, record in in_store.items()
            if merge_id in ids
        }
        ends = {
            end
            for row in merge_rows
            if row.record.open
            for end in (row.record.keep, row.record.merge)
            if end not in seen
        }
        nodes = _lookup_kinds(store, ends)
        checker = MergeRows(
            stored,
            [record for record in in_store.values() if record.open],
            lambda node_id: node_id in seen or node_id in nodes,
        )
        out.merges = checker.check(merge_rows, report_merge)
    if alias_rows is not None and not unread:

        def report_alias(line: int, column: str, message: str) -> None:
            out.reject(aliases_label, line, column, message, alias_rows[line])

        MergeRows.check_aliases(
            [(line, row[0], row[1]) for line, row in alias_rows.items()],
            None if merge_rows is None else [row for row in merge_rows if row.record.open],
            store_aliases,
            report_alias,
            report_merge,
        )
    if out.merges and rejected:
        out.merges = [row for row in out.merges if row.line not in rejected]


def _read_aliases(files: _Files, out: ValidatedDataset) -> dict[int, list[str]] | None:
    """The rows of aliases.csv by line (their fields: alias, kept), when the folder holds
    one; None without it."""
    if ALIASES_FILE not in files.sources:
        return None
    return {
        row.line: [row.values["alias"], row.values["kept"]]
        for row in _read_file(files, ALIASES_FILE, ALIAS_COLUMNS, ALIAS_COLUMNS, out)
    }


# -- the second reading: the valid rows, again, in batches to write ----------------------


def _node_batches(
    files: _Files, checked: ValidatedDataset, size: int
) -> Iterator[tuple[NodeKind, list[Node]]]:
    """The valid nodes of the node files, read again, in batches of up to ``size`` of one
    kind: each id's row that the first reading kept (the later of two rows of an id; an
    alias's row as its kept node's). Raises DatasetInvalid (:func:`_changed`) when a file
    changed since it was checked."""
    ids, aliases = checked.ids, checked.aliases
    for name, kind in FILE_KIND.items():
        opened = _reread(
            files, name, required_columns(kind), node_columns(kind, contact=True), checked
        )
        if opened is None:
            continue
        header, records, _encoding = opened
        label = files.label(name)
        rejected = checked.rejected_lines(label)
        batch: list[Node] = []
        for line, fields in records:
            if line in rejected:
                continue
            values = dict(zip(header, spreadsheet_values(fields), strict=True))
            try:
                node = parse_node(kind, values)
            except RowInvalid:
                raise _changed(label, line) from None
            node_id = aliases.get(node.id, node.id) if aliases else node.id
            if not ids.is_row_of(node_id, kind, line):
                continue  # a later row of the id is written, or the row was rejected
            batch.append(node if node_id == node.id else replaced(node, id=node_id))
            if len(batch) >= size:
                yield kind, batch
                batch = []
        if batch:
            yield kind, batch


def _relation_batches(
    files: _Files, checked: ValidatedDataset, size: int
) -> Iterator[list[Relation]]:
    """The valid relations of relations.csv, read again, in batches of up to ``size``: the
    rows the first reading did not reject, an end that is an alias read as its kept node;
    of rows with one key, the last. Raises DatasetInvalid (:func:`_changed`) when the file
    changed since it was checked."""
    opened = _reread(files, RELATIONS_FILE, required_columns(None), RELATION_COLUMNS, checked)
    if opened is None:
        return
    header, records, _encoding = opened
    label = files.label(RELATIONS_FILE)
    rejected = checked.rejected_lines(label)
    repeated = dict(checked.keys.repeated)
    aliases, ids = checked.aliases, checked.ids
    fast = RelationFields(header)
    batch: list[Relation] = []
    for line, fields in records:
        if line in rejected:
            continue
        relation = fast(fields)
        if relation is None:
            try:
                relation = parse_relation(
                    dict(zip(header, spreadsheet_values(fields), strict=True))
                )
            except RowInvalid:
                raise _changed(label, line) from None
        if aliases and (relation.source in aliases or relation.target in aliases):
            relation = relation._replace(
                source=aliases.get(relation.source, relation.source),
                target=aliases.get(relation.target, relation.target),
            )
        if repeated:
            key = ids.key(relation.source, relation.type, relation.target)
            if key is None:
                raise _changed(label, line)
            left = repeated.get(key)
            if left is not None:
                if left > 1:  # a later row gives this relation
                    repeated[key] = left - 1
                    continue
                del repeated[key]
        batch.append(relation)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _assertion_batches(
    files: _Files, checked: ValidatedDataset, size: int
) -> Iterator[list[tuple[str, Assertion]]]:
    """The valid rows of provenance.csv, read again, in batches of up to ``size``. Raises
    DatasetInvalid (:func:`_changed`) when the file changed since it was checked."""
    opened = _reread(files, PROVENANCE_FILE, PROVENANCE_COLUMNS, PROVENANCE_COLUMNS, checked)
    if opened is None:
        return
    header, records, _encoding = opened
    label = files.label(PROVENANCE_FILE)
    rejected = checked.rejected_lines(label)
    # each row's record was found in the folder at the first reading
    rows = AssertionRows(_EVERY_RECORD, header)
    batch: list[tuple[str, Assertion]] = []
    for line, fields in records:
        if line in rejected:
            continue
        parsed = _assertion_of(rows, header, fields)
        if isinstance(parsed, RowInvalid):
            raise _changed(label, line)
        batch.append(parsed)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _batches(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_rejects(path: Path, rejected: list[RejectedRow]) -> None:
    """Write every rejected row with its reason, so nothing vanishes silently. Cells are
    guarded for spreadsheets (:func:`spreadsheet_safe`). Raises OSError if the file cannot
    be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "line", "column", "problem", "row"])
        for item in rejected:
            raw = io.StringIO()
            if item.fields:
                csv.writer(raw, lineterminator="").writerow(item.fields)
            p = item.problem
            cells = [p.file, str(p.line), p.column, p.message, raw.getvalue()]
            writer.writerow([spreadsheet_safe(cell) for cell in cells])


def load_dataset(
    folder: Path,
    store: Store,
    *,
    contributor: str = DEFAULT_CONTRIBUTOR,
    replace: bool = False,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    batch_size: int = 10_000,
    progress: Progress = no_progress,
    encoding: str | None = None,
    auto_merge: float | None = None,
) -> LoadReport:
    """Validate ``folder`` and write it into ``store``, every node and relation asserted by
    ``contributor``. Its CSV files are read in ``encoding`` (``utf-8``, ``cp932`` or
    ``shift_jis``) when one is given, else each in the encoding it is found to be in (UTF-8,
    a BOM tolerated, or CP932); its workbooks' sheets as well (:mod:`graph.loaders.workbook`).
    The report names how each file was read.

    By default all or nothing: raises DatasetInvalid (with every problem, ordered by file
    and line) and writes nothing if any row is invalid. With ``skip_invalid`` writes the
    valid rows and, if ``rejects`` is given, the rejected rows with their reasons there.
    Loading the same data twice changes nothing but the time the contributor last asserted
    it. With ``replace`` the folder is the contributor's whole view: in the same unit of
    work, its assertions of the nodes and relations the folder does not hold are retracted
    (the report counts them); a record left with no standing assertion ends.

    A folder holding provenance.csv (an export) is written as it was recorded: its nodes and
    relations are written unasserted and its assertions restored as they are, whatever
    ``contributor`` says. A folder holding merges.csv restores its merges (open and undone,
    with their snapshots) as they are, in the same unit of work, after the nodes and
    relations; aliases.csv beside it is checked against them.

    A row that names an alias (the id of a node merged into another, by an open merge of
    the store or of merges.csv) is read as naming the kept node: a relation lands on it, a
    node row updates it (asserted by ``contributor``). The report counts such rows
    (``aliased``).

    With ``auto_merge`` (a score in (0, 1]), once the load has committed, each candidate
    duplicate pair (:func:`graph.queries.matches.match_candidates` at that score) with a
    node this load wrote is merged (:func:`graph.queries.merges.merge_nodes`, made ``by``
    ``contributor``), keeping the node the store had before the load, else the one with
    more ties, else the smaller id; a pair already one node is passed over. The report
    lists the merges made (``merged``).

    Raises InvalidArgument for a ``contributor`` that is not a contributor's name, for
    ``replace`` with ``skip_invalid`` (a view with rows left out would retract them), for
    ``replace`` of a folder that holds provenance.csv, for an ``encoding`` that rsn does
    not read and for an ``auto_merge`` score outside (0, 1]; DatasetInvalid as well when
    ``folder`` is not a folder, holds no dataset file or gives one twice
    (``enterprises.csv`` and ``enterprises.xlsx``), and when a file changed between its
    check and its writing (the files are read twice, see :mod:`graph.loaders.dataset`:
    nothing is written when the change is seen before the writing starts; after, the
    embedded store undoes the load, while Neo4j keeps the batches it committed, which a
    second load completes); StoreError if the store fails and OSError if the rejects file
    cannot be written.
    """
    started = time.perf_counter()
    folder = Path(folder)
    _check_load(contributor, replace, skip_invalid)
    _check_auto_merge(auto_merge)
    files = _dataset_files(folder, encoding)
    _check_replace(files, replace)
    options = _Options(
        contributor, replace, skip_invalid, rejects, batch_size, auto_merge, str(folder)
    )
    with collector_paused():
        return _load(files, store, options, progress, started)


def _check_load(contributor: str, replace: bool, skip_invalid: bool) -> None:
    """Raise InvalidArgument for a load that cannot be made as asked (see
    :func:`load_dataset`)."""
    try:
        check_contributor(contributor)
    except ValueError as error:
        raise InvalidArgument(str(error)) from None
    if replace and skip_invalid:
        raise InvalidArgument(
            _(
                "replace (--replace) retracts whatever the folder does not hold, so every row "
                "must load: it cannot be combined with skip_invalid (--skip-invalid)"
            )
        )


def _check_auto_merge(score: float | None) -> None:
    """Raise InvalidArgument for an ``auto_merge`` score that is not a number in (0, 1]."""
    if score is None:
        return
    if (
        isinstance(score, bool)
        or not isinstance(score, int | float)
        or math.isnan(score)
        or not 0.0 < score <= 1.0
    ):
        raise InvalidArgument(
            _(
                "auto_merge (--auto-merge) is the least matching score of a pair to merge: a "
                "number greater than 0 and at most 1, got {score!r}",
                score=score,
            )
        )


def _check_replace(files: _Files, replace: bool) -> None:
    """Raise InvalidArgument for ``replace`` of a folder that holds provenance.csv."""
    source = files.sources.get(PROVENANCE_FILE)
    if replace and source is not None:
        where = source.path if source.sheet is None else f"{source.path}:{source.sheet}"
        raise InvalidArgument(
            _(
                "{where} restores an export's provenance as it was recorded, so the folder is "
                "not one contributor's view: load it without replace (--replace)",
                where=where,
            )
        )


class _Options(NamedTuple):
    """How :func:`load_dataset` was asked to load."""

    contributor: str
    replace: bool
    skip_invalid: bool
    rejects: Path | None
    batch_size: int
    auto_merge: float | None = None
    folder: str = ""


def _load(
    files: _Files,
    store: Store,
    options: _Options,
    progress: Progress,
    started: float,
) -> LoadReport:
    """:func:`load_dataset`, with the garbage collector paused."""
    checked = _validate(files, store, progress)
    report = LoadReport(
        problems=checked.problems,
        rejected=len(checked.rejected),
        encodings=checked.encodings,
        aliased=checked.aliased,
    )
    if checked.problems and not options.skip_invalid:
        raise DatasetInvalid(checked.problems[:PROBLEM_LIMIT], total=len(checked.problems))
    if options.rejects is not None and options.skip_invalid:
        write_rejects(Path(options.rejects), checked.rejected)
        report.rejects_file = Path(options.rejects)
    # a file changed while the others were checked is refused before anything is written
    _check_unchanged(files)

    batch_size = options.batch_size
    # an export's records are written unasserted: their assertions are restored below
    restores = checked.assertions is not None
    by = Attribution(record=False) if restores else Attribution(options.contributor)
    total = (
        len(checked.ids)
        + checked.keys.rows
        - sum(count - 1 for count in checked.keys.repeated.values())
    )
    done = 0
    numbered: list[str] = []
    # the collector is paused for the load: this frees the cycles each batch leaves
    sweep = BatchSweeper()
    with store.bulk(known=checked.in_store, by=by) as writer:
        for kind, node_batch in _node_batches(files, checked, batch_size):
            writer.upsert_nodes(node_batch)
            done += len(node_batch)
            report.nodes[kind.value] += len(node_batch)
            numbered.extend(node.id for node in node_batch if "corporate_number" in node.props)
            progress(_("writing"), done, total)
            sweep()
        for relation_batch in _relation_batches(files, checked, batch_size):
            writer.upsert_relations(relation_batch)
            done += len(relation_batch)
            report.relations += len(relation_batch)
            progress(_("writing"), done, total)
            sweep()
        for referral_batch in _batches(list(checked.referrals.values()), batch_size):
            writer.upsert_referrals(referral_batch)
            report.referrals += len(referral_batch)
            sweep()
        for assertion_batch in _assertion_batches(files, checked, batch_size):
            writer.restore_provenance(assertion_batch)
            report.restored += len(assertion_batch)
            progress(
                _("restoring {file}", file=PROVENANCE_FILE),
                report.restored,
                checked.assertions or 0,
            )
            sweep()
        for row in checked.merges or ():
            writer.record_merge(row.record, row.snapshot)
            report.merges += 1
        if options.replace:
            records = checked.records()
            gone = sorted(
                record
                for record in store.standing_records(options.contributor)
                if record not in records
            )
            for record_batch in _batches(gone, batch_size):
                report.retracted += writer.retract(record_batch, options.contributor)
                sweep()
    sweep.finish()
    # a contributor's records with the corporate number of a node already there become it;
    # an export (a folder whose provenance.csv restores the store) is loaded as it was
    if numbered and not restores:
        report.merged = merge_same_numbers(
            store, numbered, by=options.contributor, before=checked.in_store
        )
    if options.auto_merge is not None:
        report.merged += _auto_merge(store, checked, float(options.auto_merge), options)
    report.seconds = time.perf_counter() - started
    return report


def _auto_merge(
    store: Store, checked: ValidatedDataset, score: float, options: _Options
) -> list[MergeRecord]:
    """Merge the candidate duplicates at ``score`` or more among the pairs with a node the
    load wrote (see :func:`load_dataset`); the merges made, in order."""
    written = checked.records_of_nodes()
    if not written:
        return []
    candidates = [
        candidate
        for candidate in match_candidates(store, min_score=score)
        if candidate.a in written or candidate.b in written
    ]
    if not candidates:
        return []
    before = set(checked.in_store)
    aliases = store.aliases()
    keeping = {record.keep for record in store.merges() if record.open}
    reason = f"auto-merge at {score:g} during the load of {options.folder} by {options.contributor}"
    made: list[MergeRecord] = []
    for candidate in candidates:
        a, b = aliases.get(candidate.a, candidate.a), aliases.get(candidate.b, candidate.b)
        if a == b:
            continue
        keep = kept_of(store, (a, b), written, before)
        merge = b if keep == a else a
        if merge in keeping:  # the node an open merge keeps cannot be merged away
            if keep in keeping:
                continue
            keep, merge = merge, keep
        try:
            record = merge_nodes(store, keep, merge, by=options.contributor, reason=reason)
        except Conflict:
            continue  # the store says the two cannot be merged (now): left to an admin
        made.append(record)
        aliases[merge] = keep
        keeping.add(keep)
    return made
