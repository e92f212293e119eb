"""The k best introduction paths in memory: an exact bidirectional best-first search.

:func:`k_best_paths` is what the embedded store runs on its NetworkX graph. It never enumerates
every path: it grows simple partial paths from both ends at once, always extending the most
promising one, and stops as soon as nothing left can beat the k-th best path found.

How it works, with H = max_hops, a = ceil(H/2) and b = H - a:

- *Halves.* A forward half is a simple path from the source of at most ``a`` ties, a backward
  half a simple path from the target of at most ``b`` ties. A half never passes through the
  other end: one that reaches it is complete and is not extended.
- *Scores.* A half's score is the product of its strengths. Strengths are at most 1, so every
  extension of a half scores at most the half, and a path scores at most each of its halves.
- *Lazy cursors.* Each node's ties are sorted by strength, strongest first. The queue does not
  hold a half's extensions; it holds one cursor per half, bounded by the half's score times the
  strength of the next untried tie, which bounds every extension still to come. A hub's
  thousands of ties are only looked at while they can still compete.
- *Meeting.* Each half taken from the queue is recorded at its end node and joined with every
  recorded half of the other side that ends there, if they share no other node. A path is found
  from any of its splits; found paths are kept once, by node sequence.
- *Stopping.* θ is the k-th best score found (0 until k are found). Cursors below θ are dropped,
  and the search stops when the best cursor left is below θ. Strictly below, so paths that tie
  with the k-th are still found and ordered by the contract.

Why it is exact: a path P of h ties splits into a forward half of min(a, h) ties and a backward
half of the rest (at most b). If P was not found, one of these halves was never taken from the
queue, so the cursor of its longest ancestor that was taken is still queued (or was dropped
below θ) with a bound of at least score(P). The search stops only when every bound is below θ,
so every path scoring at least θ was found, and the k best are among them.

Comparisons with θ allow a relative slack of :data:`SLACK`, because halves multiply their
strengths from each end while a path's score multiplies them from the source.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from itertools import count

import networkx as nx

from graph.algorithms.adjacency import adjacency_of, strengths

__all__ = ["SLACK", "Ties", "k_best_paths", "strongest_first", "ties_of"]

#: A node's ties as (strength, neighbour), strongest first (then by neighbour id).
Ties = Callable[[str], Sequence[tuple[float, str]]]


def strongest_first(tie: tuple[float, str]) -> tuple[float, str]:
    """The sort key that puts a node's ties in the order :data:`Ties` gives them.

    >>> sorted([(0.5, "b"), (0.9, "c"), (0.5, "a")], key=strongest_first)
    [(0.9, 'c'), (0.5, 'a'), (0.5, 'b')]
    """
    return (-tie[0], tie[1])


def ties_of(graph: nx.Graph) -> Ties:
    """The ties of each node of ``graph`` as :func:`k_best_paths` takes them: (the tie's
    ``strength``, neighbour), strongest first, then by neighbour id; sorted once per node,
    when first asked. The graph must not change while they are used. The function raises
    KeyError for a node not in ``graph``.

    >>> graph = nx.Graph()
    >>> graph.add_edge("a", "c", strength=0.5)
    >>> graph.add_edge("a", "b", strength=0.5)
    >>> graph.add_edge("a", "d", strength=0.75)
    >>> ties_of(graph)("a")
    [(0.75, 'd'), (0.5, 'b'), (0.5, 'c')]
    """
    cache: dict[str, list[tuple[float, str]]] = {}
    adjacency = adjacency_of(graph)

    def ties(node_id: str) -> list[tuple[float, str]]:
        found = cache.get(node_id)
        if found is None:
            # sorted by (-strength, neighbour), the key of strongest_first, without calling
            # it for each tie; negating a float twice gives it back exactly
            keyed = sorted(
                [(-strength, other) for other, strength in strengths(adjacency, node_id)]
            )
            found = cache[node_id] = [(-minus, other) for minus, other in keyed]
        return found

    return ties


#: Relative slack of every pruning test: far above float rounding, far below any real gap.
SLACK = 1e-9

_FORWARD, _BACKWARD = 0, 1

Half = tuple[tuple[str, ...], tuple[float, ...]]


def _product(strengths: Sequence[float]) -> float:
    score = 1.0
    for strength in strengths:
        score *= strength
    return score


def k_best_paths(
    ties: Ties, source: str, target: str, k: int, max_hops: int
) -> list[tuple[tuple[str, ...], tuple[float, ...]]]:
    """The ``k`` best simple paths from ``source`` to ``target`` of at most ``max_hops`` ties.

    Returns (nodes, strengths) pairs, best first: higher score (the product of the strengths
    in path order) first, then fewer ties, then the node ids in order. ``ties`` gives each
    node's ties sorted strongest first; every strength must be in (0, 1]. Requires
    ``source != target``, ``k >= 1`` and ``max_hops >= 1``; raises nothing else of its own
    (what ``ties`` raises for a node goes through).

    >>> ties = {
    ...     "s": [(0.9, "a"), (0.5, "t")],
    ...     "a": [(0.9, "s"), (0.9, "t")],
    ...     "t": [(0.9, "a"), (0.5, "s")],
    ... }
    >>> k_best_paths(ties.__getitem__, "s", "t", k=2, max_hops=2)
    [(('s', 'a', 't'), (0.9, 0.9)), (('s', 't'), (0.5,))]
    >>> k_best_paths(ties.__getitem__, "s", "t", k=2, max_hops=1)
    [(('s', 't'), (0.5,))]

    On a NetworkX graph whose ties carry ``strength``, :func:`ties_of` gives ``ties``.
    """
    depth = ((max_hops + 1) // 2, max_hops // 2)
    stop_at = (target, source)
    met: tuple[dict[str, list[Half]], dict[str, list[Half]]] = ({}, {})
    found: dict[tuple[str, ...], tuple[float, tuple[float, ...]]] = {}
    best: list[float] = []  # min-heap of the k best scores found
    queue: list[tuple[float, int, int, tuple[str, ...], tuple[float, ...], float, int]] = []
    order = count()
    floor = 0.0  # θ less the slack: bounds below it cannot reach the k best

    def meet(side: int, nodes: tuple[str, ...], strengths: tuple[float, ...]) -> None:
        nonlocal floor
        for other_nodes, other_strengths in met[1 - side].get(nodes[-1], ()):
            if side == _FORWARD:
                ahead, ahead_strengths, behind, behind_strengths = (
                    nodes,
                    strengths,
                    other_nodes,
                    other_strengths,
                )
            else:
                ahead, ahead_strengths, behind, behind_strengths = (
                    other_nodes,
                    other_strengths,
                    nodes,
                    strengths,
                )
            if any(node in behind for node in ahead[:-1]):
                continue
            path = ahead + behind[-2::-1]
            if path in found:
                continue
            steps = ahead_strengths + behind_strengths[::-1]
            score = _product(steps)
            found[path] = (score, steps)
            if len(best) < k:
                heapq.heappush(best, score)
            elif score > best[0]:
                heapq.heapreplace(best, score)
            if len(best) == k:
                floor = best[0] * (1.0 - SLACK)

    def reach(
        side: int, nodes: tuple[str, ...], strengths: tuple[float, ...], score: float
    ) -> None:
        end = nodes[-1]
        met[side].setdefault(end, []).append((nodes, strengths))
        meet(side, nodes, strengths)
        if len(nodes) <= depth[side] and end != stop_at[side]:
            neighbours = ties(end)
            if neighbours:
                bound = score * neighbours[0][0]
                if bound >= floor:
                    heapq.heappush(queue, (-bound, next(order), side, nodes, strengths, score, 0))

    reach(_FORWARD, (source,), (), 1.0)
    reach(_BACKWARD, (target,), (), 1.0)
    while queue and -queue[0][0] >= floor:
        _, _, side, nodes, strengths, score, index = heapq.heappop(queue)
        neighbours = ties(nodes[-1])
        strength, neighbour = neighbours[index]
        if index + 1 < len(neighbours):
            bound = score * neighbours[index + 1][0]
            if bound >= floor:
                heapq.heappush(
                    queue, (-bound, next(order), side, nodes, strengths, score, index + 1)
                )
        if neighbour not in nodes:
            reach(side, nodes + (neighbour,), strengths + (strength,), score * strength)

    ranked = sorted(found.items(), key=lambda item: (-item[1][0], len(item[0]), item[0]))
    return [(path, steps) for path, (_, steps) in ranked[:k]]
