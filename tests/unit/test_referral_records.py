"""A referral's record is mapped in one place, from the dataclass's fields: the stores'
columns and properties and the dataset's columns all come from it (or are checked here)."""

from __future__ import annotations

import sqlite3
from dataclasses import fields, replace
from typing import get_type_hints

import pytest

from graph.loaders.referral_rows import REFERRAL_COLUMNS, parse_referral, referral_cells
from graph.referral_lifecycle import Referral, ReferralEvent, ReferralStatus
from graph.store import cypher
from graph.store.embedded import STORE_FILE, EmbeddedStore
from graph.store.neo4j import _referral_of as neo4j_referral_of
from graph.store.neo4j import _referral_row as neo4j_referral_row
from graph.store.referral_records import (
    DECODE,
    ENCODE,
    REFERRAL_FIELDS,
    from_record,
    to_record,
)

REFERRAL = Referral(
    id="ref-1",
    from_centre="C1",
    to_centre="C2",
    enterprise="E3",
    need="export",
    note='a "note", with\nlines and 日本語',
    status=ReferralStatus.ACCEPTED,
    created_at="2024-05-01T09:00:00.000000+00:00",
    history=(
        ReferralEvent("2024-05-01T09:00:00.000000+00:00", "C1 (key k)", ReferralStatus.REQUESTED),
        ReferralEvent(
            "2024-05-02T10:00:00.000000+00:00",
            "C2 (key j)",
            ReferralStatus.ACCEPTED,
            ReferralStatus.REQUESTED,
        ),
    ),
    request_key="retry-1",
    fingerprint="abc",
)


def test_the_fields_are_the_dataclass_fields():
    assert REFERRAL_FIELDS == tuple(field.name for field in fields(Referral))


def test_every_field_that_is_not_text_says_how_it_becomes_text_and_back():
    hints = get_type_hints(Referral)
    not_text = {name for name in REFERRAL_FIELDS if hints[name] is not str}
    assert set(ENCODE) == not_text
    assert set(DECODE) == not_text


def test_a_record_is_text_and_reads_back_as_the_same_referral():
    record = to_record(REFERRAL)
    assert list(record) == list(REFERRAL_FIELDS)
    assert all(isinstance(value, str) for value in record.values())
    assert record["status"] == "accepted"
    assert record["history"] == REFERRAL.history_json()
    assert from_record(record) == REFERRAL
    assert from_record({**record, "request_id": "ignored"}) == REFERRAL


def test_a_bad_record_is_refused():
    record = to_record(REFERRAL)
    with pytest.raises(KeyError):
        from_record({k: v for k, v in record.items() if k != "fingerprint"})
    with pytest.raises(ValueError):
        from_record({**record, "status": "lost"})
    with pytest.raises(ValueError):
        from_record({**record, "history": "{}"})


def test_referrals_csv_has_every_field_with_the_history_last():
    # the file's columns, as rsn export has always written them
    assert REFERRAL_COLUMNS == (
        "id",
        "from_centre",
        "to_centre",
        "enterprise",
        "need",
        "note",
        "status",
        "created_at",
        "request_key",
        "fingerprint",
        "history",
    )
    assert sorted(REFERRAL_COLUMNS) == sorted(REFERRAL_FIELDS)


def test_a_csv_row_reads_back_as_the_same_referral():
    cells = referral_cells(REFERRAL)
    assert all(isinstance(cell, str) for cell in cells)
    assert parse_referral(dict(zip(REFERRAL_COLUMNS, cells, strict=True))) == REFERRAL


def test_the_optional_csv_columns_may_be_missing():
    row = dict(zip(REFERRAL_COLUMNS, referral_cells(REFERRAL), strict=True))
    del row["note"], row["fingerprint"]
    assert parse_referral(row) == replace(REFERRAL, note="", fingerprint="")


def test_the_embedded_table_has_a_column_per_field(tmp_path):
    with EmbeddedStore(tmp_path, watch_seconds=None):
        pass
    connection = sqlite3.connect(tmp_path / STORE_FILE)
    try:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(referrals)")]
    finally:
        connection.close()
    assert tuple(columns) == REFERRAL_FIELDS


def test_the_neo4j_node_has_a_property_per_field_and_its_request_id():
    row = neo4j_referral_row(REFERRAL)
    assert set(row) == {*REFERRAL_FIELDS, "request_id"}
    assert row["request_id"] == "C1|retry-1"
    assert neo4j_referral_of(row) == REFERRAL
    # what the statements read back is every field, in a map column
    for name in REFERRAL_FIELDS:
        assert f".{name}" in cypher.GET_REFERRAL
        assert f".{name}" in cypher.LIST_REFERRALS
        assert f".{name}" in cypher.CREATE_REFERRAL
