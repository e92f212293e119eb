"""Benchmark of the pages people read, served by ``rsn serve`` on the embedded store (this
benchmark does not run on Neo4j).

    python -m bench.pages --enterprises 100000 [--repeats 20] [--loads 5] [--nodes 5]
        [--role admin|analyst] [--prefecture 13]

On a copy of the embedded store of bench/introductions.py (the same dataset, loaded once; the
copy gets the key and the audit entries), over HTTP on loopback, one request at a time, with
one key of ``--role``:

- the map ``GET /v1/viz/map?measure=M`` of each measure (density, centre_density,
  unfinanced, centres_per_1000). Its heavy worker works out today's map figures ahead when
  it starts; the figures' time comes from the server's log line "map figures ready in X s"
  (when the worker's log reaches the server's) and is also timed in this process on the
  same store. Cold: on a first server, the map asked as soon as the server answers (it
  meets the worker still starting); on a second one, each measure's first request after
  the figures are ready. Warm: p50 and p99 of ``--repeats`` requests of each, in turns.
  Target: under 1 s. Baseline: the density page ``GET /v1/viz/density``, in the same turns.
- the map drawn in headless Chromium (Debian's /usr/bin/chromium, with Playwright; skipped,
  saying so, without it), in English and in Japanese: from navigation start to the load
  event, to the first paint and first contentful paint (the SVG map is in the HTML, so the
  first contentful paint is the map's), and to the page's script having drawn it
  (``body[data-ready]``), p50 of ``--loads`` loads after one unmeasured. Target: under 1 s.
  Baseline: the server's time for the same page.
- the weakness report page of ``--prefecture`` (Tokyo) ``GET /v1/viz/weaknesses`` beside the
  JSON ``GET /v1/weaknesses``: each one's first request on a server that has not made that
  report yet (the JSON on the first server, the page on the second: the report may be kept
  while the graph does not change, so a later first request would find it), then p50 and
  p99 of repeated requests in turns. Target: the page under 3 s.
- node pages ``GET /v1/viz/nodes/{id}`` of ``--nodes`` enterprises and of the centre with the
  most clients, beside ``GET /v1/nodes/{id}``, in turns; the search box's
  ``GET /v1/viz/find?q=`` of names (whole, and a part of one).

Prints one table (each figure beside its baseline and the ratio) and writes
bench/results/pages.json, whose ``summary`` holds the table's rows. The figures are printed
beside their targets, never checked against them.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from bench.introductions import open_backend, ready
from bench.visibility import _copy_store, busiest_centres
from bench.weaknesses import CHROMIUM, FLAGS
from graph.queries.regional_measures import regional_history
from graph.store.keys import Role
from graph.valid_time import today

MEASURES = ("density", "centre_density", "unfinanced", "centres_per_1000")
LANGUAGES = ("en", "ja")
#: The targets, as printed beside the figures.
MAP_TARGET_S = 1.0
BROWSER_TARGET_S = 1.0
REPORT_TARGET_S = 3.0
#: The lines of the server's log this benchmark reads.
WORKER_READY = "heavy work process ready in"
FIGURES_READY = "map figures ready in"
KEY_NAME = "bench-pages"


# -- the servers ---------------------------------------------------------------------------


@dataclass
class Server:
    """An ``rsn serve`` process, its address, its log, and when it was started."""

    base: str
    process: subprocess.Popen
    log: Path
    started: float

    def line(self, phrase: str) -> tuple[float, float] | None:
        """The seconds a log line ``<phrase> X s`` says and the seconds since start at which
        this benchmark saw it; None while the log has no such line."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        found = re.search(re.escape(phrase) + r" ([0-9.]+) s", text)
        if found is None:
            return None
        return float(found.group(1)), time.perf_counter() - self.started

    def wait_line(self, phrase: str, timeout: float) -> tuple[float, float] | None:
        """:meth:`line`, once the log has it (polled every 50 ms); None after ``timeout``
        seconds without it. Raises RuntimeError if the server stops meanwhile."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.line(phrase)
            if found is not None:
                return found
            if self.process.poll() is not None:
                raise RuntimeError("the API server stopped")
            time.sleep(0.05)
        return None


def start_server(stack: ExitStack, data_dir: Path, log: Path) -> Server:
    """``rsn serve`` on the embedded store in ``data_dir`` with one heavy worker, on a free
    port, its log in ``log``; stopped when ``stack`` closes. Returns once it answers
    ``/health``; raises RuntimeError if it stops or does not start in time."""
    started = time.perf_counter()
    base, process = serve(stack, data_dir, env={"RSN_HEAVY_PROCESSES": "1"}, log=log)
    server = Server(base, process, log, started)
    wait_healthy(server.base, process)
    return server


def timed(client: httpx.Client, path: str) -> float:
    """The seconds ``GET path`` took, the whole answer read. Raises httpx.HTTPStatusError
    for an answer that is not 2xx (a redirect to the sign-in form too)."""
    started = time.perf_counter()
    answer = client.get(path)
    seconds = time.perf_counter() - started
    answer.raise_for_status()
    return seconds


def figures(seconds: list[float]) -> dict[str, float]:
    """The p50, p99 and mean of ``seconds``, in milliseconds, and how many."""
    return {
        "p50_ms": percentile(seconds, 0.5) * 1000,
        "p99_ms": percentile(seconds, 0.99) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
        "requests": len(seconds),
    }


def in_turns(client: httpx.Client, paths: dict[str, str], repeats: int) -> dict[str, list[float]]:
    """Each of ``paths`` (by name) asked ``repeats`` times, in turns (which goes first
    rotates), so that all meet the same machine; the seconds of each, by name."""
    names = list(paths)
    taken: dict[str, list[float]] = {name: [] for name in names}
    for index in range(repeats):
        turn = index % len(names)
        for name in names[turn:] + names[:turn]:
            taken[name].append(timed(client, paths[name]))
    return taken


# -- the dataset's facts -------------------------------------------------------------------


def sample_enterprises(folder: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` random enterprises that exist today (fixed ``seed``): (id, name)."""
    with (folder / "enterprises.csv").open(encoding="utf-8", newline="") as handle:
        alive = [(row["id"], row["name"]) for row in csv.DictReader(handle) if not row["ended"]]
    return random.Random(seed).sample(alive, min(count, len(alive)))


def search_texts(names: list[str]) -> list[str]:
    """What the search box is asked: each name whole, and two characters from its middle
    (a part of a name: the search then looks at every name holding it)."""
    texts = []
    for name in names:
        texts.append(name)
        middle = max(0, len(name) // 2 - 1)
        texts.append(name[middle : middle + 2])
    return texts


# -- the parts -----------------------------------------------------------------------------


def measure_start(
    stack: ExitStack, data_dir: Path, folder: Path, secret: str, report_path: str, wait: float
) -> dict[str, Any]:
    """The first server: the map asked as soon as it answers, then (its worker ready) the
    JSON weakness report's first request."""
    server = start_server(stack, data_dir, folder / "at-start.log")
    serving = time.perf_counter() - server.started
    client = stack.enter_context(
        httpx.Client(
            base_url=server.base, headers={"Authorization": f"Bearer {secret}"}, timeout=600
        )
    )
    say("first server: the map asked as soon as the server answers ...")
    first_map = timed(client, "/v1/viz/map?measure=density")
    worker = server.wait_line(WORKER_READY, wait)
    say("first server: the JSON weakness report's first request ...")
    first_json = timed(client, report_path)
    ahead = server.line(FIGURES_READY)
    return {
        "serving_after_s": serving,
        "first_map_ms": first_map * 1000,
        "first_map_done_after_s": serving + first_map,
        "first_server_worker_ready_s": worker[0] if worker else None,
        "first_server_figures_ready_s": ahead[0] if ahead else None,
        "report_json_first_ms": first_json * 1000,
    }


def measure_server(
    client: httpx.Client,
    report: tuple[str, str],
    nodes: dict[str, list[str]],
    texts: list[str],
    repeats: int,
) -> dict[str, Any]:
    """On the second server, the figures ready: each map's first request and its repeats
    beside the density page's, the weakness report page's first request and its repeats
    beside the JSON's, node pages beside node reads, and the search box."""
    found: dict[str, Any] = {"map": {}}
    for measure in MEASURES:
        found["map"][measure] = {"first_ms": timed(client, f"/v1/viz/map?measure={measure}") * 1000}
    found["density_page"] = {"first_ms": timed(client, "/v1/viz/density") * 1000}
    say(f"second server: {repeats} requests of each map and of the density page, in turns ...")
    paths = {measure: f"/v1/viz/map?measure={measure}" for measure in MEASURES}
    taken = in_turns(client, {**paths, "density_page": "/v1/viz/density"}, repeats)
    for measure in MEASURES:
        found["map"][measure].update(figures(taken[measure]))
    found["density_page"].update(figures(taken["density_page"]))

    page_path, json_path = report
    say("second server: the weakness report page's first request, then repeats ...")
    found["report_page"] = {"first_ms": timed(client, page_path) * 1000}
    taken = in_turns(client, {"page": page_path, "json": json_path}, repeats)
    found["report_page"].update(figures(taken["page"]))
    found["report_json"] = figures(taken["json"])

    say("second server: node pages beside node reads, and the search box ...")
    for kind, ids in nodes.items():
        for node_id in ids:  # one unmeasured round: the first reads of a node cost more
            timed(client, f"/v1/viz/nodes/{node_id}")
            timed(client, f"/v1/nodes/{node_id}")
        pages: list[float] = []
        reads: list[float] = []
        for _ in range(repeats):
            for node_id in ids:
                pair = {"page": f"/v1/viz/nodes/{node_id}", "json": f"/v1/nodes/{node_id}"}
                both = in_turns(client, pair, 1)
                pages += both["page"]
                reads += both["json"]
        found[f"{kind}_page"] = figures(pages)
        found[f"{kind}_json"] = figures(reads)
    searched: list[float] = []
    for text in texts:
        timed(client, f"/v1/viz/find?q={quote(text)}")
    for _ in range(repeats):
        for text in texts:
            searched.append(timed(client, f"/v1/viz/find?q={quote(text)}"))
    found["find"] = figures(searched)
    return found


#: Notes when the map has been drawn (``body[data-ready]`` set by its script), in the
#: milliseconds since navigation start, as ``window.rsnBenchReady``.
_WATCH_READY = """(() => {
  const seen = () => {
    if (window.rsnBenchReady === undefined && document.body && document.body.dataset.ready) {
      window.rsnBenchReady = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"],
  });
})();"""

#: The page's timings since navigation start, in milliseconds.
_TIMINGS = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(
    performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  return {
    response_end: n.responseEnd,
    dom_content_loaded: n.domContentLoadedEventEnd,
    load: n.loadEventEnd,
    first_paint: paint["first-paint"] ?? null,
    first_contentful_paint: paint["first-contentful-paint"] ?? null,
    drawn: window.rsnBenchReady ?? null,
  };
}"""

BROWSER_FIGURES = (
    "response_end",
    "dom_content_loaded",
    "load",
    "first_paint",
    "first_contentful_paint",
    "drawn",
)


def measure_browser(base: str, secret: str, loads: int, measure: str) -> dict[str, Any]:
    """The map of ``measure`` loaded ``loads`` times (after one unmeasured load) in headless
    Chromium in each language, the key sent as a header: the p50 of each of
    :data:`BROWSER_FIGURES`, in milliseconds since navigation start (None when Chromium
    gave no such figure). ``{"skipped": why}`` without Chromium or Playwright."""
    if not CHROMIUM.exists():
        return {"skipped": f"{CHROMIUM} is missing (tools/install-chromium.sh installs it)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "Playwright is not installed (the dev extra has it)"}
    found: dict[str, Any] = {"measure": measure, "loads": loads}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 800},
                extra_http_headers={"Authorization": f"Bearer {secret}"},
            )
            context.add_init_script(_WATCH_READY)
            for lang in LANGUAGES:
                runs: list[dict[str, float | None]] = []
                for index in range(loads + 1):
                    page = context.new_page()
                    page.goto(f"{base}/v1/viz/map?measure={measure}&lang={lang}", timeout=120_000)
                    page.wait_for_selector("body[data-ready]", timeout=120_000)
                    try:  # the paint entries may come a frame after the load event
                        page.wait_for_function(
                            "() => performance.getEntriesByType('paint').length >= 2"
                            " && performance.getEntriesByType('navigation')[0].loadEventEnd > 0",
                            timeout=5_000,
                        )
                    except Exception:  # noqa: BLE001 - figures missing are reported as None
                        pass
                    timings = page.evaluate(_TIMINGS)
                    page.close()
                    if index:
                        runs.append(timings)
                found[lang] = {
                    f"{name}_p50_ms": _p50([run[name] for run in runs]) for name in BROWSER_FIGURES
                }
        finally:
            browser.close()
    return found


def _p50(values: list[float | None]) -> float | None:
    """The median of the values given (those that are not None); None when there are none."""
    given = [value for value in values if value is not None]
    return percentile(given, 0.5) if given else None


# -- the table -----------------------------------------------------------------------------


def summary_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's rows: what, the figure, its baseline, their ratio and the target (the
    format bench/__main__.py prints)."""
    rows: list[dict[str, Any]] = []

    def add(
        what: str,
        value: float | None,
        unit: str,
        baseline: float | None = None,
        base_name: str = "",
        target: str = "",
    ) -> None:
        if value is None:
            return
        ratio = value / baseline if baseline else None
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

    start, served = found["start"], found["served"]
    map_target = f"< {MAP_TARGET_S * 1000:,.0f} ms"
    add("map page first request at server start", start["first_map_ms"], "ms", target=map_target)
    add("map figures ready (worker's log)", start["figures_ready_s"], "s")
    add("map figures worked out (in process)", found["figures_in_process_s"], "s")
    density = served["density_page"]
    for measure in MEASURES:
        row = served["map"][measure]
        add(
            f"map page {measure} first request",
            row["first_ms"],
            "ms",
            density["first_ms"],
            "density page first",
            map_target,
        )
        for figure in ("p50", "p99"):
            add(
                f"map page {measure} {figure}",
                row[f"{figure}_ms"],
                "ms",
                density[f"{figure}_ms"],
                f"density page {figure}",
                map_target,
            )
    browser = found["browser"]
    server_p50 = served["map"][browser.get("measure", "density")]["p50_ms"]
    for lang in LANGUAGES:
        if lang not in browser:
            continue
        for figure, name in (("load", "load event"), ("first_contentful_paint", "first paint")):
            add(
                f"map in chromium ({lang}) {name} p50",
                browser[lang][f"{figure}_p50_ms"],
                "ms",
                server_p50,
                "served p50 (HTTP)",
                f"< {BROWSER_TARGET_S * 1000:,.0f} ms",
            )
    page, json_ = served["report_page"], served["report_json"]
    report_target = f"< {REPORT_TARGET_S * 1000:,.0f} ms"
    prefecture = found["prefecture"]
    add(
        f"weakness page {prefecture} first request",
        page["first_ms"],
        "ms",
        start["report_json_first_ms"],
        "JSON first request",
        report_target,
    )
    for figure in ("p50", "p99"):
        add(
            f"weakness page {prefecture} {figure}",
            page[f"{figure}_ms"],
            "ms",
            json_[f"{figure}_ms"],
            f"JSON {figure}",
            report_target,
        )
    for kind in ("enterprise", "centre"):
        for figure in ("p50", "p99"):
            add(
                f"node page ({kind}) {figure}",
                served[f"{kind}_page"][f"{figure}_ms"],
                "ms",
                served[f"{kind}_json"][f"{figure}_ms"],
                f"GET /v1/nodes/{{id}} {figure}",
            )
    for figure in ("p50", "p99"):
        add(
            f"search box (find) {figure}",
            served["find"][f"{figure}_ms"],
            "ms",
            served["enterprise_json"][f"{figure}_ms"],
            f"GET /v1/nodes/{{id}} {figure}",
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    """The rows, each figure beside its baseline, the ratio and the target."""
    header = f"{'figure':44} {'value':>12} {'baseline':>12} {'ratio':>7}  baseline is; target"
    print(header)
    print("-" * len(header))
    for row in rows:
        base = f"{row['baseline']:,.1f}" if row["baseline"] is not None else "-"
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        value = f"{row['value']:,.1f} {row['unit']}"
        print(
            f"{row['what']:44} {value:>12} {base:>12} {ratio:>7}  "
            f"{row['baseline_name'] or '-'}; {row['target'] or '-'}"
        )


# -- the run -------------------------------------------------------------------------------


def _timed_call(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--repeats", type=int, default=20, help="warm requests of each page")
    parser.add_argument("--loads", type=int, default=5, help="measured loads in the browser")
    parser.add_argument("--nodes", type=int, default=5, help="enterprises whose page is read")
    parser.add_argument("--prefecture", default="13", help="the weakness report's (Tokyo)")
    parser.add_argument("--role", choices=("admin", "analyst"), default="admin")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser")
    parser.add_argument("--sample-seed", type=int, default=7)
    args = parser.parse_args(argv)

    folder, counts = dataset(args.enterprises, args.seed)
    with open_backend("embedded", args.enterprises, args.seed) as store:
        ready(store, folder, counts)
        say("the map's figures, worked out in this process on the same store ...")
        in_process = _timed_call(lambda: regional_history(store, today()))
    chosen = sample_enterprises(folder, args.nodes, args.sample_seed)
    centre = busiest_centres(folder).get(args.prefecture) or busiest_centres(folder)[""]
    nodes = {"enterprise": [node_id for node_id, _ in chosen], "centre": [centre]}
    texts = search_texts([name for _, name in chosen[:2]])
    report = (
        f"/v1/viz/weaknesses?prefecture={args.prefecture}",
        f"/v1/weaknesses?prefecture={args.prefecture}",
    )
    wait = 600.0  # for the worker to start

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=DATA)))
        data_dir = work / "data"
        say("copying the embedded store for the API servers ...")
        _copy_store(DATA / f"embedded-{args.enterprises}-{args.seed}", data_dir)
        secret = add_keys(data_dir, [KEY_NAME], Role(args.role))[KEY_NAME]
        with ExitStack() as first:
            start = measure_start(first, data_dir, work, secret, report[1], wait)
        say("second server: waiting for its map figures ...")
        server = start_server(stack, data_dir, work / "served.log")
        start["second_serving_after_s"] = time.perf_counter() - server.started
        worker = server.wait_line(WORKER_READY, wait)
        ahead = server.wait_line(FIGURES_READY, 2 * in_process + 5)
        if ahead is None:
            say(
                f"note: the server's log has no \"{FIGURES_READY}\" line (the heavy worker's "
                f"log does not reach it); measuring the first requests "
                f"{2 * in_process + 5:.0f} s after the worker was ready"
            )
        start["worker_ready_s"] = worker[0] if worker else None
        start["figures_ready_s"] = ahead[0] if ahead else None
        start["figures_seen_after_s"] = ahead[1] if ahead else None
        client = stack.enter_context(
            httpx.Client(
                base_url=server.base, headers={"Authorization": f"Bearer {secret}"}, timeout=600
            )
        )
        served = measure_server(client, report, nodes, texts, args.repeats)
        if args.no_browser:
            browser: dict[str, Any] = {"skipped": "--no-browser"}
        else:
            say(f"the map in Chromium, {args.loads} loads in each language ...")
            browser = measure_browser(server.base, secret, args.loads, "density")
        if "skipped" in browser:
            say(f"the browser part is skipped: {browser['skipped']}")

    found: dict[str, Any] = {
        "backend": "embedded",
        "dataset": {"enterprises": args.enterprises, "seed": args.seed, "rows": counts},
        "role": args.role,
        "prefecture": args.prefecture,
        "nodes": nodes,
        "search_texts": texts,
        "repeats": args.repeats,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
        },
        "targets": {
            "map_s": MAP_TARGET_S,
            "browser_s": BROWSER_TARGET_S,
            "report_page_s": REPORT_TARGET_S,
        },
        "figures_in_process_s": in_process,
        "start": start,
        "served": served,
        "browser": browser,
    }
    found["summary"] = summary_rows(found)
    print()
    print(
        f"pages on {args.enterprises:,} enterprises, embedded store, {args.role} key, over "
        f"HTTP on loopback; warm figures of {args.repeats} requests each, in turns; load "
        f"average {found['machine']['load_average'][0]:.2f} on {os.cpu_count()} CPUs"
    )
    print_table(found["summary"])
    if "skipped" in browser:
        print(f"the map in Chromium: skipped ({browser['skipped']})")
    print(
        f"first server: answering after {start['serving_after_s']:.1f} s; the map asked then "
        f"was served {start['first_map_done_after_s']:.1f} s after start"
    )
    if start["figures_ready_s"] is None:
        print(f'the servers\' logs have no "{FIGURES_READY}" line')
    write_results("pages", found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
