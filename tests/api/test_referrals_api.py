"""Referrals through HTTP on every backend: the role matrix on every route, idempotent
POSTs, and several clients moving one referral at once."""

from __future__ import annotations

import threading

import httpx
import pytest

from graph.store.keys import Role

BODY = {
    "enterprise": "E3",
    "to_centre": "C2",
    "need": "intellectual_property",
    "note": "patent search for lacquer finish",
}


@pytest.fixture
def api(live_api):
    """The live API with a third centre (C3) and its key, for a centre outside a referral."""
    with live_api.client("admin") as client:
        answer = client.post(
            "/v1/nodes",
            json=[
                {
                    "kind": "Centre",
                    "values": {
                        "id": "C3",
                        "name": "Okinawa Centre",
                        "prefecture": "47",
                        "kind": "other",
                    },
                },
            ],
        )
        assert answer.status_code == 200
    live_api.keys["centre3"] = live_api.add_key("t-centre3", Role.CENTRE, "C3")
    return live_api


def _refer(api, role="centre", headers=None, **changes) -> httpx.Response:
    with api.client(role, headers=headers) as client:
        return client.post("/v1/referrals", json=BODY | changes)


def _move(api, role, referral_id, **body) -> httpx.Response:
    with api.client(role) as client:
        return client.patch(f"/v1/referrals/{referral_id}", json=body)


def test_a_centre_follows_its_referral_to_completion(api):
    with api.client("centre") as sender:
        found = sender.get(
            "/v1/referrals/candidates", params={"enterprise": "E3", "need": "intellectual_property"}
        )
        assert found.status_code == 200
        best = found.json()["candidates"][0]
        assert best["centre"]["id"] == "C2" and best["specialists"] == ["S2"]
        assert len(best["reasons"]) >= 4
        created = sender.post("/v1/referrals", json=BODY | {"to_centre": best["centre"]["id"]})
    assert created.status_code == 201
    referral = created.json()
    assert referral["status"] == "requested" and referral["from_centre"] == "C1"
    for status, extra in [
        ("accepted", {}),
        ("in_progress", {}),
        ("completed", {"outcome": "filed a utility model"}),
    ]:
        answer = _move(api, "centre2", referral["id"], status=status, **extra)
        assert answer.status_code == 200, answer.text
    with api.client("centre") as sender:
        final = sender.get(f"/v1/referrals/{referral['id']}").json()
        outbox = sender.get("/v1/referrals", params={"box": "outbox"}).json()["referrals"]
    assert final["status"] == "completed" and final["outcome"] == "filed a utility model"
    assert [h["status"] for h in final["history"]] == [
        "requested",
        "accepted",
        "in_progress",
        "completed",
    ]
    assert all(h["at"] and h["by"] for h in final["history"])
    assert final["history"][1]["by"] == "C2 (key t-centre2)"
    assert [r["id"] for r in outbox] == [referral["id"]]


# -- the role matrix -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("analyst", 200), ("centre", 200), ("centre2", 200), ("admin", 200)],
)
def test_candidates_by_role(api, role, expected):
    with api.client(role) as client:
        answer = client.get(
            "/v1/referrals/candidates", params={"enterprise": "E3", "need": "intellectual_property"}
        )
    assert answer.status_code == expected


@pytest.mark.parametrize(
    ("role", "changes", "expected"),
    [
        (None, {}, 401),
        ("analyst", {}, 403),
        ("centre", {}, 201),
        ("centre", {"from_centre": "C3"}, 403),
        ("admin", {"from_centre": "C1"}, 201),
        ("admin", {}, 422),
    ],
)
def test_creating_by_role(api, role, changes, expected):
    answer = _refer(api, role, **changes)
    assert answer.status_code == expected, answer.text
    if expected == 201:
        assert answer.json()["from_centre"] == "C1"


@pytest.mark.parametrize(
    ("role", "expected", "count"),
    [
        (None, 401, None),
        ("analyst", 403, None),
        ("centre", 200, 1),
        ("centre2", 200, 0),
        ("centre3", 200, 0),
        ("admin", 200, 1),
    ],
)
def test_listing_by_role(api, role, expected, count):
    assert _refer(api).status_code == 201
    with api.client(role) as client:
        answer = client.get("/v1/referrals", params={"box": "outbox"})
    assert answer.status_code == expected
    if count is not None:
        assert len(answer.json()["referrals"]) == count


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 401),
        ("analyst", 404),
        ("centre", 200),
        ("centre2", 200),
        ("centre3", 404),
        ("admin", 200),
    ],
)
def test_reading_one_by_role(api, role, expected):
    referral = _refer(api).json()
    with api.client(role) as client:
        answer = client.get(f"/v1/referrals/{referral['id']}")
    assert answer.status_code == expected
    with api.client(role) as client:
        assert client.get("/v1/referrals/ref-0000").status_code == (401 if role is None else 404)


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        (None, "accepted", 401),
        ("analyst", "accepted", 404),
        ("centre3", "accepted", 404),
        ("centre3", "cancelled", 404),
        ("centre", "accepted", 403),
        ("centre2", "cancelled", 403),
        ("centre2", "accepted", 200),
        ("centre", "cancelled", 200),
        ("admin", "accepted", 200),
        ("centre2", "completed", 409),
        ("centre2", "finished", 422),
    ],
)
def test_moving_by_role(api, role, status, expected):
    referral = _refer(api).json()
    answer = _move(api, role, referral["id"], status=status, reason="as asked")
    assert answer.status_code == expected, answer.text
    with api.client("admin") as client:
        now = client.get(f"/v1/referrals/{referral['id']}").json()
    assert now["status"] == (status if expected == 200 else "requested")
    assert len(now["history"]) == (2 if expected == 200 else 1)


def test_moves_without_a_required_reason_or_outcome_are_422(api):
    referral = _refer(api).json()
    assert _move(api, "centre2", referral["id"], status="rejected").status_code == 422
    assert _move(api, "centre", referral["id"], status="cancelled").status_code == 422
    assert _move(api, "centre2", referral["id"], status="accepted").status_code == 200
    assert _move(api, "centre2", referral["id"], status="in_progress").status_code == 200
    assert _move(api, "centre2", referral["id"], status="completed").status_code == 422
    assert _move(api, "centre2", referral["id"], status="failed").status_code == 422
    answer = _move(api, "centre2", referral["id"], status="failed", reason="no capacity")
    assert answer.status_code == 200


def test_bad_bodies_and_parameters_are_422_or_404(api):
    assert _refer(api, need="magic").status_code == 422
    assert _refer(api, to_centre="C404").status_code == 404
    assert _refer(api, to_centre="C1").status_code == 422
    with api.client("centre") as client:
        assert client.post("/v1/referrals", json={"need": "export"}).status_code == 422
        assert client.get("/v1/referrals", params={"box": "spam"}).status_code == 422
        bad = client.get("/v1/referrals/candidates", params={"enterprise": "E3"})
        assert bad.status_code == 422


# -- idempotency and concurrency -------------------------------------------------------


def test_a_retried_post_returns_the_first_referral(api):
    first = _refer(api, headers={"Idempotency-Key": "abc-1"})
    again = _refer(api, headers={"Idempotency-Key": "abc-1"})
    duplicate = _refer(api, headers={"Idempotency-Key": "abc-2"})
    assert duplicate.status_code == 409
    assert first.json()["id"] in duplicate.json()["detail"]
    other = _refer(api, headers={"Idempotency-Key": "abc-2"}, allow_duplicate=True)
    assert first.status_code == again.status_code == other.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert other.json()["id"] != first.json()["id"]
    assert _refer(api, headers={"Idempotency-Key": "abc-1"}, need="export").status_code == 409
    with api.client("centre") as client:
        assert len(client.get("/v1/referrals", params={"box": "outbox"}).json()["referrals"]) == 2


def test_concurrent_retries_with_one_key_make_one_referral(api):
    ids: list[str] = []
    barrier = threading.Barrier(5)

    def post() -> None:
        barrier.wait()
        answer = _refer(api, headers={"Idempotency-Key": "burst"})
        assert answer.status_code == 201
        ids.append(answer.json()["id"])

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 5 and len(set(ids)) == 1


def test_clients_moving_one_referral_at_once_get_one_winner(api):
    referral = _refer(api).json()
    codes: list[int] = []
    barrier = threading.Barrier(6)

    def move(status: str) -> None:
        with api.client("centre2") as client:
            barrier.wait()
            answer = client.patch(
                f"/v1/referrals/{referral['id']}", json={"status": status, "reason": "load"}
            )
            codes.append(answer.status_code)

    threads = [threading.Thread(target=move, args=(s,)) for s in ["accepted", "rejected"] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [409] * 5
    with api.client("admin") as client:
        history = client.get(f"/v1/referrals/{referral['id']}").json()["history"]
    assert len(history) == 2
