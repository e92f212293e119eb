"""Two API servers on one Neo4j, as behind a load balancer: each a real `rsn serve` process
with a data folder of its own, so that all they share is the database. A key made through
one works on the other; revoked, it fails on the other at once; a session started on one is
good on the other; one referral moved through both at once has one winner; a POST retried on
the other server with the same Idempotency-Key gets the same referral."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.loaders import load_dataset
from graph.settings import Backend, Settings
from graph.store import open_keys, open_store
from graph.store.keys import Role
from tests.conftest import _free_port

REFERRAL = {"enterprise": "E3", "to_centre": "C2", "need": "intellectual_property"}


def _server_settings(settings: Settings, data_dir: Path) -> Settings:
    """``settings`` with a data folder of the server's own."""
    return settings.model_copy(update={"data_dir": data_dir})


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    return env | {
        "RSN_BACKEND": "neo4j",
        "RSN_DATA_DIR": str(settings.data_dir),
        "NEO4J_URI": settings.neo4j_uri or "",
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "RSN_HEAVY_PROCESSES": "0",
    }


def _wait_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not come up: {log.read_text()}")


@pytest.fixture
def two_servers(settings: Settings, small_dataset, tmp_path: Path) -> Iterator[list[str]]:
    """The base URLs of two API servers on the Neo4j database of ``settings``."""
    with open_store(settings) as store:
        load_dataset(small_dataset, store)
    bases, servers = [], []
    try:
        for name in ("a", "b"):
            own = _server_settings(settings, tmp_path / f"server-{name}")
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
                    env=_environment(own),
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
            _wait_healthy(bases[-1], servers[-1], log)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _client(base: str, secret: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return httpx.Client(base_url=base, headers=headers, timeout=30)


def _add_key(settings: Settings, data_dir: Path, *key: object) -> str:
    """A key made as `rsn keys add` does it beside the server whose folder is ``data_dir``."""
    keys = open_keys(_server_settings(settings, data_dir))
    try:
        return keys.add(*key)  # type: ignore[arg-type]
    finally:
        keys.close()


@pytest.mark.parametrize("backend", [Backend.NEO4J], ids=["neo4j"])
def test_keys_sessions_and_referrals_are_shared_by_two_servers_on_one_neo4j(
    settings, two_servers, tmp_path
):
    first, second = two_servers
    admin = _add_key(settings, tmp_path / "server-a", "ops", Role.ADMIN)
    sender = _add_key(settings, tmp_path / "server-a", "desk-1", Role.CENTRE, "C1")
    receiver = _add_key(settings, tmp_path / "server-b", "desk-2", Role.CENTRE, "C2")
    assert not (tmp_path / "server-a" / "keys.sqlite").exists()  # nothing kept beside a server

    # a key made beside one server opens the other
    for base in (first, second):
        with _client(base, admin) as client:
            assert client.get("/v1/stats").status_code == 200

    # a browser session started on one is good on the other
    with _client(first) as browser:
        signed_in = browser.post("/sign-in", data={"key": admin}, follow_redirects=False)
        assert signed_in.status_code == 303
        cookie = browser.cookies["rsn_session"]
    with httpx.Client(base_url=second, cookies={"rsn_session": cookie}, timeout=30) as other:
        assert other.get("/v1/stats").status_code == 200
        with httpx.Client(base_url=first, cookies={"rsn_session": cookie}) as again:
            assert again.post("/sign-out").status_code in (200, 303)
        assert other.get("/v1/stats").status_code == 401

    # a POST retried on the other server with the same Idempotency-Key: the same referral
    retry = {"Idempotency-Key": "scale-out-1"}
    with _client(first, sender) as one, _client(second, sender) as two:
        made = one.post("/v1/referrals", json=REFERRAL, headers=retry)
        again = two.post("/v1/referrals", json=REFERRAL, headers=retry)
    assert made.status_code == again.status_code == 201, (made.text, again.text)
    assert again.json() == made.json()
    assert again.headers.get("idempotent-replayed") == "true"
    referral = made.json()["id"]

    # one referral moved through both servers at once: one winner
    codes: list[int] = []
    barrier = threading.Barrier(6)

    def move(base: str, status: str) -> None:
        with _client(base, receiver) as client:
            barrier.wait()
            answer = client.patch(
                f"/v1/referrals/{referral}", json={"status": status, "reason": "both servers"}
            )
            codes.append(answer.status_code)

    moves = [(base, status) for base in (first, second) for status in ("accepted", "rejected")]
    threads = [threading.Thread(target=move, args=m) for m in [*moves, *moves[:2]]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [409] * 5, codes
    for base in (first, second):
        with _client(base, admin) as client:
            assert len(client.get(f"/v1/referrals/{referral}").json()["history"]) == 2

    # revoked beside one server, the key fails on both at once
    keys = open_keys(_server_settings(settings, tmp_path / "server-b"))
    try:
        keys.revoke("ops")
    finally:
        keys.close()
    for base in (first, second):
        with _client(base, admin) as client:
            assert client.get("/v1/stats").status_code == 401
