"""Fitted exponents and bootstrap intervals that claims T6, T7 and T9 judge (one helper per
estimate, shared by the claims and their tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import fit_slope

__all__ = ["attention_rows", "drift_slopes", "gap_slope_ci", "ratio_ci", "slope_text"]


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
    tail = (100 - level) / 2
    return float(np.percentile(boot, tail)), float(np.percentile(boot, 100 - tail))


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
    the units (``reps`` resamples from ``rng``). Returns (ratio, low, high)."""
    a, b = units[num].to_numpy(), units[den].to_numpy()
    point = a.mean() / b.mean() if b.mean() > 0 else np.inf
    boot = []
    for _ in range(reps):
        i = rng.integers(0, len(a), len(a))
        boot.append(a[i].mean() / b[i].mean() if b[i].mean() > 0 else np.inf)
    return (float(point), *_percentiles(boot, level))


def attention_rows(t: dict) -> pd.DataFrame:
    """The width table's MLP-Attn rows (the κ-chain and width-law claims fit over them)."""
    w = t["width"]
    return w[w.net == "attn"] if not w.empty else w
