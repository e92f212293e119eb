"""The map of Japan in headless chromium, in English and in Japanese: a person signs in, opens
the map, reads a value on hover and on keyboard focus, moves the year slider (the map redraws
without loading a page), and axe-core finds nothing serious, at a phone's width too."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    describe,
    fonts_drawing_japanese,
    keep_screenshot,
)

pytestmark = pytest.mark.browser

#: What each language calls Tokyo's share of unfinanced enterprises (none: 0.0%).
TOKYO = {
    "en": "Tokyo: Share of enterprises with no financier 0.0%",
    "ja": "東京都：金融機関の融資・保証・出資がない企業の割合 0.0%",
}

_DRAWN = """() => Object.fromEntries([...document.querySelectorAll("#map a.tile")].map((a) => [
    a.dataset.key,
    [a.querySelector("rect").getAttribute("fill"), a.querySelector("title").textContent,
     a.querySelector("text.value").textContent, a.getAttribute("href")]]))"""

_EXPECTED = """(index) => {
    const data = window.rsnMap, step = data.steps[index];
    return Object.fromEntries(Object.entries(step.tiles).map(([key, tile]) => {
        const base = data.links[key];
        const href = step.link ? base + (base.includes("?") ? "&" : "?") + "as_of=" + step.link
                               : base;
        return [key, [tile[0] < 0 ? data.none : data.colours[tile[0]], tile[2], tile[1], href]];
    }));
}"""


def _move(page, position: int) -> None:
    page.evaluate(
        """(position) => {
            const slider = document.getElementById("year");
            slider.value = position;
            slider.dispatchEvent(new Event("input"));
        }""",
        position,
    )


def _sign_in(page, live_api) -> None:
    base = live_api.base_url
    page.goto(f"{base}/sign-in")
    page.fill("#key", live_api.keys["analyst"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_map_reads_moves_and_passes_axe(live_api, page, axe_violations, japanese_font, lang):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_api)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(f"{live_api.base_url}/v1/viz/map?measure=unfinanced&lang={lang}")
    page.wait_for_selector("body[data-ready]")
    assert page.locator("#map a.tile").count() == 47
    assert page.get_attribute("html", "lang") == lang
    drawn_ms = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    print(f"map ({lang}) drawn {drawn_ms:.0f} ms after navigation start")

    # the value on hover, then on keyboard focus
    page.hover("#map a.tile[data-key='13']")
    assert page.is_visible("#tip") and page.inner_text("#tip") == TOKYO[lang]
    page.mouse.move(0, 0)
    assert not page.is_visible("#tip")
    page.focus("#map a.tile[data-key='13']")
    assert page.is_visible("#tip") and page.inner_text("#tip") == TOKYO[lang]
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.dataset.key")
    assert focused and focused != "13"  # the next tile takes the focus
    assert page.is_visible("#tip")

    # the slider redraws from the page's own figures, with no page load
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))
    last = int(page.get_attribute("#year", "max"))
    start = page.evaluate(_DRAWN)
    assert start == page.evaluate(_EXPECTED, last)
    for position in (0, 2, last):
        _move(page, position)
        assert page.evaluate(_DRAWN) == page.evaluate(_EXPECTED, position), position
    _move(page, 0)
    assert page.get_attribute("body", "data-shown") == "2008-04-01"
    assert page.get_attribute("#map a.tile[data-key='13']", "href").endswith("as_of=2008-04-01")
    page.focus("#year")
    page.keyboard.press("End")
    assert page.evaluate(_DRAWN) == start
    assert loads == []

    # nothing serious for axe-core, on a desktop and at a phone's width, where nothing
    # needs a sideways scroll
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE[0]
    assert (
        page.evaluate("() => document.getElementById('map').getBoundingClientRect().width")
        <= PHONE[0]
    )
    assert axe_violations(page) == [], describe(axe_violations(page))
    keep_screenshot(page, f"map-{lang}-phone", PHONE)
    keep_screenshot(page, f"map-{lang}-desktop", DESKTOP)
    if lang == "ja":
        text, families = fonts_drawing_japanese(page)
        assert set(families) & set(japanese_font), (text, families)
    assert errors == [] and page.foreign_requests == []


def test_a_tile_opens_the_network_of_its_prefecture(live_api, page):
    _sign_in(page, live_api)
    page.goto(f"{live_api.base_url}/v1/viz/map?lang=ja")
    page.wait_for_selector("body[data-ready]")
    page.click("#map a.tile[data-key='13']")
    page.wait_for_function("window.rsnNetwork && window.rsnNetwork.ready", timeout=30_000)
    assert "prefecture=13" in page.url and "lang=ja" in page.url
    assert page.title() == "東京都（13）のネットワーク"
    assert page.foreign_requests == []
