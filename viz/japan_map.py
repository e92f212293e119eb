"""The map of Japan for analysts: one square tile per prefecture (:mod:`viz.tile_grid`),
coloured by a measure of :mod:`graph.queries.regional_measures`, drawn as inline SVG on the
server, with no request to any other host.

The colour is one of :data:`PALETTE`'s seven classes, of equal width between the least and
the greatest value of the measure in any year of the page (so one colour means the same in
every year), with a legend. The colour is never the only carrier of a value: each tile shows
its value, names it to assistive technology (its SVG ``<title>``), shows it
in a tooltip on hover and on keyboard focus, and a table below the map lists every value.
Each tile links to the prefecture's network page.

A year slider (1 April of each year, then the page's own day, as on the density page)
switches the colours, the values, the names, the table and the tiles' links to that day's
network with a small inline script, from the figures embedded in the page: every text it
writes is made here, in the language of the request, so the page reads the same however it
got there.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.i18n import N_, _, language
from graph.japan import PREFECTURES
from graph.names import prefecture_label
from graph.queries.regional_measures import (
    MEASURES,
    RegionalRow,
    RegionalStep,
    check_measure,
    measure_value,
)
from graph.valid_time import Day
from viz.frame import (
    PageLinks,
    count_text,
    day_text,
    document_head,
    fixed_text,
    percent_text,
    script_json,
)
from viz.pages import _STYLE, day_label, nav_links, year_label, year_slider
from viz.tile_grid import COLUMNS, ROWS, TILES

__all__ = [
    "GAP",
    "MEASURE_NAMES",
    "NO_DATA",
    "PALETTE",
    "TILE",
    "colour_class",
    "map_page",
    "measure_text",
    "tile_rect",
]

#: A tile's side and the gap between two tiles, in the SVG's units.
TILE, GAP = 56, 4
_PITCH = TILE + GAP

#: The sequential colours, lightest (least) first (ColorBrewer YlGnBu, 7 classes), and the
#: colour of each class's text (dark on the light ones, white on the dark ones, each with a
#: contrast of 4.5 or more).
PALETTE: tuple[str, ...] = (
    "#ffffcc",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#0c2c84",
)
_INK: tuple[str, ...] = ("#111", "#111", "#111", "#111", "#111", "#fff", "#fff")
#: A prefecture with no value that day (no actors, or no enterprises for a share).
NO_DATA, _NO_DATA_INK = "#eeeeee", "#555"

#: Each measure's name, for the chooser, the headings and the tiles' names.
MEASURE_NAMES: dict[str, str] = {
    "density": N_("Density of the actor graph"),
    "centre_density": N_("Inter-centre collaboration density"),
    "unfinanced": N_("Share of enterprises with no financier"),
    "centres_per_1000": N_("Support centres per 1,000 enterprises"),
}

#: How each measure is explained under the heading.
_MEASURE_NOTES: dict[str, str] = {
    "density": N_(
        "2·ties / (actors·(actors−1)) on each prefecture's actor graph, as on the density page."
    ),
    "centre_density": N_(
        "The same formula on the support centres alone and the ties between them."
    ),
    "unfinanced": N_(
        "The share of a prefecture's enterprises that no financier lends to, guarantees or "
        "invests in."
    ),
    "centres_per_1000": N_("The prefecture's support centres per 1,000 of its enterprises."),
}


def measure_text(measure: str, value: float) -> str:
    """A value of ``measure`` as the page writes it, in the language: densities to 5 and 3
    places, a share as a percentage to one place, centres per 1,000 to 2 places."""
    if measure == "density":
        return fixed_text(value, 5)
    if measure == "centre_density":
        return fixed_text(value, 3)
    if measure == "unfinanced":
        return percent_text(value)
    return fixed_text(value, 2)


def colour_class(value: float, low: float, high: float) -> int:
    """The class (0 to 6, of :data:`PALETTE`) of ``value`` on a scale from ``low`` to
    ``high`` cut in seven equal parts (0 when the scale is a single value)."""
    if high <= low:
        return 0
    share = (value - low) / (high - low)
    return max(0, min(len(PALETTE) - 1, int(share * len(PALETTE))))


def tile_rect(code: str) -> tuple[int, int, int, int]:
    """The square of a prefecture's tile in the SVG: (x, y, width, height). Raises KeyError
    for a code that names no prefecture."""
    column, row = TILES[code]
    return (column * _PITCH + GAP, row * _PITCH + GAP, TILE, TILE)


def _short_name(code: str) -> str:
    """The name a tile shows: the prefecture's name without 都, 府 or 県 in Japanese
    (北海道 keeps its own)."""
    name = prefecture_label(code)
    if language() == "ja" and name[-1:] in {"都", "府", "県"}:
        return name[:-1]
    return name


@dataclass(frozen=True)
class _Tile:
    """What a tile shows on one step: its colour class (-1: no data), its value as text,
    its accessible name, and the counts of its row in the table."""

    colour: int
    value: str
    label: str
    actors: str
    enterprises: str

    def as_list(self) -> list[Any]:
        return [self.colour, self.value, self.label, self.actors, self.enterprises]


def _tile(
    code: str, row: RegionalRow | None, measure: str, name: str, scale: tuple[float, float]
) -> _Tile:
    value = measure_value(row, measure)
    full = prefecture_label(code)
    actors = count_text(row.actors if row else 0)
    enterprises = count_text(row.enterprises if row else 0)
    if value is None:
        label = _("{prefecture}: no data", prefecture=full)
        return _Tile(-1, "–", label, actors, enterprises)
    text = measure_text(measure, value)
    label = _("{prefecture}: {measure} {value}", prefecture=full, measure=name, value=text)
    return _Tile(colour_class(value, *scale), text, label, actors, enterprises)


def _scale(steps: Sequence[RegionalStep], measure: str) -> tuple[float, float]:
    """The least and the greatest value of ``measure`` over every step (0, 0 for none)."""
    values = [
        value
        for step in steps
        for row in step.rows.values()
        if (value := measure_value(row, measure)) is not None
    ]
    return (min(values), max(values)) if values else (0.0, 0.0)


def _legend(measure: str, scale: tuple[float, float]) -> str:
    """The legend, in the empty north-west corner of the grid: a swatch per class with the
    values it holds, and the no-data swatch."""
    low, high = scale
    classes = len(PALETTE) if high > low else 1
    width = (high - low) / classes
    items = []
    for index in range(classes):
        start, end = low + index * width, low + (index + 1) * width
        if classes == 1:
            said = measure_text(measure, low)
        else:
            said = _(
                "{low} to {high}",
                low=measure_text(measure, start),
                high=measure_text(measure, end),
            )
        items.append((PALETTE[index], said))
    items.append((NO_DATA, _("no data")))
    rows = "".join(
        f'<rect x="{GAP}" y="{28 + i * 20}" width="16" height="16" fill="{colour}" '
        f'stroke="#999"/><text x="{GAP + 22}" y="{28 + i * 20 + 12}">{html.escape(said)}</text>'
        for i, (colour, said) in enumerate(items)
    )
    title = html.escape(_(MEASURE_NAMES[measure]))
    heading = f'<text x="{GAP}" y="16" class="heading">{title}</text>'
    return f'<g id="legend" class="legend">{heading}{rows}</g>'


def _svg_tile(code: str, tile: _Tile, href: str) -> str:
    x, y, side, _height = tile_rect(code)
    fill = PALETTE[tile.colour] if tile.colour >= 0 else NO_DATA
    ink = _INK[tile.colour] if tile.colour >= 0 else _NO_DATA_INK
    label = html.escape(tile.label)
    middle = x + side / 2
    return (
        f'<a class="tile" data-key="{code}" href="{html.escape(href)}">'
        f"<title>{label}</title>"
        f'<rect x="{x}" y="{y}" width="{side}" height="{side}" rx="4" fill="{fill}"/>'
        f'<text class="name" x="{middle}" y="{y + 22}" fill="{ink}" aria-hidden="true">'
        f"{html.escape(_short_name(code))}</text>"
        f'<text class="value" x="{middle}" y="{y + 42}" fill="{ink}" aria-hidden="true">'
        f"{html.escape(tile.value)}</text></a>"
    )


def _table_row(code: str, tile: _Tile, href: str) -> str:
    return (
        f'<tr data-key="{code}"><td><a href="{html.escape(href)}">'
        f"{html.escape(prefecture_label(code))}</a></td>"
        f'<td data-field="value">{html.escape(tile.value)}</td>'
        f'<td data-field="actors">{tile.actors}</td>'
        f'<td data-field="enterprises">{tile.enterprises}</td></tr>'
    )


_MAP_STYLE = """
main { padding: 0 1rem 1rem; }
#measures a { margin-right: 0.8rem; }
#measures a[aria-current] { font-weight: bold; color: #222; text-decoration: none; }
#wrap { position: relative; max-width: 56rem; }
#map { width: 100%; height: auto; display: block; }
#map text { font-size: 11px; }
#map text.name, #map text.value { text-anchor: middle; pointer-events: none; }
#map text.value { font-size: 12px; font-weight: 600; }
#map text.heading { font-size: 13px; font-weight: 600; }
#map a.tile rect { stroke: #fff; stroke-width: 1; }
#map a.tile:hover rect, #map a.tile:focus rect { stroke: #000; stroke-width: 3; }
#map a.tile:focus { outline: none; }
#tip { position: absolute; transform: translateX(-50%); background: #222; color: #fff;
  padding: 0.25rem 0.5rem; border-radius: 4px; font-size: 0.9rem; pointer-events: none;
  white-space: nowrap; z-index: 1; }
#tip[hidden] { display: none; }
details { margin-top: 1rem; }
#values table { width: 100%; max-width: 40rem; table-layout: fixed; }
#values td, #values th { overflow-wrap: anywhere; padding: 0.2rem 0.4rem; }
summary { cursor: pointer; }
"""

#: Switches the map and the table to the slider's position, and shows a tile's value in the
#: tooltip on hover and on focus. It reads ``rsnMap`` and writes text only, never markup.
_MAP_SCRIPT = """
(function () {
  const data = window.rsnMap;
  const wrap = document.getElementById("wrap");
  const tip = document.getElementById("tip");
  const slider = document.getElementById("year");
  const shown = document.getElementById("year-shown");
  function link(base, day) {
    return day ? base + (base.indexOf("?") < 0 ? "?" : "&") + "as_of=" + day : base;
  }
  function show(index) {
    const step = data.steps[index];
    for (const tile of document.querySelectorAll("#map a.tile")) {
      const [colour, value, label] = step.tiles[tile.dataset.key];
      const fill = colour < 0 ? data.none : data.colours[colour];
      tile.querySelector("rect").setAttribute("fill", fill);
      const ink = colour < 0 ? data.noneInk : data.inks[colour];
      for (const text of tile.querySelectorAll("text")) text.setAttribute("fill", ink);
      tile.querySelector("text.value").textContent = value;
      tile.querySelector("title").textContent = label;
      tile.setAttribute("href", link(data.links[tile.dataset.key], step.link));
    }
    for (const line of document.querySelectorAll("#values tr[data-key]")) {
      const [, value, , actors, enterprises] = step.tiles[line.dataset.key];
      line.querySelector("[data-field=value]").textContent = value;
      line.querySelector("[data-field=actors]").textContent = actors;
      line.querySelector("[data-field=enterprises]").textContent = enterprises;
      line.querySelector("a").setAttribute("href", link(data.links[line.dataset.key], step.link));
    }
    if (slider) {
      shown.textContent = step.label;
      slider.setAttribute("aria-valuetext", step.label);
    }
    document.body.dataset.shown = step.as_of || "";
    tip.hidden = true;
  }
  function point(tile) {
    tip.textContent = tile.querySelector("title").textContent;
    tip.hidden = false;
    const box = tile.getBoundingClientRect();
    const around = wrap.getBoundingClientRect();
    const half = tip.offsetWidth / 2;
    let x = box.left - around.left + box.width / 2;
    x = Math.max(half, Math.min(around.width - half, x));
    tip.style.left = x + "px";
    tip.style.top = (box.bottom - around.top + 4) + "px";
  }
  for (const tile of document.querySelectorAll("#map a.tile")) {
    tile.addEventListener("mouseenter", function () { point(tile); });
    tile.addEventListener("focus", function () { point(tile); });
    tile.addEventListener("mouseleave", function () { tip.hidden = true; });
    tile.addEventListener("blur", function () { tip.hidden = true; });
  }
  if (slider) slider.addEventListener("input", function () { show(Number(slider.value)); });
  data.show = show;
  document.body.dataset.ready = "true";
})();
"""


def map_page(
    steps: Sequence[RegionalStep],
    measure: str = "density",
    *,
    links: PageLinks | None = None,
    nav: bool = True,
) -> str:
    """The map page of ``measure`` over ``steps`` (of
    :func:`graph.queries.regional_measures.regional_history`: 1 April of each year, then
    the page's own day, where the page starts), in the language of the request: a
    self-contained HTML document that makes no request. With ``links``, the page has the
    language switch and its links keep ``lang`` and the day asked about.

    Raises ValueError for an unknown measure or no steps."""
    check_measure(measure)
    if not steps:
        raise ValueError("a map needs at least one step")
    link = links.link if links is not None else (lambda href: href)
    name = _(MEASURE_NAMES[measure])
    scale = _scale(steps, measure)
    codes = [prefecture.code for prefecture in PREFECTURES]
    labels = [
        year_label(step.year, step.as_of) if step.year is not None else day_label(step.as_of)
        for step in steps
    ]
    tiles = [
        {code: _tile(code, step.rows.get(code), measure, name, scale) for code in codes}
        for step in steps
    ]
    kept_day = links.as_of if links is not None else None
    bases = {code: link(f"/v1/viz/network?prefecture={code}") for code in codes}

    def href(code: str, step: int) -> str:
        day = steps[step].as_of if steps[step].year is not None else kept_day
        return bases[code] + (f"&as_of={day}" if day else "")

    now = len(steps) - 1
    drawn = "".join(_svg_tile(code, tiles[now][code], href(code, now)) for code in codes)
    table = "".join(_table_row(code, tiles[now][code], href(code, now)) for code in codes)
    width, height = COLUMNS * _PITCH + GAP, ROWS * _PITCH + GAP

    options = []
    for option in MEASURES:
        current = ' aria-current="page"' if option == measure else ""
        said = html.escape(_(MEASURE_NAMES[option]))
        target = html.escape(link(_measure_href(option, kept_day)))
        options.append(f'<a href="{target}"{current}>{said}</a>')
    chooser = " ".join(options)
    shown = html.escape(labels[now])
    when = ""
    if len(steps) > 1:
        when = year_slider(now, labels[now], steps[0].year, day_text(steps[now].as_of))
    else:
        when = f'<p id="when">{shown}</p>'
    data = {
        "colours": list(PALETTE),
        "inks": list(_INK),
        "none": NO_DATA,
        "noneInk": _NO_DATA_INK,
        "links": bases,
        "steps": [
            {
                "label": labels[index],
                "as_of": step.as_of,
                "link": step.as_of if step.year is not None else kept_day,
                "tiles": {code: tiles[index][code].as_list() for code in codes},
            }
            for index, step in enumerate(steps)
        ],
    }
    title = html.escape(_("Map of Japan: {measure}", measure=name))
    headings = "".join(
        f'<th scope="col">{html.escape(text)}</th>'
        for text in (_("prefecture"), name, _("actors"), _("enterprises"))
    )
    texts = {
        "measure": html.escape(_("Measure:")),
        "table": html.escape(_("Values as a table")),
        "note": html.escape(_(_MEASURE_NOTES[measure])),
    }
    return f"""{document_head(title, _STYLE + _MAP_STYLE)}</head>
<body data-shown="{html.escape(steps[now].as_of)}">
<header>{nav_links(links) if nav else ""}<h1>{title}</h1>
<p id="note">{texts["note"]}</p>
<p id="measures"><span>{texts["measure"]}</span> {chooser}</p>{when}</header>
<main>
<div id="wrap">
<svg id="map" viewBox="0 0 {width} {height}" role="group" aria-label="{title}"
 preserveAspectRatio="xMidYMid meet">{_legend(measure, scale)}{drawn}</svg>
<div id="tip" role="tooltip" hidden></div>
</div>
<details id="values" open><summary>{texts["table"]}</summary>
<table><caption>{html.escape(name)}</caption><tr>{headings}</tr>{table}</table></details>
</main>
<script>window.rsnMap = {script_json(data)};{_MAP_SCRIPT}</script>
</body></html>
"""


def _measure_href(measure: str, day: Day | None) -> str:
    """The map of ``measure`` (on ``day`` when the page keeps one)."""
    return f"/v1/viz/map?measure={measure}" + (f"&as_of={day}" if day else "")
