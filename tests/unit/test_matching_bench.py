"""The matching benchmark (bench/matching.py) on a small seeded dataset: it scores the
candidates against truth.csv, names alone too, and still works when the store's loader
refuses the dataset, by reading the records from the CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bench.common
import bench.matching as matching
from graph.matching import MatchRecord
from seeds import generate_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("matching") / "dataset"
    generate_dataset(folder, enterprises=600, seed=5, duplicates=0.1)
    return folder


def _run(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(bench.common, "RESULTS", tmp_path / "results")
    assert matching.main(["--data", str(folder), "--rounds", "1"]) == 0
    return json.loads((tmp_path / "results" / "matching.json").read_text())


def test_the_csv_records_are_the_files_rows_as_the_loader_reads_them(tmp_path: Path) -> None:
    (tmp_path / "enterprises.csv").write_text(
        "id,name,prefecture,industry,corporate_number,address,phone\n"
        "E1,'=さくら製作所, 13 ,E, , 新宿区本町1-2-3 ,03-1234-5678\n"
        "E2,ひかり食品,27,E,,,\n",
        encoding="utf-8",
    )
    records = matching.csv_records(tmp_path)
    assert records == [
        MatchRecord(
            "E1", "Enterprise", "=さくら製作所", "13", None, "新宿区本町1-2-3", "03-1234-5678"
        ),
        MatchRecord("E2", "Enterprise", "ひかり食品", "27"),
    ]


def test_the_bench_scores_the_candidates_against_the_truth(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _run(dataset, tmp_path, monkeypatch)
    truth = matching.read_truth(dataset)
    assert report["true_pairs"] == len(matching.true_pairs(truth)) > 30
    default = report["default"]
    assert 0 < default["right"] <= default["candidates"]
    assert default["precision"] == default["right"] / default["candidates"]
    # the subsets are parts of the whole, and where both have a number it decides alone
    neither, both = report["neither_has_a_number"], report["both_have_a_number"]
    assert neither["true_pairs"] + both["true_pairs"] <= report["true_pairs"]
    assert both["precision"] == 1.0 and both["true_pairs"] > 0
    assert report["numbers_ignored"]["true_pairs"] == report["true_pairs"]
    assert report["names_only"]["recall"] <= report["numbers_ignored"]["recall"]
    assert report["records_from"] == "an embedded store"


def test_a_loader_that_refuses_the_dataset_leaves_the_bench_on_the_csv_files(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    stored = _run(dataset, tmp_path / "stored", monkeypatch)

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("enterprises.csv:1: corporate_number: unknown column")

    monkeypatch.setattr(matching, "load_dataset", refuse)
    read = _run(dataset, tmp_path / "read", monkeypatch)
    assert read["records_from"].startswith("the CSV files (the load failed")
    assert "unknown column" in read["records_from"]
    assert "records from the CSV files" in capsys.readouterr().out
    # the same records either way, so the same figures
    for key in ("default", "neither_has_a_number", "numbers_ignored", "both_have_a_number"):
        assert read[key] == stored[key], key
