"""The hand-checked common case of a relation row agrees with the model on every row."""

from __future__ import annotations

import random

import pytest

from graph.errors import RowInvalid
from graph.model import _modelled_relation, _plain_relation, parse_relation

VALUES = {
    "source": ["E1", "C.2", "a:b-c_d", "", "E 1", "x" * 65, "E2"],
    "type": ["TRADES_WITH", "LENDS_TO", "trades_with", "", "NOPE"],
    "target": ["E2", "F-9", "E1", "", "bad id"],
    "strength": ["", "0.5", "1", "1.0", "0", "-0.1", "1.01", "nan", "inf", "0.333", " 0.7", "x"],
    "since": ["", "2020-01-31", "2020-02-30", "1999-12-31", "2999-01-01", "20200131", "2020-1-1"],
}


def test_the_fast_path_agrees_with_the_model_on_random_rows():
    chooser = random.Random(7)
    checked = 0
    for _ in range(3000):
        row = {column: chooser.choice(options) for column, options in VALUES.items()}
        if chooser.random() < 0.1:
            row.pop(chooser.choice(list(row)))
        plain = _plain_relation(row)
        try:
            modelled = _modelled_relation(row)
        except RowInvalid:
            assert plain is None, row
            with pytest.raises(RowInvalid):
                parse_relation(row)
            continue
        if plain is not None:
            assert plain == modelled, row
            checked += 1
        assert parse_relation(row) == modelled
    assert checked > 50
