"""Values as Japanese offices write them, read into the dataset's canonical form.

A prefecture by its JIS X 0401 code, its kanji name (with or without 都, 道, 府 or 県) or its
romaji name (``Tokyo``, ``Tokyo-to``, ``Ōsaka``); an industry by its JSIC division letter or
the division's Japanese name (``製造業``); numbers in full-width digits (``１，２３４``); days
written ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY年M月D日`` or in a Japanese era (``令和6年4月1日``,
``令和元年5月1日``, ``R6.4.1``, ``H20.5.30``); years as ``2008``, ``2008年``, ``平成20年`` or
``H20``.

Every function gives the canonical form (a two-digit code, a division letter, ASCII digits, a
day ``YYYY-MM-DD``, a year as a number) or raises ValueError with a sentence a person can act
on, in the current language (:mod:`graph.i18n`). Pure: only the standard library, the
reference tables of :mod:`graph.japan` and the catalogues.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from graph.i18n import _
from graph.japan import JSIC_DIVISIONS, JSIC_DIVISIONS_JA, PREFECTURE_BY_CODE, PREFECTURES

__all__ = [
    "ERAS",
    "Era",
    "ascii_digits",
    "era_day_text",
    "era_of",
    "industry_letter",
    "number_text",
    "parse_day",
    "parse_year",
    "prefecture_code",
]


# ---------------------------------------------------------------------------
# Digits
# ---------------------------------------------------------------------------

#: Full-width digits and signs, and the dashes people type for a minus, as ASCII.
_ASCII = str.maketrans(
    {
        **{chr(0xFF10 + n): str(n) for n in range(10)},
        "\uff0d": "-",  # FULLWIDTH HYPHEN-MINUS
        "\u2212": "-",  # MINUS SIGN
        "\u2010": "-",  # HYPHEN
        "\u2011": "-",  # NON-BREAKING HYPHEN
        "\u2012": "-",  # FIGURE DASH
        "\u2013": "-",  # EN DASH
        "\uff0b": "+",  # FULLWIDTH PLUS SIGN
        "\uff0e": ".",  # FULLWIDTH FULL STOP
        "\uff0c": ",",  # FULLWIDTH COMMA
        "\u3000": " ",  # IDEOGRAPHIC SPACE
    }
)


def ascii_digits(text: str) -> str:
    """``text`` with full-width digits, plus, minus (and the dashes typed for one), full
    stop, comma and space in their ASCII form; anything else as it is."""
    return text.translate(_ASCII)


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def number_text(text: str) -> str:
    """A number as ASCII text: full-width characters as ASCII (:func:`ascii_digits`),
    surrounding space trimmed and thousands separators (``1,234``, ``１，２３４``) taken out.
    A comma anywhere else is left where it is, for the caller's check to refuse."""
    plain = ascii_digits(text).strip()
    if "," in plain and _THOUSANDS.fullmatch(plain):
        plain = plain.replace(",", "")
    return plain


def _normal(text: str) -> str:
    """``text`` in Unicode compatibility form (NFKC: full-width letters and digits as ASCII,
    ㍻ as 平成), with the dashes typed for a minus as ``-`` and surrounding space trimmed."""
    return unicodedata.normalize("NFKC", ascii_digits(text)).strip()


# ---------------------------------------------------------------------------
# Prefectures
# ---------------------------------------------------------------------------

_KANJI_SUFFIXES = ("都", "道", "府", "県")
#: Romaji suffixes: "Tokyo-to", "Kyoto-fu", "Aichi-ken", "Hokkai-do", "Osaka Prefecture".
_ROMAJI_SUFFIX = re.compile(r"(?:[\s_-]*(?:to|do|fu|ken|prefecture|pref\.?|metropolis))$")


def _romaji_key(text: str) -> str:
    """A romaji name as a key that ignores case, macrons, spaces, hyphens and the ways of
    writing a long vowel (Tōkyō, Toukyou, Tokyo; Ōita, Ooita, Ohita; Hyōgo, Hyougo)."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in bare if "a" <= ch <= "z")
    letters = letters.replace("ou", "o").replace("oo", "o").replace("uu", "u")
    return re.sub(r"oh(?=[^aeiou]|$)", "o", letters)


def _prefecture_names() -> dict[str, str]:
    """Every accepted name of every prefecture, as a key, with its code."""
    names: dict[str, str] = {}
    for prefecture in PREFECTURES:
        names[prefecture.name_ja] = prefecture.code
        if prefecture.name_ja != "北海道":
            names[prefecture.name_ja.removesuffix(prefecture.name_ja[-1])] = prefecture.code
        key = _romaji_key(prefecture.name_en)
        if names.setdefault(key, prefecture.code) != prefecture.code:  # pragma: no cover
            raise RuntimeError(f"two prefectures share the romaji key {key!r}")
    return names


_PREFECTURE_NAMES = _prefecture_names()


def prefecture_code(text: str) -> str:
    """The two-digit JIS X 0401 code of a prefecture given by its code (``13``, ``1`` for
    ``01``, full-width digits too), its kanji name with or without the suffix (``東京都``,
    ``東京``, ``北海道``, ``大阪``) or its romaji name (``Tokyo``, ``TOKYO``, ``Tokyo-to``,
    ``Ōsaka``, ``Hokkaido``).

    Raises ValueError naming the value and the ways to write a prefecture.
    """
    plain = _normal(text)
    if plain.isascii() and plain.isdigit() and len(plain) <= 2:
        if plain.zfill(2) in PREFECTURE_BY_CODE:
            return plain.zfill(2)
    if plain.isdigit() or not plain:
        raise ValueError(
            _(
                "{value!r} is not a prefecture code: use the two-digit JIS X 0401 code 01 to 47",
                value=text,
            )
        )
    name = re.sub(r"\s+", "", plain)
    code: str | None = _PREFECTURE_NAMES.get(name)
    latin = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    if code is None and latin.isascii():
        code = _PREFECTURE_NAMES.get(_romaji_key(latin))
        code = code or _PREFECTURE_NAMES.get(_romaji_key(_ROMAJI_SUFFIX.sub("", latin.casefold())))
    if code is None:
        raise ValueError(
            _(
                "{value!r} is not a prefecture code or name: use the two-digit JIS X 0401 code "
                "01 to 47, or the name in kanji or romaji (13, 東京都, 東京 or Tokyo)",
                value=text,
            )
        )
    return code


# ---------------------------------------------------------------------------
# Industries
# ---------------------------------------------------------------------------

#: Separators that the names of a division are written with in one place or another.
_NAME_SEPARATORS = re.compile(r"[\s、,，・･/／]")


def _division_key(text: str) -> str:
    """A division's Japanese name as a key that ignores width, spaces and the separators
    between its parts (``卸売業、小売業``, ``卸売業・小売業``, ``卸売業，小売業``)."""
    return _NAME_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def _division_names() -> dict[str, str]:
    """Every accepted Japanese name of every division, as a key, with its letter: the full
    name, and the name before a parenthesis (``サービス業`` for R, ``公務`` for S)."""
    names: dict[str, str] = {}
    for letter, name in JSIC_DIVISIONS_JA.items():
        names[_division_key(name)] = letter
        short = _division_key(name.split("（", 1)[0])
        names.setdefault(short, letter)
    return names


_DIVISION_NAMES = _division_names()


def industry_letter(text: str) -> str:
    """The JSIC division letter of an industry given by its letter (``E``, a full-width
    ``Ｅ`` too) or by the division's Japanese name (``製造業``, ``卸売業、小売業``, with ``，``
    or ``・`` between the parts too).

    Raises ValueError naming the value and the ways to write a division.
    """
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain.upper() in JSIC_DIVISIONS and len(plain) == 1:
        return plain.upper()
    letter = _DIVISION_NAMES.get(_division_key(plain))
    if letter is not None:
        return letter
    if len(plain) <= 1 or plain.isascii():
        raise ValueError(
            _("{value!r} is not a JSIC division: use one letter from A to T", value=text)
        )
    raise ValueError(
        _(
            "{value!r} is not a JSIC division: use one letter from A to T or the division's "
            "Japanese name, such as 製造業 (E) or 卸売業、小売業 (I)",
            value=text,
        )
    )


# ---------------------------------------------------------------------------
# Eras, days and years
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese era: its name, the letter that abbreviates it, its first and last day
    (None while it goes on)."""

    name: str
    letter: str
    first: date
    last: date | None

    def year(self, number: int) -> int:
        """The Gregorian year of this era's year ``number`` (1 is 元年, the first)."""
        return self.first.year + number - 1


#: The eras of the modern calendar, newest first. Days of 明治 are read from 明治6年 (1873),
#: when Japan took up the Gregorian calendar.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1), None),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
)
_GREGORIAN_FROM = date(1873, 1, 1)
_ERA_BY_SPELLING: dict[str, Era] = {
    **{era.name: era for era in ERAS},
    **{era.name[0]: era for era in ERAS},
    **{era.letter: era for era in ERAS},
    **{era.letter.lower(): era for era in ERAS},
}
_ERA = "|".join(sorted(_ERA_BY_SPELLING, key=len, reverse=True))

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SLASH_DAY = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_KANJI_DAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ERA_KANJI_DAY = re.compile(rf"({_ERA})(元|\d{{1,2}})年(\d{{1,2}})月(\d{{1,2}})日")
_ERA_SHORT_DAY = re.compile(rf"({_ERA})(元|\d{{1,2}})([./-])(\d{{1,2}})\3(\d{{1,2}})")
_YEAR = re.compile(r"(\d{4})年?")
_ERA_YEAR = re.compile(rf"({_ERA})(元|\d{{1,2}})年?")


def _not_a_day(text: str) -> ValueError:
    """The error for a value that is not a day in any accepted form."""
    return ValueError(_("must be a date written YYYY-MM-DD, got {value!r}", value=text))


def era_of(day: date) -> Era | None:
    """The era ``day`` falls in, or None before 明治."""
    return next((era for era in ERAS if era.first <= day), None)


def era_day_text(day: date) -> str:
    """``day`` written in its era, as ``令和6年4月1日`` (``令和元年5月1日`` in the first year)."""
    era = era_of(day)
    if era is None:
        return day.isoformat()
    number = day.year - era.first.year + 1
    year = "元" if number == 1 else str(number)
    return f"{era.name}{year}年{day.month}月{day.day}日"


def _era_day(text: str, spelling: str, number: str, month: str, day: str) -> str:
    """The day of an era date, checked against the era's span."""
    era = _ERA_BY_SPELLING[spelling]
    year = 1 if number == "元" else int(number)
    if year == 0:
        raise ValueError(
            _(
                "{value!r} is not a day: the first year of {era} is 元年 (1), not 0",
                value=text,
                era=era.name,
            )
        )
    try:
        found = date(era.year(year), int(month), int(day))
    except ValueError:
        raise _not_a_day(text) from None
    if found < era.first:
        raise ValueError(
            _(
                "{value!r} is not a day of {era}, which began on {first} ({first_era}): that "
                "day is {day_era} ({day})",
                value=text,
                era=era.name,
                first=era.first.isoformat(),
                first_era=era_day_text(era.first),
                day_era=era_day_text(found),
                day=found.isoformat(),
            )
        )
    if era.last is not None and found > era.last:
        raise ValueError(
            _(
                "{value!r} is not a day of {era}, which ended on {last} ({last_era}): that "
                "day is {day_era} ({day})",
                value=text,
                era=era.name,
                last=era.last.isoformat(),
                last_era=era_day_text(era.last),
                day_era=era_day_text(found),
                day=found.isoformat(),
            )
        )
    if found < _GREGORIAN_FROM:
        raise ValueError(
            _(
                "{value!r} is before 明治6年 (1873), when Japan took up the Gregorian calendar: "
                "give the day as YYYY-MM-DD",
                value=text,
            )
        )
    return found.isoformat()


def parse_day(text: str) -> str:
    """A day as ``YYYY-MM-DD`` from ``YYYY-MM-DD``, ``YYYY/MM/DD`` (or ``YYYY/M/D``),
    ``YYYY年M月D日``, or a date of the eras 令和, 平成, 昭和, 大正 and 明治 in kanji
    (``令和6年4月1日``, ``令和元年5月1日``) or abbreviated (``R6.4.1``, ``H20/5/30``,
    ``R06-04-01``, ``平20.5.30``), in full-width characters too.

    Raises ValueError for anything else, for a day that the calendar does not have
    (``2020-02-30``), and, in words, for an era day outside the era (``平成32年1月1日``,
    ``令和1年4月1日``, before 令和 began).
    """
    plain = re.sub(r"\s+", "", _normal(text))
    match = _ISO_DAY.fullmatch(plain) or _SLASH_DAY.fullmatch(plain) or _KANJI_DAY.fullmatch(plain)
    if match is not None:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            raise _not_a_day(text.strip()) from None
    match = _ERA_KANJI_DAY.fullmatch(plain)
    if match is not None:
        return _era_day(text.strip(), match[1], match[2], match[3], match[4])
    match = _ERA_SHORT_DAY.fullmatch(plain)
    if match is not None:
        return _era_day(text.strip(), match[1], match[2], match[4], match[5])
    raise _not_a_day(text.strip())


def parse_year(text: str) -> int:
    """A year as a number from ``2008``, ``2008年``, or an era year (``平成20``, ``平成20年``,
    ``H20``, ``平成元年``), in full-width characters too.

    Raises ValueError for anything else, and, in words, for a year the era did not have
    (``平成32``: 平成 lasted from 1989 to 2019). The bounds of the column are the caller's.
    """
    plain = re.sub(r"\s+", "", _normal(text))
    match = _YEAR.fullmatch(plain)
    if match is not None:
        return int(match[1])
    match = _ERA_YEAR.fullmatch(plain)
    if match is None:
        raise ValueError(
            _(
                "must be a year written YYYY or as an era year (平成20年, H20), got {value!r}",
                value=text.strip(),
            )
        )
    era = _ERA_BY_SPELLING[match[1]]
    number = 1 if match[2] == "元" else int(match[2])
    if number == 0:
        raise ValueError(
            _(
                "{value!r} is not a year: the first year of {era} is 元年 (1)",
                value=text.strip(),
                era=era.name,
            )
        )
    if era.last is not None and era.year(number) > era.last.year:
        last = era.last.year - era.first.year + 1
        raise ValueError(
            _(
                "{value!r} is not a year of {era}, which lasted from {first} to {last} "
                "({era}元年 to {era}{years}年)",
                value=text.strip(),
                era=era.name,
                first=era.first.year,
                last=era.last.year,
                years=last,
            )
        )
    return era.year(number)
