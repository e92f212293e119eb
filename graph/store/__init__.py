"""Stores: the ports (graph, referrals) and one adapter per backend implementing both,
chosen by :func:`open_store`; and where the API keys live with each backend
(:func:`open_keys`)."""

from __future__ import annotations

from graph.model import Scope
from graph.settings import Backend, Settings
from graph.store.keys import KEYS_FILE, FileKeyStore, KeyStore
from graph.store.ports import GraphStore, GraphWriter, ReferralStore, Stats, Store

__all__ = [
    "GraphStore",
    "GraphWriter",
    "KeyStore",
    "ReferralStore",
    "Scope",
    "Stats",
    "Store",
    "keys_exist",
    "open_keys",
    "open_store",
]


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


def open_keys(settings: Settings) -> KeyStore:
    """Open the API keys, sessions and audit log of the deployment the settings name: in
    ``keys.sqlite`` in the data folder with the embedded store (made when missing), in the
    Neo4j database of the graph with Neo4j, so that several API servers share them. The
    first time the keys are opened in a Neo4j database that keeps none, those of a
    ``keys.sqlite`` left in the data folder are moved in (see
    :meth:`graph.store.neo4j_keys.Neo4jKeyStore.adopt_file`); the file is left as it was.

    Raises ConfigurationError for missing Neo4j settings, StoreUnavailable when Neo4j cannot
    be reached, StoreError when the file cannot be opened."""
    if settings.backend is Backend.NEO4J:
        from graph.store.neo4j_keys import Neo4jKeyStore

        uri, user, password = settings.require_neo4j()
        keys = Neo4jKeyStore(uri, user, password, database=settings.neo4j_database)
        try:
            if (settings.data_dir / KEYS_FILE).is_file() and not keys.holds_anything():
                kept = FileKeyStore(settings.data_dir)
                try:
                    keys.adopt_file(kept)
                finally:
                    kept.close()
        except BaseException:
            keys.close()
            raise
        return keys
    return FileKeyStore(settings.data_dir)


def keys_exist(settings: Settings) -> bool:
    """Whether the deployment the settings name may keep keys already, without making
    anything: the embedded store's ``keys.sqlite`` exists; always with Neo4j (its keys are
    in the database)."""
    return settings.backend is Backend.NEO4J or (settings.data_dir / KEYS_FILE).is_file()
