"""Response bodies of the analytics routes: the weakness report, what-if and density."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import Score
from graph.model import NodeKind, RelationType


class _FromQuery(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class NextStepPublic(_FromQuery):
    action: str = Field(
        description="introduction, refer_to_centre, contact_centre, partner_centre, "
        "share_load, match_enterprises, no_partner_centre or none."
    )
    targets: list[str] = Field(description="The actors to contact or to tie, ids.")
    path: list[str] = Field(description="The chain of ties to walk, ids; may be empty.")
    score: Score | None = Field(description="The product of the path's strengths, if any.")


class FindingPublic(_FromQuery):
    id: str
    kind: NodeKind
    name: str
    prefecture: str | None
    suggestion: str = Field(description="The concrete next step, in words.")
    next_step: NextStepPublic
    details: dict[str, Any] = Field(
        description="Why: cut_off and parts of an articulation point, clients and capacity of "
        "a centre, category of an asset."
    )


class BridgePublic(_FromQuery):
    source: str
    target: str
    type: RelationType = Field(description="The strongest relation between the two.")
    strength: Score
    cut_off: int = Field(description="Actors on the smaller side.")


class ComponentPublic(_FromQuery):
    size: int
    has_centre: bool
    has_financier: bool
    kinds: dict[str, int]
    sample: list[str] = Field(description="Up to five member ids, smallest first.")


class BrokerPublic(_FromQuery):
    id: str
    kind: NodeKind
    name: str
    betweenness: Score = Field(description="Normalised betweenness (estimated on large scopes).")
    constraint: Score | None = Field(description="Burt's constraint: low means a broker.")
    degree: int


class WeaknessReportPublic(_FromQuery):
    prefecture: str | None = Field(description="The scope; null for the whole network.")
    nodes: int = Field(description="Actors in the scope.")
    edges: int = Field(description="Ties between them.")
    counts: dict[str, int] = Field(description="How many findings of each kind, in all.")
    articulation_points: list[FindingPublic]
    bridges: list[BridgePublic]
    isolated: list[FindingPublic]
    unfinanced_enterprises: list[FindingPublic]
    unsupported_enterprises: list[FindingPublic]
    unused_assets: list[FindingPublic]
    overloaded_centres: list[FindingPublic]
    components: list[ComponentPublic]
    brokers: list[BrokerPublic]
    betweenness_sources: int = Field(description="Sources the betweenness was computed from.")
    betweenness_exact: bool


class ActorPublic(BaseModel):
    id: str
    kind: NodeKind
    name: str
    prefecture: str | None = None


class WhatIfPublic(BaseModel):
    removed: ActorPublic
    prefecture: str | None
    lose_financier: list[ActorPublic] = Field(
        description="Enterprises that reach a financier now and would reach none."
    )
    lose_centre: list[ActorPublic] = Field(
        description="Enterprises that reach a centre now and would reach none."
    )
    only_financier: list[ActorPublic] = Field(
        description="Enterprises whose every LENDS_TO, GUARANTEES and INVESTS_IN is from the "
        "removed actor."
    )
    only_support: list[ActorPublic] = Field(
        description="Enterprises whose every SUPPORTS and ADVISES is from the removed actor."
    )


class DensityRowPublic(BaseModel):
    prefecture: str | None = Field(None, description="The JIS code (by=prefecture).")
    block: str | None = Field(None, description="The regional block (by=block).")
    name: str
    nodes: int
    edges: int
    density: float = Field(description="2·edges / (nodes·(nodes−1)), 0 when nodes < 2.")
    centres: int
    centre_edges: int = Field(description="Ties between two centres.")
    centre_density: float = Field(description="The inter-centre collaboration density.")


class DensityPublic(BaseModel):
    by: Literal["prefecture", "block"]
    rows: list[DensityRowPublic]
