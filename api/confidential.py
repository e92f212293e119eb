"""What the caller may see of the confidential ties, and the audit log of the answers that
showed one (see :mod:`graph.visibility`).

Every reading route that can show a tie works out the caller's :class:`Visibility` first
(:func:`visibility_for`, a few reads of the store for a centre's key) and computes its
answer on the graph the caller may see; when the answer shows a confidential tie, the
route appends who asked, what and which enterprises it concerned to the audit log
(:func:`audit_shown`), whoever asked, admins too. An async route asks
:func:`answered_in_memory` whether it may work its answer out on the event loop, and appends
through :func:`record_shown`, which makes the write on a worker thread.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from graph.model import RelationType
from graph.queries.visibility import visibility_of
from graph.store import Store
from graph.store.keys import ApiKey, KeyStore, Role
from graph.visibility import Viewer, Visibility

__all__ = [
    "answered_in_memory",
    "audit_shown",
    "confidential_types",
    "record_shown",
    "viewer_of",
    "visibility_for",
]


def confidential_types(request: Request) -> frozenset[RelationType]:
    """The confidential relation types the app was started with."""
    types: frozenset[RelationType] = request.app.state.confidential_types
    return types


def viewer_of(key: ApiKey) -> Viewer:
    """Who ``key`` speaks for, as visibility sees it."""
    return Viewer(
        name=key.name,
        admin=key.role is Role.ADMIN,
        centre=key.centre if key.role is Role.CENTRE else None,
    )


def visibility_for(
    request: Request,
    store: Store,
    key: ApiKey,
    shown: Collection[RelationType] | None = None,
) -> Visibility:
    """What the caller of ``key`` may see of the confidential ties, as of now. With
    ``shown``, the only types of ties the answer can show, it is said of those types alone:
    when none of them is confidential the caller sees them all, and nothing is read (a
    centre's entitled enterprises are two statements). Reads the store (call it off the
    event loop); raises StoreError if the store fails."""
    types = confidential_types(request)
    if shown is not None:
        types = types & frozenset(shown)
    return visibility_of(store, viewer_of(key), types)


def answered_in_memory(request: Request, store: Store, key: ApiKey) -> bool:
    """Whether an answer to ``key`` about the graph can be worked out from memory alone, so
    on the event loop: the store holds its graph in memory (:attr:`GraphStore.graph_in_memory`)
    and what ``key`` may see of the confidential ties needs no read of the store's files (a
    centre's key sees those of its entitled enterprises and those its centre asserted, which
    are read; an admin's sees them all, an analyst's none)."""
    return store.graph_in_memory and (
        key.role is not Role.CENTRE or not confidential_types(request)
    )


async def record_shown(request: Request, key: ApiKey, enterprises: Collection[str]) -> None:
    """:func:`audit_shown` from the event loop: the append, when there is one, is made on a
    worker thread (it writes the key store, which may wait on a lock or a server). Raises
    what :func:`audit_shown` raises."""
    if enterprises:
        await run_in_threadpool(audit_shown, request, key, enterprises)


def audit_shown(request: Request, key: ApiKey, enterprises: Iterable[str]) -> None:
    """Append to the audit log that the answer to ``request`` showed ``key`` confidential
    ties of ``enterprises`` (nothing when there are none). Raises StoreUnavailable if the
    key file stays locked, StoreError if it cannot be written: an answer that cannot be
    logged is not given."""
    concerned = sorted(set(enterprises))
    if not concerned:
        return
    keys: KeyStore = request.app.state.keys
    scope = request.scope
    query = scope.get("query_string", b"").decode("latin-1")
    route = f"{scope['method']} {scope.get('root_path', '')}{scope['path']}"
    keys.record_audit(key.name, f"{route}?{query}" if query else route, concerned)
