"""The command line as people use it: real processes, one line per error, no traceback."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_NETWORK, write_dataset


def rsn(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    environment.update({"RSN_DATA_DIR": str(data_dir), "RSN_BACKEND": "embedded", **env})
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
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
        "id,name,prefecture,industry,employees,founded,ended"
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


# -- a data folder with no store --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("paths", "E1", "C1"), 1, "no store in "),
        (("weaknesses",), 1, "no store in "),
        (("stats",), 1, "no store in "),
        (("export", "out"), 1, "no store in "),
        (("keys", "add", "--role", "centre", "--centre", "C1"), 1, "no store in "),
        (("keys", "list"), 0, "no API keys in "),
        (("keys", "revoke", "someone"), 1, "has no API keys"),
    ],
)
def test_a_read_only_command_on_a_folder_without_a_store_says_so_and_creates_nothing(
    tmp_path, args, code, words
):
    data_dir = tmp_path / "data"
    result = rsn(*args, data_dir=data_dir, COLUMNS="400")
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "RSN_DATA_DIR" in lines[0] and "Traceback" not in result.stderr
    assert not data_dir.exists(), sorted(data_dir.rglob("*"))


def test_stats_reads_the_loaded_store(data_dir, small_dataset):
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    result = rsn("stats", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["nodes"]["Enterprise"] == 4 and counts["relations"]["SUPPORTS"] == 1
    table = rsn("stats", data_dir=data_dir, COLUMNS="200")
    assert "Enterprise" in table.stdout and "COLLABORATES_WITH" in table.stdout


# -- keys list for a person and for a script ---------------------------------------------

LONG_NAME = "fukushima-prefectural-industrial-promotion-centre-referral-system-2026-production"


def test_keys_list_never_cuts_a_name_when_piped_and_gives_json(data_dir, small_dataset):
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    for role, extra in (("centre", ("--centre", "C1")), ("analyst", ())):
        name = LONG_NAME if role == "centre" else "analyst one"
        added = rsn("keys", "add", "--role", role, *extra, "--name", name, data_dir=data_dir)
        assert added.returncode == 0, added.stderr
    assert rsn("keys", "revoke", "analyst one", data_dir=data_dir).returncode == 0
    listed = rsn("keys", "list", data_dir=data_dir, COLUMNS="40")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "…" not in listed.stdout and len(lines) == 3, listed.stdout
    assert lines[0].split() == ["name", "role", "centre", "created", "state"]
    assert lines[1].split()[:3] == [LONG_NAME, "centre", "C1"]
    assert lines[1].split()[-1] == "active"
    assert lines[2].startswith('"analyst one"') and "revoked 20" in lines[2]
    as_json = rsn("keys", "list", "--json", data_dir=data_dir)
    keys = json.loads(as_json.stdout)
    assert [(k["name"], k["role"], k["centre"], k["state"]) for k in keys] == [
        (LONG_NAME, "centre", "C1", "active"),
        ("analyst one", "analyst", None, "revoked"),
    ]
    assert keys[1]["revoked"] and "rsn_" not in as_json.stdout


# -- serve and demo ----------------------------------------------------------------------


@pytest.fixture
def busy_port():
    """A port on 127.0.0.1 that another program is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_serve_on_a_busy_port_fails_in_one_line(data_dir, busy_port):
    result = rsn("serve", "--port", str(busy_port), data_dir=data_dir, COLUMNS="400")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: port {busy_port} on 127.0.0.1 is in use; stop the other server or choose "
        "another with --port"
    )
    assert result.stdout == ""


def test_demo_on_a_busy_port_fails_before_doing_anything(data_dir, busy_port):
    result = rsn("demo", "--port", str(busy_port), data_dir=data_dir, COLUMNS="400")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"port {busy_port} on 127.0.0.1 is in use" in lines[0]
    assert f"(PORT={busy_port + 1} make demo)" in lines[0]
    assert not data_dir.exists()


def _demo_keys(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        if " key" in line and ": rsn_" in line:
            found[line.split()[0]] = line.rsplit(" ", 1)[1]
    return found


def test_demo_keeps_its_keys_and_shares_the_folder_with_the_cli(data_dir):
    first = rsn("demo", "--no-serve", "--enterprises", "150", data_dir=data_dir, COLUMNS="400")
    assert first.returncode == 0, first.stderr
    keys = _demo_keys(first.stdout)
    assert set(keys) == {"admin", "analyst", "centre"}, first.stdout
    saved = data_dir / "demo-keys.txt"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert "rsn keys list" in first.stdout and "rsn paths " in first.stdout
    assert (data_dir / "demo-dataset" / "relations.csv").exists()
    again = rsn("demo", "--no-serve", data_dir=data_dir, COLUMNS="400")
    assert again.returncode == 0, again.stderr
    assert _demo_keys(again.stdout) == keys
    listed = json.loads(rsn("keys", "list", "--json", data_dir=data_dir).stdout)
    assert sorted(k["name"] for k in listed) == ["demo-admin", "demo-analyst", "demo-centre"]
    stats = json.loads(rsn("stats", "--json", data_dir=data_dir).stdout)
    assert stats["nodes"]["Enterprise"] == 150
    assert rsn("keys", "revoke", "demo-analyst", data_dir=data_dir).returncode == 0
    third = _demo_keys(rsn("demo", "--no-serve", data_dir=data_dir, COLUMNS="400").stdout)
    assert third["admin"] == keys["admin"] and third["centre"] == keys["centre"]
    assert third["analyst"] != keys["analyst"]
    assert keys["admin"] not in (data_dir / "keys.sqlite").read_bytes().decode("latin-1")


def test_reports_for_a_pipe_are_whole_lines_with_four_digit_figures(data_dir, small_dataset):
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    report = rsn("weaknesses", "--limit", "3", data_dir=data_dir, COLUMNS="40")
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert not [line for line in lines if line != line.rstrip()], "trailing spaces"
    suggestions = [line for line in lines if line.startswith("    ")]
    assert suggestions and max(len(line) for line in suggestions) > 40
    for line in lines:
        if " broker " in line:
            betweenness = line.split("betweenness ")[1].split(",")[0]
            assert len(betweenness.replace("0.", "").lstrip("0")) <= 4, line


def test_the_list_of_commands_gives_each_its_first_sentence_whole(tmp_path):
    """A command's line in ``rsn --help`` is its help's first paragraph, one sentence: a
    line break in the docstring does not cut it, and a narrow terminal wraps it."""
    import inspect

    import typer

    from cli.main import app

    wide = rsn("--help", data_dir=tmp_path / "data", COLUMNS="300")
    assert wide.returncode == 0, wide.stderr
    lines = {line.split()[1]: line for line in wide.stdout.splitlines() if line.startswith("│ ")}
    commands = typer.main.get_command(app).commands
    broken = [
        name
        for name, c in commands.items()
        if "\n" in inspect.cleandoc(c.help or "").split("\n\n")[0]
    ]
    assert "load" in broken  # the case this is about: a first paragraph on two lines
    for name in broken:
        first = " ".join(inspect.cleandoc(commands[name].help).split("\n\n")[0].split())
        assert first in " ".join(lines[name].split()), name
