"""Writing the whole store as a dataset folder that loads back as the same graph.

Cells are guarded for spreadsheets (:func:`graph.loaders.csvfile.spreadsheet_safe`: one '
before a cell a spreadsheet would run as a formula), and the loader reads them back as
they were.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.loaders.csvfile import spreadsheet_safe
from graph.loaders.dataset import RELATIONS_FILE
from graph.loaders.referral_rows import REFERRAL_COLUMNS, REFERRALS_FILE, referral_cells
from graph.model import FILE_KIND, NodeKind
from graph.progress import Progress, no_progress
from graph.rows import RELATION_COLUMNS, node_columns
from graph.store.ports import GraphStore, ReferralStore, Store

__all__ = ["cell_text", "export_dataset", "write_nodes", "write_referrals"]


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
    """Write every node, relation and referral of ``store`` into ``folder`` as dataset CSV
    files.

    Rows are in id (and relation key) order, so two exports of the same graph are the same
    bytes. Returns the number of rows written per file. Raises OSError if the folder cannot
    be written and StoreError if the store fails.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, kind in FILE_KIND.items():
        counts[name] = write_nodes(store, kind, folder / name, node_columns(kind), progress)
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
                progress(f"exporting {RELATIONS_FILE}", count, None)
        counts[RELATIONS_FILE] = count
    counts[REFERRALS_FILE] = write_referrals(store, folder)
    return counts


def write_nodes(
    store: GraphStore,
    kind: NodeKind,
    path: Path,
    header: Sequence[str],
    progress: Progress = no_progress,
    guarded: bool = True,
) -> int:
    """Write every node of ``kind`` as rows of the kind's columns under ``header`` (the
    column names, or another tool's spelling of them); returns how many. ``guarded``: the
    cells are guarded for spreadsheets (not for another tool, which would keep the ').
    Raises OSError if the file cannot be written and StoreError if the store fails."""
    columns = node_columns(kind)
    guard = spreadsheet_safe if guarded else str
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        count = 0
        for node in store.iter_nodes(kind):
            values = {"id": node.id, "name": node.name, **node.props}
            writer.writerow([guard(cell_text(values.get(column))) for column in columns])
            count += 1
            if count % 10_000 == 0:
                progress(f"writing {path.name}", count, None)
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
