"""``rsn match``: the candidate duplicates among the enterprises and financiers of the store.

The command's helpers (the store, the consoles, ``--as-of``) are those of :mod:`cli.main`,
imported when the command runs, so that this module and :mod:`cli.main` may be imported in
either order."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.options import AsOf
from graph.i18n import N_, _n
from graph.matching import DEFAULT_MIN_SCORE

if TYPE_CHECKING:
    from graph.matching import Candidate
    from graph.model import Node

__all__ = ["MATCH_COLUMNS", "match", "match_rows"]

#: The columns of the table ``rsn match`` prints (headings said in the command's language;
#: ``a`` and ``b`` name the two ids).
MATCH_COLUMNS = ("a", "b", N_("name of a"), N_("name of b"), N_("score"), N_("reasons"))


def match_rows(found: list[Candidate]) -> list[dict[str, Any]]:
    """The candidates as ``GET /v1/matches`` gives them (scores to four significant digits)."""
    from graph.queries.readable import readable

    return [
        {"a": c.a, "b": c.b, "score": readable(c.score), "reasons": list(c.reasons)} for c in found
    ]


def match(
    prefecture: Annotated[
        str | None,
        typer.Option(help="A JIS X 0401 code, 01 to 47; else the whole network."),
    ] = None,
    min_score: Annotated[
        float,
        typer.Option("--min-score", help="The lowest score a pair is listed with, 0 to 1."),
    ] = DEFAULT_MIN_SCORE,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="The pairs as JSON, as GET /v1/matches gives them."),
    ] = False,
    as_of: AsOf = None,
) -> None:
    """Candidate duplicates: enterprises (or financiers) of one prefecture that may be one
    entity loaded twice, best first, with the reasons (the same corporate number, names the
    same once legal forms and widths are set aside, the same phone number or address)."""
    from rich.table import Table
    from rich.text import Text

    from cli.main import _day, _headings, _number, _plain_columns, _store, out
    from graph.model import one_line
    from graph.queries.matches import match_candidates

    day = _day(as_of)
    with _store(existing=True) as store:
        dated = store.as_of(day)
        found = match_candidates(dated, prefecture=prefecture, min_score=min_score, day=day)
        nodes: dict[str, Node] = dated.get_nodes({c.a for c in found} | {c.b for c in found})
    if as_json:
        print(json.dumps({"matches": match_rows(found)}, ensure_ascii=False, indent=2))
        return

    def name(node_id: str) -> str:
        node = nodes.get(node_id)
        return one_line(node.name) if node is not None else ""

    cells = [
        [c.a, c.b, name(c.a), name(c.b), _number(c.score), "; ".join(c.reasons)] for c in found
    ]
    if cells:
        if out.is_terminal:
            table = Table()
            for column, heading in zip(MATCH_COLUMNS, _headings(MATCH_COLUMNS), strict=True):
                justify = "right" if column == "score" else "left"
                table.add_column(heading, overflow="fold", justify=justify)  # type: ignore[arg-type]
            for line in cells:
                table.add_row(*(Text(cell) for cell in line))
            out.print(table)
        else:
            print(_plain_columns(_headings(MATCH_COLUMNS), cells), end="")
    said = {"number": format(len(found), ","), "day": day, "score": _number(min_score)}
    if prefecture:
        summary = _n(
            "{number} candidate pair in prefecture {prefecture} as of {day} at min score {score}",
            "{number} candidate pairs in prefecture {prefecture} as of {day} at min score {score}",
            len(found),
            prefecture=prefecture,
            **said,
        )
    else:
        summary = _n(
            "{number} candidate pair in the whole network as of {day} at min score {score}",
            "{number} candidate pairs in the whole network as of {day} at min score {score}",
            len(found),
            **said,
        )
    out.print(summary, markup=False, highlight=False)
