"""Performance benchmarks (make bench). Each module has run() -> list[Figure]; baselines run in the same pass."""
