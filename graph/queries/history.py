"""How the network's density changed year by year: the density table (see
:mod:`graph.queries.density`) as of 1 April of each year, Japan's fiscal year.

The table of one year is the one :func:`graph.queries.density.density_table` gives of the
graph as of that year's :func:`graph.valid_time.fiscal_year_day`. Asking it year by year
would read the whole network once a year; this module reads the whole history once
(every node and relation, ended or not) and works out, for each actor and each tie, the
span of years on whose 1 April it exists, then counts every year at once:

- an actor exists on 1 April of year ``y`` when it was founded in ``y`` or before (or has no
  ``founded``) and had not ended by that day;
- a pair of actors of the same row is tied on 1 April of ``y`` when at least one relation
  between them holds that day and both exist then (its years are the union over those
  relations);
- each span adds one to its row's count from its first year to its last (a difference
  array per row), so the cost is one pass over the history plus one step per row and year.

A pair's years are kept as a bit mask (bit ``i`` for the year ``first + i``): the union over
its relations is an ``or``, and a mask of one run of years (most pairs) is one span.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from graph.errors import InvalidArgument
from graph.i18n import _
from graph.japan import PREFECTURE_BY_CODE
from graph.model import NodeKind
from graph.queries.density import DensityRow, check_grouping, density_row, group_of, row_keys
from graph.store.ports import GraphStore
from graph.valid_time import FISCAL_YEAR_START, Day, fiscal_year_day, today

__all__ = [
    "EARLIEST_YEAR",
    "FIRST_YEAR",
    "DensityYear",
    "density_history",
    "history_years",
]

#: The first year history reads when asked for none: the 2007 Act's programme began in 2008.
FIRST_YEAR = 2008
#: The earliest year history may be asked from.
EARLIEST_YEAR = 1900

#: A span of years, first and last included.
_Span = tuple[int, int]


@dataclass(frozen=True)
class DensityYear:
    """One row of the density table as of 1 April of ``year`` (the day ``as_of``)."""

    year: int
    as_of: Day
    row: DensityRow


def history_years(first: int | None = None, last: int | None = None) -> tuple[int, int]:
    """The years a history covers: ``first`` (FIRST_YEAR when None) to ``last`` (this year
    when None). Raises InvalidArgument for a first year before EARLIEST_YEAR, a last year
    after this year, or a first year after the last."""
    this_year = int(today()[:4])
    first = FIRST_YEAR if first is None else first
    last = this_year if last is None else last
    if first < EARLIEST_YEAR:
        raise InvalidArgument(
            _("from must be {earliest} or later, got {first}", earliest=EARLIEST_YEAR, first=first)
        )
    if last > this_year:
        raise InvalidArgument(
            _(
                "to must be this year ({this_year}) or earlier, got {last}",
                this_year=this_year,
                last=last,
            )
        )
    if first > last:
        raise InvalidArgument(
            _("from ({first}) must not be after to ({last})", first=first, last=last)
        )
    return first, last


def _first_year_on_or_after(day: str) -> int:
    """The first year whose 1 April is ``day`` or later."""
    year = int(day[:4])
    return year if day[5:] <= FISCAL_YEAR_START else year + 1


def _last_year_before(day: str) -> int:
    """The last year whose 1 April is before ``day``."""
    year = int(day[:4])
    return year if day[5:] > FISCAL_YEAR_START else year - 1


def density_history(
    store: GraphStore,
    by: str = "prefecture",
    first: int | None = None,
    last: int | None = None,
) -> list[DensityYear]:
    """The density table of every year from ``first`` to ``last`` (see
    :func:`history_years`), each as of 1 April of the year: year by year, each year's rows
    in the table's order (a row only for a prefecture or block that had actors then). Equal,
    year by year, to ``density_table(store.as_of(fiscal_year_day(year)), by)``, in one read
    of the whole history.

    Raises InvalidArgument for a grouping other than ``prefecture`` or ``block`` and for
    years outside the bounds of :func:`history_years`.
    """
    check_grouping(by)
    first, last = history_years(first, last)
    groups = {code: key for code in PREFECTURE_BY_CODE if (key := group_of(code, by))}
    lives, relations = store.actor_history(groups)
    years = last - first + 1

    # each actor of a row: the row, the years it exists in (indices from ``first``, both
    # included) and whether it is a centre
    actors: dict[str, tuple[str, int, int, bool]] = {}
    node_steps: dict[str, list[int]] = defaultdict(lambda: [0] * (years + 1))
    centre_steps: dict[str, list[int]] = defaultdict(lambda: [0] * (years + 1))
    for node_id, kind, key, founded, ended in lives:
        low, high = 0, years - 1
        if founded is not None and founded - first > low:
            low = founded - first
        if ended is not None:
            high = min(high, _last_year_before(ended) - first)
        if low > high:
            continue
        centre = kind is NodeKind.CENTRE
        actors[node_id] = (key, low, high, centre)
        _add(node_steps[key], low, high)
        if centre:
            _add(centre_steps[key], low, high)

    # each pair of actors of one row, with the years it is tied in as a bit mask (bit i:
    # year first + i), the union over the relations between the two
    begins: dict[str, int] = {}  # a since, as the index of the first year it holds in
    ends: dict[str, int] = {}  # an until, as the index of the last year it holds in
    tied: dict[tuple[str, str], int] = {}
    for u, v, since, until in relations:
        one = actors.get(u)
        if one is None:
            continue
        other = actors.get(v)
        if other is None or other[0] != one[0] or u == v:
            continue
        low = one[1] if one[1] > other[1] else other[1]
        high = one[2] if one[2] < other[2] else other[2]
        if since is not None:
            begin = begins.get(since)
            if begin is None:
                begin = begins[since] = _first_year_on_or_after(since) - first
            if begin > low:
                low = begin
        if until is not None:
            end = ends.get(until)
            if end is None:
                end = ends[until] = _last_year_before(until) - first
            if end < high:
                high = end
        if low > high:
            continue
        pair = (u, v) if u < v else (v, u)
        tied[pair] = tied.get(pair, 0) | ((2 << high) - (1 << low))

    # pairs counted by row and mask (few distinct masks), then each mask's runs of years
    centre_ids = {node_id for node_id, (_key, _low, _high, centre) in actors.items() if centre}
    masks = Counter((actors[u][0], mask) for (u, _v), mask in tied.items())
    centre_masks = Counter(
        (actors[u][0], mask) for (u, v), mask in tied.items() if u in centre_ids and v in centre_ids
    )
    edge_steps: dict[str, list[int]] = defaultdict(lambda: [0] * (years + 1))
    centre_edge_steps: dict[str, list[int]] = defaultdict(lambda: [0] * (years + 1))
    for found, steps_of in ((masks, edge_steps), (centre_masks, centre_edge_steps)):
        for (key, mask), count in found.items():
            steps = steps_of[key]
            for low, high in _spans(mask):
                _add(steps, low, high, count)

    counts = {
        key: [
            _running(node_steps.get(key), years),
            _running(edge_steps.get(key), years),
            _running(centre_steps.get(key), years),
            _running(centre_edge_steps.get(key), years),
        ]
        for key in node_steps
    }
    made = []
    keys = row_keys(by)
    for index in range(years):
        year = first + index
        day = fiscal_year_day(year)
        for key, name in keys:
            series = counts.get(key)
            if series is None:
                continue
            size, edges, centres, centre_edges = (counted[index] for counted in series)
            if size:
                row = density_row(key, name, size, edges, centres, centre_edges)
                made.append(DensityYear(year, day, row))
    return made


def _add(steps: list[int], low: int, high: int, count: int = 1) -> None:
    """Count ``count`` more from index ``low`` to ``high`` (included) in a difference
    array."""
    steps[low] += count
    steps[high + 1] -= count


def _running(steps: list[int] | None, years: int) -> list[int]:
    """The counts of a difference array (zeros for none), one per year."""
    if steps is None:
        return [0] * years
    total, made = 0, []
    for step in steps[:years]:
        total += step
        made.append(total)
    return made


def _spans(mask: int) -> list[_Span]:
    """The runs of set bits of ``mask`` as (first, last) indices, lowest first."""
    low = (mask & -mask).bit_length() - 1
    high = mask.bit_length() - 1
    if mask == (2 << high) - (1 << low):  # one run, as most pairs have
        return [(low, high)]
    spans: list[_Span] = []
    index = 0
    while mask:
        if mask & 1:
            start = index
            while mask & 1:
                mask >>= 1
                index += 1
            spans.append((start, index - 1))
        else:
            skip = (mask & -mask).bit_length() - 1
            mask >>= skip
            index += skip
    return spans
