"""Referrals on every backend: the lifecycle, idempotency, a guarded move under concurrency,
persistence and export, and the candidate set."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from itertools import product

import pytest

from graph.errors import Conflict, Forbidden, InvalidArgument, NotFound
from graph.loaders import export_dataset, load_dataset
from graph.model import Node, NodeKind, Relation, RelationType
from graph.queries.referrals import (
    Caller,
    candidates,
    create_referral,
    get_referral,
    list_referrals,
    move_referral,
)
from graph.referral_lifecycle import MOVES, Party, ReferralStatus
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
    other, created_other = _new(network, key="retry-2", allow_duplicate=True)
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
        create_referral(network, SENDER, "E3", "C3", "intellectual_property", allow_duplicate=True)
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


def test_completed_referrals_are_derived_ties_apart_from_the_dataset(network):
    from graph.model import Relation, RelationType
    from graph.valid_time import today

    assert network.derived_ties("C1") == []
    assert network.stats().derived_relations == {"COLLABORATES_WITH": 0}
    _new(network, need="export")  # open: no tie yet
    assert network.derived_ties("C1") == []
    _complete(network)
    day = today()  # the day the referrals complete: the derived tie holds since then
    one = [Relation("C1", RelationType.COLLABORATES_WITH, "C2", 0.75, day)]
    assert network.derived_ties("C1") == one
    assert network.derived_ties("C2") == one
    assert network.stats().derived_relations == {"COLLABORATES_WITH": 1}
    _complete(network)
    referral, _ = create_referral(network, RECEIVER, "E3", "C3", "export")
    for status in ("accepted", "in_progress", "completed"):
        move_referral(network, OUTSIDER, referral.id, status, outcome="shipped")
    assert network.derived_ties("C2") == [
        Relation("C1", RelationType.COLLABORATES_WITH, "C2", 0.875, day),
        Relation("C2", RelationType.COLLABORATES_WITH, "C3", 0.75, day),
    ]
    assert network.derived_ties("C3") == [
        Relation("C2", RelationType.COLLABORATES_WITH, "C3", 0.75, day)
    ]
    stats = network.stats()
    assert stats.derived_relations == {"COLLABORATES_WITH": 2}
    # the dataset's own relations are counted as before, and ties() holds only them
    assert stats.relations["COLLABORATES_WITH"] == 2
    assert "C3" not in {t.source for t in network.ties("C2")} | {
        t.target for t in network.ties("C2")
    }
    assert network.derived_ties("E3") == []
    assert network.derived_ties("nope") == []


def _referral_rows(store, folder):
    """The rows of an export's referrals.csv: the header, then each referral by id."""
    import csv

    export_dataset(store, folder)
    with (folder / "referrals.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], {row[0]: row for row in rows[1:]}


def _write_referrals(folder, header, rows):
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "referrals.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return folder


def test_a_referral_row_cannot_take_another_referrals_request_key(network, tmp_path):
    from graph.errors import DatasetInvalid

    first, _ = _new(network, key="k1")
    second, _ = _new(network, key="k2", need="export")
    header, rows = _referral_rows(network, tmp_path / "out")
    key = header.index("request_key")
    before = sorted(list_referrals(network, ADMIN), key=lambda r: r.id)

    # another id with the stored referral's sender and key
    taken = list(rows[second.id])
    taken[key] = "k1"
    # and two new referrals of one file with the same sender and key
    new_one = [*rows[second.id]]
    new_one[0], new_one[key] = "R-new-1", "k9"
    new_two = [*new_one]
    new_two[0] = "R-new-2"
    bad = _write_referrals(tmp_path / "bad", header, [taken, new_one, new_two])
    with pytest.raises(DatasetInvalid) as caught:
        load_dataset(bad, network)
    assert [str(p) for p in caught.value.problems] == [
        f"referrals.csv:2: request_key: 'k1' of centre C1 is already the request key of "
        f"referral {first.id} in the store: a request key names one referral of its sender",
        "referrals.csv:4: request_key: 'k9' of centre C1 is already the request key of "
        "referral R-new-1 at referrals.csv:3: a request key names one referral of its sender",
    ]
    assert sorted(list_referrals(network, ADMIN), key=lambda r: r.id) == before

    # skipping invalid rows: the valid new one is written, nothing is replaced
    load_dataset(bad, network, skip_invalid=True)
    after = {r.id: r for r in list_referrals(network, ADMIN)}
    assert set(after) == {first.id, second.id, "R-new-1"}
    assert after[first.id] == before[[r.id for r in before].index(first.id)]
    assert after[second.id].request_key == "k2"

    # the same id with its own key is an update
    same = list(rows[first.id])
    same[header.index("note")] = "updated by a load"
    load_dataset(_write_referrals(tmp_path / "same", header, [same]), network)
    assert get_referral(network, ADMIN, first.id).note == "updated by a load"


def test_a_store_write_never_replaces_a_referral_by_its_request_key(network):
    from dataclasses import replace

    first, _ = _new(network, key="k1")
    with pytest.raises(
        Conflict, match=f"request key 'k1' of centre C1 is already referral {first.id}"
    ):
        with network.transaction() as tx:
            tx.upsert_referrals([replace(first, id="R-other", note="a thief")])
    assert [r.id for r in list_referrals(network, ADMIN)] == [first.id]
    assert get_referral(network, ADMIN, first.id) == first


# -- one open referral of an enterprise for a need, and the order of candidates ---------


def test_an_open_referral_is_not_sent_twice_unless_intended(network):
    first, _ = _new(network, key="first")
    for changes in ({}, {"to_centre": "C3"}, {"note": "another note"}):
        with pytest.raises(Conflict, match=f"referral {first.id} of E3 .* still open") as refused:
            _new(network, **changes)
        assert "(requested)" in str(refused.value) and "allow_duplicate" in str(refused.value)
    # a retry with the same key is the same referral, not a conflict
    assert _new(network, key="first") == (first, False)
    # another need, another enterprise, another sending centre: no conflict
    assert _new(network, need="export")[1]
    assert _new(network, enterprise="E4")[1]
    other, created = create_referral(network, OUTSIDER, "E3", "C2", "intellectual_property")
    assert created and other.from_centre == "C3"
    # intended: a second one
    second, created = _new(network, to_centre="C3", allow_duplicate=True)
    assert created and second.id != first.id
    assert len(list_referrals(network, SENDER, "outbox")) == 4
    # still open once accepted or in progress, named by the oldest
    _walk(network, first.id, ["accepted", "in_progress"])
    with pytest.raises(Conflict, match=f"referral {first.id} .*\\(in_progress\\)"):
        _new(network)
    # once both are closed, the enterprise can be referred for the need again
    _walk(network, first.id, ["completed"])
    move_referral(network, SENDER, second.id, "cancelled", reason="sent twice")
    assert _new(network)[1]


def test_the_open_referrals_a_centre_sent_about_an_enterprise_for_a_need(network):
    first, _ = _new(network)
    second, _ = _new(network, to_centre="C3", allow_duplicate=True)
    _new(network, need="export")
    _new(network, enterprise="E4")
    create_referral(network, OUTSIDER, "E3", "C2", "intellectual_property")
    sent = network.open_referrals_sent("C1", "E3", "intellectual_property")
    assert [r.id for r in sent] == [first.id, second.id]  # oldest first
    assert sent[0] == get_referral(network, ADMIN, first.id)
    _walk(network, first.id, ["accepted", "in_progress"])
    assert [r.id for r in network.open_referrals_sent("C1", "E3", "intellectual_property")] == [
        first.id,
        second.id,
    ]
    _walk(network, first.id, ["completed"])
    move_referral(network, SENDER, second.id, "cancelled", reason="sent twice")
    assert network.open_referrals_sent("C1", "E3", "intellectual_property") == []
    assert [r.need for r in network.open_referrals_sent("C1", "E3", "export")] == ["export"]
    assert network.open_referrals_sent("C2", "E3", "intellectual_property") == []


def test_candidates_that_tie_on_score_go_by_place_then_places_free_then_id(network, tmp_path):
    """E3 is in Ishikawa (Chubu). C9 (Ishikawa, 3 of 5 free), CZ (Ishikawa, 6 of 10 free) and
    C8 (Toyama, 5 of 5 free) score the same: closeness and spare capacity trade off."""
    more = write_dataset(
        tmp_path / "ties",
        {
            "centres.csv": [
                ["C9", "Kanazawa Desk", "17", "other", "5"],
                ["CZ", "Komatsu Desk", "17", "other", "10"],
                ["C8", "Toyama Desk", "16", "other", "5"],
                ["C7", "Sapporo Desk", "01", "other", "5"],
            ],
            "specialists.csv": [
                [f"S{c}", f"Patent {c}", "patent_attorney", "intellectual_property", ""]
                for c in ("C9", "CZ", "C8", "C7")
            ],
            "relations.csv": [
                [f"S{c}", "AFFILIATED_WITH", c, "", ""] for c in ("C9", "CZ", "C8", "C7")
            ],
        },
    )
    load_dataset(more, network)
    for centre, count in (("C9", 2), ("CZ", 4)):
        for _ in range(count):
            create_referral(
                network, SENDER, "E1", centre, "intellectual_property", allow_duplicate=True
            )
    found = candidates(network, ANALYST, "E3", "intellectual_property")
    assert [c.centre.id for c in found] == ["CZ", "C9", "C8", "C2", "C7"]
    assert found[0].score == found[1].score == found[2].score == 0.5917  # shown rounded
    assert found[0].parts == {
        "expertise": 0.3333,
        "capacity": 0.6,
        "closeness": 1.0,
        "record": 0.5,
    }
    reasons = {c.centre.id: c.reasons for c in found}
    assert "in the enterprise's prefecture (Ishikawa)" in reasons["C9"]
    assert "in Toyama, in the Chubu block of the enterprise (Ishikawa)" in reasons["C8"]
    assert "in Hokkaido, outside the Chubu block of the enterprise (Ishikawa)" in reasons["C7"]


def test_candidates_and_counts_follow_writes_of_specialists_and_ties(network):
    """What the stores keep between questions (the centres by expertise, node counts) is
    current after a write of nodes or relations, and a node written again counts once."""
    assert candidates(network, SENDER, "E1", "hr") == []
    before = network.stats().nodes["Specialist"]
    hr = Node(
        "S9", NodeKind.SPECIALIST, "Mori Aya", {"background": "consultant", "expertise": ["hr"]}
    )
    with network.transaction() as writer:
        writer.upsert_nodes([hr])
    assert network.stats().nodes["Specialist"] == before + 1
    assert candidates(network, SENDER, "E1", "hr") == []  # not affiliated yet
    with network.transaction() as writer:
        writer.upsert_nodes([hr])
        writer.upsert_relations([Relation("S9", RelationType.AFFILIATED_WITH, "C2", 0.5, None)])
    assert network.stats().nodes["Specialist"] == before + 1
    assert [(c.centre.id, c.specialists) for c in candidates(network, SENDER, "E1", "hr")] == [
        ("C2", ["S9"])
    ]


def test_referrals_completed_together_bring_a_centre_closer(network):
    """Closeness grows by 0.1 for each referral completed between the caller's centre and the
    candidate, and only for the caller whose centre it was. (C2 is outside E1's block and
    collaborates with C1: 0.2 + 0.2 before.)"""

    def closeness(caller):
        [found] = candidates(network, caller, "E1", "intellectual_property")
        return found.parts["closeness"], found.reasons

    assert closeness(SENDER)[0] == pytest.approx(0.4)
    _complete(network)
    _complete(network)
    after, reasons = closeness(SENDER)
    assert after == pytest.approx(0.6)
    assert "2 earlier referral(s) completed with your centre" in reasons
    assert closeness(ANALYST)[0] == pytest.approx(0.2)


def test_the_store_sums_up_received_referrals_and_completions_as_the_referrals_say(network):
    """What candidates are ranked on, summed up by the store, equals the same figures worked
    out here from the whole referrals: per receiving centre the count at each status and the
    hours each accepted one waited; per centre the referrals completed with each other one,
    whichever sent them."""
    for steps in PATHS.values():
        referral, _created = _new(network, allow_duplicate=True)  # C1 to C2
        _walk(network, referral.id, steps)
    back, _created = create_referral(
        network, RECEIVER, "E3", "C1", "intellectual_property", allow_duplicate=True
    )
    for status in PATHS[ReferralStatus.COMPLETED]:
        move_referral(network, SENDER, back.id, status, outcome="done")
    referrals = network.list_referrals()
    centres = ["C1", "C2", "C3", "C404"]
    records = network.received_records(centres)
    assert set(records) == set(centres)
    for centre in centres:
        received = [r for r in referrals if r.to_centre == centre]
        assert dict(records[centre].statuses) == dict(Counter(r.status for r in received))
        waited = []
        for r in received:
            accepted = [e.at for e in r.history if e.status is ReferralStatus.ACCEPTED]
            if accepted:
                delta = datetime.fromisoformat(accepted[0]) - datetime.fromisoformat(r.created_at)
                waited.append(delta.total_seconds() / 3600)
        assert sorted(records[centre].accept_hours) == pytest.approx(sorted(waited))
    assert records["C2"].count(ReferralStatus) == len(PATHS)
    assert len(records["C2"].accept_hours) == 4  # accepted, in progress, completed, failed
    assert records["C1"].statuses == {ReferralStatus.COMPLETED: 1}
    assert records["C404"].statuses == {} and records["C404"].accept_hours == ()
    assert network.completed_with("C1") == {"C2": 2}
    assert network.completed_with("C2") == {"C1": 2}
    assert network.completed_with("C3") == {}
