"""Open routes: health."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.schemas.system import Health

router = APIRouter(tags=["system"])


@router.get("/health", response_model=Health, summary="Is the service up, and on which backend")
async def health(request: Request) -> Health:
    """Answers on the event loop without touching the store, so it stays quick however busy
    the workers are."""
    return Health(backend=request.app.state.store.backend)


@router.head(
    "/health",
    summary="Is the service up (status only)",
    responses={200: {"description": "Up; no body."}},
)
async def health_head() -> Response:
    """``HEAD /health``: 200 with no body, for probes that only look at the status."""
    return Response(status_code=200, media_type="application/json")
