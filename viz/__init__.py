"""Pages for analysts: pyvis network pages and the density chart, fully offline."""

from viz.pages import (
    MAX_VIEW_NODES,
    NetworkView,
    centre_view,
    density_page,
    network_page,
    prefecture_view,
)

__all__ = [
    "MAX_VIEW_NODES",
    "NetworkView",
    "centre_view",
    "density_page",
    "network_page",
    "prefecture_view",
]
