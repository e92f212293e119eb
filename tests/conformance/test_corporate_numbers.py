"""One corporate number, one entity, on every backend: a record that arrives with the
corporate number of a node already there (or of an earlier row of the same load, or through
the API) becomes that node, whatever its id and name; two different numbers are never
merged."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import Conflict
from graph.loaders import load_dataset
from graph.loaders.values import write_nodes
from graph.provenance import Attribution
from graph.queries.merges import list_merges, merge_nodes
from tests.conftest import write_csv

SAKURA = "7000012050002"
KAGA = "1180301018771"
ENTERPRISE_COLUMNS = ["id", "name", "prefecture", "industry", "corporate_number"]
RELATION_COLUMNS = ["source", "type", "target", "strength"]


def _folder(path: Path, enterprises: list[list[str]], relations: list[list[str]]) -> Path:
    write_csv(path / "centres.csv", ["id", "name", "prefecture", "kind"], [])
    write_csv(path / "enterprises.csv", ENTERPRISE_COLUMNS, enterprises)
    write_csv(path / "relations.csv", RELATION_COLUMNS, relations)
    return path


def test_a_later_record_with_the_same_number_becomes_the_first_node(store, tmp_path):
    first = _folder(
        tmp_path / "centre",
        [["E1", "株式会社さくら製作所", "13", "E", SAKURA], ["E2", "加賀食品", "17", "I", KAGA]],
        [["E1", "TRADES_WITH", "E2", "0.6"]],
    )
    load_dataset(first, store, contributor="centre-13")
    # the bank's file: another id, another spelling, the same number, and a tie of its own
    bank = _folder(
        tmp_path / "bank",
        [["B7", "(株)ｻｸﾗ製作所", "東京都", "製造業", "7000012050002"]],
        [["B7", "TRADES_WITH", "E2", "0.4"]],
    )
    report = load_dataset(bank, store, contributor="bank-union")

    assert [(m.keep, m.merge, m.by) for m in report.merged] == [("E1", "B7", "bank-union")]
    assert report.merged[0].reason == f"same corporate number {SAKURA}"
    assert store.get_node("B7") is None
    assert store.aliases() == {"B7": "E1"}
    (tie,) = store.ties("E1")
    assert (tie.source, tie.target) == ("E1", "E2")
    contributors = {
        a.contributor for a in store.provenance(["E1 TRADES_WITH E2"])["E1 TRADES_WITH E2"]
    }
    assert contributors == {"centre-13", "bank-union"}


def test_two_rows_of_one_load_with_one_number_are_one_node(store, tmp_path):
    folder = _folder(
        tmp_path / "one",
        [["E1", "さくら製作所", "13", "E", SAKURA], ["E5", "サクラ製作所", "13", "E", SAKURA]],
        [],
    )
    report = load_dataset(folder, store, contributor="centre-13")
    assert [(m.keep, m.merge) for m in report.merged] == [("E1", "E5")]
    assert store.get_node("E5") is None and store.get_node("E1") is not None


def test_two_different_numbers_are_never_merged(store, tmp_path):
    folder = _folder(
        tmp_path / "two",
        [["E1", "さくら製作所", "13", "E", SAKURA], ["E2", "さくら製作所", "13", "E", KAGA]],
        [],
    )
    report = load_dataset(folder, store, contributor="centre-13")
    assert report.merged == []
    with pytest.raises(Conflict, match="different corporate numbers"):
        merge_nodes(store, "E1", "E2")
    assert list_merges(store) == []


def test_an_api_write_with_a_known_number_becomes_that_node(store, tmp_path):
    load_dataset(
        _folder(tmp_path / "base", [["E1", "さくら製作所", "13", "E", SAKURA]], []),
        store,
        contributor="centre-13",
    )
    values = {
        "id": "X1",
        "name": "Sakura Works",
        "prefecture": "13",
        "industry": "E",
        "corporate_number": SAKURA,
    }
    write_nodes(store, [("Enterprise", values)], Attribution("admin"))
    assert store.get_node("X1") is None
    assert store.aliases() == {"X1": "E1"}
