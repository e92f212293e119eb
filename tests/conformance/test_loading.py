"""Loading, exporting and keeping a dataset: the same tests on every backend."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.errors import Conflict, DatasetInvalid, NotFound
from graph.loaders import export_dataset, load_dataset
from graph.model import Node, NodeKind, Relation, RelationType, Scope
from tests.conftest import SMALL_NETWORK, write_csv, write_dataset


def snapshot(store) -> tuple[list[Node], list[Relation]]:
    """The whole graph, node by node and tie by tie, in a canonical order."""
    nodes = [node for kind in NodeKind for node in store.iter_nodes(kind)]
    return nodes, list(store.iter_relations())


def read_folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_load_reads_every_kind_and_type(store, small_dataset):
    report = load_dataset(small_dataset, store)
    assert report.relations == len(SMALL_NETWORK["relations.csv"])
    stats = store.stats()
    assert stats.nodes == {
        "Enterprise": 4,
        "Asset": 2,
        "Centre": 2,
        "Financier": 2,
        "Specialist": 2,
    }
    assert stats.relations["COLLABORATES_WITH"] == 2
    assert stats.relations["AFFILIATED_WITH"] == 2
    assert sum(stats.relations.values()) == 14


def test_values_come_back_verbatim(store, small_dataset):
    load_dataset(small_dataset, store)
    e2 = store.get_node("E2")
    assert e2.name == 'Sakura Foods, Ltd. "Honten"'
    assert e2.props == {"prefecture": "13", "industry": "I"}
    assert store.get_node("E3").name == "Kaga Lacquer\nWorkshop"
    assert store.get_node("E1").props == {
        "prefecture": "13",
        "industry": "E",
        "employees": 25,
        "founded": 1962,
    }
    assert store.get_node("S1").props == {
        "background": "banker",
        "expertise": ["finance", "succession"],
        "prefecture": "13",
    }
    assert store.get_node("F2").props == {"kind": "government"}
    assert store.get_node("C2").props == {"prefecture": "17", "kind": "prefectural_centre"}
    assert store.get_node("nope") is None


def test_ties_of_a_node(store, small_dataset):
    load_dataset(small_dataset, store)
    ties = store.ties("E1")
    assert [t.key for t in ties] == sorted(t.key for t in ties)
    assert {(t.source, t.type.value, t.target) for t in ties} == {
        ("C1", "SUPPORTS", "E1"),
        ("S1", "ADVISES", "E1"),
        ("F1", "GUARANTEES", "E1"),
        ("E1", "TRADES_WITH", "E2"),
        ("E2", "COLLABORATES_WITH", "E1"),
        ("E1", "UTILIZES", "A1"),
    }
    blank = next(t for t in ties if t.type is RelationType.UTILIZES)
    assert blank.strength == 0.5 and blank.since is None
    dated = next(t for t in ties if t.type is RelationType.TRADES_WITH)
    assert dated.strength == 0.55 and dated.since == "2019-01-15"
    assert store.ties("nope") == []


def test_ties_of_some_types_only(store, small_dataset):
    load_dataset(small_dataset, store)
    every = store.ties("E1")
    wanted = {RelationType.SUPPORTS, RelationType.TRADES_WITH}
    some = store.ties("E1", types=wanted)
    assert some == [t for t in every if t.type in wanted]
    assert {t.key for t in some} == {("C1", "SUPPORTS", "E1"), ("E1", "TRADES_WITH", "E2")}
    assert store.ties("E1", types={RelationType.LENDS_TO}) == []
    assert store.ties("E1", types=set()) == []
    assert store.ties("nope", types=wanted) == []
    # as of a day: the types and the day both hold (the trade began on 2019-01-15)
    dated = store.as_of("2019-01-14").ties("E1", types=wanted)
    assert {t.key for t in dated} == {
        t.key for t in some if t.since is None or t.since <= "2019-01-14"
    }
    assert ("E1", "TRADES_WITH", "E2") not in {t.key for t in dated}


def test_loading_twice_changes_nothing(store, small_dataset):
    load_dataset(small_dataset, store)
    first = snapshot(store)
    load_dataset(small_dataset, store)
    assert snapshot(store) == first
    assert sum(store.stats().relations.values()) == 14


def test_reload_updates_strength_and_since(store, small_dataset, tmp_path):
    load_dataset(small_dataset, store)
    update = write_dataset(
        tmp_path / "update", {"relations.csv": [["E1", "TRADES_WITH", "E2", "0.95", "2021-06-30"]]}
    )
    load_dataset(update, store)
    tie = next(t for t in store.ties("E2") if t.type is RelationType.TRADES_WITH)
    assert (tie.strength, tie.since) == (0.95, "2021-06-30")
    assert sum(store.stats().relations.values()) == 14


def test_relations_only_folder_ties_nodes_already_in_the_store(store, small_dataset, tmp_path):
    load_dataset(small_dataset, store)
    extra = write_dataset(tmp_path / "extra", {"relations.csv": [["C2", "SUPPORTS", "E3", "", ""]]})
    load_dataset(extra, store)
    assert ("C2", "SUPPORTS", "E3") in {t.key for t in store.ties("E3")}


def test_round_trip_through_export(open_again, small_dataset, tmp_path):
    first = open_again()
    load_dataset(small_dataset, first)
    export_dataset(first, tmp_path / "out1")
    before = snapshot(first)
    first_files = read_folder(tmp_path / "out1")
    assert set(first_files) == {
        "enterprises.csv",
        "assets.csv",
        "centres.csv",
        "financiers.csv",
        "specialists.csv",
        "relations.csv",
        "referrals.csv",
        "provenance.csv",
    }
    # a second export of the same graph is the same bytes
    export_dataset(first, tmp_path / "out2")
    assert read_folder(tmp_path / "out2") == first_files
    assert snapshot(first) == before


def test_export_loads_back_as_the_same_graph(store, small_dataset, tmp_path, embedded_store):
    load_dataset(small_dataset, store)
    export_dataset(store, tmp_path / "out")
    load_dataset(tmp_path / "out", embedded_store)
    assert snapshot(embedded_store) == snapshot(store)


def test_writes_survive_closing_and_reopening(open_again, small_dataset):
    first = open_again()
    load_dataset(small_dataset, first)
    before = snapshot(first)
    first.close()
    again = open_again()
    assert snapshot(again) == before
    assert again.stats() == open_again().stats()


def test_an_interrupted_write_leaves_the_store_as_it_was(store, small_dataset):
    load_dataset(small_dataset, store)
    before = snapshot(store)
    with pytest.raises(RuntimeError, match="power cut"):
        with store.transaction() as tx:
            tx.upsert_nodes(
                [Node("E9", NodeKind.ENTERPRISE, "New", {"prefecture": "01", "industry": "A"})]
            )
            tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E9", 0.5)])
            raise RuntimeError("power cut")
    assert snapshot(store) == before
    assert store.get_node("E9") is None


def test_a_transaction_commits_everything_together(store, small_dataset):
    load_dataset(small_dataset, store)
    with store.transaction() as tx:
        tx.upsert_nodes(
            [Node("E9", NodeKind.ENTERPRISE, "New", {"prefecture": "01", "industry": "A"})]
        )
        tx.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E9", 0.5)])
    assert store.get_node("E9").name == "New"
    assert ("C1", "SUPPORTS", "E9") in {t.key for t in store.ties("C1")}


def test_store_refuses_a_second_kind_for_an_id(store, small_dataset):
    load_dataset(small_dataset, store)
    before = store.get_node("E1")
    with pytest.raises(Conflict) as caught:
        store.upsert_nodes(
            [Node("E1", NodeKind.CENTRE, "x", {"prefecture": "13", "kind": "other"})]
        )
    assert str(caught.value) == "id 'E1' is already an Enterprise; it cannot also be a Centre"
    assert store.get_node("E1") == before
    with pytest.raises(Conflict, match="'A1' is already an Asset; it cannot also be a Specialist"):
        store.upsert_nodes(
            [Node("A1", NodeKind.SPECIALIST, "x", {"background": "cpa", "expertise": ["tax"]})]
        )
    assert store.node_kinds(["A1"]) == {"A1": NodeKind.ASSET}


def test_store_refuses_a_relation_to_a_missing_node(store, small_dataset):
    load_dataset(small_dataset, store)
    with pytest.raises(NotFound):
        store.upsert_relations([Relation("C1", RelationType.SUPPORTS, "E404", 0.5)])
    assert "E404" not in {t.target for t in store.ties("C1")}


def test_projection_of_a_prefecture(store, small_dataset):
    load_dataset(small_dataset, store)
    tokyo = store.projection(Scope("13"))
    assert set(tokyo.nodes) == {"E1", "E2", "C1", "F1", "S1"}
    assert tokyo.edges["E1", "E2"]["strength"] == 0.55
    assert tokyo.edges["E1", "E2"]["types"] == {
        RelationType.TRADES_WITH,
        RelationType.COLLABORATES_WITH,
    }
    everything = store.projection(Scope(), actors_only=False)
    assert everything.number_of_nodes() == 12
    assert everything.number_of_edges() == 13  # E1-E2 holds two relations


# -- bad input: every rule of the dataset contract ------------------------------------

E_OK = ["E1", "Good Co", "13", "E", "", ""]

BAD_ROWS = [
    # (file, row, column, words in the message)
    ("enterprises.csv", ["E 1", "x", "13", "E", "", ""], "id", "not a valid id"),
    ("enterprises.csv", ["E" * 65, "x", "13", "E", "", ""], "id", "at most 64"),
    ("enterprises.csv", ["E2", "", "13", "E", "", ""], "name", "must not be blank"),
    ("enterprises.csv", ["E2", "x", "48", "E", "", ""], "prefecture", "prefecture code"),
    ("enterprises.csv", ["E2", "x", "", "E", "", ""], "prefecture", "prefecture code"),
    ("enterprises.csv", ["E2", "x", "13", "Z", "", ""], "industry", "JSIC division"),
    ("enterprises.csv", ["E2", "x", "13", "E", "-3", ""], "employees", "from 0 to 10,000,000"),
    ("enterprises.csv", ["E2", "x", "13", "E", "10000001", ""], "employees", "10,000,000"),
    ("enterprises.csv", ["E2", "x", "13", "E", "1" + "0" * 29, ""], "employees", "30 digits"),
    ("enterprises.csv", ["E2", "x", "13", "E", "many", ""], "employees", "whole number"),
    ("enterprises.csv", ["E2", "x", "13", "E", "", "1599"], "founded", "from 1600"),
    ("enterprises.csv", ["E2", "x", "13", "E", "", "2999"], "founded", "from 1600"),
    ("assets.csv", ["A1", "x", "mineral", "13"], "category", "asset category"),
    ("assets.csv", ["A1", "x", "tourism", ""], "prefecture", "prefecture code"),
    ("centres.csv", ["C1", "x", "13", "bank", "5"], "kind", "centre kind"),
    ("centres.csv", ["C1", "x", "13", "university", "0"], "capacity", "from 1 to 100,000"),
    ("centres.csv", ["C1", "x", "13", "university", "100001"], "capacity", "got 100,001"),
    ("centres.csv", ["C1", "x", "", "university", "3"], "prefecture", "prefecture code"),
    ("financiers.csv", ["F1", "x", "pawnshop", ""], "kind", "financier kind"),
    ("financiers.csv", ["F1", "x", "fund", "99"], "prefecture", "prefecture code"),
    ("specialists.csv", ["S1", "x", "astronaut", "tax", ""], "background", "background"),
    ("specialists.csv", ["S1", "x", "cpa", "", ""], "expertise", "at least one"),
    ("specialists.csv", ["S1", "x", "cpa", "tax;juggling", ""], "expertise", "juggling"),
    ("relations.csv", ["E1", "LIKES", "E1b", "", ""], "type", "relation type"),
    ("relations.csv", ["E1", "TRADES_WITH", "E1b", "1.5", ""], "strength", "at most 1"),
    ("relations.csv", ["E1", "TRADES_WITH", "E1b", "0", ""], "strength", "greater than 0"),
    ("relations.csv", ["E1", "TRADES_WITH", "E1b", "strong", ""], "strength", "number"),
    ("relations.csv", ["E1", "TRADES_WITH", "E1b", "", "15/01/2020"], "since", "YYYY-MM-DD"),
    ("relations.csv", ["E1", "TRADES_WITH", "E1b", "", "2020-02-30"], "since", "YYYY-MM-DD"),
    ("relations.csv", ["E1", "TRADES_WITH", "NOPE", "", ""], "target", "no node with id 'NOPE'"),
    ("relations.csv", ["NOPE", "TRADES_WITH", "E1", "", ""], "source", "no node with id 'NOPE'"),
    ("relations.csv", ["E1", "LENDS_TO", "E1b", "", ""], "type", "Financier -> Enterprise"),
    ("relations.csv", ["E1", "UTILIZES", "E1b", "", ""], "type", "cannot join Enterprise"),
    ("relations.csv", ["E1", "TRADES_WITH", "E1", "", ""], "target", "itself"),
]


@pytest.mark.parametrize(
    ("file", "row", "column", "words"),
    BAD_ROWS,
    ids=[f"{f}-{c}-{i}" for i, (f, _, c, _) in enumerate(BAD_ROWS)],
)
def test_a_bad_row_is_named_and_nothing_is_written(store, tmp_path, file, row, column, words):
    files = {
        "enterprises.csv": [E_OK, ["E1b", "Other Co", "27", "I", "", ""]],
        "relations.csv": [["E1", "TRADES_WITH", "E1b", "0.5", ""]],
    }
    files.setdefault(file, [])
    # the bad row comes after a valid one and a name spread over two lines
    if file == "enterprises.csv":
        files[file] = [E_OK, ["E0", "Two\nlines", "01", "A", "", ""], row]
        expected_line = 5
    elif file == "relations.csv":
        files[file] = [["E1", "TRADES_WITH", "E1b", "0.5", ""], row]
        expected_line = 3
    else:
        files[file] = [row]
        expected_line = 2
    folder = write_dataset(tmp_path / "bad", files)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    messages = [str(p) for p in caught.value.problems]
    prefix = f"{file}:{expected_line}: {column}: "
    assert any(m.startswith(prefix) and words in m for m in messages), messages
    assert sum(store.stats().nodes.values()) == 0
    assert sum(store.stats().relations.values()) == 0


def test_an_id_with_two_kinds_is_invalid(store, tmp_path):
    folder = write_dataset(
        tmp_path / "bad",
        {
            "enterprises.csv": [E_OK],
            "centres.csv": [["E1", "Also a centre", "13", "other", ""]],
        },
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    assert [str(p) for p in caught.value.problems] == [
        "centres.csv:2: id: id 'E1' is already an Enterprise at enterprises.csv:2"
    ]
    assert sum(store.stats().nodes.values()) == 0


def test_an_id_already_in_the_store_with_another_kind_is_invalid(store, small_dataset, tmp_path):
    load_dataset(small_dataset, store)
    folder = write_dataset(tmp_path / "bad", {"centres.csv": [["E1", "x", "13", "other", ""]]})
    with pytest.raises(DatasetInvalid, match="1 problem") as caught:
        load_dataset(folder, store)
    assert str(caught.value.problems[0]) == (
        "centres.csv:2: id: id 'E1' is already an Enterprise in the store"
    )
    assert store.get_node("E1").kind is NodeKind.ENTERPRISE


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (
            ["id", "name", "prefecture"],
            [["E1", "x", "13"]],
            "enterprises.csv:1: industry: required column is missing",
        ),
        (
            ["id", "name", "prefecture", "industry", "colour"],
            [["E1", "x", "13", "E", "red"]],
            "enterprises.csv:1: colour: unknown column",
        ),
        (
            ["id", "name", "prefecture", "industry"],
            [["E1", "x", "13"]],
            "enterprises.csv:2: row: has 3 values but the header has 4 columns",
        ),
    ],
)
def test_header_and_shape_problems(store, tmp_path, header, rows, expected):
    folder = tmp_path / "bad"
    write_csv(folder / "enterprises.csv", header, rows)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value.problems
    assert sum(store.stats().nodes.values()) == 0


def test_a_file_that_is_not_utf8_names_its_line(store, tmp_path):
    # 日本 in Shift_JIS: read as such when the encoding is found out, refused when UTF-8 is
    # asked for
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "enterprises.csv").write_bytes(
        b"id,name,prefecture,industry\nE1,ok,13,E\nE2,\x93\xfa\x96\x7b,13,E\n"
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store, encoding="utf-8")
    assert str(caught.value.problems[0]).startswith("enterprises.csv:3: file: is not UTF-8")


def test_every_problem_is_listed_and_the_load_fails_whole(store, tmp_path):
    folder = write_dataset(
        tmp_path / "bad",
        {
            "enterprises.csv": [
                E_OK,
                ["E2", "x", "99", "Z", "", ""],
                ["E3", "y", "13", "E", "", ""],
            ],
            "relations.csv": [
                ["E1", "TRADES_WITH", "E3", "", ""],
                ["E1", "TRADES_WITH", "E4", "", ""],
            ],
        },
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    assert [
        str(p).split(": ")[0] + ": " + str(p).split(": ")[1] for p in caught.value.problems
    ] == [
        "enterprises.csv:3: prefecture",
        "enterprises.csv:3: industry",
        "relations.csv:3: target",
    ]
    assert sum(store.stats().nodes.values()) == 0


def test_skip_invalid_loads_the_rest_and_keeps_the_rejects(store, tmp_path):
    folder = write_dataset(
        tmp_path / "mixed",
        {
            "enterprises.csv": [
                E_OK,
                ["E2", "x", "99", "E", "", ""],
                ["E3", "y", "13", "E", "", ""],
            ],
            "relations.csv": [
                ["E1", "TRADES_WITH", "E3", "", ""],
                ["E1", "TRADES_WITH", "E2", "", ""],
            ],
        },
    )
    rejects = tmp_path / "rejects.csv"
    report = load_dataset(folder, store, skip_invalid=True, rejects=rejects)
    assert store.stats().nodes["Enterprise"] == 2
    assert store.stats().relations["TRADES_WITH"] == 1
    assert report.rejected == 2
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,line,column,problem,row"
    assert lines[1].startswith("enterprises.csv,3,prefecture,")
    assert lines[1].endswith('"E2,x,99,E,,,"')
    assert lines[2].startswith("relations.csv,3,target,no node with id 'E2'")


# -- CSV as people write it -------------------------------------------------------------


def test_csv_edge_cases(store, tmp_path):
    folder = tmp_path / "edge"
    folder.mkdir()
    # a BOM, CRLF line ends, columns in another order, quoted commas, quotes and newlines,
    # Japanese text, blank optional columns
    (folder / "enterprises.csv").write_bytes(
        "\ufeffname,id,industry,prefecture,founded,employees\r\n"
        '"株式会社 山田, 本店",E1,E,13,,\r\n'
        '"He said ""hi""",E2,I,27,1950,\r\n'
        '"line one\r\nline two",E3,M,47,,7\r\n'
        "京都の老舗,E4,I,26,1700,\r\n".encode()
    )
    write_csv(
        folder / "relations.csv",
        ["target", "source", "type", "since", "strength"],
        [["E4", "E3", "TRADES_WITH", "", ""]],
        bom=True,
    )
    load_dataset(folder, store)
    assert store.get_node("E1").name == "株式会社 山田, 本店"
    assert store.get_node("E2").name == 'He said "hi"'
    assert store.get_node("E3").name == "line one\r\nline two"
    assert store.get_node("E3").props == {"prefecture": "47", "industry": "M", "employees": 7}
    assert store.get_node("E4").props == {"prefecture": "26", "industry": "I", "founded": 1700}
    assert [t.key for t in store.ties("E4")] == [("E3", "TRADES_WITH", "E4")]


def test_a_multiline_name_does_not_shift_line_numbers(store, tmp_path):
    folder = tmp_path / "lines"
    folder.mkdir()
    (folder / "enterprises.csv").write_text(
        'id,name,prefecture,industry\nE1,"a\nb\nc",13,E\nE2,ok,13,E\nE3,bad,13,?\n',
        encoding="utf-8",
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    assert str(caught.value.problems[0]).startswith("enterprises.csv:6: industry:")


# -- cells that a spreadsheet would run --------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'


def test_export_guards_formulas_and_loads_them_back_unchanged(store, tmp_path, embedded_store):
    folder = write_dataset(
        tmp_path / "formulas",
        {
            "enterprises.csv": [
                ["E1", FORMULA_NAME, "13", "E", "", ""],
                ["-E2", "+81 Trading", "13", "E", "", ""],
                ["E3", "@home", "13", "E", "", ""],
                # a guarded cell, as written by hand: the value is what follows the '
                ["E4", "''=quoted already", "13", "E", "", ""],
                ["E5", "'plain quote", "13", "E", "", ""],
                ["E6", "\tTabbed", "13", "E", "", ""],
            ],
            "relations.csv": [["-E2", "TRADES_WITH", "E1", "", ""]],
        },
    )
    load_dataset(folder, store)
    assert store.get_node("E1").name == FORMULA_NAME
    assert store.get_node("E4").name == "'=quoted already"
    export_dataset(store, tmp_path / "out")
    rows = (tmp_path / "out" / "enterprises.csv").read_text(encoding="utf-8").splitlines()
    assert "'-E2,'+81 Trading,13,E,,," in rows
    assert 'E1,"\'=HYPERLINK(""http://evil.example"",""click"")",13,E,,,' in rows
    assert "E3,'@home,13,E,,," in rows
    assert "E4,''=quoted already,13,E,,," in rows
    assert "E5,'plain quote,13,E,,," in rows
    assert "E6,'\tTabbed,13,E,,," in rows
    relations = (tmp_path / "out" / "relations.csv").read_text(encoding="utf-8").splitlines()
    assert relations[1] == "'-E2,TRADES_WITH,E1,0.5,,"
    # every cell of every file: none begins as a formula would
    for path in (tmp_path / "out").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)
    load_dataset(tmp_path / "out", embedded_store)
    assert snapshot(embedded_store) == snapshot(store)
    export_dataset(embedded_store, tmp_path / "again")
    assert read_folder(tmp_path / "again") == read_folder(tmp_path / "out")


def test_the_rejects_file_guards_formulas(store, tmp_path):
    folder = write_dataset(
        tmp_path / "mixed",
        {"enterprises.csv": [E_OK, ["=cmd|' /C calc'!A0", "x", "13", "E", "", ""]]},
    )
    rejects = tmp_path / "rejects.csv"
    load_dataset(folder, store, skip_invalid=True, rejects=rejects)
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:3] == ["enterprises.csv", "3", "id"]
    assert rows[1][4].startswith("'=cmd|")
    assert store.get_node("E1") is not None


# -- numbers with bounds that mean something ------------------------------------------


def test_whole_numbers_past_their_bounds_are_refused(store, tmp_path):
    folder = write_dataset(
        tmp_path / "huge",
        {
            "enterprises.csv": [["E1", "x", "13", "E", str(10**29), ""]],
            "centres.csv": [["C1", "x", "13", "other", str(10**29)]],
        },
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, store)
    assert [str(p) for p in caught.value.problems] == [
        "enterprises.csv:2: employees: employees must be from 0 to 10,000,000, got 30 digits",
        "centres.csv:2: capacity: capacity must be from 1 to 100,000, got 30 digits",
    ]
    assert sum(store.stats().nodes.values()) == 0
    # the bounds themselves are fine
    write_dataset(
        folder,
        {
            "enterprises.csv": [["E1", "x", "13", "E", "10000000", ""]],
            "centres.csv": [["C1", "x", "13", "other", "100000"]],
        },
    )
    load_dataset(folder, store)
    assert store.get_node("E1").props["employees"] == 10_000_000
    assert store.get_node("C1").props["capacity"] == 100_000
