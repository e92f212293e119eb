"""The links, language switch and numbers every page shares (viz.frame)."""

from __future__ import annotations

from dataclasses import astuple

from graph.i18n import speaking
from viz.frame import PageLinks, count_text, day_text, fixed_text, node_href, number, percent_text
from viz.pages import year_slider
from viz.report_page import PageLinks as ReportLinks


def test_links_keep_the_chosen_language_and_the_day_asked_about():
    links = PageLinks("/v1/viz/weaknesses?prefecture=13&as_of=2024-04-01", "ja", "2024-04-01")
    assert links.path == "/v1/viz/weaknesses"
    assert links.link("/v1/viz/map?measure=density") == "/v1/viz/map?measure=density&lang=ja"
    assert links.href("/v1/viz/find", [("q", "a&b")]) == (
        "/v1/viz/find?q=a%26b&amp;lang=ja&amp;as_of=2024-04-01"
    )
    assert node_href(links, "E 1/2") == "/v1/viz/nodes/E%201%2F2?lang=ja&amp;as_of=2024-04-01"
    assert links.hidden_inputs() == (
        '<input type="hidden" name="lang" value="ja">'
        '<input type="hidden" name="as_of" value="2024-04-01">'
    )


def test_links_without_a_chosen_language_add_nothing():
    links = PageLinks("/v1/viz/density")
    assert links.link("/") == "/"
    assert links.href("/") == "/"
    assert links.hidden_inputs() == ""


def test_the_switch_marks_the_language_spoken_and_keeps_the_page_query():
    links = PageLinks("/v1/viz/map?measure=unfinanced", "en")
    with speaking("ja"):
        flat, listed = links.switch(), links.switch_list()
    english = '<a href="/v1/viz/map?measure=unfinanced&amp;lang=en" lang="en" hreflang="en">'
    japanese = (
        '<a href="/v1/viz/map?measure=unfinanced&amp;lang=ja" lang="ja" hreflang="ja" '
        'aria-current="true">日本語</a>'
    )
    assert flat == f'<nav class="lang" aria-label="表示言語">{english}English</a> {japanese}</nav>'
    assert listed == (
        f'<nav aria-label="表示言語"><ul><li>{english}English</a></li>'
        f"<li>{japanese}</li></ul></nav>"
    )


def test_the_report_pages_links_are_the_same_links():
    made = ReportLinks(
        "/v1/viz/weaknesses",
        "ja",
        (("lang", "ja"), ("as_of", "2024-04-01")),
        (("prefecture", "13"),),
    )
    same = PageLinks("/v1/viz/weaknesses?prefecture=13&as_of=2024-04-01", "ja", "2024-04-01")
    assert astuple(made) == astuple(same)
    assert astuple(ReportLinks("/v1/viz/nodes/C1", "en")) == astuple(PageLinks("/v1/viz/nodes/C1"))


def test_numbers_as_each_language_writes_them():
    with speaking("ja"):
        assert count_text(1234567) == "1,234,567"
        assert day_text("2026-05-01") == "2026年5月1日"
    with speaking("en"):
        assert day_text("2026-05-01") == "2026-05-01"
        assert fixed_text(1234.5, 0) == "1,235"  # a half rounded up, as toFixed
        assert fixed_text(0.000125, 5) == "0.00013"
        assert number(0.12345, 3) == "0.123"
        assert number(1234) == "1,234"
        assert number(None) == ""
        assert percent_text(0.125) == "12.5%"


def test_the_year_slider_names_its_ends_and_escapes_its_texts():
    with speaking("en"):
        made = year_slider(3, "as of <today>", 2010, "2026-05-10")
    assert 'max="3" step="1" value="3"' in made
    assert '<label for="year">Year</label> 2010 <input' in made
    assert 'aria-valuetext="as of &lt;today&gt;"> 2026-05-10<br>' in made
    assert year_slider(0, "today", None, "today").count("</label> <input") == 1
