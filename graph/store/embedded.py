"""The embedded default: the graph in memory over a durable, transactional SQLite file.

Every write goes to SQLite first, in a transaction committed with ``synchronous=FULL`` in WAL
mode, and only once it is committed is it applied to the in-memory graph that reads use. On
start the whole graph is read back from the file, so every acknowledged write survives a
crash or a restart, and a write interrupted by an exception leaves both as they were.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import networkx as nx

from graph.bulk import collector_paused
from graph.errors import Conflict, NotFound, StoreError
from graph.model import Node, NodeKind, Relation, RelationType
from graph.referrals import Referral, ReferralStatus, referral_tie, referral_tie_strength
from graph.store.base import (
    INTRODUCTION_TIE_TYPES,
    GraphStore,
    Scope,
    ScoredPath,
    Stats,
    check_kind_unchanged,
    strongest,
)
from graph.store.paths import k_best_paths, strongest_first

__all__ = ["EmbeddedStore", "STORE_FILE"]

STORE_FILE = "graph.sqlite"
#: SQLite's page cache for the store, in KiB (its default is 2 MiB): a national load's
#: inserts land all over the relations B-tree, and a small cache rereads it from disk.
CACHE_KIB = 131_072

_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id    TEXT PRIMARY KEY,
    kind  TEXT NOT NULL,
    name  TEXT NOT NULL,
    props TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relations (
    source   TEXT NOT NULL REFERENCES nodes(id),
    type     TEXT NOT NULL,
    target   TEXT NOT NULL REFERENCES nodes(id),
    strength REAL NOT NULL,
    since    TEXT,
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
"""

_INSERT_REFERRAL = (
    "INSERT OR REPLACE INTO referrals (id, from_centre, to_centre, enterprise, need, note, "
    "status, created_at, history, request_key, fingerprint) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_REFERRALS = (
    "SELECT id, from_centre, to_centre, enterprise, need, note, status, created_at, history, "
    "request_key, fingerprint FROM referrals "
)
#: The filters referrals are read by, each a fixed statement.
_REFERRALS_BY = {
    "id": _SELECT_REFERRALS + "WHERE id = ?",
    "request": _SELECT_REFERRALS + "WHERE from_centre = ? AND request_key = ?",
    "all": _SELECT_REFERRALS + "ORDER BY created_at DESC, id DESC",
    "inbox": _SELECT_REFERRALS + "WHERE to_centre = ? ORDER BY created_at DESC, id DESC",
    "outbox": _SELECT_REFERRALS + "WHERE from_centre = ? ORDER BY created_at DESC, id DESC",
    "either": _SELECT_REFERRALS
    + "WHERE to_centre = ? OR from_centre = ? ORDER BY created_at DESC, id DESC",
}


def _referral_row(referral: Referral) -> tuple:
    return (
        referral.id,
        referral.from_centre,
        referral.to_centre,
        referral.enterprise,
        referral.need,
        referral.note,
        referral.status.value,
        referral.created_at,
        referral.history_json(),
        referral.request_key,
        referral.fingerprint,
    )


def _referral_of(row: tuple) -> Referral:
    return Referral(
        id=row[0],
        from_centre=row[1],
        to_centre=row[2],
        enterprise=row[3],
        need=row[4],
        note=row[5],
        status=ReferralStatus(row[6]),
        created_at=row[7],
        history=Referral.parse_history(row[8]),
        request_key=row[9],
        fingerprint=row[10],
    )


class _Writer:
    """Writes of one SQLite transaction, kept aside until it commits."""

    def __init__(self, store: EmbeddedStore, connection: sqlite3.Connection):
        self._store = store
        self._connection = connection
        self.nodes: dict[str, Node] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.touched_referrals = False

    def _kind_of(self, node_id: str) -> NodeKind | None:
        pending = self.nodes.get(node_id)
        if pending is not None:
            return pending.kind
        existing = self._store._nodes.get(node_id)
        return existing.kind if existing is not None else None

    def upsert_nodes(self, nodes: Sequence[Node]) -> None:
        rows = []
        for node in nodes:
            check_kind_unchanged(node, self._kind_of(node.id))
            self.nodes[node.id] = node
            rows.append(
                (node.id, node.kind.value, node.name, json.dumps(node.props, ensure_ascii=False))
            )
        self._connection.executemany(
            "INSERT INTO nodes (id, kind, name, props) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, props = excluded.props",
            rows,
        )

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        rows = []
        pending, stored, kept = self.nodes, self._store._nodes, self.relations
        for relation in relations:
            for end in (relation.source, relation.target):
                if end not in pending and end not in stored:
                    raise NotFound(f"relation {relation.key}: no node with id {end!r}")
            kept[relation.source, relation.type, relation.target] = relation
            rows.append(
                (
                    relation.source,
                    relation.type.value,
                    relation.target,
                    relation.strength,
                    relation.since,
                )
            )
        self._connection.executemany(
            "INSERT INTO relations (source, type, target, strength, since) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source, type, target) DO UPDATE SET "
            "strength = excluded.strength, since = excluded.since",
            rows,
        )

    def upsert_referrals(self, referrals: Sequence[Referral]) -> None:
        self.touched_referrals = True
        for referral in referrals:
            for end in (referral.from_centre, referral.to_centre, referral.enterprise):
                if self._kind_of(end) is None:
                    raise NotFound(f"referral {referral.id}: no node with id {end!r}")
        self._connection.executemany(
            _INSERT_REFERRAL, [_referral_row(referral) for referral in referrals]
        )


class EmbeddedStore(GraphStore):
    """The graph of one machine: NetworkX in memory, SQLite in ``data_dir`` underneath.

    Raises StoreError if the file cannot be opened or is not an rsn store.
    """

    backend = "embedded"

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                self.data_dir / STORE_FILE, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.execute("PRAGMA foreign_keys=ON")
            # a load inserts relations all over the table's B-tree: keep it in memory
            self._connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            self._connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the store in {self.data_dir}: {error}") from error
        self._write_lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._nodes: dict[str, Node] = {}
        self._graph = nx.Graph()
        self._relation_counts: Counter[str] = Counter()
        # each node's introduction ties, strongest first; dropped when a write touches the node
        self._sorted_ties: dict[str, list[tuple[float, str]]] = {}
        # referrals completed between two centres, both ways: {centre: {other: count}}
        self._completed_referrals: dict[str, dict[str, int]] = {}
        self._closed = False
        self._reload()

    # -- memory ------------------------------------------------------------------------

    def _reload(self) -> None:
        """Read the whole graph back from the file."""
        with collector_paused():
            self._read_back()

    def _read_back(self) -> None:
        try:
            for node_id, kind, name, props in self._connection.execute(
                "SELECT id, kind, name, props FROM nodes"
            ):
                self._nodes[node_id] = Node(node_id, NodeKind(kind), name, json.loads(props))
            self._graph.add_nodes_from(self._nodes)
            types = {kind.value: kind for kind in RelationType}
            self._apply_relations(
                Relation(source, types[kind], target, strength, since)
                for source, kind, target, strength, since in self._connection.execute(
                    "SELECT source, type, target, strength, since FROM relations"
                )
            )
            self._count_completed_referrals()
        except (sqlite3.Error, ValueError) as error:
            raise StoreError(f"the store in {self.data_dir} cannot be read: {error}") from error

    def _apply_relations(self, relations: Iterable[Relation]) -> None:
        """Put relations into the in-memory graph: each pair of nodes has one edge holding
        its relations by key and the strength of the strongest. Written into the graph's
        adjacency directly (the same data dict both ways, as ``add_edge`` would), since a
        load applies millions and ``add_edge`` costs several times more per call."""
        adjacency = self._graph._adj
        counts = self._relation_counts
        touched = self._sorted_ties
        many = False
        for count, relation in enumerate(relations):
            u, v = relation.source, relation.target
            around = adjacency[u]
            data = around.get(v)
            if data is None:
                data = {"rels": {}, "strength": 0.0}
                around[v] = data
                adjacency[v][u] = data
            rels = data["rels"]
            key = (u, relation.type, v)
            if key in rels:
                rels[key] = relation
                data["strength"] = max(r.strength for r in rels.values())
            else:
                counts[relation.type] += 1
                rels[key] = relation
                if relation.strength > data["strength"]:
                    data["strength"] = relation.strength
            if count < 1000:
                touched.pop(u, None)
                touched.pop(v, None)
            else:
                many = True
        if many:
            touched.clear()

    def _apply(self, writer: _Writer) -> None:
        with self._read_lock:
            for node in writer.nodes.values():
                self._nodes[node.id] = node
                self._graph.add_node(node.id)
            self._apply_relations(writer.relations.values())
            if writer.touched_referrals:
                self._count_completed_referrals()

    def _count_completed_referrals(self) -> None:
        """Recount the referrals completed between each two centres, which introductions
        take as ties, and forget the sorted ties of every centre whose count changed."""
        counts: dict[str, dict[str, int]] = {}
        for sender, receiver in self._connection.execute(
            "SELECT from_centre, to_centre FROM referrals WHERE status = 'completed'"
        ):
            for one, other in ((sender, receiver), (receiver, sender)):
                partners = counts.setdefault(one, {})
                partners[other] = partners.get(other, 0) + 1
        for centre in set(counts) | set(self._completed_referrals):
            if counts.get(centre) != self._completed_referrals.get(centre):
                self._sorted_ties.pop(centre, None)
        self._completed_referrals = counts

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[_Writer]:
        self._check_open()
        with self._write_lock:
            connection = self._connection
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise StoreError(f"cannot start a transaction: {error}") from error
            writer = _Writer(self, connection)
            try:
                yield writer
                connection.execute("COMMIT")
            except sqlite3.Error as error:
                connection.execute("ROLLBACK")
                raise StoreError(f"the write failed and was undone: {error}") from error
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            self._apply(writer)

    def bulk(self, known=None):
        """One transaction for the whole load: all or nothing. ``known`` is not needed: the
        store looks nodes up in memory."""
        return self.transaction()

    # -- reading -----------------------------------------------------------------------

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        nodes = self._nodes
        return {node_id: nodes[node_id] for node_id in ids if node_id in nodes}

    def ties(self, node_id: str) -> list[Relation]:
        with self._read_lock:
            if node_id not in self._graph:
                return []
            found = [
                relation
                for _, _, rels in self._graph.edges(node_id, data="rels")
                for relation in rels.values()
            ]
        return sorted(found, key=lambda r: r.key)

    def stats(self) -> Stats:
        with self._read_lock:
            nodes = Counter(node.kind.value for node in self._nodes.values())
            return Stats.of(nodes, dict(self._relation_counts))

    def iter_nodes(self, kind: NodeKind) -> Iterator[Node]:
        with self._read_lock:
            chosen = sorted((n for n in self._nodes.values() if n.kind == kind), key=_by_id)
        yield from chosen

    def iter_relations(self) -> Iterator[Relation]:
        with self._read_lock:
            found = [r for _, _, rels in self._graph.edges(data="rels") for r in rels.values()]
        found.sort(key=lambda r: r.key)
        yield from found

    def scope_graph(self, scope: Scope) -> tuple[list[Node], list[Relation]]:
        """The scope's nodes and the relations between two of them, in the order the graph
        lists its edges; only the scope's own adjacency is walked."""
        with self._read_lock:
            nodes = [n for n in self._nodes.values() if scope.holds(n.prefecture)]
            inside = {n.id for n in nodes}
            adjacency = self._graph._adj
            seen: set[str] = set()
            relations = []
            for u in self._graph:
                if u not in inside:
                    continue
                seen.add(u)
                for v, data in adjacency[u].items():
                    if v in inside and v not in seen:
                        relations.extend(data["rels"].values())
        return nodes, relations

    def boundary_relations(self, scope: Scope) -> list[Relation]:
        """The relations with exactly one end in ``scope``, from the scope's adjacency."""
        if scope.prefecture is None:
            return []
        with self._read_lock:
            inside = [n.id for n in self._nodes.values() if scope.holds(n.prefecture)]
            members = set(inside)
            adjacency = self._graph._adj
            found = []
            for u in inside:
                crossing = [
                    relation
                    for v, data in adjacency[u].items()
                    if v not in members
                    for relation in data["rels"].values()
                ]
                found.extend(sorted(crossing, key=lambda r: r.key))
        return found

    def best_paths(self, source: str, target: str, k: int, max_hops: int) -> list[ScoredPath]:
        """The k best paths, by the in-memory search of :mod:`graph.store.paths`."""
        with self._read_lock:
            found = k_best_paths(self._introduction_ties, source, target, k, max_hops)
            return [
                ScoredPath.of(nodes, [self._strongest_tie(u, v) for u, v in pairwise(nodes)])
                for nodes, _ in found
            ]

    def _introduction_ties(self, node_id: str) -> list[tuple[float, str]]:
        """The ties of ``node_id`` that count for introductions, as (strength, neighbour),
        strongest first, then by neighbour id; cached until a write touches the node."""
        cached = self._sorted_ties.get(node_id)
        if cached is None:
            best: dict[str, float] = {}
            for neighbour, data in self._graph.adj[node_id].items():
                strengths = [r.strength for r in data["rels"].values() if r.type in _TIE_TYPES]
                if strengths:
                    best[neighbour] = max(strengths)
            for neighbour, strength in self._referral_ties(node_id):
                best[neighbour] = max(strength, best.get(neighbour, 0.0))
            cached = sorted(((s, n) for n, s in best.items()), key=strongest_first)
            self._sorted_ties[node_id] = cached
        return cached

    def _referral_ties(self, node_id: str) -> Iterable[tuple[str, float]]:
        """The centres that completed referrals with ``node_id``, with the tie's strength."""
        for other, completed in self._completed_referrals.get(node_id, {}).items():
            yield other, referral_tie_strength(completed)

    def _strongest_tie(self, u: str, v: str) -> Relation:
        ties = []
        if self._graph.has_edge(u, v):
            ties = [r for r in self._graph.edges[u, v]["rels"].values() if r.type in _TIE_TYPES]
        completed = self._completed_referrals.get(u, {}).get(v)
        if completed:
            ties.append(referral_tie(u, v, completed))
        return strongest(ties)

    # -- referrals -----------------------------------------------------------------------

    def _select_referrals(self, by: str, params: tuple) -> list[Referral]:
        self._check_open()
        with self._write_lock:
            rows = self._connection.execute(_REFERRALS_BY[by], params).fetchall()
        return [_referral_of(row) for row in rows]

    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        with self.transaction() as writer:
            found = self._select_referrals("request", (referral.from_centre, referral.request_key))
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

    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        with self.transaction() as writer:
            writer.touched_referrals = True
            cursor = self._connection.execute(
                "UPDATE referrals SET status = ?, history = ? WHERE id = ? AND status = ?",
                (moved.status.value, moved.history_json(), moved.id, expected.value),
            )
            if cursor.rowcount == 0:
                if self.get_referral(moved.id) is None:
                    raise NotFound(f"no referral with id {moved.id!r}")
                raise Conflict(f"referral {moved.id} was moved by someone else; reload it")
        return moved

    def centres_with_expertise(self, need: str) -> list[tuple[Node, list[str]]]:
        found: dict[str, set[str]] = {}
        with self._read_lock:
            for node in self._nodes.values():
                if node.kind is not NodeKind.SPECIALIST or need not in node.props.get(
                    "expertise", ()
                ):
                    continue
                for relation in self._edges_of(node.id):
                    if relation.type is RelationType.AFFILIATED_WITH and relation.source == node.id:
                        found.setdefault(relation.target, set()).add(node.id)
            return [
                (self._nodes[centre], sorted(specialists))
                for centre, specialists in sorted(found.items())
            ]

    def _edges_of(self, node_id: str) -> Iterator[Relation]:
        for _, _, rels in self._graph.edges(node_id, data="rels"):
            yield from rels.values()

    # -- life --------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            with self._write_lock:
                self._connection.close()


_TIE_TYPES = frozenset(INTRODUCTION_TIE_TYPES)


def _by_id(node: Node) -> str:
    return node.id
