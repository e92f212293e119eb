"""How an introduction path is put in words: pure phrasing, no store."""

from __future__ import annotations

import pytest

from graph.model import INTRODUCTION_TIE_TYPES, Node, NodeKind, Relation, RelationType
from graph.queries.introductions import Step
from graph.queries.wording import explain

FIRM = Node("E1", NodeKind.ENTERPRISE, "山田製作所")
PARTNER = Node("E2", NodeKind.ENTERPRISE, "Sakura\nFoods")
THIRD = Node("E3", NodeKind.ENTERPRISE, "Kaga Lacquer")
CHAMBER = Node("C1", NodeKind.CENTRE, "Tokyo Chamber of Commerce", {"kind": "chamber_of_commerce"})
OTHER_CENTRE = Node("C2", NodeKind.CENTRE, "Ishikawa Centre", {"kind": "prefectural_centre"})
GUARANTOR = Node(
    "F1",
    NodeKind.FINANCIER,
    "Tokyo Credit Guarantee Corporation",
    {"kind": "credit_guarantee_corporation"},
)
BANK = Node("F2", NodeKind.FINANCIER, "Hokuriku Bank", {"kind": "regional_bank"})
SATO = Node("S1", NodeKind.SPECIALIST, "Sato Hanako", {"background": "banker"})


def rel(source: Node, kind: RelationType, target: Node, strength: float = 0.5) -> Relation:
    return Relation(source.id, kind, target.id, strength)


def steps(*hops: tuple[Node, Relation, Node]) -> list[Step]:
    return [Step(origin, destination, relation) for origin, relation, destination in hops]


def test_one_tie_says_they_already_work_together():
    path = steps((FIRM, rel(FIRM, RelationType.TRADES_WITH, PARTNER), PARTNER))
    assert explain(path) == (
        "山田製作所 and Sakura Foods already work together (TRADES_WITH): contact them directly."
    )


def test_a_specialist_is_introduced_by_affiliation_and_former_employer():
    path = steps(
        (FIRM, rel(SATO, RelationType.ADVISES, FIRM), SATO),
        (SATO, rel(SATO, RelationType.WORKED_AT, GUARANTOR), GUARANTOR),
    )
    background = [
        (rel(SATO, RelationType.AFFILIATED_WITH, CHAMBER), CHAMBER),
        (rel(SATO, RelationType.WORKED_AT, GUARANTOR), GUARANTOR),
    ]
    assert explain(path, background) == (
        "Ask Sato Hanako (a specialist of Tokyo Chamber of Commerce, formerly at Tokyo Credit "
        "Guarantee Corporation) to introduce 山田製作所 to Tokyo Credit Guarantee Corporation: "
        "they advise the firm and worked at the guarantee corporation."
    )


def test_a_specialist_without_background_is_just_a_specialist():
    path = steps(
        (GUARANTOR, rel(SATO, RelationType.WORKED_AT, GUARANTOR), SATO),
        (SATO, rel(SATO, RelationType.ADVISES, FIRM), FIRM),
    )
    assert explain(path) == (
        "Ask Sato Hanako (a specialist) to introduce Tokyo Credit Guarantee Corporation to "
        "山田製作所: they worked at the guarantee corporation and advise the firm."
    )


def test_a_centre_that_supports_the_firm():
    path = steps(
        (FIRM, rel(CHAMBER, RelationType.SUPPORTS, FIRM), CHAMBER),
        (CHAMBER, rel(CHAMBER, RelationType.PARTNERS_WITH, GUARANTOR), GUARANTOR),
    )
    assert explain(path) == (
        "Ask Tokyo Chamber of Commerce (a chamber of commerce that supports 山田製作所) to "
        "introduce 山田製作所 to Tokyo Credit Guarantee Corporation: they support the firm and "
        "partner with the guarantee corporation."
    )


def test_a_bank_that_lends_to_the_firm():
    path = steps(
        (FIRM, rel(BANK, RelationType.LENDS_TO, FIRM), BANK),
        (BANK, rel(CHAMBER, RelationType.PARTNERS_WITH, BANK), CHAMBER),
    )
    assert explain(path) == (
        "Ask Hokuriku Bank (a regional bank that lends to 山田製作所) to introduce 山田製作所 to "
        "Tokyo Chamber of Commerce: they lend to the firm and partner with the chamber."
    )


def test_a_trade_partner_between_two_firms_names_both():
    path = steps(
        (FIRM, rel(FIRM, RelationType.TRADES_WITH, PARTNER), PARTNER),
        (PARTNER, rel(PARTNER, RelationType.COLLABORATES_WITH, THIRD), THIRD),
    )
    assert explain(path) == (
        "Ask Sakura Foods (a trade partner of 山田製作所) to introduce 山田製作所 to Kaga "
        "Lacquer: they trade with 山田製作所 and collaborate with Kaga Lacquer."
    )


def test_the_direction_of_a_tie_picks_the_verb():
    path = steps(
        (BANK, rel(BANK, RelationType.LENDS_TO, FIRM), FIRM),
        (FIRM, rel(OTHER_CENTRE, RelationType.SUPPORTS, FIRM), OTHER_CENTRE),
    )
    assert explain(path) == (
        "Ask 山田製作所 (a firm) to introduce Hokuriku Bank to Ishikawa Centre: they borrow from "
        "the bank and are supported by the centre."
    )


def test_a_longer_path_chains_the_introductions_and_gives_each_reason():
    path = steps(
        (THIRD, rel(SATO, RelationType.WORKED_AT, THIRD), SATO),
        (SATO, rel(SATO, RelationType.AFFILIATED_WITH, OTHER_CENTRE), OTHER_CENTRE),
        (OTHER_CENTRE, rel(OTHER_CENTRE, RelationType.COLLABORATES_WITH, CHAMBER), CHAMBER),
        (CHAMBER, rel(CHAMBER, RelationType.SUPPORTS, FIRM), FIRM),
    )
    background = [(rel(SATO, RelationType.AFFILIATED_WITH, OTHER_CENTRE), OTHER_CENTRE)]
    assert explain(path, background) == (
        "Ask Sato Hanako (a specialist of Ishikawa Centre) to introduce Kaga Lacquer to "
        "Ishikawa Centre, who can introduce them to Tokyo Chamber of Commerce, who can "
        "introduce them to 山田製作所: Sato Hanako worked at Kaga Lacquer and works with "
        "Ishikawa Centre; Ishikawa Centre collaborates with Tokyo Chamber of Commerce; Tokyo "
        "Chamber of Commerce supports 山田製作所."
    )


@pytest.mark.parametrize("kind", INTRODUCTION_TIE_TYPES)
def test_every_tie_type_has_words_both_ways(kind):
    a, b = Node("X", NodeKind.ENTERPRISE, "X"), Node("Y", NodeKind.ENTERPRISE, "Y")
    middle = Node("M", NodeKind.ENTERPRISE, "M")
    for there in (Relation("X", kind, "M"), Relation("M", kind, "X")):
        back = Relation("M", kind, "Y")
        sentence = explain(steps((a, there, middle), (middle, back, b)))
        assert sentence.startswith("Ask M (") and sentence.endswith(".")
        assert "None" not in sentence


def test_a_path_has_steps():
    with pytest.raises(ValueError):
        explain([])
