"""The embedded store keeps a record's only assertion in its own row until a second one, a
retraction or a restore needs the provenance table; both forms read as one, and files
written by earlier layouts open with their assertions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from graph.model import Node, NodeKind, Relation, RelationType
from graph.provenance import DEFAULT_CONTRIBUTOR, Assertion, Attribution, relation_record
from graph.store.embedded import STORE_FILE, EmbeddedStore

A = Node("E1", NodeKind.ENTERPRISE, "Sakura Works", {"prefecture": "13", "industry": "E"})
B = Node("F1", NodeKind.FINANCIER, "Tama Shinkin", {"prefecture": "13", "kind": "shinkin"})
LOAN = Relation("F1", RelationType.LENDS_TO, "E1", 0.6, "2015-04-01")
LOAN_RECORD = relation_record("F1", RelationType.LENDS_TO, "E1")


def _provenance_rows(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / STORE_FILE) as connection:
        return int(connection.execute("SELECT count(*) FROM provenance").fetchone()[0])


def _load(store: EmbeddedStore, by: Attribution) -> None:
    with store.bulk(by=by) as writer:
        writer.upsert_nodes([A, B])
        writer.upsert_relations([LOAN])


def test_a_first_load_keeps_each_assertion_in_its_row(tmp_path: Path) -> None:
    by = Attribution("centre-13")
    with EmbeddedStore(tmp_path, watch_seconds=None) as store:
        _load(store, by)
        found = store.provenance(["E1", LOAN_RECORD])
        assert found == {
            "E1": [Assertion("centre-13", by.at, by.at, None, {"name": A.name, **A.props})],
            LOAN_RECORD: [
                Assertion("centre-13", by.at, by.at, None, {"strength": 0.6, "since": "2015-04-01"})
            ],
        }
        assert sorted(record for record, _ in store.iter_provenance()) == sorted(
            ["E1", "F1", LOAN_RECORD]
        )
        assert store.standing_records("centre-13") == {"E1", "F1", LOAN_RECORD}
        (summary,) = store.contributors()
        assert (summary.contributor, summary.nodes, summary.relations) == ("centre-13", 2, 1)
    assert _provenance_rows(tmp_path) == 0


def test_a_second_contributor_keeps_the_first_ones_values(tmp_path: Path) -> None:
    first, second = Attribution("centre-13"), Attribution("bank-union")
    with EmbeddedStore(tmp_path, watch_seconds=None) as store:
        _load(store, first)
        changed = LOAN._replace(strength=0.9)
        store.upsert_relations([changed], second)
        assertions = {a.contributor: a for a in store.provenance([LOAN_RECORD])[LOAN_RECORD]}
        assert assertions["centre-13"].values == {"strength": 0.6, "since": "2015-04-01"}
        assert assertions["centre-13"].recorded_at == first.at
        assert assertions["bank-union"].values == {"strength": 0.9, "since": "2015-04-01"}
        assert store.ties("E1")[0].strength == 0.9
        # the second one retracted: the first one's values are the tie's again
        with store.transaction(Attribution("bank-union")) as writer:
            assert writer.retract([LOAN_RECORD], "bank-union") == 1
        assert store.ties("E1")[0].strength == 0.6
        # the same contributor again: first recorded as it was, last seen now
        again = Attribution("centre-13")
        store.upsert_relations([LOAN], again)
        mine = {a.contributor: a for a in store.provenance([LOAN_RECORD])[LOAN_RECORD]}
        assert (mine["centre-13"].recorded_at, mine["centre-13"].last_seen) == (first.at, again.at)
    # and all of it after a restart
    with EmbeddedStore(tmp_path, watch_seconds=None) as store:
        mine = {a.contributor: a for a in store.provenance([LOAN_RECORD])[LOAN_RECORD]}
        assert mine["bank-union"].retracted_at is not None
        assert mine["centre-13"].last_seen == again.at


def test_a_file_from_before_provenance_is_asserted_by_local(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / STORE_FILE) as connection:
        connection.executescript(
            """
            CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
                props TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE relations (source TEXT NOT NULL, type TEXT NOT NULL,
                target TEXT NOT NULL, strength REAL NOT NULL, since TEXT,
                PRIMARY KEY (source, type, target)) WITHOUT ROWID;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
            """
        )
        for node in (A, B):
            connection.execute(
                "INSERT INTO nodes VALUES (?, ?, ?, ?)",
                (node.id, node.kind.value, node.name, json.dumps(node.props)),
            )
        connection.execute("INSERT INTO relations VALUES ('F1', 'LENDS_TO', 'E1', 0.6, NULL)")
    with EmbeddedStore(tmp_path, watch_seconds=None) as store:
        found = store.provenance(["E1", LOAN_RECORD])
        assert [a.contributor for a in found["E1"]] == [DEFAULT_CONTRIBUTOR]
        assert found[LOAN_RECORD][0].values == {"strength": 0.6}
        assert store.ties("E1") == [Relation("F1", RelationType.LENDS_TO, "E1", 0.6, None)]


def test_a_file_with_a_provenance_table_only_opens_with_its_assertions(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / STORE_FILE) as connection:
        connection.executescript(
            """
            CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
                props TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE relations (source TEXT NOT NULL, type TEXT NOT NULL,
                target TEXT NOT NULL, strength REAL NOT NULL, since TEXT, until TEXT,
                PRIMARY KEY (source, type, target)) WITHOUT ROWID;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE provenance (record TEXT NOT NULL, contributor TEXT NOT NULL,
                recorded_at TEXT NOT NULL, last_seen TEXT NOT NULL, retracted_at TEXT,
                vals TEXT NOT NULL, PRIMARY KEY (record, contributor)) WITHOUT ROWID;
            INSERT INTO meta VALUES ('provenance', 1);
            """
        )
        connection.execute(
            "INSERT INTO nodes VALUES (?, ?, ?, ?)",
            (A.id, A.kind.value, A.name, json.dumps(A.props)),
        )
        connection.execute(
            "INSERT INTO provenance VALUES ('E1', 'pref-13', '2020-01-01T00:00:00Z', "
            "'2021-01-01T00:00:00Z', NULL, ?)",
            (json.dumps({"name": A.name, **A.props}),),
        )
    with EmbeddedStore(tmp_path, watch_seconds=None) as store:
        (assertion,) = store.provenance(["E1"])["E1"]
        assert (assertion.contributor, assertion.recorded_at, assertion.last_seen) == (
            "pref-13",
            "2020-01-01T00:00:00Z",
            "2021-01-01T00:00:00Z",
        )
        # a write after the upgrade keeps both forms apart
        store.upsert_nodes([B], Attribution("centre-13"))
        assert {r for r, _ in store.iter_provenance()} == {"E1", "F1"}
