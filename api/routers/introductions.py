"""Who can introduce whom: introduction paths and common acquaintances (any reader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AsOf, Reader, StoreDep
from api.errors import responses
from api.responses import model_json
from api.schemas.introductions import (
    IntroducerPublic,
    IntroducersPublic,
    IntroductionPathPublic,
    IntroductionsPublic,
)
from api.schemas.shared import ID_PATTERN
from graph.queries import introductions as queries

router = APIRouter(tags=["introductions"])

ActorId = Annotated[str, Query(pattern=ID_PATTERN, description="An actor's id.")]

_ERRORS = responses(
    401,
    404,
    422,
    503,
    r404="No node has one of these ids, or one did not exist on `as_of`.",
    r422="A bad parameter: out of range, the same actor twice, or not an actor.",
)


@router.get(
    "/introductions",
    response_model=IntroductionsPublic,
    summary="The best introduction paths from one actor to another",
    responses=_ERRORS,
)
def introductions(
    store: StoreDep,
    caller: Reader,
    day: AsOf,
    source: ActorId,
    target: ActorId,
    k: Annotated[
        int, Query(ge=1, le=queries.MAX_K, description="How many paths, best first.")
    ] = queries.DEFAULT_K,
    max_hops: Annotated[
        int, Query(ge=1, le=queries.MAX_HOPS, description="The most ties a path may have.")
    ] = queries.DEFAULT_MAX_HOPS,
) -> Response:
    """Paths run through actors only and visit no node twice. A path's score is the product
    of its ties' strengths (the strongest tie counts between two nodes); equal scores are
    ordered by fewer hops, then by the node ids. The paths run through the graph as of
    ``as_of``: the actors that existed and the ties that held that day."""
    found = queries.introduction_paths(store.as_of(day), source, target, k=k, max_hops=max_hops)
    answer = IntroductionsPublic(
        source=source,
        target=target,
        paths=[IntroductionPathPublic.from_domain(path) for path in found],
    )
    return model_json(answer)


@router.get(
    "/introducers",
    response_model=IntroducersPublic,
    summary="The actors tied to both a and b",
    responses=_ERRORS,
)
def introducers(store: StoreDep, caller: Reader, day: AsOf, a: ActorId, b: ActorId) -> Response:
    """Best first, by the product of the strengths of the introducer's ties to a and to b,
    in the graph as of ``as_of``."""
    found = queries.introducers(store.as_of(day), a, b)
    answer = IntroducersPublic(
        a=a,
        b=b,
        introducers=[IntroducerPublic.from_domain(item) for item in found],
    )
    return model_json(answer)
