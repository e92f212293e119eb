"""The OpenAPI contract, checked by schemathesis against the live API: every operation, every
check, a fixed seed, with an admin's, an analyst's and a centre's key.

Schemathesis generates requests from the published schema (valid ones, and invalid ones that
must be refused with a 4xx), then checks each answer against the schema: its status code is
documented, its body and headers fit, no 5xx, a request without the key is refused, a 405
lists the path's methods, and so on. tests/api/schemathesis.toml lists the few operations
whose cross-field rules no JSON Schema can state.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.settings import Backend

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261201
MAX_EXAMPLES = 15


@pytest.fixture
def room_for_heavy_work(monkeypatch):
    """A fuzzed heavy request that schemathesis stops waiting for goes on in the server, so
    the next ones could be shed with a 503 (the bound tested in tests/api/test_heavy_work.py):
    the server under fuzzing gets the highest bound. Set before ``live_api`` makes the app."""
    monkeypatch.setenv("RSN_HEAVY_REQUESTS", "64")


@pytest.mark.parametrize("backend", [Backend.EMBEDDED], indirect=True)
@pytest.mark.parametrize("role", ["admin", "analyst", "centre"])
def test_the_api_keeps_its_published_contract(room_for_heavy_work, live_api, role):
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_api.base_url}/openapi.json",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--header",
        f"Authorization: Bearer {live_api.keys[role]}",
        "--no-color",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-20000:]
    assert " passed" in report and "failure" not in report.split("SUMMARY")[-1], report[-5000:]
