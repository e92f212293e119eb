"""A node's page (GET /v1/viz/nodes/{id}) and the search box's lookup (GET /v1/viz/find),
over real HTTP: ties as GET /v1/nodes/{id} lists them for each caller, introductions as GET
/v1/introductions finds them, a centre's referrals under the rules of GET /v1/referrals, the
audit log, and Japanese."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from graph.settings import Settings
from tests.api.conftest import LiveApi
from tests.api.test_report_page import serve_people


@pytest.fixture
def people_api(settings: Settings, small_dataset) -> Iterator[LiveApi]:
    yield from serve_people(settings, small_dataset)


def _page(api: LiveApi, role: str, path: str, **params) -> str:
    with api.client(role) as client:
        answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.text


def _linked(page: str, section: str | None = None) -> set[str]:
    """The node ids a page (or one table of it) links to."""
    if section is not None:
        found = re.search(rf'<table class="sortable" id="{section}">(.*?)</table>', page, re.S)
        page = found.group(1) if found else ""
    return set(re.findall(r'href="/v1/viz/nodes/([^"?&]+)', page))


def _audit(api: LiveApi) -> list[dict]:
    with api.client("admin") as client:
        return client.get("/v1/audit").json()["entries"]


def test_the_ties_are_those_the_node_route_lists_for_each_caller(people_api):
    for role in ("admin", "analyst", "centre"):
        for node in ("E1", "E2", "C1", "F1", "S1"):
            with people_api.client(role) as client:
                listed = client.get(f"/v1/nodes/{node}").json()["ties"]
            page = _page(people_api, role, f"/v1/viz/nodes/{node}")
            for kind in {tie["type"] for tie in listed}:
                expected = {tie["other"] for tie in listed if tie["type"] == kind}
                assert _linked(page, f"ties-{kind.lower()}") == expected, (role, node, kind)
            shown = set(re.findall(r'id="ties-([a-z_]+)"', page))
            assert shown == {tie["type"].lower() for tie in listed}, (role, node)


def test_a_confidential_tie_is_shown_only_to_those_entitled_and_audited(people_api):
    admin = _page(people_api, "admin", "/v1/viz/nodes/E1")
    assert "F1" in _linked(admin, "ties-guarantees")
    before = len(_audit(people_api))
    analyst = _page(people_api, "analyst", "/v1/viz/nodes/E1")
    assert 'id="ties-guarantees"' not in analyst and 'id="ties-advises"' not in analyst
    assert _audit(people_api)[before:] == []  # nothing confidential shown
    _page(people_api, "admin", "/v1/viz/nodes/E1")
    (entry,) = _audit(people_api)[before:]
    assert entry["route"].startswith("GET /v1/viz/nodes/E1")
    assert entry["enterprises"] == ["E1"]


def test_introductions_are_those_of_the_introductions_route(people_api):
    for role in ("admin", "analyst"):
        with people_api.client(role) as client:
            found = client.get(
                "/v1/introductions", params={"source": "E1", "target": "F1", "k": 3}
            ).json()["paths"]
        page = _page(people_api, role, "/v1/viz/nodes/E1", to="F1")
        chains = re.findall(r'<ol class="chain">(.*?)</ol>', page, re.S)
        walked = [re.findall(r'href="/v1/viz/nodes/([^"?&]+)', chain) for chain in chains]
        # each step links its two ends: the path is every other link and the last
        assert [steps[::2] + steps[-1:] for steps in walked] == [p["nodes"] for p in found]
        for path in found:
            assert path["explanation"].replace("'", "&#x27;") in page
    admin = _page(people_api, "admin", "/v1/viz/nodes/E1", to="F1")
    analyst = _page(people_api, "analyst", "/v1/viz/nodes/E1", to="F1")
    assert admin != analyst  # the direct guarantee only for the admin
    bad = _page(people_api, "admin", "/v1/viz/nodes/E1", to="A1")
    assert 'class="alert" role="alert"' in bad and "not an actor" in bad


def test_the_search_box_finds_by_name_or_id(people_api):
    with people_api.client("analyst") as client:
        found = client.get("/v1/viz/find", params={"q": "tokyo"}).json()
        by_id = client.get("/v1/viz/find", params={"q": "F2"}).json()
        ja = client.get("/v1/viz/find", params={"q": "ｓａｋｕｒａ", "lang": "ja"}).json()
        none = client.get("/v1/viz/find", params={"q": "zzz", "lang": "ja"}).json()
    assert [n["id"] for n in found["nodes"]] == ["C1", "F1"]
    assert by_id["nodes"][0]["id"] == "F2"
    assert ja["nodes"] == [
        {
            "id": "E2",
            "kind": "Enterprise",
            "name": 'Sakura Foods, Ltd. "Honten"',
            "prefecture": "13",
            "label": "企業、東京都、E2",
        }
    ]
    assert (
        none["nodes"] == [] and none["nothing"] == "「zzz」に該当するものは見つかりませんでした。"
    )
    page = _page(people_api, "analyst", "/v1/viz/nodes/E1", q="tokyo", lang="ja")
    box = re.search(r'<div id="found" aria-live="polite">(.*?)</div>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', box) == [
        "/v1/viz/nodes/E1?to=C1&amp;lang=ja",
        "/v1/viz/nodes/E1?to=F1&amp;lang=ja",
    ]
    assert httpx.get(f"{people_api.base_url}/v1/viz/find", params={"q": "x"}).status_code == 401


def test_a_centres_referrals_are_shown_to_its_own_key_and_admins_only(people_api):
    with people_api.client("centre") as client:  # a key of C1
        made = client.post(
            "/v1/referrals", json={"enterprise": "E1", "to_centre": "C2", "need": "finance"}
        )
    assert made.status_code == 201, made.text
    referral = made.json()["id"]
    own = _page(people_api, "centre", "/v1/viz/nodes/C1")
    admin = _page(people_api, "admin", "/v1/viz/nodes/C2", lang="ja")
    for page in (own, admin):
        assert f'<th scope="row">{referral}</th>' in page
    assert "<td>Sent</td>" in own and "<td>Requested</td>" in own
    assert "<td>受けた紹介</td>" in admin and "<td>依頼中</td>" in admin
    for role, centre in (("centre2", "C1"), ("analyst", "C1"), ("centre", "C2")):
        page = _page(people_api, role, f"/v1/viz/nodes/{centre}")
        assert referral not in page, (role, centre)
        assert "Only this centre&#x27;s own key and administrators may see its referrals." in page
    assert 'id="referrals"' not in _page(people_api, "admin", "/v1/viz/nodes/E1")


def test_the_page_speaks_japanese_and_keeps_the_language_in_its_links(people_api):
    page = _page(people_api, "admin", "/v1/viz/nodes/C1", lang="ja")
    assert '<html lang="ja">' in page
    assert "<title>Tokyo Chamber of Commerce（支援機関）</title>" in page
    assert "<dt>種別</dt><dd>支援機関（商工会議所）</dd>" in page
    assert "<dt>受入枠（企業数）</dt><dd>40</dd>" in page
    assert '<h2 id="ties">つながり</h2>' in page
    assert "<h3>支援（1件）</h3>" in page
    assert "<td>こちらから相手へ</td>" in page
    assert '<label for="q">紹介を受けたい相手（名称またはID）</label>' in page
    assert 'href="/v1/viz/nodes/E1?lang=ja"' in page
    assert 'href="/v1/viz/weaknesses?prefecture=13&amp;lang=ja">東京都の弱点レポート</a>' in page
    assert 'href="/v1/viz/nodes/C1?lang=en"' in page  # the switch
    english = _page(people_api, "admin", "/v1/viz/nodes/C1")
    assert 'href="/v1/viz/nodes/E1"' in english and "<h3>Support (1)</h3>" in english


def test_an_unknown_node_is_a_page_that_says_so(people_api):
    with people_api.client("admin") as client:
        answer = client.get("/v1/viz/nodes/NOPE", params={"lang": "ja"})
    assert answer.status_code == 404
    assert "<h1>見つかりません</h1>" in answer.text
    navigation = httpx.get(
        f"{people_api.base_url}/v1/viz/nodes/E1", headers={"Sec-Fetch-Mode": "navigate"}
    )
    assert navigation.status_code == 303
    assert navigation.headers["location"].startswith("/sign-in?next=/v1/viz/nodes/E1")
