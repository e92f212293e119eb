"""Turning the project's errors and FastAPI's validation errors into HTTP answers, and the
error model the OpenAPI document publishes (:class:`~api.schemas.shared.ErrorBody`).

Every error body is ``{"detail": "a sentence"}``; a 422 also lists each bad parameter under
``errors`` as ``{"field", "message"}``. A 503 carries ``Retry-After``. A 500 or 503 never
carries what the store or its driver said (it may name the server or its address): that goes
to the server's log, and the client reads a plain sentence.
"""

from __future__ import annotations

import logging
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
)

__all__ = [
    "BUSY_RETRY_SECONDS",
    "INTERNAL",
    "KEY_REQUIRED",
    "KEY_UNKNOWN",
    "RETRY_SECONDS",
    "UNAVAILABLE",
    "error_json",
    "install_error_handlers",
    "responses",
]

log = logging.getLogger("uvicorn.error")

#: What ``Retry-After`` says when the store is unavailable (a lock, a server away).
RETRY_SECONDS = 5
#: What ``Retry-After`` says when heavy work is already running at its bound.
BUSY_RETRY_SECONDS = 2

UNAVAILABLE = "the store is unavailable just now; try again shortly"
INTERNAL = "the server could not answer this request; the reason is in the server's log"
#: The 401 answers: no key at all, and a key that is not (or no longer) valid.
KEY_REQUIRED = "an API key is required: send Authorization: Bearer KEY"
KEY_UNKNOWN = "the API key is unknown or revoked"


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


def _field_message(item: Mapping[str, Any]) -> tuple[str, str]:
    location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path")]
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "json_invalid":
        at = item.get("loc", ("body", "?"))[-1]
        return "body", f"is not valid JSON: {ctx.get('error', 'cannot be read')} at character {at}"
    if location[:1] == ["body"] and len(location) > 1:
        location = location[1:]
        if location[0] in BODY_SHAPES:  # which shape of a write's body (a list, an object)
            location = location[1:] or ["body"]
    name = ".".join(location) or "request"
    if kind == "missing":
        message = "is required"
    elif kind in {"less_than_equal", "less_than"}:
        message = f"must be at most {ctx.get('le', ctx.get('lt'))}, got {item.get('input')!r}"
    elif kind in {"greater_than_equal", "greater_than"}:
        message = f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {item.get('input')!r}"
    elif kind == "int_parsing":
        message = f"must be a whole number, got {item.get('input')!r}"
    elif kind == "string_pattern_mismatch" and location[-1:] == ["prefecture"]:
        message = (
            f"{item.get('input')!r} is not a prefecture code: use the two-digit JIS X 0401 "
            "code 01 to 47"
        )
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        message = (
            f"{item.get('input')!r} is not a valid id: use 1 to 64 of the characters "
            "A-Z a-z 0-9 _ . : -"
        )
    elif kind == "enum":
        expected = ctx.get("expected", "the listed values")
        message = f"must be one of {expected}, got {item.get('input')!r}"
    elif kind == "value_error" and "error" in ctx:
        message = str(ctx["error"])
    else:
        message = item.get("msg", "is not valid")
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
            return error_json(503, UNAVAILABLE)
        if status == 500:
            log.error("%s %s failed: %s", request.method, request.url.path, error, exc_info=error)
            return error_json(500, INTERNAL)
        more: dict[str, Any] = {}
        if isinstance(error, RowInvalid):
            more["errors"] = [{"field": c, "message": m} for c, m in error.problems]
        return error_json(status, str(error), **more)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [_field_message(item) for item in error.errors()]
        detail = "; ".join(f"{name}: {message}" for name, message in fields)
        return error_json(
            422,
            detail,
            errors=[{"field": name, "message": message} for name, message in fields],
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's answer to a body it cannot decode
            return error_json(
                422,
                "body: is not UTF-8 JSON",
                errors=[{"field": "body", "message": "is not UTF-8 JSON"}],
            )
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        return error_json(error.status_code, detail, headers=error.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return error_json(500, INTERNAL)
