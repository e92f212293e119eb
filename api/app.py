"""The app factory: the store and the keys are opened in the lifespan (through the
composition root, :func:`graph.bootstrap.open_services`) and closed there."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.deps import HeavySlots
from api.docs import install_docs
from api.errors import install_error_handlers, responses
from api.guard import Gate, Limits
from api.heavy import HeavyConfig, HeavyWork, warm_reports
from api.language import Language
from api.routers import audit as audit_router
from api.routers import exports as exports_router
from api.routers import graph as graph_router
from api.routers import introductions as introductions_router
from api.routers import matches as matches_router
from api.routers import merges as merges_router
from api.routers import pages as pages_router
from api.routers import people_pages as people_pages_router
from api.routers import referrals as referrals_router
from api.routers import system as system_router
from api.routers import weaknesses as weaknesses_router
from api.schemas.shared import ErrorBody
from graph.bootstrap import open_services
from graph.settings import Settings
from graph.store.ports import GraphStore

__all__ = ["create_app"]

#: The server's own log (uvicorn gives it a handler; ``rsn serve`` runs uvicorn).
log = logging.getLogger("uvicorn.error")

DESCRIPTION = """
rsn answers three questions about a regional SME support network: who can introduce whom,
where the network is weak, and which centre should take a referral.

Every route under `/v1` needs `Authorization: Bearer KEY` (a key from `rsn keys add`).
Roles: `analyst` reads; `centre` reads and handles its own centre's referrals; `admin` does
everything. Every error is `{"detail": "a sentence"}` (a 422 adds `errors`, one
`{"field", "message"}` per bad field): 401 no or unknown key, 403 a role that may not, 404
unknown id, 409 a state conflict, 413 a body past the server's limit, 422 a malformed or
out-of-range parameter or body (a body that is not UTF-8 JSON included), 503 the store
unavailable or heavy work at its bound, with `Retry-After`.
"""


def _settle() -> None:
    """Move everything the server made to start (its modules, the app, what its store read
    ahead) out of reach of Python's cyclic collector (:func:`gc.freeze`). Those objects live
    as long as the server, and a full pass of the collector walked them all: a pause of every
    request of about 90 ms every few seconds under load. Its passes now walk only what the
    requests make. A frozen object is still freed when its last reference goes."""
    gc.freeze()


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
    _settle()
    if read:
        said = ", ".join(f"{count:,} {name}" for name, count in read.items())
        log.info("store warmed up in %.1f s: %s", time.perf_counter() - started, said)


def create_app(
    settings: Settings | None = None,
    limits: Limits | None = None,
    heavy: HeavyConfig | None = None,
) -> FastAPI:
    """Build the API. Settings are read from the environment when the app starts, unless
    given; the store they name is opened then and closed at shutdown, and the heavy work
    processes (see :mod:`api.heavy`) open their own store from the same settings. ``limits``
    (the body limit, the heavy work bound) and ``heavy`` (how many heavy work processes) are
    read from the environment now, unless given."""
    bounds = limits or Limits()
    config = heavy or HeavyConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with open_services(settings) as services:
            store = services.store
            app.state.store = store
            app.state.keys = services.keys
            app.state.confidential_types = services.settings.confidential_types
            app.state.default_language = services.settings.default_language
            app.state.heavy = HeavySlots(bounds.heavy_requests)
            work = HeavyWork(services.settings, store, config.processes)
            app.state.heavy_work = work
            stopping = threading.Event()
            try:
                work.start()
                threading.Thread(
                    target=_warm_up, args=(store, stopping), name="rsn-warm-up", daemon=True
                ).start()
                if config.processes == 0:  # the reports are made on this store
                    threading.Thread(
                        target=warm_reports,
                        args=(store, stopping),
                        name="rsn-warm-reports",
                        daemon=True,
                    ).start()
                _settle()
                yield
            finally:
                stopping.set()
                work.close()

    app = FastAPI(
        title="rsn",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.add_middleware(Gate, limits=bounds)
    app.add_middleware(Language)  # outermost: the gate's answers speak the caller's language
    install_error_handlers(app)
    # Starlette types a handler's error as Exception; this one only ever gets SignInFirst
    app.add_exception_handler(
        pages_router.SignInFirst,
        pages_router.sign_in_redirect,  # type: ignore[arg-type]
    )
    install_docs(app)
    app.include_router(system_router.router)
    app.include_router(graph_router.router, prefix="/v1")
    app.include_router(introductions_router.router, prefix="/v1")
    app.include_router(weaknesses_router.router, prefix="/v1")
    app.include_router(matches_router.router, prefix="/v1")
    app.include_router(merges_router.router, prefix="/v1")
    app.include_router(audit_router.router, prefix="/v1")
    app.include_router(exports_router.router, prefix="/v1")
    app.include_router(pages_router.router)
    app.include_router(pages_router.viz, prefix="/v1")
    app.include_router(people_pages_router.viz, prefix="/v1")
    app.include_router(referrals_router.router, prefix="/v1")
    _publish_contract(app)
    return app


#: Open operations that read or write the keys (so may meet a locked file: 503).
_KEY_READERS = {("/", "get"), ("/sign-in", "post"), ("/sign-out", "post")}

#: Components FastAPI adds for its own validation error, which this API never sends.
_FASTAPI_ERRORS = ("HTTPValidationError", "ValidationError")


def _publish_contract(app: FastAPI) -> None:
    """Make the OpenAPI document say what the API answers: the real error model on every
    422, 401 and 503 on every route that reads the keys or the store, 413 and 422 on every
    route with a body."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        error_ref = {"$ref": f"#/components/schemas/{ErrorBody.__name__}"}
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                answers = operation.setdefault("responses", {})
                secured = bool(operation.get("security"))
                touches_store = secured or (path, method) in _KEY_READERS
                wants = set()
                if secured:
                    wants.add("401")
                if touches_store:
                    wants.add("503")
                if operation.get("parameters") or operation.get("requestBody"):
                    wants.add("422")
                if operation.get("requestBody"):
                    wants |= {"413", "422"}
                for code in sorted(wants):
                    if code not in answers or _is_fastapi_error(answers[code]):
                        answers[code] = _error_answer(int(code), error_ref)
                for code, answer in answers.items():
                    content = answer.get("content", {})
                    if code.startswith("3"):
                        answer.pop("content", None)  # a redirect has no body
                    elif code >= "400" and "ErrorBody" in str(content.get("text/html")):
                        answer["content"] = {"application/json": {"schema": error_ref}}
        for name in _FASTAPI_ERRORS:
            schemas.pop(name, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _is_fastapi_error(answer: dict[str, Any]) -> bool:
    text = str(answer)
    return any(name in text for name in _FASTAPI_ERRORS)


def _error_answer(code: int, error_ref: dict[str, Any]) -> dict[str, Any]:
    entry = responses(code)[code]
    made = {
        "description": entry["description"],
        "content": {"application/json": {"schema": error_ref}},
    }
    if "headers" in entry:
        made["headers"] = entry["headers"]
    return made
