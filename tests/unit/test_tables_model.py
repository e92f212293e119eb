"""The model's tables cover their enums, so that a new relation type or node kind cannot be
added without placing it everywhere the model decides something about it."""

from __future__ import annotations

from graph.model import (
    ACTOR_KINDS,
    ALLOWED_ENDPOINTS,
    COUNTS_AS,
    FILE_KIND,
    FINANCING_TYPES,
    INTRODUCTION_TIE_TYPES,
    SUPPORT_TYPES,
    USE_TYPES,
    NodeKind,
    RelationType,
)


def test_every_relation_type_has_its_endpoints():
    assert set(ALLOWED_ENDPOINTS) == set(RelationType)
    assert all(ALLOWED_ENDPOINTS[kind] for kind in RelationType)


def test_every_relation_type_says_what_it_counts_as():
    assert set(COUNTS_AS) == set(RelationType)
    assert set(COUNTS_AS.values()) <= {"financing", "support", "use", None}


def test_what_a_type_counts_as_agrees_with_its_endpoints():
    for kind in FINANCING_TYPES:
        assert ALLOWED_ENDPOINTS[kind] == {(NodeKind.FINANCIER, NodeKind.ENTERPRISE)}, kind
    for kind in SUPPORT_TYPES:
        assert all(target is NodeKind.ENTERPRISE for _, target in ALLOWED_ENDPOINTS[kind]), kind
    for kind in USE_TYPES:
        assert all(target is NodeKind.ASSET for _, target in ALLOWED_ENDPOINTS[kind]), kind
    assert FINANCING_TYPES and SUPPORT_TYPES and USE_TYPES


def test_every_node_kind_has_its_file():
    assert sorted(FILE_KIND.values()) == sorted(NodeKind)


def test_introductions_walk_exactly_the_types_between_two_actors():
    for kind in RelationType:
        between_actors = all(
            source in ACTOR_KINDS and target in ACTOR_KINDS
            for source, target in ALLOWED_ENDPOINTS[kind]
        )
        assert (kind in INTRODUCTION_TIE_TYPES) == between_actors, kind
