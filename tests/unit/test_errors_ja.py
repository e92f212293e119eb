"""The model's rules and the loader speak Japanese when Japanese is asked for, word for
word, and say what they always said in English."""

from __future__ import annotations

import pytest

from graph.corporate_number import check_digit, corporate_number
from graph.errors import (
    ConfigurationError,
    Conflict,
    DatasetInvalid,
    Problem,
    RowInvalid,
    validation_sentence,
)
from graph.i18n import speaking
from graph.japanese_values import parse_day, parse_year, prefecture_code
from graph.loaders.csvfile import HeaderProblems, check_header
from graph.merging import check_mergeable
from graph.model import Node, NodeKind, kind_conflict
from graph.referral_lifecycle import Party
from graph.rows import parse_node, parse_relation
from graph.settings import load_settings

#: Twelve digits and the corporate number they make with a wrong check digit.
BASE = "010001008846"
WRONG = f"{(check_digit(BASE) + 1) % 10}{BASE}"


def _problems(kind: NodeKind, row: dict[str, str]) -> list[tuple[str, str]]:
    with pytest.raises(RowInvalid) as caught:
        parse_node(kind, row)
    return caught.value.problems


def test_a_wrong_check_digit_is_said_in_japanese() -> None:
    with speaking("ja"), pytest.raises(ValueError) as caught:
        corporate_number(WRONG)
    assert str(caught.value) == (
        f"「{WRONG}」は法人番号ではありません。先頭のチェックデジットが{WRONG[0]}ですが、"
        f"残りの12桁からは{check_digit(BASE)}になるはずです。"
    )


def test_a_wrong_check_digit_is_said_in_english_as_before() -> None:
    with pytest.raises(ValueError) as caught:
        corporate_number(WRONG)
    assert str(caught.value) == (
        f"'{WRONG}' is not a corporate number: its check digit (the first) is {WRONG[0]}, "
        f"the other twelve digits need {check_digit(BASE)}"
    )


def test_a_corporate_number_of_the_wrong_length_is_said_in_japanese() -> None:
    with speaking("ja"), pytest.raises(ValueError) as caught:
        corporate_number("12345")
    assert str(caught.value) == "「12345」は法人番号ではありません。法人番号は13桁の数字です。"


def test_an_era_day_outside_its_era_is_said_in_japanese() -> None:
    with speaking("ja"), pytest.raises(ValueError) as caught:
        parse_day("平成32年1月1日")
    assert str(caught.value) == (
        "「平成32年1月1日」は平成の日付ではありません。平成は2019-04-30（平成31年4月30日）に"
        "終わりました。指定の日は令和2年1月1日（2020-01-01）です。"
    )


def test_an_era_day_before_its_era_began_is_said_in_japanese() -> None:
    with speaking("ja"), pytest.raises(ValueError) as caught:
        parse_day("令和1年4月1日")
    assert str(caught.value) == (
        "「令和1年4月1日」は令和の日付ではありません。令和は2019-05-01（令和元年5月1日）に"
        "始まりました。指定の日は平成31年4月1日（2019-04-01）です。"
    )


def test_an_era_day_is_said_in_english_as_before() -> None:
    with pytest.raises(ValueError) as caught:
        parse_day("平成32年1月1日")
    assert str(caught.value) == (
        "'平成32年1月1日' is not a day of 平成, which ended on 2019-04-30 (平成31年4月30日): "
        "that day is 令和2年1月1日 (2020-01-01)"
    )


def test_a_day_that_is_no_day_and_a_year_of_no_era_are_said_in_japanese() -> None:
    with speaking("ja"):
        with pytest.raises(ValueError) as day:
            parse_day("2020-02-30")
        with pytest.raises(ValueError) as year:
            parse_year("平成0年")
    assert (
        str(day.value) == "「2020-02-30」は日付ではありません。YYYY-MM-DDの形で指定してください。"
    )
    assert str(year.value) == "「平成0年」は年ではありません。平成の最初の年は元年（1年）です。"


def test_a_prefecture_that_is_none_is_said_in_japanese() -> None:
    with speaking("ja"):
        with pytest.raises(ValueError) as code:
            prefecture_code("48")
        with pytest.raises(ValueError) as name:
            prefecture_code("東京府県")
    assert str(code.value) == (
        "「48」は都道府県コードではありません。JIS X 0401の2桁のコード（01〜47）を使ってください。"
    )
    assert str(name.value) == (
        "「東京府県」は都道府県コードでも都道府県名でもありません。JIS X 0401の2桁のコード"
        "（01〜47）か、漢字またはローマ字の名前（13、東京都、東京、Tokyoなど）を使ってください。"
    )


def test_a_prefecture_that_is_none_is_said_in_english_as_before() -> None:
    with pytest.raises(ValueError) as code:
        prefecture_code("48")
    assert str(code.value) == (
        "'48' is not a prefecture code: use the two-digit JIS X 0401 code 01 to 47"
    )


def test_every_problem_of_a_row_is_said_in_japanese() -> None:
    row = {
        "id": "E 1",
        "name": " ",
        "prefecture": "13",
        "industry": "E",
        "employees": "１２，０００，０００",
        "consent": "maybe",
        "colour": "red",
    }
    with speaking("ja"):
        problems = _problems(NodeKind.ENTERPRISE, row)
    assert problems == [
        (
            "id",
            "「E 1」は正しいidではありません。A-Z a-z 0-9 _ . : - の文字を1〜64文字で使って"
            "ください。",
        ),
        ("name", "空欄にはできません。"),
        ("employees", "従業員数は0から10,000,000までで指定してください。指定値は12,000,000です。"),
        ("consent", "yesまたはno（はい／いいえ）で指定してください。指定値は「maybe」です。"),
        ("colour", "このファイルの列ではありません。"),
    ]


def test_the_same_row_is_said_in_english_as_before() -> None:
    row = {"id": "E1", "name": "A", "prefecture": "13", "industry": "E", "employees": "-1"}
    assert _problems(NodeKind.ENTERPRISE, row) == [
        ("employees", "employees must be from 0 to 10,000,000, got -1")
    ]


def test_a_pydantic_message_is_said_in_japanese() -> None:
    """A JSON row whose values are of the wrong type: pydantic's own checks, said in
    Japanese."""
    with speaking("ja"):
        problems = _problems(NodeKind.ENTERPRISE, {"id": 7, "name": "A", "prefecture": "13"})
    assert problems == [
        ("id", "文字列で指定してください。"),
        ("industry", "必須ですが、指定されていません。"),
    ]
    item = {"type": "greater_than_equal", "msg": "Input should be >= 100", "ctx": {"ge": 100}}
    with speaking("ja"):
        assert validation_sentence(item) == "100以上の値を指定してください。"
    assert validation_sentence(item) == "Input should be >= 100"


def test_a_bad_setting_is_said_in_japanese() -> None:
    with speaking("ja"), pytest.raises(ConfigurationError) as caught:
        load_settings(RSN_BATCH_SIZE=5)
    assert (
        str(caught.value) == "設定RSN_BATCH_SIZEが正しくありません：100以上の値を指定してください。"
    )


def test_a_relation_that_ties_a_node_to_itself_is_said_in_japanese() -> None:
    with speaking("ja"), pytest.raises(RowInvalid) as caught:
        parse_relation(
            {"source": "E1", "type": "TRADES_WITH", "target": "E1", "since": "2999-01-01"}
        )
    assert caught.value.problems == [
        ("since", "未来の日付は指定できません。指定値は2999-01-01です。")
    ]


def test_a_file_problem_keeps_its_place_and_says_its_message_in_japanese() -> None:
    with speaking("ja"), pytest.raises(HeaderProblems) as caught:
        check_header(
            "centres.csv", ["id", "id", "name"], ("id", "name", "kind"), ("id", "name", "kind")
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "centres.csv:1: kind: 必須の列がありません。",
        "centres.csv:1: id: 列が重複しています。",
    ]


def test_a_failed_load_is_counted_in_japanese_and_in_english() -> None:
    problems = [Problem("relations.csv", 3, "type", "x")]
    with speaking("ja"):
        assert str(DatasetInvalid(problems, total=1234)) == (
            "データセットに1,234件の問題があります。何も読み込んでいません。"
        )
    assert str(DatasetInvalid(problems)) == "the dataset has 1 problem; nothing was loaded"
    assert (
        str(DatasetInvalid(problems, total=2)) == "the dataset has 2 problems; nothing was loaded"
    )


def test_the_kinds_in_sentences_are_said_by_their_japanese_names() -> None:
    with speaking("ja"):
        assert kind_conflict("C1", NodeKind.CENTRE, NodeKind.ENTERPRISE) == (
            "id「C1」はすでに支援機関のidです。企業のidとしては使えません。"
        )
    assert kind_conflict("C1", NodeKind.CENTRE, NodeKind.ENTERPRISE) == (
        "id 'C1' is already a Centre; it cannot also be an Enterprise"
    )
    assert Party.SENDER.value == "sending centre"


def test_a_merge_of_two_kinds_is_refused_in_japanese() -> None:
    nodes = {
        "E1": Node("E1", NodeKind.ENTERPRISE, "A"),
        "F1": Node("F1", NodeKind.FINANCIER, "B"),
    }
    with speaking("ja"), pytest.raises(Conflict) as caught:
        check_mergeable("E1", "F1", nodes, {})
    assert str(caught.value) == (
        "「E1」は企業、「F1」は金融機関です。統合できるのは同じ種類の2つのノードだけです。"
    )
