"""Pages for a person in a browser: the home page, sign-in and sign-out, and the network and
density pages under /v1/viz.

A browser cannot send a Bearer header, so the sign-in form takes a key once and sets an
HttpOnly, SameSite=Strict session cookie that reading (GET) routes accept. A person who is not
signed in (no session, or one that ended) is sent to the sign-in form with a ``next`` back
to the page; a program that sends a bad ``Authorization`` header gets 401 as on every other
route. Sign-in and sign-out only accept a form posted from this site (``Origin`` and
``Sec-Fetch-Site``), so another site cannot sign a browser in with its own key.

Every page speaks the request's language (see :mod:`api.language`) and has a language switch;
when the request chose the language by ``?lang=``, the page's links (and the sign-in
redirects) keep it.
"""

from __future__ import annotations

import html
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit

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
from graph.i18n import N_, _, language
from graph.names import kind_name
from graph.queries.density import density_table
from graph.queries.history import density_history, history_years
from graph.queries.regional_measures import MEASURES, regional_history
from graph.store.keys import SESSION_HOURS, ApiKey, Role
from graph.store.ports import GraphStore
from graph.valid_time import Day
from viz.japan_map import map_page
from viz.pages import (
    MAX_DEPTH,
    PageLinks,
    centre_view,
    confidential_shown,
    count_text,
    day_text,
    density_page,
    fixed_text,
    network_page,
    place_name,
    prefecture_view,
)

router = APIRouter(tags=["pages"])
viz = APIRouter(tags=["pages"])

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222;
  padding: 0 1rem; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 0.2rem 0.7rem;
  border-bottom: 1px solid #eee; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
.error {{ color: #a00; }} label {{ display: block; margin: 1rem 0 0.3rem; }}
input[type=password] {{ width: 100%; max-width: 32rem; padding: 0.4rem; }}
nav.lang {{ float: right; }} nav.lang a {{ margin-left: 0.6rem; }}
nav.lang a[aria-current] {{ font-weight: bold; color: #222; text-decoration: none; }}
</style></head><body>{switch}<main>{body}</main></body></html>"""

#: The roles as a page names them.
_ROLE_NAMES: dict[Role, str] = {
    Role.ADMIN: N_("administrator"),
    Role.ANALYST: N_("analyst"),
    Role.CENTRE: N_("support centre"),
}


def _page(
    title: str, body: str, links: PageLinks | None = None, status_code: int = 200
) -> HTMLResponse:
    """A page of the site (sign-in, home) in the request's language, with the language
    switch when ``links`` says where it is."""
    switch = links.switch() if links is not None else ""
    made = _PAGE.format(lang=language(), title=html.escape(title), body=body, switch=switch)
    return HTMLResponse(made, status_code)


def page_links(request: Request, day: Day | None = None) -> PageLinks:
    """Where the page of ``request`` is, the language its links keep (the one it chose by
    ``?lang=``, else none) and the day they keep (``day``, when the request asked for
    ``as_of``)."""
    lang, asked = request.scope.get("state", {}).get("rsn.lang", (language(), False))
    query = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != "lang"]
    here = request.url.path + (f"?{urlencode(query, safe='/')}" if query else "")
    kept = day if day is not None and "as_of" in request.query_params else None
    return PageLinks(here=here, lang=lang if asked else None, as_of=kept)


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
    """The answer to :class:`SignInFirst`: 303 to the sign-in form, with ``next`` (and
    ``lang`` when the request chose it)."""
    target = f"/sign-in?next={quote(_local(error.target), safe='/')}"
    return RedirectResponse(page_links(request).link(target), status_code=status.HTTP_303_SEE_OTHER)


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


def _cross_site(request: Request) -> HTMLResponse:
    links = page_links(request)
    anchor = '<a href="{}">{}</a>'.format(
        html.escape(links.link("/sign-in")), html.escape(_("the sign-in page"))
    )
    said = html.escape(
        _("This form was sent from another site; open {link} and sign in there.", link="\0")
    ).replace("\0", anchor)
    return _page(
        _("Sign in to rsn"),
        f'<p class="error" role="alert">{said}</p>',
        PageLinks("/sign-in", links.lang),
        status.HTTP_403_FORBIDDEN,
    )


_HTML = {"text/html": {"schema": {"type": "string"}}}
_REDIRECT = {
    "description": "See other: the page to go to (`Location`).",
    "headers": {"Location": {"schema": {"type": "string"}}},
}


def _sign_in_form(target: str, links: PageLinks, error: str = "") -> str:
    problem = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    explained = html.escape(
        _(
            "Paste an API key (from {add} or {demo}). It is sent once; the browser then keeps "
            "a session for {hours} hours.",
            add="\0",
            demo="\1",
            hours=SESSION_HOURS,
        )
    )
    explained = explained.replace("\0", "<code>rsn keys add</code>").replace(
        "\1", "<code>rsn demo</code>"
    )
    heading, key, button = (
        html.escape(text) for text in (_("Sign in to rsn"), _("API key"), _("Sign in"))
    )
    return (
        f"<h1>{heading}</h1><p>{explained}</p>{problem}"
        f'<form method="post" action="{html.escape(links.link("/sign-in"))}">'
        f'<label for="key">{key}</label>'
        '<input id="key" name="key" type="password" autocomplete="off" required>'
        f'<input type="hidden" name="next" value="{html.escape(target)}">'
        f'<p><button type="submit">{button}</button></p></form>'
    )


def _sign_in_links(request: Request, target: str) -> PageLinks:
    """The sign-in page's place (with its ``next``) and the language its links keep."""
    here = "/sign-in" if target == "/" else f"/sign-in?next={quote(target, safe='/')}"
    return PageLinks(here, page_links(request).lang)


@router.get(
    "/sign-in",
    response_class=HTMLResponse,
    summary="The sign-in form",
    responses={200: {"content": _HTML, "description": "The form (HTML)."}},
)
def sign_in_form(
    request: Request,
    next: Annotated[  # noqa: A002
        str | None, Query(max_length=2000, description="A path on this site to go to after.")
    ] = None,
) -> HTMLResponse:
    target = _local(next)
    links = _sign_in_links(request, target)
    return _page(_("Sign in to rsn"), _sign_in_form(target, links), links)


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
        return _cross_site(request)
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    presented = (form.get("key") or [""])[0].strip()
    target = _local((form.get("next") or ["/"])[0])
    key = await run_in_threadpool(keys.authenticate, presented)
    if key is None:
        links = _sign_in_links(request, target)
        return _page(
            _("Sign in to rsn"),
            _sign_in_form(target, links, _("That key is unknown or revoked.")),
            links,
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
        return _cross_site(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        keys.end_session(token)
    response = RedirectResponse(
        page_links(request).link("/sign-in"), status_code=status.HTTP_303_SEE_OTHER
    )
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
    links = page_links(request, day)

    def href(path: str) -> str:
        """A link of the page: the day travels with it when it was asked for, and the
        language when it was chosen by ``?lang=``."""
        if links.as_of:
            path += ("&" if "?" in path else "?") + f"as_of={links.as_of}"
        return html.escape(links.link(path))

    sizes = "".join(
        f"<tr><td>{html.escape(kind_name(kind))}</td><td>{count_text(count)}</td></tr>"
        for kind, count in stats.nodes.items()
    )
    report = html.escape(_("report"))
    table = "".join(
        f'<tr><td><a href="{href(f"/v1/viz/network?prefecture={row.key}")}">{row.key} '
        f"{html.escape(place_name(row.key, row.name))}</a></td><td>{count_text(row.nodes)}</td>"
        f"<td>{count_text(row.edges)}</td><td>{fixed_text(row.density, 5)}</td>"
        f"<td>{fixed_text(row.centre_density, 3)}</td>"
        f'<td><a href="{href(f"/v1/weaknesses?prefecture={row.key}")}">{report}</a></td></tr>'
        for row in rows
    )
    first = rows[0].key if rows else "13"
    role = _(_ROLE_NAMES.get(caller.role, caller.role.value))
    signed_in = _("Signed in as {name} ({role}).", name=caller.name, role=role)
    size = _(
        "{nodes} nodes and {relations} relations.",
        nodes=count_text(sum(stats.nodes.values())),
        relations=count_text(sum(stats.relations.values())),
    )
    views = [
        (
            href(f"/v1/viz/network?prefecture={first}"),
            _("Network of a prefecture"),
            _("(pick one in the table below)"),
        ),
        (href("/v1/viz/density"), _("Density by prefecture (chart, with a year slider)"), ""),
        (href("/v1/viz/map"), _("Map of Japan by prefecture (with a year slider)"), ""),
        (href(f"/v1/weaknesses?prefecture={first}"), _("Weakness report"), ""),
        (href("/v1/density?by=block"), _("Density by regional block"), _("(JSON)")),
        (
            html.escape(links.link("/v1/density/history?by=block")),
            _("Density by regional block, year by year"),
            _("(JSON)"),
        ),
        (href("/v1/stats"), _("Counts"), _("(JSON)")),
        (html.escape(links.link("/docs")), _("API documentation"), ""),
    ]
    whole = '<a href="{}">{}</a>'.format(href("/v1/weaknesses"), html.escape(_("whole network")))
    also = {_("Weakness report"): html.escape(_("(JSON; {link})", link="\0")).replace("\0", whole)}
    items = []
    for url, text, after in views:
        extra = also.get(text, html.escape(after))
        items.append(f'<li><a href="{url}">{html.escape(text)}</a> {extra}</li>')
    headings = "".join(
        f"<th>{html.escape(text)}</th>"
        for text in (_("prefecture"), _("actors"), _("ties"), _("density"), _("centre density"))
    )
    said = {
        "title": _("rsn: the regional SME support network"),
        "signed_in": signed_in,
        "sign_out": _("Sign out"),
        "as_of": _("The network as of {day}.", day=day_text(day)),
        "size": _("Size"),
        "sizes": size,
        "views": _("Views"),
        "density": _("Density by prefecture"),
        "report": _("Weakness report"),
    }
    shown = {name: html.escape(text) for name, text in said.items()}
    body = (
        f"<h1>{shown['title']}</h1><p>{shown['signed_in']}</p>"
        f'<form method="post" action="{html.escape(links.link("/sign-out"))}">'
        f'<button type="submit">{shown["sign_out"]}</button></form>'
        f'<p id="as-of">{shown["as_of"]}</p>'
        f"<h2>{shown['size']}</h2><p>{shown['sizes']}</p><table>{sizes}</table>"
        f"<h2>{shown['views']}</h2><ul>{''.join(items)}</ul>"
        f"<h2>{shown['density']}</h2>"
        f'<table id="density"><tr>{headings}<th>{shown["report"]}</th></tr>{table}</table>'
    )
    return _page("rsn", body, links)


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
    return HTMLResponse(network_page(view, links=page_links(request, day)))


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
    return HTMLResponse(await work.run(density_page_html, day, page_links(request, day)))


def density_page_html(store: GraphStore, day: Day, links: PageLinks | None = None) -> bytes:
    """The density page as of ``day``, with the history since FIRST_YEAR (a heavy job), its
    links made with ``links``."""
    first, last = history_years()
    history = density_history(store, "prefecture", first, last)
    rows = density_table(store.as_of(day), "prefecture")
    page = density_page(rows, history=history, years=range(first, last + 1), as_of=day, links=links)
    return page.encode("utf-8")


#: The measures of the map, as the route takes them.
Measure = Literal["density", "centre_density", "unfinanced", "centres_per_1000"]
assert set(Measure.__args__) == set(MEASURES)  # type: ignore[attr-defined]


@viz.get(
    "/viz/map",
    response_class=HTMLResponse,
    summary="A map of Japan, one tile per prefecture, coloured by a measure",
    responses={**_PAGE_ANSWERS, **responses(401, 422, 503)},
)
async def japan_map(
    request: Request,
    caller: PageReader,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    measure: Annotated[
        Measure,
        Query(
            description="What colours the map: `density` (of each prefecture's actor graph, "
            "as on the density page), `centre_density` (inter-centre collaboration density), "
            "`unfinanced` (the share of enterprises with no financier), `centres_per_1000` "
            "(support centres per 1,000 enterprises)."
        ),
    ] = "density",
) -> HTMLResponse:
    """A tile-grid map of Japan as of ``as_of`` (one square per prefecture, placed as the
    country lies), coloured by ``measure``, with a legend, the value of each prefecture on
    its tile, in a tooltip and in a table, each tile a link to the prefecture's network page,
    and a year slider over the history (as of 1 April of each year since the programme
    began) that redraws the map from the figures in the page. Made in a heavy work process
    (see :mod:`api.heavy`); the figures are kept while the graph does not change."""
    work: HeavyWork = request.app.state.heavy_work
    return HTMLResponse(await work.run(map_page_html, day, measure, page_links(request, day)))


def map_page_html(
    store: GraphStore, day: Day, measure: str = "density", links: PageLinks | None = None
) -> bytes:
    """The map page of ``measure`` as of ``day``, with the history since FIRST_YEAR (a heavy
    job; see :func:`graph.queries.regional_measures.regional_history`)."""
    steps = regional_history(store, day)
    return map_page(steps, measure, links=links).encode("utf-8")
