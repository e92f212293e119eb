"""``rsn audit``: the audit log of the answers that showed confidential ties (see
:mod:`graph.audit`), as ``GET /v1/audit`` gives it.

The command's helpers (the services, the consoles) are those of :mod:`cli.main`, imported
when the command runs, so that this module and :mod:`cli.main` may be imported in either
order."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.i18n import N_, _, _n

if TYPE_CHECKING:
    from graph.audit import AuditEntry

__all__ = ["AUDIT_COLUMNS", "audit", "audit_json"]

#: The columns of the table ``rsn audit`` prints (headings said in the command's language).
AUDIT_COLUMNS = (N_("at"), N_("key"), N_("route"), N_("enterprises"), N_("id"))


def audit_json(entries: list[AuditEntry]) -> dict[str, Any]:
    """The entries as ``GET /v1/audit`` answers them: ``{"entries": [...], "count": n}``."""
    return {"entries": [entry.as_dict() for entry in entries], "count": len(entries)}


def _cells(entry: AuditEntry, plain: bool) -> list[str]:
    """An entry's cells: the time to the second, the key (quoted when it holds a space, for
    a pipe or a file, so that the columns stay readable), the route, the enterprises."""
    from cli.main import _stamp

    key = json.dumps(entry.key, ensure_ascii=False) if plain and " " in entry.key else entry.key
    return [_stamp(entry.at), key, entry.route, " ".join(entry.enterprises), entry.id]


def audit(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Only the entries from this day (YYYY-MM-DD, UTC) or time (ISO 8601) on.",
            show_default=False,
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", metavar="NAME", help="Only the entries of the key of this name."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="Only the newest N entries.", show_default=False),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The entries as JSON, as GET /v1/audit gives them.")
    ] = False,
) -> None:
    """The audit log: every answer of the API that showed confidential ties (lenders,
    guarantors, investors, advisors), with the key that asked, the route, when, and the
    enterprises concerned; newest last. Entries are never changed or deleted."""
    from rich.table import Table
    from rich.text import Text

    from cli.main import _folder, _headings, _plain_columns, _services, err, out
    from graph.audit import audit_since

    bound = None if since is None else audit_since(since, "--since")
    with _services() as services:
        keys = services.existing_keys()
        found = [] if keys is None else keys.audit(since=bound, key=key, limit=limit)
        where = _folder(services.settings.data_dir)
    if as_json:
        print(json.dumps(audit_json(found), ensure_ascii=False, indent=2))
        return
    if keys is None:
        err.print(
            _(
                "no audit log in {folder} (RSN_DATA_DIR): it is kept beside the API keys, and "
                "there are none yet",
                folder=where,
            ),
            highlight=False,
            soft_wrap=True,
        )
        return
    if found:
        if out.is_terminal:
            table = Table()
            for column in _headings(AUDIT_COLUMNS):
                table.add_column(column, overflow="fold")
            for entry in found:
                table.add_row(*(Text(cell) for cell in _cells(entry, plain=False)))
            out.print(table)
        else:
            cells = [_cells(e, plain=True) for e in found]
            print(_plain_columns(_headings(AUDIT_COLUMNS), cells), end="")
    said = _n("{number} entry", "{number} entries", len(found), number=format(len(found), ","))
    out.print(said, markup=False, highlight=False)
