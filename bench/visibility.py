"""Benchmark of confidential-tie visibility: what working out who may see which tie costs an
introduction, and what the audit log costs a node read.

    python -m bench.visibility --enterprises 100000 [--backend embedded|neo4j|both]
        [--pairs 200] [--reads 300] [--warmup 30]

On the store of bench/introductions.py (the same dataset, loaded once; the Neo4j that
NEO4J_URI names must hold this dataset or be empty, and is only read):

- introductions as the API route asks them: the caller's visibility (``visibility_of``),
  then ``introduction_paths(k=3, max_hops=4)`` on the graph it may see, for the same
  random same-prefecture actor pairs (fixed seed), asked by an admin (sees everything), by
  a centre's key (the centre of the pair's prefecture with the most clients today: it sees
  the confidential ties of those clients) and by an analyst (sees no confidential tie), in
  turns pair by pair (which role goes first rotates) so that all three meet the same
  machine. The store is warmed up first as a starting server does. On each backend:
  embedded, Neo4j with rsn's plugin and Neo4j in plain Cypher (for comparison). Targets:
  the centre's p99 at most 100 ms and at most 1.5x the admin's p99 in the same run. The
  answers of each role must agree across backends, and no analyst's path may use a
  confidential tie.
- the audit log's cost to a node read: ``GET /v1/nodes/{id}`` over HTTP on loopback with
  an admin key, for enterprises with confidential ties, to two ``rsn serve`` processes on
  the same store (a copy of the embedded one, so the shared store gets no keys or audit
  entries; Neo4j is read by both): one with the default confidential types, where every
  such answer is appended to the audit log, and one with ``RSN_CONFIDENTIAL_TYPES=""``
  (nothing confidential, nothing logged, the same ties shown), in turns. Target: the
  logged read at most 1.1x the unlogged one. Each logged answer must have made one audit
  entry, the unlogged ones none, and both servers must answer alike.

Prints two tables and writes bench/results/visibility.json; the figures are printed beside
their targets, never checked against them.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    DATA,
    add_keys,
    dataset,
    key_store,
    percentile,
    say,
    serve,
    wait_healthy,
    write_results,
)
from bench.introductions import (
    ACTOR_FILES,
    MAX_HOPS,
    K,
    open_backend,
    ready,
    same_answer,
    same_prefecture_pairs,
)
from graph.queries.introductions import introduction_paths
from graph.queries.visibility import visibility_of
from graph.store import GraphStore
from graph.store.embedded import STORE_FILE
from graph.store.keys import Role
from graph.valid_time import today
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, Viewer

ROLES = ("admin", "centre", "analyst")
TYPES = DEFAULT_CONFIDENTIAL_TYPES
#: The targets, as printed beside the figures.
CENTRE_P99_TARGET_MS = 100.0
CENTRE_RATIO_TARGET = 1.5
AUDIT_RATIO_TARGET = 1.1
#: The keys of the node-read servers: one per server, so each one's audit entries count apart.
LOGGED_KEY, UNLOGGED_KEY = "bench-visibility-logged", "bench-visibility-unlogged"

Answer = list[tuple[tuple[str, ...], float]]


# -- the dataset's facts ----------------------------------------------------------------


def _holds_today(row: dict[str, str], day: str) -> bool:
    """Whether a relations.csv row holds on ``day`` (ISO dates compare as text)."""
    return (not row["since"] or row["since"] <= day) and (not row["until"] or row["until"] > day)


def prefecture_of(folder: Path) -> dict[str, str]:
    """Each actor's prefecture, by id."""
    found: dict[str, str] = {}
    for name in ACTOR_FILES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("prefecture"):
                    found[row["id"]] = row["prefecture"]
    return found


def busiest_centres(folder: Path) -> dict[str, str]:
    """For each prefecture with a centre, the centre of that prefecture with the most
    enterprises it supports today (a ``SUPPORTS`` tie holding today), the lowest id among
    equals; under the key ``""``, the busiest centre of all (for a prefecture without)."""
    day = today()
    centres: dict[str, str] = {}
    with (folder / "centres.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row.get("ended"):
                centres[row["id"]] = row.get("prefecture") or ""
    clients: Counter[str] = Counter()
    with (folder / "relations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] == "SUPPORTS" and row["source"] in centres and _holds_today(row, day):
                clients[row["source"]] += 1
    ranked = sorted(centres, key=lambda centre: (-clients[centre], centre))
    chosen: dict[str, str] = {}
    for centre in ranked:
        chosen.setdefault(centres[centre], centre)
    if ranked:
        chosen.setdefault("", ranked[0])
    return chosen


def confidential_enterprises(folder: Path, count: int, seed: int) -> list[str]:
    """Up to ``count`` random enterprises (fixed ``seed``) that exist today and are at an end
    of a tie of a confidential type holding today."""
    day = today()
    with (folder / "enterprises.csv").open(encoding="utf-8", newline="") as handle:
        alive = {row["id"] for row in csv.DictReader(handle) if not row.get("ended")}
    names = {relation_type.value for relation_type in TYPES}
    tied: set[str] = set()
    with (folder / "relations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] in names and _holds_today(row, day):
                tied.update(end for end in (row["source"], row["target"]) if end in alive)
    every = sorted(tied)
    return random.Random(seed).sample(every, min(count, len(every)))


# -- introductions, by role -------------------------------------------------------------


def viewer(role: str, centre: str) -> Viewer:
    """The caller of ``role``; a centre's key speaks for ``centre``."""
    if role == "admin":
        return Viewer(name="bench-admin", admin=True)
    if role == "centre":
        return Viewer(name=f"bench-centre-{centre}", centre=centre)
    return Viewer(name="bench-analyst")


def ask(
    store: GraphStore, caller: Viewer, pair: tuple[str, str]
) -> tuple[float, float, Answer, bool, int]:
    """One introduction as the route asks it: the seconds in all and those spent on the
    caller's visibility, the answer (each path's node ids and score), whether a path uses a
    confidential tie, and how many enterprises the caller is entitled to."""
    started = time.perf_counter()
    visibility = visibility_of(store, caller, TYPES)
    seen = time.perf_counter()
    found = introduction_paths(
        store.as_of(today()), pair[0], pair[1], k=K, max_hops=MAX_HOPS, visibility=visibility
    )
    ended = time.perf_counter()
    answer = [(tuple(node.id for node in path.nodes), path.score) for path in found]
    confidential = any(step.relation.type in TYPES for path in found for step in path.steps)
    return ended - started, seen - started, answer, confidential, len(visibility.enterprises)


def _figures_of(seconds: list[float], visibility_seconds: list[float]) -> dict[str, Any]:
    """The latency figures of one role, in milliseconds: in all, and of its visibility."""
    return {
        "p50_ms": percentile(seconds, 0.5) * 1000,
        "p90_ms": percentile(seconds, 0.9) * 1000,
        "p99_ms": percentile(seconds, 0.99) * 1000,
        "max_ms": max(seconds) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
        "visibility_p50_ms": percentile(visibility_seconds, 0.5) * 1000,
        "visibility_p99_ms": percentile(visibility_seconds, 0.99) * 1000,
    }


def measure_introductions(
    store: GraphStore,
    pairs: list[tuple[str, str]],
    warmup: list[tuple[str, str]],
    centre_of: dict[str, str],
) -> tuple[dict[str, Any], dict[str, list[Answer]]]:
    """Each role's latency figures on ``pairs`` (after the store's warm-up, as a server does
    when it starts, and ``warmup``), taken in turns (which role goes first rotates), with
    the centre's questions that were the first of their centre apart too; and each role's
    answers."""
    started = time.perf_counter()
    warmed = store.warm_up()
    warm_up_seconds = time.perf_counter() - started
    for pair in warmup:
        for role in ROLES:
            ask(store, viewer(role, centre_of[pair[0]]), pair)
    total: dict[str, list[float]] = defaultdict(list)
    seeing: dict[str, list[float]] = defaultdict(list)
    answers: dict[str, list[Answer]] = defaultdict(list)
    confidential: Counter[str] = Counter()
    entitled: list[int] = []
    asked = {centre_of[pair[0]] for pair in warmup}  # the centres that asked before
    first: list[bool] = []  # whether each measured centre question was its centre's first
    for index, pair in enumerate(pairs):
        turn = index % len(ROLES)
        by_role = {}
        for role in ROLES[turn:] + ROLES[:turn]:
            by_role[role] = ask(store, viewer(role, centre_of[pair[0]]), pair)
        for role in ROLES:
            seconds, visibility_seconds, answer, shown, entitled_count = by_role[role]
            total[role].append(seconds)
            seeing[role].append(visibility_seconds)
            answers[role].append(answer)
            confidential[role] += shown
            if role == "centre":
                entitled.append(entitled_count)
        first.append(centre_of[pair[0]] not in asked)
        asked.add(centre_of[pair[0]])
    row: dict[str, Any] = {"warm_up_seconds": warm_up_seconds, "warm_up_read": warmed}
    for role in ROLES:
        row[role] = _figures_of(total[role], seeing[role])
        row[role]["answers_with_paths"] = sum(1 for answer in answers[role] if answer)
        row[role]["answers_with_a_confidential_tie"] = confidential[role]
        row[role]["answers_unlike_admin"] = sum(
            not same_answer(mine, theirs)
            for mine, theirs in zip(answers[role], answers["admin"], strict=True)
        )
    centre = row["centre"]
    centre["entitled_enterprises_mean"] = statistics.fmean(entitled)
    firsts, later = [], []
    for seconds, is_first in zip(total["centre"], first, strict=True):
        (firsts if is_first else later).append(seconds)
    centre["first_questions"] = len(firsts)
    centre["first_question_p50_ms"] = percentile(firsts, 0.5) * 1000 if firsts else None
    centre["later_p99_ms"] = percentile(later, 0.99) * 1000 if later else None
    row["p50_ratio"] = centre["p50_ms"] / row["admin"]["p50_ms"]
    row["p99_ratio"] = centre["p99_ms"] / row["admin"]["p99_ms"]
    row["analyst_p99_ratio"] = row["analyst"]["p99_ms"] / row["admin"]["p99_ms"]
    return row, answers


# -- node reads, with and without the audit log -----------------------------------------


def _copy_store(source: Path, into: Path) -> None:
    """A consistent copy of the embedded store file of ``source`` in the folder ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(f"file:{source / STORE_FILE}?mode=ro", uri=True)
    copy = sqlite3.connect(into / STORE_FILE)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


def _warmed(log: Path, server: subprocess.Popen, timeout: float = 600) -> None:
    """Wait until the server's log says its store's warm-up ended (a Neo4j server reads
    ahead after it starts answering, which would slow the first reads measured)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if "warmed up" in text or "warming up the store failed" in text:
            return
        if server.poll() is not None:
            raise RuntimeError("the API server stopped while warming up")
        time.sleep(0.5)
    say("note: the server's warm-up did not end in time; measuring anyway")


def _audit_counts(data_dir: Path, backend: str) -> dict[str, int]:
    keys = key_store(data_dir, backend)
    try:
        return {name: len(keys.audit(key=name)) for name in (LOGGED_KEY, UNLOGGED_KEY)}
    finally:
        keys.close()


def _read_figures(seconds: list[float]) -> dict[str, float]:
    """The p50, p99 and mean of node reads, in milliseconds."""
    return {
        "p50_ms": percentile(seconds, 0.5) * 1000,
        "p99_ms": percentile(seconds, 0.99) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
    }


def measure_reads(
    backend: str, enterprises: int, seed: int, ids: list[str], warmup: list[str]
) -> dict[str, Any]:
    """``GET /v1/nodes/{id}`` of each of ``ids`` (after ``warmup``) from a server that logs
    confidential answers and one where nothing is confidential, in turns."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=DATA)))
        data_dir = folder / "data"
        if backend == "embedded":
            say("embedded: copying the store for the API servers ...")
            _copy_store(DATA / f"embedded-{enterprises}-{seed}", data_dir)
        secrets = add_keys(data_dir, (LOGGED_KEY, UNLOGGED_KEY), Role.ADMIN, backend)
        servers = {}
        for name, types in (
            (LOGGED_KEY, ",".join(sorted(t.value for t in TYPES))),
            (UNLOGGED_KEY, ""),
        ):
            # without heavy-work processes: node reads need none
            log = folder / f"{name}.log"
            env = {"RSN_CONFIDENTIAL_TYPES": types, "RSN_HEAVY_PROCESSES": "0"}
            base, server = serve(stack, data_dir, backend, env, log)
            servers[name] = (base, server, log)
        say(f"{backend}: starting two rsn serve (logged, unlogged) ...")
        clients = {}
        for name, (base, server, log) in servers.items():
            wait_healthy(base, server)
            if backend != "embedded":
                _warmed(log, server)
            headers = {"Authorization": f"Bearer {secrets[name]}"}
            clients[name] = stack.enter_context(
                httpx.Client(base_url=base, headers=headers, timeout=60)
            )

        def read(name: str, node_id: str) -> tuple[float, Any]:
            started = time.perf_counter()
            answer = clients[name].get(f"/v1/nodes/{node_id}")
            seconds = time.perf_counter() - started
            answer.raise_for_status()
            return seconds, answer.json()

        say(f"{backend}: {len(warmup)} warm-up reads, then {len(ids)} reads of each server ...")
        for node_id in warmup:
            for name in clients:
                read(name, node_id)
        logged: list[float] = []
        unlogged: list[float] = []
        different = 0
        for index, node_id in enumerate(ids):
            order = [(LOGGED_KEY, logged), (UNLOGGED_KEY, unlogged)]
            bodies = {}
            for name, into in order if index % 2 else reversed(order):
                seconds, bodies[name] = read(name, node_id)
                into.append(seconds)
            different += bodies[LOGGED_KEY] != bodies[UNLOGGED_KEY]
        audit = _audit_counts(data_dir, backend)
    with_log, without = _read_figures(logged), _read_figures(unlogged)
    return {
        "reads": len(ids),
        "warmup": len(warmup),
        "logged": with_log,
        "unlogged": without,
        "ratio_p50": with_log["p50_ms"] / without["p50_ms"],
        "ratio_p99": with_log["p99_ms"] / without["p99_ms"],
        "ratio_mean": with_log["mean_ms"] / without["mean_ms"],
        "audit_entries_logged": audit[LOGGED_KEY],
        "audit_entries_unlogged": audit[UNLOGGED_KEY],
        "different_answers": different,
    }


# -- the run ----------------------------------------------------------------------------


def _print_introductions(
    results: dict[str, Any], mismatches: dict[str, dict[str, int]], measured: int
) -> None:
    header = (
        f"{'':<14}{'role':<9}{'p50 ms':>9}{'p99 ms':>9}{'vis p50':>9}{'p99/admin':>11}"
        f"{'agrees':>8}  target"
    )
    print(header)
    print("-" * len(header))
    for name, row in results.items():
        for role in ROLES:
            figures = row[role]
            ratio = figures["p99_ms"] / row["admin"]["p99_ms"]
            target = ""
            if role == "centre":
                target = (
                    f"p99 <= {CENTRE_P99_TARGET_MS:.0f} ms, <= {CENTRE_RATIO_TARGET}x admin"
                    if name != "neo4j-cypher"
                    else "(without the plugin)"
                )
            agrees = ""
            if name in mismatches:
                agrees = f"{measured - mismatches[name][role]}/{measured}"
            print(
                f"{name:<14}{role:<9}{figures['p50_ms']:>9.1f}{figures['p99_ms']:>9.1f}"
                f"{figures['visibility_p50_ms']:>9.2f}{ratio:>11.2f}{agrees:>8}  {target}"
            )
    for name, row in results.items():
        centre = row["centre"]
        if centre["first_questions"]:
            later = centre["later_p99_ms"]
            print(
                f"{name}: {centre['first_questions']} of the centre's questions were the first "
                f"of their centre (p50 {centre['first_question_p50_ms']:.1f} ms); the others' "
                f"p99 {'-' if later is None else f'{later:.1f}'} ms"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.visibility", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--pairs", type=int, default=200, help="measured introduction pairs")
    parser.add_argument("--reads", type=int, default=300, help="measured node reads")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up pairs and reads")
    parser.add_argument("--pair-seed", type=int, default=7)
    args = parser.parse_args(argv)

    folder, counts = dataset(args.enterprises, args.seed)
    every = same_prefecture_pairs(folder, args.warmup + args.pairs, args.pair_seed)
    warmup, pairs = every[: args.warmup], every[args.warmup :]
    where = prefecture_of(folder)
    busiest = busiest_centres(folder)
    centre_of = {actor: busiest.get(where[actor], busiest[""]) for pair in every for actor in pair}
    backends = {
        "embedded": ["embedded"],
        "neo4j": ["neo4j", "neo4j-cypher"],
        "both": ["embedded", "neo4j", "neo4j-cypher"],
    }[args.backend]

    paths: dict[str, Any] = {}
    answers: dict[str, dict[str, list[Answer]]] = {}
    for name in backends:
        with open_backend(name, args.enterprises, args.seed) as store:
            loaded = ready(store, folder, counts)
            say(
                f"{name}: introductions for an admin, a centre and an analyst, "
                f"{len(warmup)} warm-up pairs, then {len(pairs)} ..."
            )
            paths[name], answers[name] = measure_introductions(store, pairs, warmup, centre_of)
            paths[name]["load_seconds"] = round(loaded, 1)
    first = backends[0]
    mismatches = {
        name: {
            role: sum(
                not same_answer(mine, theirs)
                for mine, theirs in zip(answers[name][role], answers[first][role], strict=True)
            )
            for role in ROLES
        }
        for name in backends[1:]
    }

    chosen = confidential_enterprises(folder, args.warmup + args.reads, args.pair_seed)
    read_warmup, read_ids = chosen[: args.warmup], chosen[args.warmup :]
    reads = {
        name: measure_reads(name, args.enterprises, args.seed, read_ids, read_warmup)
        for name in backends
        if name != "neo4j-cypher"
    }

    print()
    print(
        f"introductions as the API asks them (visibility_of + introduction_paths, k={K}, "
        f"max_hops={MAX_HOPS}) on {args.enterprises:,} enterprises; {len(pairs)} "
        f"same-prefecture pairs after {len(warmup)} warm-up pairs, roles in turns; "
        f"'agrees' is against {first}"
    )
    _print_introductions(paths, mismatches, len(pairs))
    print()
    print(
        f"GET /v1/nodes/{{id}} of enterprises with confidential ties, admin key, "
        f"{len(read_ids)} reads of each server in turns: every answer logged vs "
        f'RSN_CONFIDENTIAL_TYPES="" (target: logged <= {AUDIT_RATIO_TARGET}x)'
    )
    header = (
        f"{'':<10}{'logged p50':>11}{'p99':>8}{'mean':>8}{'unlogged p50':>13}{'p99':>8}"
        f"{'mean':>8}{'ratio p50':>10}{'p99':>7}{'mean':>7}{'audited':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, row in reads.items():
        a, b = row["logged"], row["unlogged"]
        print(
            f"{name:<10}{a['p50_ms']:>11.2f}{a['p99_ms']:>8.2f}{a['mean_ms']:>8.2f}"
            f"{b['p50_ms']:>13.2f}{b['p99_ms']:>8.2f}{b['mean_ms']:>8.2f}"
            f"{row['ratio_p50']:>10.2f}{row['ratio_p99']:>7.2f}{row['ratio_mean']:>7.2f}"
            f"{row['audit_entries_logged']:>9}"
        )

    leaks = {name: row["analyst"]["answers_with_a_confidential_tie"] for name, row in paths.items()}
    wrong_audit = {
        name: row["audit_entries_logged"] != row["reads"] + row["warmup"]
        or row["audit_entries_unlogged"] != 0
        or row["different_answers"] != 0
        for name, row in reads.items()
    }
    report = {
        "question": {"k": K, "max_hops": MAX_HOPS, "confidential_types": sorted(TYPES)},
        "dataset": {"enterprises": args.enterprises, "seed": args.seed, "rows": counts},
        "pairs": {"measured": len(pairs), "warmup": len(warmup), "seed": args.pair_seed},
        "centres": sorted(set(centre_of.values())),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "targets": {
            "centre_p99_ms": CENTRE_P99_TARGET_MS,
            "centre_to_admin_p99_ratio": CENTRE_RATIO_TARGET,
            "logged_to_unlogged_read_ratio": AUDIT_RATIO_TARGET,
        },
        "introductions": paths,
        "mismatches": {"against": first, "backends": mismatches},
        "node_reads": reads,
    }
    write_results("visibility", report)
    failed = any(leaks.values()) or any(wrong_audit.values())
    failed = failed or any(count for by_role in mismatches.values() for count in by_role.values())
    if failed:
        say(
            f"visibility check failed: analyst answers with a confidential tie {leaks}; "
            f"audit or answers wrong {wrong_audit}; mismatches {mismatches}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
