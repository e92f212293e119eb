"""Where a node sits between others: shortest-path betweenness (exact, or estimated from a
seeded sample of sources) and Burt's constraint.

Both give the values networkx gives (:func:`networkx.betweenness_centrality` with
``normalized=True``, :func:`networkx.constraint`), but visit nodes and ties in id order, so
that two graphs with the same nodes and ties, built in any order, give the same floats.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import networkx as nx

from graph.algorithms.adjacency import Adjacency, adjacency_of

__all__ = ["betweenness", "burt_constraint", "chosen_sources", "normalised"]


def betweenness(
    graph: nx.Graph, sources: int | None = None, seed: int = 0
) -> tuple[dict[str, float], int]:
    """Normalised shortest-path betweenness of every node (Brandes), as networkx computes it
    with ``normalized=True``.

    With ``sources`` below the node count it is estimated from that many sources drawn with
    ``seed`` from the nodes in id order, scaled by n/sources; else it is exact. Nodes and
    ties are visited in id order, so any order of building the graph gives the same values.
    Returns (the value of each node, the number of sources used). Raises ValueError for a
    negative ``sources``.

    >>> graph = nx.path_graph(["a", "b", "c", "d"])
    >>> values, used = betweenness(graph)
    >>> {node: round(value, 3) for node, value in values.items()}, used
    ({'a': 0.0, 'b': 0.667, 'c': 0.667, 'd': 0.0}, 4)
    >>> betweenness(graph, sources=2, seed=1)[1]
    2
    """
    nodes = sorted(graph)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    around = adjacency_of(graph)
    adjacency = [sorted([index[other] for other in around[node]]) for node in nodes]
    chosen = chosen_sources(n, sources, seed)
    totals = [0.0] * n
    for source in chosen:
        _accumulate(adjacency, source, totals)
    return normalised(nodes, totals, len(chosen)), len(chosen)


def chosen_sources(n: int, sources: int | None, seed: int) -> Sequence[int]:
    """The sources of :func:`betweenness` on a graph of ``n`` nodes, as positions in the
    nodes' id order, ascending: all of them when ``sources`` is None or at least ``n``, else
    ``sources`` of them drawn with ``seed``. Raises ValueError for a negative ``sources``.

    >>> chosen_sources(3, None, 0)
    range(0, 3)
    >>> chosen_sources(10, 3, 2008) == chosen_sources(10, 3, 2008)
    True
    """
    if sources is None or sources >= n:
        return range(n)
    return sorted(random.Random(seed).sample(range(n), sources))


def normalised(nodes: Sequence[str], totals: Sequence[float], used: int) -> dict[str, float]:
    """The betweenness of each of ``nodes`` (in id order) from the sums of the dependencies
    of ``used`` sources on it (``totals``, in the same order), as :func:`betweenness` scales
    them: over the ordered pairs of the other nodes, and by n/used for a sample.

    >>> normalised(["a", "b", "c"], [0.0, 2.0, 0.0], 3)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    n = len(nodes)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if used < n:
        scale *= n / used
    return {node: totals[i] * scale for i, node in enumerate(nodes)}


def _accumulate(adjacency: list[list[int]], source: int, totals: list[float]) -> None:
    """Add to ``totals`` the dependency of ``source`` on every other node: one step of
    Brandes' algorithm, with the float operations of the plain algorithm, in its order.

    The breadth-first search keeps each node's predecessors, so that the backward pass walks
    only the ties of shortest paths rather than every tie again; a node's dependency still
    receives its shares from its successors in reverse search order, so the sums are the
    same floats."""
    n = len(adjacency)
    sigma = [0] * n
    far = n  # farther than any node can be
    distance = [far] * n
    before: list[list[int]] = [[]] * n  # each node reached gets a list of its own
    sigma[source], distance[source] = 1, 0
    order = [source]
    for node in order:  # the list grows as the search reaches new nodes
        step = distance[node] + 1
        for other in adjacency[node]:
            if distance[other] >= step:  # not reached yet, or reached in the next layer
                if distance[other] == far:
                    distance[other] = step
                    order.append(other)
                    sigma[other] = sigma[node]
                    before[other] = [node]
                else:
                    sigma[other] += sigma[node]
                    before[other].append(node)
    delta = [0.0] * n
    for node in order[:0:-1]:  # every node reached but the source, the farthest first
        share = (1.0 + delta[node]) / sigma[node]
        for other in before[node]:
            delta[other] += sigma[other] * share
        totals[node] += delta[node]


def burt_constraint(graph: nx.Graph, node: str, adjacency: Adjacency | None = None) -> float | None:
    """Burt's constraint of ``node`` on the unweighted graph, as :func:`networkx.constraint`
    computes it: high when its contacts are tied to one another, low when it alone joins
    them. None for a node without ties. It costs the sum of the neighbours' degrees; a caller
    asking of many nodes passes ``adjacency``, :func:`adjacency_of` the graph, read once.
    Raises KeyError for a node not in ``graph``.

    >>> burt_constraint(nx.star_graph(3), 0)  # three contacts that know no one else
    0.3333333333333333
    >>> burt_constraint(nx.complete_graph(3), 0)  # two contacts that know each other
    1.125
    >>> burt_constraint(nx.empty_graph(1), 0) is None
    True
    """
    around = graph.adj if adjacency is None else adjacency
    neighbours = around[node]
    if not neighbours:
        return None
    own = 1.0 / len(neighbours)
    # in id order, so that every order of building the graph sums in the same order: each
    # contact's investment receives the shares of the middles in id order (the order in
    # which one middle's shares go to its contacts changes no sum)
    invested = dict.fromkeys(sorted(neighbours), own)
    contacts = invested.keys()
    for middle in contacts:
        through = around[middle]
        share = own / len(through)
        for other in contacts & through.keys():
            invested[other] += share
    return sum(value * value for value in invested.values())
