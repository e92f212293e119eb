"""Merging duplicate entities (admin): one node is kept, the other becomes an alias of it;
every merge is kept, listed, and can be undone (see :mod:`graph.merging`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, Field

from api.deps import Admin, StoreDep
from api.errors import responses
from api.responses import model_json
from api.schemas.shared import ID_PATTERN
from graph.merging import MergeRecord
from graph.queries import merges as queries

__all__ = ["MergeBody", "MergePublic", "MergesPublic", "router"]

router = APIRouter(tags=["merges"])


class MergeBody(BaseModel):
    keep: str = Field(pattern=ID_PATTERN, description="The id of the node kept.")
    merge: str = Field(
        pattern=ID_PATTERN, description="The id of the node merged into it (becomes an alias)."
    )
    reason: str | None = Field(
        default=None, max_length=2000, description="Why the two are one entity."
    )


class MergePublic(BaseModel):
    # one merge as answers show it (no docstring: it would become the schema's description)
    id: str = Field(description="The merge's id.")
    keep: str = Field(description="The id of the node kept.")
    merge: str = Field(description="The id merged into it: an alias of `keep` while it holds.")
    by: str = Field(description="Who merged: the admin key's name, or `local` (command line).")
    at: str = Field(description="When (ISO 8601, UTC).")
    reason: str | None = Field(description="Why, as the admin said.")
    score: float | None = Field(
        description="The pair's matching score when it is a candidate duplicate, else null."
    )
    undone_at: str | None = Field(
        default=None, description="When the merge was undone (ISO 8601, UTC); null while it holds."
    )

    @classmethod
    def from_domain(cls, record: MergeRecord) -> MergePublic:
        return cls(**record.as_dict())


class MergesPublic(BaseModel):
    merges: list[MergePublic] = Field(description="Every merge, oldest first, undone ones too.")


MergeId = Path(pattern=ID_PATTERN, description="A merge's id.")


@router.post(
    "/merges",
    response_model=MergePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Merge two nodes that are one entity (admin)",
    responses=responses(
        401,
        403,
        404,
        409,
        422,
        503,
        r404="`keep` or `merge` names no node.",
        r409="The two cannot be merged: the same node, an alias already, the kept node of an "
        "open merge, or not two enterprises or two financiers; nothing was changed.",
    ),
)
def post_merge(store: StoreDep, caller: Admin, body: MergeBody) -> Response:
    """Every tie of `merge` (its whole history, both directions) becomes the same tie of
    `keep`; where `keep` has that tie already, the two become one with the stronger values
    and both provenances; a tie between the two goes. Referrals naming `merge` follow.
    `merge` disappears from every read and its id becomes an alias: `GET /v1/nodes/{merge}`
    answers `keep` with `merged_from`."""
    record = queries.merge_nodes(store, body.keep, body.merge, by=caller.name, reason=body.reason)
    return model_json(MergePublic.from_domain(record), status_code=status.HTTP_201_CREATED)


@router.get(
    "/merges",
    response_model=MergesPublic,
    summary="Every merge, undone ones too (admin)",
    responses=responses(401, 403, 503),
)
def get_merges(store: StoreDep, caller: Admin) -> Response:
    """Oldest first."""
    found = queries.list_merges(store)
    return model_json(MergesPublic(merges=[MergePublic.from_domain(m) for m in found]))


@router.delete(
    "/merges/{merge_id}",
    response_model=MergePublic,
    summary="Undo a merge (admin)",
    responses=responses(
        401,
        403,
        404,
        409,
        422,
        503,
        r404="No merge has this id.",
        r409="The merge was undone already, or a later merge builds on it (the sentence names "
        "it: undo that one first).",
    ),
)
def delete_merge(store: StoreDep, caller: Admin, merge_id: Annotated[str, MergeId]) -> Response:
    """Both nodes come back exactly as they were before the merge (nodes, ties with their
    values, every assertion, referrals) and the alias goes; writes made to the kept node
    since that touch nothing the merge changed stay. The record stays, with `undone_at`."""
    record = queries.unmerge(store, merge_id)
    return model_json(MergePublic.from_domain(record))
