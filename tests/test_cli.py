"""The command line as people use it: real processes, one line per error, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_NETWORK, write_dataset


def rsn(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    environment.update({"RSN_DATA_DIR": str(data_dir), "RSN_BACKEND": "embedded", **env})
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_load_with_one_bad_relation_writes_nothing_and_names_the_row(tmp_path, data_dir):
    files = {name: list(rows) for name, rows in SMALL_NETWORK.items()}
    files["relations.csv"] = [*files["relations.csv"], ["E1", "SUPPORTS", "C1", "", ""]]
    folder = write_dataset(tmp_path / "bad", files)
    result = rsn("load", str(folder), data_dir=data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "relations.csv:16: type: SUPPORTS cannot join Enterprise 'E1' to Centre 'C1'" in (
        result.stderr
    )
    assert "nothing was loaded" in result.stderr
    stats = rsn("export", str(tmp_path / "out"), data_dir=data_dir)
    assert stats.returncode == 0
    assert (tmp_path / "out" / "enterprises.csv").read_text().splitlines() == [
        "id,name,prefecture,industry,employees,founded"
    ]


def test_load_then_export_round_trips(tmp_path, data_dir, small_dataset):
    result = rsn("load", str(small_dataset), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "loaded 12 nodes and 14 relations" in result.stdout
    assert rsn("export", str(tmp_path / "out"), data_dir=data_dir).returncode == 0
    again = rsn("load", str(tmp_path / "out"), data_dir=tmp_path / "other")
    assert again.returncode == 0
    assert rsn("export", str(tmp_path / "out2"), data_dir=tmp_path / "other").returncode == 0
    for name in ("enterprises.csv", "specialists.csv", "relations.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()


def test_skip_invalid_writes_a_rejects_file(tmp_path, data_dir):
    folder = write_dataset(
        tmp_path / "mixed",
        {
            "enterprises.csv": [["E1", "ok", "13", "E", "", ""], ["E2", "bad", "00", "E", "", ""]],
        },
    )
    rejects = tmp_path / "rejects.csv"
    result = rsn(
        "load", str(folder), "--skip-invalid", "--rejects", str(rejects), data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    assert "rejected 1 rows" in result.stderr
    assert "enterprises.csv,3,prefecture" in rejects.read_text()


def test_errors_are_one_line_without_a_traceback(tmp_path, data_dir):
    result = rsn("load", str(tmp_path / "missing"), data_dir=data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not a folder" in result.stderr
    result = rsn("load", str(tmp_path), data_dir=data_dir, RSN_BACKEND="neo4j")
    assert result.returncode == 1
    assert "NEO4J_URI" in result.stderr and "Traceback" not in result.stderr
    result = rsn(
        "load",
        str(tmp_path),
        data_dir=data_dir,
        RSN_BACKEND="neo4j",
        NEO4J_URI="bolt://127.0.0.1:9",
        NEO4J_PASSWORD="x",
    )
    assert result.returncode == 1
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def test_keys_add_list_revoke(data_dir, small_dataset):
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    added = rsn(
        "keys", "add", "--role", "centre", "--centre", "C1", "--name", "ishikawa", data_dir=data_dir
    )
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip().splitlines()[-1]
    assert secret.startswith("rsn_")
    listed = rsn("keys", "list", data_dir=data_dir)
    assert "ishikawa" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout
    assert secret.split("_", 2)[2] not in (data_dir / "keys.sqlite").read_bytes().decode("latin-1")
    assert rsn("keys", "revoke", "ishikawa", data_dir=data_dir).returncode == 0
    assert "revoked" in rsn("keys", "list", data_dir=data_dir).stdout
    again = rsn("keys", "revoke", "ishikawa", data_dir=data_dir)
    assert again.returncode == 1 and "no active key named 'ishikawa'" in again.stderr
    wrong = rsn("keys", "add", "--role", "centre", "--centre", "E1", data_dir=data_dir)
    assert wrong.returncode == 1 and "not a centre" in wrong.stderr
    bad = rsn("keys", "add", "--role", "boss", data_dir=data_dir)
    assert bad.returncode == 1 and "not a role" in bad.stderr
