"""GET /v1/matches over real HTTP: candidate duplicates for an admin, best first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api import create_app
from api.routers import matches as matches_router
from tests.api.conftest import LiveApi, load_with_keys, serve
from tests.conftest import SMALL_NETWORK, write_dataset

#: The small network with the same firms loaded again by another hand: E11 and E12 are E1
#: (山田製作所) written with legal forms and half-width katakana, E13 is E4, and E14 is a
#: distinct firm one character away from E1.
DUPLICATES = {
    **SMALL_NETWORK,
    "enterprises.csv": [
        *SMALL_NETWORK["enterprises.csv"],
        ["E11", "株式会社山田製作所", "13", "E", "", ""],
        ["E12", "(株)山田製作所", "13", "E", "", ""],
        ["E13", "NAHA TOURS Co., Ltd.", "47", "M", "", ""],
        ["E14", "山田製材所", "13", "E", "", ""],
        ["E15", "山田製作所", "27", "E", "", ""],
    ],
}


def _app(settings):
    """The app, with this router included if the app does not include it yet."""
    app = create_app(settings)
    if not any(getattr(route, "path", None) == "/v1/matches" for route in app.routes):
        app.include_router(matches_router.router, prefix="/v1")
    return app


@pytest.fixture
def matching_api(settings, tmp_path) -> Iterator[LiveApi]:
    made = load_with_keys(settings, write_dataset(tmp_path / "duplicates", DUPLICATES))
    with serve(_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings)


def test_an_admin_gets_the_candidates_best_first(matching_api):
    with matching_api.client("admin") as client:
        answer = client.get("/v1/matches")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"matches"}
        found = body["matches"]
        assert all(set(item) == {"a", "b", "score", "reasons"} for item in found)
        assert [(item["a"], item["b"]) for item in found] == [
            ("E1", "E11"),
            ("E1", "E12"),
            ("E11", "E12"),
            ("E13", "E4"),
        ]
        assert [item["score"] for item in found] == sorted(
            (item["score"] for item in found), reverse=True
        )
        assert all(0 < item["score"] <= 1 and item["reasons"] for item in found)
        assert found[0]["reasons"] == [
            "names are the same once legal forms and widths are set aside"
        ]
        tokyo = client.get("/v1/matches", params={"prefecture": "13"}).json()["matches"]
        assert {(item["a"], item["b"]) for item in tokyo} == {
            ("E1", "E11"),
            ("E1", "E12"),
            ("E11", "E12"),
        }
        everything = client.get("/v1/matches", params={"min_score": 0}).json()["matches"]
        assert ("E1", "E14") in {(item["a"], item["b"]) for item in everything}
        assert ("E1", "E15") not in {(item["a"], item["b"]) for item in everything}


def test_other_roles_are_refused_and_bad_parameters_are_422(matching_api):
    for role in ("analyst", "centre"):
        with matching_api.client(role) as client:
            refused = client.get("/v1/matches")
            assert refused.status_code == 403, refused.text
            assert "needs an admin key" in refused.json()["detail"]
    with matching_api.client() as anonymous:
        assert anonymous.get("/v1/matches").status_code == 401
    with matching_api.client("admin") as client:
        for params in ({"min_score": 1.5}, {"min_score": -0.1}, {"min_score": "high"}):
            bad = client.get("/v1/matches", params=params)
            assert bad.status_code == 422, params
            assert bad.json()["errors"][0]["field"].endswith("min_score")
        assert client.get("/v1/matches", params={"prefecture": "48"}).status_code == 422


def test_the_job_refuses_an_unknown_prefecture_in_words(matching_api):
    from graph.errors import InvalidArgument
    from graph.store import open_store

    with open_store(matching_api.settings) as store:
        with pytest.raises(InvalidArgument, match="'48' is not a prefecture code"):
            matches_router.matches_json(store, "48", 0.85, "2030-01-01")
