"""A graph's ties as plain dictionaries, for the inner loops of the algorithms.

NetworkX hands a node's neighbours out as read-only views (``graph.adj[node]``): each look-up
makes a view, and each step through one is a call in Python. An algorithm that walks many
ties reads :func:`adjacency_of` once instead and walks the graph's own neighbour
dictionaries, which it never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

__all__ = ["Adjacency", "adjacency_of"]

#: Each node's neighbours, each with the data of its tie (read only).
Adjacency = Mapping[str, Mapping[str, dict[str, Any]]]


def adjacency_of(graph: nx.Graph) -> dict[str, dict[str, dict[str, Any]]]:
    """The neighbours of each node of ``graph``, with the data of each tie: the graph's own
    dictionaries (:meth:`networkx.Graph.adjacency`), in the graph's order of nodes and of
    each node's neighbours. They follow the graph, so the graph must not change while they
    are used, and they must not be changed. Raises nothing.

    >>> graph = nx.Graph()
    >>> graph.add_edge("a", "b", strength=0.5)
    >>> adjacency_of(graph)
    {'a': {'b': {'strength': 0.5}}, 'b': {'a': {'strength': 0.5}}}
    """
    return dict(graph.adjacency())
