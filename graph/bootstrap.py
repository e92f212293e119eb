"""The composition root: what both entry points (the command line and the HTTP API) open.

:func:`open_services` reads the settings and gives the store they name and the key store of
the data folder, each opened on first use and closed when the block ends. The entry points
never build a store or a key store themselves, so a change of backend or of where keys live
is made here once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.errors import NotFound
from graph.i18n import _
from graph.settings import Backend, Settings, load_settings
from graph.store import keys_exist, open_keys, open_store
from graph.store.embedded import STORE_FILE
from graph.store.keys import KeyStore
from graph.store.ports import Store

__all__ = ["Services", "open_services"]


class Services:
    """The settings, and the store and key store they name, opened when first asked for.

    With ``existing``, asking for the store of an embedded data folder that holds none raises
    NotFound (a command that only reads should not make an empty store). With ``watch``
    False, an embedded store does not look for other processes' commits by itself (see
    :func:`graph.store.open_store`)."""

    def __init__(self, settings: Settings, existing: bool = False, watch: bool = True) -> None:
        self.settings = settings
        self._existing = existing
        self._watch = watch
        self._store: Store | None = None
        self._keys: KeyStore | None = None

    @property
    def store(self) -> Store:
        """The configured store. Raises NotFound (see the class), ConfigurationError,
        StoreUnavailable or StoreError as :func:`graph.store.open_store` does."""
        if self._store is None:
            if self._existing:
                self.require_store()
            self._store = open_store(self.settings, watch=self._watch)
        return self._store

    @property
    def keys(self) -> KeyStore:
        """The API keys of the deployment (see :func:`graph.store.open_keys`: the data
        folder's file, made when missing, or the Neo4j database). Raises StoreError when
        the file cannot be opened, StoreUnavailable when Neo4j cannot be reached."""
        if self._keys is None:
            self._keys = open_keys(self.settings)
        return self._keys

    def existing_keys(self) -> KeyStore | None:
        """The key store, or None when the embedded store's data folder has no keys file yet
        (nothing is made)."""
        if self._keys is None and not keys_exist(self.settings):
            return None
        return self.keys

    def require_store(self) -> None:
        """Raise NotFound, in one line, when the embedded store of the data folder is
        missing; nothing for Neo4j."""
        data_dir = self.settings.data_dir
        if self.settings.backend is Backend.EMBEDDED and not (data_dir / STORE_FILE).is_file():
            raise NotFound(
                _(
                    "no store in {folder} (RSN_DATA_DIR): load a dataset with `rsn load DIR`, "
                    "or run `make demo`, which uses the same folder",
                    folder=folder_name(data_dir),
                )
            )

    def close(self) -> None:
        """Close what was opened, the key store first. Safe to call twice."""
        keys, store = self._keys, self._store
        self._keys = self._store = None
        try:
            if keys is not None:
                keys.close()
        finally:
            if store is not None:
                store.close()


@contextmanager
def open_services(
    settings: Settings | None = None, existing: bool = False, watch: bool = True
) -> Iterator[Services]:
    """The services of ``settings`` (read from the environment when None), closed when the
    block ends. Raises ConfigurationError for a bad setting; see :class:`Services`."""
    services = Services(settings or load_settings(), existing=existing, watch=watch)
    try:
        yield services
    finally:
        services.close()


def folder_name(path: Path) -> str:
    """A folder as a message names it: ``data/``."""
    return f"{str(path).rstrip('/')}/"
