"""`rsn load --auto-merge SCORE` as people use it: a real process on an embedded store loads
a second contributor's file that holds a firm already in the store under another id, merges
the pair and lists the merge; a later load naming the merged id says so; a score outside
(0, 1] is refused in one line."""

from __future__ import annotations

import json

from tests.conftest import SMALL_NETWORK, write_dataset
from tests.test_cli import rsn

#: A bank's view: E1 (山田製作所) under its own id, with a tie of its own.
BANK = {
    "enterprises.csv": [["B7", "株式会社山田製作所", "13", "E", "", ""]],
    "relations.csv": [["F1", "GUARANTEES", "B7", "0.6", "", ""]],
}


def test_load_auto_merge_merges_and_lists_the_pairs(tmp_path):
    data_dir = tmp_path / "data"
    first = rsn("load", str(write_dataset(tmp_path / "small", SMALL_NETWORK)), data_dir=data_dir)
    assert first.returncode == 0, first.stderr

    bank = write_dataset(tmp_path / "bank", BANK)
    loaded = rsn(
        "load", str(bank), "--contributor", "bank", "--auto-merge", "0.85", data_dir=data_dir
    )
    assert loaded.returncode == 0, loaded.stderr
    listed = json.loads(rsn("merges", "--json", data_dir=data_dir).stdout)["merges"]
    assert [(m["keep"], m["merge"], m["by"]) for m in listed] == [("E1", "B7", "bank")]
    assert listed[0]["reason"] == f"auto-merge at 0.85 during the load of {bank} by bank"
    assert "merged 1 pair (the same corporate number, or scoring 0.85 or more)" in loaded.stdout
    assert f"{listed[0]['id']}: B7 into E1" in loaded.stdout

    # a later file naming the merged id lands on the kept node, and the load says so
    later = write_dataset(tmp_path / "later", {"relations.csv": [["C2", "SUPPORTS", "B7"]]})
    again = rsn("load", str(later), "--contributor", "bank", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert "read 1 row naming a merged node's id as the node it was merged into" in again.stdout
    exported = rsn("export", str(tmp_path / "out"), data_dir=data_dir)
    assert exported.returncode == 0, exported.stderr
    relations = (tmp_path / "out" / "relations.csv").read_text(encoding="utf-8")
    assert "C2,SUPPORTS,E1," in relations and "B7" not in relations
    assert (tmp_path / "out" / "aliases.csv").read_text(encoding="utf-8") == "alias,kept\nB7,E1\n"


def test_load_auto_merge_refuses_a_score_outside_0_to_1(tmp_path):
    data_dir = tmp_path / "data"
    folder = write_dataset(tmp_path / "small", SMALL_NETWORK)
    for score in ("0", "1.5"):
        result = rsn("load", str(folder), "--auto-merge", score, data_dir=data_dir)
        assert result.returncode == 1, result.stdout
        assert "--auto-merge" in result.stderr and "Traceback" not in result.stderr
