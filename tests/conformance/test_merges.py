"""Merging duplicate entities on every backend: the merged node's ties move to the kept
node (parallel ties become one, a loop goes), its id becomes an alias, and undoing the merge
gives the exact store back, also after the store is opened again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.errors import Conflict, NotFound
from graph.loaders import load_dataset
from graph.merging import MergeRecord, check_mergeable
from graph.model import NodeKind, Relation, RelationType
from graph.provenance import Assertion, Attribution, relation_record
from graph.queries import merges
from graph.queries.merges import merge_nodes, resolve, resolve_ids, unmerge
from graph.queries.presence import node_on
from graph.queries.referrals import Caller, create_referral
from tests.conftest import write_dataset

CENTRES = [["C1", "Tokyo Centre", "13", "other", "5"], ["C2", "Osaka Centre", "27", "other", ""]]
ENTERPRISES = [
    ["E1", "山田製作所", "13", "E", "10", "1990"],
    ["E2", "Kaga Foods", "13", "I", "", "2001"],
    ["E3", "Naha Tours", "47", "M", "3", ""],
    ["E9", "株式会社山田製作所", "13", "E", "", ""],
]
FINANCIERS = [
    ["F1", "Tokyo Shinkin", "shinkin_bank", "13"],
    ["F2", "Tokyo Credit Guarantee", "credit_guarantee_corporation", "13"],
]


def _folder(tmp_path: Path, name: str, relations: list[list[str]], **files) -> Path:
    return write_dataset(
        tmp_path / name,
        {
            "centres.csv": CENTRES,
            "enterprises.csv": ENTERPRISES,
            "financiers.csv": FINANCIERS,
            "relations.csv": relations,
            **files,
        },
    )


def _load(store, tmp_path: Path) -> None:
    """Two contributors whose views overlap: tokyo knows E1, the bank knows E9 (the same
    firm), both know the guarantee (the bank's later), and a referral names E9."""
    tokyo = _folder(
        tmp_path,
        "tokyo",
        [
            ["C1", "SUPPORTS", "E1", "0.6", "2015-04-01", ""],
            ["F2", "GUARANTEES", "E1", "0.5", "", ""],
            ["E1", "TRADES_WITH", "E9", "0.4", "", ""],
            ["E1", "TRADES_WITH", "E3", "0.3", "", ""],
        ],
    )
    load_dataset(tokyo, store, contributor="tokyo")
    bank = _folder(
        tmp_path,
        "bank",
        [
            ["C1", "SUPPORTS", "E9", "0.8", "2016-01-01", ""],
            ["F1", "LENDS_TO", "E9", "0.7", "2012-01-01", "2018-03-31"],
            ["F2", "GUARANTEES", "E9", "0.5", "2010-01-01", ""],
            ["E9", "TRADES_WITH", "E2", "0.55", "", ""],
            ["E2", "COLLABORATES_WITH", "E9", "0.35", "", ""],
        ],
    )
    load_dataset(bank, store, contributor="bank")
    # the bank also asserts tokyo's guarantee of E1, later than tokyo did
    again = _folder(tmp_path, "bank-again", [["F2", "GUARANTEES", "E1", "0.5", "", ""]])
    load_dataset(again, store, contributor="bank")
    create_referral(store, Caller("tokyo-key", centre="C1"), "E9", "C2", "finance", note="loans")


def _state(store) -> dict:
    """Everything a merge may change, read through the port."""
    nodes = [node for kind in NodeKind for node in store.iter_nodes(kind)]
    return {
        "nodes": nodes,
        "relations": list(store.iter_relations()),
        "provenance": list(store.iter_provenance()),
        "referrals": sorted((r.id, r.enterprise, r.status.value) for r in store.list_referrals()),
        "stats": store.stats(),
        "ties": {node.id: store.ties(node.id) for node in nodes},
        "contributors": store.contributors(),
    }


@pytest.fixture
def loaded(store, tmp_path):
    _load(store, tmp_path)
    return store


def test_a_merge_moves_the_ties_and_makes_an_alias(loaded):
    store = loaded
    before = {r.key: r for r in store.iter_relations()}
    record = merge_nodes(store, "E1", "E9", by="admin-key", reason="same firm")
    assert (record.keep, record.merge, record.by, record.reason) == (
        "E1",
        "E9",
        "admin-key",
        "same firm",
    )
    assert record.score is not None and 0 < record.score <= 1
    assert store.get_node("E9") is None
    assert all(node.id != "E9" for node in store.iter_nodes(NodeKind.ENTERPRISE))
    assert store.stats().nodes["Enterprise"] == 3
    relations = {r.key: r for r in store.iter_relations()}
    assert not any("E9" in (r.source, r.target) for r in relations.values())
    # moved, with their values (the ended loan too)
    assert relations["F1", "LENDS_TO", "E1"] == before["F1", "LENDS_TO", "E9"]._replace(target="E1")
    assert relations["E1", "TRADES_WITH", "E2"].strength == 0.55
    assert relations["E2", "COLLABORATES_WITH", "E1"].strength == 0.35
    # the loop is gone
    assert ("E1", "TRADES_WITH", "E1") not in relations
    assert ("E1", "TRADES_WITH", "E9") not in relations
    # the referral follows
    assert [r.enterprise for r in store.list_referrals()] == ["E1"]
    # the alias
    assert store.aliases() == {"E9": "E1"}
    assert resolve(store, "E9") == "E1" and resolve(store, "E2") == "E2"
    assert resolve_ids(store, ["E9", "E3"]) == {"E9": "E1", "E3": "E3"}
    assert node_on(store, "E9").id == "E1"
    assert [m.id for m in store.merges()] == [record.id]


def test_parallel_ties_become_one_with_the_strongest_values_and_both_provenances(loaded):
    store = loaded
    supports = relation_record("C1", RelationType.SUPPORTS, "E1")
    guarantees = relation_record("F2", RelationType.GUARANTEES, "E1")
    merged_guarantee = relation_record("F2", RelationType.GUARANTEES, "E9")
    was = store.provenance([guarantees, merged_guarantee])
    merge_nodes(store, "E1", "E9")
    relations = {r.key: r for r in store.iter_relations()}
    # E9's support is stronger: its values win
    assert relations["C1", "SUPPORTS", "E1"] == (
        "C1",
        RelationType.SUPPORTS,
        "E1",
        0.8,
        "2016-01-01",
        None,
    )
    # equal strengths: the kept node's values
    kept = relations["F2", "GUARANTEES", "E1"]
    assert kept.strength == 0.5 and kept.since is None
    found = store.provenance([supports, guarantees])
    assert [a.contributor for a in found[supports]] == ["bank", "tokyo"]
    by = {a.contributor: a for a in found[guarantees]}
    assert set(by) == {"bank", "tokyo"}
    # the bank asserted both: its later assertion (of E9's guarantee) is kept
    bank_e1 = next(a for a in was[guarantees] if a.contributor == "bank")
    bank_e9 = next(a for a in was[merged_guarantee] if a.contributor == "bank")
    later = max((bank_e1, bank_e9), key=lambda a: a.last_seen)
    assert by["bank"] == later
    assert by["tokyo"] == next(a for a in was[guarantees] if a.contributor == "tokyo")
    assert store.stats().relations["GUARANTEES"] == 1


def test_unmerge_gives_the_exact_store_back(loaded):
    store = loaded
    before = _state(store)
    record = merge_nodes(store, "E1", "E9", reason="same firm")
    assert _state(store) != before
    undone = unmerge(store, record.id)
    assert undone.undone_at is not None
    assert _state(store) == before
    assert store.aliases() == {}
    assert [(m.id, m.undone_at) for m in store.merges()] == [(record.id, undone.undone_at)]
    # a merge again after the undo works the same
    again = merge_nodes(store, "E1", "E9")
    unmerge(store, again.id)
    assert _state(store) == before


def test_writes_to_the_kept_node_after_the_merge_stay(loaded, tmp_path):
    store = loaded
    before = _state(store)
    record = merge_nodes(store, "E1", "E9")
    later = write_dataset(
        tmp_path / "later", {"relations.csv": [["F1", "INVESTS_IN", "E1", "0.2", "", ""]]}
    )
    load_dataset(later, store, contributor="fund")
    unmerge(store, record.id)
    after = _state(store)
    invests = [r for r in after["relations"] if r.type is RelationType.INVESTS_IN]
    assert [r.key for r in invests] == [("F1", "INVESTS_IN", "E1")]
    assert [r for r in after["relations"] if r.type is not RelationType.INVESTS_IN] == before[
        "relations"
    ]
    assert after["nodes"] == before["nodes"]


def test_a_write_to_the_merged_node_just_before_the_merge_comes_back_with_the_undo(
    loaded, monkeypatch
):
    """The merged node is read again once the merge's unit holds it: a write to it that
    committed after the merge's first read is what the undo gives back."""
    store = loaded
    renamed = {}

    def checked_then_written(*args, **kwargs):
        found = check_mergeable(*args, **kwargs)
        node = store.get_node("E9")
        renamed["node"] = replace(
            node, name="山田製作所 本社", props={**node.props, "employees": 12}
        )
        store.upsert_nodes([renamed["node"]], by=Attribution("bank"))
        return found

    monkeypatch.setattr(merges, "check_mergeable", checked_then_written)
    record = merge_nodes(store, "E1", "E9")
    assert store.get_node("E9") is None
    unmerge(store, record.id)
    assert store.get_node("E9") == renamed["node"]


def test_merges_survive_a_restart(loaded, open_again):
    store = loaded
    before = _state(store)
    record = merge_nodes(store, "E1", "E9", reason="same firm")
    merged = _state(store)
    again = open_again()
    assert _state(again) == merged
    assert again.aliases() == {"E9": "E1"}
    assert again.merges() == store.merges()
    unmerge(again, record.id)
    assert _state(again) == before
    third = open_again()
    assert _state(third) == before
    assert third.aliases() == {}
    assert third.merges()[0].undone_at is not None


def test_refusals(loaded):
    store = loaded
    with pytest.raises(Conflict, match="itself"):
        merge_nodes(store, "E1", "E1")
    with pytest.raises(NotFound, match="E404"):
        merge_nodes(store, "E1", "E404")
    with pytest.raises(NotFound, match="E404"):
        merge_nodes(store, "E404", "E1")
    with pytest.raises(Conflict, match="same kind"):
        merge_nodes(store, "E1", "F1")
    with pytest.raises(Conflict, match="enterprises or financiers"):
        merge_nodes(store, "C1", "C2")
    record = merge_nodes(store, "E1", "E9")
    with pytest.raises(Conflict, match="alias"):
        merge_nodes(store, "E2", "E9")
    with pytest.raises(Conflict, match="alias"):
        merge_nodes(store, "E9", "E2")
    # E1 keeps an open merge: it cannot be merged away into another
    with pytest.raises(Conflict, match=record.id):
        merge_nodes(store, "E2", "E1")
    with pytest.raises(NotFound):
        unmerge(store, "merge-nothing")
    unmerge(store, record.id)
    with pytest.raises(Conflict, match="undone already"):
        unmerge(store, record.id)
    # financiers merge too
    merge_nodes(store, "F1", "F2")
    assert store.get_node("F2") is None


def test_merges_are_undone_in_reverse_order(loaded):
    store = loaded
    before = _state(store)
    first = merge_nodes(store, "E1", "E9")
    middle = _state(store)
    second = merge_nodes(store, "E1", "E2")
    with pytest.raises(Conflict, match=second.id):
        unmerge(store, first.id)
    unmerge(store, second.id)
    assert _state(store) == middle
    unmerge(store, first.id)
    assert _state(store) == before


def test_introductions_walk_the_moved_ties(loaded):
    store = loaded
    merge_nodes(store, "E1", "E9")
    paths = store.best_paths("E2", "F1", k=3, max_hops=3)
    assert paths and all("E9" not in path.nodes for path in paths)
    assert paths[0].nodes[:2] == ("E2", "E1")


def test_the_store_refuses_a_second_merge_of_one_id_at_write_time(loaded):
    """Two admins merging at once: the checks before the write both pass; the store refuses
    the second record under its write lock."""
    store = loaded
    first = merge_nodes(store, "E1", "E9")
    late = MergeRecord("merge-late", "E2", "E9", "local", first.at)
    with pytest.raises(Conflict, match=first.id):
        with store.transaction(Attribution(record=False)) as tx:
            tx.record_merge(late, "{}")
    assert store.aliases() == {"E9": "E1"}
    assert [m.id for m in store.merges()] == [first.id]
    unmerge(store, first.id)
    with pytest.raises(Conflict, match="undone already"):
        with store.transaction(Attribution(record=False)) as tx:
            tx.undo_merge(first.id, first.at)


def test_restored_relations_have_exactly_their_values_and_assertions(loaded):
    """What a merge and an unmerge write their ties with: each relation with its values and
    exactly the assertions given, new or there already; anything wrong changes nothing."""
    store = loaded
    new = Relation("C2", RelationType.SUPPORTS, "E3", 0.45, "2020-04-01", None)
    there = relation_record("C1", RelationType.SUPPORTS, "E1")
    (old,) = [r for r in store.ties("E1") if relation_record(*r.key) == there]
    kept = store.provenance([there])[there]
    changed = old._replace(strength=0.9, until="2024-03-31")
    tokyo = Assertion(
        "tokyo",
        "2019-01-01T00:00:00+00:00",
        "2020-01-01T00:00:00+00:00",
        None,
        {"strength": 0.4, "since": "2020-04-01", "until": None},
    )
    bank = Assertion(
        "bank",
        "2021-05-01T00:00:00+00:00",
        "2022-05-01T00:00:00+00:00",
        "2023-01-01T00:00:00+00:00",
        {"strength": 0.45, "since": "2020-04-01", "until": None},
    )
    newer = Assertion(
        "bank",
        "2021-05-01T00:00:00+00:00",
        "2024-03-31T00:00:00+00:00",
        None,
        {"strength": 0.9, "since": "2015-04-01", "until": "2024-03-31"},
    )
    added = relation_record(*new.key)
    quiet = Attribution(record=False)
    with store.transaction(quiet) as tx:
        tx.restore_relations(
            [new, changed],
            [(added, tokyo), (added, bank), *((there, a) for a in kept), (there, newer)],
        )
    relations = {r.key: r for r in store.iter_relations()}
    assert relations[new.key] == new
    assert relations[changed.key] == changed
    found = store.provenance([added, there])
    assert found[added] == [bank, tokyo]
    assert found[there] == sorted([*kept, newer], key=lambda a: a.contributor)
    before = _state(store)
    with pytest.raises(ValueError):
        with store.transaction(Attribution("tokyo")) as tx:
            tx.restore_relations([new], [])
    with pytest.raises(ValueError):
        with store.transaction(quiet) as tx:
            tx.restore_relations([new], [(there, newer)])
    with pytest.raises(NotFound, match="E404"):
        with store.transaction(quiet) as tx:
            tx.restore_relations([changed._replace(strength=0.1), new._replace(target="E404")], [])
    assert _state(store) == before


def test_a_moved_tie_written_after_the_merge_is_as_the_snapshot_after_the_undo(loaded, tmp_path):
    """The undo moves back the moved ties that are as the merge left them, and writes the
    others again from the merge's snapshot: a later write to a moved tie goes with it."""
    store = loaded
    before = _state(store)
    record = merge_nodes(store, "E1", "E9")
    later = write_dataset(
        tmp_path / "later", {"relations.csv": [["E1", "TRADES_WITH", "E2", "0.95", "", ""]]}
    )
    load_dataset(later, store, contributor="tokyo")
    moved = relation_record("E1", RelationType.TRADES_WITH, "E2")
    assert {a.contributor for a in store.provenance([moved])[moved]} == {"bank", "tokyo"}
    unmerge(store, record.id)
    assert _state(store) == before


def test_moving_ties_refuses_ties_that_are_not_as_read(loaded):
    """What a merge writes checks the ties it moves: one written or gone since it was read,
    or one the other end has already, fails the unit, and nothing changes."""
    store = loaded
    before = _state(store)
    (lends,) = [t for t in store.ties("E9") if t.type is RelationType.LENDS_TO]
    (supports,) = [t for t in store.ties("E9") if t.type is RelationType.SUPPORTS]
    quiet = Attribution(record=False)
    for stale in (
        [lends._replace(strength=0.1)],
        [lends, lends._replace(source="F2")],
        [supports],  # E1 has that tie already
    ):
        with pytest.raises(Conflict, match="E9"):
            with store.transaction(quiet) as tx:
                tx.move_ties("E9", "E1", stale)
        assert _state(store) == before
    with pytest.raises(ValueError):
        with store.transaction(Attribution("tokyo")) as tx:
            tx.move_ties("E9", "E1", [lends])
    with store.transaction(quiet) as tx:
        tx.move_ties("E9", "E1", [lends])
    moved = lends._replace(target="E1")
    assert moved in store.ties("E1") and lends not in store.ties("E9")
    old, new = relation_record(*lends.key), relation_record(*moved.key)
    assert store.provenance([new])[new] == [a for r, a in before["provenance"] if r == old]


def test_the_ties_a_unit_holds_are_those_the_store_reads(loaded):
    """What a merge plans from is read in its unit: the same ties and assertions as the
    store's own read, all of them or only towards some other ends; none for an unknown id,
    and none for a node with no tie."""
    store = loaded
    for node_id, others in (("E9", None), ("E1", {"E9", "E2", "C1"}), ("F2", None)):
        with store.transaction(Attribution(record=False)) as tx:
            held = tx.held_ties(node_id, others)
        ties, provenance = store.ties_with_provenance(node_id, others)
        assert held == (ties, provenance)
        assert held[0] and set(held[1]) == {relation_record(*t.key) for t in held[0]}
    with store.transaction(Attribution(record=False)) as tx:
        assert tx.held_ties("E404") == ([], {})
        assert tx.held_ties("C2") == ([], {})
