"""Graph algorithms on NetworkX graphs and plain adjacency: pure functions, no store."""
