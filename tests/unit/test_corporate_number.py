"""The corporate number (法人番号): its check digit on real numbers, and what is refused."""

from __future__ import annotations

import pytest

from graph.corporate_number import check_digit, corporate_number

#: Real corporate numbers (the National Tax Agency's own, and a registered company's).
VALID = ("7000012050002", "1180301018771")


@pytest.mark.parametrize("number", VALID)
def test_real_numbers_are_valid_and_their_first_digit_is_the_check_digit(number):
    assert corporate_number(number) == number
    assert check_digit(number[1:]) == int(number[0])


@pytest.mark.parametrize("number", VALID)
def test_every_wrong_first_digit_is_refused(number):
    for digit in "0123456789":
        if digit == number[0]:
            continue
        with pytest.raises(ValueError, match="check digit"):
            corporate_number(digit + number[1:])


@pytest.mark.parametrize("text", ["700001205000", "70000120500021", "", "7"])
def test_a_wrong_length_is_refused(text):
    with pytest.raises(ValueError, match="must be 13 digits"):
        corporate_number(text)


@pytest.mark.parametrize(
    "text", ["700001205000A", "T7000012050002", "7000O12050002", "七000012050002"]
)
def test_letters_are_refused(text):
    with pytest.raises(ValueError, match="must be 13 digits"):
        corporate_number(text)


def test_full_width_digits_spaces_and_hyphens_are_read_as_the_digits():
    assert corporate_number("７００００１２０５０００２") == "7000012050002"
    assert corporate_number(" 7000-0120-50002 ") == "7000012050002"
    assert corporate_number("1 1803 0101 8771") == "1180301018771"
