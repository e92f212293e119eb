"""Bodies of the routes that read and write the graph itself (:mod:`api.routers.graph`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Discriminator, Field, Tag

from api.schemas.shared import CONTRIBUTOR_DESCRIPTION, ID_PATTERN, ActorBase, TieBase, TiePublic
from graph.model import NodeKind, RelationType

if TYPE_CHECKING:
    from graph.model import Node, Relation
    from graph.provenance import Assertion
    from graph.queries.contributions import EndedNode, RetractedRelation
    from graph.store.ports import Stats

__all__ = [
    "BODY_SHAPES",
    "WITHOUT_PROVENANCE",
    "AssertionPublic",
    "NodeCreate",
    "NodeEndedPublic",
    "NodePublic",
    "NodeTiePublic",
    "NodesWrite",
    "NodesBody",
    "RelationCreate",
    "RelationRetractedPublic",
    "RelationsBody",
    "RelationsWrite",
    "StatsPublic",
    "WriteResult",
    "body_items",
]


class AssertionPublic(BaseModel):
    """One contributor's assertion of a node or a relation."""

    contributor: str = Field(description="Who asserted it.")
    recorded_at: str = Field(description="When it first asserted it (ISO 8601, UTC).")
    last_seen: str = Field(description="When it last asserted it (ISO 8601, UTC).")
    retracted_at: str | None = Field(
        description="When it took it back (ISO 8601, UTC); null while it stands."
    )
    values: dict[str, Any] = Field(
        description="The values it gave: a node's name and columns, a relation's strength, "
        "since and until."
    )

    @classmethod
    def from_domain(cls, assertion: Assertion) -> AssertionPublic:
        return cls(
            contributor=assertion.contributor,
            recorded_at=assertion.recorded_at,
            last_seen=assertion.last_seen,
            retracted_at=assertion.retracted_at,
            values=assertion.values,
        )


def _assertions(found: list[Assertion] | None) -> list[AssertionPublic] | None:
    return None if found is None else [AssertionPublic.from_domain(a) for a in found]


#: What the node route leaves out of its answer when provenance is not asked for.
WITHOUT_PROVENANCE: dict[str, Any] = {"provenance": True, "ties": {"__all__": {"provenance"}}}

_PROVENANCE = (
    "With provenance=true only: every contributor's assertion, in contributor order "
    "(empty for a derived tie)."
)


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
    provenance: list[AssertionPublic] | None = Field(default=None, description=_PROVENANCE)

    @classmethod
    def from_domain(
        cls,
        tie: Relation,
        other: Node,
        derived: bool,
        provenance: list[Assertion] | None = None,
    ) -> NodeTiePublic:
        """``tie`` of a node, whose other end is ``other``, with its assertions when
        asked."""
        return cls(
            source=tie.source,
            type=tie.type,
            target=tie.target,
            strength=tie.strength,
            since=tie.since,
            until=tie.until,
            other=other.id,
            other_name=other.name,
            other_kind=other.kind,
            derived=derived,
            provenance=_assertions(provenance),
        )


class NodePublic(ActorBase):
    properties: dict[str, Any] = Field(description="The kind's other columns that have a value.")
    ties: list[NodeTiePublic] = Field(
        default_factory=list, description="Every relation of the node, then its derived ties."
    )
    provenance: list[AssertionPublic] | None = Field(default=None, description=_PROVENANCE)
    merged_from: str | None = Field(
        default=None,
        description="The id asked for, when it is that of a node merged into this one (an "
        "alias); null otherwise.",
    )

    @classmethod
    def from_domain(
        cls,
        node: Node,
        ties: list[NodeTiePublic],
        provenance: list[Assertion] | None = None,
        merged_from: str | None = None,
    ) -> NodePublic:
        """``node`` with its ``ties`` (made by :meth:`NodeTiePublic.from_domain`) and, when
        asked, its assertions; ``merged_from``, the alias it was asked by. The other
        properties are nested, since a centre's or financier's own ``kind`` column would
        otherwise clash with the node kind."""
        return cls(
            id=node.id,
            kind=node.kind,
            name=node.name,
            properties=dict(node.props),
            ties=ties,
            provenance=_assertions(provenance),
            merged_from=merged_from,
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
    until: date | None = Field(
        default=None,
        description="When the tie stopped holding (YYYY-MM-DD, after since): it held until the "
        "day before. Absent: it holds.",
    )


_CONTRIBUTOR = (
    f"{CONTRIBUTOR_DESCRIPTION} Who the writes are attributed to: an admin key may name "
    "anyone (default `admin`); a centre key writes as its centre."
)


class NodesWrite(BaseModel):
    """Nodes to write, attributed to a contributor."""

    contributor: str | None = Field(default=None, pattern=ID_PATTERN, description=_CONTRIBUTOR)
    nodes: list[NodeCreate]


class RelationsWrite(BaseModel):
    """Relations to write, attributed to a contributor."""

    contributor: str | None = Field(default=None, pattern=ID_PATTERN, description=_CONTRIBUTOR)
    relations: list[RelationCreate]


def _shape(value: Any) -> str:
    """Which shape a write's body has: a plain list, or an object that names a contributor."""
    return "list" if isinstance(value, list) else "batch"


#: The body of POST /v1/nodes: a list of nodes, or {"contributor", "nodes"}.
NodesBody = Annotated[
    Annotated[list[NodeCreate], Tag("list")] | Annotated[NodesWrite, Tag("batch")],
    Discriminator(_shape),
]
#: The body of POST /v1/relations: a list of relations, or {"contributor", "relations"}.
RelationsBody = Annotated[
    Annotated[list[RelationCreate], Tag("list")] | Annotated[RelationsWrite, Tag("batch")],
    Discriminator(_shape),
]

#: The tags of the two shapes, which a validation error names after ``body``.
BODY_SHAPES = frozenset({"list", "batch"})


def body_items(
    body: list[NodeCreate] | NodesWrite | list[RelationCreate] | RelationsWrite,
) -> tuple[str | None, list[Any]]:
    """(the contributor the body names or None, its items) of a write's body."""
    if isinstance(body, NodesWrite):
        return body.contributor, list(body.nodes)
    if isinstance(body, RelationsWrite):
        return body.contributor, list(body.relations)
    return None, list(body)


class WriteResult(BaseModel):
    written: int


class RelationRetractedPublic(BaseModel):
    retracted: int = Field(description="How many assertions were taken back (1).")
    relation: TiePublic = Field(
        description="The relation now: the latest standing assertion's values, or, when no "
        "contributor asserts it any longer, ended (`until` the day of the retraction)."
    )

    @classmethod
    def from_domain(cls, done: RetractedRelation) -> RelationRetractedPublic:
        return cls(retracted=done.retracted, relation=TiePublic.from_domain(done.relation))


class NodeEndedPublic(ActorBase):
    ended: str | None = Field(description="The day the node ended (YYYY-MM-DD).")
    retracted: int = Field(
        description="How many assertions were taken back, of the node and of its ties."
    )
    ended_ties: int = Field(description="How many of its ties ended with it.")

    @classmethod
    def from_domain(cls, done: EndedNode) -> NodeEndedPublic:
        node = done.node
        return cls(
            id=node.id,
            kind=node.kind,
            name=node.name,
            ended=node.props.get("ended"),
            retracted=done.retracted,
            ended_ties=done.ended_ties,
        )
