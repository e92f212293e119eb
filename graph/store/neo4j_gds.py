"""What the weakness report reads of a Neo4j server beyond the plain reads: a prefecture's
graph and the relations leaving it in two statements of compact columns
(:func:`read_scope`), kept between reports while nothing they read changes
(:class:`KeptScopes`), and, when the server has Graph Data Science (GDS), the metrics of a
scope's actor graph computed there (:class:`GdsMetrics`).

:class:`graph.store.neo4j.Neo4jStore` delegates to both; every statement is in
:mod:`graph.store.cypher`. Driver errors are raised as they are (the store translates them).
"""

from __future__ import annotations

import array
import sys
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import neo4j
import networkx as nx

from graph.algorithms.adjacency import ColumnAdjacency, column_graph
from graph.model import ACTOR_KINDS, Node, NodeKind, Relation, RelationType, Scope
from graph.store import cypher
from graph.store.ports import ScopeMetrics, TieColumns
from graph.valid_time import Day

__all__ = [
    "GdsMetrics",
    "KeptScopes",
    "Read",
    "day_params",
    "read_nodes",
    "read_scope",
    "relations_of",
    "scope_nodes",
    "ties_graph",
]

#: Runs one read statement with its parameters (as keywords); the records it returns.
Read = Callable[..., list[Any]]


def day_params(day: Day | None) -> dict[str, Any]:
    """The parameters of a statement read as of ``day``: ``day`` and ``year`` (both null for
    the whole history)."""
    return {"day": day, "year": None if day is None else int(day[:4])}


def scope_nodes(kind: NodeKind, rows: Iterable[list[Any]]) -> Iterator[Node]:
    """The nodes of ``kind`` from the rows of :func:`cypher.scope_node_columns`: each
    property that has a value, as the store's other reads give it."""
    columns = cypher.SCOPE_COLUMNS[kind]
    for node_id, name, *values, others in rows:
        props = {
            column: value
            for column, value in zip(columns, values, strict=True)
            if value is not None
        }
        for key, value in others:
            if value is not None:
                props[key] = value
        yield Node(node_id, kind, name if name is not None else "", props)


def relations_of(rows: Iterable[list[Any]]) -> Iterator[Relation]:
    """The relations of a list of [source, type, target, strength, since, until]."""
    types: dict[str, RelationType] = {}
    for source, kind, target, strength, since, until in rows:
        relation_type = types.get(kind) or types.setdefault(kind, RelationType(kind))
        yield Relation(source, relation_type, target, float(strength), since, until)


#: Nodes per page when the whole network is read (see :func:`cypher.node_columns_page`).
SCOPE_PAGE = 20_000


def _pages(read: Read, statement: str, column: str, on: dict[str, Any]) -> Iterator[list[Any]]:
    """The ``column`` of each page of ``statement`` (:func:`cypher.node_columns_page` or
    :func:`cypher.relation_columns_page`), read one after the other until one is not full."""
    after = ""
    while True:
        (record,) = read(statement, after=after, page=SCOPE_PAGE, **on)
        yield record[column]
        if record["read"] < SCOPE_PAGE or record["last"] is None:
            return
        after = record["last"]


def read_nodes(read: Read, scope: Scope, day: Day | None = None) -> list[Node]:
    """The nodes of ``scope`` existing on ``day``, as :func:`read_scope` reads them: the
    whole network's page by page (:data:`SCOPE_PAGE` nodes at a time)."""
    whole = scope.prefecture is None
    on = {"prefecture": scope.prefecture, **day_params(day)}
    nodes: list[Node] = []
    for kind in NodeKind:
        if whole:
            for rows in _pages(read, cypher.node_columns_page(kind), "nodes", on):
                nodes.extend(scope_nodes(kind, rows))
            continue
        for record in read(cypher.scope_node_columns(kind, whole), **on):
            nodes.extend(scope_nodes(kind, record["nodes"]))
    return nodes


#: Ties per record of :data:`cypher.SCOPE_TIES` (about 40 bytes each).
TIES_CHUNK = 500_000


def _extend(numbers: array.array[Any], data: bytes) -> None:
    """Appends to ``numbers`` (bytes, int32 or float64) the little-endian numbers of
    ``data``."""
    if sys.byteorder == "little":
        numbers.frombytes(data)
        return
    more = array.array(numbers.typecode)
    more.frombytes(data)
    more.byteswap()
    numbers.extend(more)


#: The columns of a record of :data:`cypher.SCOPE_TIES` that :func:`ties_graph` reads, with
#: the type of their numbers: int32, float64, or a byte (a type's place in the types asked for).
_TIE_COLUMNS = {
    "counts": "i",
    "others": "i",
    "ties": "i",
    "sources": "i",
    "targets": "i",
    "strengths": "d",
    "types": "B",
    "kinds": "i",
}


def ties_graph(
    nodes: list[Node], records: list[Any], types: list[str]
) -> tuple[nx.Graph, TieColumns] | None:
    """The actor graph of ``nodes`` from the records of :data:`cypher.SCOPE_TIES` (read with
    ``types``), as :func:`graph.store.projection.project` makes it from the relations: the
    actors in id order, each with its neighbours in id order, and each tie's data (one
    dictionary for both its ends) that of its strongest relation with the types of all;
    with the ties as columns. The graph keeps the plugin's columns
    (:func:`graph.algorithms.adjacency.column_graph`): an actor's neighbours and a tie's data
    are made when first asked, so the report makes those of the part of the graph it walks,
    not those of millions of ties. None when the records' actors are not those of ``nodes``
    (the graph changed between the two reads)."""
    actors = sorted((node for node in nodes if node.kind in ACTOR_KINDS), key=lambda n: n.id)
    ids = [node.id for node in actors]
    if ids != [actor for record in records for actor in record["ids"]]:
        return None
    type_of = [RelationType(name) for name in types]
    columns = {name: array.array(code) for name, code in _TIE_COLUMNS.items()}
    for record in records:
        for name, numbers in columns.items():
            _extend(numbers, record[name])
    strengths, named, sources, targets, kinds = (
        columns[name] for name in ("strengths", "types", "sources", "targets", "kinds")
    )
    sets = {
        bits: frozenset(t for i, t in enumerate(type_of) if bits >> i & 1) for bits in set(kinds)
    }
    made: dict[int, dict[str, Any]] = {}

    def data(tie: int) -> dict[str, Any]:
        found = made.get(tie)
        if found is None:
            found = made[tie] = {
                "strength": strengths[tie],
                "type": type_of[named[tie]],
                "source": ids[sources[tie]],
                "target": ids[targets[tie]],
                "types": sets[kinds[tie]],
            }
        return found

    adjacency = ColumnAdjacency(
        ids, columns["counts"], columns["others"], columns["ties"], data, strengths
    )
    attrs = {
        node.id: {"kind": node.kind, "name": node.name, "prefecture": node.prefecture}
        for node in actors
    }
    ties = TieColumns(ids, sources, targets, kinds, type_of)
    return column_graph(attrs, adjacency), ties


def read_scope(
    read: Read, scope: Scope, day: Day | None = None, in_plugin: bool = False
) -> tuple[list[Node], list[Relation], list[Relation]]:
    """The nodes of ``scope`` existing on ``day``, the relations between two of them and the
    relations with exactly one end in it (none for the whole network), holding on ``day``:
    what ``scope_graph`` and ``boundary_relations`` give, read with only the values of each
    node (not its keys nor its assertions) and, for a prefecture, the relations inside and
    leaving it in one pass over its relationships; the whole network's nodes page by page
    (:data:`SCOPE_PAGE` nodes at a time), and its relations so too, or with ``in_plugin``
    (the server has rsn's plugin) in one statement of the plugin's
    (:data:`cypher.RELATION_COLUMNS`, several times faster than Cypher's pages), which sends
    them in chunks as the driver pulls them. ``read`` runs a read statement."""
    whole = scope.prefecture is None
    on = {"prefecture": scope.prefecture, **day_params(day)}
    nodes = read_nodes(read, scope, day)
    relations: list[Relation] = []
    boundary: list[Relation] = []
    if whole and in_plugin:
        for record in read(
            cypher.RELATION_COLUMNS,
            labels=cypher.COUNTED_LABELS,
            types=cypher.COUNTED_TYPES,
            day=day or "",
            chunk=SCOPE_PAGE,
        ):
            relations.extend(relations_of(record["relations"]))
        return nodes, relations, boundary
    if whole:
        for kind in NodeKind:
            for rows in _pages(read, cypher.relation_columns_page(kind), "relations", on):
                relations.extend(relations_of(rows))
        return nodes, relations, boundary
    for record in read(cypher.SCOPE_RELATIONS_AND_BOUNDARY, **on):
        relations.extend(relations_of(record["relations"]))
        boundary.extend(relations_of(record["boundary"]))
    return nodes, relations, boundary


#: A scope as read: its nodes, the relations inside it and those leaving it.
ScopeRead = tuple[list[Node], list[Relation], list[Relation]]


class KeptScopes:
    """The scopes read by :func:`read_scope`, kept by scope and day while the server's
    stamp of what they read stays (``rsn.changeStamp`` of every node label and relation
    type, from rsn's plugin): a heavy work process that makes the same reports again while
    only referrals are written reads each scope from Neo4j once, and leaves the database to
    the light questions.

    ``stamp`` gives the server's stamp now (None: the server does not follow its changes,
    and nothing is kept). A read is kept only if the stamp was the same before and after
    it, so no write was under way; it is used while the stamp is still that one. At most
    ``max_relations`` relations are kept in all (about 150 bytes each, with their nodes),
    the scope used least recently going first; a bigger scope is never kept.
    """

    def __init__(self, stamp: Callable[[], str | None], max_relations: int = 2_000_000):
        self._stamp = stamp
        self._max = max_relations
        self._kept: OrderedDict[tuple[str | None, Day | None], tuple[str, ScopeRead]] = (
            OrderedDict()
        )
        self._size = 0  # the relations kept in all
        self._lock = threading.Lock()
        #: reads answered from what was kept (for tests and diagnosis)
        self.hits = 0

    def read(
        self, read: Read, scope: Scope, day: Day | None = None, in_plugin: bool = False
    ) -> ScopeRead:
        """:func:`read_scope` of ``scope`` as of ``day`` (``in_plugin`` as it says), kept or
        read now (the lists are the caller's to change)."""
        key = (scope.prefecture, day)
        stamp = self._stamp()
        if stamp is None:
            return read_scope(read, scope, day, in_plugin)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == stamp:
                self._kept.move_to_end(key)
                self.hits += 1
                found = kept[1]
            else:
                found = None
        if found is None:
            found = read_scope(read, scope, day, in_plugin)
            if self._stamp() != stamp or not self._keep(key, stamp, found):
                return found
        nodes, relations, boundary = found
        return list(nodes), list(relations), list(boundary)

    def read_ahead(self, read: Read, prefectures: Iterable[str], day: Day | None) -> list[str]:
        """Read and keep the scopes of ``prefectures`` as of ``day``, in that order, while
        what is kept stays within half the limit (the rest is for the scopes asked about
        later); the prefectures kept. It stops at the first scope not kept (the server's
        stamp unknown, a write under way, or the scope over the limit alone)."""
        done: list[str] = []
        for prefecture in prefectures:
            with self._lock:
                if self._size >= self._max // 2:
                    break
            self.read(read, Scope(prefecture=prefecture), day)
            with self._lock:
                if (prefecture, day) not in self._kept:
                    break  # not kept (no stamp, a write under way, or too big): stop here
            done.append(prefecture)
        return done

    def _keep(self, key: tuple[str | None, Day | None], stamp: str, found: ScopeRead) -> bool:
        """Keep ``found`` unless it alone is over the limit; whether it was kept."""
        size = len(found[1]) + len(found[2])
        if size > self._max:
            return False
        with self._lock:
            was = self._kept.pop(key, None)
            if was is not None:
                self._size -= len(was[1][1]) + len(was[1][2])
            self._kept[key] = (stamp, found)
            self._size += size
            while self._size > self._max:
                _key, (_stamp, (_nodes, relations, boundary)) = self._kept.popitem(last=False)
                self._size -= len(relations) + len(boundary)
        return True


def _compute(
    tx: neo4j.ManagedTransaction,
    name: str,
    scope: Scope,
    day: Day | None,
    betweenness: bool,
) -> ScopeMetrics:
    """Project, compute and drop, in transaction ``tx``."""

    def one(query: str, **params: Any) -> Any:
        return tx.run(query, name=name, **params).single(strict=True)

    whole = scope.prefecture is None
    projected = one(cypher.gds_project_scope(whole), prefecture=scope.prefecture, **day_params(day))
    nodes = projected["nodes"]
    if not nodes:  # an empty scope projects nothing
        return ScopeMetrics(0, 0, frozenset(), frozenset(), {} if betweenness else None)
    points = one(cypher.GDS_ARTICULATION_POINTS)["ids"]
    pairs = one(cypher.GDS_BRIDGES)["pairs"]
    values: dict[str, float] | None = None
    if betweenness:
        # GDS counts each pair of ends once; normalised over the ordered pairs of
        # others, as networkx does with normalized=True
        scale = 2.0 / ((nodes - 1) * (nodes - 2)) if nodes > 2 else 1.0
        values = {node: score * scale for node, score in one(cypher.GDS_BETWEENNESS)["scores"]}
    one(cypher.GDS_DROP)
    return ScopeMetrics(
        nodes=nodes,
        edges=projected["relationships"] // 2,  # each counted both ways
        cut_vertices=frozenset(points),
        bridges=frozenset(frozenset(pair) for pair in pairs),
        betweenness=values,
    )


class GdsMetrics:
    """The metrics of a scope's actor graph computed by Graph Data Science on the server of
    ``driver`` (database ``database``), when it has GDS.

    Each question projects the scope into a GDS graph of a name of its own (so that several
    callers, and several rsn servers, may ask at once), runs the algorithms and the drop in
    one transaction (so that a cluster answers them on one member), and drops the graph again
    if anything failed (also that of an attempt the driver retried)."""

    def __init__(self, driver: Any, database: str, read: Read):
        """``read`` runs a read statement routed to a reader (the store's), with which the
        procedures are looked up once."""
        self._driver = driver
        self._database = database
        self._read = read
        self._installed: bool | None = None

    @property
    def available(self) -> bool:
        """Whether the server has every GDS procedure the metrics call (``gds.version``
        among them); asked of the server once."""
        if self._installed is None:
            (record,) = self._read(cypher.HAS_GDS, names=cypher.GDS_PROCEDURES)
            self._installed = bool(record["installed"])
        return self._installed

    def scope_metrics(
        self, scope: Scope, day: Day | None = None, betweenness: bool = False
    ) -> ScopeMetrics | None:
        """The cut vertices, bridges and (with ``betweenness``) exact betweenness of the
        actor graph of ``scope`` as of ``day``, normalised as
        :func:`graph.algorithms.centrality.betweenness` normalises it; None when the server
        has no GDS. Raises the driver's errors."""
        if not self.available:
            return None
        made: list[str] = []  # a name of its own for each attempt (a retry projects anew)

        def work(tx: neo4j.ManagedTransaction) -> ScopeMetrics:
            made.append(f"rsn-scope-{uuid.uuid4().hex}")
            return _compute(tx, made[-1], scope, day, betweenness)

        dropped: str | None = None  # the graph of the attempt that succeeded drops itself
        try:
            with self._driver.session(
                database=self._database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                found: ScopeMetrics = session.execute_read(work)
            dropped = made[-1]
            return found
        finally:
            for name in made:
                if name != dropped:
                    self._drop(name)

    def _drop(self, name: str) -> None:
        """Drop the projected graph ``name`` if it is there; a failure to do so is passed
        over (the error that led here is the one to raise)."""
        try:
            with self._driver.session(database=self._database) as session:
                session.run(cypher.GDS_DROP, name=name).consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            pass
