"""The weakness report page and a node's page in headless chromium, in English and in
Japanese: a person without a session signs in and comes back to the page, sorts a table by a
click on its heading, finds a node in the search box as they type and opens its
introductions; axe-core finds nothing serious or critical, at a phone's width too, where the
page itself does not scroll sideways (its tables scroll inside their own box)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from graph.settings import Settings
from tests.api.conftest import LiveApi
from tests.api.test_report_page import serve_people
from tests.e2e.conftest import DESKTOP, PHONE, describe, fonts_drawing_japanese, keep_screenshot

pytestmark = pytest.mark.browser

TITLES = {
    "en": ("Weakness report: the whole network", "Enterprises without support"),
    "ja": ("弱点レポート：全国", "支援を受けていない企業"),
}


@pytest.fixture
def people_api(settings: Settings, small_dataset) -> Iterator[LiveApi]:
    yield from serve_people(settings, small_dataset)


def _signed_in_at(page, api: LiveApi, path: str) -> None:
    """Open ``path`` without a session, sign in on the form it leads to, and land on it."""
    page.goto(api.base_url + path)
    assert "/sign-in?next=" in page.url
    page.fill("#key", api.keys["admin"])
    page.click("button[type=submit]")
    page.wait_for_url(api.base_url + path)


def _fits_a_phone(page) -> None:
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"the page is {width} px wide at {PHONE[0]} px"


def _no_serious_violations(page, axe_violations) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        found = axe_violations(page)
        assert found == [], describe(found)


def _column(page, table: str, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table} tbody tr", f"rows => rows.map(r => r.cells[{column}].textContent.trim())"
    )


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_report_page_sorts_speaks_and_passes_axe(people_api, page, axe_violations, lang):
    _signed_in_at(page, people_api, f"/v1/viz/weaknesses?lang={lang}")
    title, unsupported = TITLES[lang]
    assert page.locator("h1").inner_text() == title
    assert page.locator("#unsupported_enterprises").inner_text() == unsupported
    heading = page.locator("#t-unsupported_enterprises thead th").nth(0)
    names = _column(page, "t-unsupported_enterprises", 0)
    assert len(names) >= 2
    heading.locator("button").click()
    assert heading.get_attribute("aria-sort") == "ascending"
    ascending = _column(page, "t-unsupported_enterprises", 0)
    assert sorted(ascending) == sorted(names)
    heading.locator("button").click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert _column(page, "t-unsupported_enterprises", 0) == ascending[::-1]
    assert ascending != ascending[::-1]
    # a link of a row opens the node's page, in the same language
    first = page.locator("#t-unsupported_enterprises tbody th a").first
    assert first.get_attribute("href").endswith(f"?lang={lang}")
    _no_serious_violations(page, axe_violations)
    _fits_a_phone(page)
    keep_screenshot(page, f"report-page-{lang}")
    if lang == "ja":
        text, fonts = fonts_drawing_japanese(page)
        assert fonts, text
    assert page.foreign_requests == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_node_page_finds_a_target_as_one_types_and_shows_introductions(
    people_api, page, axe_violations, lang
):
    _signed_in_at(page, people_api, f"/v1/viz/nodes/E1?lang={lang}")
    assert page.locator("h1").inner_text() == "山田製作所"
    assert page.locator("#ties-supports tbody th a").inner_text() == "Tokyo Chamber of Commerce"
    page.fill("#q", "japan finance")
    page.wait_for_selector("#found ul.found li a")
    link = page.locator("#found ul.found li a").first
    assert link.inner_text() == "Japan Finance Corporation"
    link.click()
    page.wait_for_url(re.compile(r"/v1/viz/nodes/E1\?(.*&)?to=F2(&|$)"))
    assert f"lang={lang}" in page.url
    assert page.locator("ol.paths > li").count() >= 1
    assert page.locator("ol.chain a").last.inner_text() == "Japan Finance Corporation"
    _no_serious_violations(page, axe_violations)
    _fits_a_phone(page)
    keep_screenshot(page, f"node-page-{lang}")
    page.goto(f"{people_api.base_url}/v1/viz/nodes/C1?lang={lang}")
    assert page.locator("#referrals").count() == 1
    _no_serious_violations(page, axe_violations)
    keep_screenshot(page, f"centre-page-{lang}")
    assert page.foreign_requests == []
