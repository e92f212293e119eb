"""Writing the whole store as a dataset folder that loads back as the same graph.

The whole history goes out: ended nodes with their ``ended`` day, ended relations with their
``until``, and ``provenance.csv``, every contributor's assertion of every node and relation,
which a load restores as it was. A store with merges (:mod:`graph.merging`) writes them too:
``merges.csv``, every merge, open and undone, with the snapshot that lets it be undone,
which a load restores as it was, and ``aliases.csv``, the aliases of the open merges, for
people and other tools. Export, load into an empty store, export again: the same files, byte
for byte, on every backend.

Values are written as they are stored, in canonical form (prefecture codes, division letters,
days ``YYYY-MM-DD``), however the loaded files wrote them. The contact columns of enterprises
and financiers (``corporate_number``, ``address``, ``phone``) are written when a node of the
kind has one, so that a dataset without them exports with the columns it had.

Cells are guarded for spreadsheets (:func:`graph.loaders.csvfile.spreadsheet_safe`: one '
before a cell a spreadsheet would run as a formula), and the loader reads them back as
they were.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from graph.i18n import _
from graph.loaders.csvfile import spreadsheet_safe
from graph.loaders.dataset import RELATIONS_FILE
from graph.loaders.merge_rows import (
    ALIAS_COLUMNS,
    ALIASES_FILE,
    MERGE_COLUMNS,
    MERGES_FILE,
    alias_cells,
    merge_cells,
)
from graph.loaders.provenance_rows import PROVENANCE_COLUMNS, PROVENANCE_FILE, assertion_cells
from graph.loaders.referral_rows import REFERRAL_COLUMNS, REFERRALS_FILE, referral_cells
from graph.model import FILE_KIND, NodeKind
from graph.progress import Progress, no_progress
from graph.provenance import Assertion
from graph.rows import CONTACT_COLUMNS, RELATION_COLUMNS, node_columns
from graph.store.ports import GraphStore, ReferralStore, Store

__all__ = [
    "cell_text",
    "export_columns",
    "export_dataset",
    "write_merges",
    "write_nodes",
    "write_provenance",
    "write_referrals",
]


def cell_text(value: Any) -> str:
    """A property as a CSV cell: blank for none, lists joined by ';', floats exactly."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_dataset(store: Store, folder: Path, progress: Progress = no_progress) -> dict[str, int]:
    """Write every node, relation, referral and assertion of ``store`` into ``folder`` as
    dataset CSV files, the whole history (ended nodes and relations too); and, when the
    store has merges, merges.csv and aliases.csv (:func:`write_merges`). Without merges
    neither is written (one left in ``folder`` by an earlier export is removed, so that the
    folder loads back as this store).

    Rows are in id (and relation key, record and contributor) order, so two exports of the
    same store are the same bytes, and so is the export of a store loaded from one. Returns
    the number of rows written per file. Raises OSError if the folder cannot be written and
    StoreError if the store fails.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, kind in FILE_KIND.items():
        counts[name] = write_nodes(store, kind, folder / name, progress=progress)
    with (folder / RELATIONS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RELATION_COLUMNS)
        count = 0
        for relation in store.iter_relations():
            values = relation.as_dict()
            writer.writerow(
                [spreadsheet_safe(cell_text(values[column])) for column in RELATION_COLUMNS]
            )
            count += 1
            if count % 10_000 == 0:
                progress(_("exporting {file}", file=RELATIONS_FILE), count, None)
        counts[RELATIONS_FILE] = count
    counts[REFERRALS_FILE] = write_referrals(store, folder)
    counts[PROVENANCE_FILE] = write_provenance(store, folder / PROVENANCE_FILE, progress)
    counts.update(write_merges(store, folder))
    return counts


def write_merges(store: GraphStore, folder: Path) -> dict[str, int]:
    """Write every merge of ``store``, open and undone, oldest first, with its snapshot's
    JSON text, as ``folder``/merges.csv, and the alias of each open merge, by alias, as
    ``folder``/aliases.csv, guarded for spreadsheets; returns the rows written per file.
    A store without merges writes neither (and removes the ones an earlier export left in
    ``folder``). Raises OSError if a file cannot be written and StoreError if the store
    fails."""
    merges = store.merges()
    if not merges:
        for name in (MERGES_FILE, ALIASES_FILE):
            (folder / name).unlink(missing_ok=True)
        return {}
    with (folder / MERGES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MERGE_COLUMNS)
        for record in merges:
            snapshot = store.merge_snapshot(record.id) or ""
            writer.writerow([spreadsheet_safe(cell) for cell in merge_cells(record, snapshot)])
    aliases = sorted((record for record in merges if record.open), key=lambda r: r.merge)
    with (folder / ALIASES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ALIAS_COLUMNS)
        writer.writerows([spreadsheet_safe(cell) for cell in alias_cells(r)] for r in aliases)
    return {MERGES_FILE: len(merges), ALIASES_FILE: len(aliases)}


def export_columns(store: GraphStore, kind: NodeKind) -> tuple[str, ...]:
    """The columns an export writes for the nodes of ``kind``: the kind's columns, with its
    contact columns when a node of the kind in ``store`` has one, and ``consent`` when an
    enterprise has one. Raises StoreError if the store fails."""
    every = node_columns(kind, contact=True)
    optional = [group for group in (CONTACT_COLUMNS, ("consent",)) if set(group) & set(every)]
    if not optional:
        return every
    used: set[tuple[str, ...]] = set()
    for node in store.iter_nodes(kind):
        used.update(group for group in optional if not node.props.keys().isdisjoint(group))
        if len(used) == len(optional):
            break
    dropped = {column for group in optional if group not in used for column in group}
    return tuple(column for column in every if column not in dropped)


def write_nodes(
    store: GraphStore,
    kind: NodeKind,
    path: Path,
    header: Callable[[str], str] = str,
    progress: Progress = no_progress,
    guarded: bool = True,
) -> int:
    """Write every node of ``kind`` as rows of its columns (:func:`export_columns`) under a
    header that names each column as ``header`` spells it (another tool may spell them its
    own way); returns how many. ``guarded``: the cells are guarded for spreadsheets (not for
    another tool, which would keep the '). Raises OSError if the file cannot be written and
    StoreError if the store fails."""
    columns = export_columns(store, kind)
    guard = spreadsheet_safe if guarded else str
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([header(column) for column in columns])
        count = 0
        for node in store.iter_nodes(kind):
            values = {"id": node.id, "name": node.name, **node.props}
            writer.writerow([guard(cell_text(values.get(column))) for column in columns])
            count += 1
            if count % 10_000 == 0:
                progress(_("writing {file}", file=path.name), count, None)
    return count


def write_referrals(store: ReferralStore, folder: Path) -> int:
    """Write every referral, history included, as ``folder``/referrals.csv in id order,
    guarded for spreadsheets; returns how many. Raises OSError if the file cannot be
    written and StoreError if the store fails."""
    referrals = sorted(store.list_referrals(), key=lambda r: r.id)
    with (folder / REFERRALS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REFERRAL_COLUMNS)
        writer.writerows(
            [spreadsheet_safe(cell_text(cell)) for cell in referral_cells(referral)]
            for referral in referrals
        )
    return len(referrals)


def write_provenance(store: GraphStore, path: Path, progress: Progress = no_progress) -> int:
    """Write every assertion of every record as ``path`` (provenance.csv), in (record,
    contributor) order, guarded for spreadsheets; returns how many. The store gives them in
    that order; should it not, they are sorted and the file written again. Raises OSError
    if the file cannot be written and StoreError if the store fails."""
    count = _write_assertions(path, store.iter_provenance(), progress, in_order=False)
    if count is None:
        ordered = sorted(store.iter_provenance(), key=lambda pair: (pair[0], pair[1].contributor))
        count = _write_assertions(path, ordered, progress, in_order=True)
    return count or 0


def _write_assertions(
    path: Path,
    assertions: Iterable[tuple[str, Assertion]],
    progress: Progress,
    in_order: bool,
) -> int | None:
    """Write ``assertions`` as provenance.csv at ``path``; returns how many. Unless they
    are known to be ``in_order``, returns None (the file left incomplete) at the first that
    comes before the one written last in (record, contributor) order."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PROVENANCE_COLUMNS)
        count = 0
        last = ("", "")
        for record, assertion in assertions:
            key = (record, assertion.contributor)
            if key < last and not in_order:
                return None
            last = key
            writer.writerow([spreadsheet_safe(cell) for cell in assertion_cells(record, assertion)])
            count += 1
            if count % 10_000 == 0:
                progress(_("exporting {file}", file=PROVENANCE_FILE), count, None)
    return count
