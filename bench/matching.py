"""Benchmark of matching: how long the candidate duplicates of the whole country take, and
how many of them are right.

    python -m bench.matching --enterprises 100000 [--duplicates 0.05] [--seed 2008]
    python -m bench.matching --data DIR

Seeds a dataset with duplicates (``rsn seed --duplicates RATE``: a share RATE of the firms
loaded again by another contributor under another id, and ``truth.csv``, which maps every
enterprise and financier id to the firm it stands for), or takes the dataset of ``--data``
(which must hold ``truth.csv``). Loads it into a temporary embedded store, times
``match_candidates`` over the whole country at DEFAULT_MIN_SCORE (the median of
``--rounds``), and prints the precision and recall of the candidate pairs against the truth
at DEFAULT_MIN_SCORE and at a few other thresholds, as a small table. Writes
bench/results/matching.json.

Beside the whole set it measures, at DEFAULT_MIN_SCORE:

- names alone, two ways: the pairs where neither record has a corporate number (of the
  candidates and of the true pairs), and a second run with every corporate number ignored
  (the names, with the phone numbers and addresses where given);
- the pairs where both records carry a corporate number (there, a pair is a candidate
  exactly when the numbers are the same);
- the names and nothing else (no corporate number, address or phone), for reference.

If the store's loader refuses the dataset (a loader that does not know the optional columns
``corporate_number``, ``address`` and ``phone``), or loads it without them, the records are
built from the CSV files directly, as the loader reads their cells, and the output says so;
the time is then that of ``find_candidates`` on those records.

A pair is right when both ids stand for one firm in ``truth.csv``; recall counts every such
pair (a firm loaded three times makes three pairs).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import inspect
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from bench.common import DATA, say, write_results
from graph.collector import collector_paused
from graph.loaders import load_dataset
from graph.matching import DEFAULT_MIN_SCORE, Candidate, MatchRecord, find_candidates
from graph.queries.matches import MATCHED_KINDS, match_candidates, match_record
from graph.store.embedded import EmbeddedStore

TRUTH_FILE = "truth.csv"
#: The thresholds the table shows beside DEFAULT_MIN_SCORE.
THRESHOLDS = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
#: The node files matching reads, with the kind of their nodes.
NODE_FILES = (("enterprises.csv", "Enterprise"), ("financiers.csv", "Financier"))
#: The optional columns matching compares beside the name.
REGISTRY_COLUMNS = ("corporate_number", "address", "phone")

#: The version of how the seed names firms with duplicates, in the cached folder's name, so
#: that a dataset seeded before distinct names (seeds/README.md) is not measured again.
NAMING = 2

Pair = tuple[str, str]


def seeded(enterprises: int, seed: int, rate: float) -> Path:
    """The dataset of ``enterprises`` with a share ``rate`` duplicated (made if missing).
    Raises SystemExit when the seed generator cannot write duplicates."""
    from seeds import generate_dataset

    if "duplicates" not in inspect.signature(generate_dataset).parameters:
        raise SystemExit(
            "this rsn seed cannot write duplicates; give a dataset with truth.csv with --data"
        )
    folder = DATA / f"dataset-{enterprises}-{seed}-duplicates-{rate:g}-names{NAMING}"
    if not (folder / "relations.csv").exists() or not (folder / TRUTH_FILE).exists():
        say(f"generating {enterprises:,} enterprises with {rate:.0%} duplicated into {folder} ...")
        generate_dataset(folder, enterprises=enterprises, seed=seed, duplicates=rate)
    return folder


def read_truth(folder: Path) -> dict[str, str]:
    """``truth.csv`` of ``folder``: each enterprise and financier id and the id of the
    entity it stands for. Raises SystemExit when the folder has none."""
    path = folder / TRUTH_FILE
    if not path.exists():
        raise SystemExit(f"{folder} has no {TRUTH_FILE} (columns id,entity); nothing to score")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["id"]: row["entity"] for row in csv.DictReader(handle)}


def true_pairs(truth: dict[str, str]) -> set[Pair]:
    """Every pair of ids (a < b) that stand for one entity."""
    members: dict[str, list[str]] = defaultdict(list)
    for record, entity in truth.items():
        members[entity].append(record)
    return {
        (a, b) if a < b else (b, a) for ids in members.values() for a, b in combinations(ids, 2)
    }


def csv_records(folder: Path) -> list[MatchRecord]:
    """The enterprises and financiers of ``folder``'s CSV files as matching sees them, read
    as the loader reads their cells (a spreadsheet's guarding ' taken off, the prefecture
    and the optional columns trimmed, blank as absent), without a store."""
    from graph.loaders.csvfile import spreadsheet_value

    def cell(row: dict[str, str], column: str) -> str | None:
        text = spreadsheet_value(row.get(column) or "").strip()
        return text or None

    records = []
    for name, kind in NODE_FILES:
        path = folder / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                records.append(
                    MatchRecord(
                        id=spreadsheet_value(row["id"]).strip(),
                        kind=kind,
                        name=spreadsheet_value(row["name"]),
                        prefecture=cell(row, "prefecture"),
                        corporate_number=cell(row, "corporate_number"),
                        address=cell(row, "address"),
                        phone=cell(row, "phone"),
                    )
                )
    return records


def _given(records: Iterable[MatchRecord], column: str) -> int:
    return sum(1 for record in records if getattr(record, column))


def scored(
    found: list[Candidate],
    expected: set[Pair],
    threshold: float,
    counts: Callable[[Pair], bool] | None = None,
) -> dict[str, Any]:
    """Precision and recall of the candidates scoring ``threshold`` or more; of the pairs
    ``counts`` says yes to only (candidates and true pairs alike), when it is given."""
    kept = {(c.a, c.b) for c in found if c.score >= threshold}
    if counts is not None:
        kept = {pair for pair in kept if counts(pair)}
        expected = {pair for pair in expected if counts(pair)}
    right = len(kept & expected)
    return {
        "threshold": threshold,
        "candidates": len(kept),
        "right": right,
        "true_pairs": len(expected),
        "precision": right / len(kept) if kept else 1.0,
        "recall": right / len(expected) if expected else 1.0,
    }


def _timed(run: Callable[[], list[Candidate]], rounds: int, what: str) -> tuple[Any, list[float]]:
    """The last result of ``rounds`` runs of ``run`` and the seconds each took."""
    seconds = []
    found: list[Candidate] = []
    with collector_paused():
        for round_ in range(max(1, rounds)):
            say(f"{what} over the whole country (round {round_ + 1}) ...")
            started = time.perf_counter()
            found = run()
            seconds.append(time.perf_counter() - started)
    return found, seconds


def _from_store(
    folder: Path, rounds: int, lowest: float
) -> tuple[list[MatchRecord], list[Candidate], list[Candidate], list[float], float, str]:
    """Load ``folder`` into a temporary embedded store and time matching there (what
    ``rsn match`` does); falls back to :func:`csv_records` when the load fails or drops the
    optional columns. The figures are those of the files' records (:func:`csv_records`,
    which the store holds too): a load already makes the records with one corporate number
    one node, so the store's candidates lack those pairs. Returns the records, the
    candidates at DEFAULT_MIN_SCORE and at ``lowest``, the timed seconds, the load's seconds
    and where the timed records came from."""
    from_csv = csv_records(folder)
    with tempfile.TemporaryDirectory(dir=DATA if DATA.exists() else None) as tmp:
        with EmbeddedStore(Path(tmp) / "store", watch_seconds=None) as store:
            say(f"loading {folder} into a temporary embedded store ...")
            started = time.perf_counter()
            try:
                load_dataset(folder, store)
            except Exception as error:  # any refusal: the bench still measures matching
                first = str(error).splitlines()[0] if str(error) else type(error).__name__
                return _from_csv(from_csv, rounds, lowest, f"the load failed ({first})")
            load_seconds = time.perf_counter() - started
            records = [match_record(node) for kind in MATCHED_KINDS
                       for node in store.iter_nodes(kind, None)]  # fmt: skip
            for column in REGISTRY_COLUMNS:
                if _given(from_csv, column) and not _given(records, column):
                    return _from_csv(
                        from_csv, rounds, lowest, f"the store kept no {column} of the files"
                    )
            _, seconds = _timed(lambda: match_candidates(store), rounds, "match_candidates")
    at_default = find_candidates(from_csv)
    every = find_candidates(from_csv, min_score=lowest)
    return from_csv, at_default, every, seconds, load_seconds, "an embedded store"


def _from_csv(
    records: list[MatchRecord], rounds: int, lowest: float, why: str
) -> tuple[list[MatchRecord], list[Candidate], list[Candidate], list[float], float, str]:
    say(f"{why}: matching the records read from the CSV files instead")
    at_default, seconds = _timed(lambda: find_candidates(records), rounds, "find_candidates")
    every = find_candidates(records, min_score=lowest)
    return records, at_default, every, seconds, 0.0, f"the CSV files ({why})"


def _names_alone(records: list[MatchRecord], expected: set[Pair]) -> dict[str, Any]:
    """The run with every corporate number ignored, and the one with names only."""
    no_numbers = [dataclasses.replace(r, corporate_number=None) for r in records]
    names_only = [
        dataclasses.replace(r, corporate_number=None, address=None, phone=None) for r in records
    ]
    return {
        "numbers_ignored": scored(find_candidates(no_numbers), expected, DEFAULT_MIN_SCORE),
        "names_only": scored(find_candidates(names_only), expected, DEFAULT_MIN_SCORE),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--duplicates", type=float, default=0.05, help="share duplicated")
    parser.add_argument("--data", type=Path, help="a dataset with truth.csv, instead of seeding")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs (the median counts)")
    # accepted so that the bench driver may pass it to every benchmark; matching is pure
    parser.add_argument("--backend", default="embedded", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    folder = args.data or seeded(args.enterprises, args.seed, args.duplicates)
    truth = read_truth(folder)
    expected = true_pairs(truth)
    thresholds = sorted({*THRESHOLDS, DEFAULT_MIN_SCORE})
    records, at_default, every, seconds, load_seconds, source = _from_store(
        folder, args.rounds, min(thresholds)
    )
    numbered = {r.id for r in records if r.corporate_number}

    def neither(pair: Pair) -> bool:
        return pair[0] not in numbered and pair[1] not in numbered

    def both(pair: Pair) -> bool:
        return pair[0] in numbered and pair[1] in numbered

    rows = [scored(every, expected, threshold) for threshold in thresholds]
    alone = _names_alone(records, expected)
    report: dict[str, Any] = {
        "dataset": str(folder),
        "records_from": source,
        "records": len(truth),
        "entities": len(set(truth.values())),
        "true_pairs": len(expected),
        "load_seconds": load_seconds,
        "match_seconds": statistics.median(seconds),
        "match_seconds_all": seconds,
        "default_min_score": DEFAULT_MIN_SCORE,
        "default": scored(at_default, expected, DEFAULT_MIN_SCORE),
        "neither_has_a_number": scored(at_default, expected, DEFAULT_MIN_SCORE, neither),
        "numbers_ignored": alone["numbers_ignored"],
        "both_have_a_number": scored(at_default, expected, DEFAULT_MIN_SCORE, both),
        "names_only": alone["names_only"],
        "thresholds": rows,
    }
    print(
        f"\n{report['records']:,} enterprises and financiers, {report['entities']:,} entities, "
        f"{len(expected):,} true pairs; records from {source}; matching over the whole "
        f"country {report['match_seconds']:.1f} s (median of {len(seconds)})"
    )
    print(f"{'min score':>10}{'candidates':>12}{'right':>10}{'precision':>11}{'recall':>9}")
    for row in rows:
        mark = "  <- default" if row["threshold"] == DEFAULT_MIN_SCORE else ""
        print(
            f"{row['threshold']:>10.2f}{row['candidates']:>12,}{row['right']:>10,}"
            f"{row['precision']:>11.4f}{row['recall']:>9.4f}{mark}"
        )
    print(f"\nat the default min score {DEFAULT_MIN_SCORE:g}:")
    print(f"{'pairs':<44}{'true':>8}{'candidates':>12}{'right':>8}{'precision':>11}{'recall':>9}")
    for label, key in (
        ("all", "default"),
        ("names alone: neither has a corporate number", "neither_has_a_number"),
        ("names alone: corporate numbers ignored", "numbers_ignored"),
        ("both have a corporate number", "both_have_a_number"),
        ("names only (no number, address or phone)", "names_only"),
    ):
        row = report[key]
        print(
            f"{label:<44}{row['true_pairs']:>8,}{row['candidates']:>12,}{row['right']:>8,}"
            f"{row['precision']:>11.4f}{row['recall']:>9.4f}"
        )
    write_results("matching", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
