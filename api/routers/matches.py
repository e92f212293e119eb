"""Candidate duplicates (admin): the enterprises and financiers that two contributors may
have loaded under different ids.

The answer is made by a job (:func:`matches_json`) that runs in a heavy work process (see
:mod:`api.heavy`) and returns the JSON; the route only sends it. The job is given the day the
question is about and reads the nodes that exist that day."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from api.deps import Admin, AsOf, Heavy
from api.errors import responses
from api.heavy import HeavyWork
from api.responses import json_bytes
from api.schemas.shared import PREFECTURE_PATTERN, Score
from graph.matching import DEFAULT_MIN_SCORE, Candidate
from graph.queries.matches import match_candidates
from graph.store.ports import GraphStore
from graph.valid_time import Day

__all__ = ["MatchPublic", "MatchesPublic", "matches_json", "router"]

router = APIRouter(tags=["matches"])


class MatchPublic(BaseModel):
    # one candidate pair as an answer shows it (no docstring: it would become the
    # schema's description)
    a: str = Field(description="The id that sorts first.")
    b: str = Field(description="The other id.")
    score: Score = Field(
        description="How likely both ids are one entity, 0 to 1 (1: the same corporate number)."
    )
    reasons: list[str] = Field(description="Why, as short sentences.")

    @classmethod
    def from_domain(cls, candidate: Candidate) -> MatchPublic:
        return cls(
            a=candidate.a, b=candidate.b, score=candidate.score, reasons=list(candidate.reasons)
        )


class MatchesPublic(BaseModel):
    matches: list[MatchPublic] = Field(description="Candidate pairs, best first.")


@router.get(
    "/matches",
    response_model=MatchesPublic,
    summary="Candidate duplicates: enterprises or financiers that may be one entity",
    responses=responses(
        401, 403, 422, 503, r422="An unknown prefecture code or a min_score outside 0 to 1."
    ),
)
async def matches(
    request: Request,
    caller: Admin,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    prefecture: Annotated[
        str | None,
        Query(
            pattern=PREFECTURE_PATTERN,
            description="A JIS X 0401 prefecture code, 01 to 47; the whole network without it.",
        ),
    ] = None,
    min_score: Annotated[
        float,
        Query(ge=0, le=1, description="The lowest score a pair is listed with, 0 to 1."),
    ] = DEFAULT_MIN_SCORE,
) -> Response:
    """At most a few heavy requests run at once; past that the answer is 503 with
    ``Retry-After``.

    Pairs of enterprises (or of financiers) of one prefecture whose names, once legal forms,
    widths and kana are set aside, are the same or nearly so, raised by the same phone number
    or address and lowered by different ones; two with the same corporate number score 1
    (wherever they are), two with different numbers are never listed. Each pair has ids
    ``a`` < ``b``, its ``score`` and its ``reasons``; best first, then by ids. Of the nodes
    that exist on ``as_of``."""
    work: HeavyWork = request.app.state.heavy_work
    body = await work.run(matches_json, prefecture, min_score, day)
    return Response(content=body, media_type="application/json")


def matches_json(store: GraphStore, prefecture: str | None, min_score: float, day: Day) -> bytes:
    """The candidate duplicates' JSON as of ``day`` (a heavy job). Raises InvalidArgument
    for an unknown prefecture code or a min_score outside [0, 1]."""
    found = match_candidates(store, prefecture=prefecture, min_score=min_score, day=day)
    return json_bytes(MatchesPublic(matches=[MatchPublic.from_domain(c) for c in found]))
