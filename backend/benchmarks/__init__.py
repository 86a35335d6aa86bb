"""Benchmarks: run as modules from backend/, e.g. `python -m benchmarks.solar_bench`."""
