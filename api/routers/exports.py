"""The network as a file for Gephi and other graph tools: GEXF and GraphML (any reader).

The file is the graph the caller may see (see :mod:`graph.loaders.network_file` for what it
holds): the whole history, so that Gephi's timeline plays it back. A whole network is tens
of seconds of NetworkX work, so each file is made by a job in a heavy work process (see
:mod:`api.heavy`), written to a temporary file that the answer sends and then removes; at
most a few heavy requests run at once (503 with ``Retry-After`` past that). A file that
holds a confidential tie is recorded in the audit log, with the enterprises it concerns.
"""

from __future__ import annotations

import os
import tempfile
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from api.confidential import audit_shown, visibility_for
from api.deps import Heavy, Reader
from api.errors import responses
from api.heavy import HeavyWork
from api.schemas.shared import PREFECTURE_PATTERN
from graph.loaders.network_file import (
    MEDIA_TYPES,
    NetworkFile,
    NetworkFormat,
    network_file_name,
    save_network,
)
from graph.store import Store
from graph.store.keys import ApiKey
from graph.store.ports import GraphStore
from graph.visibility import Visibility

__all__ = ["network_file_job", "router"]

router = APIRouter(tags=["exports"])

Prefecture = Annotated[
    str | None,
    Query(
        pattern=PREFECTURE_PATTERN,
        description="A JIS X 0401 prefecture code, 01 to 47: the prefecture's nodes, the "
        "ties among them, and the nationwide nodes (city banks, the public lender) tied to "
        "them; the whole network without it.",
    ),
]


def _file_answer(fmt: NetworkFormat) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers of a network file route: the file, and the errors."""
    return {
        200: {
            "description": f"The network as a {fmt.upper()} file (an attachment named "
            f"{network_file_name(fmt)}, or network-13.{fmt} for one prefecture).",
            "content": {MEDIA_TYPES[fmt]: {"schema": {"type": "string", "format": "binary"}}},
        },
        **responses(401, 422, 503, r422="A prefecture code that names no prefecture."),
    }


@router.get(
    "/export/network.gexf",
    response_class=FileResponse,
    summary="The network as a GEXF file (Gephi)",
    responses=_file_answer("gexf"),
)
async def network_gexf(
    request: Request,
    caller: Reader,
    _heavy: Annotated[None, Heavy],
    prefecture: Prefecture = None,
) -> FileResponse:
    """Nodes with ``kind``, ``name``, ``prefecture`` (none for a nationwide node) and their
    life (``start``, 1 January of the year founded; ``end``, the day ended); one edge per
    relation, parallel ties of different types kept, with the relation type as ``label``,
    the strength as ``weight`` and ``since``/``until`` as ``start``/``end``. The graph is
    ``mode="dynamic"`` with ``timeformat="date"``: Gephi's timeline plays the network back.

    Only the ties the caller may see are in the file; one that holds a confidential tie is
    recorded in the audit log."""
    return await _network_file(request, caller, "gexf", prefecture)


@router.get(
    "/export/network.graphml",
    response_class=FileResponse,
    summary="The network as a GraphML file",
    responses=_file_answer("graphml"),
)
async def network_graphml(
    request: Request,
    caller: Reader,
    _heavy: Annotated[None, Heavy],
    prefecture: Prefecture = None,
) -> FileResponse:
    """Nodes with ``kind``, ``name``, ``prefecture`` (none for a nationwide node),
    ``founded`` and ``ended``; one edge per relation, parallel ties of different types
    kept, with ``type``, ``strength``, ``since`` and ``until``.

    Only the ties the caller may see are in the file; one that holds a confidential tie is
    recorded in the audit log."""
    return await _network_file(request, caller, "graphml", prefecture)


async def _network_file(
    request: Request, caller: ApiKey, fmt: NetworkFormat, prefecture: str | None
) -> FileResponse:
    """The network file of the graph ``caller`` may see, made by the app's heavy work into a
    temporary file that is removed once sent (or when making it fails)."""
    store: Store = request.app.state.store
    visibility = await run_in_threadpool(visibility_for, request, store, caller)
    handle, path = tempfile.mkstemp(prefix="rsn-network-", suffix=f".{fmt}")
    os.close(handle)
    try:
        work: HeavyWork = request.app.state.heavy_work
        made = await work.run(network_file_job, path, fmt, prefecture, visibility)
        await run_in_threadpool(audit_shown, request, caller, made.confidential)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[fmt],
        filename=network_file_name(fmt, prefecture),
        background=BackgroundTask(_remove, path),
    )


def network_file_job(
    store: GraphStore,
    path: str,
    fmt: NetworkFormat,
    prefecture: str | None,
    visibility: Visibility,
) -> NetworkFile:
    """Write the network file of the graph the caller of ``visibility`` may see to ``path``
    (a heavy job); returns what it holds. Raises InvalidArgument for a bad prefecture."""
    with open(path, "wb") as out:
        return save_network(store, out, fmt, prefecture=prefecture, visibility=visibility)


def _remove(path: str) -> None:
    """Remove a sent file (gone already is fine)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
