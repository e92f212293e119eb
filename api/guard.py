"""The gate every request passes before the routes: who is asking before any body is read,
a bound on bodies, and the headers every answer carries.

It is a plain ASGI middleware (no request objects, no extra task), so it costs a few dict
look-ups on a request without a body:

- A request to a route that needs a key and that carries a body (``Content-Length`` above 0
  or a chunked body) is answered 401 before one byte of the body is read unless its
  ``Authorization: Bearer`` key is valid (one indexed read, on the event loop only when the
  keys are a local file: :func:`read_keys`); the key found is kept for the route, which does
  not read it again.
- A body past :attr:`Limits.max_body_bytes` is answered 413: at once from ``Content-Length``,
  or as soon as a chunked body passes the limit. A JSON body that is not UTF-8 is a 422.
- Every answer says ``X-Content-Type-Options: nosniff``; HTML pages also carry a
  Content-Security-Policy that allows nothing from another origin and no framing; pages and
  JSON under ``/v1`` say ``Cache-Control: no-store``.
- A 405 lists in ``Allow`` every method the path answers (not only one route's).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import KEY_REQUIRED, KEY_UNKNOWN, RETRY_SECONDS, UNAVAILABLE, field_errors
from api.threads import run_where
from graph.errors import StoreError, StoreUnavailable
from graph.i18n import _
from graph.store.keys import KeyStore

__all__ = ["CSP", "Gate", "KEY_SCOPE", "Limits", "OPEN_PATHS", "read_keys"]

P = ParamSpec("P")
T = TypeVar("T")

#: Where the gate leaves the key it found, in the request's ``state``.
KEY_SCOPE = "rsn.key"

#: Paths that need no key (and so take their body without one: the sign-in form).
OPEN_PATHS = frozenset({"/health", "/docs", "/openapi.json", "/sign-in", "/sign-out", "/"})
_OPEN_PREFIXES = ("/docs/",)

#: The policy of every HTML page: its own scripts and styles (inlined), nothing from another
#: origin, no plugins, no framing.
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

MIB = 1024 * 1024

_NOSNIFF = (b"x-content-type-options", b"nosniff")
_NO_STORE = (b"cache-control", b"no-store")
_CLOSE = (b"connection", b"close")
_PAGE_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class Limits(BaseSettings):
    """The server's bounds, from the environment (or ``.env``)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    max_body_bytes: int = Field(default=8 * MIB, alias="RSN_MAX_BODY_BYTES", ge=1024)
    heavy_requests: int = Field(default=2, alias="RSN_HEAVY_REQUESTS", ge=1, le=64)


def _json_answer(
    status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> tuple[Message, Message]:
    content = json.dumps(body).encode("utf-8")
    return (
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *headers,
            ],
        },
        {"type": "http.response.body", "body": content},
    )


@dataclass
class _Head:
    """What the gate reads of a request's headers, in one pass."""

    authorization: str | None = None
    content_length: int | None = None
    chunked: bool = False
    json: bool = False
    bad_length: bool = False


def _read_head(scope: Scope) -> _Head:
    head = _Head()
    for name, value in scope["headers"]:
        if name == b"authorization":
            head.authorization = value.decode("latin-1")
        elif name == b"content-length":
            try:
                head.content_length = int(value)
            except ValueError:
                head.bad_length = True
        elif name == b"transfer-encoding":
            head.chunked = b"chunked" in value.lower()
        elif name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
            head.json = kind == b"application/json" or kind.endswith(b"+json")
    return head


async def read_keys(keys: KeyStore, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """What ``read(*args, **kwargs)``, a read of ``keys``, returns: made on the event loop
    when the keys say their reads are quick and bounded (:attr:`KeyStore.reads_on_loop`),
    else on a worker thread, so that a slow answer from a key store across a network holds
    only the request that asked. Raises what ``read`` raises."""
    return await run_where(keys.reads_on_loop, read, *args, **kwargs)


class Gate:
    """The ASGI middleware described in the module's docstring."""

    def __init__(self, app: ASGIApp, limits: Limits | None = None) -> None:
        self.app = app
        self.limits = limits or Limits()
        self._methods: list[tuple[re.Pattern[str], str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        send = self._headed(scope, path, send)
        for name, _value in scope["headers"]:
            if name == b"content-length" or name == b"transfer-encoding":
                break
        else:  # no body: nothing more to check here
            await self.app(scope, receive, send)
            return
        head = _read_head(scope)
        has_body = head.chunked or (head.content_length or 0) > 0
        if head.bad_length:
            await self._answer(send, 400, _("Content-Length is not a number"))
            return
        if has_body:
            if not (path in OPEN_PATHS or path.startswith(_OPEN_PREFIXES)):
                refused = await self._identify(scope, head)
                if refused is not None:
                    status, detail, headers = refused
                    # the body is not read: closing the connection spares reading it at all
                    await self._answer(send, status, detail, [*headers, _CLOSE])
                    return
            limit = self.limits.max_body_bytes
            if (head.content_length or 0) > limit:
                await self._too_large(send)
                return
            body = await self._read(receive, limit)
            if body is None:
                await self._too_large(send)
                return
            if head.json:
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError:
                    detail, fields = field_errors([("body", _("is not UTF-8 text"))])
                    await self._answer(send, 422, detail, errors=fields)
                    return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    async def _identify(
        self, scope: Scope, head: _Head
    ) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        """Check the Bearer key of a request with a body; None if it may go on, else the
        (status, detail, headers) to answer, the detail in the request's language. The key
        found is kept in the request's state."""
        challenge = [(b"www-authenticate", b"Bearer")]
        scheme, _sep, presented = (head.authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return 401, _(KEY_REQUIRED), challenge
        keys = scope["app"].state.keys
        try:
            key = await read_keys(keys, keys.authenticate, presented.strip())
        except StoreUnavailable:
            return 503, _(UNAVAILABLE), [(b"retry-after", str(RETRY_SECONDS).encode())]
        except StoreError:
            return 500, _("the server could not check the key; the reason is in its log"), []
        if key is None:
            return 401, _(KEY_UNKNOWN), challenge
        scope.setdefault("state", {})[KEY_SCOPE] = key
        return None

    @staticmethod
    async def _read(receive: Receive, limit: int) -> bytes | None:
        """The whole body, or None as soon as it passes ``limit`` bytes."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        limit = self.limits.max_body_bytes
        await self._answer(
            send,
            413,
            _(
                "the request body is larger than the limit of {limit} bytes",
                limit=format(limit, ","),
            ),
        )

    @staticmethod
    async def _answer(
        send: Send,
        status: int,
        detail: str,
        headers: list[tuple[bytes, bytes]] | None = None,
        **more: Any,
    ) -> None:
        start, body = _json_answer(status, {"detail": detail, **more}, headers or [])
        if status == 413:
            start["headers"].append(_CLOSE)
        await send(start)
        await send(body)

    def _headed(self, scope: Scope, path: str, send: Send) -> Send:
        """``send`` with the security headers added to the answer's start."""
        data_path = path == "/" or path.startswith("/v1/") or path == "/sign-in"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), _NOSNIFF]
                html = any(
                    name == b"content-type" and value.startswith(b"text/html")
                    for name, value in headers
                )
                if html:
                    headers += _PAGE_HEADERS
                if data_path or html:
                    headers.append(_NO_STORE)
                if message["status"] == 405:
                    headers = self._allow(scope, headers)
                message = {**message, "headers": headers}
            await send(message)

        return sending

    def _allow(self, scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """Headers with ``Allow`` naming every method the OpenAPI document gives the path."""
        if self._methods is None:
            self._methods = _methods_by_path(scope["app"].openapi())
        path = scope["path"]
        for pattern, methods in self._methods:
            if pattern.fullmatch(path):
                kept = [(name, value) for name, value in headers if name != b"allow"]
                kept.append((b"allow", methods.encode()))
                return kept
        return headers


def _methods_by_path(document: dict[str, Any]) -> list[tuple[re.Pattern[str], str]]:
    """For each path of an OpenAPI document, a pattern of its URLs and its methods."""
    made = []
    for template, operations in document.get("paths", {}).items():
        pattern = re.compile(
            "".join(
                "[^/]+" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{[^}]*\})", template)
            )
        )
        methods = ", ".join(sorted(method.upper() for method in operations))
        made.append((pattern, methods))
    return made


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then waits on the real one (disconnects)."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying
