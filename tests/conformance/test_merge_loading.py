"""Loads and exports that know about merges, on every backend: a row naming a merged node's
id (an alias) lands on the kept node, an export writes merges.csv and aliases.csv and loads
back with its merges (unmerge still works), a bad merges.csv or a disagreeing aliases.csv
is a problem that changes nothing, and a load may merge the duplicates it brings."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest

from graph.corporate_number import check_digit
from graph.errors import DatasetInvalid, InvalidArgument, RowInvalid
from graph.loaders import export_dataset, load_dataset
from graph.loaders.values import write_nodes, write_relations
from graph.model import NodeKind, RelationType
from graph.provenance import Attribution, relation_record
from graph.queries.merges import merge_nodes, unmerge
from graph.settings import Backend
from graph.store import open_store
from tests.conftest import empty_neo4j, write_csv, write_dataset

CENTRES = [["C1", "Tokyo Centre", "13", "other", "5"], ["C2", "Osaka Centre", "27", "other", ""]]
ENTERPRISES = [
    ["E1", "山田製作所", "13", "E", "10", "1990"],
    ["E2", "Kaga Foods", "13", "I", "", "2001"],
    ["E9", "株式会社山田製作所", "13", "E", "", ""],
]
FINANCIERS = [
    ["F1", "Tokyo Shinkin", "shinkin_bank", "13"],
    ["F2", "Tokyo Credit Guarantee", "credit_guarantee_corporation", "13"],
]
RELATIONS = [
    ["C1", "SUPPORTS", "E1", "0.6", "2015-04-01", ""],
    ["C1", "SUPPORTS", "E9", "0.8", "", ""],
    ["F2", "GUARANTEES", "E9", "0.5", "2010-01-01", ""],
    ["E9", "TRADES_WITH", "E2", "0.55", "", ""],
]


def _base(store, tmp_path: Path) -> None:
    folder = write_dataset(
        tmp_path / "base",
        {
            "centres.csv": CENTRES,
            "enterprises.csv": ENTERPRISES,
            "financiers.csv": FINANCIERS,
            "relations.csv": RELATIONS,
        },
    )
    load_dataset(folder, store, contributor="tokyo")


@pytest.fixture
def merged(store, tmp_path):
    """The base network with E9 merged into E1."""
    _base(store, tmp_path)
    merge_nodes(store, "E1", "E9", reason="same firm")
    return store


def _state(store) -> dict:
    nodes = [node for kind in NodeKind for node in store.iter_nodes(kind)]
    return {
        "nodes": nodes,
        "relations": list(store.iter_relations()),
        "provenance": list(store.iter_provenance()),
        "merges": store.merges(),
        "aliases": store.aliases(),
    }


def test_a_relation_row_naming_an_alias_lands_on_the_kept_node(merged, tmp_path):
    store = merged
    folder = write_dataset(
        tmp_path / "later",
        {
            "relations.csv": [
                ["F1", "LENDS_TO", "E9", "0.7", "2020-04-01", ""],
                ["E2", "COLLABORATES_WITH", "E9", "0.3", "", ""],
                ["C2", "SUPPORTS", "E2", "0.4", "", ""],
            ]
        },
    )
    report = load_dataset(folder, store, contributor="bank")
    assert report.relations == 3 and report.aliased == 2
    relations = {r.key: r for r in store.iter_relations()}
    assert relations["F1", "LENDS_TO", "E1"].since == "2020-04-01"
    assert ("E2", "COLLABORATES_WITH", "E1") in relations
    assert not any("E9" in (r.source, r.target) for r in relations.values())
    assert store.get_node("E9") is None
    found = store.provenance([relation_record("F1", RelationType.LENDS_TO, "E1")])
    assert [a.contributor for a in next(iter(found.values()))] == ["bank"]
    # a load that names no alias counts none
    plain = write_dataset(tmp_path / "plain", {"relations.csv": [["C2", "SUPPORTS", "E2"]]})
    assert load_dataset(plain, store, contributor="bank").aliased == 0


def test_a_relation_between_a_node_and_its_alias_is_a_problem(merged, tmp_path):
    store = merged
    before = _state(store)
    folder = write_dataset(
        tmp_path / "loop", {"relations.csv": [["E1", "TRADES_WITH", "E9", "0.5", "", ""]]}
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store, contributor="bank")
    assert str(caught.value.problems[0]).startswith("relations.csv:2: target:")
    assert "tied to itself" in str(caught.value.problems[0])
    assert _state(store) == before


def test_a_node_row_naming_an_alias_updates_the_kept_node(merged, tmp_path):
    store = merged
    folder = write_dataset(
        tmp_path / "update",
        {
            "enterprises.csv": [["E9", "山田製作所 本社", "13", "E", "12", "1990"]],
            "relations.csv": [["C2", "SUPPORTS", "E9", "0.4", "", ""]],
        },
    )
    report = load_dataset(folder, store, contributor="osaka")
    assert report.aliased == 2
    assert report.nodes == {"Enterprise": 1}
    assert store.get_node("E9") is None
    kept = store.get_node("E1")
    assert kept.name == "山田製作所 本社" and kept.props["employees"] == 12
    asserted = store.provenance(["E1"])["E1"]
    assert "osaka" in {a.contributor for a in asserted}
    assert ("C2", RelationType.SUPPORTS, "E1") in {r.key for r in store.iter_relations()}
    assert store.stats().nodes["Enterprise"] == 2


def test_writes_of_values_naming_an_alias_land_on_the_kept_node(merged):
    """What POST /v1/relations and POST /v1/nodes write (graph.loaders.values)."""
    store = merged
    by = Attribution("admin")
    written = write_relations(
        store, [{"source": "F1", "type": "LENDS_TO", "target": "E9", "strength": 0.4}], by
    )
    assert [r.key for r in written] == [("F1", RelationType.LENDS_TO, "E1")]
    assert ("F1", RelationType.LENDS_TO, "E1") in {r.key for r in store.iter_relations()}
    with pytest.raises(RowInvalid, match="tied to itself"):
        write_relations(store, [{"source": "E1", "type": "TRADES_WITH", "target": "E9"}], by)
    values = {"id": "E9", "name": "山田製作所 (本社)", "prefecture": "13", "industry": "E"}
    write_nodes(store, [("Enterprise", values)], by)
    assert store.get_node("E9") is None
    assert store.get_node("E1").name == "山田製作所 (本社)"


def _empty_store(store, settings, tmp_path: Path):
    """An empty store of the same backend (for Neo4j the same server, emptied: ``store``
    is closed)."""
    if settings.backend is Backend.NEO4J:
        store.close()
        empty_neo4j(settings)
    return open_store(settings.model_copy(update={"data_dir": tmp_path / "again"}))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_load_export_with_merges_gives_the_same_files_and_unmerge_works(
    merged, settings, tmp_path
):
    store = merged
    # an undone merge too
    undone = merge_nodes(store, "F1", "F2", by="admin-key", reason="=looked alike")
    unmerge(store, undone.id)
    (kept_merge,) = [m for m in store.merges() if m.open]
    before_export = _state(store)
    first = tmp_path / "export-1"
    counts = export_dataset(store, first)
    assert counts["merges.csv"] == 2 and counts["aliases.csv"] == 1
    rows = _rows(first / "merges.csv")
    assert list(rows[0]) == [
        "id",
        "keep",
        "merge",
        "by",
        "at",
        "reason",
        "score",
        "undone_at",
        "snapshot",
    ]
    assert [(r["id"], r["keep"], r["merge"], bool(r["undone_at"])) for r in rows] == [
        (kept_merge.id, "E1", "E9", False),
        (undone.id, "F1", "F2", True),
    ]
    assert rows[1]["reason"] == "'=looked alike"  # guarded for spreadsheets
    assert rows[0]["snapshot"] == store.merge_snapshot(kept_merge.id)
    assert _rows(first / "aliases.csv") == [{"alias": "E9", "kept": "E1"}]

    again = _empty_store(store, settings, tmp_path)
    with again:
        report = load_dataset(first, again)
        assert report.merges == 2 and report.aliased == 0
        assert _state(again) == before_export
        second = tmp_path / "export-2"
        export_dataset(again, second)
        names = sorted(path.name for path in first.iterdir())
        assert names == sorted(path.name for path in second.iterdir())
        _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
        assert (mismatch, errors) == ([], [])
        # loading the same export again restores no merge twice and changes nothing
        assert load_dataset(first, again).merges == 0
        assert _state(again) == before_export
        # the merge restored undoes as the original would: both nodes back
        unmerge(again, kept_merge.id)
        assert again.aliases() == {}
        assert again.get_node("E9").name == "株式会社山田製作所"
        assert again.get_node("E1").name == "山田製作所"
        ties = {r.key for r in again.iter_relations()}
        assert {("C1", RelationType.SUPPORTS, "E9"), ("E9", RelationType.TRADES_WITH, "E2")} <= ties
        # the export says the merge holds, the store that it was undone: a problem
        merges = again.merges()
        with pytest.raises(DatasetInvalid) as caught:
            load_dataset(first, again)
        assert [str(p) for p in caught.value.problems] == [
            f"merges.csv:2: id: merge {kept_merge.id} is in the store already, with other "
            "values: a merge is restored as it was, never changed by a load"
        ]
        assert again.merges() == merges


def test_an_export_without_merges_writes_no_merge_files(store, small_dataset, tmp_path):
    load_dataset(small_dataset, store)
    out = tmp_path / "out"
    out.mkdir()
    (out / "merges.csv").write_text("stale\n", encoding="utf-8")
    counts = export_dataset(store, out)
    assert "merges.csv" not in counts and "aliases.csv" not in counts
    assert not (out / "merges.csv").exists() and not (out / "aliases.csv").exists()


def _exported(store, tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    export_dataset(store, folder)
    return folder


def _rewrite(path: Path, change) -> None:
    rows = _rows(path)
    change(rows)
    header = list(rows[0])
    write_csv(path, header, [[row[column] for column in header] for row in rows])


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("snapshot", '{"version": 1', "snapshot: the merge's snapshot cannot be read"),
        ("at", "yesterday", "at: must be an ISO 8601 date and time"),
        ("undone_at", "soon", "undone_at: must be an ISO 8601 date and time"),
        ("score", "1.5", "score: must be a number from 0 to 1"),
        ("keep", "E1", "snapshot: is the snapshot of merging 'F2' into 'F1', not of this"),
    ],
)
def test_a_bad_merges_row_is_a_problem_with_its_line_and_changes_nothing(
    merged, tmp_path, column, value, words
):
    store = merged
    folder = _exported(store, tmp_path)
    second = merge_nodes(store, "F1", "F2")
    unmerge(store, second.id)
    folder = _exported(store, tmp_path / "two")

    def change(rows):
        rows[1][column] = value

    _rewrite(folder / "merges.csv", change)
    target = _empty_like(store, tmp_path)
    before = _state(target)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, target)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith("merges.csv:3: ") and words in p for p in problems), problems
    assert _state(target) == before


def _empty_like(store, tmp_path: Path):
    """A second, empty store of the kind the test needs: the rows are checked before any
    write on every backend, so an embedded one serves for the refusals."""
    from graph.store.embedded import EmbeddedStore

    return EmbeddedStore(tmp_path / "second", watch_seconds=None)


def test_an_open_merge_needs_its_kept_node_and_not_its_merged_one(merged, tmp_path, store):
    folder = _exported(merged, tmp_path)
    # a store that has the duplicate still: the merged id is a node there
    target = _empty_like(store, tmp_path)
    _base(target, tmp_path / "target")
    before = _state(target)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, target)
    assert [str(p) for p in caught.value.problems] == [
        "merges.csv:2: merge: 'E9' is a node of the folder or the store: the id an open merge "
        "merged away cannot be a node (undo the merge with rsn unmerge, or mark it undone)"
    ]
    assert _state(target) == before
    # a folder without the kept node, into an empty store
    for name in ("enterprises.csv", "relations.csv", "provenance.csv", "referrals.csv"):
        (folder / name).unlink()
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, _empty_like(store, tmp_path / "empty"))
    assert [str(p).split(": ")[:2] for p in caught.value.problems] == [["merges.csv:2", "keep"]]
    assert "no node with id 'E1' in the folder or the store" in str(caught.value.problems[0])


def test_an_unknown_merges_column_is_a_problem(merged, tmp_path):
    folder = _exported(merged, tmp_path)
    _rewrite(folder / "merges.csv", lambda rows: [row.update(extra="x") for row in rows])
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, _empty_like(merged, tmp_path))
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("merges.csv", 1, "extra")
    ]


def test_a_disagreeing_aliases_file_is_a_problem(merged, tmp_path):
    store = merged
    folder = _exported(store, tmp_path)
    target = _empty_like(store, tmp_path)
    write_csv(folder / "aliases.csv", ["alias", "kept"], [["E9", "E2"]])
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, target)
    assert [str(p).split(": ")[0:2] for p in caught.value.problems] == [["aliases.csv:2", "alias"]]
    assert "not of 'E2'" in str(caught.value.problems[0])
    # an open merge left out of aliases.csv
    write_csv(folder / "aliases.csv", ["alias", "kept"], [])
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, target)
    (problem,) = caught.value.problems
    assert str(problem).startswith("merges.csv:2: merge: the alias 'E9' of this open merge")
    assert target.merges() == [] and target.stats().nodes["Enterprise"] == 0


def test_aliases_without_merges_must_be_aliases_of_the_store(merged, tmp_path):
    store = merged
    folder = write_dataset(tmp_path / "hand", {"relations.csv": [["C2", "SUPPORTS", "E9"]]})
    write_csv(folder / "aliases.csv", ["alias", "kept"], [["E9", "E1"]])
    report = load_dataset(folder, store, contributor="osaka")
    assert report.aliased == 1 and report.merges == 0
    write_csv(folder / "aliases.csv", ["alias", "kept"], [["E9", "E1"], ["E2", "E1"]])
    before = _state(store)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store, contributor="osaka")
    (problem,) = caught.value.problems
    assert str(problem).startswith("aliases.csv:3: alias: 'E2' is not an alias in the store")
    assert "aliases come from merges (rsn merge" in str(problem)
    assert _state(store) == before


def _corporate(base: str) -> str:
    return f"{check_digit(base)}{base}"


def test_auto_merge_merges_the_duplicates_the_load_brings(store, tmp_path):
    first = write_dataset(
        tmp_path / "first",
        {
            "centres.csv": CENTRES,
            "enterprises.csv": [
                ["E1", "山田製作所", "13", "E", "10", "1990"],
                ["E2", "Kaga Foods", "13", "I", "", "2001"],
            ],
            "relations.csv": [["C1", "SUPPORTS", "E1", "0.6", "", ""]],
        },
    )
    load_dataset(first, store, contributor="tokyo")
    header = ["id", "name", "prefecture", "industry", "corporate_number"]
    second = tmp_path / "second"
    write_csv(
        second / "enterprises.csv",
        header,
        [
            # the same firm as E1, spelled another way, with more ties than E1 here
            ["E11", "株式会社山田製作所", "13", "E", ""],
            # one name, two corporate numbers: two firms
            ["E20", "さくら工業", "13", "E", _corporate("123456789012")],
            ["E21", "さくら工業", "13", "E", _corporate("210987654321")],
        ],
    )
    write_csv(
        second / "relations.csv",
        ["source", "type", "target"],
        [["C1", "SUPPORTS", "E11"], ["C2", "SUPPORTS", "E11"], ["E11", "TRADES_WITH", "E2"]],
    )
    report = load_dataset(second, store, contributor="bank", auto_merge=0.85)
    assert [(m.keep, m.merge, m.by) for m in report.merged] == [("E1", "E11", "bank")]
    (made,) = report.merged
    assert made.reason == f"auto-merge at 0.85 during the load of {second} by bank"
    assert made.score is not None and made.score >= 0.85
    assert store.aliases() == {"E11": "E1"}
    assert store.get_node("E20") is not None and store.get_node("E21") is not None
    assert {r.key for r in store.ties("E1")} >= {
        ("C1", RelationType.SUPPORTS, "E1"),
        ("C2", RelationType.SUPPORTS, "E1"),
        ("E1", RelationType.TRADES_WITH, "E2"),
    }
    # loading it again: the pair is one node already, nothing more to merge
    again = load_dataset(second, store, contributor="bank", auto_merge=0.85)
    assert again.merged == [] and again.aliased == 4


def test_auto_merge_keeps_the_node_with_more_ties_when_both_are_new(store, tmp_path):
    folder = write_dataset(
        tmp_path / "both",
        {
            "centres.csv": CENTRES,
            "enterprises.csv": [
                ["E1", "山田製作所", "13", "E", "10", "1990"],
                ["E9", "株式会社山田製作所", "13", "E", "", ""],
            ],
            "relations.csv": [["C1", "SUPPORTS", "E9"], ["C2", "SUPPORTS", "E9"]],
        },
    )
    report = load_dataset(folder, store, contributor="tokyo", auto_merge=0.85)
    assert [(m.keep, m.merge) for m in report.merged] == [("E9", "E1")]


@pytest.mark.parametrize("score", [0, -0.1, 1.5, float("nan")])
def test_auto_merge_refuses_a_score_outside_0_to_1(store, small_dataset, score):
    with pytest.raises(InvalidArgument, match="auto_merge"):
        load_dataset(small_dataset, store, auto_merge=score)
    assert sum(store.stats().nodes.values()) == 0
