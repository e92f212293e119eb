"""The project's errors: one small hierarchy that every layer raises and the edges translate.

Stores translate driver errors into these (``raise ... from e``); the command line prints
``str(error)`` as one line; the API maps them to status codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.i18n import DEFAULT_LANGUAGE, N_, _, _n, language

__all__ = [
    "RsnError",
    "ConfigurationError",
    "StoreError",
    "StoreUnavailable",
    "NotFound",
    "Forbidden",
    "Conflict",
    "InvalidArgument",
    "RowInvalid",
    "DatasetInvalid",
    "Problem",
    "validation_sentence",
]


class RsnError(Exception):
    """Base of every error rsn raises on purpose. ``str()`` is a sentence for a person."""


class ConfigurationError(RsnError):
    """The settings are missing, inconsistent or unsafe."""


class StoreError(RsnError):
    """The store failed to read or write."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (a database that is down or refuses the credentials)."""


class NotFound(RsnError):
    """An id that names nothing in the store."""


class Forbidden(RsnError):
    """The caller is known but may not do this (a centre acting for another centre)."""


class Conflict(RsnError):
    """A write that conflicts with the current state (a referral moved by someone else)."""


class InvalidArgument(RsnError):
    """A parameter that is malformed or out of range."""


class RowInvalid(RsnError):
    """One row failed validation; ``problems`` lists (column, sentence) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))

    def __reduce__(self) -> tuple[type[RowInvalid], tuple[list[tuple[str, str]]]]:
        # pickled by its arguments, not its message (a heavy-work process sends it back)
        return type(self), (self.problems,)


class Problem:
    """One problem of a dataset: where it is and what is wrong."""

    __slots__ = ("file", "line", "column", "message")

    def __init__(self, file: str, line: int, column: str, message: str):
        self.file = file
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"


class DatasetInvalid(RsnError):
    """A dataset with invalid rows; nothing of it was written."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        super().__init__(
            _n(
                "the dataset has {count} problem; nothing was loaded",
                "the dataset has {count} problems; nothing was loaded",
                self.total,
            )
        )

    def __reduce__(self) -> tuple[type[DatasetInvalid], tuple[list[Problem], int]]:
        # pickled by its arguments, not its message (a heavy-work process sends it back)
        return type(self), (self.problems, self.total)


#: What pydantic says of a value, by its error type, for the languages other than English
#: (English says pydantic's own message); placeholders are the error's context.
_VALIDATION_SENTENCES: dict[str, str] = {
    "missing": N_("is required but missing"),
    "extra_forbidden": N_("is not a column of this file"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "string_too_short": N_("must have at least {min_length} characters"),
    "string_too_long": N_("must have at most {max_length} characters"),
    "too_short": N_("must have at least {min_length} items"),
    "too_long": N_("must have at most {max_length} items"),
    "literal_error": N_("must be {expected}"),
    "enum": N_("must be {expected}"),
}


def validation_sentence(item: Mapping[str, Any]) -> str:
    """The sentence of one of pydantic's errors (an item of ``ValidationError.errors()``)
    in the current language: pydantic's own message in English; in another language, for
    a value error the message of the error raised (said in that language by the check that
    raised it), otherwise the sentence of the error's type, or pydantic's message when rsn
    has none for it."""
    message = str(item.get("msg", ""))
    if language() == DEFAULT_LANGUAGE:
        return message
    context = item.get("ctx") or {}
    if item.get("type") == "value_error" and "error" in context:
        return str(context["error"])
    template = _VALIDATION_SENTENCES.get(str(item.get("type")))
    if template is None:
        return message
    try:
        return _(template, **context) if context else _(template)
    except (KeyError, IndexError, ValueError):
        return message
