"""The project's errors: one small hierarchy that every layer raises and the edges translate.

Stores translate driver errors into these (``raise ... from e``); the command line prints
``str(error)`` as one line; the API maps them to status codes.
"""

from __future__ import annotations

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
        noun = "problem" if self.total == 1 else "problems"
        super().__init__(f"the dataset has {self.total} {noun}; nothing was loaded")

    def __reduce__(self) -> tuple[type[DatasetInvalid], tuple[list[Problem], int]]:
        # pickled by its arguments, not its message (a heavy-work process sends it back)
        return type(self), (self.problems, self.total)
