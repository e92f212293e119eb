"""The audit log of confidential ties: appended beside the API keys, listed with filters,
never changed or deleted (whoever writes to the file), kept across reopening, restored from
an export once, and written to and read back from audit.csv."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph.audit import ROUTE_LIMIT, AuditEntry, audit_entry, audit_since
from graph.errors import DatasetInvalid, InvalidArgument, RowInvalid
from graph.loaders.audit_rows import (
    AUDIT_COLUMNS,
    AUDIT_FILE,
    read_audit,
    read_audit_folder,
    write_audit,
)
from graph.store import open_keys
from graph.store.keys import KEYS_FILE, FileKeyStore, KeyStore, Role
from tests.conftest import write_csv


@pytest.fixture
def keys(settings):
    """The log of a fresh deployment, on each backend."""
    store = open_keys(settings)
    yield store
    store.close()


@pytest.fixture
def file_keys(tmp_path: Path):
    """The log in a keys.sqlite of its own (for what only the file does)."""
    store = FileKeyStore(tmp_path / "data")
    yield store
    store.close()


def _fill(keys: KeyStore) -> list[AuditEntry]:
    """Four entries over three days, of two keys."""
    return [
        keys.record_audit("ana", "GET /v1/nodes/E1", ["E1"], at="2026-03-01T09:00:00+00:00"),
        keys.record_audit(
            "admin one", "GET /v1/paths", ["E3", "E1", "E3"], at="2026-03-02T10:00:00Z"
        ),
        keys.record_audit("ana", "GET /v1/nodes/E2", ["E2"], at="2026-03-02T22:30:00+00:00"),
        # 2026-03-03T08:00 in Japan is still the 2nd in UTC
        keys.record_audit("ana", "GET /v1/nodes/E4", ["E4"], at="2026-03-03T08:00:00+09:00"),
    ]


def test_an_entry_is_appended_and_listed_as_recorded(keys):
    entry = keys.record_audit("t-admin", "GET /v1/nodes/E1", ["E2", "E1", "E2"])
    assert entry.id.startswith("audit-")
    assert (entry.key, entry.route, entry.enterprises) == (
        "t-admin",
        "GET /v1/nodes/E1",
        ("E1", "E2"),
    )
    assert entry.at.endswith("+00:00") and "." in entry.at  # UTC, to the microsecond
    assert keys.audit() == [entry]
    assert entry.as_dict()["enterprises"] == ["E1", "E2"]


def test_times_are_kept_in_utc_and_listed_oldest_first(keys):
    made = _fill(keys)
    listed = keys.audit()
    assert [e.id for e in listed] == [e.id for e in made]
    assert listed[1].at == "2026-03-02T10:00:00.000000+00:00"
    assert listed[3].at == "2026-03-02T23:00:00.000000+00:00"
    # an entry recorded with an earlier time is listed in its place
    early = keys.record_audit("ana", "GET /v1/nodes/E9", ["E9"], at="2026-02-01T00:00:00Z")
    assert keys.audit()[0] == early


def test_since_a_day_or_a_time_is_inclusive(keys):
    made = _fill(keys)
    assert [e.id for e in keys.audit(since="2026-03-02")] == [e.id for e in made[1:]]
    assert [e.id for e in keys.audit(since="2026-03-02T22:30:00Z")] == [made[2].id, made[3].id]
    assert [e.id for e in keys.audit(since="2026-03-03T08:00:00+09:00")] == [made[3].id]
    assert keys.audit(since="2026-03-04") == []


def test_key_and_limit_filters(keys):
    made = _fill(keys)
    assert [e.id for e in keys.audit(key="ana")] == [made[0].id, made[2].id, made[3].id]
    assert [e.id for e in keys.audit(key="admin one")] == [made[1].id]
    assert keys.audit(key="nobody") == []
    # the newest ones, still oldest first
    assert [e.id for e in keys.audit(limit=2)] == [made[2].id, made[3].id]
    assert [e.id for e in keys.audit(key="ana", since="2026-03-02", limit=1)] == [made[3].id]
    assert len(keys.audit(limit=100)) == 4


@pytest.mark.parametrize("since", ["yesterday", "2026-02-30", "2026-3-1", "", "12:00"])
def test_a_bad_since_is_refused(keys, since):
    with pytest.raises(InvalidArgument, match="since must be a day"):
        keys.audit(since=since)


def test_a_bad_limit_or_entry_is_refused(keys):
    with pytest.raises(InvalidArgument, match="limit"):
        keys.audit(limit=0)
    with pytest.raises(InvalidArgument, match="enterprise id"):
        keys.record_audit("ana", "GET /v1/nodes/E1", ["E 1"])
    with pytest.raises(InvalidArgument, match="key"):
        keys.record_audit("", "GET /v1/nodes/E1", ["E1"])
    with pytest.raises(InvalidArgument, match="at"):
        keys.record_audit("ana", "GET /v1/nodes/E1", ["E1"], at="not a time")
    assert keys.audit() == []


def test_any_route_can_be_logged(keys):
    entry = keys.record_audit("ana", "GET /v1/nodes/E1\n?q=" + "x" * 3000, ["E1"])
    assert "\n" not in entry.route and entry.route.startswith("GET /v1/nodes/E1\\n")
    assert len(entry.route) == ROUTE_LIMIT and entry.route.endswith("…")
    assert keys.audit()[0].route == entry.route


def _raw(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "data" / KEYS_FILE, isolation_level=None)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET key = 'someone else'",
        "UPDATE audit_log SET enterprises = ''",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE key = 'ana'",
        "INSERT OR REPLACE INTO audit_log (id, at, key, route, enterprises) "
        "SELECT id, at, 'x', route, '' FROM audit_log LIMIT 1",
        "INSERT OR REPLACE INTO audit_log (seq, id, at, key, route, enterprises) "
        "SELECT seq, 'audit-other', at, 'x', route, '' FROM audit_log LIMIT 1",
        "INSERT INTO audit_log (id, at, key, route, enterprises) "
        "SELECT id, at, key, route, enterprises FROM audit_log WHERE true "
        "ON CONFLICT(id) DO UPDATE SET key = 'x'",
    ],
)
def test_the_log_refuses_update_and_delete_through_raw_sqlite(file_keys, tmp_path, sql):
    keys = file_keys
    made = _fill(keys)
    raw = _raw(tmp_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(sql)
    finally:
        raw.close()
    assert keys.audit() == made


def test_the_log_survives_reopening_the_file(tmp_path):
    first = FileKeyStore(tmp_path / "data")
    made = _fill(first)
    first.close()
    again = FileKeyStore(tmp_path / "data")
    try:
        assert again.audit() == made
        later = again.record_audit("ana", "GET /v1/nodes/E3", ["E3"])
        assert again.audit()[-1] == later
    finally:
        again.close()


def test_a_keys_file_made_before_the_log_gets_it_and_keeps_its_keys(tmp_path):
    folder = tmp_path / "data"
    keys = FileKeyStore(folder)
    secret = keys.add("ana", Role.ANALYST)
    keys.close()
    raw = sqlite3.connect(folder / KEYS_FILE, isolation_level=None)
    for name in ("no_update", "no_delete", "no_replace"):
        raw.execute(f"DROP TRIGGER audit_log_{name}")
    raw.execute("DROP TABLE audit_log")  # a file as an earlier rsn wrote it
    raw.close()
    keys = FileKeyStore(folder)
    try:
        assert keys.authenticate(secret) is not None
        entry = keys.record_audit("ana", "GET /v1/nodes/E1", ["E1"])
        assert keys.audit() == [entry]
    finally:
        keys.close()
    raw = _raw(tmp_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM audit_log")
    finally:
        raw.close()


def test_restore_appends_only_the_entries_not_there_yet(keys, tmp_path):
    source = FileKeyStore(tmp_path / "other")
    made = _fill(source)
    source.close()
    target = keys
    own = target.record_audit("bob", "GET /v1/nodes/E7", ["E7"], at="2026-03-02T12:00:00Z")
    assert target.restore_audit(made[:2]) == 2
    assert target.restore_audit(made) == 2
    assert target.restore_audit(made) == 0
    assert target.restore_audit([]) == 0
    listed = target.audit()
    assert [e.id for e in listed] == [made[0].id, made[1].id, own.id, made[2].id, made[3].id]
    assert [e for e in listed if e.id != own.id] == made
    # an entry of an id there already is not changed by a restore
    changed = AuditEntry(made[0].id, made[0].at, "mallory", "GET /", ())
    assert target.restore_audit([changed]) == 0
    assert target.audit()[0] == made[0]


def test_restore_refuses_a_malformed_entry_and_appends_nothing(keys):
    good = audit_entry("audit-1", "2026-03-01T00:00:00Z", "ana", "GET /", ["E1"])
    bad = AuditEntry("audit-2", "yesterday", "ana", "GET /", ("E1",))
    with pytest.raises(InvalidArgument, match="audit-2"):
        keys.restore_audit([good, bad])
    assert keys.audit() == []


def test_audit_csv_round_trip(keys, tmp_path):
    made = [
        *_fill(keys),
        keys.record_audit(
            "=cmd|' /C calc'!A0", 'GET /v1/search?q="a,b"', [], at="2026-03-04T00:00:00Z"
        ),
    ]
    export = tmp_path / "export"
    export.mkdir()
    assert write_audit(keys.audit(), export) == 5
    text = (export / AUDIT_FILE).read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(AUDIT_COLUMNS)
    assert "\n'=cmd" in text.replace(",'=cmd", "\n'=cmd")  # guarded for spreadsheets
    assert "E1 E3" in text
    read = read_audit(export / AUDIT_FILE)
    assert read == made
    assert read_audit_folder(export) == made
    # restored into another folder, exported again: the same bytes
    other = FileKeyStore(tmp_path / "other")
    try:
        assert other.restore_audit(read) == 5
        again = tmp_path / "again"
        again.mkdir()
        write_audit(other.audit(), again)
    finally:
        other.close()
    assert (again / AUDIT_FILE).read_bytes() == (export / AUDIT_FILE).read_bytes()


def test_an_empty_log_writes_no_file_and_removes_an_old_one(tmp_path):
    (tmp_path / AUDIT_FILE).write_text("stale", encoding="utf-8")
    assert write_audit([], tmp_path) == 0
    assert not (tmp_path / AUDIT_FILE).exists()
    assert read_audit_folder(tmp_path) is None


def _problems(path: Path) -> list[str]:
    with pytest.raises(DatasetInvalid) as caught:
        read_audit(path)
    return [str(problem) for problem in caught.value.problems]


def test_bad_rows_are_named_by_file_line_and_column(tmp_path):
    path = write_csv(
        tmp_path / AUDIT_FILE,
        list(AUDIT_COLUMNS),
        [
            ["audit-1", "2026-03-01T00:00:00Z", "ana", "GET /", "E1 E2"],
            ["audit 2", "yesterday", "", "GET /", "E1 E/2"],
            ["audit-1", "2026-03-01T00:00:00Z", "ana", "GET /", "E1"],
            ["audit-4", "2026-03-01T00:00:00Z", "ana"],
            ["audit-5", "2026-03-01T00:00:00Z", "ana", "", ""],
        ],
    )
    assert _problems(path) == [
        "audit.csv:3: id: 'audit 2' is not a valid id (1 to 64 of A-Z a-z 0-9 _ . : -)",
        "audit.csv:3: at: must be an ISO 8601 date and time, got 'yesterday'",
        "audit.csv:3: key: a key must be 1 to 100 printable characters, got ''",
        "audit.csv:3: enterprises: 'E/2' is not a valid enterprise id",
        "audit.csv:4: id: entry audit-1 is already at line 2",
        "audit.csv:5: row: has 3 values but the header has 5 columns",
        "audit.csv:6: route: a route must be 1 to 2000 printable characters, got ''",
    ]


def test_a_bad_header_is_named(tmp_path):
    path = write_csv(
        tmp_path / AUDIT_FILE, ["id", "at", "key", "route", "who"], [["audit-1", "", "", "", ""]]
    )
    assert _problems(path) == [
        "audit.csv:1: enterprises: required column is missing",
        "audit.csv:1: who: unknown column; the columns of audit.csv are id, at, key, route, "
        "enterprises",
    ]
    empty = tmp_path / "empty" / AUDIT_FILE
    empty.parent.mkdir()
    empty.write_bytes(b"")
    assert _problems(empty) == ["audit.csv:1: header: the file is empty"]


def test_the_model_checks_every_column_at_once():
    with pytest.raises(RowInvalid) as caught:
        audit_entry("", "", "", "", ["?"])
    assert [column for column, _ in caught.value.problems] == [
        "id",
        "at",
        "key",
        "route",
        "enterprises",
    ]
    assert audit_entry("a", "2026-01-01T00:00:00", "k", "r", "E2 E1").enterprises == ("E1", "E2")
    assert audit_since("2026-01-01") == "2026-01-01"
    assert audit_since("2026-01-01 09:00+09:00") == "2026-01-01T00:00:00.000000+00:00"
