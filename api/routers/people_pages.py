"""Pages for people under /v1/viz: the weakness report as a page (with a CSV download of
each table), a node's page, and the search box's lookup.

Both pages are computed on the graph the caller may see, exactly as the JSON routes are:
the report through the app's heavy work (:mod:`api.heavy`), like ``GET /v1/weaknesses``;
the node's ties like ``GET /v1/nodes/{id}``; its introductions like
``GET /v1/introductions``; a centre's referrals under the rules of ``GET /v1/referrals`` (a
centre key its own centre's, an admin any centre's). An answer that shows a confidential tie
is recorded in the audit log. A person without a live session is sent to the sign-in form
and back (:data:`api.routers.pages.PageReader`). Each page speaks the request's language
and keeps ``?lang=`` (and ``as_of``) in its own links when the request asked for them.
"""

from __future__ import annotations

import html
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.confidential import audit_shown, visibility_for
from api.deps import AsOf, Heavy, Reader, StoreDep
from api.errors import responses
from api.heavy import HeavyWork
from api.routers.pages import PageReader
from api.schemas.shared import ID_PATTERN, PREFECTURE_PATTERN
from graph.errors import InvalidArgument, NotFound
from graph.i18n import _, language
from graph.model import ACTOR_KINDS, NodeKind
from graph.queries import referrals as referral_queries
from graph.queries import weaknesses as queries
from graph.queries.find import MAX_FIND_LIMIT, MAX_FIND_TEXT, find_nodes
from graph.queries.introductions import introduction_paths
from graph.queries.presence import node_on
from graph.queries.visibility import visible_ties
from graph.store import Store
from graph.store.keys import ApiKey, Role
from graph.store.ports import GraphStore
from graph.valid_time import Day
from graph.visibility import Visibility, shown_enterprises
from viz.node_page import Introductions, NodeTie, NodeView, Referrals, find_answer, node_page
from viz.report_page import (
    CSV_TABLES,
    FINDING_TABLES,
    PageLinks,
    page_html,
    report_csv,
    report_ids,
    report_page,
)

__all__ = ["node_page_html", "page_links", "report_csv_job", "report_page_job", "viz"]

viz = APIRouter(tags=["pages"])

_HTML = {"text/html": {"schema": {"type": "string"}}}
_PAGE_ANSWERS: dict[int | str, dict[str, object]] = {
    200: {"content": _HTML, "description": "The page (HTML)."},
    303: {
        "description": "A person in a browser without a live session: to the sign-in form, "
        "with `next` back to the page.",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
}

Prefecture = Annotated[
    str | None,
    Query(
        pattern=PREFECTURE_PATTERN,
        description="A JIS X 0401 prefecture code, 01 to 47; the whole network without it.",
    ),
]
Limit = Annotated[
    int,
    Query(ge=1, le=queries.MAX_LIMIT, description="Findings listed of each kind, at most."),
]
Table = Literal[
    "articulation_points",
    "unfinanced_enterprises",
    "unsupported_enterprises",
    "isolated",
    "unused_assets",
    "overloaded_centres",
    "bridges",
    "components",
    "brokers",
]
assert set(Table.__args__) == set(CSV_TABLES)  # type: ignore[attr-defined]


def page_links(request: Request) -> PageLinks:
    """The links of the page ``request`` asks for: ``lang`` kept when the request chose it
    by ``?lang=``, ``as_of`` when it was given; the page's other parameters for the language
    switch."""
    lang, asked = request.scope.get("state", {}).get("rsn.lang", (language(), False))
    keep: list[tuple[str, str]] = []
    if asked:
        keep.append(("lang", lang))
    as_of = request.query_params.get("as_of")
    if as_of is not None:
        keep.append(("as_of", as_of))
    query = tuple(
        (name, value)
        for name, value in request.query_params.multi_items()
        if name not in {"lang", "as_of"}
    )
    return PageLinks(request.url.path, lang, tuple(keep), query)


async def _visibility(request: Request, caller: ApiKey) -> Visibility:
    store: Store = request.app.state.store
    return await run_in_threadpool(visibility_for, request, store, caller)


# -- the weakness report ---------------------------------------------------------------


@viz.get(
    "/viz/weaknesses",
    response_class=HTMLResponse,
    summary="The weakness report as a page",
    responses={**_PAGE_ANSWERS, **responses(401, 422, 503)},
)
async def weaknesses_page(
    request: Request,
    caller: PageReader,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    prefecture: Prefecture = None,
    limit: Limit = queries.DEFAULT_LIMIT,
) -> HTMLResponse:
    """The report of ``GET /v1/weaknesses`` for people, as of ``as_of``: the counts, then a
    sortable table of each kind of finding, each row with its next step and a link to the
    node's page, each table with a CSV download. Made in a heavy work process on the graph
    the caller may see (lists leave out what would show a confidential tie the caller may not
    see, and say how many); a page that shows a confidential tie is recorded in the audit
    log."""
    visibility = await _visibility(request, caller)
    work: HeavyWork = request.app.state.heavy_work
    links = page_links(request)
    body, concerned = await work.run(report_page_job, prefecture, limit, day, links, visibility)
    await run_in_threadpool(audit_shown, request, caller, concerned)
    return HTMLResponse(body)


def report_page_job(
    store: GraphStore,
    prefecture: str | None,
    limit: int,
    day: Day,
    links: PageLinks,
    visibility: Visibility | None = None,
) -> tuple[bytes, tuple[str, ...]]:
    """The report page as of ``day`` as the caller of ``visibility`` may see it, and the
    enterprises whose confidential ties it shows (a heavy job). Raises InvalidArgument for a
    bad scope."""
    dated = store.as_of(day)
    report = queries.weakness_report(dated, prefecture, limit=limit, visibility=visibility)
    nodes = dated.get_nodes(report_ids(report))
    return report_page(report, nodes, links, day).encode("utf-8"), report.confidential


@viz.get(
    "/viz/weaknesses.csv",
    summary="One table of the weakness report as CSV (UTF-8 with a byte order mark)",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV."},
        **responses(401, 422, 503),
    },
)
async def weaknesses_csv(
    request: Request,
    caller: PageReader,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    table: Annotated[Table, Query(description="Which table of the report.")],
    prefecture: Prefecture = None,
    limit: Limit = queries.DEFAULT_LIMIT,
) -> Response:
    """The rows of one table of the report page (the same report, as the caller may see
    it), for a spreadsheet: machine column names, names and next steps in the request's
    language. A file that shows a confidential tie is recorded in the audit log."""
    visibility = await _visibility(request, caller)
    work: HeavyWork = request.app.state.heavy_work
    content, filename, concerned = await work.run(
        report_csv_job, prefecture, table, limit, day, visibility
    )
    await run_in_threadpool(audit_shown, request, caller, concerned)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def report_csv_job(
    store: GraphStore,
    prefecture: str | None,
    table: str,
    limit: int,
    day: Day,
    visibility: Visibility | None = None,
) -> tuple[bytes, str, tuple[str, ...]]:
    """One table of the report as CSV, its file name, and the enterprises whose
    confidential ties that table shows (a heavy job). Raises InvalidArgument for a bad
    scope."""
    dated = store.as_of(day)
    report = queries.weakness_report(dated, prefecture, limit=limit, visibility=visibility)
    made = report_csv(report, table, dated.get_nodes(report_ids(report)))
    on_table: set[str] = set()
    if table in FINDING_TABLES:
        for finding in getattr(report, table):
            on_table.update(finding.next_step.path)
            on_table.update(finding.next_step.targets)
            on_table.add(finding.id)
    elif table == "bridges":
        on_table.update(end for b in report.bridges for end in (b.source, b.target))
    concerned = tuple(e for e in report.confidential if e in on_table)
    return made.content, made.filename, concerned


# -- a node's page ---------------------------------------------------------------------


@viz.get(
    "/viz/nodes/{node_id}",
    response_class=HTMLResponse,
    summary="A node's page: its ties, introductions and (for a centre) referrals",
    responses={
        **_PAGE_ANSWERS,
        **responses(401, 422, 503),
        404: {
            "description": "No node has this id, or it did not exist on `as_of`: a page that "
            "says so.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
)
def node_page_route(
    request: Request,
    store: StoreDep,
    caller: PageReader,
    day: AsOf,
    node_id: Annotated[str, Path(pattern=ID_PATTERN, description="A node's id.")],
    to: Annotated[
        str | None,
        Query(pattern=ID_PATTERN, description="An actor to find the best introductions to."),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=MAX_FIND_TEXT, description="A name or id to look up in the box."),
    ] = None,
) -> HTMLResponse:
    """The node as of ``as_of``: its ties that the caller may see (as ``GET /v1/nodes/{id}``
    lists them), grouped by relation, each linking to the other node's page; with ``to``,
    its best introductions to that actor (as ``GET /v1/introductions``); with ``q``, the
    nodes the search box found; for a centre, its referrals when the caller may see them (its
    own centre's key, or an admin). A page that shows a confidential tie is recorded in the
    audit log."""
    links = page_links(request)
    try:
        view, concerned = node_page_html(store, caller, node_id, day, to, q, request)
    except NotFound as error:
        title = _("Not found")
        body = f'<h1>{html.escape(title)}</h1><p role="alert">{html.escape(str(error))}</p>'
        return HTMLResponse(page_html(links, title, body), status_code=404)
    audit_shown(request, caller, concerned)
    return HTMLResponse(node_page(view, links))


def node_page_html(
    store: Store,
    caller: ApiKey,
    node_id: str,
    day: Day,
    to: str | None,
    query: str | None,
    request: Request,
) -> tuple[NodeView, set[str]]:
    """What the node's page shows the caller, and the enterprises whose confidential ties
    it shows. Raises NotFound for a node not in the graph as of ``day``."""
    dated = store.as_of(day)
    node = node_on(dated, node_id)
    kept = node.id
    visibility = visibility_for(request, store, caller)
    ties = visible_ties(dated, visibility, dated.ties(kept), around=kept)
    derived = dated.derived_ties(kept)
    others = {t.target if t.source == kept else t.source for t in (*ties, *derived)}
    nodes = dated.get_nodes(others) if others else {}
    listed = [
        NodeTie(tie, nodes[other], is_derived)
        for tie, is_derived in [*((t, False) for t in ties), *((t, True) for t in derived)]
        if (other := tie.target if tie.source == kept else tie.source) in nodes
    ]
    kinds = {kept: node.kind, **{other: n.kind for other, n in nodes.items()}}
    concerned = shown_enterprises(visibility, ties, kinds)

    asked = Introductions()
    if to is not None and node.kind in ACTOR_KINDS:
        try:
            paths = introduction_paths(dated, kept, to, visibility=visibility)
            target = paths[0].nodes[-1] if paths else node_on(dated, to)
            asked = Introductions(target, paths)
            walked = [step.relation for path in paths for step in path.steps]
            on_paths = {n.id: n.kind for path in paths for n in path.nodes}
            concerned |= shown_enterprises(visibility, walked, on_paths)
        except (InvalidArgument, NotFound) as error:
            asked = Introductions(problem=str(error))

    found = None
    text = (query or "").strip()
    if text:
        found = find_nodes(dated, text, limit=20)

    referrals = None
    if node.kind is NodeKind.CENTRE:
        referrals = _referrals_of(store, dated, caller, kept)
    view = NodeView(
        node=node,
        day=day,
        ties=listed,
        query=text,
        found=found,
        introductions=asked,
        referrals=referrals,
        merged_from=node_id if kept != node_id else None,
    )
    return view, concerned


def _referrals_of(store: Store, dated: GraphStore, caller: ApiKey, centre: str) -> Referrals:
    """A centre's referrals, when ``caller`` may see them as ``GET /v1/referrals`` lets it:
    a centre key its own centre's, an admin any centre's."""
    own = caller.role is Role.CENTRE and caller.centre == centre
    if not (own or caller.role is Role.ADMIN):
        return Referrals(shown=False)
    who = referral_queries.Caller(
        name=caller.name,
        centre=caller.centre if caller.role is Role.CENTRE else None,
        admin=caller.role is Role.ADMIN,
    )
    found = referral_queries.list_referrals(store, who, None, centre)
    named = {r.enterprise for r in found} | {r.from_centre for r in found}
    named |= {r.to_centre for r in found}
    return Referrals(True, found, store.get_nodes(named) if named else {})


# -- the search box --------------------------------------------------------------------


@viz.get(
    "/viz/find",
    summary="The nodes a name or an id names (the search box of the node pages)",
    responses={
        200: {"description": "`{query, nodes: [{id, kind, name, prefecture, label}], nothing}`."},
        **responses(401, 422, 503),
    },
)
def find(
    store: StoreDep,
    caller: Reader,
    day: AsOf,
    q: Annotated[
        str, Query(max_length=MAX_FIND_TEXT, description="A name, part of one, or an id.")
    ],
    limit: Annotated[
        int, Query(ge=1, le=MAX_FIND_LIMIT, description="How many nodes, best first.")
    ] = 20,
) -> Response:
    """The node whose id is ``q``, then the nodes whose name equals it, begins with it, then
    holds it (in either width, in any case), as of ``as_of``; ``label`` says each one's kind,
    prefecture and id in the request's language."""
    found = find_nodes(store.as_of(day), q, limit=limit)
    return Response(find_answer(found, q.strip()), media_type="application/json")
