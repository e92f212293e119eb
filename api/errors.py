"""Turning the project's errors and FastAPI's validation errors into HTTP answers.

Every error body is ``{"detail": "a sentence"}``; a 422 also lists each bad parameter under
``errors`` as ``{"field", "message"}``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from graph.errors import (
    Conflict,
    Forbidden,
    InvalidArgument,
    NotFound,
    RowInvalid,
    RsnError,
    StoreUnavailable,
)

__all__ = ["install_error_handlers"]

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


def _field_message(item: dict) -> tuple[str, str]:
    location = [str(part) for part in item.get("loc", ()) if part not in ("query", "body", "path")]
    name = ".".join(location) or "request"
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        message = "is required"
    elif kind in {"less_than_equal", "less_than"}:
        message = f"must be at most {ctx.get('le', ctx.get('lt'))}, got {item.get('input')!r}"
    elif kind in {"greater_than_equal", "greater_than"}:
        message = f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {item.get('input')!r}"
    elif kind == "int_parsing":
        message = f"must be a whole number, got {item.get('input')!r}"
    elif kind == "value_error" and "error" in ctx:
        message = str(ctx["error"])
    else:
        message = item.get("msg", "is not valid")
    return name, message


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error its status code and a readable body."""

    @app.exception_handler(RsnError)
    async def rsn_error(request: Request, error: RsnError) -> JSONResponse:
        body: dict = {"detail": str(error)}
        if isinstance(error, RowInvalid):
            body["errors"] = [{"field": c, "message": m} for c, m in error.problems]
        return JSONResponse(status_code=_status_of(error), content=body)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [_field_message(item) for item in error.errors()]
        detail = "; ".join(f"{name}: {message}" for name, message in fields)
        return JSONResponse(
            status_code=422,
            content={
                "detail": detail,
                "errors": [{"field": name, "message": message} for name, message in fields],
            },
        )
