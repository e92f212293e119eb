"""The command line in Japanese: ``RSN_LANG=ja``, or a Japanese locale without it; English
otherwise. Real processes, as people run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

#: The variables that choose the command line's language, all left out unless a test sets one.
LANGUAGE_VARIABLES = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")


def rsn(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEO4J_", "RSN_")) and k not in LANGUAGE_VARIABLES
    }
    environment.update({"RSN_DATA_DIR": str(data_dir), "RSN_BACKEND": "embedded", **env})
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def loaded(tmp_path: Path, small_dataset: Path) -> Path:
    data_dir = tmp_path / "data"
    result = rsn("load", str(small_dataset), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_stats_prints_japanese_headings_with_rsn_lang(loaded):
    japanese = rsn("stats", "--as-of", "2024-04-01", data_dir=loaded, RSN_LANG="ja")
    assert japanese.returncode == 0, japanese.stderr
    lines = japanese.stdout.splitlines()
    assert lines[0].strip() == "2024-04-01時点のembeddedストア"
    assert "ノード・関係" in japanese.stdout and "件数" in japanese.stdout
    assert "企業" in japanese.stdout  # the kinds by their names
    assert "nodes or relations" not in japanese.stdout
    english = rsn("stats", "--as-of", "2024-04-01", data_dir=loaded)
    assert english.stdout.splitlines()[0].strip() == "the embedded store as of 2024-04-01"
    assert "nodes or relations" in english.stdout and "Enterprise" in english.stdout


def test_load_says_what_it_loaded_in_japanese(tmp_path, small_dataset):
    result = rsn("load", str(small_dataset), data_dir=tmp_path / "data", RSN_LANG="ja")
    assert result.returncode == 0, result.stderr
    assert "embeddedストアにノード12件と関係14件を提供元localとして読み込みました（" in (
        result.stdout
    )


def test_an_error_line_in_japanese(tmp_path):
    result = rsn("viz", "--out", str(tmp_path / "x.html"), data_dir=tmp_path / "d", RSN_LANG="ja")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "エラー: --prefectureか--centreのどちらか一方を指定してください"
    )
    role = rsn("keys", "add", "--role", "boss", data_dir=tmp_path / "d", RSN_LANG="ja")
    assert role.returncode == 1 and "Traceback" not in role.stderr
    assert role.stderr.strip() == (
        "エラー: 'boss'はロールではありません。admin、analyst、centreのいずれかを指定してください"
    )
    english = rsn("viz", "--out", str(tmp_path / "x.html"), data_dir=tmp_path / "d")
    assert english.stderr.strip() == "error: give either --prefecture or --centre"


def test_a_system_error_is_said_in_japanese(tmp_path, loaded):
    out = tmp_path / "no-such-folder" / "x.html"
    japanese = rsn("viz", "--prefecture", "13", "--out", str(out), data_dir=loaded, RSN_LANG="ja")
    assert japanese.returncode == 1 and "Traceback" not in japanese.stderr
    assert japanese.stderr.strip() == f"エラー: ファイルまたはフォルダがありません：{out}"
    english = rsn("viz", "--prefecture", "13", "--out", str(out), data_dir=loaded)
    assert english.stderr.strip() == f"error: No such file or directory {out}"


def test_a_japanese_locale_without_rsn_lang_speaks_japanese(tmp_path):
    out = str(tmp_path / "x.html")
    japanese = rsn("viz", "--out", out, data_dir=tmp_path / "d", LANG="ja_JP.UTF-8")
    assert japanese.stderr.startswith("エラー: --prefectureか--centre")
    # RSN_LANG beats the locale, and LC_ALL beats LANG
    english = rsn("viz", "--out", out, data_dir=tmp_path / "d", LANG="ja_JP.UTF-8", RSN_LANG="en")
    assert english.stderr.startswith("error: give either")
    overridden = rsn("viz", "--out", out, data_dir=tmp_path / "d", LANG="ja_JP.UTF-8", LC_ALL="C")
    assert overridden.stderr.startswith("error: give either")


def test_contributors_are_listed_in_aligned_japanese_columns(loaded):
    result = rsn("contributors", data_dir=loaded, RSN_LANG="ja")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["提供元", "ノード", "関係", "最終読込"]
    assert row.split()[:3] == ["local", "12", "14"]
    # a Japanese character takes two cells of a terminal: the columns line up there
    for heading, value in (("ノード", "12"), ("関係", "14"), ("最終読込", "20")):
        assert cell_len(header[: header.index(heading)]) == cell_len(row[: row.index(value)])


def test_a_weakness_report_in_japanese(loaded):
    result = rsn("weaknesses", "--prefecture", "13", data_dir=loaded, RSN_LANG="ja")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.endswith("時点の都道府県コード13の弱点：主体5件、つながり7本")
    assert "支援機関や専門家の支援を受けていない企業：1件" in result.stdout


def _panel_text(output: str) -> str:
    """The text inside Typer's boxes, their borders and padding left out, on one line."""
    inside = [line.strip().strip("│╭╮╰╯─").strip() for line in output.splitlines()]
    return " ".join(part for part in inside if part)


@pytest.mark.parametrize(
    ("args", "japanese", "english"),
    [
        (("paths",), "引数'source'を指定してください。", "Missing argument 'source'."),
        (("keys", "add"), "オプション'--role'を指定してください。", "Missing option '--role'."),
        (
            ("load", "--contributer", "x"),
            "'--contributer'というオプションはありません（候補: '--contributor'）。",
            "No such option: --contributer",
        ),
        (
            ("serve", "--port", "abc"),
            "'--port'の値が正しくありません: 整数で指定してください",
            "Invalid value for '--port'",
        ),
        (
            ("seed", "--out", "x", "--enterprises", "0"),
            "'--enterprises'の値が正しくありません: 1以上で指定してください",
            "Invalid value for '--enterprises'",
        ),
        (("nosuch",), "'nosuch'というコマンドはありません。", "No such command 'nosuch'."),
        (("paths", "a", "b", "c"), "余分な引数があります: c", "unexpected extra argument"),
        (
            ("seed", "--enterprises"),
            "オプション'--enterprises'には値を指定してください。",
            "Option '--enterprises' requires an argument.",
        ),
    ],
)
def test_usage_errors_are_said_in_japanese(tmp_path, args, japanese, english):
    said = rsn(*args, data_dir=tmp_path / "data", RSN_LANG="ja", COLUMNS="200")
    assert said.returncode == 2, said.stderr
    assert japanese in _panel_text(said.stderr)
    assert "エラー" in said.stderr
    if "使い方" in said.stderr:  # with the usage line, the hint says where the help is
        assert said.stderr.index("使い方: ") < said.stderr.index("で確認できます。")
    assert english not in said.stderr
    in_english = rsn(*args, data_dir=tmp_path / "data", COLUMNS="200")
    assert in_english.returncode == 2
    assert english in _panel_text(in_english.stderr)
    assert "Error" in in_english.stderr and "エラー" not in in_english.stderr


def test_the_help_of_every_command_is_in_japanese(tmp_path):
    """Every command's and option's help, and Typer's headings, in Japanese: none of the
    English texts is left, in the command list or in a command's own help."""
    import typer

    from cli.main import app
    from cli.translation import help_texts

    english = {text for _where, text in help_texts(typer.main.get_command(app))}
    first_lines = {text.splitlines()[0][:40] for text in english}
    for args in (("--help",), ("load", "--help"), ("keys", "add", "--help"), ("paths", "--help")):
        said = rsn(*args, data_dir=tmp_path / "data", RSN_LANG="ja", COLUMNS="200")
        assert said.returncode == 0, said.stderr
        assert "使い方: " in said.stdout
        assert "オプション" in said.stdout
        left = [line for line in first_lines if line in said.stdout]
        assert not left, left
        assert "このヘルプを表示して終了します。" in said.stdout
    listed = rsn("--help", data_dir=tmp_path / "data", RSN_LANG="ja", COLUMNS="200").stdout
    assert "コマンド" in listed and "Commands" not in listed and "Options" not in listed
    in_english = rsn("--help", data_dir=tmp_path / "data", COLUMNS="200").stdout
    assert "Usage: " in in_english and "Commands" in in_english
    assert "Show this message and exit." in in_english
