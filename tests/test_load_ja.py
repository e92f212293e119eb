"""Loading in Japanese: ``rsn load`` with RSN_LANG=ja names each bad row as
``file:line: column: message`` with the message in Japanese (file, line and column stay as
they are), and the same load in English says what it always said."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import DatasetInvalid
from graph.i18n import speaking
from graph.loaders import load_dataset
from graph.queries.merges import merge_nodes
from graph.store.embedded import EmbeddedStore
from tests.conftest import SMALL_NETWORK, write_dataset
from tests.test_cli import rsn


def _bad_dataset(folder: Path) -> Path:
    """The small network (its third enterprise takes two lines) with one more enterprise,
    whose prefecture is no prefecture and whose founding year is no year of its era, and a
    relation its type cannot make."""
    files = {name: list(rows) for name, rows in SMALL_NETWORK.items()}
    files["enterprises.csv"] = [
        *files["enterprises.csv"],
        ["E5", "佐藤商店", "東京x", "E", "", "平成32年"],
    ]
    files["relations.csv"] = [*files["relations.csv"], ["E1", "SUPPORTS", "C1", "", ""]]
    return write_dataset(folder, files)


def _problem_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` that name a problem of a file (``file:line: ...``)."""
    return [
        line
        for line in stderr.splitlines()
        if line.startswith(("enterprises.csv:", "relations.csv:"))
    ]


def test_a_japanese_load_names_each_bad_row_in_japanese(tmp_path: Path) -> None:
    folder = _bad_dataset(tmp_path / "bad")
    result = rsn("load", str(folder), data_dir=tmp_path / "data", RSN_LANG="ja")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert _problem_lines(result.stderr) == [
        "enterprises.csv:7: prefecture: 「東京x」は都道府県コードでも都道府県名でもありません。"
        "JIS X 0401の2桁のコード（01〜47）か、漢字またはローマ字の名前（13、東京都、東京、Tokyo"
        "など）を使ってください。",
        "enterprises.csv:7: founded: 「平成32年」は平成の年ではありません。平成は1989年から2019年"
        "まで（平成元年から平成31年まで）です。",
        "relations.csv:16: type: SUPPORTSは企業「E1」と支援機関「C1」を結べません。SUPPORTSで"
        "結べるのは支援機関→企業です。",
    ]
    assert "データセットに3件の問題があります。何も読み込んでいません。" in result.stderr
    assert "nothing was loaded" not in result.stderr


def test_the_same_load_in_english_is_unchanged(tmp_path: Path) -> None:
    folder = _bad_dataset(tmp_path / "bad")
    result = rsn("load", str(folder), data_dir=tmp_path / "data", RSN_LANG="en")
    assert result.returncode == 1
    assert _problem_lines(result.stderr) == [
        "enterprises.csv:7: prefecture: '東京x' is not a prefecture code or name: use the "
        "two-digit JIS X 0401 code 01 to 47, or the name in kanji or romaji (13, 東京都, 東京 or "
        "Tokyo)",
        "enterprises.csv:7: founded: '平成32年' is not a year of 平成, which lasted from 1989 to "
        "2019 (平成元年 to 平成31年)",
        "relations.csv:16: type: SUPPORTS cannot join Enterprise 'E1' to Centre 'C1': it joins "
        "Centre -> Enterprise",
    ]
    assert "the dataset has 3 problems; nothing was loaded" in result.stderr


def test_a_japanese_load_names_a_file_problem_in_japanese(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "enterprises.csv").write_text("id,name,prefecture,colour\nE1,A,13,red\n")
    result = rsn("load", str(folder), data_dir=tmp_path / "data", RSN_LANG="ja")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "enterprises.csv:1: industry: 必須の列がありません。" in lines
    assert (
        "enterprises.csv:1: colour: 不明な列です。enterprises.csvの列はid, name, prefecture, "
        "industry, employees, founded, corporate_number, address, phone, consent, endedです。"
    ) in lines


def test_a_row_naming_an_alias_of_a_node_of_another_kind_is_said_in_both_languages(
    tmp_path: Path,
) -> None:
    """An enterprise row whose id was merged into a node the folder gives as a centre: the
    problem names the alias, the kept node and where it is, in each language."""
    with EmbeddedStore(tmp_path / "data", watch_seconds=None) as store:
        load_dataset(write_dataset(tmp_path / "base", SMALL_NETWORK), store)
        merge_nodes(store, "E1", "E4", reason="same firm")
        folder = write_dataset(
            tmp_path / "again",
            {
                "enterprises.csv": [["E4", "Naha Tours", "47", "M", "", ""]],
                "centres.csv": [["E1", "Centre", "13", "other", ""]],
            },
        )
        said = {}
        for lang in ("en", "ja"):
            with speaking(lang), pytest.raises(DatasetInvalid) as caught:
                load_dataset(folder, store)
            said[lang] = str(caught.value.problems[0])
    assert said["en"] == (
        "enterprises.csv:2: id: id 'E4' was merged into 'E1', which is already a Centre at "
        "centres.csv:2"
    )
    assert said["ja"] == (
        "enterprises.csv:2: id: id「E4」は「E1」に統合されていますが、「E1」はcentres.csv:2で"
        "すでに支援機関のidとして使われています。"
    )
