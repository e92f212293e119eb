"""Headless Debian chromium driven by Playwright, with every request to another host blocked;
axe-core's accessibility check, the fonts that draw Japanese text, and screenshots kept in
test-artifacts/.

What the browser tests need is installed by tools/install-chromium.sh (chromium and a
Japanese font) and tools/install-axe.sh (axe-core's script); without it they skip with a loud
reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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

#: axe-core's script, kept there by tools/install-axe.sh (not in git).
AXE_SCRIPT = ROOT / "tools" / "axe" / "axe.min.js"
#: The impacts a violation must have for the check to report it.
SERIOUS = ("serious", "critical")
#: How many of a violation's elements the check names.
FIRST_NODES = 5

#: The file fonts-noto-cjk installs, for a machine without fc-list.
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

#: Viewports by name, as (width, height) in CSS pixels.
PHONE = (375, 812)
DESKTOP = (1280, 800)


def _missing(reason: str) -> None:
    """Skip the test loudly for ``reason``, or fail it under CI=true."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(f"SKIPPING BROWSER TESTS: {reason}")


def japanese_font_families() -> list[str]:
    """The families fontconfig knows that cover Japanese (``fc-list :lang=ja``); without
    fc-list, Noto Sans CJK JP when its file is there."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ["Noto Sans CJK JP"] if NOTO_CJK.exists() else []
    listed = subprocess.run(
        [fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False
    ).stdout
    return sorted({line.split(",")[0].strip() for line in listed.splitlines() if line.strip()})


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (tools/install-chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def japanese_font() -> list[str]:
    """The font families that can draw Japanese; skips (fails under CI=true) when there are
    none, since every Japanese name would then be drawn as empty boxes."""
    families = japanese_font_families()
    if not families:
        _missing(
            "no Japanese font is installed (tools/install-chromium.sh installs fonts-noto-cjk)"
        )
    return families


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


# -- accessibility ---------------------------------------------------------------------

#: Runs axe on the whole document and answers its violations of the given impacts, each
#: with its rule, impact, help text, and the CSS selectors and markup of its first elements.
_RUN_AXE = """async ([impacts, first]) => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations
        .filter((v) => impacts.includes(v.impact))
        .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.length,
            targets: v.nodes.slice(0, first).map((n) => n.target.flat(Infinity).join(" >>> ")),
            html: v.nodes.slice(0, first).map((n) => n.html),
        }));
}"""


def inject_axe(page, script: str) -> str:
    """Put axe-core into ``page`` (once), as an inline script tag, which the pages' CSP
    allows; when the page's CSP refuses it, by evaluating the script's text instead. Returns
    how: ``"present"``, ``"script-tag"`` or ``"evaluate"``.

    Raises AssertionError when neither way leaves ``window.axe`` defined."""
    present = "() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"
    if page.evaluate(present):
        return "present"
    try:
        page.add_script_tag(content=script)
    except Exception:  # noqa: BLE001 - a refused script tag: evaluate the text instead
        pass
    if page.evaluate(present):
        return "script-tag"
    page.evaluate(script)
    assert page.evaluate(present), "axe-core could not be put into the page"
    return "evaluate"


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's script; skips (fails under CI=true) when tools/install-axe.sh has not
    kept it."""
    if not AXE_SCRIPT.exists():
        _missing(f"{AXE_SCRIPT} is missing (tools/install-axe.sh fetches axe-core)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def axe_violations(axe_script: str) -> Callable[..., list[dict[str, Any]]]:
    """``check(page, impacts=SERIOUS) -> list[dict]``: runs axe-core on the page as it is
    now and returns its violations of those impacts (serious and critical by default), each
    a dict with ``id`` (the rule), ``impact``, ``help``, ``nodes`` (how many elements),
    ``targets`` (CSS selectors of the first elements) and ``html`` (their markup)."""

    def check(page, impacts: Iterable[str] = SERIOUS) -> list[dict[str, Any]]:
        inject_axe(page, axe_script)
        found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, [list(impacts), FIRST_NODES])
        return found

    return check


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations as lines a person reads: rule, impact, help and elements."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} [{v['nodes']} elements] at "
        + "; ".join(v["targets"])
        for v in violations
    )


# -- screenshots and fonts -------------------------------------------------------------


def keep_screenshot(page, name: str, viewport: tuple[int, int] = PHONE) -> Path:
    """Keep a full-page screenshot of ``page`` drawn at ``viewport`` (width, height) as
    test-artifacts/<name>.png; the page's viewport is put back afterwards. Returns the
    file."""
    before = page.viewport_size
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    # two frames: the page lays itself out again at the new width before it is drawn
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if before is not None:
        page.set_viewport_size(before)
    return path


#: Marks the first element whose own text holds kana or kanji (not in a script or style) and
#: answers that text, or null when there is none.
_MARK_JAPANESE = r"""() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (element.closest("script, style, noscript, template")) continue;
        if (/[\u3040-\u30ff\u3400-\u9fff]/.test(node.data)) {
            element.setAttribute("data-japanese-text", "");
            return node.data.trim();
        }
    }
    return null;
}"""


def fonts_drawing_japanese(page) -> tuple[str, list[str]] | None:
    """The first Japanese text in ``page`` and the families of the fonts chromium draws its
    element's text with (from the DevTools protocol, so the fonts actually used); None when
    the page shows no Japanese text."""
    text = page.evaluate(_MARK_JAPANESE)
    if not text:
        return None
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send(
            "DOM.querySelector", {"nodeId": root, "selector": "[data-japanese-text]"}
        )
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    finally:
        session.detach()
    return text, [font["familyName"] for font in fonts]
