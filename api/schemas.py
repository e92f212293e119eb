"""Response and request bodies of the API (the ``Public`` and ``Create`` families)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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


class StepPublic(BaseModel):
    """One tie of an introduction path, walked from ``from`` to ``to``."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="The node this step leaves.")
    type: str = Field(description="The relation type of the tie (the strongest between them).")
    to: str = Field(description="The node this step reaches.")
    strength: float
    source: str = Field(description="The relation's own source (relations have a direction).")
    target: str = Field(description="The relation's own target.")


class IntroductionPathPublic(BaseModel):
    nodes: list[str] = Field(description="Node ids from source to target.")
    names: list[str] = Field(description="The names of those nodes, in the same order.")
    hops: int = Field(description="How many ties the path has.")
    score: float = Field(description="The product of the ties' strengths.")
    steps: list[StepPublic] = Field(description="The ties in path order.")
    explanation: str = Field(description="Who asks whom to introduce whom, and why.")


class IntroductionsPublic(BaseModel):
    source: str
    target: str
    paths: list[IntroductionPathPublic] = Field(
        description="The best paths first; empty when none is short enough."
    )


class IntroducerPublic(BaseModel):
    id: str
    kind: str
    name: str
    score: float = Field(description="The product of the strengths of its ties to a and b.")
    ties: list[TiePublic] = Field(description="Its strongest tie to a, then to b.")


class IntroducersPublic(BaseModel):
    a: str
    b: str
    introducers: list[IntroducerPublic] = Field(description="Best first; may be empty.")


# -- referrals -------------------------------------------------------------------------


class CentreBrief(BaseModel):
    id: str
    name: str
    prefecture: str | None = None


class CandidatePublic(BaseModel):
    centre: CentreBrief
    score: float = Field(description="0 to 1; the weights are in the README.")
    specialists: list[str] = Field(description="Affiliated specialists with the need.")
    reasons: list[str] = Field(description="One sentence for each part of the score.")
    parts: dict[str, float] = Field(description="expertise, capacity, closeness, record.")


class CandidatesPublic(BaseModel):
    enterprise: str
    need: str
    candidates: list[CandidatePublic]


class ReferralCreate(BaseModel):
    enterprise: str = Field(max_length=64)
    to_centre: str = Field(max_length=64)
    need: str = Field(max_length=64)
    note: str = Field(default="", max_length=2000)
    from_centre: str | None = Field(
        default=None, max_length=64, description="Only for admin keys: the sending centre."
    )


class ReferralMove(BaseModel):
    status: str = Field(max_length=32)
    reason: str | None = Field(default=None, max_length=2000)
    outcome: str | None = Field(default=None, max_length=2000)


class ReferralEventPublic(BaseModel):
    at: str
    by: str
    status: str
    from_: str | None = Field(default=None, alias="from", serialization_alias="from")
    reason: str | None = None
    outcome: str | None = None


class ReferralPublic(BaseModel):
    id: str
    from_centre: str
    to_centre: str
    enterprise: str
    need: str
    note: str
    status: str
    outcome: str | None = None
    created_at: str
    updated_at: str
    history: list[ReferralEventPublic]


class ReferralList(BaseModel):
    referrals: list[ReferralPublic]
