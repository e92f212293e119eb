"""What every page for people shares: its own links, the language switch, numbers and days
as the language writes them, and the start of an analyst's page.

:class:`PageLinks` says where a page is, the language its links keep (the one the request
chose by ``?lang=``) and the day they keep (the ``as_of`` the request asked about). The
network, density and map pages (:mod:`viz.pages`, :mod:`viz.japan_map`) and the report and
node pages (:mod:`viz.report_page`, :mod:`viz.node_page`) all take it.

Numbers follow the request's language (:func:`graph.i18n.language`) through Babel:
:func:`count_text` (12,345), :func:`fixed_text` (a fixed count of decimals, a half rounded
up as JavaScript's ``toFixed`` does), :func:`number` (at most so many decimals),
:func:`percent_text`; :func:`day_text` writes a day (2026年5月10日 in Japanese).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from babel.numbers import format_decimal, format_percent

from graph.i18n import LANGUAGES, _, language
from graph.valid_time import Day

__all__ = [
    "LANGUAGE_NAMES",
    "PageLinks",
    "count_text",
    "day_text",
    "document_head",
    "fixed_text",
    "node_href",
    "node_path",
    "number",
    "percent_text",
    "rounded",
    "script_json",
    "with_query",
]

#: What each language is called in the language switch, in its own language.
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}


def with_query(href: str, params: Mapping[str, str]) -> str:
    """``href`` with ``params`` set in its query (a parameter already there is replaced)."""
    if not params:
        return href
    parts = urlsplit(href)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query = urlencode([*kept, *params.items()], safe="/")
    return f"{parts.path}?{query}"


@dataclass(frozen=True)
class PageLinks:
    """Where a page is (``here``: its path and query, without ``lang``), the language its
    links keep (``lang``: the one the request chose by ``?lang=``, else None) and the day
    they keep (``as_of``: the one the request asked about, else None)."""

    here: str
    lang: str | None = None
    as_of: Day | None = None

    @property
    def path(self) -> str:
        """The page's path, without its query."""
        return urlsplit(self.here).path

    def kept(self) -> list[tuple[str, str]]:
        """The parameters every link of the page carries: ``lang``, then ``as_of``."""
        pairs = [("lang", self.lang)] if self.lang else []
        return pairs + ([("as_of", self.as_of)] if self.as_of else [])

    def link(self, href: str) -> str:
        """``href`` with ``lang`` added when the page keeps it (not escaped)."""
        return with_query(href, {"lang": self.lang} if self.lang else {})

    def href(self, path: str, params: Iterable[tuple[str, str]] = ()) -> str:
        """A link to ``path`` on this site with ``params`` and the kept ones (escaped for an
        attribute)."""
        pairs = [*params, *self.kept()]
        return html.escape(path + (f"?{urlencode(pairs)}" if pairs else ""))

    def switch_href(self, lang: str) -> str:
        """This page in ``lang`` (escaped for an attribute)."""
        return html.escape(with_query(self.here, {"lang": lang}))

    def _switch_anchors(self) -> list[str]:
        """A link to this page in each language, the current one marked (markup)."""
        return [
            f'<a href="{self.switch_href(lang)}" lang="{lang}" hreflang="{lang}"'
            + (' aria-current="true"' if lang == language() else "")
            + f">{LANGUAGE_NAMES[lang]}</a>"
            for lang in LANGUAGES
        ]

    def switch(self) -> str:
        """The language switch of the site's and the analysts' pages (markup)."""
        named = html.escape(_("Language"))
        return f'<nav class="lang" aria-label="{named}">{" ".join(self._switch_anchors())}</nav>'

    def switch_list(self) -> str:
        """The language switch of the report and node pages: a list in a ``<nav>``
        (markup)."""
        named = html.escape(_("Language"))
        items = "".join(f"<li>{anchor}</li>" for anchor in self._switch_anchors())
        return f'<nav aria-label="{named}"><ul>{items}</ul></nav>'

    def hidden_inputs(self) -> str:
        """The kept parameters as hidden inputs of a form that goes to another page."""
        return "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
            for name, value in self.kept()
        )


def node_path(node_id: str) -> str:
    """The path of a node's page (not escaped)."""
    return f"/v1/viz/nodes/{quote(node_id, safe='')}"


def node_href(links: PageLinks, node_id: str) -> str:
    """The link to a node's page, keeping what ``links`` keeps (escaped)."""
    return links.href(node_path(node_id))


def _locale() -> str:
    return "ja_JP" if language() == "ja" else "en_US"


def count_text(value: int) -> str:
    """A count as the language writes it: 12,345."""
    return format_decimal(int(value), locale=_locale())


def rounded(value: float, places: int) -> Decimal:
    """``value`` to ``places`` decimals, a half rounded up (as JavaScript's ``toFixed``)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fixed_text(value: float, places: int) -> str:
    """``value`` with ``places`` decimals (a half rounded up, as JavaScript's ``toFixed``
    does) and thousands separators, as the language writes it."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(rounded(value, places), format=pattern, locale=_locale())


def number(value: float | int | None, digits: int = 0) -> str:
    """``value`` as the page's language writes it (1,234; 0.123): at most ``digits``
    decimals; "" for None."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=_locale()))


def percent_text(share: float) -> str:
    """A share as a percentage to one place, as the language writes it: 12.5%."""
    return format_percent(share, format="#,##0.0%", locale=_locale())


def day_text(day: Day) -> str:
    """A day as the language writes it: 2026-05-10, or 2026年5月10日."""
    if language() != "ja":
        return day
    year, month, date = day.split("-")
    return f"{int(year)}年{int(month)}月{int(date)}日"


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def document_head(title: str, style: str) -> str:
    """The start of a page, up to its ``<style>`` (``style``) included: the doctype, the
    language, ``title`` (markup, already escaped) and the viewport."""
    return (
        f'<!doctype html>\n<html lang="{language()}"><head><meta charset="utf-8">'
        f"<title>{title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{style}</style>"
    )
