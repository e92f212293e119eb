"""The command line of issue 16 as people use it (real processes): loads made by a
contributor, `--replace`, `rsn contributors`, and `--as-of` on the commands that answer about
the network."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import HEADERS, SMALL_NETWORK, write_csv
from tests.test_cli import rsn


def write_folder(folder: Path, files: dict[str, list[list[str]]]) -> Path:
    """A dataset folder of ``files``, each row filled out with empty optional columns."""
    for name, rows in files.items():
        header = HEADERS[name]
        write_csv(folder / name, header, [row + [""] * (len(header) - len(row)) for row in rows])
    return folder


def small(**changes: list[list[str]]) -> dict[str, list[list[str]]]:
    """The small network, some of its files replaced (by name, dots as underscores)."""
    files = {name: list(rows) for name, rows in SMALL_NETWORK.items()}
    for key, rows in changes.items():
        files[key.replace("_", ".")] = rows
    return files


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def loaded(tmp_path: Path, data_dir: Path) -> Path:
    """A data folder holding the small network, loaded as `local`."""
    folder = write_folder(tmp_path / "small", SMALL_NETWORK)
    result = rsn("load", str(folder), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def one_error_line(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- rsn load --contributor / --replace ------------------------------------------------


@pytest.mark.parametrize("name", ["", "two words", "a/b", "x" * 65, "ümlaut"])
def test_a_bad_contributor_is_one_line_and_opens_no_store(tmp_path, data_dir, name):
    folder = write_folder(tmp_path / "small", SMALL_NETWORK)
    result = rsn("load", str(folder), "--contributor", name, data_dir=data_dir, COLUMNS="400")
    line = one_error_line(result)
    assert line.startswith("error: --contributor: a contributor is named by 1 to 64"), line
    assert not data_dir.exists()


def test_a_load_says_who_made_it(tmp_path, data_dir):
    folder = write_folder(tmp_path / "small", SMALL_NETWORK)
    result = rsn(
        "load", str(folder), "--contributor", "tokyo-cgc", data_dir=data_dir, COLUMNS="400"
    )
    assert result.returncode == 0, result.stderr
    assert "loaded 12 nodes and 14 relations into the embedded store as tokyo-cgc" in (
        result.stdout
    )
    assert "retracted" not in result.stdout  # a plain load retracts nothing
    plain = rsn("load", str(folder), data_dir=data_dir, COLUMNS="400")
    assert "store as local in" in plain.stdout


def test_replace_retracts_what_the_folder_no_longer_holds_and_the_tie_ends_today(
    tmp_path, data_dir
):
    first = write_folder(tmp_path / "first", SMALL_NETWORK)
    assert rsn("load", str(first), "--contributor", "bank", data_dir=data_dir).returncode == 0
    # the bank's view without F2's loan to E3 (repaid) nor F2's investment in E2
    relations = [
        r for r in SMALL_NETWORK["relations.csv"] if r[1] not in {"LENDS_TO", "INVESTS_IN"}
    ]
    second = write_folder(tmp_path / "second", small(relations_csv=relations))
    result = rsn(
        "load", str(second), "--contributor", "bank", "--replace", data_dir=data_dir,
        COLUMNS="400",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "loaded 12 nodes and 12 relations into the embedded store as bank" in result.stdout
    assert "retracted 2 earlier assertions of bank that the folder no longer holds" in (
        result.stdout
    )
    today = json.loads(rsn("stats", "--json", data_dir=data_dir).stdout)
    assert today["relations"]["LENDS_TO"] == 0 and today["relations"]["INVESTS_IN"] == 0
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    before = rsn("stats", "--json", "--as-of", yesterday, data_dir=data_dir)
    assert before.returncode == 0, before.stderr
    counts = json.loads(before.stdout)
    assert counts["relations"]["LENDS_TO"] == 1 and counts["relations"]["INVESTS_IN"] == 1
    # loading the same view again retracts nothing more
    again = rsn("load", str(second), "--contributor", "bank", "--replace", data_dir=data_dir)
    assert "retracted 0 earlier assertions of bank" in again.stdout


def test_replace_keeps_what_another_contributor_still_asserts(tmp_path, data_dir):
    everything = write_folder(tmp_path / "all", SMALL_NETWORK)
    loans = small(
        relations_csv=[["F2", "LENDS_TO", "E3", "0.5", "2010-04-01"]],
    )
    loans_folder = write_folder(tmp_path / "loans", loans)
    assert rsn("load", str(everything), "--contributor", "bank", data_dir=data_dir).returncode == 0
    assert (
        rsn("load", str(loans_folder), "--contributor", "union", data_dir=data_dir).returncode == 0
    )
    without = small(relations_csv=[r for r in SMALL_NETWORK["relations.csv"] if r[1] != "LENDS_TO"])
    folder = write_folder(tmp_path / "without", without)
    result = rsn("load", str(folder), "--contributor", "bank", "--replace", data_dir=data_dir)
    assert "retracted 1 earlier assertion of bank" in result.stdout
    counts = json.loads(rsn("stats", "--json", data_dir=data_dir).stdout)
    assert counts["relations"]["LENDS_TO"] == 1  # the union still asserts the loan


# -- rsn contributors ------------------------------------------------------------------


def test_contributors_lists_each_with_its_counts_and_last_load(tmp_path, data_dir):
    everything = write_folder(tmp_path / "all", SMALL_NETWORK)
    guarantees = {
        "financiers.csv": SMALL_NETWORK["financiers.csv"][:1],
        "enterprises.csv": SMALL_NETWORK["enterprises.csv"][:1],
        "relations.csv": [["F1", "GUARANTEES", "E1", "0.8", ""]],
    }
    guarantee_folder = write_folder(tmp_path / "guarantees", guarantees)
    assert rsn("load", str(everything), data_dir=data_dir).returncode == 0
    loaded = rsn("load", str(guarantee_folder), "--contributor", "pref:13", data_dir=data_dir)
    assert loaded.returncode == 0, loaded.stderr
    as_json = rsn("contributors", "--json", data_dir=data_dir)
    assert as_json.returncode == 0, as_json.stderr
    found = json.loads(as_json.stdout)
    assert [(c["contributor"], c["nodes"], c["relations"]) for c in found] == [
        ("local", 12, 14),
        ("pref:13", 2, 1),
    ]
    for contributor in found:
        assert contributor["last_load"].startswith(date.today().isoformat()[:4])
    listed = rsn("contributors", data_dir=data_dir, COLUMNS="30")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["contributor", "nodes", "relations"],
        ["local", "12", "14"],
        ["pref:13", "2", "1"],
    ]
    assert lines[0].split()[3] == "last_load"
    assert not [line for line in lines if line != line.rstrip()], "trailing spaces"
    stamp = lines[1].split()[3]
    assert len(stamp) == len("2026-01-01T00:00:00+00:00"), stamp  # to the second


def test_contributors_of_an_empty_store_and_of_no_store(tmp_path, data_dir):
    missing = rsn("contributors", data_dir=data_dir, COLUMNS="400")
    assert "no store in " in one_error_line(missing)
    assert not data_dir.exists()
    empty = write_folder(tmp_path / "empty", {"enterprises.csv": []})
    assert rsn("load", str(empty), data_dir=data_dir).returncode == 0
    none = rsn("contributors", data_dir=data_dir, COLUMNS="400")
    assert none.returncode == 0 and none.stdout == ""
    assert "no contributors" in none.stderr
    assert rsn("contributors", "--json", data_dir=data_dir).stdout.strip() == "[]"


# -- --as-of ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["paths", "E1", "F1"],
        ["weaknesses"],
        ["stats"],
        ["viz", "--out", "page.html", "--prefecture", "13"],
    ],
)
@pytest.mark.parametrize("day", ["2026-02-30", "yesterday", "2020-1-1"])
def test_a_bad_as_of_is_one_line(loaded, command, day):
    line = one_error_line(rsn(*command, "--as-of", day, data_dir=loaded, COLUMNS="400"))
    assert line == f"error: --as-of must be a date written YYYY-MM-DD, got {day!r}"


def test_stats_as_of_counts_what_existed_that_day(loaded):
    before = json.loads(rsn("stats", "--json", "--as-of", "1950-01-01", data_dir=loaded).stdout)
    assert before["nodes"]["Enterprise"] == 2  # E1 (1962) and E4 (2001) not yet founded
    assert before["relations"]["SUPPORTS"] == 0  # since 2015-04-01
    table = rsn("stats", "--as-of", "1950-01-01", data_dir=loaded, COLUMNS="200")
    assert "the embedded store as of 1950-01-01" in table.stdout


def _chains(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if "→" in line]


def test_paths_as_of_a_day_before_a_tie_began(loaded):
    today = rsn("paths", "E1", "F1", "--k", "2", data_dir=loaded, COLUMNS="400")
    assert _chains(today.stdout) == [
        "山田製作所 → Tokyo Credit Guarantee Corporation",
        "山田製作所 → Tokyo Chamber of Commerce → Tokyo Credit Guarantee Corporation",
    ]
    # C1 supports E1 since 2015-04-01: the day before, the second best goes through S1
    before = rsn(
        "paths", "E1", "F1", "--k", "2", "--as-of", "2015-03-31", data_dir=loaded, COLUMNS="400"
    )
    assert before.returncode == 0, before.stderr
    assert before.stdout.startswith(
        "Introductions from 山田製作所 (E1) to Tokyo Credit Guarantee Corporation (F1) "
        "as of 2015-03-31:"
    )
    assert _chains(before.stdout) == [
        "山田製作所 → Tokyo Credit Guarantee Corporation",
        "山田製作所 → Sato Hanako → Tokyo Credit Guarantee Corporation",
    ]


def test_paths_as_of_a_day_before_a_node_was_founded(loaded):
    result = rsn("paths", "E4", "E1", "--as-of", "2000-01-01", data_dir=loaded, COLUMNS="400")
    line = one_error_line(result)
    assert "'E4' was founded in 2001" in line and "2000-01-01" in line


def test_weaknesses_as_of_reads_the_network_of_that_day(loaded):
    today = rsn("weaknesses", data_dir=loaded, COLUMNS="400")
    assert today.returncode == 0, today.stderr
    assert f"as of {date.today().isoformat()}:" in today.stdout.splitlines()[0]
    before = rsn("weaknesses", "--as-of", "1950-01-01", data_dir=loaded, COLUMNS="400")
    assert before.returncode == 0, before.stderr
    head = before.stdout.splitlines()[0]
    assert head.startswith("Weaknesses of the whole network as of 1950-01-01: ")
    actors = int(head.split(": ")[1].split(" actors")[0])
    actors_today = int(today.stdout.splitlines()[0].split(": ")[1].split(" actors")[0])
    assert actors == actors_today - 2  # E1 and E4 were not founded yet


def test_viz_as_of_writes_the_page_of_that_day(tmp_path, loaded):
    page = tmp_path / "page.html"
    result = rsn(
        "viz", "--out", str(page), "--centre", "C1", "--as-of", "2015-03-31", data_dir=loaded,
        COLUMNS="400",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "as of 2015-03-31" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert "ties as of 2015-03-31" in html
    today = tmp_path / "today.html"
    assert rsn("viz", "--out", str(today), "--centre", "C1", data_dir=loaded).returncode == 0
    assert f"ties as of {date.today().isoformat()}" in today.read_text(encoding="utf-8")
