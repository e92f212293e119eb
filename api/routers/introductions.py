"""Who can introduce whom: introduction paths and common acquaintances (any reader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from api.confidential import answered_in_memory, record_shown, visibility_for
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
from api.threads import run_where
from graph.queries import introductions as queries
from graph.store import Store
from graph.store.keys import ApiKey
from graph.visibility import shown_enterprises

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


async def _answered(
    request: Request,
    store: Store,
    caller: ApiKey,
    work: Callable[[], tuple[BaseModel, set[str]]],
) -> Response:
    """The answer ``work`` gives, as JSON: worked out on the event loop when it needs only
    the graph in memory (:func:`answered_in_memory`), else on a worker thread; the
    enterprises whose confidential ties it showed (the second of what ``work`` returns) are
    recorded in the audit log first. Raises what ``work`` or the audit log raises."""
    answer, shown = await run_where(answered_in_memory(request, store, caller), work)
    await record_shown(request, caller, shown)
    return model_json(answer)


@router.get(
    "/introductions",
    response_model=IntroductionsPublic,
    summary="The best introduction paths from one actor to another",
    responses=_ERRORS,
)
async def introductions(
    request: Request,
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
    ``as_of``: the actors that existed and the ties that held that day, of those the caller
    may see (a confidential tie it may not see does not exist for it; see the README). An
    answer with a confidential tie on a path is recorded in the audit log."""

    def answer() -> tuple[IntroductionsPublic, set[str]]:
        visibility = visibility_for(request, store, caller)
        found = queries.introduction_paths(
            store.as_of(day), source, target, k=k, max_hops=max_hops, visibility=visibility
        )
        kinds = {node.id: node.kind for path in found for node in path.nodes}
        walked = [step.relation for path in found for step in path.steps]
        shown = shown_enterprises(visibility, walked, kinds)
        paths = [IntroductionPathPublic.from_domain(path) for path in found]
        return IntroductionsPublic(source=source, target=target, paths=paths), shown

    return await _answered(request, store, caller, answer)


@router.get(
    "/introducers",
    response_model=IntroducersPublic,
    summary="The actors tied to both a and b",
    responses=_ERRORS,
)
async def introducers(
    request: Request, store: StoreDep, caller: Reader, day: AsOf, a: ActorId, b: ActorId
) -> Response:
    """Best first, by the product of the strengths of the introducer's ties to a and to b,
    in the graph as of ``as_of``; only ties the caller may see count (see the README). An
    answer with a confidential tie is recorded in the audit log."""

    def answer() -> tuple[IntroducersPublic, set[str]]:
        visibility = visibility_for(request, store, caller)
        dated = store.as_of(day)
        found = queries.introducers(dated, a, b, visibility=visibility)
        shown: set[str] = set()
        if found:
            ends = dated.node_kinds({a, b} | {item.node.id for item in found})
            ties = [tie for item in found for tie in (item.tie_to_a, item.tie_to_b)]
            shown = shown_enterprises(visibility, ties, ends)
        introducers = [IntroducerPublic.from_domain(item) for item in found]
        return IntroducersPublic(a=a, b=b, introducers=introducers), shown

    return await _answered(request, store, caller, answer)
