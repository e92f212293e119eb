"""Referrals on every backend: the lifecycle, idempotency, a guarded move under concurrency,
persistence and export, and the candidate set."""

from __future__ import annotations

import threading
from itertools import product

import pytest

from graph.errors import Conflict, Forbidden, InvalidArgument, NotFound
from graph.loaders import export_dataset, load_dataset
from graph.queries.referrals import (
    Caller,
    candidates,
    create_referral,
    get_referral,
    list_referrals,
    move_referral,
)
from graph.referrals import MOVES, Party, ReferralStatus
from tests.conftest import write_dataset

SENDER = Caller("tokyo-key", centre="C1")
RECEIVER = Caller("ishikawa-key", centre="C2")
OUTSIDER = Caller("okinawa-key", centre="C3")
ADMIN = Caller("root", admin=True)
ANALYST = Caller("reader")

#: One way to reach each status from requested, by the receiver (cancelled by the sender).
PATHS = {
    ReferralStatus.REQUESTED: [],
    ReferralStatus.ACCEPTED: ["accepted"],
    ReferralStatus.REJECTED: ["rejected"],
    ReferralStatus.IN_PROGRESS: ["accepted", "in_progress"],
    ReferralStatus.COMPLETED: ["accepted", "in_progress", "completed"],
    ReferralStatus.FAILED: ["accepted", "in_progress", "failed"],
    ReferralStatus.CANCELLED: ["cancelled"],
}


@pytest.fixture
def network(store, small_dataset, tmp_path):
    load_dataset(small_dataset, store)
    extra = write_dataset(
        tmp_path / "okinawa",
        {
            "centres.csv": [["C3", "Okinawa Centre", "47", "other", "5"]],
            "specialists.csv": [["S3", "Higa Mio", "consultant", "export;tourism", "47"]],
            "relations.csv": [["S3", "AFFILIATED_WITH", "C3", "", ""]],
        },
    )
    load_dataset(extra, store)
    return store


def _walk(store, referral_id, statuses):
    for status in statuses:
        who = SENDER if status == "cancelled" else RECEIVER
        move_referral(store, who, referral_id, status, reason="because", outcome="done")


def _new(store, key=None, **fields):
    values = {
        "enterprise": "E3",
        "to_centre": "C2",
        "need": "intellectual_property",
        "note": "needs a patent search",
    } | fields
    return create_referral(store, SENDER, request_key=key, **values)


def test_create_and_read_back(network):
    referral, created = _new(network)
    assert created
    assert referral.status is ReferralStatus.REQUESTED
    assert (referral.from_centre, referral.to_centre, referral.enterprise) == ("C1", "C2", "E3")
    assert [e.status for e in referral.history] == [ReferralStatus.REQUESTED]
    assert referral.history[0].by == "C1 (key tokyo-key)"
    assert get_referral(network, RECEIVER, referral.id) == referral
    assert get_referral(network, ADMIN, referral.id) == referral
    for stranger in (OUTSIDER, ANALYST):
        with pytest.raises(NotFound):
            get_referral(network, stranger, referral.id)


def test_inbox_and_outbox_newest_first(network):
    first, _ = _new(network)
    second, _ = _new(network, need="export")
    assert [r.id for r in list_referrals(network, SENDER, "outbox")] == [second.id, first.id]
    assert list_referrals(network, SENDER, "inbox") == []
    assert [r.id for r in list_referrals(network, RECEIVER, "inbox")] == [second.id, first.id]
    assert list_referrals(network, OUTSIDER, "inbox") == []
    assert len(list_referrals(network, ADMIN)) == 2
    with pytest.raises(Forbidden):
        list_referrals(network, SENDER, "inbox", centre="C2")


@pytest.mark.parametrize(("start", "target"), list(product(ReferralStatus, ReferralStatus)))
def test_every_move_is_allowed_or_refused_by_the_table(network, start, target):
    referral, _ = _new(network)
    _walk(network, referral.id, PATHS[start])
    move = MOVES.get((start, target))
    who = SENDER if move is None or move.party is Party.SENDER else RECEIVER
    if move is None:
        with pytest.raises(Conflict):
            move_referral(network, who, referral.id, target.value, reason="r", outcome="o")
        assert get_referral(network, ADMIN, referral.id).status is start
        return
    moved = move_referral(network, who, referral.id, target.value, reason="r", outcome="o")
    assert moved.status is target
    stored = get_referral(network, ADMIN, referral.id)
    assert stored.status is target
    assert len(stored.history) == len(PATHS[start]) + 2
    assert stored.history[-1].previous is start
    assert stored.history[-1].by == who.signature


@pytest.mark.parametrize(("start", "target"), [k for k, m in MOVES.items()])
def test_the_other_centre_may_not_make_a_move(network, start, target):
    referral, _ = _new(network)
    _walk(network, referral.id, PATHS[start])
    wrong = RECEIVER if MOVES[(start, target)].party is Party.SENDER else SENDER
    with pytest.raises(Forbidden):
        move_referral(network, wrong, referral.id, target.value, reason="r", outcome="o")
    with pytest.raises(NotFound):
        move_referral(network, OUTSIDER, referral.id, target.value, reason="r", outcome="o")
    assert get_referral(network, ADMIN, referral.id).status is start
    # an admin may act for either centre
    assert (
        move_referral(network, ADMIN, referral.id, target.value, reason="r", outcome="o").status
        is target
    )


@pytest.mark.parametrize(
    ("start", "target", "missing"),
    [(s, t, "reason") for (s, t), m in MOVES.items() if m.needs_reason]
    + [(s, t, "outcome") for (s, t), m in MOVES.items() if m.needs_outcome],
)
def test_moves_without_their_reason_or_outcome_are_refused(network, start, target, missing):
    referral, _ = _new(network)
    _walk(network, referral.id, PATHS[start])
    who = SENDER if MOVES[(start, target)].party is Party.SENDER else RECEIVER
    given = {"reason": "r", "outcome": "o", missing: "   "}
    with pytest.raises(InvalidArgument, match=f"needs an? {missing}"):
        move_referral(network, who, referral.id, target.value, **given)
    assert get_referral(network, ADMIN, referral.id).status is start


def test_an_unknown_status_is_invalid(network):
    referral, _ = _new(network)
    with pytest.raises(InvalidArgument):
        move_referral(network, RECEIVER, referral.id, "done")


def test_the_same_idempotency_key_returns_the_first_referral(network):
    first, created = _new(network, key="retry-1")
    again, created_again = _new(network, key="retry-1")
    assert created and not created_again
    assert again == first
    other, created_other = _new(network, key="retry-2")
    assert created_other and other.id != first.id
    with pytest.raises(Conflict, match="different referral"):
        _new(network, key="retry-1", need="export")
    assert len(list_referrals(network, SENDER, "outbox")) == 2


def test_bad_referrals_are_refused(network):
    with pytest.raises(InvalidArgument, match="expertise"):
        _new(network, need="magic")
    with pytest.raises(NotFound):
        _new(network, to_centre="C404")
    with pytest.raises(InvalidArgument, match="not a Centre"):
        _new(network, to_centre="E1")
    with pytest.raises(InvalidArgument, match="itself"):
        _new(network, to_centre="C1")
    with pytest.raises(InvalidArgument, match="from_centre"):
        create_referral(network, ADMIN, "E3", "C2", "export")
    with pytest.raises(Forbidden):
        create_referral(network, SENDER, "E3", "C2", "export", from_centre="C3")
    assert list_referrals(network, ADMIN) == []


def test_concurrent_moves_give_one_winner(network):
    referral, _ = _new(network)
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def attempt(status: str) -> None:
        barrier.wait()
        try:
            move_referral(network, RECEIVER, referral.id, status, reason="busy")
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(s,)) for s in ["accepted", "rejected"] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["won"]
    stored = get_referral(network, ADMIN, referral.id)
    assert len(stored.history) == 2
    assert stored.status in (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED)


def test_referrals_survive_a_restart_and_an_export(network, open_again, tmp_path, embedded_store):
    done, _ = _new(network, key="k1")
    _walk(network, done.id, PATHS[ReferralStatus.COMPLETED])
    open_one, _ = _new(network, need="export")
    before = sorted(list_referrals(network, ADMIN), key=lambda r: r.id)
    network.close()
    again = open_again()
    assert sorted(list_referrals(again, ADMIN), key=lambda r: r.id) == before
    completed = get_referral(again, ADMIN, done.id)
    assert completed.outcome == "done"
    assert [e.status.value for e in completed.history] == [
        "requested",
        "accepted",
        "in_progress",
        "completed",
    ]
    export_dataset(again, tmp_path / "out")
    load_dataset(tmp_path / "out", embedded_store)
    assert sorted(list_referrals(embedded_store, ADMIN), key=lambda r: r.id) == before
    # loading the export again changes nothing
    load_dataset(tmp_path / "out", again)
    assert sorted(list_referrals(again, ADMIN), key=lambda r: r.id) == before
    # and the idempotency key still holds after the round trip
    assert _new(embedded_store, key="k1")[0].id == done.id


def test_a_referral_row_naming_a_missing_centre_is_refused(network, tmp_path):
    referral, _ = _new(network)
    export_dataset(network, tmp_path / "out")
    text = (tmp_path / "out" / "referrals.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "referrals.csv").write_text(text.replace(",C2,", ",C9,"), encoding="utf-8")
    from graph.errors import DatasetInvalid

    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(bad, network)
    assert str(caught.value.problems[0]).startswith("referrals.csv:2: to_centre: no node")
    assert get_referral(network, ADMIN, referral.id).to_centre == "C2"


def test_candidates_are_exactly_the_centres_with_the_expertise(network):
    found = candidates(network, SENDER, "E3", "intellectual_property")
    assert [c.centre.id for c in found] == ["C2"]
    assert found[0].specialists == ["S2"]
    assert len(found[0].reasons) >= 4
    # the caller's own centre is left out; others see it
    assert [c.centre.id for c in candidates(network, ANALYST, "E1", "finance")] == ["C1"]
    assert candidates(network, SENDER, "E1", "finance") == []
    # export: the Okinawa centre only; tourism also
    assert [c.centre.id for c in candidates(network, SENDER, "E4", "export")] == ["C3"]
    assert candidates(network, SENDER, "E4", "hr") == []
    with pytest.raises(InvalidArgument):
        candidates(network, SENDER, "E4", "magic")
    with pytest.raises(NotFound):
        candidates(network, SENDER, "E404", "export")
    with pytest.raises(InvalidArgument):
        candidates(network, SENDER, "C2", "export")


def test_candidate_scores_follow_closeness_and_load(network, tmp_path):
    more = write_dataset(
        tmp_path / "more",
        {
            "specialists.csv": [
                ["S4", "Mori Aoi", "patent_attorney", "intellectual_property", "13"]
            ],
            "relations.csv": [["S4", "AFFILIATED_WITH", "C3", "", ""]],
        },
    )
    load_dataset(more, network)
    # E3 is in Ishikawa (17): C2 is in the prefecture, C3 (Okinawa) is far away
    found = candidates(network, ANALYST, "E3", "intellectual_property")
    assert [c.centre.id for c in found] == ["C2", "C3"]
    assert found[0].parts["closeness"] == 1.0 and found[1].parts["closeness"] == 0.2
    # open referrals take C3's places: 5 places, 5 open referrals, no room left
    for _ in range(5):
        create_referral(network, SENDER, "E3", "C3", "intellectual_property")
    squeezed = {c.centre.id: c for c in candidates(network, ANALYST, "E3", "intellectual_property")}
    assert squeezed["C3"].parts["capacity"] == 0.0
    assert "0 of 5 places free (5 open referrals)" in squeezed["C3"].reasons


# -- completed referrals are ties for introductions -----------------------------------


def _c1_c2_step(store):
    from graph.queries.introductions import introduction_paths

    paths = introduction_paths(store, "C1", "C2", k=1, max_hops=1)
    assert len(paths) == 1
    return paths[0].steps[0].relation


def _complete(store):
    referral, _ = _new(store)
    _walk(store, referral.id, PATHS[ReferralStatus.COMPLETED])
    return referral


def test_completed_referrals_grow_a_tie_between_the_centres(network, open_again):
    # the dataset's collaboration between the two centres has strength 0.4
    assert _c1_c2_step(network).strength == 0.4
    open_one, _ = _new(network, need="export")
    assert _c1_c2_step(network).strength == 0.4  # open referrals do not count
    _complete(network)
    tie = _c1_c2_step(network)
    assert (tie.source, tie.type.value, tie.target, tie.strength) == (
        "C1",
        "COLLABORATES_WITH",
        "C2",
        0.75,
    )
    _complete(network)
    assert _c1_c2_step(network).strength == 0.875
    # the tie is derived: not a relation of the dataset, not counted, not exported
    assert network.stats().relations["COLLABORATES_WITH"] == 2
    assert ("C1", "COLLABORATES_WITH", "C2") in {t.key for t in network.ties("C1")}
    assert [t.strength for t in network.ties("C1") if t.target == "C2"] == [0.4]
    network.close()
    again = open_again()
    assert _c1_c2_step(again).strength == 0.875


def test_a_referral_tie_can_carry_a_longer_path(network):
    from graph.queries.introductions import introduction_paths

    # C3 is tied to nothing but its specialist S3; after a completed referral C2 -> C3,
    # Okinawa's centre is reachable from Tokyo through Ishikawa
    assert introduction_paths(network, "C1", "C3", k=3, max_hops=4) == []
    referral, _ = create_referral(network, RECEIVER, "E3", "C3", "export")
    _walk_as = [("accepted", OUTSIDER), ("in_progress", OUTSIDER), ("completed", OUTSIDER)]
    for status, who in _walk_as:
        move_referral(network, who, referral.id, status, outcome="shipped")
    paths = introduction_paths(network, "C1", "C3", k=3, max_hops=4)
    assert [tuple(n.id for n in p.nodes) for p in paths][0] == ("C1", "C2", "C3")
    assert paths[0].score == pytest.approx(0.4 * 0.75, abs=1e-12)
