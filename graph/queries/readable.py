"""How a computed number is shown to a person."""

from __future__ import annotations

__all__ = ["READABLE_DIGITS", "readable"]

#: Significant digits of a computed number a person reads (a score, a density).
READABLE_DIGITS = 4


def readable(value: float) -> float:
    """A computed number as a person reads it: rounded to READABLE_DIGITS significant digits
    (0.7998000000000001 is 0.7998; 0.000123456 is 0.0001235, where four decimal places would
    leave 0.0001). Only results are rounded: every order is decided on the exact values."""
    return float(f"{value:.{READABLE_DIGITS}g}")
