"""Bodies of the analytics routes (:mod:`api.routers.weaknesses`): the weakness report,
what-if and density."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.shared import ActorBase, Score
from graph.japan import block_of
from graph.model import RelationType

if TYPE_CHECKING:
    from graph.model import Node
    from graph.queries.density import DensityRow
    from graph.queries.history import DensityYear
    from graph.queries.weaknesses import (
        Bridge,
        Broker,
        Component,
        Finding,
        NextStep,
        WeaknessReport,
    )
    from graph.queries.what_if import WhatIf

__all__ = [
    "ActorPublic",
    "BridgePublic",
    "BrokerPublic",
    "ComponentPublic",
    "DensityFields",
    "DensityHistoryPublic",
    "DensityPublic",
    "DensityRowPublic",
    "DensityYearPublic",
    "FindingPublic",
    "NextStepPublic",
    "WeaknessReportPublic",
    "WhatIfPublic",
]


class NextStepPublic(BaseModel):
    action: str = Field(
        description="introduction, refer_to_centre, contact_centre, partner_centre, "
        "share_load, match_enterprises, no_partner_centre or none."
    )
    targets: list[str] = Field(description="The actors to contact or to tie, ids.")
    path: list[str] = Field(description="The chain of ties to walk, ids; may be empty.")
    score: Score | None = Field(description="The product of the path's strengths, if any.")

    @classmethod
    def from_domain(cls, step: NextStep) -> NextStepPublic:
        return cls(
            action=step.action, targets=list(step.targets), path=list(step.path), score=step.score
        )


class FindingPublic(ActorBase):
    prefecture: str | None
    suggestion: str = Field(description="The concrete next step, in words.")
    next_step: NextStepPublic
    details: dict[str, Any] = Field(
        description="Why: cut_off and parts of an articulation point, clients and capacity of "
        "a centre, category of an asset."
    )

    @classmethod
    def from_domain(cls, finding: Finding) -> FindingPublic:
        return cls(
            id=finding.id,
            kind=finding.kind,
            name=finding.name,
            prefecture=finding.prefecture,
            suggestion=finding.suggestion,
            next_step=NextStepPublic.from_domain(finding.next_step),
            details=finding.details,
        )


class BridgePublic(BaseModel):
    source: str
    target: str
    type: RelationType = Field(description="The strongest relation between the two.")
    strength: Score
    cut_off: int = Field(description="Actors on the smaller side.")

    @classmethod
    def from_domain(cls, bridge: Bridge) -> BridgePublic:
        return cls(
            source=bridge.source,
            target=bridge.target,
            type=bridge.type,
            strength=bridge.strength,
            cut_off=bridge.cut_off,
        )


class ComponentPublic(BaseModel):
    size: int
    has_centre: bool
    has_financier: bool
    kinds: dict[str, int]
    sample: list[str] = Field(description="Up to five member ids, smallest first.")

    @classmethod
    def from_domain(cls, component: Component) -> ComponentPublic:
        return cls(
            size=component.size,
            has_centre=component.has_centre,
            has_financier=component.has_financier,
            kinds=component.kinds,
            sample=list(component.sample),
        )


class BrokerPublic(ActorBase):
    betweenness: Score = Field(description="Normalised betweenness (estimated on large scopes).")
    constraint: Score | None = Field(description="Burt's constraint: low means a broker.")
    degree: int

    @classmethod
    def from_domain(cls, broker: Broker) -> BrokerPublic:
        return cls(
            id=broker.id,
            kind=broker.kind,
            name=broker.name,
            betweenness=broker.betweenness,
            constraint=broker.constraint,
            degree=broker.degree,
        )


def _findings(found: list[Finding]) -> list[FindingPublic]:
    return [FindingPublic.from_domain(finding) for finding in found]


class WeaknessReportPublic(BaseModel):
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
    withheld: dict[str, int] = Field(
        default_factory=dict,
        description="For a caller who may not see every confidential tie (lenders, "
        "guarantors, investors, advisors): how many entries of each list were left out "
        "because they would show such a tie, or its absence, that the caller may not see. "
        "Empty for an admin.",
    )

    @classmethod
    def from_domain(cls, report: WeaknessReport) -> WeaknessReportPublic:
        return cls(
            prefecture=report.prefecture,
            nodes=report.nodes,
            edges=report.edges,
            counts=report.counts,
            articulation_points=_findings(report.articulation_points),
            bridges=[BridgePublic.from_domain(bridge) for bridge in report.bridges],
            isolated=_findings(report.isolated),
            unfinanced_enterprises=_findings(report.unfinanced_enterprises),
            unsupported_enterprises=_findings(report.unsupported_enterprises),
            unused_assets=_findings(report.unused_assets),
            overloaded_centres=_findings(report.overloaded_centres),
            components=[ComponentPublic.from_domain(c) for c in report.components],
            brokers=[BrokerPublic.from_domain(broker) for broker in report.brokers],
            betweenness_sources=report.betweenness_sources,
            betweenness_exact=report.betweenness_exact,
            withheld=report.withheld,
        )


class ActorPublic(ActorBase):
    prefecture: str | None = None

    @classmethod
    def from_domain(cls, node: Node) -> ActorPublic:
        return cls(id=node.id, kind=node.kind, name=node.name, prefecture=node.prefecture)


def _actors(nodes: list[Node]) -> list[ActorPublic]:
    return [ActorPublic.from_domain(node) for node in nodes]


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
    withheld: dict[str, int] = Field(
        default_factory=dict,
        description="For a caller who may not see every confidential tie (lenders, "
        "guarantors, investors, advisors): how many entries of each list were left out "
        "because they would show such a tie, or its absence, that the caller may not see. "
        "Empty for an admin.",
    )

    @classmethod
    def from_domain(cls, found: WhatIf) -> WhatIfPublic:
        return cls(
            removed=ActorPublic.from_domain(found.removed),
            prefecture=found.prefecture,
            lose_financier=_actors(found.lose_financier),
            lose_centre=_actors(found.lose_centre),
            only_financier=_actors(found.only_financier),
            only_support=_actors(found.only_support),
            withheld=found.withheld,
        )


class DensityFields(BaseModel):
    # the fields of a row of the density table (no docstring: it would become the schema's
    # description)
    prefecture: str | None = Field(None, description="The JIS code (by=prefecture).")
    block: str | None = Field(None, description="The regional block (by=block).")
    name: str
    nodes: int
    edges: int
    density: float = Field(description="2·edges / (nodes·(nodes−1)), 0 when nodes < 2.")
    centres: int
    centre_edges: int = Field(description="Ties between two centres.")
    centre_density: float = Field(description="The inter-centre collaboration density.")


def _row_fields(row: DensityRow, by: str) -> dict[str, Any]:
    """The fields of a row of the table grouped ``by`` "prefecture" (its key is a prefecture
    code) or "block" (its key is the block)."""
    return {
        "prefecture": row.key if by == "prefecture" else None,
        "block": row.key if by == "block" else block_of(row.key),
        "name": row.name,
        "nodes": row.nodes,
        "edges": row.edges,
        "density": row.density,
        "centres": row.centres,
        "centre_edges": row.centre_edges,
        "centre_density": row.centre_density,
    }


class DensityRowPublic(DensityFields):
    @classmethod
    def from_domain(cls, row: DensityRow, by: str) -> DensityRowPublic:
        """A row of the table grouped ``by`` "prefecture" or "block"."""
        return cls(**_row_fields(row, by))


class DensityPublic(BaseModel):
    by: Literal["prefecture", "block"]
    rows: list[DensityRowPublic]


class DensityYearPublic(DensityFields):
    year: int = Field(description="The fiscal year: the row is as of its first day, 1 April.")
    as_of: str = Field(description="The day the row is as of: 1 April of the year.")

    @classmethod
    def from_domain(cls, found: DensityYear, by: str) -> DensityYearPublic:
        """The row of ``found``'s year, of the table grouped ``by`` "prefecture" or
        "block"."""
        return cls(**_row_fields(found.row, by), year=found.year, as_of=found.as_of)


class DensityHistoryPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    by: Literal["prefecture", "block"]
    from_: int = Field(alias="from", description="The first year.")
    to: int = Field(description="The last year.")
    rows: list[DensityYearPublic] = Field(
        description="Year by year, each year's rows in the order of /v1/density (only the "
        "prefectures or blocks that had actors that year)."
    )
