"""The store ports: what loaders, queries and the API may ask of a store, one port per
aggregate.

- :class:`GraphStore`, the graph: writing and reading nodes and relations, counts, the graph
  of a scope and its NetworkX projection, introduction paths, the ties derived from
  completed referrals, and the centres whose specialists have an expertise.
- :class:`ReferralStore`, the referrals between centres: create, read, list and move them.
- :class:`Store`, both at once: what each backend's one adapter class implements and what
  :func:`graph.store.open_store` returns. A function takes the narrowest port it needs.

Two adapters implement them: :mod:`graph.store.embedded` (an in-memory graph over SQLite,
the default) and :mod:`graph.store.neo4j` (the official driver). The conformance suite runs
the same tests on both.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol, Self

import networkx as nx

from graph.algorithms.cuts import Cut
from graph.merging import MergeRecord
from graph.model import (
    ACTOR_KINDS,
    DERIVED_TYPES,
    Node,
    NodeKind,
    Relation,
    RelationType,
    Scope,
    ScoredPath,
)
from graph.provenance import Assertion, Attribution, ContributorSummary, relation_record
from graph.referral_lifecycle import ReceivedRecord, Referral, ReferralStatus
from graph.store.projection import project
from graph.valid_time import Day
from graph.visibility import Visibility

#: The most nodes :meth:`GraphStore.find_nodes` returns.
FIND_LIMIT = 100


def folded(text: str) -> str:
    """``text`` as :meth:`GraphStore.find_nodes` compares names: NFKC (full and half width
    alike), lower case, without spaces (``山田 製作所`` as ``山田製作所``)."""
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "")


def search_terms(text: str) -> tuple[str, str] | None:
    """What :meth:`GraphStore.find_nodes` looks for: the id (``text`` stripped) and the
    folded text a name may contain; None when nothing is left."""
    stripped = text.strip()
    needle = folded(stripped)
    return (stripped, needle) if needle else None


def search_rank(node: Node, wanted_id: str, needle: str) -> int | None:
    """How well ``node`` answers a search (0 its id, 1 its whole name, 2 the start of its
    name, 3 inside its name), or None when it does not."""
    if node.id == wanted_id:
        return 0
    name = folded(node.name)
    at = name.find(needle)
    if at < 0:
        return None
    return 1 if name == needle else 2 if at == 0 else 3


def best_found(found: Iterable[Node], wanted: tuple[str, str], limit: int) -> list[Node]:
    """``found`` (each node once, by id) in the order of :meth:`GraphStore.find_nodes`,
    ``limit`` at most."""
    ranked = []
    for node in {node.id: node for node in found}.values():
        rank = search_rank(node, *wanted)
        if rank is not None:
            ranked.append((rank, len(folded(node.name)), node.id, node))
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked[: max(0, min(limit, FIND_LIMIT))]]


__all__ = [
    "FIND_LIMIT",
    "ActorLife",
    "GraphStore",
    "GraphWriter",
    "ReferralStore",
    "IntroductionSearch",
    "ScopeBetweenness",
    "ScopeNearest",
    "ScopeConstraint",
    "ScopeCuts",
    "ScopeProjection",
    "ScopeReach",
    "ScopeMetrics",
    "Stats",
    "Store",
    "TieColumns",
    "TieLife",
    "best_found",
    "folded",
    "search_rank",
    "search_terms",
    "ties_towards",
]

#: An actor's life as a history of density reads it: id, kind, group, founded year, ended day.
ActorLife = tuple[str, NodeKind, str, int | None, str | None]
#: A tie's life: source, target, since, until.
TieLife = tuple[str, str, str | None, str | None]


def ties_towards(
    ties: Iterable[Relation], node_id: str, others: Collection[str] | None
) -> list[Relation]:
    """The ties of ``ties`` (ties of ``node_id``) whose other end is among ``others``; all of
    them for None."""
    if others is None:
        return list(ties)
    wanted = set(others)
    return [t for t in ties if (t.target if t.source == node_id else t.source) in wanted]


class GraphWriter(Protocol):
    """Writes inside a transaction or a bulk load, made by the unit of work's
    :class:`Attribution`. Upserts: writing again updates in place.

    Each node and relation written is asserted by the attribution's contributor (unless
    ``record`` is False): its assertion is created (``recorded_at``) or renewed
    (``last_seen``, standing again if it was retracted) with the values written, which
    become the record's values. A unit of work covers the whole store, so a load writes its
    nodes, relations and referrals through one writer."""

    def upsert_nodes(self, nodes: Sequence[Node]) -> None:
        """Create or update nodes by id. Raises Conflict if an id exists with another kind."""

    def upsert_relations(self, relations: Sequence[Relation]) -> None:
        """Create or update relations by (source, type, target).

        Raises NotFound if an endpoint is not in the store (nor written earlier in this unit).
        """

    def retract(self, records: Sequence[str], contributor: str | None) -> int:
        """Retract ``contributor``'s standing assertions of ``records`` (node ids and
        relation records, see :mod:`graph.provenance`), or every contributor's for None, at
        the attribution's time. A record left with a standing assertion takes the values of
        the latest one; one left with none ends on the attribution's day (a relation's
        ``until``, a node's ``ended``; earlier ends stay). Records that do not exist, or that
        the contributor does not assert, are passed over. Returns how many assertions were
        retracted."""

    def restore_provenance(self, assertions: Sequence[tuple[str, Assertion]]) -> None:
        """Write ``(record, assertion)`` pairs as they are (loading an export), replacing
        the same contributor's assertion of the same record. Raises NotFound for a record
        that is not in the store (nor written earlier in this unit)."""

    def held_ties(
        self, node_id: str, others: Collection[str] | None = None
    ) -> tuple[list[Relation], dict[str, list[Assertion]]]:
        """What :meth:`GraphStore.ties_with_provenance` gives, read in this unit and held
        until it ends: no other writer can change, add or delete a tie of ``node_id`` (of
        those with another end among ``others``, when given) or an assertion of one before
        the unit commits or fails, so a merge plans from what it then writes over. Read it
        before the unit writes any of those ties. Empty for an unknown id."""

    def move_ties(self, old_end: str, new_end: str, ties: Sequence[Relation]) -> None:
        """Make each of ``ties``, ties of node ``old_end`` as read, the same tie of node
        ``new_end`` (``new_end`` at the end where ``old_end`` was), with its values and every
        assertion of it as they are; the tie of ``old_end`` goes. A merge moves the merged
        node's ties that no tie of the kept node is combined with, and its undoing moves
        them back (see :mod:`graph.merging`). None may be a tie between the two, nor one
        that ``new_end`` has already.

        Raises Conflict, naming it, for a tie that is not in the store as given (written or
        deleted since it was read), or that ``new_end`` has already: the unit fails, nothing
        moves. Raises ValueError in a unit that records its writes."""

    def restore_relations(
        self, relations: Sequence[Relation], provenance: Sequence[tuple[str, Assertion]]
    ) -> None:
        """Write ``relations`` as a merge's snapshot holds them: each with its values, and
        with exactly the assertions ``provenance`` gives of it as ``(record, assertion)``
        pairs (none: it asserts nothing). The same as :meth:`upsert_relations` then
        :meth:`restore_provenance`, for relations the store does not hold or whose every
        assertion is given, in one step where a store can do better.

        Raises ValueError in a unit that records its writes (its attribution's ``record``),
        or for an assertion of a record not among ``relations``; NotFound if an end is not
        in the store (nor written earlier in this unit)."""

    def upsert_referrals(self, referrals: Sequence[Referral]) -> None:
        """Create or replace referrals by id, history included (loading an export).

        Raises NotFound if a centre or the enterprise is not in the store, and Conflict for
        a referral whose sender and request key are another referral's (nothing is replaced).
        """

    def delete_records(self, records: Sequence[str]) -> None:
        """Delete nodes and relations outright, with every assertion of them (a merge, see
        :mod:`graph.merging`): not ended, gone from every read. A node goes with every
        relation it still has; a referral must not name it any longer (move those first).
        Records that do not exist are passed over."""

    def record_merge(self, record: MergeRecord, snapshot: str) -> None:
        """Keep ``record`` and its ``snapshot`` (:meth:`MergeSnapshot.to_json`); while it is
        open, ``record.merge`` is an alias of ``record.keep``. Raises Conflict if a merge
        with that id exists."""

    def undo_merge(self, merge_id: str, at: str) -> None:
        """Mark the merge ``merge_id`` undone at ``at``: its alias is gone, the record stays.
        Raises NotFound if there is no such merge."""


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
        nodes: Mapping[str, int],
        relations: Mapping[str, int],
        derived: Mapping[str, int] | None = None,
    ) -> Stats:
        """The counts of ``nodes`` by kind, ``relations`` by type and ``derived`` ties by
        type: every kind and type is present, those missing from them as 0, and any other
        name is left out."""
        derived = derived or {}
        return cls(
            nodes={kind.value: int(nodes.get(kind.value, 0)) for kind in NodeKind},
            relations={kind.value: int(relations.get(kind.value, 0)) for kind in RelationType},
            derived_relations={
                kind.value: int(derived.get(kind.value, 0)) for kind in DERIVED_TYPES
            },
        )


@dataclass(frozen=True)
class ScopeMetrics:
    """What a store computed on the actor graph of a scope (:func:`project`): how many actors
    (``nodes``) and ties (``edges``, one per pair of actors) it has, its cut vertices
    (articulation points), its bridges (each the pair of actors it joins) and, when asked,
    every actor's exact normalised shortest-path betweenness, as
    :func:`graph.algorithms.centrality.betweenness` computes it without sampling (the same
    values but for float rounding), else None."""

    nodes: int
    edges: int
    cut_vertices: frozenset[str]
    bridges: frozenset[frozenset[str]]
    betweenness: dict[str, float] | None = None


@dataclass(frozen=True)
class ScopeBetweenness:
    """The sums of Brandes' dependencies that a store computed on the actor graph of a scope
    (:func:`project`) from given sources: how many actors (``nodes``) and ties (``edges``)
    the graph had, and each actor's sum (``totals``, by id), the same floats as
    :func:`graph.algorithms.centrality.betweenness` sums before it scales them."""

    nodes: int
    edges: int
    totals: dict[str, float]


@dataclass(frozen=True)
class ScopeProjection:
    """A scope's graph as the weakness report works on it, read where that is quicker than
    reading every relation: ``nodes``, the nodes of the scope (assets too), as
    :meth:`GraphStore.scope_graph_and_boundary` gives them; ``actors``, the actor graph
    :func:`project` makes of them and of the relations between them (the same edges and edge
    data; the order of nodes and neighbours may differ); and ``others``, the relations
    between two nodes of the scope that are not both actors."""

    nodes: list[Node]
    actors: nx.Graph
    others: list[Relation]
    #: the actor graph's ties as columns, when the store sent it so (what the report reads
    #: of every tie, without walking the graph)
    ties: TieColumns | None = None


@dataclass(frozen=True)
class TieColumns:
    """The ties of an actor graph as columns, one entry per tie (a pair of actors): its two
    ends (``sources``, ``targets``: places in ``actors``, the ends of its strongest
    relation) and the types of all the relations between them (``masks``: bit ``i`` set for
    ``types[i]``)."""

    actors: Sequence[str]
    sources: Sequence[int]
    targets: Sequence[int]
    masks: Sequence[int]
    types: Sequence[RelationType]


@dataclass(frozen=True)
class ScopeConstraint:
    """Burt's constraint of some actors that a store computed on the actor graph of a scope
    (:func:`project`): how many actors (``nodes``) and ties (``edges``) the graph had, and
    each actor's constraint (``values``, by id; None for one without ties), the same floats
    as :func:`graph.algorithms.centrality.burt_constraint`."""

    nodes: int
    edges: int
    values: dict[str, float | None]


@dataclass(frozen=True)
class ScopeCuts:
    """The connected parts, cut vertices and bridges that a store found on the actor graph of a
    scope (:func:`project`): how many actors (``nodes``) and ties (``edges``) the graph had,
    and what :func:`graph.algorithms.cuts.cut_vertices` returns for it: every cut vertex as a
    :class:`Cut` (``cuts``, by node), every bridge as (an end, the other, the actors on its
    smaller side), and the actors of each connected part (``components``). The search's order
    may differ from the report's own; the parts, sides and sets it finds do not."""

    nodes: int
    edges: int
    cuts: dict[str, Cut]
    bridges: list[tuple[str, str, int]]
    components: list[list[str]]


@dataclass(frozen=True)
class ScopeReach:
    """The best paths to sources that a store found on the actor graph of a scope
    (:func:`project`): how many actors (``nodes``) and ties (``edges``) the graph had, and for
    each actor asked about that a source is within reach of, (score, hops, source) as
    :func:`graph.algorithms.reach.best_reach` finds them (the same floats)."""

    nodes: int
    edges: int
    reached: dict[str, tuple[float, int, str]]


@dataclass(frozen=True)
class ScopeNearest:
    """The nearest sources that a store found on the actor graph of a scope (:func:`project`),
    the nearest place first: how many actors (``nodes``) and ties (``edges``) the graph had,
    and for each actor asked about that a source was found for, (ties to it, the source, the
    path from the actor to it), as :func:`graph.algorithms.reach.nearest_place_first` finds
    them with :func:`graph.algorithms.reach.nearest`."""

    nodes: int
    edges: int
    found: dict[str, tuple[int, str, tuple[str, ...]]]


@dataclass(frozen=True)
class IntroductionSearch:
    """What an introduction needs from a store, read at once: ``ends``, the nodes of the two
    ids asked about that the store holds (an id it does not hold is missing: it may be the
    id of a merged node); ``paths``, the best paths between them when both are actors (else
    none); ``nodes``, every node on the paths; and ``background``, for a specialist who is
    the first introducer on a path, the specialist's AFFILIATED_WITH and WORKED_AT relations
    (before any visibility: the caller keeps those it may see), whose other ends are in
    ``nodes``. A store that does not read them ahead leaves ``background`` empty and the
    caller reads a specialist's ties itself."""

    ends: dict[str, Node]
    paths: list[ScoredPath]
    nodes: dict[str, Node]
    background: dict[str, list[Relation]] = field(default_factory=dict)


class GraphStore(ABC):
    """The graph port: where the nodes and relations live. Every method may raise StoreError
    (StoreUnavailable when the store cannot be reached)."""

    #: "embedded" or "neo4j", as /health reports it.
    backend: str

    #: Whether reads of the graph itself (nodes, ties, introduction searches) are answered
    #: from this process's memory, waiting on no server, file or other process: a server
    #: may then make them on its event loop. Provenance, history and referrals, and so what
    #: a centre's key may see of the confidential ties, may still be read from a file.
    graph_in_memory: bool = False

    # -- writing -----------------------------------------------------------------------

    @abstractmethod
    def transaction(self, by: Attribution | None = None) -> AbstractContextManager[GraphWriter]:
        """A unit of work made ``by`` a contributor (``local``, now, when None): every write
        inside (nodes, relations, referrals, retractions) commits together, or none does if
        the block raises. Raises StoreUnavailable when the store cannot be written now."""

    @abstractmethod
    def bulk(
        self, known: Mapping[str, NodeKind] | None = None, by: Attribution | None = None
    ) -> AbstractContextManager[GraphWriter]:
        """A bulk load of batches already validated, made ``by`` a contributor. The load
        hands the writer its batches one after another as it reads them (nodes, then
        relations, referrals and assertions), so it need not hold them all at once.

        ``known``, when given, holds the kind of every node of the load that the store
        already had when the load was validated; the load's other nodes are new, so the store
        need not look them up again. The embedded store commits the load as one
        transaction. A server store may commit each batch in its own transaction; since
        writes are upserts, running the same load again after a failure completes it without
        duplicates.
        """

    def upsert_nodes(self, nodes: Sequence[Node], by: Attribution | None = None) -> None:
        """Write nodes in one transaction (see :meth:`GraphWriter.upsert_nodes`); raises
        Conflict if an id exists with another kind, and nothing is written."""
        with self.transaction(by) as tx:
            tx.upsert_nodes(nodes)

    def upsert_relations(
        self, relations: Sequence[Relation], by: Attribution | None = None
    ) -> None:
        """Write relations in one transaction (see :meth:`GraphWriter.upsert_relations`);
        raises NotFound if an end is not in the store, and nothing is written."""
        with self.transaction(by) as tx:
            tx.upsert_relations(relations)

    # -- reading -----------------------------------------------------------------------
    #
    # Every read takes ``day``: None reads the whole history (every node and relation, ended
    # or not, as export needs); a day reads the graph as of that day (graph.valid_time): the
    # nodes that exist that day and the ties that hold that day between two of them, and the
    # ties derived from the referrals completed by then. Questions read through as_of().

    def as_of(self, day: Day) -> GraphStore:
        """The graph as of ``day``: a read-only store whose every read is this store's on
        that day. Writes through it raise StoreError."""
        from graph.store.dated import DatedStore

        return DatedStore(self, day)

    @abstractmethod
    def get_nodes(self, ids: Iterable[str], day: Day | None = None) -> dict[str, Node]:
        """The nodes among ``ids`` that exist (on ``day``), by id."""

    def get_node(self, node_id: str, day: Day | None = None) -> Node | None:
        """One node, or None."""
        return self.get_nodes([node_id], day).get(node_id)

    def node_kinds(self, ids: Iterable[str], day: Day | None = None) -> dict[str, NodeKind]:
        """The kind of each id among ``ids`` that exists (on ``day``)."""
        return {node_id: node.kind for node_id, node in self.get_nodes(ids, day).items()}

    @abstractmethod
    def ties(
        self,
        node_id: str,
        day: Day | None = None,
        types: Collection[RelationType] | None = None,
    ) -> list[Relation]:
        """Every relation that has ``node_id`` as source or target (holding on ``day``,
        with its other end existing then), sorted by key; with ``types``, only those of
        these types (none for an empty collection)."""

    @abstractmethod
    def derived_ties(self, node_id: str, day: Day | None = None) -> list[Relation]:
        """The ties of ``node_id`` derived from completed referrals, sorted by key: for a
        centre, one COLLABORATES_WITH per centre it completed referrals with (by ``day``),
        from the smaller id to the larger, of strength
        :func:`graph.referral_lifecycle.referral_tie_strength` of their count, ``since`` the
        day the first of them completed. Introductions walk them; they are in neither
        :meth:`ties` nor the dataset. Empty for any other node or an unknown id."""

    @abstractmethod
    def stats(self, day: Day | None = None) -> Stats:
        """Counts of nodes by kind, relations by type and derived ties by type."""

    @abstractmethod
    def iter_nodes(self, kind: NodeKind, day: Day | None = None) -> Iterator[Node]:
        """Every node of ``kind``, in id order (for export)."""

    def find_nodes(self, text: str, limit: int = 20, day: Day | None = None) -> list[Node]:
        """The nodes (existing on ``day``) that ``text`` names, best first, ``limit`` at most:
        the node whose id is ``text``, then those whose name contains it, both compared as
        :func:`folded` makes them (ｻｸﾗ finds サクラ, ＡＢＣ finds abc, 山田 製作所 finds
        山田製作所): a whole name first, then names that begin with it, then the others;
        shorter names before longer, then by id. Blank ``text`` finds nothing. Each store
        answers it alike; this default reads every node."""
        wanted = search_terms(text)
        if wanted is None:
            return []
        found = [
            node
            for kind in NodeKind
            for node in self.iter_nodes(kind, day)
            if search_rank(node, *wanted) is not None
        ]
        return best_found(found, wanted, limit)

    @abstractmethod
    def iter_relations(self, day: Day | None = None) -> Iterator[Relation]:
        """Every relation, in (source, type, target) order (for export)."""

    @abstractmethod
    def scope_graph(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation]]:
        """The nodes whose prefecture is in ``scope`` and the relations between two of them."""

    def scope_graph_and_boundary(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation], list[Relation]]:
        """:meth:`scope_graph` and :meth:`boundary_relations` of ``scope`` at once: the nodes
        of the scope, the relations between two of them, and the relations with exactly one
        end in it. This default asks each in turn; a server store may read them in one pass
        over the scope's relationships."""
        nodes, relations = self.scope_graph(scope, day)
        return nodes, relations, self.boundary_relations(scope, day)

    def scope_metrics(
        self, scope: Scope, day: Day | None = None, betweenness: bool = False
    ) -> ScopeMetrics | None:
        """The cut vertices, bridges and (with ``betweenness``) exact betweenness of the actor
        graph of ``scope`` as of ``day``, computed where the graph lives; None when this store
        cannot (the caller then computes them from :meth:`scope_graph`). None by default; a
        Neo4j server with Graph Data Science computes them there."""
        return None

    def scope_betweenness(
        self, scope: Scope, sources: Sequence[str] | None, day: Day | None = None
    ) -> ScopeBetweenness | None:
        """The sums of the dependencies of ``sources`` (actor ids in id order; None: every
        actor) on each actor of the actor graph of ``scope`` as of ``day``, computed where the
        graph lives, in the order and with the float operations of
        :func:`graph.algorithms.centrality.betweenness`; None when this store cannot, or
        when a source is no actor of the graph or a path count is past what the store counts
        exactly (the caller then computes them itself). None by default; a Neo4j server with
        rsn's plugin computes them there."""
        return None

    def scope_projection(self, scope: Scope, day: Day | None = None) -> ScopeProjection | None:
        """The graph of ``scope`` as of ``day`` as the weakness report works on it (see
        :class:`ScopeProjection`), when this store reads it more quickly so than
        :meth:`scope_graph_and_boundary` and :func:`project`; None otherwise (the caller then
        reads and projects the scope itself). None by default; a Neo4j server with rsn's
        plugin sends the whole network's actor graph in compact columns."""
        return None

    def scope_cuts(self, scope: Scope, day: Day | None = None) -> ScopeCuts | None:
        """The connected parts, cut vertices (with the parts each holds together) and bridges
        (with the actors each cuts off) of the actor graph of ``scope`` as of ``day``, found
        where the graph lives, as :func:`graph.algorithms.cuts.cut_vertices` finds them; None
        when this store cannot (the caller then searches itself). None by default; a Neo4j
        server with rsn's plugin searches there."""
        return None

    def scope_constraint(
        self, scope: Scope, actors: Sequence[str], day: Day | None = None
    ) -> ScopeConstraint | None:
        """Burt's constraint of each of ``actors`` on the actor graph of ``scope`` as of
        ``day``, computed where the graph lives, as
        :func:`graph.algorithms.centrality.burt_constraint` computes it; None when this store
        cannot (the caller then computes it itself). None by default; a Neo4j server with
        rsn's plugin computes it there."""
        return None

    def scope_reach(
        self,
        scope: Scope,
        sources: Sequence[str],
        max_hops: int,
        wanted: Sequence[str],
        day: Day | None = None,
    ) -> ScopeReach | None:
        """For each actor of ``wanted``, the best path within ``max_hops`` ties to any of
        ``sources`` on the actor graph of ``scope`` as of ``day``, found where the graph lives,
        as :func:`graph.algorithms.reach.best_reach` finds it; None when this store cannot, or
        when a source is no actor of the graph (the caller then searches itself). None by
        default; a Neo4j server with rsn's plugin searches there."""
        return None

    def scope_nearest(
        self,
        scope: Scope,
        sources: Sequence[str],
        wanted: Sequence[str],
        blocks: Mapping[str, str],
        day: Day | None = None,
    ) -> ScopeNearest | None:
        """For each actor of ``wanted``, the nearest of ``sources`` on the actor graph of
        ``scope`` as of ``day`` and the path to it, found where the graph lives: a search of
        the whole graph, then, with ``blocks`` (each prefecture code's regional block; empty:
        none), by prefecture and by block, as :func:`graph.algorithms.reach.nearest_place_first`
        finds it with :func:`graph.algorithms.reach.nearest`; None when this store cannot, or
        when a source is no actor of the graph (the caller then searches itself). None by
        default; a Neo4j server with rsn's plugin searches there."""
        return None

    def actor_history(self, groups: Mapping[str, str]) -> tuple[list[ActorLife], list[TieLife]]:
        """The whole history of the actors that count in a group and of the ties between two
        actors of one group: ``groups`` maps a prefecture's code to its group (itself, or its
        regional block). Returns every such actor, ended or not, as (id, kind, group,
        founded, ended), and every relation between two of one group, ended or not, as
        (source, target, since, until). What a history of the network's density reads; a
        store may read it more narrowly than :meth:`scope_graph` does."""
        nodes, relations = self.scope_graph(Scope(), None)
        actors: dict[str, ActorLife] = {}
        for node in nodes:
            group = groups.get(node.prefecture or "")
            if node.kind in ACTOR_KINDS and group is not None:
                founded = node.props.get("founded")
                actors[node.id] = (node.id, node.kind, group, founded, node.props.get("ended"))
        ties = [
            (r.source, r.target, r.since, r.until)
            for r in relations
            if r.source in actors
            and r.target in actors
            and actors[r.source][2] == actors[r.target][2]
        ]
        return list(actors.values()), ties

    @abstractmethod
    def best_paths(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> list[ScoredPath]:
        """The ``k`` best introduction paths from ``source`` to ``target``, best first, in
        the graph as of ``day`` (the whole history for None) that the caller of
        ``visibility`` may see (everything for None): a tie it may not see does not exist
        for the search (see :mod:`graph.visibility`), and the answer is exact on that graph.

        The meaning is the same on every store (see the README's section on introductions):
        ties are the undirected relations of
        INTRODUCTION_TIE_TYPES, the strongest counting between two nodes; a path visits no node
        twice and has at most ``max_hops`` (1 to MAX_HOPS_LIMIT) ties; paths are ordered by
        :meth:`ScoredPath.rank`. No path gives an empty list. The caller checks that both ids
        are distinct actors of the store and that ``k`` >= 1.
        """

    def introduction_search(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> IntroductionSearch:
        """The two ends, the :meth:`best_paths` between them (when both are distinct actors
        of the store as of ``day``) and the nodes on those paths, as
        :class:`IntroductionSearch` says. This default asks :meth:`get_nodes`,
        :meth:`best_paths` and :meth:`get_nodes` in turn; a server store may answer in one
        round trip."""
        ends = self.get_nodes([source, target], day)
        both = source in ends and target in ends and source != target
        paths: list[ScoredPath] = []
        if both and all(ends[end].kind in ACTOR_KINDS for end in (source, target)):
            paths = self.best_paths(source, target, k, max_hops, day, visibility)
        wanted = {node for path in paths for node in path.nodes}
        nodes = {node: ends[node] for node in wanted if node in ends}
        if wanted - nodes.keys():
            nodes.update(self.get_nodes(wanted - nodes.keys(), day))
        return IntroductionSearch(ends, paths, nodes)

    def warm_up(self) -> dict[str, int]:
        """Read ahead what the first questions would otherwise wait for, e.g. when a server
        starts; what was read, by name (nothing by default). Safe to call at any time, on
        any thread that may use the store; raises StoreError if the store fails."""
        return {}

    def warm_reports(self, day: Day | None = None) -> dict[str, int]:
        """Read ahead, for the reports a process will make, what their first run would
        otherwise wait for (a store that keeps read scopes: the largest prefectures' graphs
        as of ``day``); what was read, by name (nothing by default: a store that holds its
        graph in memory has nothing to read). Safe to call at any time, on any thread that
        may use the store; raises StoreError if the store fails."""
        return {}

    def projection(
        self, scope: Scope = Scope(), actors_only: bool = True, day: Day | None = None
    ) -> nx.Graph:
        """The undirected simple graph of a scope, as analytics use it (see :func:`project`)."""
        return project(*self.scope_graph(scope, day), actors_only=actors_only)

    def boundary_relations(self, scope: Scope, day: Day | None = None) -> list[Relation]:
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
            for node in self.iter_nodes(kind, day)
            if scope.holds(node.prefecture)
        }
        return [
            relation
            for node_id in inside
            for relation in self.ties(node_id, day)
            if (relation.source in inside) != (relation.target in inside)
        ]

    @abstractmethod
    def centres_with_expertise(
        self, need: str, day: Day | None = None
    ) -> list[tuple[Node, list[str]]]:
        """Every centre with at least one affiliated specialist whose expertise includes
        ``need``, with those specialists' ids (sorted), in centre id order. A question of the
        graph (specialists, their expertise, their affiliations) that referrals ask."""

    # -- provenance --------------------------------------------------------------------

    @abstractmethod
    def provenance(self, records: Iterable[str]) -> dict[str, list[Assertion]]:
        """The assertions of each of ``records`` that has any, by record, each list in
        contributor order."""

    def clients(self, centre: str, day: Day | None = None) -> set[str]:
        """The enterprises ``centre`` supports on ``day`` (a ``SUPPORTS`` tie from it that
        holds then, to an enterprise existing then); empty for an unknown id."""
        return {
            r.target
            for r in self.ties(centre, day)
            if r.type is RelationType.SUPPORTS and r.source == centre
        }

    def ties_with_provenance(
        self, node_id: str, others: Collection[str] | None = None
    ) -> tuple[list[Relation], dict[str, list[Assertion]]]:
        """Every tie of ``node_id`` over its whole history (as :meth:`ties` without a day),
        only those with another end among ``others`` when it is given, and the assertions of
        each that has any, by record (as :meth:`provenance`): what a merge reads of each
        node. Empty for an unknown id."""
        ties = ties_towards(self.ties(node_id), node_id, others)
        return ties, self.provenance(relation_record(*tie.key) for tie in ties)

    @abstractmethod
    def iter_provenance(self) -> Iterator[tuple[str, Assertion]]:
        """Every assertion with its record, in (record, contributor) order (for export)."""

    @abstractmethod
    def standing_records(self, contributor: str) -> set[str]:
        """The records ``contributor`` asserts now (its assertions not retracted)."""

    @abstractmethod
    def contributors(self) -> list[ContributorSummary]:
        """Every contributor that asserted anything, in name order."""

    # -- merges ------------------------------------------------------------------------

    @abstractmethod
    def aliases(self) -> dict[str, str]:
        """The id of every node merged into another by an open merge, with the id of the node
        it was merged into (see :mod:`graph.merging`)."""

    @abstractmethod
    def merges(self) -> list[MergeRecord]:
        """Every merge, open or undone, oldest first (by time, then id)."""

    @abstractmethod
    def merge_snapshot(self, merge_id: str) -> str | None:
        """The snapshot kept with merge ``merge_id`` (its JSON text), or None for no such
        merge."""

    # -- life --------------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Release what the store holds. Safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ReferralStore(ABC):
    """The referral port: referrals between centres, each kept whole with its history. Every
    method may raise StoreError (StoreUnavailable when the store cannot be reached)."""

    @abstractmethod
    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        """Store a new referral, unless its sender already made one with the same
        ``request_key``: then return that one. Returns (the stored referral, whether it was
        created now). Two concurrent calls with one key create one referral. Raises NotFound
        if a centre or the enterprise it names is not in the store."""

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
    def open_referrals_sent(self, from_centre: str, enterprise: str, need: str) -> list[Referral]:
        """The referrals ``from_centre`` sent about ``enterprise`` for ``need`` that are
        still open (:data:`graph.referral_lifecycle.OPEN_STATUSES`), oldest first (by
        creation, then id): read by those three, not by reading the centre's whole
        outbox."""

    @abstractmethod
    def received_records(self, centres: Iterable[str]) -> dict[str, ReceivedRecord]:
        """The record of the referrals each of ``centres`` received (an empty one for a
        centre that received none, or that is not in the store), summed up from a few
        fields of each referral rather than from whole referrals."""

    @abstractmethod
    def completed_with(self, centre: str) -> dict[str, int]:
        """How many referrals completed between ``centre`` and each other centre, whichever
        of the two sent them; a centre with none is missing."""

    @abstractmethod
    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        """Write ``moved`` (its new status and history) if the stored referral is still
        ``expected``, in one guarded write. Raises Conflict if someone moved it first, and
        NotFound if it does not exist."""


class Store(GraphStore, ReferralStore):
    """Both ports at once: what one adapter class per backend implements, and what
    :func:`graph.store.open_store` returns."""
