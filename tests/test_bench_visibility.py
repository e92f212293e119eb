"""A tiny run of the visibility benchmark on the embedded store: the introductions of every
role and the node reads with and without the audit log come out as JSON. Figures at this
size mean nothing; the harness working, the audit log filling and the analyst seeing no
confidential tie do."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_the_visibility_benchmark_runs_and_writes_every_row(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    env.update(
        RSN_BENCH_DATA=str(tmp_path / "data"),
        RSN_BENCH_RESULTS=str(tmp_path / "results"),
    )
    command = [sys.executable, "-m", "bench.visibility", "--enterprises", "300"]
    command += ["--backend", "embedded", "--pairs", "6", "--reads", "5", "--warmup", "2"]
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((tmp_path / "results" / "visibility.json").read_text())

    assert set(report["introductions"]) == {"embedded"}
    paths = report["introductions"]["embedded"]
    for role in ("admin", "centre", "analyst"):
        assert paths[role]["p50_ms"] > 0 and paths[role]["p99_ms"] >= paths[role]["p50_ms"]
        assert paths[role]["visibility_p50_ms"] >= 0
    assert paths["admin"]["answers_unlike_admin"] == 0
    assert paths["analyst"]["answers_with_a_confidential_tie"] == 0
    assert paths["centre"]["entitled_enterprises_mean"] > 0  # a centre with clients asked
    assert paths["p99_ratio"] == paths["centre"]["p99_ms"] / paths["admin"]["p99_ms"]
    assert report["pairs"] == {"measured": 6, "warmup": 2, "seed": 7}
    assert report["centres"] and all(c.startswith("C") for c in report["centres"])

    assert set(report["node_reads"]) == {"embedded"}
    reads = report["node_reads"]["embedded"]
    assert (reads["reads"], reads["warmup"]) == (5, 2)
    for served in ("logged", "unlogged"):
        assert 0 < reads[served]["p50_ms"] <= reads[served]["p99_ms"]
    assert reads["ratio_p50"] == reads["logged"]["p50_ms"] / reads["unlogged"]["p50_ms"]
    # every read of the logging server showed a confidential tie to an admin: one entry each
    assert reads["audit_entries_logged"] == 7 and reads["audit_entries_unlogged"] == 0
    assert reads["different_answers"] == 0

    assert "p99/admin" in run.stdout and "GET /v1/nodes/{id}" in run.stdout
