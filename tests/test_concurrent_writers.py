"""The embedded store with a second writer: another real process writes the same file while
a store is open in this one (as `rsn load` beside `rsn serve`)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.errors import Conflict, StoreUnavailable
from graph.loaders import export_dataset, load_dataset
from graph.model import Node, NodeKind
from graph.store.embedded import STORE_FILE, EmbeddedStore
from tests.conformance.test_loading import read_folder
from tests.conftest import write_dataset
from tests.test_cli import rsn


def _rsn_env(small_store_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    return env | {"RSN_DATA_DIR": str(small_store_dir), "RSN_BACKEND": "embedded"}


LIVE = {"enterprises.csv": [["LIVE1", "Live Co", "13", "E", "7", ""]]}
CENTRE = {"prefecture": "13", "kind": "other"}


def _stored_row(small_store_dir: Path, node_id: str) -> tuple | None:
    """The node's row as the file holds it, read by a connection of its own."""
    with sqlite3.connect(small_store_dir / STORE_FILE) as connection:
        return connection.execute(
            "SELECT kind, name, props FROM nodes WHERE id = ?", (node_id,)
        ).fetchone()


def _wait_for(store: EmbeddedStore, node_id: str, seconds: float = 5.0) -> Node | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        node = store.get_node(node_id)
        if node is not None:
            return node
        time.sleep(0.05)
    return None


def test_an_open_store_answers_for_what_another_process_loaded(small_store_dir, tmp_path):
    with EmbeddedStore(small_store_dir) as store:
        assert store.get_node("LIVE1") is None
        started = time.monotonic()
        done = rsn("load", str(write_dataset(tmp_path / "live", LIVE)), data_dir=small_store_dir)
        assert done.returncode == 0, done.stderr
        node = _wait_for(store, "LIVE1")
        assert node is not None and node.kind is NodeKind.ENTERPRISE
        assert time.monotonic() - started < 30
        assert store.stats().nodes["Enterprise"] == 5
        # the store's own writes go on from the graph as the other process left it
        store.upsert_nodes([Node("LIVE1", NodeKind.ENTERPRISE, "Live Co 2", node.props)])
        assert _stored_row(small_store_dir, "LIVE1")[1] == "Live Co 2"


def test_an_upsert_cannot_change_a_kind_another_process_wrote(small_store_dir, tmp_path):
    # no watcher: the store's graph is stale when it writes, and the write finds out
    with EmbeddedStore(small_store_dir, watch_seconds=None) as store:
        done = rsn("load", str(write_dataset(tmp_path / "live", LIVE)), data_dir=small_store_dir)
        assert done.returncode == 0, done.stderr
        assert store.get_node("LIVE1") is None  # nothing has reread the file yet
        before = _stored_row(small_store_dir, "LIVE1")
        with pytest.raises(Conflict) as caught:
            store.upsert_nodes([Node("LIVE1", NodeKind.CENTRE, "Live Centre", CENTRE)])
        assert str(caught.value) == (
            "id 'LIVE1' is already an Enterprise; it cannot also be a Centre"
        )
        assert _stored_row(small_store_dir, "LIVE1") == before
        # the write read what the other process committed before deciding
        assert store.get_node("LIVE1").kind is NodeKind.ENTERPRISE
        export_dataset(store, tmp_path / "out")
    with EmbeddedStore(tmp_path / "copy", watch_seconds=None) as copy:
        load_dataset(tmp_path / "out", copy)
        export_dataset(copy, tmp_path / "again")
    assert read_folder(tmp_path / "again") == read_folder(tmp_path / "out")


def test_reads_see_the_graph_before_or_after_a_load_never_half(small_store_dir, tmp_path):
    many = {
        "enterprises.csv": [[f"M{i:05d}", f"Many {i}", "13", "E", "", ""] for i in range(3000)],
        "relations.csv": [["C1", "SUPPORTS", f"M{i:05d}", "", ""] for i in range(3000)],
    }
    folder = write_dataset(tmp_path / "many", many)
    with EmbeddedStore(small_store_dir, watch_seconds=0.05) as store:
        seen: set[tuple[int, int]] = set()
        loader = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "load", str(folder)],
            env=_rsn_env(small_store_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                stats = store.stats()
                seen.add((stats.nodes["Enterprise"], stats.relations["SUPPORTS"]))
                if (3004, 3001) in seen:
                    break
        finally:
            assert loader.wait(timeout=120) == 0, loader.stderr.read()
        assert seen == {(4, 1), (3004, 3001)}


class _Blind(EmbeddedStore):
    """A store that never rereads the file before a write, as one that missed a commit."""

    def _catch_up(self) -> None:
        if self._version is None:
            super()._catch_up()


def test_the_file_refuses_a_kind_change_the_graph_in_memory_missed(small_store_dir, tmp_path):
    with _Blind(small_store_dir, watch_seconds=None) as store:
        done = rsn("load", str(write_dataset(tmp_path / "live", LIVE)), data_dir=small_store_dir)
        assert done.returncode == 0, done.stderr
        before = _stored_row(small_store_dir, "LIVE1")
        with pytest.raises(Conflict, match="'LIVE1' is already an Enterprise; .* a Centre"):
            store.upsert_nodes([Node("LIVE1", NodeKind.CENTRE, "Live Centre", CENTRE)])
        assert _stored_row(small_store_dir, "LIVE1") == before
    done = rsn("export", str(tmp_path / "out"), data_dir=small_store_dir)
    assert done.returncode == 0, done.stderr
    with EmbeddedStore(tmp_path / "copy", watch_seconds=None) as copy:
        load_dataset(tmp_path / "out", copy)
        assert copy.get_node("LIVE1").props == {"prefecture": "13", "industry": "E", "employees": 7}


HOLD_THE_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_write_behind_a_long_lock_is_unavailable_in_one_line(small_store_dir):
    with EmbeddedStore(small_store_dir, watch_seconds=None, busy_seconds=0.3) as store:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_THE_LOCK, str(small_store_dir / STORE_FILE)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            node = Node(
                "E9", NodeKind.ENTERPRISE, "Waiting Co", {"prefecture": "13", "industry": "E"}
            )
            with pytest.raises(StoreUnavailable) as caught:
                store.upsert_nodes([node])
            message = str(caught.value)
            assert "\n" not in message and message.startswith("the store is busy")
            assert store.get_node("E1") is not None  # reads go on
        finally:
            holder.kill()
            holder.wait()
        store.upsert_nodes([node])  # the lock gone, the same write goes through
        assert _stored_row(small_store_dir, "E9")[1] == "Waiting Co"


def test_the_store_files_are_private_whatever_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        folder = tmp_path / "fresh" / "data"
        with EmbeddedStore(folder, watch_seconds=None) as store:
            store.upsert_nodes(
                [Node("E1", NodeKind.ENTERPRISE, "x", {"prefecture": "13", "industry": "E"})]
            )
            modes = {
                path.name: stat.S_IMODE(path.stat().st_mode)
                for path in folder.iterdir()
                if path.name.startswith(STORE_FILE)
            }
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            assert {f"{STORE_FILE}", f"{STORE_FILE}-wal", f"{STORE_FILE}-shm"} <= set(modes)
            assert set(modes.values()) == {0o600}, modes
    finally:
        os.umask(previous)
