"""Benchmark of the weakness report, beside plain NetworkX on the same projection, and of the
network page in a headless browser.

    python -m bench.weaknesses --enterprises 100000 [--backend embedded|neo4j|both]
        [--prefecture 13] [--no-page]

The dataset and the embedded store are those of bench/introductions.py (made once under
bench/.data/); the Neo4j backend uses the server the environment names (NEO4J_URI, NEO4J_USER,
NEO4J_PASSWORD), which must be empty or hold exactly this dataset.

For each backend, the full report (``weakness_report``: projection, every metric, every next
step) is timed for the largest prefecture (Tokyo, 13) and for the whole network. Beside it, on
the same actor projection, the plain NetworkX calls for what the report computes:
articulation_points, bridges, betweenness_centrality with the same number of sampled sources,
constraint of the same brokers, connected_components (the projection itself is not timed
there). Each measurement runs in a forked process, so its peak memory is its own: the peak
resident size (VmHWM) less the resident size when it started. Then the page of a 2,000-node
view (Tokyo, trimmed) is timed in headless Chromium until its layout has settled, with every
request to another host blocked. Prints a table and writes bench/results/weaknesses.json.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from bench.common import write_results
from bench.introductions import DATA, dataset, open_backend, ready, say
from graph.model import Scope
from graph.queries.weaknesses import weakness_report
from graph.store import GraphStore

CHROMIUM = Path("/usr/bin/chromium")
#: The flags the browser tests use (tests/e2e/conftest.py).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Targets from the issue.
PREFECTURE_TARGET_S = 10.0
PAGE_TARGET_S = 5.0


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _child(work: Callable[[], dict[str, Any]], sender: Any) -> None:
    try:
        start_kb = _status_kb("VmRSS")
        result = work()
        result["peak_mb"] = (_status_kb("VmHWM") - start_kb) / 1024
        sender.send(result)
    except BaseException:  # the parent reports it
        sender.send({"error": traceback.format_exc()})


def isolated(work: Callable[[], dict[str, Any]], cap: float | None = None) -> dict[str, Any]:
    """Run ``work`` in a forked process; its result with ``peak_mb`` added, or None if it
    ran past ``cap`` seconds (then it is stopped)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(work, sender))
    worker.start()
    try:
        if not receiver.poll(cap):
            return None
        result = receiver.recv()
    finally:
        if worker.is_alive() and cap is not None:
            worker.kill()
        worker.join()
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


# -- the report and its NetworkX baseline ------------------------------------------------


def report_run(store_of: Callable[[], GraphStore], prefecture: str | None) -> dict[str, Any]:
    store = store_of()
    started = time.perf_counter()
    report = weakness_report(store, prefecture)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "nodes": report.nodes,
        "edges": report.edges,
        "counts": report.counts,
        "betweenness_sources": report.betweenness_sources,
        "betweenness_exact": report.betweenness_exact,
        "brokers": [broker.id for broker in report.brokers],
    }


def networkx_run(
    store_of: Callable[[], GraphStore],
    prefecture: str | None,
    k: int | None,
    brokers: list[str],
    cap: float,
) -> dict[str, Any]:
    graph = store_of().projection(Scope(prefecture))
    steps: dict[str, float] = {}

    def timed(name: str, call: Callable[[], Any]) -> None:
        started = time.perf_counter()
        call()
        steps[name] = time.perf_counter() - started

    timed("articulation_points", lambda: list(nx.articulation_points(graph)))
    timed("bridges", lambda: list(nx.bridges(graph)))
    timed("betweenness_centrality", lambda: nx.betweenness_centrality(graph, k=k, seed=2008))
    timed("connected_components", lambda: list(nx.connected_components(graph)))
    # networkx.constraint costs about degree² · degree of the neighbours per node: on hubs
    # (a bank lending to thousands) it can run for hours, so it stops at the cap and the
    # baseline is then a lower bound
    ran = isolated(lambda: _constraint(graph, brokers), cap)
    steps["constraint"] = cap if ran is None else ran["seconds"]
    return {"seconds": sum(steps.values()), "steps": steps, "capped": ran is None}


def _constraint(graph: nx.Graph, brokers: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    nx.constraint(graph, nodes=brokers)
    return {"seconds": time.perf_counter() - started}


def measure_backend(
    name: str, enterprises: int, seed: int, prefecture: str, cap: float
) -> dict[str, Any]:
    folder, counts = dataset(enterprises, seed)
    store = open_backend(name, enterprises, seed)
    loaded = ready(store, folder, counts)
    if name == "embedded":  # forked children share the store in memory

        def store_of() -> GraphStore:
            return store
    else:  # a driver's connections must not cross a fork: each child opens its own
        store.close()

        def store_of() -> GraphStore:
            return open_backend(name, enterprises, seed)

    found: dict[str, Any] = {"load_seconds": round(loaded, 1)}
    for label, code in ((prefecture, prefecture), ("whole", None)):
        say(f"{name}: the report for {'the whole network' if code is None else code} ...")
        report = isolated(lambda code=code: report_run(store_of, code))
        say(f"{name}: {report['seconds']:.2f} s; NetworkX on the same projection ...")
        k = None if report["betweenness_exact"] else report["betweenness_sources"]
        baseline = isolated(
            lambda code=code, k=k, brokers=report["brokers"]: networkx_run(
                store_of, code, k, brokers, cap
            )
        )
        found[label] = {"report": report, "networkx": baseline}
    if name == "embedded":
        found["page"] = measure_page(store)
    store.close()
    return found


# -- the page in a browser ------------------------------------------------------------------


def measure_page(store: GraphStore, prefecture: str = "13") -> dict[str, Any]:
    """Build the page of a prefecture's view (trimmed to 2,000 nodes), open it in headless
    Chromium, and time it until the layout has settled (``window.rsnNetwork.ready``)."""
    from viz.pages import network_page, prefecture_view

    if not CHROMIUM.exists():
        say(f"{CHROMIUM} is missing: no page timing")
        return {"skipped": f"{CHROMIUM} is missing"}
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    view = prefecture_view(store, prefecture)
    page_html = network_page(view)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "network.html"
        path.write_text(page_html, encoding="utf-8")
        foreign: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=FLAGS
            )
            context = browser.new_context(viewport={"width": 1280, "height": 900})

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith(("file://", "data:", "blob:", "about:")):
                    route.continue_()
                else:
                    foreign.append(url)
                    route.abort()

            context.route("**/*", guard)
            page = context.new_page()
            runs = []
            for _ in range(3):  # the first run also starts the renderer
                started = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_function(
                    "window.rsnNetwork && window.rsnNetwork.ready", timeout=120_000, polling=50
                )
                runs.append(time.perf_counter() - started)
            drawn = page.evaluate("window.rsnNetwork.nodes.length")
            browser.close()
    return {
        "nodes": drawn,
        "edges": view.graph.number_of_edges(),
        "of_nodes": view.total_nodes,
        "html_bytes": len(page_html.encode()),
        "build_seconds": built,
        "ready_seconds": runs,
        "foreign_requests": foreign,
    }


# -- the run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.weaknesses", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--prefecture", default="13", help="the prefecture report (Tokyo)")
    parser.add_argument("--no-page", action="store_true", help="skip the browser")
    parser.add_argument(
        "--cap", type=float, default=30.0, help="seconds networkx.constraint may take"
    )
    args = parser.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    backends = ["embedded", "neo4j"] if args.backend == "both" else [args.backend]

    results: dict[str, Any] = {}
    for name in backends:
        results[name] = measure_backend(
            name, args.enterprises, args.seed, args.prefecture, args.cap
        )
    if args.no_page:
        for found in results.values():
            found.pop("page", None)
    elif "embedded" not in results:  # the page is the same whichever store made it
        with open_backend(backends[0], args.enterprises, args.seed) as store:
            results[backends[0]]["page"] = measure_page(store)

    print()
    print(f"weakness report on {args.enterprises:,} enterprises (seed {args.seed})")
    header = (
        f"{'':<10}{'scope':<8}{'actors':>8}{'ties':>9}{'report s':>10}{'peak MB':>9}"
        f"{'networkx s':>12}{'peak MB':>9}{'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    short = []
    for name, found in results.items():
        for label in (args.prefecture, "whole"):
            report, baseline = found[label]["report"], found[label]["networkx"]
            ratio = report["seconds"] / baseline["seconds"]
            found[label]["ratio"] = ratio
            at_least, at_most = ("≥", "≤") if baseline["capped"] else ("", "")
            print(
                f"{name:<10}{label:<8}{report['nodes']:>8,}{report['edges']:>9,}"
                f"{report['seconds']:>10.2f}{report['peak_mb']:>9.0f}"
                f"{at_least + format(baseline['seconds'], '.2f'):>12}"
                f"{baseline['peak_mb']:>9.0f}{at_most + format(ratio, '.2f'):>7}x"
            )
        if found[args.prefecture]["report"]["seconds"] >= PREFECTURE_TARGET_S:
            short.append(f"{name}: the prefecture report takes {PREFECTURE_TARGET_S:g} s or more")
    for name, found in results.items():
        steps = found[args.prefecture]["networkx"]["steps"]
        print(
            f"networkx ({name}, {args.prefecture}): "
            + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in steps.items())
        )
        page = found.get("page")
        if page and "skipped" not in page:
            ready_s = min(page["ready_seconds"][1:] or page["ready_seconds"])
            first = page["ready_seconds"][0]
            print(
                f"page: {page['nodes']:,} of {page['of_nodes']:,} nodes, {page['edges']:,} ties, "
                f"{page['html_bytes'] / 1e6:.1f} MB of HTML built in {page['build_seconds']:.2f} "
                f"s; ready (layout settled) in {ready_s:.2f} s (first open {first:.2f} s); "
                f"{len(page['foreign_requests'])} request(s) to other hosts"
            )
            if ready_s >= PAGE_TARGET_S:
                short.append(f"the page takes {PAGE_TARGET_S:g} s or more to settle")
            if page["foreign_requests"]:
                short.append("the page asked another host for something")
    print(
        f"ratio: report time / networkx time (< 1: the report is faster); ≥ and ≤: "
        f"networkx.constraint was stopped at the {args.cap:g} s cap (a lower bound)"
    )
    for line in short:
        print(f"SHORT OF TARGET: {line}")

    # the rows `make bench` (bench/__main__.py) prints in its table
    summary = []
    for name, found in results.items():
        for label in (args.prefecture, "whole"):
            report, baseline = found[label]["report"], found[label]["networkx"]
            summary.append(
                {
                    "what": f"weaknesses {name} {label} report",
                    "value": report["seconds"],
                    "unit": "s",
                    "baseline": baseline["seconds"],
                    "baseline_name": "networkx calls"
                    + (" (constraint capped)" if baseline["capped"] else ""),
                    "ratio": found[label]["ratio"],
                    "target": f"< {PREFECTURE_TARGET_S:g} s" if label != "whole" else "",
                }
            )
        page = found.get("page")
        if page and "skipped" not in page:
            summary.append(
                {
                    "what": "weaknesses page ready (2,000 nodes)",
                    "value": min(page["ready_seconds"][1:] or page["ready_seconds"]),
                    "unit": "s",
                    "baseline": None,
                    "baseline_name": "",
                    "ratio": None,
                    "target": f"< {PAGE_TARGET_S:g} s",
                }
            )
    write_results(
        "weaknesses",
        {
            "dataset": {"enterprises": args.enterprises, "seed": args.seed},
            "prefecture": args.prefecture,
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "targets": {"prefecture_report_s": PREFECTURE_TARGET_S, "page_s": PAGE_TARGET_S},
            "backends": results,
            "short_of_target": short,
            "summary": summary,
        },
    )
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
