"""``rsn merge``, ``rsn unmerge`` and ``rsn merges``: merging two nodes that are one entity,
undoing a merge, and listing the merges (see :mod:`graph.merging`).

The commands' helpers (the store, the consoles) are those of :mod:`cli.main`, imported when
a command runs, so that this module and :mod:`cli.main` may be imported in either order."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from graph.i18n import N_, _

if TYPE_CHECKING:
    from graph.merging import MergeRecord

__all__ = ["MERGE_COLUMNS", "merge", "merges", "unmerge"]

#: The columns of the table ``rsn merges`` prints (headings said in the command's language).
MERGE_COLUMNS = (
    N_("id"),
    N_("keep"),
    N_("merge"),
    N_("by"),
    N_("at"),
    N_("score"),
    N_("undone at"),
    N_("reason"),
)

#: Who a merge made from the command line is made by.
CLI_MERGER = "local"


def _said(record: MergeRecord) -> str:
    """One line on a merge, for a person."""
    from cli.main import _number

    if record.score is None:
        return _(
            "merge {id}: {merge} into {keep}", id=record.id, merge=record.merge, keep=record.keep
        )
    return _(
        "merge {id}: {merge} into {keep}, score {score}",
        id=record.id,
        merge=record.merge,
        keep=record.keep,
        score=_number(record.score),
    )


def merge(
    keep: Annotated[str, typer.Argument(help="The id of the node kept.")],
    other: Annotated[
        str, typer.Argument(help="The id of the node merged into it (it becomes an alias).")
    ],
    reason: Annotated[
        str | None, typer.Option(help="Why the two are one entity, kept with the merge.")
    ] = None,
) -> None:
    """Merge OTHER into KEEP (two enterprises or two financiers that are one entity): every
    tie of OTHER becomes KEEP's, referrals follow, and OTHER's id becomes an alias of KEEP.
    `rsn unmerge` undoes it."""
    from cli.main import _store, out
    from graph.queries.merges import merge_nodes

    with _store(existing=True) as store:
        record = merge_nodes(store, keep, other, by=CLI_MERGER, reason=reason)
    out.print(_("merged: {merge}", merge=_said(record)), markup=False, highlight=False)
    print(record.id)


def unmerge(
    merge_id: Annotated[str, typer.Argument(metavar="MERGE_ID", help="The merge's id.")],
) -> None:
    """Undo a merge: both nodes come back exactly as they were before it, the alias goes.
    Merges built on it must be undone first (the error names them)."""
    from cli.main import _store, out
    from graph.queries.merges import unmerge as undo

    with _store(existing=True) as store:
        record = undo(store, merge_id)
    out.print(_("undone: {merge}", merge=_said(record)), markup=False, highlight=False)


def merges(
    as_json: Annotated[
        bool, typer.Option("--json", help="The merges as JSON, as GET /v1/merges gives them.")
    ] = False,
) -> None:
    """Every merge, oldest first, undone ones too."""
    from cli.main import _headings, _number, _plain_columns, _store, out
    from graph.queries.merges import list_merges

    with _store(existing=True) as store:
        found = list_merges(store)
    if as_json:
        print(json.dumps({"merges": [m.as_dict() for m in found]}, ensure_ascii=False, indent=2))
        return
    cells = [
        [
            m.id,
            m.keep,
            m.merge,
            m.by,
            m.at,
            _number(m.score) if m.score is not None else "",
            m.undone_at or "",
            m.reason or "",
        ]
        for m in found
    ]
    if cells:
        print(_plain_columns(_headings(MERGE_COLUMNS), cells), end="")
    open_count = sum(1 for m in found if m.open)
    count, holding = f"{len(found):,}", f"{open_count:,}"
    out.print(
        _("{count} merges, {holding} holding", count=count, holding=holding),
        markup=False,
        highlight=False,
    )
