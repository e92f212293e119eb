"""The API's documentation page, served with no request to another host.

Swagger UI's script, style and icon come from the ``swagger-ui-py`` package, which ships them
with their licence (Apache-2.0, served beside them at ``/docs/assets/LICENSE``); the page
loads them and ``/openapi.json`` from this server only.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from graph.errors import ConfigurationError

__all__ = ["ASSETS", "install_docs"]

#: Where the page's assets are served.
ASSETS = "/docs/assets"


def _assets_folder() -> Path:
    """The folder of Swagger UI's files in the installed ``swagger-ui-py`` (found without
    importing it). Raises ConfigurationError if the package is missing."""
    spec = importlib.util.find_spec("swagger_ui")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        static = Path(folder) / "static"
        if (static / "swagger-ui-bundle.js").is_file():
            return static
    raise ConfigurationError(
        "the package swagger-ui-py is missing; reinstall rsn (pip install -e .)"
    )


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) and its assets under :data:`ASSETS`."""
    app.mount(ASSETS, StaticFiles(directory=_assets_folder()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title}: API documentation",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters={"validatorUrl": None},
        )
        notice = (
            '<p style="font:12px sans-serif;margin:1rem">Swagger UI is served from this server '
            f'under the <a href="{ASSETS}/LICENSE">Apache License 2.0</a>.</p></body>'
        )
        text = bytes(page.body).decode("utf-8").replace("</body>", notice, 1)
        return HTMLResponse(text)
