"""`rsn audit` as people use it: a real process reads the audit log of the data folder, as a
table newest last with a count, or as JSON; filters; a bad --since in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.audit import AuditEntry
from graph.store.keys import FileKeyStore

#: `rsn` with the audit command registered as cli/main.py registers it (once).
RSN_WITH_AUDIT = (
    "import sys\n"
    "from cli.main import app, friendly, main\n"
    "from cli.audit_command import audit\n"
    "if 'audit' not in {command.name for command in app.registered_commands}:\n"
    "    app.command('audit')(friendly(audit))\n"
    "sys.argv[0] = 'rsn'\n"
    "main()\n"
)


def rsn_audit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    environment.update({"RSN_DATA_DIR": str(data_dir), "RSN_BACKEND": "embedded"})
    return subprocess.run(
        [sys.executable, "-c", RSN_WITH_AUDIT, "audit", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


@pytest.fixture
def logged(tmp_path) -> tuple[Path, list[AuditEntry]]:
    data_dir = tmp_path / "data"
    keys = FileKeyStore(data_dir)
    try:
        entries = [
            keys.record_audit("ana", "GET /v1/nodes/E1", ["E1"], at="2026-03-01T09:00:00Z"),
            keys.record_audit("admin one", "GET /v1/paths", ["E3", "E1"], "2026-03-02T10:00:00Z"),
            keys.record_audit("ana", "GET /v1/nodes/E2", ["E2"], at="2026-03-03T11:00:00.5Z"),
        ]
    finally:
        keys.close()
    return data_dir, entries


def test_the_log_as_json_is_the_api_answer(logged):
    data_dir, entries = logged
    result = rsn_audit("--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "entries": [entry.as_dict() for entry in entries],
        "count": 3,
    }


def test_the_log_as_a_table_newest_last_with_a_count(logged):
    data_dir, entries = logged
    result = rsn_audit(data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["at", "key", "route", "enterprises", "id"]
    assert [line.split()[-1] for line in lines[1:4]] == [entry.id for entry in entries]
    assert lines[1].split()[:4] == ["2026-03-01T09:00:00+00:00", "ana", "GET", "/v1/nodes/E1"]
    assert '"admin one"' in lines[2] and "E1 E3" in lines[2]
    assert lines[3].startswith("2026-03-03T11:00:00+00:00")  # to the second
    assert lines[4:] == ["3 entries"]


def test_filters(logged):
    data_dir, entries = logged

    def ids(*args: str) -> list[str]:
        result = rsn_audit("--json", *args, data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        return [entry["id"] for entry in json.loads(result.stdout)["entries"]]

    first, second, third = (entry.id for entry in entries)
    assert ids("--since", "2026-03-02") == [second, third]
    assert ids("--since", "2026-03-02T10:00:00+00:00") == [second, third]
    assert ids("--key", "ana") == [first, third]
    assert ids("--key", "ana", "--since", "2026-03-02") == [third]
    assert ids("--limit", "1") == [third]
    table = rsn_audit("--key", "admin one", data_dir=data_dir)
    assert table.stdout.splitlines()[-1] == "1 entry"


def test_a_bad_since_is_one_line(logged):
    data_dir, _ = logged
    result = rsn_audit("--since", "last week", data_dir=data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: --since must be a day (YYYY-MM-DD) or an ISO 8601 date and time, got 'last week'"
    ]


def test_a_data_folder_without_keys_has_an_empty_log(tmp_path):
    data_dir = tmp_path / "data"
    result = rsn_audit("--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"entries": [], "count": 0}
    table = rsn_audit(data_dir=data_dir)
    assert table.returncode == 0 and table.stdout == ""
    assert "no audit log" in table.stderr
    assert not (data_dir / "keys.sqlite").exists()  # listing makes nothing


def _export_and_load_keep_the_log() -> bool:
    """Whether `rsn export` and `rsn load` carry the audit log (audit.csv)."""
    import inspect

    import cli.main

    return "write_audit" in inspect.getsource(cli.main.export) and (
        "restore_audit" in inspect.getsource(cli.main.load)
    )


@pytest.mark.skipif(
    not _export_and_load_keep_the_log(), reason="rsn export and rsn load do not carry audit.csv"
)
def test_export_writes_audit_csv_and_load_appends_it_once(tmp_path, logged):
    from graph.loaders.audit_rows import AUDIT_FILE
    from tests.conftest import SMALL_NETWORK, write_dataset
    from tests.test_cli import rsn

    source, entries = logged
    dataset = write_dataset(tmp_path / "small", SMALL_NETWORK)
    assert rsn("load", str(dataset), data_dir=source).returncode == 0
    exported = rsn("export", str(tmp_path / "export"), data_dir=source, COLUMNS="200")
    assert exported.returncode == 0, exported.stderr
    assert AUDIT_FILE in exported.stdout
    written = (tmp_path / "export" / AUDIT_FILE).read_bytes()
    assert written.count(b"\n") == 4  # the header and three entries

    target = tmp_path / "target"
    for appended in (3, 0):
        loaded = rsn("load", str(tmp_path / "export"), data_dir=target)
        assert loaded.returncode == 0, loaded.stderr
        assert f"appended {appended} of the 3 entries of its audit.csv" in loaded.stdout
    keys = FileKeyStore(target)
    try:
        assert keys.audit() == entries
    finally:
        keys.close()
    again = rsn("export", str(tmp_path / "again"), data_dir=target)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / AUDIT_FILE).read_bytes() == written

    # a bad audit.csv fails the load before anything is written
    bad = (tmp_path / "export" / AUDIT_FILE).read_text(encoding="utf-8")
    (tmp_path / "export" / AUDIT_FILE).write_text(
        bad.replace("2026-03-01T09:00:00.000000+00:00", "yesterday"), encoding="utf-8"
    )
    refused = rsn("load", str(tmp_path / "export"), data_dir=tmp_path / "third")
    assert refused.returncode == 1
    assert "audit.csv:2: at: must be an ISO 8601 date and time, got 'yesterday'" in refused.stderr
    assert not (tmp_path / "third").exists()
