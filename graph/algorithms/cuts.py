"""Cut vertices (articulation points) and bridges of an undirected graph, with the parts that
removing each leaves, found by one depth-first search.

networkx has :func:`networkx.articulation_points` and :func:`networkx.bridges`; these add
what a report needs beside them: the parts a cut vertex alone holds together, and how many
nodes each bridge cuts off.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx

from graph.algorithms.adjacency import adjacency_of

__all__ = ["Cut", "cut_vertices"]


@dataclass(frozen=True)
class Cut:
    """A cut vertex (articulation point) and the parts of its component that its removal
    leaves.

    ``order`` is the component in depth-first order, where each child subtree the node alone
    holds is the contiguous ``ranges``; what remains besides the node is one more part.

    >>> cut = Cut("b", ["a", "b", "c", "d"], ((2, 4),))
    >>> cut.sizes, cut.cut_off
    ([2, 1], 1)
    >>> cut.parts()
    [['c', 'd'], ['a']]
    """

    node: str
    order: list[str]
    ranges: tuple[tuple[int, int], ...]

    @property
    def sizes(self) -> list[int]:
        """The parts' sizes, largest first."""
        children = [stop - start for start, stop in self.ranges]
        rest = len(self.order) - 1 - sum(children)
        return sorted(children + ([rest] if rest else []), reverse=True)

    @property
    def cut_off(self) -> int:
        """The nodes that lose touch with the largest part."""
        sizes = self.sizes
        return sum(sizes) - sizes[0]

    def parts(self) -> list[list[str]]:
        """The parts, each sorted by id, largest first (then by smallest id)."""
        return [sorted(part) for part in self.unsorted_parts()]

    def unsorted_parts(self) -> list[list[str]]:
        """The parts in the order of :meth:`parts`, each in depth-first order (cheaper)."""
        order = self.order
        parts = [order[start:stop] for start, stop in self.ranges]
        rest: list[str] = []
        at = 0
        for start, stop in sorted(self.ranges):
            rest += order[at:start]
            at = stop
        rest += order[at:]
        rest.remove(self.node)
        if rest:
            parts.append(rest)
        # the smallest id only tells parts of one size apart: a large part's is not sought
        sizes = Counter(len(part) for part in parts)
        return sorted(parts, key=lambda p: (-len(p), min(p) if sizes[len(p)] > 1 else ""))


def cut_vertices(
    graph: nx.Graph, components: list[list[str]] | None = None
) -> tuple[dict[str, Cut], list[tuple[str, str, int]]]:
    """The cut vertices (articulation points) and bridges of ``graph``, by one depth-first
    search; the same sets as :func:`networkx.articulation_points` and
    :func:`networkx.bridges`.

    Returns every cut vertex as a :class:`Cut`, by node; and every bridge as (u, v, the
    nodes on its smaller side), u the end the search reached first. A child subtree whose
    low point does not climb above a node is a part of its own (a bridge too, if it does not
    reach the node itself); what remains of the component is one more part. Subtrees are
    contiguous in the search's order. With ``components``, the nodes of each connected
    component (in the search's order) are appended to it, as the search goes through them.
    Raises nothing.

    >>> graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "b"), ("e", "f")])
    >>> cuts, bridges = cut_vertices(graph)
    >>> sorted(cuts), cuts["b"].parts()
    (['b'], [['c', 'd'], ['a']])
    >>> bridges
    [('a', 'b', 1), ('e', 'f', 1)]
    >>> parts = []
    >>> _ = cut_vertices(graph, parts)
    >>> parts
    [['a', 'b', 'c', 'd'], ['e', 'f']]
    """
    cuts: dict[str, Cut] = {}
    bridges: list[tuple[str, str, int]] = []
    discovered: dict[str, int] = {}
    adjacency = adjacency_of(graph)
    for root in adjacency:
        if root in discovered:
            continue
        order = [root]
        base = len(discovered)
        discovered[root] = base
        low = {root: base}
        size = {root: 1}
        parent: dict[str, str | None] = {root: None}
        split: dict[str, list[str]] = defaultdict(list)
        sides: list[tuple[str, str, int]] = []
        stack = [(root, iter(adjacency[root]))]
        while stack:
            node, neighbours = stack[-1]
            for other in neighbours:
                if other not in discovered:
                    parent[other] = node
                    discovered[other] = low[other] = base + len(order)
                    size[other] = 1
                    order.append(other)
                    stack.append((other, iter(adjacency[other])))
                    break
                if other != parent[node] and discovered[other] < low[node]:
                    low[node] = discovered[other]
            else:
                stack.pop()
                up = parent[node]
                if up is not None:
                    if low[node] < low[up]:
                        low[up] = low[node]
                    size[up] += size[node]
                    if low[node] >= discovered[up]:
                        split[up].append(node)
                    if low[node] > discovered[up]:
                        sides.append((up, node, size[node]))
        total = len(order)
        if components is not None:
            components.append(order)
        bridges.extend((u, v, min(side, total - side)) for u, v, side in sides)
        for node, children in split.items():
            if node == root and len(children) < 2:
                continue
            ranges = tuple((discovered[c] - base, discovered[c] - base + size[c]) for c in children)
            cuts[node] = Cut(node, order, ranges)
    return cuts, bridges
