"""Benchmark of valid time and provenance: questions as of a past day beside today's, the
density history, and what recording provenance costs a load.

    python -m bench.history --enterprises 100000 [--backend embedded|neo4j|both]

On the store of bench/introductions.py (the same dataset, loaded once):
- introductions (k=3, max_hops=4) between the same pairs as of today and as of 1 April 2015,
  each pair asked both ways in turn, p50 and p99 side by side, and their ratio (target: the
  past day at most 2x today);
- ``density_history`` by prefecture from 2008 to this year (target: under 10 s).
On the embedded store, beside it: the dataset's nodes and relations loaded (validated, then
written in one bulk load) with their assertions recorded, as every load does, and without,
as rsn wrote them before it kept provenance, each into a new store (target: within 15%).
Prints a table and writes bench/results/history.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import percentile, write_results
from bench.introductions import (
    DATA,
    answer,
    dataset,
    open_backend,
    ready,
    same_prefecture_pairs,
    say,
)
from graph.collector import collector_paused
from graph.loaders.dataset import validate_dataset
from graph.provenance import Attribution
from graph.queries.history import density_history
from graph.store.embedded import EmbeddedStore
from graph.valid_time import today

PAST_DAY = "2015-04-01"
BATCH = 10_000


def _timed_pairs(store, pairs, day: str | None) -> list[float]:
    seconds = []
    for pair in pairs:
        started = time.perf_counter()
        answer(store, pair, day)
        seconds.append(time.perf_counter() - started)
    return seconds


def _load_seconds(folder: Path, record: bool) -> tuple[float, int]:
    """Seconds to load the dataset's nodes and relations into a new embedded store (validate,
    then write in one bulk load, as ``load_dataset`` does), recording assertions or not; and
    how many relations were written."""
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        with EmbeddedStore(Path(tmp) / "store", watch_seconds=None) as store:
            with collector_paused():
                started = time.perf_counter()
                checked = validate_dataset(folder, store)
                nodes = [n for by_id in checked.nodes.values() for n in by_id.values()]
                relations = list(checked.relations.values())
                with store.bulk(by=Attribution("bench", record=record)) as writer:
                    for start in range(0, len(nodes), BATCH):
                        writer.upsert_nodes(nodes[start : start + BATCH])
                    for start in range(0, len(relations), BATCH):
                        writer.upsert_relations(relations[start : start + BATCH])
                return time.perf_counter() - started, len(relations)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--pairs", type=int, default=200, help="measured pairs")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the load comparison")
    args = parser.parse_args(argv)

    folder, counts = dataset(args.enterprises, args.seed)
    candidates = same_prefecture_pairs(folder, 4 * (args.warmup + args.pairs), 11)
    names = {"embedded": ["embedded"], "neo4j": ["neo4j"], "both": ["embedded", "neo4j"]}
    backends: dict[str, Any] = {}
    last_year = date.today().year
    for name in names[args.backend]:
        with open_backend(name, args.enterprises, args.seed) as store:
            ready(store, folder, counts)
            # pairs of actors that exist on both days (a firm founded since is not in 2015, a
            # retired specialist not today)
            past, now = store.as_of(PAST_DAY), store.as_of(today())
            every = [p for p in candidates if len(past.get_nodes(p)) == 2 == len(now.get_nodes(p))]
            warmup, pairs = every[: args.warmup], every[args.warmup : args.warmup + args.pairs]
            say(f"{name}: introductions today and as of {PAST_DAY}, {len(pairs)} pairs ...")
            _timed_pairs(store, warmup, None)
            _timed_pairs(store, warmup, PAST_DAY)
            today_s, past_s = [], []
            for index, pair in enumerate(pairs):  # in turns, so both see the same machine
                order = [(None, today_s), (PAST_DAY, past_s)]
                for day, into in order if index % 2 else reversed(order):
                    into.extend(_timed_pairs(store, [pair], day))
            say(f"{name}: density history 2008-{last_year} ...")
            started = time.perf_counter()
            rows = density_history(store, "prefecture", 2008, last_year)
            history_s = time.perf_counter() - started
            backends[name] = {
                "today_p50_ms": percentile(today_s, 0.5) * 1000,
                "today_p99_ms": percentile(today_s, 0.99) * 1000,
                "past_p50_ms": percentile(past_s, 0.5) * 1000,
                "past_p99_ms": percentile(past_s, 0.99) * 1000,
                "history_seconds": history_s,
                "history_rows": len(rows),
            }
            row = backends[name]
            row["p50_ratio"] = row["past_p50_ms"] / row["today_p50_ms"]
            row["p99_ratio"] = row["past_p99_ms"] / row["today_p99_ms"]
    writing: dict[str, Any] = {}
    if "embedded" in names[args.backend]:
        plain, recorded = [], []
        for round_ in range(args.rounds):
            say(f"embedded: loading with and without provenance (round {round_ + 1}) ...")
            for record, into in ((False, plain), (True, recorded)):
                seconds, relations = _load_seconds(folder, record)
                into.append(relations / seconds)
        writing = {
            "without_provenance_rel_per_s": max(plain),
            "with_provenance_rel_per_s": max(recorded),
            "rate_ratio": max(recorded) / max(plain),
        }
    report = {"enterprises": args.enterprises, "past_day": PAST_DAY, "backends": backends}
    report["writing"] = writing
    print(
        f"\n{'':<10}{'today p50':>11}{'p99':>9}{'past p50':>10}{'p99':>9}{'ratio p99':>11}"
        f"{'history s':>11}"
    )
    for name, row in backends.items():
        print(
            f"{name:<10}{row['today_p50_ms']:>11.1f}{row['today_p99_ms']:>9.1f}"
            f"{row['past_p50_ms']:>10.1f}{row['past_p99_ms']:>9.1f}{row['p99_ratio']:>11.2f}"
            f"{row['history_seconds']:>11.1f}"
        )
    if writing:
        print(
            f"embedded load: {writing['with_provenance_rel_per_s']:,.0f} rel/s with "
            f"provenance, {writing['without_provenance_rel_per_s']:,.0f} without "
            f"(ratio {writing['rate_ratio']:.2f})"
        )
    write_results("history", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
