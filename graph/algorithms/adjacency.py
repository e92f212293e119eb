"""A graph's ties as plain dictionaries, for the inner loops of the algorithms.

NetworkX hands a node's neighbours out as read-only views (``graph.adj[node]``): each look-up
makes a view, and each step through one is a call in Python. An algorithm that walks many
ties reads :func:`adjacency_of` once instead and walks the graph's own neighbour
dictionaries, which it never changes.

A graph of millions of ties that arrives as compact columns (a store's answer) is kept as
:class:`ColumnAdjacency`: each node's neighbour dictionary is made when first asked, so a
report that walks a small part of the graph makes only that part, while its counts
(:func:`degree`, :func:`tie_count`) are read from the columns.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping, Sequence
from itertools import accumulate, compress
from operator import not_
from typing import Any

import networkx as nx

__all__ = [
    "Adjacency",
    "ColumnAdjacency",
    "adjacency_of",
    "column_graph",
    "degree",
    "isolated",
    "neighbours_of",
    "strengths",
    "tie_count",
    "tie_data",
]

#: Each node's neighbours, each with the data of its tie (read only).
Adjacency = Mapping[str, Mapping[str, dict[str, Any]]]


class ColumnAdjacency(Mapping[str, dict[str, dict[str, Any]]]):
    """The neighbours of each node of a graph, with the data of each tie, kept as columns:
    ``ids``, the nodes in the graph's order; ``counts``, how many ties each has;
    ``others`` and ``ties``, for each node in turn, each neighbour's number (its place in
    ``ids``) and the number of the tie to it; ``data``, a tie's data from its number (the
    same dictionary each time it is asked for one tie); and, when given, each tie's
    ``strength`` by number (what :func:`strengths` reads). A node's dictionary is made the
    first time it is asked for, neighbours in the columns' order, and kept; iterating the
    mapping gives the nodes without making any. Read only, like the dictionaries of
    :func:`adjacency_of`. Raises KeyError for a node that is not in it.

    >>> ties = ColumnAdjacency(["a", "b", "c"], [1, 1, 0], [1, 0], [0, 0],
    ...                        lambda tie: {"strength": 0.5})
    >>> ties["a"], degree(ties, "c"), tie_count(ties), ties.isolated()
    ({'b': {'strength': 0.5}}, 0, 1, ['c'])
    """

    def __init__(
        self,
        ids: Sequence[str],
        counts: Sequence[int],
        others: Sequence[int],
        ties: Sequence[int],
        data: Callable[[int], dict[str, Any]],
        strength: Sequence[float] | None = None,
    ):
        self.ids = list(ids)
        self._number = dict(zip(self.ids, range(len(self.ids)), strict=True))
        self._start = array("q", accumulate(counts, initial=0))
        if len(self._start) != len(self.ids) + 1 or self._start[-1] != len(others):
            raise ValueError("the counts do not match the nodes and their neighbours")
        self._counts = counts
        self._others = others
        self._ties = ties
        self._data = data
        self._strength = strength
        self._made: dict[str, dict[str, dict[str, Any]]] = {}

    def _row(self, node: str) -> tuple[int, int]:
        """Where ``node``'s neighbours are in the columns (start, stop). Raises KeyError for
        a node not in it."""
        number = self._number[node]
        return self._start[number], self._start[number + 1]

    def __getitem__(self, node: str) -> dict[str, dict[str, Any]]:
        made = self._made.get(node)
        if made is None:
            start, stop = self._row(node)
            made = self._made[node] = dict(
                zip(
                    map(self.ids.__getitem__, self._others[start:stop]),
                    map(self._data, self._ties[start:stop]),
                    strict=True,
                )
            )
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, node: object) -> bool:
        return node in self._number

    def keys(self) -> KeysView[str]:
        return self._number.keys()

    def tie(self, node: str, other: str) -> dict[str, Any]:
        """The data of the tie between ``node`` and ``other``, without making ``node``'s
        dictionary. Raises KeyError when they are not tied (or one is not in it)."""
        made = self._made.get(node)
        if made is not None:
            return made[other]
        start, stop = self._row(node)
        try:
            at = self._others.index(self._number[other], start, stop)
        except ValueError:
            raise KeyError(other) from None
        return self._data(self._ties[at])

    def neighbours(self, node: str) -> list[str]:
        """The neighbours of ``node`` in the columns' order, without the data of its ties
        (and without making its dictionary). Raises KeyError for a node not in it."""
        made = self._made.get(node)
        if made is not None:
            return list(made)
        start, stop = self._row(node)
        return list(map(self.ids.__getitem__, self._others[start:stop]))

    def strengths(self, node: str) -> list[tuple[str, float]]:
        """Each neighbour of ``node`` with the strength of the tie to it, read from the
        columns (from the ties' data when no strengths were given; see :func:`strengths`).
        Raises KeyError for a node not in it."""
        if self._strength is None:
            return _strengths_of(self[node])
        start, stop = self._row(node)
        return list(
            zip(
                map(self.ids.__getitem__, self._others[start:stop]),
                map(self._strength.__getitem__, self._ties[start:stop]),
                strict=True,
            )
        )

    def degree(self, node: str) -> int:
        """How many ties ``node`` has, read from the columns."""
        start, stop = self._row(node)
        return stop - start

    def ties(self) -> int:
        """How many ties the graph has (each counted once)."""
        return self._start[-1] // 2

    def isolated(self) -> list[str]:
        """The nodes without ties, in the graph's order."""
        return list(compress(self.ids, map(not_, self._counts)))


def column_graph(attrs: Mapping[str, dict[str, Any]], adjacency: ColumnAdjacency) -> nx.Graph:
    """A NetworkX graph (read only) whose nodes are ``attrs``'s keys in its order, each with
    its data, and whose ties are those of ``adjacency``: NetworkX's views and algorithms work
    on it, making the neighbour dictionaries they walk (a function that walks every tie, such
    as ``number_of_edges``, makes them all); the algorithms here read :func:`adjacency_of` it
    and make only those they walk. Raises ValueError when the nodes are not those of
    ``adjacency`` in its order.

    >>> ties = ColumnAdjacency(["a", "b"], [1, 1], [1, 0], [0, 0], lambda tie: {"strength": 1})
    >>> graph = column_graph({"a": {"kind": "x"}, "b": {"kind": "y"}}, ties)
    >>> graph.adj["a"]["b"], dict(graph.nodes(data="kind")), adjacency_of(graph) is ties
    ({'strength': 1}, {'a': 'x', 'b': 'y'}, True)
    """
    if list(attrs) != adjacency.ids:
        raise ValueError("the nodes' data are not those of the ties' nodes")
    graph = nx.Graph()
    graph._node.update(attrs)
    graph._adj = adjacency
    return nx.freeze(graph)


def adjacency_of(graph: nx.Graph) -> Mapping[str, dict[str, dict[str, Any]]]:
    """The neighbours of each node of ``graph``, with the data of each tie: the graph's own
    dictionaries (:meth:`networkx.Graph.adjacency`), in the graph's order of nodes and of
    each node's neighbours; for a :func:`column_graph`, its :class:`ColumnAdjacency`. They
    follow the graph, so the graph must not change while they are used, and they must not
    be changed. Raises nothing.

    >>> graph = nx.Graph()
    >>> graph.add_edge("a", "b", strength=0.5)
    >>> adjacency_of(graph)
    {'a': {'b': {'strength': 0.5}}, 'b': {'a': {'strength': 0.5}}}
    """
    inner = graph._adj
    if isinstance(inner, ColumnAdjacency):
        return inner
    return dict(graph.adjacency())


def degree(adjacency: Adjacency, node: str) -> int:
    """How many ties ``node`` has in ``adjacency`` (without making its dictionary when the
    adjacency is kept as columns). Raises KeyError for a node not in it.

    >>> degree({"a": {"b": {}}, "b": {"a": {}}}, "a")
    1
    """
    if isinstance(adjacency, ColumnAdjacency):
        return adjacency.degree(node)
    return len(adjacency[node])


def tie_count(adjacency: Adjacency) -> int:
    """How many ties ``adjacency`` holds, each counted once (it has no self-loops).

    >>> tie_count({"a": {"b": {}}, "b": {"a": {}}, "c": {}})
    1
    """
    if isinstance(adjacency, ColumnAdjacency):
        return adjacency.ties()
    return sum(map(len, adjacency.values())) // 2


def isolated(adjacency: Adjacency) -> list[str]:
    """The nodes of ``adjacency`` without ties, in its order.

    >>> isolated({"a": {"b": {}}, "b": {"a": {}}, "c": {}})
    ['c']
    """
    if isinstance(adjacency, ColumnAdjacency):
        return adjacency.isolated()
    return [node for node, around in adjacency.items() if not around]


def tie_data(adjacency: Adjacency, node: str, other: str) -> dict[str, Any]:
    """The data of the tie between ``node`` and ``other`` in ``adjacency`` (without making
    ``node``'s dictionary when the adjacency is kept as columns). Raises KeyError when they
    are not tied.

    >>> tie_data({"a": {"b": {"strength": 0.5}}, "b": {"a": {"strength": 0.5}}}, "a", "b")
    {'strength': 0.5}
    """
    if isinstance(adjacency, ColumnAdjacency):
        return adjacency.tie(node, other)
    return adjacency[node][other]


class _Neighbours(Mapping[str, list[str]]):
    """Each node's neighbours of a :class:`ColumnAdjacency`, as lists made when asked."""

    def __init__(self, adjacency: ColumnAdjacency):
        self._adjacency = adjacency

    def __getitem__(self, node: str) -> list[str]:
        return self._adjacency.neighbours(node)

    def __iter__(self) -> Iterator[str]:
        return iter(self._adjacency)

    def __len__(self) -> int:
        return len(self._adjacency)

    def __contains__(self, node: object) -> bool:
        return node in self._adjacency


def neighbours_of(adjacency: Adjacency) -> Mapping[str, Iterable[str]]:
    """Each node's neighbours in ``adjacency``, for a search that reads no tie's data: the
    adjacency itself (a node's dictionary iterates its neighbours), or for one kept as
    columns, lists read from them without the ties' data.

    >>> neighbours_of({"a": {"b": {}}, "b": {"a": {}}})["a"]
    {'b': {}}
    >>> neighbours_of(ColumnAdjacency(["a", "b"], [1, 1], [1, 0], [0, 0], dict))["a"]
    ['b']
    """
    if isinstance(adjacency, ColumnAdjacency):
        return _Neighbours(adjacency)
    return adjacency


def strengths(adjacency: Adjacency, node: str) -> list[tuple[str, float]]:
    """Each neighbour of ``node`` in ``adjacency`` with its tie's ``strength`` (1 for a tie
    without one, as NetworkX counts a tie without a weight), in the adjacency's order (read
    from the columns, without making ``node``'s dictionary, when the adjacency is kept as
    columns with strengths). Raises KeyError for a node not in it.

    >>> strengths({"a": {"b": {"strength": 0.5}}, "b": {"a": {"strength": 0.5}}}, "a")
    [('b', 0.5)]
    """
    if isinstance(adjacency, ColumnAdjacency):
        return adjacency.strengths(node)
    return _strengths_of(adjacency[node])


def _strengths_of(around: Mapping[str, dict[str, Any]]) -> list[tuple[str, float]]:
    """Each neighbour in a node's dictionary with its tie's ``strength`` (1 without one)."""
    return [(other, data.get("strength", 1.0)) for other, data in around.items()]
