"""Stores: the ports (graph, referrals) and one adapter per backend implementing both,
chosen by :func:`open_store`."""

from __future__ import annotations

from graph.model import Scope
from graph.settings import Backend, Settings
from graph.store.ports import GraphStore, GraphWriter, ReferralStore, Stats, Store

__all__ = ["GraphStore", "GraphWriter", "ReferralStore", "Scope", "Stats", "Store", "open_store"]


def open_store(settings: Settings, watch: bool = True) -> Store:
    """Open the store the settings name. An embedded store looks for other processes'
    commits every second unless ``watch`` is False (then the caller refreshes it before each
    use, as a heavy-work process does); a Neo4j store always reads the server.

    Raises ConfigurationError for missing Neo4j settings, StoreUnavailable when Neo4j cannot
    be reached, StoreError when the embedded file cannot be opened.
    """
    if settings.backend is Backend.NEO4J:
        from graph.store.neo4j import Neo4jStore

        uri, user, password = settings.require_neo4j()
        return Neo4jStore(
            uri,
            user,
            password,
            database=settings.neo4j_database,
            procedures=settings.neo4j_procedures,
            confidential_types=settings.confidential_types,
        )
    from graph.store.embedded import EmbeddedStore

    if watch:
        return EmbeddedStore(settings.data_dir)
    return EmbeddedStore(settings.data_dir, watch_seconds=None)
