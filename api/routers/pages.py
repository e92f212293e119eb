"""Pages for a person in a browser: the home page, sign-in and sign-out, and the network and
density pages under /v1/viz.

A browser cannot send a Bearer header, so the sign-in form takes a key once and sets an
HttpOnly, SameSite=Strict session cookie that reading (GET) routes accept. The home page sends
a person who is not signed in to the sign-in form; the /v1/viz pages answer 401 like every
other /v1 route.
"""

from __future__ import annotations

import html
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SESSION_COOKIE, Keys, Reader, StoreDep, identify
from api.keys import SESSION_HOURS
from graph.errors import InvalidArgument
from graph.queries.density import density_table
from viz.pages import MAX_DEPTH, centre_view, density_page, network_page, prefecture_view

router = APIRouter(tags=["pages"])
viz = APIRouter(tags=["pages"])

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222;
  padding: 0 1rem; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 0.2rem 0.7rem;
  border-bottom: 1px solid #eee; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
.error {{ color: #a00; }} label {{ display: block; margin: 1rem 0 0.3rem; }}
input[type=password] {{ width: 100%; max-width: 32rem; padding: 0.4rem; }}
</style></head><body>{body}</body></html>"""


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=html.escape(title), body=body), status_code)


def _local(target: str | None) -> str:
    """A redirect target on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _sign_in_form(target: str, error: str = "") -> str:
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return (
        "<h1>Sign in to rsn</h1>"
        "<p>Paste an API key (from <code>rsn keys add</code> or <code>rsn demo</code>). It is "
        "sent once; the browser then keeps a session for "
        f"{SESSION_HOURS} hours.</p>{problem}"
        '<form method="post" action="/sign-in">'
        '<label for="key">API key</label>'
        '<input id="key" name="key" type="password" autocomplete="off" required>'
        f'<input type="hidden" name="next" value="{html.escape(target)}">'
        '<p><button type="submit">Sign in</button></p></form>'
    )


@router.get("/sign-in", response_class=HTMLResponse, summary="The sign-in form")
def sign_in_form(next: Annotated[str | None, Query()] = None) -> HTMLResponse:  # noqa: A002
    return _page("Sign in to rsn", _sign_in_form(_local(next)))


@router.post("/sign-in", summary="Sign in with a key; sets the session cookie")
async def sign_in(request: Request, keys: Keys) -> Response:
    """Takes ``key`` (and ``next``) as a form. A known key gets an HttpOnly, SameSite=Strict
    session cookie and a redirect to ``next``; an unknown one gets the form again with 401."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    presented = (form.get("key") or [""])[0].strip()
    target = _local((form.get("next") or ["/"])[0])
    key = keys.authenticate(presented)
    if key is None:
        return _page(
            "Sign in to rsn",
            _sign_in_form(target, "That key is unknown or revoked."),
            status.HTTP_401_UNAUTHORIZED,
        )
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        keys.start_session(key),
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/sign-out", summary="End the browser session")
def sign_out(request: Request, keys: Keys) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        keys.end_session(token)
    response = RedirectResponse("/sign-in", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse, summary="The home page")
def home(request: Request, store: StoreDep, keys: Keys) -> Response:
    """The network's size, the density table and links to every view; a person who is not
    signed in is sent to the sign-in form."""
    try:
        caller = identify(request, keys, None)
    except HTTPException:
        return RedirectResponse("/sign-in?next=/", status_code=status.HTTP_303_SEE_OTHER)
    stats = store.stats()
    rows = density_table(store, "prefecture")
    sizes = "".join(
        f"<tr><td>{kind}</td><td>{count:,}</td></tr>" for kind, count in stats.nodes.items()
    )
    table = "".join(
        f'<tr><td><a href="/v1/viz/network?prefecture={row.key}">{row.key} '
        f"{html.escape(row.name)}</a></td><td>{row.nodes:,}</td><td>{row.edges:,}</td>"
        f"<td>{row.density:.5f}</td><td>{row.centre_density:.3f}</td>"
        f'<td><a href="/v1/weaknesses?prefecture={row.key}">report</a></td></tr>'
        for row in rows
    )
    first = rows[0].key if rows else "13"
    body = (
        f"<h1>rsn: the regional SME support network</h1>"
        f"<p>Signed in as {html.escape(caller.name)} ({caller.role.value}).</p>"
        '<form method="post" action="/sign-out"><button type="submit">Sign out</button></form>'
        f"<h2>Size</h2><p>{sum(stats.nodes.values()):,} nodes and "
        f"{sum(stats.relations.values()):,} relations.</p><table>{sizes}</table>"
        "<h2>Views</h2><ul>"
        f'<li><a href="/v1/viz/network?prefecture={first}">Network of a prefecture</a> '
        "(pick one in the table below)</li>"
        '<li><a href="/v1/viz/density">Density by prefecture (chart)</a></li>'
        f'<li><a href="/v1/weaknesses?prefecture={first}">Weakness report</a> (JSON; '
        '<a href="/v1/weaknesses">whole network</a>)</li>'
        '<li><a href="/v1/density?by=block">Density by regional block</a> (JSON)</li>'
        '<li><a href="/v1/stats">Counts</a> (JSON)</li>'
        '<li><a href="/docs">API documentation</a></li></ul>'
        "<h2>Density by prefecture</h2>"
        '<table id="density"><tr><th>prefecture</th><th>actors</th><th>ties</th>'
        f"<th>density</th><th>centre density</th><th></th></tr>{table}</table>"
    )
    return _page("rsn", body)


@viz.get(
    "/viz/network",
    response_class=HTMLResponse,
    summary="A network page: a prefecture, or a centre's neighbourhood",
    responses={404: {"description": "No node has this id."}, 422: {"description": "Bad query."}},
)
def network(
    store: StoreDep,
    caller: Reader,
    prefecture: Annotated[str | None, Query(description="A JIS X 0401 code.")] = None,
    centre: Annotated[str | None, Query(max_length=64, description="A centre's id.")] = None,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Ties around the centre.")] = 1,
) -> HTMLResponse:
    """Give either ``prefecture`` or ``centre`` (with ``depth``). Above 2,000 nodes the page
    keeps the most connected ones and says so."""
    if (prefecture is None) == (centre is None):
        raise InvalidArgument("give either prefecture or centre")
    if centre is not None:
        view = centre_view(store, centre, depth)
    else:
        view = prefecture_view(store, prefecture)
    return HTMLResponse(network_page(view))


@viz.get("/viz/density", response_class=HTMLResponse, summary="Density by prefecture, a chart")
def density_chart(store: StoreDep, caller: Reader) -> HTMLResponse:
    return HTMLResponse(density_page(density_table(store, "prefecture")))
