"""The weakness report as a page for people, and what every people's page shares.

The page shows the report of :func:`graph.queries.weaknesses.weakness_report` (as the
caller may see it): the counts at the top, then one table per kind of finding, each row with
its next step and a link to the node's page, each table sortable by a click on a column
heading (a small inline script; no request to any other host) and downloadable as CSV
(:func:`report_csv`: UTF-8 with a byte order mark, so that Excel reads Japanese).

Every text is said in the request's language (:mod:`graph.i18n`), numbers written as the
language writes them (Babel). Tables scroll sideways inside their own box on a narrow
screen; sortable headings are buttons inside ``<th aria-sort>``.

Shared with :mod:`viz.node_page`: :func:`page_html` (the frame of a page) and
:func:`table_html` (a sortable table); the links, the language switch and numbers are
:mod:`viz.frame`'s.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from graph.i18n import N_, _, _n, language
from graph.japan import PREFECTURES
from graph.loaders.csvfile import spreadsheet_safe
from graph.model import Node
from graph.names import category_name, kind_name, prefecture_label, relation_name
from graph.queries.weaknesses import Bridge, Broker, Component, Finding, WeaknessReport
from graph.valid_time import Day
from viz import frame
from viz.frame import document_head, node_href, number

__all__ = [
    "CSV_TABLES",
    "FINDING_TABLES",
    "PageLinks",
    "Cell",
    "node_href",
    "number",
    "page_html",
    "report_csv",
    "report_page",
    "report_ids",
    "table_html",
]

# -- what every page shares ------------------------------------------------------------


class PageLinks(frame.PageLinks):
    """:class:`viz.frame.PageLinks` made from a page's ``path``, its language, the
    parameters every link carries (``keep``: ``lang`` when the request chose it by
    ``?lang=``, ``as_of`` when it was asked for) and the page's other parameters
    (``query``). The page's language is the request's (:func:`graph.i18n.language`)."""

    def __init__(
        self,
        path: str,
        lang: str,
        keep: tuple[tuple[str, str], ...] = (),
        query: tuple[tuple[str, str], ...] = (),
    ):
        kept = dict(keep)
        pairs = [*query, *((name, value) for name, value in keep if name != "lang")]
        here = path + (f"?{urlencode(pairs)}" if pairs else "")
        super().__init__(here, kept.get("lang"), kept.get("as_of"))


_STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Hiragino Sans", "Noto Sans CJK JP",
  "Yu Gothic", sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0.5rem 1rem; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem;
  border-bottom: 1px solid #ccc; }
header ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; }
a { color: #0b4f9c; } a:focus, button:focus, input:focus, select:focus,
  .scroll:focus { outline: 3px solid #b35900; outline-offset: 1px; }
h1 { font-size: 1.6rem; line-height: 1.3; } h2 { font-size: 1.25rem; margin-top: 2rem; }
.scroll { overflow-x: auto; max-width: 100%; border: 1px solid #ccc; }
table { border-collapse: collapse; min-width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0.5rem; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left;
  vertical-align: top; }
thead th { background: #eef1f5; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
tbody td, tbody th { min-width: 5.5rem; }
td.step { min-width: 18rem; }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.about dt { font-weight: bold; } dl.about dd { margin: 0; }
th button { font: inherit; font-weight: bold; color: #1a1a1a; background: none; border: 0;
  padding: 0; cursor: pointer; text-align: left; }
th[aria-sort=ascending] button::after { content: " ▲"; }
th[aria-sort=descending] button::after { content: " ▼"; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; margin: 0; }
.note { color: #444; } .alert { color: #9b0000; font-weight: bold; }
form.inline { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
form label { display: block; font-weight: bold; }
input[type=search], select { font: inherit; padding: 0.3rem; max-width: 100%; }
button.go { font: inherit; padding: 0.3rem 0.8rem; }
ul.found { padding-left: 1.2rem; }
"""

#: Sorts a table by the column whose heading button was clicked: numbers by value, text in
#: the page's language; a second click turns the order round.
_SORT_SCRIPT = """
(function () {
  var lang = document.documentElement.lang || "en";
  var collator = new Intl.Collator(lang, { numeric: true });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) {
          if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); }
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = button.getAttribute("data-type") === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column];
          var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort")
            : cell.textContent.trim();
          if (!numeric) { return value; }
          var parsed = parseFloat(value);
          return isNaN(parsed) ? -Infinity : parsed;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = numeric ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        var said = table.parentNode.querySelector(".sorted");
        if (said) { said.textContent = button.getAttribute(ascending ? "data-up" : "data-down"); }
      });
    });
  });
})();
"""


def page_html(links: PageLinks, title: str, body: str, script: str = "") -> str:
    """A whole page: its title, the language switch, ``body`` inside ``<main>``, the
    sorting script and ``script``."""
    home = links.href("/")
    home_label = html.escape(_("rsn home"))
    return (
        f"{document_head(html.escape(title), _STYLE)}</head><body>"
        f'<header><a href="{home}">{home_label}</a>{links.switch_list()}</header>'
        f"<main>{body}</main>"
        f"<script>{_SORT_SCRIPT}{script}</script></body></html>"
    )


@dataclass(frozen=True)
class Cell:
    """A cell of a table: its HTML, the value it sorts by (its text when None), and whether
    it is a number (right-aligned, sorted by value)."""

    markup: str
    sort: str | None = None
    numeric: bool = False
    css: str = ""


@dataclass(frozen=True)
class Column:
    """A column of a table: its heading, and whether a click sorts by it."""

    heading: str
    numeric: bool = False
    sortable: bool = True


def text_cell(text: str) -> Cell:
    return Cell(html.escape(text))


def number_cell(value: float | int | None, digits: int = 0) -> Cell:
    return Cell(number(value, digits), "" if value is None else repr(value), numeric=True)


def link_cell(links: PageLinks, node_id: str, name: str) -> Cell:
    return Cell(f'<a href="{node_href(links, node_id)}">{html.escape(name)}</a>', name)


def table_html(
    table_id: str, caption: str, columns: Sequence[Column], rows: Iterable[Sequence[Cell]]
) -> str:
    """A table inside its own scrolling box (a focusable region named by ``caption``), with
    ``<th scope>`` headings; the first cell of each row is its heading. Sortable columns
    have a button in their heading and ``aria-sort``."""
    heads = []
    for index, column in enumerate(columns):
        css = ' class="num"' if column.numeric else ""
        if not column.sortable:
            heads.append(f'<th scope="col"{css}>{html.escape(column.heading)}</th>')
            continue
        kind = "num" if column.numeric else "text"
        up = _("Sorted by {column}, ascending", column=column.heading)
        down = _("Sorted by {column}, descending", column=column.heading)
        heads.append(
            f'<th scope="col" aria-sort="none"{css}><button type="button" data-type="{kind}" '
            f'data-up="{html.escape(up)}" data-down="{html.escape(down)}" '
            f'id="{table_id}-h{index}">{html.escape(column.heading)}</button></th>'
        )
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            tag, scope = ("th", ' scope="row"') if index == 0 else ("td", "")
            classes = " ".join(c for c in ("num" if cell.numeric else "", cell.css) if c)
            attributes = scope + (f' class="{classes}"' if classes else "")
            if cell.sort is not None:
                attributes += f' data-sort="{html.escape(cell.sort)}"'
            cells.append(f"<{tag}{attributes}>{cell.markup}</{tag}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    caption_id = f"{table_id}-caption"
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-labelledby="{caption_id}">'
        f'<table class="sortable" id="{table_id}"><caption id="{caption_id}">'
        f"{html.escape(caption)}</caption><thead><tr>{''.join(heads)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        '<p class="sorted visually-hidden" aria-live="polite"></p></div>'
    )


# -- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """A table of the report: its heading, what it means, and its rows' kind."""

    title: str
    meaning: str


#: The tables of findings (each row a node with its next step), in the page's order.
FINDING_TABLES: dict[str, _Table] = {
    "articulation_points": _Table(
        N_("Single points of failure"),
        N_(
            "Actors whose departure would split the network: the actors on the smaller side "
            "would lose their only way in."
        ),
    ),
    "unfinanced_enterprises": _Table(
        N_("Enterprises without financing"),
        N_("Enterprises that no financier lends to, guarantees or invests in."),
    ),
    "unsupported_enterprises": _Table(
        N_("Enterprises without support"),
        N_("Enterprises that no centre supports and no specialist advises."),
    ),
    "isolated": _Table(
        N_("Isolated actors"), N_("Actors without a tie to any other actor of the area.")
    ),
    "unused_assets": _Table(
        N_("Unused regional assets"), N_("Regional assets that no enterprise uses.")
    ),
    "overloaded_centres": _Table(
        N_("Centres over capacity"),
        N_("Centres that support more enterprises than their declared capacity."),
    ),
}

#: The other tables of the report.
OTHER_TABLES: dict[str, _Table] = {
    "bridges": _Table(
        N_("Ties that hold parts together"),
        N_("Single ties whose loss would split the network in two."),
    ),
    "components": _Table(
        N_("Separate parts of the network"),
        N_(
            "Groups of actors with no tie between them, the largest first; a part without a "
            "centre or a financier is a thin region."
        ),
    ),
    "brokers": _Table(
        N_("Brokers"),
        N_(
            "Actors that many introduction paths run through; a low constraint means that "
            "they alone connect their contacts."
        ),
    ),
}

#: Every table a CSV can be asked for, in the page's order.
CSV_TABLES: tuple[str, ...] = (*FINDING_TABLES, *OTHER_TABLES)
_TABLES = {**FINDING_TABLES, **OTHER_TABLES}


def report_ids(report: WeaknessReport) -> set[str]:
    """The ids the report names without their names (bridge ends, members of parts): the
    page reads their nodes."""
    ids = {end for bridge in report.bridges for end in (bridge.source, bridge.target)}
    ids.update(member for component in report.components for member in component.sample)
    return ids


def _title(prefecture: str | None) -> str:
    if prefecture is None:
        return _("Weakness report: the whole network")
    return _("Weakness report: {prefecture}", prefecture=prefecture_label(prefecture))


def _name(nodes: Mapping[str, Node], node_id: str) -> str:
    node = nodes.get(node_id)
    return node.name if node is not None else node_id


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _finding_columns(table: str) -> list[Column]:
    columns = [Column(_("Name")), Column(_("Kind")), Column(_("Prefecture"))]
    if table == "articulation_points":
        columns.append(Column(_("Actors cut off"), numeric=True))
    elif table == "overloaded_centres":
        columns += [Column(_("Clients"), numeric=True), Column(_("Capacity"), numeric=True)]
    elif table == "unused_assets":
        columns.append(Column(_("Category")))
    columns.append(Column(_("Next step"), sortable=False))
    return columns


def _finding_row(links: PageLinks, table: str, finding: Finding) -> list[Cell]:
    details = finding.details
    row = [
        link_cell(links, finding.id, finding.name),
        text_cell(kind_name(finding.kind)),
        Cell(html.escape(prefecture_label(finding.prefecture)), finding.prefecture or ""),
    ]
    if table == "articulation_points":
        row.append(number_cell(details.get("cut_off")))
    elif table == "overloaded_centres":
        row += [number_cell(details.get("clients")), number_cell(details.get("capacity"))]
    elif table == "unused_assets":
        row.append(text_cell(category_name(details.get("category", ""))))
    row.append(Cell(html.escape(finding.suggestion), css="step"))
    return row


def _bridge_rows(
    links: PageLinks, bridges: Sequence[Bridge], nodes: Mapping[str, Node]
) -> tuple[list[Column], list[list[Cell]]]:
    columns = [
        Column(_("From")),
        Column(_("Relation")),
        Column(_("To")),
        Column(_("Strength"), numeric=True),
        Column(_("Actors cut off"), numeric=True),
    ]
    rows = [
        [
            link_cell(links, bridge.source, _name(nodes, bridge.source)),
            text_cell(relation_name(bridge.type)),
            link_cell(links, bridge.target, _name(nodes, bridge.target)),
            number_cell(bridge.strength, 3),
            number_cell(bridge.cut_off),
        ]
        for bridge in bridges
    ]
    return columns, rows


def _component_rows(
    links: PageLinks, components: Sequence[Component], nodes: Mapping[str, Node]
) -> tuple[list[Column], list[list[Cell]]]:
    columns = [
        Column(_("Actors"), numeric=True),
        Column(_("Has a centre")),
        Column(_("Has a financier")),
        Column(_("Some of its actors"), sortable=False),
    ]
    rows = []
    for component in components:
        members = ("、" if language() == "ja" else ", ").join(
            f'<a href="{node_href(links, m)}">{html.escape(_name(nodes, m))}</a>'
            for m in component.sample
        )
        rows.append(
            [
                number_cell(component.size),
                text_cell(_yes_no(component.has_centre)),
                text_cell(_yes_no(component.has_financier)),
                Cell(members),
            ]
        )
    return columns, rows


def _broker_rows(
    links: PageLinks, brokers: Sequence[Broker]
) -> tuple[list[Column], list[list[Cell]]]:
    columns = [
        Column(_("Name")),
        Column(_("Kind")),
        Column(_("Betweenness"), numeric=True),
        Column(_("Constraint"), numeric=True),
        Column(_("Ties"), numeric=True),
    ]
    rows = [
        [
            link_cell(links, broker.id, broker.name),
            text_cell(kind_name(broker.kind)),
            number_cell(broker.betweenness, 4),
            number_cell(broker.constraint, 4),
            number_cell(broker.degree),
        ]
        for broker in brokers
    ]
    return columns, rows


def _listed(report: WeaknessReport, table: str) -> Sequence[Any]:
    found: Sequence[Any] = getattr(report, table)
    return found


def _counts_table(report: WeaknessReport) -> str:
    columns = [
        Column(_("Finding")),
        Column(_("In all"), numeric=True),
        Column(_("Listed"), numeric=True),
        Column(_("Withheld"), numeric=True),
    ]
    rows = []
    for table in CSV_TABLES:
        if table not in report.counts:
            continue
        title = html.escape(_(_TABLES[table].title))
        rows.append(
            [
                Cell(f'<a href="#{table}">{title}</a>'),
                number_cell(report.counts[table]),
                number_cell(len(_listed(report, table))),
                number_cell(report.withheld.get(table, 0)),
            ]
        )
    return table_html("counts", _("Findings of each kind"), columns, rows)


def _scope_form(links: PageLinks, prefecture: str | None) -> str:
    everywhere = html.escape(prefecture_label(None))
    options = [f'<option value=""{"" if prefecture else " selected"}>{everywhere}</option>']
    for each in PREFECTURES:
        chosen = " selected" if each.code == prefecture else ""
        label = html.escape(f"{each.code} {prefecture_label(each.code)}")
        options.append(f'<option value="{each.code}"{chosen}>{label}</option>')
    area, show = html.escape(_("Area")), html.escape(_("Show"))
    return (
        f'<form class="inline" method="get" action="{html.escape(links.path)}">'
        f'<div><label for="prefecture">{area}</label>'
        f'<select id="prefecture" name="prefecture">{"".join(options)}</select></div>'
        f"{links.hidden_inputs()}"
        f'<button class="go" type="submit">{show}</button></form>'
    )


def report_page(
    report: WeaknessReport, nodes: Mapping[str, Node], links: PageLinks, day: Day
) -> str:
    """The weakness report as a page, in the current language: ``nodes`` holds the nodes
    of :func:`report_ids` (an id it lacks is shown as it is); ``links`` makes the page's own
    links; ``day`` is the day the report is of."""
    title = _title(report.prefecture)
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        _scope_form(links, report.prefecture),
        '<p id="summary">'
        + html.escape(
            _(
                "The network as of {day}: {actors} actors and {ties} ties between them.",
                day=day,
                actors=number(report.nodes),
                ties=number(report.edges),
            )
        )
        + "</p>",
    ]
    withheld = sum(report.withheld.values())
    if withheld:
        parts.append(
            '<p class="note" id="withheld">'
            + html.escape(
                _n(
                    "{shown} finding is not listed: it would show a confidential tie (a "
                    "lender, guarantor, investor or advisor) that your key may not see.",
                    "{shown} findings are not listed: they would show confidential ties "
                    "(lenders, guarantors, investors or advisors) that your key may not see.",
                    withheld,
                    shown=number(withheld),
                )
            )
            + "</p>"
        )
    counts = html.escape(_("Counts"))
    parts.append(f"<h2>{counts}</h2>{_counts_table(report)}")
    scope = [("prefecture", report.prefecture)] if report.prefecture else []
    for table in CSV_TABLES:
        parts.append(_section(report, table, nodes, links, scope))
    return page_html(links, title, "".join(parts))


def _section(
    report: WeaknessReport,
    table: str,
    nodes: Mapping[str, Node],
    links: PageLinks,
    scope: list[tuple[str, str]],
) -> str:
    described = _TABLES[table]
    listed = _listed(report, table)
    columns: list[Column]
    rows: list[list[Cell]]
    if table in FINDING_TABLES:
        columns = _finding_columns(table)
        rows = [_finding_row(links, table, finding) for finding in listed]
    elif table == "bridges":
        columns, rows = _bridge_rows(links, report.bridges, nodes)
    elif table == "components":
        columns, rows = _component_rows(links, report.components, nodes)
    else:
        columns, rows = _broker_rows(links, report.brokers)
    total = report.counts.get(table)
    if total is None:
        shown = _("{listed} listed.", listed=number(len(listed)))
    else:
        shown = _("{listed} listed of {total}.", listed=number(len(listed)), total=number(total))
    held = report.withheld.get(table, 0)
    if held:
        shown += " " + _("{count} withheld.", count=number(held))
    csv_link = links.href("/v1/viz/weaknesses.csv", [*scope, ("table", table)])
    title = _(described.title)
    meaning = html.escape(_(described.meaning))
    download = html.escape(_("Download this table (CSV)"))
    head = (
        f'<section aria-labelledby="{table}"><h2 id="{table}">{html.escape(title)}</h2>'
        f'<p class="note">{meaning} {html.escape(shown)}</p>'
        f'<p><a href="{csv_link}" download>'
        f"{download}</a></p>"
    )
    if not rows:
        return head + "<p>" + html.escape(_("None.")) + "</p></section>"
    return head + table_html(f"t-{table}", title, columns, rows) + "</section>"


# -- CSV -------------------------------------------------------------------------------


def _finding_csv(table: str, findings: Sequence[Finding]) -> tuple[list[str], list[list[str]]]:
    extra: list[str] = {
        "articulation_points": ["cut_off"],
        "overloaded_centres": ["clients", "capacity"],
        "unused_assets": ["category", "category_name"],
    }.get(table, [])
    header = ["id", "name", "kind", "kind_name", "prefecture", "prefecture_name", *extra]
    header += ["next_step", "targets", "suggestion"]
    rows = []
    for finding in findings:
        details = finding.details
        values: dict[str, object] = {
            "cut_off": details.get("cut_off"),
            "clients": details.get("clients"),
            "capacity": details.get("capacity"),
            "category": details.get("category"),
            "category_name": category_name(details.get("category", "")),
        }
        rows.append(
            [
                finding.id,
                finding.name,
                finding.kind,
                kind_name(finding.kind),
                finding.prefecture or "",
                prefecture_label(finding.prefecture) if finding.prefecture else "",
                *("" if values[name] is None else str(values[name]) for name in extra),
                finding.next_step.action,
                ";".join(finding.next_step.targets),
                finding.suggestion,
            ]
        )
    return header, rows


_CsvMaker = Callable[[WeaknessReport, Mapping[str, Node]], tuple[list[str], list[list[str]]]]


def _bridges_csv(
    report: WeaknessReport, nodes: Mapping[str, Node]
) -> tuple[list[str], list[list[str]]]:
    header = ["source", "source_name", "type", "relation_name", "target", "target_name"]
    header += ["strength", "cut_off"]
    rows = [
        [
            b.source,
            _name(nodes, b.source),
            str(b.type),
            relation_name(b.type),
            b.target,
            _name(nodes, b.target),
            repr(b.strength),
            str(b.cut_off),
        ]
        for b in report.bridges
    ]
    return header, rows


def _components_csv(
    report: WeaknessReport, nodes: Mapping[str, Node]
) -> tuple[list[str], list[list[str]]]:
    kinds = sorted({kind for c in report.components for kind in c.kinds})
    header = ["size", "has_centre", "has_financier", *kinds, "sample", "sample_names"]
    rows = [
        [
            str(c.size),
            str(c.has_centre).lower(),
            str(c.has_financier).lower(),
            *(str(c.kinds.get(kind, 0)) for kind in kinds),
            ";".join(c.sample),
            ";".join(_name(nodes, m) for m in c.sample),
        ]
        for c in report.components
    ]
    return header, rows


def _brokers_csv(
    report: WeaknessReport, nodes: Mapping[str, Node]
) -> tuple[list[str], list[list[str]]]:
    header = ["id", "name", "kind", "kind_name", "betweenness", "constraint", "degree"]
    rows = [
        [
            b.id,
            b.name,
            b.kind,
            kind_name(b.kind),
            repr(b.betweenness),
            "" if b.constraint is None else repr(b.constraint),
            str(b.degree),
        ]
        for b in report.brokers
    ]
    return header, rows


_OTHER_CSV: dict[str, _CsvMaker] = {
    "bridges": _bridges_csv,
    "components": _components_csv,
    "brokers": _brokers_csv,
}


@dataclass(frozen=True)
class CsvTable:
    """A table of the report as CSV: the file's bytes and the name to save it as."""

    content: bytes
    filename: str
    rows: int = field(default=0)


def report_csv(report: WeaknessReport, table: str, nodes: Mapping[str, Node]) -> CsvTable:
    """One table of the report (one of :data:`CSV_TABLES`) as CSV for a spreadsheet: UTF-8
    with a byte order mark, machine column names, names and next steps in the current
    language, every cell that a spreadsheet would run as a formula quoted with '.

    Raises KeyError for a table that is not one of CSV_TABLES."""
    if table in FINDING_TABLES:
        header, rows = _finding_csv(table, _listed(report, table))
    else:
        header, rows = _OTHER_CSV[table](report, nodes)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    scope = report.prefecture or "all"
    return CsvTable(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), f"weaknesses-{scope}-{table}.csv", len(rows)
    )
