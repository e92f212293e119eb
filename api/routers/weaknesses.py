"""Where the network is weak: the weakness report, what-if and density (any reader)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import Reader, StoreDep
from api.responses import model_json
from api.schemas_analytics import (
    ActorPublic,
    DensityPublic,
    DensityRowPublic,
    WeaknessReportPublic,
    WhatIfPublic,
)
from graph.japan import block_of
from graph.model import Node
from graph.queries import weaknesses as queries
from graph.queries.density import density_table

router = APIRouter(tags=["weaknesses"])

Prefecture = Annotated[
    str | None,
    Query(description="A JIS X 0401 prefecture code, 01 to 47; the whole network without it."),
]


@router.get(
    "/weaknesses",
    response_model=WeaknessReportPublic,
    summary="The weakness report of a prefecture or of the whole network",
    responses={422: {"description": "An unknown prefecture code or a bad limit."}},
)
def weaknesses(
    store: StoreDep,
    caller: Reader,
    prefecture: Prefecture = None,
    limit: Annotated[
        int,
        Query(ge=1, le=queries.MAX_LIMIT, description="Findings listed of each kind, at most."),
    ] = queries.DEFAULT_LIMIT,
) -> Response:
    """Articulation points, bridges, isolated actors, unfinanced and unsupported enterprises,
    unused assets, overloaded centres, components and brokers of the scope's actor graph; each
    node finding with a computed suggestion. Lists hold the most telling findings first; counts
    hold all."""
    report = queries.weakness_report(store, prefecture, limit=limit)
    return model_json(WeaknessReportPublic.model_validate(report))


def _actor(node: Node) -> ActorPublic:
    return ActorPublic(id=node.id, kind=node.kind.value, name=node.name, prefecture=node.prefecture)


@router.get(
    "/weaknesses/what-if",
    response_model=WhatIfPublic,
    summary="Which enterprises would lose every path to a financier or a centre",
    responses={
        404: {"description": "No node has this id."},
        422: {"description": "Not an actor, or an unknown prefecture code."},
    },
)
def what_if(
    store: StoreDep,
    caller: Reader,
    remove: Annotated[str, Query(min_length=1, max_length=64, description="An actor's id.")],
    prefecture: Prefecture = None,
) -> Response:
    """If the actor left (a specialist retiring, a centre closing): the enterprises that reach
    a financier (or a centre) through ties now and would reach none."""
    found = queries.what_if_removed(store, remove, prefecture)
    answer = WhatIfPublic(
        removed=_actor(found.removed),
        prefecture=found.prefecture,
        lose_financier=[_actor(n) for n in found.lose_financier],
        lose_centre=[_actor(n) for n in found.lose_centre],
    )
    return model_json(answer)


@router.get("/density", response_model=DensityPublic, summary="Density by prefecture or block")
def density(
    store: StoreDep,
    caller: Reader,
    by: Annotated[Literal["prefecture", "block"], Query(description="How to group.")] = (
        "prefecture"
    ),
) -> Response:
    """One row per prefecture (or regional block) that has actors, on its actor graph, with
    the inter-centre collaboration density beside it."""
    rows = density_table(store, by)
    answer = DensityPublic(
        by=by,
        rows=[
            DensityRowPublic(
                prefecture=row.key if by == "prefecture" else None,
                block=row.key if by == "block" else block_of(row.key),
                name=row.name,
                nodes=row.nodes,
                edges=row.edges,
                density=row.density,
                centres=row.centres,
                centre_edges=row.centre_edges,
                centre_density=row.centre_density,
            )
            for row in rows
        ],
    )
    return model_json(answer)
