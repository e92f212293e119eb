"""Who may see which confidential ties: the pure model (:mod:`graph.visibility`) and what a
caller is entitled to on a store (:mod:`graph.queries.visibility`), on the embedded store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from graph.model import Node, NodeKind, Relation, RelationType
from graph.provenance import Attribution, relation_record
from graph.queries.referrals import Caller, create_referral, move_referral
from graph.queries.visibility import (
    HOLDING_STATUSES,
    entitled_enterprises,
    visibility_of,
    visible_ties,
)
from graph.referral_lifecycle import ReferralStatus
from graph.store.embedded import EmbeddedStore
from graph.valid_time import today
from graph.visibility import (
    CONSENT_YES,
    DEFAULT_CONFIDENTIAL_TYPES,
    EVERYTHING,
    Viewer,
    Visibility,
    confidential_types_from,
)

T = RelationType
TYPES = DEFAULT_CONFIDENTIAL_TYPES


def lends(bank: str, firm: str, strength: float = 0.5) -> Relation:
    return Relation(bank, T.LENDS_TO, firm, strength)


# -- confidential_types_from -------------------------------------------------------------


def test_the_confidential_types_default_to_financing_and_advice():
    assert confidential_types_from(None) == DEFAULT_CONFIDENTIAL_TYPES
    assert DEFAULT_CONFIDENTIAL_TYPES == {T.LENDS_TO, T.GUARANTEES, T.INVESTS_IN, T.ADVISES}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", frozenset()),
        (" , ,", frozenset()),
        ("LENDS_TO", frozenset({T.LENDS_TO})),
        (" lends_to ,Advises,, trades_with", frozenset({T.LENDS_TO, T.ADVISES, T.TRADES_WITH})),
    ],
)
def test_the_confidential_types_are_read_from_a_list(text, expected):
    assert confidential_types_from(text) == expected


def test_an_unknown_confidential_type_is_named():
    with pytest.raises(ValueError, match="'LOANS'") as raised:
        confidential_types_from("LENDS_TO, LOANS")
    assert "LENDS_TO" in str(raised.value)  # the known types are listed


# -- Visibility --------------------------------------------------------------------------


def test_who_is_restricted():
    assert not EVERYTHING.restricted
    assert not Visibility(types=TYPES, everything=True).restricted
    assert not Visibility(types=frozenset()).restricted  # nothing is confidential
    assert Visibility(types=TYPES).restricted
    assert Visibility(types=TYPES, enterprises=frozenset({"E1"}), contributor="C1").restricted


def test_entitlement_is_by_type_and_by_either_end():
    centre = Visibility(types=TYPES, enterprises=frozenset({"E1"}), contributor="C1")
    assert centre.entitled(Relation("E2", T.TRADES_WITH, "E3"))  # not confidential
    assert centre.entitled(lends("F1", "E1"))  # its enterprise is the target
    assert centre.entitled(Relation("E1", T.LENDS_TO, "F9"))  # or the source, whatever kind
    assert not centre.entitled(lends("F1", "E2"))
    assert not centre.entitled(Relation("S1", T.ADVISES, "E2"))
    assert EVERYTHING.entitled(lends("F1", "E2"))
    assert centre.confidential(lends("F1", "E2"))
    assert not centre.confidential(Relation("C1", T.SUPPORTS, "E2"))


def test_a_contributor_sees_what_it_asserted():
    centre = Visibility(types=TYPES, enterprises=frozenset({"E1"}), contributor="C1")
    hidden = lends("F1", "E2")
    assert not centre.sees(hidden)
    assert not centre.sees(hidden, asserted_by=("C2", "local"))
    assert centre.sees(hidden, asserted_by=("C2", "C1"))
    analyst = Visibility(types=TYPES)
    assert not analyst.sees(hidden, asserted_by=("C1",))


def test_whose_ties_a_caller_sees_whole():
    centre = Visibility(types=TYPES, enterprises=frozenset({"E1"}), contributor="C1")
    assert centre.sees_ties_of("E1")
    assert not centre.sees_ties_of("E2")
    assert EVERYTHING.sees_ties_of("E2")
    assert Visibility(types=frozenset()).sees_ties_of("E2")


def test_visible_keeps_the_order_and_asks_only_about_the_doubtful():
    centre = Visibility(types=TYPES, enterprises=frozenset({"E1"}), contributor="C1")
    relations = [
        lends("F1", "E2"),  # asserted by C1: shown
        Relation("E2", T.TRADES_WITH, "E3"),
        lends("F1", "E3"),  # asserted by others only: hidden
        lends("F2", "E1"),  # entitled
        Relation("S1", T.ADVISES, "E4"),  # nobody asserted it: hidden
    ]
    asked: list[list[Relation]] = []

    def asserted(doubtful: list[Relation]) -> dict[str, set[str]]:
        asked.append(doubtful)
        return {
            relation_record("F1", T.LENDS_TO, "E2"): {"C1", "local"},
            relation_record("F1", T.LENDS_TO, "E3"): {"C2"},
        }

    shown = centre.visible(relations, asserted)
    assert shown == [relations[0], relations[1], relations[3]]
    assert asked == [[relations[0], relations[2], relations[4]]]
    # without a way to read assertions every doubtful tie is hidden
    assert centre.visible(relations) == [relations[1], relations[3]]


def test_visible_reads_no_assertion_when_it_need_not():
    def never(doubtful: list[Relation]) -> dict[str, set[str]]:
        raise AssertionError("read assertions")

    relations = [lends("F1", "E2"), Relation("E2", T.TRADES_WITH, "E3")]
    assert EVERYTHING.visible(relations, never) == relations
    entitled = Visibility(types=TYPES, enterprises=frozenset({"E2"}), contributor="C1")
    assert entitled.visible(relations, never) == relations
    analyst = Visibility(types=TYPES)  # no contributor: assertions cannot help
    assert analyst.visible(relations, never) == [relations[1]]


def test_a_viewer_does_not_change_what_is_seen():
    one = Visibility(types=TYPES, contributor="C1", viewer=Viewer("k1", centre="C1"))
    other = Visibility(types=TYPES, contributor="C1", viewer=Viewer("k2", centre="C1"))
    assert one == other
    assert hash(one) == hash(other)


# -- on a store --------------------------------------------------------------------------


def days_from_today(days: int) -> str:
    return (date.fromisoformat(today()) + timedelta(days=days)).isoformat()


def enterprise(node_id: str, consent: str | None = None) -> Node:
    props: dict[str, object] = {"prefecture": "13"}
    if consent is not None:
        props["consent"] = consent
    return Node(node_id, NodeKind.ENTERPRISE, node_id, props)


@pytest.fixture
def network(tmp_path):
    """Centres C1 (the caller), C2, C3; enterprises E1..E8; a bank F1 lending to each."""
    with EmbeddedStore(tmp_path / "store", watch_seconds=None) as store:
        with store.transaction() as tx:
            tx.upsert_nodes(
                [Node(c, NodeKind.CENTRE, c, {"prefecture": "13"}) for c in ("C1", "C2", "C3")]
                + [Node("F1", NodeKind.FINANCIER, "Bank", {"prefecture": "13"})]
                + [
                    enterprise("E1"),
                    enterprise("E2"),
                    enterprise("E3", CONSENT_YES),
                    enterprise("E4", CONSENT_YES),
                    enterprise("E5", CONSENT_YES),
                    enterprise("E6", "no"),
                    enterprise("E7"),
                    enterprise("E8", CONSENT_YES),
                ]
            )
            tx.upsert_relations(
                [
                    # supported today; supported until yesterday; from tomorrow on
                    Relation("C1", T.SUPPORTS, "E1", 0.6),
                    Relation("C1", T.SUPPORTS, "E2", 0.6, "2001-01-01", days_from_today(0)),
                    Relation("C1", T.SUPPORTS, "E7", 0.6, days_from_today(1)),
                    # another centre's support
                    Relation("C2", T.SUPPORTS, "E8", 0.6),
                ]
                + [lends("F1", f"E{i}") for i in range(1, 9)]
            )
        yield store


def refer(store, enterprise_id: str, to_centre: str, steps: list[str]) -> None:
    sender = "C2" if to_centre != "C2" else "C3"
    referral, _ = create_referral(
        store, Caller(f"{sender}-key", centre=sender), enterprise_id, to_centre, "export"
    )
    receiver = Caller(f"{to_centre}-key", centre=to_centre)
    for status in steps:
        move_referral(store, receiver, referral.id, status, reason="because", outcome="done")


def test_holding_statuses_are_accepted_and_in_progress():
    assert HOLDING_STATUSES == {ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}


def test_a_centre_is_entitled_to_what_it_supports_today_and_holds_with_consent(network):
    assert entitled_enterprises(network, "C1") == {"E1"}  # E2 ended, E7 not yet
    refer(network, "E3", "C1", ["accepted"])  # consent: entitled
    refer(network, "E4", "C1", ["accepted", "in_progress"])  # consent: entitled
    refer(network, "E5", "C1", ["accepted", "in_progress", "completed"])  # held no more
    refer(network, "E6", "C1", ["accepted"])  # no consent
    refer(network, "E7", "C1", ["accepted"])  # no consent given at all
    refer(network, "E8", "C3", [])  # requested only, and to another centre
    assert entitled_enterprises(network, "C1") == {"E1", "E3", "E4"}
    # the sending centre is not entitled by its referral
    assert entitled_enterprises(network, "C2") == {"E8"}
    refer(network, "E5", "C3", ["accepted"])
    assert "E5" in entitled_enterprises(network, "C3")
    assert "E5" not in entitled_enterprises(network, "C1")


def test_a_requested_or_rejected_referral_entitles_nobody(network):
    refer(network, "E3", "C1", [])
    refer(network, "E4", "C1", ["rejected"])
    assert entitled_enterprises(network, "C1") == {"E1"}


def test_the_visibility_of_each_kind_of_viewer(network):
    refer(network, "E3", "C1", ["accepted"])
    admin = visibility_of(network, Viewer("root", admin=True), TYPES)
    assert admin.everything and not admin.restricted
    analyst = visibility_of(network, Viewer("reader"), TYPES)
    assert analyst.restricted
    assert analyst.enterprises == frozenset() and analyst.contributor is None
    centre = visibility_of(network, Viewer("tokyo", centre="C1"), TYPES)
    assert centre.restricted
    assert centre.enterprises == {"E1", "E3"}
    assert centre.contributor == "C1"
    assert centre.viewer == Viewer("tokyo", centre="C1")
    # nothing confidential: everyone sees everything
    assert not visibility_of(network, Viewer("reader"), frozenset()).restricted


def test_visible_ties_keep_what_the_contributor_asserted(network):
    centre = visibility_of(network, Viewer("tokyo", centre="C1"), TYPES)
    with network.transaction(Attribution(contributor="C1")) as tx:
        tx.upsert_relations([lends("F1", "E2", 0.7)])
    ties = network.ties("F1")
    shown = visible_ties(network, centre, ties, around="F1")
    assert {r.target for r in shown} == {"E1", "E2"}
    # past the count at which a node's every tie is read at once, the same answer
    with network.transaction() as tx:
        tx.upsert_nodes([enterprise(f"X{i}") for i in range(80)])
        tx.upsert_relations([lends("F1", f"X{i}") for i in range(80)])
    ties = network.ties("F1")
    assert len(ties) > 64
    shown = visible_ties(network, centre, ties, around="F1")
    assert {r.target for r in shown} == {"E1", "E2"}
    assert visible_ties(network, EVERYTHING, ties) == ties
