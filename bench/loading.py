"""Benchmark of loading: rsn's loader beside a bare baseline on each backend, in one run.

    python -m bench.loading --enterprises 100000 [--backend embedded|neo4j|both]

- embedded: ``load_dataset`` into a new embedded store (validation, SQLite, the in-memory
  graph) beside a bare ``csv`` + NetworkX build of the same graph, each in a fresh process so
  its peak memory is its own.
- neo4j: ``load_dataset`` (validation, then the store's bulk writer; in a fresh process, so
  its peak memory, the loader's, is its own) beside a bare driver baseline: ``UNWIND $rows
  CREATE`` of the same rows in batches of the same size, no validation, no MERGE, on the same
  indexes, one session. Both run once on a 20,000-enterprise dataset first, to warm the
  server. The database NEO4J_URI names is WIPED before each run.
- neo4j-admin: the national first load, ``rsn export --format neo4j-admin`` from an embedded
  store holding the dataset (loaded first, not timed) and ``neo4j-admin database import full``
  into a new database of a local Neo4j (tools/neo4j), beside the same bare baseline.

Prints a table with each figure beside its baseline and the ratio, and writes
bench/results/loading.json.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import dataset, say, write_results
from graph.model import FILE_KIND

BATCH = 10_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(target, *args) -> dict[str, Any]:
    """Run ``target(*args)`` in a fresh process; its result and its own peak memory."""
    parent, child = multiprocessing.Pipe(duplex=False)

    def run() -> None:
        result = target(*args)
        child.send({**result, "peak_mb": _peak_mb()})

    process = multiprocessing.get_context("fork").Process(target=run)
    process.start()
    result = parent.recv()
    process.join()
    return result


# -- embedded --------------------------------------------------------------------------


def _rsn_embedded(folder: Path) -> dict[str, Any]:
    from graph.loaders import load_dataset
    from graph.store.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as where, EmbeddedStore(Path(where)) as store:
        started = time.perf_counter()
        report = load_dataset(folder, store, batch_size=BATCH)
        return {"seconds": time.perf_counter() - started, "relations": report.relations}


def _bare_networkx(folder: Path) -> dict[str, Any]:
    import networkx as nx

    started = time.perf_counter()
    graph = nx.MultiDiGraph()
    for name in FILE_KIND:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                graph.add_node(row.pop("id"), **row)
    relations = 0
    with (folder / "relations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            graph.add_edge(
                row["source"],
                row["target"],
                key=row["type"],
                strength=float(row["strength"] or 0.5),
                since=row["since"],
            )
            relations += 1
    return {"seconds": time.perf_counter() - started, "relations": relations}


# -- neo4j -----------------------------------------------------------------------------


def _wipe(settings) -> None:
    """Delete everything in the database ``settings`` name: the relationships first, then
    the nodes, in transactions small enough for a 1 GB server's transaction memory (a hub's
    ties with their provenance, or a few hundred hub merges' snapshots, deleted at once pass
    it)."""
    from neo4j import GraphDatabase

    uri, user, password = settings.require_neo4j()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session() as session:
        session.run(
            "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
        ).consume()
        # a merge's record keeps the snapshot of what it changed (a hub's, megabytes)
        session.run("MATCH (n:RsnMerge) CALL (n) { DELETE n } IN TRANSACTIONS OF 10 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _rsn_neo4j(folder: Path, settings) -> dict[str, Any]:
    from graph.loaders import load_dataset
    from graph.store import open_store

    _wipe(settings)
    with open_store(settings) as store:
        started = time.perf_counter()
        report = load_dataset(folder, store, batch_size=BATCH)
        return {"seconds": time.perf_counter() - started, "relations": report.relations}


def _bare_neo4j(folder: Path, settings) -> dict[str, Any]:
    from neo4j import GraphDatabase

    from graph.store import open_store

    _wipe(settings)
    with open_store(settings):  # the same constraints and indexes
        pass
    uri, user, password = settings.require_neo4j()
    label: dict[str, str] = {}
    started = time.perf_counter()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        for name, kind in FILE_KIND.items():
            with (folder / name).open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            for row in rows:
                label[row["id"]] = kind.value
            for start in range(0, len(rows), BATCH):
                driver.execute_query(
                    f"UNWIND $rows AS row CREATE (n:`{kind.value}`) SET n = row",
                    rows=rows[start : start + BATCH],
                )
        groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        relations = 0
        with (folder / "relations.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (row["type"], label[row["source"]], label[row["target"]])
                groups[key].append(row)
                relations += 1
        for (kind, source, target), rows in groups.items():
            statement = (
                f"UNWIND $rows AS row MATCH (a:`{source}` {{id: row.source}}) "
                f"MATCH (b:`{target}` {{id: row.target}}) "
                f"CREATE (a)-[r:`{kind}`]->(b) SET r.strength = row.strength, r.since = row.since"
            )
            for start in range(0, len(rows), BATCH):
                driver.execute_query(statement, rows=rows[start : start + BATCH])
    return {"seconds": time.perf_counter() - started, "relations": relations}


def _rsn_admin_import(folder: Path) -> dict[str, Any]:
    from bench.__main__ import _local_neo4j
    from graph.loaders import load_dataset
    from graph.loaders.neo4j_admin import export_neo4j_admin, import_arguments
    from graph.store.embedded import EmbeddedStore

    local = _local_neo4j()
    with tempfile.TemporaryDirectory() as where:
        where = Path(where)
        with EmbeddedStore(where / "embedded") as store:
            report = load_dataset(folder, store, batch_size=BATCH)
            started = time.perf_counter()
            export_neo4j_admin(store, where / "admin")
        exported = time.perf_counter() - started
        code = local.admin(import_arguments(where / "admin"), where / "home", check=False)
        if code != 0:
            raise RuntimeError(f"neo4j-admin database import failed with exit code {code}")
        seconds = time.perf_counter() - started
    say(f"neo4j-admin: export {exported:.1f} s, import {seconds - exported:.1f} s")
    return {"seconds": seconds, "relations": report.relations}


# -- the table -------------------------------------------------------------------------


#: The dataset both Neo4j loaders run on once before they are timed: with 5,000 (31,000
#: relations) the loader timed first still met a server compiling its write paths and
#: measured about 30% slower than on a warm one.
WARM_UP_ENTERPRISES = 20_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--backend", choices=["embedded", "neo4j", "both"], default="both")
    args = parser.parse_args(argv)
    folder, counts = dataset(args.enterprises, args.seed)
    rows = []
    if args.backend in ("embedded", "both"):
        say("embedded: rsn loader ...")
        mine = _in_child(_rsn_embedded, folder)
        say("embedded: bare csv + networkx ...")
        base = _in_child(_bare_networkx, folder)
        rows.append(("embedded", mine, base, "csv + networkx"))
    if args.backend in ("neo4j", "both"):
        from graph.settings import Backend, load_settings

        settings = load_settings(RSN_BACKEND=Backend.NEO4J.value)
        # both loaders once on a small dataset first, so that neither pays for the server's
        # cold start (its code not yet compiled, its page cache empty)
        warm_up = min(WARM_UP_ENTERPRISES, args.enterprises)
        warm, _ = dataset(warm_up, args.seed)
        say(f"neo4j: warming up the server on {warm_up:,} enterprises ...")
        _rsn_neo4j(warm, settings)
        _bare_neo4j(warm, settings)
        say("neo4j: rsn loader (the database is wiped) ...")
        mine = _in_child(_rsn_neo4j, folder, settings)
        say("neo4j: bare UNWIND CREATE ...")
        base = _bare_neo4j(folder, settings)
        _wipe(settings)
        rows.append(("neo4j", mine, base, "UNWIND CREATE"))
        say("neo4j-admin: export, then offline import into a new database ...")
        rows.append(("neo4j-admin", _rsn_admin_import(folder), base, "UNWIND CREATE"))
    table = []
    print(f"\nloading {counts['relations.csv']:,} relations ({args.enterprises:,} enterprises)")
    print(
        f"{'backend':12} {'rsn s':>8} {'rsn rel/s':>10} {'base s':>8} {'base rel/s':>10} "
        f"{'rate ratio':>10} {'rsn MB':>8} {'base MB':>8}  baseline"
    )
    for name, mine, base, what in rows:
        rate, base_rate = (mine["relations"] / mine["seconds"], base["relations"] / base["seconds"])
        entry = {
            "backend": name,
            "rsn_seconds": mine["seconds"],
            "rsn_relations_per_second": rate,
            "rsn_peak_mb": mine.get("peak_mb"),
            "baseline": what,
            "baseline_seconds": base["seconds"],
            "baseline_relations_per_second": base_rate,
            "baseline_peak_mb": base.get("peak_mb"),
            "rate_ratio": rate / base_rate,
        }
        table.append(entry)
        print(
            f"{name:12} {mine['seconds']:8.1f} {rate:10,.0f} {base['seconds']:8.1f} "
            f"{base_rate:10,.0f} {rate / base_rate:10.2f} "
            f"{mine.get('peak_mb') or 0:8.0f} {base.get('peak_mb') or 0:8.0f}  {what}"
        )
    write_results("loading", {"enterprises": args.enterprises, "counts": counts, "results": table})
    return 0


if __name__ == "__main__":
    sys.exit(main())
