"""Writing the network (or one prefecture of it) as a GEXF or GraphML file, for Gephi and
other graph tools, with NetworkX's own writers (:func:`networkx.write_gexf`,
:func:`networkx.write_graphml`).

The file holds the whole history, ended nodes and ties too, so that a tool can play it back
in time; it holds only the ties the caller may see (:mod:`graph.visibility`). Ties derived
from referrals are not in it (they are not relations of the dataset).

The graph is a :class:`networkx.MultiDiGraph`: each relation is one edge from its source
to its target, keyed by its type, so that a lender that also guarantees a firm is two
edges. What each format holds:

- **nodes**: the node's id; ``kind``, ``name`` and ``prefecture`` (absent for a nationwide
  node, e.g. a city bank or the public lender).
  GEXF adds ``label`` (the name on one line, as Gephi shows it) and the node's life as GEXF
  time: ``start`` 1 January of its ``founded`` year, ``end`` its ``ended`` day, each only
  when the node has it. GraphML holds ``founded`` and ``ended`` as plain values instead.
- **edges**: GraphML holds ``type``, ``strength``, ``since`` and ``until`` (the last two
  only when set), and ``edge_id`` (``e0``, ``e1``, ... in the order the ties are read:
  GraphML wants a distinct id for every edge, and the type alone repeats). In GEXF the
  edge's ``type`` is the direction of the edge (``directed``), so the relation type is the
  edge's ``label`` (and ``networkx_key``, the key NetworkX reads it back by); ``strength``
  is its ``weight``; ``since`` and ``until`` are its ``start`` and ``end``.

GEXF time: with any date in the file, NetworkX writes the graph ``mode="dynamic"`` with
``timeformat="date"``, so Gephi's timeline shows the network day by day. ``end`` is the
first day a tie no longer holds (or a node no longer exists), as ``until`` and ``ended``
are everywhere in rsn, so that the file reads back as the store holds it; Gephi counts the
end day in, so on the timeline a tie shows one day longer than it held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Literal

import networkx as nx

from graph.errors import InvalidArgument
from graph.i18n import _
from graph.model import Node, NodeKind, Relation, RelationType, Scope, one_line
from graph.progress import Progress, no_progress
from graph.queries.scope import scope_of
from graph.queries.visibility import visible_ties
from graph.store.ports import GraphStore
from graph.visibility import EVERYTHING, Visibility

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "NetworkFile",
    "NetworkFormat",
    "network_file_name",
    "network_graph",
    "save_network",
    "write_network",
]

#: The formats a network file is written in.
NetworkFormat = Literal["gexf", "graphml"]
FORMATS: tuple[NetworkFormat, ...] = ("gexf", "graphml")

#: The media type of each format.
MEDIA_TYPES: dict[NetworkFormat, str] = {
    "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml",
}

#: The text of each relation type (the key of its edges: a writer takes plain texts only).
_TYPE_TEXT: dict[RelationType, str] = {kind: kind.value for kind in RelationType}

#: Relations are checked against the caller's visibility this many at a time.
_BATCH = 10_000


@dataclass(frozen=True)
class NetworkFile:
    """What a network file holds: how many ``nodes`` and ``edges``, and the enterprises
    at an end of a confidential tie it holds (``confidential``: whom it concerns, for the
    audit log; empty when no type is confidential)."""

    nodes: int
    edges: int
    confidential: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """``{"nodes": ..., "edges": ...}``."""
        return {"nodes": self.nodes, "edges": self.edges}


def network_file_name(fmt: NetworkFormat, prefecture: str | None = None) -> str:
    """The file name of a network file: ``network.gexf``, or ``network-13.gexf`` for one
    prefecture."""
    return f"network-{prefecture}.{fmt}" if prefecture else f"network.{fmt}"


def network_graph(
    store: GraphStore,
    fmt: NetworkFormat,
    *,
    prefecture: str | None = None,
    visibility: Visibility = EVERYTHING,
    progress: Progress = no_progress,
) -> tuple[nx.MultiDiGraph, frozenset[str]]:
    """The network as a graph ready for ``fmt``'s writer (see the module for what each
    format holds), and the enterprises at an end of a confidential tie in it.

    The whole history: every node, ended or not, and every relation the caller of
    ``visibility`` may see (everything by default), exactly as the other readers drop the
    others (:func:`graph.queries.visibility.visible_ties`).

    ``prefecture`` (a JIS X 0401 code) keeps the nodes of that prefecture and the ties
    among them, and also the nationwide nodes (those with no prefecture: city banks, the
    public lender, specialists working everywhere) tied to one of them, with those ties:
    the prefecture's lenders are part of its network. Ties between two nationwide nodes, and
    nodes of other prefectures, are left out.

    Raises InvalidArgument for a code that names no prefecture and StoreError if the store
    fails."""
    if fmt not in FORMATS:
        raise InvalidArgument(
            _("{value!r} is not a network file format: use gexf or graphml", value=fmt)
        )
    scope = scope_of(prefecture)
    gexf = fmt == "gexf"
    graph = nx.MultiDiGraph()
    graph.graph["name"] = f"rsn network {prefecture}" if prefecture else "rsn network"
    nodes, relations = _read(store, scope, progress)
    enterprise: dict[str, bool] = {}  # whether each node written is an enterprise
    for node in nodes:
        graph.add_node(node.id, **_node_attributes(node, gexf))
        enterprise[node.id] = node.kind is NodeKind.ENTERPRISE
    shown: set[str] = set()
    count = 0
    for batch in _batches(relations):
        for relation in visible_ties(store, visibility, batch) if visibility.restricted else batch:
            source, kind, target = relation.source, relation.type, relation.target
            if source not in enterprise or target not in enterprise:
                continue  # an end written away meanwhile
            graph.add_edge(
                source, target, _TYPE_TEXT[kind], **_edge_attributes(relation, gexf, count)
            )
            count += 1
            if kind in visibility.types:
                shown.update(end for end in (source, target) if enterprise[end])
        progress(_("reading ties"), count, None)
    return graph, frozenset(shown)


def save_network(
    store: GraphStore,
    out: Path | BinaryIO,
    fmt: NetworkFormat,
    *,
    prefecture: str | None = None,
    visibility: Visibility = EVERYTHING,
    progress: Progress = no_progress,
) -> NetworkFile:
    """Write the network (see :func:`network_graph`) to ``out``, a file path or a binary
    file open for writing, as ``fmt`` (gexf or graphml), with NetworkX's writer; returns
    what it holds. Raises InvalidArgument for a bad prefecture or format, OSError if the
    file cannot be written and StoreError if the store fails."""
    graph, shown = network_graph(
        store, fmt, prefecture=prefecture, visibility=visibility, progress=progress
    )
    made = NetworkFile(graph.number_of_nodes(), graph.number_of_edges(), tuple(sorted(shown)))
    progress(_("writing {file}", file=fmt), 0, None)
    if fmt == "gexf":
        nx.write_gexf(graph, out, prettyprint=False)
    else:
        nx.write_graphml(graph, out, prettyprint=False, edge_id_from_attribute="edge_id")
    progress(_("writing {file}", file=fmt), made.edges, made.edges)
    return made


def write_network(
    store: GraphStore,
    out: Path | BinaryIO,
    fmt: NetworkFormat,
    *,
    prefecture: str | None = None,
    visibility: Visibility = EVERYTHING,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the network as a GEXF or GraphML file (:func:`save_network`); returns how many
    nodes and edges it holds (``{"nodes": ..., "edges": ...}``). Raises InvalidArgument for
    a bad prefecture or format, OSError if the file cannot be written and StoreError if the
    store fails."""
    return save_network(
        store,
        out,
        fmt,
        prefecture=prefecture,
        visibility=visibility,
        progress=progress or no_progress,
    ).counts


# -- reading ------------------------------------------------------------------------------


def _read(
    store: GraphStore, scope: Scope, progress: Progress
) -> tuple[Iterable[Node], Iterable[Relation]]:
    """The nodes and relations of ``scope`` over the whole history: everything for the whole
    network (streamed from the store), else the scope's graph with the nationwide nodes tied
    to it and those ties."""
    if scope.prefecture is None:
        return _every_node(store, progress), store.iter_relations()
    nodes, relations = store.scope_graph(scope)
    boundary = store.boundary_relations(scope)
    inside = {node.id for node in nodes}
    outside = {r.target if r.source in inside else r.source for r in boundary}
    nationwide = {
        node.id: node for node in store.get_nodes(outside).values() if not node.prefecture
    }
    relations.extend(r for r in boundary if r.source in nationwide or r.target in nationwide)
    nodes.extend(nationwide[node_id] for node_id in sorted(nationwide))
    progress(_("reading nodes"), len(nodes), len(nodes))
    return nodes, relations


def _every_node(store: GraphStore, progress: Progress) -> Iterator[Node]:
    """Every node of every kind, kind by kind in id order."""
    count = 0
    for kind in NodeKind:
        for node in store.iter_nodes(kind):
            yield node
            count += 1
            if count % 10_000 == 0:
                progress(_("reading nodes"), count, None)


def _batches(relations: Iterable[Relation]) -> Iterator[list[Relation]]:
    """``relations`` in lists of at most :data:`_BATCH`."""
    stream = iter(relations)
    while batch := list(islice(stream, _BATCH)):
        yield batch


# -- what each format holds ----------------------------------------------------------------


def _node_attributes(node: Node, gexf: bool) -> dict[str, Any]:
    """A node's attributes in the file (see the module)."""
    attributes: dict[str, Any] = {"kind": node.kind.value, "name": node.name}
    if node.prefecture:
        attributes["prefecture"] = node.prefecture
    founded, ended = node.props.get("founded"), node.props.get("ended")
    if gexf:
        attributes["label"] = one_line(node.name)
        if founded is not None:
            attributes["start"] = f"{int(founded):04d}-01-01"
        if ended:
            attributes["end"] = str(ended)
    else:
        if founded is not None:
            attributes["founded"] = int(founded)
        if ended:
            attributes["ended"] = str(ended)
    return attributes


def _edge_attributes(relation: Relation, gexf: bool, index: int) -> dict[str, Any]:
    """A relation's attributes in the file (see the module); ``index`` numbers it among
    the edges written (GraphML's edge id)."""
    attributes: dict[str, Any]
    if gexf:
        attributes = {"label": _TYPE_TEXT[relation.type], "weight": float(relation.strength)}
        if relation.since:
            attributes["start"] = relation.since
        if relation.until:
            attributes["end"] = relation.until
        return attributes
    attributes = {
        "edge_id": f"e{index}",
        "type": _TYPE_TEXT[relation.type],
        "strength": float(relation.strength),
    }
    if relation.since:
        attributes["since"] = relation.since
    if relation.until:
        attributes["until"] = relation.until
    return attributes
