"""How the Neo4j adapter runs a read: one auto-commit statement, tried again on a transient
failure only, within a bound. The statements themselves are checked on a real Neo4j by the
conformance suite; here a stand-in driver fails on cue, which a real server does not do on
demand."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest
from neo4j import RoutingControl
from neo4j import exceptions as neo4j_errors

from graph.store import neo4j as adapter


class _Session:
    def __init__(self, driver: _Driver, options: dict[str, Any]):
        self._driver = driver
        driver.sessions.append(options)

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self._driver.closed += 1

    def run(self, query: str, params: dict[str, Any]) -> list[str]:
        self._driver.sent.append((query, params))
        if self._driver.failures:
            raise self._driver.failures.pop(0)
        return ["record"]


class _Driver:
    """Answers ``["record"]`` once the failures it is given are used up."""

    def __init__(self, *failures: Exception):
        self.failures = list(failures)
        self.sessions: list[dict[str, Any]] = []
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.closed = 0
        self.execute_query_bookmark_manager = object()

    def session(self, **options: Any) -> _Session:
        return _Session(self, options)


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch):
    monkeypatch.setattr(adapter.time, "sleep", lambda seconds: None)


def test_a_read_is_one_auto_commit_statement_with_the_drivers_bookmarks():
    driver = _Driver()
    records = adapter.read_records(driver, "db", "RETURN $x", {"x": [1]}, RoutingControl.READ)
    assert records == ["record"]
    assert driver.sessions == [
        {
            "database": "db",
            "default_access_mode": neo4j.READ_ACCESS,
            "bookmark_manager": driver.execute_query_bookmark_manager,
        }
    ]
    assert driver.sent == [("RETURN $x", {"x": [1]})] and driver.closed == 1
    adapter.read_records(driver, "db", "RETURN 1", {}, RoutingControl.WRITE)
    assert driver.sessions[-1]["default_access_mode"] == neo4j.WRITE_ACCESS


def test_a_transient_failure_is_tried_again_in_a_new_session():
    driver = _Driver(neo4j_errors.ServiceUnavailable("gone"), neo4j_errors.SessionExpired("x"))
    assert adapter.read_records(driver, "db", "RETURN 1", {}, RoutingControl.READ) == ["record"]
    assert len(driver.sessions) == 3 and driver.closed == 3


def test_a_failure_that_a_retry_cannot_mend_is_raised_at_once():
    driver = _Driver(neo4j_errors.ConfigurationError("bad"), neo4j_errors.ServiceUnavailable("x"))
    with pytest.raises(neo4j_errors.ConfigurationError):
        adapter.read_records(driver, "db", "RETURN 1", {}, RoutingControl.READ)
    assert len(driver.sessions) == 1


def test_transient_failures_past_the_bound_are_raised(monkeypatch):
    monkeypatch.setattr(adapter, "RETRY_SECONDS", 0.05)
    driver = _Driver(*(neo4j_errors.ServiceUnavailable("down") for _ in range(10_000)))
    with pytest.raises(neo4j_errors.ServiceUnavailable):
        adapter.read_records(driver, "db", "RETURN 1", {}, RoutingControl.READ)
    assert 1 <= len(driver.sessions) < 10_000
