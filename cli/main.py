"""The ``rsn`` command line. Every error is one line on stderr and a non-zero exit.

It speaks the language :func:`graph.i18n.cli_language` chooses (``RSN_LANG``, else the
locale): every line it prints for a person, errors, usage errors and ``--help`` too
(:mod:`cli.translation`); machine values (ids, flags, column values of ``--json``) stay as
they are.

Every load is made by a contributor (``--contributor``, ``local`` by default), and
``rsn contributors`` lists them. The commands that answer about the network (``paths``,
``weaknesses``, ``stats``, ``viz``) read it as of a day: ``--as-of YYYY-MM-DD``, today by
default."""

from __future__ import annotations

import errno
import functools
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from cli.options import AsOf
from graph.errors import DatasetInvalid, RsnError
from graph.i18n import DEFAULT_LANGUAGE, N_, _, _n, language
from graph.model import one_line
from graph.queries.readable import readable

if TYPE_CHECKING:
    from graph.bootstrap import Services
    from graph.model import Node
    from graph.provenance import ContributorSummary
    from graph.settings import Settings
    from graph.store.keys import KeyStore
    from graph.store.ports import GraphStore, Store

app = typer.Typer(
    name="rsn",
    help="A knowledge graph of a regional SME support network.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

#: Standard output. For a pipe or a file, lines are never wrapped at a width (a terminal wraps
#: them itself), so that a name or an id is never cut or split.
out = Console()
out.soft_wrap = not out.is_terminal
err = Console(stderr=True)

#: The keys `rsn demo` makes on its first start and reuses on later ones.
#: How long ``rsn serve`` waits, when told to stop, for the requests under way (a whole
#: network's report may take minutes) before it closes their connections.
SHUTDOWN_SECONDS = 30

DEMO_KEYS = (("demo-admin", "admin"), ("demo-analyst", "analyst"), ("demo-centre", "centre"))


def _fail(message: str, code: int = 1) -> typer.Exit:
    label = _("error:")
    err.print(f"[bold red]{label}[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


#: What the system says of the errors a command meets most with files, in the languages
#: other than English (English keeps the system's own words).
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
}


def _os_reason(error: OSError) -> str:
    """Why the system refused, in the command's language."""
    known = _OS_REASONS.get(error.errno) if error.errno is not None else None
    if known is not None and language() != DEFAULT_LANGUAGE:
        return _(known)
    return str(error.strerror or error)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors (and a few of the system's) into one line and exit 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DatasetInvalid as error:
            for problem in error.problems:
                err.print(str(problem), highlight=False, markup=False, soft_wrap=True)
            hidden = error.total - len(error.problems)
            if hidden > 0:
                err.print(_("... and {count} more", count=hidden), highlight=False)
            raise _fail(str(error)) from None
        except RsnError as error:
            raise _fail(str(error)) from None
        except OSError as error:
            reason = _os_reason(error)
            if error.filename:
                raise _fail(_("{reason} {file}", reason=reason, file=error.filename)) from None
            raise _fail(reason) from None
        except KeyboardInterrupt:
            raise _fail(_("interrupted"), 130) from None
        except typer.Exit:
            raise
        except Exception as error:
            if os.environ.get("RSN_DEBUG"):
                raise
            raise _fail(
                _(
                    "unexpected {kind}: {error} (set RSN_DEBUG=1 to see where)",
                    kind=type(error).__name__,
                    error=error,
                )
            ) from None

    return run


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress(stage, done, total) callback drawing on stderr."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not enabled) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _settings() -> Settings:
    from graph.settings import load_settings

    return load_settings()


def _services(
    settings: Settings | None = None, existing: bool = False
) -> AbstractContextManager[Services]:
    """The composition root's services (see :mod:`graph.bootstrap`), imported when a command
    runs so that ``rsn --help`` does not load the stores."""
    from graph.bootstrap import open_services

    return open_services(settings, existing=existing)


def _folder(path: Path) -> str:
    from graph.bootstrap import folder_name

    return folder_name(path)


@contextmanager
def _store(existing: bool = False) -> Iterator[Store]:
    """The configured store, closed on exit. With ``existing``, a command that only reads
    refuses an embedded data folder that holds no store (rather than make an empty one)."""
    with _services(existing=existing) as services:
        yield services.store


def _day(as_of: str | None) -> str:
    """The day a command asks about: ``--as-of`` when given, else today. Raises
    InvalidArgument for anything but a real date written YYYY-MM-DD."""
    from graph.valid_time import parse_day, today

    return today() if as_of is None else parse_day(as_of, "--as-of")


def _contributor(name: str) -> str:
    """``name`` if it can name a contributor; raises InvalidArgument (one line) if not."""
    from graph.errors import InvalidArgument
    from graph.provenance import check_contributor

    try:
        return check_contributor(name)
    except ValueError as error:
        raise InvalidArgument(
            _("{field}: {message}", field="--contributor", message=error)
        ) from None


@app.command()
@friendly
def seed(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the dataset into.")],
    enterprises: Annotated[int, typer.Option(min=1, help="How many enterprises.")] = 3000,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2008,
    duplicates: Annotated[
        float,
        typer.Option(
            "--duplicates",
            help="Share of the enterprises (0 to below 1) that appear again in another "
            "contributor's file, spelled another way, with the truth in truth.csv. 0: none.",
        ),
    ] = 0.0,
) -> None:
    """Write a synthetic, deterministic dataset of Japan's SME support network."""
    from graph.errors import InvalidArgument
    from seeds import generate_dataset

    if not 0.0 <= duplicates < 1.0:
        raise InvalidArgument(
            _("--duplicates must be from 0 to below 1, got {value}", value=duplicates)
        )
    started = time.perf_counter()
    with progress_bar() as progress:
        counts = generate_dataset(
            out_dir,
            enterprises=enterprises,
            seed=seed_value,
            progress=progress,
            duplicates=duplicates,
        )
    seconds = format(time.perf_counter() - started, ".1f")
    _print_counts(counts, _("wrote {folder} in {seconds} s", folder=out_dir, seconds=seconds))


def _print_counts(counts: dict[str, int], title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column(_("file"))
    table.add_column(_("rows"), justify="right")
    for name, count in counts.items():
        table.add_row(name, format(count, ","))
    out.print(table)


@app.command()
@friendly
def load(
    folder: Annotated[Path, typer.Argument(help="The dataset folder.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Load the valid rows and reject the others.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where rejected rows go (default: rejects.csv).")
    ] = None,
    contributor: Annotated[
        str,
        typer.Option(
            help="Who the rows come from (1 to 64 letters, digits or _ . : -): every node and "
            "relation of the folder is asserted by this contributor (an export, a folder "
            "holding provenance.csv, keeps the contributors it names)."
        ),
    ] = "local",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="The folder is the contributor's whole current view: retract its earlier "
            "assertions that the folder does not hold (a tie no one else asserts ends today).",
        ),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="The encoding of the folder's CSV files: utf-8, cp932 or shift_jis "
            "(default: found out for each file, UTF-8 or else Shift_JIS)."
        ),
    ] = None,
    auto_merge: Annotated[
        float | None,
        typer.Option(
            "--auto-merge",
            metavar="SCORE",
            help="Once loaded, merge each candidate duplicate pair (rsn match) scoring SCORE "
            "or more (greater than 0, at most 1) that has a node this load wrote, keeping "
            "the node the store had before; the merges are listed (undo with rsn unmerge).",
        ),
    ] = None,
) -> None:
    """Validate a dataset and load it into the configured store (all or nothing by default),
    as made by a contributor."""
    from graph.loaders import load_dataset
    from graph.loaders.audit_rows import read_audit_folder

    contributor = _contributor(contributor)
    settings = _settings()
    if skip_invalid and rejects is None:
        rejects = Path("rejects.csv")
    # an export's audit log, checked whole before anything is loaded
    audit_entries = read_audit_folder(folder, encoding)
    with _services(settings) as services, progress_bar() as progress:
        store = services.store
        report = load_dataset(
            folder,
            store,
            contributor=contributor,
            replace=replace,
            skip_invalid=skip_invalid,
            rejects=rejects,
            batch_size=settings.batch_size,
            progress=progress,
            encoding=encoding,
            auto_merge=auto_merge,
        )
        audited = services.keys.restore_audit(audit_entries) if audit_entries else 0
    loaded = {
        "nodes": format(sum(report.nodes.values()), ","),
        "relations": format(report.relations, ","),
        "backend": store.backend,
        "seconds": format(report.seconds, ".1f"),
    }
    if report.restored:
        said = _(
            "loaded {nodes} nodes and {relations} relations into the {backend} store with the "
            "{assertions} assertions of its provenance.csv in {seconds} s",
            assertions=format(report.restored, ","),
            **loaded,
        )
    else:
        said = _(
            "loaded {nodes} nodes and {relations} relations into the {backend} store as "
            "{contributor} in {seconds} s",
            contributor=contributor,
            **loaded,
        )
    out.print(said, markup=False, highlight=False)
    if report.encodings:
        out.print(
            _("read {encodings}", encodings=report.encodings_text()), markup=False, highlight=False
        )
    if replace or report.retracted:
        out.print(
            _n(
                "retracted {number} earlier assertion of {contributor} that the folder no "
                "longer holds",
                "retracted {number} earlier assertions of {contributor} that the folder no "
                "longer holds",
                report.retracted,
                number=format(report.retracted, ","),
                contributor=contributor,
            ),
            markup=False,
            highlight=False,
        )
    if report.aliased:
        out.print(
            _n(
                "read {number} row naming a merged node's id as the node it was merged into",
                "read {number} rows naming a merged node's id as the node it was merged into",
                report.aliased,
                number=format(report.aliased, ","),
            ),
            markup=False,
            highlight=False,
        )
    if report.merges:
        out.print(
            _n(
                "restored {number} merge of its merges.csv",
                "restored {number} merges of its merges.csv",
                report.merges,
                number=format(report.merges, ","),
            ),
            markup=False,
            highlight=False,
        )
    if audit_entries:
        out.print(
            _(
                "appended {appended} of the {total} entries of its audit.csv to the audit log "
                "(an entry the log holds already is not appended again)",
                appended=format(audited, ","),
                total=format(len(audit_entries), ","),
            ),
            markup=False,
            highlight=False,
        )
    if auto_merge is not None or report.merged:
        _print_merged(report.merged, auto_merge)
    if report.rejected:
        err.print(
            _(
                "rejected {count} rows; see {file}",
                count=format(report.rejected, ","),
                file=report.rejects_file,
            ),
            highlight=False,
        )


def _print_merged(merged: Sequence[Any], auto_merge: float | None) -> None:
    """The merges a load made itself: how many, why, then one line each."""
    count = len(merged)
    number = format(count, ",")
    if auto_merge is None:
        said = _n(
            "merged {number} pair the same corporate number",
            "merged {number} pairs the same corporate number",
            count,
            number=number,
        )
    else:
        said = _n(
            "merged {number} pair (the same corporate number, or scoring {score} or more)",
            "merged {number} pairs (the same corporate number, or scoring {score} or more)",
            count,
            number=number,
            score=format(auto_merge, "g"),
        )
    out.print(said + (_(":") if count else ""), markup=False, highlight=False)
    for record in merged:
        if record.score is None:
            line = _(
                "{id}: {merge} into {keep} ({reason})",
                id=record.id,
                merge=record.merge,
                keep=record.keep,
                reason=record.reason,
            )
        else:
            line = _(
                "{id}: {merge} into {keep} ({reason}, score {score})",
                id=record.id,
                merge=record.merge,
                keep=record.keep,
                reason=record.reason,
                score=format(record.score, ".3f"),
            )
        out.print(f"  {line}", markup=False, highlight=False)


@app.command()
@friendly
def export(
    path: Annotated[
        Path,
        typer.Argument(
            help="Folder to write the dataset into; for gexf or graphml, the file, or a "
            "folder to write network.gexf (network-13.gexf with --prefecture 13) into."
        ),
    ],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            help="dataset (loads back with rsn load), neo4j-admin (for neo4j-admin "
            "database import, a first load of a large network into an empty Neo4j), gexf "
            "(Gephi, with its timeline) or graphml (other graph tools): the network as one "
            "file.",
        ),
    ] = "dataset",
    prefecture: Annotated[
        str | None,
        typer.Option(
            "--prefecture",
            metavar="CODE",
            help="gexf and graphml only: one prefecture (JIS X 0401 code, 01 to 47) with "
            "the nationwide nodes tied to it.",
        ),
    ] = None,
) -> None:
    """Write the whole store as a dataset that loads back unchanged, or the network as one
    GEXF or GraphML file."""
    from graph.errors import InvalidArgument
    from graph.loaders import export_dataset
    from graph.loaders.neo4j_admin import export_neo4j_admin

    if format_ in ("gexf", "graphml"):
        _export_network(path, format_, prefecture)
        return
    writers = {"dataset": export_dataset, "neo4j-admin": export_neo4j_admin}
    if format_ not in writers:
        raise InvalidArgument(
            _(
                "--format {value}: use dataset, neo4j-admin, gexf or graphml",
                value=repr(format_),
            )
        )
    if prefecture is not None:
        raise InvalidArgument(_("--prefecture: only with --format gexf or graphml"))
    started = time.perf_counter()
    with _services(existing=True) as services, progress_bar() as progress:
        counts = writers[format_](services.store, path, progress)
        if format_ == "dataset":
            from graph.loaders.audit_rows import AUDIT_FILE, write_audit

            keys = services.existing_keys()
            written = write_audit(keys.audit() if keys is not None else [], path)
            if written:
                counts[AUDIT_FILE] = written
    seconds = format(time.perf_counter() - started, ".1f")
    _print_counts(counts, _("exported to {folder} in {seconds} s", folder=path, seconds=seconds))


def _export_network(path: Path, fmt: str, prefecture: str | None) -> None:
    """Write the network (one prefecture's with ``prefecture``) as a GEXF or GraphML file:
    ``path``, or network.gexf (network-13.gexf) in ``path`` when it is a folder. Raises
    InvalidArgument for a bad prefecture code before the store is opened."""
    from graph.loaders.network_file import network_file_name, write_network
    from graph.queries.scope import scope_of

    scope_of(prefecture)
    target = path / network_file_name(fmt, prefecture) if path.is_dir() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with _services(existing=True) as services, progress_bar() as progress:
        counts = write_network(
            services.store,
            target,
            "gexf" if fmt == "gexf" else "graphml",
            prefecture=prefecture,
            progress=progress,
        )
    out.print(
        _(
            "wrote {file}: {nodes} nodes and {edges} edges in {seconds} s",
            file=target,
            nodes=format(counts["nodes"], ","),
            edges=format(counts["edges"], ","),
            seconds=format(time.perf_counter() - started, ".1f"),
        ),
        markup=False,
        highlight=False,
    )


@app.command()
@friendly
def contributors(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON array of the contributors, for scripts.")
    ] = False,
) -> None:
    """Who contributed to the store: for each contributor, how many nodes and relations it
    asserts now (not retracted) and when it last loaded (or retracted)."""
    from graph.queries.contributions import contributors as contributors_of

    with _store(existing=True) as store:
        found = contributors_of(store)
    rows = [_contributor_row(summary) for summary in found]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        err.print(
            _(
                "no contributors: nothing in the store was asserted yet; load a dataset with "
                "`rsn load DIR --contributor NAME`"
            ),
            highlight=False,
            soft_wrap=True,
        )
        return
    cells = [_contributor_cells(row) for row in rows]
    if out.is_terminal:
        table = Table()
        for column in CONTRIBUTOR_COLUMNS:
            right = column in {"nodes", "relations"}
            table.add_column(_(column), overflow="fold", justify="right" if right else "left")
        for line in cells:
            table.add_row(*(Text(cell) for cell in line))
        out.print(table)
    else:
        print(_plain_columns(_headings(CONTRIBUTOR_COLUMNS), cells), end="")


#: The columns of ``rsn contributors`` (the keys of its JSON; the headings say them in the
#: command's language).
CONTRIBUTOR_COLUMNS = (N_("contributor"), N_("nodes"), N_("relations"), N_("last_load"))


def _headings(columns: Sequence[str]) -> list[str]:
    """A table's column headings in the command's language."""
    return [_(column) for column in columns]


def _contributor_row(summary: ContributorSummary) -> dict[str, Any]:
    """One contributor as ``rsn contributors --json`` gives it."""
    return {
        "contributor": summary.contributor,
        "nodes": summary.nodes,
        "relations": summary.relations,
        "last_load": summary.last_load,
    }


def _contributor_cells(row: dict[str, Any]) -> list[str]:
    return [
        row["contributor"],
        format(row["nodes"], ","),
        format(row["relations"], ","),
        _stamp(row["last_load"]),
    ]


def _stamp(stamp: str | None) -> str:
    """A provenance time as a person reads it: to the second (``-`` for none; a text that is
    not a time, as it is)."""
    from datetime import datetime

    if stamp is None:
        return "-"
    try:
        return datetime.fromisoformat(stamp).isoformat(timespec="seconds")
    except ValueError:
        return stamp


@keys_app.command("add")
@friendly
def keys_add(
    role: Annotated[str, typer.Option(help="admin, analyst or centre.")],
    centre: Annotated[str | None, typer.Option(help="The centre id of a centre key.")] = None,
    name: Annotated[str | None, typer.Option(help="A name to list and revoke it by.")] = None,
) -> None:
    """Create an API key. The key is the last line printed; only its hash is kept."""
    from graph.errors import InvalidArgument
    from graph.store.keys import Role

    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidArgument(
            _("{value} is not a role: use admin, analyst or centre", value=repr(role))
        ) from None
    with _services(existing=True) as services:
        if chosen is Role.CENTRE and centre:
            node = services.store.get_node(centre)
            if node is None or node.kind.value != "Centre":
                raise InvalidArgument(_("{value} is not a centre in the store", value=repr(centre)))
        label = name or f"{chosen.value}-{time.strftime('%Y%m%d-%H%M%S')}"
        secret = services.keys.add(label, chosen, centre)
    err.print(
        _(
            "created key {name} ({role}); it is shown once:",
            name=repr(label),
            role=chosen.value,
        ),
        highlight=False,
    )
    print(secret)


@keys_app.command("list")
@friendly
def keys_list(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON array of the keys, for scripts.")
    ] = False,
) -> None:
    """List the keys (never the secrets). Names are never shortened."""
    with _services() as services:
        keys = services.existing_keys()
        if keys is None:
            if as_json:
                print("[]")
            err.print(
                _(
                    "no API keys in {folder} (RSN_DATA_DIR); make one with `rsn keys add`",
                    folder=_folder(services.settings.data_dir),
                ),
                highlight=False,
                soft_wrap=True,
            )
            return
        rows = [_key_row(key) for key in keys.list()]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif out.is_terminal:
        out.print(_keys_table(rows))
    else:
        print(
            _plain_columns(_headings(KEY_COLUMNS), [_key_plain_cells(row) for row in rows]),
            end="",
        )


def _key_row(key: Any) -> dict[str, Any]:
    """One key as the list shows it: name, role, centre, created, state, revoked."""
    return {
        "name": key.name,
        "role": key.role.value,
        "centre": key.centre,
        "created": key.created_at,
        "state": "active" if key.active else "revoked",
        "revoked": key.revoked_at,
    }


#: The columns of ``rsn keys list`` (headings said in the command's language).
KEY_COLUMNS = (N_("name"), N_("role"), N_("centre"), N_("created"), N_("state"))

#: A key's state as the list says it (``--json`` gives the value itself).
_KEY_STATES = {"active": N_("active"), "revoked": N_("revoked")}


def _key_cells(row: dict[str, Any]) -> list[str]:
    if row["revoked"] is None:
        state = _(_KEY_STATES.get(row["state"], row["state"]))
    else:
        state = _("revoked {at}", at=row["revoked"])
    return [row["name"], row["role"], row["centre"] or "-", row["created"], state]


def _keys_table(rows: list[dict[str, Any]]) -> Table:
    """The keys for a terminal: a cell that does not fit folds onto the next line, whole."""
    table = Table()
    for column in _headings(KEY_COLUMNS):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in _key_cells(row)))
    return table


def _key_plain_cells(row: dict[str, Any]) -> list[str]:
    """A key's cells for a pipe or a file: a name holding spaces is quoted so that the
    columns stay readable."""
    first, *rest = _key_cells(row)
    return [json.dumps(first, ensure_ascii=False) if " " in first else first, *rest]


def _plain_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table for a pipe or a file: the header, then one row a line, in aligned columns
    (by the cells a terminal gives each character: two for a Japanese one), every value
    whole, no trailing spaces."""
    cells = [list(header), *(list(row) for row in rows)]
    widths = [max(cell_len(line[i]) for line in cells) for i in range(len(header))]
    lines = [
        "  ".join(
            cell + " " * (width - cell_len(cell)) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in cells
    ]
    return "\n".join(lines) + "\n"


@keys_app.command("revoke")
@friendly
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key; requests with it get 401 at once."""
    from graph.errors import NotFound

    with _services() as services:
        keys = services.existing_keys()
        if keys is None:
            raise NotFound(
                _(
                    "no active key named {name}: {folder} (RSN_DATA_DIR) has no API keys",
                    name=repr(name),
                    folder=_folder(services.settings.data_dir),
                )
            )
        keys.revoke(name)
    out.print(_("revoked {name}", name=repr(name)), markup=False, highlight=False)


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="API server processes sharing the port (each opens the store itself).",
        ),
    ] = 1,
) -> None:
    """Serve the API on the configured store."""
    settings = _settings()
    _check_port(host, port, "")
    _serve(settings, host, port, workers)


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve the API until stopped. With several ``workers``, uvicorn starts that many
    processes on one socket; each builds the app from the environment (the settings read
    here are the same ones) and opens the store and the key store itself."""
    import uvicorn

    if workers > 1:
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        )
        return
    from api import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )


def _check_port(host: str, port: int, also: str) -> None:
    """Fail in one line, before anything starts, when ``host:port`` cannot be listened on.

    The test binds a socket the way uvicorn will (IPv6 for an address with a colon, else IPv4;
    SO_REUSEADDR, so a port left in TIME_WAIT by a server that just stopped counts as free)
    and closes it at once."""
    from graph.errors import ConfigurationError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror:
            raise ConfigurationError(
                _("cannot listen on {host}: no such address", host=repr(host))
            ) from None
        except PermissionError:
            raise ConfigurationError(
                _(
                    "port {port} on {host} needs more rights than this user has; "
                    "choose a port above 1023 with --port{also}",
                    port=port,
                    host=host,
                    also=also,
                )
            ) from None
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ConfigurationError(
                    _(
                        "port {port} on {host} is in use; stop the other server or choose "
                        "another with --port{also}",
                        port=port,
                        host=host,
                        also=also,
                    )
                ) from None
            raise ConfigurationError(
                _(
                    "cannot listen on {host} port {port}: {reason}",
                    host=host,
                    port=port,
                    reason=error.strerror,
                )
            ) from None


#: Where `rsn demo` keeps the secrets of its keys, so that they survive a restart.
DEMO_KEYS_FILE = "demo-keys.txt"


@app.command()
@friendly
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    enterprises: Annotated[int, typer.Option(min=1, help="Size of the demo dataset.")] = 3000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare everything but do not serve.")
    ] = False,
) -> None:
    """Generate the demo dataset if missing, load it, make or reuse the demo keys, serve."""
    from graph.loaders import load_dataset
    from graph.model import NodeKind
    from graph.settings import Backend
    from seeds import generate_dataset

    settings = _settings()
    if not no_serve:
        _check_port(host, port, f" (PORT={_next_port(port)} make demo)")
    if settings.backend is not Backend.EMBEDDED:
        err.print(_("note: the demo runs on the configured neo4j backend"), highlight=False)
    dataset = settings.data_dir / "demo-dataset"
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _services(settings) as services:
        with progress_bar() as progress:
            if not (dataset / "relations.csv").exists():
                generate_dataset(dataset, enterprises=enterprises, progress=progress)
            store = services.store
            report = load_dataset(dataset, store, batch_size=settings.batch_size, progress=progress)
            centre = next(iter(store.iter_nodes(NodeKind.CENTRE)), None)
            neighbour = _enterprise_near(store, centre)
        made = _demo_keys(services.keys, settings.data_dir, centre.id if centre else None)
    base = f"http://{host}:{port}"
    say = functools.partial(out.print, highlight=False, markup=False, soft_wrap=True)
    loaded = _(
        "{nodes} nodes and {relations} relations in the {backend} store at {folder}",
        nodes=format(sum(report.nodes.values()), ","),
        relations=format(report.relations, ","),
        backend=settings.backend.value,
        folder=settings.data_dir,
    )
    out.print(f"[bold]rsn demo[/]: {loaded}", highlight=False)
    links = ((_("home (sign in)"), "/"), (_("API docs"), "/docs"), (_("health"), "/health"))
    width = max(cell_len(label) for label, _path in links) + 4
    for label, path in links:
        say(f"  {_padded(label, width)}{base}{path}")
    for _name, role, bound, secret in made:
        if bound:
            key_line = _(
                "{role} key for centre {centre}: {secret}", role=role, centre=bound, secret=secret
            )
        else:
            key_line = _("{role} key: {secret}", role=role, secret=secret)
        say(f"  {key_line}")
    kept_in = settings.data_dir / DEMO_KEYS_FILE
    say("  " + _("(the same keys at every start; kept in {file})", file=kept_in))
    curl = f"curl -H 'Authorization: Bearer {made[0][3]}' {base}/v1/stats"
    say("  " + _("try: {command}", command=curl))
    for line in _cli_hints(settings.data_dir, centre.id if centre else None, neighbour):
        say(line)
    if not no_serve:
        _serve(settings, host, port)


def _padded(label: str, width: int) -> str:
    """``label`` followed by spaces up to ``width`` terminal cells (a Japanese character
    takes two), and at least one."""
    return label + " " * max(1, width - cell_len(label))


def _next_port(port: int) -> int:
    return port + 1 if port < 65535 else 8001


def _enterprise_near(store: GraphStore, centre: Node | None) -> str | None:
    """The first enterprise of the centre's prefecture, for an example command."""
    from graph.model import NodeKind

    if centre is None:
        return None
    for node in store.iter_nodes(NodeKind.ENTERPRISE):
        if node.prefecture == centre.prefecture:
            return node.id
    return None


def _demo_keys(
    keys: KeyStore, data_dir: Path, centre: str | None
) -> list[tuple[str, str, str | None, str]]:
    """The demo's keys as (name, role, centre, secret): those kept from an earlier start
    while they still work (same name, role and centre, not revoked), new ones otherwise.
    The secrets are kept in DATA/demo-keys.txt, readable by this user only."""
    from graph.store.keys import Role

    path = data_dir / DEMO_KEYS_FILE
    kept = _read_demo_keys(path)
    made = []
    for name, role in DEMO_KEYS:
        bound = centre if role == "centre" else None
        if role == "centre" and bound is None:
            continue
        secret = kept.get(name)
        key = keys.authenticate(secret) if secret else None
        if (
            secret is None
            or key is None
            or (key.name, key.role.value, key.centre) != (name, role, bound)
        ):
            secret = keys.add(name, Role(role), bound, replace=True)
        made.append((name, role, bound, secret))
    _write_private(path, "".join(f"{name} {role} {secret}\n" for name, role, _b, secret in made))
    return made


def _read_demo_keys(path: Path) -> dict[str, str]:
    """{name: secret} from a demo keys file; empty when there is none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    found = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            found[parts[0]] = parts[2]
    return found


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, replacing it in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def _cli_hints(data_dir: Path, centre: str | None, enterprise: str | None) -> list[str]:
    """How to run the command line on the demo's store from this folder."""
    command = Path(sys.argv[0])
    activate = command.parent / "activate"
    lines = ["  " + _("command line, on the same store:")]
    if data_dir != Path("data"):
        lines.append(f"    export RSN_DATA_DIR={data_dir.resolve()}")
    if activate.is_file() and not os.environ.get("VIRTUAL_ENV"):
        instead = _("(or write {command} for rsn)", command=_shown(command))
        lines.append(f"    . {_shown(activate)}    {instead}")
    lines.append("    rsn keys list")
    lines.append("    rsn weaknesses --prefecture 13")
    if centre and enterprise:
        lines.append(f"    rsn paths {enterprise} {centre}")
    return lines


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@app.command()
@friendly
def paths(
    source: Annotated[str, typer.Argument(help="The actor who wants an introduction.")],
    target: Annotated[str, typer.Argument(help="The actor they want to meet.")],
    k: Annotated[int, typer.Option("--k", help="How many paths, best first (1 to 20).")] = 3,
    max_hops: Annotated[
        int, typer.Option("--max-hops", help="The most ties a path may have (1 to 6).")
    ] = 4,
    as_of: AsOf = None,
) -> None:
    """Who can introduce SOURCE to TARGET: the best introduction paths, explained, in the
    network as it is today (or was on the day --as-of names)."""
    from graph.queries.introductions import introduction_paths

    day = _day(as_of)
    with _store(existing=True) as store:
        dated = store.as_of(day)
        found = introduction_paths(dated, source, target, k=k, max_hops=max_hops)
        names = dated.get_nodes([source, target])
    ends = {
        "source": _("{name} ({id})", name=one_line(names[source].name), id=source),
        "target": _("{name} ({id})", name=one_line(names[target].name), id=target),
    }
    if not found:
        if as_of is None:
            said = _(
                "No introduction path from {source} to {target} within {hops} ties.",
                hops=max_hops,
                **ends,
            )
        else:
            said = _(
                "No introduction path from {source} to {target} within {hops} ties as of {day}.",
                hops=max_hops,
                day=day,
                **ends,
            )
        out.print(said, markup=False, highlight=False)
        return
    if as_of is None:
        said = _("Introductions from {source} to {target}:", **ends)
    else:
        said = _("Introductions from {source} to {target} as of {day}:", day=day, **ends)
    out.print(said, markup=False, highlight=False)
    for number, path in enumerate(found, start=1):
        out.print()
        out.print(
            _n(
                "{number}. score {score}, {count} tie",
                "{number}. score {score}, {count} ties",
                path.hops,
                number=number,
                score=_number(path.score),
            ),
            style="bold",
            markup=False,
        )
        chain = " → ".join(one_line(node.name) for node in path.nodes)
        _indented(chain, 3)
        _indented(path.explanation, 3)


@app.command()
@friendly
def weaknesses(
    prefecture: Annotated[
        str | None, typer.Option(help="A JIS X 0401 code, 01 to 47; else the whole network.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Findings shown of each kind.")] = 5,
    as_of: AsOf = None,
) -> None:
    """Where the network is weak, and the next step for each finding, as it is today (or
    was on the day --as-of names)."""
    from graph.queries.weaknesses import weakness_report

    day = _day(as_of)
    with _store(existing=True) as store:
        report = weakness_report(store.as_of(day), prefecture, limit=limit)
    sizes = {"day": day, "actors": format(report.nodes, ","), "ties": format(report.edges, ",")}
    if prefecture:
        said = _(
            "Weaknesses of prefecture {prefecture} as of {day}: {actors} actors, {ties} ties",
            prefecture=prefecture,
            **sizes,
        )
    else:
        said = _(
            "Weaknesses of the whole network as of {day}: {actors} actors, {ties} ties", **sizes
        )
    out.print(said, style="bold", markup=False, highlight=False)
    for field, title in WEAKNESS_SECTIONS:
        total = report.counts[field]
        findings = getattr(report, field)
        out.print()
        out.print(
            _("{title}: {count}", title=_(title), count=format(total, ",")),
            style="bold",
            markup=False,
            highlight=False,
        )
        for finding in findings:
            named = _("{name} ({id})", name=one_line(finding.name), id=finding.id)
            out.print(f"  {named}", markup=False, highlight=False)
            _indented(finding.suggestion, 4)
        if total > len(findings):
            more = _("... and {count} more", count=format(total - len(findings), ","))
            out.print(f"  {more}", highlight=False)
    out.print()
    out.print(
        _(
            "Bridges: {bridges}; components: {components}",
            bridges=format(report.counts["bridges"], ","),
            components=format(report.counts["components"], ","),
        ),
        highlight=False,
    )
    for broker in report.brokers[:limit]:
        constraint = "-" if broker.constraint is None else _number(broker.constraint)
        line = _(
            "broker {name} ({id}): betweenness {betweenness}, constraint {constraint}",
            name=one_line(broker.name),
            id=broker.id,
            betweenness=_number(broker.betweenness),
            constraint=constraint,
        )
        out.print(f"  {line}", markup=False, highlight=False)


#: The sections of ``rsn weaknesses``: the report's field, and its title.
WEAKNESS_SECTIONS = (
    ("articulation_points", N_("Single points of failure")),
    ("isolated", N_("Isolated actors")),
    ("unfinanced_enterprises", N_("Enterprises with no financier")),
    ("unsupported_enterprises", N_("Enterprises no centre or specialist supports")),
    ("unused_assets", N_("Regional assets no enterprise uses")),
    ("overloaded_centres", N_("Centres over capacity")),
)


@app.command()
@friendly
def stats(
    as_json: Annotated[
        bool, typer.Option("--json", help="The counts as JSON, as GET /v1/stats gives them.")
    ] = False,
    as_of: AsOf = None,
) -> None:
    """How many nodes of each kind and relations of each type the network has today (or had
    on the day --as-of names): those that exist and hold that day."""
    day = _day(as_of)
    with _store(existing=True) as store:
        found = store.as_of(day).stats()
    derived = found.derived_relations
    if as_json:
        body = {"nodes": found.nodes, "relations": found.relations}
        if derived:
            body["derived_relations"] = derived
        print(json.dumps(body, indent=2))
        return
    from graph.names import kind_name, relation_name

    english = language() == DEFAULT_LANGUAGE
    title = _("the {backend} store as of {day}", backend=store.backend, day=day)
    table = Table(title=title, title_justify="left")
    table.add_column(_("nodes or relations"), overflow="fold")
    table.add_column(_("count"), justify="right")
    # English names the kinds and types as the store counts them; Japanese by their names
    for name, count in found.nodes.items():
        table.add_row(name if english else kind_name(name), format(count, ","))
    for name, count in found.relations.items():
        table.add_row(name if english else relation_name(name), format(count, ","))
    for name, count in derived.items():
        said = name if english else relation_name(name)
        table.add_row(_("{name} (derived from completed referrals)", name=said), format(count, ","))
    out.print(table)


@app.command()
@friendly
def viz(
    out_file: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    prefecture: Annotated[str | None, typer.Option(help="A JIS X 0401 code.")] = None,
    centre: Annotated[str | None, typer.Option(help="A centre id.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=3, help="Ties around the centre.")] = 1,
    as_of: AsOf = None,
) -> None:
    """Write the network page of a prefecture or of a centre's neighbourhood to a file, as
    the network is today (or was on the day --as-of names)."""
    from graph.errors import InvalidArgument
    from viz.pages import centre_view, network_page, prefecture_view

    if (prefecture is None) == (centre is None):
        raise InvalidArgument(_("give either --prefecture or --centre"))
    day = _day(as_of)
    with _store(existing=True) as store:
        dated = store.as_of(day)
        if centre is not None:
            view = centre_view(dated, centre, depth)
        else:
            assert prefecture is not None  # one of the two, as checked above
            view = prefecture_view(dated, prefecture)
    out_file.write_text(network_page(view, nav=False), encoding="utf-8")
    out.print(
        _(
            "wrote {file}: {nodes} nodes as of {day}",
            file=out_file,
            nodes=format(view.graph.number_of_nodes(), ","),
            day=day,
        ),
        markup=False,
        highlight=False,
    )


def _indented(text: str, indent: int) -> None:
    """A paragraph under its heading: wrapped to a terminal's width, or one line as it is
    for a pipe or a file (no wrapping, no trailing spaces)."""
    if out.is_terminal:
        out.print(Padding(Text(text), (0, 0, 0, indent)), highlight=False)
    else:
        print(" " * indent + text)


def _number(value: float) -> str:
    """A computed figure as a person reads it, as the API gives it: four significant digits,
    never in exponent form (0.7998000000000001 is 0.7998; 0.75 is 0.75; 6.4e-05 is 0.000064)."""
    return format(Decimal(format(readable(value), "g")), "f")


from cli.match_command import match as _match  # noqa: E402
from cli.merge_command import merge as _merge  # noqa: E402
from cli.merge_command import merges as _merges  # noqa: E402
from cli.merge_command import unmerge as _unmerge  # noqa: E402

app.command("match")(friendly(_match))
app.command("merge")(friendly(_merge))
app.command("unmerge")(friendly(_unmerge))
app.command("merges")(friendly(_merges))

from cli.audit_command import audit as _audit  # noqa: E402

app.command("audit")(friendly(_audit))


def command_line() -> Any:
    """The Click command Typer builds of :data:`app`, its help and Typer's own texts in the
    current language (:mod:`cli.translation`)."""
    from cli.translation import speak_typer, translate_help

    command = typer.main.get_command(app)
    translate_help(command)
    speak_typer()
    return command


def main() -> None:
    """Entry point of the ``rsn`` console command (it speaks :func:`cli_language`, usage
    errors and help too)."""
    from typer import rich_utils
    from typer._click import exceptions as click_errors

    from cli.translation import usage_error
    from graph.i18n import cli_language, set_language

    set_language(cli_language())
    command = command_line()
    try:
        code = command.main(standalone_mode=False)
    except click_errors.ClickException as error:
        rich_utils.rich_format_error(usage_error(error))
        sys.exit(error.exit_code)
    except typer.Abort:
        rich_utils.rich_abort_error()
        sys.exit(1)
    except KeyboardInterrupt:
        err.print(_("interrupted"))
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
