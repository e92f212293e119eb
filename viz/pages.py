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
so on the page.

A view made from the graph as of a day (:meth:`graph.store.ports.GraphStore.as_of`) says that
day on its page. The density page can carry the density history (a row per year and
prefecture, as of 1 April of each year): a year slider then switches its bars and its table
with a small inline script, still with no request to any other host.

Every text a person reads is in the language of the request (:func:`graph.i18n.language`),
numbers too (:mod:`viz.frame`), and the document says it (``<html lang>``). A page made with
:class:`viz.frame.PageLinks` has a language switch, and keeps ``lang`` in its own links when
the request chose it by ``?lang=``."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import networkx as nx
from pyvis.network import Network

from graph.errors import InvalidArgument
from graph.i18n import _, _n, language
from graph.japan import PREFECTURE_BY_CODE, PREFECTURES, REGIONAL_BLOCKS
from graph.model import NodeKind, Scope, one_line
from graph.names import BLOCK_NAMES, block_name, kind_name, prefecture_label, relation_name
from graph.queries.density import DensityRow
from graph.queries.history import DensityYear
from graph.queries.presence import missing
from graph.queries.scope import scope_of
from graph.queries.visibility import visible_ties
from graph.store.dated import DatedStore
from graph.store.ports import GraphStore
from graph.store.projection import project
from graph.valid_time import Day, fiscal_year_day
from graph.visibility import Visibility
from viz.frame import (
    PageLinks,
    count_text,
    day_text,
    document_head,
    fixed_text,
    rounded,
    script_json,
)
from viz.layout import layout

__all__ = [
    "DENSITY_FIELDS",
    "PageLinks",
    "count_text",
    "day_text",
    "fixed_text",
    "place_name",
    "year_slider",
    "confidential_shown",
    "HUB_KINDS",
    "KIND_COLOURS",
    "MAX_DEPTH",
    "MAX_VIEW_NODES",
    "NetworkView",
    "centre_view",
    "density_page",
    "nav_links",
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


def place_name(key: str, name: str) -> str:
    """The name of a row of the density table (a prefecture's code or a block's name, with
    the name the table gives it), in the language: the table's name in English, the
    Japanese name of the prefecture or block in Japanese."""
    if language() == "en":
        return name
    if key in PREFECTURE_BY_CODE:
        return prefecture_label(key)
    if key in BLOCK_NAMES:
        return block_name(key)
    return name


@dataclass(frozen=True)
class NetworkView:
    """What a network page shows: a graph, its title, how many nodes were left out, and the
    day the graph is as of (None for a graph that is not of one day)."""

    title: str
    graph: nx.Graph
    total_nodes: int
    as_of: Day | None = None

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


def _day_of(store: GraphStore) -> Day | None:
    """The day ``store`` answers as of: a view's (:meth:`GraphStore.as_of`), else None."""
    return store.day if isinstance(store, DatedStore) else None


def _projection(store: GraphStore, scope: Scope, visibility: Visibility | None) -> nx.Graph:
    """The projection of ``scope`` (assets too) with only the ties the caller of
    ``visibility`` may see (all for None)."""
    if visibility is None or not visibility.restricted:
        return store.projection(scope, actors_only=False)
    nodes, relations = store.scope_graph(scope, _day_of(store))
    return project(nodes, visible_ties(store, visibility, relations), actors_only=False)


def confidential_shown(view: NetworkView, visibility: Visibility) -> set[str]:
    """The enterprises of ``view`` with a tie of a confidential type on the page (the
    strongest tie of a pair is the one drawn, every type joining them is behind it)."""
    graph = view.graph
    return {
        end
        for u, v, types in graph.edges(data="types")
        if types & visibility.types
        for end in (u, v)
        if graph.nodes[end]["kind"] is NodeKind.ENTERPRISE
    }


def prefecture_view(
    store: GraphStore, prefecture: str, visibility: Visibility | None = None
) -> NetworkView:
    """Every node of a prefecture (assets too) and the ties between them that the caller of
    ``visibility`` may see, in the graph ``store`` holds (as of a day when it is
    :meth:`GraphStore.as_of` one, which the view then carries).

    Raises InvalidArgument for an unknown prefecture code."""
    scope = scope_of(prefecture)
    graph = _projection(store, scope, visibility)
    title = _(
        "The network of {prefecture} ({code})",
        prefecture=prefecture_label(prefecture),
        code=prefecture,
    )
    return NetworkView(title, _trim(graph), len(graph), _day_of(store))


def centre_view(
    store: GraphStore, centre: str, depth: int = 1, visibility: Visibility | None = None
) -> NetworkView:
    """A centre's neighbourhood: the nodes of its prefecture within ``depth`` ties of it
    (ties the caller of ``visibility`` may see), in the graph ``store`` holds (as of a day
    when it is :meth:`GraphStore.as_of` one).

    Raises NotFound for an id not in that graph (worded by
    :func:`graph.queries.presence.missing`: it says when a node of another time ended or was
    founded), InvalidArgument for a node that is not a centre or a depth outside
    1..MAX_DEPTH."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise InvalidArgument(f"depth must be a whole number from 1 to {MAX_DEPTH}, got {depth!r}")
    node = store.get_node(centre)
    if node is None:
        raise missing(store, centre)
    if node.kind is not NodeKind.CENTRE:
        raise InvalidArgument(f"{centre!r} is an {node.kind.value}, not a centre")
    graph = _projection(store, Scope(node.prefecture), visibility)
    around = nx.ego_graph(graph, centre, radius=depth)
    title = _(
        "{name} ({id}) and its ties, {depth} deep",
        name=one_line(node.name),
        id=centre,
        depth=depth,
    )
    return NetworkView(title, _trim(around, {centre}), len(around), _day_of(store))


def _tooltip(graph: nx.Graph, node: str) -> str:
    data = graph.nodes[node]
    lines = [data["name"], f"{kind_name(data['kind'])} {node}"]
    if data.get("prefecture"):
        lines.append(prefecture_label(data["prefecture"]))
    degree = graph.degree(node)
    lines.append(_n("{count} tie", "{count} ties", degree))
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
                "title": f"{_tie_type(data['type'])} ({data['strength']:g})",
                "width": 1,
            }
        )
    return net


def _tie_type(kind: Any) -> str:
    """A tie's type on a page: its name in Japanese, its value in English (SUPPORTS)."""
    return relation_name(kind) if language() == "ja" else str(kind.value)


@cache
def _vis_script() -> str:
    return files("pyvis").joinpath("lib/vis-9.1.2/vis-network.min.js").read_text("utf-8")


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
nav.lang { float: right; }
nav.lang a { margin: 0 0 0 0.6rem; }
nav.lang a[aria-current] { font-weight: bold; color: #222; text-decoration: none; }
.note { background: #fff4d6; border: 1px solid #e8c66a; padding: 0.3rem 0.6rem; margin: 0.4rem 0; }
#legend { display: flex; gap: 1rem; flex-wrap: wrap; margin: 0.3rem 0; }
#legend span { display: inline-flex; align-items: center; gap: 0.3rem; }
#legend i { width: 0.9rem; height: 0.9rem; border-radius: 50%; display: inline-block; }
#network { height: calc(100vh - 9rem); min-height: 400px; border-top: 1px solid #eee; }
#status { color: #666; font-size: 0.9rem; }
#when { margin: 0.4rem 0; }
#when input { width: min(32rem, 90vw); vertical-align: middle; }
table { border-collapse: collapse; }
td, th { padding: 0.2rem 0.6rem; border-bottom: 1px solid #eee; text-align: right; }
td:first-child, th:first-child { text-align: left; }
"""


def _legend(kinds: Sequence[NodeKind]) -> str:
    items = "".join(
        f'<span data-kind="{kind}"><i style="background:{KIND_COLOURS[kind]}"></i>'
        f"{html.escape(kind_name(kind))}</span>"
        for kind in kinds
    )
    named, size = html.escape(_("Legend")), html.escape(_("Size: number of ties"))
    return f'<div id="legend" aria-label="{named}">{items}<span>{size}</span></div>'


def nav_links(links: PageLinks | None = None) -> str:
    """The links every page has: home, the density chart and the map (markup), then the
    language switch when the page has ``links``."""
    link = links.link if links is not None else (lambda href: href)
    items = (
        ("/", _("Home")),
        ("/v1/viz/density", _("Density")),
        ("/v1/viz/map", _("Map")),
    )
    anchors = "".join(
        f'<a href="{html.escape(link(href))}">{html.escape(text)}</a>' for href, text in items
    )
    switch = links.switch() if links is not None else ""
    named = html.escape(_("Pages"))
    return f'{switch}<nav aria-label="{named}">{anchors}</nav>'


def network_page(view: NetworkView, nav: bool = True, links: PageLinks | None = None) -> str:
    """The page of a network view: a self-contained HTML document (it says the view's day,
    when it has one), in the language of the request."""
    net = _network(view)
    kinds = [k for k in KIND_COLOURS if any(n["kind"] == k for n in net.nodes)]
    note = ""
    if view.trimmed:
        note = '<p class="note" id="trimmed">{}</p>'.format(
            html.escape(
                _(
                    "Showing {shown} of {total} nodes: the centres, financiers and specialists "
                    "first, then the most connected; {hidden} are not shown.",
                    shown=count_text(view.graph.number_of_nodes()),
                    total=count_text(view.total_nodes),
                    hidden=count_text(view.trimmed),
                )
            )
        )
    data = {"nodes": net.nodes, "edges": net.edges}
    title = html.escape(view.title)
    sizes = {
        "nodes": count_text(view.graph.number_of_nodes()),
        "ties": count_text(view.graph.number_of_edges()),
    }
    if view.as_of:
        size = _("{nodes} nodes, {ties} ties as of {day}", day=day_text(view.as_of), **sizes)
    else:
        size = _("{nodes} nodes, {ties} ties", **sizes)
    drawing = html.escape(_("drawing…"))
    return f"""{document_head(title, _STYLE)}
<script>{_vis_script()}</script>
</head><body>
<header>{nav_links(links) if nav else ""}<h1>{title}</h1>
<div>{html.escape(size)} <span id="status">{drawing}</span></div>\
{note}{_legend(kinds)}</header>
<div id="network"></div>
<script>
const rsnData = {script_json(data)};
const nodes = new vis.DataSet(rsnData.nodes);
const edges = new vis.DataSet(rsnData.edges);
const network = new vis.Network(document.getElementById("network"), {{nodes, edges}},
  {script_json(_OPTIONS)});
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


#: The figures of a density row (:class:`graph.queries.density.DensityRow`) that the density
#: page shows and its history carries, for each prefecture (or block) and step of the slider.
DENSITY_FIELDS = ("nodes", "edges", "density", "centres", "centre_edges", "centre_density")

#: Decimal places each figure is shown with (counts are whole numbers).
_PLACES = {"density": 5, "centre_density": 3}

#: The rows of the chart: the JIS order of the prefectures, then the blocks north to south.
_KEY_ORDER = {
    **{prefecture.code: i for i, prefecture in enumerate(PREFECTURES)},
    **{block: len(PREFECTURES) + i for i, block in enumerate(REGIONAL_BLOCKS)},
}

_BAR_HEIGHT, _CHART_WIDTH, _CHART_LEFT = 16, 520, 150


@dataclass(frozen=True)
class _Step:
    """One position of the year slider: what it is called, its day, and the figures of each
    prefecture (or block) on that day, by key (a key missing has no actors then)."""

    label: str
    as_of: Day | None
    rows: dict[str, dict[str, Any]]
    year: int | None = None


def _figures(row: DensityRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in DENSITY_FIELDS}


def _fixed(value: float, places: int) -> str:
    """``value`` with ``places`` decimals, a half rounded up, exactly as the page's script
    writes it (JavaScript's ``toFixed``), so that the page reads the same however it got
    there."""
    return format(rounded(value, places), "f")


def _shown(name: str, value: Any) -> str:
    """A figure of a density row as the page shows it: counts with thousands separators,
    densities with :data:`_PLACES` decimals."""
    places = _PLACES.get(name)
    return count_text(int(value)) if places is None else _fixed(float(value), places)


def year_label(year: int, day: Day) -> str:
    """What a step of a year slider is called: "2010 (as of 2010-04-01)"."""
    return _("{year} (as of {day})", year=year, day=day_text(day))


def day_label(day: Day | None) -> str:
    """What the last step of a year slider is called: "as of 2026-05-10", or "today"."""
    return _("as of {day}", day=day_text(day)) if day else _("today")


def year_slider(last: int, shown: str, first_year: int | None, end: str) -> str:
    """The year slider of a page (markup): positions 0 to ``last``, at ``last`` to start
    with, which is called ``shown``; labelled with the first year (when there is one) at
    its start and ``end`` at its end (texts, escaped here)."""
    first = "" if first_year is None else f"{first_year} "
    year, showing = html.escape(_("Year")), html.escape(_("Showing:"))
    shown = html.escape(shown)
    return (
        f'<p id="when"><label for="year">{year}</label> {first}'
        f'<input type="range" id="year" min="0" max="{last}" step="1" value="{last}" '
        f'aria-valuetext="{shown}"> {html.escape(end)}<br>{showing} '
        f'<output id="year-shown" for="year">{shown}</output></p>'
    )


def _density_steps(
    rows: Sequence[DensityRow],
    history: Iterable[DensityYear] | None,
    years: Iterable[int] | None,
    as_of: Day | None,
) -> tuple[list[_Step], dict[str, str]]:
    """The slider's positions, oldest first (one per year from the first to the last of
    ``history`` and ``years``, then ``rows`` as of ``as_of``, the page's own day), and the
    name of each key."""
    names = {row.key: row.name for row in rows}
    by_year: dict[int, dict[str, dict[str, Any]]] = {}
    days: dict[int, str] = {}
    for entry in history or ():
        names.setdefault(entry.row.key, entry.row.name)
        by_year.setdefault(entry.year, {})[entry.row.key] = _figures(entry.row)
        days[entry.year] = entry.as_of
    chosen = set(by_year) | set(years or ())
    steps = []
    # every year from the first to the last, one with no actors too
    for year in range(min(chosen, default=0), max(chosen, default=-1) + 1):
        day = days.get(year, fiscal_year_day(year))
        steps.append(_Step(year_label(year, day), day, by_year.get(year, {}), year))
    steps.append(_Step(day_label(as_of), as_of, {row.key: _figures(row) for row in rows}))
    return steps, {key: place_name(key, name) for key, name in names.items()}


def _bar(index: int, key: str, label: str, row: Mapping[str, Any] | None, top: float) -> str:
    """The two bars of a prefecture (or block): its density and its centres' density,
    scaled to ``top``, the centres' capped at it."""
    y = index * (_BAR_HEIGHT + 4)
    density = float(row["density"]) if row else 0.0
    centre_density = float(row["centre_density"]) if row else 0.0
    length = _fixed(_CHART_WIDTH * min(density, top) / top, 1)
    centre_length = _fixed(_CHART_WIDTH * min(centre_density, top) / top, 1)
    shown = html.escape(label)
    said = html.escape(_("{name}: density {value}", name=label, value=_shown("density", density)))
    centre_said = html.escape(
        _(
            "{name}: centre density {value}",
            name=label,
            value=_shown("centre_density", centre_density),
        )
    )
    return (
        f'<g class="bar" data-key="{html.escape(key)}" data-label="{shown}">'
        f'<text x="{_CHART_LEFT - 6}" y="{y + 12}" text-anchor="end">{shown}</text>'
        f'<rect class="density" x="{_CHART_LEFT}" y="{y}" width="{length}" '
        f'height="{_BAR_HEIGHT / 2}" fill="#4e79a7"><title>{said}</title></rect>'
        f'<rect class="centre" x="{_CHART_LEFT}" y="{y + _BAR_HEIGHT / 2}" '
        f'width="{centre_length}" height="{_BAR_HEIGHT / 2}" fill="#e15759"><title>'
        f"{centre_said}</title></rect></g>"
    )


def _table_row(key: str, name: str, row: Mapping[str, Any] | None, link: str | None) -> str:
    cells = "".join(
        f'<td data-field="{field}">{_shown(field, row[field] if row else 0)}</td>'
        for field in ("nodes", "edges", "density", "centres", "centre_density")
    )
    shown = html.escape(name)
    if link is not None:
        shown = f'<a href="{html.escape(link)}">{shown}</a>'
    return f'<tr data-key="{html.escape(key)}"><td>{shown}</td>{cells}</tr>'


#: Switches the bars and the table to the slider's position. It reads the figures from
#: ``rsnDensity`` and writes text only (``textContent``), never markup.
_SLIDER_SCRIPT = """
(function () {
  const data = window.rsnDensity;
  const slider = document.getElementById("year");
  const shown = document.getElementById("year-shown");
  const counts = new Intl.NumberFormat(data.locale);
  const places = {density: 5, centre_density: 3};
  const empty = {nodes: 0, edges: 0, density: 0, centres: 0, centre_edges: 0, centre_density: 0};
  function text(field, value) {
    return field in places ? value.toFixed(places[field]) : counts.format(value);
  }
  function said(template, name, value) {
    return template.replace("{name}", name).replace("{value}", value);
  }
  function length(value) {
    return (data.width * Math.min(value, data.top) / data.top).toFixed(1);
  }
  function show(index) {
    const step = data.steps[index];
    shown.textContent = step.label;
    slider.setAttribute("aria-valuetext", step.label);
    for (const bar of document.querySelectorAll("#chart g.bar")) {
      const row = step.rows[bar.dataset.key] || empty;
      const density = bar.querySelector("rect.density");
      density.setAttribute("width", length(row.density));
      density.firstElementChild.textContent =
        said(data.said.density, bar.dataset.label, text("density", row.density));
      const centre = bar.querySelector("rect.centre");
      centre.setAttribute("width", length(row.centre_density));
      centre.firstElementChild.textContent = said(
        data.said.centre_density, bar.dataset.label, text("centre_density", row.centre_density));
    }
    for (const line of document.querySelectorAll("#density tr[data-key]")) {
      const row = step.rows[line.dataset.key] || empty;
      for (const cell of line.querySelectorAll("td[data-field]")) {
        cell.textContent = text(cell.dataset.field, row[cell.dataset.field]);
      }
    }
    document.body.dataset.shown = step.as_of || "";
  }
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  data.show = show;
})();
"""


def density_page(
    rows: Sequence[DensityRow],
    nav: bool = True,
    *,
    history: Iterable[DensityYear] | None = None,
    years: Iterable[int] | None = None,
    as_of: Day | None = None,
    links: PageLinks | None = None,
) -> str:
    """Density by prefecture as a bar chart (inline SVG) with the table beside it: ``rows``
    (of :func:`graph.queries.density.density_table`) as of ``as_of`` (the page says that
    day; None says nothing of a day), in the language of the request.

    With ``history`` (of :func:`graph.queries.history.density_history`), the page gets a
    year slider: one position per year, from the first year to the last of ``history`` and
    ``years`` (the years asked for, so that a year with no actors has its position too),
    then ``rows`` as of ``as_of``, where it starts. Moving it switches the bars and the table
    to that year (an inline script); every bar shares one axis, the densest row of any
    position. The page embeds the figures and the script: it makes no request. Names are
    escaped. With ``links``, the page has the language switch and each prefecture of the
    table links to its network page."""
    steps, names = _density_steps(rows, history, years, as_of)
    keys = sorted(names, key=lambda key: (_KEY_ORDER.get(key, len(_KEY_ORDER)), key))
    top = max((float(r["density"]) for step in steps for r in step.rows.values()), default=0.0)
    top = top or 1.0
    now = steps[-1]
    labels = {key: f"{key} {names[key]}" if key != names[key] else names[key] for key in keys}
    bars = "".join(_bar(i, key, labels[key], now.rows.get(key), top) for i, key in enumerate(keys))

    def network_link(key: str) -> str | None:
        if links is None or key not in PREFECTURE_BY_CODE:
            return None
        day = f"&as_of={links.as_of}" if links.as_of else ""
        return links.link(f"/v1/viz/network?prefecture={key}{day}")

    table = "".join(
        _table_row(key, names[key], now.rows.get(key), network_link(key)) for key in keys
    )
    height = len(keys) * (_BAR_HEIGHT + 4) + 10
    legend = (
        '<div id="legend"><span><i style="background:#4e79a7"></i>{}</span>'
        '<span><i style="background:#e15759"></i>{}</span></div>'
    ).format(
        html.escape(_("density of the actor graph")),
        html.escape(_("inter-centre collaboration density (scaled to the same axis, capped)")),
    )
    when, script = "", ""
    if history is not None:
        end = day_text(as_of) if as_of else _("today")
        when = year_slider(len(steps) - 1, now.label, steps[0].year, end)
        data = {
            "top": top,
            "width": _CHART_WIDTH,
            "locale": "ja-JP" if language() == "ja" else "en-US",
            "said": {
                "density": _("{name}: density {value}"),
                "centre_density": _("{name}: centre density {value}"),
            },
            "steps": [
                {"label": step.label, "as_of": step.as_of, "rows": step.rows} for step in steps
            ],
        }
        script = f"<script>window.rsnDensity = {script_json(data)};{_SLIDER_SCRIPT}</script>"
    elif as_of:
        when = f'<p id="when">{html.escape(day_label(as_of))}</p>'
    title = html.escape(_("Density by prefecture"))
    formula = html.escape(
        _("density = 2·ties / (actors·(actors−1)) on each prefecture's actor graph")
    )
    headings = "".join(
        f"<th>{html.escape(text)}</th>"
        for text in (
            _("prefecture"),
            _("actors"),
            _("ties"),
            _("density"),
            _("centres"),
            _("centre density"),
        )
    )
    return f"""{document_head(title, _STYLE + " svg text { font-size: 11px; }")}</head>
<body data-shown="{html.escape(now.as_of or "")}">
<header>{nav_links(links) if nav else ""}<h1>{title}</h1>
<p>{formula}</p>{when}{legend}</header>
<main style="display:flex;gap:2rem;padding:1rem;flex-wrap:wrap">
<svg id="chart" width="{_CHART_LEFT + _CHART_WIDTH + 20}" height="{height}" role="img"
 aria-label="{title}">{bars}</svg>
<table id="density"><tr>{headings}</tr>{table}</table></main>{script}
</body></html>
"""
