"""How matching normalises names, addresses and phone numbers: one test per rule."""

from __future__ import annotations

import pytest

from graph.matching import fold_kana, normalise_address, normalise_name, normalise_phone
from graph.matching.normalise import legal_form

# -- names -----------------------------------------------------------------------------------


def test_full_width_latin_and_digits_become_ascii():
    assert normalise_name("ＡＢＣ製作所２号") == normalise_name("abc製作所2号") == "abc製作所2号"


def test_half_width_katakana_becomes_full_width_voiced_marks_included():
    assert normalise_name("ｻｸﾗｶﾞｰﾃﾞﾝ") == "サクラガーデン"


def test_hiragana_is_folded_to_katakana():
    assert fold_kana("さくら・ゞ") == "サクラ・ヾ"
    assert normalise_name("さくら製作所") == normalise_name("サクラ製作所") == "サクラ製作所"
    assert normalise_name("ｻｸﾗ製作所") == normalise_name("さくら製作所")


@pytest.mark.parametrize(
    "written",
    [
        "株式会社さくら製作所",
        "さくら製作所株式会社",
        "(株)さくら製作所",
        "（株）さくら製作所",
        "さくら製作所㈱",
        "有限会社さくら製作所",
        "さくら製作所(有)",
        "㈲さくら製作所",
        "合同会社さくら製作所",
        "合資会社さくら製作所",
        "合名会社さくら製作所",
        "一般社団法人さくら製作所",
        "一般財団法人さくら製作所",
        "公益社団法人さくら製作所",
        "公益財団法人さくら製作所",
        "特定非営利活動法人さくら製作所",
        "NPO法人さくら製作所",
        "ＮＰＯ法人さくら製作所",
        "さくら製作所協同組合",
        "株式会社 さくら製作所",
    ],
)
def test_japanese_legal_forms_are_removed_wherever_they_stand(written):
    assert normalise_name(written) == "サクラ製作所"


@pytest.mark.parametrize(
    "written",
    [
        "Sakura Foods Co., Ltd.",
        "Sakura Foods Co.,Ltd.",
        "SAKURA FOODS CO., LTD.",
        "Sakura Foods K.K.",
        "Sakura Foods Inc.",
        "sakura foods inc",
        "Sakura Foods Corp.",
        "Sakura Foods Corporation",
        "Sakura Foods LLC",
        "Sakura Foods G.K.",
        "Sakura Foods Ltd.",
        "Sakura Foods Kabushiki Kaisha",
        "Ｓａｋｕｒａ Ｆｏｏｄｓ Ｃｏ．，Ｌｔｄ．",
    ],
)
def test_latin_legal_forms_are_removed_in_any_case(written):
    assert normalise_name(written) == "sakurafoods"


def test_latin_legal_forms_are_whole_words_only():
    assert normalise_name("Incubator Corporate Partners") == "incubatorcorporatepartners"


def test_spaces_of_both_widths_are_removed():
    assert normalise_name("さくら 製作所") == normalise_name("さくら\u3000製作所") == "サクラ製作所"


def test_dots_and_middle_dots_are_removed():
    for written in ("さくら・製作所", "さくら･製作所", "さくら.製作所", "さくら．製作所"):
        assert normalise_name(written) == "サクラ製作所", written


def test_the_bank_transfer_abbreviation_of_a_legal_form_is_removed():
    assert normalise_name("ｶ)ｻｸﾗｾｲｻｸｼﾖ") == normalise_name("さくらせいさくしよ株式会社")


def test_a_name_that_is_only_a_legal_form_keeps_it():
    assert normalise_name("株式会社") == "株式会社"
    assert normalise_name("(株)") != ""


def test_the_long_vowel_mark_is_kept_in_names():
    assert normalise_name("サクラガーデン") != normalise_name("サクラガデン")


# -- addresses -------------------------------------------------------------------------------


def test_addresses_are_nfkc_with_spaces_removed():
    assert normalise_address("千代田区　丸の内 １－２－３") == "千代田区丸の内1-2-3"


def test_chome_banchi_ban_and_go_are_written_as_hyphens():
    assert normalise_address("千代田区丸の内1丁目2番3号") == "千代田区丸の内1-2-3"
    assert normalise_address("京都市中京区123番地の4") == "京都市中京区123-4"
    assert normalise_address("丸の内1丁目2番地3") == "丸の内1-2-3"


def test_kanji_numbers_before_chome_are_written_in_digits():
    assert normalise_address("丸の内一丁目2番3号") == "丸の内1-2-3"
    assert normalise_address("本町十二丁目5") == "本町12-5"
    assert normalise_address("本町二十三丁目5") == "本町23-5"


@pytest.mark.parametrize("dash", ["-", "－", "ー", "‐", "−", "–", "—", "ｰ"])
def test_every_dash_between_numbers_is_one_hyphen(dash):
    assert normalise_address(f"梅田3{dash}1{dash}1") == "梅田3-1-1"


def test_the_prefecture_and_the_postcode_are_dropped():
    assert normalise_address("〒100-0005 東京都千代田区丸の内1-2-3") == "千代田区丸の内1-2-3"
    assert normalise_address("北海道札幌市中央区北1条西2") == "札幌市中央区北1条西2"
    assert normalise_address("京都府京都市") == "京都市"
    assert normalise_address("京都市") == "京都市"  # a city named like its prefecture stays


def test_a_katakana_long_vowel_in_a_building_name_is_kept():
    assert normalise_address("梅田1-1 センタービル") == "梅田1-1センタービル"


# -- phone numbers ---------------------------------------------------------------------------


def test_phone_numbers_are_their_digits():
    assert normalise_phone("03-1234-5678") == normalise_phone("(03) 1234 5678") == "0312345678"


def test_full_width_digits_count():
    assert normalise_phone("０３－１２３４－５６７８") == "0312345678"


def test_japans_country_code_becomes_the_trunk_prefix():
    assert normalise_phone("+81-3-1234-5678") == "0312345678"
    assert normalise_phone("+81 (0)3 1234 5678") == "0312345678"
    assert normalise_phone("＋８１ ９０ １２３４ ５６７８") == "09012345678"
    assert normalise_phone("0081-3-1234-5678") == "0312345678"


def test_a_phone_without_digits_is_empty():
    assert normalise_phone("none") == ""


def test_variant_kanji_are_written_in_their_everyday_form():
    assert normalise_name("髙橋クリーニング") == normalise_name("高橋クリーニング")
    assert normalise_name("宮嶋呉服店") == normalise_name("宮島呉服店")


def test_the_company_form_a_name_states():
    assert legal_form("㈱さくら") == legal_form("さくら株式会社") == "株式会社"
    assert legal_form("さくら（有）") == "有限会社"
    assert legal_form("さくら") is None and legal_form("Sakura K.K.") is None


def test_old_forms_of_kanji_in_names_are_their_everyday_forms():
    assert normalise_name("大埜介護サービス") == normalise_name("大野介護サービス")
    assert normalise_name("關商店") == normalise_name("関商店")
    assert normalise_name("總合龜山設計") == normalise_name("総合亀山設計")


def test_kk_alone_is_a_latin_legal_form():
    assert normalise_name("Sakura Foods KK") == normalise_name("Sakura Foods K.K.")
    assert normalise_name("KKR Trading") == "kkrtrading"  # inside a word it stays


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("京都信金", "京都信用金庫"),
        ("あおば信組", "あおば信用組合"),
        ("千葉県保証協会", "千葉県信用保証協会"),
    ],
)
def test_lenders_short_forms_are_their_full_names(short, full):
    assert normalise_name(short) == normalise_name(full)
    assert normalise_name(full).count("信用") == 1  # a full name is not lengthened again
