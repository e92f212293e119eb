"""Load test of the API with Locust: many clients at once on a mixed workload, on each backend.

    python -m bench.load --enterprises 100000 [--backend embedded|neo4j|both] [--users 50]
        [--seconds 60] [--ramp 5] [--heavy-every 5] [--heavy-users 1]

For each backend: the dataset is loaded (the bench's cached embedded store, copied so that the
run's referrals never reach the other benchmarks; or the bench's Neo4j, which NEO4J_URI names
and which must hold this dataset or be empty), ``rsn serve`` starts as a process of its own on
a free loopback port with an admin, an analyst and a centre key, and Locust runs headless
against it with ``--users`` users (bench/locustfile.py), started evenly over ``--ramp``
seconds and then all running for ``--seconds``: node reads, introductions and stats (light),
candidates and referrals created then accepted, in progress and completed (light), and one
weakness report, of the whole network or of a big prefecture, every ``--heavy-every``
seconds (heavy). The run starts once the server is in its steady
state, as its log says: it has warmed its store up (Neo4j: read ahead; embedded: today's
counts and the centres by expertise worked out), and its heavy work process has opened its
store and (embedded) worked out the map's figures. Each user waits 0.5 to 1.5 s between two
requests, as a person or another centre's system would. Only loopback traffic.

Prints requests/s, p50/p99 per route of the steady state (the requests made once every user
had started; while they start, each user's first request opens its connection, and with
``--ramp 0`` fifty of them arrive in the same few milliseconds, so that phase's p99 is printed
on a line of its own), errors and 5xx of the whole run, and writes bench/results/load.json.
Targets: no 5xx (a 503 with Retry-After on the heavy route is the server shedding load as
designed and is counted apart, as ``shed``), and every light route's p99 at most 250 ms while
the heavy reports run. Exits 1 when a request failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.common import HERE, dataset, percentile, say, server_data, write_results
from bench.introductions import open_backend, ready, same_prefecture_pairs

#: The light routes' p99 target, in milliseconds.
LIGHT_P99_MS = 250.0
#: The prefectures the heavy user asks about in turn, after the whole network (None):
#: Tokyo, Osaka, Kanagawa, Aichi, the largest.
HEAVY_SCOPES = [None, "13", "27", "14", "23"]
NOTE = "load test"
LATENCY = ("p50_ms", "p99_ms")
NODE_FILES = ("enterprises.csv", "centres.csv", "financiers.csv", "specialists.csv", "assets.csv")


def _ids(folder: Path, name: str) -> list[dict[str, str]]:
    """The rows of a node file of nodes that have not ended (the routes ask as of today)."""
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if not row.get("ended")]


def plan(folder: Path, keys: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """What the users ask about: ids sampled from the dataset with a fixed seed, the keys, and
    the pace of the heavy user."""
    from graph.model import Expertise

    rng = random.Random(args.seed)
    nodes = [row["id"] for name in NODE_FILES for row in _ids(folder, name)]
    enterprises = [row["id"] for row in _ids(folder, "enterprises.csv")]
    centres = [row["id"] for row in _ids(folder, "centres.csv")]
    rng.shuffle(enterprises)
    return {
        "keys": keys,
        "nodes": rng.sample(nodes, min(len(nodes), 5000)),
        "pairs": same_prefecture_pairs(folder, 2000, args.seed),
        "enterprises": enterprises[:20000],
        "other_centres": centres[1:],
        "needs": [need.value for need in Expertise],
        "wait": [0.5, 1.5],
        "heavy_users": args.heavy_users,
        "heavy_every": args.heavy_every,
        "heavy_scopes": HEAVY_SCOPES,
        "note": NOTE,
    }


def make_keys(data_dir: Path, centre: str, backend: str = "embedded") -> dict[str, str]:
    """An admin, an analyst and a centre key (bound to ``centre``) for this run, where an
    ``rsn serve`` on ``backend`` reads them."""
    from bench.common import key_store
    from graph.store.keys import Role

    keys = key_store(data_dir, backend)
    try:
        return {
            "admin": keys.add("load-admin", Role.ADMIN, replace=True),
            "analyst": keys.add("load-analyst", Role.ANALYST, replace=True),
            "centre": keys.add("load-centre", Role.CENTRE, centre, replace=True),
        }
    finally:
        keys.close()


def prepare(backend: str, enterprises: int, seed: int) -> tuple[Path, dict[str, int], Path]:
    """Load the dataset into the backend if needed; the folder, its counts and the data folder
    the server uses (for the embedded store, a fresh copy of the bench's store)."""
    folder, counts = dataset(enterprises, seed)
    with open_backend(backend, enterprises, seed) as store:
        ready(store, folder, counts)
    return folder, counts, server_data("load", backend, enterprises, seed)


def serve(backend: str, data_dir: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen:
    """``rsn serve --workers N`` on 127.0.0.1:port in a process of its own, its output in
    ``log``."""
    env = dict(os.environ, RSN_BACKEND=backend, RSN_DATA_DIR=str(data_dir))
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port)]
    with log.open("wb") as handle:
        return subprocess.Popen(
            [*command, "--workers", str(workers)],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


#: What the server logs once it has warmed its store up (Neo4j: read ahead; embedded: today's
#: counts and the centres by expertise worked out), once its heavy work process has opened
#: its store (both backends, unless RSN_HEAVY_PROCESSES=0), and once that process has worked
#: out the map's figures (embedded).
WARMED = ("store warmed up", "warming up the store failed")
WORKER_READY = ("heavy work process ready",)
FIGURES_READY = ("map figures ready", "working out the map's figures ahead failed")
REPORTS_READ_AHEAD = ("read ahead for the reports", "reading ahead for the reports failed")


def wait_warm(
    log: Path,
    server: subprocess.Popen,
    says: tuple[str, ...],
    timeout: float = 900,
    times: int = 1,
) -> float:
    """Wait until the server's log holds ``says`` ``times`` times (once per server process;
    it answers meanwhile, slowly), so that the run measures a server in its steady state;
    the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the API server stopped; see {log}")
        text = log.read_text(encoding="utf-8", errors="replace")
        if sum(text.count(said) for said in says) >= times:
            return time.monotonic() - started
        time.sleep(0.5)
    raise RuntimeError(f"the API server did not get ready ({says[0]}) in {timeout:.0f} s")


def wait_steady(log: Path, server: subprocess.Popen, backend: str, times: int = 1) -> float:
    """Wait until the server whose log is ``log`` is in its steady state: its store warmed
    up (:data:`WARMED`), what the first reports need read ahead (:data:`REPORTS_READ_AHEAD`)
    and, unless ``RSN_HEAVY_PROCESSES`` is 0, its heavy work process ready
    (:data:`WORKER_READY`) and, on the embedded store, the map's figures worked out
    (:data:`FIGURES_READY`), each ``times`` times (once per server process). The seconds
    waited; raises RuntimeError as :func:`wait_warm` does."""
    warm = wait_warm(log, server, WARMED, times=times)
    warm = max(warm, wait_warm(log, server, REPORTS_READ_AHEAD, times=times))
    if os.environ.get("RSN_HEAVY_PROCESSES", "1").strip() != "0":
        warm = max(warm, wait_warm(log, server, WORKER_READY, times=times))
        if backend == "embedded":
            warm = max(warm, wait_warm(log, server, FIGURES_READY, times=times))
    return warm


def run_locust(
    base: str, plan_file: Path, out_file: Path, users: int, seconds: int, ramp: float
) -> None:
    """Locust, headless, against ``base``: ``users`` users started evenly over ``ramp``
    seconds, then all of them for ``seconds``; raises when it gives no figures."""
    env = dict(os.environ, RSN_LOAD_PLAN=str(plan_file), RSN_LOAD_OUT=str(out_file))
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(users / ramp if ramp > 0 else users),
        "--run-time",
        f"{seconds + math.ceil(ramp)}s",
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    run = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + ramp + 180, check=False
    )
    if run.returncode != 0 or not out_file.exists():
        raise RuntimeError(f"locust failed ({run.returncode}): {run.stderr[-2000:]}")


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """Per route: requests, requests/s, p50/p99/max (ms) of the steady state, statuses, 5xx,
    shed and failures of the whole run; and the totals the targets are about.

    The steady state is the requests that started once every user had started
    (``measured_from``, seconds since the run started; 0 when absent): while the users ramp
    up, each one's first request opens its connection, and they are reported apart
    (``ramp_requests``, ``ramp_p99_ms``), as load tests do. Statuses, 5xx, shed requests
    and failures count every request of the run, ramp included."""
    measured_from = raw.get("measured_from", 0.0)
    seconds = max(raw["seconds"] - measured_from, 1e-9)
    routes: dict[str, dict[str, Any]] = {}
    ramp_times: list[float] = []
    for name, route in sorted(raw["routes"].items()):
        ends = route.get("ends_s") or [measured_from + ms / 1000 for ms in route["times_ms"]]
        times, ramp = [], []
        for ms, end in zip(route["times_ms"], ends, strict=True):
            (times if end - ms / 1000 >= measured_from else ramp).append(ms)
        status = route["status"]
        server_errors = sum(n for code, n in status.items() if code.startswith("5"))
        routes[name] = {
            "heavy": name == raw["heavy"],
            "requests": len(times),
            "requests_per_second": len(times) / seconds,
            "p50_ms": percentile(times, 0.5) if times else None,
            "p99_ms": percentile(times, 0.99) if times else None,
            "max_ms": max(times, default=None),
            "ramp_requests": len(ramp),
            "status": status,
            "shed": route["shed"],
            "server_errors": server_errors - route["shed"],
            "failures": route["failures"],
            "unfinished": route["unfinished"],
        }
        if name != raw["heavy"]:
            ramp_times.extend(ramp)
    light = [row for row in routes.values() if not row["heavy"] and row["requests"]]
    total = sum(row["requests"] for row in routes.values())
    return {
        "seconds": seconds,
        "ramp_seconds": measured_from,
        "requests": total,
        "requests_per_second": total / seconds,
        "routes": routes,
        "errors": sum(row["failures"] for row in routes.values()),
        "server_errors": sum(row["server_errors"] for row in routes.values()),
        "shed": sum(row["shed"] for row in routes.values()),
        "light_p99_ms": max((row["p99_ms"] for row in light), default=0.0),
        "ramp_requests": len(ramp_times),
        "ramp_light_p99_ms": percentile(ramp_times, 0.99) if ramp_times else None,
    }


def measure(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """One backend's load test, start to finish."""
    from bench.common import free_port, wait_healthy

    folder, _, data_dir = prepare(backend, args.enterprises, args.seed)
    centres = _ids(folder, "centres.csv")
    keys = make_keys(data_dir, centres[0]["id"], backend)
    plan_file, out_file = data_dir / "plan.json", data_dir / "locust.json"
    plan_file.write_text(json.dumps(plan(folder, keys, args)), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        server = serve(backend, data_dir, port, data_dir / "server.log", args.workers)
        stack.callback(server.wait, timeout=60)
        stack.callback(server.terminate)
        say(f"{backend}: starting rsn serve on {base} ...")
        wait_healthy(base, server)
        log = data_dir / "server.log"
        warm = wait_steady(log, server, backend, times=args.workers)
        say(
            f"{backend}: {args.users} users started over {args.ramp:g} s, "
            f"then all of them for {args.seconds} s ..."
        )
        before = os.getloadavg()[0]
        run_locust(base, plan_file, out_file, args.users, args.seconds, args.ramp)
        after = os.getloadavg()[0]
    if backend != "embedded":
        _forget_referrals()
    result = summarise(json.loads(out_file.read_text(encoding="utf-8")))
    result["load_average"] = [before, after]
    result["warm_up_seconds"] = warm
    if backend == "embedded":
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def _forget_referrals() -> None:
    """Delete this run's referrals from the bench's Neo4j and recount the ties they made, so
    that the next benchmarks meet the dataset as it was loaded."""
    from graph.settings import load_settings
    from graph.store import cypher
    from graph.store.neo4j import REFERRAL_TIE_PARAMETERS, Neo4jStore

    settings = load_settings(RSN_BACKEND="neo4j")
    uri, user, password = settings.require_neo4j()
    store = Neo4jStore(uri, user, password, database=settings.neo4j_database)
    try:
        driver = store._driver
        records, _, _ = driver.execute_query(
            "MATCH (r:Referral) WHERE r.note STARTS WITH $note "
            "WITH r, r.from_centre AS a, r.to_centre AS b DETACH DELETE r "
            "RETURN DISTINCT CASE WHEN a < b THEN [a, b] ELSE [b, a] END AS pair",
            note=NOTE,
            database_=settings.neo4j_database,
        )
        pairs = [record["pair"] for record in records]
        if pairs:
            driver.execute_query(
                cypher.REFRESH_REFERRAL_TIES,
                pairs=pairs,
                **REFERRAL_TIE_PARAMETERS,
                database_=settings.neo4j_database,
            )
    finally:
        store.close()


def print_table(
    results: dict[str, dict[str, Any]], users: int, workers: int = 1, heavy_every: float = 0
) -> None:
    """One line per backend and route; ``heavy_every``: the seconds between weakness reports
    (0: none asked)."""
    heavy = f"a weakness report every {heavy_every:g} s" if heavy_every else "no weakness report"
    print(
        f"\nload test: {users} users on loopback against {workers} API server process(es) "
        f"(heavy: {heavy})"
    )
    print(
        f"{'backend':9} {'route':30} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'5xx':>4} {'shed':>5} {'errors':>6} {'unfinished':>10}"
    )
    for backend, result in results.items():
        for name, row in result["routes"].items():
            p50, p99 = (f"{row[k]:8.1f}" if row[k] is not None else f"{'-':>8}" for k in LATENCY)
            print(
                f"{backend:9} {name:30} {row['requests']:8d} {row['requests_per_second']:7.1f} "
                f"{p50} {p99} {row['server_errors']:4d} {row['shed']:5d} {row['failures']:6d} "
                f"{row['unfinished']:10d}"
            )
        target = "met" if result["light_p99_ms"] <= LIGHT_P99_MS else "MISSED"
        print(
            f"{backend:9} {'all':30} {result['requests']:8d} "
            f"{result['requests_per_second']:7.1f}   light p99 {result['light_p99_ms']:.1f} ms "
            f"(target <= {LIGHT_P99_MS:.0f} ms: {target}); 5xx {result['server_errors']}, "
            f"shed {result['shed']}, errors {result['errors']}; machine load average "
            f"{result['load_average'][0]:.1f} before, {result['load_average'][1]:.1f} after"
        )
        if result["ramp_requests"]:
            print(
                f"{backend:9} {'while the users started':30} {result['ramp_requests']:8d} "
                f"{'':7}   light p99 {result['ramp_light_p99_ms']:.1f} ms over the first "
                f"{result['ramp_seconds']:.1f} s (not in the figures above)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--users", type=int, default=50, choices=range(1, 201), metavar="1..200")
    parser.add_argument("--seconds", type=int, default=60, choices=range(1, 601), metavar="1..600")
    parser.add_argument(
        "--ramp",
        type=float,
        default=5.0,
        help="seconds over which the users start, measured apart (0: all at once)",
    )
    parser.add_argument("--heavy-every", type=float, default=5.0, help="seconds between reports")
    parser.add_argument("--heavy-users", type=int, default=1, choices=range(0, 6), metavar="0..5")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        choices=range(1, 9),
        metavar="1..8",
        help="API server processes (rsn serve --workers)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    backends = ["embedded", "neo4j"] if args.backend == "both" else [args.backend]
    results = {name: measure(name, args) for name in backends}
    print_table(results, args.users, args.workers, args.heavy_every if args.heavy_users else 0)
    write_results(
        "load",
        {
            "enterprises": args.enterprises,
            "users": args.users,
            "seconds": args.seconds,
            "ramp_seconds": args.ramp,
            "heavy_every": args.heavy_every,
            "workers": args.workers,
            "light_p99_target_ms": LIGHT_P99_MS,
            "wall_seconds": time.perf_counter() - started,
            "backends": results,
        },
    )
    return 1 if any(row["errors"] or row["server_errors"] for row in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
