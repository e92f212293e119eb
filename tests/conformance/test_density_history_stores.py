"""The density history on both stores: what each reads of the whole history
(:meth:`GraphStore.actor_history`, which Neo4j reads in narrow Cypher) is what the port's
reading of the whole graph gives, and the history equals, year by year, the density table as
of 1 April, on random graphs whose nodes and ties begin and end around 1 April."""

from __future__ import annotations

import random

import pytest

from graph.japan import PREFECTURE_BY_CODE
from graph.provenance import Attribution
from graph.queries.density import density_table, group_of
from graph.queries.history import density_history
from graph.store.ports import GraphStore
from graph.valid_time import fiscal_year_day, today
from tests.unit.test_density_history import _random_graph

FIRST, LAST = 2005, int(today()[:4])


@pytest.mark.parametrize("by", ["prefecture", "block"])
def test_each_store_reads_the_history_the_port_describes(store, by):
    nodes, relations = _random_graph(random.Random(11), 90)
    store.upsert_nodes(nodes, Attribution("random"))
    store.upsert_relations(relations, Attribution("random"))
    groups = {code: key for code in PREFECTURE_BY_CODE if (key := group_of(code, by))}

    actors, ties = store.actor_history(groups)
    expected_actors, expected_ties = GraphStore.actor_history(store, groups)

    assert sorted(actors) == sorted(expected_actors)
    assert sorted(ties, key=str) == sorted(expected_ties, key=str)
    assert ties, "the random graph has ties within a group"


@pytest.mark.parametrize("seed", range(2))
def test_the_history_equals_the_table_as_of_each_first_of_april(store, seed):
    nodes, relations = _random_graph(random.Random(100 + seed), 70)
    store.upsert_nodes(nodes, Attribution("random"))
    store.upsert_relations(relations, Attribution("random"))

    history = density_history(store, "prefecture", FIRST, LAST)

    for year in range(FIRST, LAST + 1):
        expected = density_table(store.as_of(fiscal_year_day(year)), "prefecture")
        assert [found.row for found in history if found.year == year] == expected, year
