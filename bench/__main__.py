"""Run every benchmark and print one table: each figure beside its baseline and the ratio.

    python -m bench [--enterprises 100000] [--backend embedded|neo4j|both] [--smoke]

Runs bench.loading, bench.introductions, bench.weaknesses (when present), bench.history,
bench.api, bench.visibility (confidential ties: a centre's key beside an admin's, and the
audit log's cost), bench.pages (the map, the weakness report page, node pages and the search
box, over HTTP and in Chromium; embedded store only), bench.load (the load test, with Locust),
bench.matching and bench.merges (merging and unmerging through the API) in turn, then reads
their JSON results (bench/results/, or RSN_BENCH_RESULTS) into one summary, which it also
writes as bench/results/summary.json, so two runs can be compared. Without NEO4J_URI it
starts a local Neo4j of its own (tools/neo4j) for the Neo4j figures and stops it at the end.
``--smoke`` runs everything on a tiny dataset, in a few minutes, to prove the harness works.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import DATA, RESULTS, say, write_results

ROOT = Path(__file__).resolve().parent.parent


def _local_neo4j():
    spec = importlib.util.spec_from_file_location("rsn_local_neo4j", ROOT / "tools/neo4j/local.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def summary_rows() -> list[dict[str, Any]]:
    """One row per figure: what, the figure, its baseline, the ratio, and the target."""
    rows: list[dict[str, Any]] = []

    def add(
        what: str,
        value: float,
        unit: str,
        baseline: float | None,
        base_name: str,
        ratio: float | None,
        target: str,
    ) -> None:
        rows.append(
            {
                "what": what,
                "value": value,
                "unit": unit,
                "baseline": baseline,
                "baseline_name": base_name,
                "ratio": ratio,
                "target": target,
            }
        )

    loading = _read("loading")
    for row in (loading or {}).get("results", []):
        target = {
            "embedded": "ratio >= 0.33",
            "neo4j": "ratio >= 0.8, >= 30,000/s",
            "neo4j-admin": ">= 30,000/s (offline first load)",
        }[row["backend"]]
        add(
            f"load {row['backend']}",
            row["rsn_relations_per_second"],
            "rel/s",
            row["baseline_relations_per_second"],
            row["baseline"],
            row["rate_ratio"],
            target,
        )
        if row.get("rsn_peak_mb"):
            add(
                f"load {row['backend']} peak memory",
                row["rsn_peak_mb"],
                "MB",
                row.get("baseline_peak_mb"),
                row["baseline"],
                row["rsn_peak_mb"] / row["baseline_peak_mb"]
                if row.get("baseline_peak_mb")
                else None,
                "< 8,000 MB at 1M",
            )
    paths = _read("introductions")
    if paths:
        brute = paths["brute_force"]["p50_ms"]
        for name, row in paths["backends"].items():
            add(
                f"introductions {name} p50",
                row["p50_ms"],
                "ms",
                brute,
                "brute force p50",
                brute / row["p50_ms"],
                "speed-up >= 100",
            )
            target = "<= 100 ms" if name != "neo4j-cypher" else "(without the plugin)"
            add(f"introductions {name} p99", row["p99_ms"], "ms", None, "", None, target)
    history = _read("history")
    for name, row in (history or {}).get("backends", {}).items():
        add(
            f"introductions {name} as of {history['past_day']} p99",
            row["past_p99_ms"],
            "ms",
            row["today_p99_ms"],
            "today's p99",
            row["p99_ratio"],
            "ratio <= 2",
        )
        add(
            f"density history {name} 2008-now",
            row["history_seconds"],
            "s",
            None,
            "",
            None,
            "< 10 s",
        )
    writing = (history or {}).get("writing")
    if writing:
        add(
            "embedded load with provenance",
            writing["with_provenance_rel_per_s"],
            "rel/s",
            writing["without_provenance_rel_per_s"],
            "the same without provenance",
            writing["rate_ratio"],
            "ratio >= 0.85",
        )
    matching = _read("matching")
    if matching:
        add("matching the whole country", matching["match_seconds"], "s", None, "", None, "< 60 s")
        default = matching["default"]
        add(
            "matching precision at the default", default["precision"], "", None, "", None, ">= 0.98"
        )
        add("matching recall at the default", default["recall"], "", None, "", None, ">= 0.90")
        alone = matching.get("neither_has_a_number")
        if alone:
            for figure, target in (("precision", ">= 0.98"), ("recall", ">= 0.90")):
                add(f"matching {figure}, names alone", alone[figure], "", None, "", None, target)
        both = matching.get("both_have_a_number")
        if both:
            add("matching precision, both numbered", both["precision"], "", None, "", None, "1.0")
    merges = _read("merges")
    for name, result in (merges or {}).get("backends", {}).items():
        for pair, figures in result["pairs"].items():
            for operation in ("merge", "unmerge"):
                add(
                    f"{operation} {name} {pair} max",
                    figures[operation]["max_s"],
                    "s",
                    None,
                    "",
                    None,
                    "< 1 s",
                )
    weaknesses = _read("weaknesses")
    for row in (weaknesses or {}).get("summary", []):
        rows.append(row)
    api = _read("api")
    for name, row in (api or {}).get("backends", {}).items():
        add(
            f"api introductions {name} p50",
            row["route_p50_ms"],
            "ms",
            row["direct_p50_ms"],
            "direct call p50",
            row["ratio_p50"],
            "ratio <= 1.5",
        )
        add(
            f"api {name} throughput ({row['clients']} clients)",
            row["requests_per_second"],
            "req/s",
            None,
            "",
            None,
            "",
        )
    visibility = _read("visibility")
    for name, row in (visibility or {}).get("introductions", {}).items():
        target = "<= 100 ms, ratio <= 1.5" if name != "neo4j-cypher" else "(without the plugin)"
        add(
            f"introductions {name} centre key p99",
            row["centre"]["p99_ms"],
            "ms",
            row["admin"]["p99_ms"],
            "admin p99",
            row["p99_ratio"],
            target,
        )
        add(
            f"introductions {name} analyst key p99",
            row["analyst"]["p99_ms"],
            "ms",
            row["admin"]["p99_ms"],
            "admin p99",
            row["analyst_p99_ratio"],
            "",
        )
    for name, row in (visibility or {}).get("node_reads", {}).items():
        for figure in ("p50", "mean"):
            add(
                f"node read {name} with the audit log {figure}",
                row["logged"][f"{figure}_ms"],
                "ms",
                row["unlogged"][f"{figure}_ms"],
                f"nothing confidential {figure}",
                row[f"ratio_{figure}"],
                "ratio <= 1.1",
            )
    pages = _read("pages")
    rows.extend((pages or {}).get("summary", []))
    load = _read("load")
    for name, result in (load or {}).get("backends", {}).items():
        add(
            f"load test {name} throughput ({load['users']} users)",
            result["requests_per_second"],
            "req/s",
            None,
            "",
            None,
            f"light p99 <= {load['light_p99_target_ms']:.0f} ms",
        )
        for route, row in result["routes"].items():
            if row["heavy"] and row["p50_ms"] is None:
                what = f"load test {name} {route} unfinished"
                add(what, row["unfinished"], "count", None, "", None, "(heavy; none answered)")
            elif row["heavy"]:
                add(f"load test {name} {route} p50", row["p50_ms"], "ms", None, "", None, "(heavy)")
            elif row["p99_ms"] is not None:
                target = f"<= {load['light_p99_target_ms']:.0f} ms"
                add(f"load test {name} {route} p99", row["p99_ms"], "ms", None, "", None, target)
        if result.get("ramp_light_p99_ms") is not None:
            what = f"load test {name} light p99 while the users start"
            add(what, result["ramp_light_p99_ms"], "ms", None, "", None, "(apart)")
        add(f"load test {name} 5xx", result["server_errors"], "count", None, "", None, "0")
        add(
            f"load test {name} heavy shed (503)",
            result["shed"],
            "count",
            None,
            "",
            None,
            "(Retry-After)",
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'figure':56} {'value':>12} {'baseline':>12} {'ratio':>8}  baseline is; target")
    for row in rows:
        base = f"{row['baseline']:,.1f}" if row.get("baseline") is not None else "-"
        ratio = f"{row['ratio']:.2f}" if row.get("ratio") is not None else "-"
        value = f"{row['value']:,.1f} {row['unit']}"
        print(
            f"{row['what']:56} {value:>12} {base:>12} {ratio:>8}  "
            f"{row.get('baseline_name') or '-'}; {row.get('target') or '-'}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--smoke", action="store_true", help="a tiny run of everything")
    args = parser.parse_args(argv)
    size = ["--enterprises", str(300 if args.smoke else args.enterprises)]
    backend = ["--backend", args.backend]
    plans: list[tuple[str, list[str]]] = [
        ("loading", size + backend),
        (
            "introductions",
            size
            + backend
            + (
                ["--pairs", "10", "--warmup", "2", "--brute-pairs", "2", "--cap", "1"]
                if args.smoke
                else []
            ),
        ),
        ("weaknesses", size + backend),
        (
            "history",
            size
            + backend
            + (["--pairs", "10", "--warmup", "2", "--rounds", "1"] if args.smoke else []),
        ),
        ("api", size + backend + (["--pairs", "10", "--warmup", "2"] if args.smoke else [])),
        (
            "visibility",
            size
            + backend
            + (["--pairs", "10", "--reads", "10", "--warmup", "2"] if args.smoke else []),
        ),
        (
            "pages",
            size + (["--repeats", "3", "--loads", "1", "--nodes", "2"] if args.smoke else []),
        ),
        (
            "load",
            size
            + backend
            + (["--users", "5", "--seconds", "5", "--ramp", "1"] if args.smoke else []),
        ),
        ("matching", size + ["--duplicates", "0.05"]),
        ("merges", size + backend + (["--rounds", "2", "--pause", "0.2"] if args.smoke else [])),
    ]
    server = None
    if args.backend != "embedded" and not os.environ.get("NEO4J_URI"):
        say("starting a local Neo4j for the benchmarks ...")
        local = _local_neo4j()
        server = local.start(DATA / "neo4j", _free_port(), "rsn-bench-password", timeout=300)
        os.environ.update(
            NEO4J_URI=server.uri, NEO4J_USER=server.user, NEO4J_PASSWORD=server.password
        )
    started = time.perf_counter()
    failures = []
    try:
        for name, arguments in plans:
            if importlib.util.find_spec(f"bench.{name}") is None:
                say(f"(no bench.{name} here; skipped)")
                continue
            say(f"== bench.{name} {' '.join(arguments)}")
            code = importlib.import_module(f"bench.{name}").main(arguments)
            if code:
                failures.append(name)
    finally:
        if server is not None:
            server.stop()
    rows = summary_rows()
    print_table(rows)
    write_results(
        "summary",
        {
            "enterprises": int(size[1]),
            "seconds": time.perf_counter() - started,
            "rows": rows,
            "failed": failures,
        },
    )
    if failures:
        say(f"these benchmarks reported a failure: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
