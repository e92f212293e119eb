"""Who contributed each record of the seed dataset, when, and how the network changed.

The real network is assembled from many contributors (see README.md, "Contributors and
history"): each centre's client list, each prefecture's guarantee records, a bank union's
lending file, a METI list of designated resources, a company registry and a credit bureau.
This module names them, gives each a deterministic loading calendar (first load, last load,
time of day), draws the events that end ties (closed centres, retired specialists) and writes
``provenance.csv`` in the export format of :mod:`graph.loaders`: one row per assertion,
sorted by (record, contributor).

Sorting without holding the file: records sort as their source's id does (an id is a prefix
of its ties' records, and ids of one kind have one width), so the enterprises' part is
written in id order as it is drawn, to a temporary file; the ties from centres, financiers
and specialists are kept as lines (spilt to sorted runs past :data:`SPILL_LINES`) and merged
in at the end.
"""

from __future__ import annotations

import heapq
import os
import random
import shutil
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from graph.provenance import values_text

__all__ = [
    "ADMIN",
    "BANK_UNION",
    "CREDIT_BUREAU",
    "METI",
    "REGISTRY",
    "SMRJ",
    "SPILL_LINES",
    "Clock",
    "Events",
    "ProvenanceWriter",
    "csv_values",
    "draw_events",
    "first_day",
    "prefecture_contributor",
]

#: The lending file of the regional banks' union: every loan and every financier.
BANK_UNION = "bank-union"
#: The company registry: the enterprises no centre has on its list.
REGISTRY = "company-registry"
#: A credit bureau's file of trade and collaboration ties between firms.
CREDIT_BUREAU = "credit-bureau"
#: METI's list of designated regional resources (2007 Act): the assets and their users.
METI = "meti-resources"
#: The SME support organisation behind the investment funds: the investments.
SMRJ = "smrj"
#: Who retracts every assertion of a closed centre or a retired specialist (``DELETE
#: /v1/nodes/{id}``); it asserts nothing itself.
ADMIN = "admin"

PROVENANCE_FILE = "provenance.csv"
PROVENANCE_HEADER = "record,contributor,recorded_at,last_seen,retracted_at,values\n"

#: The ties from centres, financiers and specialists kept in memory before a sorted run is
#: written to disk (about 200 bytes each).
SPILL_LINES = 400_000

# Loading calendar: each contributor first loaded in the programme's first summer and last
# loaded in the spring after the data's last day.
_FIRST_LOADS = (date(2008, 6, 1).toordinal(), 90)  # (first day, days spread over)
_LAST_LOADS = (date(2026, 4, 6).toordinal(), 45)

# Events
_CLOSED_SHARE = 0.03  # of all centres; never a prefecture's first, prefectural or university
_CLOSE_FROM = date(2011, 4, 1).toordinal()
_CLOSE_TO = date(2024, 3, 31).toordinal()
_RETIRE_SHARE = 0.12
_RETIRE_FROM = date(2010, 4, 1).toordinal()


def prefecture_contributor(code: str) -> str:
    """The contributor of a prefecture's records (guarantees, centres): ``pref-13``."""
    return f"pref-{code}"


def csv_values(values: dict[str, object]) -> str:
    """``values`` as the quoted CSV field of provenance.csv (:func:`values_text` inside)."""
    return '"' + values_text(values).replace('"', '""') + '"'


class Clock:
    """Days as texts and contributors' loading calendars, all deterministic from the seed.

    A contributor's *profile* is (first load day, last load day, time-of-day suffix, last
    load stamp); a stamp is ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` as
    :func:`graph.valid_time.now_stamp` writes one. Days are ordinals from ``first`` to
    ``last``; ``texts[day - first]`` is the text of one (looked up faster than written).
    """

    def __init__(self, seed: int, first: int, last: int) -> None:
        self.seed = seed
        self.first = first
        self.texts = [date.fromordinal(day).isoformat() for day in range(first, last + 1)]
        self.profiles: dict[str, tuple[int, int, str, str]] = {}

    def day(self, ordinal: int) -> str:
        """The text of day ``ordinal``."""
        return self.texts[ordinal - self.first]

    def profile(self, name: str) -> tuple[int, int, str, str]:
        """The loading calendar of contributor ``name`` (made on first use)."""
        found = self.profiles.get(name)
        if found is None:
            h = zlib.crc32(f"{self.seed}:{name}".encode())
            seconds = h % 86_400
            micro = (h >> 7) % 1_000_000
            hours, minutes = seconds // 3600, seconds // 60 % 60
            suffix = f"T{hours:02d}:{minutes:02d}:{seconds % 60:02d}.{micro:06d}+00:00"
            first = _FIRST_LOADS[0] + (h >> 3) % _FIRST_LOADS[1]
            last = _LAST_LOADS[0] + (h >> 11) % _LAST_LOADS[1]
            found = self.profiles[name] = (first, last, suffix, self.day(last) + suffix)
        return found

    def recorded(self, name: str, base: int, cap: int = 0) -> tuple[int, str]:
        """The day and stamp ``name`` first asserted a record known from day ``base`` (0 for
        a record with no date): its first load or a few days after ``base``, at most its
        last load (or ``cap``)."""
        first, last, suffix, _ = self.profile(name)
        day = base + base % 29 if base else first
        if day < first:
            day = first
        limit = cap or last
        if day > limit:
            day = limit
        return day, self.day(day) + suffix

    def seen_before(self, name: str, day: int, recorded: int) -> str:
        """The stamp of ``name``'s last load before ``day`` (not before ``recorded``)."""
        seen = day - 1 - day % 23
        return self.day(max(seen, recorded)) + self.profile(name)[2]

    def stamp(self, name: str, day: int) -> str:
        """``name``'s stamp on ``day`` (at its time of day)."""
        return self.day(day) + self.profile(name)[2]

    def stamps(
        self, name: str, base: int, retracted: int = 0, retractor: str = ADMIN
    ) -> tuple[str, str, str]:
        """(recorded_at, last_seen, retracted_at) of ``name``'s assertion of a record known
        from day ``base`` (0: undated): standing (last seen at its last load, retracted_at
        blank), or retracted on day ``retracted`` by ``retractor`` (last seen at a load
        before that day)."""
        if not retracted:
            _, recorded = self.recorded(name, base)
            return recorded, self.profile(name)[3], ""
        day, recorded = self.recorded(name, base, retracted - 1)
        return recorded, self.seen_before(name, retracted, day), self.stamp(retractor, retracted)


@dataclass(frozen=True)
class Events:
    """The day (an ordinal; 0 for never) each centre closed and each specialist retired."""

    centre_end: list[int]
    spec_end: list[int]


def draw_events(
    rng: random.Random,
    centre_prefs: Sequence[int],
    closable: Sequence[bool],
    spec_homes: Sequence[int],
    last_day: int,
) -> Events:
    """Close a few centres (3% of them, from those ``closable``; at least one when any is)
    between 2011 and 2024, and retire 12% of the specialists between 2010 and ``last_day``;
    the specialists of a closed centre (their first centre, ``spec_homes``) leave with it."""
    candidates = [c for c, ok in enumerate(closable) if ok]
    count = min(len(candidates), max(1, round(_CLOSED_SHARE * len(centre_prefs))))
    centre_end = [0] * len(centre_prefs)
    for c in sorted(rng.sample(candidates, count)):
        centre_end[c] = rng.randint(_CLOSE_FROM, _CLOSE_TO)
    spec_end = []
    for home in spec_homes:
        day = rng.randint(_RETIRE_FROM, last_day) if rng.random() < _RETIRE_SHARE else 0
        closed = centre_end[home]
        if closed and (not day or closed < day):
            day = closed
        spec_end.append(day)
    return Events(centre_end, spec_end)


def first_day(a: int, b: int) -> int:
    """The earlier of two event days (0 for none)."""
    if not a:
        return b
    if not b:
        return a
    return a if a < b else b


class ProvenanceWriter:
    """Collects the assertion lines of provenance.csv and writes the file sorted.

    ``enterprise(node_line, tie_lines)`` takes an enterprise's node and its own ties (as
    they are drawn, in id order); ``others`` takes every other tie's lines; ``close`` writes
    the file: the node lines of assets, centres, financiers and specialists (each with the
    ties from it), the enterprises' part between centres and financiers.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.others: list[str] = []
        self.runs: list[Path] = []
        self.rows = 0
        self.partial = folder / f".{PROVENANCE_FILE}.partial"
        self.e_path = folder / f".{PROVENANCE_FILE}.enterprises.partial"
        self.e_handle = open(self.e_path, "w", encoding="utf-8", newline="")
        self.e_buffer: list[str] = []

    def enterprise(self, node_line: str, tie_lines: list[str]) -> None:
        """Add an enterprise's node line and its own ties' lines (any order); write the
        other ties' lines as a sorted run once there are many."""
        buffer = self.e_buffer
        buffer.append(node_line)
        if tie_lines:
            tie_lines.sort()
            buffer.extend(tie_lines)
        if len(buffer) >= 8192:
            self.rows += len(buffer)
            self.e_handle.writelines(buffer)
            buffer.clear()
            if len(self.others) >= SPILL_LINES:
                self._spill()

    def _spill(self) -> None:
        path = self.folder / f".{PROVENANCE_FILE}.run{len(self.runs)}.partial"
        self.runs.append(path)
        self.others.sort()
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(self.others)
        self.rows += len(self.others)
        self.others.clear()

    def close(self, sections: Sequence[Iterable[tuple[str, str]]]) -> int:
        """Write provenance.csv and move it into place; returns its row count.

        ``sections`` are the (id, node line) of assets, centres, financiers and specialists,
        each in id order; the enterprises' part goes between centres and financiers."""
        self.rows += len(self.e_buffer)
        self.e_handle.writelines(self.e_buffer)
        self.e_buffer.clear()
        self.e_handle.close()
        with ExitStack() as stack:
            others: Iterator[str]
            if self.runs:
                self._spill()
                handles = [
                    stack.enter_context(open(run, encoding="utf-8", newline=""))
                    for run in self.runs
                ]
                others = heapq.merge(*handles)
            else:
                self.rows += len(self.others)
                self.others.sort()
                others = iter(self.others)
            out = stack.enter_context(open(self.partial, "w", encoding="utf-8", newline=""))
            out.write(PROVENANCE_HEADER)
            pending = next(others, None)
            assets, centres, financiers, specialists = sections
            for nodes in (assets, centres, None, financiers, specialists):
                if nodes is None:  # the enterprises' part, as written (UTF-8 bytes)
                    out.flush()
                    with open(self.e_path, "rb") as part:
                        shutil.copyfileobj(part, out.buffer, 1 << 20)
                    continue
                batch: list[str] = []
                for node_id, line in nodes:
                    self.rows += 1
                    batch.append(line)
                    prefix = node_id + " "
                    while pending is not None and pending.startswith(prefix):
                        batch.append(pending)
                        pending = next(others, None)
                    if len(batch) >= 8192:
                        out.writelines(batch)
                        batch.clear()
                out.writelines(batch)
            if pending is not None:  # pragma: no cover - every tie starts at a node
                raise RuntimeError(f"seeds: a tie of no node in provenance: {pending[:60]!r}")
        self.others = []
        os.replace(self.partial, self.folder / PROVENANCE_FILE)
        self._remove_temporary()
        return self.rows

    def abort(self) -> None:
        """Remove every file of this writer, leaving no trace of it."""
        self.e_handle.close()
        self.partial.unlink(missing_ok=True)
        self._remove_temporary()

    def _remove_temporary(self) -> None:
        self.e_path.unlink(missing_ok=True)
        for run in self.runs:
            run.unlink(missing_ok=True)
