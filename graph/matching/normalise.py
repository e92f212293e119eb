"""Names, addresses and phone numbers as matching compares them.

Two contributors write the same firm in many ways: ``株式会社さくら製作所``, ``(株)さくら製作所``,
``ｻｸﾗ製作所``; ``東京都千代田区丸の内1丁目2番3号`` and ``千代田区丸の内１－２－３``;
``03-1234-5678`` and ``+81 3 1234 5678``. Each function here maps every such spelling to one
text, so that the same thing compares equal and what is left to compare is what differs.
"""

from __future__ import annotations

import re
import unicodedata

from graph.japan import PREFECTURES

__all__ = [
    "LEGAL_FORMS",
    "VARIANT_KANJI",
    "fold_kana",
    "legal_form",
    "normalise_address",
    "normalise_name",
    "normalise_phone",
]

#: Japanese legal forms (and their bracketed abbreviations), as they read after NFKC: removed
#: from a name wherever they stand. Longest first, so that 医療法人社団 goes before 医療法人.
LEGAL_FORMS: tuple[str, ...] = tuple(
    sorted(
        {
            "株式会社",
            "有限会社",
            "合同会社",
            "合資会社",
            "合名会社",
            "相互会社",
            "一般社団法人",
            "一般財団法人",
            "公益社団法人",
            "公益財団法人",
            "特定非営利活動法人",
            "npo法人",
            "社会福祉法人",
            "医療法人社団",
            "医療法人財団",
            "医療法人",
            "学校法人",
            "宗教法人",
            "農事組合法人",
            "事業協同組合",
            "協同組合",
            "(株)",
            "(有)",
            "(合)",
            "(資)",
            "(名)",
            "(同)",
            "(一社)",
            "(一財)",
            "(公社)",
            "(公財)",
            "(特非)",
            "(社福)",
            "(医)",
            "(学)",
            "(協)",
            "(npo)",
        },
        key=lambda form: (-len(form), form),
    )
)

_JAPANESE_FORMS = re.compile("|".join(re.escape(form) for form in LEGAL_FORMS))

#: The katakana abbreviations of a bank transfer's payee (カ)サクラ, サクラ(カ), ユ)…), after
#: the name is folded to katakana and its spaces are gone.
_TRANSFER_FORMS = re.compile(r"^(?:カ|ユ|ド|シヤ|ザイ|トクヒ)\)|\((?:カ|ユ|ド|シヤ|ザイ|トクヒ)$")

#: Latin legal forms, matched as whole words after casefolding, spaces and dots optional
#: inside them: "Co., Ltd.", "Co.,Ltd.", "K.K.", "Inc.", "Corp.", "Corporation", "LLC",
#: "G.K.", "KK", "Ltd.", "Limited", "Kabushiki Kaisha", "Godo Kaisha", "Yugen Kaisha".
_LATIN_FORMS = re.compile(
    r"(?<![0-9a-z])(?:"
    r"co\s*\.?\s*,?\s*ltd\.?"
    r"|kabushiki\s*(?:-\s*)?kaisha|godo\s*(?:-\s*)?kaisha|yugen\s*(?:-\s*)?kaisha"
    r"|k\s*\.\s*k\s*\.?|kk|g\s*\.\s*k\s*\.?"
    r"|inc\.?|incorporated|corp\.?|corporation|llc|l\s*\.\s*l\s*\.\s*c\s*\.?"
    r"|ltd\.?|limited|co\s*\.|company"
    r")(?![0-9a-z])"
)

#: What is dropped from a name once legal forms are gone: spaces of both widths, dots, commas
#: and middle dots, quotes and brackets, hyphens (not the long vowel mark ー).
_NAME_NOISE = re.compile(r"[\s.,・·、。，\"'「」『』()\[\]{}<>〈〉《》【】\-‐‑–—―&＆]+")

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)} | {
    0x309D: 0x30FD,  # ゝ
    0x309E: 0x30FE,  # ゞ
}


#: Old and variant forms of kanji common in firms' and family names (異体字, which NFKC keeps),
#: each with the form in everyday use: 髙橋 is 高橋, 齋藤 is 斎藤, 宮嶋 is 宮島, 大埜 is 大野.
VARIANT_KANJI: dict[str, str] = dict(
    zip(
        "髙﨑嵜嶋嶌邊邉澤濱齋齊櫻廣國藏德龍實榮惠豐會眞淺瀨與條峯冨兒藝鐵壽萬縣驛圓團學寳寶黑靑舘檜"
        "關鹽樂來卷龜埜總舊氣醫藥靜營發澁",
        "高崎崎島島辺辺沢浜斎斉桜広国蔵徳竜実栄恵豊会真浅瀬与条峰富児芸鉄寿万県駅円団学宝宝黒青館桧"
        "関塩楽来巻亀野総旧気医薬静営発渋",
        strict=True,
    )
)
_VARIANTS = str.maketrans(VARIANT_KANJI)

#: The Japanese legal forms a name may state, each with the form it stands for.
_FORM_OF = {
    "株式会社": "株式会社",
    "(株)": "株式会社",
    "有限会社": "有限会社",
    "(有)": "有限会社",
    "合同会社": "合同会社",
    "(同)": "合同会社",
    "合資会社": "合資会社",
    "(資)": "合資会社",
    "合名会社": "合名会社",
    "(名)": "合名会社",
}
_STATED_FORM = re.compile("|".join(re.escape(form) for form in _FORM_OF))


#: The short forms of lenders' names, each with the full form it stands for: 信金 is
#: 信用金庫, 信組 信用組合, and a 保証協会 without 信用 before it 信用保証協会.
_LENDER_SHORT = re.compile(r"信金|信組|(?<!信用)保証協会")
_LENDER_FULL = {"信金": "信用金庫", "信組": "信用組合", "保証協会": "信用保証協会"}


def legal_form(text: str) -> str | None:
    """The company form a name states (株式会社, 有限会社, 合同会社, 合資会社 or 合名会社,
    written out or abbreviated as (株), ㈱, (有) …), or None when it states none of them."""
    found = _STATED_FORM.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return _FORM_OF[found.group(0)] if found else None


def fold_kana(text: str) -> str:
    """``text`` with every hiragana as its katakana (さくら is サクラ); the rest unchanged."""
    return text.translate(_HIRAGANA_TO_KATAKANA)


def normalise_name(text: str) -> str:
    """A firm's or a lender's name as matching compares it: Unicode NFKC (full-width Latin
    and digits to ASCII, half-width katakana to full-width), variant kanji in their everyday
    form (:data:`VARIANT_KANJI`: 髙 is 高), lenders' short forms in full (信金 is 信用金庫,
    信組 信用組合, 保証協会 信用保証協会), Latin letters in lower case,
    legal forms removed wherever they stand (株式会社, (株), ㈱, 有限会社, ㈲, 合同会社,
    一般社団法人, NPO法人, 協同組合, Co., Ltd., K.K., Inc., Corp., LLC, G.K. and the like),
    hiragana folded to katakana, and spaces, dots, middle dots, commas, quotes, brackets and
    hyphens dropped.

    ``株式会社さくら製作所``, ``(株)さくら製作所`` and ``ｻｸﾗ製作所`` are all ``サクラ製作所``.
    A name that is nothing but a legal form keeps it (``株式会社`` stays ``株式会社``), so that
    it never compares equal to every other such name by being empty."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_VARIANTS)
    text = _LENDER_SHORT.sub(lambda short: _LENDER_FULL[short.group(0)], text)
    latin = _LATIN_FORMS.sub(" ", text)
    spaced = re.sub(r"\s+", "", latin)
    stripped = _JAPANESE_FORMS.sub("", spaced)
    folded = _TRANSFER_FORMS.sub("", fold_kana(stripped))
    name = _NAME_NOISE.sub("", folded)
    if name:
        return name
    return _NAME_NOISE.sub("", fold_kana(re.sub(r"\s+", "", text)))


# -- addresses ---------------------------------------------------------------------------

#: Dashes people and programs write between the numbers of an address.
_DASHES = "-‐‑‒–—―−ー－ｰ─━"
_DASH_BETWEEN_DIGITS = re.compile(rf"(?<=[0-9])\s*[{_DASHES}]\s*(?=[0-9])")
_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十]+(?=丁目|番地|番|号)")
_BLOCK_WORDS = re.compile(r"([0-9]+)(?:丁目|番地の?|番の?|号の?|の(?=[0-9]))")
_POSTCODE = re.compile(r"^〒?[0-9]{3}-?[0-9]{4}")
_PREFECTURE_PREFIX = re.compile(
    "^(?:"
    + "|".join(sorted((re.escape(p.name_ja) for p in PREFECTURES), key=len, reverse=True))
    + ")"
)


def _kanji_number(match: re.Match[str]) -> str:
    """A kanji numeral below 100 (三, 十二, 二十三) in digits; any other as it was."""
    text = match.group(0)
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        if len(text) != 1:
            return text
        return str(_KANJI_DIGITS[text])
    if len(tens) > 1 or len(units) > 1 or "十" in tens:
        return text
    value = (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[units] if units else 0)
    return str(value)


def normalise_address(text: str) -> str:
    """An address as matching compares it: Unicode NFKC, Latin in lower case, spaces of
    both widths removed, a leading postcode (〒100-0005) and prefecture name (東京都, 北海道,
    大阪府 …) dropped, kanji numbers before 丁目/番地/番/号 written in digits, and 丁目, 番地,
    番, 号, の between numbers and every dash between digits (－, ー, ‐, −, –) written as one
    hyphen, with no hyphen at the end.

    ``東京都千代田区丸の内一丁目2番3号`` and ``千代田区丸の内１－２－３`` are both
    ``千代田区丸の内1-2-3``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\s+", "", text)
    text = _POSTCODE.sub("", text)
    text = _PREFECTURE_PREFIX.sub("", text, count=1)
    text = _KANJI_NUMBER.sub(_kanji_number, text)
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    text = _BLOCK_WORDS.sub(r"\1-", text)
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    text = re.sub(r"-{2,}", "-", text)
    return text.strip(f"{_DASHES},、")


# -- phone numbers -----------------------------------------------------------------------


def normalise_phone(text: str) -> str:
    """A phone number as matching compares it: its digits only (NFKC, so full-width digits
    count), with Japan's country code written as a trunk prefix: ``+81 3-1234-5678``,
    ``+81 (0)3 1234 5678`` and ``0081-3-1234-5678`` are all ``0312345678``. Empty when
    ``text`` holds no digit."""
    text = unicodedata.normalize("NFKC", text).strip()
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    international = text.startswith("+81") or (text.startswith("0081") and len(digits) > 10)
    if international:
        rest = digits[2:] if text.startswith("+") else digits[4:]
        return rest if rest.startswith("0") else f"0{rest}"
    return digits
