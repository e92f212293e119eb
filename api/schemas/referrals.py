"""Bodies of the referral routes (:mod:`api.routers.referrals`): candidates, and the closed
loop of one referral."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.shared import ID_PATTERN, Score
from graph.model import Expertise
from graph.referral_lifecycle import ReferralStatus

if TYPE_CHECKING:
    from graph.model import Node
    from graph.queries.referrals import Candidate
    from graph.referral_lifecycle import Referral, ReferralEvent

__all__ = [
    "CandidatePublic",
    "CandidatesPublic",
    "CentreBrief",
    "ReferralCreate",
    "ReferralEventPublic",
    "ReferralList",
    "ReferralMove",
    "ReferralPublic",
]


class CentreBrief(BaseModel):
    id: str
    name: str
    prefecture: str | None = None

    @classmethod
    def from_domain(cls, centre: Node) -> CentreBrief:
        return cls(id=centre.id, name=centre.name, prefecture=centre.prefecture)


class CandidatePublic(BaseModel):
    centre: CentreBrief
    score: Score = Field(description="0 to 1; the weights are in the README.")
    specialists: list[str] = Field(description="Affiliated specialists with the need.")
    reasons: list[str] = Field(description="One sentence for each part of the score.")
    parts: dict[str, Score] = Field(description="expertise, capacity, closeness, record.")

    @classmethod
    def from_domain(cls, candidate: Candidate) -> CandidatePublic:
        return cls(
            centre=CentreBrief.from_domain(candidate.centre),
            score=candidate.score,
            specialists=candidate.specialists,
            reasons=candidate.reasons,
            parts=candidate.parts,
        )


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
    model_config = ConfigDict(populate_by_name=True)

    at: str
    by: str
    status: ReferralStatus
    from_: str | None = Field(default=None, alias="from")
    reason: str | None = None
    outcome: str | None = None

    @classmethod
    def from_domain(cls, event: ReferralEvent) -> ReferralEventPublic:
        return cls(
            at=event.at,
            by=event.by,
            status=event.status,
            from_=event.previous,
            reason=event.reason,
            outcome=event.outcome,
        )


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

    @classmethod
    def from_domain(cls, referral: Referral) -> ReferralPublic:
        return cls(
            id=referral.id,
            from_centre=referral.from_centre,
            to_centre=referral.to_centre,
            enterprise=referral.enterprise,
            need=referral.need,
            note=referral.note,
            status=referral.status,
            outcome=referral.outcome,
            created_at=referral.created_at,
            updated_at=referral.updated_at,
            history=[ReferralEventPublic.from_domain(event) for event in referral.history],
        )


class ReferralList(BaseModel):
    referrals: list[ReferralPublic]
