"""Bodies of the routes that read and write the graph itself (:mod:`api.routers.graph`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from api.schemas.shared import ID_PATTERN, ActorBase, TieBase
from graph.model import NodeKind, RelationType

if TYPE_CHECKING:
    from graph.model import Node, Relation
    from graph.store.ports import Stats

__all__ = [
    "NodeCreate",
    "NodePublic",
    "NodeTiePublic",
    "RelationCreate",
    "StatsPublic",
    "WriteResult",
]


class StatsPublic(BaseModel):
    nodes: dict[str, int] = Field(description="Node count by kind.")
    relations: dict[str, int] = Field(description="Relation count by type.")
    derived_relations: dict[str, int] = Field(
        default_factory=dict,
        description="Ties the store derives rather than loads, by type: COLLABORATES_WITH "
        "between two centres that completed referrals together.",
    )

    @classmethod
    def from_domain(cls, stats: Stats) -> StatsPublic:
        return cls(
            nodes=stats.nodes,
            relations=stats.relations,
            derived_relations=stats.derived_relations,
        )


class NodeTiePublic(TieBase):
    """A tie of a node, with the node at its other end."""

    other: str = Field(description="The id of the node at the other end.")
    other_name: str = Field(description="Its name.")
    other_kind: NodeKind = Field(description="Its kind.")
    derived: bool = Field(
        description="True for a tie derived from completed referrals between two centres "
        "(it counts for introductions and is not in the dataset)."
    )

    @classmethod
    def from_domain(cls, tie: Relation, other: Node, derived: bool) -> NodeTiePublic:
        """``tie`` of a node, whose other end is ``other``."""
        return cls(
            source=tie.source,
            type=tie.type,
            target=tie.target,
            strength=tie.strength,
            since=tie.since,
            other=other.id,
            other_name=other.name,
            other_kind=other.kind,
            derived=derived,
        )


class NodePublic(ActorBase):
    properties: dict[str, Any] = Field(description="The kind's other columns that have a value.")
    ties: list[NodeTiePublic] = Field(
        default_factory=list, description="Every relation of the node, then its derived ties."
    )

    @classmethod
    def from_domain(cls, node: Node, ties: list[NodeTiePublic]) -> NodePublic:
        """``node`` with its ``ties`` (made by :meth:`NodeTiePublic.from_domain`). The other
        properties are nested, since a centre's or financier's own ``kind`` column would
        otherwise clash with the node kind."""
        return cls(
            id=node.id, kind=node.kind, name=node.name, properties=dict(node.props), ties=ties
        )


class NodeCreate(BaseModel):
    """A node to create or update, with the columns of its dataset file."""

    kind: NodeKind = Field(description="Which dataset file's columns `values` holds.")
    values: dict[str, Any] = Field(description="The columns of the kind's file, by name.")


class RelationCreate(BaseModel):
    source: str = Field(pattern=ID_PATTERN, description="The source node's id.")
    type: RelationType
    target: str = Field(pattern=ID_PATTERN, description="The target node's id.")
    strength: float | None = Field(default=None, gt=0, le=1, description="Absent: 0.5.")
    since: date | None = Field(default=None, description="When the tie began (YYYY-MM-DD).")


class WriteResult(BaseModel):
    written: int
