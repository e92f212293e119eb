"""The density history (graph/queries/history.py) read in one pass over the whole history
equals, year by year, the density table of the graph as of 1 April of that year, on random
graphs whose nodes are founded and end and whose ties begin and end around 1 April."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from graph.errors import InvalidArgument
from graph.model import ALLOWED_ENDPOINTS, Node, NodeKind, Relation, RelationType
from graph.provenance import Attribution
from graph.queries.density import density_table
from graph.queries.history import FIRST_YEAR, density_history, history_years
from graph.store.embedded import EmbeddedStore
from graph.valid_time import fiscal_year_day, today

FIRST, LAST = 1998, int(today()[:4])

#: Days around 1 April, where a day more or less moves a tie to another year.
_EDGES = ("03-31", "04-01", "04-02")


def _day(rng: random.Random, low: int, high: int) -> str:
    year = rng.randint(low, high)
    if rng.random() < 0.5:
        return f"{year}-{rng.choice(_EDGES)}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _random_graph(rng: random.Random, size: int) -> tuple[list[Node], list[Relation]]:
    """Nodes of every kind in three prefectures (and nationwide), some founded in a year,
    some ended on a day; relations of every type their ends allow, several between some
    pairs, some beginning and ending."""
    nodes = []
    for i in range(size):
        kind = rng.choice(list(NodeKind))
        props: dict[str, object] = {}
        prefecture = rng.choice(["13", "13", "17", "47", None])
        if prefecture is not None:
            props["prefecture"] = prefecture
        if kind is NodeKind.ENTERPRISE and rng.random() < 0.5:
            props["founded"] = rng.randint(1995, LAST + 1)
        if rng.random() < 0.25:
            props["ended"] = _day(rng, 1999, LAST + 2)
        nodes.append(Node(f"N{i}", kind, f"node {i}", props))
    relations: dict[tuple[str, str, str], Relation] = {}
    for _ in range(size * 4):
        a, b = rng.sample(nodes, 2)
        types = [t for t, ends in ALLOWED_ENDPOINTS.items() if (a.kind, b.kind) in ends]
        if not types:
            continue
        kind = rng.choice(types)
        since = _day(rng, 1995, LAST) if rng.random() < 0.7 else None
        until = None
        if rng.random() < 0.4:
            until = _day(rng, 1996, LAST + 2)
            if since is not None and until <= since:
                until = None
        relation = Relation(a.id, kind, b.id, round(rng.uniform(0.1, 1), 2), since, until)
        relations[relation.key] = relation
    return nodes, list(relations.values())


@pytest.fixture
def history_store(tmp_path: Path):
    with EmbeddedStore(tmp_path / "data", watch_seconds=None) as store:
        yield store


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("by", ["prefecture", "block"])
def test_history_equals_the_table_as_of_each_first_of_april(history_store, seed, by):
    rng = random.Random(seed)
    nodes, relations = _random_graph(rng, 60 + 10 * seed)
    by_whom = Attribution("random")
    history_store.upsert_nodes(nodes, by_whom)
    history_store.upsert_relations(relations, by_whom)

    history = density_history(history_store, by, FIRST, LAST)

    years = sorted({found.year for found in history})
    assert years == sorted(years) and all(FIRST <= y <= LAST for y in years)
    for year in range(FIRST, LAST + 1):
        expected = density_table(history_store.as_of(fiscal_year_day(year)), by)
        got = [found for found in history if found.year == year]
        assert [found.row for found in got] == expected, year
        assert all(found.as_of == f"{year}-04-01" for found in got)


def test_ties_between_one_pair_count_once_a_year_and_gaps_stay_gaps(history_store):
    a = Node("E1", NodeKind.ENTERPRISE, "a", {"prefecture": "13"})
    b = Node("E2", NodeKind.ENTERPRISE, "b", {"prefecture": "13"})
    history_store.upsert_nodes([a, b])
    history_store.upsert_relations(
        [
            # 2010..2012 and 2011..2013 overlap; 2016 on stands apart
            Relation("E1", RelationType.TRADES_WITH, "E2", 0.5, "2010-04-01", "2013-04-01"),
            Relation("E1", RelationType.COLLABORATES_WITH, "E2", 0.5, "2010-05-01", "2014-04-02"),
            Relation("E2", RelationType.TRADES_WITH, "E1", 0.5, "2016-03-31", None),
        ]
    )
    edges = {found.year: found.row.edges for found in density_history(history_store, first=2008)}
    assert edges == {
        **{year: 0 for year in range(2008, 2010)},
        **{year: 1 for year in range(2010, 2015)},
        2015: 0,
        **{year: 1 for year in range(2016, LAST + 1)},
    }


def test_an_actor_founded_or_ended_counts_only_in_its_years(history_store):
    history_store.upsert_nodes(
        [
            Node("E1", NodeKind.ENTERPRISE, "a", {"prefecture": "13", "founded": 2012}),
            Node("C1", NodeKind.CENTRE, "c", {"prefecture": "13", "ended": "2015-04-01"}),
        ]
    )
    found = density_history(history_store, first=2010, last=2016)
    counts = {(f.year, f.row.key): (f.row.nodes, f.row.centres) for f in found}
    assert counts == {
        (2010, "13"): (1, 1),
        (2011, "13"): (1, 1),
        (2012, "13"): (2, 1),
        (2013, "13"): (2, 1),
        (2014, "13"): (2, 1),
        # C1 ended on 1 April 2015: not there that day
        (2015, "13"): (1, 0),
        (2016, "13"): (1, 0),
    }


def test_the_years_asked_for_are_bounded():
    assert history_years() == (FIRST_YEAR, LAST)
    assert history_years(1900, 1900) == (1900, 1900)
    with pytest.raises(InvalidArgument, match="from must be 1900 or later"):
        history_years(1899, 2000)
    with pytest.raises(InvalidArgument, match="to must be this year"):
        history_years(2000, LAST + 1)
    with pytest.raises(InvalidArgument, match="must not be after to"):
        history_years(2010, 2009)


def test_a_grouping_other_than_prefecture_or_block_is_refused(history_store):
    with pytest.raises(InvalidArgument, match="by must be prefecture or block"):
        density_history(history_store, "city")
