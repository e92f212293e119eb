"""Where the network is weak: the weakness report, what-if, density and its history (any
reader).

Each answer is made by a job (:func:`report_json`, :func:`what_if_json`,
:func:`density_json`, :func:`history_json`) that runs in a heavy work process (see
:mod:`api.heavy`) and returns the JSON; the route only sends it. Each job is given the day
the question is about and asks the graph as of that day (the history reads every day it
covers). The report and what-if are also given what the caller may see of the confidential
ties; density and its history count the whole graph (they reveal no firm)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.confidential import audit_shown, visibility_for
from api.deps import AsOf, Heavy, Reader
from api.errors import responses
from api.heavy import HeavyWork, Job
from api.responses import json_bytes
from api.schemas.shared import ID_PATTERN, PREFECTURE_PATTERN
from api.schemas.weaknesses import (
    DensityHistoryPublic,
    DensityPublic,
    DensityRowPublic,
    DensityYearPublic,
    WeaknessReportPublic,
    WhatIfPublic,
)
from graph.queries import weaknesses as queries
from graph.queries.density import density_table
from graph.queries.history import EARLIEST_YEAR, FIRST_YEAR, density_history, history_years
from graph.queries.what_if import what_if_removed
from graph.store import Store
from graph.store.keys import ApiKey
from graph.store.ports import GraphStore
from graph.valid_time import Day
from graph.visibility import Visibility

router = APIRouter(tags=["weaknesses"])

#: A heavy job whose answer depends on what the caller may see: its JSON and the enterprises
#: whose confidential ties it shows.
SeenJob = Callable[..., tuple[bytes, tuple[str, ...]]]


async def _heavy_answer(request: Request, job: Job, *args: object) -> Response:
    """The JSON answer of ``job``, made by the app's heavy work."""
    work: HeavyWork = request.app.state.heavy_work
    body = await work.run(job, *args)
    return Response(content=body, media_type="application/json")


async def _seen_answer(request: Request, caller: ApiKey, job: SeenJob, *args: object) -> Response:
    """The JSON answer of ``job`` on the graph ``caller`` may see (its visibility is the
    job's last argument), made by the app's heavy work; an answer that showed a confidential
    tie is recorded in the audit log."""
    store: Store = request.app.state.store
    visibility = await run_in_threadpool(visibility_for, request, store, caller)
    work: HeavyWork = request.app.state.heavy_work
    body, concerned = await work.run(job, *args, visibility)
    await run_in_threadpool(audit_shown, request, caller, concerned)
    return Response(content=body, media_type="application/json")


Grouping = Annotated[
    Literal["prefecture", "block"], Query(description="How to group: prefecture or block.")
]

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
    day: AsOf,
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
    hold all. The report is of the graph as of ``as_of``."""
    return await _seen_answer(request, caller, report_json, prefecture, limit, day)


def report_json(
    store: GraphStore,
    prefecture: str | None,
    limit: int,
    day: Day,
    visibility: Visibility | None = None,
) -> tuple[bytes, tuple[str, ...]]:
    """The weakness report's JSON of the graph as of ``day`` as the caller of
    ``visibility`` may see it, and the enterprises whose confidential ties it shows (a heavy
    job). Raises InvalidArgument for a bad scope."""
    report = queries.weakness_report(
        store.as_of(day), prefecture, limit=limit, visibility=visibility
    )
    return json_bytes(WeaknessReportPublic.from_domain(report)), report.confidential


@router.get(
    "/weaknesses/what-if",
    response_model=WhatIfPublic,
    summary="Which enterprises would lose every path to a financier or a centre",
    responses=responses(
        401,
        404,
        422,
        503,
        r404="No node has this id, or it did not exist on `as_of`.",
        r422="Not an actor, or an unknown prefecture code.",
    ),
)
async def what_if(
    request: Request,
    caller: Reader,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    remove: Annotated[str, Query(pattern=ID_PATTERN, description="An actor's id.")],
    prefecture: Prefecture = None,
) -> Response:
    """If the actor left (a specialist retiring, a centre closing): the enterprises that reach
    a financier (or a centre) through ties on ``as_of`` and would reach none."""
    return await _seen_answer(request, caller, what_if_json, remove, prefecture, day)


def what_if_json(
    store: GraphStore,
    remove: str,
    prefecture: str | None,
    day: Day,
    visibility: Visibility | None = None,
) -> tuple[bytes, tuple[str, ...]]:
    """What-if's JSON in the graph as of ``day`` as the caller of ``visibility`` may see
    it, and the enterprises whose confidential ties it shows (a heavy job). Raises NotFound
    for an id not in that graph, InvalidArgument for a node that is not an actor or a bad
    scope."""
    found = what_if_removed(store.as_of(day), remove, prefecture, visibility)
    return json_bytes(WhatIfPublic.from_domain(found)), found.confidential


@router.get(
    "/density",
    response_model=DensityPublic,
    summary="Density by prefecture or block",
    responses=responses(401, 422, 503),
)
async def density(
    request: Request,
    caller: Reader,
    day: AsOf,
    _heavy: Annotated[None, Heavy],
    by: Grouping = "prefecture",
) -> Response:
    """One row per prefecture (or regional block) that has actors on ``as_of``, on its actor
    graph that day, with the inter-centre collaboration density beside it."""
    return await _heavy_answer(request, density_json, by, day)


def density_json(store: GraphStore, by: str, day: Day) -> bytes:
    """The density table's JSON as of ``day`` (a heavy job), grouped ``by`` "prefecture" or
    "block"."""
    rows = density_table(store.as_of(day), by)
    answer = DensityPublic(by=by, rows=[DensityRowPublic.from_domain(row, by) for row in rows])
    return json_bytes(answer)


@router.get(
    "/density/history",
    response_model=DensityHistoryPublic,
    summary="Density by prefecture or block, year by year (as of 1 April)",
    responses=responses(
        401,
        422,
        503,
        r422="A bad grouping, a year out of bounds, or from after to.",
    ),
)
async def density_history_route(
    request: Request,
    caller: Reader,
    _heavy: Annotated[None, Heavy],
    by: Grouping = "prefecture",
    first: Annotated[
        int,
        Query(
            alias="from",
            ge=EARLIEST_YEAR,
            le=9999,
            description=f"The first year ({EARLIEST_YEAR} or later).",
        ),
    ] = FIRST_YEAR,
    last: Annotated[
        int | None,
        Query(
            alias="to",
            ge=EARLIEST_YEAR,
            le=9999,
            description="The last year, at most this year (default this year).",
        ),
    ] = None,
) -> Response:
    """For each year from ``from`` to ``to``, the rows of /v1/density as of 1 April of the
    year (Japan's fiscal year begins then): one row per prefecture (or block) that had
    actors that day, with ``year`` and ``as_of``. Read from the whole history at once."""
    return await _heavy_answer(request, history_json, by, first, last)


def history_json(store: GraphStore, by: str, first: int, last: int | None) -> bytes:
    """The density history's JSON (a heavy job). Raises InvalidArgument for years out of
    bounds (see :func:`graph.queries.history.history_years`)."""
    first, last = history_years(first, last)
    found = density_history(store, by, first, last)
    answer = DensityHistoryPublic(
        by=by,
        from_=first,
        to=last,
        rows=[DensityYearPublic.from_domain(year, by) for year in found],
    )
    return json_bytes(answer)
