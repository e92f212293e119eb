"""Every Cypher statement rsn runs, as named constants and small builders.

Values only ever travel as ``$parameters``. Labels and relationship types cannot be
parameters in Cypher, so they come only from the model's enums: :func:`label` and
:func:`rel_type` refuse anything else before it is spliced into a statement.
"""

from __future__ import annotations

from graph.model import ACTOR_KINDS, INTRODUCTION_TIE_TYPES, MAX_HOPS_LIMIT, NodeKind, RelationType
from graph.store.referral_records import REFERRAL_FIELDS

__all__ = [
    "label",
    "rel_type",
    "schema_statements",
    "upsert_nodes",
    "create_nodes",
    "upsert_relations",
    "upsert_relations_by_element",
    "NODE_ELEMENTS",
    "GET_NODES",
    "ties_of",
    "STATS",
    "DERIVED_TIES",
    "REFERRALS_BY_REQUEST",
    "nodes_page",
    "relations_page",
    "scope_nodes",
    "scope_relations",
    "BOUNDARY_RELATIONS",
    "INTRODUCTION_TIES",
    "RELATION_TYPES",
    "UPSERT_REFERRALS",
    "CREATE_REFERRAL",
    "GET_REFERRAL",
    "LIST_REFERRALS",
    "MOVE_REFERRAL",
    "REFRESH_REFERRAL_TIES",
    "CENTRES_WITH_EXPERTISE",
    "k_best_paths",
    "PATHS_PROCEDURE",
    "HAS_PATHS_PROCEDURE",
    "INTRODUCTION_TIE_NAMES",
    "K_BEST_PATHS_IN_DATABASE",
    "WARM_UP",
    "SAMPLE_NODES",
]


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


#: Every relation type of the dataset, as a relationship type expression (``A|B|...``), so
#: that generic reads never pick up the links that tie referrals to their centres.
RELATION_TYPES = "|".join(rel_type(kind) for kind in RelationType)

#: Referrals completed between two centres, kept as one relationship per pair of centres
#: (from the smaller id to the larger) for introductions to walk. It is derived from the
#: referrals, so it is never exported or loaded, and is counted apart from the dataset's
#: relations; paths and :data:`DERIVED_TIES` report it as a collaboration.
REFERRAL_TIE_NAME = "REFERRAL_TIE"
REFERRAL_TIE = f"`{REFERRAL_TIE_NAME}`"


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
    ]
    return statements


def upsert_nodes(kind: NodeKind) -> str:
    """Create or update nodes of ``kind`` from ``$rows`` of ``{id, props}``.

    ``props`` holds id, name and every other property, and replaces what was there. Returns
    one row: the ids and their element ids, as two lists (one row decodes far faster than
    thousands).
    """
    return (
        f"UNWIND $rows AS row MERGE (n:{label(kind)} {{id: row.id}}) SET n = row.props "
        f"RETURN collect(row.id) AS ids, collect(elementId(n)) AS elements"
    )


def create_nodes(kind: NodeKind) -> str:
    """Create nodes of ``kind`` from ``$rows`` of ``{id, props}``, for ids the store did not
    have; the unique constraint on id refuses one that appeared meanwhile."""
    return (
        f"UNWIND $rows AS row CREATE (n:{label(kind)}) SET n = row.props "
        f"RETURN collect(row.id) AS ids, collect(elementId(n)) AS elements"
    )


def upsert_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """Create or update relations from ``$rows`` of ``{source, target, strength, since}``."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}}) "
        f"MATCH (b:{label(target)} {{id: row.target}}) "
        f"MERGE (a)-[r:{rel_type(kind)}]->(b) "
        f"SET r.strength = row.strength, r.since = row.since"
    )


def upsert_relations_by_element(
    kind: RelationType, source: NodeKind, target: NodeKind, create: bool = False
) -> str:
    """:func:`upsert_relations` finding the ends by element id (``row.a``, ``row.b``), which
    is a direct seek rather than an index look-up (``properties(a).id`` keeps the planner
    from turning the check back into one). An end whose element id no longer holds that node
    (label and id are checked) matches nothing; ``written`` counts the rows that found both
    ends, so the caller can send the others by id. With ``create`` the relationship is
    created without looking for one already there: only for an end that did not exist
    before this load, which can have no relationship but the load's own."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a) WHERE elementId(a) = row.a "
        f"MATCH (b) WHERE elementId(b) = row.b "
        f"WITH row, a, b WHERE a:{label(source)} AND properties(a).id = row.source "
        f"AND b:{label(target)} AND properties(b).id = row.target "
        f"{'CREATE' if create else 'MERGE'} (a)-[r:{rel_type(kind)}]->(b) "
        f"SET r.strength = row.strength, r.since = row.since "
        f"RETURN count(*) AS written"
    )


def _union_by_label(body: str) -> str:
    """A ``CALL`` subquery that finds node ``n`` with id ``id`` under each label in turn."""
    parts = [
        f"MATCH (n:{label(kind)} {{id: id}}) RETURN n, '{kind.value}' AS kind {body}"
        for kind in NodeKind
    ]
    return "CALL (id) { " + " UNION ALL ".join(parts) + " }"


#: The kind and element id of each id in ``$ids`` that exists, as three lists in one row.
NODE_ELEMENTS = (
    "UNWIND $ids AS id "
    + _union_by_label("")
    + " RETURN collect(id) AS ids, collect(kind) AS kinds, collect(elementId(n)) AS elements"
)

#: Each node of ``$ids`` that exists, with its kind and properties, as three lists in one row.
GET_NODES = (
    "UNWIND $ids AS id "
    + _union_by_label("")
    + " RETURN collect(id) AS ids, collect(kind) AS kinds, collect(properties(n)) AS props"
)


def ties_of(kind: NodeKind) -> str:
    """Every relation touching the node ``$id`` of ``kind``."""
    return (
        f"MATCH (n:{label(kind)} {{id: $id}})-[r:{RELATION_TYPES}]-() "
        "RETURN startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, "
        "r.strength AS strength, r.since AS since"
    )


#: One row: ``nodes`` maps each node kind to its count, ``relations`` each relation type, and
#: ``derived`` is the number of referral ties (pairs of centres).
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

#: The referral ties of the centre ``$id``: rows ``source``, ``target`` (the smaller id
#: first) and ``strength``.
DERIVED_TIES = (
    f"MATCH (c:{label(NodeKind.CENTRE)} {{id: $id}})-[t:{REFERRAL_TIE}]-() "
    "RETURN startNode(t).id AS source, endNode(t).id AS target, t.strength AS strength"
)


def nodes_page(kind: NodeKind) -> str:
    """Nodes of ``kind`` with id after ``$after``, in id order, ``$limit`` at most."""
    return (
        f"MATCH (n:{label(kind)}) WHERE n.id > $after "
        "RETURN n.id AS id, properties(n) AS props ORDER BY n.id LIMIT $limit"
    )


def relations_page(kind: NodeKind) -> str:
    """Outgoing relations of the nodes of ``kind`` with id after ``$after``, ``$limit`` of
    those nodes at most, in source id order."""
    return (
        f"MATCH (a:{label(kind)}) WHERE a.id > $after "
        "WITH a ORDER BY a.id LIMIT $limit "
        f"OPTIONAL MATCH (a)-[r:{RELATION_TYPES}]->(b) "
        "RETURN a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
        "r.since AS since"
    )


#: A projection's relations come back in one row, as a list of [source, type, target,
#: strength, since] (``collect`` would drop a missing since from a column of its own): one
#: row decodes many times faster in the driver than a row per relation.
_RELATION_COLUMNS = "RETURN collect([source, type, target, strength, since]) AS relations"


def scope_nodes(kind: NodeKind, whole: bool) -> str:
    """Nodes of ``kind`` in a scope: prefecture ``$prefecture``, or all when ``whole``; one
    row of two lists, ``ids`` and ``props``."""
    where = "" if whole else " WHERE n.prefecture = $prefecture"
    return (
        f"MATCH (n:{label(kind)}){where} "
        "RETURN collect(n.id) AS ids, collect(properties(n)) AS props"
    )


def scope_relations(kind: NodeKind, whole: bool) -> str:
    """Relations from nodes of ``kind`` in a scope to nodes in the same scope, as one row (see
    ``_RELATION_COLUMNS``)."""
    where = "" if whole else " WHERE a.prefecture = $prefecture AND b.prefecture = $prefecture"
    return (
        f"MATCH (a:{label(kind)})-[r:{RELATION_TYPES}]->(b){where} "
        "WITH a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
        "r.since AS since " + _RELATION_COLUMNS
    )


#: The relations with exactly one end in prefecture ``$prefecture``: from each node of the
#: prefecture (an index seek under each label), every relation to a node of another
#: prefecture or of none. Each such relation has one end inside, so it comes once. One row,
#: as :func:`scope_relations`.
BOUNDARY_RELATIONS = (
    "CALL () { "
    + " UNION ALL ".join(
        f"MATCH (n:{label(kind)}) WHERE n.prefecture = $prefecture RETURN n" for kind in NodeKind
    )
    + " } "
    f"MATCH (n)-[r:{RELATION_TYPES}]-(m) "
    "WHERE m.prefecture IS NULL OR m.prefecture <> $prefecture "
    "WITH startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, "
    "r.strength AS strength, r.since AS since " + _RELATION_COLUMNS
)


# -- introductions ---------------------------------------------------------------------

#: The ties an introduction path may take, as a relationship type expression (``A|B|...``).
INTRODUCTION_TIES = "|".join(rel_type(kind) for kind in INTRODUCTION_TIE_TYPES) + "|" + REFERRAL_TIE


def _actor_by_id(variable: str, parameter: str) -> str:
    """A ``CALL`` subquery binding ``variable`` to the actor whose id is ``$parameter``: one
    unique-index seek under each actor label."""
    parts = [
        f"MATCH ({variable}:{label(kind)} {{id: ${parameter}}}) RETURN {variable}"
        for kind in NodeKind
        if kind in ACTOR_KINDS
    ]
    return "CALL () { " + " UNION ALL ".join(parts) + " }"


def k_best_paths(max_hops: int) -> str:
    """The ``$k`` best paths of at most ``max_hops`` ties from actor ``$source`` to actor
    ``$target`` among those scoring at least ``$theta``, best first, with the ties of each step.

    Rows: ``ids`` (node ids in path order), ``score`` (the product of the strengths multiplied
    in path order, the strongest tie counting between two nodes) and ``ties``, every
    introduction tie between the two nodes of each step as ``{step, source, type, target,
    strength, since}`` (step 0 is the first), for the caller to pick the strongest.

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
    """
    if isinstance(max_hops, bool) or not isinstance(max_hops, int):
        raise ValueError(f"max_hops must be a whole number, got {max_hops!r}")
    if not 1 <= max_hops <= MAX_HOPS_LIMIT:
        raise ValueError(f"max_hops must be from 1 to {MAX_HOPS_LIMIT}, got {max_hops}")
    ahead = (max_hops + 1) // 2
    behind = max_hops - ahead
    ties = INTRODUCTION_TIES
    if behind:
        walk = f"""
MATCH (s)((x)-[r:{ties}]-(y) WHERE r.strength >= $floor){{1,{ahead}}}(m),
      (t)((u)-[q:{ties}]-(v) WHERE q.strength >= $floor){{0,{behind}}}(m)
USING JOIN ON m
WHERE (size(r) = {ahead} OR m = t)
  AND reduce(p = 1.0, e IN r | p * e.strength) >= $floor
  AND reduce(p = 1.0, e IN q | p * e.strength) >= $floor
WITH [s] + y + reverse([t] + v)[1..] AS ns, r + reverse(q) AS rels"""
    else:
        walk = f"""
MATCH (s)-[r:{ties}]-(t) WHERE r.strength >= $floor
WITH [s, t] AS ns, [r] AS rels"""
    return f"""{_actor_by_id("s", "source")}
{_actor_by_id("t", "target")}{walk}
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
WITH ns, reduce(p = 1.0, e IN rels | p * e.strength) AS score
WHERE score >= $theta
WITH ns, max(score) AS score
WITH ns, score, [n IN ns | n.id] AS ids
ORDER BY score DESC, size(ns), ids
LIMIT $k
{_TIES_OF_EACH_STEP}"""


#: The tail of both path statements: from rows of ``ns`` (a path's nodes), ``score`` and
#: ``ids``, every introduction tie between the two nodes of each step, for the caller to pick
#: the strongest.
_TIES_OF_EACH_STEP = f"""CALL (ns) {{
  UNWIND range(0, size(ns) - 2) AS step
  WITH step, ns[step] AS a, ns[step + 1] AS b
  MATCH (a)-[tie:{INTRODUCTION_TIES}]-(b)
  RETURN collect({{step: step, source: startNode(tie).id,
                  type: CASE type(tie) WHEN '{REFERRAL_TIE_NAME}'
                        THEN '{RelationType.COLLABORATES_WITH.value}' ELSE type(tie) END,
                  target: endNode(tie).id, strength: tie.strength, since: tie.since}}) AS ties
}}
RETURN ids, score, ties"""

#: The name of rsn's path procedure, which the server has when rsn's plugin is installed.
PATHS_PROCEDURE = "rsn.kBestPaths"

#: Whether the server has :data:`PATHS_PROCEDURE`; one row, ``installed``.
HAS_PATHS_PROCEDURE = (
    "SHOW PROCEDURES YIELD name WHERE name = $name RETURN count(*) > 0 AS installed"
)

#: The introduction tie types, as values for the procedure's ``types`` argument.
INTRODUCTION_TIE_NAMES = [kind.value for kind in INTRODUCTION_TIE_TYPES] + [REFERRAL_TIE_NAME]

#: The ``$k`` best paths of at most ``$max_hops`` introduction ties from actor ``$source`` to
#: actor ``$target``, found inside the database by rsn's procedure (pass ``$types`` =
#: :data:`INTRODUCTION_TIE_NAMES`). It runs the same exact search as the embedded store, ranks
#: as the contract says (score, then fewer ties, then ids) and scores a step by its strongest
#: tie; the rows are those of :func:`k_best_paths`.
K_BEST_PATHS_IN_DATABASE = f"""{_actor_by_id("s", "source")}
{_actor_by_id("t", "target")}
CALL {PATHS_PROCEDURE}(s, t, $types, 'strength', 'id', $k, $max_hops) YIELD nodes, score
WITH nodes AS ns, score, [n IN nodes | n.id] AS ids
{_TIES_OF_EACH_STEP}"""


#: Reads every node's introduction ties once, so that the pages the search reads are in the
#: page cache, and the sorted ties of the biggest hubs into the cache of rsn's procedure; one
#: row: ``nodes`` read, ``hubs`` and ``ties`` cached (pass ``$types`` =
#: :data:`INTRODUCTION_TIE_NAMES`).
WARM_UP = "CALL rsn.warmUp($types, 'strength') YIELD nodes, hubs, ties RETURN nodes, hubs, ties"

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
# properties of its record (:data:`REFERRAL_FIELDS`) and ``request_id`` (sender id and request
# key), which is unique, so MERGE on it is safe under concurrent retries of one POST. The
# statements that recount referral ties take the strength curve as ``$strengths``
# (:data:`graph.referral_lifecycle.REFERRAL_TIE_STRENGTHS`) and the completed status as
# ``$completed``.

_CENTRE = label(NodeKind.CENTRE)
_ENTERPRISE = label(NodeKind.ENTERPRISE)

#: Every field of the record of referral ``r``, as one map column ``referral``.
_REFERRAL_FIELDS = "r {" + ", ".join(f".{name}" for name in REFERRAL_FIELDS) + "} AS referral"

_LINK_REFERRAL = (
    "MERGE (r)-[:FROM_CENTRE]->(f) MERGE (r)-[:TO_CENTRE]->(t) MERGE (r)-[:ABOUT]->(e) "
)

#: Store ``$rows`` of referrals by id (load); replaces what was there.
UPSERT_REFERRALS = (
    "UNWIND $rows AS row "
    f"MATCH (f:{_CENTRE} {{id: row.from_centre}}) "
    f"MATCH (t:{_CENTRE} {{id: row.to_centre}}) "
    f"MATCH (e:{_ENTERPRISE} {{id: row.enterprise}}) "
    "MERGE (r:Referral {id: row.id}) SET r = row " + _LINK_REFERRAL + "RETURN count(r) AS written"
)

#: Create ``$row`` unless its ``request_id`` exists; returns the stored one and ``created``.
CREATE_REFERRAL = (
    f"MATCH (f:{_CENTRE} {{id: $row.from_centre}}) "
    f"MATCH (t:{_CENTRE} {{id: $row.to_centre}}) "
    f"MATCH (e:{_ENTERPRISE} {{id: $row.enterprise}}) "
    "MERGE (r:Referral {request_id: $row.request_id}) "
    "ON CREATE SET r = $row, r.just_created = true "
    "WITH r, f, t, e, coalesce(r.just_created, false) AS created "
    "REMOVE r.just_created " + _LINK_REFERRAL + f"RETURN {_REFERRAL_FIELDS}, created"
)

GET_REFERRAL = f"MATCH (r:Referral {{id: $id}}) RETURN {_REFERRAL_FIELDS}"

#: The id of the referral of each ``request_id`` in ``$requests`` that exists: rows
#: ``request``, ``id``.
REFERRALS_BY_REQUEST = (
    "UNWIND $requests AS request MATCH (r:Referral {request_id: request}) "
    "RETURN request, r.id AS id"
)

#: Referrals ``$centre`` received (when ``$received``) or sent (when ``$sent``), or every
#: referral when ``$centre`` is null; newest first.
LIST_REFERRALS = (
    "MATCH (r:Referral) WHERE $centre IS NULL "
    "OR ($received AND r.to_centre = $centre) "
    "OR ($sent AND r.from_centre = $centre) "
    f"RETURN {_REFERRAL_FIELDS} ORDER BY r.created_at DESC, r.id DESC"
)

#: Recount the referrals completed between centres ``a`` and ``b`` (a.id < b.id) and set
#: their REFERRAL_TIE to match: of strength ``$strengths[n - 1]`` for n completed referrals
#: (the last item beyond the table), none when n is 0.
_REFRESH_REFERRAL_TIE = (
    "CALL (a, b) { "
    "OPTIONAL MATCH (x:Referral {status: $completed}) "
    "WHERE (x.from_centre = a.id AND x.to_centre = b.id) "
    "OR (x.from_centre = b.id AND x.to_centre = a.id) "
    "WITH a, b, count(x) AS n "
    f"OPTIONAL MATCH (a)-[old:{REFERRAL_TIE}]->(b) DELETE old "
    "WITH a, b, n WHERE n > 0 "
    f"CREATE (a)-[:{REFERRAL_TIE} {{strength: coalesce($strengths[n - 1], $strengths[-1])}}]->(b) "
    "} "
)

#: Refresh the referral ties of ``$pairs`` of centre ids (each sorted).
REFRESH_REFERRAL_TIES = (
    "UNWIND $pairs AS pair "
    f"MATCH (a:{_CENTRE} {{id: pair[0]}}) MATCH (b:{_CENTRE} {{id: pair[1]}}) "
    + _REFRESH_REFERRAL_TIE
)

#: The guarded move: take the referral's write lock first (the SET), then check that its
#: status is still ``$expected`` as committed by anyone before us, then write ``$status``
#: and ``$history``; a completion strengthens the tie between the two centres in the same
#: transaction. No row back means someone else moved it first.
MOVE_REFERRAL = (
    "MATCH (r:Referral {id: $id}) "
    "SET r.locked = true REMOVE r.locked "
    "WITH r WHERE r.status = $expected "
    "SET r.status = $status, r.history = $history "
    "WITH r "
    "CALL (r) { "
    "WITH r WHERE r.status = $completed "
    f"MATCH (a:{_CENTRE}) WHERE a.id = CASE WHEN r.from_centre < r.to_centre "
    "THEN r.from_centre ELSE r.to_centre END "
    f"MATCH (b:{_CENTRE}) WHERE b.id = CASE WHEN r.from_centre < r.to_centre "
    "THEN r.to_centre ELSE r.from_centre END " + _REFRESH_REFERRAL_TIE + "} "
    "RETURN r.id AS id"
)

#: Centres with an affiliated specialist whose expertise includes ``$need``: rows ``id``,
#: ``props`` and ``specialists`` (their ids, sorted), in centre id order.
CENTRES_WITH_EXPERTISE = (
    f"MATCH (s:{label(NodeKind.SPECIALIST)})-[:{rel_type(RelationType.AFFILIATED_WITH)}]->"
    f"(c:{_CENTRE}) WHERE $need IN s.expertise "
    "WITH c, s.id AS specialist ORDER BY specialist "
    "RETURN c.id AS id, properties(c) AS props, collect(specialist) AS specialists "
    "ORDER BY id"
)
