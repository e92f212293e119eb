"""The Neo4j adapter: both store ports (graph and referrals) on the official driver.

Reads go through ``execute_query`` routed to readers; writes through managed write
transactions, so the driver retries transient failures and a cluster (``neo4j://``) routes
them to its leader. The only explicit transaction is :meth:`Neo4jStore.transaction`, which
must commit several statements as one. Driver errors become the project's errors.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph.algorithms.paths import SLACK
from graph.errors import Conflict, NotFound, StoreError, StoreUnavailable
from graph.model import (
    DEFAULT_MAX_HOPS,
    INTRODUCTION_TIE_TYPES,
    Node,
    NodeKind,
    Relation,
    RelationType,
    Scope,
    ScoredPath,
    check_kind_unchanged,
    strongest,
)
from graph.referral_lifecycle import (
    REFERRAL_TIE_STRENGTHS,
    Referral,
    ReferralStatus,
    request_key_taken,
)
from graph.store import cypher
from graph.store.ports import Stats, Store
from graph.store.referral_records import from_record, to_record

__all__ = ["Neo4jStore", "REFERRAL_TIE_PARAMETERS"]

T = TypeVar("T")

#: Rows per page when streaming a whole label out (export).
PAGE = 5_000

#: A bulk load's relation rows per statement, and how many statements run at once, each on
#: its own session (bench/loading.py measures them): relations with a new end, created by
#: element id, go faster on two sessions than on one, while with MERGE two sessions often
#: deadlock on dense nodes (the driver retries); a few thousand rows per statement to ten
#: thousand are alike, many more are slower.
BULK_BATCH = 10_000
BULK_WRITERS = 2
#: Ids per look-up of kinds and element ids.
LOOKUP_BATCH = 10_000

#: The thresholds θ that :meth:`Neo4jStore.best_paths` tries in turn until one yields k paths;
#: the last, 0, drops nothing (bench/introductions.py measures them). Up to 4 ties the halves
#: have at most 2 ties, so θ saves little, and a low first θ answers nearly every pair in one
#: round trip where a higher one would often need a second. From 5 ties the 3-tie halves grow
#: fast as θ falls, so the steps start higher and are finer.
SHORT_PATH_THRESHOLDS = (0.25, 0.0625, 0.0)
LONG_PATH_THRESHOLDS = (0.5, 0.4, 0.3, 0.2, 0.0625, 0.0)


class _Translate:
    """Turns driver exceptions into the project's, naming the server."""

    def __init__(self, uri: str):
        self.uri = uri

    def __call__(self, error: Exception) -> Exception:
        """The project's error for ``error``; any other exception is returned as it is."""
        if isinstance(error, neo4j_errors.AuthError):
            return StoreUnavailable(
                f"Neo4j at {self.uri} refused the user name or password (check NEO4J_USER and "
                "NEO4J_PASSWORD)"
            )
        if isinstance(error, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
            return StoreUnavailable(f"cannot reach Neo4j at {self.uri}: is it running?")
        if isinstance(error, neo4j_errors.ConstraintError):
            return Conflict(f"Neo4j refused the write: {error.message}")
        if isinstance(error, neo4j_errors.Neo4jError):
            return StoreError(f"Neo4j failed: {error.message or error}")
        if isinstance(error, neo4j_errors.DriverError | OSError):
            return StoreUnavailable(f"lost the connection to Neo4j at {self.uri}: {error}")
        return error


def _node(node_id: str, kind: str, props: dict[str, Any]) -> Node:
    """The node of ``kind`` whose properties are ``props`` (id and name among them). Raises
    ValueError for a kind that is not a NodeKind."""
    values = dict(props)
    values.pop("id", None)
    name = values.pop("name", "")
    return Node(node_id, NodeKind(kind), name, values)


def _relation(record: Any) -> Relation:
    """The relation of a row of ``source``, ``type``, ``target``, ``strength`` and ``since``.
    Raises ValueError for a type that is not a RelationType."""
    return Relation(
        record["source"],
        RelationType(record["type"]),
        record["target"],
        float(record["strength"]),
        record["since"],
    )


def _relation_columns(record: Any) -> Iterator[Relation]:
    """The relations of a row that holds them as one list of [source, type, target,
    strength, since]."""
    types: dict[str, RelationType] = {}
    for source, kind, target, strength, since in record["relations"]:
        relation_type = types.get(kind) or types.setdefault(kind, RelationType(kind))
        yield Relation(source, relation_type, target, float(strength), since)


def _scored_path(record: Any) -> ScoredPath:
    """A path from a row of cypher.k_best_paths, with the strongest tie of each step."""
    steps: list[list[Relation]] = [[] for _ in range(len(record["ids"]) - 1)]
    for tie in record["ties"]:
        steps[tie["step"]].append(_relation(tie))
    return ScoredPath.of(record["ids"], [strongest(ties) for ties in steps])


def _node_row(node: Node) -> dict[str, Any]:
    """The row the node statements take for ``node``: its id, and every property it is to
    have (id and name included)."""
    return {"id": node.id, "props": {"id": node.id, "name": node.name, **node.props}}


class _InFlight:
    """Write statements run on a few threads, each in its own managed transaction, with a
    bounded number waiting; :meth:`drain` waits for all and raises the first failure."""

    def __init__(self, workers: int):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rsn-bulk")
        self._limit = 2 * workers
        self._pending: deque[Future[None]] = deque()

    def submit(self, work: Callable[[], None]) -> None:
        """Run ``work`` on a thread, first waiting while too many are waiting; raises the
        failure of a statement waited for."""
        while len(self._pending) >= self._limit:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(work))

    def drain(self) -> None:
        """Wait for every statement sent; raises the first failure among them."""
        failure: BaseException | None = None
        while self._pending:
            try:
                self._pending.popleft().result()
            except BaseException as error:  # every statement is waited for, the first fails
                failure = failure or error
        if failure is not None:
            raise failure

    def close(self, quiet: bool = False) -> None:
        """Wait for every statement and stop the threads; raises the first failure unless
        ``quiet`` (when another error is already on its way)."""
        try:
            self.drain()
        except BaseException:
            if not quiet:
                raise
        finally:
            self._pool.shutdown(wait=True)


#: Relation rows that go in one statement: type, source kind, target kind, and whether an
#: end is new (created by this load), so the relationship cannot exist yet.
_Group = tuple[RelationType, NodeKind, NodeKind, bool]


class _Writer:
    """Writes through a function that runs one statement as part of the unit.

    It remembers the kind and element id of every node it has written or looked up, so a
    relation finds its ends by element id. In a bulk load (``in_flight``) relation rows are
    gathered by (type, source kind, target kind) into full batches, which run on several
    sessions at once; :meth:`flush` sends what is gathered and waits for all of it.
    """

    def __init__(
        self,
        store: Neo4jStore,
        run: Callable[[str, dict[str, Any]], list[Any]],
        in_flight: _InFlight | None = None,
        known: Mapping[str, NodeKind] | None = None,
        batch: int = BULK_BATCH,
    ):
        self._store = store
        self._run = run
        self._in_flight = in_flight
        self._known = known
        self._batch = batch
        self._kinds: dict[str, NodeKind] = {}
        self._elements: dict[str, str] = {}
        self._new: set[str] = set()
        self._gathered: dict[_Group, list[dict[str, Any]]] = defaultdict(list)

    def _lookup(self, ids: Iterable[str]) -> dict[str, NodeKind]:
        """Look up the kind and element id of each of ``ids`` not known yet; returns every
        kind known (of the nodes of ``ids`` that exist, among others)."""
        wanted = [node_id for node_id in set(ids) if node_id not in self._kinds]
        for start in range(0, len(wanted), LOOKUP_BATCH):
            part = wanted[start : start + LOOKUP_BATCH]
            for record in self._run(cypher.NODE_ELEMENTS, {"ids": part}):
                for node_id, kind, element in zip(
                    record["ids"], record["kinds"], record["elements"], strict=True
                ):
                    self._kinds[node_id] = NodeKind(kind)
                    self._elements[node_id] = element
        return self._kinds

    def upsert_nodes(self, nodes: Sequence[Node]) -> None:
        """Raises Conflict if an id is stored (or written earlier here) with another kind."""
        self.flush()
        known: Mapping[str, NodeKind]
        if self._known is None:
            known = self._lookup(node.id for node in nodes)
        else:  # the load looked its nodes up when it was validated
            known = self._known
            self._new.update(node.id for node in nodes if node.id not in known)
        by_kind: dict[tuple[NodeKind, bool], list[dict[str, Any]]] = defaultdict(list)
        for node in nodes:
            check_kind_unchanged(node, known.get(node.id))
            by_kind[node.kind, node.id in self._new].append(_node_row(node))
        for (kind, new), rows in by_kind.items():
            statement = cypher.create_nodes(kind) if new else cypher.upsert_nodes(kind)
            for record in self._run(statement, {"rows": rows}):
                self._elements.update(zip(record["ids"], record["elements"], strict=True))
        for node in nodes:
            self._kinds[node.id] = node.kind

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        """Raises NotFound if an end is not in the store (nor written earlier here); in a bulk
        load the rows may be written after this returns (see :meth:`flush`)."""
        known = self._lookup(end for r in relations for end in (r.source, r.target))
        elements, new = self._elements, self._new
        groups = self._gathered if self._in_flight else defaultdict(list)
        for relation in relations:
            for end in (relation.source, relation.target):
                if end not in known:
                    raise NotFound(f"relation {relation.key}: no node with id {end!r}")
            key = (
                relation.type,
                known[relation.source],
                known[relation.target],
                relation.source in new or relation.target in new,
            )
            group = groups[key]
            group.append(
                {
                    "a": elements[relation.source],
                    "b": elements[relation.target],
                    "source": relation.source,
                    "target": relation.target,
                    "strength": relation.strength,
                    "since": relation.since,
                }
            )
            if self._in_flight and len(group) >= self._batch:
                self._send(key)
        if not self._in_flight:
            for key, rows in groups.items():
                self._write_relations(key, rows, self._run)

    def _send(self, key: _Group) -> None:
        """Hand the gathered rows of ``key`` to the bulk load's threads (bulk only)."""
        assert self._in_flight is not None, "only a bulk load gathers rows"
        rows = self._gathered.pop(key)
        self._in_flight.submit(partial(self._write_relations, key, rows, self._run))

    def _write_relations(
        self,
        key: _Group,
        rows: list[dict[str, Any]],
        run: Callable[[str, dict[str, Any]], list[Any]],
    ) -> None:
        """Rows by element id; any whose ends moved (a node deleted and its element id
        reused) go again by id, with MERGE, so none is lost or doubled."""
        kind, source, target, create = key
        statement = cypher.upsert_relations_by_element(kind, source, target, create)
        written = run(statement, {"rows": rows})
        if written and written[0]["written"] == len(rows):
            return
        run(cypher.upsert_relations(kind, source, target), {"rows": rows})

    def flush(self) -> None:
        """Send every gathered relation row and wait until all are written (bulk only)."""
        if self._in_flight is None:
            return
        for key in list(self._gathered):
            self._send(key)
        self._in_flight.drain()

    def upsert_referrals(self, referrals: Sequence[Referral]) -> None:
        """Raises NotFound for a missing centre or enterprise, and Conflict for a referral
        whose sender and request key are another referral's (nothing is replaced)."""
        self.flush()
        if not referrals:
            return
        rows = [_referral_row(r) for r in referrals]
        owners = {
            record["request"]: record["id"]
            for record in self._run(
                cypher.REFERRALS_BY_REQUEST, {"requests": [row["request_id"] for row in rows]}
            )
        }
        for referral, row in zip(referrals, rows, strict=True):
            owner = owners.get(row["request_id"], referral.id)
            if owner != referral.id:
                raise Conflict(request_key_taken(referral, owner))
        written = self._run(cypher.UPSERT_REFERRALS, {"rows": rows})
        if written[0]["written"] != len(referrals):
            raise NotFound("a referral names a centre or an enterprise that is not in the store")
        pairs = sorted({tuple(sorted((r.from_centre, r.to_centre))) for r in referrals})
        self._run(
            cypher.REFRESH_REFERRAL_TIES,
            {"pairs": [list(pair) for pair in pairs], **REFERRAL_TIE_PARAMETERS},
        )


#: The parameters of the statements that recount referral ties: the strength curve, once,
#: from the lifecycle, and the status whose referrals count.
REFERRAL_TIE_PARAMETERS: dict[str, Any] = {
    "strengths": list(REFERRAL_TIE_STRENGTHS),
    "completed": ReferralStatus.COMPLETED.value,
}


def _request_id(sender: str, request_key: str) -> str:
    """The unique ``request_id`` of the referral ``sender`` made under ``request_key``."""
    return f"{sender}|{request_key}"


def _referral_row(referral: Referral) -> dict[str, Any]:
    """The properties of ``referral``'s node: its record and its ``request_id``."""
    return {
        **to_record(referral),
        "request_id": _request_id(referral.from_centre, referral.request_key),
    }


def _referral_of(data: Mapping[str, Any]) -> Referral:
    """The referral of a ``referral`` column (see cypher's referral statements)."""
    return from_record(data)


class Neo4jStore(Store):
    """The graph in a Neo4j server or cluster.

    Opening checks that the server answers and sets up the schema (safe to repeat).
    Raises StoreUnavailable when it cannot be reached or refuses the credentials.
    """

    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        procedures: bool = True,
    ):
        """``procedures=False`` keeps to plain Cypher even where rsn's plugin is installed."""
        self.uri = uri
        self.database = database
        self._procedures = procedures
        self._paths_in_database: bool | None = None
        self._translate = _Translate(uri)
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=10,
                max_transaction_retry_time=15,
                user_agent="rsn",
                # a referral tie or a property that no row has yet is expected, not news
                notifications_disabled_classifications=[
                    neo4j.NotificationDisabledClassification.UNRECOGNIZED
                ],
            )
            self._driver.verify_connectivity()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError, ValueError) as error:
            if isinstance(error, ValueError):
                raise StoreUnavailable(f"NEO4J_URI {uri!r} is not a Neo4j URI: {error}") from error
            raise self._translate(error) from error
        self._closed = False
        self.ensure_schema()

    # -- plumbing ------------------------------------------------------------------------

    def _guard(self, work: Callable[[], T]) -> T:
        """What ``work`` returns; a driver failure is raised as the project's error."""
        try:
            return work()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as error:
            raise self._translate(error) from error

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """One read statement, routed to a reader."""
        return self._guard(
            lambda: (
                self._driver.execute_query(
                    query, params, routing_=RoutingControl.READ, database_=self.database
                ).records
            )
        )

    def _write(self, query: str, **params: Any) -> list[neo4j.Record]:
        """One write statement in its own managed (retried) transaction."""

        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(query, params))

        def run() -> list[neo4j.Record]:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work)

        return self._guard(run)

    def ensure_schema(self) -> None:
        """Create the constraints and indexes if missing; safe to run again."""
        for statement in cypher.schema_statements():
            self._guard(partial(self._driver.execute_query, statement, database_=self.database))

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[_Writer]:
        """An explicit transaction: everything inside commits together or not at all."""
        with self._guard(lambda: self._driver.session(database=self.database)) as session:
            tx = self._guard(session.begin_transaction)
            try:
                yield _Writer(self, lambda q, p: self._guard(lambda: list(tx.run(q, p))))
                self._guard(tx.commit)
            finally:
                if not tx.closed():
                    tx.rollback()

    @contextmanager
    def bulk(self, known: Mapping[str, NodeKind] | None = None) -> Iterator[_Writer]:
        """Each batch in its own managed transaction; a rerun after a failure completes.
        Relation batches are sent while the next are gathered; leaving the block waits for
        every batch and raises the first failure. A relation with an end that ``known``
        shows to be new is created without looking for one already there."""
        in_flight = _InFlight(BULK_WRITERS)
        writer = _Writer(self, lambda q, p: self._write(q, **p), in_flight, known)
        try:
            yield writer
            writer.flush()
        except BaseException:
            in_flight.close(quiet=True)
            raise
        in_flight.close()

    # -- reading -----------------------------------------------------------------------

    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        found: dict[str, Node] = {}
        for record in self._read(cypher.GET_NODES, ids=wanted):
            for node_id, kind, props in zip(
                record["ids"], record["kinds"], record["props"], strict=True
            ):
                found[node_id] = _node(node_id, kind, props)
        return found

    def node_kinds(self, ids: Iterable[str]) -> dict[str, NodeKind]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        found: dict[str, NodeKind] = {}
        for record in self._read(cypher.NODE_ELEMENTS, ids=wanted):
            found.update(zip(record["ids"], map(NodeKind, record["kinds"]), strict=True))
        return found

    def ties(self, node_id: str) -> list[Relation]:
        kind = self.node_kinds([node_id]).get(node_id)
        if kind is None:
            return []
        found = {_relation(r) for r in self._read(cypher.ties_of(kind), id=node_id)}
        return sorted(found, key=lambda r: r.key)

    def stats(self) -> Stats:
        (record,) = self._read(cypher.STATS)
        derived = {RelationType.COLLABORATES_WITH.value: record["derived"]}
        return Stats.of(record["nodes"], record["relations"], derived)

    def derived_ties(self, node_id: str) -> list[Relation]:
        found = [
            Relation(
                record["source"],
                RelationType.COLLABORATES_WITH,
                record["target"],
                float(record["strength"]),
            )
            for record in self._read(cypher.DERIVED_TIES, id=node_id)
        ]
        return sorted(found, key=lambda r: r.key)

    def iter_nodes(self, kind: NodeKind) -> Iterator[Node]:
        after = ""
        while True:
            page = self._read(cypher.nodes_page(kind), after=after, limit=PAGE)
            for record in page:
                yield _node(record["id"], kind.value, record["props"])
            if len(page) < PAGE:
                return
            after = page[-1]["id"]

    def _relations_from(self, kind: NodeKind) -> Iterator[Relation]:
        """Every relation from a node of ``kind``, in (source, type, target) order, read a
        page of source nodes at a time."""
        after = ""
        while True:
            page = self._read(cypher.relations_page(kind), after=after, limit=PAGE)
            if not page:
                return
            found = sorted(
                (_relation(r) for r in page if r["type"] is not None), key=lambda r: r.key
            )
            yield from found
            sources = {record["source"] for record in page}
            if len(sources) < PAGE:
                return
            after = max(sources)

    def iter_relations(self) -> Iterator[Relation]:
        streams = [self._relations_from(kind) for kind in NodeKind]
        yield from heapq.merge(*streams, key=lambda r: r.key)

    def scope_graph(self, scope: Scope) -> tuple[list[Node], list[Relation]]:
        whole = scope.prefecture is None
        nodes: list[Node] = []
        relations: list[Relation] = []
        for kind in NodeKind:
            for record in self._read(cypher.scope_nodes(kind, whole), prefecture=scope.prefecture):
                nodes.extend(
                    _node(node_id, kind.value, props)
                    for node_id, props in zip(record["ids"], record["props"], strict=True)
                )
            for record in self._read(
                cypher.scope_relations(kind, whole), prefecture=scope.prefecture
            ):
                relations.extend(_relation_columns(record))
        return nodes, relations

    def boundary_relations(self, scope: Scope) -> list[Relation]:
        """The relations with exactly one end in ``scope``, in one statement."""
        if scope.prefecture is None:
            return []
        found: list[Relation] = []
        for record in self._read(cypher.BOUNDARY_RELATIONS, prefecture=scope.prefecture):
            found.extend(_relation_columns(record))
        return found

    @property
    def paths_in_database(self) -> bool:
        """Whether introductions run rsn's procedure (:data:`cypher.PATHS_PROCEDURE`): when
        the server has rsn's plugin, unless the store was opened with ``procedures=False``.
        Asked of the server once."""
        if self._paths_in_database is None:
            self._paths_in_database = self._procedures and bool(
                self._read(cypher.HAS_PATHS_PROCEDURE, name=cypher.PATHS_PROCEDURE)[0]["installed"]
            )
        return self._paths_in_database

    def warm_up(self) -> dict[str, int]:
        """Get a server that has just started ready for questions: the first run of each
        statement an introduction uses is slow (the server plans it and compiles the code it
        runs), so one small question is asked first, about a node of each kind with few ties
        and between one of them and a neighbour. With rsn's plugin,
        every node's ties are read once before (so the pages the search reads are in the
        page cache), and the biggest hubs' sorted ties are kept in its cache
        (:data:`cypher.WARM_UP`). Returns how many nodes were read, how many hubs and ties
        are cached, and how many sample nodes were asked about."""
        read: dict[str, int] = {}
        if self.paths_in_database:
            (record,) = self._read(cypher.WARM_UP, types=cypher.INTRODUCTION_TIE_NAMES)
            read.update(nodes=record["nodes"], hubs=record["hubs"], ties=record["ties"])
        samples = [record["id"] for record in self._read(cypher.SAMPLE_NODES)]
        self.get_nodes(samples)
        pairs = [
            (relation.source, relation.target)
            for node_id in samples
            for relation in self.ties(node_id)
            if relation.type in INTRODUCTION_TIE_TYPES
        ]
        if pairs:
            self.best_paths(*pairs[0], k=3, max_hops=DEFAULT_MAX_HOPS)
        read["samples"] = len(samples)
        return read

    def best_paths(self, source: str, target: str, k: int, max_hops: int) -> list[ScoredPath]:
        """The k best paths, found inside the database.

        With rsn's plugin (:attr:`paths_in_database`), one call of its procedure, which runs
        the embedded store's exact search next to the data and keeps the sorted ties of hubs
        between calls until the next write. Without it, one Cypher statement per threshold
        (:func:`cypher.k_best_paths`), which returns exactly the k best paths scoring at least
        θ: if it holds k, nothing outside it can beat them; if it holds fewer, a lower θ is
        tried, down to 0, which drops nothing. So the answer is exact either way.
        """
        if self.paths_in_database:
            records = self._read(
                cypher.K_BEST_PATHS_IN_DATABASE,
                source=source,
                target=target,
                k=k,
                max_hops=max_hops,
                types=cypher.INTRODUCTION_TIE_NAMES,
            )
        else:
            records = self._paths_by_thresholds(source, target, k, max_hops)
        paths = [_scored_path(record) for record in records]
        paths.sort(key=ScoredPath.rank)
        return paths[:k]

    def _paths_by_thresholds(
        self, source: str, target: str, k: int, max_hops: int
    ) -> list[neo4j.Record]:
        """The rows of :func:`cypher.k_best_paths` for the first threshold θ that yields
        ``k`` paths (or for the last, 0)."""
        statement = cypher.k_best_paths(max_hops)
        records: list[neo4j.Record] = []
        thresholds = SHORT_PATH_THRESHOLDS if max_hops <= 4 else LONG_PATH_THRESHOLDS
        for theta in thresholds:
            records = self._read(
                statement,
                source=source,
                target=target,
                k=k,
                theta=theta,
                floor=theta * (1.0 - SLACK),
            )
            if len(records) >= k:
                break
        return records

    # -- referrals -----------------------------------------------------------------------

    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        records = self._write(cypher.CREATE_REFERRAL, row=_referral_row(referral))
        if not records:
            raise NotFound("the referral names a centre or an enterprise that is not in the store")
        return _referral_of(records[0]["referral"]), bool(records[0]["created"])

    def get_referral(self, referral_id: str) -> Referral | None:
        records = self._read(cypher.GET_REFERRAL, id=referral_id)
        return _referral_of(records[0]["referral"]) if records else None

    def referral_ids_by_request(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        wanted = {_request_id(sender, key): (sender, key) for sender, key in requests}
        if not wanted:
            return {}
        records = self._read(cypher.REFERRALS_BY_REQUEST, requests=list(wanted))
        return {wanted[record["request"]]: record["id"] for record in records}

    def list_referrals(self, centre: str | None = None, box: str | None = None) -> list[Referral]:
        records = self._read(
            cypher.LIST_REFERRALS, centre=centre, received=box != "outbox", sent=box != "inbox"
        )
        return [_referral_of(record["referral"]) for record in records]

    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        record = to_record(moved)
        records = self._write(
            cypher.MOVE_REFERRAL,
            id=moved.id,
            expected=expected.value,
            status=record["status"],
            history=record["history"],
            **REFERRAL_TIE_PARAMETERS,
        )
        if not records:
            if self.get_referral(moved.id) is None:
                raise NotFound(f"no referral with id {moved.id!r}")
            raise Conflict(f"referral {moved.id} was moved by someone else; reload it")
        return moved

    def centres_with_expertise(self, need: str) -> list[tuple[Node, list[str]]]:
        return [
            (_node(record["id"], NodeKind.CENTRE.value, record["props"]), record["specialists"])
            for record in self._read(cypher.CENTRES_WITH_EXPERTISE, need=need)
        ]

    # -- life --------------------------------------------------------------------------

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._driver.close()
