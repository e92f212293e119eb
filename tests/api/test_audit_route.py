"""GET /v1/audit over real HTTP: admins read the audit log of confidential ties, with
filters; other roles are refused; a bad ``since`` is a 422 naming it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api import create_app
from api.routers import audit as audit_router
from graph.audit import AuditEntry
from graph.settings import Settings
from graph.store import open_keys
from tests.api.conftest import LiveApi, load_with_keys, serve

ENTRY_FIELDS = {"id", "at", "key", "route", "enterprises"}


def _app(settings: Settings):
    """The app, with this router included if the app does not include it yet."""
    app = create_app(settings)
    if not any(getattr(route, "path", None) == "/v1/audit" for route in app.routes):
        app.include_router(audit_router.router, prefix="/v1")
    return app


@pytest.fixture
def audit_api(tmp_path, small_dataset) -> Iterator[tuple[LiveApi, list[AuditEntry]]]:
    # the log is kept beside the keys whichever the backend: the embedded one is enough
    settings = Settings(RSN_BACKEND="embedded", RSN_DATA_DIR=tmp_path / "data", RSN_BATCH_SIZE=500)
    made = load_with_keys(settings, small_dataset)
    keys = open_keys(settings)
    try:
        entries = [
            keys.record_audit("t-analyst", "GET /v1/nodes/E1", ["E1"], at="2026-03-01T09:00:00Z"),
            keys.record_audit(
                "t-centre", "GET /v1/paths?a=E1&b=E3", ["E3", "E1"], "2026-03-02T10:00:00Z"
            ),
            keys.record_audit("t-analyst", "GET /v1/nodes/E2", ["E2"], at="2026-03-03T11:00:00Z"),
        ]
    finally:
        keys.close()
    with serve(_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings), entries


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["count"] == len(body["entries"])
    return [entry["id"] for entry in body["entries"]]


def test_an_admin_reads_every_entry_oldest_first(audit_api):
    api, entries = audit_api
    with api.client("admin") as client:
        answer = client.get("/v1/audit")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"entries", "count"}
    assert body["count"] == 3
    assert [set(entry) for entry in body["entries"]] == [ENTRY_FIELDS] * 3
    assert body["entries"] == [entry.as_dict() for entry in entries]
    assert body["entries"][1]["enterprises"] == ["E1", "E3"]
    assert body["entries"][1]["at"] == "2026-03-02T10:00:00.000000+00:00"


def test_entries_appended_while_the_server_runs_are_read_at_once(audit_api):
    api, entries = audit_api
    keys = open_keys(api.settings)
    try:
        later = keys.record_audit("t-admin", "GET /v1/nodes/E4", ["E4"])
    finally:
        keys.close()
    with api.client("admin") as client:
        assert _ids(client.get("/v1/audit")) == [*(e.id for e in entries), later.id]


def test_only_an_admin_reads_the_log(audit_api):
    api, _ = audit_api
    with api.client() as anonymous:
        answer = anonymous.get("/v1/audit")
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    for role in ("analyst", "centre"):
        with api.client(role) as client:
            answer = client.get("/v1/audit")
            assert answer.status_code == 403, answer.text
            assert "admin" in answer.json()["detail"]
    with api.client(headers={"Authorization": "Bearer rsn_nope_nope"}) as stranger:
        assert stranger.get("/v1/audit").status_code == 401


def test_filters(audit_api):
    api, entries = audit_api
    first, second, third = (entry.id for entry in entries)
    with api.client("admin") as client:
        assert _ids(client.get("/v1/audit", params={"since": "2026-03-02"})) == [second, third]
        assert _ids(client.get("/v1/audit", params={"since": "2026-03-02T10:00:00Z"})) == [
            second,
            third,
        ]
        assert _ids(client.get("/v1/audit", params={"since": "2026-03-02T19:00:01+09:00"})) == [
            third
        ]
        assert _ids(client.get("/v1/audit", params={"key": "t-analyst"})) == [first, third]
        assert _ids(client.get("/v1/audit", params={"key": "nobody"})) == []
        assert _ids(client.get("/v1/audit", params={"limit": 2})) == [second, third]
        both = {"key": "t-analyst", "since": "2026-03-01", "limit": 1}
        assert _ids(client.get("/v1/audit", params=both)) == [third]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"limit": 0}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"key": ""}, "key"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(audit_api, params, field):
    api, _ = audit_api
    with api.client("admin") as client:
        answer = client.get("/v1/audit", params=params)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert [problem["field"] for problem in body["errors"]] == [field]
    assert body["detail"].startswith(f"{field}: ")
    if field == "since":
        assert "YYYY-MM-DD" in body["detail"]
