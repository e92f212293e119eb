"""Which centre should take a referral, and the referral's closed loop between two centres.

Every function takes the :class:`Caller` it acts for and enforces who may see and move what:
a referral is visible to its two centres and to admins only (anyone else gets NotFound, so
ids leak nothing); the receiving centre accepts, works on and closes it; the sending centre
may cancel it. The matching runs in the store (Cypher on Neo4j, NetworkX on the embedded
store); the score below is computed here, the same for both.

The candidate score, from 0 to 1, is a weighted sum of four parts, each with a reason:

- expertise (35%): affiliated specialists with the need, 1 for three or more;
- spare capacity (25%): places free (capacity minus open referrals received) over capacity;
  0.5 when the centre records no capacity;
- closeness (25%): 1 in the enterprise's prefecture, 0.6 in its regional block, 0.2 further;
  plus 0.2 for a ``COLLABORATES_WITH`` tie with the caller's centre and 0.1 for each earlier
  referral completed between the two centres (at most 0.3); at most 1 in all;
- record (15%): half the share of closed referrals it completed (rejected and failed count
  against it, cancelled ones not), half the speed of acceptance (1 / (1 + median hours /
  48)); 0.5 for a centre that has received none yet.

Candidates are ordered on the exact score; equal scores go to the centre nearer the
enterprise (its prefecture, then its regional block, then the rest), then to more places free
(a centre with no recorded capacity after those with a number), then to the smaller centre id.
The score and its parts are shown rounded (:func:`readable`).

While a referral of one enterprise for one need from one centre is open (requested, accepted
or in progress), that centre referring the same enterprise for the same need again, to any
centre, is a Conflict that names the open referral, unless the caller says it is intended
(``allow_duplicate``). Only the sending centre's own referrals count, so the answer never
reveals another centre's referral.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import statistics
from dataclasses import dataclass
from typing import NoReturn

from graph.errors import Conflict, Forbidden, InvalidArgument, NotFound
from graph.i18n import _
from graph.japan import SAME_BLOCK, SAME_PREFECTURE, block_of, nearness, prefecture_name
from graph.model import Expertise, Node, NodeKind, RelationType
from graph.names import block_name, expertise_name, status_name
from graph.queries.presence import node_on
from graph.queries.readable import readable
from graph.queries.visibility import visible_ties
from graph.queries.wording import a_kind, said
from graph.referral_lifecycle import (
    OPEN_STATUSES,
    Party,
    ReceivedRecord,
    Referral,
    ReferralEvent,
    ReferralStatus,
    now_text,
    plan_move,
)
from graph.store.ports import GraphStore, ReferralStore, Store
from graph.visibility import Visibility

__all__ = [
    "CANDIDATE_TIE_TYPES",
    "Caller",
    "Candidate",
    "WEIGHTS",
    "candidates",
    "create_referral",
    "get_referral",
    "list_referrals",
    "move_referral",
]

WEIGHTS = {"expertise": 0.35, "capacity": 0.25, "closeness": 0.25, "record": 0.15}
#: The only ties of the network the candidates' reasons read: the collaborations of the
#: caller's centre (so only their visibility matters to the caller's answer).
CANDIDATE_TIE_TYPES = frozenset({RelationType.COLLABORATES_WITH})
MAX_NOTE = 2000
MAX_REQUEST_KEY = 200


@dataclass(frozen=True)
class Caller:
    """Who is acting: a key's name, the centre a centre key acts for, and whether it is an
    admin (who may act for either centre)."""

    name: str
    centre: str | None = None
    admin: bool = False

    @property
    def signature(self) -> str:
        """How the history names the caller."""
        if self.centre:
            return f"{self.centre} (key {self.name})"
        return f"admin (key {self.name})"


@dataclass(frozen=True)
class Candidate:
    """A centre that could take the referral: its score from 0 to 1 and the parts of it (by
    name, before weighting), as a person reads them, with a reason for each part."""

    centre: Node
    score: float
    specialists: list[str]
    reasons: list[str]
    parts: dict[str, float]


# -- checks ----------------------------------------------------------------------------


def _need(need: str) -> str:
    """``need``, if it is an expertise word; raises InvalidArgument otherwise."""
    if need not in {word.value for word in Expertise}:
        words = ", ".join(word.value for word in Expertise)
        raise InvalidArgument(
            _("need {need!r} is not an expertise word: use one of {words}", need=need, words=words)
        )
    return need


def _node_of(store: GraphStore, node_id: str, kind: NodeKind, what: str) -> Node:
    """The node ``node_id`` (named ``what`` in errors; the kept node for the id of a node
    merged into another); raises NotFound if there is none and InvalidArgument if it is not
    of ``kind``."""
    node = node_on(store, node_id)
    if node.kind is not kind:
        raise InvalidArgument(
            _(
                "{what} {id!r} is {kind}, not {wanted}",
                what=what,
                id=node_id,
                kind=a_kind(node.kind),
                wanted=a_kind(kind),
            )
        )
    return node


def _visible(referral: Referral | None, caller: Caller, referral_id: str) -> Referral:
    """``referral``, if the caller may see it; raises NotFound if it is None or the caller
    is neither of its centres nor an admin."""
    if referral is None or not (
        caller.admin or caller.centre in (referral.from_centre, referral.to_centre)
    ):
        raise NotFound(_("no referral with id {id!r}", id=referral_id))
    return referral


# -- candidates ------------------------------------------------------------------------


#: The statuses of the closed referrals that count in a centre's record: completed, against
#: rejected and failed (a cancelled referral was the sender's doing, not the centre's).
RECORD_STATUSES: frozenset[ReferralStatus] = frozenset(
    {ReferralStatus.COMPLETED, ReferralStatus.FAILED, ReferralStatus.REJECTED}
)


def _record(received: ReceivedRecord) -> tuple[float, str]:
    """The record part of a centre that ``received`` these referrals, and its reason."""
    closed = received.count(RECORD_STATUSES)
    hours = received.accept_hours
    if not closed and not hours:
        return 0.5, _("no closed or accepted referrals received yet")
    completed = received.count((ReferralStatus.COMPLETED,))
    share = completed / closed if closed else 0.5
    median = statistics.median(hours) if hours else None
    speed = 1 / (1 + median / 48) if median is not None else 0.5
    words = (
        _(
            "completed {completed} of {closed} closed referrals",
            completed=completed,
            closed=closed,
        )
        if closed
        else _("no closed referrals yet")
    )
    if median is not None:
        words = _("{record}; accepts in {hours:.1f} h (median)", record=words, hours=median)
    return 0.5 * share + 0.5 * speed, words


def candidates(
    store: Store, caller: Caller, enterprise: str, need: str, visibility: Visibility | None = None
) -> list[Candidate]:
    """The centres other than the caller's own with at least one affiliated specialist whose
    expertise includes ``need``, best first, each with its score, the specialists and a reason
    for every part of the score. Equal scores go to the centre nearer the enterprise, then to
    more places free, then to the smaller centre id.

    Only ties the caller of ``visibility`` may see give a reason (see
    :mod:`graph.visibility`).

    Raises InvalidArgument for an unknown need or an id that is not an enterprise, NotFound
    for an unknown enterprise.
    """
    _need(need)
    firm = _node_of(store, enterprise, NodeKind.ENTERPRISE, "enterprise")
    matches = [(c, s) for c, s in store.centres_with_expertise(need) if c.id != caller.centre]
    if not matches:
        return []
    received_by = store.received_records(centre.id for centre, _specialists in matches)
    # referrals completed with the caller's centre
    done_with = store.completed_with(caller.centre) if caller.centre else {}
    partners: set[str] = set()
    if caller.centre:
        ties = store.ties(caller.centre, types=CANDIDATE_TIE_TYPES)
        if visibility is not None:
            ties = visible_ties(store, visibility, ties, around=caller.centre)
        partners = {
            r.target if r.source == caller.centre else r.source
            for r in ties
            if r.type is RelationType.COLLABORATES_WITH
        }
    ranked = []
    for centre, specialists in matches:
        reasons = [
            _(
                "{count} affiliated specialist(s) with {need}",
                count=len(specialists),
                need=said(need, expertise_name(need)),
            )
        ]
        expertise = min(len(specialists), 3) / 3
        received = received_by.get(centre.id, ReceivedRecord())
        room, spare, room_words = _room(centre, received)
        reasons.append(room_words)
        closeness, near_words = _closeness(centre, firm, partners, done_with.get(centre.id, 0))
        reasons += near_words
        record, record_words = _record(received)
        reasons.append(record_words)
        parts = {"expertise": expertise, "capacity": room, "closeness": closeness, "record": record}
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        order = (
            # to 1e-9, so that the order of a float sum does not split equal scores
            -round(score, 9),
            nearness(firm.prefecture, centre.prefecture),
            spare is None,
            -(spare or 0),
            centre.id,
        )
        shown = {name: readable(value) for name, value in parts.items()}
        ranked.append((order, Candidate(centre, readable(score), specialists, reasons, shown)))
    ranked.sort(key=lambda item: item[0])
    return [candidate for _order, candidate in ranked]


def _room(centre: Node, received: ReceivedRecord) -> tuple[float, int | None, str]:
    """The spare-capacity part, the places free (None without a recorded capacity), and its
    reason."""
    capacity = centre.props.get("capacity")
    open_count = received.count(OPEN_STATUSES)
    if not capacity:
        return 0.5, None, _("capacity not recorded ({open} open referrals)", open=open_count)
    spare = max(capacity - open_count, 0)
    words = _(
        "{spare} of {capacity} places free ({open} open referrals)",
        spare=spare,
        capacity=capacity,
        open=open_count,
    )
    return spare / capacity, spare, words


def _closeness(centre: Node, firm: Node, partners: set[str], done: int) -> tuple[float, list[str]]:
    """The closeness part (at most 1) and its reasons: where the centre is, seen from the
    enterprise, and what it has done with the caller's centre (``partners``: the centres it
    collaborates with; ``done``: referrals completed between the two)."""
    near = nearness(firm.prefecture, centre.prefecture)
    here, block = prefecture_name(firm.prefecture), block_of(firm.prefecture)
    there = prefecture_name(centre.prefecture)
    block_words = block_name(block) if block else str(block)
    if near == SAME_PREFECTURE:
        closeness = 1.0
        reasons = [_("in the enterprise's prefecture ({here})", here=here)]
    elif near == SAME_BLOCK:
        closeness = 0.6
        reasons = [
            _(
                "in {there}, in the {block} block of the enterprise ({here})",
                there=there,
                block=block_words,
                here=here,
            )
        ]
    else:
        closeness = 0.2
        reasons = [
            _(
                "in {there}, outside the {block} block of the enterprise ({here})",
                there=there,
                block=block_words,
                here=here,
            )
        ]
    if centre.id in partners:
        closeness += 0.2
        reasons.append(_("already collaborates with your centre"))
    if done:
        closeness += min(0.1 * done, 0.3)
        reasons.append(_("{count} earlier referral(s) completed with your centre", count=done))
    return min(closeness, 1.0), reasons


# -- the lifecycle ---------------------------------------------------------------------


def create_referral(
    store: Store,
    caller: Caller,
    enterprise: str,
    to_centre: str,
    need: str,
    note: str = "",
    request_key: str | None = None,
    from_centre: str | None = None,
    allow_duplicate: bool = False,
) -> tuple[Referral, bool]:
    """Refer ``enterprise`` from the caller's centre (an admin names ``from_centre``) to
    ``to_centre`` for ``need``. Returns (the referral, whether it was created now): a retry
    with the same ``request_key`` returns the first referral.

    Raises Forbidden when a centre key names another sending centre, InvalidArgument for a
    bad need, note, key or a centre referring to itself, NotFound for unknown ids, and
    Conflict when ``request_key`` was already used for a different referral, or when the
    sending centre already has an open referral of the enterprise for the need (to any
    centre) and ``allow_duplicate`` is not set.
    """
    sender = caller.centre or from_centre
    if caller.centre and from_centre and from_centre != caller.centre:
        raise Forbidden(
            _(
                "a key of centre {centre} cannot send for centre {from_centre}",
                centre=caller.centre,
                from_centre=from_centre,
            )
        )
    if not sender:
        raise InvalidArgument(_("an admin must name the sending centre in from_centre"))
    _need(need)
    note = note or ""
    if len(note) > MAX_NOTE:
        raise InvalidArgument(_("note must be at most {most} characters", most=MAX_NOTE))
    if request_key is not None and not (
        0 < len(request_key) <= MAX_REQUEST_KEY and request_key.isprintable()
    ):
        raise InvalidArgument(
            _("Idempotency-Key must be 1 to {most} printable characters", most=MAX_REQUEST_KEY)
        )
    _node_of(store, sender, NodeKind.CENTRE, "from_centre")
    _node_of(store, to_centre, NodeKind.CENTRE, "to_centre")
    enterprise = _node_of(store, enterprise, NodeKind.ENTERPRISE, "enterprise").id
    if sender == to_centre:
        raise InvalidArgument(_("a centre cannot refer an enterprise to itself"))
    fingerprint = hashlib.sha256(
        json.dumps([sender, to_centre, enterprise, need, note], ensure_ascii=False).encode()
    ).hexdigest()
    referral_id = f"ref-{secrets.token_hex(8)}"
    created_at = now_text()
    referral = Referral(
        id=referral_id,
        from_centre=sender,
        to_centre=to_centre,
        enterprise=enterprise,
        need=need,
        note=note,
        status=ReferralStatus.REQUESTED,
        created_at=created_at,
        history=(
            ReferralEvent(
                created_at, caller.signature, ReferralStatus.REQUESTED, None, note or None
            ),
        ),
        request_key=request_key or referral_id,
        fingerprint=fingerprint,
    )
    if not allow_duplicate:
        # read first, so that a retry made meanwhile is among them or found by its key: a
        # retry (its Idempotency-Key already made a referral) is answered with that one below
        open_ones = store.open_referrals_sent(sender, enterprise, need)
        if open_ones and not _is_retry(store, sender, request_key, open_ones):
            _refuse_duplicate(open_ones[0])
    stored, created = store.create_referral(referral)
    if not created and stored.fingerprint != fingerprint:
        raise Conflict(
            _(
                "this Idempotency-Key was already used for a different referral ({id}); use a "
                "new key for a new referral",
                id=stored.id,
            )
        )
    return stored, created


def _is_retry(
    store: Store, sender: str, request_key: str | None, open_ones: list[Referral]
) -> bool:
    """Whether ``request_key`` (an Idempotency-Key) already made a referral of ``sender``:
    one of ``open_ones``, or else one the store finds by the key."""
    if not request_key:
        return False
    return any(r.request_key == request_key for r in open_ones) or bool(
        store.referral_ids_by_request([(sender, request_key)])
    )


def _refuse_duplicate(first: Referral) -> NoReturn:
    """Raise Conflict naming ``first``, the oldest open referral one centre sent about one
    enterprise for one need."""
    raise Conflict(
        _(
            "referral {id} of {enterprise} for {need} from {from_centre} to {to_centre} is "
            "still open ({status}): wait until it closes, or say that another one is "
            "intended (allow_duplicate)",
            id=first.id,
            enterprise=first.enterprise,
            need=said(first.need, expertise_name(first.need)),
            from_centre=first.from_centre,
            to_centre=first.to_centre,
            status=said(first.status.value, status_name(first.status)),
        )
    )


def get_referral(store: ReferralStore, caller: Caller, referral_id: str) -> Referral:
    """One referral, if the caller may see it; raises NotFound otherwise."""
    return _visible(store.get_referral(referral_id), caller, referral_id)


def list_referrals(
    store: ReferralStore, caller: Caller, box: str | None = None, centre: str | None = None
) -> list[Referral]:
    """The referrals the caller's centre received (``inbox``) or sent (``outbox``), or both,
    newest first. An admin names a ``centre`` or sees every referral.

    Raises InvalidArgument for an unknown box, Forbidden when a centre key names another
    centre.
    """
    if box not in (None, "inbox", "outbox"):
        raise InvalidArgument(_("box {box!r} is not inbox or outbox", box=box))
    if caller.centre and centre and centre != caller.centre:
        raise Forbidden(
            _(
                "a key of centre {own} cannot read centre {centre}'s referrals",
                own=caller.centre,
                centre=centre,
            )
        )
    whose = caller.centre or centre
    return store.list_referrals(whose, box)


def move_referral(
    store: ReferralStore,
    caller: Caller,
    referral_id: str,
    status: str,
    reason: str | None = None,
    outcome: str | None = None,
) -> Referral:
    """Move a referral on, as the caller's centre (or as an admin, for either centre).

    One guarded write: when two callers move the same referral at once, one wins and the
    other gets Conflict. Raises NotFound if the caller may not see it, Forbidden when the
    move belongs to the other centre, Conflict for a move the table does not allow, and
    InvalidArgument for an unknown status or a missing reason or outcome.
    """
    referral = get_referral(store, caller, referral_id)
    if caller.admin:
        party = None
    elif caller.centre == referral.to_centre:
        party = Party.RECEIVER
    else:
        party = Party.SENDER
    moved = plan_move(referral, status, party, caller.signature, reason, outcome)
    return store.move_referral(moved, referral.status)
