"""Benchmarks and load measurements: ``python -m benchmarks.run [--quick] [--db PATH]``."""
