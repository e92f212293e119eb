"""A tile-grid map of Japan: one square tile per prefecture, placed as the country lies.

Each prefecture has a cell (column, row) of a 14 by 12 grid, column 0 in the west and row 0
in the north: Hokkaido at the top right, the Tohoku prefectures down the east side, Kanto,
Chubu and Kinki across the middle, Chugoku and Shikoku to the west, Kyushu at the bottom
left and Okinawa below it. Neighbouring prefectures have neighbouring cells (at most one
cell apart in each direction for most pairs; tests/unit/test_tile_grid.py checks every
land border and the bridges to Shikoku).
"""

from __future__ import annotations

__all__ = ["COLUMNS", "ROWS", "TILES", "tile_of"]

#: Each prefecture's cell, by its JIS X 0401 code: (column from the west, row from the north).
TILES: dict[str, tuple[int, int]] = {
    "01": (13, 0),  # Hokkaido
    "02": (12, 1),  # Aomori
    "03": (12, 2),  # Iwate
    "04": (12, 3),  # Miyagi
    "05": (11, 2),  # Akita
    "06": (11, 3),  # Yamagata
    "07": (11, 4),  # Fukushima
    "08": (12, 5),  # Ibaraki
    "09": (11, 5),  # Tochigi
    "10": (10, 5),  # Gunma
    "11": (10, 6),  # Saitama
    "12": (12, 6),  # Chiba
    "13": (11, 6),  # Tokyo
    "14": (10, 7),  # Kanagawa
    "15": (10, 4),  # Niigata
    "16": (9, 4),  # Toyama
    "17": (8, 4),  # Ishikawa
    "18": (7, 5),  # Fukui
    "19": (9, 6),  # Yamanashi
    "20": (9, 5),  # Nagano
    "21": (8, 5),  # Gifu
    "22": (9, 7),  # Shizuoka
    "23": (8, 6),  # Aichi
    "24": (8, 7),  # Mie
    "25": (7, 6),  # Shiga
    "26": (6, 6),  # Kyoto
    "27": (6, 7),  # Osaka
    "28": (5, 6),  # Hyogo
    "29": (7, 7),  # Nara
    "30": (7, 8),  # Wakayama
    "31": (4, 6),  # Tottori
    "32": (3, 6),  # Shimane
    "33": (4, 7),  # Okayama
    "34": (3, 7),  # Hiroshima
    "35": (2, 7),  # Yamaguchi
    "36": (5, 8),  # Tokushima
    "37": (4, 8),  # Kagawa
    "38": (3, 8),  # Ehime
    "39": (4, 9),  # Kochi
    "40": (1, 7),  # Fukuoka
    "41": (1, 8),  # Saga
    "42": (0, 8),  # Nagasaki
    "43": (1, 9),  # Kumamoto
    "44": (2, 8),  # Oita
    "45": (2, 9),  # Miyazaki
    "46": (1, 10),  # Kagoshima
    "47": (0, 11),  # Okinawa
}

COLUMNS = 1 + max(column for column, _row in TILES.values())
ROWS = 1 + max(row for _column, row in TILES.values())


def tile_of(code: str) -> tuple[int, int]:
    """The cell of the prefecture ``code`` (column, row). Raises KeyError for a code that
    names no prefecture."""
    return TILES[code]
