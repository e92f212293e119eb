"""API keys: created once, kept only as a hash, compared in constant time, revoked at once.

A key reads ``rsn_<key id>_<secret>``. The key id finds the record; the secret is checked
against its SHA-256 hash with :func:`hmac.compare_digest`. Keys live in ``keys.sqlite`` in
``RSN_DATA_DIR`` whichever graph backend is used, and every request reads the current state,
so a revoked key is refused by the very next request.

The file is private to its owner (0600, in a folder created 0700). Reads and writes go through
two connections: reads (one indexed row, run by the server on its event loop) wait at most
:data:`READ_WAIT_SECONDS` for a lock, which in WAL mode only a checkpoint or a recovery holds
briefly, so the loop never stalls; writes (a key, a session) wait up to
:data:`WRITE_WAIT_SECONDS` and run on worker threads. A lock held past the wait raises
StoreUnavailable, which the API answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.errors import Conflict, InvalidArgument, NotFound, StoreError, StoreUnavailable
from graph.model import is_valid_id
from graph.store.sqlite_files import is_busy, make_private_file, make_private_folder

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
"""

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
            make_private_file(path / KEYS_FILE)  # and the -wal and -shm SQLite made now
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise StoreUnavailable(
                    f"the API keys in {path} are locked by another process"
                ) from error
            raise StoreError(f"cannot open the API keys in {path}: {error}") from error
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the API keys in {path}: {error}") from error
        self._path = path
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()

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
                f"the API keys in {self._path} are locked by another process: {error}"
            )
        return StoreError(f"the API keys in {self._path} cannot be used: {error}")

    def add(self, name: str, role: Role, centre: str | None = None, replace: bool = False) -> str:
        """Create a key and return it; only its hash is kept, so this is the one chance to
        see it. With ``replace`` an earlier key of that name is deleted first. Raises
        InvalidArgument for a bad name or centre binding, Conflict if the name is taken."""
        if not name or len(name) > 100 or not name.isprintable():
            raise InvalidArgument("a key name must be 1 to 100 printable characters")
        if role is Role.CENTRE and not (centre and is_valid_id(centre)):
            raise InvalidArgument("a centre key needs --centre with the id of its centre")
        if role is not Role.CENTRE and centre:
            raise InvalidArgument("only a centre key is bound to a centre")
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
            raise Conflict(f"a key named {name!r} already exists") from None
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
            raise NotFound(f"no active key named {name!r}")

    def authenticate(self, presented: str) -> ApiKey | None:
        """The active key that ``presented`` is, or None."""
        parts = presented.split("_", 2) if presented else []
        if len(parts) != 3 or parts[0] != "rsn":
            return None
        _, key_id, secret = parts
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

    def close(self) -> None:
        """Close both connections. Safe to call twice."""
        with self._read_lock:
            self._reader.close()
        with self._write_lock:
            self._writer.close()


def _connect(file: Path, wait: float) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) that waits ``wait``
    seconds for another process's lock."""
    connection = sqlite3.connect(file, timeout=wait, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection
