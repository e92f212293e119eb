"""`rsn paths` as people use it: a real process, paths printed for a person."""

from __future__ import annotations

from tests.test_cli import rsn


def test_paths_are_numbered_with_score_chain_and_explanation(tmp_path, small_dataset):
    data_dir = tmp_path / "data"
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    result = rsn("paths", "E1", "F1", "--k", "2", data_dir=data_dir, COLUMNS="400")
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert lines == [
        "Introductions from 山田製作所 (E1) to Tokyo Credit Guarantee Corporation (F1):",
        "1. score 0.75, 1 tie",
        "山田製作所 → Tokyo Credit Guarantee Corporation",
        "山田製作所 and Tokyo Credit Guarantee Corporation already work together (GUARANTEES): "
        "contact them directly.",
        "2. score 0.72, 2 ties",
        "山田製作所 → Tokyo Chamber of Commerce → Tokyo Credit Guarantee Corporation",
        "Ask Tokyo Chamber of Commerce (a chamber of commerce that supports 山田製作所) to "
        "introduce 山田製作所 to Tokyo Credit Guarantee Corporation: they support the firm and "
        "partner with the guarantee corporation.",
    ]


def test_no_path_and_bad_questions(tmp_path, small_dataset):
    data_dir = tmp_path / "data"
    assert rsn("load", str(small_dataset), data_dir=data_dir).returncode == 0
    none = rsn("paths", "E4", "E1", "--max-hops", "6", data_dir=data_dir, COLUMNS="400")
    assert none.returncode == 0
    assert "No introduction path from Naha Tours (E4) to 山田製作所 (E1) within 6 ties." in (
        none.stdout
    )
    for args, words in [
        (["E1", "F1", "--k", "0"], "k must be a whole number from 1 to 20, got 0"),
        (["E1", "F1", "--max-hops", "7"], "max_hops must be a whole number from 1 to 6"),
        (["E1", "A1"], "'A1' is an Asset, not an actor"),
        (["E1", "NOPE"], "no node with id 'NOPE'"),
    ]:
        result = rsn("paths", *args, data_dir=data_dir)
        assert result.returncode == 1
        assert words in result.stderr and "Traceback" not in result.stderr
