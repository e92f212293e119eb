"""`rsn match` as people use it: a real process, candidate duplicates printed best first."""

from __future__ import annotations

import json

from tests.conftest import SMALL_NETWORK, write_dataset
from tests.test_cli import rsn

#: The small network with E1 (山田製作所) loaded twice more and E4 once more, under other ids.
DUPLICATES = {
    **SMALL_NETWORK,
    "enterprises.csv": [
        *SMALL_NETWORK["enterprises.csv"],
        ["E11", "株式会社山田製作所", "13", "E", "", ""],
        ["E12", "(株)山田製作所", "13", "E", "", ""],
        ["E13", "NAHA TOURS Co., Ltd.", "47", "M", "", ""],
        ["E14", "山田製材所", "13", "E", "", ""],
    ],
}


def test_match_prints_the_pairs_best_first_with_names_and_reasons(tmp_path):
    data_dir = tmp_path / "data"
    folder = write_dataset(tmp_path / "duplicates", DUPLICATES)
    assert rsn("load", str(folder), data_dir=data_dir).returncode == 0
    result = rsn("match", data_dir=data_dir, COLUMNS="400")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0].split()[:4] == ["a", "b", "name", "of"]
    rows = [line.split()[:2] for line in lines[1:-1]]
    assert rows == [["E1", "E11"], ["E1", "E12"], ["E11", "E12"], ["E13", "E4"]]
    assert "株式会社山田製作所" in lines[1] and "names are the same once legal forms" in lines[1]
    assert lines[-1].startswith("4 candidate pairs in the whole network")

    as_json = rsn("match", "--json", "--prefecture", "47", data_dir=data_dir)
    assert as_json.returncode == 0, as_json.stderr
    body = json.loads(as_json.stdout)
    assert [(m["a"], m["b"]) for m in body["matches"]] == [("E13", "E4")]
    assert set(body["matches"][0]) == {"a", "b", "score", "reasons"}

    everything = json.loads(rsn("match", "--json", "--min-score", "0", data_dir=data_dir).stdout)
    assert ("E1", "E14") in {(m["a"], m["b"]) for m in everything["matches"]}


def test_match_refuses_bad_parameters_in_one_line(tmp_path):
    data_dir = tmp_path / "data"
    assert (
        rsn("load", str(write_dataset(tmp_path / "d", DUPLICATES)), data_dir=data_dir).returncode
        == 0
    )
    for args, words in [
        (["--min-score", "1.5"], "min_score must be a number from 0 to 1"),
        (["--prefecture", "48"], "'48' is not a prefecture code"),
    ]:
        result = rsn("match", *args, data_dir=data_dir)
        assert result.returncode == 1
        assert words in result.stderr and "Traceback" not in result.stderr
