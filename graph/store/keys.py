"""API keys: created once, kept only as a hash, compared in constant time, revoked at once.

A key reads ``rsn_<key id>_<secret>``. The key id finds the record; the secret is checked
against its SHA-256 hash with :func:`hmac.compare_digest`. Keys live in ``keys.sqlite`` in
``RSN_DATA_DIR`` whichever graph backend is used, and every request reads the current state,
so a revoked key is refused by the very next request.

The file is private to its owner (0600, in a folder created 0700). Reads and writes of keys go
through two connections: reads (one indexed row, run by the server on its event loop) wait at most
:data:`READ_WAIT_SECONDS` for a lock, which in WAL mode only a checkpoint or a recovery holds
briefly, so the loop never stalls; writes (a key, a session) wait up to
:data:`WRITE_WAIT_SECONDS` and run on worker threads. A lock held past the wait raises
StoreUnavailable, which the API answers 503 with ``Retry-After``.

The same file keeps the audit log of confidential ties (:mod:`graph.audit`): one row for
every answer that showed one, appended and never changed. Triggers refuse every UPDATE and
DELETE of it, and an INSERT that would replace a row, whoever writes to the file. Entries
are appended on a third connection with ``synchronous=NORMAL``: in WAL mode a commit is then
written to the WAL file without waiting for the disk, so an entry survives the process
(a crash or a restart) at a fraction of the cost of a synchronous commit; only a crash of
the whole machine may lose the last entries (the file itself stays whole). The tables of a
file written before the log was kept are left as they are; the log's table is added when
the file is opened.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.audit import AuditEntry, audit_entry, audit_route, audit_since, new_audit_id
from graph.errors import (
    Conflict,
    InvalidArgument,
    NotFound,
    RowInvalid,
    StoreError,
    StoreUnavailable,
)
from graph.i18n import _
from graph.model import is_valid_id
from graph.store.sqlite_files import is_busy, make_private_file, make_private_folder
from graph.valid_time import now_stamp

__all__ = ["ApiKey", "KeyStore", "Role", "KEYS_FILE"]

KEYS_FILE = "keys.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id     TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    centre     TEXT,
    secret_sha TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    token_sha  TEXT PRIMARY KEY,
    key_id     TEXT NOT NULL REFERENCES api_keys(key_id),
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    at          TEXT NOT NULL,
    key         TEXT NOT NULL,
    route       TEXT NOT NULL,
    enterprises TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never changed');
END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never deleted');
END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = new.id OR seq = new.seq)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never replaced');
END;
"""
# INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers (unless
# recursive triggers are on), hence the trigger on INSERT.

_AUDIT_INSERT = "INSERT INTO audit_log (id, at, key, route, enterprises) VALUES (?, ?, ?, ?, ?)"
#: Appends an entry unless one of its id is there already (a restore).
_AUDIT_RESTORE = (
    "INSERT INTO audit_log (id, at, key, route, enterprises) SELECT ?, ?, ?, ?, ? "
    "WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE id = ?)"
)
_AUDIT_COLUMNS = "id, at, key, route, enterprises"

#: Entries of the audit log, in order (``list`` is a method's name inside KeyStore).
AuditEntries = list[AuditEntry]

#: How long a browser session lasts after sign-in.
SESSION_HOURS = 12

#: How long a read waits for a lock another process holds before giving up (seconds).
READ_WAIT_SECONDS = 0.25
#: How long a write waits for a lock another process holds before giving up (seconds).
WRITE_WAIT_SECONDS = 5.0


class Role(StrEnum):
    """Who a key speaks for: analysts read; a centre also handles its own referrals;
    admins do everything."""

    ADMIN = "admin"
    ANALYST = "analyst"
    CENTRE = "centre"


@dataclass(frozen=True)
class ApiKey:
    """A key as the service sees it: never the secret."""

    name: str
    role: Role
    centre: str | None
    created_at: str
    revoked_at: str | None = None
    key_id: str = ""

    @property
    def active(self) -> bool:
        """Whether the key still opens the API (it was not revoked)."""
        return self.revoked_at is None


def _digest(secret: str) -> str:
    """The SHA-256 hash of ``secret``, in hex: all that is kept of a key or a session."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class KeyStore:
    """The API keys of one data folder. Raises StoreError if the file cannot be used."""

    def __init__(self, data_dir: Path):
        path = Path(data_dir)
        try:
            make_private_folder(path)
            make_private_file(path / KEYS_FILE)
            self._writer = _connect(path / KEYS_FILE, WRITE_WAIT_SECONDS)
            self._writer.executescript(_SCHEMA)
            self._reader = _connect(path / KEYS_FILE, READ_WAIT_SECONDS)
            self._auditor = _connect(path / KEYS_FILE, WRITE_WAIT_SECONDS, durable=False)
            make_private_file(path / KEYS_FILE)  # and the -wal and -shm SQLite made now
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise StoreUnavailable(
                    _("the API keys in {path} are locked by another process", path=path)
                ) from error
            raise StoreError(
                _("cannot open the API keys in {path}: {error}", path=path, error=error)
            ) from error
        except (OSError, sqlite3.Error) as error:
            raise StoreError(
                _("cannot open the API keys in {path}: {error}", path=path, error=error)
            ) from error
        self._path = path
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._audit_lock = threading.Lock()

    def _read(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of one query on the reading connection; raises StoreUnavailable on a lock."""
        try:
            with self._read_lock:
                rows: list[tuple[Any, ...]] = self._reader.execute(sql, parameters).fetchall()
                return rows
        except sqlite3.OperationalError as error:
            raise self._failure(error) from error

    def _write(self, *statements: tuple[str, tuple[object, ...]]) -> int:
        """Run ``statements`` in one transaction; the rows the last one changed. Raises
        StoreUnavailable on a lock held too long."""
        try:
            with self._write_lock:
                connection = self._writer
                connection.execute("BEGIN IMMEDIATE")
                try:
                    changed = 0
                    for sql, parameters in statements:
                        changed = connection.execute(sql, parameters).rowcount
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
                return changed
        except sqlite3.OperationalError as error:
            raise self._failure(error) from error

    def _failure(self, error: sqlite3.OperationalError) -> StoreError:
        """The project's error for an SQLite failure: StoreUnavailable for a lock held too
        long, else StoreError."""
        if is_busy(error):
            return StoreUnavailable(
                _(
                    "the API keys in {path} are locked by another process: {error}",
                    path=self._path,
                    error=error,
                )
            )
        return StoreError(
            _("the API keys in {path} cannot be used: {error}", path=self._path, error=error)
        )

    def add(self, name: str, role: Role, centre: str | None = None, replace: bool = False) -> str:
        """Create a key and return it; only its hash is kept, so this is the one chance to
        see it. With ``replace`` an earlier key of that name is deleted first. Raises
        InvalidArgument for a bad name or centre binding, Conflict if the name is taken."""
        if not name or len(name) > 100 or not name.isprintable():
            raise InvalidArgument(_("a key name must be 1 to 100 printable characters"))
        if role is Role.CENTRE and not (centre and is_valid_id(centre)):
            raise InvalidArgument(_("a centre key needs --centre with the id of its centre"))
        if role is not Role.CENTRE and centre:
            raise InvalidArgument(_("only a centre key is bound to a centre"))
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        statements: list[tuple[str, tuple[object, ...]]] = []
        if replace:
            statements.append(
                (
                    "DELETE FROM sessions WHERE key_id IN "
                    "(SELECT key_id FROM api_keys WHERE name = ?)",
                    (name,),
                )
            )
            statements.append(("DELETE FROM api_keys WHERE name = ?", (name,)))
        statements.append(
            (
                "INSERT INTO api_keys (key_id, name, role, centre, secret_sha, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, name, role.value, centre, _digest(secret), now),
            )
        )
        try:
            self._write(*statements)
        except sqlite3.IntegrityError:
            raise Conflict(_("a key named {name} already exists", name=repr(name))) from None
        return f"rsn_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        """Every key, active or revoked, oldest first (in the order they were made)."""
        rows = self._read(
            "SELECT name, role, centre, created_at, revoked_at, key_id FROM api_keys "
            "ORDER BY created_at, rowid"
        )
        return [ApiKey(n, Role(r), c, at, rev, kid) for n, r, c, at, rev, kid in rows]

    def revoke(self, name: str) -> None:
        """Revoke the key called ``name``; raises NotFound if there is no active one."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        changed = self._write(
            (
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (now, name),
            )
        )
        if changed == 0:
            raise NotFound(_("no active key named {name}", name=repr(name)))

    def authenticate(self, presented: str) -> ApiKey | None:
        """The active key that ``presented`` is, or None."""
        parts = presented.split("_", 2) if presented else []
        if len(parts) != 3 or parts[0] != "rsn":
            return None
        _prefix, key_id, secret = parts
        rows = self._read(
            "SELECT name, role, centre, created_at, revoked_at, secret_sha FROM api_keys "
            "WHERE key_id = ?",
            (key_id,),
        )
        row = rows[0] if rows else None
        expected = row[5] if row else _digest("no such key")
        matches = hmac.compare_digest(_digest(secret), expected)
        if row is None or not matches or row[4] is not None:
            return None
        return ApiKey(row[0], Role(row[1]), row[2], row[3], row[4], key_id)

    def start_session(self, key: ApiKey) -> str:
        """A new browser session for ``key``; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
        self._write(
            ("DELETE FROM sessions WHERE expires_at < ?", (datetime.now(UTC).isoformat(),)),
            (
                "INSERT INTO sessions (token_sha, key_id, expires_at) VALUES (?, ?, ?)",
                (_digest(token), key.key_id, expires.isoformat()),
            ),
        )
        return token

    def session_key(self, token: str) -> ApiKey | None:
        """The active key behind a session token, or None if the session or key ended."""
        now = datetime.now(UTC).isoformat()
        rows = self._read(
            "SELECT k.name, k.role, k.centre, k.created_at, k.key_id FROM sessions s "
            "JOIN api_keys k ON k.key_id = s.key_id "
            "WHERE s.token_sha = ? AND s.expires_at > ? AND k.revoked_at IS NULL",
            (_digest(token), now),
        )
        if not rows:
            return None
        row = rows[0]
        return ApiKey(row[0], Role(row[1]), row[2], row[3], None, row[4])

    def end_session(self, token: str) -> None:
        """Forget a session (sign-out)."""
        self._write(("DELETE FROM sessions WHERE token_sha = ?", (_digest(token),)))

    # -- the audit log of confidential ties ------------------------------------------------

    def record_audit(
        self, key: str, route: str, enterprises: Iterable[str], at: str | None = None
    ) -> AuditEntry:
        """Append to the audit log that the key named ``key`` was shown, on ``route``, the
        confidential ties of ``enterprises`` (their ids), ``at`` a time (now when None);
        returns the entry. ``route`` is kept as :func:`graph.audit.audit_route` writes it
        (any text can be logged). One INSERT, committed before this returns (see the module:
        it survives the process). Raises InvalidArgument for a bad key name, enterprise id
        or time, StoreUnavailable when the file stays locked past
        :data:`WRITE_WAIT_SECONDS`."""
        try:
            entry = audit_entry(
                new_audit_id(), at or now_stamp(), key, audit_route(route), enterprises
            )
        except RowInvalid as error:
            raise InvalidArgument(
                _("an audit entry cannot be recorded: {error}", error=error)
            ) from None
        try:
            with self._audit_lock:
                self._auditor.execute(_AUDIT_INSERT, _audit_row(entry))
        except sqlite3.OperationalError as error:
            raise self._failure(error) from error
        return entry

    def audit(
        self, since: str | None = None, key: str | None = None, limit: int | None = None
    ) -> AuditEntries:
        """The entries of the audit log, oldest first: those at or after ``since`` (a day
        ``YYYY-MM-DD``, from its first moment in UTC, or an ISO 8601 time), of the key named
        ``key``; with ``limit``, only the newest ``limit`` of them (still oldest first).
        Raises InvalidArgument for a bad ``since`` or a ``limit`` below 1, StoreUnavailable
        on a lock."""
        conditions: list[str] = []
        parameters: list[object] = []
        if since is not None:
            conditions.append("at >= ?")
            parameters.append(audit_since(since))
        if key is not None:
            conditions.append("key = ?")
            parameters.append(key)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        # only this module's texts in the SQL, never values
        chosen = f"SELECT seq, {_AUDIT_COLUMNS} FROM audit_log {where}"  # noqa: S608
        if limit is not None:
            if limit < 1:
                raise InvalidArgument(_("limit must be at least 1, got {limit}", limit=limit))
            chosen += "ORDER BY at DESC, seq DESC LIMIT ?"
            parameters.append(limit)
        sql = f"SELECT {_AUDIT_COLUMNS} FROM ({chosen}) ORDER BY at, seq"  # noqa: S608
        rows = self._read(sql, tuple(parameters))
        return [AuditEntry(i, at, k, route, tuple(ids.split())) for i, at, k, route, ids in rows]

    def restore_audit(self, entries: Iterable[AuditEntry]) -> int:
        """Append the ``entries`` (an export's, :mod:`graph.loaders.audit_rows`) that the log
        does not hold yet, by id, in their order and in one transaction; returns how many
        were appended. An entry whose id the log holds is left out as it is there (the log
        never changes an entry). Raises InvalidArgument for an entry that is not well formed,
        StoreUnavailable on a lock."""
        rows: list[tuple[str, ...]] = []
        for given in entries:
            try:
                entry = audit_entry(given.id, given.at, given.key, given.route, given.enterprises)
            except RowInvalid as error:
                raise InvalidArgument(
                    _(
                        "audit entry {id} cannot be restored: {error}",
                        id=repr(given.id),
                        error=error,
                    )
                ) from None
            rows.append((*_audit_row(entry), entry.id))
        if not rows:
            return 0
        try:
            with self._audit_lock:
                connection = self._auditor
                connection.execute("BEGIN IMMEDIATE")
                try:
                    added = connection.executemany(_AUDIT_RESTORE, rows).rowcount
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
        except sqlite3.OperationalError as error:
            raise self._failure(error) from error
        return max(added, 0)

    def close(self) -> None:
        """Close the connections. Safe to call twice."""
        with self._read_lock:
            self._reader.close()
        with self._write_lock:
            self._writer.close()
        with self._audit_lock:
            self._auditor.close()


def _audit_row(entry: AuditEntry) -> tuple[str, str, str, str, str]:
    """The values of ``entry`` as a row of ``audit_log`` (the enterprises joined by
    spaces)."""
    return (entry.id, entry.at, entry.key, entry.route, " ".join(entry.enterprises))


def _connect(file: Path, wait: float, durable: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) that waits ``wait``
    seconds for another process's lock. A ``durable`` connection's commits wait for the disk
    (``synchronous=FULL``); the others' are in the WAL file when they return, which outlives
    the process but not a crash of the machine (``synchronous=NORMAL``)."""
    connection = sqlite3.connect(file, timeout=wait, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    return connection
