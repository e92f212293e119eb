"""A merge's snapshot as stores keep it: written compactly (version 2), read back equal, and
snapshots kept in the first form (version 1, an object per relation and assertion) still
read, so merges made and exported before undo as they did."""

from __future__ import annotations

import json

import pytest

from graph.merging import SNAPSHOT_VERSION, MergeSnapshot
from graph.model import Node, NodeKind, Relation, RelationType
from graph.provenance import Assertion


def _snapshot() -> MergeSnapshot:
    tie = Relation("C1", RelationType.SUPPORTS, "E2", 0.5, "2020-01-01", None)
    ended = Relation("E2", RelationType.TRADES_WITH, "E3", 0.25, None, "2024-03-31")
    moved = tie._replace(target="E1")
    return MergeSnapshot(
        keep="E1",
        merge="E2",
        node=Node("E2", NodeKind.ENTERPRISE, "さくら製作所", {"prefecture": "13", "industry": "E"}),
        ties=(tie, ended),
        combined=(Relation("C1", RelationType.SUPPORTS, "E1", 0.4, None, None),),
        written=(moved, ended._replace(source="E1")),
        provenance={
            "C1 SUPPORTS E2": [
                Assertion("C1", "2021-01-01T00:00:00+00:00", "2022-01-01T00:00:00+00:00", None, {}),
                Assertion(
                    "tokyo",
                    "2021-02-01T00:00:00+00:00",
                    "2021-02-01T00:00:00+00:00",
                    "2023-01-01T00:00:00+00:00",
                    {"strength": 0.3},
                ),
            ],
            "E2": [
                Assertion(
                    "local", "2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00+00:00", None, {}
                )
            ],
        },
        referrals=("R1",),
    )


def _first_form(snapshot: MergeSnapshot) -> str:
    """``snapshot`` as version 1 wrote it."""
    return json.dumps(
        {
            "version": 1,
            "keep": snapshot.keep,
            "merge": snapshot.merge,
            "node": {
                "id": snapshot.node.id,
                "kind": snapshot.node.kind.value,
                "name": snapshot.node.name,
                "props": snapshot.node.props,
            },
            "ties": [r.as_dict() for r in snapshot.ties],
            "combined": [r.as_dict() for r in snapshot.combined],
            "written": [r.as_dict() for r in snapshot.written],
            "provenance": {
                record: [a.as_dict() for a in assertions]
                for record, assertions in snapshot.provenance.items()
            },
            "referrals": list(snapshot.referrals),
        },
        ensure_ascii=False,
    )


def test_a_snapshot_reads_back_equal_with_each_relation_and_assertion_as_a_list():
    snapshot = _snapshot()
    text = snapshot.to_json()
    data = json.loads(text)
    assert data["version"] == SNAPSHOT_VERSION == 2
    assert data["ties"][1] == ["E2", "TRADES_WITH", "E3", 0.25, None, "2024-03-31"]
    assert data["provenance"]["C1 SUPPORTS E2"][1][4] == {"strength": 0.3}
    assert MergeSnapshot.from_json(text) == snapshot
    assert MergeSnapshot.from_json(text).to_json() == text


def test_a_snapshot_of_the_first_form_reads_as_the_same_snapshot():
    snapshot = _snapshot()
    assert MergeSnapshot.from_json(_first_form(snapshot)) == snapshot
    assert len(snapshot.to_json()) < len(_first_form(snapshot))


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(version=3),
        lambda data: data["ties"][0].pop(),
        lambda data: data["ties"].append(["E2", "KNOWS", "E3", 0.5, None, None]),
        lambda data: data["provenance"]["E2"].append(["local", "2020"]),
        lambda data: data["written"].append(7),
    ],
    ids=["version", "short-tie", "unknown-type", "short-assertion", "not-a-tie"],
)
def test_a_snapshot_that_is_not_one_is_a_value_error(change):
    data = json.loads(_snapshot().to_json())
    change(data)
    with pytest.raises(ValueError, match="snapshot"):
        MergeSnapshot.from_json(json.dumps(data))
