"""Valid time and provenance in dataset rows: relations' ``until``, every node file's
``ended``, the rows of provenance.csv, and the checks of a load before it touches a store.

No store here: validation runs against a stand-in that holds nothing."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.errors import DatasetInvalid, InvalidArgument, RowInvalid
from graph.loaders import load_dataset, validate_dataset
from graph.loaders.csvfile import spreadsheet_values
from graph.loaders.export import write_provenance
from graph.loaders.provenance_rows import (
    PROVENANCE_COLUMNS,
    PROVENANCE_FILE,
    AssertionRows,
    assertion_cells,
    parse_assertion,
    record_problem,
)
from graph.model import FILE_KIND, NodeKind, Relation, RelationType
from graph.provenance import Assertion
from graph.rows import (
    RELATION_COLUMNS,
    RelationFields,
    _modelled_relation,
    _plain_relation,
    node_columns,
    parse_node,
    parse_relation,
    required_columns,
)
from graph.store.ports import Stats

#: A day in the near future: a week ahead, so that it is still ahead of the day the rows are
#: read when a run crosses midnight.
SOON = (date.today() + timedelta(days=7)).isoformat()
STAMP = "2026-01-05T09:30:00.000001+00:00"
LATER = "2026-02-01T10:00:00.000000+00:00"


def problems_of(call, *args) -> list[tuple[str, str]]:
    with pytest.raises(RowInvalid) as caught:
        call(*args)
    return caught.value.problems


# -- the columns -----------------------------------------------------------------------


def test_relations_gain_an_optional_until_last():
    assert RELATION_COLUMNS == ("source", "type", "target", "strength", "since", "until")
    assert required_columns(None) == ("source", "type", "target")


@pytest.mark.parametrize("kind", list(NodeKind))
def test_every_node_file_gains_an_optional_ended_last(kind):
    assert node_columns(kind)[-1] == "ended"
    assert "ended" not in required_columns(kind)


# -- until -------------------------------------------------------------------------------


def row(**values: str) -> dict[str, str]:
    return {"source": "F1", "type": "LENDS_TO", "target": "E1", **values}


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("", "2020-03-31"),
        ("2015-04-01", "2020-03-31"),
        ("2015-04-01", "2015-04-01"),  # the same day: a tie that never held
        ("2015-04-01", SOON),  # a loan due to be repaid
        ("", "2999-12-31"),
    ],
)
def test_a_good_until_is_kept(since, until):
    relation = parse_relation(row(strength="0.5", since=since, until=until))
    assert relation == Relation("F1", RelationType.LENDS_TO, "E1", 0.5, since or None, until)
    assert _modelled_relation(row(strength="0.5", since=since, until=until)) == relation


def test_a_blank_until_is_none():
    assert parse_relation(row(until="")).until is None
    assert parse_relation(row(until="  ")).until is None
    assert parse_relation(row()).until is None


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2020-02-30", "must be a date written YYYY-MM-DD, got '2020-02-30'"),
        ("2020-1-1", "must be a date written YYYY-MM-DD, got '2020-1-1'"),
        ("20200101", "must be a date written YYYY-MM-DD, got '20200101'"),
        ("yesterday", "must be a date written YYYY-MM-DD, got 'yesterday'"),
    ],
)
def test_a_bad_until_is_worded(until, message):
    assert problems_of(parse_relation, row(until=until)) == [("until", message)]


def test_until_may_not_come_before_since():
    assert problems_of(parse_relation, row(since="2015-04-01", until="2015-03-31")) == [
        ("until", "must not be before since (2015-04-01), got 2015-03-31")
    ]


def test_a_bad_since_and_a_bad_until_are_both_worded():
    problems = problems_of(parse_relation, row(since=SOON, until="2020-13-01"))
    assert problems == [
        ("since", f"must not be in the future, got {SOON}"),
        ("until", "must be a date written YYYY-MM-DD, got '2020-13-01'"),
    ]


def test_until_given_through_json_as_a_date_text_or_null():
    assert parse_relation({**row(), "until": "2020-01-01"}).until == "2020-01-01"
    assert parse_relation({**row(), "until": None}).until is None
    assert problems_of(parse_relation, {**row(), "until": 20200101}) == [
        ("until", "must be a date written YYYY-MM-DD, got '20200101'")
    ]


VALUES = {
    "source": ["E1", "C.2", "", "E 1", "E2"],
    "type": ["TRADES_WITH", "LENDS_TO", "NOPE"],
    "target": ["E2", "F-9", "E1"],
    "strength": ["", "0.5", "1", "0", "1.01", "x"],
    "since": ["", "2020-01-31", "2020-02-30", "1999-12-31", SOON, "2020-1-1", "2020-01-31 "],
    "until": [
        "",
        "2020-01-31",
        "2020-02-01",
        "1999-12-30",
        "2020-02-30",
        SOON,
        "2999-01-01",
        "20200131",
        "2020-13-01",
        "0000-01-01",
        " 2021-01-01",
    ],
}


def test_the_plain_row_check_agrees_with_the_model_on_until():
    chooser = random.Random(16)
    fast = 0
    for _ in range(4000):
        values = {column: chooser.choice(options) for column, options in VALUES.items()}
        plain = _plain_relation(values)
        try:
            modelled = _modelled_relation(values)
        except RowInvalid:
            assert plain is None, values
            continue
        if plain is not None:
            assert plain == modelled, values
            fast += 1
    assert fast > 100


@pytest.mark.parametrize(
    "header",
    [
        ["source", "type", "target", "strength", "since", "until"],
        ["until", "target", "since", "type", "source"],
        ["source", "target", "type", "until"],
    ],
    ids=lambda h: ",".join(h),
)
def test_the_bulk_record_check_agrees_with_the_model_on_until(header):
    check = RelationFields(header)
    chooser = random.Random(len(header) * 16)
    fast = 0
    for _ in range(8000):
        fields = [chooser.choice(VALUES[column]) for column in header]
        relation = check(fields)
        try:
            modelled = _modelled_relation(dict(zip(header, fields, strict=True)))
        except RowInvalid:
            assert relation is None, fields
            continue
        if relation is not None:
            assert relation == modelled, fields
            fast += 1
    assert fast > 100


def test_the_bulk_record_check_takes_until_and_refuses_it_before_since():
    check = RelationFields(list(RELATION_COLUMNS))
    assert check(["F1", "LENDS_TO", "E1", "0.5", "2015-04-01", SOON]) == Relation(
        "F1", RelationType.LENDS_TO, "E1", 0.5, "2015-04-01", SOON
    )
    assert check(["F1", "LENDS_TO", "E1", "0.5", "2015-04-01", "2015-03-31"]) is None
    assert check(["F1", "LENDS_TO", "E1", "0.5", "", "2015-02-29"]) is None
    # a day already found real is not checked again, but before since is still refused
    assert check(["F1", "LENDS_TO", "E2", "", "2016-01-01", SOON]) is not None
    assert check(["F1", "LENDS_TO", "E3", "", "2999-01-01", SOON]) is None


# -- ended -------------------------------------------------------------------------------

GOOD_NODES = {
    NodeKind.ENTERPRISE: {"id": "E1", "name": "n", "prefecture": "13", "industry": "E"},
    NodeKind.ASSET: {"id": "A1", "name": "n", "category": "industrial", "prefecture": "13"},
    NodeKind.CENTRE: {"id": "C1", "name": "n", "prefecture": "13", "kind": "other"},
    NodeKind.FINANCIER: {"id": "F1", "name": "n", "kind": "government"},
    NodeKind.SPECIALIST: {"id": "S1", "name": "n", "background": "cpa", "expertise": "tax"},
}


@pytest.mark.parametrize("kind", list(NodeKind))
def test_ended_is_kept_in_the_properties(kind):
    node = parse_node(kind, {**GOOD_NODES[kind], "ended": "2019-03-31"})
    assert node.props["ended"] == "2019-03-31"
    assert "ended" not in parse_node(kind, {**GOOD_NODES[kind], "ended": ""}).props
    assert "ended" not in parse_node(kind, GOOD_NODES[kind]).props
    # a closing already announced
    assert parse_node(kind, {**GOOD_NODES[kind], "ended": SOON}).props["ended"] == SOON


@pytest.mark.parametrize("kind", list(NodeKind))
@pytest.mark.parametrize("ended", ["2019-02-29", "31/03/2019", "2019"])
def test_a_bad_ended_is_worded(kind, ended):
    assert problems_of(parse_node, kind, {**GOOD_NODES[kind], "ended": ended}) == [
        ("ended", f"must be a date written YYYY-MM-DD, got {ended!r}")
    ]


# -- provenance.csv rows -------------------------------------------------------------------


def assertion_row(**values: str) -> dict[str, str]:
    base = {
        "record": "F1 LENDS_TO E1",
        "contributor": "bank-union",
        "recorded_at": STAMP,
        "last_seen": LATER,
        "retracted_at": "",
        "values": '{"since":"2015-04-01","strength":0.5}',
    }
    return {**base, **values}


def test_a_good_assertion_row():
    record, assertion = parse_assertion(assertion_row())
    assert record == "F1 LENDS_TO E1"
    assert assertion == Assertion(
        "bank-union", STAMP, LATER, None, {"since": "2015-04-01", "strength": 0.5}
    )
    assert assertion_cells(record, assertion) == list(assertion_row().values())
    _, retracted = parse_assertion(assertion_row(retracted_at=LATER))
    assert retracted.retracted_at == LATER
    node, named = parse_assertion(assertion_row(record="E1", values='{"name":"山田"}'))
    assert (node, named.values) == ("E1", {"name": "山田"})


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        (
            {"record": "F1 LENDS E1"},
            [
                (
                    "record",
                    "'F1 LENDS E1' is not a relation written 'source TYPE target' (two ids "
                    "and a relation type, one space apart)",
                )
            ],
        ),
        (
            {"record": "F1  LENDS_TO E1"},
            [
                (
                    "record",
                    "'F1  LENDS_TO E1' is not a relation written 'source TYPE target' (two "
                    "ids and a relation type, one space apart)",
                )
            ],
        ),
        (
            {"record": "", "values": '{"name":"x"}'},
            [("record", "'' is neither a node id nor a relation written 'source TYPE target'")],
        ),
        (
            {"contributor": "a bank"},
            [
                (
                    "contributor",
                    "a contributor is named by 1 to 64 letters, digits or _ . : -, got 'a bank'",
                )
            ],
        ),
        (
            {"recorded_at": "yesterday", "last_seen": ""},
            [
                ("recorded_at", "must be an ISO 8601 date and time, got 'yesterday'"),
                ("last_seen", "must be an ISO 8601 date and time, got ''"),
            ],
        ),
        (
            {"retracted_at": "soon"},
            [
                (
                    "retracted_at",
                    "must be an ISO 8601 date and time, got 'soon' (or blank while it stands)",
                )
            ],
        ),
        (
            {"values": "{strength: 1}"},
            [
                (
                    "values",
                    "is not JSON: Expecting property name enclosed in double quotes at character 1",
                )
            ],
        ),
        ({"values": "[0.5]"}, [("values", "must be a JSON object {...}, got '[0.5]'")]),
        (
            {"values": '{"strength":0}'},
            [("values", "a relation's values need a strength greater than 0 and at most 1")],
        ),
        (
            {"values": '{"strength":true}'},
            [("values", "a relation's values need a strength greater than 0 and at most 1")],
        ),
        (
            {"values": '{"strength":0.5,"until":20200101}'},
            [("values", "a relation's until must be a date written YYYY-MM-DD")],
        ),
        (
            {"record": "E1", "values": '{"strength":0.5}'},
            [("values", "a node's values need its name as text")],
        ),
    ],
)
def test_a_bad_assertion_row_is_worded(values, problems):
    assert problems_of(parse_assertion, assertion_row(**values)) == problems


ASSERTION_VALUES = {
    "record": ["E1", "F1 LENDS_TO E1", "E9", "F1 LENDS E1", "'-E1", "-E1", ""],
    "contributor": ["local", "bank-union", "a bank", "'-x", "-x", ""],
    "recorded_at": [STAMP, LATER, "2026-01-05", "yesterday", ""],
    "last_seen": [STAMP, LATER, "2026-13-05T00:00:00"],
    "retracted_at": ["", LATER, "soon"],
    "values": [
        '{"strength":0.5}',
        '{"strength":1}',
        '{"strength":0}',
        '{"since":"2015-04-01","strength":0.25}',
        '{"strength":0.5,"until":1}',
        '{"name":"n","prefecture":"13"}',
        '{"name":1}',
        ' {"name":"n"}',
        '{"name":"n"} ',
        '{"name":"n"}x',
        '["name"]',
        "{",
        "",
    ],
}


def test_the_quick_assertion_check_agrees_with_the_worded_one():
    """AssertionRows.plain accepts a row only if parse does, with the same assertion."""
    header = ["values", "record", "last_seen", "contributor", "retracted_at", "recorded_at"]
    rows = AssertionRows({"E1", "-E1", "F1 LENDS_TO E1"}, header)
    chooser = random.Random(161)
    quick = 0
    for _ in range(8000):
        fields = [chooser.choice(ASSERTION_VALUES[column]) for column in header]
        plain = rows.plain(fields)
        try:
            parsed = rows.parse(dict(zip(header, spreadsheet_values(fields), strict=True)))
        except RowInvalid:
            assert plain is None, fields
            continue
        if plain is not None:
            assert plain == parsed, fields
            quick += 1
    assert quick > 20


def test_record_names():
    assert record_problem("E1") is None
    assert record_problem("C1 SUPPORTS E1") is None
    assert record_problem("C1 SUPPORTS") is not None
    assert record_problem("C1 SUPPORTS E 1") is not None


# -- a dataset folder, validated against a store that holds nothing -------------------------


class EmptyStore:
    """The reads a validation makes, of a store that holds nothing."""

    def stats(self, day=None) -> Stats:
        return Stats()

    def node_kinds(self, ids, day=None):
        return {}

    def referral_ids_by_request(self, requests):
        return {}

    def aliases(self):
        return {}

    def merges(self):
        return []


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def folder_with(tmp_path: Path, provenance: list[list[str]] | None = None) -> Path:
    """A small folder: two enterprises (one ended), a financier, two loans (one repaid)."""
    folder = tmp_path / "dataset"
    write(
        folder / "enterprises.csv",
        list(node_columns(NodeKind.ENTERPRISE)),
        [
            ["E1", "山田製作所", "13", "E", "25", "1962", ""],
            ["E2", "Closed Ltd", "13", "E", "", "", "2020-03-31"],
        ],
    )
    write(
        folder / "financiers.csv",
        list(node_columns(NodeKind.FINANCIER)),
        [["F1", "Shinkin", "shinkin_bank", "13", ""]],
    )
    write(
        folder / "relations.csv",
        list(RELATION_COLUMNS),
        [
            ["F1", "LENDS_TO", "E1", "0.5", "2015-04-01", ""],
            ["F1", "LENDS_TO", "E2", "0.4", "2012-04-01", "2019-03-31"],
        ],
    )
    if provenance is not None:
        write(folder / PROVENANCE_FILE, list(PROVENANCE_COLUMNS), provenance)
    return folder


def test_a_folder_with_ended_nodes_and_until_validates(tmp_path):
    checked = validate_dataset(folder_with(tmp_path), EmptyStore())
    assert checked.problems == []
    assert checked.nodes[NodeKind.ENTERPRISE]["E2"].props["ended"] == "2020-03-31"
    assert "ended" not in checked.nodes[NodeKind.ENTERPRISE]["E1"].props
    loans = {r.target: r for r in checked.relations.values()}
    assert loans["E2"].until == "2019-03-31" and loans["E1"].until is None
    assert checked.provenance is None
    assert checked.records() == {"E1", "E2", "F1", "F1 LENDS_TO E1", "F1 LENDS_TO E2"}


def test_until_and_ended_problems_read_file_line_column(tmp_path):
    folder = folder_with(tmp_path)
    write(
        folder / "relations.csv",
        list(RELATION_COLUMNS),
        [
            ["F1", "LENDS_TO", "E1", "0.5", "2015-04-01", "2015-03-01"],
            ["F1", "LENDS_TO", "E2", "0.4", "", "2019-02-30"],
        ],
    )
    write(
        folder / "financiers.csv",
        list(node_columns(NodeKind.FINANCIER)),
        [["F1", "Shinkin", "shinkin_bank", "13", "closed"]],
    )
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, EmptyStore())
    assert [str(p) for p in caught.value.problems] == [
        "financiers.csv:2: ended: must be a date written YYYY-MM-DD, got 'closed'",
        "relations.csv:2: until: must not be before since (2015-04-01), got 2015-03-01",
        "relations.csv:3: until: must be a date written YYYY-MM-DD, got '2019-02-30'",
    ]


def provenance_row(record: str, contributor: str, values: dict, retracted: str = "") -> list[str]:
    return [record, contributor, STAMP, LATER, retracted, json.dumps(values)]


GOOD_PROVENANCE = [
    provenance_row("E1", "local", {"name": "山田製作所", "prefecture": "13"}),
    provenance_row("F1 LENDS_TO E1", "bank-union", {"strength": 0.5}),
    provenance_row("F1 LENDS_TO E1", "local", {"strength": 0.6}, retracted=LATER),
]


def test_a_folder_with_provenance_validates_it(tmp_path):
    checked = validate_dataset(folder_with(tmp_path, GOOD_PROVENANCE), EmptyStore())
    assert checked.problems == []
    assert checked.provenance == [
        ("E1", Assertion("local", STAMP, LATER, None, {"name": "山田製作所", "prefecture": "13"})),
        ("F1 LENDS_TO E1", Assertion("bank-union", STAMP, LATER, None, {"strength": 0.5})),
        ("F1 LENDS_TO E1", Assertion("local", STAMP, LATER, LATER, {"strength": 0.6})),
    ]


def test_provenance_problems_read_file_line_column(tmp_path):
    rows = [
        *GOOD_PROVENANCE,
        provenance_row("E9", "local", {"name": "x"}),
        provenance_row("F1 LENDS_TO E9", "local", {"strength": 0.5}),
        provenance_row("E1", "local", {"name": "again"}),
        ["E2", "local", STAMP, LATER, "", "not json"],
    ]
    folder = folder_with(tmp_path, rows)
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, EmptyStore())
    assert [str(p) for p in caught.value.problems] == [
        "provenance.csv:5: record: names no node of this folder ('E9'): an assertion is of a row",
        "provenance.csv:6: record: names no relation of this folder ('F1 LENDS_TO E9'): an "
        "assertion is of a row",
        "provenance.csv:7: contributor: 'local' already asserts 'E1' at provenance.csv:2: one "
        "row per record and contributor",
        "provenance.csv:8: values: is not JSON: Expecting value at character 0",
    ]


def test_a_repeated_row_right_after_the_first_is_refused(tmp_path):
    rows = [*GOOD_PROVENANCE[:2], GOOD_PROVENANCE[1], GOOD_PROVENANCE[2]]
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder_with(tmp_path, rows), EmptyStore())
    assert [str(p) for p in caught.value.problems] == [
        "provenance.csv:4: contributor: 'bank-union' already asserts 'F1 LENDS_TO E1' at "
        "provenance.csv:3: one row per record and contributor"
    ]


def test_rows_in_any_order_are_kept_in_theirs(tmp_path):
    rows = list(reversed(GOOD_PROVENANCE))
    checked = validate_dataset(folder_with(tmp_path, rows), EmptyStore())
    assert checked.problems == []
    assert [(r, a.contributor) for r, a in checked.provenance] == [
        ("F1 LENDS_TO E1", "local"),
        ("F1 LENDS_TO E1", "bank-union"),
        ("E1", "local"),
    ]


def test_provenance_needs_every_column(tmp_path):
    folder = folder_with(tmp_path)
    write(folder / PROVENANCE_FILE, ["record", "contributor", "values"], [])
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(folder, EmptyStore())
    assert [str(p) for p in caught.value.problems] == [
        "provenance.csv:1: recorded_at: required column is missing",
        "provenance.csv:1: last_seen: required column is missing",
        "provenance.csv:1: retracted_at: required column is missing",
    ]


def test_a_row_of_provenance_whose_record_was_rejected_is_rejected_too(tmp_path):
    folder = folder_with(tmp_path, GOOD_PROVENANCE)
    write(
        folder / "enterprises.csv",
        list(node_columns(NodeKind.ENTERPRISE)),
        [["E1", "山田製作所", "99", "E", "", "", ""], ["E2", "Closed Ltd", "13", "E", "", "", ""]],
    )
    checked = validate_dataset(folder, EmptyStore())
    assert [str(p) for p in checked.problems][-3:] == [
        "provenance.csv:2: record: names no node of this folder ('E1'): an assertion is of a row",
        "provenance.csv:3: record: names no relation of this folder ('F1 LENDS_TO E1'): an "
        "assertion is of a row",
        "provenance.csv:4: record: names no relation of this folder ('F1 LENDS_TO E1'): an "
        "assertion is of a row",
    ]


# -- what a load refuses before it reads anything ---------------------------------------------


@pytest.mark.parametrize("name", ["", "two words", "x" * 65, "a/b", "名前"])
def test_a_bad_contributor_is_refused(tmp_path, name):
    with pytest.raises(InvalidArgument, match="a contributor is named by 1 to 64"):
        load_dataset(folder_with(tmp_path), EmptyStore(), contributor=name)


def test_replace_of_a_folder_with_provenance_is_refused(tmp_path):
    folder = folder_with(tmp_path, GOOD_PROVENANCE)
    with pytest.raises(InvalidArgument) as caught:
        load_dataset(folder, EmptyStore(), contributor="bank-union", replace=True)
    assert str(caught.value) == (
        f"{folder / PROVENANCE_FILE} restores an export's provenance as it was recorded, so "
        "the folder is not one contributor's view: load it without replace (--replace)"
    )


def test_replace_with_skip_invalid_is_refused(tmp_path):
    with pytest.raises(InvalidArgument, match="cannot be combined with skip_invalid"):
        load_dataset(folder_with(tmp_path), EmptyStore(), replace=True, skip_invalid=True)


# -- export of provenance ------------------------------------------------------------------


class ProvenanceOnly:
    """A store whose assertions come out in the order given."""

    def __init__(self, pairs: list[tuple[str, Assertion]]):
        self.pairs = pairs

    def iter_provenance(self) -> Iterator[tuple[str, Assertion]]:
        return iter(self.pairs)


def test_provenance_is_written_sorted_and_guarded(tmp_path):
    pairs = [
        ("E1", Assertion("local", STAMP, LATER, None, {"name": "=1+1", "prefecture": "13"})),
        ("-E0", Assertion("zz", STAMP, STAMP, LATER, {"name": "x"})),
        ("-E0", Assertion("aa", STAMP, STAMP, None, {"name": "y"})),
    ]
    path = tmp_path / PROVENANCE_FILE
    assert write_provenance(ProvenanceOnly(pairs), path) == 3
    assert path.read_text(encoding="utf-8").splitlines() == [
        "record,contributor,recorded_at,last_seen,retracted_at,values",
        f'\'-E0,aa,{STAMP},{STAMP},,"{{""name"":""y""}}"',
        f'\'-E0,zz,{STAMP},{STAMP},{LATER},"{{""name"":""x""}}"',
        f'E1,local,{STAMP},{LATER},,"{{""name"":""=1+1"",""prefecture"":""13""}}"',
    ]
    # and it reads back as it was
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    parsed = [
        parse_assertion(dict(zip(PROVENANCE_COLUMNS, spreadsheet_values(r), strict=True)))
        for r in rows
    ]
    assert parsed == sorted(pairs, key=lambda p: (p[0], p[1].contributor))


def test_every_file_of_a_dataset_is_known():
    from graph.loaders.dataset import DATASET_FILES

    known = (*FILE_KIND, "relations.csv", "referrals.csv", PROVENANCE_FILE)
    assert DATASET_FILES[: len(known)] == known
    assert set(DATASET_FILES[len(known) :]) == {"merges.csv", "aliases.csv"}
