"""Reading and writing the graph itself: stats, nodes and relations, each write attributed to
a contributor, and taking a contributor's word back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.confidential import audit_shown, visibility_for
from api.deps import Admin, AsOf, Reader, StoreDep, attribution, require_roles
from api.errors import responses
from api.responses import model_json
from api.schemas.graph import (
    WITHOUT_PROVENANCE,
    NodeEndedPublic,
    NodePublic,
    NodesBody,
    NodeTiePublic,
    RelationRetractedPublic,
    RelationsBody,
    StatsPublic,
    WriteResult,
    body_items,
)
from api.schemas.shared import CONTRIBUTOR_DESCRIPTION, ID_PATTERN
from graph.loaders.values import write_nodes, write_relations
from graph.model import Relation, RelationType
from graph.provenance import Assertion
from graph.queries import contributions
from graph.queries.presence import node_on
from graph.queries.visibility import visible_ties
from graph.store import GraphStore
from graph.store.keys import ApiKey, Role
from graph.visibility import shown_enterprises

router = APIRouter(tags=["graph"])

NodeId = Path(pattern=ID_PATTERN, description="A node's id.")

#: Who may write and take back relations: admins, and centres (as their centre).
Writer = Annotated[ApiKey, Depends(require_roles(Role.ADMIN, Role.CENTRE))]


@router.get(
    "/stats",
    response_model=StatsPublic,
    summary="Counts of nodes and relations",
    responses=responses(401, 422, 503),
)
def stats(store: StoreDep, caller: Reader, day: AsOf) -> Response:
    """The nodes that exist and the relations that hold on ``as_of``, and the ties derived
    from the referrals completed by then."""
    return model_json(StatsPublic.from_domain(store.as_of(day).stats()))


def _node_ties(
    store: GraphStore,
    node_id: str,
    ties: list[Relation],
    derived: list[Relation],
    provenance: dict[tuple[str, str, str], list[Assertion]] | None,
) -> list[NodeTiePublic]:
    """The node's ties, then its derived ones, each with the other end's name and kind (read
    in one call) and, when ``provenance`` is given, its assertions (none for a derived
    tie)."""
    others = {tie.target if tie.source == node_id else tie.source for tie in (*ties, *derived)}
    nodes = store.get_nodes(others) if others else {}
    made = []
    for tie, is_derived in [*((t, False) for t in ties), *((t, True) for t in derived)]:
        other = tie.target if tie.source == node_id else tie.source
        node = nodes.get(other)
        if node is None:  # written away between the two reads
            continue
        asserted = None
        if provenance is not None:
            asserted = [] if is_derived else provenance.get(tie.key, [])
        made.append(NodeTiePublic.from_domain(tie, node, is_derived, asserted))
    return made


@router.get(
    "/nodes/{node_id}",
    response_model=NodePublic,
    summary="One node and its ties",
    responses=responses(
        401,
        404,
        422,
        503,
        r404="No node has this id, or it did not exist on `as_of` (the sentence says when it "
        "ended or was founded).",
    ),
)
def get_node(
    request: Request,
    store: StoreDep,
    caller: Reader,
    day: AsOf,
    node_id: str = NodeId,
    provenance: Annotated[
        bool,
        Query(
            description="Add `provenance` to the node and to each tie: every contributor's "
            "assertion (contributor, recorded_at, last_seen, retracted_at, values)."
        ),
    ] = False,
) -> Response:
    """The node as of ``as_of``, its properties and every tie that holds then, each with the
    node at the other end; the ties derived from completed referrals between two centres come
    last, marked ``derived``. A node that ended on or before ``as_of`` (or was founded after
    it) is a 404 that says so. The id of a node merged into another (an alias) answers the
    kept node, with ``merged_from`` naming the id asked for.

    A confidential tie (a lender, guarantor, investor or advisor of an enterprise) is listed
    only for a caller who may see it (see the README); an answer that lists one is recorded
    in the audit log."""
    dated = store.as_of(day)
    node = node_on(dated, node_id)
    kept = node.id
    visibility = visibility_for(request, store, caller)
    ties = visible_ties(dated, visibility, dated.ties(kept), around=kept)
    asserted, by_tie = None, None
    if provenance:
        asserted, by_tie = contributions.provenance_of(store, kept, ties)
    listed = _node_ties(dated, kept, ties, dated.derived_ties(kept), by_tie)
    made = NodePublic.from_domain(
        node, listed, asserted, merged_from=node_id if kept != node_id else None
    )
    kinds = {kept: node.kind, **{tie.other: tie.other_kind for tie in listed}}
    audit_shown(request, caller, shown_enterprises(visibility, ties, kinds))
    return model_json(made, exclude=None if provenance else WITHOUT_PROVENANCE)


@router.post(
    "/nodes",
    response_model=WriteResult,
    status_code=status.HTTP_200_OK,
    summary="Create or update nodes (admin)",
    responses=responses(
        401, 403, 409, r409="An id that names a node of another kind; nothing was written."
    ),
)
def post_nodes(store: StoreDep, caller: Admin, body: NodesBody) -> WriteResult:
    """Every node is checked before any is written: one bad node writes nothing (422 lists
    each problem). Each node written is asserted by the contributor: the body is a list, or
    `{"contributor", "nodes"}` naming who the writes are attributed to (default `admin`)."""
    named, items = body_items(body)
    written = write_nodes(
        store, [(item.kind.value, item.values) for item in items], attribution(caller, named)
    )
    return WriteResult(written=len(written))


@router.post(
    "/relations",
    response_model=WriteResult,
    summary="Create or update relations (admin)",
    responses=responses(401, 403, 404, r404="An end of a relation is not in the store."),
)
def post_relations(store: StoreDep, caller: Admin, body: RelationsBody) -> WriteResult:
    """Every relation is checked before any is written; one bad relation writes nothing.
    Each relation written is asserted by the contributor: the body is a list, or
    `{"contributor", "relations"}` naming who the writes are attributed to (default
    `admin`)."""
    named, items = body_items(body)
    written = write_relations(
        store, [item.model_dump(mode="json") for item in items], attribution(caller, named)
    )
    return WriteResult(written=len(written))


@router.delete(
    "/relations",
    response_model=RelationRetractedPublic,
    summary="Take back the caller's assertion of a relation (admin or centre)",
    responses=responses(
        401,
        403,
        404,
        422,
        503,
        r403="An analyst key, or a centre key that names another contributor.",
        r404="No such relation, or the contributor does not assert it now (the sentence says "
        "who does).",
    ),
)
def delete_relation(
    store: StoreDep,
    caller: Writer,
    source: Annotated[str, Query(pattern=ID_PATTERN, description="The source node's id.")],
    type: Annotated[RelationType, Query(description="The relation type.")],  # noqa: A002
    target: Annotated[str, Query(pattern=ID_PATTERN, description="The target node's id.")],
    contributor: Annotated[
        str | None,
        Query(
            pattern=ID_PATTERN,
            description=f"{CONTRIBUTOR_DESCRIPTION} Whose assertion to take back: an admin "
            "key may name anyone (default `admin`); a centre key takes back its centre's.",
        ),
    ] = None,
) -> Response:
    """A centre key takes back its centre's assertion; an admin key that of ``contributor``
    (default ``admin``). When no contributor asserts the relation any longer it ends: its
    ``until`` becomes the day of the retraction, and it stays in history (``as_of`` an
    earlier day still holds it). Otherwise it takes the values of the latest assertion still
    standing. An end named by the id of a node merged into another stands for the kept
    node."""
    done = contributions.retract_relation(
        store, source, type, target, attribution(caller, contributor)
    )
    return model_json(RelationRetractedPublic.from_domain(done))


@router.delete(
    "/nodes/{node_id}",
    response_model=NodeEndedPublic,
    summary="End a node and its ties (admin)",
    responses=responses(
        401,
        403,
        404,
        409,
        422,
        503,
        r404="No node has this id, or it has ended already.",
        r409="An open referral (requested, accepted or in progress) names the node; nothing "
        "was changed.",
    ),
)
def delete_node(store: StoreDep, caller: Admin, node_id: str = NodeId) -> Response:
    """Takes back every contributor's assertion of the node and of each of its ties: the
    node ends (``ended``, the day of the retraction) and so do its ties (``until``); they
    stay in history. A 409 while an open referral names the node, as the enterprise or
    either centre. The id of a node merged into another ends the kept node."""
    done = contributions.end_node(store, node_id, attribution(caller))
    return model_json(NodeEndedPublic.from_domain(done))
