"""The ``rsn`` command line. Every error is one line on stderr and a non-zero exit."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
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

from graph.errors import DatasetInvalid, RsnError

app = typer.Typer(
    name="rsn",
    help="A knowledge graph of a regional SME support network.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

out = Console()
err = Console(stderr=True)

#: Keys that `rsn demo` makes afresh each time it starts.
DEMO_KEYS = (("demo-admin", "admin"), ("demo-analyst", "analyst"), ("demo-centre", "centre"))


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


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
                err.print(f"... and {hidden} more", highlight=False)
            raise _fail(str(error)) from None
        except RsnError as error:
            raise _fail(str(error)) from None
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            raise _fail(f"{error.strerror or error}{where}") from None
        except KeyboardInterrupt:
            raise _fail("interrupted", 130) from None
        except typer.Exit:
            raise
        except Exception as error:
            if os.environ.get("RSN_DEBUG"):
                raise
            raise _fail(
                f"unexpected {type(error).__name__}: {error} (set RSN_DEBUG=1 to see where)"
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


def _settings():
    from graph.settings import load_settings

    return load_settings()


@contextmanager
def _store():
    from graph.store import open_store

    store = open_store(_settings())
    try:
        yield store
    finally:
        store.close()


@app.command()
@friendly
def seed(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the dataset into.")],
    enterprises: Annotated[int, typer.Option(min=1, help="How many enterprises.")] = 3000,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed.")] = 2008,
) -> None:
    """Write a synthetic, deterministic dataset of Japan's SME support network."""
    from seeds import generate_dataset

    started = time.perf_counter()
    with progress_bar() as progress:
        counts = generate_dataset(
            out_dir, enterprises=enterprises, seed=seed_value, progress=progress
        )
    _print_counts(counts, f"wrote {out_dir} in {time.perf_counter() - started:.1f} s")


def _print_counts(counts: dict[str, int], title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
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
) -> None:
    """Validate a dataset and load it into the configured store (all or nothing by default)."""
    from graph.loaders import load_dataset

    settings = _settings()
    if skip_invalid and rejects is None:
        rejects = Path("rejects.csv")
    with _store() as store, progress_bar() as progress:
        report = load_dataset(
            folder,
            store,
            skip_invalid=skip_invalid,
            rejects=rejects,
            batch_size=settings.batch_size,
            progress=progress,
        )
    nodes = sum(report.nodes.values())
    out.print(
        f"loaded {nodes:,} nodes and {report.relations:,} relations into the {store.backend} "
        f"store in {report.seconds:.1f} s"
    )
    if report.rejected:
        err.print(
            f"rejected {report.rejected:,} rows; see {report.rejects_file}",
            highlight=False,
        )


@app.command()
@friendly
def export(
    folder: Annotated[Path, typer.Argument(help="Folder to write the dataset into.")],
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            help="dataset (loads back with rsn load) or neo4j-admin (for neo4j-admin "
            "database import, a first load of a large network into an empty Neo4j).",
        ),
    ] = "dataset",
) -> None:
    """Write the whole store as a dataset that loads back unchanged."""
    from graph.errors import InvalidArgument
    from graph.loaders import export_dataset
    from graph.loaders.neo4j_admin import export_neo4j_admin

    writers = {"dataset": export_dataset, "neo4j-admin": export_neo4j_admin}
    if format_ not in writers:
        raise InvalidArgument(f"--format {format_!r}: use dataset or neo4j-admin")
    started = time.perf_counter()
    with _store() as store, progress_bar() as progress:
        counts = writers[format_](store, folder, progress)
    _print_counts(counts, f"exported to {folder} in {time.perf_counter() - started:.1f} s")


@keys_app.command("add")
@friendly
def keys_add(
    role: Annotated[str, typer.Option(help="admin, analyst or centre.")],
    centre: Annotated[str | None, typer.Option(help="The centre id of a centre key.")] = None,
    name: Annotated[str | None, typer.Option(help="A name to list and revoke it by.")] = None,
) -> None:
    """Create an API key. The key is the last line printed; only its hash is kept."""
    from api.keys import KeyStore, Role
    from graph.errors import InvalidArgument

    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidArgument(f"{role!r} is not a role: use admin, analyst or centre") from None
    settings = _settings()
    if chosen is Role.CENTRE and centre:
        with _store() as store:
            node = store.get_node(centre)
            if node is None or node.kind.value != "Centre":
                raise InvalidArgument(f"{centre!r} is not a centre in the store")
    keys = KeyStore(settings.data_dir)
    try:
        label = name or f"{chosen.value}-{time.strftime('%Y%m%d-%H%M%S')}"
        secret = keys.add(label, chosen, centre)
    finally:
        keys.close()
    err.print(f"created key {label!r} ({chosen.value}); it is shown once:", highlight=False)
    print(secret)


@keys_app.command("list")
@friendly
def keys_list() -> None:
    """List the keys (never the secrets)."""
    from api.keys import KeyStore

    keys = KeyStore(_settings().data_dir)
    try:
        table = Table()
        for column in ("name", "role", "centre", "created", "state"):
            table.add_column(column)
        for key in keys.list():
            state = "active" if key.active else f"revoked {key.revoked_at}"
            table.add_row(key.name, key.role.value, key.centre or "", key.created_at, state)
        out.print(table)
    finally:
        keys.close()


@keys_app.command("revoke")
@friendly
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key; requests with it get 401 at once."""
    from api.keys import KeyStore

    keys = KeyStore(_settings().data_dir)
    try:
        keys.revoke(name)
    finally:
        keys.close()
    out.print(f"revoked {name!r}")


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the API on the configured store."""
    _serve(_settings(), host, port)


def _serve(settings: Any, host: str, port: int) -> None:
    import uvicorn

    from api import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
@friendly
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    enterprises: Annotated[int, typer.Option(min=1, help="Size of the demo dataset.")] = 3000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare everything but do not serve.")
    ] = False,
) -> None:
    """Generate the demo dataset if missing, load it, make demo keys and serve the API."""
    from api.keys import KeyStore, Role
    from graph.loaders import load_dataset
    from graph.model import NodeKind
    from graph.settings import Backend
    from graph.store import open_store
    from seeds import generate_dataset

    settings = _settings()
    if settings.backend is not Backend.EMBEDDED:
        err.print("note: the demo runs on the configured neo4j backend", highlight=False)
    dataset = settings.data_dir / "demo-dataset"
    with progress_bar() as progress:
        if not (dataset / "relations.csv").exists():
            generate_dataset(dataset, enterprises=enterprises, progress=progress)
        store = open_store(settings)
        try:
            report = load_dataset(dataset, store, batch_size=settings.batch_size, progress=progress)
            centre = next(iter(store.iter_nodes(NodeKind.CENTRE)), None)
        finally:
            store.close()
    keys = KeyStore(settings.data_dir)
    try:
        made = []
        for name, role in DEMO_KEYS:
            bound = centre.id if role == "centre" and centre else None
            if role == "centre" and bound is None:
                continue
            made.append((name, role, bound, keys.add(name, Role(role), bound, replace=True)))
    finally:
        keys.close()
    base = f"http://{host}:{port}"
    out.print(
        f"[bold]rsn demo[/]: {sum(report.nodes.values()):,} nodes and {report.relations:,} "
        f"relations in the {settings.backend.value} store at {settings.data_dir}"
    )
    out.print(f"  home (sign in)    {base}/")
    out.print(f"  API docs          {base}/docs")
    out.print(f"  health            {base}/health")
    for _name, role, bound, secret in made:
        where = f" for centre {bound}" if bound else ""
        out.print(f"  {role} key{where}: {secret}", highlight=False, soft_wrap=True)
    out.print(
        f"  try: curl -H 'Authorization: Bearer {made[0][3]}' {base}/v1/stats", soft_wrap=True
    )
    if not no_serve:
        _serve(settings, host, port)


@app.command()
@friendly
def paths(
    source: Annotated[str, typer.Argument(help="The actor who wants an introduction.")],
    target: Annotated[str, typer.Argument(help="The actor they want to meet.")],
    k: Annotated[int, typer.Option("--k", help="How many paths, best first (1 to 20).")] = 3,
    max_hops: Annotated[
        int, typer.Option("--max-hops", help="The most ties a path may have (1 to 6).")
    ] = 4,
) -> None:
    """Who can introduce SOURCE to TARGET: the best introduction paths, explained."""
    from graph.queries.introductions import introduction_paths

    with _store() as store:
        found = introduction_paths(store, source, target, k=k, max_hops=max_hops)
        names = store.get_nodes([source, target])
    heading = (
        f"{_one_line(names[source].name)} ({source}) to {_one_line(names[target].name)} ({target})"
    )
    if not found:
        out.print(
            f"No introduction path from {heading} within {max_hops} ties.",
            markup=False,
            highlight=False,
        )
        return
    out.print(f"Introductions from {heading}:", markup=False, highlight=False)
    for number, path in enumerate(found, start=1):
        ties = "tie" if path.hops == 1 else "ties"
        out.print()
        out.print(
            f"{number}. score {path.score:.3f}, {path.hops} {ties}", style="bold", markup=False
        )
        chain = " → ".join(_one_line(node.name) for node in path.nodes)
        out.print(Padding(Text(chain), (0, 0, 0, 3)), highlight=False)
        out.print(Padding(Text(path.explanation), (0, 0, 0, 3)), highlight=False)


@app.command()
@friendly
def weaknesses(
    prefecture: Annotated[
        str | None, typer.Option(help="A JIS X 0401 code, 01 to 47; else the whole network.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Findings shown of each kind.")] = 5,
) -> None:
    """Where the network is weak, and the next step for each finding."""
    from graph.queries.weaknesses import weakness_report

    with _store() as store:
        report = weakness_report(store, prefecture, limit=limit)
    where = f"prefecture {prefecture}" if prefecture else "the whole network"
    out.print(
        f"Weaknesses of {where}: {report.nodes:,} actors, {report.edges:,} ties",
        style="bold",
        markup=False,
        highlight=False,
    )
    sections = (
        ("articulation_points", "Single points of failure"),
        ("isolated", "Isolated actors"),
        ("unfinanced_enterprises", "Enterprises with no financier"),
        ("unsupported_enterprises", "Enterprises no centre or specialist supports"),
        ("unused_assets", "Regional assets no enterprise uses"),
        ("overloaded_centres", "Centres over capacity"),
    )
    for field, title in sections:
        total = report.counts[field]
        findings = getattr(report, field)
        out.print()
        out.print(f"{title}: {total:,}", style="bold", markup=False, highlight=False)
        for finding in findings:
            out.print(f"  {_one_line(finding.name)} ({finding.id})", markup=False, highlight=False)
            out.print(Padding(Text(finding.suggestion), (0, 0, 0, 4)), highlight=False)
        if total > len(findings):
            out.print(f"  ... and {total - len(findings):,} more", highlight=False)
    out.print()
    out.print(
        f"Bridges: {report.counts['bridges']:,}; components: {report.counts['components']:,}",
        highlight=False,
    )
    for broker in report.brokers[:limit]:
        constraint = "-" if broker.constraint is None else f"{broker.constraint:.3f}"
        out.print(
            f"  broker {_one_line(broker.name)} ({broker.id}): betweenness "
            f"{broker.betweenness:.4f}, constraint {constraint}",
            markup=False,
            highlight=False,
        )


@app.command()
@friendly
def viz(
    out_file: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    prefecture: Annotated[str | None, typer.Option(help="A JIS X 0401 code.")] = None,
    centre: Annotated[str | None, typer.Option(help="A centre id.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=3, help="Ties around the centre.")] = 1,
) -> None:
    """Write the network page of a prefecture or of a centre's neighbourhood to a file."""
    from graph.errors import InvalidArgument
    from viz.pages import centre_view, network_page, prefecture_view

    if (prefecture is None) == (centre is None):
        raise InvalidArgument("give either --prefecture or --centre")
    with _store() as store:
        if centre is not None:
            view = centre_view(store, centre, depth)
        else:
            view = prefecture_view(store, prefecture)
    out_file.write_text(network_page(view, nav=False), encoding="utf-8")
    out.print(
        f"wrote {out_file}: {view.graph.number_of_nodes():,} nodes", markup=False, highlight=False
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main() -> None:
    """Entry point of the ``rsn`` console command."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
