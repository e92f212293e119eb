"""What matching reads (:class:`MatchRecord`) and what it finds (:class:`Candidate`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Candidate", "MatchRecord"]


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One enterprise or financier as matching sees it: its id and kind (``Enterprise``,
    ``Financier``), its name and prefecture (a JIS X 0401 code; None or blank for a
    nationwide financier), and what else a contributor may have given: its corporate number
    (法人番号), address and phone number, as written."""

    id: str
    kind: str
    name: str
    prefecture: str | None
    corporate_number: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two records that may stand for one entity: their ids (``a`` < ``b``), a score in
    [0, 1] (1: the same corporate number) and the reasons for it, as short sentences."""

    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
