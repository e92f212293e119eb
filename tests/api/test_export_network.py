"""GET /v1/export/network.gexf and /v1/export/network.graphml over real HTTP, on every
backend: any reader gets the file of the graph it may see, as an attachment; a file that
holds a confidential tie is in the audit log; a bad prefecture is a 422 that says why."""

from __future__ import annotations

import io
from collections.abc import Iterator

import networkx as nx
import pytest

from api import create_app
from api.routers import exports as exports_router
from graph.settings import Settings
from graph.store import open_keys
from graph.visibility import DEFAULT_CONFIDENTIAL_TYPES
from tests.api.conftest import LiveApi, load_with_keys, serve

GEXF = "/v1/export/network.gexf"
GRAPHML = "/v1/export/network.graphml"
CONFIDENTIAL = {kind.value for kind in DEFAULT_CONFIDENTIAL_TYPES}


def _app(settings: Settings):
    """The app, with this router included if the app does not include it yet."""
    app = create_app(settings)
    if not any(getattr(route, "path", None) == GEXF for route in app.routes):
        app.include_router(exports_router.router, prefix="/v1")
    return app


@pytest.fixture
def export_api(settings: Settings, small_dataset) -> Iterator[LiveApi]:
    made = load_with_keys(settings, small_dataset)
    with serve(_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings)


def _edges(answer, fmt: str) -> set[tuple[str, str, str]]:
    """The (source, type, target) of each edge of a file answered."""
    assert answer.status_code == 200, answer.text
    if fmt == "gexf":
        graph = nx.read_gexf(io.BytesIO(answer.content))
        return {(u, data["label"], v) for u, v, data in graph.edges(data=True)}
    graph = nx.read_graphml(io.BytesIO(answer.content))
    return {(u, data["type"], v) for u, v, data in graph.edges(data=True)}


def _audit(settings: Settings, key: str) -> list[tuple[str, tuple[str, ...]]]:
    """The (route, enterprises) of each audit entry of the key named ``key``."""
    keys = open_keys(settings)
    try:
        return [(entry.route, entry.enterprises) for entry in keys.audit(key=key)]
    finally:
        keys.close()


def test_a_file_needs_a_key(export_api):
    with export_api.client() as anonymous:
        for path in (GEXF, GRAPHML):
            answer = anonymous.get(path)
            assert answer.status_code == 401
            assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("path", "media_type"),
    [(GEXF, "application/gexf+xml"), (GRAPHML, "application/graphml+xml")],
)
def test_a_reader_downloads_the_file_as_an_attachment(export_api, path, media_type):
    fmt = path.rsplit(".", 1)[1]
    with export_api.client("analyst") as client:
        whole = client.get(path)
        tokyo = client.get(path, params={"prefecture": "13"})
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"] == media_type
    assert whole.headers["content-disposition"] == f'attachment; filename="network.{fmt}"'
    assert tokyo.headers["content-disposition"] == f'attachment; filename="network-13.{fmt}"'
    every, in_tokyo = _edges(whole, fmt), _edges(tokyo, fmt)
    assert ("C1", "SUPPORTS", "E1") in every and ("C2", "SUPPORTS", "E3") not in every
    assert ("E1", "UTILIZES", "A1") in in_tokyo and in_tokyo < every
    assert not {edge for edge in in_tokyo if "E3" in edge}  # Ishikawa's enterprise


def test_a_bad_prefecture_is_a_422_that_says_why(export_api):
    with export_api.client("analyst") as client:
        for path in (GEXF, GRAPHML):
            answer = client.get(path, params={"prefecture": "99"})
            assert answer.status_code == 422
            body = answer.json()
            assert "'99' is not a prefecture code" in body["detail"]
            assert "01 to 47" in body["detail"]
            assert body["errors"][0]["field"] == "prefecture"


@pytest.mark.parametrize("path", [GEXF, GRAPHML])
def test_an_analyst_file_has_no_confidential_tie_and_an_admin_file_has_them(export_api, path):
    fmt = path.rsplit(".", 1)[1]
    with export_api.client("analyst") as analyst, export_api.client("admin") as admin:
        seen_by_analyst = _edges(analyst.get(path), fmt)
        seen_by_admin = _edges(admin.get(path), fmt)
    assert not {edge for edge in seen_by_analyst if edge[1] in CONFIDENTIAL}
    hidden = {edge for edge in seen_by_admin if edge[1] in CONFIDENTIAL}
    assert ("F2", "LENDS_TO", "E3") in hidden and ("S1", "ADVISES", "E1") in hidden
    assert seen_by_admin - hidden == seen_by_analyst
    assert _audit(export_api.settings, "t-analyst") == []
    assert _audit(export_api.settings, "t-admin") == [(f"GET {path}", ("E1", "E2", "E3"))]


def test_a_centre_file_has_the_confidential_ties_of_its_clients_only(export_api):
    with export_api.client("centre") as centre:  # C1 supports E1
        seen = _edges(centre.get(GEXF, params={"prefecture": "13"}), "gexf")
    confidential = {edge for edge in seen if edge[1] in CONFIDENTIAL}
    assert confidential == {("S1", "ADVISES", "E1"), ("F1", "GUARANTEES", "E1")}
    assert _audit(export_api.settings, "t-centre") == [(f"GET {GEXF}?prefecture=13", ("E1",))]
