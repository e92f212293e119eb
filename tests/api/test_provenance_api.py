"""Who said what, through HTTP: provenance on a node and its ties, writes attributed to the
caller (a centre key to its centre, an admin to the contributor it names), taking an
assertion back (DELETE /v1/relations) and ending a node (DELETE /v1/nodes/{id}), with who
may do each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from api import create_app
from api.heavy import HeavyConfig
from graph.settings import Settings
from tests.api.conftest import LiveApi, load_with_keys, serve
from tests.api.test_as_of_api import DATED, write_rows

ASSERTION_FIELDS = {"contributor", "recorded_at", "last_seen", "retracted_at", "values"}


@pytest.fixture
def api(settings: Settings, tmp_path: Path) -> Iterator[LiveApi]:
    made = load_with_keys(settings, write_rows(tmp_path / "dated", DATED))
    app = create_app(settings, heavy=HeavyConfig(RSN_HEAVY_PROCESSES=0))
    with serve(app) as base_url:
        yield LiveApi(base_url, made, settings)


def _node(api: LiveApi, node_id: str, role: str = "admin", **params):
    with api.client(role) as client:
        return client.get(f"/v1/nodes/{node_id}", params=params)


def _tie(body: dict, source: str, kind: str, target: str) -> dict | None:
    return next(
        (
            t
            for t in body["ties"]
            if (t["source"], t["type"], t["target"]) == (source, kind, target)
        ),
        None,
    )


def _retract(api: LiveApi, role: str, source: str, kind: str, target: str, **more):
    with api.client(role) as client:
        return client.delete(
            "/v1/relations", params={"source": source, "type": kind, "target": target, **more}
        )


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


# -- provenance on a node ----------------------------------------------------------------


def test_provenance_is_added_only_when_asked(api):
    plain = _node(api, "E1").json()
    assert "provenance" not in plain
    assert all("provenance" not in tie and "until" in tie for tie in plain["ties"])
    body = _node(api, "E1", provenance="true").json()
    [loaded] = body["provenance"]
    assert set(loaded) == ASSERTION_FIELDS
    assert loaded["contributor"] == "local" and loaded["retracted_at"] is None
    assert loaded["values"] == {
        "name": "Yamada Works",
        "prefecture": "13",
        "industry": "E",
        "founded": 1962,
    }
    assert loaded["recorded_at"] == loaded["last_seen"]
    for tie in body["ties"]:
        [asserted] = tie["provenance"]
        assert asserted["contributor"] == "local"
    supports = _tie(body, "C1", "SUPPORTS", "E1")
    assert supports["provenance"][0]["values"] == {"strength": 0.8, "since": "2015-04-01"}


def test_two_contributors_asserting_one_tie_with_different_values(api):
    with api.client("admin") as client:
        first = client.post(
            "/v1/relations",
            json={
                "contributor": "pref-13",
                "relations": [
                    {"source": "F1", "type": "GUARANTEES", "target": "E2", "strength": 0.6}
                ],
            },
        )
        second = client.post(
            "/v1/relations",
            json={
                "contributor": "bank-union",
                "relations": [
                    {
                        "source": "F1",
                        "type": "GUARANTEES",
                        "target": "E2",
                        "strength": 0.7,
                        "since": "2020-04-01",
                    }
                ],
            },
        )
    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    tie = _tie(_node(api, "E2", provenance="true").json(), "F1", "GUARANTEES", "E2")
    # the latest assertion's values are the tie's
    assert tie["strength"] == 0.7 and tie["since"] == "2020-04-01"
    by = {a["contributor"]: a for a in tie["provenance"]}
    assert list(by) == ["bank-union", "pref-13"]
    assert by["pref-13"]["values"] == {"strength": 0.6}
    assert by["bank-union"]["values"] == {"strength": 0.7, "since": "2020-04-01"}

    # bank-union takes its word back: pref-13's values stand
    taken = _retract(api, "admin", "F1", "GUARANTEES", "E2", contributor="bank-union")
    assert taken.status_code == 200, taken.text
    assert taken.json() == {
        "retracted": 1,
        "relation": {
            "source": "F1",
            "type": "GUARANTEES",
            "target": "E2",
            "strength": 0.6,
            "since": None,
            "until": None,
        },
    }
    tie = _tie(_node(api, "E2", provenance="true").json(), "F1", "GUARANTEES", "E2")
    by = {a["contributor"]: a for a in tie["provenance"]}
    assert by["bank-union"]["retracted_at"] is not None and by["pref-13"]["retracted_at"] is None

    # pref-13 too: nobody asserts it, so it ends today and stays in history
    ended = _retract(api, "admin", "F1", "GUARANTEES", "E2", contributor="pref-13")
    assert ended.status_code == 200, ended.text
    until = ended.json()["relation"]["until"]
    assert until is not None
    assert _tie(_node(api, "E2", as_of=until).json(), "F1", "GUARANTEES", "E2") is None
    before = _tie(_node(api, "E2", as_of=_day_before(until)).json(), "F1", "GUARANTEES", "E2")
    assert before is not None and before["until"] == until and before["strength"] == 0.6


def test_an_admin_write_without_a_contributor_is_admins(api):
    with api.client("admin") as client:
        answer = client.post(
            "/v1/relations", json=[{"source": "C2", "type": "SUPPORTS", "target": "E3"}]
        )
        assert answer.status_code == 200
        nodes = client.post(
            "/v1/nodes",
            json={
                "contributor": "meti",
                "nodes": [
                    {
                        "kind": "Asset",
                        "values": {
                            "id": "A2",
                            "name": "Kaga vegetables",
                            "category": "agricultural",
                            "prefecture": "17",
                        },
                    }
                ],
            },
        )
        assert nodes.status_code == 200 and nodes.json() == {"written": 1}
    tie = _tie(_node(api, "E3", provenance="true").json(), "C2", "SUPPORTS", "E3")
    assert [a["contributor"] for a in tie["provenance"]] == ["admin"]
    asset = _node(api, "A2", provenance="true").json()
    assert [a["contributor"] for a in asset["provenance"]] == ["meti"]


@pytest.mark.parametrize("name", ["bad name", "", "x" * 65, "ümlaut"])
def test_a_contributor_that_is_not_a_name_is_422(api, name):
    with api.client("admin") as client:
        answer = client.post(
            "/v1/relations",
            json={
                "contributor": name,
                "relations": [{"source": "C2", "type": "SUPPORTS", "target": "E3"}],
            },
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "contributor"
        refused = _retract(api, "admin", "C1", "SUPPORTS", "E1", contributor=name)
        assert refused.status_code == 422
    assert _tie(_node(api, "E3").json(), "C2", "SUPPORTS", "E3") is None


def test_a_bad_item_in_a_named_body_names_the_item(api):
    with api.client("admin") as client:
        answer = client.post(
            "/v1/nodes", json={"contributor": "meti", "nodes": [{"values": {"id": "A3"}}]}
        )
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "nodes.0.kind"
        listed = client.post("/v1/nodes", json=[{"values": {"id": "A3"}}])
        assert listed.status_code == 422
        assert listed.json()["errors"][0]["field"] == "0.kind"


# -- taking back, and who may ----------------------------------------------------------


def test_a_centre_key_writes_and_takes_back_as_its_centre(api):
    # what C1 asserts (as a load by contributor C1 would), written here by an admin naming it
    with api.client("admin") as client:
        written = client.post(
            "/v1/relations",
            json={
                "contributor": "C1",
                "relations": [
                    {"source": "C1", "type": "SUPPORTS", "target": "E2", "strength": 0.5}
                ],
            },
        )
        assert written.status_code == 200
    # another centre does not assert it
    other = _retract(api, "centre2", "C1", "SUPPORTS", "E2")
    assert other.status_code == 404
    assert "'C2' does not assert" in other.json()["detail"]
    assert "asserted by C1" in other.json()["detail"]
    # a centre key may not name another contributor
    forged = _retract(api, "centre2", "C1", "SUPPORTS", "E2", contributor="C1")
    assert forged.status_code == 403 and "C2" in forged.json()["detail"]
    mine = _retract(api, "centre", "C1", "SUPPORTS", "E2", contributor="C1")
    assert mine.status_code == 200, mine.text
    assert mine.json()["retracted"] == 1 and mine.json()["relation"]["until"] is not None
    again = _retract(api, "centre", "C1", "SUPPORTS", "E2")
    assert again.status_code == 404 and "has ended" in again.json()["detail"]


@pytest.mark.parametrize(
    ("role", "params", "status", "words"),
    [
        (None, {}, 401, "API key"),
        ("analyst", {}, 403, "an analyst key may not do this"),
        ("admin", {}, 404, "'admin' does not assert the relation C1 SUPPORTS E1"),
        ("admin", {"contributor": "local"}, 200, None),
        ("centre", {}, 404, "'C1' does not assert"),
    ],
)
def test_who_may_take_back_a_relation(api, role, params, status, words):
    answer = _retract(api, role, "C1", "SUPPORTS", "E1", **params)
    assert answer.status_code == status, answer.text
    if words:
        assert words in answer.json()["detail"]


def test_taking_back_a_relation_that_does_not_exist_is_404(api):
    answer = _retract(api, "admin", "C1", "SUPPORTS", "E3")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "no relation C1 SUPPORTS E3"
    bad = _retract(api, "admin", "C1", "KNOWS", "E3")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "type"


# -- ending a node -----------------------------------------------------------------------


def _refer(api: LiveApi, enterprise: str = "E1") -> dict:
    with api.client("centre") as client:
        answer = client.post(
            "/v1/referrals", json={"enterprise": enterprise, "to_centre": "C2", "need": "finance"}
        )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _end(api: LiveApi, node_id: str, role: str = "admin"):
    with api.client(role) as client:
        return client.delete(f"/v1/nodes/{node_id}")


def test_a_node_named_by_an_open_referral_cannot_end(api):
    referral = _refer(api)
    for node_id in ("E1", "C1", "C2"):
        refused = _end(api, node_id)
        assert refused.status_code == 409, refused.text
        assert referral["id"] in refused.json()["detail"]
        assert _node(api, node_id).status_code == 200
    with api.client("centre") as client:
        cancelled = client.patch(
            f"/v1/referrals/{referral['id']}",
            json={"status": "cancelled", "reason": "the firm found a lender itself"},
        )
        assert cancelled.status_code == 200, cancelled.text
    ended = _end(api, "E1")
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["id"] == "E1" and body["kind"] == "Enterprise" and body["ended"]
    # every assertion of the node and of its 6 relations; 5 of them held until now (F1's
    # guarantee had ended in 2018)
    assert body["retracted"] == 1 + 6
    assert body["ended_ties"] == 5
    gone = _node(api, "E1")
    assert gone.status_code == 404 and f"ended on {body['ended']}" in gone.json()["detail"]
    before = _node(api, "E1", as_of=_day_before(body["ended"]), provenance="true").json()
    assert before["provenance"][0]["retracted_at"] is not None
    assert {t["until"] for t in before["ties"] if not t["derived"]} == {body["ended"]}
    again = _end(api, "E1")
    assert again.status_code == 404 and "ended on" in again.json()["detail"]


def test_an_open_referral_naming_an_enterprise_blocks_only_its_nodes(api):
    _refer(api, "E2")
    assert _end(api, "E2").status_code == 409
    assert _end(api, "S1").status_code == 200


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("analyst", 403), ("centre", 403)])
def test_only_an_admin_ends_a_node(api, role, status):
    assert _end(api, "E2", role).status_code == status
    assert _node(api, "E2").status_code == 200


def test_ending_an_unknown_node_is_404(api):
    answer = _end(api, "E404")
    assert answer.status_code == 404 and answer.json()["detail"] == "no node with id 'E404'"
