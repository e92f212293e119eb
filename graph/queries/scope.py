"""The scope a question asks about: one prefecture, or the whole network."""

from __future__ import annotations

from graph.errors import InvalidArgument
from graph.japan import PREFECTURE_BY_CODE
from graph.model import Scope

__all__ = ["scope_of"]


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
