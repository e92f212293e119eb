"""The language of each answer: ``?lang=ja|en``, else ``Accept-Language``, else ``RSN_LANG``,
else English.

The ``RSN_LANG`` default is the app's ``state.default_language``, set when the app starts.

A plain ASGI middleware, outside every other, so that the gate's own answers (401, 413) are
said in the caller's language too. It sets :func:`graph.i18n.language` for the request, and
every answer says ``Content-Language`` and ``Vary: Accept-Language`` (the same URL answers in
two languages). A ``lang`` that names no language rsn speaks is ignored, like an
``Accept-Language`` that names none.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.i18n import DEFAULT_LANGUAGE, accept_language, language_or_none, speaking

__all__ = ["Language", "request_language"]


def request_language(query_string: bytes, accept: bytes | None, default: str) -> tuple[str, bool]:
    """The language a request asks for, and whether it asked by ``?lang=`` (pages then keep
    the parameter in their links)."""
    if b"lang=" in query_string:
        for name, value in parse_qsl(query_string.decode("latin-1")):
            if name == "lang":
                chosen = language_or_none(value)
                if chosen is not None:
                    return chosen, True
    if accept:
        chosen = accept_language(accept.decode("latin-1"))
        if chosen is not None:
            return chosen, False
    return default, False


class Language:
    """Speak the request's language while the app answers it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = None
        for name, value in scope["headers"]:
            if name == b"accept-language":
                accept = value
                break
        state = getattr(scope.get("app"), "state", None)
        default = getattr(state, "default_language", DEFAULT_LANGUAGE)
        lang, asked = request_language(scope.get("query_string", b""), accept, default)
        scope.setdefault("state", {})["rsn.lang"] = (lang, asked)
        said = lang.encode()

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", said))
                headers.append((b"vary", b"Accept-Language"))
                message["headers"] = headers
            await send(message)

        with speaking(lang):
            await self.app(scope, receive, send_with_language)
