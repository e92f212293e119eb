"""A load reads its files twice: a first reading checks every row and keeps only what the
checks across rows need, a second reads the rows again and writes them in batches."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.errors import DatasetInvalid
from graph.i18n import speaking
from graph.loaders import dataset as loading
from graph.loaders import load_dataset, validate_dataset
from graph.loaders.dataset import _dataset_files, _NodeIds, _RelationKeys, _validate
from graph.model import NodeKind, RelationType
from graph.provenance import relation_record
from graph.store.embedded import EmbeddedStore
from tests.conftest import SMALL_NETWORK, write_dataset


@pytest.fixture
def store(tmp_path: Path):
    with EmbeddedStore(tmp_path / "store") as opened:
        yield opened


def _many(count: int) -> dict[str, list[list[str]]]:
    """A centre and ``count`` enterprises it supports."""
    return {
        "enterprises.csv": [[f"E{n}", f"Enterprise {n}", "13", "E"] for n in range(count)],
        "centres.csv": [["C1", "Tokyo Chamber of Commerce", "13", "chamber_of_commerce", ""]],
        "relations.csv": [["C1", "SUPPORTS", f"E{n}", "0.5", ""] for n in range(count)],
    }


def test_the_first_reading_keeps_no_row(store, tmp_path):
    folder = write_dataset(tmp_path / "data", SMALL_NETWORK)
    checked = _validate(_dataset_files(folder, None), store, lambda *args: None)
    assert checked.problems == []
    assert checked.nodes == {} and checked.relations == {} and checked.provenance is None
    assert len(checked.ids) == 12 and len(checked.keys) == 14
    assert checked.ids.get("E3") == (NodeKind.ENTERPRISE, "enterprises.csv", 4)
    assert "E1 TRADES_WITH E2" in checked.records()
    assert "E2 TRADES_WITH E1" not in checked.records()
    assert "E1 NO_SUCH_TYPE E2" not in checked.records()
    assert "E1" in checked.records() and "E9" not in checked.records()


def test_a_load_writes_in_batches_what_it_read_twice(store, tmp_path):
    folder = write_dataset(tmp_path / "data", _many(250))
    heard: list[tuple[str, int, int | None]] = []
    report = load_dataset(
        folder,
        store,
        batch_size=100,
        progress=lambda what, done, total: heard.append((what, done, total)),
    )
    assert report.nodes == {"Enterprise": 250, "Centre": 1}
    assert report.relations == 250
    assert store.stats().relations["SUPPORTS"] == 250
    writing = [(done, total) for what, done, total in heard if what == "writing"]
    assert writing == [
        (100, 501),
        (200, 501),
        (250, 501),
        (251, 501),
        (351, 501),
        (451, 501),
        (501, 501),
    ]


def test_a_relation_given_twice_is_written_once_with_the_later_row(store, tmp_path):
    files = _many(3)
    files["relations.csv"] = [
        ["C1", "SUPPORTS", "E0", "0.2", ""],
        ["C1", "SUPPORTS", "E1", "0.3", ""],
        ["C1", "SUPPORTS", "E0", "0.9", "2020-01-01"],
        ["C1", "SUPPORTS", "E0", "0.7", ""],
    ]
    folder = write_dataset(tmp_path / "data", files)
    report = load_dataset(folder, store, batch_size=100)
    assert report.relations == 2
    (tie,) = [t for t in store.ties("E0") if t.source == "C1"]
    assert (tie.strength, tie.since) == (0.7, None)
    checked = validate_dataset(folder, store)
    assert checked.relations[("C1", RelationType.SUPPORTS, "E0")].strength == 0.7


def test_an_id_given_twice_is_written_once_with_the_later_row(store, tmp_path):
    files = _many(2)
    files["enterprises.csv"].append(["E0", "Renamed", "27", "I"])
    folder = write_dataset(tmp_path / "data", files)
    report = load_dataset(folder, store, batch_size=100)
    assert report.nodes["Enterprise"] == 2
    assert store.get_node("E0").name == "Renamed"


def test_keys_merged_from_many_chunks_find_every_key_and_count_repeats(monkeypatch):
    monkeypatch.setattr(_RelationKeys, "CHUNK", 3)
    keys = _RelationKeys()
    given = [9, 1, 5, 1, 7, 3, 9, 9, 2, 8]
    for key in given:
        keys.add(key)
    keys.freeze()
    assert list(keys) == sorted(set(given))
    assert keys.repeated == {1: 2, 9: 3}
    assert keys.rows == len(given)
    assert all(key in keys for key in given)
    assert 4 not in keys and 10 not in keys and "1" not in keys


def test_node_ids_pack_kind_line_and_a_number():
    ids = _NodeIds({NodeKind.ENTERPRISE: "enterprises.csv", NodeKind.CENTRE: "centres.csv"})
    ids.put("E1", NodeKind.ENTERPRISE, 2)
    ids.put("C1", NodeKind.CENTRE, 70_000)
    ids.put("E1", NodeKind.ENTERPRISE, 9)  # a later row keeps the id's number
    assert ids["E1"] == (NodeKind.ENTERPRISE, "enterprises.csv", 9)
    assert ids.is_row_of("E1", NodeKind.ENTERPRISE, 9)
    assert not ids.is_row_of("E1", NodeKind.ENTERPRISE, 2)
    assert not ids.is_row_of("E1", NodeKind.CENTRE, 9)
    assert ids.key("C1", RelationType.SUPPORTS, "E1") != ids.key("E1", RelationType.SUPPORTS, "C1")
    assert ids.key("C1", RelationType.SUPPORTS, "X9") is None
    outside = ids.key("C1", RelationType.SUPPORTS, "X9", give=True)
    assert outside is not None and outside == ids.key("C1", RelationType.SUPPORTS, "X9")
    assert "X9" not in ids


def _append_row(path: Path, row: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(row)


def test_a_file_changed_after_its_check_is_refused_and_nothing_is_written(store, tmp_path):
    folder = write_dataset(tmp_path / "data", _many(250))
    changed: list[bool] = []

    def progress(what: str, done: int, total: int | None) -> None:
        if what == "writing" and not changed:  # the first batch of nodes is written
            _append_row(folder / "relations.csv", ["C1", "SUPPORTS", "E999", "0.5", "", ""])
            changed.append(True)

    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store, batch_size=100, progress=progress)
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == ("relations.csv", "file")
    assert problem.message == (
        "changed after it was checked, while the folder was loaded: load it again"
    )
    assert sum(store.stats().nodes.values()) == 0  # the embedded load is one transaction


def test_the_message_of_a_changed_file_in_japanese(tmp_path):
    with speaking("ja"):
        error = loading._changed("relations.csv", 3)
    assert error.problems[0].message == (
        "確認した後、読み込みの途中でファイルが変更されました。もう一度読み込んでください。"
    )


def test_provenance_out_of_order_finds_a_repeat_before_the_first_row_out_of_order(store, tmp_path):
    folder = write_dataset(tmp_path / "data", _many(3))
    values = '{"name":"Enterprise 0","prefecture":"13","industry":"E"}'
    stamp = "2020-01-01T00:00:00+00:00"
    rows = [
        ["E0", "alpha", stamp, stamp, "", values],
        ["E0", "beta", stamp, stamp, "", values],
        [
            "E1",
            "alpha",
            stamp,
            stamp,
            "",
            '{"name":"Enterprise 1","prefecture":"13","industry":"E"}',
        ],
        ["E0", "alpha", stamp, stamp, "", values],  # out of order, and a repeat of line 2
    ]
    with (folder / "provenance.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["record", "contributor", "recorded_at", "last_seen", "retracted_at", "values"]
        )
        writer.writerows(rows)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    problems = [(p.file, p.line, p.column) for p in caught.value.problems]
    assert ("provenance.csv", 5, "contributor") in problems
    (repeat,) = [p for p in caught.value.problems if p.file == "provenance.csv"]
    assert "provenance.csv:2" in repeat.message


def test_replace_retracts_only_what_the_folder_no_longer_holds(store, tmp_path):
    load_dataset(write_dataset(tmp_path / "first", _many(5)), store, contributor="kanto")
    smaller = _many(3)
    report = load_dataset(
        write_dataset(tmp_path / "second", smaller), store, contributor="kanto", replace=True
    )
    gone = {
        "E3",
        "E4",
        relation_record("C1", "SUPPORTS", "E3"),
        relation_record("C1", "SUPPORTS", "E4"),
    }
    assert report.retracted == len(gone)
    assert store.standing_records("kanto") == {
        "C1",
        *(f"E{n}" for n in range(3)),
        *(relation_record("C1", "SUPPORTS", f"E{n}") for n in range(3)),
    }


def test_a_file_changed_while_others_were_checked_is_refused_before_any_write(
    store, tmp_path, monkeypatch
):
    folder = write_dataset(tmp_path / "data", _many(5))
    checking = loading._validate

    def checked_then_changed(files, store, progress):
        out = checking(files, store, progress)
        _append_row(folder / "enterprises.csv", ["E99", "Late", "13", "E", "", "", ""])
        return out

    monkeypatch.setattr(loading, "_validate", checked_then_changed)
    writes: list[str] = []
    monkeypatch.setattr(store, "bulk", lambda **kwargs: writes.append("bulk"))
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("enterprises.csv", 0, "file")
    ]
    assert writes == []
