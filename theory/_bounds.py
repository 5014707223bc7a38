"""Exact per-row bounds from the accumulation scale (no asymptotics).

With w_j = e^{−βΔ_j}, Z = Σ_j w_j = β∫₀^∞ N(t) e^{−βt} dt, p = w/Z and r = β/Λ where Λ is the
*raw* accumulation scale (:func:`theory.accumulation_scale` with ``skip=0``), N(t) ≤ e^{Λt}
gives, for every row (derived for this reproduction, not quoted from the paper; see
``reproductions/inverse_temperature/README.md``):

    r < 1:  top-two gap  D = p_(1) − p_(2) ≤ r / (e (1 − r))
    r > 1:  Z ≤ r/(r − 1),   p_max ≥ 1 − 1/r,   H ≤ log(r/(r−1)) + (r/(r−1))² − 1

They quantify the theorem of arXiv 2605.12697 (below Λ the top two stay unseparated, above it
the entropy collapses). Outside their range each function returns the trivial bound
(inf for upper bounds, 0 for the lower bound on p_max).
"""

from __future__ import annotations

import numpy as np

__all__ = ["top_two_gap_bound", "partition_bound", "max_weight_bound", "entropy_bound"]


def _ratio(r):
    r = np.asarray(r, dtype=np.float64)
    if np.any(r < 0):
        raise ValueError("r = β/Λ must be ≥ 0")
    return r


def top_two_gap_bound(r) -> np.ndarray:
    """Upper bound on p_(1) − p_(2): r/(e(1−r)) for r < 1, else inf."""
    r = _ratio(r)
    with np.errstate(divide="ignore"):
        return np.where(r < 1, r / (np.e * (1 - np.minimum(r, 1))), np.inf)


def partition_bound(r) -> np.ndarray:
    """Upper bound on Z = Σ e^{−βΔ}: r/(r−1) for r > 1, else inf."""
    r = _ratio(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r > 1, r / (r - 1), np.inf)


def max_weight_bound(r) -> np.ndarray:
    """Lower bound on p_max: 1 − 1/r for r > 1, else 0."""
    r = _ratio(r)
    with np.errstate(divide="ignore"):
        return np.where(r > 1, 1 - 1 / np.maximum(r, 1), 0.0)


def entropy_bound(r) -> np.ndarray:
    """Upper bound on the attention entropy H: log(r/(r−1)) + (r/(r−1))² − 1 for r > 1."""
    z = partition_bound(r)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(z), np.log(z) + z**2 - 1, np.inf)
