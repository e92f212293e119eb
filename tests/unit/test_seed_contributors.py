"""The seed's contributors and history: provenance.csv agrees with the other files, ties end,
and the network as of 2008 is not the network of today (seeds/README.md, "Contributors and
history")."""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from graph.model import ACTOR_KINDS, FILE_KIND, Node, NodeKind, Relation, RelationType
from graph.provenance import (
    Assertion,
    check_contributor,
    ended_node,
    ended_relation,
    is_relation_record,
    latest_standing,
    node_from_values,
    node_values,
    relation_from_values,
    relation_key_of,
    relation_record,
    relation_values,
    values_from_text,
    values_text,
)
from graph.rows import parse_node, parse_relation
from graph.valid_time import day_of, exists_on, holds_on, now_stamp, today
from seeds import generate_dataset, history

PROVENANCE_COLUMNS = ["record", "contributor", "recorded_at", "last_seen", "retracted_at", "values"]
LAST_DAY = "2026-03-31"
PROGRAMME_START = "2008-04-01"  # fiscal 2008, the first year of the centres


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class History:
    """A generated dataset with its provenance, read back once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.nodes: dict[str, Node] = {}
        for name, kind in FILE_KIND.items():
            for row in read(folder, name):
                self.nodes[row["id"]] = parse_node(kind, row)
        self.relations: dict[str, Relation] = {}
        for row in read(folder, "relations.csv"):
            relation = parse_relation(row)
            self.relations[relation_record(relation.source, relation.type, relation.target)] = (
                relation
            )
        with open(folder / "provenance.csv", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            self.header = next(reader)
            self.rows = list(reader)
        self.assertions: dict[str, list[Assertion]] = defaultdict(list)
        for record, contributor, recorded, seen, retracted, values in self.rows:
            self.assertions[record].append(
                Assertion(contributor, recorded, seen, retracted or None, values_from_text(values))
            )

    def contributors(self, record: str) -> set[str]:
        return {a.contributor for a in self.assertions[record]}

    def of_type(self, kind: RelationType) -> dict[str, Relation]:
        return {r: rel for r, rel in self.relations.items() if rel.type is kind}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> History:
    # 16,000 enterprises: the smallest size with more than one centre in some prefectures,
    # so that a few centres close
    folder = tmp_path_factory.mktemp("history") / "dataset"
    generate_dataset(folder, enterprises=16_000, seed=5)
    return History(folder)


def effective(record: str, assertions: list[Assertion]) -> tuple[Assertion, str | None]:
    """The assertion whose values are the record's, and the day the record ended on by
    retraction (None while an assertion stands): graph.provenance's rules."""
    standing = latest_standing(assertions)
    if standing is not None:
        return standing, None
    final = max(a.retracted_at for a in assertions if a.retracted_at)
    last = [a for a in assertions if a.retracted_at == final]
    found = latest_standing(dataclasses.replace(a, retracted_at=None) for a in last)
    assert found is not None
    return found, day_of(final)


# -- the file --------------------------------------------------------------------------------


def test_provenance_is_sorted_by_record_and_contributor(seeded: History) -> None:
    assert seeded.header == PROVENANCE_COLUMNS
    keys = [(row[0], row[1]) for row in seeded.rows]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))  # one row per record and contributor
    raw = (seeded.folder / "provenance.csv").read_bytes()
    assert b"\r\n" not in raw and not raw.startswith(b"\xef\xbb\xbf")


def test_every_record_is_asserted_and_every_assertion_is_of_a_record(seeded: History) -> None:
    records = set(seeded.nodes) | set(seeded.relations)
    assert set(seeded.assertions) == records


def test_values_stamps_and_contributors_are_well_formed(seeded: History) -> None:
    now = now_stamp()
    for record, contributor, recorded, seen, retracted, values in seeded.rows:
        check_contributor(contributor)
        assert contributor != "admin"  # an admin retracts, it asserts nothing
        assert values == values_text(values_from_text(values)), record  # canonical JSON
        for stamp in (recorded, seen, retracted):
            if stamp:
                assert len(stamp) == len(now) and stamp.endswith("+00:00"), stamp
                assert datetime.fromisoformat(stamp).utcoffset().total_seconds() == 0
        assert recorded <= seen <= now, record
        if retracted:
            assert seen <= retracted <= now, record
        if is_relation_record(record):
            relation_key_of(record)


def test_the_effective_values_are_those_of_the_latest_standing_assertion(seeded: History) -> None:
    ended_by_retraction = 0
    for record, assertions in seeded.assertions.items():
        chosen, ended_on = effective(record, assertions)
        if is_relation_record(record):
            relation = seeded.relations[record]
            expected = relation_from_values(*relation_key_of(record), chosen.values)
            if ended_on is not None:
                ended_by_retraction += 1
                expected = ended_relation(expected, ended_on)
                assert relation.until is not None and relation.until <= ended_on, record
            assert relation == expected, record
            assert relation_values(relation) == (
                chosen.values if ended_on is None else relation_values(expected)
            )
        else:
            node = seeded.nodes[record]
            expected_node = node_from_values(record, node.kind, chosen.values)
            if ended_on is not None:
                ended_by_retraction += 1
                expected_node = ended_node(expected_node, ended_on)
                assert node.props["ended"] <= ended_on, record
            else:
                assert node_values(node) == chosen.values, record
            assert node == expected_node, record
    assert ended_by_retraction > 0


# -- who says what -----------------------------------------------------------------------


def test_contributors_are_who_would_know(seeded: History) -> None:
    nodes = seeded.nodes
    centre_of = {s: next(iter(seeded.contributors(s))) for s in nodes if s.startswith("S")}
    for record, relation in seeded.relations.items():
        who = seeded.contributors(record)
        source, target, kind = relation.source, relation.target, relation.type
        if kind is RelationType.SUPPORTS:
            assert source in who
            assert who <= {source, f"pref-{nodes[target].prefecture}"}
        elif kind is RelationType.ADVISES:
            assert centre_of[source] in who
            assert who <= {centre_of[source], f"pref-{nodes[target].prefecture}"}
        elif kind is RelationType.AFFILIATED_WITH:
            assert target in who
            assert who <= {target, f"pref-{nodes[target].prefecture}"}
        elif kind is RelationType.WORKED_AT:
            assert who == {centre_of[source]}
        elif kind is RelationType.LENDS_TO:
            assert "bank-union" in who
            assert who <= {"bank-union", f"pref-{nodes[target].prefecture}"}
        elif kind is RelationType.GUARANTEES:
            assert f"pref-{nodes[source].prefecture}" in who
            assert who <= {f"pref-{nodes[source].prefecture}", "bank-union"}
        elif kind is RelationType.INVESTS_IN:
            assert "smrj" in who and who <= {"smrj", "bank-union"}
        elif kind is RelationType.UTILIZES:
            assert who == {"meti-resources"}
        elif kind in (RelationType.PARTNERS_WITH, RelationType.COLLABORATES_WITH):
            assert who == ({source} if source.startswith("C") else {"credit-bureau"})
        else:
            assert who == {"credit-bureau"}, record
    for node_id, node in nodes.items():
        who = seeded.contributors(node_id)
        assert len(who) == 1
        (contributor,) = who
        if node.kind is NodeKind.ASSET:
            assert contributor == "meti-resources"
        elif node.kind is NodeKind.FINANCIER:
            assert contributor == "bank-union"
        elif node.kind is NodeKind.CENTRE:
            assert contributor == f"pref-{node.prefecture}"
        elif node.kind is NodeKind.SPECIALIST:
            assert seeded.relations[relation_record(node_id, "AFFILIATED_WITH", contributor)]
        elif contributor != "company-registry":
            # an enterprise on the list of a centre whose SUPPORTS of it still stands
            support = seeded.assertions[relation_record(contributor, "SUPPORTS", node_id)]
            assert any(a.contributor == contributor and a.standing for a in support)


def test_a_few_percent_of_ties_have_a_second_contributor_who_disagrees(seeded: History) -> None:
    overlapping = (
        RelationType.SUPPORTS,
        RelationType.ADVISES,
        RelationType.AFFILIATED_WITH,
        RelationType.LENDS_TO,
        RelationType.GUARANTEES,
    )
    differ = Counter()
    for kind in overlapping:
        ties = seeded.of_type(kind)
        two = [r for r in ties if len(seeded.assertions[r]) == 2]
        assert 0.01 <= len(two) / len(ties) <= 0.08, kind
        for record in two:
            first, second = (a.values for a in seeded.assertions[record])
            differ["strength"] += first["strength"] != second["strength"]
            differ["since"] += first.get("since") != second.get("since")
    assert differ["strength"] > 0 and differ["since"] > 0
    # the latest to load wins: sometimes the prefecture, sometimes the other contributor
    winners = Counter(
        latest_standing(assertions).contributor.startswith("pref-")
        for assertions in seeded.assertions.values()
        if len(assertions) == 2 and latest_standing(assertions) is not None
    )
    assert winners[True] > 0 and winners[False] > 0


# -- ends ------------------------------------------------------------------------------------


def test_ties_end_and_begin_over_the_years(seeded: History) -> None:
    ended = Counter(r.type for r in seeded.relations.values() if r.until is not None)
    for kind in (
        RelationType.LENDS_TO,
        RelationType.GUARANTEES,
        RelationType.SUPPORTS,
        RelationType.ADVISES,
        RelationType.AFFILIATED_WITH,
    ):
        assert ended[kind] > 0, kind
    for relation in seeded.relations.values():
        if relation.until is not None:
            assert relation.until <= LAST_DAY
            if relation.since is not None:
                assert relation.since < relation.until, relation
    sinces = sorted(r.since for r in seeded.relations.values() if r.since)
    assert sinces[0] < "1995-01-01" and sinces[-1] > "2025-06-01" and sinces[-1] <= LAST_DAY
    # a repaid loan stays in the bank union's file with its end (a stated end)
    repaid = [r for r, rel in seeded.of_type(RelationType.LENDS_TO).items() if rel.until]
    assert any("until" in a.values and a.standing for r in repaid for a in seeded.assertions[r])


def test_a_few_centres_close_and_their_ties_end(seeded: History) -> None:
    closed = {
        node_id: node.props["ended"]
        for node_id, node in seeded.nodes.items()
        if node.kind is NodeKind.CENTRE and "ended" in node.props
    }
    centres = [n for n in seeded.nodes.values() if n.kind is NodeKind.CENTRE]
    assert 1 <= len(closed) <= 0.1 * len(centres)
    seen = 0
    for relation in seeded.relations.values():
        for end in (relation.source, relation.target):
            if end in closed:
                seen += 1
                assert relation.until is not None and relation.until <= closed[end], relation
    assert seen > 0
    for centre, day in closed.items():
        (assertion,) = seeded.assertions[centre]
        assert assertion.retracted_at is not None and day_of(assertion.retracted_at) == day


def test_specialists_retire_and_their_ties_end(seeded: History) -> None:
    specialists = [n for n in seeded.nodes.values() if n.kind is NodeKind.SPECIALIST]
    retired = {n.id: n.props["ended"] for n in specialists if "ended" in n.props}
    assert 0.05 * len(specialists) <= len(retired) <= 0.3 * len(specialists)
    for relation in seeded.relations.values():
        if relation.source in retired:
            assert relation.until is not None and relation.until <= retired[relation.source]
    retracted = [
        a for assertions in seeded.assertions.values() for a in assertions if not a.standing
    ]
    assert retracted


def test_a_client_dropped_by_its_centre_may_stay_on_the_prefectures_list(seeded: History) -> None:
    # the centre retracted its SUPPORTS, the prefecture's stands: the tie holds, on its values
    partly = [
        record
        for record in seeded.of_type(RelationType.SUPPORTS)
        if any(not a.standing for a in seeded.assertions[record])
        and any(a.standing for a in seeded.assertions[record])
    ]
    for record in partly:
        standing = latest_standing(seeded.assertions[record])
        assert relation_values(seeded.relations[record]) == standing.values


def counts_as_of(seeded: History, day: str) -> tuple[Counter, Counter]:
    """Actors and ties between two actors of one prefecture, per prefecture, as of ``day``."""
    where = {
        node_id: node.prefecture
        for node_id, node in seeded.nodes.items()
        if node.kind in ACTOR_KINDS and node.prefecture and exists_on(node.props, day)
    }
    edges: Counter = Counter()
    for relation in seeded.relations.values():
        if not holds_on(relation.since, relation.until, day):
            continue
        prefecture = where.get(relation.source)
        if prefecture is not None and prefecture == where.get(relation.target):
            edges[prefecture] += 1
    return Counter(where.values()), edges


def test_the_network_of_2008_is_not_the_network_of_today(seeded: History) -> None:
    nodes_then, edges_then = counts_as_of(seeded, PROGRAMME_START)
    nodes_now, edges_now = counts_as_of(seeded, today())
    assert sum(edges_now.values()) > 1.3 * sum(edges_then.values())
    assert sum(nodes_now.values()) > sum(nodes_then.values())
    # every prefecture's density changed
    changed = 0
    for prefecture, nodes in nodes_now.items():
        then = 2 * edges_then[prefecture] / max(1, nodes_then[prefecture] ** 2)
        now = 2 * edges_now[prefecture] / max(1, nodes**2)
        changed += abs(now - then) > 0.05 * max(now, then)
    assert changed >= 40
    # and ties of the years between have ended since
    _, edges_2015 = counts_as_of(seeded, "2015-04-01")
    ended_since = [
        r
        for r in seeded.relations.values()
        if holds_on(r.since, r.until, "2015-04-01") and not holds_on(r.since, r.until, today())
    ]
    assert len(ended_since) > 0.02 * sum(edges_2015.values())


# -- making the file -------------------------------------------------------------------------


def test_spilling_sorted_runs_gives_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = generate_dataset(tmp_path / "whole", enterprises=3000, seed=3)
    monkeypatch.setattr(history, "SPILL_LINES", 500)
    spilt = generate_dataset(tmp_path / "spilt", enterprises=3000, seed=3)
    assert spilt == whole
    assert spilt["provenance.csv"] > 5 * 500  # so a few runs were merged
    for name in ("provenance.csv", "relations.csv"):
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "spilt" / name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "spilt").iterdir()) == sorted(
        p.name for p in (tmp_path / "whole").iterdir()
    )


def test_an_interrupted_run_leaves_no_partial_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(history.ProvenanceWriter, "close", fail)
    with pytest.raises(OSError, match="disk full"):
        generate_dataset(tmp_path / "x", enterprises=300, seed=1)
    left = sorted(p.name for p in (tmp_path / "x").iterdir())
    assert "relations.csv" not in left and not [name for name in left if name.startswith(".")]


# -- loading it ------------------------------------------------------------------------------


def test_the_seeded_folder_loads_with_its_provenance(tmp_path: Path) -> None:
    """Loads the folder into an embedded store: counts today, in 2008 and in all, and the
    provenance exported back as it was seeded."""
    from graph.loaders import load_dataset
    from graph.loaders.export import export_dataset
    from graph.store.embedded import EmbeddedStore

    folder = tmp_path / "seed"
    generate_dataset(folder, enterprises=1500, seed=9)
    seeded = History(folder)
    with EmbeddedStore(tmp_path / "store") as store:
        load_dataset(folder, store)
        for day in (None, PROGRAMME_START, "2015-04-01", today()):
            nodes = Counter(
                n.kind.value
                for n in seeded.nodes.values()
                if day is None or exists_on(n.props, day)
            )
            ties = Counter(
                r.type.value
                for r in seeded.relations.values()
                if day is None
                or (
                    holds_on(r.since, r.until, day)
                    and exists_on(seeded.nodes[r.source].props, day)
                    and exists_on(seeded.nodes[r.target].props, day)
                )
            )
            stats = store.stats(day)
            assert {k: v for k, v in stats.nodes.items() if v} == dict(nodes), day
            assert {k: v for k, v in stats.relations.items() if v} == dict(ties), day
        assert sum(1 for _ in store.iter_provenance()) == len(seeded.rows)
        summaries = {s.contributor: s for s in store.contributors()}
        assert {"bank-union", "company-registry", "credit-bureau", "meti-resources"} <= set(
            summaries
        )
        assert summaries["bank-union"].relations > 0
        export_dataset(store, tmp_path / "export")
    assert (tmp_path / "export" / "provenance.csv").read_bytes() == (
        folder / "provenance.csv"
    ).read_bytes()
