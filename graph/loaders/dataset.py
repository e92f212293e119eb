"""Loading a dataset folder: read, validate every row, then write in batches.

All or nothing by default: every row is validated (fields, ids, endpoints, kinds) before a
single write, and any problem raises :class:`DatasetInvalid` listing them as
``file:line: column: what is wrong``. With ``skip_invalid`` the valid rows are written and
the rejected ones are kept in a rejects file with their reasons.

Every node and relation written is asserted by a contributor (:mod:`graph.provenance`); a
load with ``replace`` takes the folder as the contributor's whole view and retracts what it
no longer holds. A folder that holds ``provenance.csv`` (an export) is written as it was
recorded: its assertions are restored instead.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple, TypeVar

from graph.collector import collector_paused
from graph.errors import DatasetInvalid, InvalidArgument, Problem, RowInvalid
from graph.loaders.csvfile import (
    CsvRecords,
    CsvRow,
    HeaderProblems,
    read_records,
    spreadsheet_safe,
    spreadsheet_values,
)
from graph.loaders.provenance_rows import PROVENANCE_COLUMNS, PROVENANCE_FILE, AssertionRows
from graph.loaders.referral_rows import REFERRAL_COLUMNS, REFERRALS_FILE, parse_referral
from graph.model import ALLOWED_ENDPOINTS, FILE_KIND, Node, NodeKind, Relation
from graph.progress import Progress, no_progress
from graph.provenance import (
    DEFAULT_CONTRIBUTOR,
    Assertion,
    Attribution,
    check_contributor,
    relation_record,
)
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
    "PROVENANCE_FILE",
    "RELATIONS_FILE",
]

RELATIONS_FILE = "relations.csv"
#: The files of a dataset folder, in the order they are read and their problems listed.
DATASET_FILES: tuple[str, ...] = (*FILE_KIND, RELATIONS_FILE, REFERRALS_FILE, PROVENANCE_FILE)
#: How many problems a failed load lists before it only counts the rest.
PROBLEM_LIMIT = 50
#: How many ids one look-up in the store asks about.
LOOKUP_CHUNK = 5_000

_T = TypeVar("_T")


@dataclass
class LoadReport:
    """What a load wrote and what it rejected: the nodes (by kind), relations and referrals
    written; the contributor's assertions retracted (a load with ``replace``); the
    assertions restored from provenance.csv; the rows rejected, and why."""

    nodes: Counter[str] = field(default_factory=Counter)
    relations: int = 0
    referrals: int = 0
    retracted: int = 0
    restored: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    rejects_file: Path | None = None


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


@dataclass
class ValidatedDataset:
    """A dataset folder checked against the model and the store: the valid records to
    write, and every problem with the row it rejected."""

    nodes: dict[NodeKind, dict[str, Node]] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], Relation] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    #: The assertions of provenance.csv, in its order; None when the folder has none.
    provenance: list[tuple[str, Assertion]] | None = None
    #: The kind in the store, when it was validated, of each node of the dataset it had.
    in_store: dict[str, NodeKind] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

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

    def records(self) -> set[str]:
        """The record names (:mod:`graph.provenance`) of the valid nodes and relations."""
        names = {node_id for nodes in self.nodes.values() for node_id in nodes}
        names.update(relation_record(s, kind, t) for s, kind, t in self.relations)
        return names


def _read_records(
    folder: Path,
    name: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    out: ValidatedDataset,
) -> CsvRecords | None:
    """The header and records of ``folder``/``name`` (:func:`read_records`); None for a
    missing file or one whose header cannot be used, which is reported. A record of the
    wrong width, or a later line that cannot be read, is reported and not yielded."""
    path = folder / name
    if not path.exists():
        return None

    def reject(line: int, column: str, message: str, fields: list[str]) -> None:
        out.reject(name, line, column, message, fields)

    try:
        header, records = read_records(path, required, allowed, reject)
    except HeaderProblems as error:
        _report_file_problems(error, out)
        return None
    return CsvRecords(header, _reported(records, out))


def _reported(
    records: Iterator[tuple[int, list[str]]], out: ValidatedDataset
) -> Iterator[tuple[int, list[str]]]:
    """``records``, up to a line that cannot be read, which is reported."""
    try:
        yield from records
    except HeaderProblems as error:
        _report_file_problems(error, out)


def _report_file_problems(error: HeaderProblems, out: ValidatedDataset) -> None:
    """Record the problems of a file that cannot be read (no row of it is rejected)."""
    for problem in error.problems:
        out.reject(problem.file, problem.line, problem.column, problem.message, [])


def _read_file(
    folder: Path,
    name: str,
    required: tuple[str, ...],
    allowed: tuple[str, ...],
    out: ValidatedDataset,
) -> Iterator[CsvRow]:
    """The records of ``name`` with their values by column, as :func:`_read_records`; a
    value that ``rsn export`` guarded for spreadsheets (a leading ') is read as it was."""
    opened = _read_records(folder, name, required, allowed, out)
    if opened is None:
        return
    header, records = opened
    for line, fields in records:
        yield CsvRow(line, dict(zip(header, spreadsheet_values(fields), strict=True)), fields)


def _lookup_kinds(store: GraphStore, ids: Iterable[str]) -> dict[str, NodeKind]:
    """The kind in ``store`` of each of ``ids`` it holds, asked in chunks."""
    found: dict[str, NodeKind] = {}
    iterator = iter(ids)
    while batch := list(islice(iterator, LOOKUP_CHUNK)):
        found.update(store.node_kinds(batch))
    return found


def validate_dataset(
    folder: Path, store: Store, progress: Progress = no_progress
) -> ValidatedDataset:
    """Read and validate every file of ``folder`` against the model and the store.

    Every problem is kept, ordered by file (in :data:`DATASET_FILES` order) and line, with
    the row it rejects: a bad field, an id that names a node of another kind (in the
    dataset or the store), a relation whose end is missing or whose type may not join the
    kinds of its ends, a referral that names no such centre or enterprise or takes another
    referral's request key, an assertion of provenance.csv that names no node or relation
    of the folder. ``progress`` hears of the rows checked as they are.

    Raises DatasetInvalid when ``folder`` is not a folder or holds none of the dataset
    files; StoreError if the store fails.
    """
    folder = Path(folder)
    _check_folder(folder)
    out = ValidatedDataset()
    seen = _validate_nodes(folder, out, progress)
    _check_kinds_in_store(store, seen, out)
    _validate_relations(folder, store, seen, out, progress)
    _validate_referrals(folder, store, seen, out)
    _validate_provenance(folder, out, progress)
    out.problems.sort(
        key=lambda p: (DATASET_FILES.index(p.file) if p.file in DATASET_FILES else 99, p.line)
    )
    return out


def _check_folder(folder: Path) -> None:
    """Raise DatasetInvalid unless ``folder`` is a folder holding a dataset file."""
    if not folder.is_dir():
        raise DatasetInvalid([Problem(str(folder), 0, "folder", "is not a folder")])
    if not any((folder / name).exists() for name in DATASET_FILES):
        names = ", ".join(DATASET_FILES)
        raise DatasetInvalid(
            [Problem(str(folder), 0, "folder", f"holds none of the dataset files {names}")]
        )


def _validate_nodes(folder: Path, out: ValidatedDataset, progress: Progress) -> dict[str, _Seen]:
    """Validate the node files into ``out.nodes``; returns where each valid id was read. An
    id read before as another kind is rejected; read again as the same kind, the later row
    replaces the earlier."""
    seen: dict[str, _Seen] = {}
    for name, kind in FILE_KIND.items():
        rows: dict[str, Node] = {}
        records = _read_file(folder, name, required_columns(kind), node_columns(kind), out)
        for count, row in enumerate(records, start=1):
            try:
                node = parse_node(kind, row.values)
            except RowInvalid as error:
                out.reject_invalid(name, row.line, error, row.fields)
                continue
            first = seen.get(node.id)
            if first is not None and first.kind != kind:
                where = f"{first.file}:{first.line}"
                message = f"id {node.id!r} is already {first.kind.with_article} at {where}"
                out.reject_row(name, row, "id", message)
                continue
            seen[node.id] = _Seen(kind, name, row.line)
            rows[node.id] = node
            if count % 10_000 == 0:
                progress(f"checking {name}", count, None)
        out.nodes[kind] = rows
    return seen


def _check_kinds_in_store(store: GraphStore, seen: dict[str, _Seen], out: ValidatedDataset) -> None:
    """Reject each node of the dataset whose id names a node of another kind in the store
    (dropping it from ``seen`` and ``out.nodes``); keep the stored kinds in ``out.in_store``."""
    # a first load into an empty store has nothing to look up
    in_store = _lookup_kinds(store, seen) if sum(store.stats().nodes.values()) else {}
    out.in_store = in_store
    for node_id, store_kind in in_store.items():
        kind, name, line = seen[node_id]
        if store_kind != kind:
            message = f"id {node_id!r} is already {store_kind.with_article} in the store"
            out.reject(name, line, "id", message, [])
            del out.nodes[kind][node_id]
            del seen[node_id]


class _Pending(NamedTuple):
    """A relation with an end outside the dataset, waiting for the store's look-up."""

    line: int
    fields: list[str]
    relation: Relation


def _validate_relations(
    folder: Path,
    store: GraphStore,
    seen: dict[str, _Seen],
    out: ValidatedDataset,
    progress: Progress,
) -> None:
    """Validate relations.csv into ``out.relations``: fields, then the kinds of the ends.

    Rows whose ends are both in the dataset are settled at once; only the others wait for
    one batched look-up in the store, so a large dataset's rows are not all kept around.
    Well-formed records take the bulk check (:class:`RelationFields`); the others go through
    the model. No pattern of the bulk check admits a ', so a value guarded for spreadsheets
    takes the model's way.
    """
    opened = _read_records(folder, RELATIONS_FILE, required_columns(None), RELATION_COLUMNS, out)
    if opened is None:
        return
    header, records = opened
    fast = RelationFields(header)
    pending: list[_Pending] = []
    for count, (line, fields) in enumerate(records, start=1):
        relation = fast(fields)
        if relation is None:
            try:
                relation = parse_relation(
                    dict(zip(header, spreadsheet_values(fields), strict=True))
                )
            except RowInvalid as error:
                out.reject_invalid(RELATIONS_FILE, line, error, fields)
                continue
        source, target = seen.get(relation.source), seen.get(relation.target)
        if source is None or target is None:
            pending.append(_Pending(line, fields, relation))
        elif (source.kind, target.kind) in ALLOWED_ENDPOINTS[relation.type]:
            out.relations[(relation.source, relation.type, relation.target)] = relation
        else:
            _accept_relation(out, line, fields, relation, source.kind, target.kind)
        if count % 50_000 == 0:
            progress(f"checking {RELATIONS_FILE}", count, None)
    _settle_pending(store, pending, seen, out)


def _settle_pending(
    store: GraphStore, pending: list[_Pending], seen: dict[str, _Seen], out: ValidatedDataset
) -> None:
    """Look up the ends of ``pending`` relations that are not in the dataset in the store,
    in one batched look-up; keep the relations whose ends exist and whose type joins their
    kinds, and reject the others."""
    outside = {end for _, _, r in pending for end in (r.source, r.target) if end not in seen}
    outside_kinds = _lookup_kinds(store, outside)
    for line, fields, relation in pending:
        kinds: list[NodeKind] = []
        for column, end in (("source", relation.source), ("target", relation.target)):
            kind = seen[end].kind if end in seen else outside_kinds.get(end)
            if kind is None:
                message = f"no node with id {end!r} in the dataset or the store"
                out.reject(RELATIONS_FILE, line, column, message, fields)
            else:
                kinds.append(kind)
        if len(kinds) == 2:
            _accept_relation(out, line, fields, relation, kinds[0], kinds[1])


def _accept_relation(
    out: ValidatedDataset,
    line: int,
    fields: list[str],
    relation: Relation,
    source: NodeKind,
    target: NodeKind,
) -> None:
    """Keep ``relation`` if its type may join these kinds; else reject its row."""
    try:
        check_endpoints(relation, source, target)
    except RowInvalid as error:
        out.reject_invalid(RELATIONS_FILE, line, error, fields)
        return
    out.relations[relation.key] = relation


#: The ends of a referral: its column, and the kind of node it must name.
_REFERRAL_ENDS: tuple[tuple[str, NodeKind], ...] = (
    ("from_centre", NodeKind.CENTRE),
    ("to_centre", NodeKind.CENTRE),
    ("enterprise", NodeKind.ENTERPRISE),
)


def _validate_referrals(
    folder: Path, store: Store, seen: dict[str, _Seen], out: ValidatedDataset
) -> None:
    """Check referrals.csv: fields; centres and enterprise in the dataset or the store; and
    that no row takes the sender and request key of another referral (stored, or on an
    earlier row), which would replace it."""
    pending: list[tuple[CsvRow, Referral]] = []
    for row in _read_file(folder, REFERRALS_FILE, REFERRAL_COLUMNS, REFERRAL_COLUMNS, out):
        try:
            pending.append((row, parse_referral(row.values)))
        except RowInvalid as error:
            out.reject_invalid(REFERRALS_FILE, row.line, error, row.fields)
    ends = {e for _, r in pending for e in (r.from_centre, r.to_centre, r.enterprise)}
    stored = _lookup_kinds(store, ends - set(seen))
    owners = _request_owners(store, [referral for _, referral in pending])
    for row, referral in pending:
        wrong = False
        for column, kind in _REFERRAL_ENDS:
            end = getattr(referral, column)
            found = seen[end].kind if end in seen else stored.get(end)
            if found is not kind:
                what = (
                    "no node"
                    if found is None
                    else f"{found.with_article}, not {kind.with_article},"
                )
                message = f"{what} with id {end!r} in the dataset or store"
                out.reject_row(REFERRALS_FILE, row, column, message)
                wrong = True
        taken = _request_taken(referral, owners, row.line)
        if taken is not None:
            out.reject_row(REFERRALS_FILE, row, "request_key", taken)
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
    referral: Referral, owners: dict[tuple[str, str], tuple[str, int | None]], line: int
) -> str | None:
    """Why ``referral`` (on ``line``) may not take its sender's request key, or None: the
    key already names another referral in the store or on an earlier row. Records the row
    as the key's holder when it is free."""
    request = (referral.from_centre, referral.request_key)
    owner = owners.setdefault(request, (referral.id, line))
    if owner[0] == referral.id:
        return None
    where = "in the store" if owner[1] is None else f"at {REFERRALS_FILE}:{owner[1]}"
    return (
        f"{referral.request_key!r} of centre {referral.from_centre} is already the request key "
        f"of referral {owner[0]} {where}: a request key names one referral of its sender"
    )


def _validate_provenance(folder: Path, out: ValidatedDataset, progress: Progress) -> None:
    """Check provenance.csv, when the folder holds one, into ``out.provenance``: fields;
    each record a node or relation of the folder (a valid row of it); one row per record
    and contributor.

    Well-formed records take the quick check (:meth:`AssertionRows.plain`), the others the
    one that words their problems. Rows in (record, contributor) order, as an export writes
    them, are told apart from the row before; others are looked up among all the rows read.
    """
    opened = _read_records(folder, PROVENANCE_FILE, PROVENANCE_COLUMNS, PROVENANCE_COLUMNS, out)
    if opened is None:
        if (folder / PROVENANCE_FILE).exists():
            out.provenance = []
        return
    header, records = opened
    rows = AssertionRows(out.records(), header)
    kept: list[tuple[str, Assertion]] = []
    lines: list[int] = []
    last = ("", "")
    first: dict[tuple[str, str], int] | None = None  # once the rows come out of order
    for count, (line, fields) in enumerate(records, start=1):
        if count % 50_000 == 0:
            progress(f"checking {PROVENANCE_FILE}", count, None)
        parsed = rows.plain(fields)
        if parsed is None:
            values = dict(zip(header, spreadsheet_values(fields), strict=True))
            try:
                parsed = rows.parse(values)
            except RowInvalid as error:
                out.reject_invalid(PROVENANCE_FILE, line, error, fields)
                continue
        record, assertion = parsed
        key = (record, assertion.contributor)
        if first is None and key <= last:
            first = {(r, a.contributor): n for (r, a), n in zip(kept, lines, strict=True)}
        earlier = line if first is None else first.setdefault(key, line)
        if earlier != line:
            message = (
                f"{assertion.contributor!r} already asserts {record!r} at "
                f"{PROVENANCE_FILE}:{earlier}: one row per record and contributor"
            )
            out.reject(PROVENANCE_FILE, line, "contributor", message, fields)
            continue
        last = key
        kept.append(parsed)
        lines.append(line)
    out.provenance = kept


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
) -> LoadReport:
    """Validate ``folder`` and write it into ``store``, every node and relation asserted by
    ``contributor``.

    By default all or nothing: raises DatasetInvalid (with every problem, ordered by file
    and line) and writes nothing if any row is invalid. With ``skip_invalid`` writes the
    valid rows and, if ``rejects`` is given, the rejected rows with their reasons there.
    Loading the same data twice changes nothing but the time the contributor last asserted
    it. With ``replace`` the folder is the contributor's whole view: in the same unit of
    work, its assertions of the nodes and relations the folder does not hold are retracted
    (the report counts them); a record left with no standing assertion ends.

    A folder holding provenance.csv (an export) is written as it was recorded: its nodes and
    relations are written unasserted and its assertions restored as they are, whatever
    ``contributor`` says.

    Raises InvalidArgument for a ``contributor`` that is not a contributor's name, for
    ``replace`` with ``skip_invalid`` (a view with rows left out would retract them) and
    for ``replace`` of a folder that holds provenance.csv; DatasetInvalid as well when
    ``folder`` is not a folder or holds no dataset file, StoreError if the store fails and
    OSError if the rejects file cannot be written.
    """
    started = time.perf_counter()
    folder = Path(folder)
    _check_load(folder, contributor, replace, skip_invalid)
    with collector_paused():
        return _load(
            folder,
            store,
            _Options(contributor, replace, skip_invalid, rejects, batch_size),
            progress,
            started,
        )


def _check_load(folder: Path, contributor: str, replace: bool, skip_invalid: bool) -> None:
    """Raise InvalidArgument for a load that cannot be made as asked (see
    :func:`load_dataset`)."""
    try:
        check_contributor(contributor)
    except ValueError as error:
        raise InvalidArgument(str(error)) from None
    if replace and skip_invalid:
        raise InvalidArgument(
            "replace (--replace) retracts whatever the folder does not hold, so every row "
            "must load: it cannot be combined with skip_invalid (--skip-invalid)"
        )
    if replace and (folder / PROVENANCE_FILE).exists():
        raise InvalidArgument(
            f"{folder / PROVENANCE_FILE} restores an export's provenance as it was recorded, "
            "so the folder is not one contributor's view: load it without replace "
            "(--replace)"
        )


class _Options(NamedTuple):
    """How :func:`load_dataset` was asked to load."""

    contributor: str
    replace: bool
    skip_invalid: bool
    rejects: Path | None
    batch_size: int


def _load(
    folder: Path,
    store: Store,
    options: _Options,
    progress: Progress,
    started: float,
) -> LoadReport:
    """:func:`load_dataset`, with the garbage collector paused."""
    checked = validate_dataset(folder, store, progress)
    report = LoadReport(problems=checked.problems, rejected=len(checked.rejected))
    if checked.problems and not options.skip_invalid:
        raise DatasetInvalid(checked.problems[:PROBLEM_LIMIT], total=len(checked.problems))
    if options.rejects is not None and options.skip_invalid:
        write_rejects(Path(options.rejects), checked.rejected)
        report.rejects_file = Path(options.rejects)

    batch_size = options.batch_size
    # an export's records are written unasserted: their assertions are restored below
    restored = checked.provenance
    by = Attribution(options.contributor) if restored is None else Attribution(record=False)
    total = sum(len(nodes) for nodes in checked.nodes.values()) + len(checked.relations)
    done = 0
    with store.bulk(known=checked.in_store, by=by) as writer:
        for kind, nodes in checked.nodes.items():
            for node_batch in _batches(list(nodes.values()), batch_size):
                writer.upsert_nodes(node_batch)
                done += len(node_batch)
                report.nodes[kind.value] += len(node_batch)
                progress("writing", done, total)
        for relation_batch in _batches(list(checked.relations.values()), batch_size):
            writer.upsert_relations(relation_batch)
            done += len(relation_batch)
            report.relations += len(relation_batch)
            progress("writing", done, total)
        for referral_batch in _batches(list(checked.referrals.values()), batch_size):
            writer.upsert_referrals(referral_batch)
            report.referrals += len(referral_batch)
        for assertion_batch in _batches(restored or [], batch_size):
            writer.restore_provenance(assertion_batch)
            report.restored += len(assertion_batch)
            progress(f"restoring {PROVENANCE_FILE}", report.restored, len(restored or []))
        if options.replace:
            gone = sorted(store.standing_records(options.contributor) - checked.records())
            for record_batch in _batches(gone, batch_size):
                report.retracted += writer.retract(record_batch, options.contributor)
    report.seconds = time.perf_counter() - started
    return report
