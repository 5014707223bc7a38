"""Theory-vs-measurement helpers shared by claims and tests (one of each, not copies)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["assert_rel_close", "max_rel_error", "SlopeFit", "fit_slope", "crossing",
           "spread_ratio"]


def max_rel_error(actual, expected, *, floor: float = 0.0) -> float:
    """max |a − e| / max(|e|, floor)."""
    a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    return float(np.max(np.abs(a - e) / np.maximum(np.abs(e), floor))) if a.size else 0.0


def assert_rel_close(actual, expected, *, rtol: float, atol: float = 0.0, what: str = "") -> None:
    a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    bad = np.abs(a - e) > atol + rtol * np.abs(e)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise AssertionError(f"{what or 'values'} differ at {bad.sum()} of {bad.size} places; "
                             f"first: {a.ravel()[i]!r} vs {e.ravel()[i]!r} (rtol={rtol})")


@dataclass(frozen=True)
class SlopeFit:
    slope: float
    intercept: float
    low: float  # 95% confidence interval of the slope
    high: float
    points: int


def fit_slope(x, y) -> SlopeFit:
    """Least-squares y = slope·x + intercept with a 95% t-interval on the slope."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size < 3:
        return SlopeFit(np.nan, np.nan, np.nan, np.nan, int(x.size))
    res = stats.linregress(x, y)
    half = stats.t.ppf(0.975, x.size - 2) * res.stderr
    return SlopeFit(res.slope, res.intercept, res.slope - half, res.slope + half, int(x.size))


def crossing(x, y, level: float) -> float:
    """First x where the curve y(x) crosses ``level``, interpolated linearly in log x;
    NaN if it never does. ``x`` increasing and positive."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64) - level
    sign = np.sign(y)
    change = np.flatnonzero(sign[:-1] * sign[1:] <= 0)
    change = change[(sign[change] != 0) | (sign[change + 1] != 0)]
    if change.size == 0:
        return float("nan")
    i = change[0]
    if y[i] == 0:
        return float(x[i])
    lx = np.log(x[i : i + 2])
    return float(np.exp(lx[0] - y[i] * (lx[1] - lx[0]) / (y[i + 1] - y[i])))


def spread_ratio(values) -> float:
    """max/min of positive values (1 = no spread); NaN if any is missing."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0 or not np.all(np.isfinite(v)) or np.any(v <= 0):
        return float("nan")
    return float(v.max() / v.min())
