"""`rsn serve --workers N` on the embedded store: several real server processes on one port,
one data folder. A key made once works on every process and, revoked, fails on every one at
once; what one process writes every other answers for within the store's refresh (about a
second)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from graph.store.keys import FileKeyStore, Role
from tests.conftest import _free_port


def _serve(data_dir: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RSN_"))}
    env |= {"RSN_DATA_DIR": str(data_dir), "RSN_BACKEND": "embedded"}
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_healthy(client: httpx.Client, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not come up")


def test_every_worker_takes_one_key_sees_the_others_writes_and_a_revocation(
    small_store_dir, tmp_path
):
    keys = FileKeyStore(small_store_dir)
    secret = keys.add("admin", Role.ADMIN)
    keys.close()
    port = _free_port()
    log = tmp_path / "serve.log"
    server = _serve(small_store_dir, port, 2, log)
    headers = {"Authorization": f"Bearer {secret}"}
    # a new connection for every request, so that the workers share them
    fresh = httpx.Limits(max_keepalive_connections=0)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, limits=fresh) as client:
            _wait_healthy(client)
            deadline = time.monotonic() + 60
            while log.read_text().count("Application startup complete") < 2:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            assert log.read_text().count("Started server process") == 2
            answers = {client.get("/v1/stats", headers=headers).status_code for _ in range(20)}
            assert answers == {200}
            assert client.get("/v1/stats").status_code == 401

            written = client.post(
                "/v1/nodes",
                headers=headers,
                json=[
                    {
                        "kind": "Enterprise",
                        "values": {"id": "W2", "name": "Two", "prefecture": "13", "industry": "E"},
                    }
                ],
            )
            assert written.status_code == 200, written.text
            # every later read, on whichever process takes it, finds the node once the
            # others have refreshed
            time.sleep(3)
            found = [client.get("/v1/nodes/W2", headers=headers).status_code for _ in range(20)]
            assert found == [200] * 20

            # revoked from outside, the key fails on every process at once
            keys = FileKeyStore(small_store_dir)
            keys.revoke("admin")
            keys.close()
            refused = [client.get("/v1/stats", headers=headers).status_code for _ in range(20)]
            assert refused == [401] * 20
    finally:
        server.terminate()
        server.wait(timeout=30)
