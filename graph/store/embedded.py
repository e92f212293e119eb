"""The embedded default: the graph in memory over a durable, transactional SQLite file. It
implements both store ports (graph and referrals).

Every write goes to SQLite first, in a transaction committed with ``synchronous=FULL`` in WAL
mode, and only once it is committed is it applied to the in-memory graph that reads use. On
start the whole graph is read back from the file, so every acknowledged write survives a
crash or a restart, and a write interrupted by an exception leaves both as they were.

Other processes may write the same file (``rsn load`` beside ``rsn serve``). SQLite's
``data_version`` tells when one has committed: every write transaction checks it once it
holds the file's write lock and, if it moved, rereads the graph before it checks or writes
anything, so no write is decided on a stale graph; and a watcher thread checks it every
second, so reads see others' commits soon after without a restart. A reread builds a new
graph aside and swaps it in whole, so a read never sees half of one.

Rereading the whole graph costs seconds on a national network, and most commits (a referral
created or moved) change no node and no relation. So the file keeps a graph version (the
``meta`` row ``graph_version``), raised in the same transaction by every write that upserts
nodes or relations: when another process committed but the graph version did not move, only
the referrals completed between centres (which introductions take as ties) are recounted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx

from graph.algorithms.paths import k_best_paths, strongest_first
from graph.collector import collector_off, collector_paused
from graph.errors import Conflict, NotFound, StoreError, StoreUnavailable
from graph.i18n import N_, _
from graph.merging import MergeRecord, merge_clash, moved_tie, tie_changed
from graph.model import (
    ACTOR_KINDS,
    INTRODUCTION_TIE_TYPES,
    Expertise,
    Node,
    NodeKind,
    Relation,
    RelationType,
    Scope,
    ScoredPath,
    check_kind_unchanged,
    kind_conflict,
    strongest,
)
from graph.provenance import (
    DEFAULT_CONTRIBUTOR,
    Assertion,
    Attribution,
    ContributorSummary,
    check_unrecorded,
    ended_node,
    ended_relation,
    is_relation_record,
    latest_standing,
    node_from_values,
    relation_from_values,
    relation_key_of,
    relation_record,
    restored_assertions,
    values_from_text,
    values_text,
)
from graph.referral_lifecycle import (
    OPEN_STATUS_VALUES,
    ReceivedRecord,
    Referral,
    ReferralStatus,
    completion_day,
    received_records,
    referral_tie,
    referral_tie_strength,
    request_key_taken,
)
from graph.store.ports import Stats, Store, best_found, folded, search_terms, ties_towards
from graph.store.projection import Edge, edge_data, projected_graph
from graph.store.referral_records import REFERRAL_FIELDS, from_record, to_record
from graph.store.sqlite_files import is_busy, make_private_file, make_private_folder
from graph.valid_time import Day, exists_on, holds_on, now_stamp, today
from graph.visibility import Visibility

__all__ = ["EmbeddedStore", "STORE_FILE", "BUSY_SECONDS", "WATCH_SECONDS"]

STORE_FILE = "graph.sqlite"
#: How long a write waits for another process's write to the file to finish before it gives
#: up with StoreUnavailable.
BUSY_SECONDS = 5.0
#: How often a store looks for commits of other processes, so that reads see them.
WATCH_SECONDS = 1.0
#: SQLite's page cache for the store, in KiB (its default is 2 MiB): a national load's
#: inserts land all over the relations B-tree, and a small cache rereads it from disk.
CACHE_KIB = 131_072

_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id    TEXT PRIMARY KEY,
    kind  TEXT NOT NULL,
    name  TEXT NOT NULL,
    props TEXT NOT NULL,
    asserted INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relations (
    source   TEXT NOT NULL REFERENCES nodes(id),
    type     TEXT NOT NULL,
    target   TEXT NOT NULL REFERENCES nodes(id),
    strength REAL NOT NULL,
    since    TEXT,
    until    TEXT,
    asserted INTEGER,
    PRIMARY KEY (source, type, target)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_by_target ON relations(target);
CREATE TABLE IF NOT EXISTS referrals (
    id          TEXT PRIMARY KEY,
    from_centre TEXT NOT NULL REFERENCES nodes(id),
    to_centre   TEXT NOT NULL REFERENCES nodes(id),
    enterprise  TEXT NOT NULL REFERENCES nodes(id),
    need        TEXT NOT NULL,
    note        TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    history     TEXT NOT NULL,
    request_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (from_centre, request_key)
);
CREATE INDEX IF NOT EXISTS referrals_by_receiver ON referrals(to_centre);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS provenance (
    record       TEXT NOT NULL,
    contributor  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    retracted_at TEXT,
    vals         TEXT NOT NULL,
    PRIMARY KEY (record, contributor)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS provenance_by_contributor ON provenance(contributor, record);
CREATE TABLE IF NOT EXISTS writes (
    id          INTEGER PRIMARY KEY,
    contributor TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS merges (
    id        TEXT PRIMARY KEY,
    keep      TEXT NOT NULL,
    merge     TEXT NOT NULL,
    by        TEXT NOT NULL,
    at        TEXT NOT NULL,
    reason    TEXT,
    score     REAL,
    undone_at TEXT,
    snapshot  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS merges_open ON merges(merge) WHERE undone_at IS NULL;
"""

# Provenance is kept in two forms. Most records have one assertion, made by the write that
# created them, with the record's own values: the record's ``asserted`` column then names
# that write (its contributor and time, in ``writes``), which costs a load next to nothing.
# Every other assertion is a row of ``provenance``. The triggers keep the two apart: before
# a record that has the short form is updated, its assertion is spilled into ``provenance``
# with the values it had; an upsert that sets ``asserted`` to minus a write's id asserts the
# record by that write, after the update, in ``provenance``. Every UPDATE of a record sets
# ``asserted`` (to NULL, or minus the write asserting it), so the short form never outlives
# the values it stands for.

#: A relation's values as :func:`graph.provenance.relation_values` gives them, in SQL, of the
#: row ``{row}`` (json_patch leaves out since and until when they are null).
_RELATION_VALUES_SQL = (
    "json_patch(json_object('strength', {row}.strength), "
    "json_object('since', {row}.since, 'until', {row}.until))"
)
#: A node's values (:func:`graph.provenance.node_values`), in SQL, of the row ``{row}``.
_NODE_VALUES_SQL = "json_patch({row}.props, json_object('name', {row}.name))"
_RELATION_RECORD_SQL = "{row}.source || ' ' || {row}.type || ' ' || {row}.target"

_PROVENANCE_UPSERT = (
    "ON CONFLICT(record, contributor) DO UPDATE SET last_seen = excluded.last_seen, "
    "retracted_at = NULL, vals = excluded.vals"
)


def _triggers(table: str, record: str, values: str, key: str) -> str:
    """The triggers that keep the provenance of ``table`` (see above): ``record`` and
    ``values`` are its record name and values in SQL of a row ``{row}``; ``key`` finds the
    row ``new`` in a WHERE clause."""
    old_record, old_values = record.format(row="old"), values.format(row="old")
    new_record, new_values = record.format(row="new"), values.format(row="new")
    # table names, columns and SQL expressions of this module, never values
    return f"""
CREATE TRIGGER IF NOT EXISTS {table}_spill BEFORE UPDATE ON {table} WHEN old.asserted > 0
BEGIN
    INSERT INTO provenance (record, contributor, recorded_at, last_seen, retracted_at, vals)
    SELECT {old_record}, w.contributor, w.at, w.at, NULL, {old_values}
    FROM writes AS w WHERE w.id = old.asserted
    ON CONFLICT(record, contributor) DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS {table}_assert AFTER UPDATE ON {table} WHEN new.asserted < 0
BEGIN
    INSERT INTO provenance (record, contributor, recorded_at, last_seen, retracted_at, vals)
    SELECT {new_record}, w.contributor, w.at, w.at, NULL, {new_values}
    FROM writes AS w WHERE w.id = -new.asserted
    {_PROVENANCE_UPSERT};
    UPDATE {table} SET asserted = NULL WHERE {key};
END;
"""  # noqa: S608


#: The triggers, and the view ``assertions`` of every assertion in both forms (record,
#: contributor, recorded_at, last_seen, retracted_at, vals), made once the tables have their
#: columns (see :func:`_migrate`).
_PROVENANCE_SCHEMA = (
    _triggers("nodes", "{row}.id", _NODE_VALUES_SQL, "id = new.id")  # noqa: S608
    + _triggers(
        "relations",
        _RELATION_RECORD_SQL,
        _RELATION_VALUES_SQL,
        "source = new.source AND type = new.type AND target = new.target",
    )
    + f"""
CREATE VIEW IF NOT EXISTS assertions AS
    SELECT record, contributor, recorded_at, last_seen, retracted_at, vals FROM provenance
    UNION ALL
    SELECT n.id, w.contributor, w.at, w.at, NULL, {_NODE_VALUES_SQL.format(row="n")}
    FROM nodes AS n JOIN writes AS w ON w.id = n.asserted
    UNION ALL
    SELECT {_RELATION_RECORD_SQL.format(row="r")}, w.contributor, w.at, w.at, NULL,
        {_RELATION_VALUES_SQL.format(row="r")}
    FROM relations AS r JOIN writes AS w ON w.id = r.asserted;
"""  # noqa: S608
)

#: Write assertions as they are (loading an export).
_RESTORE = (
    "INSERT INTO provenance (record, contributor, recorded_at, last_seen, retracted_at, vals) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(record, contributor) DO UPDATE SET "
    "recorded_at = excluded.recorded_at, last_seen = excluded.last_seen, "
    "retracted_at = excluded.retracted_at, vals = excluded.vals"
)
#: The assertions of one record (``?``) kept in ``provenance``; of every record, in (record,
#: contributor) order. Columns in the order :func:`_assertion_of` reads them.
_PROVENANCE_OF_RECORD = (
    "SELECT record, contributor, recorded_at, last_seen, retracted_at, vals "
    "FROM provenance WHERE record = ?"
)
_ALL_PROVENANCE = (
    "SELECT record, contributor, recorded_at, last_seen, retracted_at, vals "
    "FROM assertions ORDER BY record, contributor"
)
#: The assertion a node (``?``) or a relation (``?, ?, ?``) keeps in its row, if any.
_NODE_ASSERTION = (
    f"SELECT n.id, w.contributor, w.at, w.at, NULL, {_NODE_VALUES_SQL.format(row='n')} "  # noqa: S608
    "FROM nodes AS n JOIN writes AS w ON w.id = n.asserted WHERE n.id = ?"
)
_RELATION_ASSERTION = (
    f"SELECT {_RELATION_RECORD_SQL.format(row='r')}, w.contributor, w.at, w.at, NULL, "  # noqa: S608
    f"{_RELATION_VALUES_SQL.format(row='r')} "
    "FROM relations AS r JOIN writes AS w ON w.id = r.asserted "
    "WHERE r.source = ? AND r.type = ? AND r.target = ?"
)
#: Move the assertion a node (``?``) or relation (``?, ?, ?``) keeps in its row into
#: ``provenance`` (by the spill trigger), so that it can be changed there.
_SPILL_NODE = "UPDATE nodes SET asserted = NULL WHERE id = ? AND asserted > 0"
_SPILL_RELATION = (
    "UPDATE relations SET asserted = NULL "
    "WHERE source = ? AND type = ? AND target = ? AND asserted > 0"
)

#: The relations of the types in a JSON list (``?2``) that a contributor (``?1``) asserted,
#: retracted or not, as the record names of ``provenance`` (ids hold no spaces, so the type
#: is what stands between the two), and as keys in the rows that keep their first assertion.
_ASSERTED_RELATIONS = (
    "SELECT record FROM provenance WHERE contributor = ?1 AND substr(record, "
    "instr(record, ' ') + 1, instr(substr(record, instr(record, ' ') + 1), ' ') - 1) "
    "IN (SELECT value FROM json_each(?2))"
)
#: Whether a contributor (``?``) made a write: else no row keeps an assertion of its.
_WRITES_BY = "SELECT 1 FROM writes WHERE contributor = ? LIMIT 1"
_ASSERTED_IN_ROWS = (
    "SELECT source, type, target FROM relations "
    "WHERE asserted IN (SELECT id FROM writes WHERE contributor = ?1) "
    "AND type IN (SELECT value FROM json_each(?2))"
)

#: Raise the graph version by one (a store written before it existed has none: 0).
_BUMP_GRAPH_VERSION = (
    "INSERT INTO meta (key, value) VALUES ('graph_version', 1) "
    "ON CONFLICT(key) DO UPDATE SET value = value + 1 RETURNING value"
)


def _graph_version_of(connection: sqlite3.Connection) -> int:
    """The file's graph version as ``connection`` sees it: how many transactions upserted
    nodes or relations (0 for a store written before the version was kept). Raises
    sqlite3.Error."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()
    return row[0] if row is not None else 0


#: Upsert nodes by id; a row whose id is stored with another kind changes nothing (the
#: writer counts the rows written to tell).
#: Upsert nodes (id, kind, name, props, asserted): a new one keeps ``asserted`` (its write's
#: id, or NULL for none); one there is updated and asserted by minus that id (see the
#: triggers), or by nothing for NULL.
_UPSERT_NODES = (
    "INSERT INTO nodes (id, kind, name, props, asserted) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET name = excluded.name, props = excluded.props, "
    "asserted = -excluded.asserted WHERE nodes.kind = excluded.kind"
)
#: Upsert relations (source, type, target, strength, since, until, asserted), as
#: :data:`_UPSERT_NODES` does nodes.
_UPSERT_RELATIONS = (
    "INSERT INTO relations (source, type, target, strength, since, until, asserted) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source, type, target) DO UPDATE SET "
    "strength = excluded.strength, since = excluded.since, until = excluded.until, "
    "asserted = -excluded.asserted"
)
# The statements below name the columns of the referrals table, which are the fields of a
# referral's record (a test checks the table against them): names from the dataclass, never
# values, which go as ``?`` parameters.
_REFERRAL_COLUMNS = ", ".join(REFERRAL_FIELDS)
#: Upsert referrals by id. Never a replace: a row whose (from_centre, request_key) is another
#: referral's fails on the unique index instead of deleting that referral.
_INSERT_REFERRAL = (
    f"INSERT INTO referrals ({_REFERRAL_COLUMNS}) "  # noqa: S608
    f"VALUES ({', '.join('?' for _field in REFERRAL_FIELDS)}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in REFERRAL_FIELDS if name != "id")
)
_SELECT_REFERRALS = f"SELECT {_REFERRAL_COLUMNS} FROM referrals "  # noqa: S608
#: The referrals one centre sent about one enterprise for one need, of the statuses of a JSON
#: list, oldest first.
_OPEN_SENT = (
    "WHERE from_centre = ? AND enterprise = ? AND need = ? "
    "AND status IN (SELECT value FROM json_each(?)) ORDER BY created_at, id"
)
#: The open statuses as :data:`_OPEN_SENT` takes them.
_OPEN_STATUSES_JSON = json.dumps(list(OPEN_STATUS_VALUES))
#: The filters referrals are read by, each a fixed statement.
_REFERRALS_BY = {
    "id": _SELECT_REFERRALS + "WHERE id = ?",
    "request": _SELECT_REFERRALS + "WHERE from_centre = ? AND request_key = ?",
    "all": _SELECT_REFERRALS + "ORDER BY created_at DESC, id DESC",
    "inbox": _SELECT_REFERRALS + "WHERE to_centre = ? ORDER BY created_at DESC, id DESC",
    "outbox": _SELECT_REFERRALS + "WHERE from_centre = ? ORDER BY created_at DESC, id DESC",
    "either": _SELECT_REFERRALS
    + "WHERE to_centre = ? OR from_centre = ? ORDER BY created_at DESC, id DESC",
    "open_sent": _SELECT_REFERRALS + _OPEN_SENT,
}


#: What a failed read of the referrals says.
_READING_REFERRALS = N_("cannot read the referrals")
#: What :func:`graph.referral_lifecycle.received_records` reads of the referrals the centres
#: of a JSON list received.
_RECEIVED = (
    "SELECT to_centre, status, created_at, history FROM referrals "
    "WHERE to_centre IN (SELECT value FROM json_each(?))"
)
#: For the centre ``?1``: the other centre of the referrals at status ``?2`` (completed)
#: between the two, whichever sent them, and how many.
_COMPLETED_WITH = (
    "SELECT CASE WHEN from_centre = ?1 THEN to_centre ELSE from_centre END, COUNT(*) "
    "FROM referrals WHERE status = ?2 AND (from_centre = ?1 OR to_centre = ?1) GROUP BY 1"
)


def _referral_row(referral: Referral) -> tuple[str, ...]:
    """The row of the referrals table for ``referral``, in column order."""
    record = to_record(referral)
    return tuple(record[name] for name in REFERRAL_FIELDS)


def _referral_of(row: Sequence[str]) -> Referral:
    """The referral of a row of the referrals table, read in column order."""
    return from_record(dict(zip(REFERRAL_FIELDS, row, strict=True)))


#: The relations between two nodes, by key.
_Pair = dict[tuple[str, str, str], Relation]
#: The graph in memory: each node's neighbours, each with the relations joining the two (the
#: same dict under both ends). Nodes and neighbours keep the order they were added in.
_Adjacency = dict[str, dict[str, _Pair]]


class _Memory:
    """The graph as reads see it, read whole from the file: nodes by id, the adjacency of
    relations (one entry per pair of nodes, holding its relations by key), counts by type, each
    node's sorted introduction ties (a cache), the referrals completed between centres, and
    the graph version it was read at (None: not read from a file)."""

    __slots__ = (
        "nodes",
        "adjacency",
        "relation_counts",
        "sorted_ties",
        "completed_referrals",
        "graph_version",
        "aliases",
    )

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.adjacency: _Adjacency = {}
        self.relation_counts: Counter[str] = Counter()
        self.sorted_ties: _SortedTies = {}
        self.completed_referrals: _Completions = {}
        self.graph_version: int | None = None
        #: the open merges' aliases: merged id -> kept id
        self.aliases: dict[str, str] = {}


#: A node's ties as introductions take them: (strength, neighbour), strongest first, then by
#: neighbour id.
_TieList = list[tuple[float, str]]


class _SplitTies(NamedTuple):
    """A node's introduction ties on a day, split by whether they are of the confidential
    types: ``open``, the strongest tie of another type (or a completed referral's) to each
    neighbour, sorted as :data:`_TieList`, and by neighbour in ``open_by``; ``hidden``, the
    strongest confidential tie to each neighbour, whose ids ``hidden_ids`` holds again (a set
    to intersect with the enterprises a caller is entitled to)."""

    open: _TieList
    open_by: dict[str, float]
    hidden: dict[str, float]
    hidden_ids: frozenset[str]


class _TiesOf:
    """The cached introduction ties of one node: ``every`` tie by day (None: the whole
    history), and the ties ``split`` by confidential types, by (day, types). Dropped whole
    when a write touches the node or a neighbour."""

    __slots__ = ("every", "split")

    def __init__(self) -> None:
        self.every: dict[Day | None, _TieList] = {}
        self.split: dict[tuple[Day | None, frozenset[RelationType]], _SplitTies] = {}


#: Each node's cached introduction ties (see :class:`_TiesOf`): a cache, dropped for a node
#: when a write touches it or a neighbour.
_SortedTies = dict[str, _TiesOf]
#: The confidential relations (of introduction types) one contributor asserted, retracted or
#: not, by each of their ends: {node: {relation key, ...}}.
_Asserted = dict[str, set[tuple[str, str, str]]]
#: The days referrals completed between two centres, both ways, each list sorted:
#: {centre: {other: [day, ...]}}.
_Completions = dict[str, dict[str, list[Day]]]


def _add_relations(
    adjacency: _Adjacency,
    counts: Counter[str],
    touched: _SortedTies,
    relations: Iterable[Relation],
) -> None:
    """Put relations into ``adjacency``, whose nodes hold both ends of each, counting new
    ones by type in ``counts`` and dropping the sorted ties of their ends from ``touched`` (all
    of them, past a thousand relations). Raises KeyError for an end that is not a node."""
    many = False
    for count, relation in enumerate(relations):
        u, v = relation.source, relation.target
        around = adjacency[u]
        rels = around.get(v)
        if rels is None:
            rels = around[v] = adjacency[v][u] = {}
        key = (u, relation.type, v)
        if key not in rels:
            counts[relation.type] += 1
        rels[key] = relation
        if count < 1000:
            touched.pop(u, None)
            touched.pop(v, None)
        else:
            many = True
    if many:
        touched.clear()


def _remove_relations(
    adjacency: _Adjacency,
    counts: Counter[str],
    touched: _SortedTies,
    keys: Iterable[tuple[str, str, str]],
) -> None:
    """Take the relations of ``keys`` out of ``adjacency`` (a pair left with none goes),
    counting them off by type in ``counts`` and dropping the sorted ties of their ends from
    ``touched``. Keys that are not there are passed over."""
    for key in keys:
        u, _type, v = key
        rels = adjacency.get(u, {}).get(v)
        if rels is None:
            continue
        relation = rels.pop(key, None)
        if relation is None:
            continue
        counts[relation.type] -= 1
        if not rels:
            adjacency[u].pop(v, None)
            adjacency.get(v, {}).pop(u, None)
        touched.pop(u, None)
        touched.pop(v, None)


def _record_of_merge(row: Sequence[object]) -> MergeRecord:
    """The merge of a row of the merges table (id, keep, merge, by, at, reason, score,
    undone_at)."""
    merge_id, keep, merge, by, at, reason, score, undone_at = row
    return MergeRecord(
        id=str(merge_id),
        keep=str(keep),
        merge=str(merge),
        by=str(by),
        at=str(at),
        reason=None if reason is None else str(reason),
        score=None if score is None else float(score),  # type: ignore[arg-type]
        undone_at=None if undone_at is None else str(undone_at),
    )


_MERGE_COLUMNS = "id, keep, merge, by, at, reason, score, undone_at"


def _completed_counts(connection: sqlite3.Connection) -> _Completions:
    """The days referrals completed between each two centres, both ways. Raises
    sqlite3.Error, and ValueError for a history that is not one."""
    completions: _Completions = {}
    for sender, receiver, history in connection.execute(
        "SELECT from_centre, to_centre, history FROM referrals WHERE status = ?",
        (ReferralStatus.COMPLETED.value,),
    ):
        day = completion_day(json.loads(history))
        for one, other in ((sender, receiver), (receiver, sender)):
            completions.setdefault(one, {}).setdefault(other, []).append(day)
    for partners in completions.values():
        for days in partners.values():
            days.sort()
    return completions


def _completed_by(days: list[Day], day: Day | None) -> int:
    """How many of the sorted completion ``days`` fell on or before ``day`` (all: None)."""
    return len(days) if day is None else bisect_right(days, day)


def _assertion_of(row: Sequence[str | None]) -> tuple[str, Assertion]:
    """The record and assertion of a row of the provenance table (record, contributor,
    recorded_at, last_seen, retracted_at, vals)."""
    record, contributor, recorded_at, last_seen, retracted_at, vals = row
    assert record is not None and contributor is not None and vals is not None
    assert recorded_at is not None and last_seen is not None
    values = values_from_text(vals)
    return record, Assertion(contributor, recorded_at, last_seen, retracted_at, values)


def _assertions_of(connection: sqlite3.Connection, record: str) -> list[Assertion]:
    """Every assertion of ``record``, in both forms, in contributor order. Raises
    sqlite3.Error, and ValueError for values that are not a JSON object."""
    rows = connection.execute(_PROVENANCE_OF_RECORD, (record,)).fetchall()
    if is_relation_record(record):
        rows += connection.execute(_RELATION_ASSERTION, record.split(" ")).fetchall()
    else:
        rows += connection.execute(_NODE_ASSERTION, (record,)).fetchall()
    return sorted((_assertion_of(row)[1] for row in rows), key=lambda a: a.contributor)


#: How many records one statement of :func:`_assertions_of_records` asks for.
_RECORDS_PER_STATEMENT = 300


def _assertions_of_records(
    connection: sqlite3.Connection, records: Iterable[str]
) -> dict[str, list[Assertion]]:
    """:func:`_assertions_of` for many records at once, a few hundred to a statement: the
    assertions of each of ``records`` that has any, in contributor order. Raises as it
    does."""
    wanted = list(dict.fromkeys(records))
    rows: list[Sequence[str | None]] = []
    for start in range(0, len(wanted), _RECORDS_PER_STATEMENT):
        part = wanted[start : start + _RECORDS_PER_STATEMENT]
        marks = ", ".join("?" * len(part))
        rows += connection.execute(
            "SELECT record, contributor, recorded_at, last_seen, retracted_at, vals "  # noqa: S608
            f"FROM provenance WHERE record IN ({marks})",
            part,
        ).fetchall()
        relations = [relation_key_of(r) for r in part if is_relation_record(r)]
        if relations:
            triples = ", ".join(["(?, ?, ?)"] * len(relations))
            rows += connection.execute(
                f"WITH wanted(s, t, g) AS (VALUES {triples}) "  # noqa: S608
                f"SELECT {_RELATION_RECORD_SQL.format(row='r')}, w.contributor, w.at, w.at, "
                f"NULL, {_RELATION_VALUES_SQL.format(row='r')} FROM wanted "
                "JOIN relations AS r ON r.source = wanted.s AND r.type = wanted.t "
                "AND r.target = wanted.g JOIN writes AS w ON w.id = r.asserted",
                [value for key in relations for value in (key[0], key[1].value, key[2])],
            ).fetchall()
        nodes = [r for r in part if not is_relation_record(r)]
        if nodes:
            rows += connection.execute(
                f"SELECT n.id, w.contributor, w.at, w.at, NULL, "  # noqa: S608
                f"{_NODE_VALUES_SQL.format(row='n')} FROM nodes AS n "
                f"JOIN writes AS w ON w.id = n.asserted "
                f"WHERE n.id IN ({', '.join('?' * len(nodes))})",
                nodes,
            ).fetchall()
    found: dict[str, list[Assertion]] = defaultdict(list)
    for row in rows:
        record, assertion = _assertion_of(row)
        found[record].append(assertion)
    return {
        record: sorted(found[record], key=lambda a: a.contributor)
        for record in wanted
        if record in found
    }


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring a file written by an earlier rsn up to this one, in one transaction: relations
    get their ``until``, nodes and relations their ``asserted``, and the records of a file
    written before provenance was kept are asserted by ``local`` now, once; then make the
    provenance triggers and view. Raises sqlite3.Error."""

    def columns(table: str) -> set[str]:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}

    def current() -> bool:
        done = connection.execute("SELECT 1 FROM meta WHERE key = 'provenance'").fetchone()
        return (
            done is not None
            and {"until", "asserted"} <= columns("relations")
            and "asserted" in columns("nodes")
        )

    if not current():
        connection.execute("BEGIN IMMEDIATE")
        try:
            if "until" not in columns("relations"):
                connection.execute("ALTER TABLE relations ADD COLUMN until TEXT")
            for table in ("nodes", "relations"):
                if "asserted" not in columns(table):
                    connection.execute(f"ALTER TABLE {table} ADD COLUMN asserted INTEGER")
            done = connection.execute("SELECT 1 FROM meta WHERE key = 'provenance'").fetchone()
            if done is None:
                (write,) = connection.execute(
                    "INSERT INTO writes (contributor, at) VALUES (?, ?) RETURNING id",
                    (DEFAULT_CONTRIBUTOR, now_stamp()),
                ).fetchone()
                # a file from before provenance has no assertion of any record
                connection.execute("UPDATE nodes SET asserted = ?", (write,))
                connection.execute("UPDATE relations SET asserted = ?", (write,))
                connection.execute("INSERT INTO meta (key, value) VALUES ('provenance', 1)")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    connection.executescript(_PROVENANCE_SCHEMA)


def _read_memory(connection: sqlite3.Connection) -> _Memory:
    """The whole graph read from the file, in a new :class:`_Memory`. The caller holds a
    transaction, so every table is read from one snapshot. Raises sqlite3.Error or
    ValueError if the file cannot be read."""
    memory = _Memory()
    memory.graph_version = _graph_version_of(connection)
    nodes = memory.nodes
    for node_id, kind, name, props in connection.execute("SELECT id, kind, name, props FROM nodes"):
        nodes[node_id] = Node(node_id, NodeKind(kind), name, json.loads(props))
    memory.adjacency = {node_id: {} for node_id in nodes}
    types = _RELATION_TYPE_NAMED
    _add_relations(
        memory.adjacency,
        memory.relation_counts,
        memory.sorted_ties,
        (
            Relation(source, types[kind], target, strength, since, until)
            for source, kind, target, strength, since, until in connection.execute(
                "SELECT source, type, target, strength, since, until FROM relations"
            )
        ),
    )
    memory.completed_referrals = _completed_counts(connection)
    memory.aliases = dict(
        connection.execute("SELECT merge, keep FROM merges WHERE undone_at IS NULL").fetchall()
    )
    return memory


#: A row of the relations table, in column order.
_RelationRow = tuple[str, str, str, float, str | None, str | None, int | None]


class _Writer:
    """Writes of one SQLite transaction made ``by`` a contributor, kept aside until it
    commits."""

    def __init__(self, store: EmbeddedStore, connection: sqlite3.Connection, by: Attribution):
        self._store = store
        self._connection = connection
        self._by = by
        self.nodes: dict[str, Node] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.touched_referrals = False
        self._write: int | None = None
        #: whether nodes or relations were upserted (the graph version then moves)
        self.touched_graph = False
        #: whether assertions were restored (who asserted what changed)
        self.touched_provenance = False
        #: nodes and relations deleted outright (a merge), unless written again after
        self.deleted_nodes: set[str] = set()
        self.deleted_relations: set[tuple[str, str, str]] = set()
        #: aliases made (merged id -> kept id) and undone (merged ids)
        self.aliases_made: dict[str, str] = {}
        self.aliases_undone: set[str] = set()

    @property
    def attribution(self) -> Attribution:
        """Who makes the writes, and when."""
        return self._by

    def _kind_of(self, node_id: str) -> NodeKind | None:
        """The kind of ``node_id``, written earlier here or stored, or None."""
        pending = self.nodes.get(node_id)
        if pending is not None:
            return pending.kind
        if node_id in self.deleted_nodes:
            return None
        existing = self._store._nodes.get(node_id)
        return existing.kind if existing is not None else None

    def _node(self, node_id: str) -> Node | None:
        """The node ``node_id`` as written earlier here or stored, or None."""
        if node_id in self.deleted_nodes:
            return None
        return self.nodes.get(node_id) or self._store._nodes.get(node_id)

    def _relation(self, key: tuple[str, str, str]) -> Relation | None:
        """The relation of ``key`` as written earlier here or stored, or None."""
        pending = self.relations.get(key)
        if pending is not None:
            return pending
        if key in self.deleted_relations:
            return None
        source, _type, target = key
        return self._store._adjacency.get(source, {}).get(target, {}).get(key)

    def _write_id(self) -> int | None:
        """The id in ``writes`` of this unit's contributor and time, made at the first call;
        None when the unit writes without asserting."""
        if not self._by.record:
            return None
        if self._write is None:
            (self._write,) = self._connection.execute(
                "INSERT INTO writes (contributor, at) VALUES (?, ?) RETURNING id",
                (self._by.contributor, self._by.at),
            ).fetchone()
        return self._write

    def _spill(self, record: str) -> None:
        """Move the assertion ``record`` keeps in its row into ``provenance``, if it keeps
        one, so that its assertions can be read and changed there."""
        if is_relation_record(record):
            self._connection.execute(_SPILL_RELATION, record.split(" "))
        else:
            self._connection.execute(_SPILL_NODE, (record,))

    def upsert_nodes(self, nodes: Sequence[Node]) -> None:
        """Raises Conflict if an id is stored (or written earlier here) with another kind;
        the file is checked too, so a graph in memory that missed a write cannot let one
        through."""
        self.touched_graph = True
        rows = []
        write = self._write_id()
        for node in nodes:
            check_kind_unchanged(node, self._kind_of(node.id))
            self.nodes[node.id] = node
            self.deleted_nodes.discard(node.id)
            props = json.dumps(node.props, ensure_ascii=False)
            rows.append((node.id, node.kind.value, node.name, props, write))
        written = self._connection.executemany(_UPSERT_NODES, rows).rowcount
        if written != len(rows):
            self._refuse_kind_changes(nodes)

    def _refuse_kind_changes(self, nodes: Sequence[Node]) -> None:
        """Raise Conflict naming the first of ``nodes`` the file holds with another kind."""
        for node in nodes:
            row = self._connection.execute(
                "SELECT kind FROM nodes WHERE id = ?", (node.id,)
            ).fetchone()
            if row is not None and row[0] != node.kind.value:
                raise Conflict(kind_conflict(node.id, NodeKind(row[0]), node.kind))
        raise StoreError(_("the store wrote fewer nodes than it was given"))

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        """Raises NotFound if an end is not stored (nor written earlier here)."""
        self.touched_graph = True
        rows: list[_RelationRow] = []
        pending, stored, kept = self.nodes, self._store._nodes, self.relations
        write = self._write_id()
        deleted = self.deleted_nodes
        for relation in relations:
            for end in (relation.source, relation.target):
                if end not in pending and (end not in stored or end in deleted):
                    raise NotFound(
                        _("relation {key}: no node with id {id!r}", key=relation.key, id=end)
                    )
            kind = relation.type  # a StrEnum: its text, in SQL and in f-strings
            kept[relation.source, relation.type, relation.target] = relation
            if self.deleted_relations:
                self.deleted_relations.discard(relation.key)
            rows.append(
                (
                    relation.source,
                    kind,
                    relation.target,
                    relation.strength,
                    relation.since,
                    relation.until,
                    write,
                )
            )
        self._connection.executemany(_UPSERT_RELATIONS, rows)

    def retract(self, records: Sequence[str], contributor: str | None) -> int:
        """See :meth:`GraphWriter.retract`."""
        by = self._by
        connection = self._connection
        retracted = 0
        for record in dict.fromkeys(records):
            self._spill(record)
            assertions = _assertions_of(connection, record)
            mine = [
                a
                for a in assertions
                if a.retracted_at is None and (contributor is None or a.contributor == contributor)
            ]
            if not mine:
                continue
            if is_relation_record(record):
                source, kind, target = relation_key_of(record)
                if self._relation((source, kind, target)) is None:
                    continue
            elif self._node(record) is None:
                continue
            connection.executemany(
                "UPDATE provenance SET retracted_at = ? WHERE record = ? AND contributor = ?",
                [(by.at, record, a.contributor) for a in mine],
            )
            retracted += len(mine)
            gone = {a.contributor for a in mine}
            left = latest_standing(a for a in assertions if a.contributor not in gone)
            self._settle(record, left)
        if retracted:
            self.touched_graph = True
        return retracted

    def _settle(self, record: str, latest: Assertion | None) -> None:
        """Give ``record`` the values of its ``latest`` standing assertion, or end it on the
        unit's day when none stands."""
        day = self._by.day
        if is_relation_record(record):
            key = relation_key_of(record)
            relation = self._relation(key)
            assert relation is not None
            if latest is None:
                settled = ended_relation(relation, day)
            else:
                settled = relation_from_values(*key, latest.values)
            self.relations[key] = settled
            self._connection.execute(
                "UPDATE relations SET strength = ?, since = ?, until = ?, asserted = NULL "
                "WHERE source = ? AND type = ? AND target = ?",
                (
                    settled.strength,
                    settled.since,
                    settled.until,
                    settled.source,
                    settled.type.value,
                    settled.target,
                ),
            )
        else:
            node = self._node(record)
            assert node is not None
            if latest is None:
                settled_node = ended_node(node, day)
            else:
                settled_node = node_from_values(node.id, node.kind, latest.values)
            self.nodes[node.id] = settled_node
            self._connection.execute(
                "UPDATE nodes SET name = ?, props = ?, asserted = NULL WHERE id = ?",
                (
                    settled_node.name,
                    json.dumps(settled_node.props, ensure_ascii=False),
                    settled_node.id,
                ),
            )

    def held_ties(
        self, node_id: str, others: Collection[str] | None = None
    ) -> tuple[list[Relation], dict[str, list[Assertion]]]:
        """See :meth:`GraphWriter.held_ties`: no other writer commits while a unit is open
        (it holds the file's write lock, and what others committed before was read when it
        began), so the ties are the store's; their assertions are read on the unit's own
        connection. Raises StoreError if they cannot be read."""
        ties = ties_towards(self._store.ties(node_id), node_id, others)
        try:
            found = _assertions_of_records(
                self._connection, (relation_record(*tie.key) for tie in ties)
            )
        except (sqlite3.Error, ValueError) as error:
            raise StoreError(_("cannot read the provenance: {error}", error=error)) from error
        return ties, found

    def move_ties(self, old_end: str, new_end: str, ties: Sequence[Relation]) -> None:
        """See :meth:`GraphWriter.move_ties`: each row changes its end, its assertion kept in
        the row (if any) goes to the provenance table first (the spill trigger), and the
        tie's assertions there take its new record; nothing is read back."""
        check_unrecorded(self._by)
        moves: list[tuple[Relation, Relation]] = []
        for tie in ties:
            new = moved_tie(tie, old_end, new_end)
            if self._relation(tie.key) != tie or self._relation(new.key) is not None:
                raise Conflict(tie_changed(tie, old_end))
            moves.append((tie, new))
        self.touched_graph = True
        self.touched_provenance = True
        connection = self._connection
        connection.executemany(
            "UPDATE relations SET source = ?, target = ?, asserted = NULL "
            "WHERE source = ? AND type = ? AND target = ?",
            [(n.source, n.target, tie.source, tie.type.value, tie.target) for tie, n in moves],
        )
        connection.executemany(
            "UPDATE provenance SET record = ? WHERE record = ?",
            [(relation_record(*new.key), relation_record(*tie.key)) for tie, new in moves],
        )
        for tie, new in moves:
            self.relations.pop(tie.key, None)
            self.deleted_relations.add(tie.key)
            self.deleted_relations.discard(new.key)
            self.relations[new.key] = new

    def restore_relations(
        self, relations: Sequence[Relation], provenance: Sequence[tuple[str, Assertion]]
    ) -> None:
        """See :meth:`GraphWriter.restore_relations`: the upsert, then the assertions."""
        restored_assertions(self._by, relations, provenance)
        self.upsert_relations(relations)
        self.restore_provenance(provenance)

    def restore_provenance(self, assertions: Sequence[tuple[str, Assertion]]) -> None:
        """See :meth:`GraphWriter.restore_provenance`."""
        self.touched_provenance = True
        rows = []
        for record, a in assertions:
            if is_relation_record(record):
                found = self._relation(relation_key_of(record)) is not None
            else:
                found = self._node(record) is not None
            if not found:
                raise NotFound(
                    _("provenance of {record!r}: no such node or relation", record=record)
                )
            self._spill(record)
            rows.append(
                (
                    record,
                    a.contributor,
                    a.recorded_at,
                    a.last_seen,
                    a.retracted_at,
                    values_text(a.values),
                )
            )
        self._connection.executemany(_RESTORE, rows)

    def delete_records(self, records: Sequence[str]) -> None:
        """See :meth:`GraphWriter.delete_records`. Raises Conflict if a referral still names
        a node deleted."""
        self.touched_graph = True
        connection = self._connection
        for record in dict.fromkeys(records):
            if is_relation_record(record):
                key = relation_key_of(record)
                connection.execute(
                    "DELETE FROM relations WHERE source = ? AND type = ? AND target = ?",
                    (key[0], key[1].value, key[2]),
                )
                connection.execute("DELETE FROM provenance WHERE record = ?", (record,))
                self.relations.pop(key, None)
                self.deleted_relations.add(key)
                continue
            keys: list[tuple[str, str, str]] = [
                (source, _RELATION_TYPE_NAMED[kind], target)
                for source, kind, target in connection.execute(
                    "SELECT source, type, target FROM relations WHERE source = ? "
                    "UNION SELECT source, type, target FROM relations WHERE target = ?",
                    (record, record),
                ).fetchall()
            ]
            keys += [k for k in self.relations if record in (k[0], k[2])]
            for tie in dict.fromkeys(keys):
                name = f"{tie[0]} {tie[1]} {tie[2]}"
                connection.execute("DELETE FROM provenance WHERE record = ?", (name,))
                self.relations.pop(tie, None)
                self.deleted_relations.add(tie)
            # two statements, so that each uses its index (an OR would scan the table)
            connection.execute("DELETE FROM relations WHERE source = ?", (record,))
            connection.execute("DELETE FROM relations WHERE target = ?", (record,))
            connection.execute("DELETE FROM provenance WHERE record = ?", (record,))
            try:
                connection.execute("DELETE FROM nodes WHERE id = ?", (record,))
            except sqlite3.IntegrityError as error:
                raise Conflict(
                    _("node {id!r} cannot be deleted: a referral still names it", id=record)
                ) from error
            self.nodes.pop(record, None)
            self.deleted_nodes.add(record)

    def record_merge(self, record: MergeRecord, snapshot: str) -> None:
        """See :meth:`GraphWriter.record_merge`. Raises Conflict, checked under the file's
        write lock, when an open merge already made either id an alias or keeps the merged
        node (two admins merging at once)."""
        self.touched_graph = True
        clash = self._connection.execute(
            "SELECT id, keep, merge FROM merges WHERE undone_at IS NULL "
            "AND (merge IN (?, ?) OR keep = ?) LIMIT 1",
            (record.keep, record.merge, record.merge),
        ).fetchone()
        if clash is not None:
            raise Conflict(merge_clash(record, *clash))
        try:
            self._connection.execute(
                f"INSERT INTO merges ({_MERGE_COLUMNS}, snapshot) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.keep,
                    record.merge,
                    record.by,
                    record.at,
                    record.reason,
                    record.score,
                    record.undone_at,
                    snapshot,
                ),
            )
        except sqlite3.IntegrityError as error:
            raise Conflict(_("a merge with id {id!r} exists already", id=record.id)) from error
        if record.undone_at is None:
            self.aliases_made[record.merge] = record.keep
            self.aliases_undone.discard(record.merge)

    def undo_merge(self, merge_id: str, at: str) -> None:
        """See :meth:`GraphWriter.undo_merge`."""
        self.touched_graph = True
        row = self._connection.execute(
            "UPDATE merges SET undone_at = ? WHERE id = ? AND undone_at IS NULL RETURNING merge",
            (at, merge_id),
        ).fetchone()
        if row is None:
            if self._connection.execute(
                "SELECT 1 FROM merges WHERE id = ?", (merge_id,)
            ).fetchone():
                raise Conflict(_("merge {id} was undone already", id=merge_id))
            raise NotFound(_("no merge with id {id!r}", id=merge_id))
        self.aliases_made.pop(row[0], None)
        self.aliases_undone.add(row[0])

    def upsert_referrals(self, referrals: Sequence[Referral]) -> None:
        """Raises NotFound for a missing centre or enterprise, and Conflict for a referral
        whose sender and request key are another referral's (nothing is replaced)."""
        self.touched_referrals = True
        for referral in referrals:
            for end in (referral.from_centre, referral.to_centre, referral.enterprise):
                if self._kind_of(end) is None:
                    raise NotFound(
                        _(
                            "referral {referral}: no node with id {id!r}",
                            referral=referral.id,
                            id=end,
                        )
                    )
            owner = self._connection.execute(
                "SELECT id FROM referrals WHERE from_centre = ? AND request_key = ?",
                (referral.from_centre, referral.request_key),
            ).fetchone()
            if owner is not None and owner[0] != referral.id:
                raise Conflict(request_key_taken(referral, owner[0]))
        try:
            self._connection.executemany(
                _INSERT_REFERRAL, [_referral_row(referral) for referral in referrals]
            )
        except sqlite3.IntegrityError as error:
            raise Conflict(
                _(
                    "two referrals of one load have the same sender and request key: {error}",
                    error=error,
                )
            ) from error


class EmbeddedStore(Store):
    """The graph and referrals of one machine: the graph in memory, SQLite in ``data_dir``
    underneath (analytics get a NetworkX projection of it, :meth:`projection`).

    ``watch_seconds`` is how often a thread of the store looks for commits of other
    processes and rereads the graph when there are (None: never; writes still check), and
    ``busy_seconds`` how long a write waits for another process's write to finish.
    Raises StoreError if the file cannot be opened or is not an rsn store, StoreUnavailable
    if another process keeps it locked.
    """

    backend = "embedded"
    # a read of the graph waits at most for a write of this process to apply what it
    # committed (a reread from the file is built aside and swapped in at once)
    graph_in_memory = True

    def __init__(
        self,
        data_dir: Path,
        watch_seconds: float | None = WATCH_SECONDS,
        busy_seconds: float = BUSY_SECONDS,
    ):
        self.data_dir = Path(data_dir)
        self._busy_seconds = busy_seconds
        # writes (and what a write reads) on one connection, referral reads on another, and
        # rereads of the graph on a third, so that neither waits for the others
        self._write_lock = threading.RLock()
        self._reader_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._closed = False
        self._version: int | None = None
        # the graph version of the file that the graph in memory holds (None: none yet)
        self._graph_version: int | None = None
        self._changes = 0  # times the graph in memory changed, by a write or a reread
        self._searchable: tuple[int, list[tuple[str, str]]] | None = None
        # the confidential relations each contributor asserted, by (contributor, types), and
        # how many times such kept ones were dropped
        self._asserted: dict[tuple[str, frozenset[RelationType]], _Asserted] = {}
        self._asserted_generation = 0
        #: times the whole graph was read from the file (for tests and diagnosis)
        self.graph_reads = 0
        self._swap(_Memory())
        path = self.data_dir / STORE_FILE
        opened: list[sqlite3.Connection] = []
        try:
            make_private_folder(self.data_dir)
            make_private_file(path)
            self._connection = self._connect(path, opened)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.execute("PRAGMA foreign_keys=ON")
            # a load inserts relations all over the table's B-tree: keep it in memory
            self._connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._connection.executescript(_SCHEMA)
            _migrate(self._connection)
            self._reader = self._connect(path, opened, read_only=True)
            self._builder = self._connect(path, opened, read_only=True)
            self.refresh()
        except BaseException as error:
            for connection in opened:
                connection.close()
            if isinstance(error, OSError | sqlite3.Error):
                raise self._failure(
                    error, _("cannot open the store in {folder}", folder=self.data_dir)
                ) from error
            raise
        if watch_seconds is not None:
            self._watcher = threading.Thread(
                target=self._watch, args=(watch_seconds,), name="rsn-store-watch", daemon=True
            )
            self._watcher.start()

    def _connect(
        self, path: Path, opened: list[sqlite3.Connection], read_only: bool = False
    ) -> sqlite3.Connection:
        """A connection to the file, added to ``opened``; raises sqlite3.Error."""
        connection = sqlite3.connect(
            path, timeout=self._busy_seconds, isolation_level=None, check_same_thread=False
        )
        opened.append(connection)
        if read_only:
            connection.execute("PRAGMA query_only=ON")
        return connection

    # -- memory ------------------------------------------------------------------------

    def _failure(self, error: sqlite3.Error | OSError, doing: str) -> StoreError:
        """The project's error for an SQLite failure: StoreUnavailable when another process
        kept the file locked past the busy timeout, else StoreError."""
        if isinstance(error, sqlite3.Error) and is_busy(error):
            return StoreUnavailable(
                _(
                    "the store is busy: another process has been writing to it for more than "
                    "{seconds:g} s; try again when it is done",
                    seconds=self._busy_seconds,
                )
            )
        return StoreError(_("{doing}: {error}", doing=doing, error=error))

    def _swap(self, memory: _Memory) -> None:
        """Make ``memory`` the graph that reads see, all at once."""
        with self._read_lock:
            self._nodes = memory.nodes
            self._adjacency = memory.adjacency
            self._relation_counts = memory.relation_counts
            # each node's introduction ties, strongest first; dropped when a write touches it
            self._sorted_ties = memory.sorted_ties
            # the days referrals completed between two centres, both ways
            self._completed_referrals = memory.completed_referrals
            # node and relation counts by day, until a write changes nodes or relations
            self._stats_by_day: dict[Day, tuple[Counter[str], Counter[str]]] = {}
            self._graph_version = memory.graph_version
            # the open merges' aliases: merged id -> kept id
            self._aliases = memory.aliases
            # node counts by kind, kept up to date by each write (a kind never changes)
            self._kind_counts = Counter(node.kind.value for node in memory.nodes.values())
            # centres_with_expertise's answers by need, until nodes or relations change
            self._expertise: dict[tuple[str, Day | None], list[tuple[Node, list[str]]]] = {}
            self._forget_assertions()
            self._changes += 1

    def _data_version(self) -> int:
        """SQLite's count of commits by other connections to the file, as the writing
        connection sees it (its own commits do not count). Raises sqlite3.Error."""
        version: int = self._connection.execute("PRAGMA data_version").fetchone()[0]
        return version

    def file_version(self) -> int:
        """A number that moves whenever another process commits to the store's file (SQLite's
        data version, as this store sees it): a cheap look that reads nothing of the graph,
        to tell when :meth:`refresh` has something to bring. Raises StoreUnavailable if the
        file stays locked, StoreError if it cannot be read."""
        reading = _("the store in {folder} cannot be read", folder=self.data_dir)
        with self._write_lock:  # the writing connection's, as refresh compares
            ((version,),) = self._read_rows("PRAGMA data_version", (), reading, self._connection)
        return int(version)

    def _read_file(self, connection: sqlite3.Connection) -> _Memory:
        """The whole graph from ``connection``'s transaction; raises StoreError if the file
        holds something that is not an rsn store, sqlite3.Error if it cannot be read."""
        with self._read_lock:
            self.graph_reads += 1
        try:
            with collector_paused():
                return _read_memory(connection)
        except ValueError as error:
            raise StoreError(
                _(
                    "the store in {folder} cannot be read: {error}",
                    folder=self.data_dir,
                    error=error,
                )
            ) from error

    def _catch_up(self) -> None:
        """Bring the graph up to what other processes committed since it was last read: a
        reread if the graph version moved, else a recount of the completed referrals. The
        caller holds the write lock and a write transaction, so the file cannot change
        meanwhile."""
        version = self._data_version()
        if version != self._version:
            if _graph_version_of(self._connection) != self._graph_version:
                self._swap(self._read_file(self._connection))
            else:
                self._count_completed_referrals()
            self._version = version

    def refresh(self) -> bool:
        """Bring the graph up to what other processes committed since it was last read;
        returns whether the whole graph was reread. Commits that upserted no node and no
        relation (the graph version did not move: referrals created or moved) cost only a
        recount of the completed referrals; any other commit, a reread.

        Reads and this process's writes go on during a reread on the graph as it was; if a
        write of this process commits meanwhile, the reread is dropped (that write read the
        file itself) and tried at the next call. When this returns, the graph holds at least
        every commit made before the call.

        Raises StoreUnavailable if the file stays locked, StoreError if it cannot be read."""
        with self._build_lock:
            builder = self._builder
            try:
                with self._write_lock:
                    self._check_open()
                    # the data version first: a graph version read after it is at least as
                    # recent, so an unmoved graph version means no graph commit up to it
                    version = self._data_version()
                    if version == self._version:
                        return False
                    if _graph_version_of(self._connection) == self._graph_version:
                        self._count_completed_referrals()
                        self._version = version
                        return False
                    changes = self._changes
                    # the snapshot starts here, so it holds every write of this process
                    builder.execute("BEGIN")
                    builder.execute("SELECT 1 FROM nodes LIMIT 1").fetchall()
                memory = self._read_file(builder)
            except sqlite3.Error as error:
                raise self._failure(
                    error, _("the store in {folder} cannot be read", folder=self.data_dir)
                ) from error
            finally:
                if not self._closed and builder.in_transaction:
                    builder.execute("ROLLBACK")
            with self._write_lock:
                if self._closed or self._changes != changes:
                    return False
                self._swap(memory)
                self._version = version
            return True

    def _watch(self, seconds: float) -> None:
        """Every ``seconds``, reread the graph if another process committed, until closed. A
        failed look (the file busy for long) is tried again at the next one."""
        while not self._stop.wait(seconds):
            try:
                self.refresh()
            except StoreError:
                continue

    def _apply(self, writer: _Writer, graph_version: int | None) -> None:
        """Apply a committed write to the graph in memory; ``graph_version`` is the file's
        graph version the write left (None: it upserted no node and no relation)."""
        with self._read_lock:
            self._changes += 1
            if (
                writer.nodes
                or writer.relations
                or writer.deleted_nodes
                or writer.deleted_relations
                or writer.aliases_made
                or writer.aliases_undone
            ):
                self._stats_by_day = {}
            if writer.nodes or writer.relations or writer.deleted_nodes:
                self._expertise = {}
            if writer.deleted_relations:
                _remove_relations(
                    self._adjacency,
                    self._relation_counts,
                    self._sorted_ties,
                    writer.deleted_relations,
                )
            for node_id in writer.deleted_nodes:
                gone = self._nodes.pop(node_id, None)
                if gone is None:
                    continue
                self._kind_counts[gone.kind.value] -= 1
                around = self._adjacency.pop(node_id, {})
                self._sorted_ties.pop(node_id, None)
                for neighbour in around:  # none left, unless written without a delete
                    self._adjacency.get(neighbour, {}).pop(node_id, None)
                    self._sorted_ties.pop(neighbour, None)
            if writer.aliases_made or writer.aliases_undone:
                aliases = dict(self._aliases)
                for merged in writer.aliases_undone:
                    aliases.pop(merged, None)
                aliases.update(writer.aliases_made)
                self._aliases = aliases
            for node in writer.nodes.values():
                if node.id not in self._nodes:
                    self._kind_counts[node.kind.value] += 1
                self._nodes[node.id] = node
                around = self._adjacency.setdefault(node.id, {})
                # whether the node exists on a day changes its neighbours' ties that day
                self._sorted_ties.pop(node.id, None)
                for neighbour in around:
                    self._sorted_ties.pop(neighbour, None)
            _add_relations(
                self._adjacency,
                self._relation_counts,
                self._sorted_ties,
                writer.relations.values(),
            )
            if graph_version is not None:
                self._graph_version = graph_version
            if (
                writer.deleted_relations
                or writer.deleted_nodes
                or writer.touched_provenance
                or writer.aliases_made
                or writer.aliases_undone
            ):
                self._forget_assertions()
            elif writer.relations and writer.attribution.record:
                # upserts add assertions of the writing contributor only
                self._add_assertions(writer.attribution.contributor, writer.relations.values())
            if writer.touched_referrals:
                self._count_completed_referrals()

    def _count_completed_referrals(self) -> None:
        """Recount the referrals completed between each two centres, which introductions
        take as ties, and forget the sorted ties of every centre whose count changed; the
        graph counts as changed (:meth:`changes`) only when a count did.

        Reads on the writing connection, so the caller holds the write lock: outside a
        transaction that connection sees the latest commit, inside one it sees the file as
        the transaction does. Raises sqlite3.Error."""
        counts = _completed_counts(self._connection)
        with self._read_lock:
            if counts == self._completed_referrals:
                return  # the graph is as it was: what was kept of it still holds
            for centre in set(counts) | set(self._completed_referrals):
                if counts.get(centre) != self._completed_referrals.get(centre):
                    self._sorted_ties.pop(centre, None)
            self._completed_referrals = counts
            self._changes += 1

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self, by: Attribution | None = None) -> Iterator[_Writer]:
        """Holds the file's write lock from the start: what other processes committed before
        is read first, and none can commit until this does. Raises StoreUnavailable when
        another process keeps the lock past the busy timeout."""
        self._check_open()
        with self._write_lock:
            connection = self._connection
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._failure(error, _("cannot start a transaction")) from error
            try:
                self._catch_up()
                writer = _Writer(self, connection, by or Attribution())
                yield writer
                graph_version = None
                if writer.touched_graph:
                    graph_version = connection.execute(_BUMP_GRAPH_VERSION).fetchall()[0][0]
                connection.execute("COMMIT")
            except sqlite3.Error as error:
                connection.execute("ROLLBACK")
                raise self._failure(error, _("the write failed and was undone")) from error
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            self._apply(writer, graph_version)

    def bulk(
        self, known: Mapping[str, NodeKind] | None = None, by: Attribution | None = None
    ) -> AbstractContextManager[_Writer]:
        """One transaction for the whole load: all or nothing. ``known`` is not needed: the
        store looks nodes up in memory."""
        return self.transaction(by)

    # -- reading -----------------------------------------------------------------------

    def _exists(self, node_id: str, day: Day | None) -> bool:
        """Whether ``node_id`` is a node (existing on ``day``, when given)."""
        node = self._nodes.get(node_id)
        return node is not None and (day is None or exists_on(node.props, day))

    def _holds(self, relation: Relation, day: Day | None) -> bool:
        """Whether ``relation`` holds on ``day`` with both ends existing then (always for
        None)."""
        if day is None:
            return True
        if not holds_on(relation.since, relation.until, day):
            return False
        nodes = self._nodes
        return exists_on(nodes[relation.source].props, day) and exists_on(
            nodes[relation.target].props, day
        )

    def get_nodes(self, ids: Iterable[str], day: Day | None = None) -> dict[str, Node]:
        nodes = self._nodes
        found = {node_id: nodes[node_id] for node_id in ids if node_id in nodes}
        if day is None:
            return found
        return {node_id: node for node_id, node in found.items() if exists_on(node.props, day)}

    def ties(
        self,
        node_id: str,
        day: Day | None = None,
        types: Collection[RelationType] | None = None,
    ) -> list[Relation]:
        wanted = None if types is None else frozenset(types)
        with self._read_lock:
            if not self._exists(node_id, day):
                return []
            found = [
                r
                for r in self._edges_of(node_id)
                if (wanted is None or r.type in wanted) and self._holds(r, day)
            ]
        return sorted(found, key=lambda r: r.key)

    def stats(self, day: Day | None = None) -> Stats:
        with self._read_lock:
            if day is None:
                nodes = dict(self._kind_counts)
                # each pair of centres is listed under both
                pairs = sum(len(others) for others in self._completed_referrals.values()) // 2
                return Stats.of(
                    nodes,
                    dict(self._relation_counts),
                    {RelationType.COLLABORATES_WITH.value: pairs},
                )
            kept = self._stats_by_day.get(day)
            if kept is None:
                kept = self._stats_by_day[day] = self._counts_on(day)
            kinds, relations = kept
            return Stats.of(
                kinds, relations, {RelationType.COLLABORATES_WITH.value: self._pairs_on(day)}
            )

    def _pairs_on(self, day: Day) -> int:
        """The pairs of centres, both existing on ``day``, with a referral completed between
        them by then; the caller holds the read lock."""
        nodes = self._nodes
        return sum(
            1
            for centre, partners in self._completed_referrals.items()
            if centre in nodes and exists_on(nodes[centre].props, day)
            for other, days in partners.items()
            if centre < other
            and other in nodes
            and exists_on(nodes[other].props, day)
            and _completed_by(days, day)
        )

    def _counts_on(self, day: Day) -> tuple[Counter[str], Counter[str]]:
        """The nodes by kind and the relations by type of the graph as of ``day`` (a scan of
        the whole graph); the caller holds the read lock."""
        existing = {node_id for node_id, node in self._nodes.items() if exists_on(node.props, day)}
        kinds = Counter(self._nodes[node_id].kind.value for node_id in existing)
        relations: Counter[str] = Counter()
        for u, around in self._adjacency.items():
            if u not in existing:
                continue
            for v, rels in around.items():
                if u < v and v in existing:
                    for r in rels.values():
                        if holds_on(r.since, r.until, day):
                            relations[r.type.value] += 1
        return kinds, relations

    def derived_ties(self, node_id: str, day: Day | None = None) -> list[Relation]:
        with self._read_lock:
            if not self._exists(node_id, day):
                return []
            partners = {
                other: days
                for other, days in self._completed_referrals.get(node_id, {}).items()
                if self._exists(other, day)
            }
        found = []
        for other, days in partners.items():
            completed = _completed_by(days, day)
            if completed:
                found.append(referral_tie(node_id, other, completed, days[0]))
        return sorted(found, key=lambda r: r.key)

    def iter_nodes(self, kind: NodeKind, day: Day | None = None) -> Iterator[Node]:
        with self._read_lock:
            chosen = sorted(
                (
                    n
                    for n in self._nodes.values()
                    if n.kind == kind and (day is None or exists_on(n.props, day))
                ),
                key=_by_id,
            )
        yield from chosen

    @property
    def changes(self) -> int:
        """How many times the graph in memory has changed (a write or a reread): two reads
        that see the same count read the same graph."""
        return self._changes

    def find_nodes(self, text: str, limit: int = 20, day: Day | None = None) -> list[Node]:
        wanted = search_terms(text)
        if wanted is None:
            return []
        with self._read_lock:
            names = self._search_names()
            needle = wanted[1]
            hits = [node_id for node_id, name in names if needle in name]
            nodes = self._nodes
            found = [nodes[node_id] for node_id in hits if node_id in nodes]
            exact = nodes.get(wanted[0])
        if exact is not None:
            found.append(exact)
        if day is not None:
            found = [node for node in found if exists_on(node.props, day)]
        return best_found(found, wanted, limit)

    def _search_names(self) -> list[tuple[str, str]]:
        """Every node's id and folded name (:func:`~graph.store.ports.folded`), made once per
        state of the graph (under the read lock)."""
        kept = self._searchable
        if kept is None or kept[0] != self._changes:
            kept = (self._changes, [(n.id, folded(n.name)) for n in self._nodes.values()])
            self._searchable = kept
        return kept[1]

    def iter_relations(self, day: Day | None = None) -> Iterator[Relation]:
        with self._read_lock:
            # each pair once: from its end with the smaller id (no node is tied to itself)
            found = [
                relation
                for u, around in self._adjacency.items()
                for v, rels in around.items()
                if u < v
                for relation in rels.values()
                if self._holds(relation, day)
            ]
        found.sort(key=lambda r: r.key)
        yield from found

    def _nodes_in(self, scope: Scope, day: Day | None, actors_only: bool = False) -> list[Node]:
        """The nodes of ``scope`` (existing on ``day``; actors only when asked), in the order
        they were added; the caller holds the read lock."""
        return [
            node
            for node in self._nodes.values()
            if scope.holds(node.prefecture)
            and (not actors_only or node.kind in ACTOR_KINDS)
            and (day is None or exists_on(node.props, day))
        ]

    def scope_graph(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation]]:
        """The scope's nodes and the relations between two of them: the pairs of nodes in the
        order nodes were added, each from its end added first; only the scope's own adjacency
        is walked."""
        with self._read_lock:
            nodes = self._nodes_in(scope, day)
            inside = {n.id for n in nodes}
            seen: set[str] = set()
            relations: list[Relation] = []
            for u, around in self._adjacency.items():
                if u not in inside:
                    continue
                seen.add(u)
                for v, rels in around.items():
                    if v in inside and v not in seen:
                        if day is None:
                            relations.extend(rels.values())
                        else:
                            relations.extend(
                                r for r in rels.values() if holds_on(r.since, r.until, day)
                            )
        return nodes, relations

    def projection(
        self, scope: Scope = Scope(), actors_only: bool = True, day: Day | None = None
    ) -> nx.Graph:
        """The graph :func:`project` makes of :meth:`scope_graph` (node for node, neighbour
        for neighbour, in the same order), built straight from the graph in memory, whose
        relations are already grouped by pair of nodes."""
        with collector_off():
            with self._read_lock:
                nodes = self._nodes_in(scope, day, actors_only)
                later = {node.id for node in nodes}
                edges: list[Edge] = []
                for u, around in self._adjacency.items():
                    if u not in later:
                        continue
                    # each pair once, from its end that comes first, as scope_graph lists it
                    later.discard(u)
                    if day is None:
                        edges.extend(
                            (u, v, edge_data(rels.values()))
                            for v, rels in around.items()
                            if v in later
                        )
                        continue
                    for v, rels in around.items():
                        if v in later:
                            holding = [r for r in rels.values() if holds_on(r.since, r.until, day)]
                            if holding:
                                edges.append((u, v, edge_data(holding)))
            return projected_graph(nodes, edges)

    def boundary_relations(self, scope: Scope, day: Day | None = None) -> list[Relation]:
        """The relations with exactly one end in ``scope``, from the scope's adjacency."""
        if scope.prefecture is None:
            return []
        with self._read_lock:
            inside = [n.id for n in self._nodes_in(scope, day)]
            members = set(inside)
            found: list[Relation] = []
            for u in inside:
                crossing = [
                    relation
                    for v, rels in self._adjacency[u].items()
                    if v not in members
                    for relation in rels.values()
                    if self._holds(relation, day)
                ]
                found.extend(sorted(crossing, key=lambda r: r.key))
        return found

    def best_paths(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> list[ScoredPath]:
        """The k best paths, by the in-memory search of :mod:`graph.algorithms.paths`, on the
        ties the caller of ``visibility`` sees (:meth:`_visible_ties`). Raises StoreError if
        the confidential ties its contributor asserted cannot be read."""
        shown = visibility if visibility is not None and visibility.restricted else None
        asserted: _Asserted = {}
        if shown is not None and shown.contributor is not None:
            asserted = self._asserted_by(shown.contributor, shown.types)
        with self._read_lock:
            if not (self._exists(source, day) and self._exists(target, day)):
                return []
            sees: Callable[[Relation], bool] | None = None
            if shown is None:

                def ties(node_id: str) -> _TieList:
                    return self._introduction_ties(node_id, day)

            else:
                caller = shown
                read: dict[str, _TieList] = {}

                def ties(node_id: str) -> _TieList:
                    found = read.get(node_id)
                    if found is None:
                        found = read[node_id] = self._visible_ties(node_id, day, caller, asserted)
                    return found

                def sees(relation: Relation) -> bool:
                    return caller.entitled(relation) or relation.key in asserted.get(
                        relation.source, ()
                    )

            found = k_best_paths(ties, source, target, k, max_hops)
            return [
                ScoredPath.of(
                    nodes, [self._strongest_tie(u, v, day, sees) for u, v in pairwise(nodes)]
                )
                for nodes, _score in found
            ]

    def _introduction_ties(self, node_id: str, day: Day | None) -> _TieList:
        """The ties of ``node_id`` that count for introductions on ``day``, as (strength,
        neighbour), strongest first, then by neighbour id; cached until a write touches the
        node or a neighbour."""
        entry = self._sorted_ties.get(node_id)
        if entry is None:
            entry = self._sorted_ties[node_id] = _TiesOf()
        by_day = entry.every
        cached = by_day.get(day)
        if cached is None:
            best: dict[str, float] = {}
            nodes = self._nodes
            for neighbour, rels in self._adjacency[node_id].items():
                if day is None:
                    strengths = [r.strength for r in rels.values() if r.type in _TIE_TYPES]
                elif not exists_on(nodes[neighbour].props, day):
                    continue
                else:
                    strengths = [
                        r.strength
                        for r in rels.values()
                        if r.type in _TIE_TYPES and holds_on(r.since, r.until, day)
                    ]
                if strengths:
                    best[neighbour] = max(strengths)
            for neighbour, strength in self._referral_ties(node_id, day):
                best[neighbour] = max(strength, best.get(neighbour, 0.0))
            cached = sorted(((s, n) for n, s in best.items()), key=strongest_first)
            if len(by_day) >= _DAYS_KEPT:
                by_day.clear()
            by_day[day] = cached
        return cached

    def _split_ties(
        self, node_id: str, day: Day | None, types: frozenset[RelationType]
    ) -> _SplitTies:
        """The introduction ties of ``node_id`` on ``day`` split into those of the
        confidential ``types`` and the others (a completed referral's tie is never
        confidential); cached with :meth:`_introduction_ties`, and dropped with them."""
        entry = self._sorted_ties.get(node_id)
        if entry is None:
            entry = self._sorted_ties[node_id] = _TiesOf()
        cached = entry.split.get((day, types))
        if cached is None:
            open_by: dict[str, float] = {}
            hidden: dict[str, float] = {}
            nodes = self._nodes
            for neighbour, rels in self._adjacency[node_id].items():
                if day is not None and not exists_on(nodes[neighbour].props, day):
                    continue
                for r in rels.values():
                    if r.type not in _TIE_TYPES:
                        continue
                    if day is not None and not holds_on(r.since, r.until, day):
                        continue
                    best = hidden if r.type in types else open_by
                    held = best.get(neighbour)
                    if held is None or r.strength > held:
                        best[neighbour] = r.strength
            for neighbour, strength in self._referral_ties(node_id, day):
                open_by[neighbour] = max(strength, open_by.get(neighbour, 0.0))
            cached = _SplitTies(
                sorted(((s, n) for n, s in open_by.items()), key=strongest_first),
                open_by,
                hidden,
                frozenset(hidden),
            )
            if len(entry.split) >= _DAYS_KEPT:
                entry.split.clear()
            entry.split[day, types] = cached
        return cached

    def _visible_ties(
        self, node_id: str, day: Day | None, visibility: Visibility, asserted: _Asserted
    ) -> _TieList:
        """The ties of ``node_id`` on ``day`` that the caller of ``visibility`` sees, sorted
        as :meth:`_introduction_ties`, the strongest visible tie counting between two nodes:
        every tie when the caller is entitled to the node (it is an end of them all); else
        the ties of other types, the confidential ties to an enterprise it is entitled to,
        and those of ``asserted`` (its contributor's). Made from the cached ties: only the
        confidential ties shown are merged into the node's open ones. The caller holds the
        read lock."""
        entitled = visibility.enterprises
        if node_id in entitled:
            return self._introduction_ties(node_id, day)
        split = self._split_ties(node_id, day, visibility.types)
        shown: dict[str, float] = {}
        if split.hidden:
            hidden = split.hidden
            for neighbour in split.hidden_ids & entitled:
                shown[neighbour] = hidden[neighbour]
        mine = asserted.get(node_id)
        if mine:
            around = self._adjacency.get(node_id, {})
            nodes = self._nodes
            for key in mine:
                source, _type, target = key
                neighbour = target if source == node_id else source
                if neighbour in entitled:
                    continue  # its every tie is shown already
                relation = around.get(neighbour, {}).get(key)
                if relation is None:
                    continue
                if day is not None and not (
                    holds_on(relation.since, relation.until, day)
                    and exists_on(nodes[neighbour].props, day)
                ):
                    continue
                held = shown.get(neighbour)
                if held is None or relation.strength > held:
                    shown[neighbour] = relation.strength
        if not shown:
            return split.open
        open_by = split.open_by
        extra = {n: s for n, s in shown.items() if n not in open_by or s > open_by[n]}
        if not extra:
            return split.open
        if len(extra) * _MERGE_BY_SORTING > len(split.open):
            merged = [tie for tie in split.open if tie[1] not in extra]
            merged.extend((s, n) for n, s in extra.items())
            merged.sort(key=strongest_first)
            return merged
        merged = list(split.open)
        for neighbour, strength in extra.items():
            weaker = open_by.get(neighbour)
            if weaker is not None:
                del merged[bisect_left(merged, (-weaker, neighbour), key=strongest_first)]
            insort(merged, (strength, neighbour), key=strongest_first)
        return merged

    def _asserted_by(self, contributor: str, types: frozenset[RelationType]) -> _Asserted:
        """The relations of the confidential ``types`` (those that are introduction ties)
        that ``contributor`` asserted, retracted or not, by each end; read from the file once
        and kept until a write may change them. Raises StoreError if they cannot be read."""
        key = (contributor, types)
        with self._read_lock:
            kept = self._asserted.get(key)
            generation = self._asserted_generation
        if kept is not None:
            return kept
        found = self._read_asserted(contributor, types)
        with self._read_lock:
            # a write applied meanwhile may have changed them: then they are not kept
            if generation == self._asserted_generation:
                if len(self._asserted) >= _ASSERTED_KEPT:
                    self._asserted.clear()
                self._asserted[key] = found
        return found

    def _read_asserted(self, contributor: str, types: frozenset[RelationType]) -> _Asserted:
        """:meth:`_asserted_by`, read from the file: the records that ``contributor``
        asserts in ``provenance`` and those whose row names its writes. Raises StoreError if
        they cannot be read."""
        wanted = json.dumps(sorted(t.value for t in types & _TIE_TYPES))
        if wanted == "[]":
            return {}
        self._check_open()
        try:
            with self._reader_lock:
                self._check_open()
                records = self._reader.execute(
                    _ASSERTED_RELATIONS, (contributor, wanted)
                ).fetchall()
                rows: list[Sequence[str]] = []
                if self._reader.execute(_WRITES_BY, (contributor,)).fetchone() is not None:
                    rows = self._reader.execute(_ASSERTED_IN_ROWS, (contributor, wanted)).fetchall()
        except sqlite3.Error as error:
            raise self._failure(error, _("cannot read the provenance")) from error
        rows.extend(record.split(" ") for (record,) in records)
        named = _RELATION_TYPE_NAMED
        found: _Asserted = {}
        for source, kind, target in rows:
            relation_key = (source, named[kind], target)
            found.setdefault(source, set()).add(relation_key)
            found.setdefault(target, set()).add(relation_key)
        return found

    def _add_assertions(self, contributor: str, relations: Iterable[Relation]) -> None:
        """Add ``relations``, just asserted by ``contributor``, to its kept confidential
        relations (an assertion, once made, counts retracted or not); a read under way then
        keeps nothing."""
        with self._read_lock:
            self._asserted_generation += 1
            for (name, types), found in self._asserted.items():
                if name != contributor:
                    continue
                for relation in relations:
                    if relation.type in types and relation.type in _TIE_TYPES:
                        key = (relation.source, relation.type, relation.target)
                        found.setdefault(relation.source, set()).add(key)
                        found.setdefault(relation.target, set()).add(key)

    def _forget_assertions(self, contributor: str | None = None) -> None:
        """Drop the kept confidential relations asserted by ``contributor`` (by everyone:
        None), as a write may have changed them; a read under way then keeps nothing."""
        with self._read_lock:
            self._asserted_generation += 1
            if contributor is None:
                self._asserted = {}
            else:
                self._asserted = {
                    key: found for key, found in self._asserted.items() if key[0] != contributor
                }

    def _referral_ties(self, node_id: str, day: Day | None) -> Iterable[tuple[str, float]]:
        """The centres that completed referrals with ``node_id`` (by ``day``, and existing
        then), with the tie's strength."""
        for other, days in self._completed_referrals.get(node_id, {}).items():
            completed = _completed_by(days, day)
            if completed and self._exists(other, day):
                yield other, referral_tie_strength(completed)

    def _strongest_tie(
        self,
        u: str,
        v: str,
        day: Day | None,
        sees: Callable[[Relation], bool] | None = None,
    ) -> Relation:
        """The strongest introduction tie between ``u`` and ``v`` on ``day`` (a relation or
        the tie of their completed referrals), of those ``sees`` keeps (all: None); raises
        ValueError if they have none."""
        rels = self._adjacency.get(u, {}).get(v, {})
        ties = [
            r
            for r in rels.values()
            if r.type in _TIE_TYPES
            and (day is None or holds_on(r.since, r.until, day))
            and (sees is None or sees(r))
        ]
        days = self._completed_referrals.get(u, {}).get(v)
        completed = _completed_by(days, day) if days else 0
        if completed and days:
            ties.append(referral_tie(u, v, completed, days[0]))
        return strongest(ties)

    # -- referrals -----------------------------------------------------------------------

    def _select_referrals(
        self, by: str, params: tuple[str, ...], connection: sqlite3.Connection | None = None
    ) -> list[Referral]:
        """Referrals by one of the fixed filters: on ``connection`` (a write's own, whose
        caller holds the write lock), or else on the reading connection, which waits for no
        write. Raises StoreError if they cannot be read."""
        rows = self._read_rows(_REFERRALS_BY[by], params, _(_READING_REFERRALS), connection)
        return [_referral_of(row) for row in rows]

    def open_referrals_sent(self, from_centre: str, enterprise: str, need: str) -> list[Referral]:
        return self._select_referrals(
            "open_sent", (from_centre, enterprise, need, _OPEN_STATUSES_JSON)
        )

    def referral_ids_by_request(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for request in dict.fromkeys(requests):
            for referral in self._select_referrals("request", request):
                found[request] = referral.id
        return found

    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        with self.transaction() as writer:
            found = self._select_referrals(
                "request", (referral.from_centre, referral.request_key), self._connection
            )
            if found:
                return found[0], False
            writer.upsert_referrals([referral])
        return referral, True

    def get_referral(self, referral_id: str) -> Referral | None:
        found = self._select_referrals("id", (referral_id,))
        return found[0] if found else None

    def list_referrals(self, centre: str | None = None, box: str | None = None) -> list[Referral]:
        if centre is None:
            return self._select_referrals("all", ())
        if box in ("inbox", "outbox"):
            return self._select_referrals(box, (centre,))
        return self._select_referrals("either", (centre, centre))

    def _read_rows(
        self,
        statement: str,
        params: tuple[str, ...],
        doing: str,
        connection: sqlite3.Connection | None = None,
    ) -> list[tuple[Any, ...]]:
        """The rows of ``statement``: on ``connection`` (a write's own, whose caller holds
        the write lock), or else on the reading connection, which waits for no write. Raises
        StoreUnavailable or StoreError (saying ``doing`` and why) if they cannot be read."""
        self._check_open()
        try:
            if connection is not None:
                return connection.execute(statement, params).fetchall()
            with self._reader_lock:
                self._check_open()
                return self._reader.execute(statement, params).fetchall()
        except sqlite3.Error as error:
            raise self._failure(error, doing) from error

    def received_records(self, centres: Iterable[str]) -> dict[str, ReceivedRecord]:
        wanted = list(dict.fromkeys(centres))
        rows = self._read_rows(_RECEIVED, (json.dumps(wanted),), _(_READING_REFERRALS))
        return received_records(wanted, rows)

    def completed_with(self, centre: str) -> dict[str, int]:
        rows = self._read_rows(
            _COMPLETED_WITH,
            (centre, ReferralStatus.COMPLETED.value),
            _(_READING_REFERRALS),
        )
        return {other: count for other, count in rows}

    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        with self.transaction() as writer:
            writer.touched_referrals = True
            record = to_record(moved)
            cursor = self._connection.execute(
                "UPDATE referrals SET status = ?, history = ? WHERE id = ? AND status = ?",
                (record["status"], record["history"], moved.id, expected.value),
            )
            if cursor.rowcount == 0:
                if self.get_referral(moved.id) is None:
                    raise NotFound(_("no referral with id {id!r}", id=moved.id))
                raise Conflict(_("referral {id} was moved by someone else; reload it", id=moved.id))
        return moved

    def warm_up(self) -> dict[str, int]:
        """Work out now the answers this store keeps that a light question would otherwise
        wait for while it scans the whole graph: today's counts (:meth:`stats`) and the
        centres of each expertise (:meth:`centres_with_expertise`), kept until a write
        changes nodes or relations."""
        day = today()
        self.stats(day)
        for need in Expertise:
            self.centres_with_expertise(need.value, day)
        return {"days of counts": 1, "lists of centres by expertise": len(Expertise)}

    def centres_with_expertise(
        self, need: str, day: Day | None = None
    ) -> list[tuple[Node, list[str]]]:
        """The answer is kept by need and day until a write changes nodes or relations
        (referrals, the frequent writes, do not), since it walks every specialist."""
        with self._read_lock:
            kept = self._expertise.get((need, day))
            if kept is None:
                kept = self._expertise[need, day] = self._find_expertise(need, day)
            return list(kept)

    def _find_expertise(self, need: str, day: Day | None) -> list[tuple[Node, list[str]]]:
        """:meth:`centres_with_expertise`, found by walking every specialist."""
        found: dict[str, set[str]] = {}
        with self._read_lock:
            for node in self._nodes.values():
                if node.kind is not NodeKind.SPECIALIST or need not in node.props.get(
                    "expertise", ()
                ):
                    continue
                if day is not None and not exists_on(node.props, day):
                    continue
                for relation in self._edges_of(node.id):
                    if (
                        relation.type is RelationType.AFFILIATED_WITH
                        and relation.source == node.id
                        and self._holds(relation, day)
                    ):
                        found.setdefault(relation.target, set()).add(node.id)
            return [
                (self._nodes[centre], sorted(specialists))
                for centre, specialists in sorted(found.items())
            ]

    # -- merges --------------------------------------------------------------------------

    def aliases(self) -> dict[str, str]:
        with self._read_lock:
            return dict(self._aliases)

    def merges(self) -> list[MergeRecord]:
        rows = self._read_rows(
            f"SELECT {_MERGE_COLUMNS} FROM merges ORDER BY at, id",  # noqa: S608
            (),
            _("cannot read the merges"),
        )
        return [_record_of_merge(row) for row in rows]

    def merge_snapshot(self, merge_id: str) -> str | None:
        rows = self._read_rows(
            "SELECT snapshot FROM merges WHERE id = ?", (merge_id,), _("cannot read the merges")
        )
        return str(rows[0][0]) if rows else None

    # -- provenance --------------------------------------------------------------------

    def _read_provenance(
        self, sql: str, params: tuple[str, ...] = ()
    ) -> list[tuple[str, Assertion]]:
        """Assertions selected by ``sql`` on the reading connection, which waits for no
        write. Raises StoreError if they cannot be read."""
        rows = self._read_rows(sql, params, _("cannot read the provenance"))
        return [_assertion_of(row) for row in rows]

    def provenance(self, records: Iterable[str]) -> dict[str, list[Assertion]]:
        """See :meth:`GraphStore.provenance`: a few hundred records to a statement."""
        self._check_open()
        try:
            with self._reader_lock:
                self._check_open()
                return _assertions_of_records(self._reader, records)
        except (sqlite3.Error, ValueError) as error:
            raise StoreError(_("cannot read the provenance: {error}", error=error)) from error

    def iter_provenance(self) -> Iterator[tuple[str, Assertion]]:
        yield from self._read_provenance(_ALL_PROVENANCE)

    def standing_records(self, contributor: str) -> set[str]:
        rows = self._read_rows(
            "SELECT record FROM assertions WHERE contributor = ? AND retracted_at IS NULL",
            (contributor,),
            _("cannot read the provenance"),
        )
        return {row[0] for row in rows}

    def contributors(self) -> list[ContributorSummary]:
        rows = self._read_rows(
            "SELECT contributor, "
            "sum(retracted_at IS NULL AND instr(record, ' ') = 0), "
            "sum(retracted_at IS NULL AND instr(record, ' ') > 0), "
            "max(max(last_seen, coalesce(retracted_at, ''))) "
            "FROM assertions GROUP BY contributor ORDER BY contributor",
            (),
            _("cannot read the provenance"),
        )
        return [
            ContributorSummary(contributor, int(nodes or 0), int(relations or 0), last or None)
            for contributor, nodes, relations, last in rows
        ]

    def _edges_of(self, node_id: str) -> Iterator[Relation]:
        """Every relation of ``node_id`` (none for an unknown id); the caller holds the read
        lock."""
        for rels in self._adjacency.get(node_id, {}).values():
            yield from rels.values()

    # -- life --------------------------------------------------------------------------

    def _check_open(self) -> None:
        """Raise StoreError if the store was closed."""
        if self._closed:
            raise StoreError(_("the store is closed"))

    def close(self) -> None:
        """Stop the watcher and close the file."""
        if self._closed:
            return
        self._stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join()
        with self._build_lock, self._write_lock, self._reader_lock:
            if not self._closed:
                self._closed = True
                for connection in (self._builder, self._reader, self._connection):
                    connection.close()


_TIE_TYPES = frozenset(INTRODUCTION_TIE_TYPES)
#: How many days' sorted ties a node keeps at most (today's, and a few asked about).
_DAYS_KEPT = 4
#: Past one confidential tie shown to a caller for this many open ties of a node, its visible
#: ties are sorted anew rather than inserted one by one into a copy of the open ones.
_MERGE_BY_SORTING = 8
#: How many (contributor, confidential types) a store keeps the asserted relations of.
_ASSERTED_KEPT = 1024
#: Each relation type by its name, as the relations table holds it.
_RELATION_TYPE_NAMED: dict[str, RelationType] = {kind.value: kind for kind in RelationType}


def _by_id(node: Node) -> str:
    return node.id
