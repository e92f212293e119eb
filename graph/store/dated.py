"""The graph as of a day: a read-only view of a store (:meth:`GraphStore.as_of`).

Every reading question (introductions, weaknesses, density, candidates, pages) is asked of
a view, so each answer is the one the store would give if it held only what existed on that
day. The view forwards each read with its day; referrals (which are not in valid time) pass
through untouched when the store keeps them; writes are refused.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import NoReturn

import networkx as nx

from graph.errors import StoreError
from graph.i18n import _
from graph.merging import MergeRecord
from graph.model import Node, NodeKind, Relation, RelationType, Scope, ScoredPath
from graph.provenance import Assertion, Attribution, ContributorSummary
from graph.referral_lifecycle import ReceivedRecord, Referral, ReferralStatus
from graph.store.ports import (
    GraphStore,
    GraphWriter,
    IntroductionSearch,
    ReferralStore,
    ScopeBetweenness,
    ScopeConstraint,
    ScopeCuts,
    ScopeMetrics,
    ScopeNearest,
    ScopeProjection,
    ScopeReach,
    Stats,
    Store,
)
from graph.valid_time import Day
from graph.visibility import Visibility

__all__ = ["DatedStore"]


class DatedStore(Store):
    """``store`` as of ``day``. Reads are the store's on that day (provenance, which is not
    in valid time, is the store's); referral reads and moves go to the store when it keeps
    referrals, and raise StoreError when it does not; graph writes raise StoreError."""

    def __init__(self, store: GraphStore, day: Day):
        self.store = store
        self.day = day
        self.backend = store.backend
        self.graph_in_memory = store.graph_in_memory

    def _read_only(self) -> NoReturn:
        raise StoreError(_("the graph as of {day} is read-only; write to the store", day=self.day))

    def _referrals(self) -> ReferralStore:
        if not isinstance(self.store, ReferralStore):
            raise StoreError(_("this store keeps no referrals"))
        return self.store

    # -- writing is refused ------------------------------------------------------------

    def transaction(self, by: Attribution | None = None) -> AbstractContextManager[GraphWriter]:
        self._read_only()

    def bulk(
        self, known: Mapping[str, NodeKind] | None = None, by: Attribution | None = None
    ) -> AbstractContextManager[GraphWriter]:
        self._read_only()

    # -- reading, on the view's day ----------------------------------------------------

    def as_of(self, day: Day) -> GraphStore:
        return self.store.as_of(day)

    def get_nodes(self, ids: Iterable[str], day: Day | None = None) -> dict[str, Node]:
        return self.store.get_nodes(ids, self.day)

    def ties(
        self,
        node_id: str,
        day: Day | None = None,
        types: Collection[RelationType] | None = None,
    ) -> list[Relation]:
        return self.store.ties(node_id, self.day, types)

    def derived_ties(self, node_id: str, day: Day | None = None) -> list[Relation]:
        return self.store.derived_ties(node_id, self.day)

    def stats(self, day: Day | None = None) -> Stats:
        return self.store.stats(self.day)

    def iter_nodes(self, kind: NodeKind, day: Day | None = None) -> Iterator[Node]:
        return self.store.iter_nodes(kind, self.day)

    def find_nodes(self, text: str, limit: int = 20, day: Day | None = None) -> list[Node]:
        return self.store.find_nodes(text, limit, self.day)

    def iter_relations(self, day: Day | None = None) -> Iterator[Relation]:
        return self.store.iter_relations(self.day)

    def scope_graph(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation]]:
        return self.store.scope_graph(scope, self.day)

    def projection(
        self, scope: Scope = Scope(), actors_only: bool = True, day: Day | None = None
    ) -> nx.Graph:
        return self.store.projection(scope, actors_only, self.day)

    def boundary_relations(self, scope: Scope, day: Day | None = None) -> list[Relation]:
        return self.store.boundary_relations(scope, self.day)

    def scope_graph_and_boundary(
        self, scope: Scope, day: Day | None = None
    ) -> tuple[list[Node], list[Relation], list[Relation]]:
        return self.store.scope_graph_and_boundary(scope, self.day)

    def scope_metrics(
        self, scope: Scope, day: Day | None = None, betweenness: bool = False
    ) -> ScopeMetrics | None:
        return self.store.scope_metrics(scope, self.day, betweenness)

    def scope_betweenness(
        self, scope: Scope, sources: Sequence[str] | None, day: Day | None = None
    ) -> ScopeBetweenness | None:
        return self.store.scope_betweenness(scope, sources, self.day)

    def scope_projection(self, scope: Scope, day: Day | None = None) -> ScopeProjection | None:
        return self.store.scope_projection(scope, self.day)

    def scope_cuts(self, scope: Scope, day: Day | None = None) -> ScopeCuts | None:
        return self.store.scope_cuts(scope, self.day)

    def scope_constraint(
        self, scope: Scope, actors: Sequence[str], day: Day | None = None
    ) -> ScopeConstraint | None:
        return self.store.scope_constraint(scope, actors, self.day)

    def scope_reach(
        self,
        scope: Scope,
        sources: Sequence[str],
        max_hops: int,
        wanted: Sequence[str],
        day: Day | None = None,
    ) -> ScopeReach | None:
        return self.store.scope_reach(scope, sources, max_hops, wanted, self.day)

    def scope_nearest(
        self,
        scope: Scope,
        sources: Sequence[str],
        wanted: Sequence[str],
        blocks: Mapping[str, str],
        day: Day | None = None,
    ) -> ScopeNearest | None:
        return self.store.scope_nearest(scope, sources, wanted, blocks, self.day)

    def best_paths(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> list[ScoredPath]:
        return self.store.best_paths(source, target, k, max_hops, self.day, visibility)

    def introduction_search(
        self,
        source: str,
        target: str,
        k: int,
        max_hops: int,
        day: Day | None = None,
        visibility: Visibility | None = None,
    ) -> IntroductionSearch:
        return self.store.introduction_search(source, target, k, max_hops, self.day, visibility)

    def centres_with_expertise(
        self, need: str, day: Day | None = None
    ) -> list[tuple[Node, list[str]]]:
        return self.store.centres_with_expertise(need, self.day)

    def warm_up(self) -> dict[str, int]:
        return self.store.warm_up()

    # -- provenance: the store's -------------------------------------------------------

    def provenance(self, records: Iterable[str]) -> dict[str, list[Assertion]]:
        return self.store.provenance(records)

    def iter_provenance(self) -> Iterator[tuple[str, Assertion]]:
        return self.store.iter_provenance()

    def standing_records(self, contributor: str) -> set[str]:
        return self.store.standing_records(contributor)

    def contributors(self) -> list[ContributorSummary]:
        return self.store.contributors()

    # -- merges: the store's (not in valid time) ----------------------------------------

    def aliases(self) -> dict[str, str]:
        return self.store.aliases()

    def merges(self) -> list[MergeRecord]:
        return self.store.merges()

    def merge_snapshot(self, merge_id: str) -> str | None:
        return self.store.merge_snapshot(merge_id)

    # -- referrals: the store's --------------------------------------------------------

    def create_referral(self, referral: Referral) -> tuple[Referral, bool]:
        return self._referrals().create_referral(referral)

    def get_referral(self, referral_id: str) -> Referral | None:
        return self._referrals().get_referral(referral_id)

    def referral_ids_by_request(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        return self._referrals().referral_ids_by_request(requests)

    def list_referrals(self, centre: str | None = None, box: str | None = None) -> list[Referral]:
        return self._referrals().list_referrals(centre, box)

    def open_referrals_sent(self, from_centre: str, enterprise: str, need: str) -> list[Referral]:
        return self._referrals().open_referrals_sent(from_centre, enterprise, need)

    def received_records(self, centres: Iterable[str]) -> dict[str, ReceivedRecord]:
        return self._referrals().received_records(centres)

    def completed_with(self, centre: str) -> dict[str, int]:
        return self._referrals().completed_with(centre)

    def move_referral(self, moved: Referral, expected: ReferralStatus) -> Referral:
        return self._referrals().move_referral(moved, expected)

    def close(self) -> None:
        """The view holds nothing of its own: closing it leaves the store open."""
