"""Answers already shaped by a ``Public`` model, sent as JSON without a second pass.

A synchronous route whose return value FastAPI validates against its ``response_model`` is
validated again in the thread pool: a second hop between threads for every request. The read
routes build their ``Public`` model themselves (so it is valid by construction) and send it
with :func:`model_json`; the ``response_model`` on the route still documents the answer. The
heavy jobs, which run in another process, send :func:`json_bytes` back.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel

__all__ = ["json_bytes", "model_json"]


def json_bytes(model: BaseModel, exclude: dict[str, Any] | None = None) -> bytes:
    """``model``'s JSON, with field aliases as the OpenAPI schema names them, without the
    fields ``exclude`` names (pydantic's ``exclude``: optional fields an answer leaves out
    unless asked for)."""
    return model.model_dump_json(by_alias=True, exclude=exclude).encode("utf-8")


def model_json(
    model: BaseModel, status_code: int = 200, exclude: dict[str, Any] | None = None
) -> Response:
    """``model`` as a JSON response (:func:`json_bytes`)."""
    return Response(
        content=json_bytes(model, exclude), status_code=status_code, media_type="application/json"
    )
