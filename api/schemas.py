"""Response and request bodies of the API (the ``Public`` and ``Create`` families)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    backend: Literal["embedded", "neo4j"]


class StatsPublic(BaseModel):
    nodes: dict[str, int] = Field(description="Node count by kind.")
    relations: dict[str, int] = Field(description="Relation count by type.")


class TiePublic(BaseModel):
    source: str
    type: str
    target: str
    strength: float
    since: str | None = None


class NodePublic(BaseModel):
    id: str
    kind: str
    name: str
    properties: dict[str, Any] = Field(description="The kind's other columns that have a value.")
    ties: list[TiePublic] = Field(default_factory=list, description="Every relation of the node.")


class NodeCreate(BaseModel):
    """A node to create or update, with the columns of its dataset file."""

    kind: str = Field(description="Enterprise, Asset, Centre, Financier or Specialist.")
    values: dict[str, Any] = Field(description="The columns of the kind's file, by name.")


class RelationCreate(BaseModel):
    source: str
    type: str
    target: str
    strength: float | None = None
    since: str | None = None


class WriteResult(BaseModel):
    written: int
