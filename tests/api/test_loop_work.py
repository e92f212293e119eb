"""Where the introduction routes work out their answer.

On the server's event loop when the store holds its graph in memory and what the caller may
see of the confidential ties needs no read of a file (an admin's or an analyst's key on the
embedded store): the hop to a worker thread and back would cost about as much as the
search. Otherwise (Neo4j, or a centre's key, whose view is read from the store) on a worker
thread, so that a wait holds only the request that asked. The audit log's append, a write,
is always made on a worker thread.
"""

from __future__ import annotations

import httpx
import pytest

import graph.queries.introductions as introduction_queries
from api import create_app
from graph.settings import Backend
from graph.store.dated import DatedStore
from graph.store.embedded import EmbeddedStore
from graph.store.neo4j import Neo4jStore
from tests.api.conftest import load_with_keys, on_event_loop, serve


def test_only_the_embedded_store_says_its_graph_is_in_memory(tmp_path):
    assert EmbeddedStore.graph_in_memory is True
    assert Neo4jStore.graph_in_memory is False
    with EmbeddedStore(tmp_path / "data", watch_seconds=None) as store:
        assert DatedStore(store, "2020-01-01").graph_in_memory is True


# S1 ADVISES E1 (confidential by default) is on the path and among the introducers' ties:
# the admin's answer and the centre C1's (which supports E1) show it and are audited
ROUTES = [
    ("/v1/introductions", "introduction_paths", {"source": "S1", "target": "E1"}),
    ("/v1/introducers", "introducers", {"a": "S1", "b": "C1"}),
]


@pytest.mark.parametrize(("path", "query", "params"), ROUTES)
@pytest.mark.parametrize("role", ["admin", "analyst", "centre"])
def test_the_answer_is_worked_out_on_the_loop_only_from_memory(
    settings, small_dataset, monkeypatch, path, query, params, role
):
    made = load_with_keys(settings, small_dataset)
    app = create_app(settings)
    searched: list[bool] = []
    audited: list[bool] = []
    search = getattr(introduction_queries, query)

    def spied_search(*args, **kwargs):
        searched.append(on_event_loop())
        return search(*args, **kwargs)

    monkeypatch.setattr(introduction_queries, query, spied_search)
    with serve(app) as base_url:
        keys = app.state.keys
        record_audit = keys.record_audit

        def spied_audit(*args, **kwargs):
            audited.append(on_event_loop())
            return record_audit(*args, **kwargs)

        monkeypatch.setattr(keys, "record_audit", spied_audit)
        with httpx.Client(base_url=base_url, timeout=30) as client:
            answer = client.get(
                path, params=params, headers={"Authorization": f"Bearer {made[role]}"}
            )
    assert answer.status_code == 200, answer.text
    in_memory = settings.backend is Backend.EMBEDDED and role != "centre"
    assert searched == [in_memory]
    assert audited == ([] if role == "analyst" else [False])
