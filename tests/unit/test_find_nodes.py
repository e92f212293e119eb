"""find_nodes: a node by its id or a part of its name, in either width and any case, best
first, through the store's port only (on every backend)."""

from __future__ import annotations

import pytest

from graph.errors import InvalidArgument
from graph.loaders import load_dataset
from graph.model import Node, NodeKind
from graph.queries.find import MAX_FIND_LIMIT, find_nodes, folded


@pytest.fixture
def loaded(store, small_dataset):
    load_dataset(small_dataset, store)
    return store


def _ids(nodes: list[Node]) -> list[str]:
    return [node.id for node in nodes]


def test_the_node_whose_id_is_the_text_comes_first(loaded):
    assert _ids(find_nodes(loaded, "C1")) == ["C1"]
    assert _ids(find_nodes(loaded, " E3 "))[0] == "E3"


def test_names_equal_then_beginning_then_holding_the_text(loaded):
    # "Tokyo Chamber of Commerce" and "Tokyo Credit Guarantee Corporation" begin with it;
    # shorter name first
    assert _ids(find_nodes(loaded, "tokyo")) == ["C1", "F1"]
    assert _ids(find_nodes(loaded, "corporation")) == ["F2", "F1"]
    assert _ids(find_nodes(loaded, "Japan Finance Corporation")) == ["F2"]


def test_width_case_and_spaces_do_not_matter(loaded):
    assert _ids(find_nodes(loaded, "ＳＡＫＵＲＡ")) == ["E2"]
    assert _ids(find_nodes(loaded, "山田 製作所")) == ["E1"]
    assert _ids(find_nodes(loaded, "製作")) == ["E1"]
    assert folded("ﾔﾏﾀﾞ Ａ") == "ヤマダa"


def test_every_kind_is_searched_and_the_limit_holds(loaded):
    kinds = {node.kind for node in find_nodes(loaded, "a", limit=MAX_FIND_LIMIT)}
    assert kinds == set(NodeKind)
    assert len(find_nodes(loaded, "a", limit=2)) == 2
    assert find_nodes(loaded, "a", limit=2) == find_nodes(loaded, "a", limit=5)[:2]


def test_blank_or_unknown_text_finds_nothing_and_a_bad_limit_is_refused(loaded):
    assert find_nodes(loaded, "   ") == []
    assert find_nodes(loaded, "no such name") == []
    for bad in (0, MAX_FIND_LIMIT + 1, True):
        with pytest.raises(InvalidArgument):
            find_nodes(loaded, "a", limit=bad)


def test_a_store_as_of_a_day_finds_only_the_nodes_of_that_day(loaded):
    loaded.upsert_nodes(
        [
            Node(
                "E9",
                NodeKind.ENTERPRISE,
                "Closed Works",
                {"prefecture": "13", "ended": "2020-01-01"},
            )
        ]
    )
    assert _ids(find_nodes(loaded.as_of("2019-06-01"), "closed")) == ["E9"]
    assert find_nodes(loaded.as_of("2021-06-01"), "closed") == []
    assert find_nodes(loaded.as_of("2021-06-01"), "E9") == []
