"""Referrals between centres: candidates, and the closed loop of one referral."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Response, status

from api.deps import Caller as CallerKey
from api.deps import Reader, StoreDep, require_roles
from api.keys import ApiKey, Role
from api.schemas import (
    CandidatePublic,
    CandidatesPublic,
    CentreBrief,
    ReferralCreate,
    ReferralList,
    ReferralMove,
    ReferralPublic,
)
from graph.queries import referrals as queries
from graph.referrals import Referral

router = APIRouter(prefix="/referrals", tags=["referrals"])

CentreOrAdmin = Annotated[ApiKey, Depends(require_roles(Role.CENTRE, Role.ADMIN))]


def _caller(key: ApiKey) -> queries.Caller:
    return queries.Caller(
        name=key.name,
        centre=key.centre if key.role is Role.CENTRE else None,
        admin=key.role is Role.ADMIN,
    )


def _public(referral: Referral) -> ReferralPublic:
    return ReferralPublic.model_validate(referral.as_dict())


NOT_VISIBLE = {404: {"description": "No referral with this id that the caller may see."}}


@router.get(
    "/candidates",
    response_model=CandidatesPublic,
    summary="Centres that could take a referral for an enterprise and a need",
)
def candidates(
    store: StoreDep,
    key: Reader,
    enterprise: Annotated[str, Query(max_length=64, description="The enterprise's id.")],
    need: Annotated[str, Query(max_length=64, description="An expertise word.")],
) -> CandidatesPublic:
    found = queries.candidates(store, _caller(key), enterprise, need)
    return CandidatesPublic(
        enterprise=enterprise,
        need=need,
        candidates=[
            CandidatePublic(
                centre=CentreBrief(
                    id=c.centre.id, name=c.centre.name, prefecture=c.centre.prefecture
                ),
                score=c.score,
                specialists=c.specialists,
                reasons=c.reasons,
                parts=c.parts,
            )
            for c in found
        ],
    )


@router.post(
    "",
    response_model=ReferralPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Refer an enterprise to another centre (centre or admin keys)",
    responses={409: {"description": "The Idempotency-Key was used for another referral."}},
)
def create(
    store: StoreDep,
    key: CentreOrAdmin,
    body: ReferralCreate,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(description="Makes a retried POST return the first referral."),
    ] = None,
) -> ReferralPublic:
    referral, created = queries.create_referral(
        store,
        _caller(key),
        body.enterprise,
        body.to_centre,
        body.need,
        body.note,
        request_key=idempotency_key,
        from_centre=body.from_centre,
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return _public(referral)


@router.get(
    "",
    response_model=ReferralList,
    summary="The caller's centre's referrals, newest first (centre or admin keys)",
)
def list_referrals(
    store: StoreDep,
    key: CentreOrAdmin,
    box: Annotated[Literal["inbox", "outbox"] | None, Query()] = None,
    centre: Annotated[
        str | None, Query(max_length=64, description="Admins: whose referrals.")
    ] = None,
) -> ReferralList:
    found = queries.list_referrals(store, _caller(key), box, centre)
    return ReferralList(referrals=[_public(r) for r in found])


@router.get(
    "/{referral_id}",
    response_model=ReferralPublic,
    summary="One referral (its two centres and admins only)",
    responses=NOT_VISIBLE,
)
def get_one(store: StoreDep, key: CallerKey, referral_id: str) -> ReferralPublic:
    return _public(queries.get_referral(store, _caller(key), referral_id))


@router.patch(
    "/{referral_id}",
    response_model=ReferralPublic,
    summary="Move a referral on (see the table of moves in the README)",
    responses={**NOT_VISIBLE, 409: {"description": "A move that is not allowed now."}},
)
def move(store: StoreDep, key: CallerKey, referral_id: str, body: ReferralMove) -> ReferralPublic:
    moved = queries.move_referral(
        store, _caller(key), referral_id, body.status, body.reason, body.outcome
    )
    return _public(moved)
