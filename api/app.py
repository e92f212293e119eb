"""The app factory: the store and the keys are opened in the lifespan and closed there."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.keys import KeyStore
from api.routers import graph as graph_router
from api.routers import introductions as introductions_router
from api.routers import pages as pages_router
from api.routers import referrals as referrals_router
from api.routers import system as system_router
from api.routers import weaknesses as weaknesses_router
from graph.settings import Settings, load_settings
from graph.store import open_store
from graph.store.base import GraphStore

__all__ = ["create_app"]

#: The server's own log (uvicorn gives it a handler; ``rsn serve`` runs uvicorn).
log = logging.getLogger("uvicorn.error")

DESCRIPTION = """
rsn answers three questions about a regional SME support network: who can introduce whom,
where the network is weak, and which centre should take a referral.

Every route under `/v1` needs `Authorization: Bearer KEY` (a key from `rsn keys add`).
Roles: `analyst` reads; `centre` reads and handles its own centre's referrals; `admin` does
everything. Status codes: 401 no or unknown key, 403 a role that may not, 404 unknown id,
409 a state conflict, 422 a malformed or out-of-range parameter.
"""


def _warm_up(store: GraphStore, stopping: threading.Event) -> None:
    """Let the store read ahead what the first questions need (see ``GraphStore.warm_up``),
    on its own thread while the server already answers; a failure only costs that speed, and
    one because the server stopped meanwhile (closing the store) is not worth a word."""
    started = time.perf_counter()
    try:
        read = store.warm_up()
    except Exception as error:  # logged: the server goes on without it
        if not stopping.is_set():
            log.warning("warming up the store failed (the first questions are slower): %s", error)
        return
    if read:
        said = ", ".join(f"{count:,} {name}" for name, count in read.items())
        log.info("store warmed up in %.1f s: %s", time.perf_counter() - started, said)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API. Settings are read from the environment when the app starts, unless
    given; the store they name is opened then and closed at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or load_settings()
        store = open_store(chosen)
        keys = KeyStore(chosen.data_dir)
        app.state.settings = chosen
        app.state.store = store
        app.state.keys = keys
        stopping = threading.Event()
        threading.Thread(
            target=_warm_up, args=(store, stopping), name="rsn-warm-up", daemon=True
        ).start()
        try:
            yield
        finally:
            stopping.set()
            keys.close()
            store.close()

    app = FastAPI(title="rsn", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(system_router.router)
    app.include_router(graph_router.router, prefix="/v1")
    app.include_router(introductions_router.router, prefix="/v1")
    app.include_router(weaknesses_router.router, prefix="/v1")
    app.include_router(pages_router.router)
    app.include_router(pages_router.viz, prefix="/v1")
    app.include_router(referrals_router.router, prefix="/v1")
    return app
