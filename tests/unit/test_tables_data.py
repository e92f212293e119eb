"""Tables that cannot drift: every table keyed by a node kind, a relation type or another of
the model's enums has exactly the enum's members as keys, so that adding a kind or a type
fails here, by name, rather than as a KeyError in the middle of a load or a seed run."""

from __future__ import annotations

import types
import typing
from enum import Enum

import pytest

from graph import rows
from graph.japan import JSIC_DIVISIONS, PREFECTURE_BY_CODE
from graph.loaders import neo4j_admin
from graph.model import (
    AssetCategory,
    CentreKind,
    FinancierKind,
    NodeKind,
    RelationType,
    SpecialistBackground,
)
from seeds import generator, vocab


def keys_of(enum: type[Enum]) -> set[Enum]:
    return set(enum)


# -- rows ----------------------------------------------------------------------------------


def test_each_node_kind_has_a_row_model():
    assert set(rows._ROW_MODELS) == keys_of(NodeKind)


def test_the_bulk_relation_check_knows_every_column():
    assert set(rows._COLUMN_PATTERNS) == set(rows.RELATION_COLUMNS)


# -- neo4j-admin ---------------------------------------------------------------------------


def _is_text(annotation: object) -> bool:
    """Whether a row model's field holds text (or nothing)."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return all(arg is str or arg is type(None) for arg in typing.get_args(annotation))
    return False


def test_every_column_that_is_not_text_has_an_import_type():
    """neo4j-admin reads a column without a type as a string: a number or a list column of
    any kind must have its type in the column map, and the map names no other column."""
    typed = {
        column
        for kind in NodeKind
        for column, info in rows._ROW_MODELS[kind].model_fields.items()
        if not _is_text(info.annotation)
    }
    assert typed == {"employees", "founded", "capacity", "expertise"}  # the test sees them
    assert set(neo4j_admin.IMPORT_TYPES) == typed


# -- the seed generator --------------------------------------------------------------------


def test_each_relation_type_has_a_seed_tie_strength():
    assert set(generator._TIE) == keys_of(RelationType)
    for low, high, blank in generator._TIE.values():
        assert 0 < low < high <= 1 and 0 <= blank < 1


def test_the_seed_layout_is_the_models_columns():
    assert set(generator._ROW_LAYOUT) == keys_of(NodeKind)
    for kind, layout in generator._ROW_LAYOUT.items():
        assert layout == rows.node_columns(kind), kind


@pytest.mark.parametrize(
    ("table", "enum"),
    [
        ("_CAPACITY", CentreKind),
        ("_CENTRE_FIT_DEFAULT", CentreKind),
        ("_EXPERTISE", SpecialistBackground),
    ],
)
def test_seed_tables_by_kind_cover_the_enum(table, enum):
    assert set(getattr(generator, table)) == keys_of(enum)


def test_seed_kind_draws_cover_the_enums():
    drawn = {kind for kind, _ in generator._CENTRE_KIND_WEIGHTS}
    # the prefectural centres and the university are placed, not drawn
    assert drawn | {CentreKind.PREFECTURAL_CENTRE, CentreKind.UNIVERSITY} == keys_of(CentreKind)
    assert {background for background, _ in generator._BACKGROUND_WEIGHTS} == keys_of(
        SpecialistBackground
    )
    # the seeds make no financier of the catch-all kind
    assert set(generator.financier_counts(1)) == keys_of(FinancierKind) - {FinancierKind.OTHER}
    assert set(generator._CATEGORIES) == keys_of(AssetCategory)
    assert set(vocab.PRODUCTS) == {category.value for category in AssetCategory}


@pytest.mark.parametrize(
    "table",
    [
        generator._INDUSTRY_SHARE,
        generator._NEEDS,
        vocab.TRADE_JA,
        vocab.TRADE_EN,
    ],
    ids=["industry share", "needs", "Japanese trade words", "English trade words"],
)
def test_seed_tables_by_industry_cover_every_division(table):
    assert set(table) == set(JSIC_DIVISIONS)


def test_every_prefecture_has_places():
    assert set(vocab.PLACES) == set(PREFECTURE_BY_CODE)
