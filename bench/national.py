"""Benchmark at national scale on Neo4j: the 1M-enterprise dataset loaded with ``rsn load``,
then introductions between same-prefecture pairs, timed; the load runs in a process of its
own, so the peak memory reported is the loader's.

    python -m bench.national [--enterprises 1000000] [--pairs 200] [--reuse]

Uses the Neo4j that NEO4J_URI names (it is wiped) or, without it, starts a local one in
bench/.data with RSN_NEO4J_PAGECACHE (default 1g) of page cache. Generates the dataset into
bench/.data if missing (about 70 s). Prints the load time and rate and the introductions
p50/p99 with rsn's plugin and in plain Cypher, and writes bench/results/national.json. Each
store is warmed up first, as ``rsn serve`` does when it starts; the p50/p99 are over the
``--pairs`` questions after ``--warmup`` others, and also over all of them from the start (on
a server this run started, the first questions after a start).
``--reuse`` skips the load when the database holds the dataset already. Targets: the load
under 10 minutes, the introductions p99 at most 100 ms. Not part of ``make bench``: it takes
about 15 minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack

from bench.common import DATA, dataset, percentile, say, write_results
from bench.introductions import MAX_HOPS, K, holds, same_prefecture_pairs, timed


def _neo4j(stack: ExitStack) -> None:
    """NEO4J_* for a server to use: the one named, or a local one started here."""
    if os.environ.get("NEO4J_URI"):
        return
    from bench.__main__ import _free_port, _local_neo4j

    server = _local_neo4j().start(
        DATA / "neo4j-national",
        _free_port(),
        "bench-national-pw",
        timeout=600,
        settings={
            "server.memory.pagecache.size": os.environ.get("RSN_NEO4J_PAGECACHE", "1g"),
            # a benchmark's server needs no days of transaction logs: at 4.3 million
            # enterprises they would take more disk than the store itself
            "db.tx_log.rotation.retention_policy": "2 files",
        },
    )
    stack.callback(server.stop)
    os.environ.update(NEO4J_URI=server.uri, NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--pair-seed", type=int, default=11)
    parser.add_argument(
        "--reuse", action="store_true", help="time a database that holds the dataset, no load"
    )
    args = parser.parse_args(argv)

    from bench.loading import _in_child, _rsn_neo4j
    from graph.settings import load_settings
    from graph.store import open_store

    folder, counts = dataset(args.enterprises, args.seed)
    with ExitStack() as stack:
        _neo4j(stack)
        settings = load_settings(RSN_BACKEND="neo4j")
        load_seconds = relations = peak_mb = None
        if args.reuse:
            with open_store(settings) as store:
                reused = holds(store, counts)
            if not reused:
                raise SystemExit("--reuse: the database does not hold this dataset")
            say("the database holds the dataset already: not loading it again")
        else:
            say(f"wiping the database, loading {counts.get('relations.csv', 0):,} relations ...")
            loaded = _in_child(_rsn_neo4j, folder, settings)
            load_seconds, relations = loaded["seconds"], loaded["relations"]
            peak_mb = loaded["peak_mb"]
            say(f"loaded in {load_seconds:.0f} s, loader peak {peak_mb:,.0f} MB")
        every = same_prefecture_pairs(folder, args.warmup + args.pairs, args.pair_seed)
        introductions = {}
        for name, procedures in (("neo4j", True), ("neo4j-cypher", False)):
            say(f"timing introductions ({name}) ...")
            with open_store(settings.model_copy(update={"neo4j_procedures": procedures})) as store:
                started = time.perf_counter()
                warmed = store.warm_up()
                warm_up = {"seconds": time.perf_counter() - started, **warmed}
                first, _ = timed(store, every[: args.warmup])
                seconds, _ = timed(store, every[args.warmup :])
                introductions[name] = {
                    "plugin": store.paths_in_database,
                    "warm_up": warm_up,
                    "from_start_pairs": len(first + seconds),
                    "from_start_p50_ms": percentile(first + seconds, 0.5) * 1000,
                    "from_start_p99_ms": percentile(first + seconds, 0.99) * 1000,
                    "pairs": len(seconds),
                    "k": K,
                    "max_hops": MAX_HOPS,
                    "p50_ms": percentile(seconds, 0.5) * 1000,
                    "p99_ms": percentile(seconds, 0.99) * 1000,
                }
    found = {
        "enterprises": args.enterprises,
        "relations": relations,
        "load_seconds": load_seconds,
        "relations_per_second": relations / load_seconds if load_seconds else None,
        "loader_peak_mb": peak_mb,
        "introductions": introductions,
    }
    if load_seconds:
        print(
            f"\nnational scale on Neo4j: {relations:,} relations loaded in {load_seconds:.0f} s "
            f"({found['relations_per_second']:,.0f}/s, target < 600 s; "
            f"loader peak {peak_mb:,.0f} MB)"
        )
    for name, row in introductions.items():
        print(
            f"introductions, {name} ({'with' if row['plugin'] else 'without'} rsn's plugin): "
            f"p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms (target p99 <= 100 ms) "
            f"over {row['pairs']} same-prefecture pairs"
        )
        warm_up = dict(row["warm_up"])
        seconds = warm_up.pop("seconds")
        said = ", ".join(f"{count:,} {what}" for what, count in warm_up.items())
        print(
            f"  from the start, {row['from_start_pairs']} questions after a warm-up of "
            f"{seconds:.1f} s ({said}): p50 {row['from_start_p50_ms']:.1f} ms, "
            f"p99 {row['from_start_p99_ms']:.1f} ms"
        )
    write_results("national", found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
