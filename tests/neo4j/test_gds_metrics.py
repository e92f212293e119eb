"""The weakness report on a Neo4j server with Graph Data Science (GDS): the same report with
the metrics computed by GDS, without them, and on the embedded store, on the random networks
of tests/conformance/test_weaknesses.py; the scope read in compact columns the same as the
plain reads; GDS's metrics equal rsn's; no projection left behind.

The server is a local Neo4j of its own, started with the peer plugins (GDS and APOC) on a
home and port of its own. Without Java or Maven the tests are skipped, except in CI, where a
missing Neo4j or GDS fails them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import graph.queries.weaknesses as weaknesses
from graph.algorithms.centrality import betweenness
from graph.algorithms.cuts import cut_vertices
from graph.model import Scope
from graph.queries.weaknesses import MAX_LIMIT, weakness_report
from graph.store.embedded import EmbeddedStore
from graph.store.neo4j import Neo4jStore
from graph.store.neo4j_gds import GdsMetrics
from graph.store.ports import ScopeMetrics
from graph.valid_time import Day, today
from tests.conformance.test_introductions import load
from tests.conformance.test_weaknesses import PREFECTURES, graphs_with_prefectures
from tests.conftest import IN_CI, _free_port, _wipe_neo4j, local_neo4j

pytestmark = pytest.mark.timeout(900)

SCOPES = (None, *PREFECTURES)


@dataclass
class GdsServer:
    uri: str
    user: str
    password: str


@pytest.fixture(scope="session")
def gds_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GdsServer]:
    """A local Neo4j with GDS and APOC beside rsn's plugin, for this session."""
    local = local_neo4j()
    home = tmp_path_factory.mktemp("neo4j-gds-home")
    server = local.start(home, _free_port(), "rsn-test-password", timeout=600, peers=True)
    try:
        yield GdsServer(server.uri, server.user, server.password)
    finally:
        server.stop()


class GdsStore(Neo4jStore):
    """The Neo4j store as it is, counting the metrics Graph Data Science computed for it."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.computed = 0

    def scope_metrics(
        self, scope: Scope, day: Day | None = None, betweenness: bool = False
    ) -> ScopeMetrics | None:
        found = super().scope_metrics(scope, day, betweenness)
        if found is not None:
            self.computed += 1
        return found


@pytest.fixture(scope="module")
def graphs() -> list[Any]:
    return graphs_with_prefectures(range(60))


@pytest.fixture(scope="module")
def stores(
    gds_server: GdsServer, graphs: list[Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GdsStore, Neo4jStore, EmbeddedStore]]:
    """The random networks in the GDS server (read with and without GDS) and in an embedded
    store."""
    _wipe_neo4j(gds_server)  # type: ignore[arg-type]
    auth = (gds_server.uri, gds_server.user, gds_server.password)
    with (
        GdsStore(*auth) as with_gds,
        Neo4jStore(*auth, graph_data_science=False) as without,
    ):
        if not with_gds._gds.available:
            reason = "the Neo4j started with the peer plugins has no Graph Data Science"
            if IN_CI:
                pytest.fail(f"CI=true and {reason}", pytrace=False)
            pytest.skip(reason)
        load(with_gds, graphs)
        folder: Path = tmp_path_factory.mktemp("embedded-gds")
        with EmbeddedStore(folder / "data", watch_seconds=None) as embedded:
            load(embedded, graphs)
            yield with_gds, without, embedded


def _projections(store: Neo4jStore) -> list[str]:
    return store._read("CALL gds.graph.list() YIELD graphName RETURN graphName")


@pytest.mark.parametrize("dated", [False, True], ids=["whole-history", "as-of-today"])
def test_the_report_is_the_same_with_and_without_gds_and_on_the_embedded_store(stores, dated):
    with_gds, without, embedded = stores
    day = today()
    before = with_gds.computed
    for prefecture in SCOPES:
        reports = []
        for store in (with_gds, without, embedded):
            weaknesses._kept.clear()
            reading = store.as_of(day) if dated else store
            reports.append(weakness_report(reading, prefecture, limit=MAX_LIMIT))
        mine, plain, theirs = reports
        assert mine == plain, f"prefecture {prefecture}: with GDS and without"
        assert mine == theirs, f"prefecture {prefecture}: with GDS and embedded"
        assert mine.brokers and mine.betweenness_exact
    assert with_gds.computed - before == len(SCOPES)  # GDS answered every scope
    assert _projections(with_gds) == []


def test_a_sampled_betweenness_stays_in_python_and_the_report_stays_the_same(stores, monkeypatch):
    """Above the exact limit the store is not asked for betweenness (GDS draws its own
    sample); the compact reads still give the same report."""
    with_gds, without, embedded = stores
    monkeypatch.setattr(weaknesses, "BETWEENNESS_EXACT_MAX", 20)
    before = with_gds.computed
    for prefecture in SCOPES:
        reports = []
        for store in (with_gds, without, embedded):
            weaknesses._kept.clear()
            reports.append(weakness_report(store, prefecture, limit=MAX_LIMIT))
        assert not reports[0].betweenness_exact
        assert reports[0] == reports[1] == reports[2], f"prefecture {prefecture}"
    assert with_gds.computed == before


@pytest.mark.parametrize("dated", [False, True], ids=["whole-history", "as-of-today"])
def test_the_compact_reads_equal_the_plain_ones(stores, dated):
    with_gds, without, _embedded = stores
    day = today() if dated else None
    for prefecture in SCOPES:
        scope = Scope(prefecture)
        nodes, relations, boundary = with_gds.scope_graph_and_boundary(scope, day)
        plain_nodes, plain_relations = without.scope_graph(scope, day)
        assert without.scope_metrics(scope, day, betweenness=True) is None  # turned off
        assert sorted(nodes, key=lambda n: n.id) == sorted(plain_nodes, key=lambda n: n.id)
        assert sorted(relations) == sorted(plain_relations)
        assert sorted(boundary) == sorted(without.boundary_relations(scope, day))
        assert nodes and relations
    assert boundary or prefecture is None


def test_gds_metrics_equal_rsns(stores):
    with_gds, _without, _embedded = stores
    for prefecture in SCOPES:
        scope = Scope(prefecture)
        graph = with_gds.projection(scope)
        found = with_gds.scope_metrics(scope, None, betweenness=True)
        assert found is not None and found.betweenness is not None
        cuts, bridges = cut_vertices(graph)
        values, _used = betweenness(graph)
        assert (found.nodes, found.edges) == (graph.number_of_nodes(), graph.number_of_edges())
        assert found.cut_vertices == set(cuts)
        assert found.bridges == {frozenset((u, v)) for u, v, _side in bridges}
        assert found.betweenness.keys() == values.keys()
        for node, value in values.items():
            assert found.betweenness[node] == pytest.approx(value, rel=1e-9, abs=1e-15)
        assert with_gds.scope_metrics(scope, None).betweenness is None  # not asked
    assert _projections(with_gds) == []


def test_an_empty_scope_and_a_failure_leave_no_projection(stores, monkeypatch):
    with_gds, _without, _embedded = stores
    empty = with_gds.scope_metrics(Scope("01"), None, betweenness=True)
    assert empty == ScopeMetrics(0, 0, frozenset(), frozenset(), {})
    import graph.store.cypher as cypher

    monkeypatch.setattr(cypher, "GDS_BRIDGES", "CALL gds.noSuchProcedure($name)")
    with pytest.raises(Exception):  # noqa: B017 - the store's error, whichever it is
        with_gds.scope_metrics(Scope(PREFECTURES[0]), None)
    assert _projections(with_gds) == []


def test_a_store_without_gds_offers_no_metrics(neo4j_server, tmp_path):
    """The plain Neo4j of the other tests (rsn's plugin only) and the embedded store."""
    _wipe_neo4j(neo4j_server)
    with Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password) as store:
        gds = GdsMetrics(store._driver, store.database, store._read)
        assert not gds.available
        assert gds.scope_metrics(Scope("13"), None, betweenness=True) is None
        assert store.scope_metrics(Scope("13")) is None
    with EmbeddedStore(tmp_path / "data", watch_seconds=None) as embedded:
        assert embedded.scope_metrics(Scope("13")) is None
