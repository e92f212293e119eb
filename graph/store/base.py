"""The store port: what loaders, queries and the API may ask of a store.

Two adapters implement it: :mod:`graph.store.embedded` (NetworkX over SQLite, the default)
and :mod:`graph.store.neo4j` (the official driver). The conformance suite runs the same
tests on both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import networkx as nx

from graph.errors import Conflict
from graph.model import ACTOR_KINDS, ALLOWED_ENDPOINTS, Node, NodeKind, Relation, RelationType
from graph.referrals import Referral, ReferralStatus

__all__ = [
    "project",
    "GraphStore",
    "GraphWriter",
    "INTRODUCTION_TIE_TYPES",
    "MAX_HOPS_LIMIT",
    "ScoredPath",
    "Stats",
    "Scope",
    "check_kind_unchanged",
    "kind_conflict",
    "strongest",
]

#: The relation types that count as ties when looking for introductions: those that join two
#: actors (every type but UTILIZES, which joins an enterprise to an asset). Both stores walk
#: exactly these, so a path never crosses an asset. Completed referrals between two centres
#: will count as ties too once referrals exist (see EmbeddedStore._referral_ties).
INTRODUCTION_TIE_TYPES: tuple[RelationType, ...] = tuple(
    kind
    for kind in RelationType
    if all(
        source in ACTOR_KINDS and target in ACTOR_KINDS
        for source, target in ALLOWED_ENDPOINTS[kind]
    )
)

#: The most ties an introduction path may have, on every store, and how many a question
#: allows when it does not say.
MAX_HOPS_LIMIT = 6
DEFAULT_MAX_HOPS = 4


class GraphWriter(Protocol):
    """Writes inside a transaction or a bulk load. Upserts: writing again updates in place."""

    def upsert_nodes(self, nodes: Sequence[Node]) -> None:
        """Create or update nodes by id. Raises Conflict if an id exists with another kind."""

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        """Create or update relations by (source, type, target).

        Raises NotFound if an endpoint is not in the store (nor written earlier in this unit).
        """

    def upsert_referrals(self, referrals: Sequence[Referral]) -> None:
        """Create or replace referrals by id, history included (loading an export).

        Raises NotFound if a centre or the enterprise is not in the store.
        """


#: The relation types a derived tie can have: completed referrals between two centres make a
#: collaboration.
DERIVED_TYPES: tuple[RelationType, ...] = (RelationType.COLLABORATES_WITH,)


@dataclass(frozen=True)
class Stats:
    """Counts of nodes by kind and relations by type; every kind and type is present.

    ``derived_relations`` counts the ties derived from referrals (not relations of the
    dataset, never exported): the pairs of centres with at least one completed referral
    between them, by the type introductions see (COLLABORATES_WITH)."""

    nodes: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    derived_relations: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        nodes: dict[str, int],
        relations: dict[str, int],
        derived: dict[str, int] | None = None,
    ) -> Stats:
        derived = derived or {}
        return cls(
            nodes={kind.value: int(nodes.get(kind.value, 0)) for kind in NodeKind},
            relations={kind.value: int(relations.get(kind.value, 0)) for kind in RelationType},
            derived_relations={
                kind.value: int(derived.get(kind.value, 0)) for kind in DERIVED_TYPES
            },
        )


@dataclass(frozen=True)
class Scope:
    """What part of the network a projection covers: one prefecture, or all of it (None)."""

    prefecture: str | None = None

    def holds(self, prefecture: str | None) -> bool:
        return self.prefecture is None or prefecture == self.prefecture


def check_kind_unchanged(node: Node, existing: NodeKind | None) -> None:
    """Raise Conflict if ``node``'s id already names a node of another kind."""
    if existing is not None and existing != node.kind:
        raise Conflict(kind_conflict(node.id, existing, node.kind))


def kind_conflict(node_id: str, existing: NodeKind, wanted: NodeKind) -> str:
    """The sentence of a write that would change the kind of node ``node_id``."""
    return (
        f"id {node_id!r} is already {existing.with_article}; "
        f"it cannot also be {wanted.with_article}"
    )


def strongest(relations: Iterable[Relation]) -> Relation:
    """The strongest of several relations between the same two nodes.

    Ties in strength are broken by the relation key, so every store picks the same one.
    """
    return min(relations, key=lambda r: (-r.strength, r.type.value, r.source, r.target))


@dataclass(frozen=True)
class ScoredPath:
    """An introduction path: its nodes from source to target, its score (the product of its
    ties' strengths, multiplied in path order from the source) and, for each step, the
    strongest relation between the two nodes (chosen by :func:`strongest`)."""

    nodes: tuple[str, ...]
    score: float
    relations: tuple[Relation, ...]

    @property
    def hops(self) -> int:
        return len(self.nodes) - 1

    def rank(self) -> tuple[float, int, tuple[str, ...]]:
        """The contract's order: higher score first, then fewer hops, then the node ids."""
        return (-self.score, self.hops, self.nodes)

    @classmethod
    def of(cls, nodes: Sequence[str], relations: Sequence[Relation]) -> ScoredPath:
        """The path through ``nodes`` over ``relations`` (one per step, in path order), scored
        in path order."""
        score = 1.0
        for relation in relations:
            score *= relation.strength
        return cls(tuple(nodes), score, tuple(relations))


#: The set of one relation type, shared by every edge with a single relation.
_ONE_TYPE: dict[RelationType, frozenset[RelationType]] = {
    kind: frozenset((kind,)) for kind in RelationType
}


def project(
    nodes: Iterable[Node], relations: Iterable[Relation], actors_only: bool = True
) -> nx.Graph:
    """The undirected simple graph of a scope, as analytics use it.

    Nodes carry ``kind``, ``name`` and ``prefecture``; between two nodes with several
    relations, the edge carries the strongest as ``strength``, ``type``, ``source`` and
    ``target``, and every type joining them as ``types``.
    """
    graph = nx.Graph()
    graph.add_nodes_from(
        (node.id, {"kind": node.kind, "name": node.name, "prefecture": node.prefecture})
        for node in nodes
        if not actors_only or node.kind in ACTOR_KINDS
    )
    # Edges go straight into the adjacency (as networkx's own builders do): add_edges_from
    # costs several times more on the whole network, and most pairs have one relation.
    adjacency = graph._adj
    for relation in relations:
        u, v = relation.source, relation.target
        around = adjacency.get(u)
        if around is None or v not in adjacency:
            continue
        data = around.get(v)
        if data is None:
            data = {
                "strength": relation.strength,
                "type": relation.type,
                "source": u,
                "target": v,
                "types": _ONE_TYPE[relation.type],
            }
            around[v] = adjacency[v][u] = data
        else:
            data["types"] = data["types"] | _ONE_TYPE[relation.type]
            # the order of strongest(): higher strength, then type, source, target
            mine = (-relation.strength, relation.type.value, u, v)
            if mine < (-data["strength"], data["type"].value, data["source"], data["target"]):
                data.update(strength=relation.strength, type=relation.type, source=u, target=v)
    return graph


class GraphStore(ABC):
    """A place where the graph lives. Every method may raise StoreError (StoreUnavailable
    when the store cannot be reached)."""

    #: "embedded" or "neo4j", as /health reports it.
    backend: str

    # -- writing -----------------------------------------------------------------------

    @abstractmethod
    def transaction(self) -> AbstractContextManager[GraphWriter]:
        """A unit of work: every write inside commits together, or none does if the block
        raises."""

    @abstractmethod
    def bulk(
        self, known: Mapping[str, NodeKind] | None = None
    ) -> AbstractContextManager[GraphWriter]:
        """A bulk load of batches already validated.

        ``known``, when given, holds the kind of every node of the load that the store
        already had when the load was validated; the load's other nodes are new, so the store
        need not look them up again. The embedded store commits the load as one
        transaction. A server store may commit each batch in its own transaction; since
        writes are upserts, running the same load again after a failure completes it without
        duplicates.
        """

    def upsert_nodes(self, nodes: Sequence[Node]) -> None:
        """Write nodes in one transaction."""
        with self.transaction() as tx:
            tx.upsert_nodes(nodes)

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        """Write relations in one transaction."""
        with self.transaction() as tx:
            tx.upsert_relations(relations)

    # -- reading -----------------------------------------------------------------------

    @abstractmethod
    def get_nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        """The nodes among ``ids`` that exist, by id."""

    def get_node(self, node_id: str) -> Node | None:
        """One node, or None."""
        return self.get_nodes([node_id]).get(node_id)

    def node_kinds(self, ids: Iterable[str]) -> dict[str, NodeKind]:
        """The kind of each id among ``ids`` that exists."""
        return {node_id: node.kind for node_id, node in self.get_nodes(ids).items()}

    @abstractmethod
    def ties(self, node_id: str) -> list[Relation]:
        """Every relation that has ``node_id`` as source or target, sorted by key."""

    @abstractmethod
    def derived_ties(self, node_id: str) -> list[Relation]:
        """The ties of ``node_id`` derived from completed referrals, sorted by key: for a
        centre, one COLLABORATES_WITH per centre it completed referrals with (from the
        smaller id to the larger, strength :func:`graph.referrals.referral_tie_strength` of
        their count, no ``since``). Introductions walk them; they are in neither
        :meth:`ties` nor the dataset. Empty for any other node or an unknown id."""

    @abstractmethod
    def stats(self) -> Stats:
        """Counts of nodes by kind, relations by type and derived ties by type."""

    @abstractmethod
    def iter_nodes(self, kind: NodeKind) -> Iterator[Node]:
        """Every node of ``kind``, in id order (for export)."""

    @abstractmethod
    def iter_relations(self) -> Iterator[Relation]:
        """Every relation, in (source, type, target) order (for export)."""

    @abstractmethod
    def scope_graph(self, scope: Scope) -> tuple[list[Node], list[Relation]]:
        """The nodes whose prefecture is in ``scope`` and the relations between two of them."""

    @abstractmethod
    def best_paths(self, source: str, target: str, k: int, max_hops: int) -> list[ScoredPath]:
        """The ``k`` best introduction paths from ``source`` to ``target``, best first.

        The meaning is the same on every store (api.md): ties are the undirected relations of
        INTRODUCTION_TIE_TYPES, the strongest counting between two nodes; a path visits no node
        twice and has at most ``max_hops`` (1 to MAX_HOPS_LIMIT) ties; paths are ordered by
        :meth:`ScoredPath.rank`. No path gives an empty list. The caller checks that both ids
        are distinct actors of the store and that ``k`` >= 1.
        """

    def warm_up(self) -> dict[str, int]:
        """Read ahead what the first questions would otherwise wait for, e.g. when a server
        starts; what was read, by name (nothing by default). Safe to call at any time, on
        any thread that may use the store; raises StoreError if the store fails."""
        return {}

    def projection(self, scope: Scope = Scope(), actors_only: bool = True) -> nx.Graph:
        """The undirected simple graph of a scope, as analytics use it (see :func:`project`)."""
        return project(*self.scope_graph(scope), actors_only=actors_only)

    def boundary_relations(self, scope: Scope) -> list[Relation]:
        """The relations with exactly one end in ``scope`` (none for the whole network).

        Analytics need them to tell whether an enterprise of a prefecture is financed or
        supported by someone outside it (a nationwide lender, another prefecture's
        specialist). This default lists the nodes of every kind and asks for the ties of each
        one in the scope, which costs a call per node: right for a store in memory, while a
        server store answers in one statement (Neo4jStore does).
        """
        if scope.prefecture is None:
            return []
        inside = {
            node.id
            for kind in NodeKind
            for node in self.iter_nodes(kind)
            if scope.holds(node.prefecture)
        }
        return [
            relation
            for node_id in inside
            for relation in self.ties(node_id)
            if (relation.source in inside) != (relation.target in inside)
        ]

    # -- referrals -----------------------------------------------------------------------

    @abstractmethod
    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        """Store a new referral, unless its sender already made one with the same
        ``request_key``: then return that one. Returns (the stored referral, whether it was
        created now). Two concurrent calls with one key create one referral."""

    @abstractmethod
    def get_referral(self, referral_id: str) -> Referral | None:
        """One referral, or None."""

    @abstractmethod
    def referral_ids_by_request(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """For each (from_centre, request_key) among ``requests`` that a stored referral has,
        that referral's id."""

    @abstractmethod
    def list_referrals(self, centre: str | None = None, box: str | None = None) -> list[Referral]:
        """Referrals newest first: those ``centre`` received (box "inbox"), sent ("outbox"),
        or either (None); every referral when ``centre`` is None."""

    @abstractmethod
    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        """Write ``moved`` (its new status and history) if the stored referral is still
        ``expected``, in one guarded write. Raises Conflict if someone moved it first, and
        NotFound if it does not exist."""

    @abstractmethod
    def centres_with_expertise(self, need: str) -> list[tuple[Node, list[str]]]:
        """Every centre with at least one affiliated specialist whose expertise includes
        ``need``, with those specialists' ids (sorted), in centre id order."""

    # -- life --------------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Release what the store holds. Safe to call twice."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
