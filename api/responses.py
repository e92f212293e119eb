"""Answers already shaped by a ``Public`` model, sent as JSON without a second pass.

A synchronous route whose return value FastAPI validates against its ``response_model`` is
validated again in the thread pool: a second hop between threads for every request. The read
routes build their ``Public`` model themselves (so it is valid by construction) and send it
with :func:`model_json`; the ``response_model`` on the route still documents the answer. The
heavy jobs, which run in another process, send :func:`json_bytes` back.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel

__all__ = ["json_bytes", "model_json"]


def json_bytes(model: BaseModel) -> bytes:
    """``model``'s JSON, with field aliases as the OpenAPI schema names them."""
    return model.model_dump_json(by_alias=True).encode("utf-8")


def model_json(model: BaseModel, status_code: int = 200) -> Response:
    """``model`` as a JSON response (:func:`json_bytes`)."""
    return Response(
        content=json_bytes(model), status_code=status_code, media_type="application/json"
    )
