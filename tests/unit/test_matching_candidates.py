"""Candidate duplicates: the corporate number rules, blocking, what phone numbers and
addresses do to a score, reasons and order, and precision and recall on a labelled set."""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

import pytest

from graph.corporate_number import check_digit
from graph.errors import InvalidArgument
from graph.japan import PREFECTURES
from graph.matching import DEFAULT_MIN_SCORE, Candidate, MatchRecord, find_candidates

ENTERPRISE, FINANCIER = "Enterprise", "Financier"


def record(id_: str, name: str, prefecture: str | None = "13", kind: str = ENTERPRISE, **more):
    return MatchRecord(id=id_, kind=kind, name=name, prefecture=prefecture, **more)


def pairs(found: Iterable[Candidate]) -> set[tuple[str, str]]:
    return {(c.a, c.b) for c in found}


def corporate(base: str) -> str:
    """A valid corporate number for the twelve digits ``base``."""
    return f"{check_digit(base)}{base}"


# -- the corporate number --------------------------------------------------------------------


def test_the_same_corporate_number_is_one_entity_whatever_the_names():
    number = corporate("000012050002")
    found = find_candidates(
        [
            record("E1", "株式会社さくら製作所", corporate_number=number),
            record("E2", "Sakura Seisakusho K.K.", corporate_number=f" {number[:4]}-{number[4:]}"),
            record("E3", "株式会社さくら製作所"),
        ]
    )
    by_pair = {(c.a, c.b): c for c in found}
    assert by_pair[("E1", "E2")].score == 1.0
    assert by_pair[("E1", "E2")].reasons[0] == "same corporate number"
    # E3 has no number: E1 and E3 are matched on their names, below certainty
    assert 0.85 <= by_pair[("E1", "E3")].score < 1.0
    assert "same corporate number" not in by_pair[("E1", "E3")].reasons


def test_the_same_corporate_number_matches_across_prefectures_but_not_kinds():
    number = corporate("180301018771")
    found = find_candidates(
        [
            record("E1", "さくら製作所", "13", corporate_number=number),
            record("E2", "サクラ工業", "14", corporate_number=number),
            record("F1", "さくら製作所", "13", kind=FINANCIER, corporate_number=number),
        ]
    )
    assert pairs(found) == {("E1", "E2")}


def test_different_corporate_numbers_are_never_candidates():
    one, other = corporate("000012050002"), corporate("180301018771")
    assert one != other
    same_everything = {"address": "千代田区丸の内1-2-3", "phone": "03-1234-5678"}
    found = find_candidates(
        [
            record("E1", "株式会社さくら製作所", corporate_number=one, **same_everything),
            record("E2", "株式会社さくら製作所", corporate_number=other, **same_everything),
        ],
        min_score=0.0,
    )
    assert found == []


def test_an_invalid_corporate_number_counts_as_not_given():
    valid = corporate("000012050002")
    broken = f"{(int(valid[0]) + 1) % 10}{valid[1:]}"
    found = find_candidates(
        [
            record("E1", "さくら製作所", corporate_number=valid),
            record("E2", "さくら製作所", corporate_number=broken),
        ]
    )
    assert pairs(found) == {("E1", "E2")} and found[0].score < 1.0


# -- blocking --------------------------------------------------------------------------------


def test_only_records_of_one_kind_and_one_prefecture_are_compared():
    found = find_candidates(
        [
            record("E1", "株式会社さくら製作所", "13"),
            record("E2", "(株)さくら製作所", "13"),
            record("E3", "株式会社さくら製作所", "27"),
            record("F1", "株式会社さくら製作所", "13", kind=FINANCIER),
            record("F2", "さくら製作所", "13", kind=FINANCIER),
            record("F3", "さくら製作所", None, kind=FINANCIER),
            record("F4", "サクラ製作所", "", kind=FINANCIER),
        ]
    )
    assert pairs(found) == {("E1", "E2"), ("F1", "F2"), ("F3", "F4")}


def test_a_prefecture_limits_the_records_looked_at():
    records = [
        record("E1", "さくら製作所", "13"),
        record("E2", "サクラ製作所", "13"),
        record("E3", "ひかり食品", "27"),
        record("E4", "ヒカリ食品", "27"),
    ]
    assert pairs(find_candidates(records, prefecture="27")) == {("E3", "E4")}
    assert pairs(find_candidates(records)) == {("E1", "E2"), ("E3", "E4")}


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan"), True, "0.5"])
def test_a_min_score_outside_zero_to_one_is_refused(bad):
    with pytest.raises(InvalidArgument, match="min_score must be a number from 0 to 1"):
        find_candidates([record("E1", "さくら")], min_score=bad)


def test_an_unknown_prefecture_and_a_repeated_id_are_refused():
    with pytest.raises(InvalidArgument, match="'48' is not a prefecture code"):
        find_candidates([], prefecture="48")
    with pytest.raises(InvalidArgument, match="two records have the id 'E1'"):
        find_candidates([record("E1", "さくら"), record("E1", "ひかり")])


# -- phone numbers and addresses -------------------------------------------------------------


def _score(one: MatchRecord, other: MatchRecord) -> Candidate:
    found = find_candidates([one, other], min_score=0.0)
    assert len(found) == 1
    return found[0]


def test_the_same_phone_or_address_raises_the_score_and_a_different_one_lowers_it():
    plain = _score(record("E1", "さくら製作所"), record("E2", "サクラ製作所")).score
    same_phone = _score(
        record("E1", "さくら製作所", phone="03-1234-5678"),
        record("E2", "サクラ製作所", phone="+81 3 1234 5678"),
    )
    same_address = _score(
        record("E1", "さくら製作所", address="東京都千代田区丸の内一丁目2番3号"),
        record("E2", "サクラ製作所", address="千代田区丸の内１－２－３"),
    )
    other_phone = _score(
        record("E1", "さくら製作所", phone="03-1234-5678"),
        record("E2", "サクラ製作所", phone="03-9999-0000"),
    )
    other_address = _score(
        record("E1", "さくら製作所", address="千代田区丸の内1-2-3"),
        record("E2", "サクラ製作所", address="八王子市元本郷町3-24-1"),
    )
    assert same_phone.score > plain and same_address.score > plain
    assert other_phone.score < plain and other_address.score < plain
    assert "same phone number" in same_phone.reasons
    assert "same address" in same_address.reasons
    assert "phone numbers differ" in other_phone.reasons
    assert "addresses differ" in other_address.reasons
    assert plain >= DEFAULT_MIN_SCORE > other_phone.score


def test_a_one_character_difference_needs_a_phone_or_an_address_to_be_a_candidate():
    alone = [record("E1", "さくら製作所"), record("E2", "さくら製材所")]
    assert find_candidates(alone) == []
    phone = "0312345678"
    with_phone = [record(r.id, r.name, phone=phone) for r in alone]
    found = find_candidates(with_phone)
    assert pairs(found) == {("E1", "E2")}
    assert found[0].reasons == ("names differ by one character", "same phone number")


def test_records_with_the_same_phone_are_compared_even_when_their_names_are_far_apart():
    # one deletion apart they are not (two characters changed), yet the same phone and
    # address make them a candidate
    found = find_candidates(
        [
            record("E1", "さくら精密工業", phone="0312345678", address="大田区1-2-3"),
            record("E2", "さくら精密興産", phone="0312345678", address="大田区1-2-3"),
        ]
    )
    assert pairs(found) == {("E1", "E2")}
    assert found[0].reasons == (
        "names differ by two characters",
        "same phone number",
        "same address",
    )


def test_a_less_precise_address_neither_raises_nor_lowers():
    plain = _score(record("E1", "さくら製作所"), record("E2", "サクラ製作所"))
    partial = _score(
        record("E1", "さくら製作所", address="千代田区丸の内"),
        record("E2", "サクラ製作所", address="千代田区丸の内1-2-3"),
    )
    assert partial.score == plain.score
    assert "one address is less precise than the other" in partial.reasons


# -- reasons and order -----------------------------------------------------------------------


def test_reasons_say_what_the_names_have_in_common():
    found = find_candidates(
        [
            record("E1", "株式会社さくら製作所"),
            record("E2", "ｻｸﾗ製作所"),
            record("E3", "ひかり食品", "27"),
            record("E4", "ひかり食品", "27"),
        ]
    )
    reasons = {(c.a, c.b): c.reasons for c in found}
    assert reasons[("E1", "E2")] == (
        "names are the same once legal forms and widths are set aside",
    )
    assert reasons[("E3", "E4")] == ("names are identical",)
    assert all(c.reasons and all(isinstance(r, str) and r for r in c.reasons) for c in found)


def test_candidates_come_best_first_then_by_ids():
    number = corporate("000012050002")
    found = find_candidates(
        [
            record("E9", "みどり建設", corporate_number=number),
            record("E8", "ミドリ建設", corporate_number=number),
            record("E5", "ひかり食品", phone="0311112222"),
            record("E4", "ヒカリ食品", phone="0311112222"),
            record("E3", "さくら製作所"),
            record("E2", "サクラ製作所"),
            record("E7", "あさひ商事"),
            record("E6", "アサヒ商事"),
        ]
    )
    assert [(c.a, c.b) for c in found] == [
        ("E8", "E9"),
        ("E4", "E5"),
        ("E2", "E3"),
        ("E6", "E7"),
    ]
    assert all(c.a < c.b for c in found)
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0
    assert found[2].score == found[3].score


# -- a labelled set --------------------------------------------------------------------------

STEMS_KANJI = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 "
    "斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 "
    "村上 遠藤 青木 坂本 新宿 大田 墨田 浅草 八王子 横浜 川崎 湘南 秩父 房総 浪速 堺 難波 博多 "
    "札幌 函館 仙台 金沢 富山 信州 甲州 駿河 尾張 三河 伊勢 近江 播磨 備前 安芸 讃岐 土佐 肥後"
).split()
STEMS_KANA = (
    "さくら ひかり みどり あさひ やまと つばさ のぞみ ひまわり すみれ あおば わかば こだま "
    "みらい ほくと なごみ いろは かがやき はやぶさ もみじ あけぼの"
).split()
STEMS_KATAKANA = "アルファ ベスト ユニオン ミナト サンライズ テクノ グリーン ハート ライフ".split()
#: Trade words, in sets of near neighbours: distinct firms of one prefecture carry them.
TRADES = (
    ("製作所", "製材所", "製陶所"),
    ("工業", "興業", "工芸"),
    ("商事", "商会", "商店"),
    ("電機", "電気", "電設"),
    ("精機", "精工", "精密"),
    ("食品", "食堂", "食材"),
    ("建設", "建材", "建築"),
    ("運輸", "運送", "物流"),
    ("印刷",),
    ("酒造", "酒店"),
    ("化学", "化成"),
    ("金属", "金型"),
)
ENGLISH_STEMS = "Sakura Hikari Midori Asahi Yamato Tsubasa Nozomi Kodama Mirai Hokuto".split()
ENGLISH_TRADES = "Foods Trading Electric Systems Engineering Logistics Design Works".split()
#: The ways a 株式会社 and a 有限会社 write their form (or leave it out).
FORMS = (
    ("株式会社{}", "{}株式会社", "(株){}", "{}(株)", "㈱{}", "（株）{}", "{}"),
    ("有限会社{}", "{}有限会社", "(有){}", "㈲{}", "{}"),
)
ENGLISH_FORMS = ("{} Co., Ltd.", "{} Co.,Ltd.", "{} K.K.", "{} Inc.", "{} Corp.", "{}")
CITIES = "中央区 港区 新宿区 大田区 八王子市 町田市 府中市 青梅市 本町 栄町 緑町 旭町".split()


def _half_width_table() -> dict[str, str]:
    """Each full-width katakana (voiced ones included) and its half-width spelling."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        for spelled in (half, half + "\uff9e", half + "\uff9f"):
            full = unicodedata.normalize("NFKC", spelled)
            if len(full) == 1 and full not in table:
                table[full] = spelled
    return table


_HALF = _half_width_table()


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _half_width(text: str) -> str:
    return "".join(_HALF.get(c, c) for c in _katakana(text))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _prefecture(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return "13"
    return rng.choice([p.code for p in PREFECTURES if p.code != "13"])


def _base_name(rng: random.Random) -> tuple[str, bool]:
    """A firm's name without its legal form, and whether it is English."""
    if rng.random() < 0.06:
        return f"{rng.choice(ENGLISH_STEMS)} {rng.choice(ENGLISH_TRADES)}", True
    pick = rng.random()
    if pick < 0.55:
        stem = rng.choice(STEMS_KANJI)
    elif pick < 0.85:
        stem = rng.choice(STEMS_KANA)
    else:
        stem = rng.choice(STEMS_KATAKANA)
    if rng.random() < 0.5:  # two stems: far more distinct names
        stem += rng.choice(STEMS_KANJI + STEMS_KANA)
    return stem + rng.choice(rng.choice(TRADES)), False


def _sibling(rng: random.Random, name: str) -> str | None:
    """A distinct firm's name one trade word away (さくら製作所 beside さくら製材所)."""
    for trades in TRADES:
        for trade in trades:
            if name.endswith(trade) and len(trades) > 1:
                return name[: -len(trade)] + rng.choice([t for t in trades if t != trade])
    return None


def _typo(rng: random.Random, name: str) -> str:
    """``name`` with one of its characters (not the trade word's) changed."""
    where = rng.randrange(max(1, len(name) - 3))
    return name[:where] + rng.choice("田山川村本野井木谷原") + name[where + 1 :]


def _written(rng: random.Random, base: str, english: bool, variant: bool, form: int) -> str:
    """``base`` as one contributor writes it, its company form (``form``: 0 株式会社,
    1 有限会社) written one way or another, or left out."""
    if english:
        name = rng.choice(ENGLISH_FORMS).format(base)
        if variant and rng.random() < 0.3:
            name = name.upper()
        if variant and rng.random() < 0.3:
            name = _full_width(name)
        return name
    name = base
    if variant:
        roll = rng.random()
        if roll < 0.25:
            name = _katakana(name)
        elif roll < 0.4:
            name = _hiragana(name)
        elif roll < 0.55:
            name = _half_width(name)
    return rng.choice(FORMS[form]).format(name)


def _address(rng: random.Random, prefecture: str) -> tuple[str, ...]:
    """One address, in the ways it may be written."""
    city, block = rng.choice(CITIES), rng.randint(1, 9)
    lot, number = rng.randint(1, 40), rng.randint(1, 30)
    kanji = "〇一二三四五六七八九"[block]
    prefix = next(p.name_ja for p in PREFECTURES if p.code == prefecture)
    return (
        f"{city}{block}-{lot}-{number}",
        f"{prefix}{city}{kanji}丁目{lot}番{number}号",
        _full_width(f"{block}-{lot}-{number}").join([city, ""]),
        f"{prefix} {city}{block}丁目{lot}-{number}",
    )


def _phone(rng: random.Random) -> tuple[str, ...]:
    area, one, two = rng.randint(3, 99), rng.randint(1000, 9999), rng.randint(1000, 9999)
    return (f"0{area}-{one}-{two}", f"+81 {area} {one} {two}", _full_width(f"0{area}{one}{two}"))


def labelled_records(
    entities: int, seed: int, duplicates: float = 0.3
) -> tuple[list[MatchRecord], dict[str, str]]:
    """A labelled set: ``entities`` firms and lenders (with distinct firms whose names are
    one trade word apart), a share ``duplicates`` of them loaded a second (or third) time by
    another contributor, written another way: legal form moved, abbreviated or dropped,
    full or half width, katakana or hiragana, now and then a one-character typo; address,
    phone and corporate number given or not. Returns the records and each record's entity."""
    rng = random.Random(seed)
    records: list[MatchRecord] = []
    truth: dict[str, str] = {}
    taken: set[tuple[str, str, str]] = set()
    made = 0
    while made < entities:
        kind = FINANCIER if rng.random() < 0.04 else ENTERPRISE
        prefecture = _prefecture(rng)
        base, english = _base_name(rng)
        family = [base]
        sibling = None if english or rng.random() > 0.25 else _sibling(rng, base)
        if sibling is not None:
            family.append(sibling)
        first = f"T{made:06d}"
        for name in family:
            if (kind, prefecture, name) in taken or made >= entities:
                continue
            taken.add((kind, prefecture, name))
            entity = first if name == base else f"{first}-s"
            made += 1
            address = _address(rng, prefecture) if rng.random() < 0.7 else None
            phone = _phone(rng) if rng.random() < 0.7 else None
            number = corporate(f"{rng.randrange(10**12):012d}") if rng.random() < 0.3 else None
            form = int(rng.random() < 0.25)
            copies = 1 + (rng.random() < duplicates) + (rng.random() < duplicates * 0.2)
            for copy in range(copies):
                variant = copy > 0
                written = _written(rng, name, english, variant, form)
                if variant and rng.random() < 0.05:
                    written = _written(rng, _typo(rng, name), english, variant, form)
                records.append(
                    MatchRecord(
                        id=f"{entity}-{copy}",
                        kind=kind,
                        name=written,
                        prefecture=prefecture,
                        corporate_number=number if not variant or rng.random() < 0.5 else None,
                        address=(rng.choice(address) if address and rng.random() < 0.75 else None),
                        phone=rng.choice(phone) if phone and rng.random() < 0.75 else None,
                    )
                )
                truth[f"{entity}-{copy}"] = entity
    return records, truth


def true_pairs(truth: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for record_id, entity in truth.items():
        members[entity].append(record_id)
    return {tuple(sorted(pair)) for ids in members.values() for pair in combinations(ids, 2)}


def precision_recall(found: list[Candidate], truth: dict[str, str]) -> tuple[float, float]:
    expected, got = true_pairs(truth), pairs(found)
    hits = len(expected & got)
    return (hits / len(got) if got else 1.0), (hits / len(expected) if expected else 1.0)


@pytest.mark.parametrize("seed", [7, 2008])
def test_precision_and_recall_on_a_labelled_set(seed):
    records, truth = labelled_records(3000, seed)
    siblings = _sibling_pairs(records, truth)
    assert len(true_pairs(truth)) > 500 and len(siblings) > 200  # the set tests both sides
    found = find_candidates(records)
    precision, recall = precision_recall(found, truth)
    assert precision >= 0.98, precision
    assert recall >= 0.90, recall
    # distinct firms one trade word apart mostly do not match
    matched_siblings = siblings & pairs(found)
    assert len(matched_siblings) <= 0.02 * len(siblings)


def _sibling_pairs(records: list[MatchRecord], truth: dict[str, str]) -> set[tuple[str, str]]:
    """Pairs of records of a firm and of its sibling (a distinct firm of the same kind and
    prefecture, its name one trade word away)."""
    by_entity: dict[str, list[str]] = defaultdict(list)
    for item in records:
        by_entity[truth[item.id]].append(item.id)
    return {
        tuple(sorted((one, other)))
        for entity, ids in by_entity.items()
        if entity.endswith("-s")
        for one in ids
        for other in by_entity.get(entity[:-2], ())
    }


def test_names_stating_different_company_forms_are_two_companies_unless_more_agrees():
    apart = [record("E1", "株式会社さくら製作所"), record("E2", "有限会社さくら製作所")]
    assert find_candidates(apart) == []
    low = _score(*apart)
    assert "company forms differ" in low.reasons
    same = {"phone": "0312345678", "address": "大田区1-2-3"}
    together = find_candidates([record(r.id, r.name, **same) for r in apart])
    assert pairs(together) == {("E1", "E2")}
    assert together[0].reasons[1:] == ("company forms differ", "same phone number", "same address")


def test_a_name_held_under_two_forms_cannot_say_which_firm_a_formless_record_is():
    firms = [
        record("E1", "株式会社山田工業"),
        record("E2", "有限会社山田工業"),
        record("E3", "山田工業"),
    ]
    assert find_candidates(firms) == []  # E3 alone could be either
    low = {(c.a, c.b): c for c in find_candidates(firms, min_score=0)}
    for pair in (("E1", "E3"), ("E2", "E3")):
        assert "the name is held under more than one company form here" in low[pair].reasons
    assert "company forms differ" in low["E1", "E2"].reasons
    # with one firm of the name, the same formless record matches it as before
    assert pairs(find_candidates([firms[0], firms[2]])) == {("E1", "E3")}
    # a shared phone number still says which
    phone = "0561-12-3456"
    found = find_candidates(
        [firms[0], firms[1], record("E3", "山田工業", phone=phone), record("E4", "(株)山田工業")]
        + [record("E5", "山田工業株式会社", phone=phone)]
    )
    assert {("E3", "E5"), ("E1", "E4"), ("E1", "E5"), ("E4", "E5")} <= pairs(found)
    assert not {("E1", "E3"), ("E2", "E3")} & pairs(found)


def test_names_one_character_apart_at_their_start_begin_with_different_words():
    # the longer the names, the more alike one character apart; at the start it is a word
    for short, long_ in (
        ("光ケアサービス", "新光ケアサービス"),
        ("和田ビルメンテナンス", "岸和田ビルメンテナンス"),
    ):
        apart = [record("E1", f"株式会社{short}"), record("E2", f"株式会社{long_}")]
        assert find_candidates(apart) == [], (short, long_)
        assert "names begin differently" in _score(*apart).reasons
        same = {"phone": "0312345678", "address": "大田区1-2-3"}
        assert pairs(find_candidates([record(r.id, r.name, **same) for r in apart])) == {
            ("E1", "E2")
        }
    # a slip inside a long name is still a candidate on the names alone
    inside = [
        record("E1", "株式会社岸和田ビルメンテナンス"),
        record("E2", "岸和田ビルメンンテナンス"),
    ]
    found = find_candidates(inside)
    assert pairs(found) == {("E1", "E2")} and "names begin differently" not in found[0].reasons
