"""The HTTP API: a thin FastAPI layer over ``graph.queries`` and the store."""

from api.app import create_app

__all__ = ["create_app"]
