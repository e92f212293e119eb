"""Benchmark of introduction paths: each backend against brute-force enumeration, side by side.

    python -m bench.introductions --enterprises 100000 [--backend embedded|neo4j|both]
        [--pairs 200] [--brute-pairs 20] [--cap 5]

The synthetic dataset (``seeds.generate_dataset``) is made once and kept under bench/.data/
with the embedded store loaded from it; the Neo4j backend uses the server the environment names
(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD), which must be empty or hold exactly this dataset.
It is timed twice: as rsn uses it (``neo4j``: with rsn's plugin, which the local server has)
and in plain Cypher (``neo4j-cypher``), the way any Neo4j without the plugin answers.
Pairs are random actors of the same prefecture (fixed seed). Each backend answers
``introduction_paths(k=3, max_hops=4)`` for a set of warm-up pairs, then for the measured
pairs. The brute force enumerates every simple path of at most 4 ties with networkx on the
same actor projection, for a subset of the same pairs, stopping a pair after ``--cap`` seconds
(then its time is a lower bound and the pair is counted as capped). Where it finishes, its top
3 must equal each backend's answer. Prints a table and writes bench/results/introductions.json.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import networkx as nx

from bench.common import DATA, dataset, percentile, say, write_results
from graph.loaders import load_dataset
from graph.model import FILE_KIND
from graph.queries.introductions import introduction_paths
from graph.settings import load_settings
from graph.store import GraphStore, open_store
from graph.store.embedded import EmbeddedStore
from graph.valid_time import today

K, MAX_HOPS = 3, 4
ACTOR_FILES = ("enterprises.csv", "centres.csv", "financiers.csv", "specialists.csv")


def holds(store: GraphStore, counts: dict[str, int]) -> bool | None:
    """True if the store holds as many nodes and relations as the dataset, None if empty."""
    stats = store.stats()
    nodes, relations = sum(stats.nodes.values()), sum(stats.relations.values())
    if nodes == 0:
        return None
    wanted = sum(n for name, n in counts.items() if name in FILE_KIND)
    return nodes == wanted and relations == counts["relations.csv"]


def ready(store: GraphStore, folder: Path, counts: dict[str, int]) -> float:
    """Load the dataset into ``store`` unless it already holds it; the seconds it took."""
    state = holds(store, counts)
    if state:
        return 0.0
    if state is False:
        raise SystemExit(
            f"the {store.backend} store holds other data; point it at an empty database "
            "(or one holding this dataset)"
        )
    say(f"loading {folder.name} into the {store.backend} store ...")
    started = time.perf_counter()
    load_dataset(folder, store)
    return time.perf_counter() - started


def open_backend(name: str, enterprises: int, seed: int) -> GraphStore:
    """``embedded``; ``neo4j``, with rsn's plugin where the server has it; ``neo4j-cypher``,
    the same server in plain Cypher, for comparison."""
    if name == "embedded":
        return EmbeddedStore(DATA / f"embedded-{enterprises}-{seed}")
    store = open_store(load_settings(RSN_BACKEND="neo4j", RSN_NEO4J_PROCEDURES=name == "neo4j"))
    if name == "neo4j" and not store.paths_in_database:
        say("note: this Neo4j has no rsn plugin, so the neo4j row is plain Cypher too")
    return store


def same_prefecture_pairs(folder: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` random pairs of distinct actors of the same prefecture."""
    by_prefecture: dict[str, list[str]] = defaultdict(list)
    for name in ACTOR_FILES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("prefecture") and not row.get("ended"):  # asked as of today
                    by_prefecture[row["prefecture"]].append(row["id"])
    actors = [(code, node_id) for code, ids in sorted(by_prefecture.items()) for node_id in ids]
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        code, source = rng.choice(actors)
        target = rng.choice(by_prefecture[code])
        if target != source:
            pairs.append((source, target))
    return pairs


# -- measuring --------------------------------------------------------------------------


def answer(
    store: GraphStore, pair: tuple[str, str], day: str | None = None
) -> list[tuple[tuple[str, ...], float]]:
    """The introductions between ``pair`` as of ``day`` (today, as the API asks, for None)."""
    found = introduction_paths(
        store.as_of(day or today()), pair[0], pair[1], k=K, max_hops=MAX_HOPS
    )
    return [(tuple(node.id for node in path.nodes), path.score) for path in found]


def timed(store: GraphStore, pairs: list[tuple[str, str]]) -> tuple[list[float], list[Any]]:
    seconds, answers = [], []
    for pair in pairs:
        started = time.perf_counter()
        answers.append(answer(store, pair))
        seconds.append(time.perf_counter() - started)
    return seconds, answers


def _enumerate(graph: nx.Graph, pair: tuple[str, str], sender: Connection) -> None:
    """Every simple path of at most MAX_HOPS ties, scored and sorted; sends (seconds, top k)."""
    started = time.perf_counter()
    scored = []
    for path in nx.all_simple_paths(graph, pair[0], pair[1], MAX_HOPS):
        score = 1.0
        for u, v in zip(path, path[1:], strict=False):
            score *= graph.edges[u, v]["strength"]
        scored.append((tuple(path), score))
    scored.sort(key=lambda item: (-item[1], len(item[0]), item[0]))
    sender.send((time.perf_counter() - started, scored[:K]))


def brute_force(graph: nx.Graph, pair: tuple[str, str], cap: float):
    """(seconds, top k) of the enumeration, or (cap, None) when it runs past ``cap`` seconds.

    It runs in a forked process (which shares the graph) so that it can be stopped at the cap
    even inside networkx's generator."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_enumerate, args=(graph, pair, sender), daemon=True)
    worker.start()
    try:
        if receiver.poll(cap):
            return receiver.recv()
        return cap, None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()


def same_answer(mine: list, reference: list) -> bool:
    return [p for p, _ in mine] == [p for p, _ in reference] and all(
        abs(a - b) <= 1e-9 for (_, a), (_, b) in zip(mine, reference, strict=True)
    )


# -- the run ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.introductions", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--pairs", type=int, default=200, help="measured pairs")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up pairs (others)")
    parser.add_argument("--brute-pairs", type=int, default=20, help="pairs for brute force")
    parser.add_argument("--cap", type=float, default=5.0, help="brute-force seconds per pair")
    parser.add_argument("--pair-seed", type=int, default=7)
    args = parser.parse_args(argv)

    folder, counts = dataset(args.enterprises, args.seed)
    every = same_prefecture_pairs(folder, args.warmup + args.pairs, args.pair_seed)
    warmup, pairs = every[: args.warmup], every[args.warmup :]
    backends = {
        "embedded": ["embedded"],
        "neo4j": ["neo4j", "neo4j-cypher"],
        "both": ["embedded", "neo4j", "neo4j-cypher"],
    }[args.backend]

    results: dict[str, Any] = {}
    answers: dict[str, list] = {}
    graph: nx.Graph | None = None
    for name in backends:
        with open_backend(name, args.enterprises, args.seed) as store:
            loaded = ready(store, folder, counts)
            say(f"{name}: warming up on {len(warmup)} pairs, then timing {len(pairs)} ...")
            timed(store, warmup)
            seconds, answers[name] = timed(store, pairs)
            results[name] = {
                "load_seconds": round(loaded, 1),
                "p50_ms": percentile(seconds, 0.5) * 1000,
                "p90_ms": percentile(seconds, 0.9) * 1000,
                "p99_ms": percentile(seconds, 0.99) * 1000,
                "max_ms": max(seconds) * 1000,
                "mean_ms": statistics.fmean(seconds) * 1000,
                "seconds": seconds,
            }
            if graph is None:
                say(f"projecting the actor graph from the {name} store for the brute force ...")
                graph = store.as_of(today()).projection()

    subset = pairs[: args.brute_pairs]
    say(f"brute force on {len(subset)} pairs, at most {args.cap:g} s each ...")
    brute_seconds, capped, mismatches = [], 0, {name: 0 for name in backends}
    for index, pair in enumerate(subset):
        seconds, top = brute_force(graph, pair, args.cap)
        brute_seconds.append(seconds)
        if top is None:
            capped += 1
            continue
        for name in backends:
            mismatches[name] += not same_answer(answers[name][index], top)
    brute_p50 = percentile(brute_seconds, 0.5)
    lower_bound = capped * 2 > len(subset)  # the median itself was capped

    def ratio(name: str) -> float:
        mine = results[name]["seconds"][: len(subset)]
        return brute_p50 / percentile(mine, 0.5)

    print()
    print(
        f"introduction_paths(k={K}, max_hops={MAX_HOPS}) on {args.enterprises:,} enterprises "
        f"({sum(counts.values()) - counts['relations.csv']:,} nodes, "
        f"{counts['relations.csv']:,} relations); {len(pairs)} same-prefecture pairs after "
        f"{len(warmup)} warm-up pairs"
    )
    header = f"{'':<14}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'vs brute p50':>16}{'agrees':>9}"
    print(header)
    print("-" * len(header))
    for name in backends:
        row = results[name]
        speedup = f"{'≥' if lower_bound else ''}{ratio(name):,.0f}x"
        checked = len(subset) - capped
        print(
            f"{name:<14}{row['p50_ms']:>10.1f}{row['p99_ms']:>10.1f}{row['max_ms']:>10.1f}"
            f"{speedup:>16}{f'{checked - mismatches[name]}/{checked}':>9}"
        )
    brute_p99 = percentile(brute_seconds, 0.99)
    print(
        f"{'brute force':<14}{brute_p50 * 1000:>10.0f}{brute_p99 * 1000:>10.0f}"
        f"{max(brute_seconds) * 1000:>10.0f}{'1x':>16}{'':>9}"
    )
    print(
        f"brute force: {len(subset)} pairs, {capped} stopped at the {args.cap:g} s cap "
        f"(their time counts as {args.cap:g} s, so speed-ups are lower bounds)"
    )

    report = {
        "question": {"k": K, "max_hops": MAX_HOPS},
        "dataset": {"enterprises": args.enterprises, "seed": args.seed, "rows": counts},
        "pairs": {"measured": len(pairs), "warmup": len(warmup), "seed": args.pair_seed},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "backends": {
            name: {key: value for key, value in row.items() if key != "seconds"}
            for name, row in results.items()
        },
        "brute_force": {
            "pairs": len(subset),
            "capped": capped,
            "cap_seconds": args.cap,
            "p50_ms": brute_p50 * 1000,
            "max_ms": max(brute_seconds) * 1000,
        },
        "speedup_p50": {name: ratio(name) for name in backends},
        "speedup_is_lower_bound": lower_bound,
        "mismatches": mismatches,
    }
    write_results("introductions", report)
    return 1 if any(mismatches.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
