"""The bulk load's statement threads (graph.store.neo4j._InFlight): statements that share a
lane never run at once and keep the order they were sent in, statements of disjoint lanes
run side by side, and a failure stops what is still waiting and reaches the loader."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from graph.store.neo4j import ALL_LANES, LANES, _InFlight, _lane

WAIT = 10.0


def _together(count: int) -> threading.Barrier:
    """A barrier that only ``count`` statements running at once can pass."""
    return threading.Barrier(count, timeout=WAIT)


def test_statements_of_disjoint_lanes_run_side_by_side() -> None:
    both = _together(2)
    passed: list[str] = []
    flight = _InFlight(2)
    flight.submit(lambda: (both.wait(), passed.append("a")), frozenset({0, 1}))
    flight.submit(lambda: (both.wait(), passed.append("b")), frozenset({2, 3}))
    flight.close()
    assert sorted(passed) == ["a", "b"]


def test_statements_sharing_a_lane_never_overlap_and_keep_their_order() -> None:
    running = 0
    most = 0
    order: list[int] = []
    guard = threading.Lock()

    def statement(number: int) -> None:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.005)
        with guard:
            running -= 1
            order.append(number)

    flight = _InFlight(2)
    for number in range(12):
        # every statement holds lane 1, with one other lane that changes
        flight.submit(lambda number=number: statement(number), frozenset({1, number % LANES}))
    flight.close()
    assert most == 1
    assert order == list(range(12))


def test_a_statement_waiting_on_a_lane_lets_a_later_free_one_pass() -> None:
    """The oldest statement whose lanes are free runs: one held up does not hold up all."""
    release = threading.Event()
    started: list[str] = []
    flight = _InFlight(2)
    flight.submit(lambda: (started.append("first"), release.wait(WAIT)), frozenset({0}))
    flight.submit(lambda: started.append("same lane"), frozenset({0}))
    other_ran = threading.Event()
    flight.submit(lambda: (started.append("other lane"), other_ran.set()), frozenset({1}))
    assert other_ran.wait(WAIT), "a statement of a free lane waited behind a busy one"
    assert "same lane" not in started
    release.set()
    flight.close()
    assert started == ["first", "other lane", "same lane"]


def test_a_statement_holding_every_lane_runs_alone() -> None:
    running: list[str] = []
    seen_together: list[list[str]] = []
    guard = threading.Lock()

    def statement(name: str) -> None:
        with guard:
            running.append(name)
            seen_together.append(list(running))
        time.sleep(0.01)
        with guard:
            running.remove(name)

    flight = _InFlight(2)
    flight.submit(lambda: statement("lane 0"), frozenset({0}))
    flight.submit(lambda: statement("alone"), ALL_LANES)
    flight.submit(lambda: statement("lane 3"), frozenset({3}))
    flight.close()
    assert ["alone"] in seen_together
    assert all(len(names) == 1 for names in seen_together if "alone" in names)


def test_statements_without_lanes_run_beside_any() -> None:
    both = _together(2)
    flight = _InFlight(2)
    flight.submit(both.wait, ALL_LANES)
    flight.submit(both.wait)
    flight.close()


def test_a_failure_drops_what_waits_and_reaches_the_loader() -> None:
    release = threading.Event()
    ran: list[int] = []
    flight = _InFlight(1)

    def failing() -> None:
        release.wait(WAIT)
        raise RuntimeError("statement refused")

    flight.submit(failing, frozenset({0}))
    for number in range(3):
        flight.submit(lambda number=number: ran.append(number), frozenset({0}))
    release.set()
    with pytest.raises(RuntimeError, match="statement refused"):
        flight.drain()
    assert ran == []
    flight.close()  # nothing left to raise


def test_a_failure_is_raised_to_the_next_sender() -> None:
    flight = _InFlight(1)
    flight.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            flight.submit(lambda: None)
            time.sleep(0.01)
    flight.close(quiet=True)


def test_a_node_keeps_its_lane() -> None:
    lanes = {_lane(f"E{number:07d}") for number in range(200)}
    assert lanes == set(range(LANES))  # spread over every lane
    assert all(_lane("C0001") == _lane("C0001") for _ in range(3))


def test_the_drivers_notice_of_a_retry_stays_off_the_terminal() -> None:
    """A deadlock between two statements of a load is retried by the driver, which notes it
    at WARNING; that notice is kept at DEBUG, other warnings of the driver are not."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep(level=logging.WARNING)
    driver_log = logging.getLogger("neo4j")
    driver_log.addHandler(handler)
    try:
        session_log = logging.getLogger("neo4j.session")
        session_log.warning("Transaction failed and will be retried in %ss (%s)", 1.2, "deadlock")
        session_log.warning("Failed to read from defunct connection")
    finally:
        driver_log.removeHandler(handler)
    assert [record.getMessage() for record in seen] == ["Failed to read from defunct connection"]
