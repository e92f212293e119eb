"""The key store lists keys in the order they were made, even within one second (its
timestamps have whole seconds)."""

from __future__ import annotations

from graph.store.keys import KeyStore, Role


def test_keys_made_in_the_same_second_are_listed_in_the_order_they_were_made(tmp_path):
    keys = KeyStore(tmp_path / "data")
    try:
        for name in ("zeta", "alpha", "mu"):
            keys.add(name, Role.ANALYST)
        assert [key.name for key in keys.list()] == ["zeta", "alpha", "mu"]
    finally:
        keys.close()
