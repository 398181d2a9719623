"""Benchmarks run only with ``--benchmark-enable`` (they are measurements, not part of the fast suite)."""

import pytest


def pytest_collection_modifyitems(config, items):
    if config.getoption("benchmark_enable", default=False):
        return
    skip = pytest.mark.skip(reason="benchmark: run with `pytest tests/benchmarks --benchmark-enable`")
    for item in items:
        if "benchmarks" in item.path.parts:
            item.add_marker(skip)
