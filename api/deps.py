"""Dependencies of the routes: the settings, the store, the keys and who is asking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.keys import ApiKey, KeyStore, Role
from graph.settings import Settings
from graph.store.base import GraphStore

__all__ = [
    "Admin",
    "Caller",
    "Keys",
    "Reader",
    "SESSION_COOKIE",
    "SettingsDep",
    "StoreDep",
    "identify",
    "require_roles",
]

SESSION_COOKIE = "rsn_session"

_bearer = HTTPBearer(auto_error=False, description="An API key made by `rsn keys add`.")


async def get_store(request: Request) -> GraphStore:
    return request.app.state.store


async def get_keys(request: Request) -> KeyStore:
    return request.app.state.keys


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
Keys = Annotated[KeyStore, Depends(get_keys)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


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
    cookie of a person signed in through the browser. Raises 401 (HTTPException) otherwise."""
    if credentials is not None:
        key = keys.authenticate(credentials.credentials)
        if key is None:
            raise _unauthorized("the API key is unknown or revoked")
        return key
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and request.method in {"GET", "HEAD"}:
        key = keys.session_key(cookie)
        if key is not None:
            return key
        raise _unauthorized("the session has ended; sign in again")
    raise _unauthorized("an API key is required: send Authorization: Bearer KEY")


async def current_key(
    request: Request,
    keys: Keys,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """:func:`identify` as a dependency. The key lookup is one indexed SQLite read, so it runs
    on the event loop: a request then hops to the thread pool once, for its own work."""
    return identify(request, keys, credentials)


Caller = Annotated[ApiKey, Depends(current_key)]


def require_roles(*roles: Role):
    """A dependency that lets through only keys of ``roles`` (401 without a valid key, 403
    for the other roles). It reads the keys itself rather than through :data:`Caller`, which
    spares FastAPI two levels of dependencies on every request; the bearer scheme stays a
    dependency so that the OpenAPI document names it."""

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        key = identify(request, request.app.state.keys, credentials)
        if key.role not in roles:
            allowed = " or ".join(role.value for role in roles)
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=f"a {key.role.value} key may not do this; it needs an {allowed} key",
            )
        return key

    return check


Reader = Annotated[ApiKey, Depends(require_roles(Role.ADMIN, Role.ANALYST, Role.CENTRE))]
Admin = Annotated[ApiKey, Depends(require_roles(Role.ADMIN))]
