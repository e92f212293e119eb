"""Loading a dataset folder: read, validate every row, then write in batches.

All or nothing by default: every row is validated (fields, ids, endpoints, kinds) before a
single write, and any problem raises :class:`DatasetInvalid` listing them as
``file:line: column: what is wrong``. With ``skip_invalid`` the valid rows are written and
the rejected ones are kept in a rejects file with their reasons.
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
from typing import Any

from graph.collector import collector_paused
from graph.errors import DatasetInvalid, Problem, RowInvalid
from graph.loaders.csvfile import (
    CsvRow,
    HeaderProblems,
    read_records,
    spreadsheet_safe,
    spreadsheet_values,
)
from graph.loaders.referral_rows import REFERRAL_COLUMNS, REFERRALS_FILE, parse_referral
from graph.model import ALLOWED_ENDPOINTS, FILE_KIND, Node, NodeKind, Relation
from graph.progress import Progress, no_progress
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
from graph.store.base import GraphStore

__all__ = [
    "LoadReport",
    "Progress",
    "no_progress",
    "load_dataset",
    "validate_dataset",
    "RELATIONS_FILE",
]

RELATIONS_FILE = "relations.csv"
#: How many problems a failed load lists before it only counts the rest.
PROBLEM_LIMIT = 50


@dataclass
class LoadReport:
    """What a load wrote and what it rejected."""

    nodes: Counter[str] = field(default_factory=Counter)
    relations: int = 0
    referrals: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    rejects_file: Path | None = None


@dataclass
class _Rejected:
    problem: Problem
    fields: list[str]


@dataclass
class _Validated:
    nodes: dict[NodeKind, dict[str, Node]] = field(default_factory=dict)
    relations: dict[tuple[str, str, str], Relation] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    #: The kind in the store, when it was validated, of each node of the dataset it had.
    in_store: dict[str, NodeKind] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[_Rejected] = field(default_factory=list)

    def reject(self, file: str, line: int, column: str, message: str, fields: list[str]) -> None:
        problem = Problem(file, line, column, message)
        self.problems.append(problem)
        self.rejected.append(_Rejected(problem, fields))

    def reject_row(self, file: str, row: CsvRow, column: str, message: str) -> None:
        self.reject(file, row.line, column, message, row.fields)


def _read_records(
    folder: Path, name: str, required: tuple[str, ...], allowed: tuple[str, ...], out: _Validated
) -> Iterator[Any]:
    """The header of ``name`` (a list of columns), then its records as ``(line, fields)``;
    nothing for a missing file. A header that cannot be used is reported and nothing is
    read; a record of the wrong width is reported and skipped."""
    path = folder / name
    if not path.exists():
        return

    def reject(line: int, column: str, message: str, fields: list[str]) -> None:
        out.reject(name, line, column, message, fields)

    try:
        yield from read_records(path, required, allowed, reject)
    except HeaderProblems as error:
        for problem in error.problems:
            out.reject(problem.file, problem.line, problem.column, problem.message, [])


def _read_file(
    folder: Path, name: str, required: tuple[str, ...], allowed: tuple[str, ...], out: _Validated
) -> Iterator[CsvRow]:
    """The records of ``name`` with their values by column, as :func:`_read_records`; a
    value that ``rsn export`` guarded for spreadsheets (a leading ') is read as it was."""
    records = _read_records(folder, name, required, allowed, out)
    header = next(records, None)
    for line, fields in records:
        yield CsvRow(line, dict(zip(header, spreadsheet_values(fields), strict=True)), fields)


def _lookup_kinds(store: GraphStore, ids: Iterable[str], chunk: int = 5_000) -> dict[str, NodeKind]:
    found: dict[str, NodeKind] = {}
    iterator = iter(ids)
    while batch := list(islice(iterator, chunk)):
        found.update(store.node_kinds(batch))
    return found


def validate_dataset(
    folder: Path, store: GraphStore, progress: Progress = no_progress
) -> _Validated:
    """Read and validate every file of ``folder`` against the model and the store.

    Raises DatasetInvalid when the folder holds no dataset file at all.
    """
    folder = Path(folder)
    known = [*FILE_KIND, RELATIONS_FILE, REFERRALS_FILE]
    if not folder.is_dir():
        raise DatasetInvalid([Problem(str(folder), 0, "folder", "is not a folder")])
    if not any((folder / name).exists() for name in known):
        raise DatasetInvalid(
            [
                Problem(
                    str(folder), 0, "folder", f"holds none of the dataset files {', '.join(known)}"
                )
            ]
        )
    out = _Validated()
    seen: dict[str, tuple[NodeKind, str, int]] = {}
    for name, kind in FILE_KIND.items():
        rows: dict[str, Node] = {}
        for count, row in enumerate(
            _read_file(folder, name, required_columns(kind), node_columns(kind), out), start=1
        ):
            try:
                node = parse_node(kind, row.values)
            except RowInvalid as error:
                for column, message in error.problems:
                    out.reject_row(name, row, column, message)
                continue
            first = seen.get(node.id)
            if first is not None and first[0] != kind:
                out.reject_row(
                    name,
                    row,
                    "id",
                    f"id {node.id!r} is already {first[0].with_article} at {first[1]}:{first[2]}",
                )
                continue
            seen[node.id] = (kind, name, row.line)
            rows[node.id] = node
            if count % 10_000 == 0:
                progress(f"checking {name}", count, None)
        out.nodes[kind] = rows

    # a first load into an empty store has nothing to look up
    in_store = _lookup_kinds(store, seen) if sum(store.stats().nodes.values()) else {}
    out.in_store = in_store
    for node_id, store_kind in in_store.items():
        kind, name, line = seen[node_id]
        if store_kind != kind:
            out.reject(
                name,
                line,
                "id",
                f"id {node_id!r} is already {store_kind.with_article} in the store",
                [],
            )
            del out.nodes[kind][node_id]
            del seen[node_id]

    # rows whose ends are both in the dataset are settled at once; only the others wait for
    # one batched look-up in the store, so a large dataset's rows are not all kept around.
    # Well-formed records take the bulk check; the others go through the model. No pattern of
    # the bulk check admits a ', so a value guarded for spreadsheets takes the model's way.
    pending: list[tuple[int, list[str], Relation]] = []
    records = _read_records(folder, RELATIONS_FILE, required_columns(None), RELATION_COLUMNS, out)
    header = next(records, None)
    fast = RelationFields(header) if header is not None else None
    relations = out.relations
    for count, (line, fields) in enumerate(records, start=1):
        relation = fast(fields)
        if relation is None:
            try:
                values = spreadsheet_values(fields)
                relation = parse_relation(dict(zip(header, values, strict=True)))
            except RowInvalid as error:
                for column, message in error.problems:
                    out.reject(RELATIONS_FILE, line, column, message, fields)
                continue
        source, target = seen.get(relation.source), seen.get(relation.target)
        if source is None or target is None:
            pending.append((line, fields, relation))
        elif (source[0], target[0]) in ALLOWED_ENDPOINTS[relation.type]:
            relations[(relation.source, relation.type, relation.target)] = relation
        else:
            _accept_relation(out, line, fields, relation, source[0], target[0])
        if count % 50_000 == 0:
            progress(f"checking {RELATIONS_FILE}", count, None)

    outside = {end for _, _, r in pending for end in (r.source, r.target) if end not in seen}
    outside_kinds = _lookup_kinds(store, outside)
    for line, fields, relation in pending:
        kinds = []
        for column, end in (("source", relation.source), ("target", relation.target)):
            kind = seen[end][0] if end in seen else outside_kinds.get(end)
            if kind is None:
                out.reject(
                    RELATIONS_FILE,
                    line,
                    column,
                    f"no node with id {end!r} in the dataset or the store",
                    fields,
                )
            kinds.append(kind)
        if None not in kinds:
            _accept_relation(out, line, fields, relation, kinds[0], kinds[1])
    _validate_referrals(folder, store, seen, out)
    out.problems.sort(key=lambda p: (known.index(p.file) if p.file in known else 99, p.line))
    return out


def _accept_relation(
    out: _Validated,
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
        for column, message in error.problems:
            out.reject(RELATIONS_FILE, line, column, message, fields)
        return
    out.relations[relation.key] = relation


def _validate_referrals(
    folder: Path, store: GraphStore, seen: dict[str, tuple[NodeKind, str, int]], out: _Validated
) -> None:
    """Check referrals.csv: fields; centres and enterprise in the dataset or the store; and
    that no row takes the sender and request key of another referral (stored, or on an
    earlier row), which would replace it."""
    pending: list[tuple[CsvRow, Referral]] = []
    for row in _read_file(folder, REFERRALS_FILE, REFERRAL_COLUMNS, REFERRAL_COLUMNS, out):
        try:
            pending.append((row, parse_referral(row.values)))
        except RowInvalid as error:
            for column, message in error.problems:
                out.reject_row(REFERRALS_FILE, row, column, message)
    ends = {e for _, r in pending for e in (r.from_centre, r.to_centre, r.enterprise)}
    stored = _lookup_kinds(store, ends - set(seen))
    owners = _request_owners(store, [referral for _, referral in pending])
    for row, referral in pending:
        wrong = False
        for column, end, kind in (
            ("from_centre", referral.from_centre, NodeKind.CENTRE),
            ("to_centre", referral.to_centre, NodeKind.CENTRE),
            ("enterprise", referral.enterprise, NodeKind.ENTERPRISE),
        ):
            found = seen[end][0] if end in seen else stored.get(end)
            if found is not kind:
                what = (
                    "no node"
                    if found is None
                    else f"{found.with_article}, not {kind.with_article},"
                )
                out.reject_row(
                    REFERRALS_FILE, row, column, f"{what} with id {end!r} in the dataset or store"
                )
                wrong = True
        taken = _request_taken(referral, owners, row.line)
        if taken is not None:
            out.reject_row(REFERRALS_FILE, row, "request_key", taken)
            wrong = True
        if not wrong:
            out.referrals[referral.id] = referral


def _request_owners(
    store: GraphStore, referrals: list[Referral], chunk: int = 5_000
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


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_rejects(path: Path, rejected: list[_Rejected]) -> None:
    """Write every rejected row with its reason, so nothing vanishes silently. Cells are
    guarded for spreadsheets (:func:`spreadsheet_safe`)."""
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
    store: GraphStore,
    *,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    batch_size: int = 10_000,
    progress: Progress = no_progress,
) -> LoadReport:
    """Validate ``folder`` and write it into ``store``.

    By default all or nothing: raises DatasetInvalid (with every problem, ordered by file
    and line) and writes nothing if any row is invalid. With ``skip_invalid`` writes the
    valid rows and, if ``rejects`` is given, the rejected rows with their reasons there.
    Loading the same data twice changes nothing. Raises StoreError if the store fails.
    """
    started = time.perf_counter()
    with collector_paused():
        return _load(Path(folder), store, skip_invalid, rejects, batch_size, progress, started)


def _load(
    folder: Path,
    store: GraphStore,
    skip_invalid: bool,
    rejects: Path | None,
    batch_size: int,
    progress: Progress,
    started: float,
) -> LoadReport:
    checked = validate_dataset(folder, store, progress)
    report = LoadReport(problems=checked.problems, rejected=len(checked.rejected))
    if checked.problems and not skip_invalid:
        raise DatasetInvalid(checked.problems[:PROBLEM_LIMIT], total=len(checked.problems))
    if rejects is not None and skip_invalid:
        write_rejects(Path(rejects), checked.rejected)
        report.rejects_file = Path(rejects)

    total = sum(len(nodes) for nodes in checked.nodes.values()) + len(checked.relations)
    done = 0
    with store.bulk(known=checked.in_store) as writer:
        for kind, nodes in checked.nodes.items():
            for batch in _batches(list(nodes.values()), batch_size):
                writer.upsert_nodes(batch)
                done += len(batch)
                report.nodes[kind.value] += len(batch)
                progress("writing", done, total)
        for batch in _batches(list(checked.relations.values()), batch_size):
            writer.upsert_relations(batch)
            done += len(batch)
            report.relations += len(batch)
            progress("writing", done, total)
        for batch in _batches(list(checked.referrals.values()), batch_size):
            writer.upsert_referrals(batch)
            report.referrals += len(batch)
    report.seconds = time.perf_counter() - started
    return report
