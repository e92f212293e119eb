"""The density page's year slider over the density history, and the pages of the network as
of a day (viz/pages.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graph.errors import NotFound
from graph.loaders import load_dataset
from graph.queries.density import DensityRow, density_row
from graph.queries.history import DensityYear
from graph.store.embedded import EmbeddedStore
from graph.valid_time import fiscal_year_day
from tests.conftest import HEADERS, SMALL_NETWORK, write_csv
from viz.pages import centre_view, density_page, network_page, prefecture_view

CHROMIUM = Path("/usr/bin/chromium")

#: A name that would break the page if it were not escaped, in markup and in the script.
NASTY = 'Tokyo <b>"&</script><script>alert(1)</script>'


def row(key: str, name: str, nodes: int, edges: int, centres: int = 0, centre_edges: int = 0):
    return density_row(key, name, nodes, edges, centres, centre_edges)


def year(y: int, *rows: DensityRow) -> list[DensityYear]:
    return [DensityYear(y, fiscal_year_day(y), r) for r in rows]


#: Three years of history: Okinawa appears in 2010 and is gone by the page's own day, and
#: the densest row of all (Okinawa's, 1.0) is in the history.
HISTORY = [
    *year(2008, row("13", NASTY, 1_000, 2_000, 2, 0)),
    # 2009: no actors anywhere (a year the history has no row for)
    *year(
        2010,
        row("13", NASTY, 3_000, 9_000, 3, 1),
        row("17", "Ishikawa", 3, 1, 1, 0),
        row("47", "Okinawa", 2, 1),
    ),
]
NOW = [row("13", NASTY, 10, 12, 2, 1), row("17", "Ishikawa", 5, 3, 1, 0)]


def embedded(page: str) -> dict:
    return json.loads(re.search(r"window\.rsnDensity = (.*?);\n", page).group(1))


def test_without_history_the_page_is_the_table_of_its_day_with_no_script():
    page = density_page(NOW, as_of="2026-05-10")
    assert "<script" not in page and 'id="year"' not in page
    assert page.count('<g class="bar"') == 2
    assert page.count("<tr data-key=") == 2
    assert '<p id="when">as of 2026-05-10</p>' in page
    assert "as of" not in density_page(NOW)


def test_the_slider_has_a_position_per_year_then_the_pages_day():
    page = density_page(NOW, history=HISTORY, years=range(2008, 2011), as_of="2026-05-10")
    assert re.search(r'<input type="range" id="year" min="0" max="3" step="1" value="3"', page)
    data = embedded(page)
    assert [step["label"] for step in data["steps"]] == [
        "2008 (as of 2008-04-01)",
        "2009 (as of 2009-04-01)",
        "2010 (as of 2010-04-01)",
        "as of 2026-05-10",
    ]
    assert data["steps"][1]["rows"] == {}
    assert data["steps"][2]["rows"]["47"] == {
        "nodes": 2,
        "edges": 1,
        "density": 1.0,
        "centres": 0,
        "centre_edges": 0,
        "centre_density": 0.0,
    }
    assert data["top"] == 1.0  # one axis for every year: the densest row of any
    # a bar and a table row for every prefecture of any position, in JIS order
    assert re.findall(r'<g class="bar" data-key="(\d+)"', page) == ["13", "17", "47"]
    assert re.findall(r'<tr data-key="(\d+)"', page) == ["13", "17", "47"]
    # the page starts on its own day: Okinawa has no actors then
    assert '<tr data-key="47"><td>Okinawa</td><td data-field="nodes">0</td>' in page
    assert 'id="year-shown" for="year">as of 2026-05-10</output>' in page


def test_years_between_those_of_the_history_get_a_position_and_years_may_extend_it():
    data = embedded(density_page(NOW, history=HISTORY))
    assert [step["as_of"] for step in data["steps"]] == [
        "2008-04-01",
        "2009-04-01",
        "2010-04-01",
        None,
    ]
    data = embedded(density_page(NOW, history=HISTORY, years=range(2006, 2012)))
    assert len(data["steps"]) == 2012 - 2006 + 1
    data = embedded(density_page(NOW, history=[], years=[]))
    assert [step["label"] for step in data["steps"]] == ["today"]


def test_names_are_escaped_and_the_page_asks_no_other_host():
    page = density_page(NOW, history=HISTORY, years=range(2008, 2011), as_of="2026-05-10")
    assert NASTY not in page and "<b>" not in page
    assert "alert(1)</script>" not in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert "13 Tokyo &lt;b&gt;&quot;&amp;&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "http://" not in page and "https://" not in page


def test_figures_are_shown_as_the_script_writes_them():
    """Counts with thousands separators, densities to 5 and 3 places, a half up."""
    page = density_page(NOW, history=HISTORY, as_of="2026-05-10")
    assert '<td data-field="density">0.26670</td>' in page
    big = density_page([row("13", "Tokyo", 12_345, 1)])
    assert '<td data-field="nodes">12,345</td>' in big


# -- helpers of the browser test (tests/e2e/test_density_slider.py) ---------------------


def _drawn(page) -> tuple[str, str]:
    return page.inner_html("#chart"), page.inner_html("#density")


def _move(page, position: int) -> None:
    page.evaluate(
        """(position) => {
            const slider = document.getElementById("year");
            slider.value = position;
            slider.dispatchEvent(new Event("input"));
        }""",
        position,
    )


# -- network pages as of a day ----------------------------------------------------------


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    """The small network and a centre that closed on 1 January 2020, in an embedded store."""
    folder = tmp_path_factory.mktemp("small")
    files = {name: list(rows) for name, rows in SMALL_NETWORK.items()}
    files["centres.csv"].append(
        ["C3", "Kanazawa Start-up Hub", "17", "prefectural_centre", "", "2020-01-01"]
    )
    for name, rows in files.items():
        header = HEADERS[name]
        write_csv(folder / name, header, [r + [""] * (len(header) - len(r)) for r in rows])
    with EmbeddedStore(tmp_path_factory.mktemp("data"), watch_seconds=None) as store:
        load_dataset(folder, store)
        yield store


def test_a_network_page_says_its_day_and_holds_the_ties_of_that_day(small_store):
    today = prefecture_view(small_store.as_of("2026-01-01"), "13")
    before = prefecture_view(small_store.as_of("2010-01-01"), "13")
    assert today.as_of == "2026-01-01" and before.as_of == "2010-01-01"
    # the stronger TRADES_WITH between them holds since 2019-01-15; COLLABORATES_WITH always
    assert today.graph.edges["E1", "E2"]["type"].value == "TRADES_WITH"
    assert before.graph.edges["E1", "E2"]["type"].value == "COLLABORATES_WITH"
    assert not before.graph.has_edge("C1", "E1")  # SUPPORTS since 2015-04-01
    assert today.graph.has_edge("C1", "E1")
    page = network_page(before)
    assert "ties as of 2010-01-01" in page
    assert "as of" not in network_page(prefecture_view(small_store, "13"))


def test_a_centre_page_of_a_day_after_the_centre_closed_says_so(small_store):
    assert centre_view(small_store.as_of("2019-12-31"), "C3").as_of == "2019-12-31"
    with pytest.raises(NotFound, match="'C3' ended on 2020-01-01"):
        centre_view(small_store.as_of("2020-01-01"), "C3")
    with pytest.raises(NotFound, match="no node with id 'NOPE'"):
        centre_view(small_store.as_of("2020-01-01"), "NOPE")
    view = centre_view(small_store.as_of("1950-01-01"), "C1")
    assert "E1" not in view.graph and "S1" in view.graph  # E1 was founded in 1962
