"""Matching: which enterprises (or financiers) two contributors loaded under different ids
are one entity. Pure functions on records, no store: normalised names, addresses and phone
numbers (:mod:`graph.matching.normalise`), a score with its reasons
(:mod:`graph.matching.scoring`) and the candidate pairs, best first
(:mod:`graph.matching.candidates`)."""

from __future__ import annotations

from graph.matching.candidates import DEFAULT_MIN_SCORE, check_min_score, find_candidates
from graph.matching.normalise import (
    fold_kana,
    normalise_address,
    normalise_name,
    normalise_phone,
)
from graph.matching.records import Candidate, MatchRecord

__all__ = [
    "DEFAULT_MIN_SCORE",
    "Candidate",
    "MatchRecord",
    "check_min_score",
    "find_candidates",
    "fold_kana",
    "normalise_address",
    "normalise_name",
    "normalise_phone",
]
