"""A node's page for people: who it is, its ties by name and kind (grouped by relation, each
linking to the other node's page), its best introductions to a node chosen in a search box,
and, for a centre, its referrals when the caller may see them.

The page is made from a :class:`NodeView` the route fills in (what the caller may see:
:mod:`api.routers.people_pages`); this module only says it, in the current language, with
the links of :mod:`viz.frame` and the frame and sortable tables of :mod:`viz.report_page`.
The search box works without a script (the form asks the page again with ``q``, and the
page lists what it found); with the script, it lists the matches as the person types, from
``GET /v1/viz/find``.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graph.i18n import _, language
from graph.model import ACTOR_KINDS, Node, NodeKind, Relation, RelationType
from graph.names import (
    expertise_name,
    industry_name,
    kind_name,
    prefecture_label,
    relation_name,
    status_name,
    subkind_name,
)
from graph.queries.introductions import Introduction
from graph.referral_lifecycle import Referral
from graph.valid_time import Day
from viz.frame import PageLinks, node_href, node_path, number
from viz.report_page import (
    Cell,
    Column,
    link_cell,
    number_cell,
    page_html,
    table_html,
    text_cell,
)

__all__ = [
    "Introductions",
    "NodeTie",
    "NodeView",
    "Referrals",
    "find_answer",
    "found_label",
    "kind_label",
    "node_page",
]


@dataclass(frozen=True)
class NodeTie:
    """A tie of the node: the relation, the node at its other end, and whether it is derived
    from completed referrals."""

    relation: Relation
    other: Node
    derived: bool = False


@dataclass(frozen=True)
class Introductions:
    """The introductions asked for: to ``target`` (None when none was chosen), the paths
    found, or why none could be sought (``problem``)."""

    target: Node | None = None
    paths: Sequence[Introduction] = ()
    problem: str | None = None


@dataclass(frozen=True)
class Referrals:
    """A centre's referrals, when the caller may see them (``shown``), with the nodes they
    name."""

    shown: bool
    referrals: Sequence[Referral] = ()
    nodes: Mapping[str, Node] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeView:
    """What a node's page shows: the node as of ``day``, the ties the caller may see, what
    the search box found for ``query`` (``found``), the introductions, and a centre's
    referrals (None for any other node)."""

    node: Node
    day: Day
    ties: Sequence[NodeTie]
    query: str = ""
    found: Sequence[Node] | None = None
    introductions: Introductions = field(default_factory=Introductions)
    referrals: Referrals | None = None
    merged_from: str | None = None


def kind_label(node: Node) -> str:
    """The node's kind as people say it, with its own kind when it has one: "Support centre
    (Chamber of Commerce and Industry)"."""
    sub = node.props.get("background") if node.kind is NodeKind.SPECIALIST else None
    sub = sub or node.props.get("kind") or node.props.get("category")
    named = subkind_name(node.kind, str(sub)) if sub else None
    if named is None:
        return kind_name(node.kind)
    return _("{kind} ({subkind})", kind=kind_name(node.kind), subkind=named)


def _about(node: Node) -> str:
    """The node's properties a person reads, as a description list."""
    props = node.props
    items: list[tuple[str, str]] = [(_("Id"), node.id), (_("Kind"), kind_label(node))]
    items.append((_("Prefecture"), prefecture_label(node.prefecture)))
    if props.get("industry"):
        items.append((_("Industry"), industry_name(str(props["industry"]))))
    if props.get("employees") is not None:
        items.append((_("Employees"), number(props["employees"])))
    if props.get("founded") is not None:
        items.append((_("Founded"), str(props["founded"])))
    if props.get("capacity") is not None:
        items.append((_("Capacity (enterprises)"), number(props["capacity"])))
    expertise = props.get("expertise")
    if expertise:
        fields = expertise if isinstance(expertise, list) else str(expertise).split(";")
        joiner = "、" if language() == "ja" else ", "
        items.append((_("Expertise"), joiner.join(expertise_name(f) for f in fields if f)))
    if props.get("corporate_number"):
        items.append((_("Corporate number"), str(props["corporate_number"])))
    return (
        '<dl class="about">'
        + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in items)
        + "</dl>"
    )


def _ties(view: NodeView, links: PageLinks) -> str:
    """The ties grouped by relation type (in the model's order), each group a table."""
    if not view.ties:
        return "<p>" + html.escape(_("No ties that you may see.")) + "</p>"
    grouped: dict[RelationType, list[NodeTie]] = defaultdict(list)
    for tie in view.ties:
        grouped[tie.relation.type].append(tie)
    parts = []
    columns = [
        Column(_("Name")),
        Column(_("Kind")),
        Column(_("Direction")),
        Column(_("Strength"), numeric=True),
        Column(_("Since")),
    ]
    for kind in RelationType:
        ties = grouped.get(kind)
        if not ties:
            continue
        rows = []
        for tie in sorted(ties, key=lambda t: (t.other.name, t.other.id)):
            outgoing = tie.relation.source == view.node.id
            direction = _("to the other") if outgoing else _("from the other")
            if tie.derived:
                direction = _("from completed referrals")
            rows.append(
                [
                    link_cell(links, tie.other.id, tie.other.name),
                    text_cell(kind_label(tie.other)),
                    text_cell(direction),
                    number_cell(tie.relation.strength, 3),
                    text_cell(tie.relation.since or ""),
                ]
            )
        title = _("{relation} ({count})", relation=relation_name(kind), count=number(len(ties)))
        parts.append(
            f"<h3>{html.escape(title)}</h3>"
            + table_html(f"ties-{kind.value.lower()}", title, columns, rows)
        )
    return "".join(parts)


def _node_link(links: PageLinks, node: Node) -> str:
    """A link to a node's page, named by the node."""
    return f'<a href="{node_href(links, node.id)}">{html.escape(node.name)}</a>'


def _path(path: Introduction, links: PageLinks) -> str:
    """One introduction: what to do, its score, and its chain of ties."""
    steps = "".join(
        "<li>"
        + _(
            "{origin} — {relation} — {destination}",
            origin=_node_link(links, step.origin),
            relation=html.escape(relation_name(step.relation.type)),
            destination=_node_link(links, step.destination),
        )
        + "</li>"
        for step in path.steps
    )
    score = _("Strength {score}, {hops} ties.", score=number(path.score, 4), hops=number(path.hops))
    return (
        f"<li><p>{html.escape(path.explanation)}</p>"
        f'<p class="note">{html.escape(score)}</p><ol class="chain">{steps}</ol></li>'
    )


def _found(view: NodeView, links: PageLinks) -> str:
    """What the search box found, as links that ask for introductions to each."""
    if view.found is None:
        return ""
    if not view.found:
        said = _("Nothing found for “{query}”.", query=view.query)
        return f"<p>{html.escape(said)}</p>"
    here = node_path(view.node.id)
    items = "".join(
        f'<li><a href="{links.href(here, [("to", node.id)])}">{html.escape(node.name)}</a> '
        f"({html.escape(found_label(node))})</li>"
        for node in view.found
    )
    return f'<ul class="found">{items}</ul>'


def found_label(node: Node) -> str:
    """What the search box says of a match beside its name: kind, prefecture and id."""
    return _(
        "{kind}, {prefecture}, {id}",
        kind=kind_name(node.kind),
        prefecture=prefecture_label(node.prefecture),
        id=node.id,
    )


def _introductions(view: NodeView, links: PageLinks) -> str:
    node = view.node
    head = '<h2 id="introductions">' + html.escape(_("Introductions")) + "</h2>"
    if node.kind not in ACTOR_KINDS:
        said = _("Introductions join enterprises, centres, financiers and specialists.")
        return head + f'<p class="note">{html.escape(said)}</p>'
    here = node_path(node.id)
    whom = html.escape(_("Whom to be introduced to (name or id)"))
    search = html.escape(_("Search"))
    form = (
        f'<form class="inline" role="search" method="get" action="{html.escape(here)}" '
        f'id="find-form" data-find="{links.href("/v1/viz/find")}" '
        f'data-choose="{links.href(here)}">'
        f'<div><label for="q">{whom}</label>'
        f'<input type="search" id="q" name="q" value="{html.escape(view.query)}" '
        'autocomplete="off" maxlength="200" aria-controls="found"></div>'
        f"{links.hidden_inputs()}"
        f'<button class="go" type="submit">{search}</button></form>'
        f'<div id="found" aria-live="polite">{_found(view, links)}</div>'
    )
    asked = view.introductions
    parts = [head, form]
    if asked.problem:
        parts.append(f'<p class="alert" role="alert">{html.escape(asked.problem)}</p>')
    elif asked.target is not None:
        target = asked.target
        title = _("Best introductions to {name}", name=target.name)
        parts.append(f'<h3 id="paths">{html.escape(title)}</h3>')
        if asked.paths:
            paths = "".join(_path(path, links) for path in asked.paths)
            parts.append(f'<ol class="paths">{paths}</ol>')
        else:
            said = _("No introduction path through ties that you may see.")
            parts.append(f"<p>{html.escape(said)}</p>")
    return "".join(parts)


def _referrals(view: NodeView, links: PageLinks) -> str:
    referrals = view.referrals
    if referrals is None:
        return ""
    head = '<h2 id="referrals">' + html.escape(_("Referrals")) + "</h2>"
    if not referrals.shown:
        said = _("Only this centre's own key and administrators may see its referrals.")
        return head + f'<p class="note">{html.escape(said)}</p>'
    if not referrals.referrals:
        return head + "<p>" + html.escape(_("No referrals.")) + "</p>"
    columns = [
        Column(_("Referral")),
        Column(_("Direction")),
        Column(_("Enterprise")),
        Column(_("Other centre")),
        Column(_("Need")),
        Column(_("Status")),
        Column(_("Updated")),
    ]
    nodes = referrals.nodes
    rows = []
    for referral in referrals.referrals:
        received = referral.to_centre == view.node.id
        other = referral.from_centre if received else referral.to_centre
        rows.append(
            [
                text_cell(referral.id),
                text_cell(_("Received") if received else _("Sent")),
                _node_cell(links, nodes, referral.enterprise),
                _node_cell(links, nodes, other),
                text_cell(expertise_name(referral.need)),
                text_cell(status_name(referral.status)),
                text_cell(referral.updated_at[:10]),
            ]
        )
    return head + table_html("referrals-table", _("Referrals"), columns, rows)


def _node_cell(links: PageLinks, nodes: Mapping[str, Node], node_id: str) -> Cell:
    node = nodes.get(node_id)
    return link_cell(links, node_id, node.name if node is not None else node_id)


#: Lists the matches of the search box as the person types (GET /v1/viz/find).
_FIND_SCRIPT = """
(function () {
  var form = document.getElementById("find-form");
  if (!form) { return; }
  var input = document.getElementById("q");
  var box = document.getElementById("found");
  var timer = null, asked = 0;
  var withParam = function (base, name, value) {
    var url = new URL(base, window.location.href);
    url.searchParams.set(name, value);
    return url.pathname + url.search;
  };
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (!text) { box.textContent = ""; return; }
    timer = setTimeout(function () {
      var mine = ++asked;
      fetch(withParam(withParam(form.dataset.find, "q", text), "limit", "10"),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (answer) {
          if (answer.status === 401) { window.location.reload(); return null; }
          return answer.ok ? answer.json() : null;
        })
        .then(function (body) {
          if (!body || mine !== asked) { return; }
          box.textContent = "";
          if (!body.nodes.length) {
            var none = document.createElement("p");
            none.textContent = body.nothing;
            box.appendChild(none);
            return;
          }
          var list = document.createElement("ul");
          list.className = "found";
          body.nodes.forEach(function (node) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = withParam(form.dataset.choose, "to", node.id);
            link.textContent = node.name;
            item.appendChild(link);
            item.appendChild(document.createTextNode(" (" + node.label + ")"));
            list.appendChild(item);
          });
          box.appendChild(list);
        });
    }, 250);
  });
})();
"""


def node_page(view: NodeView, links: PageLinks) -> str:
    """A node's page, in the current language."""
    node = view.node
    title = _("{name}: {kind}", name=node.name, kind=kind_name(node.kind))
    parts = [f"<h1>{html.escape(node.name)}</h1>", _about(node)]
    if view.merged_from:
        said = _("{asked} was merged into this node.", asked=view.merged_from)
        parts.append(f'<p class="note">{html.escape(said)}</p>')
    as_of = html.escape(_("As of {day}.", day=view.day))
    parts.append(f'<p class="note" id="as-of">{as_of}</p>')
    if node.kind in ACTOR_KINDS and node.prefecture:
        report = links.href("/v1/viz/weaknesses", [("prefecture", node.prefecture)])
        label = _("Weakness report of {prefecture}", prefecture=prefecture_label(node.prefecture))
        parts.append(f'<p><a href="{report}">{html.escape(label)}</a></p>')
    ties = html.escape(_("Ties"))
    parts.append(f'<h2 id="ties">{ties}</h2>{_ties(view, links)}')
    parts.append(_introductions(view, links))
    parts.append(_referrals(view, links))
    return page_html(links, title, "".join(parts), _FIND_SCRIPT)


def find_answer(nodes: Sequence[Node], query: str) -> bytes:
    """The JSON the search box reads: the nodes found, each with a label in the current
    language, and the sentence for none."""
    answer = {
        "query": query,
        "nodes": [
            {
                "id": node.id,
                "kind": node.kind.value,
                "name": node.name,
                "prefecture": node.prefecture,
                "label": found_label(node),
            }
            for node in nodes
        ],
        "nothing": _("Nothing found for “{query}”.", query=query),
    }
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")
