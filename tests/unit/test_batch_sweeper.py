"""The sweeper frees, between batches of a load made with the collector paused, the reference
cycles a batch left behind (a driver's results keep their parameters in cycles)."""

from __future__ import annotations

import gc
import weakref

import pytest

from graph.collector import BatchSweeper, collector_paused


class _Rows:
    """Stands for a batch's parameters held by a result in a reference cycle."""

    def __init__(self) -> None:
        self.cycle = self


def _left_in_a_cycle() -> weakref.ref[_Rows]:
    rows = _Rows()
    return weakref.ref(rows)


def test_a_paused_collector_keeps_cycles_the_sweeper_frees_them() -> None:
    with collector_paused():
        kept = _left_in_a_cycle()
        assert kept() is not None  # paused: nothing frees the cycle
        sweep = BatchSweeper(full_every=8)
        sweep()
        assert kept() is None


def test_cycles_still_in_use_at_one_call_are_freed_by_a_later_full_sweep() -> None:
    with collector_paused():
        sweep = BatchSweeper(full_every=3)
        rows = _Rows()
        held = weakref.ref(rows)
        sweep()  # in use: survives, and moves to an older generation
        sweep()
        del rows
        assert held() is not None
        sweep()  # the third call collects every generation
        assert held() is None


def test_finish_frees_everything_left() -> None:
    with collector_paused():
        sweep = BatchSweeper(full_every=1000)
        rows = _Rows()
        held = weakref.ref(rows)
        sweep()
        sweep()
        del rows
        sweep.finish()
        assert held() is None
    assert gc.isenabled()


def test_full_every_must_be_positive() -> None:
    with pytest.raises(ValueError):
        BatchSweeper(full_every=0)
