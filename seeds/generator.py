"""The synthetic seed dataset: Japan's regional SME support network, believable and repeatable.

:func:`generate_dataset` writes the six files of the dataset contract and ``provenance.csv``:
who contributed each node and tie, when, and with which values (:mod:`seeds.history`).
Ties end (repaid loans, expired guarantees, clients who left a centre, retired specialists,
closed centres), so the network of any past day can be read from the files. Everything is
drawn from ``random.Random`` instances seeded from ``(seed, stage)`` strings, so the same size
and seed give byte-identical files, and one stage's draws do not shift another's.

Memory stays bounded: the enterprises are written as they are drawn and only a few bytes
per enterprise are kept (prefecture, industry, size, founding year and an attachment
weight, in ``array``/``bytearray`` form); relations are drawn per enterprise and streamed
to disk. The other node kinds are small (hundreds to a few thousand) and kept as lists.
README.md beside this file explains the assumptions.
"""

from __future__ import annotations

import csv
import json
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
from graph.progress import Progress, no_progress
from graph.rows import RELATION_COLUMNS, node_columns, required_columns
from seeds import institutions, vocab
from seeds.duplicates import (
    REGISTRY_COLUMNS,
    Copy,
    EnterpriseDuplicator,
    FinancierDuplicator,
    check_rate,
)
from seeds.history import (
    ADMIN,
    BANK_UNION,
    CREDIT_BUREAU,
    METI,
    REGISTRY,
    SMRJ,
    Clock,
    Events,
    ProvenanceWriter,
    csv_values,
    draw_events,
    first_day,
    prefecture_contributor,
)

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
    NodeKind.ENTERPRISE: ("id", "name", "prefecture", "industry", "employees", "founded", "ended"),
    NodeKind.ASSET: ("id", "name", "category", "prefecture", "ended"),
    NodeKind.CENTRE: ("id", "name", "prefecture", "kind", "capacity", "ended"),
    NodeKind.FINANCIER: ("id", "name", "kind", "prefecture", "ended"),
    NodeKind.SPECIALIST: ("id", "name", "background", "expertise", "prefecture", "ended"),
}
_RELATION_LAYOUT = ("source", "type", "target", "strength", "since", "until")
# The node files are written with these columns (and, with duplicates, the registry columns
# of enterprises and financiers after them); the contract may hold further optional ones.
for _kind, _layout in _ROW_LAYOUT.items():
    _columns = node_columns(_kind)
    if set(_layout) - set(_columns) or set(required_columns(_kind)) - set(_layout):
        raise RuntimeError(  # pragma: no cover - a guard against model changes
            f"seeds: {_kind} columns changed to {_columns}"
        )
if RELATION_COLUMNS != _RELATION_LAYOUT:  # pragma: no cover
    raise RuntimeError(f"seeds: relation columns changed to {RELATION_COLUMNS}")

_FIRST_DAY = date(1990, 1, 1).toordinal()
#: The last day a tie may begin or end on: the end of fiscal 2025.
_LAST_DAY = date(2026, 3, 31).toordinal()
#: The last day a stamp of provenance may fall on (the contributors' last loads).
_STAMP_LAST_DAY = date(2026, 6, 30).toordinal()
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
    """The running sums of ``weights``, the form :func:`_pick` draws from."""
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
    """A count drawn from the Poisson distribution of mean ``lam`` (Knuth's method)."""
    limit = math.exp(-lam)
    k = 0
    p = rnd()
    while p > limit:
        k += 1
        p *= rnd()
    return k


def _draw_distinct(
    count: int,
    tries: int,
    draw: Callable[[], int | None],
    accept: Callable[[int], bool] | None = None,
) -> list[int]:
    """Up to ``count`` different items, in the order drawn, from at most ``tries`` draws.

    ``draw()`` gives a candidate, or None for a draw that missed. A candidate already chosen
    is passed over; any other is kept when ``accept(candidate)`` says so (asked only then,
    so that it may draw random numbers of its own). Fewer than ``count`` come back when the
    tries run out first, as they do on a small pool.
    """
    chosen: list[int] = []
    for _ in range(tries):
        choice = draw()
        if choice is None or choice in chosen:
            continue
        if accept is not None and not accept(choice):
            continue
        chosen.append(choice)
        if len(chosen) == count:
            break
    return chosen


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
        """Move the complete file into place; returns its row count (``rows``)."""
        self.handle.close()
        os.replace(self.partial, self.final)
        return self.rows

    def abort(self) -> None:
        """Remove the incomplete file, leaving no trace of it."""
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
    """Enterprises per prefecture: by economic weight, at least 3 each when there are enough."""
    weights = [_economic_weight(i) for i in range(_NP)]
    return _allocate(n, weights, minimum=min(3, n // _NP))


@dataclass(slots=True)
class _Enterprises:
    """What the relation stage needs of each enterprise, in compact arrays indexed 0..n-1."""

    n: int
    prefs: bytearray
    inds: bytearray
    emps: array[int]  # latent size, also when the employees column is blank
    founded: array[int]  # founding year, 0 when blank
    members: list[array[int]]  # per prefecture: enterprise indices in ascending order
    cum: list[array[float]]  # per prefecture: running sums of the attachment weights
    pref_cum: list[float]  # running sums of the enterprise counts by prefecture

    @classmethod
    def empty(cls, prefs: bytearray, counts: Sequence[int]) -> _Enterprises:
        """Room for the enterprises of ``prefs`` (the prefecture of each), drawn by count."""
        n = len(prefs)
        return cls(
            n,
            prefs,
            bytearray(n),
            array("H", bytes(2 * n)),
            array("H", bytes(2 * n)),
            [array("i") for _ in range(_NP)],
            [array("d") for _ in range(_NP)],
            _cumulative(counts),
        )


def _enterprise_prefectures(rng: random.Random, n: int) -> tuple[bytearray, list[int]]:
    """The prefecture of each of ``n`` enterprises, shuffled so that ids do not follow
    prefectures, and the count per prefecture."""
    counts = _enterprise_counts(n)
    prefs = bytearray()
    for index, count in enumerate(counts):
        prefs.extend(bytes([index]) * count)
    rng.shuffle(prefs)
    return prefs, counts


def _founding_year(rnd: Callable[[], float], letter: str) -> int:
    """A founding year: now and then an old house (1600-1899), mostly by decade from 1900."""
    old_share = 0.012 if letter in "EIM" else 0.003
    if rnd() < old_share:
        return 1600 + int(300 * math.sqrt(rnd()))
    decade = _pick(rnd, _DECADE_CUM)
    return min(2024, 1900 + 10 * decade + int(10 * rnd()))


def _enterprise_name(rng: random.Random, code: str, industry: str, founded: int) -> str:
    """A firm's name: mostly Japanese (legal form, stem, trade word), some English-style."""
    r = rng.random()
    if r < 0.05 or r >= 0.996:
        return _english_name(rng, code, industry, quoted=r >= 0.996)
    places = vocab.PLACES[code]
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


def _english_name(rng: random.Random, code: str, industry: str, quoted: bool) -> str:
    """An English-style name: its comma (and, when ``quoted``, its double quotes) exercise
    CSV quoting."""
    pick = rng.random()
    if pick < 0.4:
        stem = rng.choice(vocab.BRANDS)[1]
    elif pick < 0.7:
        stem = rng.choice(vocab.PLACES[code])[1]
    else:
        stem = rng.choice(vocab.SURNAMES)[1]
    trade = rng.choice(vocab.TRADE_EN[industry])
    if quoted:
        return f'"{stem}" {trade}{rng.choice((", Ltd.", " Co., Ltd."))}'
    return f"{stem} {trade}{rng.choice(vocab.ENGLISH_SUFFIXES)}"


def _enterprise_values(name: str, code: str, letter: str, employees: str, founded: str) -> str:
    """The values field (CSV-quoted canonical JSON, with its line end) an enterprise's
    contributor gives it: :func:`graph.provenance.node_values` of its row, written by hand
    (keys in order) because there are many."""
    if "\\" in name or not name.isprintable():
        text = json.dumps(name, ensure_ascii=False).replace('"', '""')
    else:  # the same, faster: only a double quote needs escaping
        text = '""' + name.replace('"', '\\""') + '""'
    head = f'""employees"":{employees},' if employees else ""
    if founded:
        head += f'""founded"":{founded},'
    return f'"{{{head}""industry"":""{letter}"",""name"":{text},""prefecture"":""{code}""}}"\n'


def _registry_values(
    name: str, code: str, letter: str, employees: str, founded: str, cells: Sequence[str]
) -> str:
    """:func:`_enterprise_values` of a row with the registry columns ``cells``
    (corporate_number, address, phone; blank when absent), keys in order likewise."""
    number, address, phone = cells
    if "\\" in name or not name.isprintable():
        text = json.dumps(name, ensure_ascii=False).replace('"', '""')
    else:
        text = '""' + name.replace('"', '\\""') + '""'
    head = f'""address"":""{address}"",' if address else ""
    if number:
        head += f'""corporate_number"":""{number}"",'
    if employees:
        head += f'""employees"":{employees},'
    if founded:
        head += f'""founded"":{founded},'
    tail = f',""phone"":""{phone}""' if phone else ""
    return (
        f'"{{{head}""industry"":""{letter}"",""name"":{text}{tail},""prefecture"":""{code}""}}"\n'
    )


def _write_enterprises(
    folder: Path,
    n: int,
    seed: int,
    progress: Progress,
    values_path: Path,
    dup: EnterpriseDuplicator | None = None,
) -> tuple[_Enterprises, int]:
    """Draw ``n`` enterprises and write them as enterprises.csv, keeping what the relation
    stage needs of each; returns that and the row count. The values of each (for
    provenance.csv) are written to ``values_path``, one line each. With ``dup`` the rows
    have the registry columns, some names are near-namesakes, and the copies ``dup``
    draws follow the originals. Raises OSError if the file cannot be written (and leaves
    none behind)."""
    rng = _rng(seed, "enterprises")
    rnd = rng.random
    gauss = rng.gauss
    prefs, counts = _enterprise_prefectures(rng, n)
    industry_cum = [_cumulative(_industry_weights(code)) for code in _CODES]
    ent = _Enterprises.empty(prefs, counts)
    inds, emps, founded, members, cum = ent.inds, ent.emps, ent.founded, ent.members, ent.cum
    totals = [0.0] * _NP

    columns = _ROW_LAYOUT[NodeKind.ENTERPRISE]
    writer = _Writer(folder, "enterprises.csv", columns + REGISTRY_COLUMNS if dup else columns)
    try:
        row = writer.csv.writerow
        values: list[str] = []
        with open(values_path, "w", encoding="utf-8", newline="") as values_file:
            for i in range(n):
                p = prefs[i]
                code = _CODES[p]
                ind = _pick(rnd, industry_cum[p])
                letter = _INDUSTRIES[ind]
                employees = min(
                    _EMPLOYEE_MAX, int(math.exp(gauss(_EMPLOYEE_MU.get(letter, 1.5), 1.2)))
                )
                year = _founding_year(rnd, letter)
                name = _enterprise_name(rng, code, letter, year)
                shown_employees = "" if rnd() < 0.10 else str(employees)
                shown_year = "" if rnd() < 0.05 else str(year)
                if dup is None:
                    row((f"E{i + 1:07d}", name, code, letter, shown_employees, shown_year, ""))
                    values.append(
                        _enterprise_values(name, code, letter, shown_employees, shown_year)
                    )
                else:
                    eid = f"E{i + 1:07d}"
                    name = dup.name(code, letter, name)
                    cells = dup.draw(eid, name, code, letter, shown_employees, shown_year)
                    row((eid, name, code, letter, shown_employees, shown_year, "", *cells))
                    values.append(
                        _registry_values(name, code, letter, shown_employees, shown_year, cells)
                    )
                inds[i] = ind
                emps[i] = employees
                founded[i] = year if shown_year else 0
                weight = (1 + employees) * _HUB.get(letter, 0.8) * rng.lognormvariate(0, 0.8)
                totals[p] += weight
                members[p].append(i)
                cum[p].append(totals[p])
                if (i + 1) % PROGRESS_EVERY == 0:
                    values_file.writelines(values)
                    values.clear()
                    progress("write enterprises.csv", i + 1, n)
            values_file.writelines(values)
        writer.rows = n
        if dup is not None:
            writer.csv.writerows(copy.row for copy in dup.copies)
            writer.rows += len(dup.copies)
        written = writer.close()
    except BaseException:
        writer.abort()
        values_path.unlink(missing_ok=True)
        raise
    progress("write enterprises.csv", n, n)
    return ent, written


# ---------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------

_CATEGORY_SHARE = (0.30, 0.24, 0.46)  # agricultural, industrial, tourism (3,844 of 8,354)
_NATIONAL_ASSETS = 8354
_ASSET_FULL_SCALE = 200_000


@dataclass(slots=True)
class _Asset:
    """A regional asset as drawn."""

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
    """The regional assets of a dataset of ``n`` enterprises: at least one of each category
    per prefecture, the rest by category share, prefectures by the square root of their
    population; each with a popularity (0 when dormant)."""
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
            names = _asset_names(rng, places, category, by_category[c])
            for k in range(by_category[c]):
                dormant = k > 0 and rng.random() < 0.12
                weight = 0.0 if dormant else rng.paretovariate(2.0)
                name = names[k] if k < len(names) else f"{names[k % len(names)]} {k}"
                assets.append(_Asset("", name, c, p, weight))
    for number, asset in enumerate(assets, start=1):
        asset.id = f"A{number:06d}"
    return assets


def _asset_names(
    rng: random.Random, places: Sequence[str], category: AssetCategory, wanted: int
) -> list[str]:
    """Candidate names "<place> <product>" in a random order, with "<prefix>-<place>
    <product>" ones after them when ``wanted`` is more than the plain ones."""
    products = vocab.PRODUCTS[category.value]
    names = [f"{place} {product}" for place in places for product in products]
    rng.shuffle(names)
    if wanted > len(names):
        more = [
            f"{prefix}-{place} {product}"
            for prefix in vocab.PLACE_PREFIXES
            for place in places
            for product in products
        ]
        rng.shuffle(more)
        names += more
    return names


# ---------------------------------------------------------------------------
# Financiers
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Financier:
    """A financier as drawn."""

    id: str
    name: str
    kind: FinancierKind
    pref: int  # -1 for nationwide


_INVESTMENT_CORPS = (
    ("13", "東京中小企業投資育成株式会社"),
    ("23", "名古屋中小企業投資育成株式会社"),
    ("27", "大阪中小企業投資育成株式会社"),
)
_NATIONAL_FUND = "Regional Growth Partners, L.P."


def financier_counts(enterprises: int) -> dict[FinancierKind, int]:
    """How many financiers of each kind a dataset of this size has (see README.md): every
    real one of the kinds :mod:`seeds.institutions` lists, the synthetic kinds by scale."""
    f = scale_of(enterprises)
    return {
        FinancierKind.CITY_BANK: len(institutions.CITY_BANKS),
        FinancierKind.GOVERNMENT: 1,
        FinancierKind.CREDIT_GUARANTEE_CORPORATION: len(institutions.GUARANTEE_CORPORATIONS),
        FinancierKind.REGIONAL_BANK: len(institutions.REGIONAL_BANKS),
        FinancierKind.SECOND_REGIONAL_BANK: len(institutions.SECOND_REGIONAL_BANKS),
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


class _FinancierRoll:
    """The financiers drawn so far, in id order, and the names they have taken."""

    def __init__(self) -> None:
        self.fins: list[_Financier] = []
        self.taken: set[str] = set()

    def add(self, name: str, kind: FinancierKind, pref: int) -> None:
        """Add a financier named ``name`` (its id is set when the roll is complete)."""
        self.taken.add(name)
        self.fins.append(_Financier("", name, kind, pref))

    def first_free(self, names: Sequence[str]) -> str:
        """The first of ``names`` no financier has taken, else the first with a number."""
        for name in names:
            if name not in self.taken:
                return name
        base = names[0]
        k = 2
        while f"{base}{k}" in self.taken:
            k += 1
        return f"{base}{k}"


def _make_financiers(n: int, seed: int) -> list[_Financier]:
    """The financiers of a dataset of ``n`` enterprises, as many of each kind as
    :func:`financier_counts` says: the real ones (nationwide ones first, then kind by kind
    in prefecture order), then the synthetic ones."""
    rng = _rng(seed, "financiers")
    counts = financier_counts(n)
    roll = _FinancierRoll()
    _add_real_financiers(roll)
    _add_local_banks(rng, roll, counts)
    _add_funds(rng, roll, counts[FinancierKind.FUND])
    for number, fin in enumerate(roll.fins, start=1):
        fin.id = f"F{number:04d}"
    return roll.fins


def _add_real_financiers(roll: _FinancierRoll) -> None:
    """The city banks and the public lender (nationwide), then the guarantee corporations
    (the city ones after their prefecture's), the regional banks and the second regional
    banks, each kind in prefecture order (a prefecture's leading bank first), under their
    real names."""
    for name in institutions.CITY_BANKS:
        roll.add(name, FinancierKind.CITY_BANK, -1)
    roll.add(institutions.PUBLIC_LENDER, FinancierKind.GOVERNMENT, -1)
    real = (
        (FinancierKind.CREDIT_GUARANTEE_CORPORATION, institutions.GUARANTEE_CORPORATIONS),
        (FinancierKind.REGIONAL_BANK, institutions.REGIONAL_BANKS),
        (FinancierKind.SECOND_REGIONAL_BANK, institutions.SECOND_REGIONAL_BANKS),
    )
    for kind, listed in real:
        for institution in sorted(listed, key=lambda i: i.prefecture):  # stable: leaders first
            roll.add(institution.name, kind, _PIDX[institution.prefecture])


def _add_local_banks(
    rng: random.Random, roll: _FinancierRoll, counts: dict[FinancierKind, int]
) -> None:
    """Shinkin banks and credit cooperatives (synthetic, named after places), spread over
    the prefectures in proportion to population^0.75."""
    softened = [p.population**0.75 for p in PREFECTURES]
    local_kinds = (
        (FinancierKind.SHINKIN_BANK, "信用金庫"),
        (FinancierKind.CREDIT_COOPERATIVE, "信用組合"),
    )
    for kind, word in local_kinds:
        for p, count in enumerate(_allocate(counts[kind], softened)):
            names = _local_names(rng, p, word, vocab.LOCAL_SUFFIXES)
            for _ in range(count):
                roll.add(roll.first_free(names), kind, p)


def _add_funds(rng: random.Random, roll: _FinancierRoll, total: int) -> None:
    """``total`` funds: the three investment corporations, one nationwide fund, and the
    rest prefectural revitalisation funds in prefectures drawn at random."""
    for code, name in _INVESTMENT_CORPS:
        roll.add(name, FinancierKind.FUND, _PIDX[code])
    roll.add(_NATIONAL_FUND, FinancierKind.FUND, -1)
    extra = total - len(_INVESTMENT_CORPS) - 1
    fund_prefs = rng.sample(range(_NP), k=min(_NP, extra))
    for p in sorted(fund_prefs):
        name = f"{_stem(PREFECTURES[p].name_ja)}地域活性化ファンド投資事業有限責任組合"
        roll.add(name, FinancierKind.FUND, p)


# ---------------------------------------------------------------------------
# Centres
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Centre:
    """A centre as drawn."""

    id: str
    name: str
    kind: CentreKind
    pref: int
    capacity: int | None
    namesake: int = -1  # the financier a bank-run centre belongs to
    core: bool = False  # one of the three centres every prefecture has; never closes


#: The centres every prefecture has at every size: its SME support centre, its federation
#: of SME associations and the chamber of commerce of its capital, in this order.
_CORE_KINDS = (
    CentreKind.PREFECTURAL_CENTRE,
    CentreKind.SME_FEDERATION,
    CentreKind.CHAMBER_OF_COMMERCE,
)


def centre_count(enterprises: int) -> int:
    """Centres: ``142 + round(174 * min(1, enterprises / 100,000))``: the three core centres
    of every prefecture and the university at every size, the others in proportion, 316 in
    all (the centres of 2008-05-30) from 100,000 enterprises."""
    fixed = len(_CORE_KINDS) * _NP + 1
    return fixed + round((316 - fixed) * scale_of(enterprises))


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


# The word after a town's name by centre kind, for the kinds named that way.
_CENTRE_WORD = {
    CentreKind.CHAMBER_OF_COMMERCE: "商工会議所",
    CentreKind.COMMERCE_ASSOCIATION: "商工会",
    CentreKind.AGRICULTURAL_COOPERATIVE: "農業協同組合",
}
_OTHER_CENTRE_WORDS = ("観光協会", "地域産業振興協議会")
# Centres run by a bank, named after a financier of the same kind when one is free.
_BANK_CENTRES = (CentreKind.SHINKIN_BANK, CentreKind.CREDIT_COOPERATIVE)


def _make_centres(n: int, seed: int, fins: list[_Financier]) -> list[_Centre]:
    """The centres of a dataset of ``n`` enterprises: in every prefecture its three core
    centres (:data:`_CORE_KINDS`, under their real names), the rest by economic
    weight^0.8, and one university in a prefecture with a fourth centre. A shinkin or
    credit-cooperative centre is named after one of its prefecture's financiers of that
    kind when there is one free."""
    rng = _rng(seed, "centres")
    total = centre_count(n)
    core = len(_CORE_KINDS)
    weights = [_economic_weight(i) ** 0.8 for i in range(_NP)]
    per_pref = _allocate(total, weights, minimum=core)
    university_pref = rng.choice([p for p in range(_NP) if per_pref[p] > core])
    banks_by_pref: dict[tuple[int, FinancierKind], list[int]] = {}
    for index, fin in enumerate(fins):
        banks_by_pref.setdefault((fin.pref, fin.kind), []).append(index)
    taken: set[str] = set()
    centres: list[_Centre] = []
    for p, count in enumerate(per_pref):
        prefecture = PREFECTURES[p]
        core_names = (
            institutions.PREFECTURAL_CENTRES[p].name,
            institutions.sme_federation(prefecture.name_ja),
            institutions.CAPITAL_CHAMBERS[prefecture.code],
        )
        for kind, name in zip(_CORE_KINDS, core_names, strict=True):
            taken.add(name)
            centres.append(_Centre("", name, kind, p, _capacity(rng, kind), core=True))
        kinds: list[CentreKind] = []
        if p == university_pref:
            kinds.append(CentreKind.UNIVERSITY)
        while len(kinds) < count - core:
            kinds.append(_CENTRE_KIND_WEIGHTS[_pick(rng.random, _CENTRE_KIND_CUM)][0])
        towns = _local_names(rng, p, "", _TOWN_SUFFIXES)
        used_banks: set[int] = set()
        for kind in kinds:
            namesake = -1
            if kind in _BANK_CENTRES:
                banks = banks_by_pref.get((p, FinancierKind(kind.value)), [])
                free = [i for i in banks if i not in used_banks]
                if free:
                    namesake = rng.choice(free)
                    used_banks.add(namesake)
            if namesake >= 0:
                name = f"{fins[namesake].name} 地域支援センター"
            else:
                name = _centre_name(rng, kind, p, towns, taken)
            unique = _unique_name(name, taken)
            taken.add(unique)
            centres.append(_Centre("", unique, kind, p, _capacity(rng, kind), namesake))
    for number, centre in enumerate(centres, start=1):
        centre.id = f"C{number:04d}"
    return centres


def _centre_name(
    rng: random.Random, kind: CentreKind, p: int, towns: Sequence[str], taken: set[str]
) -> str:
    """The name of a centre of ``kind`` in prefecture ``p`` (a bank-run one that is not
    named after its bank): after the prefecture, or after one of ``towns`` that no centre
    of the same word has taken yet."""
    prefecture = PREFECTURES[p]
    if kind is CentreKind.PREFECTURAL_CENTRE:  # pragma: no cover - the core ones are named
        return institutions.PREFECTURAL_CENTRES[p].name
    if kind is CentreKind.UNIVERSITY:
        return f"{_stem(prefecture.name_ja)}大学 地域連携推進センター"
    if kind in _BANK_CENTRES:
        word = "信用金庫" if kind is CentreKind.SHINKIN_BANK else "信用組合"
        return f"{rng.choice(towns)}{word} 地域支援センター"
    if kind is CentreKind.SME_FEDERATION:
        name = institutions.sme_federation(prefecture.name_ja)
        return f"{rng.choice(towns)}中小企業協同組合連合会" if name in taken else name
    # The word of an "other" centre is drawn for the kinds named after a town too: the draws
    # that follow, and so the dataset, depend on it.
    other = rng.choice(_OTHER_CENTRE_WORDS)
    word = _CENTRE_WORD.get(kind, other)
    return next(
        (f"{town}{word}" for town in towns if f"{town}{word}" not in taken),
        f"{towns[0]}{word}",
    )


def _unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name 第k`` with the first k from 2 that no other has taken."""
    k = 2
    unique = name
    while unique in taken:
        unique = f"{name} 第{k}"
        k += 1
    return unique


def _capacity(rng: random.Random, kind: CentreKind) -> int | None:
    """Open referrals a centre of ``kind`` can take at once; None (blank) for 7% of the
    centres that are not prefectural."""
    low, high = _CAPACITY[kind]
    if kind is not CentreKind.PREFECTURAL_CENTRE and rng.random() < 0.07:
        return None
    return int(rng.triangular(low, high, low + (high - low) * 0.3))


# ---------------------------------------------------------------------------
# Specialists
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Specialist:
    """A specialist as drawn, with the centres they are affiliated with (their own first)."""

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
    """1 to 3 expertise words fitting ``background``, a core one first."""
    core, further = _EXPERTISE[background]
    words = [rng.choice(core)]
    size = 1 + (rng.random() < 0.65) + (rng.random() < 0.3)
    pool = [w for w in core + further if w not in words]
    rng.shuffle(pool)
    words += pool[: size - 1]
    return tuple(words)


def _make_specialists(seed: int, centres: list[_Centre]) -> list[_Specialist]:
    """The specialists of ``centres``: about three per centre, every background present,
    each with expertise, a unique name and now and then a second centre (or, nationwide
    ones, more anywhere)."""
    rng = _rng(seed, "specialists")
    specs = _draw_specialists(rng, centres)
    _cover_every_background(rng, specs)
    by_pref: list[list[int]] = [[] for _ in range(_NP)]
    by_block: list[list[int]] = [[] for _ in REGIONAL_BLOCKS]
    for c, centre in enumerate(centres):
        by_pref[centre.pref].append(c)
        by_block[_BLOCK[centre.pref]].append(c)
    taken: set[str] = set()
    for number, spec in enumerate(specs, start=1):
        spec.id = f"S{number:06d}"
        spec.expertise = _expertise(rng, spec.background)
        spec.name = _specialist_name(rng, taken)
        taken.add(spec.name)
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


def _draw_specialists(rng: random.Random, centres: list[_Centre]) -> list[_Specialist]:
    """Per centre 1 + Poisson(1.3 + capacity / 60) specialists with a background, living in
    the centre's prefecture (some after the first nationwide); no name or expertise yet."""
    specs: list[_Specialist] = []
    for c, centre in enumerate(centres):
        capacity = centre.capacity if centre.capacity is not None else 25
        count = 1 + _poisson(rng.random, 1.3 + capacity / 60)
        for k in range(count):
            background = _BACKGROUND_WEIGHTS[_pick(rng.random, _BACKGROUND_CUM)][0]
            nationwide = 0.25 if background is _B.PATENT_ATTORNEY else 0.05
            pref = -1 if k > 0 and rng.random() < nationwide else centre.pref
            specs.append(_Specialist("", "", background, (), pref, [c]))
    return specs


def _cover_every_background(rng: random.Random, specs: list[_Specialist]) -> None:
    """Give each missing background to a specialist whose background others share, so that
    every background appears even in the smallest dataset."""
    present = {s.background for s in specs}
    for background in SpecialistBackground:
        if background not in present:
            tally: dict[SpecialistBackground, int] = {}
            for s in specs:
                tally[s.background] = tally.get(s.background, 0) + 1
            spare = [i for i, s in enumerate(specs) if tally[s.background] > 1]
            specs[rng.choice(spare)].background = background


def _specialist_name(rng: random.Random, taken: set[str]) -> str:
    """ "<surname> <given name>", one that ``taken`` does not hold while any is left."""
    name = f"{rng.choice(vocab.SURNAMES)[0]} {rng.choice(vocab.GIVEN_NAMES)}"
    while name in taken and len(taken) < len(vocab.SURNAMES) * len(vocab.GIVEN_NAMES):
        name = f"{rng.choice(vocab.SURNAMES)[0]} {rng.choice(vocab.GIVEN_NAMES)}"
    return name


# ---------------------------------------------------------------------------
# Node files
# ---------------------------------------------------------------------------


def _write_rows(
    folder: Path,
    name: str,
    kind: NodeKind,
    rows: Sequence[tuple[object, ...]],
    progress: Progress,
    columns: Sequence[str] = (),
) -> int:
    """Write ``rows`` (in the columns of ``kind``, or ``columns`` when given) as
    ``folder``/``name``; returns how many. Raises OSError if the file cannot be written (and
    leaves none behind)."""
    writer = _Writer(folder, name, columns or _ROW_LAYOUT[kind])
    try:
        writer.csv.writerows(rows)
        writer.rows = len(rows)
        written = writer.close()
    except BaseException:
        writer.abort()
        raise
    progress(f"write {name}", written, written)
    return written


def _code(p: int) -> str:
    """The prefecture code of index ``p``; blank for -1 (nationwide)."""
    return "" if p < 0 else _CODES[p]


def _day_text(day: int) -> str:
    """The text of day ``day`` (an ordinal); blank for 0."""
    return date.fromordinal(day).isoformat() if day else ""


def _asset_rows(assets: list[_Asset]) -> list[tuple[object, ...]]:
    """The rows of assets.csv."""
    return [(a.id, a.name, _CATEGORIES[a.category].value, _CODES[a.pref], "") for a in assets]


def _centre_rows(centres: list[_Centre], events: Events) -> list[tuple[object, ...]]:
    """The rows of centres.csv (a blank capacity for none; the day a closed one ended)."""
    return [
        (
            c.id,
            c.name,
            _CODES[c.pref],
            c.kind.value,
            "" if c.capacity is None else c.capacity,
            _day_text(ended),
        )
        for c, ended in zip(centres, events.centre_end, strict=True)
    ]


def _financier_rows(fins: list[_Financier]) -> list[tuple[object, ...]]:
    """The rows of financiers.csv."""
    return [(f.id, f.name, f.kind.value, _code(f.pref), "") for f in fins]


def _specialist_rows(specs: list[_Specialist], events: Events) -> list[tuple[object, ...]]:
    """The rows of specialists.csv (expertise joined by ';'; the day a retired one ended)."""
    return [
        (s.id, s.name, s.background.value, ";".join(s.expertise), _code(s.pref), _day_text(ended))
        for s, ended in zip(specs, events.spec_end, strict=True)
    ]


@dataclass(slots=True)
class _Copies:
    """The copies of a dataset with duplicates: the enterprises' and the financiers', and
    the registry cells of each original financier."""

    enterprises: EnterpriseDuplicator
    financiers: FinancierDuplicator
    financier_cells: list[tuple[str, str, str]]


def _present(cells: Sequence[str]) -> dict[str, object]:
    """The registry cells (corporate_number, address, phone) that are not blank, by column."""
    return {column: cell for column, cell in zip(REGISTRY_COLUMNS, cells, strict=True) if cell}


def _financier_rows_with(fins: list[_Financier], copies: _Copies) -> list[tuple[object, ...]]:
    """The rows of financiers.csv with the registry columns, the copies after the
    originals."""
    rows: list[tuple[object, ...]] = [
        (*row, *cells)
        for row, cells in zip(_financier_rows(fins), copies.financier_cells, strict=True)
    ]
    rows += [copy.row for copy in copies.financiers.copies]
    return rows


def _write_truth(folder: Path, n: int, fins: list[_Financier], copies: _Copies) -> int:
    """Write truth.csv: every enterprise and financier id with the id of the firm it stands
    for (its own, or its original's for a copy), in id order; returns the row count."""
    writer = _Writer(folder, "truth.csv", ("id", "entity"))
    try:
        row = writer.csv.writerow
        for i in range(1, n + 1):
            eid = f"E{i:07d}"
            row((eid, eid))
        writer.csv.writerows((c.id, c.of) for c in copies.enterprises.copies)
        writer.csv.writerows((f.id, f.id) for f in fins)
        writer.csv.writerows((c.id, c.of) for c in copies.financiers.copies)
        writer.rows = n + len(copies.enterprises.copies) + len(fins)
        writer.rows += len(copies.financiers.copies)
        return writer.close()
    except BaseException:
        writer.abort()
        raise


def _node_sections(
    clock: Clock,
    assets: list[_Asset],
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    events: Events,
    copies: _Copies | None = None,
) -> list[list[tuple[str, str]]]:
    """The (id, provenance line) of the assets, centres, financiers and specialists: each
    asserted by who keeps it (METI's list, the prefecture, the bank union, the specialist's
    centre); a closed centre's or retired specialist's assertion retracted on that day.
    With ``copies``, the financiers' values hold their registry cells, and the financiers'
    copies follow, each asserted by the contributor whose file holds it."""

    def line(node_id: str, who: str, values: dict[str, object], base: int, ended: int) -> str:
        recorded, seen, retracted = clock.stamps(who, base, ended)
        return f"{node_id},{who},{recorded},{seen},{retracted},{csv_values(values)}\n"

    def place(p: int) -> dict[str, object]:
        return {} if p < 0 else {"prefecture": _CODES[p]}

    asset_lines = [
        (
            a.id,
            line(
                a.id,
                METI,
                {"name": a.name, "category": _CATEGORIES[a.category].value, **place(a.pref)},
                _ACT_START,
                0,
            ),
        )
        for a in assets
    ]
    centre_lines = []
    for c, ended in zip(centres, events.centre_end, strict=True):
        values: dict[str, object] = {"name": c.name, **place(c.pref), "kind": c.kind.value}
        if c.capacity is not None:
            values["capacity"] = c.capacity
        who = prefecture_contributor(_CODES[c.pref])
        centre_lines.append((c.id, line(c.id, who, values, _CENTRES_START, ended)))
    fin_lines = []
    for index, f in enumerate(fins):
        values = {"name": f.name, "kind": f.kind.value, **place(f.pref)}
        if copies is not None:
            values.update(_present(copies.financier_cells[index]))
        fin_lines.append((f.id, line(f.id, BANK_UNION, values, 0, 0)))
    if copies is not None:
        for copy in copies.financiers.copies:
            row = copy.row
            values = {"name": row[1], "kind": row[2], **_present(row[5:8])}
            if row[3]:
                values["prefecture"] = row[3]
            fin_lines.append((copy.id, line(copy.id, copy.contributor, values, 0, 0)))
    spec_lines = []
    for s, ended in zip(specs, events.spec_end, strict=True):
        values = {
            "name": s.name,
            "background": s.background.value,
            "expertise": [x.value for x in s.expertise],
            **place(s.pref),
        }
        who = centres[s.centres[0]].id
        spec_lines.append((s.id, line(s.id, who, values, _CENTRES_START, ended)))
    return [asset_lines, centre_lines, fin_lines, spec_lines]


# ---------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------

_R = RelationType
#: (lowest strength, highest strength, share with a blank since) by relation type.
_TIE: dict[RelationType, tuple[float, float, float]] = {
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

# How well a centre kind fits an enterprise division (for SUPPORTS): by division where it
# differs from the kind's fit to every other division.
_CENTRE_FIT = {
    CentreKind.AGRICULTURAL_COOPERATIVE: {"A": 4.0, "B": 3.0, "E": 1.2, "I": 0.8, "M": 0.8},
    CentreKind.UNIVERSITY: {"E": 2.0, "G": 2.0, "L": 3.0},
    CentreKind.SME_FEDERATION: {"E": 1.5, "D": 1.3},
    CentreKind.PREFECTURAL_CENTRE: {"E": 1.5, "G": 1.3, "L": 1.3},
}
_CENTRE_FIT_DEFAULT = {
    CentreKind.CHAMBER_OF_COMMERCE: 1.0,
    CentreKind.COMMERCE_ASSOCIATION: 1.0,
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

# The private lenders of a prefecture, by how often small (under 20 staff) and larger firms
# borrow from each kind; the prefecture's leading regional bank counts 1.5 times.
_LENDER_WEIGHT_SMALL = {
    FinancierKind.REGIONAL_BANK: 4.0,
    FinancierKind.SECOND_REGIONAL_BANK: 2.0,
    FinancierKind.SHINKIN_BANK: 2.2,
    FinancierKind.CREDIT_COOPERATIVE: 0.9,
}
_LENDER_WEIGHT_LARGE = {
    FinancierKind.REGIONAL_BANK: 6.0,
    FinancierKind.SECOND_REGIONAL_BANK: 2.0,
    FinancierKind.SHINKIN_BANK: 1.2,
    FinancierKind.CREDIT_COOPERATIVE: 0.4,
}
# (small firms, larger firms): the weight of each city bank, in and outside the metropoles.
_CITY_BANK_WEIGHT_METRO = (0.8, 3.0)
_CITY_BANK_WEIGHT_ELSEWHERE = (0.1, 0.5)

# The banks a retired banker worked at, by kind (of their prefecture, or else a city bank).
_FORMER_BANK_WEIGHT = {
    FinancierKind.REGIONAL_BANK: 3.0,
    FinancierKind.SECOND_REGIONAL_BANK: 1.5,
    FinancierKind.SHINKIN_BANK: 1.0,
    FinancierKind.CREDIT_COOPERATIVE: 0.5,
}
# The share of specialists of a background who keep a tie to a firm they worked at.
_FORMER_FIRM_SHARE = {_B.BUSINESS: 0.45, _B.CONSULTANT: 0.1, _B.OTHER: 0.1}

_WHOLESALE = _IIDX["I"]
_INVESTABLE = {_IIDX["E"], _IIDX["G"], _IIDX["L"]}


#: Ties that end by themselves: (share of the dated ties, fewest days, further days, stated).
#: A stated end is in the contributor's own file (the assertion stands, with ``until``);
#: another is a retraction by the contributor on that day (its next whole file, loaded with
#: --replace, no longer lists the tie). An end after the data's last day is not drawn.
_ENDS: dict[RelationType, tuple[float, int, int, bool]] = {
    _R.LENDS_TO: (0.35, 3 * 365, 7 * 365, True),  # repaid after 3 to 10 years
    _R.GUARANTEES: (0.4, 3 * 365, 4 * 365, True),  # expired after 3 to 7 years
    _R.INVESTS_IN: (0.3, 5 * 365, 5 * 365, True),  # the fund exited after 5 to 10 years
    _R.SUPPORTS: (0.3, 365, 5 * 365, False),  # the client left the list after 1 to 6 years
    _R.ADVISES: (0.35, 182, 4 * 365, False),  # the engagement ended after 6 months to 4.5 years
}
#: The share of ties that a second contributor (where one is named) asserts as well, with a
#: slightly different strength (±0.01 to 0.08) and since (±1 to 90 days).
_OVERLAP = 0.04

# One assertion while its tie is drawn: (last_seen, contributor, retracted_at, retracted
# day, recorded_at, strength, since, until); days are ordinals, 0 for none. Tuples compare
# by (last_seen, contributor) first, the order in which the latest standing one is found.
_Assertion = tuple[str, str, str, int, str, str, int, int]


class _RelationWriter:
    """Draws each tie's values and its contributors' assertions: buffers the relation rows
    (the effective values) and writes them in batches, and hands the assertion lines to
    the provenance writer (an enterprise's own ties in ``e_lines`` until its node is
    written; the others in the writer's ``others``). Counts the rows."""

    def __init__(
        self, folder: Path, rng: random.Random, clock: Clock, provenance: ProvenanceWriter
    ) -> None:
        self.out = _Writer(folder, "relations.csv", _RELATION_LAYOUT)
        self.buffer: list[tuple[str, str, str, str, str, str]] = []
        self.rnd = rng.random
        self.count = 0
        self.clock = clock
        if clock.first != _FIRST_DAY:  # pragma: no cover - the days are looked up from it
            raise ValueError("the clock's days must begin on _FIRST_DAY")
        self.texts = clock.texts
        self.fields: dict[str, tuple[int, int, str, str]] = {}
        self.provenance = provenance
        self.others = provenance.others
        self.e_lines: list[str] = []
        self.kind_text = {kind: kind.value for kind in RelationType}
        # the JSON of each strength text ("0.70" -> "0.7"), as graph.provenance.values_text
        self.strength_json = {f"{k / 100:.2f}": repr(k / 100) for k in range(1, 101)}

    def add(
        self,
        source: str,
        kind: RelationType,
        target: str,
        earliest: int,
        low: float = 0.0,
        high: float = 0.0,
        by: str = "",
        second: str = "",
        end: int = 0,
    ) -> bool:
        """Add one tie with a strength typical of ``kind`` (or from ``low`` to ``high``) and
        a ``since`` date from the day ``earliest`` (an ordinal) to the data's last day, or
        the day before ``end``, the day one of its ends closed or retired (0: never).

        ``by`` asserts it; ``second`` (when named) now and then too, with slightly
        different values; it may end by itself (:data:`_ENDS`), and ends on ``end``, when
        every assertion of it is retracted (by an admin). Returns whether ``by``'s assertion
        stands; False, drawing nothing, when the tie cannot begin before ``end``."""
        drawn = self._draw(kind, earliest, low, high, end, second)
        if drawn is None:
            return False
        latest, strength, since, until, stated, overlap = drawn
        lines = self.e_lines if source[0] == "E" else self.others
        if until or end or overlap:
            return self._dated(
                lines, (source, kind, target), (earliest, latest, end), strength,
                since, until, stated, by, second if overlap else "",
            )  # fmt: skip
        # the common case: one contributor's standing assertion, recorded a few days after
        # the tie began (Clock.recorded, written out here: it is the hottest path)
        first, last, head, tail = self.fields.get(by) or self._fields(by)
        texts, kind_text, strength_json = self.texts, self.kind_text[kind], self.strength_json
        if since:
            since_text = texts[since - _FIRST_DAY]
            day = since + since % 29
            if day < first:
                day = first
            elif day > last:
                day = last
            lines.append(
                f"{source} {kind_text} {target}{head}{texts[day - _FIRST_DAY]}{tail}"
                f'"{{""since"":""{since_text}"",""strength"":{strength_json[strength]}}}"\n'
            )
        else:
            since_text = ""
            lines.append(
                f"{source} {kind_text} {target}{head}{texts[first - _FIRST_DAY]}{tail}"
                f'"{{""strength"":{strength_json[strength]}}}"\n'
            )
        # the type is a StrEnum: its text is its value, and the CSV writer writes that
        self.buffer.append((source, kind, target, strength, since_text, ""))
        if len(self.buffer) >= 8192:
            self.flush()
        return True

    def _draw(
        self, kind: RelationType, earliest: int, low: float, high: float, end: int, second: str
    ) -> tuple[int, str, int, int, bool, bool] | None:
        """The draws of one tie, in their order (see :meth:`add`): its last possible day,
        strength, since, until (0: none), whether ``until`` is stated by its contributor and
        whether ``second`` asserts it too; None, drawing nothing, when it cannot begin before
        ``end``."""
        if low:
            blank = _TIE[kind][2]
        else:
            low, high, blank = _TIE[kind]
        latest = end - 1 if end else _LAST_DAY
        if latest < earliest:
            return None
        rnd = self.rnd
        strength = f"{low + (high - low) * rnd():.2f}"
        since = 0 if rnd() < blank else earliest + int((latest - earliest + 1) * rnd())
        until = 0
        stated = False
        ends = _ENDS.get(kind)
        if ends is not None and since and rnd() < ends[0]:
            day = since + ends[1] + int(ends[2] * rnd())
            if day <= latest:
                until = day
                stated = ends[3]
        return latest, strength, since, until, stated, bool(second) and rnd() < _OVERLAP

    def _fields(self, contributor: str) -> tuple[int, int, str, str]:
        """What the common case of :meth:`add` needs of ``contributor``'s calendar: its
        first and last load days, and the fields around its recorded day (``,contributor,``
        and ``time,last_seen,,``)."""
        first, last, suffix, last_seen = self.clock.profile(contributor)
        found = self.fields[contributor] = (
            first,
            last,
            f",{contributor},",
            f"{suffix},{last_seen},,",
        )
        return found

    def _values(self, strength: str, since: str, until: str) -> str:
        """The values field of an assertion: :func:`graph.provenance.relation_values` as
        canonical JSON (keys since, strength, until), quoted for CSV."""
        body = f'""strength"":{self.strength_json[strength]}'
        if since:
            body = f'""since"":""{since}"",{body}'
        if until:
            body = f'{body},""until"":""{until}""'
        return f'"{{{body}}}"'

    def _dated(
        self,
        lines: list[str],
        key: tuple[str, RelationType, str],
        days: tuple[int, int, int],
        strength: str,
        since: int,
        until: int,
        stated: bool,
        by: str,
        second: str,
    ) -> bool:
        """A tie that ends, or that two contributors assert: each assertion's line, and the
        row of the effective values, those of the latest standing assertion (or, when none
        stands, of the last one retracted, ended on the day of its retraction)."""
        assertions = self._assertions(days, strength, since, until, stated, by, second)
        self._emit(lines, key, assertions)
        return not assertions[0][2]

    def _assertions(
        self,
        days: tuple[int, int, int],
        strength: str,
        since: int,
        until: int,
        stated: bool,
        by: str,
        second: str,
    ) -> list[_Assertion]:
        """The assertions of a tie by ``by`` and (when named) ``second``, who gives slightly
        different values, drawn: see :meth:`_dated`."""
        earliest, latest, end = days
        if until and not stated:
            primary = self._assertion(by, strength, since, 0, until, by)
        else:
            primary = self._assertion(by, strength, since, until, end, ADMIN)
        assertions = [primary]
        if second:
            rnd = self.rnd
            value = float(strength)
            delta = (1 + int(8 * rnd())) / 100
            other = f"{value + delta if value + delta <= 1.0 else value - delta:.2f}"
            other_since = 0
            if since:
                shift = 1 + int(90 * rnd())
                other_since = since - shift if rnd() < 0.5 else since + shift
                other_since = min(max(other_since, earliest), latest)
            other_until = until if stated else 0
            assertions.append(self._assertion(second, other, other_since, other_until, end, ADMIN))
        return assertions

    def _emit(
        self,
        lines: list[str],
        key: tuple[str, RelationType, str],
        assertions: list[_Assertion],
    ) -> None:
        """Write the lines of ``assertions`` of the tie ``key`` and buffer its row, with
        the values of the latest standing assertion (or, when none stands, of the last one
        retracted, ended on the day of its retraction)."""
        clock = self.clock
        source, kind, target = key
        record = f"{source} {self.kind_text[kind]} {target}"
        for last_seen, who, retracted, _, recorded, s, d, u in assertions:
            values = self._values(s, clock.day(d) if d else "", clock.day(u) if u else "")
            lines.append(f"{record},{who},{recorded},{last_seen},{retracted},{values}\n")
        standing = [a for a in assertions if not a[2]]
        if standing:
            effective = max(standing)
            ends_on = effective[7]
        else:
            final = max(a[2] for a in assertions)
            effective = max(a for a in assertions if a[2] == final)
            # ended on the day of the retraction, unless it had ended before
            ends_on = effective[3]
            if effective[7] and effective[7] < ends_on:
                ends_on = effective[7]
        since_text = clock.day(effective[6]) if effective[6] else ""
        until_text = clock.day(ends_on) if ends_on else ""
        self.buffer.append((source, kind, target, effective[5], since_text, until_text))
        if len(self.buffer) >= 8192:
            self.flush()

    def _assertion(
        self, who: str, strength: str, since: int, until: int, retracted: int, retractor: str
    ) -> _Assertion:
        """``who``'s assertion of a tie with these values, standing or (``retracted`` a
        day) retracted on that day by ``retractor``: :meth:`Clock.stamps`, written out with
        the days looked up."""
        first, last, suffix, last_seen = self.clock.profile(who)
        day = since + since % 29 if since else first
        if day < first:
            day = first
        texts = self.texts
        if not retracted:
            if day > last:
                day = last
            recorded = texts[day - _FIRST_DAY] + suffix
            return (last_seen, who, "", 0, recorded, strength, since, until)
        if day >= retracted:
            day = retracted - 1
        seen = retracted - 1 - retracted % 23
        if seen < day:
            seen = day
        retracted_at = texts[retracted - _FIRST_DAY] + self.clock.profile(retractor)[2]
        recorded, last_seen = texts[day - _FIRST_DAY] + suffix, texts[seen - _FIRST_DAY] + suffix
        return (last_seen, who, retracted_at, retracted, recorded, strength, since, until)

    def flush(self) -> None:
        """Write the buffered rows."""
        self.out.csv.writerows(self.buffer)
        self.count += len(self.buffer)
        self.buffer.clear()

    def close(self) -> int:
        """Write what is left and move the file into place; returns the row count."""
        self.flush()
        self.out.rows = self.count
        return self.out.close()


class _AliasingWriter(_RelationWriter):
    """A relation writer for a dataset with copies. Each assertion of a tie names the copy
    of an end that its contributor's file holds (``alias``: an original's id to its copies'
    (contributor, id)), so that a tie two contributors assert may become two records, one
    per file, each with its own values. The draws are those of :meth:`_RelationWriter.add`,
    in the same order, so that the network read through the copies' originals is the
    network drawn without them. The ties from an enterprise's copy wait in ``copy_lines``
    until the copy's node is written (:meth:`write_copies`), after every original."""

    def __init__(
        self,
        folder: Path,
        rng: random.Random,
        clock: Clock,
        provenance: ProvenanceWriter,
        alias: dict[str, list[tuple[str, str]]],
    ) -> None:
        super().__init__(folder, rng, clock, provenance)
        self.alias = alias
        self.copy_lines: dict[str, list[str]] = {}

    def add(
        self,
        source: str,
        kind: RelationType,
        target: str,
        earliest: int,
        low: float = 0.0,
        high: float = 0.0,
        by: str = "",
        second: str = "",
        end: int = 0,
    ) -> bool:
        """:meth:`_RelationWriter.add`, each assertion naming the ends its contributor's
        file names."""
        alias = self.alias
        if source not in alias and target not in alias:
            return super().add(source, kind, target, earliest, low, high, by, second, end)
        drawn = self._draw(kind, earliest, low, high, end, second)
        if drawn is None:
            return False
        latest, strength, since, until, stated, overlap = drawn
        assertions = self._assertions(
            (earliest, latest, end), strength, since, until, stated, by,
            second if overlap else "",
        )  # fmt: skip
        records: dict[tuple[str, str], list[_Assertion]] = {}
        for assertion in assertions:
            who = assertion[1]
            named = (self._named(source, who), self._named(target, who))
            records.setdefault(named, []).append(assertion)
        for (named_source, named_target), group in records.items():
            if named_source != source and named_source[0] == "E":
                lines = self.copy_lines.setdefault(named_source, [])
            elif named_source[0] == "E":
                lines = self.e_lines
            else:
                lines = self.others
            self._emit(lines, (named_source, kind, named_target), group)
        return not assertions[0][2]

    def _named(self, node: str, contributor: str) -> str:
        """The id ``contributor``'s file gives ``node``: its copy there, or its own."""
        for holder, copy_id in self.alias.get(node, ()):
            if holder == contributor:
                return copy_id
        return node

    def write_copies(self, copies: Sequence[Copy]) -> None:
        """Write the node of each enterprise copy (in id order, after every original),
        asserted by the contributor whose file holds it, with the ties from it."""
        clock = self.clock
        for copy in copies:
            who, row = copy.contributor, copy.row
            _, recorded = clock.recorded(who, _YEAR_START.get(copy.year, 0))
            values = _registry_values(row[1], row[2], row[3], row[4], row[5], row[7:10])
            node_line = f"{copy.id},{who},{recorded},{clock.profile(who)[3]},,{values}"
            self.provenance.enterprise(node_line, self.copy_lines.pop(copy.id, []))
        if self.copy_lines:  # pragma: no cover - every tie from a copy starts at its node
            raise RuntimeError(f"seeds: ties of no copy: {sorted(self.copy_lines)[:3]}")


def _write_relations(
    folder: Path,
    seed: int,
    ent: _Enterprises,
    assets: list[_Asset],
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    events: Events,
    clock: Clock,
    values_path: Path,
    progress: Progress,
    copies: _Copies | None = None,
) -> tuple[int, int]:
    """Draw every tie and write them as relations.csv, and every assertion as
    provenance.csv (first): the ties among centres, financiers and specialists, then each
    enterprise's (its values read back from ``values_path``). With ``copies``, each
    contributor's assertions name the copies its file holds, and the copies' nodes follow.
    Returns the row counts of provenance.csv and relations.csv; raises OSError if a file
    cannot be written (and leaves none behind)."""
    rng = _rng(seed, "relations")
    provenance = ProvenanceWriter(folder)
    ties_rng = _rng(seed, "ties")
    if copies is None:
        w = _RelationWriter(folder, ties_rng, clock, provenance)
    else:
        alias = {**copies.enterprises.alias, **copies.financiers.alias}
        w = _AliasingWriter(folder, ties_rng, clock, provenance, alias)
    try:
        _structural_relations(w, rng, ent, centres, fins, specs, events)
        with open(values_path, encoding="utf-8", newline="") as values:
            _enterprise_relations(
                w, rng, ent, assets, centres, fins, specs, events, values.readline, progress
            )
        if isinstance(w, _AliasingWriter) and copies is not None:
            w.write_copies(copies.enterprises.copies)
        w.flush()
        sections = _node_sections(clock, assets, centres, fins, specs, events, copies)
        asserted = provenance.close(sections)
        progress("write provenance.csv", asserted, asserted)
        written = w.close()
    except BaseException:
        provenance.abort()
        w.out.abort()
        raise
    return asserted, written


# ---------------------------------------------------------------------------
# Ties among centres, financiers and specialists
# ---------------------------------------------------------------------------


def _structural_relations(
    w: _RelationWriter,
    rng: random.Random,
    ent: _Enterprises,
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    events: Events,
) -> None:
    """Ties among centres, financiers and specialists (and specialists' former employers)."""
    _affiliations(w, centres, specs, events)
    _former_employers(w, rng.random, ent, centres, fins, specs, events)
    _partnerships(w, rng, centres, fins, events)
    _centre_collaborations(w, rng, centres, events)


def _affiliations(
    w: _RelationWriter, centres: list[_Centre], specs: list[_Specialist], events: Events
) -> None:
    """Each specialist with their centre(s), from the day the centres began, as the centre
    says (and now and then its prefecture); until the specialist retires or the centre
    closes."""
    for s, spec in enumerate(specs):
        for c in spec.centres:
            centre = centres[c]
            w.add(
                spec.id,
                _R.AFFILIATED_WITH,
                centre.id,
                _CENTRES_START,
                by=centre.id,
                second=prefecture_contributor(_CODES[centre.pref]),
                end=first_day(events.spec_end[s], events.centre_end[c]),
            )


def _city_banks(fins: list[_Financier]) -> list[int]:
    """The indices of the city banks among ``fins``."""
    return [index for index, fin in enumerate(fins) if fin.kind is FinancierKind.CITY_BANK]


def _former_employers(
    w: _RelationWriter,
    rnd: Callable[[], float],
    ent: _Enterprises,
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    events: Events,
) -> None:
    """Retired bankers keep a tie to their bank; some business people, consultants and
    others to a firm they worked at. The specialist's centre says so, until they retire."""
    banks_of_pref: list[list[int]] = [[] for _ in range(_NP)]
    for index, fin in enumerate(fins):
        if fin.kind in _FORMER_BANK_WEIGHT:
            banks_of_pref[fin.pref].append(index)
    city_banks = _city_banks(fins)
    for s, spec in enumerate(specs):
        home, end = centres[spec.centres[0]].id, events.spec_end[s]
        if spec.background is _B.BANKER and rnd() < 0.9:
            pool = banks_of_pref[spec.pref] if spec.pref >= 0 and rnd() < 0.85 else city_banks
            if pool:
                weights = _cumulative([_FORMER_BANK_WEIGHT.get(fins[i].kind, 1.0) for i in pool])
                bank = pool[_pick(rnd, weights)]
                w.add(spec.id, _R.WORKED_AT, fins[bank].id, _FIRST_DAY, by=home, end=end)
        share = _FORMER_FIRM_SHARE.get(spec.background, 0)
        if share and rnd() < share:
            p = spec.pref if spec.pref >= 0 else _pick(rnd, ent.pref_cum)
            if ent.members[p]:
                firm = ent.members[p][_pick(rnd, ent.cum[p])]
                w.add(spec.id, _R.WORKED_AT, f"E{firm + 1:07d}", _FIRST_DAY, by=home, end=end)


def _partnerships(
    w: _RelationWriter,
    rng: random.Random,
    centres: list[_Centre],
    fins: list[_Financier],
    events: Events,
) -> None:
    """Partnership agreements between each centre and financiers: its namesake bank, its
    prefecture's guarantee corporation and leading regional bank, the public lender, and
    now and then other local banks, a city bank or a fund. The centre says so, until it
    closes."""
    rnd = rng.random
    by_kind_pref: dict[tuple[FinancierKind, int], list[int]] = {}
    public = -1
    for index, fin in enumerate(fins):
        by_kind_pref.setdefault((fin.kind, fin.pref), []).append(index)
        if fin.kind is FinancierKind.GOVERNMENT:
            public = index
    city_banks = _city_banks(fins)
    for c, centre in enumerate(centres):
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
            w.add(
                centre.id,
                _R.PARTNERS_WITH,
                fins[index].id,
                _CENTRES_START,
                by=centre.id,
                end=events.centre_end[c],
            )


#: How often each pair of a prefecture's core centres works together: (first, second,
#: chance), indices into :data:`_CORE_KINDS`; the first starts the tie.
_CORE_TIES = ((0, 1, 0.9), (0, 2, 0.9), (1, 2, 0.5))


def _centre_collaborations(
    w: _RelationWriter, rng: random.Random, centres: list[_Centre], events: Events
) -> None:
    """Centres work together. In each prefecture the prefectural centre works with the
    federation of SME associations and the capital's chamber (90% each), and those two with
    each other (50%). Beyond that, centres work together mostly within their prefecture or
    block; some (never a core one) work alone. A pair of centres collaborates once, started
    by the first of them to draw the other, who says so; until one of them closes."""
    rnd = rng.random
    pairs: set[tuple[int, int]] = set()
    ordered: list[tuple[int, int]] = []
    core_of: list[list[int]] = [[] for _ in range(_NP)]
    for c, centre in enumerate(centres):
        if centre.core:
            core_of[centre.pref].append(c)
    for trio in core_of:
        for first, second, chance in _CORE_TIES:
            if rnd() < chance:
                a, b = trio[first], trio[second]
                pairs.add((min(a, b), max(a, b)))
                ordered.append((a, b))
    alone = [not centre.core and rnd() < 0.12 for centre in centres]
    by_pref: list[list[int]] = [[] for _ in range(_NP)]
    by_block: list[list[int]] = [[] for _ in REGIONAL_BLOCKS]
    for c, centre in enumerate(centres):
        if not alone[c]:
            by_pref[centre.pref].append(c)
            by_block[_BLOCK[centre.pref]].append(c)
    everyone = [c for c in range(len(centres)) if not alone[c]]
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
    ends = events.centre_end
    for a, b in ordered:
        source = centres[a].id
        end = first_day(ends[a], ends[b])
        w.add(source, _R.COLLABORATES_WITH, centres[b].id, _CENTRES_START, by=source, end=end)


# ---------------------------------------------------------------------------
# Each enterprise's ties
# ---------------------------------------------------------------------------


def _lender_tables(
    fins: list[_Financier],
) -> tuple[list[list[int]], list[list[float]], list[list[float]]]:
    """Per prefecture, the private lenders and the running sums of their weights for small
    and for larger firms: the local banks, then the city banks."""
    pools: list[list[int]] = [[] for _ in range(_NP)]
    small: list[list[float]] = [[] for _ in range(_NP)]
    large: list[list[float]] = [[] for _ in range(_NP)]
    city = _city_banks(fins)
    for p in range(_NP):
        metro = _CODES[p] in _METROPOLITAN
        for index, fin in enumerate(fins):
            if fin.pref == p and fin.kind in _LENDER_WEIGHT_SMALL:
                first = fin.kind is FinancierKind.REGIONAL_BANK and not any(
                    fins[i].kind is FinancierKind.REGIONAL_BANK for i in pools[p]
                )
                pools[p].append(index)
                small[p].append(_LENDER_WEIGHT_SMALL[fin.kind] * (1.5 if first else 1.0))
                large[p].append(_LENDER_WEIGHT_LARGE[fin.kind] * (1.5 if first else 1.0))
        city_small, city_large = _CITY_BANK_WEIGHT_METRO if metro else _CITY_BANK_WEIGHT_ELSEWHERE
        for index in city:
            pools[p].append(index)
            small[p].append(city_small)
            large[p].append(city_large)
    return pools, [_cumulative(s) for s in small], [_cumulative(s) for s in large]


def _guarantor_tables(fins: list[_Financier]) -> tuple[list[list[int]], list[list[float]]]:
    """Per prefecture, its guarantee corporations and the running sums of their shares of
    the guarantees (a city's own corporation takes part of them)."""
    pools: list[list[int]] = [[] for _ in range(_NP)]
    for index, fin in enumerate(fins):
        if fin.kind is FinancierKind.CREDIT_GUARANTEE_CORPORATION:
            pools[fin.pref].append(index)
    cums = [_cumulative(_CGC_SPLIT.get(_CODES[p], (1.0,))[: len(pools[p])]) for p in range(_NP)]
    return pools, cums


def _fund_pools(fins: list[_Financier]) -> list[list[int]]:
    """Per prefecture, the funds that may invest there: its own, the nationwide ones and
    the investment corporation of its block (Osaka's where the block has none)."""
    funds = [i for i, f in enumerate(fins) if f.kind is FinancierKind.FUND]
    pools: list[list[int]] = []
    for p in range(_NP):
        corp = _CORP_OF_BLOCK.get(PREFECTURES[p].block, "27")
        pools.append([i for i in funds if fins[i].pref in (p, -1) or _code(fins[i].pref) == corp])
    return pools


def _asset_tables(
    assets: list[_Asset],
) -> tuple[list[list[list[int]]], list[list[list[float]]]]:
    """By prefecture and category, the assets and the running sums of their popularity."""
    pools: list[list[list[int]]] = [[[] for _ in _CATEGORIES] for _ in range(_NP)]
    weights: list[list[list[float]]] = [[[] for _ in _CATEGORIES] for _ in range(_NP)]
    for a, asset in enumerate(assets):
        pools[asset.pref][asset.category].append(a)
        weights[asset.pref][asset.category].append(asset.weight)
    return pools, [[_cumulative(ws) for ws in per_cat] for per_cat in weights]


@dataclass(slots=True)
class _Firm:
    """The enterprise whose ties are being drawn."""

    index: int
    id: str
    pref: int
    ind: int
    size: int  # latent employees
    year: int  # founding year, 0 when blank
    earliest: int  # the first day (an ordinal) its ties may date from


class _EnterpriseTies:
    """Draws the ties of one enterprise after another: financing, support, advice,
    regional assets, trade and collaboration. The pools drawn from are built once (those
    of centres and specialists by prefecture and division, when first needed)."""

    def __init__(
        self,
        w: _RelationWriter,
        rng: random.Random,
        ent: _Enterprises,
        assets: list[_Asset],
        centres: list[_Centre],
        fins: list[_Financier],
        specs: list[_Specialist],
        events: Events,
        read_values: Callable[[], str],
    ) -> None:
        self.add = w.add
        self.writer = w
        self.read_values = read_values
        self.clock = w.clock
        self.node_fields: dict[tuple[str, int], str] = {}
        self.prefs = [prefecture_contributor(code) for code in _CODES]
        self.centre_end = events.centre_end
        self.spec_end = events.spec_end
        self.rng = rng
        self.rnd = rng.random
        self.ent = ent
        # financiers
        self.fin_ids = [f.id for f in fins]
        self.lenders, self.small_cum, self.large_cum = _lender_tables(fins)
        self.public = next(i for i, f in enumerate(fins) if f.kind is FinancierKind.GOVERNMENT)
        self.guarantors, self.guarantor_cum = _guarantor_tables(fins)
        self.funds = _fund_pools(fins)
        # centres and specialists
        self.centres = centres
        self.centre_ids = [c.id for c in centres]
        self.centres_of: list[list[int]] = [[] for _ in range(_NP)]
        for c, centre in enumerate(centres):
            self.centres_of[centre.pref].append(c)
        self.centre_tables: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        self.specs = specs
        self.spec_ids = [s.id for s in specs]
        self.spec_home = [centres[s.centres[0]].id for s in specs]
        self.spec_tables: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        # assets
        self.asset_ids = [a.id for a in assets]
        self.asset_pool, self.asset_cum = _asset_tables(assets)
        self.utilize = [_UTILIZE.get(letter, _UTILIZE_OTHER) for letter in _INDUSTRIES]
        self.utilize_cum = [_cumulative(mix) for _, mix in self.utilize]
        # other enterprises
        self.same_block = [
            [q for q in range(_NP) if _BLOCK[q] == _BLOCK[p] and q != p] for p in range(_NP)
        ]

    def draw(self, i: int) -> None:
        """Draw and add the ties of enterprise ``i``: from its financiers, centres and
        specialists, and its own to assets and to other enterprises."""
        ent = self.ent
        year = ent.founded[i]
        firm = _Firm(
            i,
            f"E{i + 1:07d}",
            ent.prefs[i],
            ent.inds[i],
            ent.emps[i],
            year,
            _YEAR_START[year] if year > 1990 else _FIRST_DAY,
        )
        self._financing(firm)
        centre = self._support(firm)
        self._advice(firm, centre is not None)
        self._assets(firm)
        self._trade(firm)
        self._collaboration(firm)
        # the node: on the list of a centre that supports it, else in the registry; its
        # assertion's fields but the id and values depend on who and the founding year
        who = centre or REGISTRY
        fields = self.node_fields.get((who, year))
        if fields is None:
            clock = self.clock
            _, recorded = clock.recorded(who, _YEAR_START.get(year, 0))
            fields = self.node_fields[who, year] = f"{who},{recorded},{clock.profile(who)[3]},,"
        w = self.writer
        w.provenance.enterprise(f"{firm.id},{fields}{self.read_values()}", w.e_lines)
        w.e_lines.clear()

    def _financing(self, firm: _Firm) -> None:
        """Most firms bank locally, with a main bank and perhaps others and the public
        lender; some with a guarantee, a few with an investment; some with no financier.
        The bank union's file has the loans (and now and then the prefecture's guarantee
        records, which name the lender), the prefecture's the guarantees (and now and then
        the bank union's), the SME organisation behind the funds the investments."""
        rnd, add, fin_ids = self.rnd, self.add, self.fin_ids
        p, size, year, eid, earliest = firm.pref, firm.size, firm.year, firm.id, firm.earliest
        pref = self.prefs[p]
        small_firm = size < 20
        no_finance = 0.17 + (0.08 if size <= 2 else -0.08 if size >= 20 else 0.0)
        if year >= 2015:
            no_finance += 0.05
        if rnd() < no_finance:
            return
        lenders = 1
        more = 0.33 + 0.07 * min(3.0, math.log10(1 + size))
        while lenders < 5 and rnd() < more:
            lenders += 1
        public_share = 0.15 if year >= 2015 else 0.08 if small_firm else 0.04
        use_public = rnd() < public_share
        if use_public and lenders > 1 and rnd() < 0.5:
            lenders -= 1
        pool = self.lenders[p]
        cum = self.small_cum[p] if small_firm else self.large_cum[p]
        chosen = _draw_distinct(lenders, 3 * lenders, lambda: pool[_pick(rnd, cum)])
        for rank, lender in enumerate(chosen):
            # The main bank is the strongest tie.
            if rank == 0:
                add(fin_ids[lender], _R.LENDS_TO, eid, earliest, 0.75, 0.95, BANK_UNION, pref)
            else:
                add(fin_ids[lender], _R.LENDS_TO, eid, earliest, by=BANK_UNION, second=pref)
        if use_public:
            add(fin_ids[self.public], _R.LENDS_TO, eid, earliest, by=BANK_UNION, second=pref)
        guarantors = self.guarantors[p]
        if guarantors and rnd() < (0.45 if small_firm else 0.25):
            cgc = guarantors[_pick(rnd, self.guarantor_cum[p])]
            add(fin_ids[cgc], _R.GUARANTEES, eid, earliest, by=pref, second=BANK_UNION)
        invest = 0.004 * (2.5 if firm.ind in _INVESTABLE else 1.0) * (2.0 if year >= 2010 else 1)
        if self.funds[p] and rnd() < invest:
            fund = self.rng.choice(self.funds[p])
            start = max(earliest, _YEAR_START[2000])
            add(fin_ids[fund], _R.INVESTS_IN, eid, start, by=SMRJ, second=BANK_UNION)

    def _support(self, firm: _Firm) -> str | None:
        """Centres of the prefecture take part of the firms as clients, by capacity and fit;
        each centre's list says so (now and then the prefecture's too), until the firm
        leaves it or the centre closes. None when the firm is no client; else the first
        centre that still lists it, or "" when none does."""
        rnd = self.rnd
        if rnd() >= (0.44 if firm.size <= 20 else 0.30):
            return None
        key = (firm.pref, firm.ind)
        pool, cum = self.centre_tables.get(key) or self._centre_table(*key)
        count = 1 + (rnd() < 0.15) + (rnd() < 0.03)
        start, pref, listed = max(firm.earliest, _CENTRES_START), self.prefs[firm.pref], ""
        for c in _draw_distinct(count, 3 * count, lambda: pool[_pick(rnd, cum)]):
            centre = self.centre_ids[c]
            end = self.centre_end[c]
            if self.add(centre, _R.SUPPORTS, firm.id, start, by=centre, second=pref, end=end):
                listed = listed or centre
        return listed

    def _centre_table(self, p: int, ind: int) -> tuple[list[int], list[float]]:
        """The centres of prefecture ``p`` and the running sums of their weights for a firm
        of division ``ind``: capacity (25 when blank) times fit."""
        letter = _INDUSTRIES[ind]
        pool = self.centres_of[p]
        weights = []
        for c in pool:
            centre = self.centres[c]
            fit = _CENTRE_FIT.get(centre.kind, {}).get(letter, _CENTRE_FIT_DEFAULT[centre.kind])
            weights.append((centre.capacity or 25) * fit)
        table = (pool, _cumulative(weights))
        self.centre_tables[p, ind] = table
        return table

    def _advice(self, firm: _Firm, supported: bool) -> None:
        """Specialists advise mostly supported firms, mostly from the firm's prefecture; the
        specialist's centre says so (now and then the prefecture too), until the engagement
        ends or the specialist retires."""
        rnd = self.rnd
        if rnd() >= (0.25 if supported else 0.05):
            return
        key = (firm.pref, firm.ind) if rnd() >= 0.04 else (-1, firm.ind)
        pool, cum = self.spec_tables.get(key) or self._specialist_table(*key)
        if not pool:
            return
        count = 1 + (rnd() < 0.2)
        start, pref = max(firm.earliest, _CENTRES_START), self.prefs[firm.pref]
        for s in _draw_distinct(count, 3 * count, lambda: pool[_pick(rnd, cum)]):
            self.add(
                self.spec_ids[s],
                _R.ADVISES,
                firm.id,
                start,
                by=self.spec_home[s],
                second=pref,
                end=self.spec_end[s],
            )

    def _specialist_table(self, p: int, ind: int) -> tuple[list[int], list[float]]:
        """The specialists who may advise a firm of division ``ind`` in prefecture ``p``
        (anywhere for -1) and the running sums of their weights: expertise that fits the
        division's needs counts most; nationwide ones count little in a prefecture."""
        needs = set(_NEEDS[_INDUSTRIES[ind]])
        pool, weights = [], []
        for s, spec in enumerate(self.specs):
            if p >= 0 and spec.pref not in (p, -1):
                continue
            fit = 1.0 + 2.0 * sum(x in needs for x in spec.expertise)
            fit += 0.5 * sum(x in _GENERAL_NEEDS for x in spec.expertise)
            pool.append(s)
            weights.append(fit * (0.1 if p >= 0 and spec.pref == -1 else 1.0))
        table = (pool, _cumulative(weights))
        self.spec_tables[p, ind] = table
        return table

    def _assets(self, firm: _Firm) -> None:
        """Regional assets of the prefecture, of a category that fits the industry (METI's
        list of the plans built on them says so)."""
        rnd = self.rnd
        p, ind = firm.pref, firm.ind
        if rnd() >= self.utilize[ind][0]:
            return
        category_cum, asset_cum, asset_pool = (
            self.utilize_cum[ind],
            self.asset_cum[p],
            self.asset_pool[p],
        )

        def draw() -> int | None:
            category = _pick(rnd, category_cum)
            cum = asset_cum[category]
            if not cum or cum[-1] <= 0:
                return None
            return asset_pool[category][_pick(rnd, cum)]

        count = 1 + (rnd() < 0.2)
        for a in _draw_distinct(count, 3 * count, draw):
            start = max(firm.earliest, _ACT_START)
            self.add(firm.id, _R.UTILIZES, self.asset_ids[a], start, by=METI)

    def _trade(self, firm: _Firm) -> None:
        """Suppliers sell to customers, mostly in the prefecture; big firms are hubs."""
        rnd = self.rnd
        wholesale = 1.3 if firm.ind == _WHOLESALE else 1
        trades = _poisson(rnd, 1.8 + 0.75 * math.log1p(firm.size) * wholesale)
        if not trades:
            return
        fit, inds = _TRADE_FIT[firm.ind], self.ent.inds
        draw = self._partners(firm, 0.035, initiated=False)
        chosen = _draw_distinct(trades, 4 * trades, draw, lambda j: rnd() < fit[inds[j]])
        self._add_pair_ties(firm, _R.TRADES_WITH, chosen)

    def _collaboration(self, firm: _Firm) -> None:
        """Collaborations, preferring fitting divisions; symmetric, so each pair has one
        possible initiator."""
        rnd = self.rnd
        if rnd() >= 0.4:
            return
        count = 1
        while count < 8 and rnd() < 0.35:
            count += 1
        fit, inds = _COLLAB_FIT[firm.ind], self.ent.inds
        draw = self._partners(firm, 0.05, initiated=True)
        chosen = _draw_distinct(count, 6 * count, draw, lambda j: rnd() < fit[inds[j]])
        self._add_pair_ties(firm, _R.COLLABORATES_WITH, chosen)

    def _partners(self, firm: _Firm, away: float, initiated: bool) -> Callable[[], int | None]:
        """A draw of another enterprise by attachment weight: of the firm's prefecture, or
        of another one with chance ``away``. The draw gives None for the firm itself, an
        empty prefecture or (when ``initiated``) a partner the firm may not start a
        collaboration with: each unordered pair has one possible initiator, decided by the
        parity of the sum of their indices."""
        rnd, members, cums = self.rnd, self.ent.members, self.ent.cum
        other_prefecture = self._other_prefecture
        i, p = firm.index, firm.pref

        def draw() -> int | None:
            q = p if rnd() >= away else other_prefecture(p)
            cum = cums[q]
            if not cum:
                return None
            j = members[q][bisect_right(cum, rnd() * cum[-1])]  # _pick, on the hottest path
            if j == i or (initiated and (i < j) != bool((i + j) & 1)):
                return None
            return j

        return draw

    def _other_prefecture(self, p: int) -> int:
        """A prefecture other than ``p``: half the time one of its block, else by enterprise
        count (``p`` itself only when eight draws all give it)."""
        rnd = self.rnd
        same_block = self.same_block[p]
        if same_block and rnd() < 0.5:
            return self.rng.choice(same_block)
        for _ in range(8):
            q = _pick(rnd, self.ent.pref_cum)
            if q != p:
                return q
        return p

    def _add_pair_ties(self, firm: _Firm, kind: RelationType, partners: list[int]) -> None:
        """Add a tie of ``kind`` from the firm to each of ``partners`` (enterprises), dated
        from the founding of the younger of the two, as the credit bureau has it."""
        founded, year, earliest = self.ent.founded, firm.year, firm.earliest
        for j in partners:
            other = founded[j]
            start = _YEAR_START[other] if other > 1990 and other > year else earliest
            self.add(firm.id, kind, f"E{j + 1:07d}", start, by=CREDIT_BUREAU)


def _enterprise_relations(
    w: _RelationWriter,
    rng: random.Random,
    ent: _Enterprises,
    assets: list[_Asset],
    centres: list[_Centre],
    fins: list[_Financier],
    specs: list[_Specialist],
    events: Events,
    read_values: Callable[[], str],
    progress: Progress,
) -> None:
    """Financing, support, advice, asset use, trade and collaboration, enterprise by
    enterprise (``read_values`` gives the values line of the next one)."""
    ties = _EnterpriseTies(w, rng, ent, assets, centres, fins, specs, events, read_values)
    n = ent.n
    for i in range(n):
        ties.draw(i)
        if (i + 1) % PROGRESS_EVERY == 0:
            progress("write relations.csv", i + 1, n)
    progress("write relations.csv", n, n)


# ---------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------


def generate_dataset(
    out: Path,
    enterprises: int = DEFAULT_ENTERPRISES,
    seed: int = DEFAULT_SEED,
    progress: Progress = no_progress,
    duplicates: float = 0.0,
) -> dict[str, int]:
    """Write a synthetic dataset of ``enterprises`` SMEs and their support network to ``out``.

    Writes ``enterprises.csv``, ``assets.csv``, ``centres.csv``, ``financiers.csv``,
    ``specialists.csv``, ``provenance.csv`` and then ``relations.csv`` (each file appears
    only when complete) and returns the row count per file name. The same ``enterprises``
    and ``seed`` always give byte-identical files. ``progress(stage, done, total)`` is
    called every 10,000 rows and at the end of each file; for ``relations.csv`` ``done``
    and ``total`` count enterprises whose ties have been written.

    ``duplicates`` (0 <= duplicates < 1; 0, the default, changes nothing) is the share of
    the enterprises that appear more than once: a copy under another id in another
    contributor's file, spelled as that office spells it, with the ties that file gives
    it; a few financiers likewise. The enterprises and financiers then have the optional
    columns corporate_number, address and phone, some names are near-namesakes of others,
    and ``truth.csv`` (written before provenance.csv) maps every enterprise and financier id
    to the id of the firm it stands for (see seeds/README.md, "Duplicates").

    Raises ValueError when ``enterprises`` is less than 1 or ``duplicates`` is not from 0
    to below 1 (or the copies' ids run out), TypeError when either is not a number of its
    kind, and OSError when ``out`` cannot be written.
    """
    enterprises = operator.index(enterprises)
    if enterprises < 1:
        raise ValueError(f"enterprises must be at least 1, got {enterprises}")
    rate = check_rate(duplicates)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # relations.csv comes last: while it is missing the folder is known to be incomplete.
    (out / "relations.csv").unlink(missing_ok=True)
    (out / "truth.csv").unlink(missing_ok=True)  # only a dataset with duplicates has one
    values_path = out / ".enterprise-values.partial"
    counts: dict[str, int] = {}
    dup = EnterpriseDuplicator(seed, enterprises, rate) if rate > 0 else None
    try:
        ent, counts["enterprises.csv"] = _write_enterprises(
            out, enterprises, seed, progress, values_path, dup
        )
        assets = _make_assets(enterprises, seed)
        fins = _make_financiers(enterprises, seed)
        centres = _make_centres(enterprises, seed, fins)
        specs = _make_specialists(seed, centres)
        events = _draw_events(seed, centres, specs)
        copies = None
        fin_rows = _financier_rows(fins)
        fin_columns: tuple[str, ...] = ()
        if dup is not None:
            fin_dup = FinancierDuplicator(seed, rate, dup.registry)
            originals = [(f.id, f.name, f.kind.value, _code(f.pref)) for f in fins]
            copies = _Copies(dup, fin_dup, fin_dup.draw(originals))
            fin_rows = _financier_rows_with(fins, copies)
            fin_columns = _ROW_LAYOUT[NodeKind.FINANCIER] + REGISTRY_COLUMNS
        for name, kind, rows, columns in (
            ("assets.csv", NodeKind.ASSET, _asset_rows(assets), ()),
            ("centres.csv", NodeKind.CENTRE, _centre_rows(centres, events), ()),
            ("financiers.csv", NodeKind.FINANCIER, fin_rows, fin_columns),
            ("specialists.csv", NodeKind.SPECIALIST, _specialist_rows(specs, events), ()),
        ):
            counts[name] = _write_rows(out, name, kind, rows, progress, columns)
        if copies is not None:
            counts["truth.csv"] = _write_truth(out, enterprises, fins, copies)
            progress("write truth.csv", counts["truth.csv"], counts["truth.csv"])
        clock = Clock(seed, _FIRST_DAY, _STAMP_LAST_DAY)
        counts["provenance.csv"], counts["relations.csv"] = _write_relations(
            out, seed, ent, assets, centres, fins, specs, events, clock, values_path, progress,
            copies,
        )  # fmt: skip
    finally:
        values_path.unlink(missing_ok=True)
    return counts


def _draw_events(seed: int, centres: list[_Centre], specs: list[_Specialist]) -> Events:
    """Which centres close and which specialists retire, and when (:func:`draw_events`): a
    centre may close unless it is one of its prefecture's three core centres or the
    university."""
    closable = [not c.core and c.kind is not CentreKind.UNIVERSITY for c in centres]
    return draw_events(
        _rng(seed, "history"),
        [c.pref for c in centres],
        closable,
        [s.centres[0] for s in specs],
        _LAST_DAY,
    )
