"""The embedded store's graph version: commits of another connection that change no node and
no relation (referrals created or moved) cost a recount of the completed referrals, never a
reread of the whole graph; any other commit is reread."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from graph.model import Node, NodeKind, Relation, RelationType
from graph.queries.referrals import Caller, create_referral, move_referral
from graph.store.embedded import STORE_FILE, EmbeddedStore

SENDER = Caller("tokyo-key", centre="C1")
RECEIVER = Caller("ishikawa-key", centre="C2")


def _complete_a_referral(store: EmbeddedStore, key: str) -> None:
    """C1 refers E3 to C2, which accepts, works on and completes it."""
    referral, _ = create_referral(
        store, SENDER, "E3", "C2", "intellectual_property", "patents", request_key=key
    )
    for status in ("accepted", "in_progress", "completed"):
        move_referral(store, RECEIVER, referral.id, status, reason="r", outcome="done")


def _graph_version(small_store_dir: Path) -> int:
    with sqlite3.connect(small_store_dir / STORE_FILE) as connection:
        return connection.execute("SELECT value FROM meta WHERE key = 'graph_version'").fetchone()[
            0
        ]


def _completed_pairs(store: EmbeddedStore) -> int:
    return store.stats().derived_relations.get(RelationType.COLLABORATES_WITH.value, 0)


def test_referral_commits_of_another_connection_recount_without_a_reread(small_store_dir):
    with (
        EmbeddedStore(small_store_dir, watch_seconds=None) as reader,
        EmbeddedStore(small_store_dir, watch_seconds=None) as writer,
    ):
        reads, graph = reader.graph_reads, reader._adjacency
        assert reader.derived_ties("C1") == []
        # the dataset's own collaboration, 0.4 (and C1's sorted ties are cached now)
        assert [p.score for p in reader.best_paths("C1", "C2", k=1, max_hops=1)] == [0.4]
        _complete_a_referral(writer, "first")

        assert reader.refresh() is False  # nothing reread ...
        assert reader.graph_reads == reads and reader._adjacency is graph
        # ... yet the completed referral is a tie between the two centres now
        assert [(t.source, t.target) for t in reader.derived_ties("C1")] == [("C1", "C2")]
        assert _completed_pairs(reader) == 1
        # and introductions walk it (the cached ties of both centres were dropped)
        assert [p.score for p in reader.best_paths("C1", "C2", k=1, max_hops=1)] == [0.75]
        assert [p.score for p in reader.best_paths("C2", "C1", k=1, max_hops=1)] == [0.75]

        # a node written by the other connection is a reread
        writer.upsert_nodes([Node("E9", NodeKind.ENTERPRISE, "New Co", {"prefecture": "13"})])
        assert reader.refresh() is True
        assert reader.graph_reads == reads + 1 and reader._adjacency is not graph
        assert reader.get_node("E9") is not None
        assert _completed_pairs(reader) == 1


def test_a_write_catches_up_on_referral_commits_without_a_reread(small_store_dir):
    with (
        EmbeddedStore(small_store_dir, watch_seconds=None) as one,
        EmbeddedStore(small_store_dir, watch_seconds=None) as other,
    ):
        reads = one.graph_reads
        _complete_a_referral(other, "first")
        # one's own write starts by catching up: a recount, not a reread
        _complete_a_referral(one, "second")
        assert one.graph_reads == reads
        assert [t.strength for t in one.derived_ties("C2")] == [0.875]  # two completed
        # a relation written by one moves the graph version, so other rereads
        before = _graph_version(small_store_dir)
        one.upsert_relations([Relation("C2", RelationType.SUPPORTS, "E3", 0.5)])
        assert _graph_version(small_store_dir) == before + 1
        other_reads = other.graph_reads
        assert other.refresh() is True and other.graph_reads == other_reads + 1
        assert any(r.type is RelationType.SUPPORTS for r in other.ties("E3"))
        assert [t.strength for t in other.derived_ties("C2")] == [0.875]


def test_the_graph_changes_for_another_connections_referrals_only_when_one_completes(
    small_store_dir,
):
    """A referral made or moved but not completed changes no tie: a store that catches up
    on it keeps its graph (and what was kept of it, such as the map's figures) as it was;
    one completed is a tie between two centres, so the graph has changed."""
    with (
        EmbeddedStore(small_store_dir, watch_seconds=None) as reader,
        EmbeddedStore(small_store_dir, watch_seconds=None) as writer,
    ):
        changes = reader.changes
        referral, _ = create_referral(
            writer, SENDER, "E4", "C2", "intellectual_property", "patents", request_key="open"
        )
        move_referral(writer, RECEIVER, referral.id, "accepted", reason="r")
        assert reader.refresh() is False
        assert reader.changes == changes
        _complete_a_referral(writer, "done")
        assert reader.refresh() is False
        assert reader.changes > changes


def test_a_store_written_before_the_graph_version_opens_and_keeps_it(small_store_dir):
    with sqlite3.connect(small_store_dir / STORE_FILE) as connection:
        connection.execute("DROP TABLE meta")
    with EmbeddedStore(small_store_dir, watch_seconds=None) as store:
        assert store.get_node("E1") is not None
        store.upsert_nodes([Node("E9", NodeKind.ENTERPRISE, "New Co", {"prefecture": "13"})])
    assert _graph_version(small_store_dir) == 1
