"""The graph routes and who may call them, through HTTP, on every backend."""

from __future__ import annotations

import pytest

from graph.store.keys import Role

READING_ROUTES = ["/v1/stats", "/v1/nodes/E1"]


def test_health_is_open_and_names_the_backend(live_api):
    with live_api.client() as client:
        answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "backend": live_api.settings.backend.value}


def test_docs_and_schema_are_open(live_api):
    with live_api.client() as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("route", READING_ROUTES)
def test_no_key_is_401(live_api, route):
    with live_api.client() as client:
        answer = client.get(route)
    assert answer.status_code == 401
    assert "API key" in answer.json()["detail"]
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("route", READING_ROUTES)
def test_unknown_key_is_401(live_api, route):
    with live_api.client(headers={"Authorization": "Bearer rsn_0000_nope"}) as client:
        assert client.get(route).status_code == 401
    forged = live_api.keys["admin"][:-4] + "AAAA"
    with live_api.client(headers={"Authorization": f"Bearer {forged}"}) as client:
        assert client.get(route).status_code == 401


@pytest.mark.parametrize("role", ["admin", "analyst", "centre"])
def test_every_role_reads_stats(live_api, role):
    with live_api.client(role) as client:
        answer = client.get("/v1/stats")
    assert answer.status_code == 200
    body = answer.json()
    assert body["nodes"] == {
        "Enterprise": 4,
        "Asset": 2,
        "Centre": 2,
        "Financier": 2,
        "Specialist": 2,
    }
    assert set(body["relations"]) == {
        "SUPPORTS",
        "ADVISES",
        "AFFILIATED_WITH",
        "WORKED_AT",
        "LENDS_TO",
        "GUARANTEES",
        "INVESTS_IN",
        "PARTNERS_WITH",
        "COLLABORATES_WITH",
        "TRADES_WITH",
        "UTILIZES",
    }
    assert sum(body["relations"].values()) == 14


def test_a_node_and_its_ties(live_api):
    with live_api.client("admin") as client:
        answer = client.get("/v1/nodes/S1")
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == "S1" and body["kind"] == "Specialist" and body["name"] == "Sato Hanako"
    assert body["properties"] == {
        "background": "banker",
        "expertise": ["finance", "succession"],
        "prefecture": "13",
    }
    assert {(t["source"], t["type"], t["target"]) for t in body["ties"]} == {
        ("S1", "ADVISES", "E1"),
        ("S1", "AFFILIATED_WITH", "C1"),
        ("S1", "WORKED_AT", "F1"),
    }


def test_a_node_names_the_other_end_of_each_tie(live_api):
    with live_api.client("admin") as client:
        ties = client.get("/v1/nodes/S1").json()["ties"]
    assert {(t["other"], t["other_name"], t["other_kind"], t["derived"]) for t in ties} == {
        ("E1", "山田製作所", "Enterprise", False),
        ("C1", "Tokyo Chamber of Commerce", "Centre", False),
        ("F1", "Tokyo Credit Guarantee Corporation", "Financier", False),
    }


def test_a_completed_referral_shows_as_a_derived_tie_and_in_the_stats(live_api):
    with live_api.client("analyst") as client:
        before = client.get("/v1/stats").json()
        assert before["derived_relations"] == {"COLLABORATES_WITH": 0}
        assert not any(t["derived"] for t in client.get("/v1/nodes/C1").json()["ties"])
    body = {"enterprise": "E1", "to_centre": "C2", "need": "intellectual_property"}
    with live_api.client("centre") as sender:
        referral = sender.post("/v1/referrals", json=body).json()
    with live_api.client("centre2") as receiver:
        for status, extra in (
            ("accepted", {}),
            ("in_progress", {}),
            ("completed", {"outcome": "a patent filed"}),
        ):
            moved = receiver.patch(
                f"/v1/referrals/{referral['id']}", json={"status": status, **extra}
            )
            assert moved.status_code == 200, moved.text
    with live_api.client("analyst") as client:
        after = client.get("/v1/stats").json()
        ties = client.get("/v1/nodes/C1").json()["ties"]
    assert after["derived_relations"] == {"COLLABORATES_WITH": 1}
    assert after["relations"] == before["relations"]
    derived = [t for t in ties if t["derived"]]
    assert [(t["source"], t["type"], t["target"], t["other_name"]) for t in derived] == [
        ("C1", "COLLABORATES_WITH", "C2", "Ishikawa Industrial Promotion Centre")
    ]
    assert derived[0]["strength"] == 0.75
    assert ties[-1]["derived"] is True  # derived ties come after the node's own


def test_an_unknown_node_is_404(live_api):
    with live_api.client("analyst") as client:
        answer = client.get("/v1/nodes/NOPE")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "no node with id 'NOPE'"


def test_a_revoked_key_is_refused_at_once(live_api):
    secret = live_api.add_key("short-lived", Role.ANALYST)
    with live_api.client(headers={"Authorization": f"Bearer {secret}"}) as client:
        assert client.get("/v1/stats").status_code == 200
        from graph.store import open_keys

        keys = open_keys(live_api.settings)
        keys.revoke("short-lived")
        keys.close()
        assert client.get("/v1/stats").status_code == 401


@pytest.mark.parametrize("role", ["analyst", "centre"])
def test_writing_nodes_needs_an_admin_key(live_api, role):
    body = [
        {
            "kind": "Enterprise",
            "values": {"id": "E9", "name": "New", "prefecture": "01", "industry": "A"},
        }
    ]
    with live_api.client(role) as client:
        answer = client.post("/v1/nodes", json=body)
        assert answer.status_code == 403
        assert "admin" in answer.json()["detail"]
        assert client.get("/v1/nodes/E9").status_code == 404


def test_admin_writes_nodes_and_relations(live_api):
    with live_api.client("admin") as client:
        answer = client.post(
            "/v1/nodes",
            json=[
                {
                    "kind": "Enterprise",
                    "values": {
                        "id": "E9",
                        "name": "New",
                        "prefecture": "01",
                        "industry": "A",
                        "employees": 3,
                    },
                },
            ],
        )
        assert answer.status_code == 200 and answer.json() == {"written": 1}
        answer = client.post(
            "/v1/relations",
            json=[
                {"source": "C1", "type": "SUPPORTS", "target": "E9", "strength": 0.6},
            ],
        )
        assert answer.status_code == 200
        node = client.get("/v1/nodes/E9").json()
    assert node["properties"] == {"prefecture": "01", "industry": "A", "employees": 3}
    assert [(t["source"], t["type"]) for t in node["ties"]] == [("C1", "SUPPORTS")]


def test_bad_writes_are_422_or_404_and_change_nothing(live_api):
    with live_api.client("admin") as client:
        answer = client.post(
            "/v1/nodes",
            json=[
                {
                    "kind": "Enterprise",
                    "values": {"id": "E9", "name": "x", "prefecture": "99", "industry": "A"},
                },
            ],
        )
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "prefecture"
        answer = client.post(
            "/v1/relations",
            json=[
                {"source": "E1", "type": "LENDS_TO", "target": "E2"},
            ],
        )
        assert answer.status_code == 422
        assert "Financier -> Enterprise" in answer.json()["detail"]
        answer = client.post(
            "/v1/relations", json=[{"source": "C1", "type": "SUPPORTS", "target": "E404"}]
        )
        assert answer.status_code == 404
        assert client.get("/v1/nodes/E9").status_code == 404
        stats = client.get("/v1/stats").json()
    assert sum(stats["relations"].values()) == 14
