"""What every benchmark shares: where datasets are cached and results written, the dataset
itself, and small helpers.

``RSN_BENCH_DATA`` (default bench/.data) and ``RSN_BENCH_RESULTS`` (default bench/results)
move both, so a smoke run can stay in a temporary folder.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("RSN_BENCH_DATA", HERE / ".data"))
RESULTS = Path(os.environ.get("RSN_BENCH_RESULTS", HERE / "results"))


def say(message: str) -> None:
    """Progress for the person watching, on stderr."""
    print(message, file=sys.stderr, flush=True)


def dataset(enterprises: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The synthetic dataset folder (made if missing) and its row count per file."""
    from seeds import generate_dataset

    folder = DATA / f"dataset-{enterprises}-{seed}"
    if not (folder / "relations.csv").exists():
        say(f"generating {enterprises:,} enterprises into {folder} ...")
        generate_dataset(folder, enterprises=enterprises, seed=seed)
    counts = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            counts[path.name] = sum(1 for _ in csv.reader(handle)) - 1
    return folder, counts


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def write_results(name: str, report: dict[str, Any]) -> Path:
    """Write ``report`` as RESULTS/<name>.json and say where."""
    path = RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {path}")
    return path
