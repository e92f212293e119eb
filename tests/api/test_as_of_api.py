"""Every reading route answers as of a day (``as_of``, default today), through HTTP: counts,
nodes and their ties, introductions, weaknesses, what-if, density and its history,
candidates and the pages. A bad day is a 422 naming ``as_of``; a node that ended (or was
not founded yet) is a 404 that says when."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from api import create_app
from graph.settings import Settings
from graph.valid_time import today
from tests.api.conftest import LiveApi, load_with_keys, serve
from tests.conftest import HEADERS, write_csv

THIS_YEAR = int(today()[:4])

#: A small network whose nodes are founded and end and whose ties begin and end:
#: - E3 was founded in 2020; E4 ended on 2020-06-01;
#: - F1 guaranteed E1 until 2018-04-01; F2 lends to E1 since 2019 and to E3 since 2021;
#: - S1 (finance) joined C1 on 2016-01-01.
DATED: dict[str, tuple[list[str], list[list[str]]]] = {
    "enterprises.csv": (
        ["id", "name", "prefecture", "industry", "founded", "ended"],
        [
            ["E1", "Yamada Works", "13", "E", "1962", ""],
            ["E2", "Sakura Foods", "13", "I", "", ""],
            ["E3", "Kaga Lacquer", "17", "E", "2020", ""],
            ["E4", "Naha Tours", "13", "M", "", "2020-06-01"],
        ],
    ),
    "assets.csv": (
        ["id", "name", "category", "prefecture"],
        [["A1", "Edo Kiriko glass", "industrial", "13"]],
    ),
    "centres.csv": (
        ["id", "name", "prefecture", "kind"],
        [
            ["C1", "Tokyo Chamber", "13", "chamber_of_commerce"],
            ["C2", "Ishikawa Centre", "17", "prefectural_centre"],
        ],
    ),
    "financiers.csv": (
        ["id", "name", "kind", "prefecture"],
        [
            ["F1", "Tokyo Guarantee", "credit_guarantee_corporation", "13"],
            ["F2", "Japan Finance", "government", ""],
        ],
    ),
    "specialists.csv": (
        ["id", "name", "background", "expertise", "prefecture"],
        [["S1", "Sato Hanako", "banker", "finance", "13"]],
    ),
    "relations.csv": (
        ["source", "type", "target", "strength", "since", "until"],
        [
            ["C1", "SUPPORTS", "E1", "0.8", "2015-04-01", ""],
            ["F1", "GUARANTEES", "E1", "0.75", "2010-01-01", "2018-04-01"],
            ["F2", "LENDS_TO", "E1", "0.65", "2019-01-01", ""],
            ["S1", "ADVISES", "E1", "0.9", "", ""],
            ["S1", "AFFILIATED_WITH", "C1", "", "2016-01-01", ""],
            ["E1", "TRADES_WITH", "E2", "0.55", "2019-01-15", ""],
            ["C1", "COLLABORATES_WITH", "C2", "0.4", "", ""],
            ["F2", "LENDS_TO", "E3", "", "2021-01-01", ""],
            ["C1", "SUPPORTS", "E4", "0.5", "", ""],
            ["E1", "UTILIZES", "A1", "", "", ""],
        ],
    ),
}


def write_rows(folder: Path, files: dict[str, tuple[list[str], list[list[str]]]]) -> Path:
    """A dataset folder with rows given in the columns named, under the standard headers
    (a column not named is blank)."""
    for name, (columns, rows) in files.items():
        header = HEADERS[name]
        cells = [dict(zip(columns, row, strict=True)) for row in rows]
        write_csv(folder / name, header, [[row.get(col, "") for col in header] for row in cells])
    return folder


@pytest.fixture
def dated_api(settings: Settings, tmp_path: Path) -> Iterator[LiveApi]:
    made = load_with_keys(settings, write_rows(tmp_path / "dated", DATED))
    with serve(create_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings)


def _get(api: LiveApi, path: str, role: str = "admin", **params):
    with api.client(role) as client:
        return client.get(path, params=params)


# -- the day asked about ---------------------------------------------------------------

READING = [
    ("/v1/stats", {}),
    ("/v1/nodes/E1", {}),
    ("/v1/introductions", {"source": "S1", "target": "F2"}),
    ("/v1/introducers", {"a": "S1", "b": "F2"}),
    ("/v1/weaknesses", {}),
    ("/v1/weaknesses/what-if", {"remove": "F2"}),
    ("/v1/density", {}),
    ("/v1/referrals/candidates", {"enterprise": "E1", "need": "finance"}),
    ("/v1/viz/network", {"prefecture": "13"}),
    ("/v1/viz/density", {}),
]


BAD_DAYS = ["2026-02-30", "yesterday", "2026-2-3", " 2020-01-01", "20200101"]


def test_a_bad_day_is_422_naming_as_of_on_every_reading_route(dated_api):
    for path, params in READING:
        for bad in BAD_DAYS:
            answer = _get(dated_api, path, **params, as_of=bad)
            assert answer.status_code == 422, (path, bad, answer.text)
            body = answer.json()
            assert body["errors"] == [
                {"field": "as_of", "message": f"must be a day written YYYY-MM-DD, got {bad!r}"}
            ]
            assert body["detail"].startswith("as_of: must be a day written YYYY-MM-DD")


def test_every_reading_route_takes_a_day(dated_api):
    for path, params in READING:
        assert _get(dated_api, path, **params, as_of="2022-01-01").status_code == 200, path
        assert _get(dated_api, path, **params).status_code == 200, path


def test_counts_as_of_a_day(dated_api):
    now = _get(dated_api, "/v1/stats").json()
    then = _get(dated_api, "/v1/stats", as_of="2017-01-01").json()
    # today: E4 has ended; in 2017: E3 was not founded yet
    assert now["nodes"]["Enterprise"] == 3 and then["nodes"]["Enterprise"] == 3
    assert now["relations"]["GUARANTEES"] == 0 and then["relations"]["GUARANTEES"] == 1
    assert now["relations"]["LENDS_TO"] == 2 and then["relations"]["LENDS_TO"] == 0
    assert now["relations"]["SUPPORTS"] == 1 and then["relations"]["SUPPORTS"] == 2
    assert then["relations"]["AFFILIATED_WITH"] == 1
    assert (
        _get(dated_api, "/v1/stats", as_of="2015-12-31").json()["relations"]["AFFILIATED_WITH"] == 0
    )


def test_a_node_and_its_ties_as_of_a_day(dated_api):
    then = _get(dated_api, "/v1/nodes/E1", as_of="2017-01-01").json()
    now = _get(dated_api, "/v1/nodes/E1").json()
    ties_then = {(t["source"], t["type"]): t for t in then["ties"]}
    ties_now = {(t["source"], t["type"]): t for t in now["ties"]}
    assert ("F1", "GUARANTEES") in ties_then and ("F2", "LENDS_TO") not in ties_then
    assert ties_then["F1", "GUARANTEES"]["until"] == "2018-04-01"
    assert ("F1", "GUARANTEES") not in ties_now and ("F2", "LENDS_TO") in ties_now
    assert ties_now["F2", "LENDS_TO"]["until"] is None
    assert ("E1", "TRADES_WITH") in ties_now and ("E1", "TRADES_WITH") not in ties_then
    # the day before a tie ends it still holds; on that day it does not
    last = _get(dated_api, "/v1/nodes/F1", as_of="2018-03-31").json()
    assert [t["target"] for t in last["ties"]] == ["E1"]
    assert _get(dated_api, "/v1/nodes/F1", as_of="2018-04-01").json()["ties"] == []


def test_a_node_that_ended_is_404_saying_when(dated_api):
    gone = _get(dated_api, "/v1/nodes/E4")
    assert gone.status_code == 404
    assert "ended on 2020-06-01" in gone.json()["detail"]
    before = _get(dated_api, "/v1/nodes/E4", as_of="2020-05-31")
    assert before.status_code == 200
    assert [(t["source"], t["type"]) for t in before.json()["ties"]] == [("C1", "SUPPORTS")]
    assert _get(dated_api, "/v1/nodes/E4", as_of="2020-06-01").status_code == 404


def test_a_node_not_founded_yet_is_404_saying_when(dated_api):
    early = _get(dated_api, "/v1/nodes/E3", as_of="2019-12-31")
    assert early.status_code == 404
    assert "founded in 2020" in early.json()["detail"]
    assert _get(dated_api, "/v1/nodes/E3", as_of="2020-01-01").status_code == 200
    unknown = _get(dated_api, "/v1/nodes/E404", as_of="2019-12-31")
    assert unknown.status_code == 404 and unknown.json()["detail"] == "no node with id 'E404'"


def test_introductions_and_introducers_as_of_a_day(dated_api):
    # S1 advises E1, whom F1 guaranteed until 2018-04-01
    then = _get(dated_api, "/v1/introductions", source="S1", target="F1", as_of="2017-01-01")
    now = _get(dated_api, "/v1/introductions", source="S1", target="F1")
    assert [p["nodes"] for p in then.json()["paths"]][0] == ["S1", "E1", "F1"]
    assert now.json()["paths"] == []
    between = _get(dated_api, "/v1/introducers", a="S1", b="F1", as_of="2017-01-01").json()
    assert [i["id"] for i in between["introducers"]] == ["E1"]
    tie_to_f1 = between["introducers"][0]["ties"][1]
    assert tie_to_f1["until"] == "2018-04-01" and tie_to_f1["since"] == "2010-01-01"
    assert _get(dated_api, "/v1/introducers", a="S1", b="F1").json()["introducers"] == []
    ended = _get(dated_api, "/v1/introductions", source="S1", target="E4")
    assert ended.status_code == 404 and "ended on 2020-06-01" in ended.json()["detail"]


def test_weaknesses_and_what_if_as_of_a_day(dated_api):
    # between F1's guarantee (until 2018-04-01) and F2's loan (2019), E1 had no financier
    gap = _get(dated_api, "/v1/weaknesses", prefecture="13", as_of="2018-06-01").json()
    now = _get(dated_api, "/v1/weaknesses", prefecture="13").json()
    assert "E1" in {f["id"] for f in gap["unfinanced_enterprises"]}
    assert "E1" not in {f["id"] for f in now["unfinanced_enterprises"]}
    assert "E4" in {f["id"] for f in gap["unfinanced_enterprises"]}
    assert "E4" not in {f["id"] for f in now["unfinanced_enterprises"]}
    then = _get(dated_api, "/v1/weaknesses/what-if", remove="F1", as_of="2017-01-01").json()
    assert [e["id"] for e in then["only_financier"]] == ["E1"]
    now_f1 = _get(dated_api, "/v1/weaknesses/what-if", remove="F1").json()
    assert now_f1["only_financier"] == []
    early = _get(dated_api, "/v1/weaknesses/what-if", remove="E3", as_of="2019-01-01")
    assert early.status_code == 404 and "founded in 2020" in early.json()["detail"]


def test_candidates_as_of_a_day(dated_api):
    # S1 (finance) joined C1 on 2016-01-01
    params = {"enterprise": "E2", "need": "finance"}
    then = _get(dated_api, "/v1/referrals/candidates", **params, as_of="2015-06-01").json()
    now = _get(dated_api, "/v1/referrals/candidates", **params).json()
    assert then["candidates"] == []
    assert [c["centre"]["id"] for c in now["candidates"]] == ["C1"]
    gone = _get(dated_api, "/v1/referrals/candidates", enterprise="E4", need="finance")
    assert gone.status_code == 404 and "ended on 2020-06-01" in gone.json()["detail"]


def test_a_referral_of_an_enterprise_that_ended_is_404(dated_api):
    with dated_api.client("centre") as client:
        answer = client.post(
            "/v1/referrals", json={"enterprise": "E4", "to_centre": "C2", "need": "finance"}
        )
    assert answer.status_code == 404 and "ended on 2020-06-01" in answer.json()["detail"]


# -- density, and its history ----------------------------------------------------------


def _rows(answer) -> list[dict]:
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]


@pytest.mark.parametrize("by", ["prefecture", "block"])
def test_the_history_is_the_density_of_each_first_of_april(dated_api, by):
    history = _get(dated_api, "/v1/density/history", by=by, **{"from": 2009, "to": THIS_YEAR})
    body = history.json()
    assert body["by"] == by and body["from"] == 2009 and body["to"] == THIS_YEAR
    rows = _rows(history)
    assert {row["year"] for row in rows} == set(range(2009, THIS_YEAR + 1))
    for year in (2009, 2016, 2018, 2019, 2020, 2021, THIS_YEAR):
        day = f"{year}-04-01"
        expected = _rows(_get(dated_api, "/v1/density", by=by, as_of=day))
        got = [dict(row) for row in rows if row["year"] == year]
        assert all(row.pop("as_of") == day and row.pop("year") == year for row in got)
        assert got == expected, year


def test_density_changes_with_the_day(dated_api):
    then = {r["prefecture"]: r for r in _rows(_get(dated_api, "/v1/density", as_of="2017-01-01"))}
    now = {r["prefecture"]: r for r in _rows(_get(dated_api, "/v1/density"))}
    # Tokyo in 2017: E1 E2 E4 C1 F1 S1 (6 actors); today E4 ended
    assert then["13"]["nodes"] == 6 and now["13"]["nodes"] == 5
    assert "17" in now and now["17"]["nodes"] == 2  # C2 and E3 (founded 2020)
    assert then["17"]["nodes"] == 1


def test_the_history_defaults_to_2008_until_this_year(dated_api):
    body = _get(dated_api, "/v1/density/history").json()
    assert body["by"] == "prefecture" and body["from"] == 2008 and body["to"] == THIS_YEAR
    assert {row["year"] for row in body["rows"]} == set(range(2008, THIS_YEAR + 1))


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"from": 1899}, "from", "at least 1900"),
        ({"to": THIS_YEAR + 1}, None, f"to must be this year ({THIS_YEAR}) or earlier"),
        ({"from": 2015, "to": 2014}, None, "from (2015) must not be after to (2014)"),
        ({"by": "city"}, "by", "prefecture"),
        ({"from": "soon"}, "from", "whole number"),
    ],
)
def test_history_years_out_of_bounds_are_422(dated_api, params, field, words):
    answer = _get(dated_api, "/v1/density/history", **params)
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["detail"]
    if field is not None:
        assert answer.json()["errors"][0]["field"] == field


# -- pages -----------------------------------------------------------------------------


def test_the_pages_show_the_network_as_of_a_day(dated_api):
    page = _get(dated_api, "/v1/viz/network", prefecture="13", as_of="2017-01-01")
    assert page.status_code == 200 and "2017-01-01" in page.text
    assert '"E4"' in page.text
    assert '"E4"' not in _get(dated_api, "/v1/viz/network", prefecture="13").text
    centre = _get(dated_api, "/v1/viz/network", centre="C1", as_of="2020-05-31")
    assert centre.status_code == 200 and '"E4"' in centre.text
    density = _get(dated_api, "/v1/viz/density", as_of="2017-01-01")
    assert density.status_code == 200 and 'id="year"' in density.text
    with dated_api.client() as browser:  # a person signed in: the home page
        signed_in = browser.post("/sign-in", data={"key": dated_api.keys["analyst"]})
        assert signed_in.status_code == 303
        home = browser.get("/", params={"as_of": "2017-01-01"})
    assert home.status_code == 200 and "as of 2017-01-01" in home.text
    assert "as_of=2017-01-01" in home.text


def test_the_default_day_is_today(dated_api):
    yesterday = (date.fromisoformat(today()) - timedelta(days=1)).isoformat()
    assert _get(dated_api, "/v1/stats").json() == _get(dated_api, "/v1/stats", as_of=today()).json()
    assert _get(dated_api, "/v1/nodes/E1", as_of=yesterday).status_code == 200
