"""Pages for a person in a browser: the home page, sign-in and sign-out, and the network and
density pages under /v1/viz.

A browser cannot send a Bearer header, so the sign-in form takes a key once and sets an
HttpOnly, SameSite=Strict session cookie that reading (GET) routes accept. A person who is not
signed in (no session, or one that ended) is sent to the sign-in form with a ``next`` back
to the page; a program that sends a bad ``Authorization`` header gets 401 as on every other
route. Sign-in and sign-out only accept a form posted from this site (``Origin`` and
``Sec-Fetch-Site``), so another site cannot sign a browser in with its own key.
"""

from __future__ import annotations

import html
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.confidential import audit_shown, visibility_for
from api.deps import (
    SESSION_COOKIE,
    AsOf,
    Heavy,
    Keys,
    StoreDep,
    bearer_scheme,
    check_reader,
    identify,
)
from api.errors import responses
from api.heavy import HeavyWork
from api.schemas.shared import ID_PATTERN, PREFECTURE_PATTERN
from graph.errors import InvalidArgument
from graph.queries.density import density_table
from graph.queries.history import density_history, history_years
from graph.store.keys import SESSION_HOURS, ApiKey
from graph.store.ports import GraphStore
from graph.valid_time import Day
from viz.pages import (
    MAX_DEPTH,
    centre_view,
    confidential_shown,
    density_page,
    network_page,
    prefecture_view,
)

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
    """A redirect target on this site only: a path from the root, never another host."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not target.isprintable()
        or urlsplit(target).netloc
    ):
        return "/"
    return target


class SignInFirst(Exception):
    """A person without a session asked for a page: send them to the sign-in form."""

    def __init__(self, target: str):
        super().__init__(target)
        self.target = target


def sign_in_redirect(request: Request, error: SignInFirst) -> RedirectResponse:
    """The answer to :class:`SignInFirst`: 303 to the sign-in form, with ``next``."""
    return RedirectResponse(
        f"/sign-in?next={quote(_local(error.target), safe='/')}",
        status_code=status.HTTP_303_SEE_OTHER,
    )


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _a_person(request: Request) -> bool:
    """Whether the request comes from a person in a browser: it carries a session cookie
    (one that ended, since it was refused) or it is a browser's navigation to the page."""
    return SESSION_COOKIE in request.cookies or request.headers.get("sec-fetch-mode") == "navigate"


async def page_reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> ApiKey:
    """The key of whoever reads a page: a Bearer key or the session cookie. A person in a
    browser without a live session (:func:`_a_person`) is sent to the sign-in form
    (:class:`SignInFirst`); a program gets 401 as on every other route."""
    try:
        return await check_reader(request, credentials)
    except HTTPException as refused:
        if (
            refused.status_code == status.HTTP_401_UNAUTHORIZED
            and credentials is None
            and _a_person(request)
        ):
            raise SignInFirst(_here(request)) from None
        raise


PageReader = Annotated[ApiKey, Depends(page_reader)]


def _same_site(request: Request) -> bool:
    """Whether a form post comes from this site, or from a client that is not a browser
    page (no ``Origin``, no ``Sec-Fetch-Site``)."""
    fetched = request.headers.get("sec-fetch-site")
    if fetched is not None and fetched.lower() not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin.lower() != "null" and urlsplit(origin).netloc.lower() == host.lower()


def _cross_site() -> HTMLResponse:
    return _page(
        "Sign in to rsn",
        '<p class="error" role="alert">This form was sent from another site; open '
        '<a href="/sign-in">the sign-in page</a> and sign in there.</p>',
        status.HTTP_403_FORBIDDEN,
    )


_HTML = {"text/html": {"schema": {"type": "string"}}}
_REDIRECT = {
    "description": "See other: the page to go to (`Location`).",
    "headers": {"Location": {"schema": {"type": "string"}}},
}


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


@router.get(
    "/sign-in",
    response_class=HTMLResponse,
    summary="The sign-in form",
    responses={200: {"content": _HTML, "description": "The form (HTML)."}},
)
def sign_in_form(
    next: Annotated[  # noqa: A002
        str | None, Query(max_length=2000, description="A path on this site to go to after.")
    ] = None,
) -> HTMLResponse:
    return _page("Sign in to rsn", _sign_in_form(_local(next)))


_SIGN_IN_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["key"],
                    "properties": {
                        "key": {"type": "string", "description": "An API key."},
                        "next": {"type": "string", "description": "A path on this site."},
                    },
                }
            }
        },
    }
}


@router.post(
    "/sign-in",
    summary="Sign in with a key; sets the session cookie",
    response_class=HTMLResponse,
    status_code=status.HTTP_303_SEE_OTHER,
    openapi_extra=_SIGN_IN_FORM,
    responses={
        303: {
            **_REDIRECT,
            "description": "Signed in: `Set-Cookie: rsn_session=...` and `Location`: `next`.",
        },
        401: {"content": _HTML, "description": "The key is unknown or revoked: the form again."},
        403: {"content": _HTML, "description": "The form was posted from another site."},
        **responses(413, 503),
    },
)
async def sign_in(request: Request, keys: Keys) -> Response:
    """Takes ``key`` (and ``next``) as a form posted from this site. A known key gets an
    HttpOnly, SameSite=Strict session cookie and a redirect (303) to ``next``; an unknown one
    gets the form again with 401; a form posted from another site gets 403."""
    if not _same_site(request):
        return _cross_site()
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    presented = (form.get("key") or [""])[0].strip()
    target = _local((form.get("next") or ["/"])[0])
    key = await run_in_threadpool(keys.authenticate, presented)
    if key is None:
        return _page(
            "Sign in to rsn",
            _sign_in_form(target, "That key is unknown or revoked."),
            status.HTTP_401_UNAUTHORIZED,
        )
    token = await run_in_threadpool(keys.start_session, key)
    response = RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post(
    "/sign-out",
    summary="End the browser session",
    response_class=HTMLResponse,
    status_code=status.HTTP_303_SEE_OTHER,
    responses={
        303: {**_REDIRECT, "description": "Signed out: the cookie is cleared; `Location`."},
        403: {"content": _HTML, "description": "The form was posted from another site."},
        **responses(413, 503),
    },
)
def sign_out(request: Request, keys: Keys) -> Response:
    """Ends the session of the cookie (if any) and sends the browser to the sign-in form; a
    form posted from another site gets 403."""
    if not _same_site(request):
        return _cross_site()
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        keys.end_session(token)
    response = RedirectResponse("/sign-in", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="The home page",
    responses={
        200: {"content": _HTML, "description": "The home page (HTML)."},
        303: {**_REDIRECT, "description": "Not signed in: to the sign-in form."},
        **responses(503),
    },
)
def home(request: Request, store: StoreDep, keys: Keys, day: AsOf) -> Response:
    """The network's size, the density table and links to every view, as of ``as_of``
    (today by default; the links keep a day that was asked for); a person who is not signed
    in is sent to the sign-in form."""
    try:
        caller = identify(request, keys, None)
    except HTTPException:
        return sign_in_redirect(request, SignInFirst(_here(request)))
    dated = store.as_of(day)
    stats = dated.stats()
    rows = density_table(dated, "prefecture")
    # the day travels with every link when it was asked for
    at = f"&amp;as_of={day}" if "as_of" in request.query_params else ""
    only = f"?as_of={day}" if at else ""
    sizes = "".join(
        f"<tr><td>{kind}</td><td>{count:,}</td></tr>" for kind, count in stats.nodes.items()
    )
    table = "".join(
        f'<tr><td><a href="/v1/viz/network?prefecture={row.key}{at}">{row.key} '
        f"{html.escape(row.name)}</a></td><td>{row.nodes:,}</td><td>{row.edges:,}</td>"
        f"<td>{row.density:.5f}</td><td>{row.centre_density:.3f}</td>"
        f'<td><a href="/v1/weaknesses?prefecture={row.key}{at}">report</a></td></tr>'
        for row in rows
    )
    first = rows[0].key if rows else "13"
    body = (
        f"<h1>rsn: the regional SME support network</h1>"
        f"<p>Signed in as {html.escape(caller.name)} ({caller.role.value}).</p>"
        '<form method="post" action="/sign-out"><button type="submit">Sign out</button></form>'
        f'<p id="as-of">The network as of {day}.</p>'
        f"<h2>Size</h2><p>{sum(stats.nodes.values()):,} nodes and "
        f"{sum(stats.relations.values()):,} relations.</p><table>{sizes}</table>"
        "<h2>Views</h2><ul>"
        f'<li><a href="/v1/viz/network?prefecture={first}{at}">Network of a prefecture</a> '
        "(pick one in the table below)</li>"
        f'<li><a href="/v1/viz/density{only}">Density by prefecture (chart, with a year '
        "slider)</a></li>"
        f'<li><a href="/v1/weaknesses?prefecture={first}{at}">Weakness report</a> (JSON; '
        f'<a href="/v1/weaknesses{only}">whole network</a>)</li>'
        f'<li><a href="/v1/density?by=block{at}">Density by regional block</a> (JSON)</li>'
        '<li><a href="/v1/density/history?by=block">Density by regional block, year by '
        "year</a> (JSON)</li>"
        f'<li><a href="/v1/stats{only}">Counts</a> (JSON)</li>'
        '<li><a href="/docs">API documentation</a></li></ul>'
        "<h2>Density by prefecture</h2>"
        '<table id="density"><tr><th>prefecture</th><th>actors</th><th>ties</th>'
        f"<th>density</th><th>centre density</th><th></th></tr>{table}</table>"
    )
    return _page("rsn", body)


_PAGE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"content": _HTML, "description": "The page (HTML)."},
    303: {
        **_REDIRECT,
        "description": "A person in a browser without a live session (a session cookie "
        "that ended, or a navigation with no key): to the sign-in form, with `next`.",
    },
}


@viz.get(
    "/viz/network",
    response_class=HTMLResponse,
    summary="A network page: a prefecture, or a centre's neighbourhood",
    responses={
        **_PAGE_ANSWERS,
        **responses(
            401, 404, 422, 503, r404="No centre has this id, or it did not exist on `as_of`."
        ),
    },
)
def network(
    request: Request,
    store: StoreDep,
    caller: PageReader,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    prefecture: Annotated[
        str | None, Query(pattern=PREFECTURE_PATTERN, description="A JIS X 0401 code.")
    ] = None,
    centre: Annotated[str | None, Query(pattern=ID_PATTERN, description="A centre's id.")] = None,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="Ties around the centre.")] = 1,
) -> HTMLResponse:
    """Give either ``prefecture`` or ``centre`` (with ``depth``). The network as of
    ``as_of`` (the page says the day), with the ties the caller may see (a confidential tie
    it may not see is not drawn; a page that draws one is recorded in the audit log). Above
    2,000 nodes the page keeps the most connected ones and says so."""
    dated = store.as_of(day)
    if (centre is None) == (prefecture is None):
        raise InvalidArgument("give either prefecture or centre")
    visibility = visibility_for(request, store, caller)
    if centre is not None:
        view = centre_view(dated, centre, depth, visibility)
    else:
        view = prefecture_view(dated, str(prefecture), visibility)
    audit_shown(request, caller, confidential_shown(view, visibility))
    return HTMLResponse(network_page(view))


@viz.get(
    "/viz/density",
    response_class=HTMLResponse,
    summary="Density by prefecture, a chart",
    responses={**_PAGE_ANSWERS, **responses(401, 422, 503)},
)
async def density_chart(
    request: Request, caller: PageReader, day: AsOf, _heavy: Annotated[None, Heavy]
) -> HTMLResponse:
    """The bars and the table as of ``as_of``, with a year slider over the history (as of 1
    April of each year since the programme began). Made in a heavy work process (see
    :mod:`api.heavy`): the history reads the whole network."""
    work: HeavyWork = request.app.state.heavy_work
    return HTMLResponse(await work.run(density_page_html, day))


def density_page_html(store: GraphStore, day: Day) -> bytes:
    """The density page as of ``day``, with the history since FIRST_YEAR (a heavy job)."""
    first, last = history_years()
    history = density_history(store, "prefecture", first, last)
    rows = density_table(store.as_of(day), "prefecture")
    page = density_page(rows, history=history, years=range(first, last + 1), as_of=day)
    return page.encode("utf-8")
