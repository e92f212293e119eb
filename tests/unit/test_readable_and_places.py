"""How a computed number and a place are put to a person: four significant digits, the right
article, and where one prefecture is seen from another."""

from __future__ import annotations

import pytest

from graph.japan import ELSEWHERE, SAME_BLOCK, SAME_PREFECTURE, nearness, nearness_words
from graph.model import NodeKind
from graph.queries.readable import readable


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (0.7998000000000001, 0.7998),
        (0.1 + 0.2, 0.3),
        (0.591666666666, 0.5917),
        (1.0, 1.0),
        (0.0, 0.0),
        (0.000123456, 0.0001235),  # four decimal places would say 0.0001
        (1.23456, 1.235),
    ],
)
def test_a_computed_number_is_shown_to_four_significant_digits(exact, shown):
    assert readable(exact) == shown
    assert str(readable(exact)) == str(shown)


def test_a_kind_takes_its_article():
    assert [kind.with_article for kind in NodeKind] == [
        "an Enterprise",
        "an Asset",
        "a Centre",
        "a Financier",
        "a Specialist",
    ]


def test_nearness_goes_prefecture_block_rest():
    assert nearness("14", "14") == SAME_PREFECTURE
    assert nearness("14", "13") == SAME_BLOCK  # Kanagawa and Tokyo: Kanto
    assert nearness("14", "01") == ELSEWHERE
    assert nearness("14", None) == ELSEWHERE
    assert nearness(None, "14") == ELSEWHERE


def test_nearness_in_words_names_the_place_and_the_block_it_is_seen_from():
    assert nearness_words("14", "14") == "in the same prefecture (Kanagawa)"
    assert nearness_words("13", "08") == "elsewhere in the Kanto block (Ibaraki)"
    assert nearness_words("13", "46") == "outside the Kanto block (Kagoshima)"
    assert nearness_words(None, "27") == "in Osaka"
    assert nearness_words("13", None) == "nationwide"
