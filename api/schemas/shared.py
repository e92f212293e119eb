"""Shapes used by several routers: the id and prefecture patterns, scores as a person reads
them, an actor (id, kind, name), a tie, and the error body every route may answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field, PlainSerializer

from graph.model import NodeKind, RelationType
from graph.queries.readable import readable

if TYPE_CHECKING:
    from graph.model import Relation

__all__ = [
    "CONTRIBUTOR_DESCRIPTION",
    "ID_PATTERN",
    "PREFECTURE_PATTERN",
    "ActorBase",
    "ErrorBody",
    "FieldProblem",
    "Score",
    "TieBase",
    "TiePublic",
]

#: A JIS X 0401 prefecture code, 01 to 47.
PREFECTURE_PATTERN = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"
#: An id of the dataset: 1 to 64 of A-Z a-z 0-9 _ . : -
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
#: How the OpenAPI document describes a contributor's name (an id's characters).
CONTRIBUTOR_DESCRIPTION = (
    "A contributor's name: 1 to 64 of the characters A-Z a-z 0-9 _ . : - (as an id)."
)

#: A score, strength or measure a person reads: sent to 4 significant digits.
Score = Annotated[float, PlainSerializer(readable, return_type=float)]


class ActorBase(BaseModel):
    """The fields that name a node in every answer: its id, kind and name. Each answer that
    shows a node extends it with its own fields."""

    id: str
    kind: NodeKind
    name: str


class TieBase(BaseModel):
    """The fields of a tie: a relation, identified by (source, type, target)."""

    source: str
    type: RelationType
    target: str
    strength: Score
    since: str | None = Field(default=None, description="The day it began (YYYY-MM-DD), if known.")
    until: str | None = Field(
        default=None,
        description="The day it stopped holding (YYYY-MM-DD): it held until the day before.",
    )


class TiePublic(TieBase):
    # a relation as an answer shows it (no docstring: it would become the schema's description)

    @classmethod
    def from_domain(cls, relation: Relation) -> TiePublic:
        return cls(
            source=relation.source,
            type=relation.type,
            target=relation.target,
            strength=relation.strength,
            since=relation.since,
            until=relation.until,
        )


class FieldProblem(BaseModel):
    field: str = Field(description="The parameter or body field, dotted (body for the body).")
    message: str = Field(description="What is wrong with it, in words.")


class ErrorBody(BaseModel):
    """Every error the API answers."""

    detail: str = Field(description="What went wrong, as a sentence.")
    errors: list[FieldProblem] | None = Field(
        default=None, description="422 only: each bad parameter or body field."
    )
