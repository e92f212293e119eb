"""Cells guarded for spreadsheets: never a formula, and read back exactly."""

from __future__ import annotations

import random

import pytest

from graph.loaders.csvfile import spreadsheet_safe, spreadsheet_value, spreadsheet_values
from graph.model import NodeKind

DANGER = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+81 3", "'+81 3"),
        ("-E1", "'-E1"),
        ("@home", "'@home"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("''-x", "'''-x"),
        ("'plain", "'plain"),
        ("'", "'"),
        ("", ""),
        ("a=b", "a=b"),
        ("山田製作所", "山田製作所"),
    ],
)
def test_a_cell_is_guarded_only_when_a_spreadsheet_would_run_it(value, cell):
    assert spreadsheet_safe(value) == cell
    assert spreadsheet_value(cell) == value


def test_any_text_survives_the_guard_and_none_starts_as_a_formula():
    rng = random.Random(14)
    alphabet = "'=+-@\t\rab1 "
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        cell = spreadsheet_safe(value)
        assert not cell.startswith(DANGER)
        assert spreadsheet_value(cell) == value


def test_a_row_without_a_guard_is_returned_as_it_is():
    row = ["E1", "x", "13"]
    assert spreadsheet_values(row) is row
    assert spreadsheet_values(["'-E1", "'x"]) == ["-E1", "'x"]


def test_kinds_take_their_article():
    assert [kind.with_article for kind in NodeKind] == [
        "an Enterprise",
        "an Asset",
        "a Centre",
        "a Financier",
        "a Specialist",
    ]
