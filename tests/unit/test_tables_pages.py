"""The tables of the pages keyed by node kind name every member of the enum: a kind added to
the model without a colour fails here, not with a KeyError when a page first draws one. (The
API holds no such table: its bodies take NodeKind and RelationType themselves as field types,
so the OpenAPI document lists every member.)"""

from __future__ import annotations

import re

from graph.model import NodeKind
from viz.pages import HUB_KINDS, KIND_COLOURS


def test_every_node_kind_has_a_colour() -> None:
    assert set(KIND_COLOURS) == set(NodeKind)


def test_the_colours_tell_the_kinds_apart() -> None:
    colours = list(KIND_COLOURS.values())
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in colours)
    assert len(set(colours)) == len(colours)


def test_hub_kinds_are_node_kinds_and_leave_some_to_gather() -> None:
    assert HUB_KINDS
    assert HUB_KINDS < set(NodeKind)
