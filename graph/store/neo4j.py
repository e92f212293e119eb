"""The Neo4j adapter: both store ports (graph and referrals) on the official driver.

Reads are single auto-commit statements routed to readers (:func:`read_records`: one round
trip, where a managed transaction takes two), retried here on transient failures; writes go
through managed write transactions, so the driver retries them and a cluster
(``neo4j://``) routes them to its leader. The only explicit transaction is
:meth:`Neo4jStore.transaction`, which must commit several statements as one. Driver errors
become the project's errors.

Provenance is kept on the records themselves, one property per contributor (see
:mod:`graph.store.cypher`), so two processes writing one record as different contributors
write different properties and lose nothing, and a write needs no read first. Valid time is a
filter of every read on ``since``/``until`` of relationships and ``founded``/``ended`` of
nodes; the ties derived from completed referrals are kept as one relationship per strength
they had, dated the same way.
"""

from __future__ import annotations

import bisect
import contextvars
import heapq
import json
import logging
import random
import threading
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import Any, NoReturn, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph.algorithms.cuts import Cut
from graph.algorithms.paths import SLACK
from graph.errors import Conflict, NotFound, StoreError, StoreUnavailable
from graph.i18n import _
from graph.merging import MergeRecord, merge_clash, tie_changed
from graph.model import (
    ACTOR_KINDS,
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
    node_values,
    relation_from_values,
    relation_key_of,
    relation_record,
    relation_values,
    restored_assertions,
    values_from_text,
    values_text,
)
from graph.referral_lifecycle import (
    OPEN_STATUS_VALUES,
    REFERRAL_TIE_STRENGTHS,
    ReceivedRecord,
    Referral,
    ReferralStatus,
    completion_day,
    received_records,
    request_key_taken,
)
from graph.rows import node_columns
from graph.store import cypher
from graph.store.neo4j_gds import (
    TIES_CHUNK,
    GdsMetrics,
    KeptScopes,
    read_nodes,
    relations_of,
    scope_nodes,
    ties_graph,
)
from graph.store.neo4j_gds import day_params as _on
from graph.store.ports import (
    FIND_LIMIT,
    ActorLife,
    IntroductionSearch,
    ScopeBetweenness,
    ScopeConstraint,
    ScopeCuts,
    ScopeMetrics,
    ScopeNearest,
    ScopeProjection,
    ScopeReach,
    Stats,
    Store,
    TieLife,
    best_found,
    search_terms,
)
from graph.store.referral_records import from_record, to_record
from graph.valid_time import Day, day_of, now_stamp, today
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES, Visibility

__all__ = ["Neo4jStore", "REFERRAL_TIE_PARAMETERS"]

T = TypeVar("T")

#: Runs one statement with its parameters; the records it returns.
Run = Callable[[str, dict[str, Any]], list[Any]]

#: Rows per page when streaming a whole label out (export).
PAGE = 5_000

#: A bulk load's rows per statement, and how many threads run the statements, each on its
#: own session (bench/loading.py measures them). Batches of nodes run side by side. Two
#: relation statements run side by side only when no node is an end in both (see
#: :class:`_InFlight` and :data:`LANES`): two that merge relationships of the same node
#: deadlock (a MERGE locks both ends; a commit locks both ends of every relationship
#: changed, and an assertion renewed is a change even when the values are the same). A
#: deadlock that still happens (Neo4j also locks a neighbouring relationship in a short
#: chain) is retried by the driver. The threads also let the loader read on while
#: statements run. At 100,000 enterprises 5,000 rows per statement loaded faster than
#: 10,000, and many more are slower still.
BULK_BATCH = 5_000
BULK_WRITERS = 2
#: How many of the largest prefectures a heavy work process reads ahead when it starts
#: (:meth:`Neo4jStore.warm_reports`): at 100,000 enterprises the eight largest hold 56 % of
#: the enterprises and take about 4.5 s to read; Tokyo's first report after a start then
#: takes as long as later ones.
READ_AHEAD_PREFECTURES = 8
#: Ids per look-up of kinds and element ids.
LOOKUP_BATCH = 10_000

#: The thresholds θ that :meth:`Neo4jStore.best_paths` tries in turn until one yields k paths;
#: the last, 0, drops nothing (bench/introductions.py measures them). Up to 4 ties the halves
#: have at most 2 ties, so θ saves little, and a low first θ answers nearly every pair in one
#: round trip where a higher one would often need a second. From 5 ties the 3-tie halves grow
#: fast as θ falls, so the steps start higher and are finer.
SHORT_PATH_THRESHOLDS = (0.25, 0.0625, 0.0)
LONG_PATH_THRESHOLDS = (0.5, 0.4, 0.3, 0.2, 0.0625, 0.0)
#: :data:`SHORT_PATH_THRESHOLDS` for a caller who does not see every confidential tie: with
#: fewer strong ties, 0.25 seldom yields k paths, and up to 4 ties a lower θ costs about the
#: same, so starting lower saves a round trip (a centre's questions at 100,000 enterprises:
#: p99 about half that of starting at 0.25).
SHORT_PATH_THRESHOLDS_SEEING_LESS = (0.0625, 0.0)


class _RoutineRetries(logging.Filter):
    """Keeps the driver's notice that a transaction will be retried at DEBUG: a deadlock
    between a bulk load's statements, or a leader change, is routine and mended by the
    retry, so it does not reach a user's terminal as a warning (a retry that fails in the
    end still raises)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith(
            "Transaction failed and will be retried"
        ):
            record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return True


logging.getLogger("neo4j.session").addFilter(_RoutineRetries())


class Translate:
    """Turns driver exceptions into the project's, naming the server."""

    def __init__(self, uri: str):
        self.uri = uri

    def __call__(self, error: Exception) -> Exception:
        """The project's error for ``error``; any other exception is returned as it is."""
        if isinstance(error, neo4j_errors.AuthError):
            return StoreUnavailable(
                _(
                    "Neo4j at {uri} refused the user name or password (check NEO4J_USER and "
                    "NEO4J_PASSWORD)",
                    uri=self.uri,
                )
            )
        if isinstance(error, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
            return StoreUnavailable(_("cannot reach Neo4j at {uri}: is it running?", uri=self.uri))
        if isinstance(error, neo4j_errors.ConstraintError):
            return Conflict(_("Neo4j refused the write: {error}", error=error.message))
        if isinstance(error, neo4j_errors.TransientError):
            # a deadlock with another writer, say, in an explicit transaction (managed
            # ones are retried by the driver), or a read over the server's memory for
            # transactions: nothing was changed, and a retry may succeed
            return StoreUnavailable(
                _(
                    "Neo4j could not complete the request now, nothing was changed; try "
                    "again: {error}",
                    error=error.message or error,
                )
            )
        if isinstance(error, neo4j_errors.Neo4jError):
            return StoreError(_("Neo4j failed: {error}", error=error.message or error))
        if isinstance(error, neo4j_errors.DriverError | OSError):
            return StoreUnavailable(
                _("lost the connection to Neo4j at {uri}: {error}", uri=self.uri, error=error)
            )
        return error


#: How long a statement is tried again after a transient failure (a cluster's leader
#: changing, a connection lost) before the failure is raised: the driver's retry time too.
RETRY_SECONDS = 15.0


def open_driver(uri: str, user: str, password: str, translate: Translate, user_agent: str) -> Any:
    """A driver for the Neo4j at ``uri``, checked to answer. Raises StoreUnavailable (through
    ``translate``) when it cannot be reached, refuses the credentials or ``uri`` is not a
    Neo4j URI."""
    try:
        driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=10,
            max_transaction_retry_time=RETRY_SECONDS,
            user_agent=user_agent,
            # a referral tie or a property that no row has yet is expected, not news
            notifications_disabled_classifications=[
                neo4j.NotificationDisabledClassification.UNRECOGNIZED
            ],
        )
        driver.verify_connectivity()
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError, ValueError) as error:
        if isinstance(error, ValueError):
            raise StoreUnavailable(
                _("NEO4J_URI {uri!r} is not a Neo4j URI: {error}", uri=uri, error=error)
            ) from error
        raise translate(error) from error
    return driver


def create_schema_rule(driver: Any, database: str, statement: str) -> None:
    """Run one ``CREATE ... IF NOT EXISTS``; another process creating the same rule at the
    same moment (the server then says an equivalent one already exists) is fine."""
    try:
        driver.execute_query(statement, database_=database)
    except neo4j_errors.ClientError as error:
        if "AlreadyExists" not in (error.code or ""):
            raise


class _Rows(list):  # type: ignore[type-arg]
    """A list sent as a statement's parameter, which the driver packs as any list, but which
    reads as its length: the driver writes every statement it sends, parameters and all, into
    a debug line it builds even when nothing logs it, and for ten thousand rows that text
    took longer than packing them."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} items>"


def _sent(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` as given to the driver: each list among them as :class:`_Rows`."""
    return {name: _Rows(value) if type(value) is list else value for name, value in params.items()}


def read_records(
    driver: Any, database: str, query: str, params: Mapping[str, Any], routing: RoutingControl
) -> list[neo4j.Record]:
    """The records of one statement that only reads, run as an auto-commit transaction on a
    server of ``routing`` (a reader, or the writer where a read must see every commit).

    One round trip: the statement and the pull go together and the server commits on its
    own, where a managed transaction (``execute_query``, ``execute_read``) adds a round trip
    to begin or commit. The driver's bookmarks of ``execute_query`` go with it, so in a
    cluster a read sees what earlier reads of this driver saw. A read may run again, so a
    transient failure is retried here, with growing pauses, for up to
    :data:`RETRY_SECONDS`. Driver errors are raised as they are."""
    mode = neo4j.READ_ACCESS if routing is RoutingControl.READ else neo4j.WRITE_ACCESS
    sent = _sent(params)
    deadline = time.monotonic() + RETRY_SECONDS
    pause = 0.05
    while True:
        try:
            with driver.session(
                database=database,
                default_access_mode=mode,
                bookmark_manager=driver.execute_query_bookmark_manager,
            ) as session:
                return list(session.run(query, sent))
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as error:
            if not error.is_retryable() or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause * random.uniform(0.8, 1.2))
        pause = min(pause * 2, 2.0)


def write_unit(driver: Any, database: str, work: Callable[[Run], T]) -> T:
    """What ``work`` returns, given a function that runs statements, all in one managed
    (retried, so ``work`` may run again) write transaction. Driver errors are raised as
    they are."""

    def unit(tx: neo4j.ManagedTransaction) -> T:
        return work(lambda query, params: list(tx.run(query, _sent(params))))

    with driver.session(database=database) as session:
        result: T = session.execute_write(unit)
        return result


def _own_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` without the assertions and the owner kept among them."""
    prefix, owner = cypher.PROVENANCE_PREFIX, cypher.OWNER
    return {
        key: value for key, value in props.items() if key != owner and not key.startswith(prefix)
    }


def _node(node_id: str, kind: str, props: Mapping[str, Any]) -> Node:
    """The node of ``kind`` whose properties are ``props`` (id and name among them, and
    assertions, which are left out). Raises ValueError for a kind that is not a NodeKind."""
    values = _own_properties(props)
    values.pop("id", None)
    name = values.pop("name", "")
    return Node(node_id, NodeKind(kind), name, values)


# -- assertions as records keep them (see graph.store.cypher) ------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _stamp_text(stamp: int | str) -> str:
    """A time as a record keeps it (microseconds since 1970, or a text) as a text."""
    if isinstance(stamp, str):
        return stamp
    return (_EPOCH + stamp * _MICROSECOND).isoformat(timespec="microseconds")


def _stamp_number(stamp: str) -> int | None:
    """The microseconds since 1970 of a time written as rsn writes times
    (:func:`graph.valid_time.now_stamp`), which give the text back; None for any other."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
        return None
    number = (moment - _EPOCH) // _MICROSECOND
    return number if _stamp_text(number) == stamp else None


def _stamp(stamp: str) -> int | str:
    """A time as a record keeps it: its number when it has one, else its text."""
    number = _stamp_number(stamp)
    return stamp if number is None else number


def _implicit(recorded_at: str, last_seen: str) -> Any:
    """An owner's standing assertion as a record keeps it (the values are the record's): one
    time, or the two, as numbers if both have one, else as texts."""
    first, last = _stamp_number(recorded_at), _stamp_number(last_seen)
    if first is not None and last is not None:
        return first if first == last else [first, last]
    return recorded_at if recorded_at == last_seen else [recorded_at, last_seen]


def _explicit(assertion: Assertion) -> list[str]:
    """An assertion as a record keeps it with its own values."""
    return [
        assertion.recorded_at,
        assertion.last_seen,
        assertion.retracted_at or "",
        values_text(assertion.values),
    ]


def _decoded(key: str, stored: Any, values: Mapping[str, Any]) -> tuple[Assertion, bool]:
    """The assertion kept under property ``key`` as ``stored``, and whether it is implicit
    (then its values are ``values``, the record's). Raises ValueError if ``stored`` is no
    assertion."""
    contributor = key[len(cypher.PROVENANCE_PREFIX) :]
    if isinstance(stored, int | str):
        stamp = _stamp_text(stored)
        return Assertion(contributor, stamp, stamp, None, dict(values)), True
    if isinstance(stored, list) and len(stored) == 2:
        first, last = (_stamp_text(stamp) for stamp in stored)
        return Assertion(contributor, first, last, None, dict(values)), True
    if isinstance(stored, list) and len(stored) == 4:
        return _own_values_assertion(contributor, stored), False
    raise ValueError(f"{key} holds no assertion: {stored!r}")


def _own_values_assertion(contributor: str, stored: Sequence[Any]) -> Assertion:
    """The assertion kept as [recorded_at, last_seen, retracted_at or "", values' text]: one
    with values of its own. Raises ValueError if the text is not a JSON object."""
    recorded_at, last_seen, retracted_at, text = stored
    return Assertion(
        contributor, recorded_at, last_seen, retracted_at or None, values_from_text(text)
    )


class _Provenance:
    """The assertions of one record as read, and the changes a write makes to them (kept
    by property key, to write back)."""

    def __init__(
        self, owner: str | None, pairs: Iterable[Sequence[Any]], values: Mapping[str, Any]
    ):
        """From the record's ``owner``, its assertions as [key, stored] and its values."""
        self.owner = owner
        self.assertions: dict[str, Assertion] = {}
        self.implicit: set[str] = set()
        self.changes: dict[str, Any] = {}
        for key, stored in pairs:
            assertion, implicit = _decoded(key, stored, values)
            self.assertions[assertion.contributor] = assertion
            if implicit:
                self.implicit.add(assertion.contributor)

    def sorted(self) -> list[Assertion]:
        """The assertions, in contributor order."""
        return [self.assertions[name] for name in sorted(self.assertions)]

    def _set(self, assertion: Assertion, stored: Any) -> None:
        self.assertions[assertion.contributor] = assertion
        self.changes[cypher.provenance_key(assertion.contributor)] = stored

    def detach(self, keep: str | None = None) -> None:
        """Give every implicit assertion (but ``keep``'s) its own copy of the record's
        values, which are about to change or to be another's."""
        for contributor in sorted(self.implicit - {keep}):
            assertion = self.assertions[contributor]
            self._set(assertion, _explicit(assertion))
        self.implicit &= {keep}

    def assert_by(self, contributor: str, at: str) -> None:
        """``contributor`` asserts the record at ``at`` with the values written: it becomes
        the owner, its assertion implicit."""
        self.detach(keep=contributor)
        previous = self.assertions.get(contributor)
        recorded_at = previous.recorded_at if previous is not None else at
        self._set(Assertion(contributor, recorded_at, at, None, {}), _implicit(recorded_at, at))
        self.implicit.add(contributor)
        self.owner = contributor

    def retract(self, contributor: str | None, at: str) -> int:
        """Retract at ``at`` the standing assertions of ``contributor`` (every one for None);
        how many."""
        retracted = 0
        for name, assertion in sorted(self.assertions.items()):
            if assertion.retracted_at is None and contributor in (None, name):
                ended = replace(assertion, retracted_at=at)
                self._set(ended, _explicit(ended))
                self.implicit.discard(name)
                retracted += 1
        return retracted

    def rows(self) -> list[list[Any]]:
        """The changes, as [key, stored] for the write statements."""
        return [[key, stored] for key, stored in self.changes.items()]


def _node_assertions(node_id: str, kind: str, props: Mapping[str, Any]) -> list[Assertion]:
    """The assertions of the node whose properties are ``props``, in contributor order."""
    node = _node(node_id, kind, props)
    prefix = cypher.PROVENANCE_PREFIX
    pairs = [(key, value) for key, value in props.items() if key.startswith(prefix)]
    return _Provenance(props.get(cypher.OWNER), pairs, node_values(node)).sorted()


def _relation_assertions(
    source: str, kind: RelationType, target: str, read: Sequence[Any]
) -> list[Assertion]:
    """The assertions of a relation read as [strength, since, until, owner, assertions], in
    contributor order."""
    strength, since, until, owner, pairs = read
    relation = Relation(source, kind, target, float(strength), since, until)
    return _Provenance(owner, pairs, relation_values(relation)).sorted()


def _relation(record: Any) -> Relation:
    """The relation of a row of ``source``, ``type``, ``target``, ``strength``, ``since`` and
    ``until``. Raises ValueError for a type that is not a RelationType."""
    return Relation(
        record["source"],
        RelationType(record["type"]),
        record["target"],
        float(record["strength"]),
        record["since"],
        record["until"],
    )


def _scored_path(record: Any) -> ScoredPath:
    """A path from a row of cypher.k_best_paths, with the strongest tie of each step."""
    steps: list[list[Relation]] = [[] for _step in range(len(record["ids"]) - 1)]
    for tie in record["ties"]:
        steps[tie["step"]].append(_relation(tie))
    return ScoredPath.of(record["ids"], [strongest(ties) for ties in steps])


#: The kind of each node label.
_KIND_OF_LABEL = {kind.value: kind for kind in NodeKind}


def _labelled_node(labels: Iterable[str], props: Mapping[str, Any]) -> Node:
    """The node whose labels are ``labels`` and whose properties are ``props`` (its id among
    them). Raises StopIteration for labels of no node kind (rsn writes none)."""
    kind = next(_KIND_OF_LABEL[name] for name in labels if name in _KIND_OF_LABEL)
    return _node(props["id"], kind, props)


def _searched(record: Any, k: int) -> IntroductionSearch:
    """The search of a row of :func:`cypher.introduction_search_in_database`."""
    ends = {node_id: _node(node_id, kind, props) for node_id, kind, props in record["ends"]}
    paths: list[ScoredPath] = []
    nodes: dict[str, Node] = {}
    background: dict[str, list[Relation]] = {}
    for row in record["paths"]:
        paths.append(_scored_path(row))
        for labels, props in row["nodes"]:
            node = _labelled_node(labels, props)
            nodes[node.id] = node
        ids = row["ids"]
        if len(ids) > 2 and nodes[ids[1]].kind is NodeKind.SPECIALIST and ids[1] not in background:
            ties = background[ids[1]] = []
            for source, kind, target, strength, since, until, labels, props in row["background"]:
                ties.append(
                    Relation(source, RelationType(kind), target, float(strength), since, until)
                )
                nodes.setdefault(target, _labelled_node(labels, props))
    paths.sort(key=ScoredPath.rank)
    return IntroductionSearch(ends, paths[:k], nodes, background)


def _node_row(node: Node) -> dict[str, Any]:
    """The row the node statements take for ``node``: its id, and every property it is to
    have (id and name included), with a null for each other column of its kind (which
    removes one it had)."""
    return {
        "id": node.id,
        "props": {**_CLEARED[node.kind], "id": node.id, "name": node.name, **node.props},
    }


#: For each kind, a null for each column a node of it may have beside id and name.
_CLEARED: dict[NodeKind, dict[str, None]] = {
    kind: {
        column: None
        for column in (*node_columns(kind, contact=True), "ended")
        if column not in ("id", "name")
    }
    for kind in NodeKind
}


def _relation_row(relation: Relation) -> dict[str, Any]:
    """The row the relation statements take for ``relation`` (its ends by id)."""
    return {
        "source": relation.source,
        "target": relation.target,
        "strength": relation.strength,
        "since": relation.since,
        "until": relation.until,
    }


@lru_cache(maxsize=64)
def _paths_statement(max_hops: int, dated: bool, restricted: bool) -> str:
    """:func:`cypher.k_best_paths`, built once per number of ties, dating and restriction."""
    return cypher.k_best_paths(max_hops, dated, restricted)


#: :func:`cypher.k_best_paths_in_database` by (dated, restricted): over the whole history or on
#: a day, for a caller who sees every tie or not.
_PATHS_IN_DATABASE = {
    (dated, restricted): cypher.k_best_paths_in_database(dated, restricted)
    for dated in (False, True)
    for restricted in (False, True)
}


def _procedure_params(
    source: str,
    target: str,
    k: int,
    max_hops: int,
    day: Day | None,
    seeing: dict[str, Any] | None,
) -> dict[str, Any]:
    """The parameters of the statements that call rsn's paths procedure."""
    return {
        "source": source,
        "target": target,
        "k": k,
        "max_hops": max_hops,
        "types": cypher.introduction_tie_names(day is not None),
        **({"seeing": seeing} if seeing else {}),
        **_on(day),
    }


_SEARCH_IN_DATABASE = {
    (dated, restricted): cypher.introduction_search_in_database(dated, restricted)
    for dated in (False, True)
    for restricted in (False, True)
}


def _hidden_types(types: Iterable[RelationType]) -> list[str]:
    """The introduction tie types among ``types``, as the path statements take them
    (``$hidden``); the ties derived from referrals are never among them."""
    chosen = set(types)
    return [kind.value for kind in INTRODUCTION_TIE_TYPES if kind in chosen]


def _seeing(visibility: Visibility | None) -> dict[str, Any] | None:
    """The parameter ``$seeing`` of the restricted path statements
    (:func:`cypher.k_best_paths`) for the caller of ``visibility``: ``hidden``, ``entitled`` (a
    map from each entitled id to true), ``contributor`` and ``asserted`` (its assertion key;
    both ``''`` for none), ``owner`` and ``prefix``; None when it sees every introduction tie
    (None, ``everything``, or no confidential type among them)."""
    if visibility is None or not visibility.restricted:
        return None
    hidden = _hidden_types(visibility.types)
    if not hidden:
        return None
    contributor, asserted = visibility.contributor or "", ""
    if contributor:
        try:
            asserted = cypher.provenance_key(contributor)
        except ValueError:  # no contributor has such a name, so it asserted nothing
            contributor = ""
    return {
        "hidden": hidden,
        "entitled": dict.fromkeys(sorted(visibility.enterprises), True),
        "contributor": contributor,
        "asserted": asserted,
        "owner": cypher.OWNER,
        "prefix": cypher.PROVENANCE_PREFIX,
    }


def _ties_read(records: Iterable[Any]) -> tuple[list[Relation], dict[str, list[Assertion]]]:
    """The ties and their assertions (by record) of the row of
    :func:`cypher.ties_with_provenance` or :func:`cypher.held_ties`, in key order."""
    ties: dict[str, Relation] = {}
    found: dict[str, list[Assertion]] = {}
    for record in records:
        for source, type_name, target, strength, since, until, owner, pairs in record["ties"]:
            name = f"{source} {type_name} {target}"
            relation = Relation(
                source, RelationType(type_name), target, float(strength), since, until
            )
            ties[name] = relation
            if pairs:
                found[name] = (
                    _explicit_assertions(pairs)
                    or _Provenance(owner, pairs, relation_values(relation)).sorted()
                )
    return sorted(ties.values(), key=lambda r: r.key), found


def _explicit_assertions(pairs: Sequence[Sequence[Any]]) -> list[Assertion] | None:
    """The assertions of ``pairs`` ([key, stored]) in contributor order, as
    :class:`_Provenance` reads them, when each keeps values of its own (as most ties'
    assertions do after a load with provenance): the quick way for a hub's thousands of
    ties. None when one is implicit (then the record's values are needed). Raises
    ValueError for stored values that are not a JSON object."""
    start = len(cypher.PROVENANCE_PREFIX)
    assertions = []
    for key, stored in pairs:
        if not (isinstance(stored, list) and len(stored) == 4):
            return None
        assertions.append(_own_values_assertion(key[start:], stored))
    if len(assertions) > 1:
        assertions.sort(key=lambda assertion: assertion.contributor)
    return assertions


def _packed_snapshot(snapshot: str) -> bytes:
    """A merge's snapshot as the server keeps it: its JSON text compressed (zlib, level 1).
    A merge of a large hub snapshots thousands of ties; kept as text, the several megabytes
    cost the merge's commit and the undo's read more than compressing them does."""
    return zlib.compress(snapshot.encode("utf-8"), 1)


def _unpacked_snapshot(merge_id: str, stored: Any) -> str:
    """The JSON text of merge ``merge_id``'s snapshot kept as :func:`_packed_snapshot` made
    it, or as text (as merges made before it were kept). Raises StoreError, naming the
    merge, for anything else."""
    if isinstance(stored, str):
        return stored
    try:
        return zlib.decompress(bytes(stored)).decode("utf-8")
    except (TypeError, ValueError, zlib.error) as error:
        unreadable = _("the merge's snapshot cannot be read: {error}", error=error)
        raise StoreError(_("merge {id}: {error}", id=merge_id, error=unreadable)) from None


class _InFlight:
    """Write statements run on a few threads, each in its own managed transaction, with a
    bounded number waiting; :meth:`drain` waits for all and raises the first failure.

    A statement may name the lanes it holds (see :func:`_lane`): two that share a lane never
    run at once, and of those waiting, a free thread takes the oldest whose lanes are free.
    So statements of one lane run in the order they were sent, and statements of disjoint
    lanes (relations whose ends are different nodes) run side by side without waiting on
    each other's locks in the database. One that holds no lane runs whenever a thread is
    free. After a failure the statements still waiting are dropped.
    """

    def __init__(self, workers: int):
        self._changed = threading.Condition()
        self._waiting: deque[tuple[frozenset[int], Callable[[], None]]] = deque()
        self._held: set[int] = set()
        self._running = 0
        self._failure: BaseException | None = None
        self._closing = False
        self._limit = 4 * workers
        self._threads = [
            threading.Thread(target=self._serve, name=f"rsn-bulk-{number}", daemon=True)
            for number in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, work: Callable[[], None], lanes: frozenset[int] = frozenset()) -> None:
        """Run ``work`` on a thread once ``lanes`` are free, in the caller's context (its
        language, for the messages of failures), first waiting while too many are waiting;
        raises the failure of a statement sent earlier, if one failed."""
        run = partial(contextvars.copy_context().run, work)
        with self._changed:
            while len(self._waiting) >= self._limit and self._failure is None:
                self._changed.wait()
            if self._failure is not None:
                raise self._failure
            self._waiting.append((lanes, run))
            self._changed.notify_all()

    def _next(self) -> tuple[frozenset[int], Callable[[], None]] | None:
        """The oldest waiting statement whose lanes are free, taken off the queue (called
        holding the condition)."""
        for index, (lanes, work) in enumerate(self._waiting):
            if self._held.isdisjoint(lanes):
                del self._waiting[index]
                return lanes, work
        return None

    def _serve(self) -> None:
        """A thread's loop: take the next statement it may run, run it, free its lanes."""
        while True:
            with self._changed:
                while True:
                    if self._failure is not None:
                        self._waiting.clear()
                    taken = self._next()
                    if taken is not None:
                        break
                    if self._closing and not self._waiting:
                        return
                    self._changed.wait()
                lanes, work = taken
                self._held.update(lanes)
                self._running += 1
            try:
                work()
            except BaseException as error:  # handed to the thread that waits for it
                with self._changed:
                    self._failure = self._failure or error
            finally:
                with self._changed:
                    self._held.difference_update(lanes)
                    self._running -= 1
                    self._changed.notify_all()

    def drain(self) -> None:
        """Wait for every statement sent; raises the first failure among them."""
        with self._changed:
            while (self._waiting and self._failure is None) or self._running:
                self._changed.wait()
            self._waiting.clear()
            failure, self._failure = self._failure, None
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
            with self._changed:
                self._closing = True
                self._changed.notify_all()
            for thread in self._threads:
                thread.join()


#: How many lanes a bulk load's relation statements are spread over (see :class:`_InFlight`).
LANES = 4
#: Held by a statement that must run alone among those of the load.
ALL_LANES = frozenset(range(LANES))


def _lane(node_id: str) -> int:
    """The lane of a node: the same for a node throughout a load."""
    return zlib.crc32(node_id.encode()) % LANES


#: Relation rows that go in one statement: type, source kind, target kind, whether an end
#: is new (created by this load), so the relationship cannot exist yet, and the lanes of
#: their ends (in a bulk load; else none).
_Group = tuple[RelationType, NodeKind, NodeKind, bool, frozenset[int]]
#: Relations of one type between nodes of two kinds, which one statement finds by label.
_Kinds = tuple[RelationType, NodeKind, NodeKind]


class _Writer:
    """Writes made ``by`` a contributor through a function that runs one statement as part
    of the unit, and ``atomic``, which runs several statements as one transaction.

    It remembers the kind and element id of every node it has written or looked up, so a
    relation finds its ends by element id. In a bulk load (``in_flight``) relation rows are
    gathered by (type, source kind, target kind) into full batches, which run on several
    sessions at once; :meth:`flush` sends what is gathered and waits for all of it.

    Most records are written by one statement per batch, which makes the writer their owner
    (see :mod:`graph.store.cypher`); those another contributor owns are left by it, then
    locked, read and written here in Python, in one transaction (:meth:`_settle`).
    """

    def __init__(
        self,
        store: Neo4jStore,
        run: Run,
        atomic: Callable[[Callable[[Run], int]], int],
        by: Attribution,
        in_flight: _InFlight | None = None,
        known: Mapping[str, NodeKind] | None = None,
        batch: int = BULK_BATCH,
    ):
        self._store = store
        self._run = run
        self._atomic = atomic
        self._by = by
        #: the property of the unit's assertions and its owner (None: it asserts nothing)
        self._key = cypher.provenance_key(by.contributor) if by.record else None
        owner = by.contributor if by.record else None
        #: the parameters of every writing statement: the time as records keep it, its
        #: text, and the owner
        self._params = {"at": _stamp(by.at), "at_text": by.at, "owner": owner}
        self._in_flight = in_flight
        self._known = known
        self._batch = batch
        self._kinds: dict[str, NodeKind] = {}
        self._elements: dict[str, str] = {}
        self._new: set[str] = set()
        self._gathered: dict[_Group, list[dict[str, Any]]] = defaultdict(list)
        #: whether relation rows, or nodes, were handed to the threads since the last flush
        self._relations_sent = False
        self._nodes_sent = False
        #: held while a thread notes the element ids of the nodes it wrote
        self._noting = threading.Lock()

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
        """Raises Conflict if an id is stored (or written earlier here) with another kind. In
        a bulk load the batches of nodes may be written after this returns, several at once
        (nodes do not lock each other); relations wait for them (see :meth:`flush`)."""
        if self._gathered or self._relations_sent:
            self.flush()
        known: Mapping[str, NodeKind]
        if self._known is None:
            known = self._lookup(node.id for node in nodes)
        else:  # the load looked its nodes up when it was validated
            known = self._known
            # Nodes the lookup did not find are written with MERGE like the others, not
            # created outright: another process may create the same node between the
            # lookup and this write (two loads at once), and a CREATE would then fail on
            # the id's uniqueness (or, for their ties, make one tie twice).
        by_kind: dict[NodeKind, list[dict[str, Any]]] = defaultdict(list)
        for node in nodes:
            check_kind_unchanged(node, known.get(node.id))
            by_kind[node.kind].append(_node_row(node))
        for node in nodes:
            self._kinds[node.id] = node.kind
        for kind, rows in by_kind.items():
            work = partial(self._write_nodes, kind, rows, nodes)
            if self._in_flight is None:
                work()
            else:
                self._nodes_sent = True
                self._in_flight.submit(work)

    def _write_nodes(
        self, kind: NodeKind, rows: list[dict[str, Any]], nodes: Sequence[Node]
    ) -> None:
        """Upsert ``rows`` of nodes of ``kind`` and note their element ids and which are new;
        those of ``nodes`` that another contributor owns are then settled (in Python, in a
        transaction of their own). May run on a bulk load's thread."""
        statement = cypher.upsert_nodes(kind, self._key)
        contested: list[str] = []
        for record in self._run(statement, {"rows": rows, **self._params}):
            with self._noting:
                self._elements.update(zip(record["ids"], record["elements"], strict=True))
                self._new.update(record["created"])
            self._remove_extra(record, self._run)
            contested.extend(record["contested"])
        if contested:
            wanted = set(contested)
            others = [node for node in nodes if node.id in wanted]
            self._atomic(partial(self._settle, others, {}))

    @staticmethod
    def _remove_extra(record: Any, run: Run) -> None:
        """Remove the properties that a row of :func:`cypher.upsert_nodes` found on nodes
        beyond those written (a property that is no column of the kind, written by other
        means): the node's values are the ones just written."""
        rows = [
            {"element": element, "keys": keys}
            for element, keys in zip(record["elements"], record["extra"], strict=True)
            if keys
        ]
        if rows:
            run(cypher.REMOVE_PROPERTIES, {"rows": rows})

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        """Raises NotFound if an end is not in the store (nor written earlier here); in a bulk
        load the rows may be written after this returns (see :meth:`flush`)."""
        if self._nodes_sent:  # their ends' element ids come from the nodes' writes
            self.flush()
        known = self._lookup(end for r in relations for end in (r.source, r.target))
        elements, new = self._elements, self._new
        groups = self._gathered if self._in_flight else defaultdict(list)
        for relation in relations:
            for end in (relation.source, relation.target):
                if end not in known:
                    raise NotFound(
                        _("relation {key}: no node with id {id!r}", key=relation.key, id=end)
                    )
            lanes = (
                frozenset((_lane(relation.source), _lane(relation.target)))
                if self._in_flight
                else frozenset()
            )
            key = (
                relation.type,
                known[relation.source],
                known[relation.target],
                relation.source in new or relation.target in new,
                lanes,
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
                    "until": relation.until,
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
        self._relations_sent = True
        self._in_flight.submit(partial(self._write_relations, key, rows, self._run), key[4])

    def _write_relations(self, key: _Group, rows: list[dict[str, Any]], run: Run) -> None:
        """Rows by element id: those of relations that exist are updated (which locks nothing
        else), the others merged (for an end this writer created, merged straight away: such
        a relation can only exist if another load wrote it meanwhile, and the merge finds
        it); any whose ends moved (a node deleted and its element id reused) go again by id,
        with MERGE, so none is lost or doubled; those another contributor owns are settled in
        Python. In a bulk load, statements of rows that share a lane run one at a time (see
        :data:`BULK_WRITERS`)."""
        kind, source, target, new_end, _lanes = key
        params = self._params
        for number, row in enumerate(rows):
            row["i"] = number
        left = rows
        if not new_end:
            (updated,) = run(
                cypher.update_relations_by_element(kind, source, target, self._key),
                {"rows": rows, **params},
            )
            done = set(updated["updated"])
            left = [row for row in rows if row["i"] not in done]
            if not left:
                return
        statement = cypher.upsert_relations_by_element(kind, source, target, self._key)
        (written,) = run(statement, {"rows": left, **params})
        contested = written["contested"]
        if written["written"] != len(left):
            (again,) = run(
                cypher.upsert_relations(kind, source, target, self._key), {"rows": left, **params}
            )
            contested = again["contested"]
        if contested:
            wanted = set(contested)
            others = [
                Relation(
                    row["source"], kind, row["target"], row["strength"], row["since"], row["until"]
                )
                for row in rows
                if row["i"] in wanted
            ]
            self._atomic(partial(self._settle, [], {(kind, source, target): others}))

    def flush(self) -> None:
        """Send every gathered relation row and wait until every statement sent (of nodes
        and of relations) is written (bulk only); raises the first failure among them."""
        if self._in_flight is None:
            return
        for key in list(self._gathered):
            self._send(key)
        self._in_flight.drain()
        self._relations_sent = self._nodes_sent = False

    # -- records read, changed in Python and written back, in one transaction -------------

    def _locked_nodes(self, ids: list[str], run: Run) -> list[tuple[Any, Node, _Provenance]]:
        """The nodes among ``ids`` that exist, locked: for each its row of
        :data:`cypher.LOCK_NODES`, the node and its assertions."""
        found = []
        for record in run(cypher.LOCK_NODES, {"ids": ids}):
            props = record["props"]
            node = _node(record["id"], record["kind"], props)
            prefix = cypher.PROVENANCE_PREFIX
            pairs = [(key, value) for key, value in props.items() if key.startswith(prefix)]
            found.append(
                (record, node, _Provenance(props.get(cypher.OWNER), pairs, node_values(node)))
            )
        return found

    def _locked_relations(
        self, kinds: _Kinds, pairs: list[tuple[str, str]], run: Run
    ) -> list[tuple[Any, Relation, _Provenance]]:
        """The relations of ``kinds`` among ``pairs`` of ends that exist, locked: for each its
        row of :func:`cypher.lock_relations`, the relation and its assertions."""
        kind, source, target = kinds
        rows = [{"source": s, "target": t} for s, t in pairs]
        found = []
        for record in run(cypher.lock_relations(kind, source, target), {"rows": rows}):
            relation = _relation({**dict(record), "type": kind.value})
            provenance = _Provenance(
                record["owner"], record["provenance"], relation_values(relation)
            )
            found.append((record, relation, provenance))
        return found

    @staticmethod
    def _node_write(record: Any, was: Node, node: Node, provenance: _Provenance) -> dict[str, Any]:
        """The row of :data:`cypher.WRITE_NODES` that gives node ``was`` (read as ``record``)
        the values of ``node`` and the changes of ``provenance``."""
        props = _node_row(node)["props"]
        return {
            "element": record["element"],
            "props": props,
            "owner": provenance.owner,
            "assertions": provenance.rows(),
            "remove": [key for key in was.props if key not in props],
        }

    @staticmethod
    def _relation_write(record: Any, relation: Relation, provenance: _Provenance) -> dict[str, Any]:
        """The row of :data:`cypher.WRITE_RELATIONS` that gives the relationship read as
        ``record`` the values of ``relation`` and the changes of ``provenance``."""
        return {
            "element": record["element"],
            **_relation_row(relation),
            "owner": provenance.owner,
            "assertions": provenance.rows(),
        }

    def _settle(
        self, nodes: list[Node], relations: Mapping[_Kinds, list[Relation]], run: Run
    ) -> int:
        """Write ``nodes`` and ``relations`` (which exist) as the unit's contributor asserts
        them (or without asserting), whoever owned them: the owner's assertion gets its own
        copy of the values first. Returns 0."""
        contributor, at = self._by.contributor, self._by.at
        written = {node.id: node for node in nodes}
        rows = []
        for record, was, provenance in self._locked_nodes(list(written), run):
            if self._key is None:
                provenance.detach()
                provenance.owner = None
            else:
                provenance.assert_by(contributor, at)
            rows.append(self._node_write(record, was, written[was.id], provenance))
        if rows:
            run(cypher.WRITE_NODES, {"rows": rows})
        for kinds, group in relations.items():
            by_ends = {(r.source, r.target): r for r in group}
            changes = []
            for record, _relation, provenance in self._locked_relations(kinds, list(by_ends), run):
                if self._key is None:
                    provenance.detach()
                    provenance.owner = None
                else:
                    provenance.assert_by(contributor, at)
                relation = by_ends[record["source"], record["target"]]
                changes.append(self._relation_write(record, relation, provenance))
            if changes:
                run(cypher.WRITE_RELATIONS, {"rows": changes})
        return 0

    # -- retracting and restoring assertions ---------------------------------------------

    def _relations_by_kinds(self, records: Iterable[str]) -> dict[_Kinds, list[tuple[str, str]]]:
        """The (source, target) of each relation record among ``records`` whose ends exist,
        by type and the kinds of its ends (the statements find them by label); a text that
        names no relation, or one with an end that does not exist, is left out."""
        keys = []
        for record in records:
            try:
                keys.append(relation_key_of(record))
            except ValueError:
                continue
        known = self._lookup(end for source, _type, target in keys for end in (source, target))
        grouped: dict[_Kinds, list[tuple[str, str]]] = defaultdict(list)
        for source, kind, target in keys:
            if source in known and target in known:
                grouped[kind, known[source], known[target]].append((source, target))
        return grouped

    def retract(self, records: Sequence[str], contributor: str | None) -> int:
        """See :meth:`GraphWriter.retract`. Each record is locked before its assertions are
        read, so a write of another contributor at the same time is not lost; in a bulk load
        the retraction is one transaction of its own. Raises ValueError for a contributor's
        name that is not one."""
        self.flush()
        if contributor is not None:
            cypher.provenance_key(contributor)  # a name that is not one is refused
        wanted = list(dict.fromkeys(records))
        nodes = [record for record in wanted if not is_relation_record(record)]
        relations = self._relations_by_kinds(r for r in wanted if is_relation_record(r))
        if not nodes and not relations:
            return 0
        return self._atomic(partial(self._retract, nodes, relations, contributor))

    def _retract(
        self,
        nodes: list[str],
        relations: dict[_Kinds, list[tuple[str, str]]],
        contributor: str | None,
        run: Run,
    ) -> int:
        """:meth:`retract` in one transaction (``run``); how many assertions it retracted. A
        record left with a standing assertion takes the values of the latest one (whose
        contributor owns it), one left with none ends; before its values change, the
        implicit assertions get their own copy."""
        at, day = self._by.at, self._by.day
        retracted = 0
        rows = []
        for record, node, provenance in self._locked_nodes(nodes, run):
            count = provenance.retract(contributor, at)
            if not count:
                continue
            retracted += count
            latest = latest_standing(provenance.assertions.values())
            if latest is None:
                settled = ended_node(node, day)
            else:
                settled = node_from_values(node.id, node.kind, latest.values)
            if node_values(settled) != node_values(node):
                provenance.detach()
            provenance.owner = None if latest is None else latest.contributor
            provenance.detach(keep=provenance.owner)
            rows.append(self._node_write(record, node, settled, provenance))
        if rows:
            run(cypher.WRITE_NODES, {"rows": rows})
        for kinds, pairs in relations.items():
            changes = []
            for record, relation, provenance in self._locked_relations(kinds, pairs, run):
                count = provenance.retract(contributor, at)
                if not count:
                    continue
                retracted += count
                latest = latest_standing(provenance.assertions.values())
                if latest is None:
                    settled_relation = ended_relation(relation, day)
                else:
                    settled_relation = relation_from_values(
                        relation.source, relation.type, relation.target, latest.values
                    )
                if relation_values(settled_relation) != relation_values(relation):
                    provenance.detach()
                provenance.owner = None if latest is None else latest.contributor
                provenance.detach(keep=provenance.owner)
                changes.append(self._relation_write(record, settled_relation, provenance))
            if changes:
                run(cypher.WRITE_RELATIONS, {"rows": changes})
        return retracted

    def held_ties(
        self, node_id: str, others: Collection[str] | None = None
    ) -> tuple[list[Relation], dict[str, list[Assertion]]]:
        """See :meth:`GraphWriter.held_ties`: one statement in the unit, which locks the node
        and each tie before reading it (:func:`cypher.held_ties`)."""
        self.flush()
        kind = self._lookup([node_id]).get(node_id)
        if kind is None:
            return [], {}
        wanted = None if others is None else list(others)
        statement = cypher.held_ties(kind, among=wanted is not None)
        return _ties_read(self._run(statement, {"id": node_id, "others": wanted}))

    def move_ties(self, old_end: str, new_end: str, ties: Sequence[Relation]) -> None:
        """See :meth:`GraphWriter.move_ties`: in the server, one statement per type and
        direction, each tie made again at ``new_end`` with the old one's properties
        (assertions and owner as they are stored), none sent back and forth; what moved is
        checked against ``ties``."""
        self.flush()
        check_unrecorded(self._by)
        if not ties:
            return
        kind = self._lookup([old_end, new_end]).get(old_end)
        groups: dict[tuple[RelationType, bool], dict[str, Relation]] = defaultdict(dict)
        for tie in ties:
            outgoing = tie.source == old_end
            groups[tie.type, outgoing][tie.target if outgoing else tie.source] = tie
        for (relation, outgoing), planned in groups.items():
            if kind is None:
                raise Conflict(tie_changed(next(iter(planned.values())), old_end))
            (found,) = self._run(
                cypher.move_ties(kind, relation, outgoing),
                {"old_end": old_end, "new_end": new_end, "others": list(planned)},
            )
            moved = {other: (float(s), since, until) for other, s, since, until in found["moved"]}
            for other, tie in planned.items():
                if moved.get(other) != (tie.strength, tie.since, tie.until):
                    raise Conflict(tie_changed(tie, old_end))

    def restore_relations(
        self, relations: Sequence[Relation], provenance: Sequence[tuple[str, Assertion]]
    ) -> None:
        """See :meth:`GraphWriter.restore_relations`: one statement per type and kinds of
        ends, each relation merged by its ends and given exactly its values and assertions
        (each kept with its own values, as :meth:`restore_provenance` keeps them), where an
        upsert and then a look-up of each relation again for its assertions would take
        four."""
        self.flush()
        asserted = restored_assertions(self._by, relations, provenance)
        known = self._lookup(end for r in relations for end in (r.source, r.target))
        elements = self._elements
        groups: dict[_Kinds, list[dict[str, Any]]] = defaultdict(list)
        for relation in relations:
            for end in (relation.source, relation.target):
                if end not in known:
                    raise NotFound(
                        _("relation {key}: no node with id {id!r}", key=relation.key, id=end)
                    )
            props: dict[str, Any] = {
                "strength": relation.strength,
                "since": relation.since,
                "until": relation.until,
            }
            for assertion in asserted[relation_record(*relation.key)]:
                props[cypher.provenance_key(assertion.contributor)] = _explicit(assertion)
            group = groups[relation.type, known[relation.source], known[relation.target]]
            group.append(
                {
                    "i": len(group),
                    "a": elements[relation.source],
                    "b": elements[relation.target],
                    "source": relation.source,
                    "target": relation.target,
                    "props": props,
                }
            )
        for kinds, rows in groups.items():
            for start in range(0, len(rows), LOOKUP_BATCH):
                part = rows[start : start + LOOKUP_BATCH]
                (found,) = self._run(cypher.put_relations_by_element(*kinds), {"rows": part})
                written = set(found["written"])
                left = [row for row in part if row["i"] not in written]
                if left:  # an end's element id no longer holds it: by id
                    (found,) = self._run(cypher.put_relations(*kinds), {"rows": left})
                    written = set(found["written"])
                    for row in left:
                        if row["i"] not in written:
                            self._no_end(Relation(row["source"], kinds[0], row["target"]))

    def _no_end(self, relation: Relation) -> NoReturn:
        """Raise NotFound naming the end of ``relation`` that is not in the store (looked up
        again: the one known may have been deleted since)."""
        ends = (relation.source, relation.target)
        for end in ends:
            self._kinds.pop(end, None)
            self._elements.pop(end, None)
        known = self._lookup(ends)
        missing = next((end for end in ends if end not in known), relation.source)
        raise NotFound(_("relation {key}: no node with id {id!r}", key=relation.key, id=missing))

    def restore_provenance(self, assertions: Sequence[tuple[str, Assertion]]) -> None:
        """See :meth:`GraphWriter.restore_provenance` (each is kept with its own values).
        Raises NotFound naming a record that is not in the store, and ValueError for a
        contributor's name that is not one. In a bulk load the statements run on the load's
        threads once every node and relation sent before is written, while the next assertions are
        read: a record not found is then raised by a later call or at the end of the load."""
        if self._gathered or self._relations_sent or self._nodes_sent:
            self.flush()  # the records must be written before their assertions are
        node_rows: list[dict[str, Any]] = []
        relation_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record, assertion in assertions:
            row = {
                "key": cypher.provenance_key(assertion.contributor),
                "value": _explicit(assertion),
            }
            if is_relation_record(record):
                relation_rows[record].append(row)
            else:
                node_rows.append({"id": record, **row})
        for start in range(0, len(node_rows), LOOKUP_BATCH):
            self._restoring(self._restore_nodes, node_rows[start : start + LOOKUP_BATCH])
        grouped = self._relations_by_kinds(relation_rows)
        reachable = {
            f"{source} {kind.value} {target}"
            for (kind, _source_kind, _target_kind), pairs in grouped.items()
            for source, target in pairs
        }
        for record in relation_rows:
            if record not in reachable:
                raise NotFound(_("provenance of {record!r}: no such relation", record=record))
        for kinds, pairs in grouped.items():
            kind = kinds[0]
            rows = [
                {"source": s, "target": t, **row}
                for s, t in pairs
                for row in relation_rows[f"{s} {kind.value} {t}"]
            ]
            for start in range(0, len(rows), LOOKUP_BATCH):
                part = rows[start : start + LOOKUP_BATCH]
                self._restoring(partial(self._restore_relations, kinds), part)

    def _restoring(
        self, restore: Callable[[list[dict[str, Any]]], None], rows: list[dict[str, Any]]
    ) -> None:
        """``restore(rows)`` on the bulk load's threads, one statement at a time (two
        batches may set assertions on the same records, by other contributors, and would
        deadlock), while the caller reads the next; else now."""
        if self._in_flight is None:
            restore(rows)
        else:
            self._in_flight.submit(partial(restore, rows), ALL_LANES)

    def _restore_nodes(self, rows: list[dict[str, Any]]) -> None:
        """Set the assertions of node ``rows``; raises NotFound for a node not there."""
        (found,) = self._run(cypher.RESTORE_NODES, {"rows": rows})
        missing = {row["id"] for row in rows} - set(found["ids"])
        if missing:
            raise NotFound(_("provenance of {record!r}: no such node", record=min(missing)))

    def _restore_relations(self, kinds: _Kinds, rows: list[dict[str, Any]]) -> None:
        """Set the assertions of relation ``rows`` of ``kinds``; raises NotFound for a
        relation not there."""
        kind, source, target = kinds
        (found,) = self._run(cypher.restore_relations(kind, source, target), {"rows": rows})
        written = {f"{s} {kind.value} {t}" for s, t in found["found"]}
        for row in rows:
            name = f"{row['source']} {kind.value} {row['target']}"
            if name not in written:
                raise NotFound(_("provenance of {record!r}: no such relation", record=name))

    # -- merges --------------------------------------------------------------------------

    def delete_records(self, records: Sequence[str]) -> None:
        """See :meth:`GraphWriter.delete_records`: relations by their ends and type, nodes
        with every relationship they have."""
        self.flush()
        wanted = list(dict.fromkeys(records))
        nodes = [record for record in wanted if not is_relation_record(record)]
        gone = set(nodes)  # their relationships go with them (a detaching delete)
        relations = self._relations_by_kinds(
            r for r in wanted if is_relation_record(r) and gone.isdisjoint(relation_key_of(r)[::2])
        )
        for kinds, pairs in relations.items():
            rows = [{"source": source, "target": target} for source, target in pairs]
            self._run(cypher.delete_relations(*kinds), {"rows": rows})
        if nodes:
            self._run(cypher.DELETE_NODES, {"ids": nodes})
            for node_id in nodes:
                self._kinds.pop(node_id, None)
                self._elements.pop(node_id, None)

    def record_merge(self, record: MergeRecord, snapshot: str) -> None:
        """See :meth:`GraphWriter.record_merge`. Raises Conflict when an open merge already
        made either id an alias or keeps the merged node."""
        self.flush()
        clash = self._run(cypher.MERGE_CLASH, {"keep": record.keep, "merge": record.merge})
        if clash:
            raise Conflict(
                merge_clash(record, clash[0]["id"], clash[0]["kept"], clash[0]["merged"])
            )
        props = {
            "id": record.id,
            "kept": record.keep,
            "merged": record.merge,
            "merged_by": record.by,
            "at": record.at,
            "reason": record.reason,
            "score": record.score,
            "undone_at": record.undone_at,
            "snapshot": _packed_snapshot(snapshot),
        }
        self._run(cypher.RECORD_MERGE, {"props": props})

    def undo_merge(self, merge_id: str, at: str) -> None:
        """See :meth:`GraphWriter.undo_merge`."""
        self.flush()
        found = self._run(cypher.UNDO_MERGE, {"id": merge_id, "at": at})
        if not found:
            raise NotFound(_("no merge with id {id!r}", id=merge_id))
        if found[0]["was"] is not None:
            raise Conflict(_("merge {id} was undone already", id=merge_id))

    # -- referrals -----------------------------------------------------------------------

    def upsert_referrals(self, referrals: Sequence[Referral]) -> None:
        """Raises NotFound for a missing centre or enterprise, and Conflict for a referral
        whose sender and request key are another referral's (nothing is replaced)."""
        self.flush()
        if not referrals:
            return
        props = [_referral_row(r) for r in referrals]
        rows = [
            {"props": row, "completed_on": _completed_on(r)}
            for r, row in zip(referrals, props, strict=True)
        ]
        owners = {
            record["request"]: record["id"]
            for record in self._run(
                cypher.REFERRALS_BY_REQUEST, {"requests": [row["request_id"] for row in props]}
            )
        }
        for referral, row in zip(referrals, props, strict=True):
            owner = owners.get(row["request_id"], referral.id)
            if owner != referral.id:
                raise Conflict(request_key_taken(referral, owner))
        written = self._run(cypher.UPSERT_REFERRALS, {"rows": rows})
        if written[0]["written"] != len(referrals):
            raise NotFound(_("a referral names a centre or an enterprise that is not in the store"))
        self._run(cypher.REFRESH_REFERRAL_TIES, _ties_to_refresh(referrals))


#: The parameters of the statements that recount referral ties: the strength curve, once,
#: from the lifecycle, and the status whose referrals count.
REFERRAL_TIE_PARAMETERS: dict[str, Any] = {
    "strengths": list(REFERRAL_TIE_STRENGTHS),
    "completed": ReferralStatus.COMPLETED.value,
}


def _ties_to_refresh(referrals: Iterable[Referral]) -> dict[str, Any]:
    """The parameters of :data:`cypher.REFRESH_REFERRAL_TIES` for the pairs of centres of
    ``referrals``: each pair once, its smaller id first."""
    pairs = sorted({tuple(sorted((r.from_centre, r.to_centre))) for r in referrals})
    return {"pairs": [list(pair) for pair in pairs], **REFERRAL_TIE_PARAMETERS}


def _request_id(sender: str, request_key: str) -> str:
    """The unique ``request_id`` of the referral ``sender`` made under ``request_key``."""
    return f"{sender}|{request_key}"


def _referral_row(referral: Referral) -> dict[str, Any]:
    """The properties of ``referral``'s node: its record and its ``request_id``."""
    return {
        **to_record(referral),
        "request_id": _request_id(referral.from_centre, referral.request_key),
    }


def _completion_of(status: str, history: list[dict[str, Any]], fallback: str) -> str | None:
    """The day a referral of ``status`` and ``history`` (as stored) completed: None unless
    completed; the day of its history's completion, else of ``fallback`` (a time)."""
    if status != ReferralStatus.COMPLETED.value:
        return None
    try:
        return completion_day(history)
    except ValueError:  # a history that does not say: the last time it moved
        return day_of(fallback)


def _history_of(text: str | None) -> list[dict[str, Any]]:
    """The events of a stored history (its JSON list), or none if it is not one."""
    try:
        events = json.loads(text or "[]")
    except ValueError:
        return []
    return (
        [event for event in events if isinstance(event, dict)] if isinstance(events, list) else []
    )


def _completed_on(referral: Referral) -> str | None:
    """The day ``referral`` completed (see :func:`_completion_of`), kept beside it."""
    return _completion_of(
        referral.status.value, [e.as_dict() for e in referral.history], referral.updated_at
    )


def _referral_of(data: Mapping[str, Any]) -> Referral:
    """The referral of a ``referral`` column (see cypher's referral statements)."""
    return from_record(data)


class Neo4jStore(Store):
    """The graph in a Neo4j server or cluster.

    Opening checks that the server answers, sets up the schema (safe to repeat) and, once, has
    ``local`` assert every record of a database written before provenance was kept. Raises
    StoreUnavailable when it cannot be reached or refuses the credentials.
    """

    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        procedures: bool = True,
        confidential_types: frozenset[RelationType] = DEFAULT_CONFIDENTIAL_TYPES,
        graph_data_science: bool = True,
    ):
        """``procedures=False`` keeps to plain Cypher even where rsn's plugin is installed;
        ``graph_data_science=False`` computes the weakness report's metrics in Python even
        where the server has Graph Data Science;
        ``confidential_types`` are those whose ties :meth:`warm_up` also reads ahead for the
        callers who may not see them all (``RSN_CONFIDENTIAL_TYPES``)."""
        self.uri = uri
        self.database = database
        self._procedures = procedures
        self._confidential_types = confidential_types
        self._procedures_found: dict[str, bool] = {}
        self._translate = Translate(uri)
        self._driver = open_driver(uri, user, password, self._translate, user_agent="rsn")
        #: the weakness report's metrics computed by Graph Data Science, when the server has it
        self._gds = GdsMetrics(self._driver, self.database, self._read)
        #: the scopes read for reports, kept while nothing they read changes
        self._scopes = KeptScopes(self._scope_stamp)
        self._graph_data_science = graph_data_science
        self._closed = False
        #: whether the database is known to hold no record written before provenance
        self._migrated = False
        self.ensure_schema()
        self.migrate()

    # -- plumbing ------------------------------------------------------------------------

    def _guard(self, work: Callable[[], T]) -> T:
        """What ``work`` returns; a driver failure is raised as the project's error."""
        try:
            return work()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as error:
            raise self._translate(error) from error

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """One read statement, routed to a reader (see :func:`read_records`)."""
        return self._guard(
            partial(read_records, self._driver, self.database, query, params, RoutingControl.READ)
        )

    def _write(self, query: str, **params: Any) -> list[neo4j.Record]:
        """One write statement in its own managed (retried) transaction."""
        return self._write_unit(lambda run: run(query, params))

    def _write_unit(self, work: Callable[[Run], T]) -> T:
        """What ``work`` returns, given a function that runs statements, all in one managed
        (retried, so ``work`` may run again) write transaction."""

        return self._guard(partial(write_unit, self._driver, self.database, work))

    def ensure_schema(self) -> None:
        """Create the constraints and indexes if missing; safe to run again."""
        for statement in cypher.schema_statements():
            self._guard(partial(create_schema_rule, self._driver, self.database, statement))

    def migrate(self) -> None:
        """Bring a database written before provenance was kept up to this rsn, once: every
        node and relation without any assertion is asserted by ``local`` now (which owns it,
        so the assertion's values are the record's), and every completed referral gets the
        day it completed, from which the referral ties are rebuilt with their dates. Safe to
        run again, and beside writers of this rsn (a record they assert is left alone). A
        database without any node is left unmarked (the first write marks it), so one filled
        by other means is still migrated when next opened. Raises StoreError if the database
        cannot be read or written."""
        if self._read(cypher.MIGRATED, name=cypher.MIGRATION_MARK)[0]["done"]:
            self._migrated = True
            return
        if not self._read(cypher.ANY_NODE)[0]["found"]:
            return
        at = now_stamp()
        asserting = {
            "key": cypher.provenance_key(DEFAULT_CONTRIBUTOR),
            "at": _stamp(at),
            "owner": DEFAULT_CONTRIBUTOR,
        }
        for kind in NodeKind:
            for statement in (
                cypher.assert_legacy_nodes(kind),
                cypher.assert_legacy_relations(kind),
            ):
                after: str | None = ""
                while after is not None:
                    (page,) = self._write(statement, after=after, limit=PAGE, **asserting)
                    after = page["last"]
        completed = ReferralStatus.COMPLETED.value
        days = [
            {
                "id": record["id"],
                "day": _completion_of(completed, _history_of(record["history"]), at),
            }
            for record in self._read(cypher.LEGACY_COMPLETED_REFERRALS, completed=completed)
        ]
        if days:
            self._write(cypher.SET_COMPLETED_ON, rows=days)
        pairs = [
            record["pair"] for record in self._read(cypher.ALL_REFERRAL_PAIRS, completed=completed)
        ]
        for start in range(0, len(pairs), LOOKUP_BATCH):
            self._write(
                cypher.REFRESH_REFERRAL_TIES,
                pairs=pairs[start : start + LOOKUP_BATCH],
                **REFERRAL_TIE_PARAMETERS,
            )
        self._mark_migrated()

    def _mark_migrated(self) -> None:
        """Record that the database needs no migration (see :meth:`migrate`)."""
        if not self._migrated:
            self._guard(
                partial(create_schema_rule, self._driver, self.database, cypher.MARK_MIGRATED)
            )
            self._migrated = True

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self, by: Attribution | None = None) -> Iterator[_Writer]:
        """An explicit transaction: everything inside commits together or not at all. Raises
        ValueError for a contributor's name that is not one."""
        by = by or Attribution()
        self._mark_migrated()
        with self._guard(lambda: self._driver.session(database=self.database)) as session:
            tx = self._guard(session.begin_transaction)
            try:

                def run(query: str, params: dict[str, Any]) -> list[Any]:
                    return self._guard(lambda: list(tx.run(query, _sent(params))))

                def atomic(work: Callable[[Run], int]) -> int:
                    return work(run)

                yield _Writer(self, run, atomic, by)
                self._guard(tx.commit)
            finally:
                if not tx.closed():
                    tx.rollback()

    @contextmanager
    def bulk(
        self, known: Mapping[str, NodeKind] | None = None, by: Attribution | None = None
    ) -> Iterator[_Writer]:
        """Each batch in its own managed transaction; a rerun after a failure completes.
        Relation batches are sent while the next are gathered; leaving the block waits for
        every batch and raises the first failure. A relation with an end the load created is
        merged without first looking for one to update. A retraction is
        one transaction of its own. Raises ValueError for a contributor's name that is not
        one."""
        by = by or Attribution()
        self._mark_migrated()
        in_flight = _InFlight(BULK_WRITERS)
        writer = _Writer(
            self, lambda q, p: self._write(q, **p), self._write_unit, by, in_flight, known
        )
        try:
            yield writer
            writer.flush()
        except BaseException:
            in_flight.close(quiet=True)
            raise
        in_flight.close()

    # -- reading -----------------------------------------------------------------------

    def get_nodes(self, ids: Iterable[str], day: Day | None = None) -> dict[str, Node]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        found: dict[str, Node] = {}
        for record in self._read(cypher.GET_NODES, ids=wanted, **_on(day)):
            for node_id, kind, props in zip(
                record["ids"], record["kinds"], record["props"], strict=True
            ):
                found[node_id] = _node(node_id, kind, props)
        return found

    def node_kinds(self, ids: Iterable[str], day: Day | None = None) -> dict[str, NodeKind]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        found: dict[str, NodeKind] = {}
        for record in self._read(cypher.NODE_KINDS, ids=wanted, **_on(day)):
            found.update(zip(record["ids"], map(NodeKind, record["kinds"]), strict=True))
        return found

    def ties(
        self,
        node_id: str,
        day: Day | None = None,
        types: Collection[RelationType] | None = None,
    ) -> list[Relation]:
        """See :meth:`GraphStore.ties`: one statement after the node's kind, which reads
        only the relationships of ``types`` (a centre's few collaborations, not its
        thousands of clients)."""
        if types is not None and not types:
            return []
        kind = self.node_kinds([node_id], day).get(node_id)
        if kind is None:
            return []
        found: set[Relation] = set()
        statement = cypher.ties_of(kind, None if types is None else frozenset(types))
        for record in self._read(statement, id=node_id, **_on(day)):
            found.update(relations_of(record["relations"]))
        return sorted(found, key=lambda r: r.key)

    def clients(self, centre: str, day: Day | None = None) -> set[str]:
        """See :meth:`GraphStore.clients`: one narrow statement, one record."""
        found: set[str] = set()
        for record in self._read(cypher.CLIENTS, id=centre, **_on(day)):
            found.update(record["ids"])
        return found

    def ties_with_provenance(
        self, node_id: str, others: Collection[str] | None = None
    ) -> tuple[list[Relation], dict[str, list[Assertion]]]:
        """See :meth:`GraphStore.ties_with_provenance`: one statement, one record."""
        kind = self.node_kinds([node_id]).get(node_id)
        if kind is None:
            return [], {}
        wanted = None if others is None else list(others)
        statement = cypher.ties_with_provenance(kind, among=wanted is not None)
        return _ties_read(self._read(statement, id=node_id, others=wanted))

    def stats(self, day: Day | None = None) -> Stats:
        """Over the whole history, from the count store (the same cost at any size); as of a
        day, a scan of every node and relationship: by rsn's procedure where the server has
        it (:data:`cypher.COUNTS_ON`, which keeps its answer until a write of nodes or
        relations, and counts the referral ties apart), else in Cypher."""
        if day is None:
            (record,) = self._read(cypher.STATS)
        elif self._has_procedure(cypher.COUNTS_PROCEDURE):
            (found,) = self._read(
                cypher.COUNTS_ON,
                labels=cypher.COUNTED_LABELS,
                types=cypher.COUNTED_TYPES,
                **_on(day),
            )
            return Stats.of(
                found["nodes"],
                found["relationships"],
                {RelationType.COLLABORATES_WITH.value: found["derived"]},
            )
        else:
            (record,) = self._read(cypher.STATS_ON, **_on(day))
        derived = {RelationType.COLLABORATES_WITH.value: record["derived"]}
        return Stats.of(record["nodes"], record["relations"], derived)

    def derived_ties(self, node_id: str, day: Day | None = None) -> list[Relation]:
        found = [
            Relation(
                record["source"],
                RelationType.COLLABORATES_WITH,
                record["target"],
                float(record["strength"]),
                record["since"],
            )
            for record in self._read(cypher.DERIVED_TIES, id=node_id, **_on(day))
        ]
        return sorted(found, key=lambda r: r.key)

    def find_nodes(self, text: str, limit: int = 20, day: Day | None = None) -> list[Node]:
        wanted = search_terms(text)
        if wanted is None:
            return []
        records = self._read(
            cypher.FIND_NODES,
            id=wanted[0],
            needle=wanted[1],
            limit=max(0, min(limit, FIND_LIMIT)),
            **_on(day),
        )
        found = [_node(r["id"], r["kind"], r["props"]) for r in records]
        return best_found(found, wanted, limit)

    def iter_nodes(self, kind: NodeKind, day: Day | None = None) -> Iterator[Node]:
        after = ""
        while True:
            page = self._read(cypher.nodes_page(kind), after=after, limit=PAGE, **_on(day))
            for record in page:
                yield _node(record["id"], kind.value, record["props"])
            if len(page) < PAGE:
                return
            after = page[-1]["id"]

    def _relations_from(self, kind: NodeKind, day: Day | None) -> Iterator[Relation]:
        """Every relation from a node of ``kind`` (holding on ``day``), in (source, type,
        target) order, read a page of source nodes at a time."""
        after = ""
        while True:
            page = self._read(cypher.relations_page(kind), after=after, limit=PAGE, **_on(day))
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

    def iter_relations(self, day: Day | None = None) -> Iterator[Relation]:
        streams = [self._relations_from(kind, day) for kind in NodeKind]
        yield from heapq.merge(*streams, key=lambda r: r.key)

    def scope_graph(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation]]:
        whole = scope.prefecture is None
        nodes: list[Node] = []
        relations: list[Relation] = []
        on = _on(day)
        for kind in NodeKind:
            for record in self._read(
                cypher.scope_nodes(kind, whole), prefecture=scope.prefecture, **on
            ):
                nodes.extend(
                    _node(node_id, kind.value, props)
                    for node_id, props in zip(record["ids"], record["props"], strict=True)
                )
            for record in self._read(
                cypher.scope_relations(kind, whole), prefecture=scope.prefecture, **on
            ):
                relations.extend(relations_of(record["relations"]))
        return nodes, relations

    def actor_history(self, groups: Mapping[str, str]) -> tuple[list[ActorLife], list[TieLife]]:
        """Only the columns a history reads (:func:`cypher.actor_lives`,
        :func:`cypher.tie_lives`), and only the ties between two actors of one group."""
        actors: list[ActorLife] = []
        ties: list[TieLife] = []
        wanted = dict(groups)
        for kind in sorted(ACTOR_KINDS):
            for record in self._read(cypher.actor_lives(kind), groups=wanted):
                actors.extend(
                    (node_id, kind, group, None if founded is None else int(founded), ended)
                    for node_id, group, founded, ended in record["actors"]
                )
            for record in self._read(cypher.tie_lives(kind), groups=wanted):
                ties.extend(
                    (source, target, since, until)
                    for source, target, since, until in record["ties"]
                )
        return actors, ties

    def boundary_relations(self, scope: Scope, day: Day | None = None) -> list[Relation]:
        """The relations with exactly one end in ``scope`` (holding on ``day`` between two
        nodes existing then), in one statement."""
        if scope.prefecture is None:
            return []
        found: list[Relation] = []
        for record in self._read(
            cypher.BOUNDARY_RELATIONS, prefecture=scope.prefecture, **_on(day)
        ):
            found.extend(relations_of(record["relations"]))
        return found

    def scope_graph_and_boundary(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation], list[Relation]]:
        """In compact columns, and a prefecture's relations and boundary in one pass over its
        relationships (:func:`graph.store.neo4j_gds.read_scope`); with rsn's plugin, the whole
        network's relations read by it, and every scope kept until a write changes nodes or
        relations (:class:`graph.store.neo4j_gds.KeptScopes`)."""
        in_plugin = scope.prefecture is None and self._has_procedure(
            cypher.RELATION_COLUMNS_PROCEDURE
        )
        return self._guard(lambda: self._scopes.read(self._read, scope, day, in_plugin))

    def warm_reports(self, day: Day | None = None) -> dict[str, int]:
        """The graphs of the :data:`READ_AHEAD_PREFECTURES` prefectures with the most
        enterprises, as of ``day`` (today by default, as reports are asked), read and kept
        largest first while they take at most half of what
        :class:`graph.store.neo4j_gds.KeptScopes` keeps: so the first report of a large
        prefecture after a start does not wait for its read (a small one's is quick anyway).
        Nothing without rsn's plugin (no scope is kept then)."""
        if self._scope_stamp() is None:
            return {}
        day = today() if day is None else day
        largest = [record["prefecture"] for record in self._read(cypher.PREFECTURES_BY_SIZE)]
        wanted = largest[:READ_AHEAD_PREFECTURES]
        kept = self._guard(lambda: self._scopes.read_ahead(self._read, wanted, day))
        return {"prefectures": len(kept)}

    def _scope_stamp(self) -> str | None:
        """The server's stamp of every node label and relation type (None without rsn's
        plugin, or where it does not follow the database's changes)."""
        if not self._has_procedure(cypher.STAMP_PROCEDURE):
            return None
        (record,) = self._read(cypher.CHANGE_STAMP, names=cypher.SCOPE_NAMES)
        stamp: str | None = record["stamp"]
        return stamp

    def scope_metrics(
        self, scope: Scope, day: Day | None = None, betweenness: bool = False
    ) -> ScopeMetrics | None:
        """Computed by Graph Data Science when the server has it
        (:class:`graph.store.neo4j_gds.GdsMetrics`) and not turned off; None otherwise."""
        if not self._graph_data_science:
            return None
        return self._guard(lambda: self._gds.scope_metrics(scope, day, betweenness))

    def _on_actor_graph(
        self,
        procedure: str,
        statement: str,
        answer: str,
        scope: Scope,
        day: Day | None,
        **params: Any,
    ) -> neo4j.Record | None:
        """The one record of ``statement``, which calls rsn's ``procedure`` on the actor graph
        of ``scope`` as of ``day`` (its labels and types, as :data:`cypher.SCOPE_BETWEENNESS`
        reads them) with ``params``; None where the store does not use the procedure (the
        server lacks it, or the store was opened with ``procedures=False``) or when the
        record's ``answer`` is null (the procedure could not answer)."""
        if not self._has_procedure(procedure):
            return None
        (record,) = self._read(
            statement,
            labels=cypher.ACTOR_LABELS,
            types=cypher.COUNTED_TYPES,
            prefecture=scope.prefecture,
            day=day or "",
            **params,
        )
        return None if record[answer] is None else record

    def scope_betweenness(
        self, scope: Scope, sources: Sequence[str] | None, day: Day | None = None
    ) -> ScopeBetweenness | None:
        """Summed by rsn's plugin (:data:`cypher.BETWEENNESS_PROCEDURE`) where the server has
        it and the store was not opened with ``procedures=False``; None otherwise."""
        record = self._on_actor_graph(
            cypher.BETWEENNESS_PROCEDURE,
            cypher.SCOPE_BETWEENNESS,
            "totals",
            scope,
            day,
            sources=None if sources is None else list(sources),
        )
        if record is None:
            return None
        return ScopeBetweenness(
            nodes=record["nodes"],
            edges=record["edges"],
            totals=dict(zip(record["ids"], record["totals"], strict=True)),
        )

    def scope_projection(self, scope: Scope, day: Day | None = None) -> ScopeProjection | None:
        """For the whole network, where the server has rsn's plugin (:data:`cypher.
        TIES_PROCEDURE`) and the store was not opened with ``procedures=False``: its nodes
        page by page, its actor graph in the plugin's byte columns (about 40 bytes a tie, where
        its relations one by one take several times more to send and to make into Python
        objects, then to project), and its relations with an asset at an end. None otherwise,
        or when the actor graph's actors are not the nodes read (the graph changed between the
        two reads)."""
        if scope.prefecture is not None or not self._has_procedure(cypher.TIES_PROCEDURE):
            return None
        # the plugin reads (or finds kept) and sends the actor graph while the nodes are read:
        # the server works on both at once, and this process waits on the two sockets (in the
        # caller's context: its language, for the message of a failure)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rsn-ties") as pool:
            sent = pool.submit(
                contextvars.copy_context().run,
                self._read,
                cypher.SCOPE_TIES,
                labels=cypher.ACTOR_LABELS,
                types=cypher.COUNTED_TYPES,
                prefecture=None,
                day=day or "",
                chunk=TIES_CHUNK,
            )
            nodes = read_nodes(self._read, scope, day)
            records = sent.result()
        graph = ties_graph(nodes, records, cypher.COUNTED_TYPES)
        if graph is None:
            return None
        others: list[Relation] = []
        for record in self._read(cypher.ASSET_RELATIONS, labels=cypher.COUNTED_LABELS, **_on(day)):
            others.extend(relations_of(record["relations"]))
        actors, ties = graph
        return ScopeProjection(nodes=nodes, actors=actors, others=others, ties=ties)

    def scope_cuts(self, scope: Scope, day: Day | None = None) -> ScopeCuts | None:
        """Searched by rsn's plugin (:data:`cypher.CUTS_PROCEDURE`) where the server has it
        and the store was not opened with ``procedures=False``; None otherwise."""
        record = self._on_actor_graph(cypher.CUTS_PROCEDURE, cypher.SCOPE_CUTS, "order", scope, day)
        if record is None:
            return None
        order: list[str] = record["order"]
        components: list[list[str]] = []
        starts: list[int] = []  # the place in ``order`` where each part begins
        at = 0
        for size in record["sizes"]:
            components.append(order[at : at + size])
            starts.append(at)
            at += size
        cuts: dict[str, Cut] = {}
        for place, flat in zip(record["cuts"], record["ranges"], strict=True):
            members = components[bisect.bisect_right(starts, place) - 1]
            ranges = tuple(zip(flat[::2], flat[1::2], strict=True))
            cuts[order[place]] = Cut(order[place], members, ranges)
        flat = record["bridges"]
        bridges = [
            (order[u], order[v], side)
            for u, v, side in zip(flat[::3], flat[1::3], flat[2::3], strict=True)
        ]
        return ScopeCuts(
            nodes=record["nodes"],
            edges=record["edges"],
            cuts=cuts,
            bridges=bridges,
            components=components,
        )

    def scope_constraint(
        self, scope: Scope, actors: Sequence[str], day: Day | None = None
    ) -> ScopeConstraint | None:
        """Computed by rsn's plugin (:data:`cypher.CONSTRAINT_PROCEDURE`) where the server
        has it and the store was not opened with ``procedures=False``; None otherwise."""
        record = self._on_actor_graph(
            cypher.CONSTRAINT_PROCEDURE,
            cypher.SCOPE_CONSTRAINT,
            "values",
            scope,
            day,
            actors=list(actors),
        )
        if record is None:
            return None
        values = dict(zip(actors, record["values"], strict=True))
        return ScopeConstraint(nodes=record["nodes"], edges=record["edges"], values=values)

    def scope_reach(
        self,
        scope: Scope,
        sources: Sequence[str],
        max_hops: int,
        wanted: Sequence[str],
        day: Day | None = None,
    ) -> ScopeReach | None:
        """Searched by rsn's plugin (:data:`cypher.REACH_PROCEDURE`) where the server has it
        and the store was not opened with ``procedures=False``; None otherwise."""
        record = self._on_actor_graph(
            cypher.REACH_PROCEDURE,
            cypher.SCOPE_REACH,
            "scores",
            scope,
            day,
            sources=list(sources),
            max_hops=max_hops,
            wanted=list(wanted),
        )
        if record is None:
            return None
        reached = {
            node: (score, hops, origin)
            for node, score, hops, origin in zip(
                wanted, record["scores"], record["hops"], record["origins"], strict=True
            )
            if origin is not None
        }
        return ScopeReach(nodes=record["nodes"], edges=record["edges"], reached=reached)

    def scope_nearest(
        self,
        scope: Scope,
        sources: Sequence[str],
        wanted: Sequence[str],
        blocks: Mapping[str, str],
        day: Day | None = None,
    ) -> ScopeNearest | None:
        """Searched by rsn's plugin (:data:`cypher.NEAREST_PROCEDURE`) where the server has it
        and the store was not opened with ``procedures=False``; None otherwise."""
        record = self._on_actor_graph(
            cypher.NEAREST_PROCEDURE,
            cypher.SCOPE_NEAREST,
            "distances",
            scope,
            day,
            sources=list(sources),
            wanted=list(wanted),
            blocks=dict(blocks),
        )
        if record is None:
            return None
        found = {
            node: (distance, origin, tuple(path))
            for node, distance, origin, path in zip(
                wanted, record["distances"], record["origins"], record["paths"], strict=True
            )
            if origin is not None
        }
        return ScopeNearest(nodes=record["nodes"], edges=record["edges"], found=found)

    @property
    def paths_in_database(self) -> bool:
        """Whether introductions run rsn's procedure (:data:`cypher.PATHS_PROCEDURE`): when
        the server has rsn's plugin, unless the store was opened with ``procedures=False``.
        Asked of the server once."""
        return self._has_procedure(cypher.PATHS_PROCEDURE)

    def _has_procedure(self, name: str) -> bool:
        """Whether the store uses rsn's procedure ``name``: when the server has it, unless the
        store was opened with ``procedures=False``. Asked of the server once."""
        if name not in self._procedures_found:
            self._procedures_found[name] = self._procedures and bool(
                self._read(cypher.HAS_PATHS_PROCEDURE, name=name)[0]["installed"]
            )
        return self._procedures_found[name]

    def warm_up(self) -> dict[str, int]:
        """Get a server that has just started ready for questions, which are asked as of
        today: the first run of each statement an introduction uses is slow (the server plans
        it and compiles the code it runs), so one small question is asked first, about a node
        of each kind with few ties and between one of them and a neighbour (also as a caller
        who does not see the confidential ties, whose statements differ). With rsn's plugin,
        every node's ties are read once before (so the pages the search reads are in the
        page cache), and the biggest hubs' sorted ties as of today are kept in its cache
        (:data:`cypher.WARM_UP`), and in that of the callers who may not see every tie of the
        confidential types, with those apart (:data:`cypher.WARM_UP_SEEN`), and today's
        counts are worked out (``/v1/stats``; the plugin keeps them). Returns how many nodes
        were read, how many hubs and ties are cached (for the callers who see every tie), the
        days of counts kept and how many sample nodes were asked about."""
        day = today()
        read: dict[str, int] = {}
        if self.paths_in_database:
            hidden = _hidden_types(self._confidential_types)
            seeing = {
                "hidden": hidden,
                "owner_key": cypher.OWNER,
                "prefix": cypher.PROVENANCE_PREFIX,
            }
            (record,) = self._read(
                cypher.WARM_UP_SEEN if hidden else cypher.WARM_UP,
                types=cypher.introduction_tie_names(True),
                day=day,
                **(seeing if hidden else {}),
            )
            read.update(nodes=record["nodes"], hubs=record["hubs"], ties=record["ties"])
        samples = [record["id"] for record in self._read(cypher.SAMPLE_NODES)]
        self.get_nodes(samples, day)
        pairs = [
            (relation.source, relation.target)
            for node_id in samples
            for relation in self.ties(node_id, day)
            if relation.type in INTRODUCTION_TIE_TYPES
        ]
        if pairs:
            self.best_paths(*pairs[0], k=3, max_hops=DEFAULT_MAX_HOPS, day=day)
            if _hidden_types(self._confidential_types):
                hiding = Visibility(types=self._confidential_types)
                self.best_paths(*pairs[0], 3, DEFAULT_MAX_HOPS, day, hiding)
        if self._has_procedure(cypher.COUNTS_PROCEDURE):
            self.stats(day)  # today's counts, which the plugin keeps until a write changes them
            read["days of counts"] = 1
        read["samples"] = len(samples)
        return read

    def best_paths(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> list[ScoredPath]:
        """The k best paths, found inside the database, in the graph as of ``day`` (ties
        holding then, between nodes existing then; none unless both ends exist then) that the
        caller of ``visibility`` sees: a confidential tie counts only if an end is one of its
        entitled enterprises or its contributor asserted the tie (it owns it, or holds an
        assertion of it, retracted or not).

        With rsn's plugin (:attr:`paths_in_database`), one call of its procedure, which runs
        the embedded store's exact search next to the data, leaves out the ties the caller
        does not see, and keeps the sorted ties of hubs (per day, with the confidential ones
        apart for the callers who do not see them all) between calls until the next write.
        Without it, one Cypher statement per threshold (:func:`cypher.k_best_paths`), which
        returns exactly the k best paths scoring at least θ: if it holds k, nothing outside it
        can beat them; if it holds fewer, a lower θ is tried, down to 0, which drops nothing.
        So the answer is exact either way. A caller who sees every tie runs the statements
        that do not look at visibility at all.
        """
        dated = day is not None
        seeing = _seeing(visibility)
        if self.paths_in_database:
            records = self._read(
                _PATHS_IN_DATABASE[dated, seeing is not None],
                **_procedure_params(source, target, k, max_hops, day, seeing),
            )
        else:
            records = self._paths_by_thresholds(source, target, k, max_hops, day, seeing)
        paths = [_scored_path(record) for record in records]
        paths.sort(key=ScoredPath.rank)
        return paths[:k]

    def introduction_search(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> IntroductionSearch:
        """With rsn's plugin (:attr:`paths_in_database`), the ends, the paths (as
        :meth:`best_paths` finds them), their nodes and the background of the specialists who
        introduce first, in one statement: one round trip. Without it, the reads of
        :meth:`GraphStore.introduction_search` in turn."""
        if not self.paths_in_database:
            return super().introduction_search(source, target, k, max_hops, day, visibility)
        dated = day is not None
        seeing = _seeing(visibility)
        (record,) = self._read(
            _SEARCH_IN_DATABASE[dated, seeing is not None],
            **_procedure_params(source, target, k, max_hops, day, seeing),
        )
        return _searched(record, k)

    def _paths_by_thresholds(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None,
        seeing: dict[str, Any] | None = None,
    ) -> list[neo4j.Record]:
        """The rows of :func:`cypher.k_best_paths` for the first threshold θ that yields
        ``k`` paths (or for the last, 0); restricted to what a caller sees with ``seeing``
        (:func:`_seeing`)."""
        statement = _paths_statement(max_hops, day is not None, seeing is not None)
        records: list[neo4j.Record] = []
        short = SHORT_PATH_THRESHOLDS if seeing is None else SHORT_PATH_THRESHOLDS_SEEING_LESS
        thresholds = short if max_hops <= 4 else LONG_PATH_THRESHOLDS
        for theta in thresholds:
            records = self._read(
                statement,
                source=source,
                target=target,
                k=k,
                theta=theta,
                floor=theta * (1.0 - SLACK),
                **({"seeing": seeing} if seeing else {}),
                **_on(day),
            )
            if len(records) >= k:
                break
        return records

    def centres_with_expertise(
        self, need: str, day: Day | None = None
    ) -> list[tuple[Node, list[str]]]:
        (record,) = self._read(cypher.CENTRES_WITH_EXPERTISE, need=need, **_on(day))
        rows = record["centres"]
        centres = scope_nodes(NodeKind.CENTRE, (row[0] for row in rows))
        return [(centre, row[1]) for centre, row in zip(centres, rows, strict=True)]

    # -- provenance --------------------------------------------------------------------

    def _relation_kinds(self, records: Iterable[str]) -> dict[_Kinds, list[tuple[str, str]]]:
        """The (source, target) of each relation record among ``records`` whose ends exist,
        by type and the kinds of its ends; a text that names no relation is left out."""
        keys = []
        for record in records:
            try:
                keys.append(relation_key_of(record))
            except ValueError:
                continue
        kinds = self.node_kinds(end for source, _type, target in keys for end in (source, target))
        grouped: dict[_Kinds, list[tuple[str, str]]] = defaultdict(list)
        for source, kind, target in keys:
            if source in kinds and target in kinds:
                grouped[kind, kinds[source], kinds[target]].append((source, target))
        return grouped

    def provenance(self, records: Iterable[str]) -> dict[str, list[Assertion]]:
        wanted = list(dict.fromkeys(records))
        found: dict[str, list[Assertion]] = {}
        nodes = [record for record in wanted if not is_relation_record(record)]
        if nodes:
            for record in self._read(cypher.PROVENANCE_OF_NODES, ids=nodes):
                assertions = _node_assertions(record["id"], record["kind"], record["props"])
                if assertions:
                    found[record["id"]] = assertions
        grouped = self._relation_kinds(r for r in wanted if is_relation_record(r))
        for (kind, source, target), pairs in grouped.items():
            rows = [{"source": s, "target": t} for s, t in pairs]
            for record in self._read(
                cypher.provenance_of_relations(kind, source, target), rows=rows
            ):
                assertions = _relation_assertions(
                    record["source"], kind, record["target"], record["relation"]
                )
                if assertions:
                    found[f"{record['source']} {kind.value} {record['target']}"] = assertions
        return {record: found[record] for record in wanted if record in found}

    def _provenance_from(self, kind: NodeKind) -> Iterator[tuple[str, Assertion]]:
        """The assertions of the nodes of ``kind`` and of their outgoing relations, in
        (record, contributor) order: a node's records all start with its id, and the page
        goes in id order (ids hold no space, so "E1 ..." comes before "E10")."""
        after = ""
        while True:
            page = self._read(cypher.provenance_page(kind), after=after, limit=PAGE)
            if not page:
                return
            found: list[tuple[str, Assertion]] = []
            for record in page:
                node_id = record["id"]
                for assertion in _node_assertions(node_id, kind.value, record["props"]):
                    found.append((node_id, assertion))
                for type_name, target, *relation in record["out"]:
                    relation_type = RelationType(type_name)
                    name = f"{node_id} {type_name} {target}"
                    for assertion in _relation_assertions(node_id, relation_type, target, relation):
                        found.append((name, assertion))
            found.sort(key=lambda pair: (pair[0], pair[1].contributor))
            yield from found
            if len(page) < PAGE:
                return
            after = max(record["id"] for record in page)

    def iter_provenance(self) -> Iterator[tuple[str, Assertion]]:
        streams = [self._provenance_from(kind) for kind in NodeKind]
        yield from heapq.merge(*streams, key=lambda pair: (pair[0], pair[1].contributor))

    def standing_records(self, contributor: str) -> set[str]:
        """Raises ValueError for a name that is not a contributor's."""
        key = cypher.provenance_key(contributor)
        found: set[str] = set()
        for statement in (cypher.STANDING_NODES, cypher.STANDING_RELATIONS):
            for record in self._read(statement, key=key):
                found.update(record["records"])
        return found

    def contributors(self) -> list[ContributorSummary]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        last: dict[str, str] = defaultdict(str)
        for index, statement in enumerate(
            (cypher.CONTRIBUTIONS_OF_NODES, cypher.CONTRIBUTIONS_OF_RELATIONS)
        ):
            for record in self._read(statement):
                name = record["contributor"]
                counts[name][index] += record["standing"]
                times = [record["seen_text"], record["retracted"], last[name]]
                if record["seen"] is not None:
                    times.append(_stamp_text(record["seen"]))
                last[name] = max(time or "" for time in times)
        return [
            ContributorSummary(name, nodes, relations, last[name] or None)
            for name, (nodes, relations) in sorted(counts.items())
        ]

    # -- merges --------------------------------------------------------------------------

    def aliases(self) -> dict[str, str]:
        return {record["merged"]: record["kept"] for record in self._read(cypher.ALIASES)}

    def merges(self) -> list[MergeRecord]:
        return [
            MergeRecord(
                id=record["id"],
                keep=record["kept"],
                merge=record["merged"],
                by=record["merged_by"],
                at=record["at"],
                reason=record["reason"],
                score=None if record["score"] is None else float(record["score"]),
                undone_at=record["undone_at"],
            )
            for record in self._read(cypher.MERGES)
        ]

    def merge_snapshot(self, merge_id: str) -> str | None:
        records = self._read(cypher.MERGE_SNAPSHOT, id=merge_id)
        return _unpacked_snapshot(merge_id, records[0]["snapshot"]) if records else None

    # -- referrals -----------------------------------------------------------------------

    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        records = self._write(cypher.CREATE_REFERRAL, row=_referral_row(referral))
        if not records:
            raise NotFound(
                _("the referral names a centre or an enterprise that is not in the store")
            )
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
        if centre is None:
            records = self._read(cypher.ALL_REFERRALS)
        else:
            records = self._read(
                cypher.LIST_REFERRALS, centre=centre, received=box != "outbox", sent=box != "inbox"
            )
        return [_referral_of(record["referral"]) for record in records]

    def open_referrals_sent(self, from_centre: str, enterprise: str, need: str) -> list[Referral]:
        records = self._read(
            cypher.OPEN_REFERRALS_SENT,
            centre=from_centre,
            enterprise=enterprise,
            need=need,
            open=list(OPEN_STATUS_VALUES),
        )
        return [_referral_of(record["referral"]) for record in records]

    def received_records(self, centres: Iterable[str]) -> dict[str, ReceivedRecord]:
        wanted = list(dict.fromkeys(centres))
        records = self._read(cypher.RECEIVED_REFERRALS, centres=wanted)
        rows = (
            (record["centre"], record["status"], record["created_at"], record["history"])
            for record in records
        )
        return received_records(wanted, rows)

    def completed_with(self, centre: str) -> dict[str, int]:
        records = self._read(
            cypher.COMPLETED_WITH, centre=centre, completed=ReferralStatus.COMPLETED.value
        )
        counts: dict[str, int] = {}
        for record in records:
            counts[record["other"]] = counts.get(record["other"], 0) + record["count"]
        return counts

    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        record = to_record(moved)
        move = {
            "id": moved.id,
            "expected": expected.value,
            "status": record["status"],
            "history": record["history"],
            "completed_on": _completed_on(moved),
        }

        def work(run: Run) -> list[neo4j.Record]:
            """The guarded move and, when it completed the referral, the tie between the
            two centres refreshed, in one transaction."""
            records = run(cypher.MOVE_REFERRAL, move)
            if records and moved.status is ReferralStatus.COMPLETED:
                run(cypher.REFRESH_REFERRAL_TIES, _ties_to_refresh([moved]))
            return records

        records = self._write_unit(work)
        if not records:
            if self.get_referral(moved.id) is None:
                raise NotFound(_("no referral with id {id!r}", id=moved.id))
            raise Conflict(_("referral {id} was moved by someone else; reload it", id=moved.id))
        return moved

    # -- life --------------------------------------------------------------------------

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._driver.close()
