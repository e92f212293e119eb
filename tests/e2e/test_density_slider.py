"""The density page's year slider in a headless browser: each position draws what the page
of that year would (and passes axe-core's check), and the keyboard moves it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import describe
from tests.unit.test_history_page import HISTORY, NOW, _drawn, _move
from viz.pages import density_page


@pytest.mark.browser
def test_moving_the_slider_draws_each_year_as_the_page_of_that_year_would(page, axe_violations):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    years = range(2008, 2011)
    html = density_page(NOW, history=HISTORY, years=years, as_of="2026-05-10")
    page.set_content(html)
    start = _drawn(page)
    for position, y in enumerate(years):
        _move(page, position)
        # the page whose own day is that year's 1 April, over the same history
        that_year = [entry.row for entry in HISTORY if entry.year == y]
        expected = density_page(that_year, history=HISTORY, years=years, as_of="2026-05-10")
        drawn_of_year = _drawn(page)
        page.set_content(expected)
        assert drawn_of_year == _drawn(page), y
        page.set_content(html)
        _move(page, position)
        assert page.inner_text("#year-shown") == f"{y} (as of {y}-04-01)"
        assert page.get_attribute("body", "data-shown") == f"{y}-04-01"
        violations = axe_violations(page)  # each year's drawing passes the check too
        assert violations == [], f"density page at {y}:\n{describe(violations)}"
    _move(page, len(years))
    assert _drawn(page) == start
    assert page.inner_text("#year-shown") == "as of 2026-05-10"
    # the keyboard moves it too
    page.focus("#year")
    page.keyboard.press("Home")
    assert page.inner_text("#year-shown") == "2008 (as of 2008-04-01)"
    assert page.inner_text("#density tr[data-key='13'] td[data-field='nodes']") == ("1,000")
    assert errors == [] and page.foreign_requests == []
