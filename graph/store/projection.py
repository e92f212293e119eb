"""The NetworkX projection of a scope: the undirected simple graph analytics work on."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.model import ACTOR_KINDS, Node, Relation, RelationType

__all__ = ["project"]


#: The set of one relation type, shared by every edge with a single relation.
_ONE_TYPE: dict[RelationType, frozenset[RelationType]] = {
    kind: frozenset((kind,)) for kind in RelationType
}


def project(
    nodes: Iterable[Node], relations: Iterable[Relation], actors_only: bool = True
) -> nx.Graph:
    """The undirected simple graph of a scope, as analytics use it.

    Nodes carry ``kind``, ``name`` and ``prefecture``; between two nodes with several
    relations, the edge carries the strongest as ``strength``, ``type``, ``source`` and
    ``target``, and every type joining them as ``types``.
    """
    graph = nx.Graph()
    graph.add_nodes_from(
        (node.id, {"kind": node.kind, "name": node.name, "prefecture": node.prefecture})
        for node in nodes
        if not actors_only or node.kind in ACTOR_KINDS
    )
    # Edges go straight into the adjacency (as networkx's own builders do): add_edges_from
    # costs several times more on the whole network, and most pairs have one relation.
    adjacency = graph._adj
    for relation in relations:
        u, v = relation.source, relation.target
        around = adjacency.get(u)
        if around is None or v not in adjacency:
            continue
        data = around.get(v)
        if data is None:
            data = {
                "strength": relation.strength,
                "type": relation.type,
                "source": u,
                "target": v,
                "types": _ONE_TYPE[relation.type],
            }
            around[v] = adjacency[v][u] = data
        else:
            data["types"] = data["types"] | _ONE_TYPE[relation.type]
            # the order of strongest(): higher strength, then type, source, target
            mine = (-relation.strength, relation.type.value, u, v)
            if mine < (-data["strength"], data["type"].value, data["source"], data["target"]):
                data.update(strength=relation.strength, type=relation.type, source=u, target=v)
    return graph
