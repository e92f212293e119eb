"""A node row's properties are exactly what its model validated, on every kind of node."""

from __future__ import annotations

import csv

from graph.model import FILE_KIND
from graph.rows import _ROW_MODELS, parse_node


def test_the_properties_are_the_models_values(small_dataset):
    checked = 0
    for name, kind in FILE_KIND.items():
        with (small_dataset / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                node = parse_node(kind, row)
                cleaned = {key: value for key, value in row.items() if value.strip()}
                dumped = _ROW_MODELS[kind].model_validate(cleaned).model_dump(exclude_none=True)
                assert {"id": node.id, "name": node.name, **node.props} == dumped, row
                checked += 1
    assert checked >= len(FILE_KIND)
