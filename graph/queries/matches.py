"""Which enterprises (and which financiers) in the store may be one entity loaded twice: the
candidate duplicates of :mod:`graph.matching`, read from a store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.matching import DEFAULT_MIN_SCORE, Candidate, MatchRecord, find_candidates
from graph.matching.candidates import check_min_score
from graph.model import Node, NodeKind
from graph.queries.scope import scope_of
from graph.store.ports import GraphStore
from graph.valid_time import Day

__all__ = ["MATCHED_KINDS", "match_candidates", "match_record"]

#: The kinds of node matching looks for duplicates among (each only with its own kind).
MATCHED_KINDS: tuple[NodeKind, ...] = (NodeKind.ENTERPRISE, NodeKind.FINANCIER)


def _text(value: Any) -> str | None:
    """An optional column's value as text, or None when it is absent or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def match_record(node: Node) -> MatchRecord:
    """A node as matching sees it: its id, kind, name and prefecture, and its
    ``corporate_number``, ``address`` and ``phone`` when it has them."""
    props = node.props
    return MatchRecord(
        id=node.id,
        kind=node.kind.value,
        name=node.name,
        prefecture=node.prefecture or None,
        corporate_number=_text(props.get("corporate_number")),
        address=_text(props.get("address")),
        phone=_text(props.get("phone")),
    )


def _records(store: GraphStore, prefecture: str | None, day: Day | None) -> Iterator[MatchRecord]:
    for kind in MATCHED_KINDS:
        for node in store.iter_nodes(kind, day):
            if prefecture is None or node.prefecture == prefecture:
                yield match_record(node)


def match_candidates(
    store: GraphStore,
    *,
    prefecture: str | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    day: Day | None = None,
) -> list[Candidate]:
    """The pairs of enterprises (and of financiers) in ``store`` that may stand for one
    entity, scoring ``min_score`` or more, best first (score descending, then ids): those of
    ``prefecture`` when given, else of the whole network (nationwide financiers among
    themselves). Reads the nodes that exist on ``day`` (every node ever, for None). See
    :func:`graph.matching.find_candidates` for the rules and the score.

    Raises InvalidArgument for an unknown prefecture code or a min_score outside [0, 1].
    """
    threshold = check_min_score(min_score)
    scope_of(prefecture)  # an unknown code is refused before the store is read
    return find_candidates(
        _records(store, prefecture, day), min_score=threshold, prefecture=prefecture
    )
