"""The tile grid of the map of Japan (viz/tile_grid.py): every prefecture once, no two tiles
overlapping, the country's shape (Hokkaido top right, Okinawa bottom left, east to the right
and north up), and neighbours near each other."""

from __future__ import annotations

import math
from itertools import combinations

from graph.japan import PREFECTURE_BY_CODE
from viz.japan_map import tile_rect
from viz.tile_grid import COLUMNS, ROWS, TILES, tile_of

#: Each prefecture's seat of government, (latitude, longitude) to two places.
CAPITALS = {
    "01": (43.06, 141.35), "02": (40.82, 140.74), "03": (39.70, 141.15), "04": (38.27, 140.87),
    "05": (39.72, 140.10), "06": (38.24, 140.36), "07": (37.75, 140.47), "08": (36.34, 140.45),
    "09": (36.57, 139.88), "10": (36.39, 139.06), "11": (35.86, 139.65), "12": (35.61, 140.12),
    "13": (35.69, 139.69), "14": (35.45, 139.64), "15": (37.90, 139.02), "16": (36.70, 137.21),
    "17": (36.59, 136.63), "18": (36.07, 136.22), "19": (35.66, 138.57), "20": (36.65, 138.18),
    "21": (35.39, 136.72), "22": (34.98, 138.38), "23": (35.18, 136.91), "24": (34.73, 136.51),
    "25": (35.00, 135.87), "26": (35.02, 135.76), "27": (34.69, 135.52), "28": (34.69, 135.18),
    "29": (34.69, 135.83), "30": (34.23, 135.17), "31": (35.50, 134.24), "32": (35.47, 133.05),
    "33": (34.66, 133.93), "34": (34.40, 132.46), "35": (34.19, 131.47), "36": (34.07, 134.56),
    "37": (34.34, 134.04), "38": (33.84, 132.77), "39": (33.56, 133.53), "40": (33.61, 130.42),
    "41": (33.25, 130.30), "42": (32.74, 129.87), "43": (32.79, 130.74), "44": (33.24, 131.61),
    "45": (31.91, 131.42), "46": (31.56, 130.56), "47": (26.21, 127.68),
}  # fmt: skip

#: Prefectures that share a land border, and those joined by a bridge or a tunnel (Seikan,
#: Kanmon, Akashi Kaikyo, Seto Ohashi, Shimanami Kaido).
NEIGHBOURS = """
01-02 02-03 02-05 03-04 03-05 04-06 04-07 05-06 06-07 06-15 07-08 07-09 07-10 07-15
08-09 08-11 08-12 09-10 09-11 10-11 10-15 10-20 11-12 11-13 11-19 11-20 12-13 13-14
13-19 14-19 14-22 15-16 15-20 16-17 16-20 16-21 17-18 17-21 18-21 18-25 18-26 19-20
19-22 20-21 20-22 20-23 21-23 21-24 21-25 22-23 23-24 24-25 24-26 24-29 24-30 25-26
26-27 26-28 26-29 27-28 27-29 27-30 28-31 28-33 29-30 31-32 31-33 31-34 32-34 32-35
33-34 34-35 36-37 36-39 37-38 38-39 40-41 40-43 40-44 41-42 43-44 43-45 43-46 44-45
45-46 35-40 28-36 33-37 34-38
""".split()


def _distance(a: str, b: str) -> float:
    (ax, ay), (bx, by) = tile_of(a), tile_of(b)
    return math.hypot(ax - bx, ay - by)


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    for rank, index in enumerate(order):
        ranks[index] = float(rank)
    return ranks


def _spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    top = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    bottom = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return top / bottom


def test_every_prefecture_has_one_cell_and_no_two_share_one():
    assert set(TILES) == set(PREFECTURE_BY_CODE)
    assert len(set(TILES.values())) == 47
    for column, row in TILES.values():
        assert 0 <= column < COLUMNS and 0 <= row < ROWS


def test_no_two_tiles_overlap_on_the_map():
    squares = {code: tile_rect(code) for code in TILES}
    for a, b in combinations(squares, 2):
        ax, ay, aw, ah = squares[a]
        bx, by, bw, bh = squares[b]
        apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
        assert apart, (a, b)


def test_hokkaido_is_top_right_and_okinawa_bottom_left():
    hokkaido, okinawa = tile_of("01"), tile_of("47")
    others = [cell for code, cell in TILES.items() if code != "01"]
    assert all(hokkaido[0] > column and hokkaido[1] < row for column, row in others)
    others = [cell for code, cell in TILES.items() if code != "47"]
    assert all(okinawa[0] <= column and okinawa[1] > row for column, row in others)


def test_east_is_right_and_north_is_up():
    codes = sorted(TILES)
    columns = [float(tile_of(code)[0]) for code in codes]
    rows = [float(tile_of(code)[1]) for code in codes]
    assert _spearman(columns, [CAPITALS[code][1] for code in codes]) > 0.9
    assert _spearman(rows, [-CAPITALS[code][0] for code in codes]) > 0.9


def test_neighbours_are_near():
    distances = {pair: _distance(*pair.split("-")) for pair in NEIGHBOURS}
    far = {pair: d for pair, d in distances.items() if d > math.sqrt(5)}
    assert far == {}
    touching = [pair for pair, d in distances.items() if d <= math.sqrt(2)]
    assert len(touching) >= 0.85 * len(distances)


def test_tiles_far_apart_are_not_neighbours():
    """Prefectures at opposite ends of the country are far apart on the grid too."""
    assert _distance("01", "47") > 10
    assert _distance("13", "40") > 9  # Tokyo and Fukuoka
    assert _distance("01", "13") > 5
