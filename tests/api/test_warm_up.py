"""The server warms its store up when it starts, on a thread of its own, and says so."""

from __future__ import annotations

import gc
import logging
import threading

import pytest

from api.app import _warm_up, log
from graph.errors import StoreError
from graph.model import Expertise
from graph.settings import Backend
from graph.store.ports import GraphStore


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def said():
    handler = _Said()
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield handler.records
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


class _Store:
    """Only what ``_warm_up`` calls."""

    def __init__(self, answer):
        self.answer = answer

    def warm_up(self):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_what_was_read_is_logged(said):
    _warm_up(_Store({"nodes": 1200, "hubs": 3}), threading.Event())
    assert [r.levelno for r in said] == [logging.INFO]
    assert "1,200 nodes, 3 hubs" in said[0].getMessage()


def test_nothing_read_says_nothing(said):
    _warm_up(_Store({}), threading.Event())
    assert said == []


def test_a_failure_is_a_warning_and_not_raised(said):
    _warm_up(_Store(StoreError("the database went away")), threading.Event())
    assert [r.levelno for r in said] == [logging.WARNING]
    assert "the database went away" in said[0].getMessage()


def test_a_failure_while_the_server_stops_says_nothing(said):
    stopping = threading.Event()
    stopping.set()
    _warm_up(_Store(StoreError("closed")), stopping)
    assert said == []


@pytest.fixture
def warm_ups(monkeypatch) -> tuple[list[dict[str, int]], threading.Event]:
    """What each app started from now on read when it warmed its store up."""
    import api.app

    read: list[dict[str, int]] = []
    done = threading.Event()

    def warm_up(store: GraphStore, stopping: threading.Event) -> None:
        read.append(store.warm_up())
        done.set()

    monkeypatch.setattr(api.app, "_warm_up", warm_up)
    return read, done


def test_the_served_app_warms_its_store_up(warm_ups, live_api):
    """On each backend: the store the app opened is warmed up, and what it read is real."""
    read, done = warm_ups
    assert done.wait(60)
    if live_api.settings.backend is Backend.NEO4J:
        assert read[0]["samples"] == 5  # the small dataset has a node of every kind
    else:  # today's counts and the centres of each expertise, kept
        assert read == [{"days of counts": 1, "lists of centres by expertise": len(Expertise)}]


def test_what_the_server_made_to_start_is_out_of_the_collectors_reach(settings, small_dataset):
    # a full pass of Python's collector walked every object the server made to start (about
    # 90 ms under load on Neo4j); once started they are frozen, and passes walk the rest only
    from api import create_app
    from tests.api.conftest import load_with_keys, serve

    load_with_keys(settings, small_dataset, roles=("analyst",))
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with serve(create_app(settings)):
        frozen = gc.get_freeze_count()
    assert frozen > 10_000  # the modules, the app and its store, not a handful
