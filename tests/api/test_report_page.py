"""The weakness report as a page (GET /v1/viz/weaknesses) and its CSV downloads, over real
HTTP: the same report as GET /v1/weaknesses for each caller, in English and Japanese, the
sign-in detour, and the links that keep ?lang=."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest

from api import create_app
from api.routers import people_pages
from graph.settings import Settings
from tests.api.conftest import LiveApi, load_with_keys, serve

FINDING_LISTS = (
    "articulation_points",
    "unfinanced_enterprises",
    "unsupported_enterprises",
    "isolated",
    "unused_assets",
    "overloaded_centres",
)


def people_app(settings: Settings):
    """The app, with the people's pages mounted under /v1 unless the app has them."""
    app = create_app(settings)
    if not any(getattr(route, "path", "") == "/v1/viz/weaknesses" for route in app.routes):
        app.include_router(people_pages.viz, prefix="/v1")
    return app


def serve_people(settings: Settings, dataset) -> Iterator[LiveApi]:
    """Load ``dataset`` with a key of each role and serve the app with the people's pages."""
    made = load_with_keys(settings, dataset)
    with serve(people_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings)


@pytest.fixture
def people_api(settings: Settings, small_dataset) -> Iterator[LiveApi]:
    yield from serve_people(settings, small_dataset)


def rows_of(page: str, table: str) -> list[str]:
    """The ids the rows of a table of the page link to, in order."""
    found = re.search(rf'<table class="sortable" id="t-{table}">(.*?)</table>', page, re.S)
    if found is None:
        return []
    body = found.group(1).split("<tbody>", 1)[1]
    return [
        re.search(r'href="/v1/viz/nodes/([^"?&]+)', row).group(1) for row in body.split("<tr>")[1:]
    ]


def _audit(api: LiveApi) -> list[dict]:
    with api.client("admin") as client:
        return client.get("/v1/audit").json()["entries"]


@pytest.mark.parametrize("prefecture", [None, "13"])
def test_the_page_lists_what_the_json_report_lists_for_each_caller(people_api, prefecture):
    params = {"prefecture": prefecture} if prefecture else {}
    for role in ("admin", "analyst", "centre"):
        with people_api.client(role) as client:
            report = client.get("/v1/weaknesses", params=params).json()
            answer = client.get("/v1/viz/weaknesses", params=params)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/html")
        page = answer.text
        for table in FINDING_LISTS:
            assert rows_of(page, table) == [f["id"] for f in report[table]], (role, table)
            for finding in report[table]:
                assert _escaped(finding["suggestion"]) in page
        assert f"{report['nodes']:,} actors and {report['edges']:,} ties" in page
        counts = re.search(r'<table class="sortable" id="counts">(.*?)</table>', page, re.S)
        for table, count in report["counts"].items():
            row = re.search(rf'href="#{table}">[^<]*</a></th>(.*?)</tr>', counts.group(1))
            cells = re.findall(r'data-sort="([^"]*)"', row.group(1))
            listed = len(report[table])
            assert cells == [str(count), str(listed), str(report["withheld"].get(table, 0))]


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def test_an_analyst_is_told_how_many_findings_are_withheld(people_api):
    with people_api.client("analyst") as client:
        report = client.get("/v1/weaknesses").json()
        page = client.get("/v1/viz/weaknesses").text
        ja = client.get("/v1/viz/weaknesses", params={"lang": "ja"}).text
    withheld = sum(report["withheld"].values())
    assert withheld > 0  # E4 has no financier, and only its centres may know it
    assert "E4" not in rows_of(page, "unfinanced_enterprises")
    noun = "finding is" if withheld == 1 else "findings are"
    assert f"{withheld} {noun} not listed" in page
    assert (
        f"{withheld}件は一覧に表示していません。閲覧権限のない秘匿情報（融資・保証・出資・助言の"
        "つながり）が分かってしまうためです。"
    ) in ja
    with people_api.client("admin") as client:
        admin = client.get("/v1/viz/weaknesses").text
    assert "E4" in rows_of(admin, "unfinanced_enterprises")
    assert 'id="withheld"' not in admin


def test_the_page_speaks_japanese_word_for_word(people_api):
    with people_api.client("admin") as client:
        answer = client.get("/v1/viz/weaknesses", params={"prefecture": "13", "lang": "ja"})
        by_header = client.get(
            "/v1/viz/weaknesses", params={"prefecture": "13"}, headers={"Accept-Language": "ja"}
        )
    page = answer.text
    assert '<html lang="ja">' in page
    assert "<title>弱点レポート：東京都</title>" in page
    assert "<h1>弱点レポート：東京都</h1>" in page
    assert '<h2 id="unfinanced_enterprises">資金調達先のない企業</h2>' in page
    assert "どの金融機関からも融資・保証・出資を受けていない企業です。" in page
    assert ">この表をダウンロード（CSV）</a>" in page
    assert re.search(
        r"\d{4}-\d{2}-\d{2}時点のネットワークです。主体\d+件、その間のつながり\d+件です。", page
    )
    # the page keeps ?lang=ja in its own links, not a language the browser asked for
    assert 'href="/v1/viz/nodes/E1?lang=ja"' in page or "/v1/viz/nodes/" not in page
    assert "table=unfinanced_enterprises&amp;lang=ja" in page
    assert by_header.text.count("lang=ja") == 1  # only the language switch
    assert 'href="/v1/viz/weaknesses?prefecture=13&amp;lang=en"' in by_header.text


def test_each_table_downloads_as_csv_for_excel(people_api):
    with people_api.client("admin") as client:
        report = client.get("/v1/weaknesses").json()
        for table in (*FINDING_LISTS, "bridges", "components", "brokers"):
            answer = client.get("/v1/viz/weaknesses.csv", params={"table": table})
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "text/csv; charset=utf-8"
            assert (
                answer.headers["content-disposition"]
                == f'attachment; filename="weaknesses-all-{table}.csv"'
            )
            assert answer.content.startswith(b"\xef\xbb\xbf")
            rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
            assert len(rows) - 1 == len(report[table]), table
            if table in FINDING_LISTS:
                assert rows[0][:2] == ["id", "name"] and rows[0][-1] == "suggestion"
                assert [row[0] for row in rows[1:]] == [f["id"] for f in report[table]]
        ja = client.get(
            "/v1/viz/weaknesses.csv", params={"table": "unfinanced_enterprises", "lang": "ja"}
        )
        bad = client.get("/v1/viz/weaknesses.csv", params={"table": "everything"})
    assert bad.status_code == 422
    rows = list(csv.reader(io.StringIO(ja.content.decode("utf-8-sig"))))
    header = rows[0]
    e4 = dict(zip(header, next(row for row in rows if row[0] == "E4"), strict=True))
    assert e4["kind_name"] == "企業" and e4["prefecture_name"] == "沖縄県"


def test_a_person_without_a_session_signs_in_and_comes_back(people_api):
    base = people_api.base_url
    asked = "/v1/viz/weaknesses?prefecture=13&lang=ja"
    navigation = httpx.get(base + asked, headers={"Sec-Fetch-Mode": "navigate"})
    assert navigation.status_code == 303
    assert navigation.headers["location"].startswith(
        "/sign-in?next=/v1/viz/weaknesses%3Fprefecture%3D13%26lang%3Dja"
    )
    ended = httpx.get(base + asked, cookies={"rsn_session": "ended"})
    assert ended.status_code == 303
    program = httpx.get(base + asked)
    assert program.status_code == 401
    with httpx.Client(base_url=base) as browser:
        signed = browser.post(
            "/sign-in",
            data={"key": people_api.keys["analyst"], "next": asked},
            follow_redirects=False,
        )
        assert signed.status_code == 303 and signed.headers["location"] == asked
        page = browser.get(asked)
    assert page.status_code == 200 and "弱点レポート：東京都" in page.text


def test_the_page_records_in_the_audit_log_what_the_json_report_records(people_api):
    for role in ("admin", "analyst"):
        before = len(_audit(people_api))
        with people_api.client(role) as client:
            client.get("/v1/weaknesses")
        json_entries = _audit(people_api)[before:]
        with people_api.client(role) as client:
            client.get("/v1/viz/weaknesses")
        page_entries = _audit(people_api)[before + len(json_entries) :]
        assert [e["enterprises"] for e in page_entries] == [
            e["enterprises"] for e in json_entries
        ], role
