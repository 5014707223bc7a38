"""Random-matrix nulls for the energy-field statistics (Lee, arXiv 2605.02907; the null is
our reconstruction of how "incoherent" and "delocalized" are calibrated).

Null model at (L, d_h): queries and keys with i.i.d. N(0, 1) entries, ``Q, K: [L, d_h]``,
and, for the components of W_QᵀW_K, Gaussian ``W_Q, W_K: [d_model, d_h]``. Under it K_c spans
a uniformly random r-dimensional subspace of 1^⊥ (r = min(d_h, L − 1)), so the leverage
scores are those of a random projection: mean r/L, and μ_K = (L/r) max_j ℓ_j is close to 1
with an upper tail that the quantiles below calibrate.
"""

from __future__ import annotations

import numpy as np

from ._energy_metrics import components_for, head_metrics

__all__ = ["null_samples", "null_quantile", "gaussian_wqk_components", "null_mu_quantile"]


def gaussian_wqk_components(d_model: int, d_h: int, *, seed: int) -> int:
    """Components for 90% of ‖W_Q W_Kᵀ‖_F² with Gaussian ``W_Q, W_K: [d_model, d_h]``."""
    rng = np.random.default_rng(seed)
    Wq, Wk = rng.standard_normal((2, d_model, d_h))
    _, Rq = np.linalg.qr(Wq)
    _, Rk = np.linalg.qr(Wk)
    return components_for(np.linalg.svd(Rq @ Rk.T, compute_uv=False))


def null_samples(L: int, d_h: int, draws: int, *, seed: int, d_model: int = 0) -> dict:
    """``draws`` samples of every statistic of :func:`head_metrics` under the Gaussian null
    at (L, d_h): a dict of arrays ``[draws]`` (plus ``comps90_wqk`` when ``d_model``)."""
    if L < 2 or d_h < 1 or draws < 1:
        raise ValueError(f"need L ≥ 2, d_h ≥ 1, draws ≥ 1; got {L}, {d_h}, {draws}")
    streams = np.random.SeedSequence(seed).spawn(draws)
    rows = []
    for s in streams:
        rng = np.random.default_rng(s)
        Q = rng.standard_normal((L, d_h))
        K = rng.standard_normal((L, d_h))
        m = head_metrics(Q, K)
        if d_model:
            m["comps90_wqk"] = gaussian_wqk_components(
                d_model, d_h, seed=int(rng.integers(2 ** 31)))
        rows.append(m)
    return {k: np.array([r[k] for r in rows], dtype=np.float64) for k in rows[0]}


def null_quantile(values, q: float, *, level: float = 0.95) -> tuple:
    """(quantile, low, high): the ``q`` quantile of ``values`` and its distribution-free
    order-statistic ``level`` interval [x_(l), x_(u)], l and u the binomial(n, q) quantiles at
    (1 ∓ level)/2 (coverage ≥ level for any continuous law; exact, no resampling)."""
    from scipy import stats

    v = np.sort(np.asarray(values, dtype=np.float64))
    n = v.size
    a = (1 - level) / 2
    lo = int(stats.binom.ppf(a, n, q))  # P(#{x ≤ x_q} < lo + 1) ≤ a  → x_(lo) in 1-indexing
    hi = int(stats.binom.ppf(1 - a, n, q)) + 1
    low = v[max(lo - 1, 0)] if lo >= 1 else -np.inf
    high = v[hi - 1] if hi <= n else np.inf
    return float(np.quantile(v, q)), float(low), float(high)


def null_mu_quantile(L: int, r: int, q: float = 0.95) -> float:
    """Closed-form approximation of the ``q`` quantile of μ_K under the Gaussian null: each
    leverage is ((L−1)/L)·Beta(r/2, (L−1−r)/2) (a fixed vector of 1^⊥ against a uniformly
    random r-dimensional subspace of it), and the L leverages are treated as independent, so
    P(μ_K ≤ x) ≈ F_Beta(x·r/(L−1))^L. Checked against :func:`null_samples` in T1."""
    from scipy import optimize, stats

    if not 1 <= r < L - 1:
        raise ValueError(f"need 1 ≤ r < L − 1, got r = {r}, L = {L}")

    def gap(x):
        return stats.beta.cdf(x * r / (L - 1), r / 2, (L - 1 - r) / 2) ** L - q

    return float(optimize.brentq(gap, 1.0 + 1e-9, (L - 1) / r * (1 - 1e-9)))
