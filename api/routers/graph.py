"""Reading and writing the graph itself: stats, nodes and relations."""

from __future__ import annotations

from fastapi import APIRouter, Path, Response, status

from api.deps import Admin, Reader, StoreDep
from api.errors import responses
from api.responses import model_json
from api.schemas.graph import (
    NodeCreate,
    NodePublic,
    NodeTiePublic,
    RelationCreate,
    StatsPublic,
    WriteResult,
)
from api.schemas.shared import ID_PATTERN
from graph.errors import NotFound
from graph.loaders.values import write_nodes, write_relations
from graph.model import Relation
from graph.store import GraphStore

router = APIRouter(tags=["graph"])

NodeId = Path(pattern=ID_PATTERN, description="A node's id.")


@router.get(
    "/stats",
    response_model=StatsPublic,
    summary="Counts of nodes and relations",
    responses=responses(401, 503),
)
def stats(store: StoreDep, caller: Reader) -> StatsPublic:
    return StatsPublic.from_domain(store.stats())


def _node_ties(
    store: GraphStore, node_id: str, ties: list[Relation], derived: list[Relation]
) -> list[NodeTiePublic]:
    """The node's ties, then its derived ones, each with the other end's name and kind (read
    in one call)."""
    others = {tie.target if tie.source == node_id else tie.source for tie in (*ties, *derived)}
    nodes = store.get_nodes(others) if others else {}
    made = []
    for tie, is_derived in [*((t, False) for t in ties), *((t, True) for t in derived)]:
        other = tie.target if tie.source == node_id else tie.source
        node = nodes.get(other)
        if node is None:  # written away between the two reads
            continue
        made.append(NodeTiePublic.from_domain(tie, node, derived=is_derived))
    return made


@router.get(
    "/nodes/{node_id}",
    response_model=NodePublic,
    summary="One node and its ties",
    responses=responses(401, 404, 503, r404="No node has this id."),
)
def get_node(store: StoreDep, caller: Reader, node_id: str = NodeId) -> Response:
    """The node, its properties and every tie, each with the node at the other end; the ties
    derived from completed referrals between two centres come last, marked ``derived``."""
    node = store.get_node(node_id)
    if node is None:
        raise NotFound(f"no node with id {node_id!r}")
    ties = _node_ties(store, node_id, store.ties(node_id), store.derived_ties(node_id))
    return model_json(NodePublic.from_domain(node, ties))


@router.post(
    "/nodes",
    response_model=WriteResult,
    status_code=status.HTTP_200_OK,
    summary="Create or update nodes (admin)",
    responses=responses(
        401, 403, 409, r409="An id that names a node of another kind; nothing was written."
    ),
)
def post_nodes(store: StoreDep, caller: Admin, body: list[NodeCreate]) -> WriteResult:
    """Every node is checked before any is written: one bad node writes nothing (422 lists
    each problem)."""
    written = write_nodes(store, [(item.kind.value, item.values) for item in body])
    return WriteResult(written=len(written))


@router.post(
    "/relations",
    response_model=WriteResult,
    summary="Create or update relations (admin)",
    responses=responses(401, 403, 404, r404="An end of a relation is not in the store."),
)
def post_relations(store: StoreDep, caller: Admin, body: list[RelationCreate]) -> WriteResult:
    """Every relation is checked before any is written; one bad relation writes nothing."""
    written = write_relations(store, [item.model_dump(mode="json") for item in body])
    return WriteResult(written=len(written))
