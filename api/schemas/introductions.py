"""Bodies of the introduction routes (:mod:`api.routers.introductions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.shared import ActorBase, Score, TiePublic
from graph.model import RelationType

if TYPE_CHECKING:
    from graph.queries.introductions import Introducer, Introduction, Step

__all__ = [
    "IntroducerPublic",
    "IntroducersPublic",
    "IntroductionPathPublic",
    "IntroductionsPublic",
    "StepPublic",
]


class StepPublic(BaseModel):
    """One tie of an introduction path, walked from ``from`` to ``to``."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="The node this step leaves.")
    type: RelationType = Field(description="The relation type of the tie (the strongest).")
    to: str = Field(description="The node this step reaches.")
    strength: Score
    source: str = Field(description="The relation's own source (relations have a direction).")
    target: str = Field(description="The relation's own target.")

    @classmethod
    def from_domain(cls, step: Step) -> StepPublic:
        return cls(
            from_=step.origin.id,
            type=step.relation.type,
            to=step.destination.id,
            strength=step.relation.strength,
            source=step.relation.source,
            target=step.relation.target,
        )


class IntroductionPathPublic(BaseModel):
    nodes: list[str] = Field(description="Node ids from source to target.")
    names: list[str] = Field(description="The names of those nodes, in the same order.")
    hops: int = Field(description="How many ties the path has.")
    score: Score = Field(description="The product of the ties' strengths (4 places).")
    steps: list[StepPublic] = Field(description="The ties in path order.")
    explanation: str = Field(description="Who asks whom to introduce whom, and why.")

    @classmethod
    def from_domain(cls, path: Introduction) -> IntroductionPathPublic:
        return cls(
            nodes=[node.id for node in path.nodes],
            names=[node.name for node in path.nodes],
            hops=path.hops,
            score=path.score,
            steps=[StepPublic.from_domain(step) for step in path.steps],
            explanation=path.explanation,
        )


class IntroductionsPublic(BaseModel):
    source: str
    target: str
    paths: list[IntroductionPathPublic] = Field(
        description="The best paths first; empty when none is short enough."
    )


class IntroducerPublic(ActorBase):
    score: Score = Field(description="The product of the strengths of its ties to a and b.")
    ties: list[TiePublic] = Field(description="Its strongest tie to a, then to b.")

    @classmethod
    def from_domain(cls, introducer: Introducer) -> IntroducerPublic:
        node = introducer.node
        return cls(
            id=node.id,
            kind=node.kind,
            name=node.name,
            score=introducer.score,
            ties=[
                TiePublic.from_domain(introducer.tie_to_a),
                TiePublic.from_domain(introducer.tie_to_b),
            ],
        )


class IntroducersPublic(BaseModel):
    a: str
    b: str
    introducers: list[IntroducerPublic] = Field(description="Best first; may be empty.")
