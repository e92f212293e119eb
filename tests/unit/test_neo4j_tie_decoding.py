"""How the Neo4j store reads the assertions kept on a tie: the quick way for ties whose every
assertion keeps its own values gives what the general reading gives."""

from __future__ import annotations

from graph.model import Relation, RelationType
from graph.provenance import relation_values
from graph.store.neo4j import _explicit_assertions, _Provenance, _ties_read

TIE = Relation("F1", RelationType.LENDS_TO, "E1", 0.7, "2012-01-01", None)
EXPLICIT = [
    [
        "prov.tokyo",
        ["2021-02-01T00:00:00+00:00", "2021-03-01T00:00:00+00:00", "", '{"strength":0.5}'],
    ],
    [
        "prov.bank",
        [
            "2020-01-01T00:00:00+00:00",
            "2020-01-01T00:00:00+00:00",
            "2022-01-01T00:00:00+00:00",
            '{"since":"2012-01-01","strength":0.7}',
        ],
    ],
]
IMPLICIT = [*EXPLICIT, ["prov.local", ["2019-01-01T00:00:00+00:00", "2019-06-01T00:00:00+00:00"]]]


def _general(pairs):
    return _Provenance("bank", pairs, relation_values(TIE)).sorted()


def test_the_quick_way_reads_explicit_assertions_as_the_general_one():
    quick = _explicit_assertions(EXPLICIT)
    assert quick == _general(EXPLICIT)
    assert [a.contributor for a in quick] == ["bank", "tokyo"]
    assert quick[0].retracted_at == "2022-01-01T00:00:00+00:00" and quick[1].retracted_at is None


def test_an_implicit_assertion_takes_the_general_way():
    assert _explicit_assertions(IMPLICIT) is None
    row = [TIE.source, TIE.type.value, TIE.target, TIE.strength, TIE.since, TIE.until, "local"]
    ties, found = _ties_read([{"ties": [[*row, IMPLICIT], [*row[:2], "E2", *row[3:], []]]}])
    assert [t.target for t in ties] == ["E1", "E2"]
    assert found == {"F1 LENDS_TO E1": _general(IMPLICIT)}
    local = found["F1 LENDS_TO E1"][1]
    assert local.contributor == "local" and local.values == relation_values(TIE)
