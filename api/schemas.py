"""Response and request bodies of the API (the ``Public`` and ``Create`` families)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from graph.model import Expertise, NodeKind, RelationType
from graph.queries.readable import readable
from graph.referral_lifecycle import ReferralStatus

#: A JIS X 0401 prefecture code, 01 to 47.
PREFECTURE_PATTERN = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"
#: An id of the dataset: 1 to 64 of A-Z a-z 0-9 _ . : -
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


#: A score, strength or measure a person reads: sent to 4 significant digits.
Score = Annotated[float, PlainSerializer(readable, return_type=float)]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    backend: Literal["embedded", "neo4j"]


class StatsPublic(BaseModel):
    nodes: dict[str, int] = Field(description="Node count by kind.")
    relations: dict[str, int] = Field(description="Relation count by type.")
    derived_relations: dict[str, int] = Field(
        default_factory=dict,
        description="Ties the store derives rather than loads, by type: COLLABORATES_WITH "
        "between two centres that completed referrals together.",
    )


class TiePublic(BaseModel):
    source: str
    type: RelationType
    target: str
    strength: Score
    since: str | None = None


class NodeTiePublic(TiePublic):
    """A tie of a node, with the node at its other end."""

    other: str = Field(description="The id of the node at the other end.")
    other_name: str = Field(description="Its name.")
    other_kind: NodeKind = Field(description="Its kind.")
    derived: bool = Field(
        description="True for a tie derived from completed referrals between two centres "
        "(it counts for introductions and is not in the dataset)."
    )


class NodePublic(BaseModel):
    id: str
    kind: NodeKind
    name: str
    properties: dict[str, Any] = Field(description="The kind's other columns that have a value.")
    ties: list[NodeTiePublic] = Field(
        default_factory=list, description="Every relation of the node, then its derived ties."
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


class StepPublic(BaseModel):
    """One tie of an introduction path, walked from ``from`` to ``to``."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="The node this step leaves.")
    type: RelationType = Field(description="The relation type of the tie (the strongest).")
    to: str = Field(description="The node this step reaches.")
    strength: Score
    source: str = Field(description="The relation's own source (relations have a direction).")
    target: str = Field(description="The relation's own target.")


class IntroductionPathPublic(BaseModel):
    nodes: list[str] = Field(description="Node ids from source to target.")
    names: list[str] = Field(description="The names of those nodes, in the same order.")
    hops: int = Field(description="How many ties the path has.")
    score: Score = Field(description="The product of the ties' strengths (4 places).")
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
    kind: NodeKind
    name: str
    score: Score = Field(description="The product of the strengths of its ties to a and b.")
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
    score: Score = Field(description="0 to 1; the weights are in the README.")
    specialists: list[str] = Field(description="Affiliated specialists with the need.")
    reasons: list[str] = Field(description="One sentence for each part of the score.")
    parts: dict[str, Score] = Field(description="expertise, capacity, closeness, record.")


class CandidatesPublic(BaseModel):
    enterprise: str
    need: Expertise
    candidates: list[CandidatePublic]


class ReferralCreate(BaseModel):
    enterprise: str = Field(pattern=ID_PATTERN, description="The enterprise's id.")
    to_centre: str = Field(pattern=ID_PATTERN, description="The receiving centre's id.")
    need: Expertise = Field(description="What the enterprise needs, as an expertise word.")
    note: str = Field(default="", max_length=2000)
    from_centre: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="The sending centre: required with an admin key; a centre key sends "
        "for its own centre and may omit it (or name its own).",
    )
    allow_duplicate: bool = Field(
        default=False,
        description="Refer again although a referral of the same enterprise to the same "
        "centre for the same need is still open (otherwise 409 naming it).",
    )


class ReferralMove(BaseModel):
    status: ReferralStatus = Field(description="The status to move to.")
    reason: str | None = Field(default=None, max_length=2000)
    outcome: str | None = Field(default=None, max_length=2000)


class ReferralEventPublic(BaseModel):
    at: str
    by: str
    status: ReferralStatus
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
    status: ReferralStatus
    outcome: str | None = None
    created_at: str
    updated_at: str
    history: list[ReferralEventPublic]


class ReferralList(BaseModel):
    referrals: list[ReferralPublic]
