"""Network pages made with pyvis, and the density chart, with no request to any other host.

pyvis describes the nodes; its own HTML template links Bootstrap and vis-network from CDNs
even in ``in_line`` mode, so the page here is written from a template of our own that inlines
the vis-network script shipped inside the pyvis package. Nodes are coloured by kind (with a
legend), sized by degree and carry a tooltip. Every node comes with its position, computed in
Python by :func:`viz.layout.layout` (centres, financiers and specialists spread out, every other
node in a disc around the one it is most strongly tied to), so the browser runs no physics: it
draws the page once, and after that first draw ``window.rsnNetwork.ready`` is true and
``body[data-ready]`` set. The ties are written straight into the pyvis edge list, each once,
as pyvis's ``add_edge`` scans every edge on each call. The same view always gives the same
page. A view of more than :data:`MAX_VIEW_NODES` nodes keeps the most connected ones and says
so on the page."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence, Set
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import networkx as nx
from pyvis.network import Network

from graph.errors import InvalidArgument, NotFound
from graph.japan import prefecture_name
from graph.model import NodeKind, Scope, one_line
from graph.queries.density import DensityRow
from graph.queries.scope import scope_of
from graph.store.ports import GraphStore
from viz.layout import layout

__all__ = [
    "HUB_KINDS",
    "KIND_COLOURS",
    "MAX_DEPTH",
    "MAX_VIEW_NODES",
    "NetworkView",
    "centre_view",
    "density_page",
    "network_page",
    "prefecture_view",
]

#: Above this many nodes a view keeps the most connected ones.
MAX_VIEW_NODES = 2_000
MAX_DEPTH = 3
#: Up to this many nodes a view is laid out with room for the labels between the nodes.
SMALL_VIEW_NODES = 200

#: The colour of each node kind, in the legend's order (every kind has one:
#: tests/unit/test_tables_pages.py holds the keys equal to NodeKind).
KIND_COLOURS: dict[NodeKind, str] = {
    NodeKind.ENTERPRISE: "#4e79a7",
    NodeKind.CENTRE: "#e15759",
    NodeKind.FINANCIER: "#59a14f",
    NodeKind.SPECIALIST: "#f28e2b",
    NodeKind.ASSET: "#b07aa1",
}

#: The kinds the other nodes of a page gather around, and that a trimmed view keeps first.
HUB_KINDS: frozenset[NodeKind] = frozenset(
    {NodeKind.CENTRE, NodeKind.FINANCIER, NodeKind.SPECIALIST}
)


@dataclass(frozen=True)
class NetworkView:
    """What a network page shows: a graph, its title, and how many nodes were left out."""

    title: str
    graph: nx.Graph
    total_nodes: int

    @property
    def trimmed(self) -> int:
        return self.total_nodes - int(self.graph.number_of_nodes())


def _trim(graph: nx.Graph, keep: Set[str] = frozenset()) -> nx.Graph:
    """At most MAX_VIEW_NODES nodes: ``keep``, then every node of the :data:`HUB_KINDS` (not
    an enterprise or an asset), then the most connected (ties broken by id)."""
    if graph.number_of_nodes() <= MAX_VIEW_NODES:
        return graph

    def rank(node: str) -> tuple[bool, bool, int, str]:
        common = graph.nodes[node]["kind"] not in HUB_KINDS
        return (node not in keep, common, -graph.degree(node), node)

    chosen = sorted(graph, key=rank)[:MAX_VIEW_NODES]
    return graph.subgraph(chosen).copy()


def prefecture_view(store: GraphStore, prefecture: str) -> NetworkView:
    """Every node of a prefecture (assets too) and the ties between them.

    Raises InvalidArgument for an unknown prefecture code."""
    scope = scope_of(prefecture)
    graph = store.projection(scope, actors_only=False)
    title = f"The network of {prefecture_name(prefecture)} ({prefecture})"
    return NetworkView(title, _trim(graph), len(graph))


def centre_view(store: GraphStore, centre: str, depth: int = 1) -> NetworkView:
    """A centre's neighbourhood: the nodes of its prefecture within ``depth`` ties of it.

    Raises NotFound for an unknown id, InvalidArgument for a node that is not a centre or a
    depth outside 1..MAX_DEPTH."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise InvalidArgument(f"depth must be a whole number from 1 to {MAX_DEPTH}, got {depth!r}")
    node = store.get_node(centre)
    if node is None:
        raise NotFound(f"no node with id {centre!r}")
    if node.kind is not NodeKind.CENTRE:
        raise InvalidArgument(f"{centre!r} is an {node.kind.value}, not a centre")
    graph = store.projection(Scope(node.prefecture), actors_only=False)
    around = nx.ego_graph(graph, centre, radius=depth)
    title = f"{one_line(node.name)} ({centre}) and its ties, {depth} deep"
    return NetworkView(title, _trim(around, {centre}), len(around))


def _tooltip(graph: nx.Graph, node: str) -> str:
    data = graph.nodes[node]
    lines = [data["name"], f"{data['kind'].value} {node}"]
    if data.get("prefecture"):
        lines.append(prefecture_name(data["prefecture"], unknown=data["prefecture"]))
    lines.append(f"{graph.degree(node)} ties")
    return "\n".join(lines)


def _size(degree: int) -> float:
    """The radius a node is drawn with."""
    return float(8 + 4 * min(degree, 100) ** 0.5)


def _network(view: NetworkView) -> Network:
    """The pyvis network of a view: every node with its position, colour, size and tooltip,
    and every tie once (written directly: pyvis's ``add_edge`` scans all edges per call)."""
    graph = view.graph
    hubs = [node for node in graph if graph.nodes[node]["kind"] in HUB_KINDS]
    sizes = {node: _size(graph.degree(node)) for node in graph}
    # a small view has room for its labels; a large one must fit the screen
    gap = 40.0 if len(graph) <= SMALL_VIEW_NODES else 8.0
    positions = layout(graph, hubs, sizes=sizes, gap=gap)
    net = Network(height="100%", width="100%", cdn_resources="in_line")
    for node in sorted(graph):
        data = graph.nodes[node]
        x, y = positions[node]
        net.add_node(
            node,
            label=one_line(str(data["name"]))[:24],
            title=_tooltip(graph, node),
            color=KIND_COLOURS[data["kind"]],
            size=sizes[node],
            kind=data["kind"].value,
            x=x,
            y=y,
        )
    # a simple graph lists each tie once
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (min(e[:2]), max(e[:2]))):
        net.edges.append(
            {
                "from": u,
                "to": v,
                "title": f"{data['type'].value} ({data['strength']:g})",
                "width": 1,
            }
        )
    return net


@cache
def _vis_script() -> str:
    return files("pyvis").joinpath("lib/vis-9.1.2/vis-network.min.js").read_text("utf-8")


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


_OPTIONS = {
    "layout": {"improvedLayout": False, "randomSeed": 7},
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
    "nodes": {"shape": "dot", "font": {"size": 11}},
    "edges": {"color": {"color": "#b9b9b9"}, "smooth": False},
}

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 0.6rem 1rem; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.15rem; margin: 0 0 0.3rem 0; }
nav a { margin-right: 1rem; }
.note { background: #fff4d6; border: 1px solid #e8c66a; padding: 0.3rem 0.6rem; margin: 0.4rem 0; }
#legend { display: flex; gap: 1rem; flex-wrap: wrap; margin: 0.3rem 0; }
#legend span { display: inline-flex; align-items: center; gap: 0.3rem; }
#legend i { width: 0.9rem; height: 0.9rem; border-radius: 50%; display: inline-block; }
#network { height: calc(100vh - 9rem); min-height: 400px; border-top: 1px solid #eee; }
#status { color: #666; font-size: 0.9rem; }
table { border-collapse: collapse; }
td, th { padding: 0.2rem 0.6rem; border-bottom: 1px solid #eee; text-align: right; }
td:first-child, th:first-child { text-align: left; }
"""


def _legend(kinds: Sequence[NodeKind]) -> str:
    items = "".join(
        f'<span data-kind="{kind}"><i style="background:{KIND_COLOURS[kind]}"></i>{kind}</span>'
        for kind in kinds
    )
    return f'<div id="legend" aria-label="legend">{items}<span>size: number of ties</span></div>'


def _nav() -> str:
    return '<nav><a href="/">Home</a><a href="/v1/viz/density">Density</a></nav>'


def network_page(view: NetworkView, nav: bool = True) -> str:
    """The page of a network view: a self-contained HTML document."""
    net = _network(view)
    kinds = [k for k in KIND_COLOURS if any(n["kind"] == k for n in net.nodes)]
    note = ""
    if view.trimmed:
        note = (
            f'<p class="note" id="trimmed">Showing {view.graph.number_of_nodes():,} of '
            f"{view.total_nodes:,} nodes: the centres, financiers and specialists first, then "
            f"the most connected; {view.trimmed:,} are not shown.</p>"
        )
    data = {"nodes": net.nodes, "edges": net.edges}
    title = html.escape(view.title)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style>
<script>{_vis_script()}</script>
</head><body>
<header>{_nav() if nav else ""}<h1>{title}</h1>
<div>{view.graph.number_of_nodes():,} nodes, {view.graph.number_of_edges():,} ties
<span id="status">drawing…</span></div>{note}{_legend(kinds)}</header>
<div id="network"></div>
<script>
const rsnData = {_script_json(data)};
const nodes = new vis.DataSet(rsnData.nodes);
const edges = new vis.DataSet(rsnData.edges);
const network = new vis.Network(document.getElementById("network"), {{nodes, edges}},
  {_script_json(_OPTIONS)});
window.rsnNetwork = {{network, nodes, edges, ready: false}};
function settled() {{
  if (window.rsnNetwork.ready) return;
  window.rsnNetwork.ready = true;
  document.getElementById("status").textContent = "";
  document.body.dataset.ready = "true";
}}
network.once("afterDrawing", settled);
if (nodes.length === 0) settled();
</script>
</body></html>
"""


def density_page(rows: list[DensityRow], nav: bool = True) -> str:
    """Density by prefecture as a bar chart (inline SVG) with the table beside it."""
    top = max((row.density for row in rows), default=0.0) or 1.0
    bar_height, width, left = 16, 520, 150
    bars = []
    for i, row in enumerate(rows):
        y = i * (bar_height + 4)
        length = width * row.density / top
        centre_length = width * min(row.centre_density, top) / top
        label = html.escape(f"{row.key} {row.name}" if row.key != row.name else row.name)
        bars.append(
            f'<g class="bar" data-key="{html.escape(row.key)}">'
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{label}</text>'
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar_height / 2}" '
            f'fill="#4e79a7"><title>{label}: density {row.density:.5f}</title></rect>'
            f'<rect x="{left}" y="{y + bar_height / 2}" width="{centre_length:.1f}" '
            f'height="{bar_height / 2}" fill="#e15759"><title>{label}: centre density '
            f"{row.centre_density:.3f}</title></rect></g>"
        )
    height = len(rows) * (bar_height + 4) + 10
    table = "".join(
        f"<tr><td>{html.escape(row.name)}</td><td>{row.nodes:,}</td><td>{row.edges:,}</td>"
        f"<td>{row.density:.5f}</td><td>{row.centres}</td><td>{row.centre_density:.3f}</td></tr>"
        for row in rows
    )
    legend = (
        '<div id="legend"><span><i style="background:#4e79a7"></i>density of the actor graph'
        '</span><span><i style="background:#e15759"></i>inter-centre collaboration density '
        "(scaled to the same axis, capped)</span></div>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Density by prefecture</title>
<style>{_STYLE} svg text {{ font-size: 11px; }}</style></head><body>
<header>{_nav() if nav else ""}<h1>Density by prefecture</h1>
<p>density = 2·ties / (actors·(actors−1)) on each prefecture's actor graph</p>{legend}</header>
<main style="display:flex;gap:2rem;padding:1rem;flex-wrap:wrap">
<svg id="chart" width="{left + width + 20}" height="{height}" role="img"
 aria-label="density by prefecture">{"".join(bars)}</svg>
<table id="density"><tr><th>prefecture</th><th>actors</th><th>ties</th><th>density</th>
<th>centres</th><th>centre density</th></tr>{table}</table></main>
</body></html>
"""
