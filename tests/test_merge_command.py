"""`rsn merge`, `rsn unmerge` and `rsn merges` as people use them: a real process on an
embedded store, a merge listed, undone, and the refusals in one line."""

from __future__ import annotations

import json

from tests.conftest import SMALL_NETWORK, write_dataset
from tests.test_cli import rsn

#: The small network with E1 (山田製作所) loaded again by another hand as E11.
DUPLICATES = {
    **SMALL_NETWORK,
    "enterprises.csv": [
        *SMALL_NETWORK["enterprises.csv"],
        ["E11", "株式会社山田製作所", "13", "E", "", ""],
    ],
    "relations.csv": [*SMALL_NETWORK["relations.csv"], ["C1", "SUPPORTS", "E11", "0.9", ""]],
}


def test_merge_list_and_unmerge(tmp_path):
    data_dir = tmp_path / "data"
    folder = write_dataset(tmp_path / "duplicates", DUPLICATES)
    assert rsn("load", str(folder), data_dir=data_dir).returncode == 0
    before = rsn("export", str(tmp_path / "before"), data_dir=data_dir)
    assert before.returncode == 0, before.stderr

    made = rsn("merge", "E1", "E11", "--reason", "same firm", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    merge_id = made.stdout.strip().splitlines()[-1]
    assert merge_id.startswith("merge-")
    assert "E11 into E1" in made.stdout

    listed = json.loads(rsn("merges", "--json", data_dir=data_dir).stdout)
    assert [(m["id"], m["keep"], m["merge"], m["by"], m["reason"]) for m in listed["merges"]] == [
        (merge_id, "E1", "E11", "local", "same firm")
    ]
    assert listed["merges"][0]["undone_at"] is None
    stats = json.loads(rsn("stats", "--json", data_dir=data_dir).stdout)
    assert stats["nodes"]["Enterprise"] == 4

    table = rsn("merges", data_dir=data_dir, COLUMNS="300")
    assert table.returncode == 0 and merge_id in table.stdout and "1 holding" in table.stdout

    undone = rsn("unmerge", merge_id, data_dir=data_dir)
    assert undone.returncode == 0, undone.stderr
    after = rsn("export", str(tmp_path / "after"), data_dir=data_dir)
    assert after.returncode == 0, after.stderr
    for name in ("enterprises.csv", "relations.csv", "provenance.csv"):
        assert (tmp_path / "before" / name).read_bytes() == (tmp_path / "after" / name).read_bytes()
    listed = json.loads(rsn("merges", "--json", data_dir=data_dir).stdout)
    assert listed["merges"][0]["undone_at"] is not None


def test_merge_refusals_are_one_line(tmp_path):
    data_dir = tmp_path / "data"
    assert (
        rsn("load", str(write_dataset(tmp_path / "d", DUPLICATES)), data_dir=data_dir).returncode
        == 0
    )
    for args, words in [
        (["merge", "E1", "E1"], "cannot be merged with itself"),
        (["merge", "E1", "C1"], "only two nodes of the same kind"),
        (["merge", "E1", "E404"], "no node with id 'E404'"),
        (["unmerge", "merge-nothing"], "no merge with id 'merge-nothing'"),
    ]:
        result = rsn(*args, data_dir=data_dir)
        assert result.returncode == 1, result.stdout
        assert words in result.stderr and "Traceback" not in result.stderr
