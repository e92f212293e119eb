"""The API keys, sessions and audit log on each backend: in keys.sqlite with the embedded
store, in the graph's Neo4j database with Neo4j (so that several API servers share them)."""

from __future__ import annotations

import pytest

from graph.errors import Conflict, InvalidArgument, NotFound
from graph.settings import Backend
from graph.store import open_keys
from graph.store.keys import KEYS_FILE, FileKeyStore, Role


@pytest.fixture
def keys(settings):
    opened = open_keys(settings)
    yield opened
    opened.close()


def test_keys_made_in_the_same_second_are_listed_in_the_order_they_were_made(keys):
    for name in ("zeta", "alpha", "mu"):
        keys.add(name, Role.ANALYST)
    assert [key.name for key in keys.list()] == ["zeta", "alpha", "mu"]


def test_a_key_opens_until_revoked_and_only_its_own_secret_does(keys):
    secret = keys.add("ana", Role.CENTRE, "C1")
    found = keys.authenticate(secret)
    assert found is not None and (found.name, found.role, found.centre) == (
        "ana",
        Role.CENTRE,
        "C1",
    )
    prefix, key_id, rest = secret.split("_", 2)
    assert keys.authenticate(f"{prefix}_{key_id}_{rest[:-1]}x") is None
    assert keys.authenticate("rsn_000000000000_nothing") is None
    assert keys.authenticate("") is None and keys.authenticate("not a key") is None
    keys.revoke("ana")
    assert keys.authenticate(secret) is None
    (listed,) = keys.list()
    assert listed.revoked_at is not None and not listed.active
    with pytest.raises(NotFound, match="ana"):
        keys.revoke("ana")


def test_a_name_is_taken_once_unless_replaced(keys):
    first = keys.add("ops", Role.ADMIN)
    with pytest.raises(Conflict, match="ops"):
        keys.add("ops", Role.ANALYST)
    assert keys.authenticate(first) is not None
    session = keys.start_session(keys.authenticate(first))
    second = keys.add("ops", Role.ANALYST, replace=True)
    assert keys.authenticate(first) is None
    assert keys.session_key(session) is None  # the replaced key's sessions went with it
    assert keys.authenticate(second).role is Role.ANALYST
    assert [key.name for key in keys.list()] == ["ops"]


@pytest.mark.parametrize(
    ("name", "role", "centre"),
    [
        ("", Role.ADMIN, None),
        ("x" * 101, Role.ADMIN, None),
        ("c", Role.CENTRE, None),
        ("a", Role.ADMIN, "C1"),
        ("c", Role.CENTRE, "not an id!"),
    ],
)
def test_a_bad_key_request_is_refused_and_keeps_nothing(keys, name, role, centre):
    with pytest.raises(InvalidArgument):
        keys.add(name, role, centre)
    assert keys.list() == []


def test_a_session_lasts_until_sign_out_or_revocation(keys):
    secret = keys.add("ana", Role.ANALYST)
    key = keys.authenticate(secret)
    token = keys.start_session(key)
    other = keys.start_session(key)
    assert keys.session_key(token).name == "ana"
    assert keys.session_key("made-up") is None
    keys.end_session(token)
    assert keys.session_key(token) is None
    assert keys.session_key(other).name == "ana"
    keys.revoke("ana")
    assert keys.session_key(other) is None


def test_a_key_made_by_one_opening_works_on_another_at_once(settings):
    first, second = open_keys(settings), open_keys(settings)
    try:
        secret = first.add("ana", Role.ANALYST)
        assert second.authenticate(secret).name == "ana"
        token = second.start_session(second.authenticate(secret))
        assert first.session_key(token).name == "ana"
        first.revoke("ana")
        assert second.authenticate(secret) is None
        assert second.session_key(token) is None
        entry = second.record_audit("ana", "GET /v1/nodes/E1", ["E1"])
        assert first.audit() == [entry]
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("backend", [Backend.NEO4J], ids=["neo4j"])
def test_neo4j_takes_in_the_keys_and_log_of_a_keys_file_once(settings):
    kept = FileKeyStore(settings.data_dir)
    analyst = kept.add("ana", Role.ANALYST)
    revoked = kept.add("old", Role.ADMIN)
    kept.revoke("old")
    centre = kept.add("desk", Role.CENTRE, "C1")
    logged = kept.record_audit("ana", "GET /v1/nodes/E1", ["E1"], at="2026-03-01T00:00:00Z")
    before = kept.list()
    kept.close()
    keys = open_keys(settings)
    try:
        assert keys.list() == before
        assert keys.authenticate(analyst).name == "ana"
        assert keys.authenticate(centre).centre == "C1"
        assert keys.authenticate(revoked) is None
        assert keys.audit() == [logged]
        keys.revoke("ana")
    finally:
        keys.close()
    assert (settings.data_dir / KEYS_FILE).is_file()  # left as it was
    again = open_keys(settings)  # the database keeps keys now: nothing moves again
    try:
        assert again.authenticate(analyst) is None
        assert len(again.audit()) == 1
    finally:
        again.close()
