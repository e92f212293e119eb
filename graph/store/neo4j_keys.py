"""The API keys, browser sessions and audit log in the Neo4j database of the graph.

With the Neo4j backend nothing an API server keeps about who asks lives beside the server:
keys (``:RsnApiKey``), sessions (``:RsnSession``) and the audit log (``:RsnAuditEntry``) are
nodes of their own labels in the same database as the graph, which no statement about the
graph reads. Any number of API servers can then serve one database: a key made or revoked
through one is known to every other at its next request, a session started on one is good
on all, and the audit log is one log.

Keys and sessions are read from the database's writer (its leader in a cluster), not from
a follower that may lag, so that a revocation holds on every server at once. Audit entries
are appended in the order of a counter (``:RsnCounter {name: 'audit'}``) whose lock orders
appends from every server; rsn never changes or deletes an entry (Neo4j Community has no
triggers to refuse it to other writers: who may write to the database is the boundary).
Every commit is durable when it returns.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

import neo4j
from neo4j import RoutingControl
from neo4j import exceptions as neo4j_errors

from graph.audit import AuditEntry
from graph.errors import Conflict
from graph.store import cypher
from graph.store.keys import (
    ApiKey,
    AuditEntries,
    FileKeyStore,
    KeyRecord,
    KeyRecords,
    KeyStore,
    Role,
)
from graph.store.neo4j import (
    Run,
    Translate,
    create_schema_rule,
    open_driver,
    read_records,
    write_unit,
)

__all__ = ["Neo4jKeyStore"]

log = logging.getLogger("rsn")

T = TypeVar("T")

#: The counter that orders the audit log.
AUDIT_COUNTER = "audit"


class Neo4jKeyStore(KeyStore):
    """The keys of the Neo4j database at ``uri``. Opening checks that the server answers and
    sets up the constraints (safe to repeat); raises StoreUnavailable when it cannot be
    reached or refuses the credentials."""

    where = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j"):
        self.uri = uri
        self.database = database
        self._translate = Translate(uri)
        self._driver = open_driver(uri, user, password, self._translate, user_agent="rsn-keys")
        for statement in cypher.KEY_SCHEMA:
            self._guard(partial(create_schema_rule, self._driver, self.database, statement))

    # -- plumbing ------------------------------------------------------------------------

    def _guard(self, work: Callable[[], T]) -> T:
        """What ``work`` returns; a driver failure is raised as the project's error."""
        try:
            return work()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as error:
            raise self._translate(error) from error

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """One statement that only reads, on the writer (see the module: never a follower
        that may not have seen a revocation yet)."""
        return self._guard(
            partial(read_records, self._driver, self.database, query, params, RoutingControl.WRITE)
        )

    def _unit(self, work: Callable[[Run], T]) -> T:
        """What ``work`` returns, all in one managed write transaction (see
        :func:`graph.store.neo4j.write_unit`)."""
        return self._guard(partial(write_unit, self._driver, self.database, work))

    # -- keys ---------------------------------------------------------------------------

    def _insert_key(self, record: KeyRecord, replace: bool) -> bool:
        row = _key_row(record)

        def write(run: Run) -> None:
            if replace:
                run(cypher.DELETE_SESSIONS_OF_KEY_NAMED, {"name": record.key.name})
                run(cypher.DELETE_KEY_NAMED, {"name": record.key.name})
            run(cypher.CREATE_KEY, {"key": row})

        try:
            self._unit(write)
        except Conflict:  # a constraint: the name (or, once in 2**48, the id) is taken
            return False
        return True

    def list(self) -> list[ApiKey]:
        return [record.key for record in self.records()]

    def records(self) -> KeyRecords:
        return [_record(row) for row in self._read(cypher.KEYS)]

    def adopt(self, records: Iterable[KeyRecord]) -> int:
        rows = [_key_row(record) for record in records]
        if not rows:
            return 0
        (done,) = self._unit(lambda run: run(cypher.ADOPT_KEYS, {"rows": rows}))
        added: int = done["added"]
        return added

    def _revoke(self, name: str, at: str) -> bool:
        (done,) = self._unit(lambda run: run(cypher.REVOKE_KEY, {"name": name, "at": at}))
        return bool(done["changed"])

    def _key(self, key_id: str) -> KeyRecord | None:
        rows = self._read(cypher.KEY_BY_ID, key_id=key_id)
        return _record(rows[0]) if rows else None

    def holds_anything(self) -> bool:
        """Whether the database keeps any key or audit entry."""
        return bool(self._read(cypher.ANY_KEY_OR_ENTRY)[0]["found"])

    # -- browser sessions ------------------------------------------------------------------

    def _insert_session(self, token_sha: str, key_id: str, expires_at: str, now: str) -> None:
        def write(run: Run) -> None:
            run(cypher.END_SESSIONS_BEFORE, {"now": now})
            run(
                cypher.CREATE_SESSION,
                {"token_sha": token_sha, "key_id": key_id, "expires_at": expires_at},
            )

        self._unit(write)

    def _session_key(self, token_sha: str, now: str) -> ApiKey | None:
        rows = self._read(cypher.SESSION_KEY, token_sha=token_sha, now=now)
        return _record(rows[0]).key if rows else None

    def _delete_session(self, token_sha: str) -> None:
        self._unit(lambda run: run(cypher.DELETE_SESSION, {"token_sha": token_sha}))

    # -- the audit log ---------------------------------------------------------------------

    def _append_audit(self, entries: AuditEntries, restoring: bool) -> int:
        def write(run: Run) -> int:
            chosen = entries
            if restoring:
                (found,) = run(cypher.AUDIT_IDS_HELD, {"ids": [e.id for e in entries]})
                held = set(found["held"])
                chosen = [entry for entry in entries if entry.id not in held]
                chosen = list({entry.id: entry for entry in chosen}.values())
            if not chosen:
                return 0
            (counted,) = run(cypher.COUNT_UP, {"name": AUDIT_COUNTER, "count": len(chosen)})
            first = counted["last"] - len(chosen) + 1
            rows = [_audit_row(entry, first + index) for index, entry in enumerate(chosen)]
            run(cypher.APPEND_AUDIT, {"rows": rows})
            return len(chosen)

        return self._unit(write)

    def _audit(self, since: str | None, key: str | None, limit: int | None) -> AuditEntries:
        if limit is None:
            rows = self._read(cypher.AUDIT_ENTRIES, since=since, key=key)
        else:
            rows = self._read(cypher.NEWEST_AUDIT_ENTRIES, since=since, key=key, limit=limit)
        return [
            AuditEntry(row["id"], row["at"], row["key"], row["route"], tuple(row["enterprises"]))
            for row in rows
        ]

    def close(self) -> None:
        self._driver.close()

    # -- moving in the keys of a data folder ---------------------------------------------

    def adopt_file(self, keys: FileKeyStore) -> tuple[int, int]:
        """Move in the keys and audit log of ``keys`` (a ``keys.sqlite`` kept before the
        keys lived in Neo4j) when the database keeps neither keys nor audit entries yet:
        every key with its id, hash, dates and revocation, and every entry with its id and
        time, so that the keys work as before and the log goes on. Returns how many keys
        and entries were moved in ((0, 0) when the database had some already). Sessions
        are not moved: people sign in again."""
        if self.holds_anything():
            return 0, 0
        moved_keys = self.adopt(keys.records())
        moved_entries = self.restore_audit(keys.audit())
        if moved_keys or moved_entries:
            log.info(
                "moved %d API keys and %d audit entries from %s into Neo4j",
                moved_keys,
                moved_entries,
                keys.where,
            )
        return moved_keys, moved_entries


def _key_row(record: KeyRecord) -> dict[str, Any]:
    """The properties of a key's node."""
    key = record.key
    return {
        "key_id": key.key_id,
        "name": key.name,
        "role": key.role.value,
        "centre": key.centre,
        "secret_sha": record.secret_sha,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
        "made": time.time_ns(),
    }


def _record(row: neo4j.Record) -> KeyRecord:
    """A row of a key's fields as a record."""
    return KeyRecord(
        ApiKey(
            row["name"],
            Role(row["role"]),
            row["centre"],
            row["created_at"],
            row["revoked_at"],
            row["key_id"],
        ),
        row["secret_sha"],
    )


def _audit_row(entry: AuditEntry, seq: int) -> dict[str, Any]:
    """The properties of an audit entry's node."""
    return {
        "id": entry.id,
        "seq": seq,
        "at": entry.at,
        "key": entry.key,
        "route": entry.route,
        "enterprises": list(entry.enterprises),
    }
