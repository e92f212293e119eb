"""Heavy work (the weakness report, what-if, density) in worker processes of its own.

These answers are seconds of CPU-bound Python (NetworkX). Run in the server's threads, they
hold the interpreter's lock and every light route waits behind them. So the server hands
them to a :class:`concurrent.futures.ProcessPoolExecutor` (the spawn start method) of
``RSN_HEAVY_PROCESSES`` workers (default 1; ``0`` runs them in the server's threads, as
before). Each worker opens its own store from the app's settings when it starts: on the
embedded backend its own :class:`~graph.store.embedded.EmbeddedStore` on the same data folder
(a second copy of the graph in memory), on Neo4j its own driver. Before each job an embedded
worker brings its graph up to date (:meth:`EmbeddedStore.refresh`), so an answer holds every
write committed before it was asked. The worker also turns the answer into JSON, so the
server only sends bytes.

Errors a job raises (NotFound, InvalidArgument, StoreUnavailable, ...) come back to the
server as the same exceptions, for the API's handlers. A worker that dies (killed, out of
memory) breaks the pool: it is replaced and the request that met it is answered 503 with
``Retry-After`` (through :class:`~graph.errors.StoreUnavailable`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import connection as mp_connection
from multiprocessing import util as mp_util
from typing import TypeVar

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.concurrency import run_in_threadpool

from graph.bootstrap import Services
from graph.errors import RsnError, StoreUnavailable
from graph.i18n import language, speaking
from graph.settings import Settings
from graph.store.ports import GraphStore
from graph.valid_time import today

__all__ = ["HeavyConfig", "HeavyWork", "Job", "WORKER_NICENESS", "WORKER_STOPPED"]

log = logging.getLogger("uvicorn.error")

#: A heavy job: a module-level function (so that it pickles by name) of the store and
#: picklable arguments, returning the answer's JSON. It runs in a worker, or in a thread of
#: the server when there is no worker.
Job = Callable[..., bytes]
#: What a job answers: the JSON, or the JSON with what the route needs besides.
_Answer = TypeVar("_Answer")

#: How much lower the workers' CPU priority is than the server's (``nice``): when the cores
#: are all busy, the light routes in the server go first and a report takes longer.
WORKER_NICENESS = 10

#: How long a stopping server waits for a worker to exit before it terminates it.
STOP_SECONDS = 2.0

#: The sentence (for the log) when a worker died under a request.
WORKER_STOPPED = "the heavy work process stopped; it was replaced, try again shortly"


class HeavyConfig(BaseSettings):
    """How heavy work runs, from the environment (or ``.env``)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    processes: int = Field(default=1, alias="RSN_HEAVY_PROCESSES", ge=0, le=16)


# -- inside a worker -------------------------------------------------------------------------

_settings: Settings | None = None
_store: GraphStore | None = None


def _start_worker(settings: Settings) -> None:
    """The worker's initializer: ignore Ctrl-C (the server stops its workers itself), exit
    if the server dies, yield the CPU to the server (:data:`WORKER_NICENESS`), and open the
    store now so that the first job does not wait for it. A store that cannot be opened now
    is tried again by each job, which then raises why."""
    global _settings
    if not log.handlers:  # a spawned worker has none of uvicorn's logging set up
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    _settings = settings
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with, args=(parent.sentinel,), name="rsn-heavy-parent", daemon=True
        ).start()
    try:
        _worker_store()
    except RsnError as error:
        log.warning("the heavy work process could not open the store yet: %s", error)


#: How often the worker looks whether the graph changed (seconds), and how long it must then
#: stay unchanged before today's map figures are worked out again (a load, or a run of API
#: writes, is one change, not hundreds).
FIGURES_POLL_SECONDS = 2.0
FIGURES_QUIET_SECONDS = 2.0


def keep_map_figures(
    store: GraphStore,
    stop: threading.Event,
    poll: float = FIGURES_POLL_SECONDS,
    quiet: float = FIGURES_QUIET_SECONDS,
) -> None:
    """Keep today's map figures worked out, on a thread of the worker, until ``stop`` is
    set: once the worker has its store, then again whenever other processes committed to
    the store and then none did for ``quiet`` seconds (the graph brought up to date first,
    as a job would), and when the day turns. So a visitor of the map rarely waits for its
    figures (they are kept while the graph does not change: see
    :func:`graph.queries.regional_measures.regional_history`); one who comes while they are
    being worked out waits for that work to end. Between changes it only looks at the
    file's version, which reads nothing. Only for a store that keeps the figures (the
    embedded one); a failure is logged and only costs that speed. A store that keeps
    changing is left alone until it settles, and the worker runs at a lower priority."""
    from graph.queries.regional_measures import graph_changes, regional_history

    if graph_changes(store) is None:
        return
    look = getattr(store, "file_version", None)
    done: tuple[object, object] | None = None  # what the figures were last worked out for
    seen: tuple[object, object] | None = None
    seen_at = 0.0
    while True:
        try:
            day = today()
            state = (look() if look is not None else graph_changes(store), day)
            now = time.monotonic()
            if state != seen:
                seen, seen_at = state, now
            if state != done and (done is None or now - seen_at >= quiet):
                done = state
                started = time.perf_counter()
                _brought_up_to_date(store)
                regional_history(store, day)
                log.info("map figures ready in %.3f s", time.perf_counter() - started)
        except Exception as error:  # logged: the worker goes on, and tries at the next change
            log.warning("working out the map's figures ahead failed: %s", error)
        if stop.wait(poll):
            return


def _exit_with(sentinel: int) -> None:
    """Exit the worker at once when the server's process ends (its sentinel is ready)."""
    mp_connection.wait([sentinel])
    os._exit(1)


def _worker_store() -> GraphStore:
    """The worker's store, opened on first use through the composition root (at the
    worker's start, or by the first job if it could not be opened then), with the thread that
    keeps the map's figures (:func:`keep_map_figures`). An embedded store watches no file:
    each job brings it up to date itself. Raises what opening the store raises."""
    global _store
    if _store is None:
        if _settings is None:
            raise RuntimeError("not a heavy work process")
        services = Services(_settings, watch=False)
        _store = services.store
        mp_util.Finalize(None, services.close, exitpriority=10)
        threading.Thread(
            target=keep_map_figures,
            args=(_store, threading.Event()),
            name="rsn-heavy-figures",
            daemon=True,
        ).start()
        threading.Thread(
            target=warm_reports, args=(_store,), name="rsn-heavy-warm", daemon=True
        ).start()
    return _store


#: The start of the line a process logs once it has read ahead for the reports.
READ_AHEAD = "read ahead for the reports"


def warm_reports(store: GraphStore, stopping: threading.Event | None = None) -> None:
    """Let ``store`` read ahead what the first reports need (``GraphStore.warm_reports``:
    on Neo4j the largest prefectures' graphs), on a thread of the process that makes them,
    which meanwhile already works; a failure is logged and only costs that speed, and one
    because the process is ``stopping`` (closing the store) is not worth a word."""
    started = time.perf_counter()
    try:
        read = store.warm_reports()
    except Exception as error:  # logged: the first reports read what they need themselves
        if stopping is None or not stopping.is_set():
            log.warning("reading ahead for the reports failed: %s", error)
        return
    said = ", ".join(f"{count:,} {name}" for name, count in read.items()) or "nothing to read"
    log.info("%s in %.1f s: %s", READ_AHEAD, time.perf_counter() - started, said)


def _ready() -> bool:
    """The no-op sent at start: it makes the pool start its worker, which opens its store."""
    return True


def _said_ready(done: Future[bool], started: float) -> None:
    """Log that a worker has opened its store (the no-op answered after its initializer)."""
    if not done.cancelled() and done.exception() is None:
        log.info("heavy work process ready in %.1f s", time.perf_counter() - started)


def _run(job: Callable[..., _Answer], args: tuple[object, ...], lang: str) -> _Answer:
    """Run ``job`` in a worker, speaking ``lang`` (the request's language), on a store
    brought up to date with every commit made before."""
    store = _brought_up_to_date(_worker_store())
    with speaking(lang):
        return job(store, *args)


def _brought_up_to_date(store: GraphStore) -> GraphStore:
    """``store``, holding every commit made to it before the call (the embedded store
    rereads what other processes wrote; a Neo4j server is always current). Raises what
    :meth:`EmbeddedStore.refresh` raises."""
    refresh = getattr(store, "refresh", None)
    if refresh is not None:
        refresh()
    return store


# -- in the server -------------------------------------------------------------------------


class HeavyWork:
    """The server's side: runs heavy jobs in the worker processes (or, with ``processes``
    0, in the server's threads on ``store``). :meth:`start` starts the workers in the
    background; :meth:`close` stops them."""

    def __init__(self, settings: Settings, store: GraphStore, processes: int):
        self.settings = settings
        self.processes = processes
        self._store = store
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    def start(self) -> None:
        """Start the workers: each opens its store meanwhile, while the server answers."""
        if self.processes > 0:
            with self._lock:
                self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.settings,),
        )
        started = time.perf_counter()
        for _ in range(self.processes):  # one no-op each: every worker starts now
            pool.submit(_ready).add_done_callback(lambda done: _said_ready(done, started))
        return pool

    def worker_pids(self) -> list[int]:
        """The process ids of the running workers (empty without workers): for tests and
        diagnosis (a worker's memory, say)."""
        return sorted(process.pid for process in _processes_of(self._pool) if process.pid)

    async def run(self, job: Callable[..., _Answer], *args: object) -> _Answer:
        """``job(store, *args)``'s JSON, from a worker (or a thread without workers).

        Raises what the job raised, and StoreUnavailable if the worker died meanwhile (the
        pool is then replaced for the next request) or the work is stopping."""
        if self.processes == 0:
            return await run_in_threadpool(job, self._store, *args)
        pool = self._pool
        if pool is None or self._closed:
            raise StoreUnavailable("the heavy work processes are stopping")
        try:
            return await asyncio.wrap_future(pool.submit(_run, job, args, language()))
        except BrokenProcessPool as error:
            await run_in_threadpool(self._replace, pool)
            raise StoreUnavailable(WORKER_STOPPED) from error

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Put a new pool in place of ``broken`` (once, however many requests met it)."""
        with self._lock:
            if self._pool is broken and not self._closed:
                log.warning("a heavy work process stopped; starting a new one")
                self._pool = self._new_pool()
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers: jobs not started are cancelled; an idle worker exits (closing
        its store), one still busy after :data:`STOP_SECONDS` (opening a large store, or a
        report nobody waits for) is terminated, so that the server stops promptly."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = _processes_of(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.terminate()
                process.join(STOP_SECONDS)


def _processes_of(pool: ProcessPoolExecutor | None) -> list[multiprocessing.process.BaseProcess]:
    """The worker processes of ``pool``, from the pool's own table of them."""
    table = getattr(pool, "_processes", None) or {}
    return list(table.values())
