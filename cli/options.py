"""Options that several commands share, in a module of their own so that command modules
other than :mod:`cli.main` can use them without importing it."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["AsOf"]

#: The ``--as-of`` option of the commands that answer about the network.
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Answer about the network as it was on this day (default: today).",
        show_default=False,
    ),
]
