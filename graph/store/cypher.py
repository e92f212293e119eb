"""Every Cypher statement rsn runs, as named constants and small builders.

Values only ever travel as ``$parameters``. Labels and relationship types cannot be
parameters in Cypher, so they come only from the model's enums: :func:`label` and
:func:`rel_type` refuse anything else before it is spliced into a statement. The property key
of a contributor's assertions (:func:`provenance_key`) is a parameter (``x[$key]``) wherever
speed does not matter; the statements of a load splice it (:func:`key_property`, which refuses
anything but the key of a well-formed contributor's name), since a property the planner cannot
name makes it hold every row of a batch before writing any (an Eager step), which makes loads
several times slower and lets two sessions deadlock.

Provenance lives on the records themselves. Each contributor's assertion of a node or a
relationship is one property of it, ``prov.<contributor>``; the property ``prov`` names the
*owner*, the contributor whose values the record holds (it wrote them last). Contributors write
different keys, so two writing the same record at once lose nothing, and reads of a record's
own properties leave these keys out. An assertion is kept in one of three forms:

- ``stamp`` or ``[recorded_at, last_seen]``: standing, with the record's own values; only the
  owner's may be so (*implicit*);
- ``[recorded_at, last_seen, retracted_at, values]``, texts (``retracted_at`` is ``''`` while
  it stands, ``values`` is :func:`graph.provenance.values_text`): any other (*explicit*).

A time is the number of microseconds since 1970 when it is written as rsn writes times
(:func:`graph.valid_time.now_stamp`), else its text. A load writes one small number more per
record, where a copy of its values would slow it by a fifth; before a record's values change
under another owner, that one's implicit assertion is made explicit (:func:`upsert_nodes`
leaves such records to the caller, which does it in Python).

Valid time: statements that read the graph take ``$day`` (``YYYY-MM-DD``, or null for the whole
history) and ``$year`` (the day's year): a node exists on the day unless it was founded in a
later year or ``ended`` on or before it, a relationship holds unless its ``since`` is after the
day or its ``until`` on or before it (:mod:`graph.valid_time`).
"""

from __future__ import annotations

from graph.model import ACTOR_KINDS, INTRODUCTION_TIE_TYPES, MAX_HOPS_LIMIT, NodeKind, RelationType
from graph.provenance import check_contributor
from graph.rows import node_columns
from graph.store.referral_records import REFERRAL_FIELDS

__all__ = [
    "label",
    "rel_type",
    "provenance_key",
    "key_property",
    "PROVENANCE_PREFIX",
    "OWNER",
    "schema_statements",
    "upsert_nodes",
    "REMOVE_PROPERTIES",
    "upsert_relations",
    "upsert_relations_by_element",
    "update_relations_by_element",
    "move_ties",
    "put_relations",
    "put_relations_by_element",
    "NODE_ELEMENTS",
    "PREFECTURES_BY_SIZE",
    "NODE_KINDS",
    "GET_NODES",
    "ties_of",
    "ties_with_provenance",
    "held_ties",
    "CLIENTS",
    "STATS",
    "STATS_ON",
    "COUNTS_PROCEDURE",
    "COUNTS_ON",
    "COUNTED_LABELS",
    "COUNTED_TYPES",
    "DERIVED_TIES",
    "REFERRALS_BY_REQUEST",
    "nodes_page",
    "relations_page",
    "scope_nodes",
    "scope_relations",
    "actor_lives",
    "tie_lives",
    "BOUNDARY_RELATIONS",
    "INTRODUCTION_TIES",
    "RELATION_TYPES",
    "LOCK_NODES",
    "lock_relations",
    "WRITE_NODES",
    "WRITE_RELATIONS",
    "RESTORE_NODES",
    "restore_relations",
    "PROVENANCE_OF_NODES",
    "provenance_of_relations",
    "provenance_page",
    "STANDING_NODES",
    "STANDING_RELATIONS",
    "CONTRIBUTIONS_OF_NODES",
    "CONTRIBUTIONS_OF_RELATIONS",
    "MIGRATED",
    "MARK_MIGRATED",
    "ANY_NODE",
    "assert_legacy_nodes",
    "assert_legacy_relations",
    "LEGACY_COMPLETED_REFERRALS",
    "SET_COMPLETED_ON",
    "ALL_REFERRAL_PAIRS",
    "UPSERT_REFERRALS",
    "CREATE_REFERRAL",
    "GET_REFERRAL",
    "LIST_REFERRALS",
    "ALL_REFERRALS",
    "RECEIVED_REFERRALS",
    "COMPLETED_WITH",
    "MOVE_REFERRAL",
    "REFRESH_REFERRAL_TIES",
    "CENTRES_WITH_EXPERTISE",
    "introduction_ties",
    "introduction_tie_names",
    "k_best_paths",
    "k_best_paths_in_database",
    "PATHS_PROCEDURE",
    "HAS_PATHS_PROCEDURE",
    "INTRODUCTION_TIE_NAMES",
    "K_BEST_PATHS_IN_DATABASE",
    "BACKGROUND_TYPES",
    "introduction_search_in_database",
    "WARM_UP",
    "WARM_UP_SEEN",
    "SAMPLE_NODES",
    "MERGE_LABEL",
    "DELETE_NODES",
    "delete_relations",
    "RECORD_MERGE",
    "UNDO_MERGE",
    "MERGE_CLASH",
    "ALIASES",
    "MERGES",
    "MERGE_SNAPSHOT",
    "KEY_SCHEMA",
    "DELETE_SESSIONS_OF_KEY_NAMED",
    "DELETE_KEY_NAMED",
    "CREATE_KEY",
    "KEYS",
    "KEY_BY_ID",
    "REVOKE_KEY",
    "ADOPT_KEYS",
    "ANY_KEY_OR_ENTRY",
    "END_SESSIONS_BEFORE",
    "CREATE_SESSION",
    "SESSION_KEY",
    "DELETE_SESSION",
    "COUNT_UP",
    "AUDIT_IDS_HELD",
    "APPEND_AUDIT",
    "AUDIT_ENTRIES",
    "NEWEST_AUDIT_ENTRIES",
    "SCOPE_COLUMNS",
    "scope_node_columns",
    "node_columns_page",
    "relation_columns_page",
    "RELATION_COLUMNS",
    "RELATION_COLUMNS_PROCEDURE",
    "REACH_PROCEDURE",
    "NEAREST_PROCEDURE",
    "SCOPE_NEAREST",
    "SCOPE_REACH",
    "CUTS_PROCEDURE",
    "SCOPE_CUTS",
    "CONSTRAINT_PROCEDURE",
    "SCOPE_CONSTRAINT",
    "TIES_PROCEDURE",
    "SCOPE_TIES",
    "ASSET_RELATIONS",
    "SCOPE_RELATIONS_AND_BOUNDARY",
    "GDS_PROCEDURES",
    "HAS_GDS",
    "gds_project_scope",
    "GDS_ARTICULATION_POINTS",
    "GDS_BRIDGES",
    "GDS_BETWEENNESS",
    "GDS_DROP",
    "KEPT_PLAN",
]

#: The prefix of a statement that keeps its plan once made (``CYPHER replan=skip``). Neo4j
#: plans a statement again whenever the counts it was planned with have moved far, and the
#: referrals and the ties they make move fast in a new or busy deployment: one referral more
#: could make a dozen statements wait for new plans at the same moment (up to a few tenths
#: of a second of the server's CPU each), and every request on the server with them. The
#: statements that take it find each node by a unique id or an index whatever the counts
#: (the tests check their plans on an empty database), so the first plan stays right.
KEPT_PLAN = "CYPHER replan=skip "


def label(kind: NodeKind) -> str:
    """The label of ``kind``, quoted; raises ValueError for anything not a NodeKind."""
    if not isinstance(kind, NodeKind):
        raise ValueError(f"refusing to use {kind!r} as a label: it is not a node kind")
    return f"`{kind.value}`"


def rel_type(kind: RelationType) -> str:
    """The relationship type of ``kind``, quoted; raises ValueError for anything else."""
    if not isinstance(kind, RelationType):
        raise ValueError(f"refusing to use {kind!r} as a relationship type: it is not one")
    return f"`{kind.value}`"


#: The start of the property key of every assertion (see the module's docstring).
PROVENANCE_PREFIX = "prov."


def provenance_key(contributor: str) -> str:
    """The property key of ``contributor``'s assertions, passed as ``$key``; raises ValueError
    for a name that is not a contributor's."""
    return PROVENANCE_PREFIX + check_contributor(contributor)


def key_property(key: str) -> str:
    """The assertion key ``key`` (of :func:`provenance_key`) quoted as a property name, to
    splice into a statement; raises ValueError for anything else."""
    if not key.startswith(PROVENANCE_PREFIX):
        raise ValueError(f"refusing to use {key!r} as a property: it is no assertion's key")
    check_contributor(key[len(PROVENANCE_PREFIX) :])
    return f"`{key}`"


#: The assertions of record ``x`` (a node or a relationship) as a list of [key, assertion].
def _assertions(x: str) -> str:
    return f"[k IN keys({x}) WHERE k STARTS WITH '{PROVENANCE_PREFIX}' | [k, {x}[k]]]"


#: Take the write lock of ``x`` before reading what the statement then decides on: a
#: property set and removed at once changes nothing, but the lock stays until the commit.
def _lock(x: str) -> str:
    return f"SET {x}.`_rsn_lock` = true REMOVE {x}.`_rsn_lock` "


def _exists(n: str) -> str:
    """Whether node ``n`` exists on ``$day`` (always for a null day)."""
    return (
        f"($day IS NULL OR (({n}.founded IS NULL OR {n}.founded <= $year) "
        f"AND ({n}.ended IS NULL OR {n}.ended > $day)))"
    )


def _holds(r: str) -> str:
    """Whether relationship ``r`` holds on ``$day`` (always for a null day)."""
    return (
        f"($day IS NULL OR (({r}.since IS NULL OR {r}.since <= $day) "
        f"AND ({r}.until IS NULL OR {r}.until > $day)))"
    )


#: Every relation type of the dataset, as a relationship type expression (``A|B|...``), so
#: that generic reads never pick up the links that tie referrals to their centres.
RELATION_TYPES = "|".join(rel_type(kind) for kind in RelationType)

#: Referrals completed between two centres make a tie between them, for introductions to
#: walk (from the smaller id to the larger), which strengthens with each completion. It is
#: kept as one relationship per strength it has had: ``since`` the day it took that strength
#: and ``until`` the day it took the next, and ``first`` the day the first referral completed.
#: The current one, with no ``until``, is a REFERRAL_TIE; the earlier ones are
#: REFERRAL_TIE_EARLIER, which only questions about a day walk. It is derived from the
#: referrals, so it is never exported or loaded, and is counted apart from the dataset's
#: relations; paths and :data:`DERIVED_TIES` report it as a collaboration.
REFERRAL_TIE_NAME = "REFERRAL_TIE"
REFERRAL_TIE = f"`{REFERRAL_TIE_NAME}`"
REFERRAL_TIE_EARLIER_NAME = "REFERRAL_TIE_EARLIER"
REFERRAL_TIE_EARLIER = f"`{REFERRAL_TIE_EARLIER_NAME}`"
_ANY_REFERRAL_TIE = f"{REFERRAL_TIE}|{REFERRAL_TIE_EARLIER}"


def _referral_tie_holds(t: str) -> str:
    """Whether referral tie ``t`` (of either type) holds on ``$day``: for a null day, the
    current one."""
    return f"(type({t}) = '{REFERRAL_TIE_NAME}' OR $day IS NOT NULL) AND {_holds(t)}"


#: The name of the index whose presence records that a database needs no migration to
#: provenance: an index (on a label no node has), not a node, so that nothing in the graph
#: shows it. A database made anew (``neo4j-admin database import``) has none.
MIGRATION_MARK = "rsn_provenance_migrated"


def schema_statements() -> list[str]:
    """Constraints and indexes, safe to run again: id unique per label, prefecture indexed."""
    statements = []
    for kind in NodeKind:
        name = kind.value.lower()
        statements.append(
            f"CREATE CONSTRAINT {name}_id IF NOT EXISTS "
            f"FOR (n:{label(kind)}) REQUIRE n.id IS UNIQUE"
        )
        statements.append(
            f"CREATE INDEX {name}_prefecture IF NOT EXISTS FOR (n:{label(kind)}) ON (n.prefecture)"
        )
    statements += [
        "CREATE CONSTRAINT referral_id IF NOT EXISTS FOR (r:Referral) REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT referral_request IF NOT EXISTS "
        "FOR (r:Referral) REQUIRE r.request_id IS UNIQUE",
        "CREATE INDEX referral_to IF NOT EXISTS FOR (r:Referral) ON (r.to_centre)",
        "CREATE INDEX referral_from IF NOT EXISTS FOR (r:Referral) ON (r.from_centre)",
        f"CREATE CONSTRAINT rsn_merge_id IF NOT EXISTS "
        f"FOR (m:{MERGE_LABEL}) REQUIRE m.id IS UNIQUE",
        f"CREATE INDEX rsn_merge_merged IF NOT EXISTS FOR (m:{MERGE_LABEL}) ON (m.merged)",
    ]
    return statements


# -- writing the graph -----------------------------------------------------------------

#: The property naming a record's owner (see the module's docstring).
OWNER = "prov"


def _mine(x: str, key: str | None) -> str:
    """Whether a write by ``$owner`` (null: a write that asserts nothing) may go to record
    ``x`` straight: it has no owner, or it is the writer's, and the assertion ``key`` (if
    any) can be renewed at ``$at`` in Cypher (not when ``$at`` is a text and the record keeps
    it as numbers)."""
    owned = f"({x}.{OWNER} IS NULL OR {x}.{OWNER} = $owner)"
    if key is None:
        return owned
    name = f"{x}.{key_property(key)}"
    return (
        f"({owned} AND ($at IS :: INTEGER NOT NULL OR NOT ({name} IS :: INTEGER NOT NULL "
        f"OR {name} IS :: LIST<INTEGER NOT NULL> NOT NULL)))"
    )


def _renew(x: str, key: str | None) -> str:
    """``, x.key = ..., x.prov = $owner``: renew (or make) the assertion ``key`` of record
    ``x`` at ``$at`` (``$at_text``, its text), implicit, first recorded as it was, and make the
    writer the owner; nothing for None. Only where :func:`_mine` holds."""
    if key is None:
        return ""
    name = f"{x}.{key_property(key)}"
    return (
        f", {name} = CASE WHEN {name} IS NULL THEN $at "
        f"WHEN {name} IS :: INTEGER NOT NULL "
        f"THEN CASE WHEN {name} = $at THEN $at ELSE [{name}, $at] END "
        f"WHEN {name} IS :: LIST<INTEGER NOT NULL> NOT NULL THEN [{name}[0], $at] "
        f"WHEN {name} IS :: STRING NOT NULL "
        f"THEN CASE WHEN {name} = $at_text THEN $at_text ELSE [{name}, $at_text] END "
        f"ELSE [{name}[0], $at_text] END, {x}.{OWNER} = $owner"
    )


def _when(condition: str, writes: str) -> str:
    """``writes`` (SET clauses without the SET) done only where ``condition`` holds."""
    return f"FOREACH (_ IN CASE WHEN {condition} THEN [1] ELSE [] END | SET {writes}) "


def upsert_nodes(kind: NodeKind, key: str | None = None) -> str:
    """Create or update nodes of ``kind`` from ``$rows`` of ``{id, props}``, written by
    ``$owner`` with its assertion ``key`` (at ``$at``), or asserting nothing (``key`` and
    ``$owner`` null). Each node is locked before its owner is read, so a write of another
    contributor at the same time cannot come between.

    ``props`` holds id, name and every other property, a null for each the node is not to
    have, and is added to what was there (the assertions kept on the node stay). A node that
    another owns (or whose assertion cannot be renewed here) is left as it was. Returns one
    row: the ids and their element ids, as two lists (one row decodes far faster than
    thousands); ``contested``, the ids of the nodes left; and ``extra``, for each node the
    properties it has that ``props`` does not name (to remove with
    :data:`REMOVE_PROPERTIES`).
    """
    return (
        f"UNWIND $rows AS row MERGE (n:{label(kind)} {{id: row.id}}) "
        "ON CREATE SET n.`_rsn_created` = true "
        "WITH row, n, n.`_rsn_created` IS NOT NULL AS created REMOVE n.`_rsn_created` "
        + _lock("n")
        + f"WITH row, n, created, {_mine('n', key)} AS mine "
        + _when("mine", "n += row.props" + _renew("n", key))
        + "RETURN collect(row.id) AS ids, collect(elementId(n)) AS elements, "
        "collect(CASE WHEN created THEN row.id END) AS created, "
        "collect(CASE WHEN mine THEN null ELSE row.id END) AS contested, "
        "collect(CASE WHEN mine THEN [k IN keys(n) WHERE NOT k IN keys(row.props) "
        f"AND k <> '{OWNER}' AND NOT k STARTS WITH '{PROVENANCE_PREFIX}'] ELSE [] END) AS extra"
    )


#: Remove from each node of ``$rows`` of ``{element, keys}`` (by element id) those properties.
REMOVE_PROPERTIES = (
    "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.element "
    "FOREACH (k IN row.keys | REMOVE n[k])"
)


_SET_RELATION = "r.strength = row.strength, r.since = row.since, r.until = row.until"


def _created(kind: RelationType, key: str | None) -> str:
    """Merge relationship ``r`` of ``kind`` from ``a`` to ``b`` for each ``row``: one made now
    gets the row's values, with the writer as its owner and its assertion ``key`` made at
    ``$at`` (or none for None); one that was there is left as it was (its owner is not read
    here: a MERGE reads the properties of what it finds before it locks it), for the caller
    to write after locking it. Rows ``row``, ``r``, ``created``."""
    owned = f", r.{key_property(key)} = $at, r.{OWNER} = $owner" if key is not None else ""
    return (
        f"MERGE (a)-[r:{rel_type(kind)}]->(b) "
        f"ON CREATE SET {_SET_RELATION}{owned}, r.`_rsn_created` = true "
        "WITH row, r, r.`_rsn_created` IS NOT NULL AS created REMOVE r.`_rsn_created` "
    )


def upsert_relations(
    kind: RelationType, source: NodeKind, target: NodeKind, key: str | None = None
) -> str:
    """Create relations from ``$rows`` of ``{i, source, target, strength, since, until}``,
    found by their ends' ids, as the writer ``$owner`` asserts them (``key``, at ``$at``;
    nothing when None); those that exist are left (see :func:`_created`). One row:
    ``contested``, the ``i`` of those that existed."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}}) "
        f"MATCH (b:{label(target)} {{id: row.target}}) "
        + _created(kind, key)
        + "RETURN collect(CASE WHEN created THEN null ELSE row.i END) AS contested"
    )


def _by_element(source: NodeKind, target: NodeKind) -> str:
    """Rows ``row``, ``a``, ``b``: the ends of each of ``$rows`` found by element id (``row.a``,
    ``row.b``), which is a direct seek rather than an index look-up (``coalesce(a.id, '')``,
    the same as ``a.id`` for ids are never null, keeps the planner from turning the check
    back into one, and reads one property where ``properties(a)`` would read them all). An
    end whose element id no longer holds that node (label and id are checked) matches
    nothing."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a) WHERE elementId(a) = row.a "
        f"MATCH (b) WHERE elementId(b) = row.b "
        f"WITH row, a, b WHERE a:{label(source)} AND coalesce(a.id, '') = row.source "
        f"AND b:{label(target)} AND coalesce(b.id, '') = row.target "
    )


def upsert_relations_by_element(
    kind: RelationType, source: NodeKind, target: NodeKind, key: str | None = None
) -> str:
    """:func:`upsert_relations` finding the ends by element id (see :func:`_by_element`).
    ``written`` counts the rows that found both ends, so the caller can send the others by
    id; ``contested`` as there."""
    return (
        _by_element(source, target) + _created(kind, key) + "RETURN count(*) AS written, "
        "collect(CASE WHEN created THEN null ELSE row.i END) AS contested"
    )


def update_relations_by_element(
    kind: RelationType, source: NodeKind, target: NodeKind, key: str | None = None
) -> str:
    """:func:`upsert_relations_by_element` for the relations that exist and are the writer's
    to write (:func:`_mine`, read once it is locked), only: any other is left alone. It locks
    only the relationships it writes (a MERGE locks both ends first, and two sessions writing
    ties of the same hubs then deadlock). Rows carry ``i``; returns one row, ``updated``: the
    ``i`` of those written."""
    return (
        _by_element(source, target)
        + f"CALL (a, b) {{ MATCH (a)-[r:{rel_type(kind)}]->(b) RETURN r }} "
        + _lock("r")
        + f"WITH row, r WHERE {_mine('r', key)} "
        f"SET {_SET_RELATION}{_renew('r', key)} "
        "RETURN collect(row.i) AS updated"
    )


def _union_by_label(body: str) -> str:
    """A ``CALL`` subquery that finds node ``n`` with id ``id`` under each label in turn."""
    parts = [
        f"MATCH (n:{label(kind)} {{id: id}}) RETURN n, '{kind.value}' AS kind {body}"
        for kind in NodeKind
    ]
    return "CALL (id) { " + " UNION ALL ".join(parts) + " }"


#: The prefectures, those with the most enterprises first (by the prefecture index).
PREFECTURES_BY_SIZE = (
    f"MATCH (n:{label(NodeKind.ENTERPRISE)}) WHERE n.prefecture IS NOT NULL "
    "RETURN n.prefecture AS prefecture, count(*) AS enterprises "
    "ORDER BY enterprises DESC, prefecture"
)

#: The kind and element id of each id in ``$ids`` that exists, as three lists in one row.
NODE_ELEMENTS = (
    "UNWIND $ids AS id "
    + _union_by_label("")
    + " RETURN collect(id) AS ids, collect(kind) AS kinds, collect(elementId(n)) AS elements"
)

#: The kind of each id in ``$ids`` that exists on ``$day``, as two lists in one row.
NODE_KINDS = (
    "UNWIND $ids AS id " + _union_by_label("") + f" WITH id, n, kind WHERE {_exists('n')} "
    "RETURN collect(id) AS ids, collect(kind) AS kinds"
)

#: Each node of ``$ids`` that exists on ``$day``, with its kind and properties (its
#: assertions among them, for the caller to leave out), as three lists in one row.
GET_NODES = (
    "UNWIND $ids AS id " + _union_by_label("") + f" WITH id, n, kind WHERE {_exists('n')} "
    "RETURN collect(id) AS ids, collect(kind) AS kinds, collect(properties(n)) AS props"
)


def ties_of(kind: NodeKind, types: frozenset[RelationType] | None = None) -> str:
    """Every relation touching the node ``$id`` of ``kind`` (of ``types`` only, when given:
    at least one) that holds on ``$day`` between two nodes existing then; one row when the
    node exists, ``relations``, a list of [source, type, target, strength, since, until]
    (one Bolt record for a hub too)."""
    wanted = RELATION_TYPES
    if types is not None:
        wanted = "|".join(rel_type(each) for each in sorted(types, key=lambda t: t.value))
    return (
        f"MATCH (n:{label(kind)} {{id: $id}}) WHERE {_exists('n')} "
        f"RETURN [(n)-[r:{wanted}]-(m) WHERE {_holds('r')} AND {_exists('m')} "
        "| [startNode(r).id, type(r), endNode(r).id, r.strength, r.since, r.until]] "
        "AS relations"
    )


#: The enterprises the centre ``$id`` supports on ``$day`` (every one for a null day); one
#: row when the centre exists: ``ids``.
CLIENTS = (
    f"MATCH (c:{label(NodeKind.CENTRE)} {{id: $id}}) "
    f"RETURN [(c)-[r:{rel_type(RelationType.SUPPORTS)}]->(e:{label(NodeKind.ENTERPRISE)}) "
    f"WHERE {_holds('r')} AND {_exists('e')} | e.id] AS ids"
)


def ties_with_provenance(kind: NodeKind, among: bool = False) -> str:
    """Every relation touching the node ``$id`` of ``kind``, over the whole history (with
    ``among``, only those whose other end's id is in the list ``$others``), with its owner
    and assertions; one row when the node exists: ``ties``, a list of [source, type, target,
    strength, since, until, owner, assertions] (one row, so that a node with thousands of
    ties is one Bolt record)."""
    where = "WHERE m.id IN $others " if among else ""
    return (
        f"MATCH (n:{label(kind)} {{id: $id}}) "
        f"RETURN [(n)-[r:{RELATION_TYPES}]-(m) {where}"
        f"| [startNode(r).id, type(r), endNode(r).id, {_RELATION_PROVENANCE}]] AS ties"
    )


def held_ties(kind: NodeKind, among: bool = False) -> str:
    """:func:`ties_with_provenance` in a writing unit, with the node and each of the ties
    read locked first (see :func:`_lock`) until the unit ends: a tie can be neither made
    nor deleted at a locked node, nor a locked tie changed, by another writer meanwhile.
    One row when the node exists: ``ties``, as there."""
    where = "WHERE m.id IN $others " if among else ""
    return (
        f"MATCH (n:{label(kind)} {{id: $id}}) "
        + _lock("n")
        + f"WITH n OPTIONAL MATCH (n)-[r:{RELATION_TYPES}]-(m) {where}"
        + "FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [r] END | "
        + _lock("x")
        + ") "
        + f"WITH collect(CASE WHEN r IS NULL THEN null ELSE "
        f"[startNode(r).id, type(r), endNode(r).id, {_RELATION_PROVENANCE}] END) AS ties "
        "RETURN ties"
    )


#: One row: ``nodes`` maps each node kind to its count, ``relations`` each relation type, and
#: ``derived`` is the number of referral ties (pairs of centres), over the whole history.
#: ``COUNT { }`` of one label or one type is read from the count store, so this costs the same
#: at any size (an aggregation inside a ``UNION`` would scan every node and relationship).
STATS = (
    "RETURN {"
    + ", ".join(f"{label(kind)}: COUNT {{ MATCH (:{label(kind)}) }}" for kind in NodeKind)
    + "} AS nodes, {"
    + ", ".join(
        f"{rel_type(kind)}: COUNT {{ MATCH ()-[:{rel_type(kind)}]->() }}" for kind in RelationType
    )
    + "} AS relations, "
    + f"COUNT {{ MATCH ()-[:{REFERRAL_TIE}]->() }} AS derived"
)

#: :data:`STATS` as of ``$day``: the nodes that exist then, and the relationships that hold
#: then between two of them (a scan of each label and type).
STATS_ON = (
    "RETURN {"
    + ", ".join(
        f"{label(kind)}: COUNT {{ MATCH (n:{label(kind)}) WHERE {_exists('n')} }}"
        for kind in NodeKind
    )
    + "} AS nodes, {"
    + ", ".join(
        f"{rel_type(kind)}: COUNT {{ MATCH (a)-[r:{rel_type(kind)}]->(b) "
        f"WHERE {_holds('r')} AND {_exists('a')} AND {_exists('b')} }}"
        for kind in RelationType
    )
    + "} AS relations, "
    + f"COUNT {{ MATCH (a)-[t:{_ANY_REFERRAL_TIE}]->(b) WHERE {_referral_tie_holds('t')} "
    f"AND {_exists('a')} AND {_exists('b')} }} AS derived"
)

#: The name of rsn's procedure that counts the graph as of a day, which the server has when
#: rsn's plugin is installed.
COUNTS_PROCEDURE = "rsn.countsOn"

#: :data:`STATS_ON` by rsn's procedure (pass ``$labels`` = :data:`COUNTED_LABELS` and
#: ``$types`` = :data:`COUNTED_TYPES`): the same counts but the referral ties, read by the
#: store's cursors and kept until a write changes those labels or types; the referral ties,
#: which every completed referral changes, are counted apart in the same statement. One
#: row: ``nodes`` by label, ``relationships`` by type and ``derived``.
COUNTS_ON = (
    KEPT_PLAN + f"CALL {COUNTS_PROCEDURE}($labels, $types, $day) YIELD nodes, relationships "
    "RETURN nodes, relationships, "
    f"COUNT {{ MATCH (a)-[t:{_ANY_REFERRAL_TIE}]->(b) WHERE {_referral_tie_holds('t')} "
    f"AND {_exists('a')} AND {_exists('b')} }} AS derived"
)
COUNTED_LABELS = [kind.value for kind in NodeKind]
COUNTED_TYPES = [kind.value for kind in RelationType]

#: The name of rsn's procedure that gives a stamp of labels and relationship types, which
#: stays the same while no transaction changes them (null where the server's plugin does
#: not follow the database's changes).
STAMP_PROCEDURE = "rsn.changeStamp"
CHANGE_STAMP = f"CALL {STAMP_PROCEDURE}($names) YIELD stamp RETURN stamp"
#: What a scope's read depends on: the nodes of every kind and the relations of every type
#: (referral ties are read apart).
SCOPE_NAMES = COUNTED_LABELS + COUNTED_TYPES

#: The referral ties of the centre ``$id`` on ``$day`` (both centres existing then): rows
#: ``source``, ``target`` (the smaller id first), ``strength`` and ``since`` (the day the
#: first of their referrals completed).
DERIVED_TIES = (
    KEPT_PLAN + f"MATCH (c:{label(NodeKind.CENTRE)} {{id: $id}}) WHERE {_exists('c')} "
    f"MATCH (c)-[t:{_ANY_REFERRAL_TIE}]-(o) WHERE {_referral_tie_holds('t')} AND {_exists('o')} "
    "RETURN startNode(t).id AS source, endNode(t).id AS target, t.strength AS strength, "
    "t.first AS since"
)


#: A node's name as :func:`graph.store.ports.folded` makes it: NFKC, lower case, no spaces.
_FOLDED_NAME = "replace(toLower(normalize(n.name, NFKC)), ' ', '')"

#: The nodes existing on ``$day`` whose id is ``$id`` or whose folded name contains
#: ``$needle``, best first (as :meth:`GraphStore.find_nodes` ranks them), ``$limit`` at
#: most: ``id``, ``kind``, ``props``.
FIND_NODES = (
    "CALL () { "
    + " UNION ALL ".join(
        f"MATCH (n:{label(kind)}) WHERE {_exists('n')} "
        f"WITH n, {_FOLDED_NAME} AS name WHERE n.id = $id OR name CONTAINS $needle "
        f"RETURN n, name, '{kind.value}' AS kind"
        for kind in NodeKind
    )
    + " } "
    "WITH n, kind, name, CASE WHEN n.id = $id THEN 0 WHEN name = $needle THEN 1 "
    "WHEN name STARTS WITH $needle THEN 2 ELSE 3 END AS rank "
    "RETURN n.id AS id, kind, properties(n) AS props "
    "ORDER BY rank, size(name), n.id LIMIT $limit"
)


def nodes_page(kind: NodeKind) -> str:
    """Nodes of ``kind`` existing on ``$day`` with id after ``$after``, in id order,
    ``$limit`` at most."""
    return (
        f"MATCH (n:{label(kind)}) WHERE n.id > $after AND {_exists('n')} "
        "RETURN n.id AS id, properties(n) AS props ORDER BY n.id LIMIT $limit"
    )


def relations_page(kind: NodeKind) -> str:
    """Outgoing relations of the nodes of ``kind`` with id after ``$after``, ``$limit`` of
    those nodes at most, in source id order; only those holding on ``$day`` between two nodes
    existing then (a node without any still gives a row, with a null type)."""
    return (
        f"MATCH (a:{label(kind)}) WHERE a.id > $after "
        "WITH a ORDER BY a.id LIMIT $limit "
        f"OPTIONAL MATCH (a)-[r:{RELATION_TYPES}]->(b) "
        f"WHERE {_exists('a')} AND {_holds('r')} AND {_exists('b')} "
        "RETURN a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
        "r.since AS since, r.until AS until"
    )


#: A projection's relations come back in one row, as a list of [source, type, target,
#: strength, since, until] (``collect`` would drop a missing since from a column of its
#: own): one row decodes many times faster in the driver than a row per relation.
_RELATION_COLUMNS = "RETURN collect([source, type, target, strength, since, until]) AS relations"


def scope_nodes(kind: NodeKind, whole: bool) -> str:
    """Nodes of ``kind`` in a scope (prefecture ``$prefecture``, or all when ``whole``)
    existing on ``$day``; one row of two lists, ``ids`` and ``props``."""
    where = "" if whole else "n.prefecture = $prefecture AND "
    return (
        f"MATCH (n:{label(kind)}) WHERE {where}{_exists('n')} "
        "RETURN collect(n.id) AS ids, collect(properties(n)) AS props"
    )


def scope_relations(kind: NodeKind, whole: bool) -> str:
    """Relations from nodes of ``kind`` in a scope to nodes in the same scope, holding on
    ``$day`` between two nodes existing then, as one row (see ``_RELATION_COLUMNS``)."""
    where = "" if whole else "a.prefecture = $prefecture AND b.prefecture = $prefecture AND "
    return (
        f"MATCH (a:{label(kind)})-[r:{RELATION_TYPES}]->(b) "
        f"WHERE {where}{_holds('r')} AND {_exists('a')} AND {_exists('b')} "
        "WITH a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
        "r.since AS since, r.until AS until " + _RELATION_COLUMNS
    )


def actor_lives(kind: NodeKind) -> str:
    """The actors of ``kind`` whose prefecture is a key of ``$groups``, ended or not: one row,
    ``actors``, a list of [id, group, founded, ended] (a list each, as collect() would drop
    the nulls of a column)."""
    return (
        f"MATCH (n:{label(kind)}) WHERE n.prefecture IS NOT NULL "
        "WITH n, $groups[n.prefecture] AS group WHERE group IS NOT NULL "
        "RETURN collect([n.id, group, n.founded, n.ended]) AS actors"
    )


def tie_lives(kind: NodeKind) -> str:
    """The relations from actors of ``kind`` to actors of the same group (``$groups`` maps a
    prefecture's code to its group), ended or not: one row, ``ties``, a list of [source,
    target, since, until]."""
    actors = " OR ".join(f"b:{label(k)}" for k in sorted(ACTOR_KINDS))
    return (
        f"MATCH (a:{label(kind)})-[r:{RELATION_TYPES}]->(b) "
        f"WHERE a.prefecture IS NOT NULL AND b.prefecture IS NOT NULL AND ({actors}) "
        "AND $groups[a.prefecture] IS NOT NULL "
        "AND $groups[a.prefecture] = $groups[b.prefecture] "
        "RETURN collect([a.id, b.id, r.since, r.until]) AS ties"
    )


#: The relations with exactly one end in prefecture ``$prefecture``, holding on ``$day``
#: between two nodes existing then: from each node of the prefecture (an index seek under
#: each label), every relation to a node of another prefecture or of none. Each such relation
#: has one end inside, so it comes once. One row, as :func:`scope_relations`.
BOUNDARY_RELATIONS = (
    "CALL () { "
    + " UNION ALL ".join(
        f"MATCH (n:{label(kind)}) WHERE n.prefecture = $prefecture RETURN n" for kind in NodeKind
    )
    + " } "
    f"WITH n WHERE {_exists('n')} "
    f"MATCH (n)-[r:{RELATION_TYPES}]-(m) "
    f"WHERE (m.prefecture IS NULL OR m.prefecture <> $prefecture) AND {_holds('r')} "
    f"AND {_exists('m')} "
    "WITH startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, "
    "r.strength AS strength, r.since AS since, r.until AS until " + _RELATION_COLUMNS
)


# -- provenance ------------------------------------------------------------------------


def _standing(a: str) -> str:
    """Whether the assertion ``a`` (as a record keeps it, not null) stands."""
    return (
        f"CASE WHEN {a} IS :: LIST<STRING NOT NULL> NOT NULL AND size({a}) = 4 "
        f"THEN {a}[2] = '' ELSE true END"
    )


#: Lock the nodes ``$ids`` and read them: rows ``id``, ``kind``, ``element`` and ``props``
#: (every property: assertions and owner among them).
LOCK_NODES = (
    "UNWIND $ids AS id "
    + _union_by_label("")
    + " "
    + _lock("n")
    + "RETURN id, kind, elementId(n) AS element, properties(n) AS props"
)


def lock_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """Lock the relations of ``kind`` among ``$rows`` of ``{source, target}`` and read them:
    rows ``source``, ``target``, ``element``, ``strength``, ``since``, ``until``, ``owner``
    and ``provenance`` (its assertions as [key, assertion])."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}})-[r:{rel_type(kind)}]->"
        f"(b:{label(target)} {{id: row.target}}) "
        + _lock("r")
        + "RETURN row.source AS source, row.target AS target, elementId(r) AS element, "
        f"r.strength AS strength, r.since AS since, r.until AS until, r.{OWNER} AS owner, "
        f"{_assertions('r')} AS provenance"
    )


#: Write ``$rows`` of ``{element, props, owner, assertions, remove}`` to nodes by element
#: id: ``props`` added (nulls remove), the owner set, each ``[key, assertion]`` of
#: ``assertions`` written, the properties ``remove`` names removed.
WRITE_NODES = (
    "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.element "
    f"SET n += row.props, n.{OWNER} = row.owner "
    "FOREACH (p IN row.assertions | SET n[p[0]] = p[1]) "
    "FOREACH (k IN row.remove | REMOVE n[k])"
)

#: Write ``$rows`` of ``{element, strength, since, until, owner, assertions}`` to
#: relationships by element id, as :data:`WRITE_NODES`.
WRITE_RELATIONS = (
    "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.element "
    f"SET {_SET_RELATION}, r.{OWNER} = row.owner "
    "FOREACH (p IN row.assertions | SET r[p[0]] = p[1])"
)

#: Write ``$rows`` of ``{id, key, value}``: the assertion ``key`` of node ``id`` becomes
#: ``value``. One row: ``ids``, those found.
RESTORE_NODES = (
    "UNWIND $rows AS row WITH row, row.id AS id "
    + _union_by_label("")
    + " SET n[row.key] = row.value RETURN collect(id) AS ids"
)


def move_ties(kind: NodeKind, relation: RelationType, outgoing: bool) -> str:
    """Move the ties of ``relation`` of node ``$old_end`` (of ``kind``) from it
    (``outgoing``) or to it, with the other ends whose ids are in ``$others``, to node
    ``$new_end`` (of ``kind``): each made again there with every property of the old one
    (its values, its owner and its assertions), the old one deleted; one that ``$new_end``
    has already is left. One row: ``moved``, a [other end's id, strength, since, until]
    for each tie moved."""
    tie = rel_type(relation)
    old, there, new = (
        (f"(m)-[old:{tie}]->(o)", f"(k)-[:{tie}]->(o)", f"(k)-[new:{tie}]->(o)")
        if outgoing
        else (f"(o)-[old:{tie}]->(m)", f"(o)-[:{tie}]->(k)", f"(o)-[new:{tie}]->(k)")
    )
    return (
        f"MATCH (m:{label(kind)} {{id: $old_end}}) MATCH (k:{label(kind)} {{id: $new_end}}) "
        f"MATCH {old} WHERE o.id IN $others AND NOT EXISTS {{ {there} }} "
        f"CREATE {new} SET new = properties(old) "
        "WITH o, old, new DELETE old "
        "RETURN collect([o.id, new.strength, new.since, new.until]) AS moved"
    )


def put_relations_by_element(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """Make each relation of ``kind`` of ``$rows`` of ``{i, a, b, source, target, props}`` (the
    ends found by element id, see :func:`_by_element`) have exactly the properties
    ``props`` (its values and its assertions, no owner): merged by its ends, so one already
    there is overwritten rather than doubled. One row: ``written``, the ``i`` of the rows
    that found both ends."""
    return (
        _by_element(source, target) + f"MERGE (a)-[r:{rel_type(kind)}]->(b) SET r = row.props "
        "RETURN collect(row.i) AS written"
    )


def put_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """:func:`put_relations_by_element` finding the ends by their ids."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}}) "
        f"MATCH (b:{label(target)} {{id: row.target}}) "
        f"MERGE (a)-[r:{rel_type(kind)}]->(b) SET r = row.props "
        "RETURN collect(row.i) AS written"
    )


def restore_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """:data:`RESTORE_NODES` for ``$rows`` of ``{source, target, key, value}`` of relations
    of ``kind``; one row: ``found``, the [source, target] of those found."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}})-[r:{rel_type(kind)}]->"
        f"(b:{label(target)} {{id: row.target}}) "
        "SET r[row.key] = row.value RETURN collect([row.source, row.target]) AS found"
    )


#: Each node of ``$ids`` that exists, with everything its assertions need: rows ``id``,
#: ``kind``, ``props`` (every property).
PROVENANCE_OF_NODES = (
    "UNWIND $ids AS id " + _union_by_label("") + " RETURN id, kind, properties(n) AS props"
)

#: A relationship ``r``'s values, owner and assertions, as a list.
_RELATION_PROVENANCE = f"r.strength, r.since, r.until, r.{OWNER}, {_assertions('r')}"


def provenance_of_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """Each relation of ``kind`` among ``$rows`` of ``{source, target}`` that exists: rows
    ``source``, ``target``, ``relation`` ([strength, since, until, owner, assertions])."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}})-[r:{rel_type(kind)}]->"
        f"(b:{label(target)} {{id: row.target}}) "
        f"RETURN row.source AS source, row.target AS target, [{_RELATION_PROVENANCE}] AS relation"
    )


def provenance_page(kind: NodeKind) -> str:
    """The nodes of ``kind`` with id after ``$after`` (``$limit`` of them at most, in id
    order), with their outgoing relations: rows ``id``, ``props`` (every property) and
    ``out``, a list of [type, target, strength, since, until, owner, assertions]."""
    return (
        f"MATCH (a:{label(kind)}) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $limit "
        f"RETURN a.id AS id, properties(a) AS props, "
        f"COLLECT {{ MATCH (a)-[r:{RELATION_TYPES}]->(b) "
        f"RETURN [type(r), b.id, {_RELATION_PROVENANCE}] }} AS out"
    )


#: The nodes whose assertion ``$key`` stands; one row, ``records``.
STANDING_NODES = (
    f"MATCH (n) WHERE n[$key] IS NOT NULL AND {_standing('n[$key]')} "
    "RETURN collect(n.id) AS records"
)

#: The relations whose assertion ``$key`` stands, as records; one row, ``records``.
STANDING_RELATIONS = (
    f"MATCH (a)-[r:{RELATION_TYPES}]->(b) WHERE r[$key] IS NOT NULL AND {_standing('r[$key]')} "
    "RETURN collect(a.id + ' ' + type(r) + ' ' + b.id) AS records"
)


def _contributions(pattern: str, x: str) -> str:
    """Per contributor, over the records ``x`` of ``pattern``: ``standing`` assertions, and
    its latest last seen time kept as a number (``seen``) and as a text (``seen_text``), and
    its latest retraction (``retracted``, a text)."""
    return (
        f"MATCH {pattern} UNWIND [k IN keys({x}) WHERE k STARTS WITH '{PROVENANCE_PREFIX}'] AS k "
        f"WITH k, {x}[k] AS a "
        f"RETURN substring(k, {len(PROVENANCE_PREFIX)}) AS contributor, "
        f"sum(CASE WHEN {_standing('a')} THEN 1 ELSE 0 END) AS standing, "
        "max(CASE WHEN a IS :: INTEGER NOT NULL THEN a "
        "WHEN a IS :: LIST<INTEGER NOT NULL> NOT NULL THEN a[1] END) AS seen, "
        "max(CASE WHEN a IS :: STRING NOT NULL THEN a "
        "WHEN a IS :: LIST<STRING NOT NULL> NOT NULL THEN a[1] END) AS seen_text, "
        "max(CASE WHEN a IS :: LIST<STRING NOT NULL> NOT NULL AND size(a) = 4 "
        "THEN a[2] END) AS retracted"
    )


#: Rows ``contributor``, ``standing``, ``seen``, ``seen_text``, ``retracted`` over every node.
CONTRIBUTIONS_OF_NODES = _contributions("(n)", "n")
#: The same over every relation.
CONTRIBUTIONS_OF_RELATIONS = _contributions(f"()-[r:{RELATION_TYPES}]->()", "r")


# -- the one-off migration of a database written before provenance ----------------------

#: Whether the migration was made (see :data:`MIGRATION_MARK`); one row, ``done``.
MIGRATED = "SHOW INDEXES YIELD name WHERE name = $name RETURN count(*) > 0 AS done"
#: Record that the migration was made; safe to run again.
MARK_MIGRATED = f"CREATE INDEX {MIGRATION_MARK} IF NOT EXISTS FOR (m:RsnMigrated) ON (m.version)"
#: Whether the database holds any node of the graph; one row, ``found``.
ANY_NODE = (
    "RETURN "
    + " OR ".join(f"EXISTS {{ MATCH (:{label(kind)}) }}" for kind in NodeKind)
    + " AS found"
)

_UNASSERTED = f"none(k IN keys({{x}}) WHERE k STARTS WITH '{PROVENANCE_PREFIX}')"


def assert_legacy_nodes(kind: NodeKind) -> str:
    """Give every node of ``kind`` with id after ``$after`` (``$limit`` at most, in id order)
    that has no assertion the implicit assertion ``$key`` made at ``$at`` by ``$owner``; one
    row: ``last``, the last id looked at (null when none was)."""
    return (
        f"MATCH (n:{label(kind)}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit "
        f"CALL (n) {{ WITH n WHERE {_UNASSERTED.format(x='n')} "
        f"SET n[$key] = $at, n.{OWNER} = $owner }} "
        "RETURN max(n.id) AS last"
    )


def assert_legacy_relations(kind: NodeKind) -> str:
    """:func:`assert_legacy_nodes` for the relations from the nodes of ``kind`` with id after
    ``$after`` (``$limit`` of those nodes at most)."""
    return (
        f"MATCH (a:{label(kind)}) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $limit "
        f"CALL (a) {{ MATCH (a)-[r:{RELATION_TYPES}]->() WHERE {_UNASSERTED.format(x='r')} "
        f"SET r[$key] = $at, r.{OWNER} = $owner }} "
        "RETURN max(a.id) AS last"
    )


#: The completed referrals that do not say when they completed: rows ``id``, ``history``.
LEGACY_COMPLETED_REFERRALS = (
    "MATCH (r:Referral {status: $completed}) WHERE r.completed_on IS NULL "
    "RETURN r.id AS id, r.history AS history"
)
#: Set ``completed_on`` of the referrals of ``$rows`` of ``{id, day}``.
SET_COMPLETED_ON = (
    "UNWIND $rows AS row MATCH (r:Referral {id: row.id}) SET r.completed_on = row.day"
)
#: Every pair of centres with a completed referral between them or a referral tie, each
#: sorted: rows ``pair``.
ALL_REFERRAL_PAIRS = (
    "CALL () { MATCH (r:Referral {status: $completed}) "
    "RETURN r.from_centre AS x, r.to_centre AS y "
    f"UNION MATCH (a)-[:{_ANY_REFERRAL_TIE}]->(b) RETURN a.id AS x, b.id AS y }} "
    "WITH DISTINCT CASE WHEN x < y THEN [x, y] ELSE [y, x] END AS pair RETURN pair"
)


# -- introductions ---------------------------------------------------------------------

#: The ties an introduction path may take, as a relationship type expression (``A|B|...``).
INTRODUCTION_TIES = "|".join(rel_type(kind) for kind in INTRODUCTION_TIE_TYPES) + "|" + REFERRAL_TIE


def introduction_ties(dated: bool) -> str:
    """:data:`INTRODUCTION_TIES`, with the earlier referral ties for a question about a day."""
    return INTRODUCTION_TIES + ("|" + REFERRAL_TIE_EARLIER if dated else "")


def _seen(r: str, a: str, b: str) -> str:
    """Whether the caller sees relationship ``r`` between nodes ``a`` and ``b`` (see
    :mod:`graph.visibility`), as the map ``$seeing`` says: its type is not one of ``hidden``
    (the confidential types), the id of an end is a key of the map ``entitled``, or the
    contributor ``contributor`` asserted it (it is the owner, or ``r`` has the assertion key
    ``asserted``, retracted or not; both ``''`` for none).

    What the caller sees travels as one map: the server plans a statement again for each order
    of magnitude of the length of a list or text parameter (the entitled ids, a contributor's
    name), and a plan takes about half a second; it does not for a map's content."""
    return (
        f"(NOT type({r}) IN $seeing.hidden OR $seeing.entitled[{a}.id] IS NOT NULL "
        f"OR $seeing.entitled[{b}.id] IS NOT NULL OR {r}.{OWNER} = $seeing.contributor "
        f"OR ($seeing.asserted <> '' AND {r}[$seeing.asserted] IS NOT NULL))"
    )


def _actor_by_id(variable: str, parameter: str) -> str:
    """A ``CALL`` subquery binding ``variable`` to the actor whose id is ``$parameter``: one
    unique-index seek under each actor label."""
    parts = [
        f"MATCH ({variable}:{label(kind)} {{id: ${parameter}}}) RETURN {variable}"
        for kind in NodeKind
        if kind in ACTOR_KINDS
    ]
    return "CALL () { " + " UNION ALL ".join(parts) + " }"


def k_best_paths(max_hops: int, dated: bool = False, restricted: bool = False) -> str:
    """The ``$k`` best paths of at most ``max_hops`` ties from actor ``$source`` to actor
    ``$target`` among those scoring at least ``$theta``, best first, with the ties of each step.
    With ``dated``, in the graph as of ``$day`` (``$year`` its year): only ties holding then,
    between nodes existing then. With ``restricted``, in the graph a caller sees who may not
    see every confidential tie, as the map ``$seeing`` says (see :func:`_seen`): a tie of its
    ``hidden`` types counts only if an end's id is a key of its ``entitled`` or its
    ``contributor`` asserted it.

    Rows: ``ids`` (node ids in path order), ``score`` (the product of the strengths multiplied
    in path order, the strongest tie counting between two nodes) and ``ties``, every
    introduction tie between the two nodes of each step as ``{step, source, type, target,
    strength, since, until}`` (step 0 is the first), for the caller to pick the strongest.

    Meet in the middle, in one statement. With a = ceil(max_hops / 2) and b = max_hops - a,
    every path splits into a forward half of a ties from the source (fewer only if it ends at
    the target) and a backward half of at most b ties from the target. Both are expanded from
    unique-index seeks and hash-joined on their meeting node ``m`` (``USING JOIN ON m``: the
    plan reads NodeUniqueIndexSeek, Repeat(Trail), NodeHashJoin, EagerAggregation, Top). The
    halves walk only introduction ties, so they never reach an asset. Quantified patterns keep
    ties distinct but not nodes, so paths that revisit a node are dropped after the join;
    parallel ties give several rows per node sequence, of which the best is kept.

    Pruning by θ: strengths are at most 1, so a path scoring θ or more has every tie and both
    halves scoring θ or more; the expansions drop ties and halves below ``$floor`` (θ less a
    relative slack, as halves multiply from each end). The last filter, ``score >= $theta``,
    is exact, so the answer holds exactly the k best paths scoring at least θ. When it holds k
    they are the k best of all, since every path left out scores below θ; when it holds fewer,
    the caller tries a lower θ, down to 0, which drops nothing.

    Raises ValueError for a ``max_hops`` out of range.
    """
    if isinstance(max_hops, bool) or not isinstance(max_hops, int):
        raise ValueError(f"max_hops must be a whole number, got {max_hops!r}")
    if not 1 <= max_hops <= MAX_HOPS_LIMIT:
        raise ValueError(f"max_hops must be from 1 to {MAX_HOPS_LIMIT}, got {max_hops}")
    ahead = (max_hops + 1) // 2
    behind = max_hops - ahead
    ties = introduction_ties(dated)
    on_day_r = f" AND {_holds('r')} AND {_exists('y')}" if dated else ""
    on_day_q = f" AND {_holds('q')} AND {_exists('v')}" if dated else ""
    if restricted:
        on_day_r += f" AND {_seen('r', 'x', 'y')}"
        on_day_q += f" AND {_seen('q', 'u', 'v')}"
    ends = f"\nWITH s, t WHERE {_exists('s')} AND {_exists('t')}" if dated else ""
    if behind:
        walk = f"""
MATCH (s)((x)-[r:{ties}]-(y) WHERE r.strength >= $floor{on_day_r}){{1,{ahead}}}(m),
      (t)((u)-[q:{ties}]-(v) WHERE q.strength >= $floor{on_day_q}){{0,{behind}}}(m)
USING JOIN ON m
WHERE (size(r) = {ahead} OR m = t)
  AND reduce(p = 1.0, e IN r | p * e.strength) >= $floor
  AND reduce(p = 1.0, e IN q | p * e.strength) >= $floor
WITH [s] + y + reverse([t] + v)[1..] AS ns, r + reverse(q) AS rels"""
    else:
        one = f" AND {_holds('r')}" if dated else ""
        one += f" AND {_seen('r', 's', 't')}" if restricted else ""
        walk = f"""
MATCH (s)-[r:{ties}]-(t) WHERE r.strength >= $floor{one}
WITH [s, t] AS ns, [r] AS rels"""
    return f"""{_actor_by_id("s", "source")}
{_actor_by_id("t", "target")}{ends}{walk}
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
WITH ns, reduce(p = 1.0, e IN rels | p * e.strength) AS score
WHERE score >= $theta
WITH ns, max(score) AS score
WITH ns, score, [n IN ns | n.id] AS ids
ORDER BY score DESC, size(ns), ids
LIMIT $k
{_ties_of_each_step(dated, restricted)}"""


def _ties_of_each_step(dated: bool, restricted: bool = False, returned: str = "") -> str:
    """The tail of both path statements: from rows of ``ns`` (a path's nodes), ``score`` and
    ``ids``, every introduction tie between the two nodes of each step (holding on ``$day``
    when ``dated``; that the caller sees when ``restricted``, see :func:`k_best_paths`), for
    the caller to pick the strongest. A referral tie comes as a collaboration since the day
    the first of its referrals completed. ``returned`` adds columns (``, ...``) to the rows."""
    conditions = [_holds("tie")] if dated else []
    if restricted:
        conditions.append(_seen("tie", "a", "b"))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"""CALL (ns) {{
  UNWIND range(0, size(ns) - 2) AS step
  WITH step, ns[step] AS a, ns[step + 1] AS b
  MATCH (a)-[tie:{introduction_ties(dated)}]-(b){where}
  WITH step, tie, type(tie) STARTS WITH '{REFERRAL_TIE_NAME}' AS derived
  RETURN collect({{step: step, source: startNode(tie).id,
                  type: CASE WHEN derived THEN '{RelationType.COLLABORATES_WITH.value}'
                        ELSE type(tie) END,
                  target: endNode(tie).id, strength: tie.strength,
                  since: CASE WHEN derived THEN tie.first ELSE tie.since END,
                  until: CASE WHEN derived THEN null ELSE tie.until END}}) AS ties
}}
RETURN ids, score, ties{returned}"""


#: The name of rsn's path procedure, which the server has when rsn's plugin is installed.
PATHS_PROCEDURE = "rsn.kBestPaths"

#: Whether the server has :data:`PATHS_PROCEDURE`; one row, ``installed``.
HAS_PATHS_PROCEDURE = (
    "SHOW PROCEDURES YIELD name WHERE name = $name RETURN count(*) > 0 AS installed"
)

#: The introduction tie types, as values for the procedure's ``types`` argument.
INTRODUCTION_TIE_NAMES = [kind.value for kind in INTRODUCTION_TIE_TYPES] + [REFERRAL_TIE_NAME]


def introduction_tie_names(dated: bool) -> list[str]:
    """:data:`INTRODUCTION_TIE_NAMES`, with the earlier referral ties for a question about a
    day."""
    return INTRODUCTION_TIE_NAMES + ([REFERRAL_TIE_EARLIER_NAME] if dated else [])


def k_best_paths_in_database(dated: bool, restricted: bool = False, returned: str = "") -> str:
    """The ``$k`` best paths of at most ``$max_hops`` introduction ties from actor ``$source``
    to actor ``$target`` (as of ``$day`` when ``dated``: both must exist then), found inside
    the database by rsn's procedure (pass ``$types`` = :func:`introduction_tie_names`). It runs
    the same exact search as the embedded store, ranks as the contract says (score, then
    fewer ties, then ids) and scores a step by its strongest tie; the rows are those of
    :func:`k_best_paths`. With ``restricted``, in the graph the caller sees, as
    :func:`k_best_paths` says (``$seeing`` also holds ``owner`` = :data:`OWNER` and ``prefix``
    = :data:`PROVENANCE_PREFIX`, for the procedure). ``returned`` adds columns to the rows,
    which may use ``ns``, the path's nodes."""
    ends = f"WITH s, t WHERE {_exists('s')} AND {_exists('t')}\n" if dated else ""
    seeing = (
        ", $seeing.hidden, $seeing.entitled, $seeing.contributor, $seeing.owner, $seeing.prefix"
        if restricted
        else ""
    )
    call = f"CALL {PATHS_PROCEDURE}(s, t, $types, 'strength', 'id', $k, $max_hops, $day{seeing})"
    return f"""{_actor_by_id("s", "source")}
{_actor_by_id("t", "target")}
{ends}{call} YIELD nodes, score
WITH nodes AS ns, score, [n IN nodes | n.id] AS ids
{_ties_of_each_step(dated, restricted, returned)}"""


#: :func:`k_best_paths_in_database` over the whole history.
K_BEST_PATHS_IN_DATABASE = k_best_paths_in_database(False)

#: The relation types of a specialist's background in an introduction's explanation.
BACKGROUND_TYPES = (RelationType.AFFILIATED_WITH, RelationType.WORKED_AT)

#: Beside each path of :func:`introduction_search_in_database`: ``nodes``, each node on it as
#: [labels, properties], and ``background``, when its first introducer is a specialist, the
#: specialist's relations of :data:`BACKGROUND_TYPES` holding on ``$day`` to a node existing
#: then, each as [source, type, target, strength, since, until, labels, properties] (those
#: of the node at the other end).
_PATH_NODES_AND_BACKGROUND = (
    ", [n IN ns | [labels(n), properties(n)]] AS nodes, "
    f"coalesce(head([x IN ns[1..2] WHERE size(ns) > 2 "
    f"AND '{NodeKind.SPECIALIST.value}' IN labels(x) | "
    f"[(x)-[r:{'|'.join(rel_type(kind) for kind in BACKGROUND_TYPES)}]->(o) "
    f"WHERE {_holds('r')} AND {_exists('o')} | "
    "[startNode(r).id, type(r), o.id, r.strength, r.since, r.until, labels(o), properties(o)]]"
    "]), []) AS background"
)


def introduction_search_in_database(dated: bool, restricted: bool = False) -> str:
    """An introduction's whole search in one statement: one row, ``ends``, the nodes of
    ``$source`` and ``$target`` (existing on ``$day`` when ``dated``) as [id, kind,
    properties], and ``paths``, the rows of :func:`k_best_paths_in_database` (none unless
    both are actors) as maps with their ``nodes`` and ``background`` too (see
    :data:`_PATH_NODES_AND_BACKGROUND`). Parameters as :func:`k_best_paths_in_database`."""
    ends = (
        "CALL () { UNWIND [$source, $target] AS id "
        + _union_by_label("")
        + f" WITH id, n, kind WHERE {_exists('n')} "
        "RETURN collect([id, kind, properties(n)]) AS ends }"
    )
    search = k_best_paths_in_database(dated, restricted, _PATH_NODES_AND_BACKGROUND)
    return f"""{ends}
CALL () {{
  CALL () {{
{search}
  }}
  RETURN collect({{ids: ids, score: score, ties: ties, nodes: nodes,
                  background: background}}) AS paths
}}
RETURN ends, paths"""


#: Reads every node's introduction ties once, so that the pages the search reads are in the
#: page cache, and the sorted ties of the biggest hubs (as of ``$day``, or over the whole
#: history when null) into the cache of rsn's procedure; one row: ``nodes`` read, ``hubs`` and
#: ``ties`` cached (pass ``$types`` = :func:`introduction_tie_names`).
WARM_UP = (
    "CALL rsn.warmUp($types, 'strength', $day) YIELD nodes, hubs, ties RETURN nodes, hubs, ties"
)

#: :data:`WARM_UP` for the callers who may not see every tie of the ``$hidden`` types: the
#: hubs' ties, with those of these types apart, into their own cache (pass ``$owner_key`` =
#: :data:`OWNER` and ``$prefix`` = :data:`PROVENANCE_PREFIX`, as to the path procedure).
WARM_UP_SEEN = (
    "CALL rsn.warmUp($types, 'strength', $day, $hidden, 'id', $owner_key, $prefix) "
    "YIELD nodes, hubs, ties RETURN nodes, hubs, ties"
)

#: A node of each kind the store has, the one with the fewest relationships among the first
#: hundred found (so its ties are few): rows ``id``, ``kind``.
SAMPLE_NODES = (
    "CALL () { "
    + " UNION ALL ".join(
        f"MATCH (n:{label(kind)}) WITH n LIMIT 100 "
        f"RETURN n.id AS id, '{kind.value}' AS kind ORDER BY COUNT {{ (n)--() }} LIMIT 1"
        for kind in NodeKind
    )
    + " } RETURN id, kind"
)


# -- referrals -------------------------------------------------------------------------
# A referral is a (:Referral) node linked to its two centres and its enterprise, with the
# properties of its record (:data:`REFERRAL_FIELDS`), ``request_id`` (sender id and request
# key), which is unique, so MERGE on it is safe under concurrent retries of one POST, and, once
# completed, ``completed_on``: the day it completed. The statements that recount referral ties
# take the strength curve as ``$strengths``
# (:data:`graph.referral_lifecycle.REFERRAL_TIE_STRENGTHS`) and the completed status as
# ``$completed``.

_CENTRE = label(NodeKind.CENTRE)
_ENTERPRISE = label(NodeKind.ENTERPRISE)

#: Every field of the record of referral ``r``, as one map column ``referral``.
_REFERRAL_FIELDS = "r {" + ", ".join(f".{name}" for name in REFERRAL_FIELDS) + "} AS referral"

#: A referral's links to its centres and its enterprise (rsn's plugin knows these three types
#: as links that are no ties, ``GraphChangesExtension.REFERRAL_LINKS``: writing them drops no
#: hub's kept ties).
_LINK_REFERRAL = (
    "MERGE (r)-[:FROM_CENTRE]->(f) MERGE (r)-[:TO_CENTRE]->(t) MERGE (r)-[:ABOUT]->(e) "
)

#: Store ``$rows`` of ``{props, completed_on}`` (a referral's properties, and the day it
#: completed or null) by id (load); replaces what was there.
UPSERT_REFERRALS = (
    "UNWIND $rows AS row "
    f"MATCH (f:{_CENTRE} {{id: row.props.from_centre}}) "
    f"MATCH (t:{_CENTRE} {{id: row.props.to_centre}}) "
    f"MATCH (e:{_ENTERPRISE} {{id: row.props.enterprise}}) "
    "MERGE (r:Referral {id: row.props.id}) SET r = row.props, r.completed_on = row.completed_on "
    # a referral written again may name another enterprise (a merge moves it): its links to
    # what it no longer names go
    "WITH r, f, t, e CALL (r, f, t, e) { "
    "MATCH (r)-[old:FROM_CENTRE|TO_CENTRE|ABOUT]->(x) "
    "WHERE (type(old) = 'FROM_CENTRE' AND x <> f) OR (type(old) = 'TO_CENTRE' AND x <> t) "
    "OR (type(old) = 'ABOUT' AND x <> e) DELETE old } "
    + _LINK_REFERRAL
    + "RETURN count(r) AS written"
)

#: Create ``$row`` unless its ``request_id`` exists; returns the stored one and ``created``.
CREATE_REFERRAL = (
    KEPT_PLAN + f"MATCH (f:{_CENTRE} {{id: $row.from_centre}}) "
    f"MATCH (t:{_CENTRE} {{id: $row.to_centre}}) "
    f"MATCH (e:{_ENTERPRISE} {{id: $row.enterprise}}) "
    "MERGE (r:Referral {request_id: $row.request_id}) "
    "ON CREATE SET r = $row, r.just_created = true "
    "WITH r, f, t, e, coalesce(r.just_created, false) AS created "
    "REMOVE r.just_created " + _LINK_REFERRAL + f"RETURN {_REFERRAL_FIELDS}, created"
)

GET_REFERRAL = KEPT_PLAN + f"MATCH (r:Referral {{id: $id}}) RETURN {_REFERRAL_FIELDS}"

#: The id of the referral of each ``request_id`` in ``$requests`` that exists: rows
#: ``request``, ``id``.
REFERRALS_BY_REQUEST = (
    KEPT_PLAN + "UNWIND $requests AS request MATCH (r:Referral {request_id: request}) "
    "RETURN request, r.id AS id"
)

#: Referrals ``$centre`` received (when ``$received``) or sent (when ``$sent``), newest
#: first, found by the indexes on ``to_centre`` and ``from_centre``.
LIST_REFERRALS = (
    KEPT_PLAN + "CALL () { "
    "MATCH (r:Referral {to_centre: $centre}) WHERE $received RETURN r "
    "UNION MATCH (r:Referral {from_centre: $centre}) WHERE $sent RETURN r } "
    f"RETURN {_REFERRAL_FIELDS} ORDER BY r.created_at DESC, r.id DESC"
)

#: The referrals the centre ``$centre`` sent about ``$enterprise`` for ``$need`` whose status
#: is one of ``$open``, oldest first.
OPEN_REFERRALS_SENT = (
    KEPT_PLAN + "MATCH (r:Referral {from_centre: $centre}) "
    "WHERE r.enterprise = $enterprise AND r.need = $need AND r.status IN $open "
    f"RETURN {_REFERRAL_FIELDS} ORDER BY r.created_at, r.id"
)

#: Every referral, newest first.
ALL_REFERRALS = (
    f"MATCH (r:Referral) RETURN {_REFERRAL_FIELDS} ORDER BY r.created_at DESC, r.id DESC"
)

#: What :func:`graph.referral_lifecycle.received_records` reads of the referrals each of
#: ``$centres`` received: rows ``centre``, ``status``, ``created_at``, ``history``.
RECEIVED_REFERRALS = (
    KEPT_PLAN + "UNWIND $centres AS centre MATCH (r:Referral {to_centre: centre}) "
    "RETURN centre, r.status AS status, r.created_at AS created_at, r.history AS history"
)

#: How many referrals completed between ``$centre`` and each other centre, each way apart:
#: rows ``other``, ``count`` (an other centre may come twice, once for each way).
COMPLETED_WITH = (
    KEPT_PLAN + "MATCH (r:Referral {from_centre: $centre}) WHERE r.status = $completed "
    "RETURN r.to_centre AS other, count(*) AS count "
    "UNION ALL "
    "MATCH (r:Referral {to_centre: $centre}) WHERE r.status = $completed "
    "RETURN r.from_centre AS other, count(*) AS count"
)

#: Rebuild the referral ties between centres ``a`` and ``b`` (a.id < b.id) from the days
#: their completed referrals completed: with n of them completed, the tie has strength
#: ``$strengths[n - 1]`` (the last item beyond the table). One relationship per strength the
#: tie had (``ends`` are the counts after which it changes, or the last count), ``since`` the
#: day it took it and ``until`` the day it took the next; one that lasted no day (two
#: referrals completed the same day) is left out. None when no referral completed.
_REFRESH_REFERRAL_TIE = (
    "CALL (a, b) { "
    # the referrals between the two, each way, found by the index on the sending centre
    # (never a scan of every referral: a completion stays as quick when there are millions)
    "UNWIND [[a.id, b.id], [b.id, a.id]] AS way "
    "OPTIONAL MATCH (x:Referral {from_centre: way[0], to_centre: way[1]}) "
    "WHERE x.status = $completed "
    "WITH a, b, x.completed_on AS day ORDER BY day "
    "WITH a, b, collect(day) AS days "
    f"CALL (a, b) {{ OPTIONAL MATCH (a)-[old:{_ANY_REFERRAL_TIE}]->(b) DELETE old }} "
    "WITH a, b, days, [n IN range(1, size(days)) WHERE n = size(days) "
    "OR coalesce($strengths[n], $strengths[-1]) <> coalesce($strengths[n - 1], $strengths[-1])]"
    " AS ends "
    "UNWIND range(0, size(ends) - 1) AS i "
    "WITH a, b, days, ends[i] AS n, "
    "CASE WHEN i = 0 THEN days[0] ELSE days[ends[i - 1]] END AS since "
    "WITH a, b, days, since, coalesce($strengths[n - 1], $strengths[-1]) AS strength, "
    "CASE WHEN n = size(days) THEN null ELSE days[n] END AS until "
    "WHERE until IS NULL OR since < until "
    "FOREACH (_ IN CASE WHEN until IS NULL THEN [1] ELSE [] END | "
    f"CREATE (a)-[:{REFERRAL_TIE} {{strength: strength, since: since, first: days[0]}}]->(b)) "
    "FOREACH (_ IN CASE WHEN until IS NULL THEN [] ELSE [1] END | "
    f"CREATE (a)-[:{REFERRAL_TIE_EARLIER} "
    "{strength: strength, since: since, until: until, first: days[0]}]->(b)) "
    "} "
)

#: Refresh the referral ties of ``$pairs`` of centre ids (each sorted).
REFRESH_REFERRAL_TIES = (
    KEPT_PLAN + "UNWIND $pairs AS pair "
    f"MATCH (a:{_CENTRE} {{id: pair[0]}}) MATCH (b:{_CENTRE} {{id: pair[1]}}) "
    + _REFRESH_REFERRAL_TIE
)

#: The guarded move: take the referral's write lock first (the SET), then check that its
#: status is still ``$expected`` as committed by anyone before us, then write ``$status``,
#: ``$history`` and ``$completed_on`` (the day it completed, or null). No row back means
#: someone else moved it first. A completion then refreshes the tie between the two centres
#: (:data:`REFRESH_REFERRAL_TIES`) in the same transaction: a statement of its own, so that
#: this one stays small, since Neo4j plans it again whenever the referrals' counts move far.
MOVE_REFERRAL = (
    KEPT_PLAN + "MATCH (r:Referral {id: $id}) "
    "SET r.locked = true REMOVE r.locked "
    "WITH r WHERE r.status = $expected "
    "SET r.status = $status, r.history = $history, r.completed_on = $completed_on "
    "RETURN r.id AS id"
)

# -- merges ----------------------------------------------------------------------------
# A merge (graph.merging) is a node of its own label, which no question of the graph reads
# (every one names the kinds' labels, and a merge has no assertion key): ``id``, ``kept``,
# ``merged``, ``merged_by``, ``at``, ``reason``, ``score``, ``undone_at`` (null while it holds)
# and ``snapshot`` (its JSON text, zlib-compressed; as text in merges made before that). While
# it holds, ``merged`` is an alias of ``kept``.

#: The label of a merge's node.
MERGE_LABEL = "RsnMerge"

#: Delete the nodes ``$ids`` outright, with every relationship they have.
DELETE_NODES = "UNWIND $ids AS id " + _union_by_label("") + " DETACH DELETE n"


def delete_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """Delete the relations of ``kind`` among ``$rows`` of ``{source, target}`` outright."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}})-[r:{rel_type(kind)}]->"
        f"(b:{label(target)} {{id: row.target}}) DELETE r"
    )


#: Keep a merge: a node with the properties ``$props``.
RECORD_MERGE = f"CREATE (m:{MERGE_LABEL}) SET m = $props"

#: Mark the merge ``$id`` undone at ``$at`` unless it was already (locked first); one row
#: when it exists: ``merged``, and ``was``, when it had been undone before (then unchanged).
UNDO_MERGE = (
    f"MATCH (m:{MERGE_LABEL} {{id: $id}}) " + _lock("m") + "WITH m, m.undone_at AS was "
    "SET m.undone_at = coalesce(was, $at) RETURN m.merged AS merged, was"
)

#: An open merge that made ``$keep`` or ``$merge`` an alias, or that keeps ``$merge``: rows
#: ``id``, ``kept``, ``merged`` (one at most).
MERGE_CLASH = (
    f"MATCH (m:{MERGE_LABEL}) WHERE m.undone_at IS NULL "
    "AND (m.merged IN [$keep, $merge] OR m.kept = $merge) "
    "RETURN m.id AS id, m.kept AS kept, m.merged AS merged LIMIT 1"
)

#: The aliases of the open merges: rows ``merged``, ``kept``.
ALIASES = (
    f"MATCH (m:{MERGE_LABEL}) WHERE m.undone_at IS NULL RETURN m.merged AS merged, m.kept AS kept"
)

#: Every merge, oldest first: rows of its properties but the snapshot.
MERGES = (
    f"MATCH (m:{MERGE_LABEL}) RETURN m.id AS id, m.kept AS kept, m.merged AS merged, "
    "m.merged_by AS merged_by, m.at AS at, m.reason AS reason, m.score AS score, "
    "m.undone_at AS undone_at ORDER BY at, id"
)

#: The snapshot of the merge ``$id``: one row, ``snapshot``, when it exists.
MERGE_SNAPSHOT = f"MATCH (m:{MERGE_LABEL} {{id: $id}}) RETURN m.snapshot AS snapshot"


# -- what the API servers keep about who asks: keys, sessions, the audit log -------------
# (graph.store.neo4j_keys). Labels of their own, which no statement about the graph reads.

#: Constraints and indexes of the keys, sessions and audit log; safe to run again.
KEY_SCHEMA = [
    "CREATE CONSTRAINT rsn_api_key_id IF NOT EXISTS FOR (k:RsnApiKey) REQUIRE k.key_id IS UNIQUE",
    "CREATE CONSTRAINT rsn_api_key_name IF NOT EXISTS FOR (k:RsnApiKey) REQUIRE k.name IS UNIQUE",
    "CREATE CONSTRAINT rsn_session_token IF NOT EXISTS "
    "FOR (s:RsnSession) REQUIRE s.token_sha IS UNIQUE",
    "CREATE INDEX rsn_session_key IF NOT EXISTS FOR (s:RsnSession) ON (s.key_id)",
    "CREATE INDEX rsn_session_expires IF NOT EXISTS FOR (s:RsnSession) ON (s.expires_at)",
    "CREATE CONSTRAINT rsn_audit_id IF NOT EXISTS FOR (e:RsnAuditEntry) REQUIRE e.id IS UNIQUE",
    "CREATE INDEX rsn_audit_at IF NOT EXISTS FOR (e:RsnAuditEntry) ON (e.at)",
    "CREATE INDEX rsn_audit_key IF NOT EXISTS FOR (e:RsnAuditEntry) ON (e.key)",
    "CREATE CONSTRAINT rsn_counter_name IF NOT EXISTS FOR (c:RsnCounter) REQUIRE c.name IS UNIQUE",
]

_KEY_FIELDS = (
    "k.name AS name, k.role AS role, k.centre AS centre, k.created_at AS created_at, "
    "k.revoked_at AS revoked_at, k.key_id AS key_id, k.secret_sha AS secret_sha"
)

#: Delete the sessions of the key named ``$name``.
DELETE_SESSIONS_OF_KEY_NAMED = (
    "MATCH (k:RsnApiKey {name: $name}) MATCH (s:RsnSession {key_id: k.key_id}) DELETE s"
)
#: Delete the key named ``$name``.
DELETE_KEY_NAMED = "MATCH (k:RsnApiKey {name: $name}) DELETE k"
#: Keep the key ``$key`` (a map of its fields); a taken id or name breaks a constraint.
CREATE_KEY = "CREATE (k:RsnApiKey) SET k = $key"
#: Every key, oldest first: rows of the key's fields.
KEYS = f"MATCH (k:RsnApiKey) RETURN {_KEY_FIELDS} ORDER BY k.created_at, k.made, k.key_id"
#: The key ``$key_id``: one row of its fields when it exists.
KEY_BY_ID = f"MATCH (k:RsnApiKey {{key_id: $key_id}}) RETURN {_KEY_FIELDS}"
#: Revoke the active key named ``$name`` at ``$at``: one row, ``changed`` (0 or 1).
REVOKE_KEY = (
    "OPTIONAL MATCH (k:RsnApiKey {name: $name}) WHERE k.revoked_at IS NULL "
    "SET k.revoked_at = $at RETURN count(k) AS changed"
)
#: Keep the keys ``$rows`` whose id and name are free: one row, ``added``.
ADOPT_KEYS = (
    "UNWIND $rows AS row WITH row WHERE NOT EXISTS { MATCH (k:RsnApiKey) "
    "WHERE k.key_id = row.key_id OR k.name = row.name } "
    "CREATE (k:RsnApiKey) SET k = row RETURN count(k) AS added"
)
#: Whether any key or audit entry is kept: one row, ``found``.
ANY_KEY_OR_ENTRY = (
    "RETURN EXISTS { MATCH (:RsnApiKey) } OR EXISTS { MATCH (:RsnAuditEntry) } AS found"
)
#: Forget the sessions that ended before ``$now``.
END_SESSIONS_BEFORE = "MATCH (s:RsnSession) WHERE s.expires_at < $now DELETE s"
#: Keep a session: ``$token_sha`` of ``$key_id`` until ``$expires_at``.
CREATE_SESSION = (
    "CREATE (:RsnSession {token_sha: $token_sha, key_id: $key_id, expires_at: $expires_at})"
)
#: The active key of the session ``$token_sha`` that lasts past ``$now``: one row at most.
SESSION_KEY = (
    "MATCH (s:RsnSession {token_sha: $token_sha}) WHERE s.expires_at > $now "
    "MATCH (k:RsnApiKey {key_id: s.key_id}) WHERE k.revoked_at IS NULL "
    f"RETURN {_KEY_FIELDS}"
)
#: Forget the session ``$token_sha``.
DELETE_SESSION = "MATCH (s:RsnSession {token_sha: $token_sha}) DELETE s"
#: Move the counter ``$name`` on by ``$count`` (made at 0 when missing), holding its lock to
#: the end of the transaction: one row, ``last``, its new value.
COUNT_UP = (
    "MERGE (c:RsnCounter {name: $name}) ON CREATE SET c.value = 0 "
    "SET c.value = c.value + $count RETURN c.value AS last"
)
#: The ids among ``$ids`` that the audit log holds: one row, ``held``.
AUDIT_IDS_HELD = "UNWIND $ids AS id MATCH (e:RsnAuditEntry {id: id}) RETURN collect(e.id) AS held"
#: Append the entries ``$rows`` (maps of id, seq, at, key, route, enterprises).
APPEND_AUDIT = "UNWIND $rows AS row CREATE (e:RsnAuditEntry) SET e = row"
_AUDIT_WHERE = (
    "MATCH (e:RsnAuditEntry) WHERE ($since IS NULL OR e.at >= $since) "
    "AND ($key IS NULL OR e.key = $key) "
)
_AUDIT_FIELDS = (
    "e.id AS id, e.at AS at, e.key AS key, e.route AS route, e.enterprises AS enterprises"
)
#: The entries at or after ``$since`` of ``$key`` (either null for any), oldest first.
AUDIT_ENTRIES = _AUDIT_WHERE + f"RETURN {_AUDIT_FIELDS} ORDER BY e.at, e.seq"
#: The newest ``$limit`` of those, oldest first.
NEWEST_AUDIT_ENTRIES = (
    _AUDIT_WHERE + "WITH e ORDER BY e.at DESC, e.seq DESC LIMIT $limit "
    f"RETURN {_AUDIT_FIELDS} ORDER BY at, e.seq"
)


# -- the weakness report's reads: the scope in compact columns, its metrics in GDS ---------

#: The columns of each kind that :func:`scope_node_columns` returns after id and name, in
#: order: every property a node of the kind may have (``ended`` last).
SCOPE_COLUMNS: dict[NodeKind, tuple[str, ...]] = {
    kind: tuple(
        column
        for column in dict.fromkeys((*node_columns(kind, contact=True), "ended"))
        if column not in ("id", "name")
    )
    for kind in NodeKind
}


def _in_prefecture(x: str, kinds: list[NodeKind]) -> str:
    """A ``CALL`` subquery binding ``x`` to every node of ``kinds`` whose prefecture is
    ``$prefecture``: one seek of the prefecture index under each label."""
    seeks = [
        f"MATCH ({x}:{label(kind)}) WHERE {x}.prefecture = $prefecture RETURN {x}" for kind in kinds
    ]
    return "CALL () { " + " UNION ALL ".join(seeks) + " }"


def _node_columns(n: str, kind: NodeKind) -> str:
    """Node ``n`` of ``kind`` as the list :func:`scope_node_columns` makes of it."""
    known = ["id", "name", *SCOPE_COLUMNS[kind]]
    values = ", ".join(f"{n}.`{column}`" for column in SCOPE_COLUMNS[kind])
    others = (
        f"[k IN keys({n}) WHERE NOT k IN {known!r} AND k <> '{OWNER}' "
        f"AND NOT k STARTS WITH '{PROVENANCE_PREFIX}' | [k, {n}[k]]]"
    )
    return f"[{n}.id, {n}.name, {values}, {others}]"


#: Centres existing on ``$day`` with a specialist existing then, affiliated then, whose
#: expertise includes ``$need``, in one row, ``centres``: a list of [the centre as
#: :func:`scope_node_columns` gives a node, its specialists' ids, sorted], in centre id order
#: (one row of lists, and no assertion, so that the driver reads one message).
CENTRES_WITH_EXPERTISE = (
    f"MATCH (s:{label(NodeKind.SPECIALIST)})-[a:{rel_type(RelationType.AFFILIATED_WITH)}]->"
    f"(c:{_CENTRE}) WHERE $need IN s.expertise AND {_holds('a')} AND {_exists('s')} "
    f"AND {_exists('c')} "
    "WITH c, s.id AS specialist ORDER BY specialist "
    "WITH c, collect(specialist) AS specialists ORDER BY c.id "
    f"RETURN collect([{_node_columns('c', NodeKind.CENTRE)}, specialists]) AS centres"
)


def scope_node_columns(kind: NodeKind, whole: bool) -> str:
    """Nodes of ``kind`` in a scope (prefecture ``$prefecture``, or all when ``whole``)
    existing on ``$day``, as one row, ``nodes``: a list of [id, name, the values of
    :data:`SCOPE_COLUMNS` of the kind in order (null where missing), [[key, value] of any
    other property, assertions and their owner left out]] (a list each, as collect() would
    drop the nulls of a column). Only values travel, not each node's keys or its
    assertions, which :func:`scope_nodes` sends."""
    where = "" if whole else "n.prefecture = $prefecture AND "
    return (
        f"MATCH (n:{label(kind)}) WHERE {where}{_exists('n')} "
        f"RETURN collect({_node_columns('n', kind)}) AS nodes"
    )


def node_columns_page(kind: NodeKind) -> str:
    """One page of every node of ``kind``: the ``$page`` first by id after ``$after``; one
    row, ``nodes``, those existing on ``$day`` as :func:`scope_node_columns` gives them,
    ``read``, how many the page holds, and ``last``, the last id of the page (null for an
    empty one). The whole network is read page by page, so that no transaction holds it."""
    return (
        f"MATCH (n:{label(kind)}) WHERE n.id > $after WITH n ORDER BY n.id LIMIT $page "
        "WITH collect(n) AS page "
        f"RETURN [n IN page WHERE {_exists('n')} | {_node_columns('n', kind)}] AS nodes, "
        "size(page) AS read, last(page).id AS last"
    )


def relation_columns_page(kind: NodeKind) -> str:
    """One page of the relations from nodes of ``kind``: those from the ``$page`` first by
    id after ``$after`` that hold on ``$day`` between two nodes existing then; one row,
    ``relations`` (see ``_RELATION_COLUMNS``), ``read`` and ``last`` as
    :func:`node_columns_page` says."""
    return (
        f"MATCH (a:{label(kind)}) WHERE a.id > $after WITH a ORDER BY a.id LIMIT $page "
        "WITH collect(a) AS page "
        "CALL (page) { UNWIND page AS a "
        f"MATCH (a)-[r:{RELATION_TYPES}]->(b) "
        f"WHERE {_holds('r')} AND {_exists('a')} AND {_exists('b')} "
        "RETURN collect([a.id, type(r), b.id, r.strength, r.since, r.until]) AS relations } "
        "RETURN relations, size(page) AS read, last(page).id AS last"
    )


#: The relations of prefecture ``$prefecture`` holding on ``$day`` between two nodes existing
#: then, in one pass over the relationships of its nodes: one row of two lists as
#: ``_RELATION_COLUMNS`` makes them, ``relations`` (both ends in the prefecture, each once,
#: from its source) and ``boundary`` (one end in it), what :func:`scope_relations` and
#: :data:`BOUNDARY_RELATIONS` read in two.
SCOPE_RELATIONS_AND_BOUNDARY = (
    _in_prefecture("n", list(NodeKind)) + f" WITH n WHERE {_exists('n')} "
    f"MATCH (n)-[r:{RELATION_TYPES}]-(m) "
    f"WHERE {_holds('r')} AND {_exists('m')} "
    "WITH n, r, m, coalesce(m.prefecture = $prefecture, false) AS inside "
    "WHERE NOT inside OR startNode(r) = n "
    "WITH inside, [startNode(r).id, type(r), endNode(r).id, r.strength, r.since, r.until] AS row "
    "RETURN [x IN collect(CASE WHEN inside THEN row END) WHERE x IS NOT NULL] AS relations, "
    "[x IN collect(CASE WHEN NOT inside THEN row END) WHERE x IS NOT NULL] AS boundary"
)

#: rsn's procedure that reads the whole network's relations with the store's cursors.
RELATION_COLUMNS_PROCEDURE = "rsn.relationColumns"

#: Every relation of the dataset (types ``$types``) from a node of ``$labels`` that holds on
#: ``$day`` (the whole history for an empty text) between two nodes existing then, as
#: :func:`relation_columns_page` gives those of a page (see ``_RELATION_COLUMNS``): read by
#: rsn's plugin, each record a chunk of at most ``$chunk`` of them, in ``relations``.
RELATION_COLUMNS = (
    f"CALL {RELATION_COLUMNS_PROCEDURE}($labels, $types, $day, $chunk) "
    "YIELD relations RETURN relations"
)

#: The procedures of Graph Data Science that :mod:`graph.store.neo4j_gds` calls.
GDS_PROCEDURES = [
    "gds.version",
    "gds.graph.drop",
    "gds.articulationPoints.stream",
    "gds.bridges.stream",
    "gds.betweenness.stream",
]

#: Whether the server has every procedure of ``$names``; one row, ``installed``.
HAS_GDS = (
    "SHOW PROCEDURES YIELD name WHERE name IN $names "
    "RETURN count(DISTINCT name) = size($names) AS installed"
)

_ACTOR_KINDS = sorted(ACTOR_KINDS)


def gds_project_scope(whole: bool) -> str:
    """Project the actor graph of a scope (prefecture ``$prefecture``, or every actor when
    ``whole``) as of ``$day`` into GDS as the graph named ``$name``: the actors existing on
    the day, and one undirected relationship per pair of them joined by a relation holding
    on the day, as :func:`graph.store.projection.project` makes the graph. One row, ``nodes``
    and ``relationships`` (counted both ways); no row is projected for an empty scope, and
    then the graph is not made (``nodes`` is null)."""
    actors = (
        "CALL () { "
        + " UNION ALL ".join(f"MATCH (a:{label(kind)}) RETURN a" for kind in _ACTOR_KINDS)
        + " }"
        if whole
        else _in_prefecture("a", _ACTOR_KINDS)
    )
    inside = "" if whole else "b.prefecture = $prefecture AND "
    is_actor = " OR ".join(f"b:{label(kind)}" for kind in _ACTOR_KINDS)
    return (
        f"{actors} WITH a WHERE {_exists('a')} "
        f"OPTIONAL MATCH (a)-[r:{RELATION_TYPES}]-(b) "
        f"WHERE a.id < b.id AND {inside}({is_actor}) AND {_holds('r')} AND {_exists('b')} "
        "WITH DISTINCT a, b "
        "WITH gds.graph.project($name, a, b, {}, {undirectedRelationshipTypes: ['*']}) AS g "
        "RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships"
    )


#: The cut vertices of the projected graph ``$name``; one row, ``ids``.
GDS_ARTICULATION_POINTS = (
    "CALL gds.articulationPoints.stream($name) YIELD nodeId "
    "RETURN collect(gds.util.asNode(nodeId).id) AS ids"
)

#: The bridges of the projected graph ``$name``; one row, ``pairs`` (of ids).
GDS_BRIDGES = (
    "CALL gds.bridges.stream($name) YIELD from, to "
    "RETURN collect([gds.util.asNode(from).id, gds.util.asNode(to).id]) AS pairs"
)

#: The exact betweenness of every node of the projected graph ``$name`` (for an undirected
#: graph GDS counts each pair of ends once); one row, ``scores``, of [id, score].
GDS_BETWEENNESS = (
    "CALL gds.betweenness.stream($name) YIELD nodeId, score "
    "RETURN collect([gds.util.asNode(nodeId).id, score]) AS scores"
)

#: Drop the projected graph ``$name`` if it exists.
GDS_DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"

#: The name of rsn's procedure that sums Brandes' dependencies on a scope's actor graph.
BETWEENNESS_PROCEDURE = "rsn.scopeBetweenness"

#: The actor graph of a scope (prefecture ``$prefecture``, or the whole network for null)
#: as of ``$day`` (the whole history for an empty text), made by rsn's plugin as
#: :func:`gds_project_scope` makes it, and the sums of the dependencies of ``$sources``
#: (actor ids in id order; null: every actor) on each actor; one row: ``nodes``, ``edges``,
#: ``ids`` (every actor, in id order) and ``totals`` (in the same order; null when a source
#: is no actor of the graph or a path count is past what the plugin counts exactly).
SCOPE_BETWEENNESS = (
    f"CALL {BETWEENNESS_PROCEDURE}($labels, $types, $prefecture, $sources, $day) "
    "YIELD nodes, edges, ids, totals RETURN nodes, edges, ids, totals"
)

#: rsn's procedure that finds the best paths to sources on a scope's actor graph.
REACH_PROCEDURE = "rsn.scopeReach"

#: The actor graph of a scope (as :data:`SCOPE_BETWEENNESS` makes it, ``$labels`` and
#: ``$types``) as of ``$day``, and for each of ``$wanted`` the best path within ``$max_hops``
#: ties to any of ``$sources``; one row: ``nodes``, ``edges``, and ``scores``, ``hops`` and
#: ``origins`` in the order of ``$wanted`` (nulls for one no source is within reach of; all
#: null when a source is no actor of the graph).
SCOPE_REACH = (
    f"CALL {REACH_PROCEDURE}($labels, $types, $prefecture, $sources, $max_hops, $wanted, $day) "
    "YIELD nodes, edges, scores, hops, origins RETURN nodes, edges, scores, hops, origins"
)

#: rsn's procedure that finds the nearest sources on a scope's actor graph, by place.
NEAREST_PROCEDURE = "rsn.scopeNearest"

#: The actor graph of a scope (as :data:`SCOPE_BETWEENNESS` makes it) as of ``$day``, and for
#: each of ``$wanted`` the nearest of ``$sources``, the nearest place first (``$blocks``, each
#: prefecture code's regional block; empty: no places); one row: ``nodes``, ``edges``, and
#: ``distances``, ``origins`` and ``paths`` in the order of ``$wanted`` (nulls for one no
#: source was found for; all null when a source is no actor of the graph).
SCOPE_NEAREST = (
    f"CALL {NEAREST_PROCEDURE}($labels, $types, $prefecture, $sources, $wanted, $blocks, $day) "
    "YIELD nodes, edges, distances, origins, paths "
    "RETURN nodes, edges, distances, origins, paths"
)

#: rsn's procedure that finds the connected parts, cut vertices and bridges of a scope's actor
#: graph.
CUTS_PROCEDURE = "rsn.scopeCuts"

#: The actor graph of a scope (as :data:`SCOPE_BETWEENNESS` makes it) as of ``$day``, and its
#: connected parts, cut vertices and bridges; one row: ``nodes``, ``edges``, ``order`` (every
#: actor's id in the search's order, part after part), ``sizes`` (of the parts), ``cuts`` (each
#: cut vertex's place in ``order``) with its ``ranges`` (the (start, stop) pairs of the subtrees
#: it alone holds, in its part's order), and ``bridges`` (triples: the places of the two ends,
#: and the actors on the smaller side).
SCOPE_CUTS = (
    f"CALL {CUTS_PROCEDURE}($labels, $types, $prefecture, $day) "
    "YIELD nodes, edges, order, sizes, cuts, ranges, bridges "
    "RETURN nodes, edges, order, sizes, cuts, ranges, bridges"
)

#: rsn's procedure that computes Burt's constraint of some actors of a scope's actor graph.
CONSTRAINT_PROCEDURE = "rsn.scopeConstraint"

#: The actor graph of a scope (as :data:`SCOPE_BETWEENNESS` makes it) as of ``$day``, and
#: Burt's constraint of each of ``$actors``; one row: ``nodes``, ``edges`` and ``values`` in
#: the order of ``$actors`` (null for one without ties or that is no actor of the graph).
SCOPE_CONSTRAINT = (
    f"CALL {CONSTRAINT_PROCEDURE}($labels, $types, $prefecture, $actors, $day) "
    "YIELD nodes, edges, values RETURN nodes, edges, values"
)

#: rsn's procedure that sends a scope's actor graph, one tie per pair of actors, in byte
#: columns.
TIES_PROCEDURE = "rsn.scopeTies"

#: The actor graph of a scope (as :data:`SCOPE_BETWEENNESS` makes it, ``$types`` in the order
#: the type places count) as of ``$day``, ties numbered by their first end then their other
#: end, in records of a run of actors each (about ``$chunk`` ties): ``nodes``, ``edges``,
#: ``first`` (the place of the run's first actor in id order) and ``ids`` (its actors); for
#: each actor, ``counts`` (its ties, int32) and, tie by tie, ``others`` (the other actor's
#: place) and ``ties`` (the tie's number), int32 each; and for each tie the run's actors
#: begin, ``sources`` and ``targets`` (the places of its strongest relation's ends, int32),
#: ``strengths`` (float64), ``types`` (the strongest's type place, a byte) and ``kinds`` (the
#: types of all its relations, as bits by place; int32); all little-endian.
SCOPE_TIES = (
    f"CALL {TIES_PROCEDURE}($labels, $types, $prefecture, $day, $chunk) "
    "YIELD nodes, edges, first, ids, counts, others, ties, sources, targets, strengths, "
    "types, kinds "
    "RETURN nodes, edges, first, ids, counts, others, ties, sources, targets, strengths, "
    "types, kinds"
)

#: The relations of the whole network with an asset at an end, holding on ``$day`` between
#: two nodes existing then, from a node of one of ``$labels``; one row, ``relations`` (see
#: ``_RELATION_COLUMNS``).
ASSET_RELATIONS = (
    f"MATCH (x:{label(NodeKind.ASSET)})-[r:{RELATION_TYPES}]-() WITH DISTINCT r "
    "WITH r, startNode(r) AS a, endNode(r) AS b "
    f"WHERE any(name IN labels(a) WHERE name IN $labels) AND {_holds('r')} "
    f"AND {_exists('a')} AND {_exists('b')} "
    "WITH a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
    "r.since AS since, r.until AS until " + _RELATION_COLUMNS
)

#: The actor labels and the relation types of :data:`SCOPE_BETWEENNESS`.
ACTOR_LABELS = [kind.value for kind in _ACTOR_KINDS]
