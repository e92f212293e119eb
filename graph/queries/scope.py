"""The scope a question asks about: one prefecture, or the whole network."""

from __future__ import annotations

from graph.errors import InvalidArgument
from graph.japan import PREFECTURE_BY_CODE, not_a_prefecture
from graph.model import Scope

__all__ = ["scope_of"]


def scope_of(prefecture: str | None) -> Scope:
    """The scope of a question: one prefecture by its JIS X 0401 code, or the whole network.

    Raises InvalidArgument for a code that names no prefecture.
    """
    if prefecture is None:
        return Scope()
    if prefecture not in PREFECTURE_BY_CODE:
        raise InvalidArgument(not_a_prefecture(prefecture))
    return Scope(prefecture)
