"""Benchmarks at deadline scale: seeding, page timings, the deadline spike, the reminder fan-out.

Run them with `make bench` (see docs/BENCHMARKS.md); the test suite never does.
"""
