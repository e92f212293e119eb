"""POST /v1/nodes with values of the wrong JSON type or past their column's bounds: a 422
naming the column, and nothing written; a kind change is a 409."""

from __future__ import annotations

import pytest

ENTERPRISE = {"id": "E9", "name": "New", "prefecture": "01", "industry": "A"}

REFUSED = [
    # (values, the column named, words in its message)
    (ENTERPRISE | {"employees": 10**29}, "employees", "from 0 to 10,000,000"),
    (ENTERPRISE | {"employees": 10_000_001}, "employees", "got 10,000,001"),
    (ENTERPRISE | {"employees": "1" + "0" * 29}, "employees", "from 0 to 10,000,000"),
    (ENTERPRISE | {"employees": 2.5}, "employees", "whole number"),
    (ENTERPRISE | {"employees": True}, "employees", "whole number"),
    (ENTERPRISE | {"employees": {"a": 1}}, "employees", "whole number"),
    (ENTERPRISE | {"name": {"a": 1}}, "name", "must be text"),
    (ENTERPRISE | {"name": ["a", "b"]}, "name", "must be text"),
    (ENTERPRISE | {"name": 42}, "name", "must be text"),
    (ENTERPRISE | {"industry": {"a": 1}}, "industry", "must be text"),
]


@pytest.mark.parametrize(("values", "column", "words"), REFUSED)
def test_values_of_the_wrong_type_or_size_are_422(live_api, values, column, words):
    with live_api.client("admin") as client:
        answer = client.post("/v1/nodes", json=[{"kind": "Enterprise", "values": values}])
        assert answer.status_code == 422, answer.text
        problems = answer.json()["errors"]
        assert any(p["field"] == column and words in p["message"] for p in problems), problems
        assert client.get("/v1/nodes/E9").status_code == 404


def test_a_centre_capacity_past_its_bound_is_422(live_api):
    values = {"id": "C9", "name": "x", "prefecture": "13", "kind": "other", "capacity": 10**29}
    with live_api.client("admin") as client:
        answer = client.post("/v1/nodes", json=[{"kind": "Centre", "values": values}])
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "capacity"
        assert "from 1 to 100,000" in answer.json()["errors"][0]["message"]
        values["capacity"] = 100_000
        assert client.post("/v1/nodes", json=[{"kind": "Centre", "values": values}]).is_success
        assert client.get("/v1/nodes/C9").json()["properties"]["capacity"] == 100_000


def test_numbers_for_whole_number_columns_still_work(live_api):
    values = ENTERPRISE | {"employees": 10_000_000, "founded": 1990}
    with live_api.client("admin") as client:
        answer = client.post("/v1/nodes", json=[{"kind": "Enterprise", "values": values}])
        assert answer.status_code == 200, answer.text
        stored = client.get("/v1/nodes/E9").json()
    assert stored["name"] == "New"
    assert stored["properties"]["employees"] == 10_000_000
    assert stored["properties"]["founded"] == 1990


def test_an_upsert_that_changes_a_kind_is_409_naming_both(live_api):
    values = {"id": "E1", "name": "x", "prefecture": "13", "kind": "other"}
    with live_api.client("admin") as client:
        answer = client.post("/v1/nodes", json=[{"kind": "Centre", "values": values}])
        assert answer.status_code == 409
        assert answer.json()["detail"] == (
            "id 'E1' is already an Enterprise; it cannot also be a Centre"
        )
        assert client.get("/v1/nodes/E1").json()["kind"] == "Enterprise"


def _rsn_env(settings) -> dict[str, str]:
    """The environment of an `rsn` command on the live API's store."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    env.update(RSN_BACKEND=settings.backend.value, RSN_DATA_DIR=str(settings.data_dir))
    if settings.neo4j_uri:
        env.update(
            NEO4J_URI=settings.neo4j_uri,
            NEO4J_USER=settings.neo4j_user,
            NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
        )
    return env


def test_the_server_answers_for_what_rsn_load_wrote_and_keeps_its_kind(live_api, tmp_path):
    import subprocess
    import sys
    import time

    from tests.conftest import write_dataset

    folder = write_dataset(
        tmp_path / "live", {"enterprises.csv": [["LIVE1", "Live Co", "13", "E", "7", ""]]}
    )
    with live_api.client("admin") as client:
        assert client.get("/v1/nodes/LIVE1").status_code == 404
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", "load", str(folder)],
            env=_rsn_env(live_api.settings),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 5
        while (answer := client.get("/v1/nodes/LIVE1")).status_code == 404:
            assert time.monotonic() < deadline, "the server never saw the loaded node"
            time.sleep(0.1)
        assert answer.json()["kind"] == "Enterprise"
        centre = {"id": "LIVE1", "name": "Live Centre", "prefecture": "13", "kind": "other"}
        answer = client.post("/v1/nodes", json=[{"kind": "Centre", "values": centre}])
        assert answer.status_code == 409
        assert "'LIVE1' is already an Enterprise" in answer.json()["detail"]
        assert client.get("/v1/nodes/LIVE1").json()["properties"] == {
            "prefecture": "13",
            "industry": "E",
            "employees": 7,
        }
