"""How dense the network is, prefecture by prefecture or block by block (see the README's
section on weaknesses, what-if and density).

A prefecture's row is computed on its actor graph (the actors of the prefecture and every
relation between two of them): ``density = 2·edges / (nodes·(nodes−1))``, 0 when nodes < 2.
A regional block's row is the same on the actors of its prefectures. Beside it, the
inter-centre collaboration density: the same formula on the centres alone and the ties between
two of them. Nationwide actors (no prefecture) belong to no row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graph.errors import InvalidArgument
from graph.japan import PREFECTURE_BY_CODE, PREFECTURES, REGIONAL_BLOCKS
from graph.model import ACTOR_KINDS, NodeKind, Scope
from graph.queries.readable import readable
from graph.store.ports import GraphStore

__all__ = ["DensityRow", "GROUPINGS", "density", "density_table"]

GROUPINGS = ("prefecture", "block")


@dataclass(frozen=True)
class DensityRow:
    """One prefecture or block: its actor graph's size and density, and its centres'; the
    densities as a person reads them (:func:`readable`)."""

    key: str
    name: str
    nodes: int
    edges: int
    density: float
    centres: int
    centre_edges: int
    centre_density: float


def density(nodes: int, edges: int) -> float:
    """2·edges / (nodes·(nodes−1)); 0 when nodes < 2."""
    return 2 * edges / (nodes * (nodes - 1)) if nodes >= 2 else 0.0


def density_table(store: GraphStore, by: str = "prefecture") -> list[DensityRow]:
    """One row per prefecture (by JIS code) or regional block (north to south) that has
    actors. Raises InvalidArgument for a grouping other than ``prefecture`` or ``block``."""
    if by not in GROUPINGS:
        raise InvalidArgument(f"by must be prefecture or block, got {by!r}")
    # counts need no graph: the nodes and relations of the network, each pair counted once
    everything, relations = store.scope_graph(Scope())

    def group(prefecture: str | None) -> str | None:
        found = PREFECTURE_BY_CODE.get(prefecture or "")
        if found is None:
            return None
        return found.code if by == "prefecture" else found.block

    where: dict[str, str] = {}  # each actor in a row, by the row's key
    centre_ids: set[str] = set()
    nodes: Counter[str] = Counter()
    centres: Counter[str] = Counter()
    for node in everything:
        key = group(node.prefecture) if node.kind in ACTOR_KINDS else None
        if key is not None:
            where[node.id] = key
            nodes[key] += 1
            if node.kind is NodeKind.CENTRE:
                centres[key] += 1
                centre_ids.add(node.id)
    pairs = set()
    for relation in relations:
        u, v = relation.source, relation.target
        key = where.get(u)
        if key is not None and key == where.get(v):
            pairs.add((u, v) if u < v else (v, u))
    edges: Counter[str] = Counter()
    centre_edges: Counter[str] = Counter()
    for u, v in pairs:
        edges[where[u]] += 1
        if u in centre_ids and v in centre_ids:
            centre_edges[where[u]] += 1
    if by == "prefecture":
        keys = [(p.code, p.name_en) for p in PREFECTURES]
    else:
        keys = [(block, block) for block in REGIONAL_BLOCKS]
    return [
        DensityRow(
            key=key,
            name=name,
            nodes=nodes[key],
            edges=edges[key],
            density=readable(density(nodes[key], edges[key])),
            centres=centres[key],
            centre_edges=centre_edges[key],
            centre_density=readable(density(centres[key], centre_edges[key])),
        )
        for key, name in keys
        if nodes[key]
    ]
