"""Every Cypher statement rsn runs, as named constants and small builders.

Values only ever travel as ``$parameters``. Labels and relationship types cannot be
parameters in Cypher, so they come only from the model's enums: :func:`label` and
:func:`rel_type` refuse anything else before it is spliced into a statement.
"""

from __future__ import annotations

from graph.model import NodeKind, RelationType

__all__ = [
    "label",
    "rel_type",
    "schema_statements",
    "upsert_nodes",
    "upsert_relations",
    "NODE_KINDS",
    "GET_NODES",
    "ties_of",
    "STATS",
    "nodes_page",
    "relations_page",
    "scope_nodes",
    "scope_relations",
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
    return statements


def upsert_nodes(kind: NodeKind) -> str:
    """Create or update nodes of ``kind`` from ``$rows`` of ``{id, props}``.

    ``props`` holds id, name and every other property, and replaces what was there.
    """
    return f"UNWIND $rows AS row MERGE (n:{label(kind)} {{id: row.id}}) SET n = row.props"


def upsert_relations(kind: RelationType, source: NodeKind, target: NodeKind) -> str:
    """Create or update relations from ``$rows`` of ``{source, target, strength, since}``."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{label(source)} {{id: row.source}}) "
        f"MATCH (b:{label(target)} {{id: row.target}}) "
        f"MERGE (a)-[r:{rel_type(kind)}]->(b) "
        f"SET r.strength = row.strength, r.since = row.since"
    )


def _union_by_label(body: str) -> str:
    """A ``CALL`` subquery that finds node ``n`` with id ``id`` under each label in turn."""
    parts = [
        f"MATCH (n:{label(kind)} {{id: id}}) RETURN n, '{kind.value}' AS kind {body}"
        for kind in NodeKind
    ]
    return "CALL (id) { " + " UNION ALL ".join(parts) + " }"


#: The kind of each id in ``$ids`` that exists.
NODE_KINDS = "UNWIND $ids AS id " + _union_by_label("") + " RETURN id, kind"

#: Each node of ``$ids`` that exists, with its kind and properties.
GET_NODES = "UNWIND $ids AS id " + _union_by_label("") + " RETURN id, kind, properties(n) AS props"


def ties_of(kind: NodeKind) -> str:
    """Every relation touching the node ``$id`` of ``kind``."""
    return (
        f"MATCH (n:{label(kind)} {{id: $id}})-[r]-() "
        "RETURN startNode(r).id AS source, type(r) AS type, endNode(r).id AS target, "
        "r.strength AS strength, r.since AS since"
    )


STATS = (
    "CALL () { "
    + " UNION ALL ".join(
        f"MATCH (n:{label(kind)}) RETURN 'node' AS what, '{kind.value}' AS name, count(n) AS count"
        for kind in NodeKind
    )
    + " UNION ALL "
    + " UNION ALL ".join(
        f"MATCH ()-[r:{rel_type(kind)}]->() "
        f"RETURN 'relation' AS what, '{kind.value}' AS name, count(r) AS count"
        for kind in RelationType
    )
    + " } RETURN what, name, count"
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
        "OPTIONAL MATCH (a)-[r]->(b) "
        "RETURN a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
        "r.since AS since"
    )


def scope_nodes(kind: NodeKind, whole: bool) -> str:
    """Nodes of ``kind`` in a scope: prefecture ``$prefecture``, or all when ``whole``."""
    where = "" if whole else " WHERE n.prefecture = $prefecture"
    return f"MATCH (n:{label(kind)}){where} RETURN n.id AS id, properties(n) AS props"


def scope_relations(kind: NodeKind, whole: bool) -> str:
    """Relations from nodes of ``kind`` in a scope to nodes in the same scope."""
    where = "" if whole else " WHERE a.prefecture = $prefecture AND b.prefecture = $prefecture"
    return (
        f"MATCH (a:{label(kind)})-[r]->(b){where} "
        "RETURN a.id AS source, type(r) AS type, b.id AS target, r.strength AS strength, "
        "r.since AS since"
    )
