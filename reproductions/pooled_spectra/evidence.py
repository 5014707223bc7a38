"""Estimates with their uncertainty, and ideal surrogates, for the pooled-spectra judges
(``claims.py``): every criterion there decides with ``decide`` on an interval built here, and
its power is the pass rate of the same criterion on an ideal model at the run's scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from .._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, all_of, decide

__all__ = ["mean_interval", "spike_means", "class_correlation", "first_reach",
           "bootstrap_rows", "interval_verdicts", "within", "pooled_verdict"]


# level of the test that the points of a pooled check share one error (pooled_verdict):
HOMOGENEITY = 0.001  # gross disagreement only: chance rejections cost an ideal model power


def mean_interval(values, k: float) -> tuple[float, float, float]:
    """(mean, mean − k·SE, mean + k·SE) over ``values`` (SE = sd/√n); NaN bounds if n < 2."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size < 2:
        mean = float(v.mean()) if v.size else float("nan")
        return mean, float("nan"), float("nan")
    mean, se = float(v.mean()), float(v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - k * se, mean + k * se


def within(mean: float, se: float, k: float, band) -> str:
    """``decide`` on mean ± k·SE."""
    return decide(mean - k * se, mean + k * se, band)


def interval_verdicts(means, ses, k: float, band) -> list[str]:
    """One ``decide`` per point: mean ± k·SE against ``band`` (arrays of the same length)."""
    return [within(float(m), float(s), k, band) for m, s in zip(np.asarray(means),
                                                                  np.asarray(ses), strict=True)]


def pooled_verdict(means, ses, k: float, band, *, homogeneity: float = HOMOGENEITY) -> str:
    """One verdict for a prediction checked at several points (θ values, τ values): any point
    whose mean ± k·SE lies outside ``band`` → not reproduced; otherwise ``decide`` on the
    inverse-variance weighted average of the points' errors ± k·SE_avg (SE_avg = (Σ SE⁻²)^(−1/2):
    independent seeds per point). Deciding on every point's interval instead would need every
    one of them inside the band, which an ideal model fails often once there are many points
    or one noisy point near a transition.

    Averaging is only fair when the points measure one common error: signed errors of
    opposite sign at different θ would cancel in the average and hide a prediction that is
    wrong at both. So the points are first tested for a common value (Cochran's
    Q = Σ (m_i − m̄)²/SE_i², χ² with n − 1 degrees of freedom); where it is rejected at level
    ``homogeneity``, every point must lie inside the band on its own (``all_of`` their
    intervals: inside → reproduced, any disjoint → not reproduced, else inconclusive)."""
    means, ses = np.asarray(means, dtype=np.float64), np.asarray(ses, dtype=np.float64)
    if means.size == 0:
        return INCONCLUSIVE
    per_point = interval_verdicts(means, ses, k, band)
    if NOT_REPRODUCED in per_point:
        return NOT_REPRODUCED
    if np.all(ses > 0):
        weight = ses**-2.0
        average = float(means @ weight / weight.sum())
        if means.size > 1:
            q = float(weight @ (means - average) ** 2)
            if chi2.sf(q, means.size - 1) < homogeneity:
                return all_of(per_point)
        return within(average, float(weight.sum() ** -0.5), k, band)
    return within(float(means.mean()), float(np.sqrt(np.sum(ses**2)) / means.size), k, band)


def class_correlation(s: pd.DataFrame) -> pd.DataFrame:
    """T-A2/T-A3/T-A6 are judged on the class-correlation sweep (every d)."""
    return s[s.family == "class-correlation"] if "family" in s else s


_MEANS = ["lambda", "align_m", "align_mu", "pred_lambda", "pred_align_m", "pred_align_mu",
          "edge", "theta_c1", "theta_c2", "pop_lambda", "pop_align_m", "pred_pop_lambda",
          "pred_a1", "pop_edge", "lambda_2", "uncentred_lambda_2"]
_SES = ["lambda", "align_m", "align_mu", "pop_lambda", "pop_align_m", "lambda_2",
        "uncentred_lambda_2"]


def spike_means(s: pd.DataFrame) -> pd.DataFrame:
    """Means over seeds per (d, weights, θ), with the standard error ``<col>_se`` of every
    measured column (NaN with a single seed)."""
    g = s.groupby(["d", "weights", "theta"])
    out = g[_MEANS].mean()
    n = g.size()
    for col in _SES:
        out[f"{col}_se"] = g[col].std(ddof=1) / np.sqrt(n)
    out["seeds"] = n
    return out.reset_index()


def first_reach(x, y, level: float) -> float:
    """First x at which y reaches ``level``, interpolated linearly in x; x[0] if y starts there;
    NaN if never. Not ``reproductions._checks.crossing``: that interpolates in log x (θ starts
    at 0 here) and takes the first sign change of y − level, not the first y ≥ level."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    above = np.flatnonzero(y >= level)
    if above.size == 0:
        return float("nan")
    i = above[0]
    if i == 0:
        return float(x[0])
    return float(x[i - 1] + (level - y[i - 1]) * (x[i] - x[i - 1]) / (y[i] - y[i - 1]))


def bootstrap_rows(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``frame`` resampled with replacement (same size): one draw of the surrogate that
    resamples ideal spectra drawn at this scale."""
    return frame.iloc[rng.integers(0, len(frame), len(frame))]


def passes(verdicts) -> bool:
    """A surrogate passes when the combined verdict is reproduced."""
    return all_of(verdicts) == REPRODUCED


def combine(verdicts, *, enough: bool = True) -> str:
    return all_of(verdicts) if enough else INCONCLUSIVE
