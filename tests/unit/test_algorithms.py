"""The examples in the docstrings of graph.algorithms run, and every public function and class
there has one; the algorithms import nothing of the project but the model and its errors."""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import graph.algorithms

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(graph.algorithms.__path__, "graph.algorithms.")
)
#: What a module of graph.algorithms may import of the project.
ALLOWED = {"graph.model", "graph.errors"}


def test_the_families_are_all_found():
    assert {
        "graph.algorithms.centrality",
        "graph.algorithms.cuts",
        "graph.algorithms.paths",
        "graph.algorithms.reach",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_of_each_module_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, verbose=False, report=True)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} examples of {name} failed (printed above)"


@pytest.mark.parametrize("name", MODULES)
def test_every_public_function_and_class_has_an_example(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(recurse=False)
    for public in module.__all__:
        value = getattr(module, public)
        if inspect.isfunction(value) or inspect.isclass(value):
            examples = [t for t in finder.find(value, public, module=module) if t.examples]
            assert examples, f"{name}.{public} has no example in its docstring"


@pytest.mark.parametrize("name", MODULES)
def test_an_algorithm_imports_no_store_query_or_place(name):
    source = Path(importlib.import_module(name).__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported = [node.module]
        elif isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        else:
            continue
        for module in imported:
            if module.split(".")[0] == "graph" and not module.startswith("graph.algorithms"):
                assert module in ALLOWED, f"{name} imports {module}"
