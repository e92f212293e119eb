"""How alike two records are: a score in [0, 1] and the reasons for it, in words (in the
current language, :mod:`graph.i18n`).

The score starts from the names: :func:`name_similarity` of the normalised names (a blend of
the Indel ratio and Jaro-Winkler, from rapidfuzz), times :data:`NAME_CEILING`, since a name
alone never makes two records certainly one. Then the evidence beside the names moves it:

- the same phone number or the same address takes it part of the way to 1
  (:data:`SAME_PHONE_WEIGHT`, :data:`SAME_ADDRESS_WEIGHT`);
- phone numbers or addresses that clearly differ take a share off
  (:data:`DIFFERENT_PHONE_PENALTY`, :data:`DIFFERENT_ADDRESS_PENALTY`);
- names stating different company forms (株式会社 and 有限会社) take a share off
  (:data:`DIFFERENT_FORM_PENALTY`);
- a name that firms of the same place hold under different company forms (株式会社山田工業
  and 有限会社山田工業) cannot say which of them a record stating no form is: the name's part
  of the score is cut by :data:`AMBIGUOUS_NAME_PENALTY` before a phone number or an address
  raises it (so shared evidence still can);
- names one character apart at their very start (光ケアサービス and 新光ケアサービス, 和田商店
  and 岸和田商店) begin with different words, not with a slip (slips fall inside a name, and a
  reader checks its first character first): the names' part is cut likewise by
  :data:`START_DIFFERS_PENALTY`;
- an address that is the start of the other (one stops at the town) and anything missing on
  either side leave it as it is.

Two records with the same corporate number score 1 whatever else they say (that is decided
by :mod:`graph.matching.candidates`, which also bars records with different numbers).
"""

from __future__ import annotations

from enum import Enum

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, Levenshtein

from graph.i18n import N_, _

__all__ = [
    "DIFFERENT_ADDRESS_PENALTY",
    "DIFFERENT_FORM_PENALTY",
    "DIFFERENT_PHONE_PENALTY",
    "AMBIGUOUS_NAME_PENALTY",
    "AMBIGUOUS_NAME",
    "COMPANY_FORMS_DIFFER",
    "START_DIFFERS",
    "START_DIFFERS_PENALTY",
    "NAME_CEILING",
    "SAME_ADDRESS_WEIGHT",
    "SAME_PHONE_WEIGHT",
    "Agreement",
    "address_agreement",
    "best_score",
    "combine",
    "differ_at_start",
    "least_similarity",
    "name_reason",
    "name_similarity",
    "phone_agreement",
    "reasons_for",
]

#: The score of two records whose names are the same once normalised, and nothing else known.
NAME_CEILING = 0.9
#: How far the same phone number takes the score towards 1 (a share of what is left).
SAME_PHONE_WEIGHT = 0.6
#: How far the same address takes the score towards 1.
SAME_ADDRESS_WEIGHT = 0.5
#: The share of the score taken off when both have a phone number and they differ.
DIFFERENT_PHONE_PENALTY = 0.12
#: The share of the score taken off when both have an address and they clearly differ.
DIFFERENT_ADDRESS_PENALTY = 0.12
#: The share of the score taken off when both names state a company form and the forms
#: differ (a 株式会社 and a 有限会社 of one name are two companies).
DIFFERENT_FORM_PENALTY = 0.12

#: The share of the names' part of the score taken off when one record states no company
#: form and the name is held under several forms by records of the same place.
AMBIGUOUS_NAME_PENALTY = 0.12
#: The share of the names' part of the score taken off when the names are one character
#: apart at their start (:func:`differ_at_start`).
START_DIFFERS_PENALTY = 0.12

#: The reasons, in English; said in the current language with ``_(reason)`` (the reasons a
#: candidate carries are said already).
SAME_CORPORATE_NUMBER = N_("same corporate number")
AMBIGUOUS_NAME = N_("the name is held under more than one company form here")
START_DIFFERS = N_("names begin differently")
IDENTICAL_NAMES = N_("names are identical")
SAME_NORMALISED_NAMES = N_("names are the same once legal forms and widths are set aside")
COMPANY_FORMS_DIFFER = N_("company forms differ")


class Agreement(Enum):
    """What a phone number or an address says of two records."""

    SAME = "same"
    LESS_PRECISE = "less precise"  # addresses only: one is the start of the other
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # missing on either side


_PHONE_REASONS = {
    Agreement.SAME: N_("same phone number"),
    Agreement.DIFFERENT: N_("phone numbers differ"),
}
_ADDRESS_REASONS = {
    Agreement.SAME: N_("same address"),
    Agreement.LESS_PRECISE: N_("one address is less precise than the other"),
    Agreement.DIFFERENT: N_("addresses differ"),
}


def name_similarity(a: str, b: str) -> float:
    """How alike two normalised names are, in [0, 1]: the mean of the Indel ratio (which
    counts every character inserted or deleted) and Jaro-Winkler (which forgives a change
    near the end more than one at the start). 1 only for equal names."""
    if a == b:
        return 1.0
    return (fuzz.ratio(a, b) / 100 + JaroWinkler.normalized_similarity(a, b)) / 2


def phone_agreement(a: str | None, b: str | None) -> Agreement:
    """What two normalised phone numbers (None or empty: not known) say."""
    if not a or not b:
        return Agreement.UNKNOWN
    return Agreement.SAME if a == b else Agreement.DIFFERENT


def address_agreement(a: str | None, b: str | None) -> Agreement:
    """What two normalised addresses (None or empty: not known) say: the same, one the
    start of the other (less precise: a town beside its street address), or different."""
    if not a or not b:
        return Agreement.UNKNOWN
    if a == b:
        return Agreement.SAME
    if a.startswith(b) or b.startswith(a):
        return Agreement.LESS_PRECISE
    return Agreement.DIFFERENT


def combine(
    similarity: float,
    phone: Agreement,
    address: Agreement,
    forms_differ: bool = False,
    ambiguous: bool = False,
    start_differs: bool = False,
) -> float:
    """The score of two records whose normalised names are ``similarity`` alike, with what
    their phone numbers and addresses say, whether their names state different company
    forms, whether the name is ``ambiguous`` (held under several company forms where one of
    the two states none) and whether the names are one character apart at their start
    (``start_differs``); see the module's docstring."""
    score = NAME_CEILING * similarity
    if ambiguous:
        score *= 1 - AMBIGUOUS_NAME_PENALTY
    if start_differs:
        score *= 1 - START_DIFFERS_PENALTY
    if phone is Agreement.SAME:
        score = 1 - (1 - score) * (1 - SAME_PHONE_WEIGHT)
    if address is Agreement.SAME:
        score = 1 - (1 - score) * (1 - SAME_ADDRESS_WEIGHT)
    if phone is Agreement.DIFFERENT:
        score *= 1 - DIFFERENT_PHONE_PENALTY
    if address is Agreement.DIFFERENT:
        score *= 1 - DIFFERENT_ADDRESS_PENALTY
    if forms_differ:
        score *= 1 - DIFFERENT_FORM_PENALTY
    return min(1.0, max(0.0, score))


def best_score(similarity: float) -> float:
    """The highest score two records with names ``similarity`` alike can have without a
    corporate number: with the same phone number and the same address."""
    return combine(similarity, Agreement.SAME, Agreement.SAME)


def least_similarity(threshold: float) -> float:
    """The least similarity of two names that scores ``threshold`` with nothing else known
    (above 1 when no names can)."""
    return threshold / NAME_CEILING


def differ_at_start(a: str, b: str) -> bool:
    """Whether two normalised names are one character apart at their start: the first
    character replaced (山田 and 岡田…), or one more character before the other name (光 and
    新光). Two neighbours swapped is a slip, not this."""
    if a == b or not a or not b:
        return False
    return a[1:] == b[1:] or a[1:] == b or a == b[1:]


def name_reason(raw_a: str, raw_b: str, a: str, b: str, similarity: float) -> str:
    """What the names say, as a short sentence in the current language: identical, the same
    once normalised (``a`` and ``b``), differing by one or two characters, or how alike they
    are."""
    if raw_a == raw_b:
        return _(IDENTICAL_NAMES)
    if a == b:
        return _(SAME_NORMALISED_NAMES)
    edits = Levenshtein.distance(a, b)
    if edits == 1:
        return _("names differ by one character")
    if edits == 2:
        return _("names differ by two characters")
    return _("names are {percent}% alike", percent=round(100 * similarity))


def reasons_for(
    name: str,
    phone: Agreement,
    address: Agreement,
    forms_differ: bool = False,
    ambiguous: bool = False,
    start_differs: bool = False,
) -> tuple[str, ...]:
    """The reasons of a score, in the current language: what the names say (``name``, said
    already, and whether they begin differently, the company forms differ or the name is
    ambiguous), then the phone numbers and addresses (when they say anything)."""
    reasons = [name]
    if start_differs:
        reasons.append(_(START_DIFFERS))
    if forms_differ:
        reasons.append(_(COMPANY_FORMS_DIFFER))
    if ambiguous:
        reasons.append(_(AMBIGUOUS_NAME))
    if phone in _PHONE_REASONS:
        reasons.append(_(_PHONE_REASONS[phone]))
    if address in _ADDRESS_REASONS:
        reasons.append(_(_ADDRESS_REASONS[address]))
    return tuple(reasons)
