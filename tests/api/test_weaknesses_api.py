"""The weakness, what-if, density and page routes over real HTTP, with the sign-in flow."""

from __future__ import annotations

import re

import pytest


def test_the_weakness_report_and_its_errors(live_api):
    with live_api.client("admin") as client:
        report = client.get("/v1/weaknesses", params={"prefecture": "13"})
        assert report.status_code == 200
        body = report.json()
        assert [f["id"] for f in body["unsupported_enterprises"]] == ["E2"]
        finding = body["unsupported_enterprises"][0]
        assert {"id", "kind", "name", "suggestion", "next_step"} <= set(finding)
        assert client.get("/v1/weaknesses").json()["isolated"][0]["id"] == "E4"
        bad = client.get("/v1/weaknesses", params={"prefecture": "99"})
        assert bad.status_code == 422 and "'99' is not a prefecture code" in bad.json()["detail"]
        assert client.get("/v1/weaknesses", params={"limit": 0}).status_code == 422
        assert client.get("/v1/weaknesses/what-if", params={"remove": "NOPE"}).status_code == 404
        assert client.get("/v1/weaknesses/what-if", params={"remove": "A1"}).status_code == 422
        what_if = client.get("/v1/weaknesses/what-if", params={"remove": "C1"}).json()
        assert what_if["removed"]["id"] == "C1" and "lose_centre" in what_if
        assert what_if["only_support"] == []  # E1 is advised by S1 too
        lender = client.get("/v1/weaknesses/what-if", params={"remove": "F2"}).json()
        assert [n["id"] for n in lender["only_financier"]] == ["E2", "E3"]
        rows = client.get("/v1/density", params={"by": "prefecture"}).json()["rows"]
        assert [r["prefecture"] for r in rows] == ["13", "17", "47"]
        assert client.get("/v1/density", params={"by": "city"}).status_code == 422
    with live_api.client() as anonymous:
        assert anonymous.get("/v1/weaknesses").status_code == 401


def test_signing_in_sets_a_strict_http_only_cookie_for_reading_only(live_api):
    with live_api.client() as browser:
        home = browser.get("/")
        assert home.status_code == 303 and home.headers["location"].startswith("/sign-in")
        wrong = browser.post("/sign-in", data={"key": "rsn_bad_key", "next": "/"})
        assert wrong.status_code == 401 and "unknown or revoked" in wrong.text
        signed = browser.post(
            "/sign-in", data={"key": live_api.keys["analyst"], "next": "https://evil.example/"}
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and re.search("SameSite=strict", cookie, re.I)
        page = browser.get("/")
        assert page.status_code == 200 and "Density by prefecture" in page.text
        assert browser.get("/v1/weaknesses").status_code == 200
        network = browser.get("/v1/viz/network", params={"prefecture": "13"})
        assert network.status_code == 200 and 'id="legend"' in network.text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", network.text)
        assert browser.get("/v1/viz/density").status_code == 200
        assert browser.get("/v1/viz/network", params={"centre": "C404"}).status_code == 404
        assert browser.get("/v1/viz/network", params={"centre": "E1"}).status_code == 422
        assert browser.get("/v1/viz/network", params={"prefecture": "00"}).status_code == 422
        # writes take the header only
        assert browser.post("/v1/relations", json=[]).status_code == 401
        browser.post("/sign-out")
        assert browser.get("/v1/weaknesses").status_code == 401


def test_computed_numbers_are_shown_to_four_significant_digits_in_json(live_api):
    long_numbers = re.compile(r"\d\.\d*[1-9]\d{4,}")  # 0.7998000000000001, 0.2222222
    with live_api.client("admin") as client:
        report = client.get("/v1/weaknesses")
        brokers = report.json()["brokers"]
        assert [b["betweenness"] for b in brokers] == pytest.approx(
            [0.2222, 0.2222, 0.1667, 0.1667, 0.1111, 0.1111, 0.08333], abs=1e-4
        )
        assert brokers[0]["constraint"] == 0.5495
        paths = client.get("/v1/introductions?source=E2&target=F1&k=4&max_hops=5")
        assert [p["score"] for p in paths.json()["paths"]] == [0.4125, 0.396, 0.3465, 0.2228]
        density = client.get("/v1/density")
        for answer in (report, paths, density):
            assert answer.status_code == 200
            assert not long_numbers.search(answer.text), long_numbers.search(answer.text)
