"""Benchmark at national scale on Neo4j: the 1M-enterprise dataset loaded with ``rsn load``,
then introductions between same-prefecture pairs, timed.

    python -m bench.national [--enterprises 1000000] [--pairs 200]

Uses the Neo4j that NEO4J_URI names (it is wiped) or, without it, starts a local one in
bench/.data with RSN_NEO4J_PAGECACHE (default 1g) of page cache. Generates the dataset into
bench/.data if missing (about 70 s). Prints the load time and rate and the introductions
p50/p99, and writes bench/results/national.json. Targets: the load under 10 minutes, the
introductions p99 at most 100 ms. Not part of ``make bench``: it takes about 15 minutes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from contextlib import ExitStack

from bench.common import DATA, dataset, percentile, say, write_results
from bench.introductions import MAX_HOPS, K, same_prefecture_pairs, timed


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
        settings={"server.memory.pagecache.size": os.environ.get("RSN_NEO4J_PAGECACHE", "1g")},
    )
    stack.callback(server.stop)
    os.environ.update(NEO4J_URI=server.uri, NEO4J_USER=server.user, NEO4J_PASSWORD=server.password)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args(argv)

    from bench.loading import _wipe
    from graph.loaders import load_dataset
    from graph.settings import load_settings
    from graph.store import open_store

    folder, counts = dataset(args.enterprises, args.seed)
    with ExitStack() as stack:
        _neo4j(stack)
        settings = load_settings(RSN_BACKEND="neo4j")
        say("wiping the database ...")
        _wipe(settings)
        with open_store(settings) as store:
            say(f"loading {counts.get('relations.csv', 0):,} relations ...")
            started = time.perf_counter()
            report = load_dataset(folder, store)
            load_seconds = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            say(f"loaded in {load_seconds:.0f} s; timing introductions ...")
            every = same_prefecture_pairs(folder, args.warmup + args.pairs, 11)
            timed(store, every[: args.warmup])
            seconds, _ = timed(store, every[args.warmup :])
    found = {
        "enterprises": args.enterprises,
        "relations": report.relations,
        "load_seconds": load_seconds,
        "relations_per_second": report.relations / load_seconds,
        "loader_peak_mb": peak_mb,
        "introductions": {
            "pairs": len(seconds),
            "k": K,
            "max_hops": MAX_HOPS,
            "p50_ms": percentile(seconds, 0.5) * 1000,
            "p99_ms": percentile(seconds, 0.99) * 1000,
        },
    }
    print(
        f"\nnational scale on Neo4j: {report.relations:,} relations loaded in "
        f"{load_seconds:.0f} s ({found['relations_per_second']:,.0f}/s, target < 600 s; "
        f"loader peak {peak_mb:,.0f} MB); introductions p50 "
        f"{found['introductions']['p50_ms']:.1f} ms, p99 {found['introductions']['p99_ms']:.1f} "
        f"ms (target p99 <= 100 ms) over {len(seconds)} same-prefecture pairs"
    )
    write_results("national", found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
