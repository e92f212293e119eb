"""How the seed names and spells firms with duplicates (seeds/duplicates.py): widths,
scripts, legal forms, addresses, telephone numbers, corporate numbers, near-namesakes and
distinct names."""

from __future__ import annotations

import random
import unicodedata

import pytest

from graph.corporate_number import corporate_number
from graph.matching import normalise_name
from seeds import vocab
from seeds.duplicates import (
    Address,
    CorporateNumbers,
    DistinctNames,
    Namesakes,
    full_width,
    half_width_kana,
    spell_address,
    spell_financier,
    spell_name,
    spell_phone,
    split_form,
    swap_kana,
)


def test_widths_and_scripts() -> None:
    assert half_width_kana("さくら製作所") == "ｻｸﾗ製作所"
    assert half_width_kana("ガス") == "ｶﾞｽ"
    assert unicodedata.normalize("NFKC", half_width_kana("マルイチ")) == "マルイチ"
    assert swap_kana("さくら") == "サクラ" and swap_kana("マルイチ") == "まるいち"
    assert full_width("ABC 12") == "ＡＢＣ\u3000１２"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("株式会社さくら製作所", ("株式会社", "before", "さくら製作所")),
        ("山田工業有限会社", ("有限会社", "after", "山田工業")),
        ("木下青果", ("", "", "木下青果")),
    ],
)
def test_split_form(name: str, expected: tuple[str, str, str]) -> None:
    assert split_form(name) == expected


@pytest.mark.parametrize(
    "name", ["株式会社さくら製作所", "木下青果", "Sakura Foods, Ltd.", '"Hikari" Trading Co., Ltd.']
)
def test_a_copy_is_never_spelled_like_its_original(name: str) -> None:
    rng = random.Random(1)
    spelled = {spell_name(rng, name) for _ in range(300)}
    assert name not in spelled and len(spelled) > 10
    for other in ("青森信用金庫", "北海道銀行", "千葉県信用保証協会"):
        assert spell_financier(rng, other) != other


def test_addresses_and_phones_in_their_styles() -> None:
    address = Address("東京都", "千代田区", "丸の内", (1, 2, 3))
    assert spell_address(address, "hyphen") == "東京都千代田区丸の内1-2-3"
    assert spell_address(address, "kanji", with_prefecture=False) == "千代田区丸の内1丁目2番3号"
    assert spell_address(address, "full-kanji").endswith("１丁目２番３号")
    phone = ("03", "1234", "5678")
    assert spell_phone(phone, "hyphen") == "03-1234-5678"
    assert spell_phone(phone, "plain") == "0312345678"
    assert unicodedata.normalize("NFKC", spell_phone(phone, "full")) == "03-1234-5678"


def test_corporate_numbers_are_valid_and_never_given_twice() -> None:
    numbers = CorporateNumbers(random.Random(2))
    drawn = [numbers.draw(code, org) for code in ("13", "31") for org in ("01", "02")
             for _ in range(3000)]  # fmt: skip
    assert len(set(drawn)) == len(drawn)
    assert all(corporate_number(n) == n and len(n) == 13 for n in drawn)


def test_namesakes_are_near_but_not_the_same() -> None:
    namesakes = Namesakes(random.Random(3), share=1.0)
    first = namesakes.rename("13", "E", "株式会社さくら製作所")
    assert first == "株式会社さくら製作所"
    seen = {namesakes.rename("13", "E", "株式会社ひかり精機") for _ in range(200)}
    assert "株式会社さくら製作所" not in seen
    assert any("さくら" in name and "製作所" not in name for name in seen)  # near trade word


def test_a_firm_with_no_legal_form_gets_no_namesake_under_a_form() -> None:
    namesakes = Namesakes(random.Random(5), share=1.0)
    namesakes.rename("13", "Q", "新宿協同組合")
    for _ in range(100):
        named, model = namesakes.propose("13", "Q", "八王子協同組合")
        assert model is None or split_form(named)[0] == ""


# -- distinct names --------------------------------------------------------------------------


def test_a_taken_name_gets_a_place_or_town_before_its_core() -> None:
    names = DistinctNames(random.Random(6))
    first = names.claim("23", "株式会社常滑建設")
    second = names.claim("23", "常滑建設有限会社")  # the same once normalised
    assert first == "株式会社常滑建設"
    assert second != first and normalise_name(second) != normalise_name(first)
    form, where, core = split_form(second)
    assert (form, where) == ("有限会社", "after") and core.endswith("常滑建設")
    assert len(core) >= len("常滑建設") + 2  # a word of two characters or more
    assert names.claim("13", "株式会社常滑建設") == "株式会社常滑建設"  # another prefecture


def test_names_stay_distinct_however_often_one_is_drawn() -> None:
    names = DistinctNames(random.Random(7))
    claimed = [names.claim("13", "株式会社さくら製作所") for _ in range(3000)]
    claimed += [names.claim("13", "Sakura Foods, Ltd.") for _ in range(300)]
    claimed += [names.claim("13", "新宿協同組合") for _ in range(300)]
    keys = [normalise_name(name) for name in claimed]
    assert len(set(keys)) == len(keys)
    assert all(n.startswith("株式会社") and n.endswith("さくら製作所") for n in claimed[:3000])
    english = claimed[3000:3300]
    assert all(n.endswith("Sakura Foods, Ltd.") and n.isascii() for n in english)
    cooperatives = claimed[3300:]
    assert all("新宿" in n and n.endswith("協同組合") for n in cooperatives)
    assert any(n[2:-4] in vocab.COOPERATIVE_TRADES for n in cooperatives)  # 新宿鉄工協同組合


def test_a_namesake_under_another_form_keeps_its_name_once() -> None:
    names = DistinctNames(random.Random(8))
    model = names.claim("13", "株式会社ひかり精機")
    assert names.claim("13", "有限会社ひかり精機", namesake_of=model) == "有限会社ひかり精機"
    # the same form again, or a name without a form, is another firm's name: it is qualified
    again = names.claim("13", "有限会社ひかり精機", namesake_of=model)
    formless = names.claim("13", "ひかり精機", namesake_of=model)
    assert normalise_name(again) != normalise_name(model) != normalise_name(formless)
    # a near-namesake that is not one by legal form is qualified when its name is taken
    names.claim("13", "ひかり精工")
    near = names.claim("13", "株式会社ひかり精工", namesake_of=model)
    assert normalise_name(near) != normalise_name("ひかり精工")
