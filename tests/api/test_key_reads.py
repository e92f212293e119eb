"""Where the server reads a caller's key: on its event loop only from a local key file.

A key store across a network (Neo4j) is read on a worker thread, so that a slow answer holds
only the request that asked; a read on the loop would hold every request the server serves.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from api import create_app
from graph.settings import Backend
from graph.store.keys import FileKeyStore
from graph.store.neo4j_keys import Neo4jKeyStore
from tests.api.conftest import load_with_keys, on_event_loop, serve


def test_only_a_local_key_file_is_read_on_the_event_loop():
    assert FileKeyStore.reads_on_loop is True
    assert Neo4jKeyStore.reads_on_loop is False


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/stats", None),  # the key checked by the route's dependency
        # checked by the gate before the body is read (the body itself is then refused)
        ("POST", "/v1/nodes", {"nodes": "none"}),
    ],
)
def test_the_server_reads_keys_where_their_store_says(
    settings, small_dataset, monkeypatch, method, path, body
):
    made = load_with_keys(settings, small_dataset, roles=("admin",))
    app = create_app(settings)
    with serve(app) as base_url:
        keys = app.state.keys
        seen: list[tuple[bool, str]] = []
        authenticate = keys.authenticate

        def spied(presented: str):
            seen.append((on_event_loop(), threading.current_thread().name))
            return authenticate(presented)

        monkeypatch.setattr(keys, "authenticate", spied)
        with httpx.Client(base_url=base_url, timeout=30) as client:
            answer = client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {made['admin']}"}
            )
    assert answer.status_code == (200 if method == "GET" else 422), answer.text
    assert len(seen) == 1, seen
    on_loop = seen[0][0]
    assert on_loop is keys.reads_on_loop
    assert on_loop is (settings.backend is Backend.EMBEDDED)
