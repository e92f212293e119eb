"""Dependencies of the routes: the store, the keys, who is asking, the day a question is
asked about (``as_of``), who a write is attributed to, and the bound on heavy work."""

from __future__ import annotations

import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import BUSY_RETRY_SECONDS, KEY_REQUIRED, KEY_UNKNOWN
from api.guard import KEY_SCOPE, read_keys
from graph.errors import Forbidden, InvalidArgument
from graph.i18n import DEFAULT_LANGUAGE, _, language
from graph.model import with_article
from graph.provenance import ADMIN_CONTRIBUTOR, Attribution
from graph.store import Store
from graph.store.keys import ApiKey, KeyStore, Role
from graph.valid_time import Day, parse_day, today

__all__ = [
    "Admin",
    "AsOf",
    "Caller",
    "Heavy",
    "HeavySlots",
    "Keys",
    "Reader",
    "READER_ROLES",
    "SESSION_COOKIE",
    "StoreDep",
    "attribution",
    "bearer_scheme",
    "caller_of",
    "check_reader",
    "identify",
    "require_roles",
]

SESSION_COOKIE = "rsn_session"

bearer_scheme = HTTPBearer(auto_error=False, description="An API key made by `rsn keys add`.")


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_keys(request: Request) -> KeyStore:
    keys: KeyStore = request.app.state.keys
    return keys


StoreDep = Annotated[Store, Depends(get_store)]
Keys = Annotated[KeyStore, Depends(get_keys)]


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=message,
        headers={"WWW-Authenticate": "Bearer"},
    )


def identify(
    request: Request, keys: KeyStore, credentials: HTTPAuthorizationCredentials | None
) -> ApiKey:
    """The key of the caller: the Bearer header, or for reading (GET) routes the session
    cookie of a person signed in through the browser. Raises 401 (HTTPException) otherwise,
    and StoreUnavailable if the keys are locked past a short wait.

    A request with a body was identified already, before its body was read (see
    :mod:`api.guard`); that key is used as it is."""
    checked: ApiKey | None = request.scope.get("state", {}).get(KEY_SCOPE)
    if checked is not None:
        return checked
    if credentials is not None:
        key = keys.authenticate(credentials.credentials)
        if key is None:
            raise _unauthorized(_(KEY_UNKNOWN))
        return key
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and request.method in {"GET", "HEAD"}:
        key = keys.session_key(cookie)
        if key is not None:
            return key
        raise _unauthorized(_("the session has ended; sign in again"))
    raise _unauthorized(_(KEY_REQUIRED))


async def caller_of(
    request: Request, keys: KeyStore, credentials: HTTPAuthorizationCredentials | None
) -> ApiKey:
    """:func:`identify`, from the event loop. With the keys in a local file (one indexed
    SQLite read that waits at most a quarter of a second for a lock, see
    :mod:`graph.store.keys`) it runs on the loop, so that a request hops to the thread pool
    once, for its own work; with keys across a network (Neo4j) it runs on a worker thread
    (:func:`api.guard.read_keys`). A key the gate found already is used as it is."""
    checked: ApiKey | None = request.scope.get("state", {}).get(KEY_SCOPE)
    if checked is not None:
        return checked
    return await read_keys(keys, identify, request, keys, credentials)


async def current_key(
    request: Request,
    keys: Keys,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> ApiKey:
    """:func:`caller_of` as a dependency."""
    return await caller_of(request, keys, credentials)


Caller = Annotated[ApiKey, Depends(current_key)]


#: A dependency that checks the caller: (request, Bearer credentials) -> the caller's key.
KeyCheck = Callable[[Request, HTTPAuthorizationCredentials | None], Awaitable[ApiKey]]


def _role_said(role: Role) -> str:
    """A role as a sentence about its key says it: after its article in English ("an
    admin"), its own name (``admin``, what ``rsn keys add --role`` takes) otherwise."""
    return with_article(role.value) if language() == DEFAULT_LANGUAGE else role.value


def require_roles(*roles: Role) -> KeyCheck:
    """A dependency that lets through only keys of ``roles`` (401 without a valid key, 403
    for the other roles). It reads the keys itself rather than through :data:`Caller`, which
    spares FastAPI two levels of dependencies on every request; the bearer scheme stays a
    dependency so that the OpenAPI document names it."""

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> ApiKey:
        key = await caller_of(request, request.app.state.keys, credentials)
        if key.role not in roles:
            allowed = _(" or ").join(_role_said(role) for role in roles)
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=_(
                    "{role} key may not do this; it needs {allowed} key",
                    role=_role_said(key.role),
                    allowed=allowed,
                ),
            )
        return key

    return check


#: The roles that may read: every role.
READER_ROLES = (Role.ADMIN, Role.ANALYST, Role.CENTRE)
#: The check of :data:`Reader`, for a route that calls it itself (the pages do).
check_reader = require_roles(*READER_ROLES)

Reader = Annotated[ApiKey, Depends(check_reader)]
Admin = Annotated[ApiKey, Depends(require_roles(Role.ADMIN))]


class HeavySlots:
    """At most ``size`` heavy requests (whole reports, network pages) at once, so that they
    never hold every worker thread and light routes stay fast beside them."""

    def __init__(self, size: int):
        self.size = size
        self._slots = threading.BoundedSemaphore(size)

    def try_take(self) -> bool:
        return self._slots.acquire(blocking=False)

    def give_back(self) -> None:
        self._slots.release()


async def heavy_slot(request: Request) -> AsyncIterator[None]:
    """Hold one of the app's heavy slots for the request; 503 with ``Retry-After`` when all
    are taken. Put it after the caller's dependency, so that a request without a key is
    answered 401 and never takes a slot."""
    slots: HeavySlots = request.app.state.heavy
    if not slots.try_take():
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=_(
                "{count} heavy requests are running already; try again shortly",
                count=slots.size,
            ),
            headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
        )
    try:
        yield
    finally:
        slots.give_back()


Heavy = Depends(heavy_slot)


# -- the day a question is asked about ---------------------------------------------------

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

AS_OF_DESCRIPTION = (
    "The day to ask about (YYYY-MM-DD; default today): the answer is the one the store would "
    "give if it held only the nodes that existed and the ties that held on that day."
)


async def as_of_day(
    as_of: Annotated[
        str | None,
        Query(description=AS_OF_DESCRIPTION, json_schema_extra={"format": "date"}),
    ] = None,
) -> Day:
    """The day of ``as_of`` (today when absent). A value that is not a day written
    YYYY-MM-DD is a 422 naming ``as_of``, as any malformed parameter. Runs on the event loop:
    it reads nothing."""
    if as_of is None:
        return today()
    try:
        if not _DAY.fullmatch(as_of):
            raise InvalidArgument("not YYYY-MM-DD")
        return parse_day(as_of, "as_of")
    except InvalidArgument:
        message = _("must be a day written YYYY-MM-DD, got {value}", value=repr(as_of))
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", "as_of"),
                    "msg": message,
                    "input": as_of,
                    "ctx": {"error": message},
                }
            ]
        ) from None


#: The day a reading route answers about: ``as_of``, or today.
AsOf = Annotated[Day, Depends(as_of_day)]


# -- who a write is attributed to ------------------------------------------------------


def attribution(key: ApiKey, named: str | None = None) -> Attribution:
    """Who the writes of ``key`` are attributed to, now: a centre key's to its centre; an
    admin key's to the contributor it ``named``, or to ``admin``. Raises Forbidden when a
    centre key names another contributor than its centre (and for a key of any other role,
    which the routes refuse before)."""
    if key.role is Role.CENTRE and key.centre:
        if named is not None and named != key.centre:
            raise Forbidden(
                _(
                    "a key of centre {centre} writes as {centre}; it cannot name "
                    "contributor {named}",
                    centre=key.centre,
                    named=repr(named),
                )
            )
        return Attribution(contributor=key.centre)
    if key.role is Role.ADMIN:
        return Attribution(contributor=named or ADMIN_CONTRIBUTOR)
    raise Forbidden(_("{role} key may not write", role=_role_said(key.role)))
