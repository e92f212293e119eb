"""The browser tests' own tools: the accessibility check finds real violations (and none on a
sound page), axe-core goes into a page under the CSP the server sends, screenshots are kept
at the viewport asked for, and Japanese is drawn with a Japanese font."""

from __future__ import annotations

import struct

import pytest

from api.guard import CSP
from tests.e2e.conftest import DESKTOP, PHONE, fonts_drawing_japanese, inject_axe, keep_screenshot

pytestmark = pytest.mark.browser

BAD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head>
<body><main><h1>A bad page</h1>
<img id="photo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input id="nameless" type="text">
</main></body></html>"""

SOUND = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sound</title></head>
<body><main><h1>A sound page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">
<label for="name">Name</label><input id="name" type="text">
</main></body></html>"""


def test_the_check_finds_an_image_without_alt_and_an_input_without_label(page, axe_violations):
    page.set_content(BAD)
    found = {v["id"]: v for v in axe_violations(page)}
    assert {"image-alt", "label"} <= set(found)
    assert found["image-alt"]["impact"] == "critical"
    assert found["image-alt"]["targets"] == ["#photo"]
    assert found["label"]["targets"] == ["#nameless"]
    assert all(v["impact"] in ("serious", "critical") and v["help"] for v in found.values())
    assert "<img" in found["image-alt"]["html"][0]


def test_the_check_finds_nothing_on_a_sound_page(page, axe_violations):
    page.set_content(SOUND)
    assert axe_violations(page) == []
    # and a minor finding is reported only when asked for
    page.set_content(SOUND.replace("<main>", "<div>").replace("</main>", "</div>"))
    assert axe_violations(page) == []
    assert "region" in {v["id"] for v in axe_violations(page, impacts=("moderate",))}


def test_axe_goes_in_as_a_script_tag_under_the_csp_the_server_sends(
    live_api, page, axe_script, axe_violations
):
    response = page.goto(f"{live_api.base_url}/sign-in")
    assert response is not None and response.headers["content-security-policy"] == CSP
    assert inject_axe(page, axe_script) == "script-tag"
    assert inject_axe(page, axe_script) == "present"
    assert isinstance(axe_violations(page), list)
    assert page.foreign_requests == []


def test_a_script_tag_refused_by_the_csp_falls_back_to_evaluating_the_text(
    live_api, page, axe_script
):
    page.route(
        f"{live_api.base_url}/strict",
        lambda route: route.fulfill(
            body="<!doctype html><title>strict</title><p>x</p>",
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'none'"},
        ),
    )
    page.goto(f"{live_api.base_url}/strict")
    assert inject_axe(page, axe_script) == "evaluate"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_a_screenshot_is_kept_at_the_viewport_asked_for(page):
    page.set_content(SOUND)
    before = page.viewport_size
    phone = keep_screenshot(page, "tools-phone", PHONE)
    desktop = keep_screenshot(page, "tools-desktop", DESKTOP)
    assert phone.name == "tools-phone.png" and phone.parent.name == "test-artifacts"
    assert _png_size(phone.read_bytes()) == PHONE  # the whole page fits in one screen
    assert _png_size(desktop.read_bytes()) == DESKTOP
    assert page.viewport_size == before


def test_japanese_is_drawn_with_a_japanese_font(page, japanese_font):
    page.set_content('<!doctype html><html lang="ja"><body><p>東京都の山田製作所</p></body></html>')
    drawn = fonts_drawing_japanese(page)
    assert drawn is not None
    text, fonts = drawn
    assert text == "東京都の山田製作所"
    assert fonts and set(fonts) <= set(japanese_font), fonts
