"""The sweeper frees, between batches of a load made with the collector paused, the reference
cycles a batch left behind (a driver's results keep their parameters in cycles); and blocks
that hold the collector off, in several threads at once, always leave it as it was."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from graph.collector import BatchSweeper, collector_off, collector_paused


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


def test_blocks_that_end_in_any_order_leave_the_collector_as_it_was() -> None:
    """Blocks holding the collector off (of several threads at once) may end in any order:
    it stays off until the last ends, then it is on again, as it was before the first."""
    assert gc.isenabled()
    first, second = collector_off(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to begin ends first
    assert not gc.isenabled()  # the second still holds it off
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_off():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_threads_that_hold_the_collector_off_at_once_never_leave_it_off() -> None:
    start = threading.Barrier(8)

    def hold() -> None:
        start.wait()
        for _ in range(500):
            with collector_off():
                pass

    threads = [threading.Thread(target=hold) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()
