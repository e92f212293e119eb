"""Where a route's work runs: on the server's event loop, or on a worker thread.

A request's work goes to a worker thread by default, so that whatever it waits on (a server
across the network, a file another process holds) holds only that request. The hop there and
back costs about as much as a short in-memory answer, though: work that waits on nothing and
is bounded (an indexed row of a local file, a search in a graph held in memory) runs on the
loop instead. The caller says which (:func:`run_where`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

__all__ = ["run_where"]

P = ParamSpec("P")
T = TypeVar("T")


async def run_where(on_loop: bool, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """What ``work(*args, **kwargs)`` returns: made on the event loop when ``on_loop`` (the
    caller knows it waits on nothing and is short), else on a worker thread. Raises what
    ``work`` raises."""
    if on_loop:
        return work(*args, **kwargs)
    return await run_in_threadpool(work, *args, **kwargs)
