"""Positions for the nodes of a network page, computed in pure Python (no numpy), so that the
browser draws the page once instead of running a physics simulation.

:func:`layout` places **hubs** (on the pages: the centres, financiers and specialists) and
gathers every other node in a disc around the hub it is most strongly tied to, its *owner*:

1. Owners: a node's owner is the hub it has its strongest tie with, or else (breadth first)
   the owner of a neighbour nearer the hubs. A component with no hub lends its most connected
   node as one; nodes on their own go to a spiral beside the rest.
2. Hubs: a force-directed pass among the hubs only. Two hubs attract each other as much as they
   are tied, directly or through the nodes they share; each repels the others so that the discs
   of their clusters do not overlap. It ends with a few rounds that push overlapping discs apart.
3. Discs: each hub's nodes fill a sunflower spiral around it, sized by the nodes' drawn radii,
   the least pulled elsewhere nearest the hub. Each ring of the spiral is turned so that a node
   sits on the side of the disc that faces the other hubs it is tied to.

Cost: O(H² · iterations) for H hubs (capped at :data:`MAX_HUBS`, the most connected kept, and
the iterations bounded by a budget of work) plus O(nodes + ties) for the rest, so a page of
the largest view stays quick to make. Nothing is random but a seeded jitter and nodes are taken
in sorted order, so the same graph always gets the same positions.
"""

from __future__ import annotations

import cmath
import math
import random
from collections import deque
from collections.abc import Collection, Hashable, Mapping

import networkx as nx

__all__ = ["MAX_HUBS", "layout"]

#: At most this many hubs are laid out among themselves (the most connected are kept).
MAX_HUBS = 250
#: The size (radius) of a node that ``sizes`` does not give.
DEFAULT_SIZE = 10.0
_GOLDEN = math.pi * (3 - math.sqrt(5))


def layout(
    graph: nx.Graph,
    hubs: Collection[Hashable] | None = None,
    *,
    sizes: Mapping[Hashable, float] | None = None,
    gap: float = 8.0,
    seed: int = 7,
) -> dict[Hashable, tuple[float, float]]:
    """(x, y) for every node of ``graph``, centred on (0, 0), at least ``gap`` between nodes
    drawn with the radii ``sizes`` (default :data:`DEFAULT_SIZE`) in the discs of the hubs.

    ``hubs`` are the nodes the others gather around; when None, the √n most connected. An
    edge's ``strength`` (default 1) is how strongly it ties."""
    nodes = sorted(graph, key=lambda node: (type(node).__name__, str(node)))
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    radius = [float((sizes or {}).get(node, DEFAULT_SIZE)) for node in nodes]
    neighbours: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    ties = []
    for u, v, data in graph.edges(data=True):
        i, j = index[u], index[v]
        if i != j:
            ties.append((min(i, j), max(i, j), float(data.get("strength", 1.0) or 1.0)))
    for i, j, weight in sorted(ties):
        neighbours[i].append((j, weight))
        neighbours[j].append((i, weight))
    degree = [len(around) for around in neighbours]

    hub_list = _hubs(index, neighbours, degree, hubs)
    owner = _owners(neighbours, degree, hub_list)
    members: dict[int, list[int]] = {hub: [] for hub in hub_list}
    loose = []
    for i in range(n):
        if owner[i] < 0:
            loose.append(i)
        elif owner[i] != i:
            members[owner[i]].append(i)
    # a cluster's disc: the hub in the middle, then a pitch per member
    pitch = {hub: 2 * _mean(radius, members[hub]) + gap for hub in hub_list}
    inner = {hub: radius[hub] + gap + pitch[hub] / 2 for hub in hub_list}
    reach = [
        math.sqrt(inner[hub] ** 2 + len(members[hub]) * pitch[hub] ** 2 / math.pi) + pitch[hub] / 2
        for hub in hub_list
    ]
    rng = random.Random(seed)
    centre = _hub_layout(hub_list, neighbours, reach, gap, rng)
    position: list[complex] = [0j] * n
    for hub, place in zip(hub_list, centre, strict=True):
        position[hub] = place
    for hub in hub_list:
        _fill_disc(hub, members[hub], inner[hub], pitch[hub], neighbours, owner, position)
    if loose:
        _spiral_beside(loose, position, hub_list, reach, radius, gap)
    fixed = [False] * n
    for hub in hub_list:
        fixed[hub] = True
    _unoverlap(position, radius, fixed, gap / 2)
    middle = sum(position) / n
    return {
        node: (round((p - middle).real, 1), round((p - middle).imag, 1))
        for node, p in zip(nodes, position, strict=True)
    }


def _mean(values: list[float], chosen: list[int]) -> float:
    return sum(values[i] for i in chosen) / len(chosen) if chosen else DEFAULT_SIZE


def _hubs(
    index: dict[Hashable, int],
    neighbours: list[list[tuple[int, float]]],
    degree: list[int],
    hubs: Collection[Hashable] | None,
) -> list[int]:
    """The hubs asked for (or the √n most connected), then the most connected node of every
    component of two or more nodes with none; at most MAX_HUBS, the most connected first."""
    n = len(neighbours)
    by_degree = sorted(range(n), key=lambda i: (-degree[i], i))
    if hubs is None:
        chosen = set(by_degree[: max(1, math.isqrt(n))])
    else:
        chosen = {index[hub] for hub in hubs if hub in index}
    component = [-1] * n
    for start in by_degree:  # the first node met of each component is its most connected
        if component[start] >= 0:
            continue
        component[start] = start
        stack, found = [start], chosen.__contains__(start)
        while stack:
            i = stack.pop()
            for j, _ in neighbours[i]:
                if component[j] < 0:
                    component[j] = start
                    found = found or j in chosen
                    stack.append(j)
        if not found and degree[start] > 0:
            chosen.add(start)
    return sorted(sorted(chosen, key=lambda i: (-degree[i], i))[:MAX_HUBS])


def _owners(
    neighbours: list[list[tuple[int, float]]], degree: list[int], hubs: list[int]
) -> list[int]:
    """The hub each node gathers around (itself for a hub), or -1 when none can be reached."""
    owner = [-1] * len(neighbours)
    for hub in hubs:
        owner[hub] = hub
    queue: deque[int] = deque()
    for i, around in enumerate(neighbours):
        if owner[i] >= 0:
            continue
        best = max(((weight, degree[j], -j) for j, weight in around if owner[j] == j), default=None)
        if best is not None:
            owner[i] = -best[2]
            queue.append(i)
    while queue:
        i = queue.popleft()
        for j, _ in neighbours[i]:
            if owner[j] < 0:
                owner[j] = owner[i]
                queue.append(j)
    return owner


def _hub_layout(
    hubs: list[int],
    neighbours: list[list[tuple[int, float]]],
    reach: list[float],
    gap: float,
    rng: random.Random,
    work: int = 1_500_000,
) -> list[complex]:
    """Positions of the hubs: tied hubs near each other, their discs apart."""
    h = len(hubs)
    slot = {hub: k for k, hub in enumerate(hubs)}
    affinity: dict[tuple[int, int], float] = {}
    for i, around in enumerate(neighbours):
        if i in slot:
            for j, weight in around:
                if j in slot and i < j:
                    key = (slot[i], slot[j])
                    affinity[key] = affinity.get(key, 0.0) + weight
            continue
        shared = sorted({slot[j] for j, _ in around if j in slot})
        if len(shared) > 1:
            share = 1.0 / (len(shared) - 1)
            for x, a in enumerate(shared):
                for b in shared[x + 1 :]:
                    affinity[a, b] = affinity.get((a, b), 0.0) + share
    links = sorted((a, b, w) for (a, b), w in affinity.items())
    top = max((w for _, _, w in links), default=1.0)
    room = [r + gap for r in reach]
    area = math.sqrt(sum(r * r for r in room))
    # a sunflower, biggest discs in the middle, is where it starts
    place = [0j] * h
    for rank, k in enumerate(sorted(range(h), key=lambda k: (-room[k], k))):
        angle = rank * _GOLDEN + rng.uniform(-0.2, 0.2)
        place[k] = cmath.rect(area * math.sqrt((rank + 0.5) / h), angle)
    if h < 2:
        return place
    iterations = max(10, min(80, work // (h * h)))
    temperature = area / 5
    for step in range(iterations):
        push = [0j] * h
        for a in range(h):
            pa, ra, total = place[a], room[a], 0j
            for b in range(a + 1, h):
                d = pa - place[b]
                dist2 = d.real * d.real + d.imag * d.imag
                if dist2 < 1e-9:
                    d, dist2 = cmath.rect(1.0, a + b), 1.0
                want = ra + room[b]
                force = d * (want * want / dist2)
                total += force
                push[b] -= force
            push[a] += total
        for a, b, w in links:
            d = place[a] - place[b]
            force = d * (abs(d) / (room[a] + room[b]) * (w / top))
            push[a] -= force
            push[b] += force
        for a in range(h):
            move = push[a] - place[a] * (abs(place[a]) / area)  # gravity keeps it round
            size = abs(move)
            if size > temperature:
                move *= temperature / size
            place[a] += move
        temperature = area / 5 * (1 - (step + 1) / iterations) + gap
    _separate(place, room, max(5, iterations // 4))
    return place


def _separate(place: list[complex], room: list[float], rounds: int) -> None:
    """Push apart every two discs that overlap, a few times over."""
    h = len(place)
    for _ in range(rounds):
        moved = False
        for a in range(h):
            for b in range(a + 1, h):
                d = place[a] - place[b]
                want = room[a] + room[b]
                dist2 = d.real * d.real + d.imag * d.imag
                if dist2 < want * want:
                    dist = math.sqrt(dist2)
                    if dist < 1e-9:
                        d, dist = cmath.rect(1.0, a + b), 1.0
                    shift = d * ((want - dist) / dist / 2)
                    place[a] += shift
                    place[b] -= shift
                    moved = True
        if not moved:
            return


def _fill_disc(
    hub: int,
    members: list[int],
    inner: float,
    pitch: float,
    neighbours: list[list[tuple[int, float]]],
    owner: list[int],
    position: list[complex],
) -> None:
    """The members on a sunflower spiral around the hub, ring by ring, the least pulled towards
    other hubs innermost, each ring turned so that members face the hubs they are tied to."""
    centre = position[hub]
    wish: dict[int, complex] = {}
    for i in members:
        pull, total = 0j, 0.0
        for j, weight in neighbours[i]:
            total += weight
            away = position[owner[j]] - centre if owner[j] >= 0 else 0j
            if away:
                pull += away / abs(away) * weight
        wish[i] = pull / total if total else 0j  # at most 1 long: all ties point that way
    order = sorted(members, key=lambda i: (abs(wish[i]), i))
    start = 0
    while start < len(order):
        slot_radius = math.sqrt(inner * inner + (start + 0.5) * pitch * pitch / math.pi)
        band = max(1, min(len(order) - start, round(2 * math.pi * slot_radius / pitch)))
        slots = sorted(
            (
                cmath.rect(
                    math.sqrt(inner * inner + (k + 0.5) * pitch * pitch / math.pi), k * _GOLDEN
                )
                for k in range(start, start + band)
            ),
            key=cmath.phase,
        )
        ring = sorted(order[start : start + band], key=lambda i: (cmath.phase(wish[i]), i))
        _match(ring, slots, wish, centre, position)
        start += band


def _match(
    ring: list[int],
    slots: list[complex],
    wish: dict[int, complex],
    centre: complex,
    position: list[complex],
) -> None:
    """Put the ring's members (sorted by the angle they wish for) on its slots (sorted by
    angle) with the rotation that pulls them most towards where they wish to be."""
    band = len(ring)
    best, best_score = 0, -math.inf
    for offset in range(band):
        score = 0.0
        for k, i in enumerate(ring):
            w = wish[i]
            if w:
                s = slots[(k + offset) % band]
                score += w.real * s.real + w.imag * s.imag
        if score > best_score:
            best, best_score = offset, score
    for k, i in enumerate(ring):
        position[i] = centre + slots[(k + best) % band]


def _spiral_beside(
    loose: list[int],
    position: list[complex],
    hubs: list[int],
    reach: list[float],
    radius: list[float],
    gap: float,
) -> None:
    """Nodes no hub reaches on a sunflower of their own, to the right of everything else."""
    pitch = 2 * max(radius[i] for i in loose) + gap
    edge = max((position[h].real + r for h, r in zip(hubs, reach, strict=True)), default=-pitch)
    size = pitch * math.sqrt(len(loose) / math.pi)
    middle = complex(edge + gap + pitch + size, 0) if hubs else 0j
    for rank, i in enumerate(loose):
        position[i] = middle + cmath.rect(pitch * math.sqrt((rank + 0.5) / math.pi), rank * _GOLDEN)


def _unoverlap(
    position: list[complex], radius: list[float], fixed: list[bool], gap: float, rounds: int = 4
) -> None:
    """Push apart every two nodes nearer than their radii and ``gap``, a few times over. Pairs
    are found through a square grid as wide as the largest such distance, so a round costs
    O(nodes) when the nodes are spread out; hubs stay where they are."""
    cell = 2 * max(radius) + gap
    for _ in range(rounds):
        grid: dict[tuple[int, int], list[int]] = {}
        for i, p in enumerate(position):
            grid.setdefault((math.floor(p.real / cell), math.floor(p.imag / cell)), []).append(i)
        moved = False
        for (cx, cy), here in grid.items():
            near: list[int] = []
            for key in ((cx + 1, cy - 1), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1)):
                near.extend(grid.get(key, ()))
            for x, a in enumerate(here):
                ra, fa = radius[a] + gap, fixed[a]
                for b in here[x + 1 :] + near:
                    d = position[a] - position[b]
                    want = ra + radius[b]
                    dist2 = d.real * d.real + d.imag * d.imag
                    if dist2 >= want * want or (fa and fixed[b]):
                        continue
                    dist = math.sqrt(dist2)
                    if dist < 1e-9:
                        d, dist = cmath.rect(1.0, a + b), 1.0
                    shift = d * ((want - dist) / dist)
                    if fa:
                        position[b] -= shift
                    elif fixed[b]:
                        position[a] += shift
                    else:
                        position[a] += shift / 2
                        position[b] -= shift / 2
                    moved = True
        if not moved:
            return
