"""Gaps from the maximum, the gap-counting function and the accumulation scale.

Hayase & Karakida, "A Unified Framework for Critical Scaling of Inverse Temperature in
Self-Attention", arXiv 2605.12697. Only the abstract is public; the definitions are the
reconstruction in ``reproductions/inverse_temperature/README.md``, in the abstract's vocabulary.

For one attention row of scores ``s: [n]``:

    Δ_j    = max(s) − s_j                         (gaps; the maximum has Δ = 0)
    N_n(t) = #{j : Δ_j ≤ t}                       (gap-counting function)
    Λ_n    = sup_{t>0} log N_n(t) / t              (upper-tail accumulation scale)

Λ_n is the smallest Λ with N_n(t) ≤ e^{Λt} for every t > 0. Because ``log N/t`` decreases
between jumps of N, the supremum is attained at a gap: Λ_n = max_j log N(Δ_j)/Δ_j over Δ_j > 0.
A tie at the maximum (N(0) ≥ 2) makes Λ_n infinite. The robust variant skips the first
``skip`` gaps (sup over t ≥ Δ_(skip+1)); it is what the scale-law claims regress on, because
the raw sup is dominated by the heavy-tailed first gap. Only the raw Λ_n bounds N everywhere,
so only it enters the exact bounds in :mod:`theory._bounds`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["gaps_from_scores", "gap_counting_function", "accumulation_scale"]


def gaps_from_scores(scores, *, axis: int = -1) -> np.ndarray:
    """Δ = max(s) − s along ``axis``, in float64. ``scores: [..., n]`` → ``[..., n]``, all ≥ 0."""
    s = np.asarray(scores, dtype=np.float64)
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite")
    return s.max(axis=axis, keepdims=True) - s


def _sorted_with_counts(gaps, weights):
    gaps = np.asarray(gaps, dtype=np.float64).ravel()
    if gaps.size == 0:
        raise ValueError("a row needs at least one score")
    if np.any(gaps < 0) or not np.all(np.isfinite(gaps)):
        raise ValueError("gaps must be finite and ≥ 0 (use gaps_from_scores)")
    order = np.argsort(gaps, kind="stable")
    sorted_gaps = gaps[order]
    if weights is None:
        counts = np.arange(1, gaps.size + 1, dtype=np.float64)
    else:
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != gaps.shape or np.any(w < 0):
            raise ValueError("weights must be non-negative counts, one per gap")
        counts = np.cumsum(w[order])
    return sorted_gaps, counts


def gap_counting_function(gaps, t, *, weights=None) -> np.ndarray:
    """N(t) = #{j : Δ_j ≤ t} (weighted by multiplicities if ``weights`` is given).

    ``gaps: [n]``, ``t: [m]`` → ``[m]``.
    """
    sorted_gaps, counts = _sorted_with_counts(gaps, weights)
    idx = np.searchsorted(sorted_gaps, np.asarray(t, dtype=np.float64), side="right")
    return np.where(idx > 0, counts[np.maximum(idx - 1, 0)], 0.0)


def accumulation_scale(gaps, *, skip: int = 0, weights=None) -> float:
    """Λ = sup_{t ≥ Δ_(skip+1), t>0} log N(t)/t for one row of gaps ``[n]``.

    ``skip = 0`` is the raw Λ_n of the paper (inf on a tie at the maximum); ``skip = k0 > 0``
    is the robust variant. A row with a single score has no competitors: Λ = 0.
    """
    if skip < 0:
        raise ValueError("skip must be ≥ 0")
    sorted_gaps, counts = _sorted_with_counts(gaps, weights)
    if skip == 0 and counts[np.searchsorted(sorted_gaps, 0.0, side="right") - 1] >= 2:
        return float("inf")
    tail = slice(skip, None)
    g, c = sorted_gaps[tail], counts[tail]
    positive = g > 0
    if not np.any(positive):
        return 0.0
    with np.errstate(over="ignore"):  # a subnormal gap makes log N/Δ overflow: Λ = inf, as a tie
        return float(np.max(np.log(c[positive]) / g[positive]))
