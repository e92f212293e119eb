"""The corporate number (法人番号): the 13-digit number the National Tax Agency gives every
registered corporation, whose first digit checks the other twelve."""

from __future__ import annotations

import unicodedata

from graph.i18n import _

__all__ = ["check_digit", "corporate_number"]


def check_digit(base: str) -> int:
    """The check digit of the twelve digits ``base``: 9 minus the sum of the digits weighted
    1 and 2 alternately from the last digit (which weighs 1), modulo 9."""
    total = sum(int(d) * (1 if n % 2 == 0 else 2) for n, d in enumerate(reversed(base)))
    return 9 - total % 9


def corporate_number(text: str) -> str:
    """``text`` as a corporate number: 13 digits, full-width digits read as digits and
    spaces or hyphens between them ignored.

    Raises ValueError, in words a person can act on, for anything but 13 digits or for a
    number whose first digit is not the check digit of the other twelve.
    """
    digits = unicodedata.normalize("NFKC", text).strip().replace("-", "").replace(" ", "")
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        raise ValueError(_("{value!r} is not a corporate number: it must be 13 digits", value=text))
    expected = check_digit(digits[1:])
    if int(digits[0]) != expected:
        raise ValueError(
            _(
                "{value!r} is not a corporate number: its check digit (the first) is "
                "{digit}, the other twelve digits need {expected}",
                value=text,
                digit=digits[0],
                expected=expected,
            )
        )
    return digits
