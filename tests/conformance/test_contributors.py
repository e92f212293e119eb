"""Contributors on every backend: a snapshot that replaces a contributor's view, export and
load back with the whole history, ending a node that an open referral names, and two
processes loading as different contributors at the same time."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import Conflict
from graph.loaders import export_dataset, load_dataset
from graph.model import RelationType
from graph.provenance import Attribution, relation_record
from graph.queries.contributions import end_node
from graph.queries.referrals import Caller, create_referral, move_referral
from graph.settings import Backend
from graph.store import open_store
from graph.valid_time import today
from tests.conftest import empty_neo4j, write_dataset

CENTRES = [["C1", "Tokyo Centre", "13", "other", "5"], ["C2", "Osaka Centre", "27", "other", ""]]
ENTERPRISES = [
    ["E1", "Sakura Works", "13", "E", "10", "1990"],
    ["E2", "Kaga Foods", "27", "I", "", "2001"],
    ["E3", "Naha Tours", "13", "M", "3", ""],
]
FINANCIERS = [["F1", "Tokyo Shinkin", "shinkin_bank", "13"]]


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


def test_a_replace_retracts_what_the_new_snapshot_no_longer_holds(store, tmp_path):
    first = _folder(
        tmp_path,
        "first",
        [
            ["C1", "SUPPORTS", "E1", "0.6", "2015-04-01", ""],
            ["C1", "SUPPORTS", "E3", "0.5", "", ""],
            ["F1", "LENDS_TO", "E1", "0.7", "2012-01-01", ""],
        ],
    )
    load_dataset(first, store, contributor="tokyo")
    # the bank union also knows the loan
    bank = write_dataset(
        tmp_path / "bank", {"relations.csv": [["F1", "LENDS_TO", "E1", "0.9", "", ""]]}
    )
    load_dataset(bank, store, contributor="bank-union")
    second = _folder(tmp_path, "second", [["C1", "SUPPORTS", "E1", "0.6", "2015-04-01", ""]])
    report = load_dataset(second, store, contributor="tokyo", replace=True)
    # tokyo's SUPPORTS E3 and LENDS_TO E1 are taken back; its nodes all stay in the folder
    assert report.retracted == 2
    now = store.as_of(today())
    assert [(r.source, r.type) for r in now.ties("E3")] == []
    [loan] = [r for r in now.ties("E1") if r.type is RelationType.LENDS_TO]
    assert loan.strength == 0.9  # the bank union's word stands
    [gone] = [r for r in store.ties("E3")]
    assert gone.until == today()
    record = relation_record("C1", "SUPPORTS", "E3")
    [tokyo] = store.provenance([record])[record]
    assert tokyo.contributor == "tokyo" and tokyo.retracted_at is not None
    assert relation_record("C1", "SUPPORTS", "E3") not in store.standing_records("tokyo")
    # replacing again with the same snapshot retracts nothing more
    assert load_dataset(second, store, contributor="tokyo", replace=True).retracted == 0


def test_export_load_export_gives_the_same_files(store, open_again, tmp_path, settings):
    load_dataset(
        _folder(
            tmp_path,
            "first",
            [
                ["C1", "SUPPORTS", "E1", "0.6", "2015-04-01", ""],
                ["C1", "SUPPORTS", "E3", "0.5", "", ""],
                ["F1", "LENDS_TO", "E1", "0.7", "2012-01-01", "2020-03-31"],
            ],
        ),
        store,
        contributor="tokyo",
    )
    load_dataset(
        write_dataset(
            tmp_path / "bank", {"relations.csv": [["F1", "LENDS_TO", "E2", "0.9", "", ""]]}
        ),
        store,
        contributor="bank-union",
    )
    with store.transaction(Attribution("tokyo", "2024-05-01T00:00:00.000000+00:00")) as tx:
        tx.retract([relation_record("C1", "SUPPORTS", "E3"), "E3"], "tokyo")
    first = tmp_path / "export-1"
    export_dataset(store, first)
    assert (first / "provenance.csv").exists()
    # into an empty store of the same backend, then out again
    empty = settings.model_copy(update={"data_dir": tmp_path / "again"})
    if settings.backend is Backend.NEO4J:  # the same server, emptied
        store.close()
        empty_neo4j(settings)
    with open_store(empty) as again:
        load_dataset(first, again)
        second = tmp_path / "export-2"
        export_dataset(again, second)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], []), mismatch
    assert "until" in (first / "relations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "2024-05-01" in (first / "enterprises.csv").read_text(encoding="utf-8")


def test_a_node_named_by_an_open_referral_cannot_end(store, tmp_path):
    load_dataset(
        _folder(tmp_path, "first", [["C1", "SUPPORTS", "E1", "0.6", "", ""]]),
        store,
    )
    sender, receiver = Caller("tokyo-key", centre="C1"), Caller("osaka-key", centre="C2")
    referral, _ = create_referral(
        store, sender, enterprise="E1", to_centre="C2", need="export", note="n"
    )
    for node_id in ("E1", "C1", "C2"):
        with pytest.raises(Conflict, match=referral.id):
            end_node(store, node_id, Attribution("admin"))
    assert store.get_node("E1").props.get("ended") is None
    move_referral(store, receiver, referral.id, "rejected", reason="full")
    ended = end_node(store, "E1", Attribution("admin"))
    assert ended.node.props["ended"] == today()
    assert store.as_of(today()).get_node("E1") is None
    assert [r.until for r in store.ties("E1")] == [today()]


LOADER = """
import sys
from pathlib import Path
from graph.loaders import load_dataset
from graph.settings import load_settings
from graph.store import open_store

settings = load_settings()
with open_store(settings) as store:
    for _ in range(3):
        load_dataset(Path(sys.argv[1]), store, contributor=sys.argv[2])
"""


def test_two_processes_loading_as_different_contributors_lose_nothing(store, tmp_path, settings):
    """Each process loads, three times over, the same records as another contributor, and
    some of its own: afterwards every record has both assertions it was given."""
    shared = [["C1", "SUPPORTS", "E1", "0.6", "", ""], ["F1", "LENDS_TO", "E1", "0.7", "", ""]]
    folders = {
        "tokyo": _folder(tmp_path, "tokyo", shared + [["C1", "SUPPORTS", "E3", "0.5", "", ""]]),
        "osaka": _folder(tmp_path, "osaka", shared + [["C2", "SUPPORTS", "E2", "0.5", "", ""]]),
    }
    env = {**os.environ, **_environment(settings)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", LOADER, str(folder), name],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, folder in folders.items()
    ]
    for run in runs:
        _, errors = run.communicate(timeout=300)
        assert run.returncode == 0, errors
    store_again = open_store(settings)
    try:
        records = [relation_record(*row[:3]) for row in shared] + ["C1", "E1", "F1", "E2"]
        found = store_again.provenance(records)
        for record in records:
            assert sorted(a.contributor for a in found[record]) == ["osaka", "tokyo"], record
        assert relation_record("C1", "SUPPORTS", "E3") in store_again.standing_records("tokyo")
        assert relation_record("C2", "SUPPORTS", "E2") in store_again.standing_records("osaka")
        summary = {c.contributor: (c.nodes, c.relations) for c in store_again.contributors()}
        assert summary == {"osaka": (6, 3), "tokyo": (6, 3)}
    finally:
        store_again.close()


def _environment(settings) -> dict[str, str]:
    """The environment that makes load_settings() give ``settings``."""
    env = {"RSN_BACKEND": settings.backend.value, "RSN_DATA_DIR": str(settings.data_dir)}
    if settings.backend is Backend.NEO4J:
        env.update(
            NEO4J_URI=settings.neo4j_uri,
            NEO4J_USER=settings.neo4j_user,
            NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
        )
    return env
