"""Benchmark of rsn beside the plugins a Neo4j user would install instead: Graph Data Science
(GDS) and APOC, on the same server and the same data.

    python -m bench.peers --enterprises 100000 [--pairs 200] [--warmup 50] [--prefecture 13]
        [--repeats 3] [--exact-runs 1] [--skip-cypher] [--skip-apoc] [--skip-weaknesses]

The server is the one the environment names (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD); it must
hold the dataset of bench/introductions.py and have GDS and APOC installed beside rsn's plugin
(``python tools/neo4j/local.py start --peers``).

Introductions (the k best paths between two actors of the same prefecture, as of today):

- ``rsn``: ``introduction_paths(k=3, max_hops=4)`` through the Neo4j store with rsn's plugin,
  and ``rsn-cypher`` in plain Cypher, as bench/introductions.py times them;
- ``gds-yens``: ``gds.shortestPath.yens.stream`` with k=3 on a GDS projection of the actor
  graph: one undirected relationship per pair of actors joined by an introduction tie holding
  today, of cost −ln(the strongest tie's strength), so the cheapest path is the one of highest
  score (score = exp(−cost));
- ``apoc-dijkstra``: ``apoc.algo.dijkstra`` (k=1) on the stored graph, which needs the cost on
  the relationships: a scratch property (:data:`COST`) is written on every introduction tie
  holding today between actors existing today, and removed at the end; the others weigh
  :data:`ABSENT` (a path through one does not hold today).

Yen's and Dijkstra know no hop limit: where their paths have at most max_hops ties their scores
must equal rsn's (``equal``); where one is longer, the paths before it must (``comparable``);
anything else is ``differing``.

Weaknesses of the largest prefecture (Tokyo, 13), as of today: rsn's cut vertices and bridges
(one search) and its sampled betweenness (the sources and seed of the weakness report) on its
projection, beside ``gds.articulationPoints.stream``, ``gds.bridges.stream`` and
``gds.betweenness.stream`` (exact, and sampled with as many sources and the same seed; GDS draws
its own sources, so sampled values are compared by the overlap of the top brokers) on a GDS
projection of the same actor graph. The sets of cut vertices and bridges must be equal.

Prints p50/p99 side by side with ratios (peer / rsn) and writes bench/results/peers.json. The
GDS projections and the scratch property are removed at the end, also after a failure.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import Neo4jError

from bench.common import dataset, percentile, say, write_results
from bench.introductions import MAX_HOPS, K, answer, holds, open_backend, same_prefecture_pairs
from graph.algorithms.centrality import betweenness, chosen_sources, normalised
from graph.algorithms.cuts import cut_vertices
from graph.model import ACTOR_KINDS, INTRODUCTION_TIE_TYPES, NodeKind, RelationType, Scope
from graph.queries.weaknesses import (
    BETWEENNESS_EXACT_MAX,
    BETWEENNESS_MIN_SAMPLES,
    BETWEENNESS_SEED,
    BETWEENNESS_VISITS,
)
from graph.settings import load_settings
from graph.store.cypher import label, rel_type
from graph.valid_time import today

#: Relative difference under which two scores are the same.
TOLERANCE = 1e-9
#: The scratch relationship property APOC's Dijkstra reads, and the weight of a tie without it.
COST = "rsn_peer_cost"
ABSENT = 1e6
#: The GDS projections.
PATHS_GRAPH = "rsn-peers-introductions"
SCOPE_GRAPH = "rsn-peers-weaknesses"
#: How many of the top brokers are compared.
TOP_BROKERS = 20

# -- Cypher (parameters only) --------------------------------------------------------------

_ACTOR_LABELS = sorted(label(kind) for kind in NodeKind if kind in ACTOR_KINDS)
_IS_ACTOR = "({x}:" + " OR {x}:".join(_ACTOR_LABELS) + ")"
_INTRODUCTION_TIES = "|".join(rel_type(kind) for kind in INTRODUCTION_TIE_TYPES)
_RELATION_TYPES = "|".join(rel_type(kind) for kind in RelationType)


def _exists(n: str) -> str:
    """Node ``n`` exists on ``$day`` (``$year`` its year), as rsn's store asks it."""
    return (
        f"(({n}.founded IS NULL OR {n}.founded <= $year) "
        f"AND ({n}.ended IS NULL OR {n}.ended > $day))"
    )


def _holds(r: str) -> str:
    """Relationship ``r`` holds on ``$day``, as rsn's store asks it."""
    return f"(({r}.since IS NULL OR {r}.since <= $day) AND ({r}.until IS NULL OR {r}.until > $day))"


def _actor(variable: str, parameter: str) -> str:
    """A ``CALL`` subquery binding ``variable`` to the actor whose id is ``$parameter``: one
    unique-index seek under each actor label."""
    seeks = [
        f"MATCH ({variable}:{name} {{id: ${parameter}}}) RETURN {variable}"
        for name in _ACTOR_LABELS
    ]
    return "CALL () { " + " UNION ALL ".join(seeks) + " }"


DROP_GRAPH = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"

PROJECT_PATHS = f"""
MATCH (a) WHERE {_IS_ACTOR.format(x="a")} AND {_exists("a")}
OPTIONAL MATCH (a)-[r:{_INTRODUCTION_TIES}]-(b)
WHERE a.id < b.id AND {_holds("r")} AND {_exists("b")}
WITH a, b, max(r.strength) AS strength
WITH gds.graph.project($name, a, b,
                       {{relationshipProperties: {{cost: coalesce(-log(strength), 0.0)}}}},
                       {{undirectedRelationshipTypes: ['*']}}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships"""

YENS = f"""{_actor("s", "source")}
{_actor("t", "target")}
CALL gds.shortestPath.yens.stream($name, {{sourceNode: s, targetNode: t, k: $k,
                                          relationshipWeightProperty: 'cost'}})
YIELD index, totalCost, nodeIds
RETURN index, totalCost, [n IN nodeIds | gds.util.asNode(n).id] AS ids
ORDER BY index"""

SET_COST = f"""
MATCH (a)-[r:{_INTRODUCTION_TIES}]->(b)
WHERE {_holds("r")} AND {_exists("a")} AND {_exists("b")}
CALL (r) {{ SET r.{COST} = -log(r.strength) }} IN TRANSACTIONS OF 20000 ROWS"""

REMOVE_COST = f"""
MATCH ()-[r:{_INTRODUCTION_TIES}]->() WHERE r.{COST} IS NOT NULL
CALL (r) {{ REMOVE r.{COST} }} IN TRANSACTIONS OF 20000 ROWS"""

DIJKSTRA = f"""{_actor("s", "source")}
{_actor("t", "target")}
CALL apoc.algo.dijkstra(s, t, $types, '{COST}', $absent, 1) YIELD path, weight
RETURN [n IN nodes(path) | n.id] AS ids, weight"""

PROJECT_SCOPE = f"""
MATCH (a) WHERE a.prefecture = $prefecture AND {_IS_ACTOR.format(x="a")} AND {_exists("a")}
OPTIONAL MATCH (a)-[r:{_RELATION_TYPES}]-(b)
WHERE a.id < b.id AND b.prefecture = $prefecture AND {_IS_ACTOR.format(x="b")}
  AND {_exists("b")} AND {_holds("r")}
WITH DISTINCT a, b
WITH gds.graph.project($name, a, b, {{}}, {{undirectedRelationshipTypes: ['*']}}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships"""

ARTICULATION_POINTS = (
    "CALL gds.articulationPoints.stream($name) YIELD nodeId "
    "RETURN collect(gds.util.asNode(nodeId).id) AS ids"
)

BRIDGES = (
    "CALL gds.bridges.stream($name) YIELD from, to "
    "RETURN collect([gds.util.asNode(from).id, gds.util.asNode(to).id]) AS pairs"
)

BETWEENNESS = (
    "CALL gds.betweenness.stream($name, $config) YIELD nodeId, score "
    "RETURN collect([gds.util.asNode(nodeId).id, score]) AS scores"
)

# -- comparing answers ---------------------------------------------------------------------

Path = tuple[tuple[str, ...], float]


def same_score(a: float, b: float) -> bool:
    """Whether two scores are equal but for float rounding."""
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-300)


def compare(
    mine: Sequence[Path] | None, peer: Sequence[Path] | None, max_hops: int = MAX_HOPS
) -> str:
    """How a peer's best paths (best first; a score of 0 for a path that does not hold today)
    stand beside rsn's: ``equal`` when every one has at most ``max_hops`` ties and the scores
    are rsn's, one for one; ``comparable`` when one is longer (or does not hold) and the paths
    before it score as rsn's first ones do; ``differing`` otherwise; ``failed`` when either has
    no answer (the server refused the question).

    >>> compare([(("a", "b"), 0.5)], [(("a", "b"), 0.5)])
    'equal'
    >>> compare([(("a", "b"), 0.5)], [(("a", "c", "d", "e", "f", "b"), 0.6)])
    'comparable'
    >>> compare([(("a", "b"), 0.5)], [(("a", "c", "b"), 0.6)])
    'differing'
    """
    if mine is None or peer is None:
        return "failed"
    within = []
    for nodes, score in peer:
        if len(nodes) - 1 > max_hops or score <= 0.0:
            break
        within.append(score)
    if len(within) == len(peer):
        scores = [score for _, score in mine]
        if len(scores) == len(within) and all(map(same_score, scores, within)):
            return "equal"
        return "differing"
    head = [score for _, score in mine[: len(within)]]
    if len(head) == len(within) and all(map(same_score, head, within)):
        return "comparable"
    return "differing"


def tally(verdicts: Sequence[str]) -> dict[str, int]:
    """How many of each verdict of :func:`compare`."""
    return {name: verdicts.count(name) for name in ("equal", "comparable", "differing", "failed")}


def overlap(first: dict[str, float], second: dict[str, float], top: int = TOP_BROKERS) -> int:
    """How many of the ``top`` nodes of highest value (then id) two rankings share."""

    def best(values: dict[str, float]) -> set[str]:
        return set(sorted(values, key=lambda v: (-values[v], v))[:top])

    return len(best(first) & best(second))


# -- measuring -----------------------------------------------------------------------------


def _timings(seconds: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(seconds, 0.5) * 1000,
        "p99_ms": percentile(seconds, 0.99) * 1000,
        "max_ms": max(seconds) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
    }


def _day() -> dict[str, Any]:
    day = today()
    return {"day": day, "year": int(day[:4])}


def _each(
    pairs: Sequence[tuple[str, str]], ask: Callable[[tuple[str, str]], list[Path]]
) -> tuple[list[float], list[list[Path] | None]]:
    """The seconds and the answer of each pair; None for a pair the server refused (its
    error is said, and its time still counts)."""
    seconds: list[float] = []
    answers: list[list[Path] | None] = []
    for pair in pairs:
        started = time.perf_counter()
        try:
            answers.append(ask(pair))
        except Neo4jError as error:
            say(f"{pair}: {error}")
            answers.append(None)
        seconds.append(time.perf_counter() - started)
    return seconds, answers


def yens(driver: Driver, pair: tuple[str, str]) -> list[Path]:
    """GDS Yen's k=K best paths, as (node ids, score)."""
    rows = driver.execute_query(
        YENS, name=PATHS_GRAPH, source=pair[0], target=pair[1], k=K, routing_="r"
    ).records
    return [(tuple(row["ids"]), math.exp(-row["totalCost"])) for row in rows]


def dijkstra(driver: Driver, pair: tuple[str, str]) -> list[Path]:
    """APOC's cheapest path, as (node ids, score; 0 through a tie that does not hold today)."""
    rows = driver.execute_query(
        DIJKSTRA,
        source=pair[0],
        target=pair[1],
        types=_INTRODUCTION_TIES,
        absent=ABSENT,
        routing_="r",
    ).records
    return [
        (tuple(row["ids"]), 0.0 if row["weight"] >= ABSENT else math.exp(-row["weight"]))
        for row in rows
    ]


def introductions(
    driver: Driver,
    args: argparse.Namespace,
    warmup: list[tuple[str, str]],
    pairs: list[tuple[str, str]],
) -> dict[str, Any]:
    """Every way of answering the pairs, timed, and each peer's answers beside rsn's."""
    results: dict[str, Any] = {}
    answers: dict[str, list[list[Path]]] = {}
    names = ["neo4j"] + ([] if args.skip_cypher else ["neo4j-cypher"])
    for name in names:
        shown = {"neo4j": "rsn", "neo4j-cypher": "rsn-cypher"}[name]
        with open_backend(name, args.enterprises, args.seed) as store:
            say(f"{shown}: warming up on {len(warmup)} pairs, then timing {len(pairs)} ...")
            _each(warmup, lambda pair, store=store: answer(store, pair))
            seconds, answers[shown] = _each(pairs, lambda pair, store=store: answer(store, pair))
        results[shown] = {**_timings(seconds), "seconds": seconds}

    say("gds: projecting the actor graph (actors existing today; introduction ties holding")
    say("     today, one per pair, of cost −ln strength)")
    driver.execute_query(DROP_GRAPH, name=PATHS_GRAPH)
    started = time.perf_counter()
    row = driver.execute_query(PROJECT_PATHS, name=PATHS_GRAPH, **_day()).records[0]
    projected = {
        "seconds": time.perf_counter() - started,
        "nodes": row["nodes"],
        "relationships": row["relationships"],
    }
    try:
        say(f"gds-yens: warming up on {len(warmup)} pairs, then timing {len(pairs)} ...")
        _each(warmup, lambda pair: yens(driver, pair))
        seconds, answers["gds-yens"] = _each(pairs, lambda pair: yens(driver, pair))
    finally:
        driver.execute_query(DROP_GRAPH, name=PATHS_GRAPH)
    results["gds-yens"] = {**_timings(seconds), "seconds": seconds, "projection": projected}

    if not args.skip_apoc:
        say(f"apoc: writing the scratch property {COST} on the ties holding today ...")
        try:
            started = time.perf_counter()
            with driver.session() as session:
                session.run(SET_COST, **_day()).consume()
            scratch = time.perf_counter() - started
            apoc_pairs = pairs[: args.apoc_pairs]
            say(f"apoc-dijkstra: warming up on {len(warmup)} pairs, then timing {len(apoc_pairs)}")
            _each(warmup, lambda pair: dijkstra(driver, pair))
            seconds, answers["apoc-dijkstra"] = _each(
                apoc_pairs, lambda pair: dijkstra(driver, pair)
            )
            results["apoc-dijkstra"] = {
                **_timings(seconds),
                "seconds": seconds,
                "scratch_seconds": scratch,
            }
        finally:
            remove_cost(driver)

    reference = answers["rsn"]
    for name, found in answers.items():
        wanted = 1 if name == "apoc-dijkstra" else K
        # APOC may be timed on the first of the pairs only (--apoc-pairs)
        verdicts = [
            compare(None if mine is None else mine[:wanted], peer)
            for mine, peer in zip(reference[: len(found)], found, strict=True)
        ]
        results[name]["answers"] = tally(verdicts)
        results[name]["differing_pairs"] = [
            {"pair": list(pair), "rsn": mine[:wanted], "peer": peer}
            for pair, mine, peer, verdict in zip(pairs, reference, found, verdicts, strict=False)
            if verdict == "differing"
        ][:10]
    return results


def remove_cost(driver: Driver) -> None:
    """Remove the scratch property from every relationship that has it."""
    say(f"removing the scratch property {COST} ...")
    with driver.session() as session:
        session.run(REMOVE_COST).consume()


def _sources(nodes: int, edges: int) -> int | None:
    """The sources the weakness report's betweenness uses: all (None) up to
    BETWEENNESS_EXACT_MAX actors, else its budget of visits over twice the edges."""
    if nodes <= BETWEENNESS_EXACT_MAX:
        return None
    return min(nodes, max(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_VISITS // max(1, 2 * edges)))


def _repeat(times: int, call: Callable[[], Any]) -> tuple[list[float], Any]:
    seconds, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def weaknesses(driver: Driver, args: argparse.Namespace) -> dict[str, Any]:
    """rsn's cut vertices, bridges and betweenness of the prefecture beside GDS's."""
    code = args.prefecture
    with open_backend("neo4j", args.enterprises, args.seed) as store:
        say(f"rsn: projecting prefecture {code} ...")
        started = time.perf_counter()
        dated = store.as_of(today())
        graph = dated.projection(Scope(code))
        projection_seconds = time.perf_counter() - started
        nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
        sources = _sources(nodes, edges)
        say(f"rsn: {nodes:,} actors, {edges:,} ties; cut vertices and bridges, betweenness ...")
        cut_seconds, (cuts, bridges) = _repeat(args.repeats, lambda: cut_vertices(graph))
        sampled_seconds, (sampled, used) = _repeat(
            args.repeats, lambda: betweenness(graph, sources, seed=BETWEENNESS_SEED)
        )
        ids = sorted(graph)
        chosen = chosen_sources(nodes, sources, BETWEENNESS_SEED)
        wanted = None if len(chosen) == nodes else [ids[i] for i in chosen]
        say("rsn: the same betweenness summed in Neo4j by rsn's plugin ...")
        plugin_seconds, summed = _repeat(
            args.repeats, lambda: dated.scope_betweenness(Scope(code), wanted)
        )
    in_database = (
        None if summed is None else normalised(ids, [summed.totals[i] for i in ids], len(chosen))
    )

    say(f"gds: projecting prefecture {code} ...")
    driver.execute_query(DROP_GRAPH, name=SCOPE_GRAPH)
    started = time.perf_counter()
    row = driver.execute_query(PROJECT_SCOPE, name=SCOPE_GRAPH, prefecture=code, **_day()).records[
        0
    ]
    gds_projection = {
        "seconds": time.perf_counter() - started,
        "nodes": row["nodes"],
        "relationships": row["relationships"] // 2,  # undirected: stored both ways
    }
    try:

        def run(query: str, **params: Any) -> Any:
            return driver.execute_query(query, name=SCOPE_GRAPH, **params).records[0][0]

        say("gds: articulation points, bridges, betweenness (sampled, exact) ...")
        ap_seconds, points = _repeat(args.repeats, lambda: run(ARTICULATION_POINTS))
        bridge_seconds, pairs = _repeat(args.repeats, lambda: run(BRIDGES))
        config = {"samplingSize": used, "samplingSeed": BETWEENNESS_SEED}
        gds_sampled_seconds, gds_sampled = _repeat(
            args.repeats, lambda: run(BETWEENNESS, config=config)
        )
        exact_seconds, gds_exact = _repeat(args.exact_runs, lambda: run(BETWEENNESS, config={}))
    finally:
        driver.execute_query(DROP_GRAPH, name=SCOPE_GRAPH)

    gds_bridges = {frozenset(pair) for pair in pairs}
    rsn_bridges = {frozenset((u, v)) for u, v, _ in bridges}
    gds_sampled_values = {node: score for node, score in gds_sampled}
    gds_exact_values = {node: score for node, score in gds_exact}
    return {
        "prefecture": code,
        "actors": nodes,
        "ties": edges,
        "betweenness_sources": used,
        "projection": {"rsn_seconds": projection_seconds, "gds": gds_projection},
        "steps": {
            "cut vertices + bridges": {"rsn": cut_seconds, "gds": _add(ap_seconds, bridge_seconds)},
            "betweenness sampled": {"rsn": sampled_seconds, "gds": gds_sampled_seconds},
            "  in Neo4j (rsn plugin)": {
                "rsn": None if summed is None else plugin_seconds,
                "gds": gds_sampled_seconds,
            },
            "betweenness exact": {"rsn": None, "gds": exact_seconds},
        },
        "gds_steps": {"articulationPoints": ap_seconds, "bridges": bridge_seconds},
        "answers": {
            "cut_vertices": {
                "rsn": len(cuts),
                "gds": len(points),
                "equal": set(cuts) == set(points),
            },
            "bridges": {
                "rsn": len(rsn_bridges),
                "gds": len(gds_bridges),
                "equal": rsn_bridges == gds_bridges,
            },
            "betweenness in Neo4j": {
                "plugin": summed is not None,
                "equal": in_database == sampled,
            },
            f"top {TOP_BROKERS} brokers shared": {
                "rsn sampled / gds sampled": overlap(sampled, gds_sampled_values),
                "rsn sampled / gds exact": overlap(sampled, gds_exact_values),
                "gds sampled / gds exact": overlap(gds_sampled_values, gds_exact_values),
            },
        },
    }


def _add(first: list[float], second: list[float]) -> list[float]:
    return [a + b for a, b in zip(first, second, strict=True)]


# -- the run -------------------------------------------------------------------------------


def _ms(seconds: Sequence[float] | None, share: float) -> float | None:
    return None if not seconds else percentile(list(seconds), share) * 1000


def _cell(value: float | None, width: int, digits: int = 1) -> str:
    return f"{'—' if value is None else format(value, f',.{digits}f'):>{width}}"


def print_introductions(results: dict[str, Any], pairs: int, enterprises: int) -> None:
    print()
    print(
        f"introductions k={K} (Dijkstra k=1), max_hops={MAX_HOPS} for rsn, on {enterprises:,} "
        f"enterprises; {pairs} same-prefecture pairs, end to end from Python"
    )
    header = (
        f"{'':<15}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'p50 ×rsn':>10}{'p99 ×rsn':>10}"
        f"{'equal':>7}{'compar.':>9}{'differ':>8}{'failed':>8}"
    )
    print(header)
    print("-" * len(header))
    base = results["rsn"]
    for name, row in results.items():
        answers = row.get("answers", {})
        print(
            f"{name:<15}{row['p50_ms']:>10.1f}{row['p99_ms']:>10.1f}{row['max_ms']:>10.1f}"
            f"{row['p50_ms'] / base['p50_ms']:>9.1f}x{row['p99_ms'] / base['p99_ms']:>9.1f}x"
            f"{answers.get('equal', 0):>7}{answers.get('comparable', 0):>9}"
            f"{answers.get('differing', 0):>8}{answers.get('failed', 0):>8}"
        )
    gds = results["gds-yens"]["projection"]
    print(
        f"gds projection: {gds['nodes']:,} nodes, {gds['relationships']:,} relationships "
        f"(both ways) in {gds['seconds']:.1f} s, not in the timings"
    )
    if "apoc-dijkstra" in results:
        print(
            f"apoc scratch property {COST}: written in "
            f"{results['apoc-dijkstra']['scratch_seconds']:.1f} s, not in the timings; removed"
        )


def print_weaknesses(found: dict[str, Any], repeats: int, exact_runs: int) -> None:
    print()
    print(
        f"weaknesses of prefecture {found['prefecture']}: {found['actors']:,} actors, "
        f"{found['ties']:,} ties; {repeats} runs each (exact betweenness: {exact_runs}), on the "
        "projection (not timed); rsn runs no exact betweenness on more than "
        f"{BETWEENNESS_EXACT_MAX:,} actors"
    )
    header = f"{'':<24}{'rsn p50 ms':>12}{'gds p50 ms':>12}{'gds p99 ms':>12}{'gds ×rsn':>10}"
    print(header)
    print("-" * len(header))
    for step, row in found["steps"].items():
        mine, peer = _ms(row["rsn"], 0.5), _ms(row["gds"], 0.5)
        ratio = None if mine is None or peer is None else peer / mine
        print(
            f"{step:<24}{_cell(mine, 12)}{_cell(peer, 12)}{_cell(_ms(row['gds'], 0.99), 12)}"
            f"{_cell(ratio, 9, 2)}{'' if ratio is None else 'x'}"
        )
    projection = found["projection"]
    gds = projection["gds"]
    print(
        f"projection: rsn {projection['rsn_seconds']:.1f} s ({found['actors']:,} actors, "
        f"{found['ties']:,} ties), gds {gds['seconds']:.1f} s ({gds['nodes']:,} nodes, "
        f"{gds['relationships']:,} relationships)"
    )
    answers = found["answers"]
    for what in ("cut_vertices", "bridges"):
        row = answers[what]
        print(
            f"{what.replace('_', ' ')}: rsn {row['rsn']:,}, gds {row['gds']:,}, "
            f"{'equal sets' if row['equal'] else 'DIFFERENT SETS'}"
        )
    plugin = answers["betweenness in Neo4j"]
    print(
        "betweenness summed in Neo4j by rsn's plugin (reading the graph included): "
        + (
            "no plugin on this server"
            if not plugin["plugin"]
            else "the same floats as in Python"
            if plugin["equal"]
            else "DIFFERENT VALUES"
        )
    )
    shared = answers[f"top {TOP_BROKERS} brokers shared"]
    print(
        f"betweenness ({found['betweenness_sources']:,} sources, seed {BETWEENNESS_SEED}; GDS "
        f"draws its own): top {TOP_BROKERS} shared: "
        + ", ".join(f"{pair} {count}" for pair, count in shared.items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008, help="dataset seed")
    parser.add_argument("--pairs", type=int, default=200, help="measured pairs")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up pairs (others)")
    parser.add_argument("--pair-seed", type=int, default=7)
    parser.add_argument(
        "--apoc-pairs", type=int, default=200, help="of the measured pairs, how many for APOC"
    )
    parser.add_argument("--prefecture", default="13", help="the weakness scope (Tokyo)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each weakness step")
    parser.add_argument(
        "--exact-runs", type=int, default=1, help="runs of GDS's exact betweenness (minutes)"
    )
    parser.add_argument("--skip-cypher", action="store_true", help="no plain-Cypher row")
    parser.add_argument("--skip-apoc", action="store_true", help="no APOC Dijkstra")
    parser.add_argument("--skip-weaknesses", action="store_true", help="introductions only")
    args = parser.parse_args(argv)

    folder, counts = dataset(args.enterprises, args.seed)
    with open_backend("neo4j", args.enterprises, args.seed) as store:
        if not holds(store, counts):
            raise SystemExit("the Neo4j server does not hold this dataset (bench.introductions)")
    every = same_prefecture_pairs(folder, args.warmup + args.pairs, args.pair_seed)
    warmup, pairs = every[: args.warmup], every[args.warmup :]

    uri, user, password = load_settings(RSN_BACKEND="neo4j").require_neo4j()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        versions = driver.execute_query(
            "RETURN gds.version() AS gds, apoc.version() AS apoc"
        ).records[0]
        paths = introductions(driver, args, warmup, pairs)
        weak = None if args.skip_weaknesses else weaknesses(driver, args)

    print_introductions(paths, len(pairs), args.enterprises)
    if weak is not None:
        print_weaknesses(weak, args.repeats, args.exact_runs)
    write_results(
        "peers",
        {
            "dataset": {"enterprises": args.enterprises, "seed": args.seed, "rows": counts},
            "pairs": {"measured": len(pairs), "warmup": len(warmup), "seed": args.pair_seed},
            "versions": {"gds": versions["gds"], "apoc": versions["apoc"]},
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "introductions": {
                name: {key: value for key, value in row.items() if key != "seconds"}
                for name, row in paths.items()
            },
            "weaknesses": weak,
        },
    )
    differing = any(
        row["answers"]["differing"] or row["answers"]["failed"] for row in paths.values()
    )
    unequal = weak is not None and not all(
        weak["answers"][what]["equal"] for what in ("cut_vertices", "bridges")
    )
    unequal = unequal or (
        weak is not None
        and weak["answers"]["betweenness in Neo4j"]["plugin"]
        and not weak["answers"]["betweenness in Neo4j"]["equal"]
    )
    return 1 if differing or unequal else 0


if __name__ == "__main__":
    sys.exit(main())
