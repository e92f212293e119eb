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

__all__ = ["betweenness", "burt_constraint"]


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
    adjacency = [sorted(index[other] for other in graph.adj[node]) for node in nodes]
    chosen: Sequence[int]
    if sources is None or sources >= n:
        chosen = range(n)
        used = n
    else:
        chosen = sorted(random.Random(seed).sample(range(n), sources))
        used = sources
    totals = [0.0] * n
    for source in chosen:
        sigma = [0] * n
        distance = [-1] * n
        sigma[source], distance[source] = 1, 0
        order = [source]
        i = 0
        while i < len(order):
            node = order[i]
            i += 1
            step, paths = distance[node] + 1, sigma[node]
            for other in adjacency[node]:
                seen = distance[other]
                if seen < 0:
                    distance[other] = step
                    order.append(other)
                    sigma[other] = paths
                elif seen == step:
                    sigma[other] += paths
        delta = [0.0] * n
        for node in reversed(order):
            back = distance[node] - 1
            share = (1.0 + delta[node]) / sigma[node]
            for other in adjacency[node]:
                if distance[other] == back:
                    delta[other] += sigma[other] * share
            if node != source:
                totals[node] += delta[node]
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if used < n:
        scale *= n / used
    return {node: totals[i] * scale for i, node in enumerate(nodes)}, used


def burt_constraint(graph: nx.Graph, node: str) -> float | None:
    """Burt's constraint of ``node`` on the unweighted graph, as :func:`networkx.constraint`
    computes it: high when its contacts are tied to one another, low when it alone joins
    them. None for a node without ties. It costs the sum of the neighbours' degrees. Raises
    KeyError for a node not in ``graph``.

    >>> burt_constraint(nx.star_graph(3), 0)  # three contacts that know no one else
    0.3333333333333333
    >>> burt_constraint(nx.complete_graph(3), 0)  # two contacts that know each other
    1.125
    >>> burt_constraint(nx.empty_graph(1), 0) is None
    True
    """
    neighbours = graph.adj[node]
    if not neighbours:
        return None
    own = 1.0 / len(neighbours)
    # in id order, so that every order of building the graph sums in the same order
    invested = dict.fromkeys(sorted(neighbours), own)
    for middle in invested:
        through = graph.adj[middle]
        share = own / len(through)
        for other in sorted(through) if len(through) <= len(invested) else invested:
            if other in invested and other in through:
                invested[other] += share
    return sum(value * value for value in invested.values())
