"""The real institutions of the seed dataset (seeds/institutions.py) and how the generator
uses them: the right counts, unique names, valid prefectures, and centres that work together
in the demo-size dataset."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from graph.japan import PREFECTURE_BY_CODE, PREFECTURES
from graph.loaders import load_dataset
from graph.queries.density import density_table
from graph.store.embedded import EmbeddedStore
from seeds import DEFAULT_ENTERPRISES, DEFAULT_SEED, generate_dataset, institutions
from seeds.institutions import Institution

CODES = {p.code for p in PREFECTURES}
LISTS = {
    "guarantee corporations": institutions.GUARANTEE_CORPORATIONS,
    "prefectural centres": institutions.PREFECTURAL_CENTRES,
    "regional banks": institutions.REGIONAL_BANKS,
    "second regional banks": institutions.SECOND_REGIONAL_BANKS,
}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("listed", LISTS.values(), ids=LISTS.keys())
def test_each_list_has_unique_names_in_valid_prefectures(listed: tuple[Institution, ...]) -> None:
    names = [i.name for i in listed]
    assert len(names) == len(set(names))
    assert all(i.prefecture in CODES for i in listed)
    assert all(name and name == name.strip() for name in names)
    codes = [i.prefecture for i in listed]
    assert codes == sorted(codes)  # prefecture order


def test_guarantee_corporations() -> None:
    listed = institutions.GUARANTEE_CORPORATIONS
    assert len(listed) == 51
    per = Counter(i.prefecture for i in listed)
    assert set(per) == CODES
    assert per["14"] == 3 and per["21"] == 2 and per["23"] == 2 and sum(per.values()) == 51
    names = {i.name for i in listed}
    assert {
        "東京信用保証協会",
        "大阪信用保証協会",
        "京都信用保証協会",
        "北海道信用保証協会",
    } <= names
    assert {"横浜市信用保証協会", "川崎市信用保証協会", "名古屋市信用保証協会"} <= names
    assert all(name.endswith("信用保証協会") for name in names)


def test_one_prefectural_centre_per_prefecture() -> None:
    listed = institutions.PREFECTURAL_CENTRES
    assert [i.prefecture for i in listed] == [p.code for p in PREFECTURES]
    assert all(i.name.startswith("公益財団法人") for i in listed)
    by_code = {i.prefecture: i.name for i in listed}
    assert by_code["13"] == "公益財団法人東京都中小企業振興公社"
    # 茨城県中小企業振興公社 became いばらき中小企業グローバル推進機構 in April 2020
    assert by_code["08"] == "公益財団法人いばらき中小企業グローバル推進機構"


def test_banks() -> None:
    regional = institutions.REGIONAL_BANKS
    second = institutions.SECOND_REGIONAL_BANKS
    assert len(regional) == 61 and len(second) == 34
    assert {i.prefecture for i in regional} == CODES - {"23"}  # Aichi has none
    assert not {i.name for i in regional} & {i.name for i in second}
    assert all(i.name.endswith("銀行") for i in (*regional, *second))
    assert len(institutions.CITY_BANKS) == 4
    chambers = institutions.CAPITAL_CHAMBERS
    assert set(chambers) == CODES and len(set(chambers.values())) == len(CODES)
    assert institutions.sme_federation("東京都") == "東京都中小企業団体中央会"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "dataset"
    generate_dataset(folder, enterprises=DEFAULT_ENTERPRISES, seed=DEFAULT_SEED)
    return folder


def test_the_dataset_uses_the_real_names(demo: Path) -> None:
    fins = read(demo, "financiers.csv")
    for kind, listed in (
        ("credit_guarantee_corporation", institutions.GUARANTEE_CORPORATIONS),
        ("regional_bank", institutions.REGIONAL_BANKS),
        ("second_regional_bank", institutions.SECOND_REGIONAL_BANKS),
    ):
        drawn = sorted((r["name"], r["prefecture"]) for r in fins if r["kind"] == kind)
        assert drawn == sorted((i.name, i.prefecture) for i in listed), kind
    assert len({r["name"] for r in fins}) == len(fins)
    centres = read(demo, "centres.csv")
    per = Counter(r["prefecture"] for r in centres)
    assert set(per) == CODES and min(per.values()) >= 3
    prefectural = {
        (r["name"], r["prefecture"]) for r in centres if r["kind"] == "prefectural_centre"
    }
    assert prefectural == {(i.name, i.prefecture) for i in institutions.PREFECTURAL_CENTRES}
    names = {r["name"] for r in centres}
    assert set(institutions.CAPITAL_CHAMBERS.values()) <= names
    assert {institutions.sme_federation(p.name_ja) for p in PREFECTURES} <= names
    assert len(names) == len(centres)
    assert sum(r["kind"] == "university" for r in centres) == 1


def test_demo_centres_work_together_in_most_prefectures(demo: Path, tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store", watch_seconds=None) as store:
        load_dataset(demo, store)
        rows = density_table(store, "prefecture")
    assert len(rows) == 47
    tied = [row.key for row in rows if row.centre_edges > 0 and row.centre_density > 0]
    assert len(tied) >= 40, tied
    assert all(row.centres >= 3 for row in rows)
    assert all(PREFECTURE_BY_CODE[key] for key in tied)


def test_the_demo_dataset_is_repeatable(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_dataset(again, enterprises=DEFAULT_ENTERPRISES, seed=DEFAULT_SEED)
    for name in ("centres.csv", "financiers.csv", "relations.csv", "provenance.csv"):
        assert (demo / name).read_bytes() == (again / name).read_bytes(), name


def test_beyond_the_core_some_centres_work_alone_and_some_close(tmp_path: Path) -> None:
    folder = tmp_path / "large"
    generate_dataset(folder, enterprises=20_000, seed=5)
    centres = read(folder, "centres.csv")
    assert len(centres) == 142 + 35
    ids = {r["id"] for r in centres}
    collaborating = set()
    with open(folder / "relations.csv", encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["type"] == "COLLABORATES_WITH" and r["source"] in ids:
                collaborating.update((r["source"], r["target"]))
    assert collaborating < ids
    # the core centres never close; some other centre does
    core = {i.name for i in institutions.PREFECTURAL_CENTRES}
    core |= {institutions.sme_federation(p.name_ja) for p in PREFECTURES}
    core |= set(institutions.CAPITAL_CHAMBERS.values())
    closed = {r["name"] for r in centres if r["ended"]}
    assert closed and not closed & core
