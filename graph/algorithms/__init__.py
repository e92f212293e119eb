"""Graph algorithms on NetworkX graphs and plain callables: pure functions, no store; they
import nothing of the project but the model and its errors. One family per module:
:mod:`~graph.algorithms.paths` (the k best introduction paths), :mod:`~graph.algorithms.cuts`
(cut vertices and bridges), :mod:`~graph.algorithms.centrality` (betweenness, Burt's
constraint), :mod:`~graph.algorithms.reach` (nearest and best-reached sources, by place)."""
