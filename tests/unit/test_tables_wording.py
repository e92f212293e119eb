"""Tables that cannot drift: each table keyed by relation type, node kind, centre kind,
financier kind or asset category has one entry per member of the model's enum, so that a new
member fails here rather than as a KeyError at run time; and the weakness suggestions are
worded from facts alone, with no store."""

from __future__ import annotations

import pytest

from graph.japan import JSIC_DIVISIONS
from graph.model import (
    ACTOR_KINDS,
    ALLOWED_ENDPOINTS,
    AssetCategory,
    CentreKind,
    FinancierKind,
    Node,
    NodeKind,
    RelationType,
)
from graph.queries import weaknesses, wording

# -- the tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        (wording._DOES, set(RelationType)),
        (wording._DOES_ONE, set(RelationType)),
        (wording._KIND_WORDS, set(ACTOR_KINDS)),
        (wording._CENTRE_WORDS, set(CentreKind)),
        (wording._FINANCIER_WORDS, set(FinancierKind)),
        (weaknesses._TIE_TO, set(ACTOR_KINDS)),
        (weaknesses.FITTING_INDUSTRIES, set(AssetCategory)),
    ],
    ids=[
        "wording._DOES",
        "wording._DOES_ONE",
        "wording._KIND_WORDS",
        "wording._CENTRE_WORDS",
        "wording._FINANCIER_WORDS",
        "weaknesses._TIE_TO",
        "weaknesses.FITTING_INDUSTRIES",
    ],
)
def test_a_table_has_one_entry_per_member(table, keys):
    assert set(table) == keys


def test_a_partner_centre_ties_in_each_kind_by_a_relation_it_may_have_with_it():
    for kind, tie in weaknesses._TIE_TO.items():
        allowed = ALLOWED_ENDPOINTS[tie]
        assert (NodeKind.CENTRE, kind) in allowed or (kind, NodeKind.CENTRE) in allowed, kind


def test_every_fitting_industry_is_a_jsic_division():
    for divisions in weaknesses.FITTING_INDUSTRIES.values():
        assert set(divisions) <= set(JSIC_DIVISIONS)


# -- the suggestions, from facts alone ------------------------------------------------------

FIRM = Node("E1", NodeKind.ENTERPRISE, "Sakura\n  Works", {"prefecture": "14", "industry": "E"})
OTHER_FIRM = Node("E2", NodeKind.ENTERPRISE, "Kaga Lacquer", {"prefecture": "14", "industry": "M"})
CENTRE = Node("C1", NodeKind.CENTRE, "Kanagawa Centre", {"prefecture": "14", "capacity": 5})
FAR_CENTRE = Node("C2", NodeKind.CENTRE, "Saitama Centre", {"prefecture": "11"})
ASSET = Node("A1", NodeKind.ASSET, "Hakone Onsen", {"prefecture": "14", "category": "tourism"})


def test_room_says_how_full_a_centre_is():
    assert wording.room(wording.WithRoom(CENTRE, 3, 2)) == "it supports 3 of its capacity of 5"
    assert wording.room(wording.WithRoom(FAR_CENTRE, 7, None)) == (
        "it supports 7 enterprises and declares no capacity"
    )


def test_a_referral_names_the_centre_where_it_is_and_the_way_there():
    centre = wording.WithRoom(FAR_CENTRE, 1, None)
    assert wording.unsupported_refer(FIRM, centre, 2, [OTHER_FIRM]) == (
        "Ask Saitama Centre (C2, elsewhere in the Kanto block (Saitama)) to take Sakura Works "
        "on: it is 2 ties away (through Kaga Lacquer), and it supports 1 enterprises and "
        "declares no capacity."
    )
    assert "1 tie away (they already know each other)" in wording.unsupported_refer(
        FIRM, centre, 1, []
    )


def test_a_cut_vertex_names_three_ties_and_counts_the_rest():
    ties = [(RelationType.SUPPORTS, OTHER_FIRM)] * 5
    sentence = wording.cut_vertex_partner(CENTRE, 1, OTHER_FIRM, FAR_CENTRE, ties)
    assert sentence.startswith("Kanagawa Centre alone links 1 actor (for example Kaga Lacquer)")
    assert sentence.count("SUPPORTS Kaga Lacquer (E2)") == 3
    assert "(E2) and 2 more, so that no part depends on Kanagawa Centre alone." in sentence


def test_an_unused_asset_is_presented_to_firms_of_its_prefecture():
    assert wording.unused_match(ASSET, "tourism", [OTHER_FIRM]) == (
        "No enterprise uses Hakone Onsen: present it to Kaga Lacquer (E2, accommodations, "
        "eating and drinking services), in Kanagawa and in an industry that fits tourism assets."
    )
    nowhere = Node("A2", NodeKind.ASSET, "Somewhere", {"category": "tourism"})
    assert wording.unused_without_industry(nowhere, "tourism", ("M", "N")) == (
        "No enterprise of the prefecture works in an industry that fits tourism assets (M, N)."
    )
