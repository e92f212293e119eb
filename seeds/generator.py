"""The synthetic seed dataset: Japan's regional SME support network, believable and repeatable.

:func:`generate_dataset` writes the six files of the dataset contract. Everything is drawn
from ``random.Random`` instances seeded from ``(seed, stage)`` strings, so the same size and
seed give byte-identical files, and one stage's draws do not shift another's.

Memory stays bounded: the enterprises are written as they are drawn and only a few bytes
per enterprise are kept (prefecture, industry, size, founding year and an attachment
weight, in ``array``/``bytearray`` form); relations are drawn per enterprise and streamed
to disk. The other node kinds are small (hundreds to a few thousand) and kept as lists.
README.md beside this file explains the assumptions.
"""

from __future__ import annotations

import csv
import math
import operator
import os
import random
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graph.japan import JSIC_DIVISIONS, PREFECTURES, REGIONAL_BLOCKS
from graph.model import (
    AssetCategory,
    CentreKind,
    Expertise,
    FinancierKind,
    NodeKind,
    RelationType,
    SpecialistBackground,
)
from graph.progress import Progress
from graph.rows import RELATION_COLUMNS, node_columns
from seeds import vocab

__all__ = ["DEFAULT_ENTERPRISES", "DEFAULT_SEED", "generate_dataset", "scale_of"]

DEFAULT_ENTERPRISES = 3000
DEFAULT_SEED = 2008

#: Enterprises at which the centres, financiers and assets reach their national counts.
FULL_SCALE = 100_000
#: Progress is reported every this many rows (and at the end of each file).
PROGRESS_EVERY = 10_000

_NP = len(PREFECTURES)
_CODES = tuple(p.code for p in PREFECTURES)
_PIDX = {code: i for i, code in enumerate(_CODES)}
_BLOCK = tuple(REGIONAL_BLOCKS.index(p.block) for p in PREFECTURES)
_INDUSTRIES = tuple(JSIC_DIVISIONS)
_IIDX = {letter: i for i, letter in enumerate(_INDUSTRIES)}
_CATEGORIES = (AssetCategory.AGRICULTURAL, AssetCategory.INDUSTRIAL, AssetCategory.TOURISM)

# The node files are written as plain tuples in this column order; fail loudly if the
# contract's order ever changes.
_ROW_LAYOUT = {
    NodeKind.ENTERPRISE: ("id", "name", "prefecture", "industry", "employees", "founded"),
    NodeKind.ASSET: ("id", "name", "category", "prefecture"),
    NodeKind.CENTRE: ("id", "name", "prefecture", "kind", "capacity"),
    NodeKind.FINANCIER: ("id", "name", "kind", "prefecture"),
    NodeKind.SPECIALIST: ("id", "name", "background", "expertise", "prefecture"),
}
for _kind, _layout in _ROW_LAYOUT.items():
    if node_columns(_kind) != _layout:  # pragma: no cover - a guard against model changes
        raise RuntimeError(f"seeds: {_kind} columns changed to {node_columns(_kind)}")
if RELATION_COLUMNS != ("source", "type", "target", "strength", "since"):  # pragma: no cover
    raise RuntimeError(f"seeds: relation columns changed to {RELATION_COLUMNS}")

_FIRST_DAY = date(1990, 1, 1).toordinal()
_LAST_DAY = date(2024, 12, 31).toordinal()
_CENTRES_START = date(2008, 5, 30).toordinal()  # the 316 centres began work
_ACT_START = date(2007, 8, 1).toordinal()  # first designations under the 2007 Act
_YEAR_START = {year: date(year, 1, 1).toordinal() for year in range(1990, 2025)}


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _rng(seed: int, stage: str) -> random.Random:
    """A generator for one stage. Seeding with text uses SHA-512, so it is never salted."""
    return random.Random(f"rsn-seeds:{seed}:{stage}")


def scale_of(enterprises: int) -> float:
    """How far a dataset is towards national scale: ``min(1, enterprises / 100,000)``."""
    return min(1.0, enterprises / FULL_SCALE)


def _allocate(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` over ``weights`` by largest remainder, each getting at least ``minimum``."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest <= 0:
        return counts
    whole = sum(weights)
    quotas = [rest * w / whole for w in weights]
    floors = [int(q) for q in quotas]
    left = rest - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (floors[i] - quotas[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [c + f for c, f in zip(counts, floors, strict=True)]


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rnd: Callable[[], float], cum: Sequence[float]) -> int:
    """An index drawn in proportion to the weights whose running sums are ``cum``."""
    return bisect_right(cum, rnd() * cum[-1])


def _poisson(rnd: Callable[[], float], lam: float) -> int:
    limit = math.exp(-lam)
    k = 0
    p = rnd()
    while p > limit:
        k += 1
        p *= rnd()
    return k


def _stem(name_ja: str) -> str:
    """``青森県`` -> ``青森``, ``東京都`` -> ``東京``; ``北海道`` stays."""
    return name_ja[:-1] if name_ja[-1] in "都府県" else name_ja


def _economic_weight(index: int) -> float:
    """Population, with a boost for the business centres (Tokyo, Osaka, Aichi, ...)."""
    boost = {"13": 1.6, "27": 1.35, "23": 1.3, "14": 1.1, "40": 1.1}
    prefecture = PREFECTURES[index]
    return prefecture.population * boost.get(prefecture.code, 1.0)


class _Writer:
    """A CSV file written under a temporary name and moved into place when complete."""

    def __init__(self, folder: Path, name: str, columns: Sequence[str]) -> None:
        self.name = name
        self.final = folder / name
        self.partial = folder / f".{name}.partial"
        self.handle = open(self.partial, "w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.handle, lineterminator="\n")
        self.csv.writerow(columns)
        self.rows = 0

    def close(self) -> int:
        self.handle.close()
        os.replace(self.partial, self.final)
        return self.rows

    def abort(self) -> None:
        self.handle.close()
        self.partial.unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------

# Shares of SMEs by JSIC division (per cent), after the Economic Census: many in trade,
# construction, manufacturing, food service and real estate; few in B, C, F, Q, S, T.
_INDUSTRY_SHARE = {
    "A": 1.5, "B": 0.4, "C": 0.05, "D": 12.0, "E": 10.5, "F": 0.05, "G": 1.6, "H": 2.0,
    "I": 18.5, "J": 0.8, "K": 8.5, "L": 5.0, "M": 13.5, "N": 9.5, "O": 2.8, "P": 5.8,
    "Q": 0.05, "R": 6.5, "S": 0.02, "T": 0.3,
}  # fmt: skip
_LANDLOCKED = {"09", "10", "11", "19", "20", "21", "25", "29"}
_METROPOLITAN = {"11", "12", "13", "14", "23", "27"}

# Log-mean of the employee count by division (employees = exp(N(mu, 1.2)), at most 900).
_EMPLOYEE_MU = {"E": 2.2, "H": 2.3, "P": 2.2, "G": 2.0, "R": 1.9, "D": 1.7, "M": 1.7,
                "K": 1.0, "L": 1.3, "N": 1.3, "O": 1.4}  # fmt: skip
_EMPLOYEE_MAX = 900

# How much an enterprise of a division attracts trade ties (wholesalers are hubs).
_HUB = {"I": 1.6, "E": 1.4, "H": 1.3, "D": 1.1, "G": 1.1, "C": 1.0, "B": 1.0, "A": 1.0}

# Founding decades from 1900: few before the war, most from the 1950s on.
_DECADE_WEIGHTS = (0.5, 0.7, 1.0, 1.2, 2.5, 6.0, 9.0, 12.0, 13.0, 12.0, 13.0, 15.0, 6.0)
_DECADE_CUM = _cumulative(_DECADE_WEIGHTS)


def _industry_weights(code: str) -> list[float]:
    """Industry shares adjusted a little for the prefecture's character."""
    factor = dict.fromkeys(_INDUSTRIES, 1.0)
    population = PREFECTURES[_PIDX[code]].population
    if code in _METROPOLITAN:
        factor.update(G=2.5, L=1.4, K=1.3, A=0.3, B=0.3, M=0.9)
        if code == "13":
            factor.update(G=3.5, L=1.8, E=0.8)
    elif population < 1_600_000:
        factor.update(A=1.8, B=1.6, M=1.15, G=0.6)
    if code == "01":
        factor.update(A=2.5, B=2.0)
    if code == "47":
        factor.update(M=1.5, N=1.2, E=0.6)
    if code in _LANDLOCKED:
        factor["B"] = 0.1
    return [_INDUSTRY_SHARE[letter] * factor[letter] for letter in _INDUSTRIES]


def _enterprise_counts(n: int) -> list[int]:
    weights = [_economic_weight(i) for i in range(_NP)]
    return _allocate(n, weights, minimum=min(3, n // _NP))


@dataclass(slots=True)
class _Enterprises:
    """What the relation stage needs of each enterprise, in compact arrays indexed 0..n-1."""

    n: int
    prefs: bytearray
    inds: bytearray
    emps: array  # latent size, also when the employees column is blank
    founded: array  # founding year, 0 when blank
    members: list[array]  # per prefecture: enterprise indices in ascending order
    cum: list[array]  # per prefecture: running sums of the attachment weights
    pref_cum: list[float]  # running sums of the enterprise counts by prefecture


def _enterprise_name(rng: random.Random, code: str, industry: str, founded: int) -> str:
    r = rng.random()
    places = vocab.PLACES[code]
    if r < 0.05 or r >= 0.996:
        # English-style names: commas (and, now and then, double quotes) exercise CSV quoting.
        pick = rng.random()
        if pick < 0.4:
            stem = rng.choice(vocab.BRANDS)[1]
        elif pick < 0.7:
            stem = rng.choice(places)[1]
        else:
            stem = rng.choice(vocab.SURNAMES)[1]
        trade = rng.choice(vocab.TRADE_EN[industry])
        if r >= 0.996:
            return f'"{stem}" {trade}{rng.choice((", Ltd.", " Co., Ltd."))}'
        return f"{stem} {trade}{rng.choice(vocab.ENGLISH_SUFFIXES)}"
    pick = rng.random()
    if pick < 0.45:
        stem = rng.choice(vocab.SURNAMES)[0]
    elif pick < 0.7:
        stem = rng.choice(places)[0]
    else:
        stem = rng.choice(vocab.BRANDS)[0]
    if 0 < founded < 1900 and industry in vocab.OLD_TRADE_JA:
        trade = rng.choice(vocab.OLD_TRADE_JA[industry])
    else:
        trade = rng.choice(vocab.TRADE_JA[industry])
    if industry == "Q":
        return f"{rng.choice(places)[0]}{trade}"
    form = rng.random()
    if form < 0.50:
        return f"株式会社{stem}{trade}"
    if form < 0.76:
        return f"{stem}{trade}株式会社"
    if form < 0.91:
        return f"有限会社{stem}{trade}"
    if form < 0.945:
        return f"{stem}{trade}合同会社"
    if form < 0.96:
        return f"合資会社{stem}{trade}"
    return f"{stem}{trade}"


def _write_enterprises(
    folder: Path, n: int, seed: int, progress: Progress | None
) -> tuple[_Enterprises, int]:
    rng = _rng(seed, "enterprises")
    rnd = rng.random
    gauss = rng.gauss
    counts = _enterprise_counts(n)
    prefs = bytearray()
    for index, count in enumerate(counts):
        prefs.extend(bytes([index]) * count)
    rng.shuffle(prefs)

    industry_cum = [_cumulative(_industry_weights(code)) for code in _CODES]
    inds = bytearray(n)
    emps = array("H", bytes(2 * n))
    founded = array("H", bytes(2 * n))
    members = [array("i") for _ in range(_NP)]
    cum = [array("d") for _ in range(_NP)]
    totals = [0.0] * _NP

    writer = _Writer(folder, "enterprises.csv", node_columns(NodeKind.ENTERPRISE))
    try:
        row = writer.csv.writerow
        for i in range(n):
            p = prefs[i]
            code = _CODES[p]
            ind = _pick(rnd, industry_cum[p])
            letter = _INDUSTRIES[ind]
            employees = min(_EMPLOYEE_MAX, int(math.exp(gauss(_EMPLOYEE_MU.get(letter, 1.5), 1.2))))
            old_share = 0.012 if letter in "EIM" else 0.003
            r = rnd()
            if r < old_share:
                year = 1600 + int(300 * math.sqrt(rnd()))
            else:
                decade = _pick(rnd, _DECADE_CUM)
                year = min(2024, 1900 + 10 * decade + int(10 * rnd()))
            name = _enterprise_name(rng, code, letter, year)
            shown_employees = "" if rnd() < 0.10 else str(employees)
            shown_year = "" if rnd() < 0.05 else str(year)
            row((f"E{i + 1:07d}", name, code, letter, shown_employees, shown_year))
            inds[i] = ind
            emps[i] = employees
            founded[i] = year if shown_year else 0
            weight = (1 + employees) * _HUB.get(letter, 0.8) * rng.lognormvariate(0, 0.8)
            totals[p] += weight
            members[p].append(i)
            cum[p].append(totals[p])
            if progress is not None and (i + 1) % PROGRESS_EVERY == 0:
                progress("write enterprises.csv", i + 1, n)
        writer.rows = n
        written = writer.close()
    except BaseException:
        writer.abort()
        raise
    if progress is not None:
        progress("write enterprises.csv", n, n)
    state = _Enterprises(n, prefs, inds, emps, founded, members, cum, _cumulative(counts))
    return state, written


# ---------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------

_CATEGORY_SHARE = (0.30, 0.24, 0.46)  # agricultural, industrial, tourism (3,844 of 8,354)
_NATIONAL_ASSETS = 8354
_ASSET_FULL_SCALE = 200_000


@dataclass(slots=True)
class _Asset:
    id: str
    name: str
    category: int
    pref: int
    weight: float  # popularity; 0 for a dormant asset nobody builds on


def asset_count(enterprises: int) -> int:
    """Total regional assets: the 8,354 first-round designations at 200,000 enterprises,
    proportionally fewer below, never fewer than 3 per prefecture."""
    return max(3 * _NP, round(_NATIONAL_ASSETS * min(1.0, enterprises / _ASSET_FULL_SCALE)))


def _make_assets(n: int, seed: int) -> list[_Asset]:
    rng = _rng(seed, "assets")
    per_pref = _allocate(asset_count(n), [math.sqrt(p.population) for p in PREFECTURES], minimum=3)
    share_cum = _cumulative(_CATEGORY_SHARE)
    assets: list[_Asset] = []
    for p, count in enumerate(per_pref):
        by_category = [1, 1, 1]
        for _ in range(count - 3):
            by_category[_pick(rng.random, share_cum)] += 1
        places = [romaji for _, romaji in vocab.PLACES[_CODES[p]]]
        for c, category in enumerate(_CATEGORIES):
            products = vocab.PRODUCTS[category.value]
            names = [f"{place} {product}" for place in places for product in products]
            rng.shuffle(names)
            if by_category[c] > len(names):
                more = [
                    f"{prefix}-{place} {product}"
                    for prefix in vocab.PLACE_PREFIXES
                    for place in places
                    for product in products
                ]
                rng.shuffle(more)
                names += more
            for k in range(by_category[c]):
                dormant = k > 0 and rng.random() < 0.12
                weight = 0.0 if dormant else rng.paretovariate(2.0)
                name = names[k] if k < len(names) else f"{names[k % len(names)]} {k}"
                assets.append(_Asset("", name, c, p, weight))
    for number, asset in enumerate(assets, start=1):
        asset.id = f"A{number:06d}"
    return assets


# ---------------------------------------------------------------------------
# Financiers
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Financier:
    id: str
    name: str
    kind: FinancierKind
    pref: int  # -1 for nationwide


_CITY_CGC = (("14", "横浜市信用保証協会"), ("14", "川崎市信用保証協会"),
             ("21", "岐阜市信用保証協会"), ("23", "名古屋市信用保証協会"))  # fmt: skip
_CITY_BANKS = ("みずほ銀行", "三菱UFJ銀行", "三井住友銀行", "りそな銀行")
_PUBLIC_LENDER = "日本政策金融公庫 (Japan Finance Corporation)"
_INVESTMENT_CORPS = (
    ("13", "東京中小企業投資育成株式会社"),
    ("23", "名古屋中小企業投資育成株式会社"),
    ("27", "大阪中小企業投資育成株式会社"),
)
_NATIONAL_FUND = "Regional Growth Partners, L.P."


def financier_counts(enterprises: int) -> dict[FinancierKind, int]:
    """How many financiers of each kind a dataset of this size has (see README.md)."""
    f = scale_of(enterprises)
    return {
        FinancierKind.CITY_BANK: len(_CITY_BANKS),
        FinancierKind.GOVERNMENT: 1,
        FinancierKind.CREDIT_GUARANTEE_CORPORATION: _NP + len(_CITY_CGC),
        FinancierKind.REGIONAL_BANK: max(_NP, round(61 * f)),
        FinancierKind.SECOND_REGIONAL_BANK: max(3, round(37 * f)),
        FinancierKind.SHINKIN_BANK: max(10, round(254 * f)),
        FinancierKind.CREDIT_COOPERATIVE: max(5, round(145 * f)),
        FinancierKind.FUND: max(4, round(12 * f)),
    }


def _local_names(rng: random.Random, p: int, word: str, suffixes: Sequence[str]) -> list[str]:
    """Candidate names ``<place><suffix><word>``, plain place names first."""
    places = [ja for ja, _ in vocab.PLACES[_CODES[p]]]
    first = [f"{place}{word}" for place in places]
    rest = [f"{place}{suffix}{word}" for suffix in suffixes if suffix for place in places]
    rng.shuffle(first)
    rng.shuffle(rest)
    return first + rest


def _make_financiers(n: int, seed: int) -> list[_Financier]:
    rng = _rng(seed, "financiers")
    counts = financier_counts(n)
    fins: list[_Financier] = []
    taken: set[str] = set()

    def add(name: str, kind: FinancierKind, pref: int) -> None:
        taken.add(name)
        fins.append(_Financier("", name, kind, pref))

    def first_free(names: Sequence[str]) -> str:
        for name in names:
            if name not in taken:
                return name
        base = names[0]
        k = 2
        while f"{base}{k}" in taken:
            k += 1
        return f"{base}{k}"

    for name in _CITY_BANKS:
        add(name, FinancierKind.CITY_BANK, -1)
    add(_PUBLIC_LENDER, FinancierKind.GOVERNMENT, -1)
    for p, prefecture in enumerate(PREFECTURES):
        stem = _stem(prefecture.name_ja)
        cgc = f"{prefecture.name_ja if prefecture.name_ja.endswith('県') else stem}信用保証協会"
        add(cgc, FinancierKind.CREDIT_GUARANTEE_CORPORATION, p)
        for code, city_cgc in _CITY_CGC:
            if code == prefecture.code:
                add(city_cgc, FinancierKind.CREDIT_GUARANTEE_CORPORATION, p)

    weights = [p.population for p in PREFECTURES]
    softened = [p.population**0.75 for p in PREFECTURES]
    regional = _allocate(counts[FinancierKind.REGIONAL_BANK], weights, minimum=1)
    numbers = list(vocab.NUMBER_BANKS)
    rng.shuffle(numbers)
    for p, count in enumerate(regional):
        stem = _stem(PREFECTURES[p].name_ja)
        add(f"{stem}銀行", FinancierKind.REGIONAL_BANK, p)
        for _ in range(count - 1):
            if numbers and rng.random() < 0.5:
                add(f"{numbers.pop()}銀行", FinancierKind.REGIONAL_BANK, p)
            else:
                add(first_free(_local_names(rng, p, "銀行", ())), FinancierKind.REGIONAL_BANK, p)
    local_kinds = (
        (FinancierKind.SECOND_REGIONAL_BANK, "銀行", vocab.SECOND_BANK_SUFFIXES),
        (FinancierKind.SHINKIN_BANK, "信用金庫", vocab.LOCAL_SUFFIXES),
        (FinancierKind.CREDIT_COOPERATIVE, "信用組合", vocab.LOCAL_SUFFIXES),
    )
    for kind, word, suffixes in local_kinds:
        for p, count in enumerate(_allocate(counts[kind], softened)):
            if kind is FinancierKind.SECOND_REGIONAL_BANK:
                names = [
                    f"{place}{suffix}{word}"
                    for suffix in suffixes
                    if suffix
                    for place in (_stem(PREFECTURES[p].name_ja), vocab.PLACES[_CODES[p]][0][0])
                ]
                rng.shuffle(names)
            else:
                names = _local_names(rng, p, word, suffixes)
            for _ in range(count):
                add(first_free(names), kind, p)
    for code, name in _INVESTMENT_CORPS:
        add(name, FinancierKind.FUND, _PIDX[code])
    add(_NATIONAL_FUND, FinancierKind.FUND, -1)
    extra = counts[FinancierKind.FUND] - len(_INVESTMENT_CORPS) - 1
    fund_prefs = rng.sample(range(_NP), k=min(_NP, extra))
    for p in sorted(fund_prefs):
        name = f"{_stem(PREFECTURES[p].name_ja)}地域活性化ファンド投資事業有限責任組合"
        add(name, FinancierKind.FUND, p)
    for number, fin in enumerate(fins, start=1):
        fin.id = f"F{number:04d}"
    return fins


# ---------------------------------------------------------------------------
# Centres
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Centre:
    id: str
    name: str
    kind: CentreKind
    pref: int
    capacity: int | None
    namesake: int = -1  # the financier a bank-run centre belongs to


def centre_count(enterprises: int) -> int:
    """Centres: ``max(47, round(316 * min(1, enterprises / 100,000)))``."""
    return max(_NP, round(316 * scale_of(enterprises)))


_CENTRE_KIND_WEIGHTS = (
    (CentreKind.CHAMBER_OF_COMMERCE, 42.0),
    (CentreKind.COMMERCE_ASSOCIATION, 26.0),
    (CentreKind.SME_FEDERATION, 12.0),
    (CentreKind.SHINKIN_BANK, 8.0),
    (CentreKind.CREDIT_COOPERATIVE, 3.0),
    (CentreKind.AGRICULTURAL_COOPERATIVE, 5.0),
    (CentreKind.OTHER, 4.0),
)
_CENTRE_KIND_CUM = _cumulative([w for _, w in _CENTRE_KIND_WEIGHTS])

# (low, high) capacity by kind: open referrals a centre can take at once.
_CAPACITY = {
    CentreKind.PREFECTURAL_CENTRE: (20, 200),
    CentreKind.CHAMBER_OF_COMMERCE: (10, 120),
    CentreKind.COMMERCE_ASSOCIATION: (3, 30),
    CentreKind.SME_FEDERATION: (10, 60),
    CentreKind.SHINKIN_BANK: (5, 40),
    CentreKind.CREDIT_COOPERATIVE: (3, 25),
    CentreKind.UNIVERSITY: (10, 50),
    CentreKind.AGRICULTURAL_COOPERATIVE: (5, 40),
    CentreKind.OTHER: (3, 30),
}
_TOWN_SUFFIXES = ("", "東", "西", "南", "北", "中央", "みなと", "山手", "高原", "川辺", "北部")


def _make_centres(n: int, seed: int, fins: list[_Financier]) -> list[_Centre]:
    rng = _rng(seed, "centres")
    total = centre_count(n)
    per_pref = _allocate(total, [_economic_weight(i) ** 0.8 for i in range(_NP)], minimum=1)
    with_prefectural = total >= 3 * _NP
    candidates = [p for p in range(_NP) if per_pref[p] >= 2] or list(range(_NP))
    university_pref = rng.choice(candidates)
    banks_by_pref: dict[tuple[int, FinancierKind], list[int]] = {}
    for index, fin in enumerate(fins):
        banks_by_pref.setdefault((fin.pref, fin.kind), []).append(index)
    taken: set[str] = set()
    centres: list[_Centre] = []
    for p, count in enumerate(per_pref):
        prefecture = PREFECTURES[p]
        stem = _stem(prefecture.name_ja)
        kinds: list[CentreKind] = []
        if with_prefectural:
            kinds.append(CentreKind.PREFECTURAL_CENTRE)
        if p == university_pref:
            kinds.append(CentreKind.UNIVERSITY)
        while len(kinds) < count:
            kinds.append(_CENTRE_KIND_WEIGHTS[_pick(rng.random, _CENTRE_KIND_CUM)][0])
        kinds = kinds[:count]
        towns = _local_names(rng, p, "", _TOWN_SUFFIXES)
        used_banks: set[int] = set()
        for kind in kinds:
            namesake = -1
            if kind is CentreKind.PREFECTURAL_CENTRE:
                name = f"{prefecture.name_ja}中小企業振興センター"
            elif kind is CentreKind.UNIVERSITY:
                name = f"{stem}大学 地域連携推進センター"
            elif kind in (CentreKind.SHINKIN_BANK, CentreKind.CREDIT_COOPERATIVE):
                fin_kind = FinancierKind(kind.value)
                word = "信用金庫" if kind is CentreKind.SHINKIN_BANK else "信用組合"
                free = [i for i in banks_by_pref.get((p, fin_kind), []) if i not in used_banks]
                if free:
                    namesake = rng.choice(free)
                    used_banks.add(namesake)
                    name = f"{fins[namesake].name} 地域支援センター"
                else:
                    name = f"{rng.choice(towns)}{word} 地域支援センター"
            elif kind is CentreKind.SME_FEDERATION:
                name = f"{prefecture.name_ja}中小企業団体中央会"
                if name in taken:
                    name = f"{rng.choice(towns)}中小企業協同組合連合会"
            else:
                word = {
                    CentreKind.CHAMBER_OF_COMMERCE: "商工会議所",
                    CentreKind.COMMERCE_ASSOCIATION: "商工会",
                    CentreKind.AGRICULTURAL_COOPERATIVE: "農業協同組合",
                    CentreKind.OTHER: rng.choice(("観光協会", "地域産業振興協議会")),
                }[kind]
                name = next(
                    (f"{town}{word}" for town in towns if f"{town}{word}" not in taken),
                    f"{towns[0]}{word}",
                )
            k = 2
            unique = name
            while unique in taken:
                unique = f"{name} 第{k}"
                k += 1
            taken.add(unique)
            low, high = _CAPACITY[kind]
            if kind is not CentreKind.PREFECTURAL_CENTRE and rng.random() < 0.07:
                capacity = None
            else:
                capacity = int(rng.triangular(low, high, low + (high - low) * 0.3))
            centres.append(_Centre("", unique, kind, p, capacity, namesake))
    for number, centre in enumerate(centres, start=1):
        centre.id = f"C{number:04d}"
    return centres


# ---------------------------------------------------------------------------
# Specialists
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Specialist:
    id: str
    name: str
    background: SpecialistBackground
    expertise: tuple[Expertise, ...]
    pref: int  # -1 for nationwide
    centres: list[int] = field(default_factory=list)


_B, _X = SpecialistBackground, Expertise
_BACKGROUND_WEIGHTS = (
    (_B.BUSINESS, 28.0), (_B.CONSULTANT, 20.0), (_B.BANKER, 14.0), (_B.TAX_ACCOUNTANT, 12.0),
    (_B.CPA, 9.0), (_B.LAWYER, 7.0), (_B.PATENT_ATTORNEY, 4.0), (_B.OTHER, 6.0),
)  # fmt: skip
_BACKGROUND_CUM = _cumulative([w for _, w in _BACKGROUND_WEIGHTS])

# (core words, further words) by background; the first word is always a core one.
_EXPERTISE = {
    _B.BUSINESS: (
        (_X.MARKETING, _X.PRODUCT_DEVELOPMENT, _X.MANUFACTURING, _X.SUCCESSION, _X.HR),
        (_X.EXPORT, _X.FOOD_PROCESSING, _X.TOURISM, _X.AGRICULTURE, _X.DESIGN, _X.IT),
    ),
    _B.CPA: ((_X.ACCOUNTING, _X.FINANCE), (_X.TAX, _X.SUCCESSION)),
    _B.BANKER: ((_X.FINANCE, _X.SUCCESSION), (_X.ACCOUNTING, _X.EXPORT)),
    _B.CONSULTANT: (
        (_X.MARKETING, _X.PRODUCT_DEVELOPMENT, _X.IT, _X.HR, _X.FINANCE),
        (_X.EXPORT, _X.DESIGN, _X.TOURISM, _X.FOOD_PROCESSING, _X.MANUFACTURING),
    ),
    _B.LAWYER: ((_X.LEGAL,), (_X.SUCCESSION, _X.INTELLECTUAL_PROPERTY, _X.HR)),
    _B.TAX_ACCOUNTANT: ((_X.TAX, _X.ACCOUNTING), (_X.SUCCESSION, _X.FINANCE)),
    _B.PATENT_ATTORNEY: ((_X.INTELLECTUAL_PROPERTY,), (_X.PRODUCT_DEVELOPMENT, _X.LEGAL)),
    _B.OTHER: (
        (_X.DESIGN, _X.IT, _X.TOURISM, _X.AGRICULTURE, _X.FOOD_PROCESSING),
        (_X.EXPORT, _X.MARKETING, _X.PRODUCT_DEVELOPMENT),
    ),
}

# What an enterprise of each division most needs from an adviser.
_NEEDS = {
    "A": (_X.AGRICULTURE, _X.FOOD_PROCESSING, _X.MARKETING),
    "B": (_X.FOOD_PROCESSING, _X.AGRICULTURE, _X.MARKETING, _X.EXPORT),
    "C": (_X.MANUFACTURING, _X.LEGAL),
    "D": (_X.FINANCE, _X.SUCCESSION, _X.HR, _X.LEGAL),
    "E": (_X.MANUFACTURING, _X.PRODUCT_DEVELOPMENT, _X.INTELLECTUAL_PROPERTY, _X.EXPORT,
          _X.FOOD_PROCESSING, _X.DESIGN),
    "F": (_X.FINANCE, _X.LEGAL),
    "G": (_X.IT, _X.INTELLECTUAL_PROPERTY, _X.MARKETING, _X.DESIGN),
    "H": (_X.HR, _X.FINANCE),
    "I": (_X.MARKETING, _X.EXPORT, _X.IT, _X.DESIGN),
    "J": (_X.FINANCE, _X.LEGAL, _X.ACCOUNTING),
    "K": (_X.LEGAL, _X.FINANCE, _X.TAX),
    "L": (_X.INTELLECTUAL_PROPERTY, _X.IT, _X.PRODUCT_DEVELOPMENT, _X.DESIGN),
    "M": (_X.TOURISM, _X.MARKETING, _X.FOOD_PROCESSING, _X.DESIGN),
    "N": (_X.TOURISM, _X.MARKETING, _X.HR),
    "O": (_X.MARKETING, _X.HR),
    "P": (_X.HR, _X.ACCOUNTING, _X.LEGAL),
    "Q": (_X.ACCOUNTING, _X.FINANCE),
    "R": (_X.HR, _X.MARKETING, _X.IT),
    "S": (_X.LEGAL, _X.ACCOUNTING),
    "T": (_X.FINANCE, _X.ACCOUNTING),
}  # fmt: skip
_GENERAL_NEEDS = (_X.FINANCE, _X.ACCOUNTING, _X.TAX, _X.SUCCESSION)


def _expertise(rng: random.Random, background: SpecialistBackground) -> tuple[Expertise, ...]:
    core, further = _EXPERTISE[background]
    words = [rng.choice(core)]
    size = 1 + (rng.random() < 0.65) + (rng.random() < 0.3)
    pool = [w for w in core + further if w not in words]
    rng.shuffle(pool)
    words += pool[: size - 1]
    return tuple(words)


def _make_specialists(seed: int, centres: list[_Centre]) -> list[_Specialist]:
    rng = _rng(seed, "specialists")
    specs: list[_Specialist] = []
    taken: set[str] = set()
    for c, centre in enumerate(centres):
        capacity = centre.capacity if centre.capacity is not None else 25
        count = 1 + _poisson(rng.random, 1.3 + capacity / 60)
        for k in range(count):
            background = _BACKGROUND_WEIGHTS[_pick(rng.random, _BACKGROUND_CUM)][0]
            nationwide = 0.25 if background is _B.PATENT_ATTORNEY else 0.05
            pref = -1 if k > 0 and rng.random() < nationwide else centre.pref
            specs.append(_Specialist("", "", background, (), pref, [c]))
    # Every background appears, even in the smallest dataset.
    present = {s.background for s in specs}
    for background in SpecialistBackground:
        if background not in present:
            tally: dict[SpecialistBackground, int] = {}
            for s in specs:
                tally[s.background] = tally.get(s.background, 0) + 1
            spare = [i for i, s in enumerate(specs) if tally[s.background] > 1]
            specs[rng.choice(spare)].background = background
    by_pref: list[list[int]] = [[] for _ in range(_NP)]
    by_block: list[list[int]] = [[] for _ in REGIONAL_BLOCKS]
    for c, centre in enumerate(centres):
        by_pref[centre.pref].append(c)
        by_block[_BLOCK[centre.pref]].append(c)
    for number, spec in enumerate(specs, start=1):
        spec.id = f"S{number:06d}"
        spec.expertise = _expertise(rng, spec.background)
        name = f"{rng.choice(vocab.SURNAMES)[0]} {rng.choice(vocab.GIVEN_NAMES)}"
        while name in taken and len(taken) < len(vocab.SURNAMES) * len(vocab.GIVEN_NAMES):
            name = f"{rng.choice(vocab.SURNAMES)[0]} {rng.choice(vocab.GIVEN_NAMES)}"
        taken.add(name)
        spec.name = name
        home = centres[spec.centres[0]].pref
        if spec.pref == -1:
            extra = rng.sample(range(len(centres)), k=min(len(centres), 1 + (rng.random() < 0.5)))
        elif rng.random() < 0.35:
            pool = by_pref[home] if rng.random() < 0.7 else by_block[_BLOCK[home]]
            extra = [rng.choice(pool)]
        else:
            extra = []
        for c in extra:
            if c not in spec.centres:
                spec.centres.append(c)
    return specs


# ---------------------------------------------------------------------------
# Node files
# ---------------------------------------------------------------------------


def _write_rows(
    folder: Path, name: str, kind: NodeKind, rows: list[tuple], progress: Progress | None
) -> int:
    writer = _Writer(folder, name, node_columns(kind))
    try:
        writer.csv.writerows(rows)
        writer.rows = len(rows)
        written = writer.close()
    except BaseException:
        writer.abort()
        raise
    if progress is not None:
        progress(f"write {name}", written, written)
    return written


def _code(p: int) -> str:
    return "" if p < 0 else _CODES[p]


# ---------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------

_R = RelationType
# (lowest strength, highest strength, share with a blank since) by relation type.
_TIE = {
    _R.SUPPORTS: (0.4, 0.9, 0.05),
    _R.ADVISES: (0.35, 0.85, 0.10),
    _R.AFFILIATED_WITH: (0.7, 1.0, 0.05),
    _R.WORKED_AT: (0.5, 0.95, 0.15),
    _R.LENDS_TO: (0.6, 0.85, 0.10),
    _R.GUARANTEES: (0.5, 0.9, 0.10),
    _R.INVESTS_IN: (0.4, 0.85, 0.05),
    _R.PARTNERS_WITH: (0.6, 0.95, 0.05),
    _R.COLLABORATES_WITH: (0.3, 0.85, 0.25),
    _R.TRADES_WITH: (0.3, 0.9, 0.20),
    _R.UTILIZES: (0.4, 1.0, 0.15),
}


def _affinity(pairs: dict[str, str], same: float, default: float) -> list[list[float]]:
    """A 20x20 acceptance table: ``pairs`` maps a source division to targets it fits well."""
    table = [[default] * len(_INDUSTRIES) for _ in _INDUSTRIES]
    for i in range(len(_INDUSTRIES)):
        table[i][i] = same
    for source, targets in pairs.items():
        for target in targets:
            table[_IIDX[source]][_IIDX[target]] = 1.0
    return table


# Supplier -> customer chains that are common among SMEs.
_TRADE_FIT = _affinity(
    {
        "A": "EIM", "B": "EIM", "C": "DE", "D": "DEK", "E": "EIDHM", "F": "E", "G": "IELR",
        "H": "EI", "I": "MIDPNE", "K": "MIR", "L": "DEK", "N": "M", "R": "EIPKM",
    },
    same=0.8,
    default=0.3,
)  # fmt: skip
# Collaboration: the agri-commerce-industry links of the 2008 Act, and industry-academia.
_COLLAB_FIT = _affinity(
    {"A": "EIM", "B": "EIM", "E": "ABILG", "I": "ABEM", "M": "ABIN", "L": "EG", "G": "EL",
     "N": "M"},
    same=0.7,
    default=0.25,
)  # fmt: skip

# Probability that an enterprise of a division builds on regional assets, and which kind.
_UTILIZE = {
    "A": (0.5, (0.85, 0.05, 0.10)), "B": (0.5, (0.9, 0.0, 0.1)), "E": (0.25, (0.35, 0.6, 0.05)),
    "D": (0.08, (0.0, 0.8, 0.2)), "M": (0.35, (0.4, 0.0, 0.6)), "N": (0.2, (0.0, 0.1, 0.9)),
    "I": (0.12, (0.4, 0.3, 0.3)), "H": (0.08, (0.2, 0.0, 0.8)),
}  # fmt: skip
_UTILIZE_OTHER = (0.02, (0.25, 0.25, 0.5))

# How well a centre kind fits an enterprise division (for SUPPORTS), default 1.
_CENTRE_FIT = {
    CentreKind.AGRICULTURAL_COOPERATIVE: {"A": 4.0, "B": 3.0, "E": 1.2, "I": 0.8, "M": 0.8},
    CentreKind.UNIVERSITY: {"E": 2.0, "G": 2.0, "L": 3.0},
    CentreKind.SME_FEDERATION: {"E": 1.5, "D": 1.3},
    CentreKind.PREFECTURAL_CENTRE: {"E": 1.5, "G": 1.3, "L": 1.3},
}
_CENTRE_FIT_DEFAULT = {
    CentreKind.AGRICULTURAL_COOPERATIVE: 0.1,
    CentreKind.UNIVERSITY: 0.2,
    CentreKind.SME_FEDERATION: 0.8,
    CentreKind.PREFECTURAL_CENTRE: 0.8,
    CentreKind.SHINKIN_BANK: 0.8,
    CentreKind.CREDIT_COOPERATIVE: 0.8,
    CentreKind.OTHER: 0.6,
}

# The investment corporation that serves each regional block.
_CORP_OF_BLOCK = {"Hokkaido": "13", "Tohoku": "13", "Kanto": "13", "Chubu": "23"}

# Split of guarantees where a city has its own guarantee corporation.
_CGC_SPLIT = {"14": (0.6, 0.28, 0.12), "21": (0.8, 0.2), "23": (0.65, 0.35)}


class _RelationWriter:
    """Buffers relation rows and writes them in batches; counts them."""

    def __init__(self, folder: Path, rng: random.Random) -> None:
        self.out = _Writer(folder, "relations.csv", RELATION_COLUMNS)
        self.buffer: list[tuple[str, str, str, str, str]] = []
        self.rnd = rng.random
        self.count = 0

    def add(
        self,
        source: str,
        kind: RelationType,
        target: str,
        earliest: int,
        low: float = 0.0,
        high: float = 0.0,
    ) -> None:
        """Add one tie with a strength typical of ``kind`` (or from ``low`` to ``high``) and
        a ``since`` date from the day ``earliest`` (an ordinal) to the end of 2024."""
        if low:
            blank = _TIE[kind][2]
        else:
            low, high, blank = _TIE[kind]
        rnd = self.rnd
        strength = f"{low + (high - low) * rnd():.2f}"
        if rnd() < blank:
            since = ""
        else:
            since = date.fromordinal(earliest + int((_LAST_DAY - earliest + 1) * rnd())).isoformat()
        self.buffer.append((source, kind.value, target, strength, since))
        if len(self.buffer) >= 8192:
            self.flush()

    def flush(self) -> None:
        self.out.csv.writerows(self.buffer)
        self.count += len(self.buffer)
        self.buffer.clear()

    def close(self) -> int:
        self.flush()
        self.out.rows = self.count
        return self.out.close()


def _structural_relations(
    w: _RelationWriter,
    rng: random.Random,
    ent: _Enterprises,
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
) -> None:
    """Ties among centres, financiers and specialists (and specialists' former employers)."""
    rnd = rng.random
    # A specialist can be dispatched by their centre(s) from the day the centres began.
    for spec in specs:
        for c in spec.centres:
            w.add(spec.id, _R.AFFILIATED_WITH, centres[c].id, _CENTRES_START)
    # Retired bankers keep a tie to their bank; some business people to their old firm.
    banks_of_pref: list[list[int]] = [[] for _ in range(_NP)]
    city_banks: list[int] = []
    bank_kinds = {
        FinancierKind.REGIONAL_BANK: 3.0,
        FinancierKind.SECOND_REGIONAL_BANK: 1.5,
        FinancierKind.SHINKIN_BANK: 1.0,
        FinancierKind.CREDIT_COOPERATIVE: 0.5,
    }
    for index, fin in enumerate(fins):
        if fin.kind is FinancierKind.CITY_BANK:
            city_banks.append(index)
        elif fin.kind in bank_kinds:
            banks_of_pref[fin.pref].append(index)
    for spec in specs:
        if spec.background is _B.BANKER and rnd() < 0.9:
            pool = banks_of_pref[spec.pref] if spec.pref >= 0 and rnd() < 0.85 else city_banks
            if pool:
                weights = _cumulative([bank_kinds.get(fins[i].kind, 1.0) for i in pool])
                bank = pool[_pick(rnd, weights)]
                w.add(spec.id, _R.WORKED_AT, fins[bank].id, _FIRST_DAY)
        share = {_B.BUSINESS: 0.45, _B.CONSULTANT: 0.1, _B.OTHER: 0.1}.get(spec.background, 0)
        if share and rnd() < share:
            p = spec.pref if spec.pref >= 0 else _pick(rnd, ent.pref_cum)
            if ent.members[p]:
                firm = ent.members[p][_pick(rnd, ent.cum[p])]
                w.add(spec.id, _R.WORKED_AT, f"E{firm + 1:07d}", _FIRST_DAY)
    # Partnership agreements between centres and financiers.
    by_kind_pref: dict[tuple[FinancierKind, int], list[int]] = {}
    public = -1
    for index, fin in enumerate(fins):
        by_kind_pref.setdefault((fin.kind, fin.pref), []).append(index)
        if fin.kind is FinancierKind.GOVERNMENT:
            public = index
    for centre in centres:
        p = centre.pref
        partners: list[int] = []

        def maybe(pool: list[int], chance: float, partners: list[int] = partners) -> None:
            if pool and rnd() < chance:
                choice = rng.choice(pool)
                if choice not in partners:
                    partners.append(choice)

        if centre.namesake >= 0:
            partners.append(centre.namesake)
        cgcs = by_kind_pref.get((FinancierKind.CREDIT_GUARANTEE_CORPORATION, p), [])
        if cgcs:
            maybe(cgcs[:1], 0.85)
            maybe(cgcs[1:], 0.3)
        regional = by_kind_pref.get((FinancierKind.REGIONAL_BANK, p), [])
        maybe(regional[:1], 0.8)
        maybe(regional[1:], 0.4)
        maybe(by_kind_pref.get((FinancierKind.SECOND_REGIONAL_BANK, p), []), 0.3)
        maybe(by_kind_pref.get((FinancierKind.SHINKIN_BANK, p), []), 0.5)
        maybe(by_kind_pref.get((FinancierKind.CREDIT_COOPERATIVE, p), []), 0.15)
        maybe([public], 0.6)
        maybe(city_banks, 0.1)
        maybe(by_kind_pref.get((FinancierKind.FUND, p), []), 0.1)
        for index in partners:
            w.add(centre.id, _R.PARTNERS_WITH, fins[index].id, _CENTRES_START)
    # Centres work together, mostly within their prefecture or block; some work alone.
    alone = [rnd() < 0.12 for _ in centres]
    by_pref: list[list[int]] = [[] for _ in range(_NP)]
    by_block: list[list[int]] = [[] for _ in REGIONAL_BLOCKS]
    for c, centre in enumerate(centres):
        if not alone[c]:
            by_pref[centre.pref].append(c)
            by_block[_BLOCK[centre.pref]].append(c)
    everyone = [c for c in range(len(centres)) if not alone[c]]
    pairs: set[tuple[int, int]] = set()
    ordered: list[tuple[int, int]] = []
    for c, centre in enumerate(centres):
        if alone[c] or rnd() < 0.15:
            continue
        for _ in range(1 + _poisson(rnd, 1.0)):
            r = rnd()
            pool = (
                by_pref[centre.pref]
                if r < 0.75
                else by_block[_BLOCK[centre.pref]]
                if r < 0.95
                else everyone
            )
            other = rng.choice(pool)
            pair = (min(c, other), max(c, other))
            if other != c and pair not in pairs:
                pairs.add(pair)
                ordered.append((c, other))
    for a, b in ordered:
        w.add(centres[a].id, _R.COLLABORATES_WITH, centres[b].id, _CENTRES_START)


def _write_relations(
    folder: Path,
    seed: int,
    ent: _Enterprises,
    assets: list[_Asset],
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    progress: Progress | None,
) -> int:
    rng = _rng(seed, "relations")
    w = _RelationWriter(folder, _rng(seed, "ties"))
    try:
        _structural_relations(w, rng, ent, centres, fins, specs)
        _enterprise_relations(w, rng, ent, assets, centres, fins, specs, progress)
        written = w.close()
    except BaseException:
        w.out.abort()
        raise
    return written


def _lender_tables(
    fins: list[_Financier],
) -> tuple[list[list[int]], list[list[float]], list[list[float]]]:
    """Per prefecture, the private lenders and their weights for small and larger firms."""
    small_w = {
        FinancierKind.REGIONAL_BANK: 4.0,
        FinancierKind.SECOND_REGIONAL_BANK: 2.0,
        FinancierKind.SHINKIN_BANK: 2.2,
        FinancierKind.CREDIT_COOPERATIVE: 0.9,
    }
    large_w = {
        FinancierKind.REGIONAL_BANK: 6.0,
        FinancierKind.SECOND_REGIONAL_BANK: 2.0,
        FinancierKind.SHINKIN_BANK: 1.2,
        FinancierKind.CREDIT_COOPERATIVE: 0.4,
    }
    pools: list[list[int]] = [[] for _ in range(_NP)]
    small: list[list[float]] = [[] for _ in range(_NP)]
    large: list[list[float]] = [[] for _ in range(_NP)]
    city = [i for i, f in enumerate(fins) if f.kind is FinancierKind.CITY_BANK]
    for p in range(_NP):
        metro = _CODES[p] in _METROPOLITAN
        for index, fin in enumerate(fins):
            if fin.pref == p and fin.kind in small_w:
                first = fin.kind is FinancierKind.REGIONAL_BANK and not any(
                    fins[i].kind is FinancierKind.REGIONAL_BANK for i in pools[p]
                )
                pools[p].append(index)
                small[p].append(small_w[fin.kind] * (1.5 if first else 1.0))
                large[p].append(large_w[fin.kind] * (1.5 if first else 1.0))
        for index in city:
            pools[p].append(index)
            small[p].append(0.8 if metro else 0.1)
            large[p].append(3.0 if metro else 0.5)
    return pools, [_cumulative(s) for s in small], [_cumulative(s) for s in large]


def _enterprise_relations(
    w: _RelationWriter,
    rng: random.Random,
    ent: _Enterprises,
    assets: list[_Asset],
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    progress: Progress | None,
) -> None:
    """Financing, support, advice, asset use, trade and collaboration, enterprise by enterprise."""
    rnd = rng.random
    add = w.add
    n = ent.n
    prefs, inds, emps, founded = ent.prefs, ent.inds, ent.emps, ent.founded
    members, cum, pref_cum = ent.members, ent.cum, ent.pref_cum

    # --- financiers
    pools, small_cum, large_cum = _lender_tables(fins)
    fin_ids = [f.id for f in fins]
    public = next(i for i, f in enumerate(fins) if f.kind is FinancierKind.GOVERNMENT)
    cgc_pool: list[list[int]] = [[] for _ in range(_NP)]
    for index, fin in enumerate(fins):
        if fin.kind is FinancierKind.CREDIT_GUARANTEE_CORPORATION:
            cgc_pool[fin.pref].append(index)
    cgc_cum = [
        _cumulative(_CGC_SPLIT.get(_CODES[p], (1.0,))[: len(cgc_pool[p])]) for p in range(_NP)
    ]
    funds = [i for i, f in enumerate(fins) if f.kind is FinancierKind.FUND]
    fund_pool: list[list[int]] = []
    for p in range(_NP):
        corp = _CORP_OF_BLOCK.get(PREFECTURES[p].block, "27")
        fund_pool.append(
            [i for i in funds if fins[i].pref in (p, -1) or _code(fins[i].pref) == corp]
        )

    # --- centres and specialists, by (prefecture, division), built when first needed
    centre_ids = [c.id for c in centres]
    centres_of: list[list[int]] = [[] for _ in range(_NP)]
    for c, centre in enumerate(centres):
        centres_of[centre.pref].append(c)
    centre_tables: dict[tuple[int, int], tuple[list[int], list[float]]] = {}

    def centre_table(p: int, ind: int) -> tuple[list[int], list[float]]:
        letter = _INDUSTRIES[ind]
        pool = centres_of[p]
        weights = []
        for c in pool:
            centre = centres[c]
            fit = _CENTRE_FIT.get(centre.kind, {}).get(
                letter, _CENTRE_FIT_DEFAULT.get(centre.kind, 1.0)
            )
            weights.append((centre.capacity or 25) * fit)
        table = (pool, _cumulative(weights))
        centre_tables[p, ind] = table
        return table

    spec_ids = [s.id for s in specs]
    spec_tables: dict[tuple[int, int], tuple[list[int], list[float]]] = {}

    def spec_table(p: int, ind: int) -> tuple[list[int], list[float]]:
        needs = set(_NEEDS[_INDUSTRIES[ind]])
        pool, weights = [], []
        for s, spec in enumerate(specs):
            if p >= 0 and spec.pref not in (p, -1):
                continue
            fit = 1.0 + 2.0 * sum(x in needs for x in spec.expertise)
            fit += 0.5 * sum(x in _GENERAL_NEEDS for x in spec.expertise)
            pool.append(s)
            weights.append(fit * (0.1 if p >= 0 and spec.pref == -1 else 1.0))
        table = (pool, _cumulative(weights))
        spec_tables[p, ind] = table
        return table

    # --- assets by (prefecture, category)
    asset_ids = [a.id for a in assets]
    asset_pool: list[list[list[int]]] = [[[] for _ in _CATEGORIES] for _ in range(_NP)]
    asset_weights: list[list[list[float]]] = [[[] for _ in _CATEGORIES] for _ in range(_NP)]
    for a, asset in enumerate(assets):
        asset_pool[asset.pref][asset.category].append(a)
        asset_weights[asset.pref][asset.category].append(asset.weight)
    asset_cum = [[_cumulative(ws) for ws in per_cat] for per_cat in asset_weights]
    utilize = [_UTILIZE.get(letter, _UTILIZE_OTHER) for letter in _INDUSTRIES]
    utilize_cum = [_cumulative(mix) for _, mix in utilize]

    trade_fit, collab_fit = _TRADE_FIT, _COLLAB_FIT
    blocks = _BLOCK
    same_block = [[q for q in range(_NP) if blocks[q] == blocks[p] and q != p] for p in range(_NP)]
    year_start = _YEAR_START

    def other_pref(p: int) -> int:
        if same_block[p] and rnd() < 0.5:
            return rng.choice(same_block[p])
        for _ in range(8):
            q = _pick(rnd, pref_cum)
            if q != p:
                return q
        return p

    for i in range(n):
        p = prefs[i]
        ind = inds[i]
        size = emps[i]
        year = founded[i]
        eid = f"E{i + 1:07d}"
        earliest = year_start[year] if year > 1990 else _FIRST_DAY
        small_firm = size < 20

        # Financing: most firms bank locally; some have no financier at all.
        no_finance = 0.17 + (0.08 if size <= 2 else -0.08 if size >= 20 else 0.0)
        if year >= 2015:
            no_finance += 0.05
        if rnd() >= no_finance:
            lenders = 1
            more = 0.33 + 0.07 * min(3.0, math.log10(1 + size))
            while lenders < 5 and rnd() < more:
                lenders += 1
            public_share = 0.15 if year >= 2015 else 0.08 if small_firm else 0.04
            use_public = rnd() < public_share
            if use_public and lenders > 1 and rnd() < 0.5:
                lenders -= 1
            pool = pools[p]
            lender_cum = small_cum[p] if small_firm else large_cum[p]
            chosen: list[int] = []
            for _ in range(3 * lenders):
                choice = pool[_pick(rnd, lender_cum)]
                if choice not in chosen:
                    chosen.append(choice)
                    if len(chosen) == lenders:
                        break
            for rank, lender in enumerate(chosen):
                # The main bank is the strongest tie.
                if rank == 0:
                    add(fin_ids[lender], _R.LENDS_TO, eid, earliest, 0.75, 0.95)
                else:
                    add(fin_ids[lender], _R.LENDS_TO, eid, earliest)
            if use_public:
                add(fin_ids[public], _R.LENDS_TO, eid, earliest)
            if cgc_pool[p] and rnd() < (0.45 if small_firm else 0.25):
                cgc = cgc_pool[p][_pick(rnd, cgc_cum[p])]
                add(fin_ids[cgc], _R.GUARANTEES, eid, earliest)
            invest = 0.004 * (2.5 if ind in _INVESTABLE else 1.0) * (2.0 if year >= 2010 else 1)
            if fund_pool[p] and rnd() < invest:
                fund = rng.choice(fund_pool[p])
                add(fin_ids[fund], _R.INVESTS_IN, eid, max(earliest, _YEAR_START[2000]))

        # Support: centres of the prefecture take part of the firms as clients.
        supported = rnd() < (0.44 if size <= 20 else 0.30)
        if supported:
            pool, ccum = centre_tables.get((p, ind)) or centre_table(p, ind)
            count = 1 + (rnd() < 0.15) + (rnd() < 0.03)
            chosen = []
            for _ in range(3 * count):
                choice = pool[_pick(rnd, ccum)]
                if choice not in chosen:
                    chosen.append(choice)
                    if len(chosen) == count:
                        break
            for c in chosen:
                add(centre_ids[c], _R.SUPPORTS, eid, max(earliest, _CENTRES_START))

        # Advice: mostly to supported firms, by specialists of the prefecture.
        if rnd() < (0.25 if supported else 0.05):
            key = (p, ind) if rnd() >= 0.04 else (-1, ind)
            pool, scum = spec_tables.get(key) or spec_table(*key)
            if pool:
                count = 1 + (rnd() < 0.2)
                chosen = []
                for _ in range(3 * count):
                    choice = pool[_pick(rnd, scum)]
                    if choice not in chosen:
                        chosen.append(choice)
                        if len(chosen) == count:
                            break
                for s in chosen:
                    add(spec_ids[s], _R.ADVISES, eid, max(earliest, _CENTRES_START))

        # Regional assets that fit the industry.
        if rnd() < utilize[ind][0]:
            count = 1 + (rnd() < 0.2)
            chosen = []
            for _ in range(3 * count):
                category = _pick(rnd, utilize_cum[ind])
                acum = asset_cum[p][category]
                if not acum or acum[-1] <= 0:
                    continue
                choice = asset_pool[p][category][_pick(rnd, acum)]
                if choice not in chosen:
                    chosen.append(choice)
                    if len(chosen) == count:
                        break
            for a in chosen:
                add(eid, _R.UTILIZES, asset_ids[a], max(earliest, _ACT_START))

        # Trade: suppliers sell to customers, mostly in the prefecture; big firms are hubs.
        trades = _poisson(rnd, 1.8 + 0.75 * math.log1p(size) * (1.3 if ind == _WHOLESALE else 1))
        if trades:
            chosen = []
            fit = trade_fit[ind]
            for _ in range(4 * trades):
                q = p if rnd() >= 0.035 else other_pref(p)
                qcum = cum[q]
                if not qcum:
                    continue
                j = members[q][_pick(rnd, qcum)]
                if j == i or j in chosen or rnd() >= fit[inds[j]]:
                    continue
                chosen.append(j)
                if len(chosen) == trades:
                    break
            for j in chosen:
                other = founded[j]
                start = year_start[other] if other > 1990 and other > year else earliest
                add(eid, _R.TRADES_WITH, f"E{j + 1:07d}", start)

        # Collaboration: symmetric, so each pair has one initiator (decided by parity).
        if rnd() < 0.4:
            count = 1
            while count < 8 and rnd() < 0.35:
                count += 1
            chosen = []
            fit = collab_fit[ind]
            for _ in range(6 * count):
                q = p if rnd() >= 0.05 else other_pref(p)
                qcum = cum[q]
                if not qcum:
                    continue
                j = members[q][_pick(rnd, qcum)]
                if j == i or ((i < j) != bool((i + j) & 1)) or j in chosen:
                    continue
                if rnd() >= fit[inds[j]]:
                    continue
                chosen.append(j)
                if len(chosen) == count:
                    break
            for j in chosen:
                other = founded[j]
                start = year_start[other] if other > 1990 and other > year else earliest
                add(eid, _R.COLLABORATES_WITH, f"E{j + 1:07d}", start)

        if progress is not None and (i + 1) % PROGRESS_EVERY == 0:
            progress("write relations.csv", i + 1, n)
    if progress is not None:
        progress("write relations.csv", n, n)


_WHOLESALE = _IIDX["I"]
_INVESTABLE = {_IIDX["E"], _IIDX["G"], _IIDX["L"]}


# ---------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------


def generate_dataset(
    out: Path,
    enterprises: int = DEFAULT_ENTERPRISES,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a synthetic dataset of ``enterprises`` SMEs and their support network to ``out``.

    Writes ``enterprises.csv``, ``assets.csv``, ``centres.csv``, ``financiers.csv``,
    ``specialists.csv`` and then ``relations.csv`` (each file appears only when complete)
    and returns the row count per file name. The same ``enterprises`` and ``seed`` always
    give byte-identical files. ``progress(stage, done, total)`` is called every
    10,000 rows and at the end of each file; for ``relations.csv`` ``done`` and ``total``
    count enterprises whose ties have been written.
    """
    enterprises = operator.index(enterprises)
    if enterprises < 1:
        raise ValueError(f"enterprises must be at least 1, got {enterprises}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # relations.csv comes last: while it is missing the folder is known to be incomplete.
    (out / "relations.csv").unlink(missing_ok=True)
    counts: dict[str, int] = {}

    ent, counts["enterprises.csv"] = _write_enterprises(out, enterprises, seed, progress)

    assets = _make_assets(enterprises, seed)
    counts["assets.csv"] = _write_rows(
        out,
        "assets.csv",
        NodeKind.ASSET,
        [(a.id, a.name, _CATEGORIES[a.category].value, _CODES[a.pref]) for a in assets],
        progress,
    )

    fins = _make_financiers(enterprises, seed)
    centres = _make_centres(enterprises, seed, fins)
    counts["centres.csv"] = _write_rows(
        out,
        "centres.csv",
        NodeKind.CENTRE,
        [
            (c.id, c.name, _CODES[c.pref], c.kind.value, "" if c.capacity is None else c.capacity)
            for c in centres
        ],
        progress,
    )
    counts["financiers.csv"] = _write_rows(
        out,
        "financiers.csv",
        NodeKind.FINANCIER,
        [(f.id, f.name, f.kind.value, _code(f.pref)) for f in fins],
        progress,
    )

    specs = _make_specialists(seed, centres)
    counts["specialists.csv"] = _write_rows(
        out,
        "specialists.csv",
        NodeKind.SPECIALIST,
        [(s.id, s.name, s.background.value, ";".join(s.expertise), _code(s.pref)) for s in specs],
        progress,
    )

    counts["relations.csv"] = _write_relations(
        out, seed, ent, assets, centres, fins, specs, progress
    )
    return counts
