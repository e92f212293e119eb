"""The seed with duplicates (seeds/README.md, "Duplicates"): a share of the enterprises and a
few financiers appear again under another id in another contributor's file, spelled as that
office spells them; truth.csv says which ids stand for one firm."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from graph.corporate_number import corporate_number
from graph.model import FILE_KIND, NodeKind
from graph.provenance import is_relation_record, values_from_text, values_text
from graph.rows import node_columns
from seeds import generate_dataset
from seeds.duplicates import REGISTRY_COLUMNS, split_form

SIZE, SEED, RATE = 3000, 11, 0.05
NODE_FILES = ("enterprises.csv", "financiers.csv")


def _loader_knows_registry() -> bool:
    """Whether the loader takes the registry columns (as optional contact columns)."""
    try:
        columns = node_columns(NodeKind.ENTERPRISE, contact=True)
    except TypeError:
        columns = node_columns(NodeKind.ENTERPRISE)
    return "corporate_number" in columns


LOADER_KNOWS_REGISTRY = _loader_knows_registry()


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def provenance(folder: Path) -> list[list[str]]:
    with open(folder / "provenance.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[1:]


class Duplicated:
    """A dataset with duplicates and the same dataset without, read back once."""

    def __init__(self, folder: Path, base: Path) -> None:
        self.folder, self.base = folder, base
        self.truth = {row["id"]: row["entity"] for row in read(folder, "truth.csv")}
        self.rows = {row["id"]: row for name in NODE_FILES for row in read(folder, name)}
        self.relations = read(folder, "relations.csv")
        self.provenance = provenance(folder)
        self.contributors: dict[str, set[str]] = defaultdict(set)
        for record, contributor, *_ in self.provenance:
            self.contributors[record].add(contributor)
        self.ids_of: dict[str, list[str]] = defaultdict(list)
        for node_id, entity in self.truth.items():
            self.ids_of[entity].append(node_id)

    def copies(self, prefix: str) -> dict[str, str]:
        return {i: e for i, e in self.truth.items() if i != e and i.startswith(prefix)}


@pytest.fixture(scope="module")
def dup(tmp_path_factory: pytest.TempPathFactory) -> Duplicated:
    root = tmp_path_factory.mktemp("duplicates")
    generate_dataset(root / "dup", enterprises=SIZE, seed=SEED, duplicates=RATE)
    generate_dataset(root / "base", enterprises=SIZE, seed=SEED)
    return Duplicated(root / "dup", root / "base")


# -- without duplicates nothing changes ------------------------------------------------------


def test_no_duplicates_writes_todays_files(tmp_path: Path) -> None:
    plain = generate_dataset(tmp_path / "plain", enterprises=400, seed=3)
    zero = generate_dataset(tmp_path / "zero", enterprises=400, seed=3, duplicates=0)
    assert plain == zero and "truth.csv" not in zero
    names = sorted(p.name for p in (tmp_path / "plain").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "zero").iterdir())
    assert "truth.csv" not in names
    for name in names:
        raw = (tmp_path / "plain" / name).read_bytes()
        assert raw == (tmp_path / "zero" / name).read_bytes(), name
        header = raw.split(b"\n", 1)[0].decode().split(",")
        assert not set(REGISTRY_COLUMNS) & set(header), name


def test_duplicates_are_repeatable_and_replace_a_stale_truth(tmp_path: Path) -> None:
    first = generate_dataset(tmp_path / "a", enterprises=500, seed=4, duplicates=0.1)
    second = generate_dataset(tmp_path / "b", enterprises=500, seed=4, duplicates=0.1)
    assert first == second
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    generate_dataset(tmp_path / "a", enterprises=500, seed=4)
    assert not (tmp_path / "a" / "truth.csv").exists()


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan")])
def test_rejects_a_rate_outside_zero_to_one(tmp_path: Path, bad: float) -> None:
    with pytest.raises(ValueError, match="duplicates"):
        generate_dataset(tmp_path / "x", enterprises=100, duplicates=bad)
    assert not (tmp_path / "x" / "relations.csv").exists()


@pytest.mark.parametrize("bad", ["0.05", True, None])
def test_rejects_a_rate_that_is_no_number(tmp_path: Path, bad: object) -> None:
    with pytest.raises(TypeError, match="duplicates"):
        generate_dataset(tmp_path / "x", enterprises=100, duplicates=bad)  # type: ignore[arg-type]


# -- the truth -------------------------------------------------------------------------------


def test_about_the_rate_of_enterprises_appear_more_than_once(dup: Duplicated) -> None:
    originals = [i for i, e in dup.truth.items() if i == e and i.startswith("E")]
    assert len(originals) == SIZE
    repeated = [e for e in originals if len(dup.ids_of[e]) > 1]
    assert 0.035 <= len(repeated) / SIZE <= 0.065
    assert any(len(dup.ids_of[e]) > 2 for e in repeated)  # some in three files
    financier_copies = dup.copies("F")
    assert 1 <= len(financier_copies) <= 20


def test_truth_names_every_enterprise_and_financier_and_nothing_else(dup: Duplicated) -> None:
    assert set(dup.truth) == set(dup.rows)
    header = (dup.folder / "truth.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header == "id,entity"
    for node_id, entity in dup.truth.items():
        assert dup.truth[entity] == entity  # the entity is an original
        assert node_id[0] == entity[0]  # of the same kind
    base_ids = {r["id"] for name in NODE_FILES for r in read(dup.base, name)}
    assert {e for e in dup.truth.values()} == base_ids


def test_corporate_numbers_are_valid_and_one_per_firm(dup: Duplicated) -> None:
    numbers: dict[str, set[str]] = defaultdict(set)
    for node_id, row in dup.rows.items():
        if row["corporate_number"]:
            assert corporate_number(row["corporate_number"]) == row["corporate_number"]
            numbers[dup.truth[node_id]].add(row["corporate_number"])
    assert all(len(found) == 1 for found in numbers.values())
    owners = Counter(next(iter(found)) for found in numbers.values())
    assert max(owners.values()) == 1  # different firms, different numbers
    carried = sum(1 for row in dup.rows.values() if row["corporate_number"])
    assert 0.2 < carried / len(dup.rows) < 0.8  # some rows carry one, some not
    copies = [dup.rows[i] for i in dup.copies("E")]
    with_number = [row for row in copies if row["corporate_number"]]
    assert 0 < len(with_number) < len(copies)
    # a firm with no legal form (a sole proprietor) has no corporate number
    sole = [
        r
        for i, r in dup.rows.items()
        if i == dup.truth[i] and i[0] == "E" and not r["name"].isascii()
        if not split_form(r["name"])[0] and r["industry"] != "Q"
    ]
    assert sole and not any(r["corporate_number"] for r in sole)


def test_addresses_and_phones_are_in_the_firms_prefecture_and_written_variously(
    dup: Duplicated,
) -> None:
    from graph.japan import PREFECTURE_BY_CODE

    addresses = [r for r in dup.rows.values() if r["address"]]
    phones = [r for r in dup.rows.values() if r["phone"]]
    assert 0.3 < len(addresses) / len(dup.rows) < 0.95
    assert 0.3 < len(phones) / len(dup.rows) < 0.95
    for row in addresses:
        name = PREFECTURE_BY_CODE[row["prefecture"] or "13"].name_ja
        if not row["address"].startswith(name):
            assert row["id"] != dup.truth[row["id"]]  # only a copy leaves the prefecture out
    for row in phones:
        digits = unicodedata.normalize("NFKC", row["phone"])
        digits = "".join(ch for ch in digits if ch.isdigit())
        assert len(digits) == 10 and digits[0] == "0", row
    copies = [dup.rows[i] for i in dup.copies("E")]
    assert any("丁目" in r["address"] for r in copies)
    assert any("-" in r["address"] for r in copies)
    assert any(r["phone"] and "-" not in r["phone"] for r in copies)
    assert any(r["address"] and r["address"] != unicodedata.normalize("NFKC", r["address"])
               for r in copies)  # fmt: skip


# -- the copies ------------------------------------------------------------------------------


def _core(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).replace(" ", "")
    for mark in ("(株)", "(有)", "(同)", "(資)"):
        text = text.replace(mark, "")
    return split_form(text)[2]


def test_copies_are_spelled_as_other_offices_spell_them(dup: Duplicated) -> None:
    copies = dup.copies("E")
    names = [(dup.rows[c]["name"], dup.rows[o]["name"]) for c, o in copies.items()]
    assert all(copy != original for copy, original in names)
    assert any("㈱" in c or "(株)" in c or "（株）" in c for c, _ in names)
    assert any(any("\uff66" <= ch <= "\uff9f" for ch in c) for c, _ in names)  # half width
    moved = [(c, o) for c, o in names if split_form(c)[0] and split_form(c)[1] != split_form(o)[1]]
    assert moved
    assert any(split_form(o)[0] and not split_form(_core(c))[0] for c, o in names)
    # most copies are the same name once widths, spaces and forms are set aside
    same = sum(_core(c) == _core(o) for c, o in names)
    assert 0.4 * len(names) < same < len(names)


def test_near_namesakes_are_distinct_firms_of_one_prefecture(dup: Duplicated) -> None:
    by_place: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node_id, row in dup.rows.items():
        if node_id[0] == "E" and node_id == dup.truth[node_id]:
            by_place[row["prefecture"], row["industry"]].append(row["name"])
    namesakes = 0
    for names in by_place.values():
        cores = [_core(n) for n in names]
        for k, a in enumerate(cores):
            for b in cores[k + 1 :]:
                if a != b and len(a) >= 3 and fuzz.ratio(a, b) >= 75:
                    namesakes += 1
    assert namesakes >= 20


def test_distinct_firms_of_one_prefecture_are_named_distinctly(dup: Duplicated) -> None:
    """Once normalised as matching normalises names, two firms of one prefecture share a
    name only as deliberate near-namesakes under two stated legal forms; some names were
    made distinct with a word before their core."""
    from graph.matching import normalise_name
    from graph.matching.normalise import legal_form

    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node_id, row in dup.rows.items():
        if node_id[0] == "E" and node_id == dup.truth[node_id]:
            by_name[row["prefecture"], normalise_name(row["name"])].append(row["name"])
    shared = [names for names in by_name.values() if len(names) > 1]
    for names in shared:
        forms = [legal_form(name) for name in names]
        assert None not in forms and len(set(forms)) == len(forms), names
    base = {r["id"]: r["name"] for r in read(dup.base, "enterprises.csv")}
    renamed = [
        (base[i], row["name"])
        for i, row in dup.rows.items()
        if i in base and row["name"] != base[i] and _core(row["name"]).endswith(_core(base[i]))
    ]
    assert len(renamed) >= 20  # 3,000 firms draw from a small vocabulary


def test_copies_are_in_another_contributors_file(dup: Duplicated) -> None:
    for copy_id, original in {**dup.copies("E"), **dup.copies("F")}.items():
        holders = dup.contributors[copy_id]
        assert len(holders) == 1
        assert not holders & dup.contributors[original], copy_id


def test_the_ties_of_a_copy_are_its_contributors_and_name_existing_nodes(
    dup: Duplicated,
) -> None:
    ids = set(dup.rows) | {
        r["id"] for name in FILE_KIND if name not in NODE_FILES for r in read(dup.folder, name)
    }
    copies = {**dup.copies("E"), **dup.copies("F")}
    tied = Counter()
    for row in dup.relations:
        assert row["source"] in ids and row["target"] in ids, row
        record = f"{row['source']} {row['type']} {row['target']}"
        for end in (row["source"], row["target"]):
            if end in copies:
                tied[end] += 1
                assert dup.contributors[record] <= dup.contributors[end], record
    # half-connected: most copies have ties, and their originals keep ties too
    assert len(tied) > 0.6 * len(copies)
    originals = {copies[c] for c in tied}
    with_ties = {r["source"] for r in dup.relations} | {r["target"] for r in dup.relations}
    assert len(originals & with_ties) > 0.6 * len(originals)


def test_read_through_the_truth_the_network_is_the_one_without_copies(dup: Duplicated) -> None:
    """Every assertion of a tie, its ends read as the firms they stand for, is an assertion
    of the dataset drawn without duplicates, and the other way round."""

    def assertions(rows: list[list[str]], truth: dict[str, str]) -> Counter[tuple[str, ...]]:
        found: Counter[tuple[str, ...]] = Counter()
        for record, *rest in rows:
            if is_relation_record(record):
                source, kind, target = record.split(" ")
                mapped = f"{truth.get(source, source)} {kind} {truth.get(target, target)}"
                found[(mapped, *rest)] += 1
        return found

    assert assertions(dup.provenance, dup.truth) == assertions(provenance(dup.base), {})


def test_provenance_is_sorted_canonical_and_matches_the_rows(dup: Duplicated) -> None:
    keys = [(row[0], row[1]) for row in dup.provenance]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    records = {row[0] for row in dup.provenance}
    relation_records = {f"{r['source']} {r['type']} {r['target']}" for r in dup.relations}
    assert relation_records <= records
    for record, _, _, _, retracted, text in dup.provenance:
        values = values_from_text(text)
        assert text == values_text(values), record
        if record in dup.rows and not retracted:
            row = dup.rows[record]
            for column in REGISTRY_COLUMNS + ("name",):
                assert values.get(column, "") == row[column], (record, column)
            for column in ("employees", "founded"):
                if column in row:
                    assert str(values.get(column, "")) == row[column], (record, column)


# -- loading it ------------------------------------------------------------------------------


def _without_registry(source: Path, target: Path) -> None:
    """A copy of the dataset without the registry columns, for a loader that lacks them."""
    target.mkdir()
    for path in source.iterdir():
        if path.name in NODE_FILES:
            rows = read(source, path.name)
            columns = [c for c in rows[0] if c not in REGISTRY_COLUMNS]
            with open(target / path.name, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        elif path.name == "provenance.csv":
            with open(path, encoding="utf-8", newline="") as handle:
                rows_p = list(csv.reader(handle))
            for row in rows_p[1:]:
                values = values_from_text(row[5])
                for column in REGISTRY_COLUMNS:
                    values.pop(column, None)
                row[5] = values_text(values)
            with open(target / path.name, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows_p)
        else:
            (target / path.name).write_bytes(path.read_bytes())


def _load_and_count(folder: Path, store_path: Path) -> tuple[dict[str, int], int]:
    from graph.loaders import load_dataset
    from graph.store.embedded import EmbeddedStore

    with EmbeddedStore(store_path) as store:
        load_dataset(folder, store)
        stats = store.stats(None)
        nodes = {k: v for k, v in stats.nodes.items() if v}
        relations = sum(stats.relations.values())
        assertions = sum(1 for _ in store.iter_provenance())
    return nodes | {"relations": relations}, assertions


def test_the_copies_and_their_ties_load(dup: Duplicated, tmp_path: Path) -> None:
    """Loads the dataset (its registry columns set aside, so that this holds whatever the
    loader knows of them): every copy and every tie naming one is written."""
    _without_registry(dup.folder, tmp_path / "plain")
    counts, assertions = _load_and_count(tmp_path / "plain", tmp_path / "store")
    assert counts[NodeKind.ENTERPRISE.value] == sum(1 for i in dup.rows if i[0] == "E")
    assert counts[NodeKind.FINANCIER.value] == sum(1 for i in dup.rows if i[0] == "F")
    assert counts["relations"] == len(dup.relations)
    assert assertions == len(dup.provenance)


@pytest.mark.skipif(
    not LOADER_KNOWS_REGISTRY,
    reason="the loader does not know the columns corporate_number, address and phone yet",
)
def test_the_dataset_loads_with_its_registry_columns(dup: Duplicated, tmp_path: Path) -> None:
    from graph.loaders import load_dataset
    from graph.loaders.export import export_dataset
    from graph.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "store") as store:
        load_dataset(dup.folder, store)
        assert sum(1 for _ in store.iter_provenance()) == len(dup.provenance)
        export_dataset(store, tmp_path / "export")
    assert (tmp_path / "export" / "provenance.csv").read_bytes() == (
        dup.folder / "provenance.csv"
    ).read_bytes()
