"""The map of Japan (GET /v1/viz/map): the figures of graph/queries/regional_measures.py
equal those of the graph as of each day, the page (viz/japan_map.py) in English and in
Japanese, and over HTTP: who may see it, its measures and the language of every page."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from graph.i18n import speaking
from graph.loaders import load_dataset
from graph.model import FINANCING_TYPES, Node, NodeKind, Relation, RelationType, Scope
from graph.provenance import Attribution
from graph.queries.density import density_table
from graph.queries.regional_measures import (
    MEASURES,
    measure_value,
    regional_counts,
    regional_history,
)
from graph.store.embedded import EmbeddedStore
from graph.valid_time import fiscal_year_day, today
from tests.unit.test_density_history import _day, _random_graph
from viz.japan_map import PALETTE, colour_class, map_page, tile_rect

THIS_YEAR = int(today()[:4])


def _by_hand(store, day: str) -> dict[str, tuple[int, int, int]]:
    """(enterprises, unfinanced, centres) by prefecture, counted on the graph as of
    ``day``."""
    dated = store.as_of(day)
    nodes, relations = dated.scope_graph(Scope())
    kinds = {node.id: node.kind for node in nodes}
    financed = {
        r.target
        for r in relations
        if r.type in FINANCING_TYPES and kinds.get(r.source) is NodeKind.FINANCIER
    }
    counts: dict[str, list[int]] = {}
    for node in nodes:
        if node.prefecture is None:
            continue
        if node.kind is NodeKind.ENTERPRISE:
            row = counts.setdefault(node.prefecture, [0, 0, 0])
            row[0] += 1
            row[1] += node.id not in financed
        elif node.kind is NodeKind.CENTRE:
            counts.setdefault(node.prefecture, [0, 0, 0])[2] += 1
    return {code: (e, u, c) for code, (e, u, c) in counts.items()}


@pytest.fixture
def random_store(tmp_path: Path):
    with EmbeddedStore(tmp_path / "data", watch_seconds=None) as store:
        yield store


@pytest.mark.parametrize("seed", range(6))
def test_counts_equal_those_of_the_graph_as_of_each_day(random_store, seed):
    rng = random.Random(seed)
    nodes, relations = _random_graph(rng, 80 + 10 * seed)
    random_store.upsert_nodes(nodes, Attribution("random"))
    random_store.upsert_relations(relations, Attribution("random"))
    days = [fiscal_year_day(year) for year in range(1998, THIS_YEAR + 1)]
    days += [_day(rng, 1996, THIS_YEAR) for _ in range(6)]
    counted = regional_counts(random_store, days)
    assert len(counted) == len(days)
    for day, found in zip(days, counted, strict=True):
        got = {code: (c.enterprises, c.unfinanced, c.centres) for code, c in found.items()}
        assert got == _by_hand(random_store, day), day


def test_the_history_is_the_density_table_and_the_counts_and_is_kept(random_store):
    a = Node("E1", NodeKind.ENTERPRISE, "a", {"prefecture": "13", "founded": 2012})
    b = Node("E2", NodeKind.ENTERPRISE, "b", {"prefecture": "13"})
    c = Node("C1", NodeKind.CENTRE, "c", {"prefecture": "13"})
    f = Node("F1", NodeKind.FINANCIER, "f", {})  # nationwide
    random_store.upsert_nodes([a, b, c, f])
    random_store.upsert_relations(
        [
            Relation("F1", RelationType.LENDS_TO, "E2", 0.5, "2015-04-02", None),
            Relation("C1", RelationType.SUPPORTS, "E2", 0.5, None, None),
        ]
    )
    steps = regional_history(random_store, today())
    assert [s.year for s in steps] == [*range(2008, THIS_YEAR + 1), None]
    by_year = {s.year: s.rows["13"] for s in steps}
    assert (by_year[2011].enterprises, by_year[2011].unfinanced) == (1, 1)
    assert (by_year[2015].enterprises, by_year[2015].unfinanced) == (2, 2)  # a day early
    assert (by_year[2016].enterprises, by_year[2016].unfinanced) == (2, 1)
    assert by_year[2016].centres_per_1000 == 500.0
    assert measure_value(by_year[2016], "unfinanced") == 0.5
    table = {row.key: row for row in density_table(random_store.as_of(today()))}
    assert by_year[None].density == table["13"].density
    assert by_year[None].centre_density == table["13"].centre_density
    # asked again on the same graph: the kept answer; after a write: a new one
    assert regional_history(random_store, today()) is steps
    random_store.upsert_relations([Relation("F1", RelationType.LENDS_TO, "E1", 0.5)])
    again = regional_history(random_store, today())
    assert again is not steps and again[-1].rows["13"].unfinanced == 0


# -- the page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_steps(tmp_path_factory):
    from tests.conftest import SMALL_NETWORK, write_dataset

    folder = write_dataset(tmp_path_factory.mktemp("small"), SMALL_NETWORK)
    with EmbeddedStore(tmp_path_factory.mktemp("data"), watch_seconds=None) as store:
        load_dataset(folder, store)
        yield regional_history(store, "2026-05-10", 2008, 2010)


class _Tiles(HTMLParser):
    """The tiles of a map page: each ``<a class="tile">``'s attributes, rect and name."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: dict[str, dict[str, str]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and found.get("class") == "tile":
            self._open = found["data-key"]
            self.tiles[self._open] = found
        elif tag == "rect" and self._open:
            self.tiles[self._open].update({f"rect-{k}": v for k, v in found.items()})
        self._tag = tag

    def handle_data(self, data):
        if self._open and getattr(self, "_tag", None) == "title":
            self.tiles[self._open]["name"] = data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def _tiles(page: str) -> dict[str, dict[str, str]]:
    parser = _Tiles()
    parser.feed(page)
    return parser.tiles


def _data(page: str) -> dict:
    return json.loads(re.search(r"window\.rsnMap = (.*?);\n", page).group(1))


def test_every_prefecture_is_a_tile_in_its_place_linking_to_its_network(small_steps):
    page = map_page(small_steps, "unfinanced")
    tiles = _tiles(page)
    assert len(tiles) == 47
    for code, tile in tiles.items():
        x, y, side, _ = tile_rect(code)
        assert (tile["rect-x"], tile["rect-y"], tile["rect-width"]) == (str(x), str(y), str(side))
        assert tile["href"] == f"/v1/viz/network?prefecture={code}"
        assert tile["name"]
    # Okinawa's only enterprise has no financier; Tokyo's two both have one
    assert tiles["47"]["name"] == ("Okinawa: Share of enterprises with no financier 100.0%")
    assert tiles["13"]["name"] == "Tokyo: Share of enterprises with no financier 0.0%"
    assert tiles["47"]["rect-fill"] == PALETTE[-1] and tiles["13"]["rect-fill"] == PALETTE[0]
    assert tiles["01"]["name"] == "Hokkaido: no data"
    assert "<title>Okinawa: Share of enterprises with no financier 100.0%</title>" in page
    assert '<tr data-key="47"><td><a href="/v1/viz/network?prefecture=47">Okinawa</a>' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "http://" not in page and "https://" not in page


def test_the_slider_has_a_step_per_year_then_the_day_and_moves_the_links(small_steps):
    page = map_page(small_steps, "centres_per_1000")
    data = _data(page)
    assert [s["label"] for s in data["steps"]] == [
        "2008 (as of 2008-04-01)",
        "2009 (as of 2009-04-01)",
        "2010 (as of 2010-04-01)",
        "as of 2026-05-10",
    ]
    assert [s["link"] for s in data["steps"]] == [
        "2008-04-01",
        "2009-04-01",
        "2010-04-01",
        None,
    ]
    # Tokyo: 1 centre for 2 enterprises; Ishikawa 1 for 1; Okinawa none for 1
    now = data["steps"][-1]["tiles"]
    assert [now[code][1] for code in ("13", "17", "47")] == ["500.00", "1,000.00", "0.00"]
    assert re.search(r'<input type="range" id="year" min="0" max="3" step="1" value="3"', page)
    assert 'id="year-shown" for="year">as of 2026-05-10</output>' in page
    # the tiles of the page are those of its last step
    tiles = _tiles(page)
    for code, (colour, _value, label, _actors, _count) in now.items():
        assert tiles[code]["name"] == label
        assert tiles[code]["rect-fill"] == (PALETTE[colour] if colour >= 0 else "#eeeeee")


def test_the_measure_chooser_links_every_measure_and_marks_the_one_shown(small_steps):
    page = map_page(small_steps, "centre_density")
    chooser = re.search(r'<p id="measures">(.*?)</p>', page).group(1)
    assert re.findall(r'href="/v1/viz/map\?measure=(\w+)"', chooser) == list(MEASURES)
    assert chooser.count("aria-current") == 1
    assert 'href="/v1/viz/map?measure=centre_density" aria-current="page"' in chooser
    with pytest.raises(ValueError):
        map_page(small_steps, "nope")


def test_colour_classes_cut_the_scale_in_seven():
    assert [colour_class(v, 0.0, 7.0) for v in (0, 0.99, 1, 3.5, 6.99, 7)] == [0, 0, 1, 3, 6, 6]
    assert colour_class(5, 5, 5) == 0


def test_the_map_in_japanese(small_steps):
    with speaking("ja"):
        page = map_page(small_steps, "unfinanced")
    assert '<html lang="ja">' in page
    assert "<title>日本地図：金融機関の融資・保証・出資がない企業の割合</title>" in page
    tiles = _tiles(page)
    assert tiles["47"]["name"] == "沖縄県：金融機関の融資・保証・出資がない企業の割合 100.0%"
    assert tiles["01"]["name"] == "北海道：データなし"
    assert ">沖縄</text>" in page and ">北海道</text>" in page and ">東京</text>" in page
    assert [s["label"] for s in _data(page)["steps"]][-2:] == [
        "2010年度（2010年4月1日時点）",
        "2026年5月10日時点",
    ]
    assert "<summary>数値の一覧表</summary>" in page
    assert '<label for="year">年度</label>' in page


# -- over HTTP ---------------------------------------------------------------------------


def test_who_may_see_the_map_and_what_it_takes(live_api):
    for role in ("admin", "analyst", "centre"):
        with live_api.client(role) as client:
            page = client.get("/v1/viz/map")
            assert page.status_code == 200, (role, page.text)
            assert page.headers["content-type"].startswith("text/html")
            assert "default-src 'none'" in page.headers["content-security-policy"]
    with live_api.client("analyst") as client:
        for measure in MEASURES:
            page = client.get("/v1/viz/map", params={"measure": measure})
            assert page.status_code == 200 and len(_tiles(page.text)) == 47
        assert client.get("/v1/viz/map", params={"measure": "nope"}).status_code == 422
        dated = client.get("/v1/viz/map", params={"as_of": "2017-01-01"})
        assert dated.status_code == 200
        tiles = _tiles(dated.text)
        assert tiles["13"]["href"] == "/v1/viz/network?prefecture=13&as_of=2017-01-01"
    with live_api.client() as nobody:
        assert nobody.get("/v1/viz/map").status_code == 401
        navigating = nobody.get("/v1/viz/map", headers={"Sec-Fetch-Mode": "navigate"})
        assert navigating.status_code == 303
        assert navigating.headers["location"] == "/sign-in?next=/v1/viz/map"
        chosen = nobody.get("/v1/viz/map?lang=ja", headers={"Sec-Fetch-Mode": "navigate"})
        assert chosen.headers["location"] == "/sign-in?next=/v1/viz/map%3Flang%3Dja&lang=ja"


def test_a_page_asked_in_japanese_by_lang_keeps_it_in_its_links(live_api):
    with live_api.client("analyst") as client:
        page = client.get("/v1/viz/map", params={"lang": "ja", "measure": "unfinanced"})
        assert page.headers["content-language"] == "ja"
        text = page.text
        assert '<html lang="ja">' in text
        tiles = _tiles(text)
        assert tiles["13"]["href"] == "/v1/viz/network?prefecture=13&lang=ja"
        assert tiles["13"]["name"] == "東京都：金融機関の融資・保証・出資がない企業の割合 0.0%"
        assert 'href="/v1/viz/map?measure=density&amp;lang=ja"' in text
        assert 'href="/?lang=ja"' in text
        # the switch: this page in each language
        assert 'href="/v1/viz/map?measure=unfinanced&amp;lang=en" lang="en"' in text
        assert 'href="/v1/viz/map?measure=unfinanced&amp;lang=ja" lang="ja"' in text
        # asked by Accept-Language: Japanese, and the links do not carry lang
        said = client.get("/v1/viz/map", headers={"Accept-Language": "ja"}).text
        assert '<html lang="ja">' in said
        assert _tiles(said)["13"]["href"] == "/v1/viz/network?prefecture=13"


def _home(live_api, headers: dict | None = None, query: str = "") -> str:
    """The home page, for a person signed in with the analyst's key."""
    with live_api.client(headers=headers) as browser:
        signed_in = browser.post("/sign-in", data={"key": live_api.keys["analyst"]})
        assert signed_in.status_code == 303
        return browser.get(f"/{query}").text


def test_every_page_speaks_japanese_when_asked(live_api):
    home = _home(live_api, {"Accept-Language": "ja"})
    with live_api.client("analyst", headers={"Accept-Language": "ja"}) as client:
        density = client.get("/v1/viz/density").text
        network = client.get("/v1/viz/network", params={"prefecture": "13"}).text
        sign_in = client.get("/sign-in").text
    for page in (home, density, network, sign_in):
        assert '<html lang="ja">' in page
        assert 'hreflang="en"' in page and 'hreflang="ja"' in page
    assert "<h1>rsn：地域の中小企業支援ネットワーク</h1>" in home
    assert "<tr><td>企業</td><td>4</td></tr>" in home
    assert "都道府県別の密度（グラフ、年度スライダー付き）" in home
    assert "13 東京都</a>" in home
    assert "<title>都道府県別の密度</title>" in density
    assert '<label for="year">年度</label>' in density
    assert "<title>東京都（13）のネットワーク</title>" in network
    assert '<span data-kind="Centre"><i style="background:#e15759"></i>支援機関</span>' in network
    assert "<h1>rsnにサインイン</h1>" in sign_in
    assert '<label for="key">APIキー</label>' in sign_in


def test_pages_in_english_by_default(live_api):
    home = _home(live_api)
    with live_api.client("analyst") as client:
        network = client.get("/v1/viz/network", params={"prefecture": "13"}).text
    assert '<html lang="en">' in home and '<html lang="en">' in network
    assert "Density by prefecture (chart, with a year slider)" in home
    assert "Map of Japan by prefecture (with a year slider)" in home
    assert "<title>The network of Tokyo (13)</title>" in network


def test_callers_of_the_same_question_at_once_share_one_answer(random_store, monkeypatch):
    import threading
    import time

    import graph.queries.regional_measures as measures

    made = measures._regional_history
    calls: list[int] = []

    def slow(*args, **kwargs):
        calls.append(1)
        time.sleep(0.3)
        return made(*args, **kwargs)

    monkeypatch.setattr(measures, "_regional_history", slow)
    day = "2020-06-01"  # a day no other test asks, so nothing is kept yet
    answers: list[object] = []
    threads = [
        threading.Thread(target=lambda: answers.append(regional_history(random_store, day)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(answers) == 3 and answers[0] is answers[1] is answers[2]
    assert measures._making == {}
