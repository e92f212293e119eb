"""Whether a node is there on the day a question is asked, and the sentence when it is not.

Questions read the graph as of a day (:meth:`GraphStore.as_of`). A node missing from it may
be unknown, or known to the store but not there that day: it ended on or before the day, or
was founded after it. The answer says which, so that a person knows to ask as of another
day.
"""

from __future__ import annotations

from graph.errors import NotFound
from graph.i18n import _
from graph.model import Node
from graph.queries.merges import no_node, resolve
from graph.store.dated import DatedStore
from graph.store.ports import GraphStore
from graph.valid_time import Day

__all__ = ["absent_on", "missing", "node_on"]


def absent_on(node: Node, day: Day) -> str:
    """Why ``node``, which the store holds, is not in the graph as of ``day``: it ended on
    or before the day, or was founded after it."""
    ended = node.props.get("ended")
    if ended is not None and ended <= day:
        return _(
            "node {id!r} ended on {ended}; it is not in the graph as of {day} (ask as_of an "
            "earlier day to see it)",
            id=node.id,
            ended=ended,
            day=day,
        )
    founded = node.props.get("founded")
    if founded is not None and int(day[:4]) < founded:
        return _(
            "node {id!r} was founded in {founded}; it is not in the graph as of {day} (ask "
            "as_of a later day to see it)",
            id=node.id,
            founded=founded,
            day=day,
        )
    return _("node {id!r} is not in the graph as of {day}", id=node.id, day=day)


def missing(store: GraphStore, node_id: str) -> NotFound:
    """The NotFound for ``node_id``, which ``store`` does not hold: for a store as of a day,
    one that says when the node ended (or was founded) if the whole history holds it, and for
    the id of a node merged into another, which node that is."""
    kept = store.aliases().get(node_id)
    if kept is not None:
        return NotFound(
            _("node {id!r} was merged into {kept!r}; ask about {kept!r}", id=node_id, kept=kept)
        )
    if isinstance(store, DatedStore):
        node = store.store.get_node(node_id)
        if node is not None:
            return NotFound(absent_on(node, store.day))
    return NotFound(no_node(node_id))


def node_on(store: GraphStore, node_id: str) -> Node:
    """The node ``node_id`` of ``store`` (as of its day, for a store as of a day); for the
    id of a node merged into another (an alias, see :mod:`graph.merging`), the kept node.
    Raises NotFound, worded by :func:`missing`, when there is none."""
    node = store.get_node(node_id)
    if node is not None:
        return node
    kept = resolve(store, node_id)
    node = store.get_node(kept) if kept != node_id else None
    if node is None:
        raise missing(store, kept)
    return node
