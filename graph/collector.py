"""The garbage collector paused while millions of rows are made at once (a load, a store
opening)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then resume it as it was, with
    what the block made and kept (a loaded graph) moved out of its reach.

    A load makes millions of tuples and dictionaries that live on; each makes the collector
    run, and its full passes walk every object alive, so on a national dataset they cost a
    large share of the time of checking the relations. The rows hold no reference cycles,
    so nothing is kept longer than it would be: reference counting still frees as it goes.
    At the end :func:`gc.freeze` puts every object alive into the permanent generation, so
    that the next reports do not pay for walking the graph; an object frozen there is still
    freed when its last reference goes. ``make bench`` measures loads and reports with it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
