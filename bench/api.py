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

The route is timed with the standard library's HTTP client on one kept-alive connection, the
least a client can add, so that the ratio measures the API (the server and loopback), not a
client library; half the pairs (two in every four) go through httpx instead, whose p50 is
printed beside (it adds about half a millisecond a request of its own). Each pair is asked
once, since a pair asked again finds the server's caches warm.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

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


class PlainClient:
    """GET requests on one kept-alive connection of the standard library's client: what a
    request costs a client at the least."""

    def __init__(self, base: str, headers: dict[str, str]):
        address = urlsplit(base)
        self._connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=60
        )
        self._headers = headers

    def get(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        """The status and the JSON answer of ``GET path?params``."""
        self._connection.request("GET", f"{path}?{urlencode(params)}", headers=self._headers)
        answer = self._connection.getresponse()
        body = answer.read()
        return answer.status, json.loads(body) if body else None

    def close(self) -> None:
        self._connection.close()


def _interleaved(
    store: Any, plain: PlainClient, client: httpx.Client, warmup: list, pairs: list
) -> tuple[list[float], list[float], list[float]]:
    """The latencies of the direct call and of the route for each pair, taken in turns (which
    goes first alternates), so that both see the same state of the machine: the route through
    ``plain`` for two pairs in every four, through httpx for the others. Returns (direct, route
    through ``plain``, route through httpx). Raises RuntimeError if, for a warm-up pair, the
    two give different paths or the route through ``plain`` fails, and HTTPStatusError if
    the route through httpx fails."""
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
        status, found = plain.get("/v1/introductions", query)
        seconds = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"GET /v1/introductions answered {status}: {found}")
        answers["route"] = [path["nodes"] for path in found["paths"]]
        return seconds

    def call_httpx(source: str, target: str) -> float:
        query = {"source": source, "target": target, "k": K, "max_hops": MAX_HOPS}
        started = time.perf_counter()
        answer = client.get("/v1/introductions", params=query)
        seconds = time.perf_counter() - started
        answer.raise_for_status()
        answers["route"] = [path["nodes"] for path in answer.json()["paths"]]
        return seconds

    for index, (source, target) in enumerate(warmup):
        call_direct(source, target)
        (call_httpx if index % 2 else call_route)(source, target)
        if answers["direct"] != answers["route"]:
            raise RuntimeError(f"the route and the direct call differ from {source} to {target}")
    direct: list[float] = []
    route: dict[bool, list[float]] = {False: [], True: []}
    for index, (source, target) in enumerate(pairs):
        through_httpx = index % 4 >= 2
        call = call_httpx if through_httpx else call_route
        if index % 2:
            route[through_httpx].append(call(source, target))
            direct.append(call_direct(source, target))
        else:
            direct.append(call_direct(source, target))
            route[through_httpx].append(call(source, target))
    return direct, route[False], route[True]


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
        plain = PlainClient(base, headers)
        try:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                direct, route, through_httpx = _interleaved(store, plain, client, warmup, pairs)
        finally:
            plain.close()
        errors: list[str] = []

        def client_run(share: list[dict]) -> None:
            own = PlainClient(base, headers)
            try:
                for query in share:
                    if own.get("/v1/introductions", query)[0] != 200:
                        errors.append(query["source"])
            finally:
                own.close()

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
        "httpx_route_p50_ms": percentile(through_httpx, 0.5) * 1000,
        "httpx_ratio_p50": percentile(through_httpx, 0.5) / percentile(direct, 0.5),
        "clients": clients,
        "requests_per_second": len(params) / wall,
        "errors": len(errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    if args.pairs < 4:
        parser.error("--pairs must be at least 4 (the route is timed through two clients)")
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
        f"{'route p99':>10} {'req/s':>7} {'clients':>7} {'httpx p50':>10} {'ratio':>6}"
    )
    for name, row in results.items():
        print(
            f"{name:10} {row['direct_p50_ms']:9.1f}ms {row['route_p50_ms']:8.1f}ms "
            f"{row['ratio_p50']:6.2f} {row['direct_p99_ms']:9.1f}ms {row['route_p99_ms']:8.1f}ms "
            f"{row['requests_per_second']:7.1f} {row['clients']:7d} "
            f"{row['httpx_route_p50_ms']:8.1f}ms {row['httpx_ratio_p50']:6.2f}"
        )
    print("route: the standard library's client, kept alive; httpx: half the pairs through it")
    write_results(
        "api", {"enterprises": args.enterprises, "pairs": len(pairs), "backends": results}
    )
    return 1 if any(row["errors"] for row in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
