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
from graph.i18n import _
from graph.japan import PREFECTURE_BY_CODE, PREFECTURES, REGIONAL_BLOCKS
from graph.model import ACTOR_KINDS, NodeKind, Scope
from graph.queries.readable import readable
from graph.store.ports import GraphStore

__all__ = [
    "DensityRow",
    "GROUPINGS",
    "check_grouping",
    "density",
    "density_row",
    "density_table",
    "group_of",
    "row_keys",
]

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


def check_grouping(by: str) -> str:
    """``by`` if it is a grouping (``prefecture`` or ``block``); raises InvalidArgument
    otherwise."""
    if by not in GROUPINGS:
        raise InvalidArgument(_("by must be prefecture or block, got {value!r}", value=by))
    return by


def group_of(prefecture: str | None, by: str) -> str | None:
    """The key of the row a node of ``prefecture`` counts in, grouped ``by`` (its JIS code,
    or its regional block); None for a nationwide node or an unknown code."""
    found = PREFECTURE_BY_CODE.get(prefecture or "")
    if found is None:
        return None
    return found.code if by == "prefecture" else found.block


def row_keys(by: str) -> list[tuple[str, str]]:
    """Every row's (key, name) in the table's order: prefectures by JIS code, or regional
    blocks north to south."""
    if by == "prefecture":
        return [(p.code, p.name_en) for p in PREFECTURES]
    return [(block, block) for block in REGIONAL_BLOCKS]


def density_table(store: GraphStore, by: str = "prefecture") -> list[DensityRow]:
    """One row per prefecture (by JIS code) or regional block (north to south) that has
    actors, in the graph ``store`` holds (a store as of a day gives the table of that day).
    Raises InvalidArgument for a grouping other than ``prefecture`` or ``block``."""
    check_grouping(by)
    # counts need no graph: the nodes and relations of the network, each pair counted once
    everything, relations = store.scope_graph(Scope())

    where: dict[str, str] = {}  # each actor in a row, by the row's key
    centre_ids: set[str] = set()
    nodes: Counter[str] = Counter()
    centres: Counter[str] = Counter()
    for node in everything:
        key = group_of(node.prefecture, by) if node.kind in ACTOR_KINDS else None
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
    return [
        density_row(key, name, nodes[key], edges[key], centres[key], centre_edges[key])
        for key, name in row_keys(by)
        if nodes[key]
    ]


def density_row(
    key: str, name: str, nodes: int, edges: int, centres: int, centre_edges: int
) -> DensityRow:
    """The row of ``key`` for these counts, its densities as a person reads them."""
    return DensityRow(
        key=key,
        name=name,
        nodes=nodes,
        edges=edges,
        density=readable(density(nodes, edges)),
        centres=centres,
        centre_edges=centre_edges,
        centre_density=readable(density(centres, centre_edges)),
    )
