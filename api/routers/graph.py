"""Reading and writing the graph itself: stats, nodes and relations."""

from __future__ import annotations

from fastapi import APIRouter, Path, Response, status

from api.deps import Admin, Reader, StoreDep
from api.responses import model_json
from api.schemas import (
    NodeCreate,
    NodePublic,
    RelationCreate,
    StatsPublic,
    TiePublic,
    WriteResult,
)
from graph.errors import NotFound
from graph.loaders.records import write_nodes, write_relations

router = APIRouter(tags=["graph"])


@router.get("/stats", response_model=StatsPublic, summary="Counts of nodes and relations")
def stats(store: StoreDep, caller: Reader) -> StatsPublic:
    counts = store.stats()
    return StatsPublic(nodes=counts.nodes, relations=counts.relations)


@router.get(
    "/nodes/{node_id}",
    response_model=NodePublic,
    summary="One node and its ties",
    responses={404: {"description": "No node has this id."}},
)
def get_node(store: StoreDep, caller: Reader, node_id: str = Path(max_length=64)) -> Response:
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"no node with id {node_id!r}")
    ties = [TiePublic(**tie.as_dict()) for tie in store.ties(node_id)]
    return model_json(NodePublic(**node.as_dict(), ties=ties))


@router.post(
    "/nodes",
    response_model=WriteResult,
    status_code=status.HTTP_200_OK,
    summary="Create or update nodes (admin)",
)
def post_nodes(store: StoreDep, caller: Admin, body: list[NodeCreate]) -> WriteResult:
    written = write_nodes(store, [(item.kind, item.values) for item in body])
    return WriteResult(written=len(written))


@router.post("/relations", response_model=WriteResult, summary="Create or update relations (admin)")
def post_relations(store: StoreDep, caller: Admin, body: list[RelationCreate]) -> WriteResult:
    written = write_relations(store, [item.model_dump() for item in body])
    return WriteResult(written=len(written))
