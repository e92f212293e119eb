"""Referrals between centres: the states, the moves, who may make them, and the record kept.

Pure data, no I/O. A referral asks another centre to help one enterprise with one need (an
expertise word). The sending centre creates it; the receiving centre accepts or rejects it,
works on it and closes it; the sender may cancel it while it is still requested or accepted.
Every move is kept in the history with who, when and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from graph.errors import Conflict, Forbidden, InvalidArgument
from graph.i18n import N_, _
from graph.model import Relation, RelationType

__all__ = [
    "MOVES",
    "OPEN_STATUSES",
    "OPEN_STATUS_VALUES",
    "REFERRAL_TIE_CAP",
    "REFERRAL_TIE_STRENGTHS",
    "Move",
    "Party",
    "ReceivedRecord",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "now_text",
    "plan_move",
    "received_records",
    "referral_tie",
    "referral_tie_strength",
    "completion_day",
    "request_key_taken",
]


class ReferralStatus(StrEnum):
    """Where a referral stands. The receiving centre moves it from requested to accepted or
    rejected, from accepted to in_progress, and from in_progress to completed or failed; the
    sending centre may cancel it while it is requested or accepted."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: Referrals that still take a slot of the receiving centre's capacity.
OPEN_STATUSES = frozenset(
    {ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}
)
#: The values of :data:`OPEN_STATUSES`, sorted: as the stores pass them to a statement.
OPEN_STATUS_VALUES = tuple(sorted(status.value for status in OPEN_STATUSES))


class Party(StrEnum):
    """Which of the two centres makes a move."""

    SENDER = "sending centre"
    RECEIVER = "receiving centre"


#: Each party as sentences name it (in English, its value).
_PARTY_WORDS: dict[Party, str] = {
    Party.SENDER: N_("sending centre"),
    Party.RECEIVER: N_("receiving centre"),
}


@dataclass(frozen=True)
class Move:
    """One allowed move: who makes it and what it must say."""

    party: Party
    needs_reason: bool = False
    needs_outcome: bool = False


_S = ReferralStatus
#: Every allowed (from, to) move. Anything else is a conflict.
MOVES: dict[tuple[ReferralStatus, ReferralStatus], Move] = {
    (_S.REQUESTED, _S.ACCEPTED): Move(Party.RECEIVER),
    (_S.REQUESTED, _S.REJECTED): Move(Party.RECEIVER, needs_reason=True),
    (_S.ACCEPTED, _S.IN_PROGRESS): Move(Party.RECEIVER),
    (_S.IN_PROGRESS, _S.COMPLETED): Move(Party.RECEIVER, needs_outcome=True),
    (_S.IN_PROGRESS, _S.FAILED): Move(Party.RECEIVER, needs_reason=True),
    (_S.REQUESTED, _S.CANCELLED): Move(Party.SENDER, needs_reason=True),
    (_S.ACCEPTED, _S.CANCELLED): Move(Party.SENDER, needs_reason=True),
}


def now_text() -> str:
    """The current time as the history records it: ISO 8601 in UTC, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ReferralEvent:
    """One entry of a referral's history."""

    at: str
    by: str
    status: ReferralStatus
    previous: ReferralStatus | None = None
    reason: str | None = None
    outcome: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The event as the stored history's JSON holds it (``from``: the status before)."""
        return {
            "at": self.at,
            "by": self.by,
            "status": self.status.value,
            "from": self.previous.value if self.previous else None,
            "reason": self.reason,
            "outcome": self.outcome,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferralEvent:
        """The event of :meth:`as_dict`'s form; raises KeyError for a missing ``at``, ``by``
        or ``status`` and ValueError for a status that is not one."""
        previous = data.get("from")
        return cls(
            at=data["at"],
            by=data["by"],
            status=ReferralStatus(data["status"]),
            previous=ReferralStatus(previous) if previous else None,
            reason=data.get("reason"),
            outcome=data.get("outcome"),
        )


@dataclass(frozen=True)
class Referral:
    """A referral as every store keeps it. ``request_key`` is the sender's Idempotency-Key
    (or the referral's own id when none was sent); ``fingerprint`` what was asked, so a
    retry can be told from a different request under the same key."""

    id: str
    from_centre: str
    to_centre: str
    enterprise: str
    need: str
    note: str
    status: ReferralStatus
    created_at: str
    history: tuple[ReferralEvent, ...] = field(default_factory=tuple)
    request_key: str = ""
    fingerprint: str = ""

    @property
    def updated_at(self) -> str:
        """When it last moved (when it was created, if it never did)."""
        return self.history[-1].at if self.history else self.created_at

    @property
    def outcome(self) -> str | None:
        """The outcome of its latest move that gave one, or None."""
        return next((e.outcome for e in reversed(self.history) if e.outcome), None)

    def history_json(self) -> str:
        """The history as the JSON list of events that stores and ``rsn export`` keep."""
        return json.dumps([event.as_dict() for event in self.history], ensure_ascii=False)

    @staticmethod
    def parse_history(text: str) -> tuple[ReferralEvent, ...]:
        """Events from their JSON form; raises ValueError if it is not a valid history."""
        try:
            items = json.loads(text)
            if not isinstance(items, list):
                raise ValueError
            return tuple(ReferralEvent.from_dict(item) for item in items)
        except (TypeError, KeyError, ValueError, json.JSONDecodeError):
            raise ValueError(_("must be the JSON list of events that rsn export writes")) from None


def plan_move(
    referral: Referral,
    to: str,
    party: Party | None,
    by: str,
    reason: str | None = None,
    outcome: str | None = None,
) -> Referral:
    """The referral after ``by`` moves it to ``to`` acting as ``party`` (None: an admin, who
    may act for either centre).

    Raises InvalidArgument for an unknown status or a missing reason or outcome, Conflict for
    a move the table does not allow from the current status, and Forbidden when the
    move belongs to the other centre.
    """
    try:
        target = ReferralStatus(to)
    except ValueError:
        names = ", ".join(status.value for status in ReferralStatus)
        raise InvalidArgument(
            _("{value!r} is not a referral status: use one of {choices}", value=to, choices=names)
        ) from None
    move = MOVES.get((referral.status, target))
    if move is None:
        raise Conflict(
            _(
                "referral {id} is {status}; it cannot become {target}",
                id=referral.id,
                status=referral.status.value,
                target=target.value,
            )
        )
    if party is not None and party is not move.party:
        raise Forbidden(
            _(
                "only the {party} may move a referral to {target}",
                party=_(_PARTY_WORDS[move.party]),
                target=target.value,
            )
        )
    reason = (reason or "").strip() or None
    outcome = (outcome or "").strip() or None
    if move.needs_reason and not reason:
        raise InvalidArgument(
            _("moving a referral to {target} needs a reason", target=target.value)
        )
    if move.needs_outcome and not outcome:
        raise InvalidArgument(
            _("moving a referral to {target} needs an outcome", target=target.value)
        )
    event = ReferralEvent(now_text(), by, target, referral.status, reason, outcome)
    return replace(referral, status=target, history=(*referral.history, event))


#: Completed referrals count as a tie between the two centres, stronger with each one.
REFERRAL_TIE_CAP = 0.95


def referral_tie_strength(completed: int) -> float:
    """The strength of the tie that ``completed`` referrals (one or more) make between two
    centres: 1 - 0.5 ** (completed + 1), at most :data:`REFERRAL_TIE_CAP` (0.75 for one, 0.875
    for two, 0.9375 for three, then 0.95)."""
    return min(REFERRAL_TIE_CAP, 1 - 0.5 ** (completed + 1))


def _strengths_to_cap() -> tuple[float, ...]:
    """:func:`referral_tie_strength` of 1, 2, ... completed referrals, up to the first count
    that reaches the cap (the curve rises towards 1, so one does)."""
    strengths = [referral_tie_strength(1)]
    while strengths[-1] < REFERRAL_TIE_CAP:
        strengths.append(referral_tie_strength(len(strengths) + 1))
    return tuple(strengths)


#: The whole curve as a table: the strength of n completed referrals is item n - 1, and the
#: last item (the cap) for any n beyond. A server store takes the curve from here, as a
#: parameter, rather than writing it again in its own language.
REFERRAL_TIE_STRENGTHS: tuple[float, ...] = _strengths_to_cap()


def referral_tie(a: str, b: str, completed: int, since: str | None = None) -> Relation:
    """The tie between centres ``a`` and ``b`` as introductions see it: a collaboration,
    from the smaller id to the larger, of :func:`referral_tie_strength`, since the day the
    first of their referrals completed."""
    source, target = sorted((a, b))
    return Relation(
        source, RelationType.COLLABORATES_WITH, target, referral_tie_strength(completed), since
    )


def completion_day(history: Sequence[Mapping[str, Any]]) -> str:
    """The day (``YYYY-MM-DD``, UTC) a completed referral completed: that of the last entry
    of its stored ``history`` (:meth:`ReferralEvent.as_dict`) whose status is completed.
    Raises ValueError if the history has no such entry."""
    for event in reversed(history):
        if event.get("status") == ReferralStatus.COMPLETED.value:
            return str(event["at"])[:10]
    raise ValueError(_("the referral's history does not say when it completed"))


@dataclass(frozen=True)
class ReceivedRecord:
    """The referrals one centre received, summed up as candidates are ranked on them: how
    many stand at each status (a status none stands at is missing), and the hours each one
    that was accepted waited from its creation to its acceptance, in no particular order."""

    statuses: Mapping[ReferralStatus, int] = field(default_factory=dict)
    accept_hours: tuple[float, ...] = ()

    def count(self, statuses: Iterable[ReferralStatus]) -> int:
        """How many of the referrals stand at one of ``statuses``."""
        return sum(self.statuses.get(status, 0) for status in statuses)


def _accepted_at(history: str) -> str | None:
    """When the stored ``history`` (the JSON of :meth:`Referral.history_json`) says the
    referral was first accepted, or None. Raises ValueError for text that is not JSON."""
    for event in json.loads(history):
        if event.get("status") == ReferralStatus.ACCEPTED.value:
            return str(event["at"])
    return None


def received_records(
    centres: Iterable[str], rows: Iterable[tuple[str, str, str, str]]
) -> dict[str, ReceivedRecord]:
    """The record of each of ``centres`` (empty for one that received nothing) from the
    ``rows`` a store read of the referrals they received: (receiving centre, status, created
    at, stored history), each as text. Raises ValueError for a status or a history that is
    not one (a store's own rows never have either)."""
    statuses: dict[str, dict[ReferralStatus, int]] = {centre: {} for centre in centres}
    hours: dict[str, list[float]] = {centre: [] for centre in statuses}
    for centre, status, created_at, history in rows:
        counts = statuses.setdefault(centre, {})
        counts[ReferralStatus(status)] = counts.get(ReferralStatus(status), 0) + 1
        accepted = _accepted_at(history)
        if accepted:
            delta = datetime.fromisoformat(accepted) - datetime.fromisoformat(created_at)
            hours.setdefault(centre, []).append(delta.total_seconds() / 3600)
    return {
        centre: ReceivedRecord(counts, tuple(hours.get(centre, ())))
        for centre, counts in statuses.items()
    }


def request_key_taken(referral: Referral, owner: str) -> str:
    """The sentence of a write of ``referral`` whose sender and request key are already the
    referral ``owner``'s (a request key names one referral of its sender)."""
    return _(
        "referral {id}: request key {key!r} of centre {centre} is already referral {owner}'s",
        id=referral.id,
        key=referral.request_key,
        centre=referral.from_centre,
        owner=owner,
    )
