"""A person signs in and opens every page in headless chromium, with no internet; each page,
in English and in Japanese, passes axe-core's check (no serious or critical violation), draws
its Japanese text with a Japanese font, and is kept as a screenshot 375 px wide and at a
desktop's width (test-artifacts/<page>-<lang>-<375|desktop>-<backend>.png)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    describe,
    fonts_drawing_japanese,
    keep_screenshot,
)

pytestmark = pytest.mark.browser


def test_sign_in_then_the_pages_draw_offline(live_api, page):
    base = live_api.base_url
    page.goto(f"{base}/")
    assert "/sign-in" in page.url
    page.fill("#key", live_api.keys["analyst"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator("table#density tr").count() == 4  # header and three prefectures
    page.click("text=Density by prefecture (chart, with a year slider)")
    page.wait_for_selector("svg#chart g.bar")
    assert page.locator("svg#chart g.bar").count() == 3
    assert page.locator("#legend").is_visible()

    page.goto(f"{base}/v1/viz/network?prefecture=13")
    page.wait_for_function("window.rsnNetwork && window.rsnNetwork.ready", timeout=30_000)
    drawn = page.evaluate("window.rsnNetwork.nodes.length")
    placed = page.evaluate("Object.keys(window.rsnNetwork.network.getPositions()).length")
    assert drawn == placed == 6  # E1, E2, A1, C1, F1 and S1: F2 and S2 are nationwide
    assert page.locator("#legend [data-kind=Centre]").is_visible()
    assert page.locator("#network canvas").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"network-{live_api.settings.backend.value}.png"))
    assert page.foreign_requests == []


#: The pages a person opens: name -> (path and query, how to wait until it is drawn).
PAGES = {
    "home": ("/", "table#density"),
    "network": ("/v1/viz/network?prefecture=13", "window.rsnNetwork && window.rsnNetwork.ready"),
    "density": ("/v1/viz/density", "svg#chart g.bar"),
}


def _sign_in(page, live_api, lang: str) -> None:
    """Sign in as the analyst through the sign-in form, in ``lang``."""
    base = live_api.base_url
    page.goto(f"{base}/sign-in?lang={lang}")
    page.fill("#key", live_api.keys["analyst"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{base}/", page.url


def _open(page, live_api, name: str, lang: str) -> None:
    """Open the page ``name`` in ``lang`` and wait until it is drawn."""
    path, ready = PAGES[name]
    joined = "&" if "?" in path else "?"
    response = page.goto(f"{live_api.base_url}{path}{joined}lang={lang}")
    assert response is not None and response.status == 200, name
    if ready.startswith("window."):
        page.wait_for_function(ready, timeout=30_000)
    else:
        page.wait_for_selector(ready)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_passes_the_accessibility_check_and_draws_japanese(
    live_api, page, axe_violations, japanese_font, name, lang
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_api, lang)
    _open(page, live_api, name, lang)
    backend = live_api.settings.backend.value
    keep_screenshot(page, f"{name}-{lang}-375-{backend}", PHONE)
    keep_screenshot(page, f"{name}-{lang}-desktop-{backend}", DESKTOP)
    violations = axe_violations(page)
    assert violations == [], f"{name} (lang={lang}):\n{describe(violations)}"
    drawn = fonts_drawing_japanese(page)
    if lang == "ja" and name == "network":
        assert drawn is not None, "the Japanese network page names its prefecture in kanji"
    if drawn is not None:  # Japanese text is drawn with a Japanese font, not as empty boxes
        text, fonts = drawn
        assert set(fonts) & set(japanese_font), f"{text!r} is drawn with {fonts}"
    assert errors == [] and page.foreign_requests == []


def test_the_sign_in_form_passes_the_accessibility_check(live_api, page, axe_violations):
    for lang in ("en", "ja"):
        page.goto(f"{live_api.base_url}/sign-in?lang={lang}")
        page.wait_for_selector("#key")
        keep_screenshot(page, f"sign-in-{lang}-375-{live_api.settings.backend.value}", PHONE)
        violations = axe_violations(page)
        assert violations == [], f"sign-in (lang={lang}):\n{describe(violations)}"
    # a wrong key: the form says so, and still passes
    page.fill("#key", "not-a-key")
    with page.expect_navigation() as answered:
        page.click("button[type=submit]")
    assert answered.value is not None and answered.value.status == 401
    assert page.locator("[role=alert]").is_visible()
    violations = axe_violations(page)
    assert violations == [], f"sign-in after a wrong key:\n{describe(violations)}"
    assert page.foreign_requests == []
