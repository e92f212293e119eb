"""The garbage collector paused while millions of rows are made at once (a load, a store
opening)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BatchSweeper", "collector_off", "collector_paused"]

# The blocks that hold the collector off, process-wide: several threads may be inside one at
# once (merges, projections, a store's reread), and they may end in any order. The first to
# begin turns the collector off, the last to end turns it back on if it was on before the
# first began; looking whether it is on and turning it off happen under one lock, so no
# interleaving can leave it off for good.
_holding = threading.Lock()
_holders = 0
_resume = False


def _hold() -> None:
    global _holders, _resume
    with _holding:
        if _holders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _holders += 1


def _release() -> None:
    global _holders
    with _holding:
        _holders -= 1
        if _holders == 0 and _resume:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then resume it as it was (once
    no other block holds it off), with what the block made and kept (a loaded graph) moved
    out of its reach.

    A load makes millions of tuples and dictionaries that live on; each makes the collector
    run, and its full passes walk every object alive, so on a national dataset they cost a
    large share of the time of checking the relations. The rows hold no reference cycles,
    so nothing is kept longer than it would be: reference counting still frees as it goes.
    At the end :func:`gc.freeze` puts every object alive into the permanent generation, so
    that the next reports do not pay for walking the graph; an object frozen there is still
    freed when its last reference goes. ``make bench`` measures loads and reports with it.
    """
    _hold()
    try:
        yield
    finally:
        gc.freeze()
        _release()


@contextmanager
def collector_off() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector for the block, then turn it back on if it
    was on, once no other block (of any thread) holds it off.

    A projection makes a few dictionaries per node and per edge at once (a hub's merge, a
    tuple or two per tie), each of which counts towards the collector's next pass, and its
    full passes walk every object alive (a store's whole graph among them). The objects hold
    no reference cycles, so reference counting frees them as usual; a cycle made meanwhile
    waits for the first pass after the block. Used as a decorator too. Unlike
    :func:`collector_paused`, nothing is frozen: a projection is dropped after use, and a
    frozen graph that later took part in a cycle would never be freed.
    """
    _hold()
    try:
        yield
    finally:
        _release()


class BatchSweeper:
    """Frees, between the batches of a long write made with the collector paused, the
    reference cycles the batches left behind.

    The database driver keeps each statement's result, and with it the statement's
    parameters (a batch of rows), in reference cycles, which only the cyclic collector
    frees: paused for a whole load, it would let every batch written stay in memory to the
    end. Called after each batch, a sweeper collects the young objects (those made since the
    last call, so the cost follows the batch, not what the load keeps), and every
    ``full_every`` calls all generations, which frees the cycles that were still in use at an
    earlier call. :meth:`finish` collects everything once, so that nothing left over is
    frozen by :func:`collector_paused`.
    """

    def __init__(self, full_every: int = 8):
        if full_every < 1:
            raise ValueError("full_every must be at least 1")
        self._full_every = full_every
        self._calls = 0

    def __call__(self) -> None:
        """A batch was written: free the cycles it left."""
        self._calls += 1
        gc.collect(2 if self._calls % self._full_every == 0 else 1)

    def finish(self) -> None:
        """The writes are over: free every cycle left."""
        gc.collect()
