"""Benchmark of the API: the introductions route beside the query called directly, in one run.

    python -m bench.api --enterprises 100000 [--backend embedded|neo4j|both] [--pairs 200]
        [--clients 4]

The server is ``rsn serve`` in its own process on 127.0.0.1, on the same store as the direct
calls (the cached embedded store of bench/.data, or the Neo4j that NEO4J_URI names, which must
hold this dataset or be empty). It is measured in its steady state, once its log says it has
warmed its store up, read ahead for the reports and its heavy work process is ready
(``bench.load.wait_steady``), so that no start-up work shares the machine with the requests.

For the same same-prefecture pairs: the latency of ``introduction_paths(k=3, max_hops=4)``
called in this process and the latency of ``GET /v1/introductions`` one request at a time,
taken in turns pair by pair so that both meet the same load on the machine, and then the
throughput of ``--clients`` clients on loopback, each sending its share of the requests (a
bounded count). The direct call asks what the route answers the benchmark's analyst key: the
graph as of today without the confidential ties an analyst may not see; for the warm-up pairs
both must give the same paths. Prints the table and writes bench/results/api.json. Target:
the route's p50 at most 1.5 times the direct call's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    DATA,
    add_keys,
    dataset,
    percentile,
    say,
    serve,
    wait_healthy,
    write_results,
)
from bench.introductions import MAX_HOPS, K, open_backend, ready, same_prefecture_pairs
from bench.load import wait_steady
from graph.queries.introductions import introduction_paths
from graph.queries.visibility import visibility_of
from graph.settings import load_settings
from graph.store.keys import Role
from graph.valid_time import today
from graph.visibility import Viewer, Visibility

#: The name of the key the benchmark's requests carry.
KEY_NAME = "bench-api"


def analyst_visibility(store: Any) -> Visibility:
    """What the route lets the benchmark's analyst key see: no confidential tie of the types
    the server is configured with (``RSN_CONFIDENTIAL_TYPES``, read as the server reads it)."""
    types = load_settings().confidential_types
    return visibility_of(store, Viewer(name=KEY_NAME), types)


def _interleaved(
    store: Any, client: httpx.Client, warmup: list, pairs: list
) -> tuple[list[float], list[float]]:
    """The latencies of the direct call and of the route for each pair, taken in turns (which
    goes first alternates), so that both see the same state of the machine. Raises
    RuntimeError if, for a warm-up pair, the two give different paths."""
    visibility = analyst_visibility(store)
    answers: dict[str, list[list[str]]] = {}

    def call_direct(source: str, target: str) -> float:
        started = time.perf_counter()
        # as the route asks: the graph as of today, as the caller may see it
        found = introduction_paths(
            store.as_of(today()), source, target, k=K, max_hops=MAX_HOPS, visibility=visibility
        )
        seconds = time.perf_counter() - started
        answers["direct"] = [[node.id for node in path.nodes] for path in found]
        return seconds

    def call_route(source: str, target: str) -> float:
        query = {"source": source, "target": target, "k": K, "max_hops": MAX_HOPS}
        started = time.perf_counter()
        answer = client.get("/v1/introductions", params=query)
        seconds = time.perf_counter() - started
        answer.raise_for_status()
        answers["route"] = [path["nodes"] for path in answer.json()["paths"]]
        return seconds

    for source, target in warmup:
        call_direct(source, target)
        call_route(source, target)
        if answers["direct"] != answers["route"]:
            raise RuntimeError(f"the route and the direct call differ from {source} to {target}")
    direct: list[float] = []
    route: list[float] = []
    for index, (source, target) in enumerate(pairs):
        if index % 2:
            route.append(call_route(source, target))
            direct.append(call_direct(source, target))
        else:
            direct.append(call_direct(source, target))
            route.append(call_route(source, target))
    return direct, route


def _measure(
    backend: str, enterprises: int, seed: int, pairs: list, warmup: list, clients: int
) -> dict[str, Any]:
    folder, counts = dataset(enterprises, seed)
    data_dir = DATA / f"{'embedded' if backend == 'embedded' else 'api-keys'}-{enterprises}-{seed}"
    with ExitStack() as stack:
        store = stack.enter_context(open_backend(backend, enterprises, seed))
        ready(store, folder, counts)
        key = add_keys(data_dir, [KEY_NAME], Role.ANALYST, backend)[KEY_NAME]
        log = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "server.log"
        base, server = serve(stack, data_dir, backend, log=log)
        say(f"{backend}: starting rsn serve ...")
        wait_healthy(base, server)
        say(f"{backend}: ready; warmed up in {wait_steady(log, server, backend):.0f} s")
        headers = {"Authorization": f"Bearer {key}"}
        params = [{"source": s, "target": t, "k": K, "max_hops": MAX_HOPS} for s, t in pairs]
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            direct, route = _interleaved(store, client, warmup, pairs)
        errors: list[str] = []

        def client_run(share: list[dict]) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as own:
                for query in share:
                    if own.get("/v1/introductions", params=query).status_code != 200:
                        errors.append(query["source"])

        threads = [
            threading.Thread(target=client_run, args=(params[i::clients],)) for i in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    return {
        "direct_p50_ms": percentile(direct, 0.5) * 1000,
        "direct_p99_ms": percentile(direct, 0.99) * 1000,
        "route_p50_ms": percentile(route, 0.5) * 1000,
        "route_p99_ms": percentile(route, 0.99) * 1000,
        "ratio_p50": percentile(route, 0.5) / percentile(direct, 0.5),
        "clients": clients,
        "requests_per_second": len(params) / wall,
        "errors": len(errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    folder, _ = dataset(args.enterprises, args.seed)
    every = same_prefecture_pairs(folder, args.warmup + args.pairs, 11)
    warmup, pairs = every[: args.warmup], every[args.warmup :]
    backends = ["embedded", "neo4j"] if args.backend == "both" else [args.backend]
    results = {
        name: _measure(name, args.enterprises, args.seed, pairs, warmup, args.clients)
        for name in backends
    }
    print(f"\nintroductions route vs direct call ({len(pairs)} pairs, k={K}, max_hops={MAX_HOPS})")
    print(
        f"{'backend':10} {'direct p50':>11} {'route p50':>10} {'ratio':>6} {'direct p99':>11} "
        f"{'route p99':>10} {'req/s':>7} {'clients':>7}"
    )
    for name, row in results.items():
        print(
            f"{name:10} {row['direct_p50_ms']:9.1f}ms {row['route_p50_ms']:8.1f}ms "
            f"{row['ratio_p50']:6.2f} {row['direct_p99_ms']:9.1f}ms {row['route_p99_ms']:8.1f}ms "
            f"{row['requests_per_second']:7.1f} {row['clients']:7d}"
        )
    write_results(
        "api", {"enterprises": args.enterprises, "pairs": len(pairs), "backends": results}
    )
    return 1 if any(row["errors"] for row in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
