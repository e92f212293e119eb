"""Finding a node by what a person types: its id, or a part of its name.

A person looking for a firm types what they remember of it: its id (``E000123``), or a part
of its name, in either width (``ﾔﾏﾀﾞ`` finds ``ヤマダ``, ``ＡＢＣ`` finds ``ABC``), in any
case. Names are compared after Unicode NFKC folding and lower-casing, with spaces left
out, so ``山田 製作所`` finds ``山田製作所``.

The matches are ranked: the node whose id is the text, then names equal to the text, then
names that begin with it, then names that hold it; within a rank the shorter name first,
then the id. Each store answers it (:meth:`GraphStore.find_nodes`): the embedded one from
the folded names it keeps in memory, Neo4j with one statement that folds the names as it
reads them.
"""

from __future__ import annotations

from graph.errors import InvalidArgument
from graph.i18n import _
from graph.model import Node
from graph.store.ports import FIND_LIMIT, GraphStore, folded

__all__ = ["MAX_FIND_LIMIT", "MAX_FIND_TEXT", "find_nodes", "folded"]

#: The most matches one search returns.
MAX_FIND_LIMIT = FIND_LIMIT
#: The longest text searched for (a longer one is cut to this length).
MAX_FIND_TEXT = 200


def find_nodes(store: GraphStore, text: str, limit: int = 20) -> list[Node]:
    """The nodes of ``store`` (of every kind) that ``text`` names, best first, at most
    ``limit`` (:meth:`GraphStore.find_nodes`: the node whose id is ``text``, then those whose
    name equals it, begins with it, then holds it, names compared as :func:`folded` makes
    them). A blank text finds nothing. For a store as of a day (:meth:`GraphStore.as_of`),
    only the nodes of that day.

    Raises InvalidArgument for a limit outside 1..MAX_FIND_LIMIT; StoreError if the store
    fails."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_FIND_LIMIT:
        raise InvalidArgument(
            _(
                "limit must be a whole number from 1 to {most}, got {value!r}",
                most=MAX_FIND_LIMIT,
                value=limit,
            )
        )
    asked = text.strip()[:MAX_FIND_TEXT]
    if not asked.isprintable():
        asked = "".join(each for each in asked if each.isprintable())
    return store.find_nodes(asked, limit)
