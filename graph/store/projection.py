"""The NetworkX projection of a scope: the undirected simple graph analytics work on.

The relations of each pair of nodes are first merged into one edge's data, so the graph gets
one edge per pair, and the cyclic garbage collector is held off while the many small
dictionaries of a whole network are made (:func:`graph.collector.collector_off`). Nodes are
added with NetworkX's ``add_nodes_from``; each edge's data is then set in the new graph's
neighbour dictionaries as ``add_edges_from`` sets it (one dictionary for both directions),
without the copy of it that ``add_edges_from`` makes: a third of the time of a whole
network's projection.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.collector import collector_off
from graph.model import ACTOR_KINDS, Node, Relation, RelationType

__all__ = ["Edge", "edge_data", "project", "projected_graph"]


#: The set of one relation type, shared by every edge with a single relation.
_ONE_TYPE: dict[RelationType, frozenset[RelationType]] = {
    kind: frozenset((kind,)) for kind in RelationType
}

#: An edge of the projection: its two ends and its data.
Edge = tuple[str, str, dict[str, Any]]


def _data_of(relation: Relation) -> dict[str, Any]:
    """The data of an edge of one relation."""
    return {
        "strength": relation.strength,
        "type": relation.type,
        "source": relation.source,
        "target": relation.target,
        "types": _ONE_TYPE[relation.type],
    }


def _merge(data: dict[str, Any], relation: Relation) -> None:
    """Add ``relation`` to the data of an edge joining the same two nodes: its type among
    ``types``, and it as the strongest if it comes first in the order of
    :func:`graph.model.strongest` (higher strength, then type, source, target)."""
    data["types"] = data["types"] | _ONE_TYPE[relation.type]
    mine = (-relation.strength, relation.type.value, relation.source, relation.target)
    if mine < (-data["strength"], data["type"].value, data["source"], data["target"]):
        data.update(
            strength=relation.strength,
            type=relation.type,
            source=relation.source,
            target=relation.target,
        )


def edge_data(relations: Iterable[Relation]) -> dict[str, Any]:
    """The data of the edge that joins two nodes by ``relations`` (one or more): the
    strongest, chosen as :func:`graph.model.strongest` does, as ``strength``, ``type``,
    ``source`` and ``target``, and every type joining them as ``types``. Raises ValueError if
    ``relations`` is empty."""
    each = iter(relations)
    first = next(each, None)
    if first is None:
        raise ValueError("an edge needs at least one relation")
    data = _data_of(first)
    for relation in each:
        _merge(data, relation)
    return data


def projected_graph(nodes: Iterable[Node], edges: Iterable[Edge]) -> nx.Graph:
    """The graph of ``nodes``, each carrying ``kind``, ``name`` and ``prefecture``, and of
    ``edges`` between them (one per pair of nodes), added in the order given: analytics see
    nodes, and each node's neighbours, in that order. Each edge's data dictionary becomes the
    graph's own (it must not be shared with another edge). Raises KeyError for an edge with
    an end not among ``nodes``."""
    with collector_off():
        graph = nx.Graph()
        graph.add_nodes_from(
            (node.id, {"kind": node.kind, "name": node.name, "prefecture": node.prefecture})
            for node in nodes
        )
        # what add_edges_from does for a new edge, less the copy of its data: the graph was
        # made here, so no cache of it needs clearing
        neighbours = graph._adj
        for u, v, data in edges:
            neighbours[u][v] = data
            neighbours[v][u] = data
    return graph


def project(
    nodes: Iterable[Node], relations: Iterable[Relation], actors_only: bool = True
) -> nx.Graph:
    """The undirected simple graph of a scope, as analytics use it.

    Nodes carry ``kind``, ``name`` and ``prefecture``; the edge between two nodes carries
    :func:`edge_data` of the relations joining them. Relations with an end outside ``nodes``
    (or, when ``actors_only``, an end that is not an actor) are left out. Nodes come in the
    order given, and each node's neighbours in the order its first relation with each comes.
    """
    with collector_off():
        kept = [node for node in nodes if not actors_only or node.kind in ACTOR_KINDS]
        ids = {node.id for node in kept}
        # the data of each pair's edge, by the pair in id order, in the order pairs first come
        pairs: dict[tuple[str, str], dict[str, Any]] = {}
        for relation in relations:
            u, v = relation.source, relation.target
            if u not in ids or v not in ids:
                continue
            pair = (u, v) if u < v else (v, u)
            data = pairs.get(pair)
            if data is None:
                pairs[pair] = _data_of(relation)
            else:
                _merge(data, relation)
        return projected_graph(kept, ((u, v, data) for (u, v), data in pairs.items()))
