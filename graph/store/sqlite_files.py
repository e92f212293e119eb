"""SQLite files of a data folder (the embedded store's, the API keys'): made private to their
owner whatever the umask, and what a lock held too long by another process looks like."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

__all__ = ["is_busy", "make_private_file", "make_private_folder"]


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing, readable by its owner only (0700)
    whatever the umask; a folder that exists is left as it is."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)


def make_private_file(path: Path) -> None:
    """Create the SQLite file ``path`` if missing and make it and its companions (-wal,
    -shm), those there, readable and writable by the owner only (0600); SQLite gives the
    companions it creates the database file's mode.

    A file that exists is never opened here: closing any descriptor of a file drops every
    lock the process holds on it, which would break another connection of this process.
    """
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        except FileExistsError:
            pass
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists() and each.stat().st_mode & 0o077:
            each.chmod(0o600)


def is_busy(error: sqlite3.Error) -> bool:
    """Whether ``error`` says another connection holds the file's lock (SQLITE_BUSY or
    SQLITE_LOCKED, with any extended code)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
