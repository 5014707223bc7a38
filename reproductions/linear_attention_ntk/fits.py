"""Fitted exponents and bootstrap intervals that claims T6, T7 and T9 judge (one helper per
estimate, shared by the claims and their tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import fit_slope
from .._claims import REPRODUCED, Power, decide, surrogate_power

__all__ = ["attention_rows", "drift_slopes", "gap_slope_ci", "ratio_ci", "slope_text", "log_fit",
           "slope_power"]


def slope_text(name: str, slope: float, low: float, high: float) -> str:
    return f"{name} {slope:.2f} [{low:.2f}, {high:.2f}]"


def drift_slopes(train: pd.DataFrame) -> pd.DataFrame:
    """Slope of log mean kernel drift against log m per (dataset, dynamics, net), with its 95%
    t-interval (``fit_slope``); nan where fewer than 3 widths had any drift at all."""
    rows = []
    for (data, dyn, net), g in train.groupby(["dataset", "dynamics", "net"]):
        mean = g.groupby("m").drift.mean()
        mean = mean[mean > 0]  # a drift of exactly 0 (no sign changed) has no logarithm
        if len(mean) < 3:
            rows.append({"dataset": data, "dynamics": dyn, "net": net, "slope": np.nan,
                         "low": np.nan, "high": np.nan})
            continue
        s = fit_slope(np.log(mean.index.to_numpy(float)), np.log(mean.to_numpy()))
        rows.append({"dataset": data, "dynamics": dyn, "net": net, "slope": s.slope,
                     "low": s.low, "high": s.high})
    return pd.DataFrame(rows)


def _percentiles(boot, level: float) -> tuple[float, float]:
    """The central ``level``% interval; an infinite resample (a ratio over a zero mean) stays
    infinite instead of turning the interpolation into NaN."""
    tail = (100 - level) / 2
    big = 1e300  # a stand-in for ∞ that interpolates; anything this large reads back as ∞
    capped = np.minimum(np.asarray(boot, dtype=np.float64), big)
    lo, hi = np.percentile(capped, tail), np.percentile(capped, 100 - tail)
    return (float(lo) if lo < big / 1e10 else np.inf), (float(hi) if hi < big / 1e10
                                                       else np.inf)


def gap_slope_ci(g: pd.DataFrame, rng: np.random.Generator, reps: int, level: float):
    """Slope of log mean f_gap against log m, and its bootstrap ``level``% interval over
    replicates (``reps`` resamples drawn from ``rng``). Returns (slope, low, high)."""
    piv = g.pivot_table(index="replicate", columns="m", values="f_gap")
    logm = np.log(piv.columns.to_numpy(float))
    vals = piv.to_numpy()
    slope = fit_slope(logm, np.log(vals.mean(0))).slope
    boot = [fit_slope(logm, np.log(vals[rng.integers(0, len(vals), len(vals))].mean(0))).slope
            for _ in range(reps)]
    return (slope, *_percentiles(boot, level))


def ratio_ci(units: pd.DataFrame, num: str, den: str, rng: np.random.Generator, reps: int,
             level: float):
    """mean(num)/mean(den) over ``units`` (rows), and its bootstrap ``level``% interval over
    the units (``reps`` resamples from ``rng``). Returns (ratio, low, high); x/0 is +inf for
    x > 0 and NaN for 0/0 (nothing measured: no ratio)."""
    a, b = units[num].to_numpy(), units[den].to_numpy()

    def ratio(x, y):
        return x / y if y > 0 else (np.inf if x > 0 else np.nan)

    point = ratio(a.mean(), b.mean())
    boot = []
    for _ in range(reps):
        i = rng.integers(0, len(a), len(a))
        boot.append(ratio(a[i].mean(), b[i].mean()))
    return (float(point), *_percentiles(boot, level))


def attention_rows(t: dict) -> pd.DataFrame:
    """The width table's MLP-Attn rows (the κ-chain and width-law claims fit over them)."""
    w = t["width"]
    return w[w.net == "attn"] if not w.empty else w


def log_fit(rows: pd.DataFrame, y: str, *, x: str = "kappa_d"):
    """Least-squares slope of log ``y`` against log ``x`` over ``rows``, 95% t-interval
    (``fit_slope``; nan with fewer than 3 rows)."""
    return fit_slope(np.log(rows[x].to_numpy(float)), np.log(rows[y].to_numpy(float)))


def slope_power(rows: pd.DataFrame, y: str, slope: float, band, *, seed: int,
                draws: int = 400) -> Power:
    """How often an ideal model — log y = ``slope``·log κ_d exactly, plus Gaussian scatter as
    large as the measured fit's residuals — at the measured κ_d's gets a 95% CI of the slope
    inside ``band`` (the claims' criterion at this scale)."""
    x = np.log(rows.kappa_d.to_numpy(float))
    fit = log_fit(rows, y)
    resid = np.log(rows[y].to_numpy(float)) - (fit.intercept + fit.slope * x)
    sd = float(np.sqrt(np.sum(resid**2) / max(len(x) - 2, 1)))

    def passes(rng):
        f = fit_slope(x, slope * x + rng.normal(0.0, sd, len(x)))
        return decide(f.low, f.high, band) == REPRODUCED

    return surrogate_power(passes, draws=draws, seed=seed)
