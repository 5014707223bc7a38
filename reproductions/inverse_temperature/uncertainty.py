"""Uncertainty of the inverse-temperature estimates: bootstraps over rows, and the ideal
surrogates that the claims are also judged on (Hayase & Karakida, arXiv 2605.12697;
``reproductions/inverse_temperature/README.md`` says which surrogate serves which claim).

Rows of a score family are i.i.d., so every statistic of them is bootstrapped by resampling
rows — or groups of rows, for the per-β curves, whose sums the cells keep per group of
``GROUP_ROWS`` rows. The interval is the percentile interval of ``BOOTSTRAP`` replicates.

A *surrogate* satisfies a claim by construction and carries the measurement's own noise: the
prediction (a constant β_½/L_pred, curves that are the same for every n, …) plus one bootstrap
replicate's deviation from the estimate per draw. Its own interval adds a second, independent
replicate's deviation — the bootstrap of the surrogate's data. So a surrogate draw is judged
exactly as the measurement is, at the same number of rows.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BOOTSTRAP", "SURROGATE_DRAWS", "INNER", "row_medians",
           "crossings", "interval", "surrogate_pairs"]

BOOTSTRAP = 200  # replicates per interval
SURROGATE_DRAWS = 100  # draws of each ideal surrogate
INNER = 40  # replicates of one surrogate draw, for its own interval
LEVEL = 0.95


def row_medians(values, rng, *, reps: int = BOOTSTRAP) -> np.ndarray:
    """Bootstrap replicates ``[reps]`` of the median of ``values: [R]``."""
    v = np.asarray(values, dtype=np.float64)
    return np.median(v[rng.integers(0, v.size, size=(reps, v.size))], axis=1)


def crossings(x, curves, level: float) -> np.ndarray:
    """First x where each curve crosses ``level``, interpolated linearly in log x (the rule of
    :func:`attnlab.reproductions._checks.crossing`, vectorised): ``x: [X]`` increasing,
    ``curves: [..., X]`` → ``[...]``, NaN where a curve never crosses."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(curves, dtype=np.float64) - level
    s = np.sign(y)
    change = (s[..., :-1] * s[..., 1:] <= 0) & ((s[..., :-1] != 0) | (s[..., 1:] != 0))
    found = change.any(axis=-1)
    i = np.argmax(change, axis=-1)
    y0 = np.take_along_axis(y, i[..., None], -1)[..., 0]
    y1 = np.take_along_axis(y, (i + 1)[..., None], -1)[..., 0]
    lx = np.log(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(y0 == 0, 0.0, -y0 / (y1 - y0))
    out = np.exp(lx[i] + t * (lx[np.minimum(i + 1, x.size - 1)] - lx[i]))
    return np.where(found, out, np.nan)


def interval(replicates, *, axis: int = 0, point=None) -> tuple[np.ndarray, np.ndarray]:
    """95% interval from bootstrap replicates: the percentile interval, or, given the
    estimate ``point``, the basic (reflected) one, [2·point − q₉₇.₅, 2·point − q₂.₅].

    The basic interval is for the spreads (a maximum over n and x of a range across n): noise
    inflates such a statistic, its replicates are inflated once more, and reflecting removes
    that bias where the percentile interval would sit above the estimate. NaN replicates (a
    curve that did not cross) count as unknown, so any NaN makes the interval NaN."""
    r = np.asarray(replicates, dtype=np.float64)
    tail = 100 * (1 - LEVEL) / 2
    low, high = np.percentile(r, [tail, 100 - tail], axis=axis)
    if point is not None:
        point = np.asarray(point, dtype=np.float64)
        low, high = 2 * point - high, 2 * point - low
    bad = np.isnan(r).any(axis=axis)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def surrogate_pairs(reps: int, rng, *, draws: int = SURROGATE_DRAWS, inner: int = INNER):
    """Indices for the surrogate draws: ``outer: [draws]`` (the replicate whose deviation is
    the draw's noise) and ``inner: [draws, inner]`` (replicates for the draw's interval),
    never the draw's own replicate."""
    outer = rng.integers(0, reps, size=draws)
    inner_idx = rng.integers(0, reps - 1, size=(draws, inner))
    inner_idx += inner_idx >= outer[:, None]
    return outer, inner_idx
