"""Writing a few records given as values (from the API), with the same rules as a load: an
id that is an alias (the id of a node merged into another) stands for the kept node."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from graph.errors import InvalidArgument, NotFound, RowInvalid
from graph.i18n import _
from graph.model import Node, NodeKind, Relation
from graph.provenance import Attribution
from graph.queries.merges import merge_same_numbers
from graph.rows import check_endpoints, parse_node, parse_relation
from graph.store.ports import GraphStore, Store

__all__ = ["write_nodes", "write_relations"]


def write_nodes(
    store: Store,
    items: Sequence[tuple[str, Mapping[str, Any]]],
    by: Attribution | None = None,
) -> list[Node]:
    """Validate (kind, values) pairs and upsert them as nodes in one transaction, asserted
    ``by`` a contributor (``local``, now, when None). A row may say the node ``ended``.

    Raises InvalidArgument for an unknown kind, RowInvalid for a bad row (a text column given
    a number, a list or an object; a number out of its column's bounds) and Conflict if an
    id already names a node of another kind; nothing is written then. A node given by an
    alias updates the kept node; one with the corporate number of another enterprise (or
    financier) is then merged with it (see :func:`graph.queries.merges.merge_same_numbers`).
    """
    nodes = []
    for kind, row in items:
        try:
            node_kind = NodeKind(kind)
        except ValueError:
            names = ", ".join(k.value for k in NodeKind)
            raise InvalidArgument(
                _("{kind!r} is not a node kind: use one of {choices}", kind=kind, choices=names)
            ) from None
        nodes.append(parse_node(node_kind, {k: _value(v) for k, v in row.items()}))
    aliases = store.aliases()
    if aliases:
        nodes = [replace(n, id=aliases[n.id]) if n.id in aliases else n for n in nodes]
    numbered = [n.id for n in nodes if "corporate_number" in n.props]
    before = store.node_kinds(numbered) if numbered else {}
    store.upsert_nodes(nodes, by)
    if numbered:
        merge_same_numbers(store, numbered, by=(by or Attribution()).contributor, before=before)
    return nodes


def write_relations(
    store: GraphStore, rows: Sequence[Mapping[str, Any]], by: Attribution | None = None
) -> list[Relation]:
    """Validate and upsert relations between nodes already in the store, in one transaction,
    asserted ``by`` a contributor (``local``, now, when None). A row may give ``until``.

    Raises RowInvalid for a bad row or a type that the endpoints' kinds do not allow, NotFound
    for an endpoint that is not in the store; nothing is written then. An end given by an
    alias is the kept node (a relation between a node and its alias would tie the node to
    itself: RowInvalid).
    """
    relations = [parse_relation({k: v for k, v in row.items() if v is not None}) for row in rows]
    aliases = store.aliases()
    if aliases:
        relations = [_resolved(relation, aliases) for relation in relations]
    kinds = store.node_kinds({end for r in relations for end in (r.source, r.target)})
    for relation in relations:
        for end in (relation.source, relation.target):
            if end not in kinds:
                raise NotFound(_("no node with id {id!r}", id=end))
        check_endpoints(relation, kinds[relation.source], kinds[relation.target])
    store.upsert_relations(relations, by)
    return relations


def _resolved(relation: Relation, aliases: Mapping[str, str]) -> Relation:
    """``relation`` with each end that is an alias replaced by its kept node; raises
    RowInvalid when both ends then are one node."""
    source = aliases.get(relation.source, relation.source)
    target = aliases.get(relation.target, relation.target)
    if source == target:
        raise RowInvalid(
            [
                (
                    "target",
                    _(
                        "{source!r} and {target!r} are one node since a merge ({kept!r}): a "
                        "node cannot be tied to itself",
                        source=relation.source,
                        target=relation.target,
                        kept=source,
                    ),
                )
            ]
        )
    return relation._replace(source=source, target=target)


def _value(value: Any) -> Any:
    """A JSON value as the model takes it: null as a blank cell, anything else as it is, so
    that a number stays one (a whole number column takes it, a text column refuses it) and
    an object or a list is never stored as its printed form."""
    return "" if value is None else value
