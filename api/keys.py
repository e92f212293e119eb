"""API keys: created once, kept only as a hash, compared in constant time, revoked at once.

A key reads ``rsn_<key id>_<secret>``. The key id finds the record; the secret is checked
against its SHA-256 hash with :func:`hmac.compare_digest`. Keys live in ``keys.sqlite`` in
``RSN_DATA_DIR`` whichever graph backend is used, and every request reads the current state,
so a revoked key is refused by the very next request.
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

from graph.errors import Conflict, InvalidArgument, NotFound, StoreError
from graph.model import is_valid_id

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
        return self.revoked_at is None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class KeyStore:
    """The API keys of one data folder. Raises StoreError if the file cannot be used."""

    def __init__(self, data_dir: Path):
        path = Path(data_dir)
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                path / KEYS_FILE, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the API keys in {path}: {error}") from error
        self._lock = threading.Lock()

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
        with self._lock:
            if replace:
                self._connection.execute(
                    "DELETE FROM sessions WHERE key_id IN "
                    "(SELECT key_id FROM api_keys WHERE name = ?)",
                    (name,),
                )
                self._connection.execute("DELETE FROM api_keys WHERE name = ?", (name,))
            try:
                self._connection.execute(
                    "INSERT INTO api_keys (key_id, name, role, centre, secret_sha, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (key_id, name, role.value, centre, _digest(secret), now),
                )
            except sqlite3.IntegrityError:
                raise Conflict(f"a key named {name!r} already exists") from None
        return f"rsn_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        """Every key, active or revoked, oldest first."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT name, role, centre, created_at, revoked_at, key_id FROM api_keys "
                "ORDER BY created_at, name"
            ).fetchall()
        return [ApiKey(n, Role(r), c, at, rev, kid) for n, r, c, at, rev, kid in rows]

    def revoke(self, name: str) -> None:
        """Revoke the key called ``name``; raises NotFound if there is no active one."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            cursor = self._connection.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (now, name),
            )
        if cursor.rowcount == 0:
            raise NotFound(f"no active key named {name!r}")

    def authenticate(self, presented: str) -> ApiKey | None:
        """The active key that ``presented`` is, or None."""
        parts = presented.split("_", 2) if presented else []
        if len(parts) != 3 or parts[0] != "rsn":
            return None
        _, key_id, secret = parts
        with self._lock:
            row = self._connection.execute(
                "SELECT name, role, centre, created_at, revoked_at, secret_sha FROM api_keys "
                "WHERE key_id = ?",
                (key_id,),
            ).fetchone()
        expected = row[5] if row else _digest("no such key")
        matches = hmac.compare_digest(_digest(secret), expected)
        if row is None or not matches or row[4] is not None:
            return None
        return ApiKey(row[0], Role(row[1]), row[2], row[3], row[4], key_id)

    def start_session(self, key: ApiKey) -> str:
        """A new browser session for ``key``; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
        with self._lock:
            self._connection.execute(
                "DELETE FROM sessions WHERE expires_at < ?", (datetime.now(UTC).isoformat(),)
            )
            self._connection.execute(
                "INSERT INTO sessions (token_sha, key_id, expires_at) VALUES (?, ?, ?)",
                (_digest(token), key.key_id, expires.isoformat()),
            )
        return token

    def session_key(self, token: str) -> ApiKey | None:
        """The active key behind a session token, or None if the session or key ended."""
        now = datetime.now(UTC).isoformat()
        with self._lock:
            row = self._connection.execute(
                "SELECT k.name, k.role, k.centre, k.created_at, k.key_id FROM sessions s "
                "JOIN api_keys k ON k.key_id = s.key_id "
                "WHERE s.token_sha = ? AND s.expires_at > ? AND k.revoked_at IS NULL",
                (_digest(token), now),
            ).fetchone()
        if row is None:
            return None
        return ApiKey(row[0], Role(row[1]), row[2], row[3], None, row[4])

    def end_session(self, token: str) -> None:
        """Forget a session (sign-out)."""
        with self._lock:
            self._connection.execute("DELETE FROM sessions WHERE token_sha = ?", (_digest(token),))

    def close(self) -> None:
        with self._lock:
            self._connection.close()
