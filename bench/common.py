"""What every benchmark shares: where datasets are cached and results written, the dataset
itself, an ``rsn serve`` of its own on a free port, and small helpers.

``RSN_BENCH_DATA`` (default bench/.data) and ``RSN_BENCH_RESULTS`` (default bench/results)
move both, so a smoke run can stay in a temporary folder.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import httpx

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("RSN_BENCH_DATA", HERE / ".data"))
RESULTS = Path(os.environ.get("RSN_BENCH_RESULTS", HERE / "results"))


def say(message: str) -> None:
    """Progress for the person watching, on stderr."""
    print(message, file=sys.stderr, flush=True)


def dataset(enterprises: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The synthetic dataset folder (made if missing) and its row count per file."""
    from seeds import generate_dataset

    folder = DATA / f"dataset-{enterprises}-{seed}"
    if not (folder / "relations.csv").exists():
        say(f"generating {enterprises:,} enterprises into {folder} ...")
        generate_dataset(folder, enterprises=enterprises, seed=seed)
    counts = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            counts[path.name] = sum(1 for _ in csv.reader(handle)) - 1
    return folder, counts


def server_data(name: str, backend: str, enterprises: int, seed: int) -> Path:
    """A fresh data folder ``DATA/<name>-<backend>-<enterprises>-<seed>`` for a benchmark's
    API server: for the embedded store a copy of the benchmark's store without its keys, for
    Neo4j (whose graph is in the server) an empty folder for the keys."""
    data_dir = DATA / f"{name}-{backend}-{enterprises}-{seed}"
    shutil.rmtree(data_dir, ignore_errors=True)
    if backend == "embedded":
        shutil.copytree(DATA / f"embedded-{enterprises}-{seed}", data_dir)
        for stale in data_dir.glob("keys.sqlite*"):
            stale.unlink()
    else:
        data_dir.mkdir(parents=True)
    return data_dir


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def write_results(name: str, report: dict[str, Any]) -> Path:
    """Write ``report`` as RESULTS/<name>.json and say where."""
    path = RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {path}")
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(
    stack: ExitStack,
    data_dir: Path,
    backend: str = "embedded",
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> tuple[str, subprocess.Popen]:
    """``rsn serve`` on ``backend`` with its data in ``data_dir`` (and ``env`` beside), on a
    free port of 127.0.0.1, in a process of its own that ``stack`` stops when it closes; its
    log in ``log`` (dropped without one). Returns its base URL and its process at once, not
    waiting for it to answer (:func:`wait_healthy`)."""
    port = free_port()
    settings = dict(os.environ, RSN_BACKEND=backend, RSN_DATA_DIR=str(data_dir), **(env or {}))
    output: IO[bytes] | int = log.open("wb") if log is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
            env=settings,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    finally:
        if not isinstance(output, int):
            output.close()
    stack.callback(process.wait, timeout=60)
    stack.callback(process.terminate)
    return f"http://127.0.0.1:{port}", process


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 600) -> None:
    """Wait until the server at ``base`` answers ``/health``. Raises RuntimeError if it
    stops meanwhile or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the API server stopped while starting")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the API server did not start in time")


def key_store(data_dir: Path, backend: str = "embedded") -> Any:
    """The key store an ``rsn serve`` on ``backend`` with its data in ``data_dir`` reads
    (the Neo4j of ``NEO4J_URI`` for neo4j), open: the caller closes it."""
    from graph.settings import Settings
    from graph.store import open_keys

    return open_keys(Settings(RSN_BACKEND=backend, RSN_DATA_DIR=data_dir))


def add_keys(
    data_dir: Path, names: Iterable[str], role: Any, backend: str = "embedded"
) -> dict[str, str]:
    """A new key of ``role`` (a :class:`graph.store.keys.Role`) for each of ``names`` in the
    :func:`key_store` of ``data_dir`` and ``backend`` (one of the same name is replaced):
    the secrets, by name."""
    keys = key_store(data_dir, backend)
    try:
        return {name: keys.add(name, role, replace=True) for name in names}
    finally:
        keys.close()
