"""Open routes: health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.schemas import Health

router = APIRouter(tags=["system"])


@router.get("/health", response_model=Health, summary="Is the service up, and on which backend")
def health(store: StoreDep) -> Health:
    return Health(backend=store.backend)
