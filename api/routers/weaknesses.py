"""Where the network is weak: the weakness report, what-if and density (any reader).

Each answer is made by a job (:func:`report_json`, :func:`what_if_json`,
:func:`density_json`) that runs in a heavy work process (see :mod:`api.heavy`) and returns
the JSON; the route only sends it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.deps import Heavy, Reader
from api.errors import responses
from api.heavy import HeavyWork, Job
from api.responses import json_bytes
from api.schemas.shared import ID_PATTERN, PREFECTURE_PATTERN
from api.schemas.weaknesses import (
    DensityPublic,
    DensityRowPublic,
    WeaknessReportPublic,
    WhatIfPublic,
)
from graph.queries import weaknesses as queries
from graph.queries.density import density_table
from graph.queries.what_if import what_if_removed
from graph.store.ports import GraphStore

router = APIRouter(tags=["weaknesses"])


async def _heavy_answer(request: Request, job: Job, *args: object) -> Response:
    """The JSON answer of ``job``, made by the app's heavy work."""
    work: HeavyWork = request.app.state.heavy_work
    body = await work.run(job, *args)
    return Response(content=body, media_type="application/json")


Prefecture = Annotated[
    str | None,
    Query(
        pattern=PREFECTURE_PATTERN,
        description="A JIS X 0401 prefecture code, 01 to 47; the whole network without it.",
    ),
]


@router.get(
    "/weaknesses",
    response_model=WeaknessReportPublic,
    summary="The weakness report of a prefecture or of the whole network",
    responses=responses(401, 422, 503, r422="An unknown prefecture code or a bad limit."),
)
async def weaknesses(
    request: Request,
    caller: Reader,
    _heavy: Annotated[None, Heavy],
    prefecture: Prefecture = None,
    limit: Annotated[
        int,
        Query(ge=1, le=queries.MAX_LIMIT, description="Findings listed of each kind, at most."),
    ] = queries.DEFAULT_LIMIT,
) -> Response:
    """At most a few heavy requests (this report, what-if, density and the network pages) run
    at once; past that the answer is 503 with ``Retry-After``.

    Articulation points, bridges, isolated actors, unfinanced and unsupported enterprises,
    unused assets, overloaded centres, components and brokers of the scope's actor graph; each
    node finding with a computed suggestion. Lists hold the most telling findings first; counts
    hold all."""
    return await _heavy_answer(request, report_json, prefecture, limit)


def report_json(store: GraphStore, prefecture: str | None, limit: int) -> bytes:
    """The weakness report's JSON (a heavy job). Raises InvalidArgument for a bad scope."""
    report = queries.weakness_report(store, prefecture, limit=limit)
    return json_bytes(WeaknessReportPublic.from_domain(report))


@router.get(
    "/weaknesses/what-if",
    response_model=WhatIfPublic,
    summary="Which enterprises would lose every path to a financier or a centre",
    responses=responses(
        401,
        404,
        422,
        503,
        r404="No node has this id.",
        r422="Not an actor, or an unknown prefecture code.",
    ),
)
async def what_if(
    request: Request,
    caller: Reader,
    _heavy: Annotated[None, Heavy],
    remove: Annotated[str, Query(pattern=ID_PATTERN, description="An actor's id.")],
    prefecture: Prefecture = None,
) -> Response:
    """If the actor left (a specialist retiring, a centre closing): the enterprises that reach
    a financier (or a centre) through ties now and would reach none."""
    return await _heavy_answer(request, what_if_json, remove, prefecture)


def what_if_json(store: GraphStore, remove: str, prefecture: str | None) -> bytes:
    """What-if's JSON (a heavy job). Raises NotFound for an unknown id, InvalidArgument for
    a node that is not an actor or a bad scope."""
    found = what_if_removed(store, remove, prefecture)
    return json_bytes(WhatIfPublic.from_domain(found))


@router.get(
    "/density",
    response_model=DensityPublic,
    summary="Density by prefecture or block",
    responses=responses(401, 422, 503),
)
async def density(
    request: Request,
    caller: Reader,
    _heavy: Annotated[None, Heavy],
    by: Annotated[Literal["prefecture", "block"], Query(description="How to group.")] = (
        "prefecture"
    ),
) -> Response:
    """One row per prefecture (or regional block) that has actors, on its actor graph, with
    the inter-centre collaboration density beside it."""
    return await _heavy_answer(request, density_json, by)


def density_json(store: GraphStore, by: str) -> bytes:
    """The density table's JSON (a heavy job), grouped ``by`` "prefecture" or "block"."""
    rows = density_table(store, by)
    answer = DensityPublic(by=by, rows=[DensityRowPublic.from_domain(row, by) for row in rows])
    return json_bytes(answer)
