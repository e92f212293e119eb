"""Values as Japanese offices write them read into the canonical form, and bad ones worded."""

from __future__ import annotations

import pytest

from graph.japan import JSIC_DIVISIONS, JSIC_DIVISIONS_JA, PREFECTURES
from graph.japanese_values import (
    ascii_digits,
    industry_letter,
    number_text,
    parse_day,
    parse_year,
    prefecture_code,
)


def full_width(text: str) -> str:
    """``text`` with its ASCII letters, digits and signs in their full-width forms."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


# -- digits ----------------------------------------------------------------------------


def test_full_width_digits_and_signs_read_as_ascii():
    assert ascii_digits("０１２３４５６７８９") == "0123456789"
    assert ascii_digits("－５．５") == "-5.5"
    assert ascii_digits("−3") == "-3"  # the minus sign people paste from documents
    assert ascii_digits("東京１") == "東京1"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234", "1234"),
        ("１２３４", "1234"),
        ("1,234", "1234"),
        ("１，２３４", "1234"),
        ("1,234,567", "1234567"),
        (" ０．７５ ", "0.75"),
        ("－１２", "-12"),
        ("1,23", "1,23"),  # not a thousands separator: left for the check to refuse
        ("12,34,567", "12,34,567"),
    ],
)
def test_number_text(text, number):
    assert number_text(text) == number


# -- prefectures -----------------------------------------------------------------------


@pytest.mark.parametrize("prefecture", PREFECTURES, ids=lambda p: p.code)
def test_every_prefecture_by_code_kanji_and_romaji(prefecture):
    code = prefecture.code
    spellings = [
        code,
        str(int(code)),
        full_width(code),
        prefecture.name_ja,
        prefecture.name_en,
        prefecture.name_en.lower(),
        prefecture.name_en.upper(),
        full_width(prefecture.name_en),
        f" {prefecture.name_en} ",
    ]
    if prefecture.name_ja != "北海道":
        spellings.append(prefecture.name_ja[:-1])  # 東京 for 東京都, 大阪 for 大阪府
    for spelling in spellings:
        assert prefecture_code(spelling) == code, spelling


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tokyo-to", "13"),
        ("Tokyo to", "13"),
        ("Tōkyō", "13"),
        ("Toukyou", "13"),
        ("Hokkaido", "01"),
        ("Hokkaidō", "01"),
        ("Hokkai-do", "01"),
        ("Ōsaka", "27"),
        ("Osaka-fu", "27"),
        ("Kyoto-fu", "26"),
        ("Kyōto", "26"),
        ("Aichi-ken", "23"),
        ("Aichi Prefecture", "23"),
        ("Hyōgo", "28"),
        ("Kōchi", "39"),
        ("Ōita", "44"),
        ("京都", "26"),
        ("京都府", "26"),
        ("東京", "13"),
        ("東京都", "13"),
        ("大阪", "27"),
        ("１", "01"),
        ("㈱", None),
    ],
)
def test_prefecture_spellings(text, code):
    if code is None:
        with pytest.raises(ValueError):
            prefecture_code(text)
    else:
        assert prefecture_code(text) == code


@pytest.mark.parametrize("text", ["48", "0", "00", "", "130", "99"])
def test_a_bad_prefecture_code_is_worded_as_before(text):
    with pytest.raises(ValueError) as caught:
        prefecture_code(text)
    assert str(caught.value) == (
        f"{text!r} is not a prefecture code: use the two-digit JIS X 0401 code 01 to 47"
    )


@pytest.mark.parametrize("text", ["Tokio", "北海", "東", "Edo", "Tokyo-shi"])
def test_a_bad_prefecture_name_says_how_to_write_one(text):
    with pytest.raises(ValueError) as caught:
        prefecture_code(text)
    message = str(caught.value)
    assert message.startswith(f"{text!r} is not a prefecture code or name")
    assert "東京都" in message and "Tokyo" in message


# -- industries ------------------------------------------------------------------------


def test_the_japanese_names_are_of_the_same_divisions_as_the_english_ones():
    assert list(JSIC_DIVISIONS_JA) == list(JSIC_DIVISIONS)
    assert JSIC_DIVISIONS_JA["E"] == "製造業" and JSIC_DIVISIONS["E"] == "Manufacturing"
    assert JSIC_DIVISIONS_JA["I"] == "卸売業、小売業"
    assert JSIC_DIVISIONS["I"] == "Wholesale and retail trade"


@pytest.mark.parametrize(("letter", "name"), list(JSIC_DIVISIONS_JA.items()))
def test_every_division_by_letter_and_japanese_name(letter, name):
    assert industry_letter(letter) == letter
    assert industry_letter(full_width(letter)) == letter
    assert industry_letter(name) == letter
    assert industry_letter(f" {name} ") == letter
    assert industry_letter(name.replace("、", "，")) == letter
    assert industry_letter(name.replace("、", "・")) == letter
    assert industry_letter(name.replace("（", "(").replace("）", ")")) == letter


@pytest.mark.parametrize(
    ("text", "letter"),
    [("卸売業・小売業", "I"), ("卸売業，小売業", "I"), ("サービス業", "R"), ("公務", "S")],
)
def test_division_name_variants(text, letter):
    assert industry_letter(text) == letter


def test_a_bad_industry_is_worded():
    with pytest.raises(ValueError) as caught:
        industry_letter("Z")
    assert str(caught.value) == "'Z' is not a JSIC division: use one letter from A to T"
    with pytest.raises(ValueError) as caught:
        industry_letter("製造")
    assert "製造業 (E)" in str(caught.value)


# -- days ------------------------------------------------------------------------------

SAME_DAY = {
    "2024-04-01": [
        "2024-04-01",
        "2024/04/01",
        "2024/4/1",
        "2024年4月1日",
        "令和6年4月1日",
        "令和 6年 4月 1日",
        "R6.4.1",
        "r6.4.1",
        "R06/04/01",
        "R6-4-1",
        "令6.4.1",
        "Ｒ６．４．１",
        "Ｒ０６／０４／０１",
        "令和６年４月１日",
        "２０２４－０４－０１",
        "２０２４／４／１",
    ],
    "2008-05-30": ["平成20年5月30日", "H20.5.30", "H20/05/30", "Ｈ２０．５．３０", "㍻20年5月30日"],
    "1988-01-01": ["昭和63年1月1日", "S63.1.1", "S63/01/01", "Ｓ６３．１．１"],
    "2019-05-01": ["令和元年5月1日", "R1.5.1", "令和1年5月1日"],
}


@pytest.mark.parametrize(
    ("day", "text"), [(day, text) for day, texts in SAME_DAY.items() for text in texts]
)
def test_every_way_of_writing_a_day_reads_as_the_same_day(day, text):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # the first and the last day of each era
        ("令和元年5月1日", "2019-05-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成元年1月8日", "1989-01-08"),
        ("昭和64年1月7日", "1989-01-07"),
        ("昭和元年12月25日", "1926-12-25"),
        ("大正15年12月24日", "1926-12-24"),
        ("H1.1.8", "1989-01-08"),
        ("S64.1.7", "1989-01-07"),
    ],
)
def test_era_boundaries_hold(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("令和1年4月1日", ["not a day of 令和", "began on 2019-05-01", "平成31年4月1日"]),
        ("R1.4.30", ["not a day of 令和", "平成31年4月30日"]),
        ("平成32年1月1日", ["not a day of 平成", "ended on 2019-04-30", "令和2年1月1日"]),
        ("平成31年5月1日", ["not a day of 平成", "令和元年5月1日"]),
        ("H1.1.7", ["not a day of 平成", "昭和64年1月7日"]),
        ("昭和64年1月8日", ["not a day of 昭和", "ended on 1989-01-07", "平成元年1月8日"]),
        ("S1.12.24", ["not a day of 昭和", "began on 1926-12-25"]),
        ("平成0年1月1日", ["first year of 平成 is 元年"]),
    ],
)
def test_a_day_the_era_did_not_have_is_worded(text, words):
    with pytest.raises(ValueError) as caught:
        parse_day(text)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["2020-02-30", "2020-1-1", "20200101", "yesterday", "15/01/2020", "2020/2/30", "H20.2.30"],
)
def test_a_text_that_is_no_day_is_worded(text):
    with pytest.raises(ValueError) as caught:
        parse_day(text)
    assert str(caught.value) == f"must be a date written YYYY-MM-DD, got {text!r}"


# -- years -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2008", 2008),
        ("２００８", 2008),
        ("2008年", 2008),
        ("平成20", 2008),
        ("平成20年", 2008),
        ("H20", 2008),
        ("h20", 2008),
        ("Ｈ２０", 2008),
        ("平成元年", 1989),
        ("平成31年", 2019),
        ("令和元年", 2019),
        ("R1", 2019),
        ("昭和64", 1989),
        ("S63", 1988),
        ("昭和元年", 1926),
        ("大正5年", 1916),
        ("明治20年", 1887),
    ],
)
def test_years(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("平成32", "not a year of 平成, which lasted from 1989 to 2019 (平成元年 to 平成31年)"),
        ("S65", "not a year of 昭和"),
        ("H0", "first year of 平成 is 元年"),
        ("soon", "must be a year written YYYY or as an era year"),
    ],
)
def test_a_bad_year_is_worded(text, words):
    with pytest.raises(ValueError) as caught:
        parse_year(text)
    assert words in str(caught.value)
