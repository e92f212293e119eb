"""The hand-checked common case of a relation row agrees with the model on every row."""

from __future__ import annotations

import random

import pytest

from graph.errors import RowInvalid
from graph.rows import RelationFields, _modelled_relation, _plain_relation, parse_relation

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


HEADERS = [
    ["source", "type", "target", "strength", "since"],
    ["target", "since", "type", "source"],
    ["type", "source", "strength", "target"],
    ["source", "target", "type"],
]
FIELD_VALUES = {
    **VALUES,
    "source": [*VALUES["source"], "E,1", '"E1"', "E1 "],
    "strength": [*VALUES["strength"], ".5", "1.", "0.5,", "00.5", "0.50"],
    "since": [*VALUES["since"], "2020-13-01", "0000-01-01", "2020-01-31 "],
}


@pytest.mark.parametrize("header", HEADERS, ids=lambda h: ",".join(h))
def test_the_bulk_record_check_agrees_with_the_model(header):
    """RelationFields accepts a record only if the model does, with the same relation."""
    check = RelationFields(header)
    chooser = random.Random(len(header))
    accepted = 0
    for _ in range(12000):
        fields = [chooser.choice(FIELD_VALUES[column]) for column in header]
        fast = check(fields)
        try:
            modelled = _modelled_relation(dict(zip(header, fields, strict=True)))
        except RowInvalid:
            assert fast is None, fields
            continue
        if fast is not None:
            assert fast == modelled, fields
            assert type(fast.type) is type(modelled.type)
            accepted += 1
    assert accepted > 50


def test_the_bulk_record_check_refuses_a_header_that_is_not_of_relations():
    with pytest.raises(ValueError):
        RelationFields(["source", "type"])
    with pytest.raises(ValueError):
        RelationFields(["source", "type", "target", "note"])
