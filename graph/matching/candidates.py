"""Candidate duplicates: pairs of records that may stand for one entity, scored, best first.

Rules:

- Two records with the same corporate number are one entity: a candidate of score 1 (of
  the same kind, wherever they are). Two with different corporate numbers are never a
  candidate, whatever their names. A corporate number that fails its check digit counts as
  not given.
- Otherwise only records of the same kind and the same prefecture are compared (blocking;
  nationwide financiers with each other), and inside a block not every pair:
  * records whose names are the same once normalised (:func:`normalise_name`) are compared
    with each other;
  * names one deletion apart (each name and every name with one character deleted is a key:
    two names share a key when one insertion, deletion, substitution or swap of neighbours
    turns one into the other, or two deletions) are compared when the names alone can reach
    ``min_score`` (:func:`graph.matching.scoring.least_similarity`);
  * records with the same phone number or the same address are compared, however their names
    differ: this is how names too far apart to match alone are raised by what they share (a
    number or an address shared by more than :data:`SHARED_LIMIT` records of a block is a
    switchboard or an office building, and says nothing).

  So the work grows with the records and their near neighbours, not with the square of a
  block. Each pair is scored by :mod:`graph.matching.scoring`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz, process

from graph.corporate_number import corporate_number
from graph.errors import InvalidArgument
from graph.i18n import _
from graph.japan import PREFECTURE_BY_CODE, not_a_prefecture
from graph.matching.normalise import (
    legal_form,
    normalise_address,
    normalise_name,
    normalise_phone,
)
from graph.matching.records import Candidate, MatchRecord
from graph.matching.scoring import (
    SAME_CORPORATE_NUMBER,
    Agreement,
    address_agreement,
    combine,
    differ_at_start,
    least_similarity,
    name_reason,
    name_similarity,
    phone_agreement,
    reasons_for,
)

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DELETION_BUCKET_LIMIT",
    "SHARED_LIMIT",
    "check_min_score",
    "find_candidates",
]

#: The score a pair needs to be a candidate unless asked otherwise: chosen on labelled sets
#: (bench/matching.py on the seed with duplicates, tests/unit/test_matching_candidates.py) as
#: the lowest that keeps precision at 0.98 or more without corporate numbers (0.993 at recall
#: 0.948 on the 100,000-enterprise seed with 5% duplicated, where neither record has one).
#: Names the same once normalised, with nothing against them, score 0.9. Names one character
#: apart reach it on the names alone only when long enough: a character dropped or doubled
#: inside names of six or seven characters and more, one replaced inside names of thirteen
#: and more; shorter ones, and any apart at their start, need the same phone number or
#: address.
DEFAULT_MIN_SCORE = 0.85

#: The most records of a block one phone number or one address may join before it is taken
#: for a switchboard or a building and no longer compared on.
SHARED_LIMIT = 30

#: The most distinct names one deletion key may join in a block (two-character keys of very
#: short names join hundreds of unrelated names, none of them a duplicate).
DELETION_BUCKET_LIMIT = 100


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A record with what matching compares of it, normalised once."""

    id: str
    raw_name: str
    name: str
    form: str | None
    corporate_number: str | None
    address: str | None
    phone: str | None


def check_min_score(min_score: float) -> float:
    """``min_score`` if it is a number in [0, 1]; raises InvalidArgument otherwise."""
    if (
        isinstance(min_score, bool)
        or not isinstance(min_score, int | float)
        or not 0 <= min_score <= 1
    ):
        raise InvalidArgument(
            _("min_score must be a number from 0 to 1, got {value!r}", value=min_score)
        )
    return float(min_score)


def find_candidates(
    records: Iterable[MatchRecord],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    prefecture: str | None = None,
) -> list[Candidate]:
    """The pairs of ``records`` that may stand for one entity and score ``min_score`` or
    more, best first (score descending, then ``a``, then ``b``); only those of
    ``prefecture`` (a JIS X 0401 code) when it is given. See the module's docstring for which
    pairs are compared and :mod:`graph.matching.scoring` for the score.

    Raises InvalidArgument for a min_score outside [0, 1], an unknown prefecture code, or
    two records with one id.
    """
    threshold = check_min_score(min_score)
    if prefecture is not None and prefecture not in PREFECTURE_BY_CODE:
        raise InvalidArgument(not_a_prefecture(prefecture))
    blocks, by_number = _prepare(records, prefecture)
    found: dict[tuple[str, str], Candidate] = {}
    for group in by_number.values():
        for one, other in combinations(group, 2):
            _keep(found, _same_number(one, other))
    for members in blocks.values():
        for candidate in _block_candidates(members, threshold):
            _keep(found, candidate)
    return sorted(found.values(), key=lambda c: (-c.score, c.a, c.b))


def _keep(found: dict[tuple[str, str], Candidate], candidate: Candidate) -> None:
    key = (candidate.a, candidate.b)
    if key not in found:
        found[key] = candidate


def _prepare(
    records: Iterable[MatchRecord], prefecture: str | None
) -> tuple[dict[tuple[str, str], list[_Prepared]], dict[tuple[str, str], list[_Prepared]]]:
    """The records (of ``prefecture`` only, when given) normalised, by (kind, prefecture)
    block, and those with a valid corporate number by (kind, number). Raises
    InvalidArgument for an id given twice."""
    names: dict[str, str] = {}
    forms: dict[str, str | None] = {}
    addresses: dict[str, str] = {}
    seen: set[str] = set()
    blocks: dict[tuple[str, str], list[_Prepared]] = defaultdict(list)
    by_number: dict[tuple[str, str], list[_Prepared]] = defaultdict(list)
    for record in records:
        if record.id in seen:
            raise InvalidArgument(
                _("two records have the id {id!r}; ids must be unique", id=record.id)
            )
        seen.add(record.id)
        where = record.prefecture or ""
        if prefecture is not None and where != prefecture:
            continue
        name = names.get(record.name)
        if name is None:
            name = names[record.name] = normalise_name(record.name)
            forms[record.name] = legal_form(record.name)
        address = None
        if record.address:
            address = addresses.get(record.address)
            if address is None:
                address = addresses[record.address] = normalise_address(record.address)
        prepared = _Prepared(
            id=record.id,
            raw_name=record.name,
            name=name,
            form=forms[record.name],
            corporate_number=_valid_number(record.corporate_number),
            address=address or None,
            phone=(normalise_phone(record.phone) or None) if record.phone else None,
        )
        blocks[(record.kind, where)].append(prepared)
        if prepared.corporate_number is not None:
            by_number[(record.kind, prepared.corporate_number)].append(prepared)
    return blocks, by_number


def _valid_number(text: str | None) -> str | None:
    """``text`` as a corporate number, or None when it is blank or not one."""
    if not text or not text.strip():
        return None
    try:
        return corporate_number(text)
    except ValueError:
        return None


def _pair(one: _Prepared, other: _Prepared) -> tuple[_Prepared, _Prepared]:
    return (one, other) if one.id < other.id else (other, one)


def _same_number(one: _Prepared, other: _Prepared) -> Candidate:
    """Two records of one corporate number: a candidate of score 1."""
    a, b = _pair(one, other)
    similarity = name_similarity(a.name, b.name)
    phone = phone_agreement(a.phone, b.phone)
    address = address_agreement(a.address, b.address)
    reasons = reasons_for(
        name_reason(a.raw_name, b.raw_name, a.name, b.name, similarity), phone, address
    )
    return Candidate(a.id, b.id, 1.0, (_(SAME_CORPORATE_NUMBER), *reasons))


def _scored(
    one: _Prepared,
    other: _Prepared,
    similarity: float,
    threshold: float,
    ambiguous: bool = False,
) -> Candidate | None:
    """The candidate two records without one corporate number make, or None when it scores
    under ``threshold`` or both have a corporate number (the same number is a candidate
    already, and different numbers never are). ``ambiguous``: their name is held under
    several company forms in the block, which counts when one of the two states none."""
    if one.corporate_number is not None and other.corporate_number is not None:
        return None
    phone = phone_agreement(one.phone, other.phone)
    address = address_agreement(one.address, other.address)
    forms_differ = one.form is not None and other.form is not None and one.form != other.form
    unsure = ambiguous and (one.form is None or other.form is None)
    start = similarity < 1 and differ_at_start(one.name, other.name)
    score = combine(similarity, phone, address, forms_differ, unsure, start)
    if score < threshold:
        return None
    a, b = _pair(one, other)
    reason = name_reason(a.raw_name, b.raw_name, a.name, b.name, similarity)
    reasons = reasons_for(reason, phone, address, forms_differ, unsure, start)
    return Candidate(a.id, b.id, score, reasons)


def _block_candidates(members: list[_Prepared], threshold: float) -> Iterator[Candidate]:
    """The candidates among the records of one block (one kind, one prefecture)."""
    by_name: dict[str, list[_Prepared]] = defaultdict(list)
    for member in members:
        by_name[member.name].append(member)
    # the same name once normalised
    alone = combine(1.0, Agreement.UNKNOWN, Agreement.UNKNOWN) >= threshold
    for group in by_name.values():
        if len(group) > 1:
            forms = {member.form for member in group if member.form is not None}
            yield from _between(group, None, 1.0, threshold, alone, len(forms) > 1)
    # names one deletion apart, alike enough to reach the threshold on their own
    least = least_similarity(threshold)
    if least < 1:
        names = list(by_name)
        for (i, j), similarity in _near_names(names, least).items():
            yield from _between(by_name[names[i]], by_name[names[j]], similarity, threshold, True)
    # the same phone number or address, whatever the names
    for shared in _sharing(members):
        for one, other in combinations(shared, 2):
            if one.name != other.name:
                similarity = name_similarity(one.name, other.name)
                found = _scored(one, other, similarity, threshold)
                if found is not None:
                    yield found


def _between(
    group: list[_Prepared],
    other: list[_Prepared] | None,
    similarity: float,
    threshold: float,
    alone: bool,
    ambiguous: bool = False,
) -> Iterator[Candidate]:
    """The candidates between the records of two name groups (within ``group`` when
    ``other`` is None) whose names are ``similarity`` alike. When the names ``alone`` reach
    the threshold, every pair is scored; otherwise only those with the same phone number or
    address can, and only those are looked at. ``ambiguous``: the group's name is held under
    several company forms (see :func:`_scored`)."""
    if alone:
        pairs: Iterable[tuple[_Prepared, _Prepared]] = (
            combinations(group, 2) if other is None else ((x, y) for x in group for y in other)
        )
    else:
        pairs = _joined(group, other)
    for one, other_one in pairs:
        found = _scored(one, other_one, similarity, threshold, ambiguous)
        if found is not None:
            yield found


def _joined(
    group: list[_Prepared], other: list[_Prepared] | None
) -> Iterator[tuple[_Prepared, _Prepared]]:
    """The pairs (each once) between ``group`` and ``other`` (within ``group`` for None)
    with the same phone number or the same address."""
    index: dict[tuple[str, str], list[_Prepared]] = defaultdict(list)
    for member in group:
        if member.phone:
            index[("phone", member.phone)].append(member)
        if member.address:
            index[("address", member.address)].append(member)
    done: set[tuple[str, str]] = set()
    if other is None:
        for sharing in index.values():
            for one, two in combinations(sharing, 2):
                key = (one.id, two.id) if one.id < two.id else (two.id, one.id)
                if key not in done:
                    done.add(key)
                    yield one, two
        return
    for member in other:
        keys = []
        if member.phone:
            keys.append(("phone", member.phone))
        if member.address:
            keys.append(("address", member.address))
        for key in keys:
            for one in index.get(key, ()):
                pair = (one.id, member.id)
                if pair not in done:
                    done.add(pair)
                    yield one, member


def _near_names(names: list[str], least: float) -> dict[tuple[int, int], float]:
    """The pairs (i, j), i < j, of distinct ``names`` that share a deletion key (a name, or
    the name with one of its characters deleted) and are at least ``least`` alike, with how
    alike they are. Keys joining more than DELETION_BUCKET_LIMIT names are passed over."""
    index: dict[str, list[int]] = defaultdict(list)
    for n, name in enumerate(names):
        keys = {name[:k] + name[k + 1 :] for k in range(len(name))}
        keys.add(name)
        keys.discard("")
        for key in keys:
            index[key].append(n)
    # the similarity is the mean of the Indel ratio and Jaro-Winkler (at most 1): a pair
    # whose ratio is under 2·least − 1 cannot reach ``least``, and rapidfuzz says so in C
    cutoff = max(0.0, 200 * least - 100)
    found: dict[tuple[int, int], float] = {}
    for bucket in index.values():
        if not 1 < len(bucket) <= DELETION_BUCKET_LIMIT:
            continue
        texts = [names[n] for n in bucket]
        for k in range(len(bucket) - 1):
            rest = texts[k + 1 :]
            for _text, _score, where in process.extract(
                texts[k], rest, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            ):
                pair = (bucket[k], bucket[k + 1 + where])  # ascending: names were added in order
                if pair not in found:
                    similarity = name_similarity(texts[k], rest[where])
                    if similarity >= least:
                        found[pair] = similarity
    return found


def _sharing(members: list[_Prepared]) -> Iterator[list[_Prepared]]:
    """The groups of a block's records with the same phone number, then with the same
    address, of 2 to SHARED_LIMIT records each."""
    phones: dict[str, list[_Prepared]] = defaultdict(list)
    addresses: dict[str, list[_Prepared]] = defaultdict(list)
    for member in members:
        if member.phone:
            phones[member.phone].append(member)
        if member.address:
            addresses[member.address].append(member)
    for groups in (phones, addresses):
        for group in groups.values():
            if 1 < len(group) <= SHARED_LIMIT:
                yield group
