"""What the map of Japan shows of each prefecture, on a day and year by year (as of 1 April
of each year, as :mod:`graph.queries.history` reads the density): its density and its
centres' collaboration density (exactly as :mod:`graph.queries.density` computes them), the
share of its enterprises that no financier finances, and its support centres per 1,000
enterprises.

- An enterprise is *unfinanced* on a day when no LENDS_TO, GUARANTEES or INVESTS_IN relation
  from a financier (of any prefecture, or nationwide) holds to it that day with both ends
  existing then, as the weakness report counts it. The share is of the prefecture's
  enterprises that exist that day.
- Centres per 1,000 enterprises: the prefecture's centres that exist that day, times 1,000,
  over its enterprises that exist that day.

The counts are read in one pass over the whole history (every node and relation, ended or
not): each enterprise, centre and financier gets the run of days it exists on, each
financing tie the run of days it holds on, as bit masks over the days asked for (bit ``i``
for the ``i``-th day in time order), so that every day is counted at once.

Reading the history of a national network takes seconds. :func:`regional_history` keeps its
last answers while the graph of the store does not change (see :func:`graph_changes`), so a
page asked again is answered at once.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from graph.japan import PREFECTURE_BY_CODE
from graph.model import FINANCING_TYPES, NodeKind, Scope
from graph.queries.density import density_table
from graph.queries.history import density_history, history_years
from graph.store.ports import GraphStore
from graph.valid_time import Day, fiscal_year_day

__all__ = [
    "MEASURES",
    "RegionalCounts",
    "RegionalRow",
    "RegionalStep",
    "check_measure",
    "graph_changes",
    "kept_history",
    "measure_value",
    "regional_counts",
    "regional_history",
]

#: The measures of the map, in the chooser's order: the density of the actor graph, the
#: centres' collaboration density, the share of enterprises with no financier, the centres
#: per 1,000 enterprises.
MEASURES: tuple[str, ...] = ("density", "centre_density", "unfinanced", "centres_per_1000")

#: How many answers :func:`regional_history` keeps (a few days and year ranges).
_KEPT = 4


class _Shares:
    """The measures made of a prefecture's counts of enterprises, unfinanced enterprises
    and centres."""

    enterprises: int
    unfinanced: int
    centres: int

    @property
    def unfinanced_share(self) -> float | None:
        """The share (0 to 1) of the enterprises with no financier; None without any."""
        return self.unfinanced / self.enterprises if self.enterprises else None

    @property
    def centres_per_1000(self) -> float | None:
        """Centres per 1,000 enterprises; None without enterprises."""
        return 1000 * self.centres / self.enterprises if self.enterprises else None


@dataclass(frozen=True)
class RegionalCounts(_Shares):
    """A prefecture's enterprises, unfinanced enterprises and centres on one day."""

    prefecture: str
    enterprises: int
    unfinanced: int
    centres: int


@dataclass(frozen=True)
class RegionalRow(_Shares):
    """Everything the map says of a prefecture on one day. ``density`` and
    ``centre_density`` are those of :func:`graph.queries.density.density_table` (None when
    the prefecture had no actors)."""

    prefecture: str
    actors: int
    ties: int
    density: float | None
    centre_density: float | None
    enterprises: int
    unfinanced: int
    centres: int


@dataclass(frozen=True)
class RegionalStep:
    """The map's figures on one day: 1 April of ``year``, or (``year`` None) the day the
    page is asked about."""

    year: int | None
    as_of: Day
    rows: dict[str, RegionalRow]


def check_measure(measure: str) -> str:
    """``measure`` if the map knows it (:data:`MEASURES`); raises ValueError otherwise."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: use one of {', '.join(MEASURES)}")
    return measure


def measure_value(row: RegionalRow | None, measure: str) -> float | None:
    """The value of ``measure`` in ``row``: None for no row, or a share or a rate of no
    enterprises. Raises ValueError for an unknown measure."""
    check_measure(measure)
    if row is None:
        return None
    if measure == "density":
        return row.density
    if measure == "centre_density":
        return row.centre_density
    if measure == "unfinanced":
        return row.unfinanced_share
    return row.centres_per_1000


def _span_mask(low: int, high: int) -> int:
    """The bits ``low`` to ``high`` (both included); 0 when ``low > high``."""
    return (2 << high) - (1 << low) if low <= high else 0


def regional_counts(store: GraphStore, days: Sequence[Day]) -> list[dict[str, RegionalCounts]]:
    """The counts of every prefecture on each of ``days`` (in the order given), from one
    read of the whole history of ``store``: a dict per day, by prefecture code, with an entry
    only for a prefecture that has an enterprise or a centre that day. Equal, day by day, to
    counting the graph ``store.as_of(day)``."""
    ordered = sorted(set(days))
    if not ordered:
        return [{} for _ in days]
    years = [int(day[:4]) for day in ordered]
    last = len(ordered) - 1
    firsts: dict[int, int] = {}  # a founded year: the index of the first day it exists on
    befores: dict[str, int] = {}  # an end day (ended, until): the last index before it
    begins: dict[str, int] = {}  # a since: the index of the first day on or after it

    def first_on(founded: object) -> int:
        if founded is None:
            return 0
        year = int(str(founded))
        found = firsts.get(year)
        if found is None:
            found = firsts[year] = bisect_left(years, year)
        return found

    def last_before(end: object) -> int:
        if not isinstance(end, str):
            return last
        found = befores.get(end)
        if found is None:
            found = befores[end] = bisect_left(ordered, end) - 1
        return found

    def begin_of(since: str | None) -> int:
        if since is None:
            return 0
        found = begins.get(since)
        if found is None:
            found = begins[since] = bisect_left(ordered, since)
        return found

    nodes, relations = store.scope_graph(Scope(), None)
    enterprises: dict[str, tuple[str, int]] = {}  # id -> (prefecture, days it exists on)
    financiers: dict[str, int] = {}
    centre_masks: Counter[tuple[str, int]] = Counter()
    for node in nodes:
        kind = node.kind
        if kind is NodeKind.FINANCIER:
            where = ""
        elif kind is NodeKind.ENTERPRISE or kind is NodeKind.CENTRE:
            where = node.prefecture or ""
            if where not in PREFECTURE_BY_CODE:
                continue
        else:
            continue
        props = node.props
        mask = _span_mask(first_on(props.get("founded")), last_before(props.get("ended")))
        if not mask:
            continue
        if kind is NodeKind.ENTERPRISE:
            enterprises[node.id] = (where, mask)
        elif kind is NodeKind.CENTRE:
            centre_masks[(where, mask)] += 1
        else:
            financiers[node.id] = mask

    financed: dict[str, int] = {}
    for relation in relations:
        if relation.type not in FINANCING_TYPES:
            continue
        lender = financiers.get(relation.source)
        if lender is None:
            continue
        enterprise = enterprises.get(relation.target)
        if enterprise is None:
            continue
        held = _span_mask(begin_of(relation.since), last_before(relation.until))
        tied = held & lender & enterprise[1]
        if tied:
            financed[relation.target] = financed.get(relation.target, 0) | tied

    enterprise_masks: Counter[tuple[str, int]] = Counter()
    unfinanced_masks: Counter[tuple[str, int]] = Counter()
    for node_id, (where, mask) in enterprises.items():
        enterprise_masks[(where, mask)] += 1
        alone = mask & ~financed.get(node_id, 0)
        if alone:
            unfinanced_masks[(where, alone)] += 1

    totals: list[dict[str, list[int]]] = [{} for _ in ordered]
    for slot, counted in enumerate((enterprise_masks, unfinanced_masks, centre_masks)):
        for (where, mask), count in counted.items():
            index = 0
            while mask:
                if mask & 1:
                    totals[index].setdefault(where, [0, 0, 0])[slot] += count
                mask >>= 1
                index += 1
    by_day = {
        day: {code: RegionalCounts(code, *totals[index][code]) for code in sorted(totals[index])}
        for index, day in enumerate(ordered)
    }
    return [by_day[day] for day in days]


def graph_changes(store: GraphStore) -> object | None:
    """What tells two states of the graph of ``store`` apart: the embedded store's count of
    the changes to its graph in memory (every write and every reread moves it); None for a
    store that keeps no such count (its answers are then never kept)."""
    counted = getattr(store, "changes", None)
    if counted is None:
        counted = getattr(store, "_changes", None)
    return counted if isinstance(counted, int) else None


_kept: OrderedDict[tuple[object, ...], tuple[weakref.ref[GraphStore], list[RegionalStep]]] = (
    OrderedDict()
)
_keeping = threading.Lock()
#: The question each caller is working out now, so that a second caller waits for it.
_making: dict[tuple[object, ...], threading.Lock] = {}


def regional_history(
    store: GraphStore, day: Day, first: int | None = None, last: int | None = None
) -> list[RegionalStep]:
    """The map's figures as of 1 April of each year from ``first`` to ``last`` (see
    :func:`graph.queries.history.history_years`), then as of ``day``: one step each, oldest
    first, each with a row for every prefecture that has an actor that day.

    The answer is kept while the graph of ``store`` does not change (:func:`graph_changes`);
    the same question is then answered without reading the store, and a caller that asks it
    while another works it out waits for that answer instead of working it out twice.

    Raises InvalidArgument for years outside the bounds of :func:`history_years`."""
    first, last = history_years(first, last)
    version = graph_changes(store)
    if version is None:
        return _regional_history(store, day, first, last)
    key = _question(store, version, first, last, day)
    with _keeping:
        found = _kept_answer(key, store)
        if found is not None:
            return found
        making = _making.setdefault(key, threading.Lock())
    try:
        with making:  # a second caller of the same question waits for the first one's answer
            with _keeping:
                found = _kept_answer(key, store)
            if found is not None:
                return found
            made = _regional_history(store, day, first, last)
            if graph_changes(store) == version:
                with _keeping:
                    _kept[key] = (weakref.ref(store), made)
                    while len(_kept) > _KEPT:
                        _kept.popitem(last=False)
            return made
    finally:
        with _keeping:
            _making.pop(key, None)


def kept_history(
    store: GraphStore, day: Day, first: int | None = None, last: int | None = None
) -> list[RegionalStep] | None:
    """The answer :func:`regional_history` keeps for this question on the graph of
    ``store`` as it is now, without working anything out; None when none is kept."""
    first, last = history_years(first, last)
    version = graph_changes(store)
    if version is None:
        return None
    with _keeping:
        return _kept_answer(_question(store, version, first, last, day), store)


def _question(
    store: GraphStore, version: object, first: int, last: int, day: Day
) -> tuple[object, ...]:
    """What an answer of :func:`regional_history` is kept under."""
    return (id(store), version, first, last, day)


def _kept_answer(key: tuple[object, ...], store: GraphStore) -> list[RegionalStep] | None:
    """The kept answer of ``key`` for ``store`` (not for another store that took a freed
    store's id), marked as the latest used (hold ``_keeping``)."""
    entry = _kept.get(key)
    if entry is None or entry[0]() is not store:
        return None
    _kept.move_to_end(key)
    return entry[1]


def _regional_history(store: GraphStore, day: Day, first: int, last: int) -> list[RegionalStep]:
    years = list(range(first, last + 1))
    days = [fiscal_year_day(year) for year in years] + [day]
    counts = regional_counts(store, days)
    densities: list[dict[str, tuple[int, int, float, float]]] = [{} for _ in years]
    for entry in density_history(store, "prefecture", first, last):
        row = entry.row
        densities[entry.year - first][row.key] = (
            row.nodes,
            row.edges,
            row.density,
            row.centre_density,
        )
    today = {
        row.key: (row.nodes, row.edges, row.density, row.centre_density)
        for row in density_table(store.as_of(day), "prefecture")
    }
    densities.append(today)
    steps = []
    for index, when in enumerate(days):
        rows: dict[str, RegionalRow] = {}
        dense = densities[index]
        counted = counts[index]
        for code in PREFECTURE_BY_CODE:
            figures = dense.get(code)
            tally = counted.get(code)
            if figures is None and tally is None:
                continue
            actors, ties, density, centre_density = figures or (0, 0, None, None)
            rows[code] = RegionalRow(
                prefecture=code,
                actors=actors,
                ties=ties,
                density=density,
                centre_density=centre_density,
                enterprises=tally.enterprises if tally else 0,
                unfinanced=tally.unfinanced if tally else 0,
                centres=tally.centres if tally else 0,
            )
        year = years[index] if index < len(years) else None
        steps.append(RegionalStep(year, when, rows))
    return steps
