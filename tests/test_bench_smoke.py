"""A tiny run of `make bench`: every benchmark runs, on both backends, and the table and the
JSON results come out; the load test too (Locust is in the dev extra). Figures at this size
mean nothing; the harness working does."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_every_benchmark_runs_and_prints_one_table(tmp_path, neo4j_server):
    from tests.conftest import _wipe_neo4j

    _wipe_neo4j(neo4j_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    env.update(
        RSN_BENCH_DATA=str(tmp_path / "data"),
        RSN_BENCH_RESULTS=str(tmp_path / "results"),
        NEO4J_URI=neo4j_server.uri,
        NEO4J_USER=neo4j_server.user,
        NEO4J_PASSWORD=neo4j_server.password,
    )
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--backend", "both"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads((tmp_path / "results" / "summary.json").read_text())
    figures = {row["what"] for row in summary["rows"]}
    for backend in ("embedded", "neo4j"):
        assert f"load {backend}" in figures
        assert f"introductions {backend} p50" in figures
        assert f"api introductions {backend} p50" in figures
        assert any(what.startswith(f"weaknesses {backend} ") for what in figures), figures
        assert f"load test {backend} throughput (5 users)" in figures
        assert f"load test {backend} GET /v1/nodes/{{id}} p99" in figures
        assert f"load test {backend} 5xx" in figures
        assert f"introductions {backend} as of 2015-04-01 p99" in figures
        assert f"density history {backend} 2008-now" in figures
        assert f"introductions {backend} centre key p99" in figures
        assert f"node read {backend} with the audit log p50" in figures
        assert f"merge {backend} hubs max" in figures
        assert f"unmerge {backend} duplicate max" in figures
    assert "map page density p50" in figures
    assert "weakness page 13 first request" in figures
    assert "node page (centre) p50" in figures
    assert "embedded load with provenance" in figures
    assert "introductions neo4j-cypher p50" in figures
    assert "load neo4j-admin" in figures
    assert all(row["value"] > 0 for row in summary["rows"] if row["unit"] != "count")
    counts = {row["what"]: row["value"] for row in summary["rows"] if row["unit"] == "count"}
    assert counts["load test embedded 5xx"] == 0 and counts["load test neo4j 5xx"] == 0
    load = json.loads((tmp_path / "results" / "load.json").read_text())
    for result in load["backends"].values():
        assert result["errors"] == 0 and result["requests"] > 0
        assert result["routes"]["GET /v1/weaknesses"]["heavy"]
    merges = json.loads((tmp_path / "results" / "merges.json").read_text())
    assert all(result["exact"] for result in merges["backends"].values())
    assert "figure" in run.stdout and "load neo4j" in run.stdout
    assert "load test: 5 users" in run.stdout
    _wipe_neo4j(neo4j_server)
