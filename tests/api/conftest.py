"""A live API over real HTTP on loopback, on each backend, with keys of every role."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from api import create_app
from graph.loaders import load_dataset
from graph.settings import Settings
from graph.store import open_keys, open_store
from graph.store.keys import Role
from tests.conftest import _free_port


@dataclass
class LiveApi:
    base_url: str
    keys: dict[str, str]
    settings: Settings

    def client(self, role: str | None = None, headers: dict | None = None) -> httpx.Client:
        sent = {"Authorization": f"Bearer {self.keys[role]}"} if role else {}
        sent.update(headers or {})
        return httpx.Client(base_url=self.base_url, headers=sent, timeout=30)

    def add_key(self, name: str, role: Role, centre: str | None = None) -> str:
        keys = open_keys(self.settings)
        try:
            return keys.add(name, role, centre)
        finally:
            keys.close()


#: The test keys: role name -> (key name, role, centre).
TEST_KEYS = {
    "admin": ("t-admin", Role.ADMIN, None),
    "analyst": ("t-analyst", Role.ANALYST, None),
    "centre": ("t-centre", Role.CENTRE, "C1"),
    "centre2": ("t-centre2", Role.CENTRE, "C2"),
}


def load_with_keys(settings: Settings, dataset, roles=tuple(TEST_KEYS)) -> dict[str, str]:
    """Load ``dataset`` into the store ``settings`` name and make a test key for each of
    ``roles``; returns the keys' secrets by role."""
    with open_store(settings) as store:
        load_dataset(dataset, store)
    keys = open_keys(settings)
    try:
        return {role: keys.add(*TEST_KEYS[role]) for role in roles}
    finally:
        keys.close()


@pytest.fixture
def live_api(settings: Settings, small_dataset) -> Iterator[LiveApi]:
    made = load_with_keys(settings, small_dataset)
    with serve(create_app(settings)) as base_url:
        yield LiveApi(base_url, made, settings)


def on_event_loop() -> bool:
    """Whether the calling code runs on an event loop (in the server: not on a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
