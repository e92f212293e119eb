"""Turning the project's errors and FastAPI's validation errors into HTTP answers, and the
error model the OpenAPI document publishes (:class:`~api.schemas.shared.ErrorBody`).

Every error body is ``{"detail": "a sentence"}``; a 422 also lists each bad parameter under
``errors`` as ``{"field", "message"}``. A 503 carries ``Retry-After``. A 500 or 503 never
carries what the store or its driver said (it may name the server or its address): that goes
to the server's log, and the client reads a plain sentence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas.graph import BODY_SHAPES
from api.schemas.shared import ID_PATTERN, ErrorBody
from graph.errors import (
    Conflict,
    Forbidden,
    InvalidArgument,
    NotFound,
    RowInvalid,
    RsnError,
    StoreUnavailable,
    validation_sentence,
)
from graph.i18n import DEFAULT_LANGUAGE, N_, _, language

__all__ = [
    "BUSY_RETRY_SECONDS",
    "FIELD_SEPARATOR",
    "INTERNAL",
    "KEY_REQUIRED",
    "KEY_UNKNOWN",
    "RETRY_SECONDS",
    "UNAVAILABLE",
    "error_json",
    "field_errors",
    "install_error_handlers",
    "responses",
]

log = logging.getLogger("uvicorn.error")

#: What ``Retry-After`` says when the store is unavailable (a lock, a server away).
RETRY_SECONDS = 5
#: What ``Retry-After`` says when heavy work is already running at its bound.
BUSY_RETRY_SECONDS = 2

# The sentences below are said in the request's language: ``_(UNAVAILABLE)`` where the
# answer is made (the language is the request's, not known at import).
UNAVAILABLE = N_("the store is unavailable just now; try again shortly")
INTERNAL = N_("the server could not answer this request; the reason is in the server's log")
#: The 401 answers: no key at all, and a key that is not (or no longer) valid.
KEY_REQUIRED = N_("an API key is required: send Authorization: Bearer KEY")
KEY_UNKNOWN = N_("the API key is unknown or revoked")

#: Between two fields' problems in a 422's ``detail`` (said with ``_()``).
FIELD_SEPARATOR = N_("; ")

#: What Starlette answers for a path or a method no route has, said in the request's
#: language.
_HTTP_PHRASES = {
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
}

#: In a language other than English, what replaces pydantic's own (English) sentence for
#: the kinds of validation errors that :func:`graph.errors.validation_sentence` says for a
#: file rather than for a request, or not at all. Each may use ``{value}``, the value sent as
#: Python writes it.
_REQUEST_KINDS = {
    "date_parsing": N_("must be a day written YYYY-MM-DD, got {value}"),
    "date_type": N_("must be a day written YYYY-MM-DD, got {value}"),
    "date_from_datetime_parsing": N_("must be a day written YYYY-MM-DD, got {value}"),
    "date_from_datetime_inexact": N_("must be a day written YYYY-MM-DD, got {value}"),
    "extra_forbidden": N_("is not a field of this body"),
    "union_tag_invalid": N_("must be a list or an object"),
    "union_tag_not_found": N_("must be a list or an object"),
}


_DESCRIPTIONS = {
    400: "The request is malformed.",
    401: "No key, or an unknown or revoked key (`WWW-Authenticate: Bearer`).",
    403: "The key's role may not do this, or it acts for another centre.",
    404: "No such id (or none the caller may see).",
    409: "A conflict with the current state; nothing was changed.",
    413: "The request body is larger than the server's limit.",
    422: "A malformed or out-of-range parameter or body; `errors` lists each field.",
    503: "The store is unavailable just now, or heavy work is at its bound; "
    "`Retry-After` says when to try again.",
}

_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    503: {
        "Retry-After": {
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
            "description": "Seconds to wait before trying again.",
            "required": True,
        }
    },
}


def responses(*codes: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of error codes, each with the error model; ``described``
    overrides a description (``r404="No centre has this id."``)."""
    made: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {
            "model": ErrorBody,
            "description": described.get(f"r{code}", _DESCRIPTIONS[code]),
        }
        if code in _HEADERS:
            entry["headers"] = _HEADERS[code]
        made[code] = entry
    return made


_STATUS: list[tuple[type[RsnError], int]] = [
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (InvalidArgument, 422),
    (RowInvalid, 422),
    (StoreUnavailable, 503),
]


def _status_of(error: RsnError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 500


def error_json(
    status: int, detail: str, headers: Mapping[str, str] | None = None, **more: Any
) -> JSONResponse:
    """An error answer: ``{"detail": detail, ...more}``; a 503 always says ``Retry-After``."""
    sent = dict(headers or {})
    if status == 503:
        sent.setdefault("Retry-After", str(RETRY_SECONDS))
    return JSONResponse(status_code=status, content={"detail": detail, **more}, headers=sent)


def field_errors(fields: list[tuple[str, str]]) -> tuple[str, list[dict[str, str]]]:
    """A 422's ``detail`` ("name: message; ...", in the request's language) and its
    ``errors`` list, of (field, message) pairs already said in that language. A message
    that ends with the separator already (a Japanese sentence with its 。) is not given a
    second one."""
    separator = _(FIELD_SEPARATOR)
    ending = separator.strip()
    detail = ""
    for name, message in fields:
        if detail:
            detail += "" if ending and detail.endswith(ending) else separator
        detail += _("{field}: {message}", field=name, message=message)
    return detail, [{"field": name, "message": message} for name, message in fields]


def _choices(expected: str) -> str:
    """pydantic's list of the values allowed ("'a', 'b' or 'c'") as the request's language
    lists them (in Japanese 'a'、'b'、'c'); as it is in English or when it is not such a
    list."""
    if language() == DEFAULT_LANGUAGE:
        return expected
    values = re.findall(r"'(?:[^'\\]|\\.)*'", expected)
    return _(", ").join(values) if values else expected


def _field_message(item: Mapping[str, Any]) -> tuple[str, str]:
    """The field a validation error names (dotted, without ``query`` or ``path``) and what
    is wrong with it, as a sentence in the request's language."""
    location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path")]
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    value = repr(item.get("input"))
    if kind == "json_invalid":
        at = item.get("loc", ("body", "?"))[-1]
        return "body", _(
            "is not valid JSON: {error} at character {at}",
            error=ctx.get("error", _("cannot be read")),
            at=at,
        )
    if location[:1] == ["body"] and len(location) > 1:
        location = location[1:]
        if location[0] in BODY_SHAPES:  # which shape of a write's body (a list, an object)
            location = location[1:] or ["body"]
    name = ".".join(location) or "request"
    if kind == "missing":
        message = _("is required")
    elif kind in {"less_than_equal", "less_than"}:
        message = _(
            "must be at most {limit}, got {value}", limit=ctx.get("le", ctx.get("lt")), value=value
        )
    elif kind in {"greater_than_equal", "greater_than"}:
        message = _(
            "must be at least {limit}, got {value}",
            limit=ctx.get("ge", ctx.get("gt")),
            value=value,
        )
    elif kind == "int_parsing":
        message = _("must be a whole number, got {value}", value=value)
    elif kind == "string_pattern_mismatch" and location[-1:] == ["prefecture"]:
        message = _(
            "{value} is not a prefecture code: use the two-digit JIS X 0401 code 01 to 47",
            value=value,
        )
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        message = _(
            "{value} is not a valid id: use 1 to 64 of the characters A-Z a-z 0-9 _ . : -",
            value=value,
        )
    elif kind == "enum":
        expected = _choices(ctx.get("expected", _("the listed values")))
        message = _("must be one of {expected}, got {value}", expected=expected, value=value)
    elif kind == "value_error" and "error" in ctx:
        message = str(ctx["error"])
    elif language() == DEFAULT_LANGUAGE:  # pydantic's own sentence
        message = item.get("msg", "is not valid")
    elif kind == "literal_error" and "expected" in ctx:
        expected = _choices(str(ctx["expected"]))
        message = _("must be one of {expected}, got {value}", expected=expected, value=value)
    elif kind in _REQUEST_KINDS:
        message = _(_REQUEST_KINDS[kind], value=value)
    else:
        message = validation_sentence(item)
        if message == item.get("msg"):  # a kind rsn has no sentence for
            message = _("is not valid")
    return name, message


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error its status code and a readable body."""

    @app.exception_handler(RsnError)
    async def rsn_error(request: Request, error: RsnError) -> JSONResponse:
        status = _status_of(error)
        if status == 503:
            log.warning(
                "%s %s: the store is unavailable: %s", request.method, request.url.path, error
            )
            return error_json(503, _(UNAVAILABLE))
        if status == 500:
            log.error("%s %s failed: %s", request.method, request.url.path, error, exc_info=error)
            return error_json(500, _(INTERNAL))
        more: dict[str, Any] = {}
        if isinstance(error, RowInvalid):
            more["errors"] = [{"field": c, "message": m} for c, m in error.problems]
        return error_json(status, str(error), **more)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        detail, fields = field_errors([_field_message(item) for item in error.errors()])
        return error_json(422, detail, errors=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's answer to a body it cannot decode
            detail, fields = field_errors([("body", _("is not UTF-8 JSON"))])
            return error_json(422, detail, errors=fields)
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        phrase = _HTTP_PHRASES.get(error.status_code)
        if phrase is not None and detail == phrase:  # Starlette's own words
            detail = _(phrase)
        return error_json(error.status_code, detail, headers=error.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return error_json(500, _(INTERNAL))
