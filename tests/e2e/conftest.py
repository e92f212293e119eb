"""Headless Debian chromium driven by Playwright, with every request to another host blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import live_api  # noqa: F401 - the server the browser talks to
from tests.conftest import IN_CI, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (tools/install-chromium.sh installs it)"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(f"SKIPPING BROWSER TESTS: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A page whose requests to any host but 127.0.0.1 are aborted and recorded."""
    context = browser.new_context()
    foreign: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    opened = context.new_page()
    opened.foreign_requests = foreign
    yield opened
    context.close()
