"""Duplicates: one firm in several contributors' files, spelled as each office spells it.

With ``generate_dataset(..., duplicates=RATE)`` a share RATE of the enterprises (and a few
financiers) get a second record, now and then a third, under another id, in another
contributor's file (the bank union's, the prefecture's, the credit bureau's, METI's or the SME
organisation's). This module draws what such records look like:

- the registry columns :data:`REGISTRY_COLUMNS` of every firm: a corporate number (only a
  registered corporation has one; :class:`CorporateNumbers`), an address in the firm's
  prefecture and a telephone number, each present on some rows and absent on others;
- distinct names (:class:`DistinctNames`): no two firms of one prefecture share a name once
  normalised, a later one gets a place or a town before its core (新宿さくら建設), except
- near-namesakes (:class:`Namesakes`): distinct firms of one prefecture and division named
  almost alike (さくら製作所 and さくら製材所, 山田工業 and 山田興業, 株式会社X and 有限会社X);
- the spellings of a copy (:func:`spell_name`, :func:`spell_financier`): the legal form
  moved, abbreviated ((株), ㈱) or dropped; half-width katakana, hiragana and katakana
  swapped, full-width Latin and digits; a variant kanji or a one-character slip; spaces;
  addresses written 1-2-3 or １丁目２番３号, with or without the prefecture; telephone
  numbers with or without hyphens.

Every draw comes from ``random.Random`` instances seeded from ``(seed, stage)`` texts, as in
:mod:`seeds.generator`, so the same size, seed and rate give the same files. Pure: no I/O.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from graph.corporate_number import check_digit
from graph.japan import PREFECTURE_BY_CODE
from graph.matching.normalise import legal_form, normalise_name
from seeds import vocab
from seeds.history import BANK_UNION, CREDIT_BUREAU, METI, SMRJ, prefecture_contributor

__all__ = [
    "REGISTRY_COLUMNS",
    "Address",
    "Copy",
    "CorporateNumbers",
    "DistinctNames",
    "EnterpriseDuplicator",
    "FinancierDuplicator",
    "Namesakes",
    "Registry",
    "check_rate",
    "full_width",
    "half_width_kana",
    "spell_address",
    "spell_financier",
    "spell_name",
    "spell_phone",
    "split_form",
    "swap_kana",
]

#: The optional columns the node files of enterprises and financiers get with duplicates.
REGISTRY_COLUMNS = ("corporate_number", "address", "phone")

#: Legal forms a Japanese firm's name holds before or after its core.
LEGAL_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社")
#: The organisation code (組織区分) of the corporate number by legal form; 05 for others.
_ORG_CODE = {"株式会社": "01", "有限会社": "02", "合同会社": "03", "合資会社": "03"}
_OTHER_ORG = "05"

# Shares of the rows that show each registry value.
_ORIGINAL_SHOWS = (0.55, 0.70, 0.60)  # corporate number (of a corporation), address, phone
_COPY_SHOWS = (0.50, 0.60, 0.55)
_FINANCIER_SHOWS = (0.75, 0.85, 0.75)
#: Of the duplicated enterprises, the share with a second copy in a third file.
_SECOND_COPY = 0.15
#: The share of firms named almost like a recent firm of their prefecture and division.
_NAMESAKE_SHARE = 0.06
#: Who holds an enterprise's copy, by weight: the files that name firms with ties to them.
_ENTERPRISE_HOLDERS = (("bank", 0.45), (CREDIT_BUREAU, 0.35), ("pref", 0.15), (METI, 0.05))
#: Divisions METI's list of regional-resource plans names often enough to hold a copy.
_METI_DIVISIONS = frozenset("ABEMN")
#: Divisions an office may file a firm under instead of its own.
_RELATED_DIVISION = {"E": "I", "I": "E", "M": "N", "N": "M", "D": "K", "K": "D", "A": "E"}


def check_rate(rate: float) -> float:
    """``rate`` as a float share of duplicated enterprises, 0 <= rate < 1; raises ValueError
    in words a person can act on (TypeError when it is not a number)."""
    if isinstance(rate, bool) or not isinstance(rate, int | float):
        raise TypeError(f"duplicates must be a number from 0 to below 1, got {rate!r}")
    value = float(rate)
    if not 0.0 <= value < 1.0:
        raise ValueError(
            f"duplicates must be a share from 0 (none) to below 1, got {rate!r}: "
            "0.05 duplicates 5% of the enterprises"
        )
    return value


def _rng(seed: int, stage: str) -> random.Random:
    """A generator for one stage, seeded as :mod:`seeds.generator` seeds its stages."""
    return random.Random(f"rsn-seeds:{seed}:{stage}")


# ---------------------------------------------------------------------------
# Widths and scripts
# ---------------------------------------------------------------------------


def _half_kana_table() -> dict[str, str]:
    """Full-width katakana (and the long-vowel mark) to half-width: ガ -> ｶﾞ."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in ("\uff9e", "\uff9f"):
            combined = unicodedata.normalize("NFKC", half + mark)
            if len(combined) == 1:
                table.setdefault(combined, half + mark)
    return table


_HALF_KANA = str.maketrans(_half_kana_table())
_TO_KATAKANA = str.maketrans({chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)})
_TO_HIRAGANA = str.maketrans({chr(c + 0x60): chr(c) for c in range(0x3041, 0x3097)})
_FULL_WIDTH = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}, " ": "\u3000"})


def half_width_kana(text: str) -> str:
    """``text`` with its kana as half-width katakana (さくら -> ｻｸﾗ); kanji stay."""
    return text.translate(_TO_KATAKANA).translate(_HALF_KANA)


def swap_kana(text: str) -> str:
    """``text`` with hiragana written in katakana, or (when it has none) katakana in
    hiragana: さくら -> サクラ, マルイチ -> まるいち."""
    katakana = text.translate(_TO_KATAKANA)
    return katakana if katakana != text else text.translate(_TO_HIRAGANA)


def full_width(text: str) -> str:
    """``text`` with ASCII letters, digits, signs and spaces in full width (Ａ１－)."""
    return text.translate(_FULL_WIDTH)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def split_form(name: str) -> tuple[str, str, str]:
    """(legal form, where, core) of a Japanese firm's name: ``株式会社さくら製作所`` ->
    ``("株式会社", "before", "さくら製作所")``; where is "after" for a trailing form and ""
    (with a blank form) for a name with none."""
    for form in LEGAL_FORMS:
        if name.startswith(form) and len(name) > len(form):
            return form, "before", name[len(form) :]
        if name.endswith(form) and len(name) > len(form):
            return form, "after", name[: -len(form)]
    return "", "", name


def _compose(form: str, where: str, core: str, joiner: str = "") -> str:
    if not form:
        return core
    return f"{form}{joiner}{core}" if where == "before" else f"{core}{joiner}{form}"


#: Every trade word, to tell a name's stem from its trade (さくら|製作所).
_TRADE_WORDS = frozenset(
    word
    for table in (vocab.TRADE_JA, vocab.OLD_TRADE_JA, vocab.NEAR_TRADES)
    for words in table.values()
    for word in words
)


def _typo(rng: random.Random, core: str) -> str:
    """``core`` with one character slipped: a variant kanji (斎 -> 齋), else one character
    dropped, doubled or swapped with its neighbour."""
    variants = [i for i, ch in enumerate(core) if ch in vocab.VARIANT_KANJI]
    if variants and rng.random() < 0.6:
        i = rng.choice(variants)
        return core[:i] + vocab.VARIANT_KANJI[core[i]] + core[i + 1 :]
    if len(core) < 3:
        return core + core[-1]
    i = 1 + int(rng.random() * (len(core) - 2))
    r = rng.random()
    if r < 0.4 and len(core) >= 4:
        return core[:i] + core[i + 1 :]
    if r < 0.7:
        return core[:i] + core[i] + core[i:]
    return core[: i - 1] + core[i] + core[i - 1] + core[i + 1 :]


def _respell_japanese(rng: random.Random, name: str) -> str:
    form, where, core = split_form(name)
    if form:
        r = rng.random()
        if r < 0.25:
            where = "after" if where == "before" else "before"
        elif r < 0.60:
            form = rng.choice(vocab.FORM_ABBREVIATIONS[form][:-1])
            if rng.random() < 0.3:
                where = "after" if where == "before" else "before"
        elif r < 0.78:
            form = ""
    s = rng.random()
    if s < 0.18:
        core = half_width_kana(core)
    elif s < 0.32:
        core = swap_kana(core)
    elif s < 0.38:
        core = full_width(core)
    if rng.random() < 0.12:
        core = _typo(rng, core)
    joiner = ""
    spaced = rng.random()
    if spaced < 0.12 and form:
        joiner = " " if rng.random() < 0.5 else "\u3000"
    elif spaced < 0.2 and len(core) >= 3:
        trade = max((t for t in _TRADE_WORDS if core.endswith(t)), key=len, default="")
        i = len(core) - len(trade) if 0 < len(trade) < len(core) else len(core) // 2
        core = f"{core[:i]}{' ' if rng.random() < 0.5 else chr(0x3000)}{core[i:]}"
    return _compose(form, where, core, joiner)


_ENGLISH_ENDINGS = (", Ltd.", " Co., Ltd.", ", Inc.", " Corporation", ", LLC", " K.K.")


def _respell_english(rng: random.Random, name: str) -> str:
    base, ending = name, ""
    for candidate in sorted(_ENGLISH_ENDINGS, key=len, reverse=True):
        if name.endswith(candidate):
            base, ending = name[: -len(candidate)], candidate
            break
    if rng.random() < 0.5:
        base = base.replace('"', "")
    r = rng.random()
    if r < 0.3:
        ending = ""
    elif r < 0.55:
        ending = rng.choice((" Co.,Ltd.", " CO., LTD.", ", Ltd", " KK", " Co. Ltd."))
    s = rng.random()
    if s < 0.3:
        base = base.upper()
    elif s < 0.45:
        return full_width(base + ending)
    if rng.random() < 0.1 and len(base) > 4:
        i = 1 + int(rng.random() * (len(base) - 2))
        base = base[:i] + base[i + 1 :]
    return base + ending


def spell_name(rng: random.Random, name: str) -> str:
    """``name`` as another office writes it (never the same text): see the module's
    docstring for the ways."""
    respell = _respell_english if name.isascii() else _respell_japanese
    for _ in range(6):
        spelled = respell(rng, name)
        if spelled != name and spelled.strip():
            return spelled
    return full_width(name) if name.isascii() else f"{name[:1]}\u3000{name[1:]}"


def spell_financier(rng: random.Random, name: str) -> str:
    """A financier's ``name`` as another office writes it (never the same text):
    shortened (信用金庫 -> 信金), with its legal form (株式会社X銀行, (株)X銀行), with a
    branch, in other widths or spaced."""
    for _ in range(6):
        spelled = name
        shortened = False
        for long, short in vocab.FINANCIER_SHORT:
            if long in spelled and rng.random() < 0.6:
                spelled = spelled.replace(long, short).strip() or spelled
                shortened = True
        r = rng.random()
        if spelled.endswith("銀行") and r < 0.35:
            form = rng.choice(vocab.FORM_ABBREVIATIONS["株式会社"])
            spelled = f"{form}{spelled}" if rng.random() < 0.7 else f"{spelled}{form}"
        elif r < 0.5 and not shortened:
            spelled = f"{spelled}{rng.choice((' 本店', ' 本店営業部', '　本部', '(本店)'))}"
        if rng.random() < 0.2:
            spelled = swap_kana(spelled) if rng.random() < 0.5 else full_width(spelled)
        if spelled != name:
            return spelled
    return f"{name} 本店"


class Namesakes:
    """Names some firms almost like a recent firm of the same prefecture and division, so
    that a matcher must tell them apart: the same stem with a near trade word
    (さくら製作所, さくら製材所), the same core under another legal form (株式会社さくら製作所,
    有限会社さくら製作所: only for a firm that states one), or a stem one character away
    (山田工業, 山口工業)."""

    def __init__(self, rng: random.Random, share: float = _NAMESAKE_SHARE) -> None:
        self.rng = rng
        self.share = share
        self.recent: dict[tuple[str, str], list[str]] = {}
        stems = [s for s, _ in vocab.SURNAMES] + [b for b, _ in vocab.BRANDS]
        self.alike: dict[str, list[str]] = {}
        for stem in stems:
            self.alike[stem] = [
                other for other in stems if other != stem and other[:1] == stem[:1]
            ] or [other for other in stems if other != stem and other[-1:] == stem[-1:]]

    def rename(self, code: str, industry: str, name: str) -> str:
        """The name of the next firm of prefecture ``code`` and division ``industry``:
        ``name``, or now and then a near-namesake of a recent firm there
        (:meth:`propose`, then :meth:`remember`)."""
        named = self.propose(code, industry, name)[0]
        self.remember(code, industry, named)
        return named

    def propose(self, code: str, industry: str, name: str) -> tuple[str, str | None]:
        """(the name, the recent firm's name it is a near-namesake of): ``name`` and None,
        or now and then a near-namesake of a recent firm of prefecture ``code`` and division
        ``industry``. The firm's name is then to be given to :meth:`remember`."""
        ring = self.recent.get((code, industry))
        if ring and not name.isascii() and self.rng.random() < self.share:
            other = self.rng.choice(ring)
            alike = self._alike(other, industry, name)
            if alike is not None:
                return alike, other
        return name, None

    def remember(self, code: str, industry: str, name: str) -> None:
        """Keep ``name`` among the recent firms of ``code`` and ``industry`` (the last 8)."""
        ring = self.recent.setdefault((code, industry), [])
        ring.append(name)
        if len(ring) > 8:
            del ring[0]

    def _alike(self, other: str, industry: str, own: str) -> str | None:
        """A name almost like ``other`` but not the same (None when none comes to hand)."""
        if other.isascii():
            return None
        rng = self.rng
        form, where, core = split_form(other)
        trades = vocab.TRADE_JA.get(industry, ()) + vocab.OLD_TRADE_JA.get(industry, ())
        trade = max((t for t in trades if core.endswith(t)), key=len, default="")
        stem = core[: len(core) - len(trade)]
        r = rng.random()
        if r < 0.5 and trade in vocab.NEAR_TRADES:
            core = stem + rng.choice(vocab.NEAR_TRADES[trade])
        elif r < 0.75 or stem not in self.alike or not self.alike[stem]:
            if not form:
                return None  # no legal form to differ by
            own_form = split_form(own)[0]
            choices = [f for f in LEGAL_FORMS[:3] if f != form]
            form = own_form if own_form and own_form != form else rng.choice(choices)
        else:
            core = rng.choice(self.alike[stem]) + trade
        alike = _compose(form, where, core)
        return alike if alike != other else None


def _prefecture_stem(code: str) -> str:
    """The prefecture's name without 都, 府 or 県 (東京, 大阪, 青森; 北海道 stays)."""
    name = PREFECTURE_BY_CODE[code].name_ja
    return name[:-1] if name[-1] in "都府県" else name


#: How many tries a taken name gets with one word before its core, then with two, before a
#: number comes in (第2, 第3, ...): never reached at the sizes tried (up to 1,000,000
#: enterprises), but it makes a distinct name always come.
_WORD_TRIES = 40
_PAIR_TRIES = 120


class DistinctNames:
    """Gives the distinct firms of one prefecture distinct names once normalised
    (:func:`graph.matching.normalise_name`: legal forms, widths and scripts set aside), as
    in a real registry, where two firms of one prefecture are seldom named alike.

    The first firm keeps the name it drew; a later one whose name is taken gets a word
    before its core, as firms do: a place of the prefecture or a town (新宿さくら建設,
    株式会社栄町山田製作所), a member trade for a cooperative (新宿鉄工事業協同組合), a
    romanised place for an English-style name (Shinjuku Sakura Foods, Ltd.), then two words,
    then a number. Deliberate near-namesakes (:class:`Namesakes`) under another legal form
    keep the name they share once normalised, when both state a legal form and no firm of
    the name states that one already."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        #: by prefecture: each normalised name taken and the legal forms it is taken with
        self.taken: dict[str, dict[str, set[str]]] = {}
        self._words: dict[str, tuple[str, ...]] = {}
        self._latin: dict[str, tuple[str, ...]] = {}

    def claim(self, code: str, name: str, namesake_of: str | None = None) -> str:
        """The name a new firm of prefecture ``code`` drawn as ``name`` goes by: ``name``
        when no firm of the prefecture has it once normalised (or it is a near-namesake of
        ``namesake_of`` by legal form, as above), else ``name`` with words before its core.
        The name returned is taken from then on."""
        taken = self.taken.setdefault(code, {})
        key = normalise_name(name)
        form = legal_form(name) or ""
        forms = taken.get(key)
        if forms is None or (
            namesake_of is not None
            and form
            and "" not in forms
            and form not in forms
            and key == normalise_name(namesake_of)
        ):
            taken.setdefault(key, set()).add(form)
            return name
        attempt = 0
        while True:
            candidate = self._qualified(code, name, attempt)
            key = normalise_name(candidate)
            if key not in taken:
                taken[key] = {form}
                return candidate
            attempt += 1

    def _qualified(self, code: str, name: str, attempt: int) -> str:
        """``name`` with one word (early attempts), two words, or a number and a word
        before its core."""
        pool = self._pool(code, name.isascii())
        rnd = self.rng.random
        first = pool[int(rnd() * len(pool))]
        if attempt < _WORD_TRIES:
            words = [first]
        elif attempt < _WORD_TRIES + _PAIR_TRIES:
            words = [first, pool[int(rnd() * len(pool))]]
        else:
            number = attempt - _WORD_TRIES - _PAIR_TRIES + 2
            words = [f"No.{number}" if name.isascii() else f"第{number}", first]
        if name.isascii():
            return " ".join([*words, name])
        if name.endswith(_COOPERATIVE_FORMS):
            suffix = next(f for f in _COOPERATIVE_FORMS if name.endswith(f))
            trades = vocab.COOPERATIVE_TRADES
            member = trades[int(rnd() * len(trades))]
            return f"{''.join(words[:-1])}{name[: -len(suffix)]}{member}{suffix}"
        form, where, core = split_form(name)
        return _compose(form, where or "before", "".join(words) + core)

    def _pool(self, code: str, latin: bool) -> tuple[str, ...]:
        """The words a name of prefecture ``code`` may get before its core."""
        cache = self._latin if latin else self._words
        pool = cache.get(code)
        if pool is None:
            places = vocab.PLACES[code]
            if latin:
                pool = tuple(en for _, en in places) + tuple(
                    f"{prefix}-{en}" for prefix in vocab.PLACE_PREFIXES for _, en in places
                )
            else:
                pool = (*(ja for ja, _ in places), _prefecture_stem(code), *vocab.TOWNS)
            # one character more (堺東大阪) would leave two firms one slip apart
            pool = tuple(word for word in pool if len(word) > 1)
            cache[code] = pool
        return pool


#: The trade words of a cooperative's name (division Q), which are also its legal form.
_COOPERATIVE_FORMS = ("事業協同組合", "協同組合")


# ---------------------------------------------------------------------------
# Registry values: corporate numbers, addresses, telephone numbers
# ---------------------------------------------------------------------------


class CorporateNumbers:
    """Corporate numbers, each given once: the check digit and the twelve digits of a
    company registration number, registry office (prefecture code and office), organisation
    code (01 株式会社, 02 有限会社, 03 持分会社, 05 others) and a serial."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serials: dict[str, int] = {}
        # registry offices per prefecture: one per 500,000 people and one more
        self.offices = {code: 1 + p.population // 500_000 for code, p in PREFECTURE_BY_CODE.items()}

    def draw(self, code: str, organisation: str) -> str:
        """A new corporate number of a firm registered in prefecture ``code``; raises
        RuntimeError if the serials of every office of the prefecture ran out."""
        rnd = self.rng.random
        r = rnd()
        office = int(r * self.offices[code])
        serials = self.serials
        for _ in range(100):
            key = f"{code}{office:02d}{organisation}"
            serial = serials.get(key)
            serial = (int(r * 5000) if serial is None else serial) + 1 + int(rnd() * 3)
            if serial <= 999_999:
                serials[key] = serial
                base = f"{key}{serial:06d}"
                return f"{check_digit(base)}{base}"
            office = (office + 1) % 100
        raise RuntimeError(f"seeds: no corporate numbers left for prefecture {code}")


def organisation_of(name: str) -> str | None:
    """The organisation code of a firm named ``name``: by its legal form (an English-style
    name is a 株式会社); None for a firm with no legal form, which has no corporate number."""
    if name.isascii():
        return "01"
    form = split_form(name)[0]
    return _ORG_CODE.get(form)


@dataclass(frozen=True, slots=True)
class Address:
    """An address: prefecture, municipality, town and block numbers (chome, ban, go)."""

    prefecture: str
    municipality: str
    town: str
    numbers: tuple[int, int, int]


def _municipalities(code: str) -> tuple[str, ...]:
    """The municipalities of prefecture ``code`` (Tokyo's Chiyoda for "", nationwide)."""
    if not code:
        return ("千代田区",)
    return tuple(vocab.MUNICIPALITIES.get(place, f"{place}市") for place, _ in vocab.PLACES[code])


_MUNICIPALITIES = {code: _municipalities(code) for code in (*vocab.PLACES, "")}
_PREFECTURE_NAME = {code: PREFECTURE_BY_CODE[code or "13"].name_ja for code in _MUNICIPALITIES}


def _draw_address(rnd: random.Random, code: str, capital: bool = False) -> Address:
    r = rnd.random()
    places = _MUNICIPALITIES[code]
    municipality = places[0] if capital else places[int(r * len(places))]
    towns = vocab.TOWNS
    town = towns[int(rnd.random() * len(towns))]
    block = int(rnd.random() * 3750)  # chome 1-5, ban 1-30, go 1-25
    numbers = (1 + block // 750, 1 + block // 25 % 30, 1 + block % 25)
    return Address(_PREFECTURE_NAME[code], municipality, town, numbers)


#: Ways of writing the block numbers, and how often an original row uses each.
_ADDRESS_STYLES = ("hyphen", "kanji", "full-kanji", "full-hyphen", "ban-chi")


def spell_address(address: Address, style: str, with_prefecture: bool = True) -> str:
    """``address`` written in ``style``: ``1-2-3``, ``1丁目2番3号``, ``１丁目２番３号``,
    ``１－２－３`` or ``1丁目2-3``; the prefecture left out when ``with_prefecture`` is
    False (as offices of the same prefecture write it)."""
    chome, ban, go = address.numbers
    if style == "hyphen":
        block = f"{chome}-{ban}-{go}"
    elif style == "kanji":
        block = f"{chome}丁目{ban}番{go}号"
    elif style == "full-kanji":
        block = full_width(f"{chome}") + "丁目" + full_width(f"{ban}") + "番"
        block += full_width(f"{go}") + "号"
    elif style == "full-hyphen":
        block = full_width(f"{chome}-{ban}-{go}")
    else:
        block = f"{chome}丁目{ban}-{go}"
    head = address.prefecture if with_prefecture else ""
    return f"{head}{address.municipality}{address.town}{block}"


def _draw_phone(rnd: random.Random, code: str) -> tuple[str, str, str]:
    area = vocab.AREA_CODES[code or "13"]
    digits = 6 - len(area)  # of the local code: ten digits in all, with the line's four
    local = 10 ** (digits - 1)
    number = int(rnd.random() * 8 * local * 10_000)
    return area, str(2 * local + number // 10_000), f"{number % 10_000:04d}"


def spell_phone(phone: tuple[str, str, str], style: str) -> str:
    """A telephone number (area code, local code, line) written in ``style``:
    ``03-1234-5678``, ``0312345678``, ``03(1234)5678`` or full width."""
    area, local, line = phone
    if style == "hyphen":
        return f"{area}-{local}-{line}"
    if style == "plain":
        return f"{area}{local}{line}"
    if style == "paren":
        return f"{area}({local}){line}"
    return full_width(f"{area}-{local}-{line}")


_PHONE_STYLES = ("hyphen", "plain", "paren", "full")


#: A firm's registry values: corporate number ("" for none), address, telephone number;
#: None for a value no row of the firm shows (it is not drawn).
_Entity = tuple[str, "Address | None", "tuple[str, str, str] | None"]


class Registry:
    """The registry values of firms: each firm's corporate number (a corporation's),
    address and telephone number, drawn once, and the cells a row shows of them."""

    def __init__(self, seed: int) -> None:
        self.rng = _rng(seed, "registry")
        self.numbers = CorporateNumbers(_rng(seed, "corporate-numbers"))

    def entity(
        self,
        code: str,
        organisation: str | None,
        capital: bool = False,
        wanted: tuple[bool, bool, bool] = (True, True, True),
    ) -> _Entity:
        """A new firm's (corporate number or "", address, telephone number), each drawn
        only when ``wanted`` (else "" or None)."""
        number = self.numbers.draw(code or "13", organisation) if organisation and wanted[0] else ""
        address = _draw_address(self.rng, code, capital) if wanted[1] else None
        phone = _draw_phone(self.rng, code) if wanted[2] else None
        return number, address, phone

    def original_cells(
        self,
        code: str,
        organisation: str | None,
        shows: tuple[float, float, float],
        copied: bool,
        capital: bool = False,
    ) -> tuple[_Entity, tuple[str, str, str]]:
        """A firm's registry values (those its original row shows, or all of them when it
        is ``copied``) and the cells of its original row, each shown with the chance
        ``shows`` gives, the address written 1-2-3 mostly, else 1丁目2番3号."""
        rnd = self.rng.random
        show_number = organisation is not None and rnd() < shows[0]
        where = rnd()
        show_address = where < shows[1]
        show_phone = rnd() < shows[2]
        entity = self.entity(
            code, organisation, capital, (show_number or copied, show_address or copied,
                                          show_phone or copied),
        )  # fmt: skip
        number, address, phone = entity
        style = "hyphen" if where < 0.75 * shows[1] else "kanji"
        return entity, (
            number if show_number else "",
            spell_address(address, style) if show_address and address else "",
            spell_phone(phone, "hyphen") if show_phone and phone else "",
        )

    def cells(self, entity: _Entity, shows: tuple[float, float, float]) -> tuple[str, str, str]:
        """The (corporate_number, address, phone) cells of a copy of a firm: each shown
        with the chance ``shows`` gives, written in a style of the copy's office (the
        prefecture left out now and then)."""
        rnd = self.rng.random
        number, address, phone = entity
        number_cell = number if number and rnd() < shows[0] else ""
        address_cell = phone_cell = ""
        if address is not None and rnd() < shows[1]:
            style = _ADDRESS_STYLES[int(rnd() * len(_ADDRESS_STYLES))]
            address_cell = spell_address(address, style, with_prefecture=rnd() >= 0.3)
        if phone is not None and rnd() < shows[2]:
            phone_cell = spell_phone(phone, _PHONE_STYLES[int(rnd() * len(_PHONE_STYLES))])
        return number_cell, address_cell, phone_cell


# ---------------------------------------------------------------------------
# Copies
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Copy:
    """A second record of a firm: its id, the original's id, the contributor whose file
    holds it, its row (in the node file's columns, registry columns last) and the founding
    year its contributor's record dates from (0 when unknown)."""

    id: str
    of: str
    contributor: str
    row: tuple[str, ...]
    year: int


class EnterpriseDuplicator:
    """Draws, enterprise by enterprise, its name (now and then a near-namesake), its
    registry cells and, for a share ``rate`` of them, its copies (ids after ``n``).

    ``copies`` collects every copy in id order; ``alias`` maps an original's id to its
    copies' (contributor, id)."""

    def __init__(self, seed: int, n: int, rate: float) -> None:
        self.rate = rate
        self.n = n
        self.rng = _rng(seed, "duplicates")
        self.namesakes = Namesakes(_rng(seed, "namesakes"))
        self.distinct = DistinctNames(_rng(seed, "distinct-names"))
        self.registry = Registry(seed)
        self.copies: list[Copy] = []
        self.alias: dict[str, list[tuple[str, str]]] = {}
        holders = [weight for _, weight in _ENTERPRISE_HOLDERS]
        total = sum(holders)
        self.holder_cum = [sum(holders[: k + 1]) / total for k in range(len(holders))]

    def name(self, code: str, industry: str, name: str) -> str:
        """The name the firm drawn as ``name`` goes by: ``name`` or a near-namesake
        (:class:`Namesakes`), made distinct from every other firm's of prefecture ``code``
        once normalised (:class:`DistinctNames`)."""
        proposed, namesake_of = self.namesakes.propose(code, industry, name)
        named = self.distinct.claim(code, proposed, namesake_of)
        self.namesakes.remember(code, industry, named)
        return named

    def draw(
        self,
        original: str,
        name: str,
        code: str,
        industry: str,
        employees: str,
        founded: str,
    ) -> tuple[str, str, str]:
        """The registry cells of the original row of a firm; its copies (if any) go to
        ``copies``. Raises ValueError when the ids of the copies run past E9999999."""
        rnd = self.rng.random
        copied = rnd() < self.rate
        entity, cells = self.registry.original_cells(
            code, organisation_of(name), _ORIGINAL_SHOWS, copied
        )
        if not copied:
            return cells
        holders = [self._holder(industry, code)]
        if rnd() < _SECOND_COPY:
            second = self._holder(industry, code)
            if second != holders[0]:
                holders.append(second)
        year = int(founded) if founded else 0
        for holder in holders:
            number = self.n + len(self.copies) + 1
            if number > 9_999_999:
                raise ValueError("too many enterprises and copies for ids E0000001-E9999999")
            copy_id = f"E{number:07d}"
            row = (
                copy_id,
                spell_name(self.rng, name),
                code,
                _RELATED_DIVISION.get(industry, industry) if rnd() < 0.05 else industry,
                employees if rnd() < 0.55 else "",
                founded if rnd() < 0.6 else "",
                "",
                *self.registry.cells(entity, _COPY_SHOWS),
            )
            self.copies.append(Copy(copy_id, original, holder, row, year if row[5] else 0))
            self.alias.setdefault(original, []).append((holder, copy_id))
        return cells

    def _holder(self, industry: str, code: str) -> str:
        """Whose file holds a copy of a firm of ``industry`` in prefecture ``code``."""
        r = self.rng.random()
        k = next(k for k, edge in enumerate(self.holder_cum) if r < edge or k == 3)
        holder = _ENTERPRISE_HOLDERS[k][0]
        if holder == "bank":
            return BANK_UNION
        if holder == "pref":
            return prefecture_contributor(code)
        if holder == METI and industry not in _METI_DIVISIONS:
            return CREDIT_BUREAU
        return holder


class FinancierDuplicator:
    """The registry cells of each financier and copies of a share ``rate`` of the
    prefectural ones (at least one when ``rate`` is above 0): a bank's or a guarantee
    corporation's in its prefecture's files (guarantees, the lenders its guarantee files
    name), a fund's in the SME organisation's."""

    def __init__(self, seed: int, rate: float, registry: Registry) -> None:
        self.rate = rate
        self.rng = _rng(seed, "financier-duplicates")
        self.registry = registry
        self.copies: list[Copy] = []
        self.alias: dict[str, list[tuple[str, str]]] = {}

    def draw(self, financiers: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
        """The registry cells of each of ``financiers`` (id, name, kind, prefecture code or
        "" for a nationwide one); their copies go to ``copies``, with ids after the last."""
        cells = []
        entities = []
        for _, _name, kind, code in financiers:
            organisation = "01" if kind.endswith("bank") and kind != "shinkin_bank" else _OTHER_ORG
            entity, shown = self.registry.original_cells(
                code, organisation, _FINANCIER_SHOWS, copied=True, capital=True
            )
            entities.append(entity)
            cells.append(shown)
        eligible = [i for i, (_, _, _, code) in enumerate(financiers) if code]
        if self.rate <= 0 or not eligible:
            return cells
        count = max(1, round(self.rate * len(eligible)))
        chosen = sorted(self.rng.sample(eligible, min(count, len(eligible))))
        last = len(financiers)
        for k, index in enumerate(chosen, start=1):
            original, name, kind, code = financiers[index]
            holder = SMRJ if kind == "fund" else prefecture_contributor(code)
            copy_id = f"F{last + k:04d}"
            row = (
                copy_id,
                spell_financier(self.rng, name),
                kind,
                code,
                "",
                *self.registry.cells(entities[index], _COPY_SHOWS),
            )
            self.copies.append(Copy(copy_id, original, holder, row, 0))
            self.alias.setdefault(original, []).append((holder, copy_id))
        return cells
