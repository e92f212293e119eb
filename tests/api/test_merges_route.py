"""POST, GET and DELETE /v1/merges over real HTTP: admins merge two nodes that are one
entity, the merged id answers as an alias of the kept node, and a merge can be undone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api import create_app
from api.routers import merges as merges_router
from tests.api.conftest import LiveApi, load_with_keys, serve
from tests.conftest import SMALL_NETWORK, write_dataset

#: The small network with E1 (山田製作所) loaded again by another hand as E11, which a
#: centre supports and which trades with E3.
DUPLICATES = {
    **SMALL_NETWORK,
    "enterprises.csv": [
        *SMALL_NETWORK["enterprises.csv"],
        ["E11", "株式会社山田製作所", "13", "E", "", ""],
    ],
    "relations.csv": [
        *SMALL_NETWORK["relations.csv"],
        ["C1", "SUPPORTS", "E11", "0.9", "2016-01-01"],
        ["E11", "TRADES_WITH", "E3", "0.4", ""],
    ],
}

RECORD_FIELDS = {"id", "keep", "merge", "by", "at", "reason", "score", "undone_at"}


def _app(settings):
    """The app, with this router included if the app does not include it yet."""
    app = create_app(settings)
    if not any(getattr(route, "path", None) == "/v1/merges" for route in app.routes):
        app.include_router(merges_router.router, prefix="/v1")
    return app


@pytest.fixture
def merging_api(settings, tmp_path) -> Iterator[LiveApi]:
    made = load_with_keys(settings, write_dataset(tmp_path / "duplicates", DUPLICATES))
    with serve(_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings)


def test_only_an_admin_merges(merging_api):
    body = {"keep": "E1", "merge": "E11"}
    with merging_api.client() as anonymous:
        assert anonymous.post("/v1/merges", json=body).status_code == 401
        assert anonymous.get("/v1/merges").status_code == 401
        assert anonymous.delete("/v1/merges/merge-x").status_code == 401
    for role in ("analyst", "centre"):
        with merging_api.client(role) as client:
            assert client.post("/v1/merges", json=body).status_code == 403
            assert client.get("/v1/merges").status_code == 403
            assert client.delete("/v1/merges/merge-x").status_code == 403
            # nothing was merged
            assert client.get("/v1/nodes/E11").json()["id"] == "E11"


def test_a_merge_makes_an_alias_and_is_undone(merging_api):
    with merging_api.client("admin") as client:
        before = client.get("/v1/nodes/E1", params={"provenance": "true"}).json()
        before_other = client.get("/v1/nodes/E11", params={"provenance": "true"}).json()
        assert before["merged_from"] is None
        stats = client.get("/v1/stats").json()

        made = client.post("/v1/merges", json={"keep": "E1", "merge": "E11", "reason": "same firm"})
        assert made.status_code == 201, made.text
        record = made.json()
        assert set(record) == RECORD_FIELDS
        assert (record["keep"], record["merge"], record["reason"]) == ("E1", "E11", "same firm")
        assert record["by"] == "t-admin"
        assert record["undone_at"] is None
        assert record["score"] is not None and 0 < record["score"] <= 1

        alias = client.get("/v1/nodes/E11")
        assert alias.status_code == 200, alias.text
        node = alias.json()
        assert (node["id"], node["merged_from"]) == ("E1", "E11")
        others = {(tie["type"], tie["other"]) for tie in node["ties"]}
        assert ("TRADES_WITH", "E3") in others and ("SUPPORTS", "C1") in others
        assert client.get("/v1/nodes/E1").json()["merged_from"] is None
        after = client.get("/v1/stats").json()
        assert after["nodes"]["Enterprise"] == stats["nodes"]["Enterprise"] - 1

        listed = client.get("/v1/merges")
        assert listed.status_code == 200
        assert listed.json() == {"merges": [record]}

        again = client.post("/v1/merges", json={"keep": "E2", "merge": "E11"})
        assert again.status_code == 409
        assert "alias" in again.json()["detail"]

        undone = client.delete(f"/v1/merges/{record['id']}")
        assert undone.status_code == 200, undone.text
        assert undone.json()["undone_at"] is not None
        assert {k: v for k, v in undone.json().items() if k != "undone_at"} == {
            k: v for k, v in record.items() if k != "undone_at"
        }
        assert client.get("/v1/nodes/E1", params={"provenance": "true"}).json() == before
        assert client.get("/v1/nodes/E11", params={"provenance": "true"}).json() == before_other
        assert client.get("/v1/stats").json() == stats
        assert client.get("/v1/merges").json()["merges"][0]["undone_at"] is not None
        assert client.delete(f"/v1/merges/{record['id']}").status_code == 409


def test_refusals_in_words(merging_api):
    with merging_api.client("admin") as client:
        for body, code in [
            ({"keep": "E1", "merge": "E1"}, 409),
            ({"keep": "E1", "merge": "C1"}, 409),
            ({"keep": "C1", "merge": "C2"}, 409),
            ({"keep": "E1", "merge": "E404"}, 404),
            ({"keep": "E1"}, 422),
            ({"keep": "E 1", "merge": "E2"}, 422),
        ]:
            answer = client.post("/v1/merges", json=body)
            assert answer.status_code == code, (body, answer.text)
            assert answer.json()["detail"]
        assert client.delete("/v1/merges/merge-nothing").status_code == 404
        assert client.get("/v1/merges").json() == {"merges": []}


def test_routes_that_take_a_node_id_resolve_an_alias(merging_api):
    with merging_api.client("admin") as client:
        made = client.post("/v1/merges", json={"keep": "E1", "merge": "E11"})
        assert made.status_code == 201, made.text
        with_provenance = client.get("/v1/nodes/E11", params={"provenance": "true"}).json()
        assert (with_provenance["id"], with_provenance["merged_from"]) == ("E1", "E11")
        taken = client.delete(
            "/v1/relations",
            params={"source": "E11", "type": "TRADES_WITH", "target": "E3", "contributor": "local"},
        )
        assert taken.status_code == 200, taken.text
        assert taken.json()["relation"]["source"] == "E1"
        ended = client.delete("/v1/nodes/E11")
        assert ended.status_code == 200, ended.text
        assert ended.json()["id"] == "E1"
