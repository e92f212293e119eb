"""Bodies of the open routes (:mod:`api.routers.system`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = ["Health"]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    backend: Literal["embedded", "neo4j"]
