"""Referrals between centres: candidates, and the closed loop of one referral."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status

from api.confidential import visibility_for
from api.deps import AsOf, Reader, StoreDep, require_roles
from api.deps import Caller as CallerKey
from api.errors import responses
from api.responses import model_json
from api.schemas.referrals import (
    CandidatePublic,
    CandidatesPublic,
    ReferralCreate,
    ReferralList,
    ReferralMove,
    ReferralPublic,
)
from api.schemas.shared import ID_PATTERN
from graph.model import Expertise
from graph.queries import referrals as queries
from graph.store.keys import ApiKey, Role
from graph.valid_time import today

router = APIRouter(prefix="/referrals", tags=["referrals"])

CentreOrAdmin = Annotated[ApiKey, Depends(require_roles(Role.CENTRE, Role.ADMIN))]


def _caller(key: ApiKey) -> queries.Caller:
    return queries.Caller(
        name=key.name,
        centre=key.centre if key.role is Role.CENTRE else None,
        admin=key.role is Role.ADMIN,
    )


NOT_VISIBLE = "No referral with this id that the caller may see."
ReferralId = Annotated[str, Path(pattern=ID_PATTERN, description="A referral's id.")]


@router.get(
    "/candidates",
    response_model=CandidatesPublic,
    summary="Centres that could take a referral for an enterprise and a need",
    responses=responses(
        401, 404, 422, 503, r404="No enterprise has this id, or it did not exist on `as_of`."
    ),
)
def candidates(
    request: Request,
    store: StoreDep,
    key: Reader,
    day: AsOf,
    enterprise: Annotated[str, Query(pattern=ID_PATTERN, description="The enterprise's id.")],
    need: Annotated[Expertise, Query(description="An expertise word.")],
) -> Response:
    """The centres as of ``as_of`` (their specialists, affiliations and ties that day); the
    referrals they received count as they stand now. Only ties the caller may see give a
    reason (see the README on confidential ties)."""
    # the only ties the candidates' reasons walk are the caller's centre's collaborations
    visibility = visibility_for(request, store, key, shown=queries.CANDIDATE_TIE_TYPES)
    found = queries.candidates(
        store.as_of(day), _caller(key), enterprise, need.value, visibility=visibility
    )
    answer = CandidatesPublic(
        enterprise=enterprise,
        need=need,
        candidates=[CandidatePublic.from_domain(candidate) for candidate in found],
    )
    return model_json(answer)


@router.post(
    "",
    response_model=ReferralPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Refer an enterprise to another centre (centre or admin keys)",
    responses=responses(
        401,
        403,
        404,
        409,
        r403="Not a centre or admin key, or a centre key sending for another centre.",
        r404="No centre or enterprise has one of these ids.",
        r409="The Idempotency-Key was used for another referral, or the same referral is "
        "still open (unless `allow_duplicate`).",
    ),
)
def create(
    store: StoreDep,
    key: CentreOrAdmin,
    body: ReferralCreate,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=queries.MAX_REQUEST_KEY,
            description="Makes a retried POST return the first referral "
            "(`Idempotent-Replayed: true`).",
        ),
    ] = None,
) -> Response:
    """An admin key names the sending centre in ``from_centre`` (required then); a centre
    key sends for its own centre. A second open referral of the same enterprise to the same
    centre for the same need is 409 naming the open one, unless ``allow_duplicate``. The
    centres and the enterprise must exist today (one that ended is a 404 that says so)."""
    referral, created = queries.create_referral(
        store.as_of(today()),
        _caller(key),
        body.enterprise,
        body.to_centre,
        body.need.value,
        body.note,
        request_key=idempotency_key,
        from_centre=body.from_centre,
        allow_duplicate=body.allow_duplicate,
    )
    answer = model_json(ReferralPublic.from_domain(referral), status.HTTP_201_CREATED)
    if not created:
        answer.headers["Idempotent-Replayed"] = "true"
    return answer


@router.get(
    "",
    response_model=ReferralList,
    summary="The caller's centre's referrals, newest first (centre or admin keys)",
    responses=responses(401, 403, 422, 503),
)
def list_referrals(
    store: StoreDep,
    key: CentreOrAdmin,
    box: Annotated[Literal["inbox", "outbox"] | None, Query()] = None,
    centre: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="Admins: whose referrals.")
    ] = None,
) -> Response:
    found = queries.list_referrals(store, _caller(key), box, centre)
    return model_json(ReferralList(referrals=[ReferralPublic.from_domain(r) for r in found]))


@router.get(
    "/{referral_id}",
    response_model=ReferralPublic,
    summary="One referral (its two centres and admins only)",
    responses=responses(401, 404, 422, 503, r404=NOT_VISIBLE),
)
def get_one(store: StoreDep, key: CallerKey, referral_id: ReferralId) -> Response:
    found = queries.get_referral(store, _caller(key), referral_id)
    return model_json(ReferralPublic.from_domain(found))


@router.patch(
    "/{referral_id}",
    response_model=ReferralPublic,
    summary="Move a referral on (see the table of moves in the README)",
    responses=responses(
        401,
        403,
        404,
        409,
        r403="A move that belongs to the other centre.",
        r404=NOT_VISIBLE,
        r409="A move that is not allowed now (or someone moved it first).",
    ),
)
def move(store: StoreDep, key: CallerKey, referral_id: ReferralId, body: ReferralMove) -> Response:
    moved = queries.move_referral(
        store, _caller(key), referral_id, body.status.value, body.reason, body.outcome
    )
    return model_json(ReferralPublic.from_domain(moved))
