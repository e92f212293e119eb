"""A person signs in and opens every page in headless chromium, with no internet."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ARTIFACTS

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
