"""Loads attributed to contributors, snapshots that retract, and exports that carry the whole
history (ended nodes, ``until``, provenance.csv) and load back to the same bytes.

On the embedded store; the conformance suite runs the same questions on every backend."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.errors import DatasetInvalid, InvalidArgument
from graph.loaders import export_dataset, load_dataset
from graph.loaders.provenance_rows import PROVENANCE_COLUMNS, PROVENANCE_FILE
from graph.model import NodeKind, RelationType
from graph.provenance import ContributorSummary, node_values, relation_record
from graph.rows import RELATION_COLUMNS, node_columns
from graph.store.embedded import EmbeddedStore
from graph.valid_time import day_of

#: A day in the near future: a week ahead, so that it is still ahead of the day the rows are
#: read when a run crosses midnight.
SOON = (date.today() + timedelta(days=7)).isoformat()
LOAN = relation_record("F1", RelationType.LENDS_TO, "E1")
SUPPORT = relation_record("C1", RelationType.SUPPORTS, "E1")

ENTERPRISES = [
    ["E1", "山田製作所", "13", "E", "25", "1962", ""],
    ["E2", "Sakura Foods", "13", "I", "", "", ""],
    ["E3", "Closed Works", "17", "E", "4", "1990", "2018-03-31"],
]
CENTRES = [["C1", "Tokyo Chamber of Commerce", "13", "chamber_of_commerce", "40", ""]]
FINANCIERS = [["F1", "Tokyo Shinkin", "shinkin_bank", "13", ""]]
RELATIONS = [
    ["F1", "LENDS_TO", "E1", "0.5", "2015-04-01", ""],
    ["C1", "SUPPORTS", "E1", "0.8", "2016-04-01", ""],
    ["F1", "LENDS_TO", "E2", "0.4", "2012-04-01", "2019-03-31"],
    ["F1", "GUARANTEES", "E3", "0.6", "2010-04-01", SOON],
]


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def dataset(
    folder: Path,
    enterprises: list[list[str]] | None = None,
    centres: list[list[str]] | None = None,
    financiers: list[list[str]] | None = None,
    relations: list[list[str]] | None = None,
) -> Path:
    """A dataset folder holding the files given (each in its full columns)."""
    files = {
        "enterprises.csv": (NodeKind.ENTERPRISE, enterprises),
        "centres.csv": (NodeKind.CENTRE, centres),
        "financiers.csv": (NodeKind.FINANCIER, financiers),
    }
    for name, (kind, rows) in files.items():
        if rows is not None:
            write(folder / name, list(node_columns(kind)), rows)
    if relations is not None:
        write(folder / "relations.csv", list(RELATION_COLUMNS), relations)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def network(folder: Path) -> Path:
    return dataset(folder, ENTERPRISES, CENTRES, FINANCIERS, RELATIONS)


def read_folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


class Stores:
    """Empty embedded stores, opened as a test first names them (``stores[i]``)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.opened: list[EmbeddedStore] = []

    def __getitem__(self, index: int) -> EmbeddedStore:
        while len(self.opened) <= index:
            path = self.folder / f"store-{len(self.opened)}"
            self.opened.append(EmbeddedStore(path, watch_seconds=None))
        return self.opened[index]


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    opened = Stores(tmp_path)
    yield opened
    for store in opened.opened:
        store.close()


# -- contributors ------------------------------------------------------------------------


def test_a_load_is_asserted_by_its_contributor(stores, tmp_path):
    store = stores[0]
    report = load_dataset(network(tmp_path / "a"), store, contributor="centre-C1")
    assert (report.retracted, report.restored) == (0, 0)
    found = store.provenance(["E1", LOAN])
    [node] = found["E1"]
    assert node.contributor == "centre-C1" and node.retracted_at is None
    assert node.recorded_at == node.last_seen
    assert node.values == node_values(store.get_node("E1"))
    assert found[LOAN][0].values == {"strength": 0.5, "since": "2015-04-01"}
    [summary] = store.contributors()
    assert (summary.contributor, summary.nodes, summary.relations) == ("centre-C1", 5, 4)
    assert summary.last_load == node.last_seen


def test_the_default_contributor_is_local(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store)
    assert [c.contributor for c in store.contributors()] == ["local"]


def test_two_contributors_of_one_tie_and_the_latest_values(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store, contributor="centre-C1")
    other = dataset(tmp_path / "b", relations=[["F1", "LENDS_TO", "E1", "0.7", "2015-05-01", ""]])
    load_dataset(other, store, contributor="bank-union")
    loan = next(t for t in store.ties("E1") if t.type is RelationType.LENDS_TO)
    assert (loan.strength, loan.since) == (0.7, "2015-05-01")
    assertions = store.provenance([LOAN])[LOAN]
    assert [(a.contributor, a.values["strength"]) for a in assertions] == [
        ("bank-union", 0.7),
        ("centre-C1", 0.5),
    ]
    assert [(c.contributor, c.nodes, c.relations) for c in store.contributors()] == [
        ("bank-union", 0, 1),
        ("centre-C1", 5, 4),
    ]


# -- replace ---------------------------------------------------------------------------------


def test_replace_retracts_what_the_view_no_longer_holds(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store, contributor="centre-C1")
    load_dataset(
        dataset(tmp_path / "b", relations=[["F1", "LENDS_TO", "E1", "0.7", "", ""]]),
        store,
        contributor="bank-union",
    )
    # centre-C1's new view: no loan to E1 (the bank union still asserts it), no support
    smaller = dataset(
        tmp_path / "c",
        ENTERPRISES,
        CENTRES,
        FINANCIERS,
        [row for row in RELATIONS if row[2] not in ("E1",)],
    )
    report = load_dataset(smaller, store, contributor="centre-C1", replace=True)
    assert report.retracted == 2
    assert store.standing_records("centre-C1") == {
        "E1",
        "E2",
        "E3",
        "C1",
        "F1",
        relation_record("F1", RelationType.LENDS_TO, "E2"),
        relation_record("F1", RelationType.GUARANTEES, "E3"),
    }
    ties = {t.key: t for t in store.ties("E1")}
    # the loan stands on the bank union's word, with its values
    loan = ties[("F1", "LENDS_TO", "E1")]
    assert (loan.strength, loan.since, loan.until) == (0.7, None, None)
    # nobody asserts the support now: it ended on the day of the retraction, in history
    [retracted] = store.provenance([SUPPORT])[SUPPORT]
    assert retracted.retracted_at is not None
    ended = day_of(retracted.retracted_at)
    support = ties[("C1", "SUPPORTS", "E1")]
    assert (support.since, support.until) == ("2016-04-01", ended)
    before = (date.fromisoformat(ended) - timedelta(days=1)).isoformat()
    assert ("C1", "SUPPORTS", "E1") in {t.key for t in store.as_of(before).ties("E1")}
    assert ("C1", "SUPPORTS", "E1") not in {t.key for t in store.as_of(ended).ties("E1")}


def test_replace_ends_the_nodes_no_one_asserts(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store, contributor="pref-13")
    without_e2 = dataset(
        tmp_path / "b",
        [row for row in ENTERPRISES if row[0] != "E2"],
        CENTRES,
        FINANCIERS,
        [row for row in RELATIONS if row[2] != "E2"],
    )
    report = load_dataset(without_e2, store, contributor="pref-13", replace=True)
    assert report.retracted == 2  # E2 and the loan to it
    e2 = store.get_node("E2")
    [assertion] = store.provenance(["E2"])["E2"]
    assert e2.props["ended"] == day_of(assertion.retracted_at)
    # the loan had ended before: its until stays
    loan = next(t for t in store.ties("E2") if t.type is RelationType.LENDS_TO)
    assert loan.until == "2019-03-31"
    assert store.as_of(e2.props["ended"]).get_node("E2") is None


def test_replace_with_the_same_view_retracts_nothing(stores, tmp_path):
    store = stores[0]
    folder = network(tmp_path / "a")
    load_dataset(folder, store, contributor="pref-13")
    first = store.provenance(["E1"])["E1"][0]
    report = load_dataset(folder, store, contributor="pref-13", replace=True)
    assert report.retracted == 0
    again = store.provenance(["E1"])["E1"][0]
    assert again.recorded_at == first.recorded_at and again.last_seen >= first.last_seen


def test_replace_touches_no_other_contributor(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store, contributor="pref-13")
    empty = dataset(tmp_path / "b", relations=[])
    report = load_dataset(empty, store, contributor="bank-union", replace=True)
    assert report.retracted == 0
    assert store.standing_records("pref-13") == {
        "E1",
        "E2",
        "E3",
        "C1",
        "F1",
        *(f"{r[0]} {r[1]} {r[2]}" for r in RELATIONS),
    }


def test_a_replace_that_fails_validation_retracts_nothing(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store, contributor="pref-13")
    bad = dataset(tmp_path / "b", relations=[["F1", "LENDS_TO", "E1", "0.5", "", "2020-02-30"]])
    with pytest.raises(DatasetInvalid):
        load_dataset(bad, store, contributor="pref-13", replace=True)
    assert len(store.standing_records("pref-13")) == 9


# -- valid time from the files --------------------------------------------------------------


def test_ended_nodes_and_until_load_and_read_as_of(stores, tmp_path):
    store = stores[0]
    load_dataset(network(tmp_path / "a"), store)
    assert store.get_node("E3").props["ended"] == "2018-03-31"
    assert store.as_of("2018-03-30").get_node("E3") is not None
    assert store.as_of("2018-03-31").get_node("E3") is None
    loans = {t.target: t for t in store.ties("F1") if t.type is RelationType.LENDS_TO}
    assert loans["E2"].until == "2019-03-31"
    held = {t.target for t in store.as_of("2019-03-30").ties("F1")}
    assert "E2" in held
    assert "E2" not in {t.target for t in store.as_of("2019-03-31").ties("F1")}
    # a guarantee due to end tomorrow holds today, on a node that ended: in history only
    guarantee = next(t for t in store.ties("E3"))
    assert guarantee.until == SOON


# -- export ----------------------------------------------------------------------------------


def history(store: EmbeddedStore, tmp_path: Path) -> None:
    """A store with a history: two contributors, an overlap, a retraction that ends a tie,
    one that ends a node, and dated ties and nodes from the files."""
    load_dataset(network(tmp_path / "h1"), store, contributor="pref-13")
    load_dataset(
        dataset(tmp_path / "h2", relations=[["F1", "LENDS_TO", "E1", "0.7", "2015-05-01", ""]]),
        store,
        contributor="bank-union",
    )
    load_dataset(
        dataset(
            tmp_path / "h3",
            [row for row in ENTERPRISES if row[0] != "E2"],
            CENTRES,
            FINANCIERS,
            [row for row in RELATIONS if row[2] not in ("E2",) and row[1] != "SUPPORTS"],
        ),
        store,
        contributor="pref-13",
        replace=True,
    )


def test_export_carries_until_ended_and_provenance(stores, tmp_path):
    store = stores[0]
    history(store, tmp_path)
    counts = export_dataset(store, tmp_path / "out")
    files = read_folder(tmp_path / "out")
    assert PROVENANCE_FILE in files
    assert counts[PROVENANCE_FILE] == len(list(store.iter_provenance())) == 10
    with (tmp_path / "out" / PROVENANCE_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(PROVENANCE_COLUMNS)
    assert [row[:2] for row in rows[1:]] == sorted(row[:2] for row in rows[1:])
    assert [row[1] for row in rows[1:] if row[0] == LOAN] == ["bank-union", "pref-13"]
    retracted = {row[0] for row in rows[1:] if row[4]}
    assert retracted == {"E2", SUPPORT, relation_record("F1", RelationType.LENDS_TO, "E2")}
    text = files["enterprises.csv"].decode()
    assert text.splitlines()[0] == ",".join(node_columns(NodeKind.ENTERPRISE))
    assert "E3,Closed Works,17,E,4,1990,2018-03-31" in text
    [e2] = [row for row in rows[1:] if row[0] == "E2"]
    assert f"E2,Sakura Foods,13,I,,,{day_of(e2[4])}" in text
    relations = files["relations.csv"].decode().splitlines()
    assert relations[0] == ",".join(RELATION_COLUMNS)
    assert f"F1,GUARANTEES,E3,0.6,2010-04-01,{SOON}" in relations


def test_export_load_export_gives_the_same_bytes(stores, tmp_path):
    first = stores[0]
    history(first, tmp_path)
    export_dataset(first, tmp_path / "out1")
    report = load_dataset(tmp_path / "out1", stores[1], contributor="ignored")
    assert report.restored == 10
    export_dataset(stores[1], tmp_path / "out2")
    assert read_folder(tmp_path / "out2") == read_folder(tmp_path / "out1")
    assert list(stores[1].iter_provenance()) == list(first.iter_provenance())
    assert stores[1].contributors() == first.contributors()
    assert "ignored" not in {c.contributor for c in stores[1].contributors()}
    for kind in NodeKind:
        assert list(stores[1].iter_nodes(kind)) == list(first.iter_nodes(kind))
    assert list(stores[1].iter_relations()) == list(first.iter_relations())
    # and the restored store keeps going: a retraction there reads the restored assertions
    again = load_dataset(
        dataset(tmp_path / "none", relations=[]), stores[1], contributor="bank-union", replace=True
    )
    assert again.retracted == 1
    loan = next(t for t in stores[1].ties("E1") if t.type is RelationType.LENDS_TO)
    assert (loan.strength, loan.since) == (0.5, "2015-04-01")  # pref-13's values


def test_an_export_of_a_store_without_provenance_rows_loads_back(stores, tmp_path):
    export_dataset(stores[0], tmp_path / "empty")
    assert (tmp_path / "empty" / PROVENANCE_FILE).read_text() == ",".join(PROVENANCE_COLUMNS) + "\n"
    report = load_dataset(tmp_path / "empty", stores[1])
    assert (report.restored, sum(report.nodes.values())) == (0, 0)
    assert stores[1].contributors() == []


def test_an_export_cannot_replace(stores, tmp_path):
    history(stores[0], tmp_path)
    export_dataset(stores[0], tmp_path / "out")
    with pytest.raises(InvalidArgument, match="load it without replace"):
        load_dataset(tmp_path / "out", stores[1], contributor="pref-13", replace=True)
    assert stores[1].contributors() == []


def test_summaries_are_the_contributors(stores, tmp_path):
    history(stores[0], tmp_path)
    summaries = stores[0].contributors()
    assert all(isinstance(s, ContributorSummary) for s in summaries)
    assert [(s.contributor, s.nodes, s.relations) for s in summaries] == [
        ("bank-union", 0, 1),
        ("pref-13", 4, 2),
    ]
