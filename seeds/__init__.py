"""Synthetic seed data: a believable, repeatable dataset of Japan's regional SME support network.

``generate_dataset(out, enterprises=3000, seed=2008)`` writes the six CSV files of the
dataset contract into ``out``, with the valid time of each tie and node, and the
``provenance.csv`` an export has (who contributed what, when); see ``seeds/README.md`` for the
assumptions behind them. ``duplicates=0.05`` puts 5% of the firms in a second contributor's
file under another id, spelled another way, and writes the ground truth as ``truth.csv``.
"""

from seeds.generator import DEFAULT_ENTERPRISES, DEFAULT_SEED, generate_dataset

__all__ = ["DEFAULT_ENTERPRISES", "DEFAULT_SEED", "generate_dataset"]
