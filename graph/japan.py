"""Reference facts about Japan that the model and the seed data rely on.

The 47 prefectures with their JIS X 0401 codes, names, conventional regional block
and 2020 census population, and the 20 divisions of the Japan Standard Industrial
Classification (2023 revision), with their English and Japanese names; and how a sentence
says a prefecture and how near it is, in the current language (:mod:`graph.i18n`).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.i18n import _

__all__ = [
    "Prefecture",
    "PREFECTURES",
    "PREFECTURE_BY_CODE",
    "REGIONAL_BLOCKS",
    "JSIC_DIVISIONS",
    "JSIC_DIVISIONS_JA",
    "block_of",
    "ELSEWHERE",
    "SAME_BLOCK",
    "SAME_PREFECTURE",
    "nearness",
    "nearness_words",
    "not_a_prefecture",
    "prefecture_name",
]


@dataclass(frozen=True, slots=True)
class Prefecture:
    """One prefecture: JIS X 0401 code, names, regional block and population."""

    code: str
    name_en: str
    name_ja: str
    block: str
    population: int


PREFECTURES: tuple[Prefecture, ...] = (
    Prefecture("01", "Hokkaido", "北海道", "Hokkaido", 5_224_614),
    Prefecture("02", "Aomori", "青森県", "Tohoku", 1_237_984),
    Prefecture("03", "Iwate", "岩手県", "Tohoku", 1_210_534),
    Prefecture("04", "Miyagi", "宮城県", "Tohoku", 2_301_996),
    Prefecture("05", "Akita", "秋田県", "Tohoku", 959_502),
    Prefecture("06", "Yamagata", "山形県", "Tohoku", 1_068_027),
    Prefecture("07", "Fukushima", "福島県", "Tohoku", 1_833_152),
    Prefecture("08", "Ibaraki", "茨城県", "Kanto", 2_867_009),
    Prefecture("09", "Tochigi", "栃木県", "Kanto", 1_933_146),
    Prefecture("10", "Gunma", "群馬県", "Kanto", 1_939_110),
    Prefecture("11", "Saitama", "埼玉県", "Kanto", 7_344_765),
    Prefecture("12", "Chiba", "千葉県", "Kanto", 6_284_480),
    Prefecture("13", "Tokyo", "東京都", "Kanto", 14_047_594),
    Prefecture("14", "Kanagawa", "神奈川県", "Kanto", 9_237_337),
    Prefecture("15", "Niigata", "新潟県", "Chubu", 2_201_272),
    Prefecture("16", "Toyama", "富山県", "Chubu", 1_034_814),
    Prefecture("17", "Ishikawa", "石川県", "Chubu", 1_132_526),
    Prefecture("18", "Fukui", "福井県", "Chubu", 766_863),
    Prefecture("19", "Yamanashi", "山梨県", "Chubu", 809_974),
    Prefecture("20", "Nagano", "長野県", "Chubu", 2_048_011),
    Prefecture("21", "Gifu", "岐阜県", "Chubu", 1_978_742),
    Prefecture("22", "Shizuoka", "静岡県", "Chubu", 3_633_202),
    Prefecture("23", "Aichi", "愛知県", "Chubu", 7_542_415),
    Prefecture("24", "Mie", "三重県", "Kinki", 1_770_254),
    Prefecture("25", "Shiga", "滋賀県", "Kinki", 1_413_610),
    Prefecture("26", "Kyoto", "京都府", "Kinki", 2_578_087),
    Prefecture("27", "Osaka", "大阪府", "Kinki", 8_837_685),
    Prefecture("28", "Hyogo", "兵庫県", "Kinki", 5_465_002),
    Prefecture("29", "Nara", "奈良県", "Kinki", 1_324_473),
    Prefecture("30", "Wakayama", "和歌山県", "Kinki", 922_584),
    Prefecture("31", "Tottori", "鳥取県", "Chugoku", 553_407),
    Prefecture("32", "Shimane", "島根県", "Chugoku", 671_126),
    Prefecture("33", "Okayama", "岡山県", "Chugoku", 1_888_432),
    Prefecture("34", "Hiroshima", "広島県", "Chugoku", 2_799_702),
    Prefecture("35", "Yamaguchi", "山口県", "Chugoku", 1_342_059),
    Prefecture("36", "Tokushima", "徳島県", "Shikoku", 719_559),
    Prefecture("37", "Kagawa", "香川県", "Shikoku", 950_244),
    Prefecture("38", "Ehime", "愛媛県", "Shikoku", 1_334_841),
    Prefecture("39", "Kochi", "高知県", "Shikoku", 691_527),
    Prefecture("40", "Fukuoka", "福岡県", "Kyushu", 5_135_214),
    Prefecture("41", "Saga", "佐賀県", "Kyushu", 811_442),
    Prefecture("42", "Nagasaki", "長崎県", "Kyushu", 1_312_317),
    Prefecture("43", "Kumamoto", "熊本県", "Kyushu", 1_738_301),
    Prefecture("44", "Oita", "大分県", "Kyushu", 1_123_852),
    Prefecture("45", "Miyazaki", "宮崎県", "Kyushu", 1_069_576),
    Prefecture("46", "Kagoshima", "鹿児島県", "Kyushu", 1_588_256),
    Prefecture("47", "Okinawa", "沖縄県", "Okinawa", 1_467_480),
)

PREFECTURE_BY_CODE: dict[str, Prefecture] = {p.code: p for p in PREFECTURES}

REGIONAL_BLOCKS: tuple[str, ...] = tuple(dict.fromkeys(p.block for p in PREFECTURES))

JSIC_DIVISIONS: dict[str, str] = {
    "A": "Agriculture and forestry",
    "B": "Fisheries",
    "C": "Mining and quarrying of stone and gravel",
    "D": "Construction",
    "E": "Manufacturing",
    "F": "Electricity, gas, heat supply and water",
    "G": "Information and communications",
    "H": "Transport and postal activities",
    "I": "Wholesale and retail trade",
    "J": "Finance and insurance",
    "K": "Real estate and goods rental and leasing",
    "L": "Scientific research, professional and technical services",
    "M": "Accommodations, eating and drinking services",
    "N": "Living-related and personal services and amusement services",
    "O": "Education, learning support",
    "P": "Medical, health care and welfare",
    "Q": "Compound services",
    "R": "Services, not elsewhere classified",
    "S": "Government, except elsewhere classified",
    "T": "Industries unable to classify",
}


#: The Japanese names of the JSIC divisions (日本標準産業分類, 2023 revision), by letter.
JSIC_DIVISIONS_JA: dict[str, str] = {
    "A": "農業、林業",
    "B": "漁業",
    "C": "鉱業、採石業、砂利採取業",
    "D": "建設業",
    "E": "製造業",
    "F": "電気・ガス・熱供給・水道業",
    "G": "情報通信業",
    "H": "運輸業、郵便業",
    "I": "卸売業、小売業",
    "J": "金融業、保険業",
    "K": "不動産業、物品賃貸業",
    "L": "学術研究、専門・技術サービス業",
    "M": "宿泊業、飲食サービス業",
    "N": "生活関連サービス業、娯楽業",
    "O": "教育、学習支援業",
    "P": "医療、福祉",
    "Q": "複合サービス事業",
    "R": "サービス業（他に分類されないもの）",
    "S": "公務（他に分類されるものを除く）",
    "T": "分類不能の産業",
}


def block_of(code: str | None) -> str | None:
    """The regional block of a prefecture code, or None for a blank or unknown code."""
    prefecture = PREFECTURE_BY_CODE.get(code or "")
    return prefecture.block if prefecture else None


#: How near one place is to another, nearest first (see :func:`nearness`).
SAME_PREFECTURE, SAME_BLOCK, ELSEWHERE = 0, 1, 2


def prefecture_name(code: str | None, unknown: str | None = None) -> str:
    """The name of a prefecture code in the current language ("Tokyo" / 東京都, see
    :func:`graph.names.prefecture_label`); ``unknown`` ("nationwide" / 全国 unless given) for
    a blank or unknown code."""
    if (code or "") not in PREFECTURE_BY_CODE:
        return unknown if unknown is not None else _("nationwide")
    from graph.names import prefecture_label  # graph.names reads this module's tables

    return prefecture_label(code)


def not_a_prefecture(code: object) -> str:
    """The sentence refusing ``code`` as a prefecture code, in the current language."""
    return _(
        "{value!r} is not a prefecture code: use the two-digit JIS X 0401 code 01 to 47",
        value=code,
    )


def nearness(home: str | None, other: str | None) -> int:
    """How near prefecture ``other`` is to ``home``: SAME_PREFECTURE, SAME_BLOCK (another
    prefecture of the same regional block) or ELSEWHERE (another block, or a blank code on
    either side)."""
    if home is None or other is None or home not in PREFECTURE_BY_CODE:
        return ELSEWHERE
    if other == home:
        return SAME_PREFECTURE
    return SAME_BLOCK if block_of(other) == block_of(home) else ELSEWHERE


def nearness_words(home: str | None, other: str | None) -> str:
    """Where ``other`` is, seen from ``home``, for a sentence, in the current language: "in
    the same prefecture (Tokyo)", "elsewhere in the Kanto block (Saitama)", "outside the
    Kanto block (Hokkaido)", "in Osaka" when ``home`` is blank, "nationwide" when ``other``
    is (同じ都道府県内（東京都）, 関東ブロック内の他の都道府県（埼玉県）, ...)."""
    from graph.names import block_name  # graph.names reads this module's tables

    if other is None or other not in PREFECTURE_BY_CODE:
        return _("nationwide")
    name = prefecture_name(other)
    if home is None or home not in PREFECTURE_BY_CODE:
        return _("in {prefecture}", prefecture=name)
    block = block_name(block_of(home))
    return (
        _("in the same prefecture ({prefecture})", prefecture=name),
        _("elsewhere in the {block} block ({prefecture})", block=block, prefecture=name),
        _("outside the {block} block ({prefecture})", block=block, prefecture=name),
    )[nearness(home, other)]
