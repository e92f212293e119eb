"""What the queries share: the scope a question asks about, how a number is shown to a
person, and how a node's kind is named in a sentence."""

from __future__ import annotations

from graph.errors import InvalidArgument
from graph.japan import PREFECTURE_BY_CODE
from graph.store.base import Scope

__all__ = ["READABLE_DIGITS", "readable", "scope_of"]

#: Significant digits of a computed number a person reads (a score, a density).
READABLE_DIGITS = 4


def scope_of(prefecture: str | None) -> Scope:
    """The scope of a question: one prefecture by its JIS X 0401 code, or the whole network.

    Raises InvalidArgument for a code that names no prefecture.
    """
    if prefecture is None:
        return Scope()
    if prefecture not in PREFECTURE_BY_CODE:
        raise InvalidArgument(
            f"{prefecture!r} is not a prefecture code: use the two-digit JIS X 0401 code 01 to 47"
        )
    return Scope(prefecture)


def readable(value: float) -> float:
    """A computed number as a person reads it: rounded to READABLE_DIGITS significant digits
    (0.7998000000000001 is 0.7998; 0.000123456 is 0.0001235, where four decimal places would
    leave 0.0001). Only results are rounded: every order is decided on the exact values."""
    return float(f"{value:.{READABLE_DIGITS}g}")
