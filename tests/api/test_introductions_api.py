"""Introductions and introducers through HTTP, on every backend."""

from __future__ import annotations

import pytest

from graph.queries.introductions import introducers, introduction_paths
from graph.queries.readable import readable
from graph.store import open_store

BAD_INTRODUCTIONS = [
    ("source=E1&target=F1&k=0", "k: must be at least 1, got '0'"),
    ("source=E1&target=F1&k=21", "k: must be at most 20, got '21'"),
    ("source=E1&target=F1&k=two", "k: must be a whole number, got 'two'"),
    ("source=E1&target=F1&k=1.5", "k: must be a whole number, got '1.5'"),
    ("source=E1&target=F1&max_hops=0", "max_hops: must be at least 1, got '0'"),
    ("source=E1&target=F1&max_hops=7", "max_hops: must be at most 6, got '7'"),
    ("target=F1", "source: is required"),
    ("source=E1", "target: is required"),
    ("source=E1&target=A1", "'A1' is an Asset, not an actor"),
    ("source=A1&target=E1", "'A1' is an Asset, not an actor"),
    ("source=E1&target=E1", "source and target are both 'E1'"),
]


@pytest.mark.parametrize(
    "route", ["/v1/introductions?source=E1&target=F1", "/v1/introducers?a=E1&b=F1"]
)
def test_no_key_is_401(live_api, route):
    with live_api.client() as client:
        answer = client.get(route)
    assert answer.status_code == 401
    assert "API key" in answer.json()["detail"]


@pytest.mark.parametrize("role", ["admin", "analyst", "centre"])
def test_every_reader_may_ask(live_api, role):
    with live_api.client(role) as client:
        assert client.get("/v1/introductions?source=E1&target=F1").status_code == 200
        assert client.get("/v1/introducers?a=E1&b=F1").status_code == 200


@pytest.mark.parametrize(("query", "detail"), BAD_INTRODUCTIONS)
def test_bad_introduction_questions_are_422(live_api, query, detail):
    with live_api.client("analyst") as client:
        answer = client.get(f"/v1/introductions?{query}")
    assert answer.status_code == 422
    assert detail in answer.json()["detail"]


@pytest.mark.parametrize("query", ["source=NOPE&target=E1", "source=E1&target=NOPE"])
def test_an_unknown_actor_is_404(live_api, query):
    with live_api.client("analyst") as client:
        answer = client.get(f"/v1/introductions?{query}")
        assert answer.status_code == 404
        assert answer.json()["detail"] == "no node with id 'NOPE'"
        assert client.get("/v1/introducers?a=E1&b=NOPE").status_code == 404


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("a=E1", "b: is required"),
        ("a=E1&b=E1", "a and b are both 'E1'"),
        ("a=A1&b=E1", "'A1' is an Asset, not an actor"),
    ],
)
def test_bad_introducer_questions_are_422(live_api, query, detail):
    with live_api.client("analyst") as client:
        answer = client.get(f"/v1/introducers?{query}")
    assert answer.status_code == 422
    assert detail in answer.json()["detail"]


def test_the_answer_is_the_query_in_json(live_api):
    with live_api.client("admin") as client:
        answer = client.get("/v1/introductions?source=E2&target=F1&k=4&max_hops=5")
    assert answer.status_code == 200
    body = answer.json()
    with open_store(live_api.settings) as store:
        expected = introduction_paths(store, "E2", "F1", k=4, max_hops=5)
    assert body["source"] == "E2" and body["target"] == "F1"
    assert len(body["paths"]) == len(expected) == 4
    for got, want in zip(body["paths"], expected, strict=True):
        assert got["nodes"] == [node.id for node in want.nodes]
        assert got["names"] == [node.name for node in want.nodes]
        assert got["hops"] == want.hops == len(got["steps"])
        assert got["score"] == readable(want.score)  # shown to 4 significant digits
        assert got["explanation"] == want.explanation
        assert got["steps"] == [
            {
                "from": step.origin.id,
                "type": step.relation.type.value,
                "to": step.destination.id,
                "strength": step.relation.strength,
                "source": step.relation.source,
                "target": step.relation.target,
            }
            for step in want.steps
        ]
    first = body["paths"][0]
    assert first["nodes"] == ["E2", "E1", "F1"]
    assert first["steps"][0] == {
        "from": "E2",
        "type": "TRADES_WITH",
        "to": "E1",
        "strength": 0.55,
        "source": "E1",
        "target": "E2",
    }
    assert first["explanation"].startswith("Ask 山田製作所 (a trade partner of Sakura Foods")


def test_no_path_is_an_empty_list(live_api):
    with live_api.client("analyst") as client:
        answer = client.get("/v1/introductions?source=E4&target=E1")
    assert answer.status_code == 200
    assert answer.json() == {"source": "E4", "target": "E1", "paths": []}


def test_introducers_match_the_query(live_api):
    with live_api.client("centre") as client:
        answer = client.get("/v1/introducers?a=E1&b=F1")
    assert answer.status_code == 200
    body = answer.json()
    with open_store(live_api.settings) as store:
        expected = introducers(store, "E1", "F1")
    assert [(i["id"], i["kind"], i["name"]) for i in body["introducers"]] == [
        ("C1", "Centre", "Tokyo Chamber of Commerce"),
        ("S1", "Specialist", "Sato Hanako"),
    ]
    assert [i["score"] for i in body["introducers"]] == pytest.approx([e.score for e in expected])
    assert [t["type"] for t in body["introducers"][1]["ties"]] == ["ADVISES", "WORKED_AT"]


def test_the_routes_are_documented(live_api):
    with live_api.client() as client:
        schema = client.get("/openapi.json").json()
    introductions = schema["paths"]["/v1/introductions"]["get"]
    assert {p["name"] for p in introductions["parameters"]} == {
        "source",
        "target",
        "k",
        "max_hops",
        "as_of",
    }
    assert {"200", "404", "422"} <= set(introductions["responses"])
    assert "IntroductionsPublic" in str(introductions["responses"]["200"])
    assert "IntroducersPublic" in str(schema["paths"]["/v1/introducers"]["get"]["responses"])
