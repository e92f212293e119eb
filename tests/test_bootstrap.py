"""The composition root: what it opens, when, and what it refuses."""

from __future__ import annotations

import threading

import pytest

from graph.bootstrap import open_services
from graph.errors import NotFound
from graph.settings import load_settings
from graph.store.embedded import STORE_FILE
from graph.store.keys import KEYS_FILE


def _watchers() -> int:
    return sum(thread.name == "rsn-store-watch" for thread in threading.enumerate())


def test_nothing_is_opened_or_made_until_asked_for(tmp_path):
    settings = load_settings(RSN_BACKEND="embedded", RSN_DATA_DIR=str(tmp_path / "data"))
    with open_services(settings, existing=True) as services:
        assert services.existing_keys() is None
        with pytest.raises(NotFound, match="no store in"):
            services.store  # noqa: B018 (the property opens the store)
    assert not (tmp_path / "data" / STORE_FILE).exists()
    assert not (tmp_path / "data" / KEYS_FILE).exists()


def test_the_store_watches_for_other_writers_unless_told_not_to(tmp_path):
    settings = load_settings(RSN_BACKEND="embedded", RSN_DATA_DIR=str(tmp_path / "data"))
    before = _watchers()
    with open_services(settings) as services:
        assert services.store.get_node("nobody") is None
        assert _watchers() == before + 1
        services.keys.list()
    assert (tmp_path / "data" / KEYS_FILE).exists()
    with open_services(settings, watch=False) as services:
        assert services.store.get_node("nobody") is None
        assert _watchers() == before
