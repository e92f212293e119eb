"""API keys, browser sessions and the audit log: what an API server keeps about who asks.

A key reads ``rsn_<key id>_<secret>``. The key id finds the record; the secret is checked
against its SHA-256 hash with :func:`hmac.compare_digest`. Every request reads the current
state, so a revoked key is refused by the very next request, on every server.

:class:`KeyStore` is what the API and the command line use; where it keeps things depends on
the backend (:func:`graph.store.open_keys`):

- with the embedded store, :class:`FileKeyStore` keeps them in ``keys.sqlite`` in
  ``RSN_DATA_DIR``, beside the graph;
- with Neo4j, :class:`graph.store.neo4j_keys.Neo4jKeyStore` keeps them in the same Neo4j
  database as the graph, so any number of API servers can serve one database and agree on
  every key, session and audit entry.

The audit log of confidential ties (:mod:`graph.audit`) has one entry for every answer that
showed one, appended and never changed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

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

__all__ = ["ApiKey", "FileKeyStore", "KeyRecord", "KeyStore", "Role", "KEYS_FILE"]

KEYS_FILE = "keys.sqlite"

T = TypeVar("T")

#: Entries of the audit log, in order (``list`` is a method's name inside KeyStore).
AuditEntries = list[AuditEntry]
#: Keys as they are kept, in order.
KeyRecords = list["KeyRecord"]

#: How long a browser session lasts after sign-in.
SESSION_HOURS = 12


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


@dataclass(frozen=True)
class KeyRecord:
    """A key as it is kept: the key and the hash of its secret (what moves a key from one
    store of keys to another, never the secret itself)."""

    key: ApiKey
    secret_sha: str


def digest(secret: str) -> str:
    """The SHA-256 hash of ``secret``, in hex: all that is kept of a key or a session."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class KeyStore(ABC):
    """The API keys, browser sessions and audit log of one deployment.

    The public methods check what they are given and make the secrets; a store of keys
    implements the ``_``-prefixed primitives, which only keep and find records. Every method
    raises StoreUnavailable when the place the keys live does not answer in time (the API
    answers 503 with ``Retry-After``) and StoreError when it cannot be used."""

    #: Where the keys live, for messages and ``rsn keys list`` (``keys.sqlite`` or ``neo4j``).
    where: str = ""
    #: Whether reading a key or a session is quick and bounded enough for the API server to
    #: do on its event loop (a file on this machine, with a short wait for a lock). A store
    #: across a network says False: the server then reads it on a worker thread, so that a
    #: slow answer holds that request alone, never every request the server is serving.
    reads_on_loop: bool = False

    # -- keys ---------------------------------------------------------------------------

    def add(self, name: str, role: Role, centre: str | None = None, replace: bool = False) -> str:
        """Create a key and return it; only its hash is kept, so this is the one chance to
        see it. With ``replace`` an earlier key of that name is deleted first (with its
        sessions). Raises InvalidArgument for a bad name or centre binding, Conflict if the
        name is taken."""
        if not name or len(name) > 100 or not name.isprintable():
            raise InvalidArgument(_("a key name must be 1 to 100 printable characters"))
        if role is Role.CENTRE and not (centre and is_valid_id(centre)):
            raise InvalidArgument(_("a centre key needs --centre with the id of its centre"))
        if role is not Role.CENTRE and centre:
            raise InvalidArgument(_("only a centre key is bound to a centre"))
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = _now().isoformat(timespec="seconds")
        made = ApiKey(name, role, centre, now, None, key_id)
        if not self._insert_key(KeyRecord(made, digest(secret)), replace):
            raise Conflict(_("a key named {name} already exists", name=repr(name)))
        return f"rsn_{key_id}_{secret}"

    @abstractmethod
    def _insert_key(self, record: KeyRecord, replace: bool) -> bool:
        """Keep ``record`` (after deleting a key of its name and that key's sessions when
        ``replace``), in one transaction; False, and nothing changed, when its name is
        taken."""

    @abstractmethod
    def list(self) -> list[ApiKey]:
        """Every key, active or revoked, oldest first (in the order they were made)."""

    def revoke(self, name: str) -> None:
        """Revoke the key called ``name``; raises NotFound if there is no active one."""
        if not self._revoke(name, _now().isoformat(timespec="seconds")):
            raise NotFound(_("no active key named {name}", name=repr(name)))

    @abstractmethod
    def _revoke(self, name: str, at: str) -> bool:
        """Mark the active key called ``name`` revoked ``at``; whether there was one."""

    def authenticate(self, presented: str) -> ApiKey | None:
        """The active key that ``presented`` is, or None."""
        parts = presented.split("_", 2) if presented else []
        if len(parts) != 3 or parts[0] != "rsn":
            return None
        _prefix, key_id, secret = parts
        found = self._key(key_id)
        expected = found.secret_sha if found else digest("no such key")
        matches = hmac.compare_digest(digest(secret), expected)
        if found is None or not matches or not found.key.active:
            return None
        return found.key

    @abstractmethod
    def _key(self, key_id: str) -> KeyRecord | None:
        """The key of ``key_id``, active or revoked, or None."""

    @abstractmethod
    def records(self) -> KeyRecords:
        """Every key as it is kept, oldest first (to move the keys to another store)."""

    @abstractmethod
    def adopt(self, records: Iterable[KeyRecord]) -> int:
        """Keep ``records`` (another store's keys, with their ids, hashes and dates) whose
        key id and name are not taken yet, in one transaction; returns how many were
        kept."""

    # -- browser sessions ------------------------------------------------------------------

    def start_session(self, key: ApiKey) -> str:
        """A new browser session for ``key``; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        now = _now()
        expires = now + timedelta(hours=SESSION_HOURS)
        self._insert_session(digest(token), key.key_id, expires.isoformat(), now.isoformat())
        return token

    @abstractmethod
    def _insert_session(self, token_sha: str, key_id: str, expires_at: str, now: str) -> None:
        """Keep a session of ``key_id`` until ``expires_at``, forgetting those ended
        before ``now``."""

    def session_key(self, token: str) -> ApiKey | None:
        """The active key behind a session token, or None if the session or key ended."""
        return self._session_key(digest(token), _now().isoformat())

    @abstractmethod
    def _session_key(self, token_sha: str, now: str) -> ApiKey | None:
        """The active key of the session ``token_sha`` if it lasts past ``now``."""

    def end_session(self, token: str) -> None:
        """Forget a session (sign-out)."""
        self._delete_session(digest(token))

    @abstractmethod
    def _delete_session(self, token_sha: str) -> None:
        """Forget the session ``token_sha`` (nothing if there is none)."""

    # -- the audit log of confidential ties --------------------------------------------------

    def record_audit(
        self, key: str, route: str, enterprises: Iterable[str], at: str | None = None
    ) -> AuditEntry:
        """Append to the audit log that the key named ``key`` was shown, on ``route``, the
        confidential ties of ``enterprises`` (their ids), ``at`` a time (now when None);
        returns the entry. ``route`` is kept as :func:`graph.audit.audit_route` writes it
        (any text can be logged). Committed before this returns. Raises InvalidArgument for
        a bad key name, enterprise id or time."""
        try:
            entry = audit_entry(
                new_audit_id(), at or now_stamp(), key, audit_route(route), enterprises
            )
        except RowInvalid as error:
            raise InvalidArgument(
                _("an audit entry cannot be recorded: {error}", error=error)
            ) from None
        self._append_audit([entry], restoring=False)
        return entry

    def audit(
        self, since: str | None = None, key: str | None = None, limit: int | None = None
    ) -> AuditEntries:
        """The entries of the audit log, oldest first: those at or after ``since`` (a day
        ``YYYY-MM-DD``, from its first moment in UTC, or an ISO 8601 time), of the key named
        ``key``; with ``limit``, only the newest ``limit`` of them (still oldest first).
        Raises InvalidArgument for a bad ``since`` or a ``limit`` below 1."""
        bound = audit_since(since) if since is not None else None
        if limit is not None and limit < 1:
            raise InvalidArgument(_("limit must be at least 1, got {limit}", limit=limit))
        return self._audit(bound, key, limit)

    @abstractmethod
    def _audit(self, since: str | None, key: str | None, limit: int | None) -> AuditEntries:
        """The entries at or after ``since`` (a checked bound), of ``key``, the newest
        ``limit`` of them, oldest first (by time, then in the order they were appended)."""

    def restore_audit(self, entries: Iterable[AuditEntry]) -> int:
        """Append the ``entries`` (an export's, :mod:`graph.loaders.audit_rows`) that the log
        does not hold yet, by id, in their order and in one transaction; returns how many
        were appended. An entry whose id the log holds is left out as it is there (the log
        never changes an entry). Raises InvalidArgument for an entry that is not well
        formed."""
        checked: list[AuditEntry] = []
        for given in entries:
            try:
                checked.append(
                    audit_entry(given.id, given.at, given.key, given.route, given.enterprises)
                )
            except RowInvalid as error:
                raise InvalidArgument(
                    _(
                        "audit entry {id} cannot be restored: {error}",
                        id=repr(given.id),
                        error=error,
                    )
                ) from None
        if not checked:
            return 0
        return self._append_audit(checked, restoring=True)

    @abstractmethod
    def _append_audit(self, entries: AuditEntries, restoring: bool) -> int:
        """Append ``entries`` in their order, in one transaction; when ``restoring``, leave
        out those whose id the log holds. Returns how many were appended."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what the store holds open. Safe to call twice."""


# -- in a file beside the embedded store ------------------------------------------------------

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
_KEY_COLUMNS = "name, role, centre, created_at, revoked_at, key_id, secret_sha"

#: How long a read waits for a lock another process holds before giving up (seconds).
READ_WAIT_SECONDS = 0.25
#: How long a write waits for a lock another process holds before giving up (seconds).
WRITE_WAIT_SECONDS = 5.0

Statement = tuple[str, tuple[object, ...]]


class FileKeyStore(KeyStore):
    """The keys of one data folder, in ``keys.sqlite`` (the embedded store's deployment).
    Raises StoreError if the file cannot be used.

    The file is private to its owner (0600, in a folder created 0700). Reads and writes of
    keys go through two connections: reads (one indexed row, run by the server on its event
    loop) wait at most :data:`READ_WAIT_SECONDS` for a lock, which in WAL mode only a
    checkpoint or a recovery holds briefly, so the loop never stalls; writes (a key, a
    session) wait up to :data:`WRITE_WAIT_SECONDS` and run on worker threads. A lock held
    past the wait raises StoreUnavailable.

    Triggers refuse every UPDATE and DELETE of the audit log, and an INSERT that would
    replace a row, whoever writes to the file. Entries are appended on a third connection
    with ``synchronous=NORMAL``: in WAL mode a commit is then written to the WAL file without
    waiting for the disk, so an entry survives the process (a crash or a restart) at a
    fraction of the cost of a synchronous commit; only a crash of the whole machine may lose
    the last entries (the file itself stays whole). The tables of a file written before the
    log was kept are left as they are; the log's table is added when the file is opened."""

    where = KEYS_FILE
    reads_on_loop = True  # one indexed row of a local file, waiting READ_WAIT_SECONDS at most

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

    def _write(self, *statements: Statement) -> int:
        """Run ``statements`` in one transaction; the rows the last one changed. Raises
        StoreUnavailable on a lock held too long."""
        try:
            with self._write_lock:

                def run(connection: sqlite3.Connection) -> int:
                    changed = 0
                    for statement in statements:
                        changed = connection.execute(*statement).rowcount
                    return changed

                return _transaction(self._writer, run)
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

    def _insert_key(self, record: KeyRecord, replace: bool) -> bool:
        key = record.key
        statements: list[Statement] = []
        if replace:
            statements.append(
                (
                    "DELETE FROM sessions WHERE key_id IN "
                    "(SELECT key_id FROM api_keys WHERE name = ?)",
                    (key.name,),
                )
            )
            statements.append(("DELETE FROM api_keys WHERE name = ?", (key.name,)))
        statements.append(_key_insert(record))
        try:
            self._write(*statements)
        except sqlite3.IntegrityError:
            return False
        return True

    def list(self) -> list[ApiKey]:
        return [record.key for record in self.records()]

    def records(self) -> KeyRecords:
        rows = self._read(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, rowid")  # noqa: S608
        return [_key_record(row) for row in rows]

    def adopt(self, records: Iterable[KeyRecord]) -> int:
        statements = [
            (
                "INSERT OR IGNORE INTO api_keys "
                "(key_id, name, role, centre, secret_sha, created_at, revoked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*_key_insert(record)[1], record.key.revoked_at),
            )
            for record in records
        ]
        if not statements:
            return 0
        try:
            with self._write_lock:

                def run(connection: sqlite3.Connection) -> int:
                    return sum(connection.execute(*s).rowcount for s in statements)

                return _transaction(self._writer, run)
        except sqlite3.OperationalError as error:
            raise self._failure(error) from error

    def _revoke(self, name: str, at: str) -> bool:
        changed = self._write(
            (
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (at, name),
            )
        )
        return changed > 0

    def _key(self, key_id: str) -> KeyRecord | None:
        rows = self._read(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_id = ?", (key_id,))  # noqa: S608
        return _key_record(rows[0]) if rows else None

    def _insert_session(self, token_sha: str, key_id: str, expires_at: str, now: str) -> None:
        self._write(
            ("DELETE FROM sessions WHERE expires_at < ?", (now,)),
            (
                "INSERT INTO sessions (token_sha, key_id, expires_at) VALUES (?, ?, ?)",
                (token_sha, key_id, expires_at),
            ),
        )

    def _session_key(self, token_sha: str, now: str) -> ApiKey | None:
        rows = self._read(
            "SELECT k.name, k.role, k.centre, k.created_at, k.key_id FROM sessions s "
            "JOIN api_keys k ON k.key_id = s.key_id "
            "WHERE s.token_sha = ? AND s.expires_at > ? AND k.revoked_at IS NULL",
            (token_sha, now),
        )
        if not rows:
            return None
        row = rows[0]
        return ApiKey(row[0], Role(row[1]), row[2], row[3], None, row[4])

    def _delete_session(self, token_sha: str) -> None:
        self._write(("DELETE FROM sessions WHERE token_sha = ?", (token_sha,)))

    def _append_audit(self, entries: AuditEntries, restoring: bool) -> int:
        try:
            with self._audit_lock:
                if not restoring:  # one INSERT in autocommit: the cheapest durable append
                    for entry in entries:
                        self._auditor.execute(_AUDIT_INSERT, _audit_row(entry))
                    return len(entries)
                rows = [(*_audit_row(entry), entry.id) for entry in entries]
                added: int = _transaction(
                    self._auditor, lambda c: c.executemany(_AUDIT_RESTORE, rows).rowcount
                )
                return max(added, 0)
        except sqlite3.OperationalError as error:
            raise self._failure(error) from error

    def _audit(self, since: str | None, key: str | None, limit: int | None) -> AuditEntries:
        conditions: list[str] = []
        parameters: list[object] = []
        if since is not None:
            conditions.append("at >= ?")
            parameters.append(since)
        if key is not None:
            conditions.append("key = ?")
            parameters.append(key)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        # only this module's texts in the SQL, never values
        chosen = f"SELECT seq, {_AUDIT_COLUMNS} FROM audit_log {where}"  # noqa: S608
        if limit is not None:
            chosen += "ORDER BY at DESC, seq DESC LIMIT ?"
            parameters.append(limit)
        sql = f"SELECT {_AUDIT_COLUMNS} FROM ({chosen}) ORDER BY at, seq"  # noqa: S608
        rows = self._read(sql, tuple(parameters))
        return [AuditEntry(i, at, k, route, tuple(ids.split())) for i, at, k, route, ids in rows]

    def close(self) -> None:
        with self._read_lock:
            self._reader.close()
        with self._write_lock:
            self._writer.close()
        with self._audit_lock:
            self._auditor.close()


def _transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """What ``work(connection)`` returns, run in one ``BEGIN IMMEDIATE`` transaction, rolled
    back when it fails."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        done = work(connection)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return done


def _key_insert(record: KeyRecord) -> Statement:
    """The INSERT of a new key's row."""
    key = record.key
    return (
        "INSERT INTO api_keys (key_id, name, role, centre, secret_sha, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (key.key_id, key.name, key.role.value, key.centre, record.secret_sha, key.created_at),
    )


def _key_record(row: tuple[Any, ...]) -> KeyRecord:
    """A row of :data:`_KEY_COLUMNS` as a record."""
    name, role, centre, created_at, revoked_at, key_id, secret_sha = row
    return KeyRecord(ApiKey(name, Role(role), centre, created_at, revoked_at, key_id), secret_sha)


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
