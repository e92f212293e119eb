"""How long work reports its progress: one callback shape for loads, exports and the seed
generator, so that the command line shows them all with one bar."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

#: progress(stage, done, total): ``done`` items of ``stage`` so far, out of ``total`` (None
#: when unknown).
Progress = Callable[[str, int, int | None], None]


def no_progress(stage: str, done: int, total: int | None) -> None:
    """The progress callback that reports nothing."""
