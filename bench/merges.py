"""Benchmark of merging and unmerging through the API, on both backends.

    python -m bench.merges --enterprises 100000 [--backend embedded|neo4j|both] [--rounds 5]

Two pairs are merged and the merge undone, ``--rounds`` times each, taking turns, through
``POST /v1/merges`` and ``DELETE /v1/merges/{id}`` with an admin key, against ``rsn serve`` in
its own process on 127.0.0.1 (the cached embedded store of bench/.data, or the Neo4j that
NEO4J_URI names, which must hold this dataset or be empty), once it is in its steady state
(``bench.load.wait_steady``), ``--pause`` seconds apart (2 by default: what the server does
after a write, such as working out the map's figures again, is not the request's time):

- a duplicate: two enterprises of one prefecture with a few ties each, as matching finds
  them;
- the hubs: the two financiers with the most ties (thousands each at 100,000 enterprises),
  as when two banks merge.

Before and after, both nodes' ties and their assertions are read through the store: each
undo must give them back exactly, or the run fails. Prints the table and writes
bench/results/merges.json. Target: each merge and each unmerge under 1 s on both backends.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import Counter
from contextlib import ExitStack
from typing import Any

import httpx

from bench.common import (
    add_keys,
    dataset,
    percentile,
    say,
    serve,
    server_data,
    wait_healthy,
    write_results,
)
from bench.introductions import open_backend, ready
from bench.load import wait_steady
from graph.model import NodeKind
from graph.store.keys import Role
from graph.store.ports import GraphStore

#: The name of the key the benchmark's requests carry.
KEY_NAME = "bench-merges"
#: Each merge and unmerge should take less than this many seconds.
TARGET_SECONDS = 1.0


def pairs(store: GraphStore) -> dict[str, tuple[str, str]]:
    """The pairs to merge, each as (keep, merge): ``hubs``, the financier with the most ties
    merged into the one with the next most that it may be merged with (the most ties to
    move); ``duplicate``, the first two enterprises by id of the prefecture with the most
    enterprises that both have ties and no corporate number."""
    degree: Counter[str] = Counter()
    for relation in store.iter_relations():
        degree[relation.source] += 1
        degree[relation.target] += 1
    financiers = sorted(
        store.iter_nodes(NodeKind.FINANCIER), key=lambda node: (-degree[node.id], node.id)
    )
    first = financiers[0]
    number = first.props.get("corporate_number")
    second = next(  # two corporate numbers are two entities, never merged
        node
        for node in financiers[1:]
        if None in (number, node.props.get("corporate_number"))
        or node.props.get("corporate_number") == number
    )
    by_prefecture: dict[str, list[str]] = {}
    for node in store.iter_nodes(NodeKind.ENTERPRISE):
        if degree[node.id] and not node.props.get("corporate_number"):
            by_prefecture.setdefault(str(node.props.get("prefecture")), []).append(node.id)
    largest = sorted(max(by_prefecture.values(), key=len))
    return {"duplicate": (largest[0], largest[1]), "hubs": (second.id, first.id)}


def state(store: GraphStore, ids: tuple[str, str]) -> Any:
    """Both nodes, their ties and their assertions, as the store reads them."""
    return [(store.get_node(node_id), store.ties_with_provenance(node_id)) for node_id in ids]


def measure(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Merge and unmerge each pair ``args.rounds`` times through the API on ``backend``."""
    folder, counts = dataset(args.enterprises, args.seed)
    store = open_backend(backend, args.enterprises, args.seed)
    with ExitStack() as stack:
        stack.callback(store.close)
        ready(store, folder, counts)
        chosen = pairs(store)
        for name, (keep, merge) in chosen.items():
            say(
                f"{backend}: {name} {merge} into {keep} "
                f"({len(store.ties(merge)):,} and {len(store.ties(keep)):,} ties)"
            )
        before = {name: state(store, ids) for name, ids in chosen.items()}
        data_dir = server_data("merges", backend, args.enterprises, args.seed)
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        secret = add_keys(data_dir, [KEY_NAME], Role.ADMIN, backend)[KEY_NAME]
        log = data_dir.parent / f"merges-{backend}-server.log"
        base, server = serve(stack, data_dir, backend, log=log)
        wait_healthy(base, server)
        say(f"{backend}: ready; warmed up in {wait_steady(log, server, backend):.0f} s")
        client = stack.enter_context(
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=120)
        )
        times: dict[str, dict[str, list[float]]] = {
            name: {"merge": [], "unmerge": []} for name in chosen
        }
        for round_number in range(args.rounds):
            for name, (keep, merge) in chosen.items():
                time.sleep(args.pause)
                started = time.perf_counter()
                made = client.post(
                    "/v1/merges", json={"keep": keep, "merge": merge, "reason": "bench"}
                )
                took = time.perf_counter() - started
                if made.status_code != 201:
                    raise SystemExit(f"merge {merge} into {keep}: {made.status_code} {made.text}")
                times[name]["merge"].append(took)
                time.sleep(args.pause)
                started = time.perf_counter()
                undone = client.delete(f"/v1/merges/{made.json()['id']}")
                took = time.perf_counter() - started
                if undone.status_code != 200:
                    raise SystemExit(f"unmerge {made.json()['id']}: {undone.status_code}")
                times[name]["unmerge"].append(took)
            say(f"{backend}: round {round_number + 1} of {args.rounds} done")
        if backend == "embedded":  # the server wrote its own copy of the store
            store.close()
            from graph.store.embedded import EmbeddedStore

            store = EmbeddedStore(data_dir)
            stack.callback(store.close)
        exact = all(state(store, chosen[name]) == before[name] for name in chosen)
    return {
        "pairs": {
            name: {
                "keep": keep,
                "merge": merge,
                **{
                    operation: {
                        "p50_s": percentile(values, 0.5),
                        "max_s": max(values),
                        "runs": len(values),
                    }
                    for operation, values in times[name].items()
                },
            }
            for name, (keep, merge) in chosen.items()
        },
        "exact": exact,
    }


def print_table(results: dict[str, Any]) -> None:
    print(f"{'backend':<10} {'pair':<10} {'operation':<9} {'p50 s':>8} {'max s':>8}  target")
    for backend, result in results.items():
        for name, figures in result["pairs"].items():
            for operation in ("merge", "unmerge"):
                row = figures[operation]
                met = "met" if row["max_s"] < TARGET_SECONDS else "NOT met"
                print(
                    f"{backend:<10} {name:<10} {operation:<9} {row['p50_s']:>8.3f} "
                    f"{row['max_s']:>8.3f}  < {TARGET_SECONDS:g} s: {met}"
                )
        print(f"{backend:<10} undone exactly: {'yes' if result['exact'] else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.merges", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--pause",
        type=float,
        default=2.0,
        help="seconds between two requests, for the server's work after a write to settle",
    )
    args = parser.parse_args(argv)
    backends = ["embedded", "neo4j"] if args.backend == "both" else [args.backend]
    results = {backend: measure(backend, args) for backend in backends}
    print_table(results)
    write_results(
        "merges",
        {"enterprises": args.enterprises, "rounds": args.rounds, "backends": results},
    )
    return 0 if all(result["exact"] for result in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
