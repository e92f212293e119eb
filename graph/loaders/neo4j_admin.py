"""Writing the store as the CSV files that ``neo4j-admin database import full`` takes.

For a first load of the national network into an empty Neo4j, the offline importer is far
faster than any transactional load: it writes the store files directly. The folder holds one
node file per kind (``nodes-Enterprise.csv``, ...), ``relationships.csv``, the referrals in
the dataset format (``referrals.csv``, loaded afterwards with ``rsn load``, which also rebuilds
the ties that completed referrals make) and ``IMPORT.md`` with the commands.

Each node file has the columns of a dataset export
(:func:`graph.loaders.export.export_columns`: with the contact columns of enterprises and
financiers, ``corporate_number``, ``address`` and ``phone``, as text, when a node has one).
The whole history goes: ended nodes with their ``ended`` day, relations with their ``since``
and ``until``. Provenance does not: the importer writes nodes and relations only, so the
imported store starts with none, and on its first opening rsn records every node and
relation as asserted by ``local`` at that time, as it does for any store written before
provenance was kept (an export in the dataset format, loaded with ``rsn load``, keeps it).
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

from graph.i18n import _
from graph.loaders.export import write_nodes, write_referrals
from graph.loaders.referral_rows import REFERRALS_FILE
from graph.model import FILE_KIND
from graph.progress import Progress, no_progress
from graph.store.ports import Store

__all__ = ["IMPORT_TYPES", "RELATIONSHIPS_FILE", "export_neo4j_admin", "import_arguments"]

RELATIONSHIPS_FILE = "relationships.csv"
#: The id space every node shares (ids are unique across the store).
ID_SPACE = "Node"
#: The import type of each node column that is not text (neo4j-admin reads a column without
#: one as a string); a test checks it against the row models.
IMPORT_TYPES: dict[str, str] = {
    "employees": "long",
    "founded": "long",
    "capacity": "long",
    "expertise": "string[]",
}


def _header(column: str) -> str:
    """A node column as neo4j-admin's header names it: the id in the shared id space, a
    column that is not text with its import type."""
    if column == "id":
        return f"id:ID({ID_SPACE})"
    kind = IMPORT_TYPES.get(column)
    return f"{column}:{kind}" if kind else column


def node_file(kind_value: str) -> str:
    """The file of the nodes of a kind (given by its label): ``nodes-Enterprise.csv``."""
    return f"nodes-{kind_value}.csv"


def import_arguments(folder: Path | None = None) -> list[str]:
    """The arguments of ``neo4j-admin`` that import an export into the database ``neo4j``:
    the files by name, as from the export's folder, or under ``folder`` when it is given."""

    def at(name: str) -> str:
        return str(Path(folder) / name) if folder is not None else name

    return [
        "database",
        "import",
        "full",
        "neo4j",
        *(f"--nodes={kind.value}={at(node_file(kind.value))}" for kind in FILE_KIND.values()),
        f"--relationships={at(RELATIONSHIPS_FILE)}",
        "--array-delimiter=;",
        "--overwrite-destination",
    ]


def export_neo4j_admin(
    store: Store, folder: Path, progress: Progress = no_progress
) -> dict[str, int]:
    """Write ``store`` into ``folder`` for ``neo4j-admin database import full``: every
    node and relation, ended ones too, and the referrals; not the provenance (see the
    module's note).

    Returns the rows written per file. Raises OSError if the folder cannot be written and
    StoreError if the store fails.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for kind in FILE_KIND.values():
        name = node_file(kind.value)
        # neo4j-admin would keep a spreadsheet guard as part of the value
        counts[name] = write_nodes(store, kind, folder / name, _header, progress, guarded=False)
    with (folder / RELATIONSHIPS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                f":START_ID({ID_SPACE})",
                ":TYPE",
                f":END_ID({ID_SPACE})",
                "strength:double",
                "since",
                "until",
            ]
        )
        count = 0
        for relation in store.iter_relations():
            writer.writerow(
                [
                    relation.source,
                    relation.type.value,
                    relation.target,
                    repr(relation.strength),
                    relation.since or "",
                    relation.until or "",
                ]
            )
            count += 1
            if count % 10_000 == 0:
                progress(_("writing {file}", file=RELATIONSHIPS_FILE), count, None)
        counts[RELATIONSHIPS_FILE] = count
    counts[REFERRALS_FILE] = write_referrals(store, folder)
    command = shlex.join(["neo4j-admin", *import_arguments()])
    (folder / "IMPORT.md").write_text(
        "# Loading this folder into an empty Neo4j\n\n"
        "With the Neo4j server stopped, from this folder:\n\n"
        f"    {command}\n\n"
        "Then start the server and, with RSN_BACKEND=neo4j, run `rsn load .` here: it creates\n"
        "rsn's constraints and indexes and loads referrals.csv (the other files are not read).\n"
        "\n"
        "Provenance is not imported: the store starts with none, and when rsn first opens it\n"
        "every node and relation is recorded as asserted by `local` at that time. To keep who\n"
        "asserted what, load a dataset export (`rsn export`, then `rsn load`) instead.\n",
        encoding="utf-8",
    )
    return counts
