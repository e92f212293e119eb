"""Pages for analysts: pyvis network pages and the density chart (with its year slider over
the density history), fully offline."""

from viz.pages import (
    DENSITY_FIELDS,
    MAX_VIEW_NODES,
    NetworkView,
    centre_view,
    density_page,
    network_page,
    prefecture_view,
)

__all__ = [
    "DENSITY_FIELDS",
    "MAX_VIEW_NODES",
    "NetworkView",
    "centre_view",
    "density_page",
    "network_page",
    "prefecture_view",
]
