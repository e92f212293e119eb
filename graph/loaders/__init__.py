"""Loaders: CSV dataset folders in, validated batches out to a store; and back out."""

from graph.loaders.dataset import LoadReport, load_dataset, validate_dataset
from graph.loaders.export import export_dataset

__all__ = ["LoadReport", "export_dataset", "load_dataset", "validate_dataset"]
