"""Tables that cannot drift: every table of the stores and of the referral lifecycle that is
keyed by a relation type, a node kind or a referral status covers its enum exactly, so a
member added to the model fails here rather than with a KeyError at run time."""

from __future__ import annotations

from itertools import pairwise

from graph.model import (
    DERIVED_TYPES,
    INTRODUCTION_TIE_TYPES,
    NodeKind,
    RelationType,
)
from graph.queries.referrals import RECORD_STATUSES
from graph.referral_lifecycle import (
    MOVES,
    OPEN_STATUSES,
    REFERRAL_TIE_CAP,
    REFERRAL_TIE_STRENGTHS,
    ReferralStatus,
    referral_tie_strength,
)
from graph.store import cypher, embedded, projection
from graph.store.neo4j import REFERRAL_TIE_PARAMETERS
from graph.store.ports import Stats

# -- relation types and node kinds -----------------------------------------------------


def test_the_projection_has_a_type_set_for_every_relation_type():
    assert set(projection._ONE_TYPE) == set(RelationType)
    assert all(types == {kind} for kind, types in projection._ONE_TYPE.items())


def test_the_embedded_store_reads_every_relation_type_by_name():
    assert set(embedded._RELATION_TYPE_NAMED.values()) == set(RelationType)
    assert all(name == kind.value for name, kind in embedded._RELATION_TYPE_NAMED.items())


def test_stats_count_every_kind_and_type():
    stats = Stats.of({}, {}, {})
    assert set(stats.nodes) == {kind.value for kind in NodeKind}
    assert set(stats.relations) == {kind.value for kind in RelationType}
    assert set(stats.derived_relations) == {kind.value for kind in DERIVED_TYPES}


def test_the_cypher_statements_cover_every_kind_and_type():
    for kind in NodeKind:
        assert cypher.label(kind) in cypher.STATS
        assert cypher.label(kind) in cypher.NODE_ELEMENTS
        assert cypher.label(kind) in cypher.GET_NODES
        assert cypher.label(kind) in cypher.BOUNDARY_RELATIONS
        assert cypher.label(kind) in cypher.SAMPLE_NODES
        assert any(cypher.label(kind) in s for s in cypher.schema_statements())
    for relation_type in RelationType:
        assert cypher.rel_type(relation_type) in cypher.STATS
        assert cypher.rel_type(relation_type) in cypher.RELATION_TYPES
    assert cypher.INTRODUCTION_TIE_NAMES == [
        *(kind.value for kind in INTRODUCTION_TIE_TYPES),
        cypher.REFERRAL_TIE_NAME,
    ]


# -- referral statuses -----------------------------------------------------------------


def test_the_moves_reach_every_status_from_the_request():
    reached = {ReferralStatus.REQUESTED}
    while True:
        more = {to for (start, to) in MOVES if start in reached} - reached
        if not more:
            break
        reached |= more
    assert reached == set(ReferralStatus)


def test_the_open_statuses_are_those_with_a_move_out():
    assert OPEN_STATUSES == {start for start, _ in MOVES}


def test_a_centres_record_counts_every_closed_status_but_a_cancellation():
    closed = set(ReferralStatus) - OPEN_STATUSES
    assert RECORD_STATUSES == closed - {ReferralStatus.CANCELLED}


def test_the_neo4j_store_names_the_completed_status():
    assert ReferralStatus(REFERRAL_TIE_PARAMETERS["completed"]) is ReferralStatus.COMPLETED


# -- the referral tie curve ------------------------------------------------------------


def test_the_curve_table_rises_to_the_cap():
    assert REFERRAL_TIE_STRENGTHS[-1] == REFERRAL_TIE_CAP
    assert all(a < b for a, b in pairwise(REFERRAL_TIE_STRENGTHS))
    assert REFERRAL_TIE_PARAMETERS["strengths"] == list(REFERRAL_TIE_STRENGTHS)


def test_the_curve_table_gives_the_curve_for_any_count():
    strengths = REFERRAL_TIE_STRENGTHS

    def as_cypher_reads_it(n: int) -> float:
        # coalesce($strengths[n - 1], $strengths[-1]): null past the end
        return strengths[n - 1] if n - 1 < len(strengths) else strengths[-1]

    for completed in range(1, 40):
        assert as_cypher_reads_it(completed) == referral_tie_strength(completed)
