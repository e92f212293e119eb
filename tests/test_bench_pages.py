"""A tiny run of the pages benchmark on the embedded store: the map of every measure, the
density page beside it, the weakness report page beside the JSON, node pages, the search box
and (where Chromium is installed) the map in a browser come out as JSON and in one table.
Figures at this size mean nothing; the harness working does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.pages import BROWSER_FIGURES, LANGUAGES, MEASURES
from bench.weaknesses import CHROMIUM


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _timed(row: dict, first: bool = False) -> None:
    """``row`` holds positive p50, p99 and mean figures (and a first request's when
    ``first``), the p99 not below the p50."""
    names = ["p50_ms", "p99_ms", "mean_ms"] + (["first_ms"] if first else [])
    for name in names:
        assert _positive(row[name]), (name, row)
    assert row["p99_ms"] >= row["p50_ms"]


def test_the_pages_benchmark_runs_and_writes_every_figure(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    env.update(
        RSN_BENCH_DATA=str(tmp_path / "data"),
        RSN_BENCH_RESULTS=str(tmp_path / "results"),
    )
    command = [sys.executable, "-m", "bench.pages", "--enterprises", "300"]
    command += ["--repeats", "3", "--loads", "1", "--nodes", "2"]
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((tmp_path / "results" / "pages.json").read_text())

    assert report["backend"] == "embedded" and report["role"] == "admin"
    assert report["dataset"]["enterprises"] == 300 and report["repeats"] == 3
    assert len(report["nodes"]["enterprise"]) == 2 and len(report["nodes"]["centre"]) == 1
    assert report["nodes"]["centre"][0].startswith("C")
    assert len(report["machine"]["load_average"]) == 3
    assert _positive(report["figures_in_process_s"])

    start = report["start"]
    for name in ("serving_after_s", "first_map_ms", "report_json_first_ms"):
        assert _positive(start[name]), name
    assert start["first_map_done_after_s"] > start["serving_after_s"]
    assert _positive(start["worker_ready_s"])  # "heavy work process ready in X s"
    for name in ("figures_ready_s", "figures_seen_after_s"):  # only when the log has the line
        assert start[name] is None or _positive(start[name]), name

    served = report["served"]
    assert set(served["map"]) == set(MEASURES)
    for row in served["map"].values():
        _timed(row, first=True)
        assert row["requests"] == 3
    _timed(served["density_page"], first=True)
    _timed(served["report_page"], first=True)
    for name in ("report_json", "enterprise_page", "enterprise_json", "centre_page"):
        _timed(served[name])
    _timed(served["centre_json"])
    _timed(served["find"])
    assert served["enterprise_page"]["requests"] == 3 * 2
    assert served["find"]["requests"] == 3 * len(report["search_texts"])

    browser = report["browser"]
    if CHROMIUM.exists():
        assert "skipped" not in browser, browser
        for lang in LANGUAGES:
            for name in BROWSER_FIGURES:
                assert _positive(browser[lang][f"{name}_p50_ms"]), (lang, name)
            assert browser[lang]["load_p50_ms"] >= browser[lang]["response_end_p50_ms"]
    else:
        assert "missing" in browser["skipped"]
        assert "the map in Chromium: skipped" in run.stdout

    rows = {row["what"]: row for row in report["summary"]}
    for measure in MEASURES:
        for figure in ("first request", "p50", "p99"):
            row = rows[f"map page {measure} {figure}"]
            assert row["baseline_name"].startswith("density page")
            assert row["ratio"] == row["value"] / row["baseline"]
    assert "weakness page 13 p50" in rows and "search box (find) p99" in rows
    assert ("map in chromium (ja) first paint p50" in rows) == CHROMIUM.exists()
    assert all(_positive(row["value"]) for row in rows.values())
    assert all(row["baseline"] is None or _positive(row["baseline"]) for row in rows.values())
    for row in rows.values():
        assert row["what"] in run.stdout
