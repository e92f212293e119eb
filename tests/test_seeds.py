"""The synthetic seed dataset: valid, repeatable and shaped like the real network."""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from graph.japan import PREFECTURES
from graph.model import (
    ALLOWED_ENDPOINTS,
    FILE_KIND,
    FinancierKind,
    NodeKind,
    RelationType,
    SpecialistBackground,
)
from graph.rows import RELATION_COLUMNS, check_endpoints, node_columns, parse_node, parse_relation
from seeds import DEFAULT_ENTERPRISES, DEFAULT_SEED, generate_dataset
from seeds.generator import asset_count, centre_count, financier_counts

FILES = (*FILE_KIND, "provenance.csv", "relations.csv")
PROVENANCE_COLUMNS = ("record", "contributor", "recorded_at", "last_seen", "retracted_at", "values")
ENTERPRISE_TIES = {RelationType.TRADES_WITH.value, RelationType.COLLABORATES_WITH.value}
FINANCING = {"LENDS_TO", "GUARANTEES", "INVESTS_IN"}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Dataset:
    """A generated dataset, read back once."""

    def __init__(self, folder: Path, counts: dict[str, int]) -> None:
        self.folder = folder
        self.counts = counts
        self.rows = {name: read(folder, name) for name in FILES}
        self.kind_of: dict[str, NodeKind] = {}
        self.node: dict[str, dict[str, str]] = {}
        for name, kind in FILE_KIND.items():
            for row in self.rows[name]:
                self.kind_of.setdefault(row["id"], kind)
                self.node[row["id"]] = row

    @property
    def relations(self) -> list[dict[str, str]]:
        return self.rows["relations.csv"]

    def of_kind(self, name: str) -> list[dict[str, str]]:
        return self.rows[name]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("seed") / "dataset"
    counts = generate_dataset(folder, enterprises=2000, seed=7)
    return Dataset(folder, counts)


def test_defaults() -> None:
    assert DEFAULT_ENTERPRISES == 3000
    assert DEFAULT_SEED == 2008


@pytest.mark.parametrize("bad", [0, -5])
def test_rejects_fewer_than_one_enterprise(tmp_path: Path, bad: int) -> None:
    with pytest.raises(ValueError):
        generate_dataset(tmp_path / "x", enterprises=bad)
    assert not (tmp_path / "x" / "relations.csv").exists()


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first = generate_dataset(tmp_path / "a", enterprises=600, seed=11)
    second = generate_dataset(tmp_path / "b", enterprises=600, seed=11)
    other = generate_dataset(tmp_path / "c", enterprises=600, seed=12)
    assert first == second
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "enterprises.csv").read_bytes() != (
        tmp_path / "c" / "enterprises.csv"
    ).read_bytes()
    assert (tmp_path / "a" / "relations.csv").read_bytes() != (
        tmp_path / "c" / "relations.csv"
    ).read_bytes()
    assert other["enterprises.csv"] == 600


def test_files_counts_and_layout(data: Dataset) -> None:
    assert sorted(data.counts) == sorted(FILES)
    for name in FILES:
        raw = (data.folder / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r\n" not in raw, name
        header = raw.split(b"\n", 1)[0].decode()
        if name == "relations.csv":
            expected = RELATION_COLUMNS
        elif name == "provenance.csv":
            expected = PROVENANCE_COLUMNS
        else:
            expected = node_columns(FILE_KIND[name])
        assert tuple(header.split(",")) == expected, name
        assert data.counts[name] == len(data.rows[name]), name
    assert data.counts["enterprises.csv"] == 2000
    # Only the dataset files are left behind (no partial files).
    assert sorted(p.name for p in data.folder.iterdir()) == sorted(FILES)


def test_every_row_validates_and_obeys_allowed_endpoints(data: Dataset) -> None:
    for name, kind in FILE_KIND.items():
        for row in data.rows[name]:
            node = parse_node(kind, row)
            assert node.id == row["id"]
    for row in data.relations:
        relation = parse_relation(row)
        source, target = data.kind_of[row["source"]], data.kind_of[row["target"]]
        assert (source, target) in ALLOWED_ENDPOINTS[relation.type], row
        check_endpoints(relation, source, target)


def test_ids_unique_across_files_and_padded(data: Dataset) -> None:
    ids = [row["id"] for name in FILE_KIND for row in data.rows[name]]
    assert len(ids) == len(set(ids))
    enterprise_ids = [row["id"] for row in data.of_kind("enterprises.csv")]
    assert enterprise_ids == sorted(enterprise_ids)
    assert enterprise_ids[0] == "E0000001" and enterprise_ids[-1] == "E0002000"
    prefixes = {
        "assets.csv": "A",
        "centres.csv": "C",
        "financiers.csv": "F",
        "specialists.csv": "S",
    }
    for name, prefix in prefixes.items():
        column = [row["id"] for row in data.rows[name]]
        assert all(i.startswith(prefix) and i[1:].isdigit() for i in column)
        assert len({len(i) for i in column}) == 1, name


def test_no_duplicate_relations_or_self_ties(data: Dataset) -> None:
    keys = [(r["source"], r["type"], r["target"]) for r in data.relations]
    assert len(keys) == len(set(keys))
    assert all(r["source"] != r["target"] for r in data.relations)
    # COLLABORATES_WITH is symmetric: a pair appears once, in one direction.
    pairs = [
        frozenset((r["source"], r["target"]))
        for r in data.relations
        if r["type"] == "COLLABORATES_WITH"
    ]
    assert len(pairs) == len(set(pairs))


def test_strength_and_since(data: Dataset) -> None:
    today = date.today().isoformat()
    blank = 0
    for row in data.relations:
        strength = row["strength"]
        assert len(strength.split(".")[1]) == 2 and 0 < float(strength) <= 1, row
        if not row["since"]:
            blank += 1
            continue
        assert "1990-01-01" <= row["since"] <= "2026-03-31" <= today, row
        if row["until"]:
            assert row["since"] < row["until"] <= "2026-03-31", row
    assert 0 < blank < 0.3 * len(data.relations)
    lends = [float(r["strength"]) for r in data.relations if r["type"] == "LENDS_TO"]
    trades = [float(r["strength"]) for r in data.relations if r["type"] == "TRADES_WITH"]
    assert min(lends) >= 0.6 and statistics.mean(lends) > statistics.mean(trades)


def test_every_prefecture_is_covered(data: Dataset) -> None:
    codes = {p.code for p in PREFECTURES}
    enterprises = Counter(r["prefecture"] for r in data.of_kind("enterprises.csv"))
    assert set(enterprises) == codes
    assert min(enterprises.values()) >= 3
    assert enterprises.most_common(1)[0][0] == "13"  # Tokyo
    assert enterprises["27"] > enterprises["31"] * 3  # Osaka far above Tottori
    assert {r["prefecture"] for r in data.of_kind("centres.csv")} == codes
    categories = {(r["prefecture"], r["category"]) for r in data.of_kind("assets.csv")}
    assert categories == {(c, k) for c in codes for k in ("agricultural", "industrial", "tourism")}


def test_enterprise_attributes_look_real(data: Dataset) -> None:
    rows = data.of_kind("enterprises.csv")
    industries = Counter(r["industry"] for r in rows)
    assert industries["I"] > industries["E"] > industries["G"] > industries["B"]
    assert industries["D"] > 0.08 * len(rows)
    employees = [int(r["employees"]) for r in rows if r["employees"]]
    assert 0.05 < 1 - len(employees) / len(rows) < 0.15
    assert statistics.median(employees) <= 20 and max(employees) >= 100
    years = [int(r["founded"]) for r in rows if r["founded"]]
    assert 0.02 < 1 - len(years) / len(rows) < 0.08
    assert statistics.median(years) > 1960 and max(years) <= 2024
    names = [r["name"] for r in rows]
    assert any("株式会社" in n for n in names)
    assert any("," in n for n in names) and any('"' in n for n in names)


def test_financiers(data: Dataset) -> None:
    rows = data.of_kind("financiers.csv")
    kinds = Counter(r["kind"] for r in rows)
    assert kinds[FinancierKind.CREDIT_GUARANTEE_CORPORATION] == 51
    assert kinds[FinancierKind.GOVERNMENT] == 1
    government = next(r for r in rows if r["kind"] == FinancierKind.GOVERNMENT)
    assert government["prefecture"] == "" and government["name"] == "日本政策金融公庫"
    assert all(r["prefecture"] == "" for r in rows if r["kind"] == FinancierKind.CITY_BANK)
    assert kinds[FinancierKind.CITY_BANK] == 4 and kinds[FinancierKind.FUND] >= 1
    assert kinds[FinancierKind.REGIONAL_BANK] == 61
    assert kinds[FinancierKind.SECOND_REGIONAL_BANK] == 34
    regional = {r["prefecture"] for r in rows if r["kind"] == FinancierKind.REGIONAL_BANK}
    assert regional == {p.code for p in PREFECTURES} - {"23"}  # none in Aichi
    cgc = Counter(r["prefecture"] for r in rows if r["kind"] == "credit_guarantee_corporation")
    assert set(cgc) == {p.code for p in PREFECTURES}
    assert cgc["14"] == 3 and cgc["23"] == 2 and cgc["21"] == 2


def test_specialists(data: Dataset) -> None:
    rows = data.of_kind("specialists.csv")
    assert {r["background"] for r in rows} == {b.value for b in SpecialistBackground}
    assert 2 <= len(rows) / len(data.of_kind("centres.csv")) <= 4
    for row in rows:
        words = row["expertise"].split(";")
        assert 1 <= len(words) <= 3 and len(set(words)) == len(words)
        if row["background"] == "patent_attorney":
            assert "intellectual_property" in words
        if row["background"] == "banker":
            assert {"finance", "succession"} & set(words)
        if row["background"] == "lawyer":
            assert "legal" in words
    assert sum(1 for r in rows if r["prefecture"]) > 0.8 * len(rows)
    affiliated = Counter(r["source"] for r in data.relations if r["type"] == "AFFILIATED_WITH")
    assert all(1 <= affiliated[r["id"]] <= 3 for r in rows)
    bankers = {r["id"] for r in rows if r["background"] == "banker"}
    worked = {
        r["source"]
        for r in data.relations
        if r["type"] == "WORKED_AT" and data.kind_of[r["target"]] is NodeKind.FINANCIER
    }
    assert worked and worked <= bankers and len(worked) > 0.7 * len(bankers)


def test_financing_patterns(data: Dataset) -> None:
    enterprises = data.of_kind("enterprises.csv")
    financed = {r["target"] for r in data.relations if r["type"] in FINANCING}
    share = 1 - len(financed) / len(enterprises)
    assert 0.12 <= share <= 0.26, share
    local = total = 0
    for r in data.relations:
        if r["type"] != "LENDS_TO":
            continue
        total += 1
        lender = data.node[r["source"]]["prefecture"]
        local += lender in ("", data.node[r["target"]]["prefecture"])
    assert local == total  # lenders are local or nationwide
    for r in data.relations:
        if r["type"] == "GUARANTEES":
            assert data.node[r["source"]]["kind"] == "credit_guarantee_corporation"
            assert data.node[r["source"]]["prefecture"] == data.node[r["target"]]["prefecture"]
    lenders = Counter(r["target"] for r in data.relations if r["type"] == "LENDS_TO")
    assert 1.2 <= statistics.mean(lenders.values()) <= 2.5


def test_support_advice_and_assets(data: Dataset) -> None:
    n = len(data.of_kind("enterprises.csv"))
    supported = {r["target"] for r in data.relations if r["type"] == "SUPPORTS"}
    assert 0.3 <= len(supported) / n <= 0.5
    for r in data.relations:
        if r["type"] in ("SUPPORTS", "UTILIZES"):
            assert data.node[r["source"]]["prefecture"] == data.node[r["target"]]["prefecture"]
    advised = [r for r in data.relations if r["type"] == "ADVISES"]
    same = sum(
        data.node[r["source"]]["prefecture"] in ("", data.node[r["target"]]["prefecture"])
        for r in advised
    )
    assert advised and same > 0.9 * len(advised)
    assets = data.of_kind("assets.csv")
    used = {r["target"] for r in data.relations if r["type"] == "UTILIZES"}
    assert 0.05 <= 1 - len(used) / len(assets) <= 0.4
    # Farms build on agricultural resources, inns on tourism.
    category = {a["id"]: a["category"] for a in assets}
    by_industry: dict[str, Counter] = {}
    for r in data.relations:
        if r["type"] == "UTILIZES":
            industry = data.node[r["source"]]["industry"]
            by_industry.setdefault(industry, Counter())[category[r["target"]]] += 1
    assert by_industry["M"]["tourism"] > by_industry["M"]["industrial"]
    assert by_industry["E"]["industrial"] > by_industry["E"]["tourism"]
    partners = [r for r in data.relations if r["type"] == "PARTNERS_WITH"]
    assert any(data.node[r["target"]]["kind"] == "credit_guarantee_corporation" for r in partners)
    assert any(data.node[r["target"]]["kind"] == "government" for r in partners)


def test_enterprise_ties_are_local_and_heavy_tailed(data: Dataset) -> None:
    ties = [r for r in data.relations if r["type"] in ENTERPRISE_TIES and r["source"][0] == "E"]
    cross = sum(
        data.node[r["source"]]["prefecture"] != data.node[r["target"]]["prefecture"] for r in ties
    )
    assert 0.01 <= cross / len(ties) <= 0.08
    degree: Counter = Counter()
    for r in data.relations:
        degree[r["source"]] += 1
        degree[r["target"]] += 1
    degrees = sorted(degree[r["id"]] for r in data.of_kind("enterprises.csv"))
    assert max(degrees) >= 5 * statistics.median(degrees)
    assert 4.5 <= len(data.relations) / len(degrees) <= 8
    # Centres work together, mostly within their prefecture.
    centres = {r["id"] for r in data.of_kind("centres.csv")}
    ties = [
        r for r in data.relations if r["type"] == "COLLABORATES_WITH" and r["source"] in centres
    ]
    collaborating = {x for r in ties for x in (r["source"], r["target"])}
    assert collaborating <= centres and len(collaborating) > 0.8 * len(centres)
    local = sum(data.node[r["source"]]["prefecture"] == data.node[r["target"]]["prefecture"]
                for r in ties)  # fmt: skip
    assert local > 0.6 * len(ties)


def test_progress_reports_each_file(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    generate_dataset(tmp_path / "p", enterprises=300, progress=lambda *a: calls.append(a))
    stages = {stage for stage, _, _ in calls}
    assert len(stages) == len(FILES)
    for name in FILES:
        mine = [c for c in calls if name in c[0]]
        assert mine and mine[-1][1] == mine[-1][2] > 0, name


def test_tiny_dataset_is_valid(tmp_path: Path) -> None:
    counts = generate_dataset(tmp_path / "t", enterprises=1, seed=3)
    assert counts["enterprises.csv"] == 1 and counts["centres.csv"] == 142
    tiny = Dataset(tmp_path / "t", counts)
    for row in tiny.relations:
        relation = parse_relation(row)
        check_endpoints(relation, tiny.kind_of[row["source"]], tiny.kind_of[row["target"]])


def test_scaling_rules() -> None:
    assert centre_count(1) == 142 and centre_count(2000) == 145
    assert centre_count(50_000) == 229 and centre_count(100_000) == 316
    assert centre_count(1_000_000) == 316
    full = financier_counts(100_000)
    assert full[FinancierKind.REGIONAL_BANK] == 61
    assert full[FinancierKind.SECOND_REGIONAL_BANK] == 34
    assert full[FinancierKind.SHINKIN_BANK] == 254
    assert full[FinancierKind.CREDIT_COOPERATIVE] == 145
    small = financier_counts(100)
    assert small[FinancierKind.CREDIT_GUARANTEE_CORPORATION] == 51
    assert small[FinancierKind.REGIONAL_BANK] == 61
    assert small[FinancierKind.SECOND_REGIONAL_BANK] == 34
    assert asset_count(1) == 141 and 2000 <= asset_count(100_000) <= 8000
    assert asset_count(1_000_000) == 8354
