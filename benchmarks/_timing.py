"""Shared by the benchmarks: the best of a few timed runs."""

from __future__ import annotations

import time


def best_of(fn, repeats: int = 3):
    """(fastest wall time in seconds, the last result) over ``repeats`` calls of ``fn``."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out
