"""Ideal surrogates of the query-learning claims: models that satisfy a claim by construction,
drawn at the run's own scale (its grid, seeds and trials) and judged by the claim's own
criterion, so that :func:`reproductions._claims.surrogate_power` can tell whether the scale is
able to decide the claim at all.

Each ``*_table`` function (and the draw that ``noise_fits_sampler`` returns) gives the table the
claim's criterion reads, as an ideal model at this scale would produce it; the claim applies its
own criterion (``criteria.py``) to it.

- B1/B5 (exact recovery): every entry's error is its first-order rounding error in float64
  (``theory.unit_probe_error``) times a uniform draw in [−1, 1]; the count is exact.
- B2 (precision): unit probes lose W exactly at z = ln(2/ε) (seen on the run's z grid); their
  error before that is the first-order prediction times |U(−1, 1)|; adaptive probes err at
  the dtype's ε.
- B3 (low rank): one success curve in m/[r(2d − r)] for every (d, r) — exact collapse — the
  pooled measured curve, made monotone; each cell draws Binomial(trials, p).
- B4 (noise): the mean error follows each sweep's predicted exponent exactly; each seed's
  error scatters log-normally with the run's own measured scatter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attnlab import theory

__all__ = ["exact_table", "breakdown_table", "transitions_table", "noise_fits_sampler"]


def exact_table(rng: np.random.Generator, grid: pd.DataFrame, *, factor: float = 1.0,
                expected: str = "d2_plus_d") -> pd.DataFrame:
    """B1/B5: ``grid`` has one row per run (columns d, s, seed, and ``expected`` — the exact
    count); returns it with queries = expected, max_length = 2 and err_W, err_v of the
    rounding-error model (``factor`` × first order: 2 for the odd part f(X) − f(−X))."""
    eps = np.finfo(np.float64).eps
    errs = []
    for r in grid.itertuples():
        s = getattr(r, "s", 1.0)
        W = rng.standard_normal((r.d, r.d)) * s / np.sqrt(r.d)
        v = rng.standard_normal(r.d)
        delta = factor * rng.uniform(-1, 1, W.shape) * theory.unit_probe_error(W, v, eps)
        errs.append(float(np.linalg.norm(delta) / np.linalg.norm(W)))
    out = grid.copy()
    out["queries"] = out[expected]
    out["max_length"] = 2
    out["err_W"] = errs
    out["err_v"] = eps * rng.uniform(0, 1, len(out))
    return out


def breakdown_table(rng: np.random.Generator, breakdown: pd.DataFrame,
                    z_grid) -> pd.DataFrame:
    """B2: the breakdown table of the ideal model on the run's z grid (see module doc)."""
    z = np.sort(np.asarray(z_grid, dtype=np.float64))
    pred = breakdown.breakdown_pred.to_numpy()
    after = np.searchsorted(z, pred)  # the first grid z ≥ ln(2/ε): where the model loses W
    first_lost = np.where(after < z.size, z[np.minimum(after, z.size - 1)], np.nan)
    last_kept = np.where(after > 0, z[np.maximum(after - 1, 0)], 0.0)
    seeds = np.maximum(breakdown.seeds.to_numpy(int), 1)
    points = np.maximum(np.searchsorted(z, 0.8 * pred), 1)
    ratios = [np.median(np.abs(rng.uniform(-1, 1, (k, n))), axis=1)
              for k, n in zip(seeds, points, strict=True)]
    return breakdown.assign(
        ratio_low=last_kept / pred, ratio_high=first_lost / pred,
        first_order_low=[r.min() for r in ratios], first_order_high=[r.max() for r in ratios],
        adaptive_worst_low=breakdown.eps, adaptive_worst_high=breakdown.eps,
        adaptive_nonfinite=0, breakdown_measured=first_lost)


def _transition(success: np.ndarray, ratios: np.ndarray, level: float) -> float:
    ok = success >= level
    for k in range(len(ratios)):
        if ok[k:].all():
            return float(ratios[k])
    return float("nan")


def transitions_table(rng: np.random.Generator, lowrank: pd.DataFrame,
                      transitions: pd.DataFrame, *, level: float) -> pd.DataFrame:
    """B3: the transitions table of the ideal model (see module doc): per solver, the success
    curve pooled over its valid (d, r) and made non-decreasing is every (d, r)'s true curve."""
    rows = []
    for method, g in lowrank.groupby("method"):
        valid = transitions[(transitions.method == method) & transitions.valid]
        keys = set(zip(valid.d, valid.r, strict=True))
        pooled = g[[(d, r) in keys for d, r in zip(g.d, g.r, strict=True)]]
        curve = pooled.groupby("ratio").success.mean().sort_index()
        ratios = curve.index.to_numpy(float)
        p = np.maximum.accumulate(curve.to_numpy())
        for t in transitions[transitions.method == method].itertuples():
            draws = rng.binomial(int(t.trials), p) / int(t.trials)
            c = _transition(draws, ratios, level)
            dof = theory.low_rank_dof(int(t.d), int(t.r))
            if np.isfinite(c):
                below = ratios[ratios < c]
                c_low, c_high = (float(below.max()) if below.size else 0.0), c
            else:
                c_low, c_high = float(ratios.max()), np.inf
            exact = t.d * t.d + t.d
            rows.append({**t._asdict(), "C": c, "C_low": c_low, "C_high": c_high,
                         "fraction_low": (t.d + c_low * dof) / exact,
                         "fraction_high": (t.d + c_high * dof) / exact})
    return pd.DataFrame(rows).drop(columns=["Index"], errors="ignore")


def noise_fits_sampler(noise: pd.DataFrame, fits: pd.DataFrame):
    """B4: a function ``rng → fits table`` of the ideal model (see module doc): for each
    fitted sweep, errors C·x^predicted per seed with log-normal scatter of the run's size,
    averaged over seeds and fitted exactly as ``tables._noise_fits`` does. The grids are read
    once, so a draw costs only the fits."""
    from .._checks import fit_slope
    from .tables import _FACTOR

    grids = []
    for f in fits.itertuples():
        g = noise[(noise.sweep == f.sweep) & (noise.noise == f.noise)
                  & (noise.probes == f.probes)]
        x = np.sort(g[_FACTOR[f.sweep]].unique()).astype(float)
        scatter = f.log_scatter if np.isfinite(f.log_scatter) else 0.0
        grids.append((np.log(x), x ** f.predicted, int(f.seeds), scatter))

    def draw(rng: np.random.Generator) -> pd.DataFrame:
        rows = []
        for logx, law, seeds, scatter in grids:
            errs = law * np.exp(scatter * rng.standard_normal((seeds, law.size)))
            fit = fit_slope(logx, np.log(errs.mean(axis=0)))
            rows.append((fit.slope, fit.low, fit.high))
        slope, low, high = (np.array(c) for c in zip(*rows, strict=True))
        return fits.assign(slope=slope, ci_low=low, ci_high=high)

    return draw
