"""Synthetic seed data: a believable, repeatable dataset of Japan's regional SME support network.

``generate_dataset(out, enterprises=3000, seed=2008)`` writes the six CSV files of the
dataset contract into ``out``; see ``seeds/README.md`` for the assumptions behind them.
"""

from seeds.generator import DEFAULT_ENTERPRISES, DEFAULT_SEED, generate_dataset

__all__ = ["DEFAULT_ENTERPRISES", "DEFAULT_SEED", "generate_dataset"]
