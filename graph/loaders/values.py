"""Writing a few records given as values (from the API), with the same rules as a load."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.errors import InvalidArgument, NotFound
from graph.model import Node, NodeKind, Relation
from graph.provenance import Attribution
from graph.rows import check_endpoints, parse_node, parse_relation
from graph.store.ports import GraphStore

__all__ = ["write_nodes", "write_relations"]


def write_nodes(
    store: GraphStore,
    items: Sequence[tuple[str, Mapping[str, Any]]],
    by: Attribution | None = None,
) -> list[Node]:
    """Validate (kind, values) pairs and upsert them as nodes in one transaction, asserted
    ``by`` a contributor (``local``, now, when None). A row may say the node ``ended``.

    Raises InvalidArgument for an unknown kind, RowInvalid for a bad row (a text column given
    a number, a list or an object; a number out of its column's bounds) and Conflict if an
    id already names a node of another kind; nothing is written then.
    """
    nodes = []
    for kind, row in items:
        try:
            node_kind = NodeKind(kind)
        except ValueError:
            names = ", ".join(k.value for k in NodeKind)
            raise InvalidArgument(f"{kind!r} is not a node kind: use one of {names}") from None
        nodes.append(parse_node(node_kind, {k: _value(v) for k, v in row.items()}))
    store.upsert_nodes(nodes, by)
    return nodes


def write_relations(
    store: GraphStore, rows: Sequence[Mapping[str, Any]], by: Attribution | None = None
) -> list[Relation]:
    """Validate and upsert relations between nodes already in the store, in one transaction,
    asserted ``by`` a contributor (``local``, now, when None). A row may give ``until``.

    Raises RowInvalid for a bad row or a type that the endpoints' kinds do not allow, NotFound
    for an endpoint that is not in the store; nothing is written then.
    """
    relations = [parse_relation({k: v for k, v in row.items() if v is not None}) for row in rows]
    kinds = store.node_kinds({end for r in relations for end in (r.source, r.target)})
    for relation in relations:
        for end in (relation.source, relation.target):
            if end not in kinds:
                raise NotFound(f"no node with id {end!r}")
        check_endpoints(relation, kinds[relation.source], kinds[relation.target])
    store.upsert_relations(relations, by)
    return relations


def _value(value: Any) -> Any:
    """A JSON value as the model takes it: null as a blank cell, anything else as it is, so
    that a number stays one (a whole number column takes it, a text column refuses it) and
    an object or a list is never stored as its printed form."""
    return "" if value is None else value
