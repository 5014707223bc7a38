"""The estimates T2–T6 and T8 judge, each with its bootstrap interval and its ideal surrogate
(Hayase & Karakida, arXiv 2605.12697; ``reproductions/inverse_temperature/README.md``).

Every function returns tidy frames: one with the estimate and its 95% interval (``low``,
``high``), and, where a surrogate is built, one with a row per surrogate draw (its estimate and
its own interval), which the claim's judge applies its criterion to. See :mod:`.uncertainty`
for how replicates and surrogate draws are made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from attnlab import theory

from .uncertainty import BOOTSTRAP, crossings, interval, row_medians, surrogate_pairs

__all__ = ["trend_table", "spread_tables", "collapse_tables", "sharp_tables",
           "exponent_tables", "beyond_tables", "FROZEN_FROM", "COLLAPSE_GRID"]

# T5 judges collapse where the limit curve of p_max is smooth: x = β/L_pred ≥ 1.5, clear of
# the transition at x = 1 that sharpens with n (T6); the whole grid is reported beside it.
FROZEN_FROM = 1.5
COLLAPSE_GRID = np.geomspace(1e-2, 1e2, 161)


def _slope(x, y) -> np.ndarray:
    """Least-squares slopes of ``y: [..., N]`` on ``x: [N]``."""
    xc = x - x.mean()
    return (y - y.mean(axis=-1, keepdims=True)) @ xc / (xc @ xc)


def trend_table(rows: pd.DataFrame, families, *, min_n: float, rng) -> pd.DataFrame:
    """T2: per family and limit, the slope of log(median) against log₁₀ n over n ≥ ``min_n``
    (the T2 gap at β = L/log log n, the T2 entropy at β = L·log log n), with a row bootstrap."""
    out = []
    for family in families:
        r = rows[(rows.family == family) & (rows.sampler == "semi") & (rows.n >= min_n)]
        if r.empty:
            continue
        ns = np.array(sorted(r.n.unique()), dtype=float)
        for limit, column in (("gap", "t2_gap"), ("entropy", "t2_entropy")):
            values = [r.loc[r.n == n, column].to_numpy() for n in ns]
            med = np.array([np.median(v) for v in values])
            reps = np.stack([row_medians(v, rng) for v in values], axis=1)  # [B, N]
            x = np.log10(ns)
            slope = float(_slope(x, np.log(med)))
            low, high = interval(_slope(x, np.log(reps)))
            rho = stats.spearmanr(ns, med).statistic if len(ns) > 2 else np.nan
            out.append((family, limit, slope, float(low), float(high), float(rho), med[0],
                        med[-1], len(ns), int(min(len(v) for v in values))))
    return pd.DataFrame(out, columns=["family", "limit", "slope", "low", "high", "rho",
                                      "first", "last", "n_points", "rows_per_n"])


def _nested(point_dev, offsets, reduce, rng, *, basic: bool = False):
    """Surrogate draws for deviations ``point_dev: [B, ...]`` around a prediction
    ``offsets``: each draw is prediction + one replicate's deviation, its interval from
    adding further replicates' deviations (``basic``: the reflected interval, as for the
    data's spreads). ``reduce`` maps ``[..., N(, G)]`` → ``[...]``."""
    outer, inner = surrogate_pairs(point_dev.shape[0], rng)
    draw = offsets + point_dev[outer]
    est = reduce(draw)
    low, high = interval(reduce(draw[:, None] + point_dev[inner]), axis=1,
                         point=est if basic else None)
    return est, low, high


def spread_tables(scale_law: pd.DataFrame, reps: dict, families, rng):
    """T3: spread (max/min over n) of β_½/L for the predicted L and each competing law, with
    intervals; and the surrogate β_½ = c·L_pred(n) carrying the measured per-n noise."""
    rows, surrogate = [], []
    log_ptp = lambda a: np.ptp(a, axis=-1)  # noqa: E731  (log of max/min)
    for family in families:
        s = scale_law[(scale_law.family == family) & (scale_law.sampler == "semi")]
        if s.empty:
            continue
        s = s.sort_values("n")
        ns = s["n"].to_numpy(dtype=float)
        x = np.asarray(reps[(family, int(ns[0]))]["x"])
        x_half = np.stack([crossings(x, reps[(family, int(n))]["pmax"], 0.5) for n in ns], 1)
        log_point = np.log(s["beta_half_over_L"].to_numpy())
        dev = np.log(x_half) - log_point  # [B, N]
        own = theory.get_family(family).law
        laws = {"predicted L(n)": np.zeros(len(ns))} | {
            law: np.log(theory.predicted_scale(family, ns) / theory.law_scale(law, ns))
            for law in theory.LAWS if law != own}
        for law, offset in laws.items():
            predicted = law == "predicted L(n)"
            point = log_ptp(log_point + offset)
            low, high = _ratio_interval(*interval(log_ptp(log_point + offset + dev),
                                                  point=point))
            rows.append((family, law, float(np.exp(point)), low, high, predicted,
                         min(reps[(family, int(n))]["rows"] for n in ns)))
            est, s_low, s_high = _nested(dev, offset, log_ptp, rng, basic=True)
            s_low, s_high = _ratio_interval(s_low, s_high)
            surrogate += [(family, law, predicted, d, float(np.exp(e)), lo, hi)
                          for d, (e, lo, hi) in enumerate(zip(est, s_low, s_high, strict=True))]
    columns = ["family", "law", "spread", "low", "high", "predicted", "rows_per_n"]
    return (pd.DataFrame(rows, columns=columns),
            pd.DataFrame(surrogate, columns=["family", "law", "predicted", "draw", "spread",
                                             "low", "high"]))


def _ratio_interval(log_low, log_high):
    """A max/min ratio's interval from its log's: a ratio is ≥ 1, so its log ≥ 0."""
    low, high = np.exp(np.maximum(log_low, 0.0)), np.exp(np.maximum(log_high, 0.0))
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def _law_axis(family, law, n, n_ref):
    """Factor that maps x = β/L_pred(n) to β/L_law(n), normalised to agree at n_ref."""
    if law is None:
        return 1.0
    L = float(theory.predicted_scale(family, n))
    ref = float(theory.predicted_scale(family, n_ref))
    return L / float(theory.law_scale(law, n)) * float(theory.law_scale(law, n_ref)) / ref


def collapse_tables(curves: pd.DataFrame, reps: dict, families, rng, *,
                    frozen_from: float = FROZEN_FROM):
    """T5: max over x of the spread across n of mean p_max, on the whole grid and on the
    frozen side x ≥ ``frozen_from``, under L_pred and each competing law (β/L_law(n) scaled to
    agree with L_pred at the middle n), with intervals; and, on the frozen side, the surrogate
    whose curves are exactly the same for every n (the mean over n) plus the measured noise."""
    rows, surrogate = [], []
    grid = COLLAPSE_GRID
    windows = {"all": grid >= 0, "frozen": grid >= frozen_from}
    for family in families:
        c = curves[(curves.family == family) & (curves.sampler == "semi")]
        if c.empty:
            continue
        ns = sorted(c["n"].unique())
        n_ref = ns[len(ns) // 2]
        x = np.asarray(reps[(family, int(ns[0]))]["x"])
        means = np.stack([c[c.n == n].sort_values("x")["mean_pmax"].to_numpy() for n in ns])
        dev = np.stack([reps[(family, int(n))]["pmax"] for n in ns]) - means[:, None]
        common = means.mean(axis=0)
        laws = {"predicted L(n)": None} | {
            law: law for law in theory.LAWS if law != theory.get_family(family).law}
        for name, law in laws.items():
            on = [_on_grid(x * _law_axis(family, law, n, n_ref), grid) for n in ns]
            point = np.stack([f(m) for f, m in zip(on, means, strict=True)])  # [N, G]
            noise = np.stack([f(d) for f, d in zip(on, dev, strict=True)])  # [N, B, G]
            ideal = np.stack([f(common) for f in on])  # [N, G]
            defined = np.all(np.isfinite(point), axis=0)
            for window, inside in windows.items():
                use = defined & inside
                if not use.any():
                    rows.append((family, name, window, np.nan, np.nan, np.nan, np.nan,
                                 name == "predicted L(n)", 0, 0))
                    continue
                per_x = np.ptp(point[:, use], axis=0)
                reps_spread = np.ptp(point[:, None, use] + noise[:, :, use], axis=0).max(-1)
                low, high = interval(reps_spread, point=per_x.max())
                low, high = max(float(low), 0.0), max(float(high), 0.0)  # a spread is ≥ 0
                rows.append((family, name, window, float(per_x.max()), float(low), float(high),
                             float(grid[use][np.argmax(per_x)]), name == "predicted L(n)",
                             int(use.sum()), min(reps[(family, int(n))]["rows"] for n in ns)))
                if window == "frozen":
                    est, s_low, s_high = _nested(
                        np.moveaxis(noise[:, :, use], 1, 0), ideal[:, use],
                        lambda a: np.ptp(a, axis=-2).max(-1), rng, basic=True)
                    s_low, s_high = np.maximum(s_low, 0.0), np.maximum(s_high, 0.0)
                    surrogate += [(family, name, name == "predicted L(n)", d, e, lo, hi)
                                  for d, (e, lo, hi) in enumerate(
                                      zip(est, s_low, s_high, strict=True))]
    return (pd.DataFrame(rows, columns=["family", "law", "window", "max_spread", "low", "high",
                                        "x_at_max", "predicted", "grid_points", "rows_per_n"]),
            pd.DataFrame(surrogate, columns=["family", "law", "predicted", "draw", "spread",
                                             "low", "high"]))


def _on_grid(x, grid):
    """Interpolate curves ``[..., X]`` given on ``x`` onto ``grid`` (in log x), NaN outside."""
    inside = (grid >= x.min()) & (grid <= x.max())
    lx, lg = np.log(x), np.log(grid[inside])

    def f(values):
        values = np.asarray(values, dtype=np.float64)
        out = np.full(values.shape[:-1] + (grid.size,), np.nan)
        flat = values.reshape(-1, values.shape[-1])
        out.reshape(-1, grid.size)[:, inside] = np.stack([np.interp(lg, lx, v) for v in flat])
        return out

    return f


def sharp_tables(curves: pd.DataFrame, reps: dict, rng):
    """T6: per family and n, the h = ½ crossing c_½ (for the Gaussian also on the √(2 log n)
    normalisation, ``c_half_sqrt``) and the relative width of the h-transition,
    w(n) = log(x_0.1/x_0.9)/log n, each with an interval; and at the largest n the surrogate
    whose h-curve is the sharp limit (1 − c^{1/(1−θ)})₊ plus the measured noise."""
    rows, surrogate = [], []
    for family, c in curves[curves.sampler == "semi"].groupby("family"):
        theta = theory.get_family(family).theta
        ns = sorted(c["n"].unique())
        for n in ns:
            cn = c[c.n == n].sort_values("x")
            x, h = cn["x"].to_numpy(), cn["mean_h"].to_numpy()
            rep = reps[(family, int(n))]["h"]
            c_half, c_reps = crossings(x, h, 0.5), crossings(x, rep, 0.5)
            width = np.log(crossings(x, h, 0.1) / crossings(x, h, 0.9)) / np.log(n)
            w_reps = np.log(crossings(x, rep, 0.1) / crossings(x, rep, 0.9)) / np.log(n)
            # the Gaussian's two usual scales: L_pred = n·φ(b_n) and √(2 log n)
            to_sqrt = (float(theory.predicted_scale(family, n)) / np.sqrt(2 * np.log(n))
                       if family == "gaussian" else np.nan)
            low, high = interval(c_reps)
            w_low, w_high = interval(w_reps)
            pred = theory.sharp_entropy_crossing(theta) if theta is not None else np.nan
            rows.append((family, n, float(c_half), float(low), float(high), pred,
                         float(c_half) * to_sqrt, float(low) * to_sqrt, float(high) * to_sqrt,
                         float(width), float(w_low), float(w_high),
                         float(np.log10(crossings(x, h, 0.1) / crossings(x, h, 0.9))),
                         reps[(family, int(n))]["rows"]))
            if n == ns[-1] and theta is not None:
                limit = theory.sharp_entropy_fraction(x, theta)
                est, s_low, s_high = _nested(rep - h, limit,
                                             lambda a, x=x: crossings(x, a, 0.5), rng)
                surrogate += [(family, d, e, lo, hi, e * to_sqrt, lo * to_sqrt, hi * to_sqrt)
                              for d, (e, lo, hi) in enumerate(zip(est, s_low, s_high, strict=True))]
    return (pd.DataFrame(rows, columns=[
        "family", "n", "c_half", "c_half_low", "c_half_high", "c_half_pred", "c_half_sqrt",
        "c_half_sqrt_low", "c_half_sqrt_high", "width_rel", "width_rel_low", "width_rel_high",
        "h_width_decades", "rows_per_n"]),
        pd.DataFrame(surrogate, columns=["family", "draw", "c_half", "low", "high",
                                         "c_half_sqrt", "low_sqrt", "high_sqrt"]))


def _t_halfwidth(x, y) -> np.ndarray:
    """Half-width of the 95% t-interval of the least-squares slope of ``y: [..., N]`` on
    ``x: [N]``: it grows when y bends against x (lack of fit), not only with noise."""
    xc = x - x.mean()
    slope = _slope(x, y)
    resid = y - y.mean(axis=-1, keepdims=True) - slope[..., None] * xc
    se = np.sqrt((resid**2).sum(-1) / (x.size - 2) / (xc @ xc))
    return stats.t.ppf(0.975, x.size - 2) * se


def _fit_with_surrogate(ns, values_per_n, predicted, x, rng):
    """Slope of log median(values) on ``x`` with its interval — the hull of the row-bootstrap
    interval (sampling noise) and the regression's t-interval (lack of fit) — and surrogate
    draws whose medians are exactly ``predicted(n)`` (up to a constant) times the measured
    noise, given the same interval."""
    med = np.array([np.median(v) for v in values_per_n])
    reps = np.stack([row_medians(v, rng) for v in values_per_n], axis=1)  # [B, N]
    dev = np.log(reps) - np.log(med)
    slope = float(_slope(x, np.log(med)))
    half = float(_t_halfwidth(x, np.log(med)))
    low, high = interval(_slope(x, np.log(med) + dev))
    outer, inner = surrogate_pairs(dev.shape[0], rng)
    draw = np.log(predicted) + dev[outer]
    est, est_half = _slope(x, draw), _t_halfwidth(x, draw)
    s_low, s_high = interval(_slope(x, draw[:, None] + dev[inner]), axis=1)
    return (slope, min(float(low), slope - half), max(float(high), slope + half),
            (est, np.minimum(s_low, est - est_half), np.maximum(s_high, est + est_half)), med)


def exponent_tables(rows: pd.DataFrame, families, rng):
    """T4: ξ̂ of log median Λ̂_n = ξ log log n + c (semi-analytic rows) with its interval
    (see :func:`_fit_with_surrogate`), the same slope of L_pred itself over the same n, and
    the surrogate Λ̂_n ∝ L_pred(n) carrying the measured noise."""
    out, surrogate = [], []
    for family in families:
        r = rows[(rows.family == family) & (rows.sampler == "semi")]
        if r.empty:
            continue
        ns = np.array(sorted(r.n.unique()), dtype=float)
        values = [r.loc[r.n == n, "lambda_robust"].to_numpy() for n in ns]
        x = np.log(np.log(ns))
        L = theory.predicted_scale(family, ns)
        xi, low, high, draws, _ = _fit_with_surrogate(ns, values, L, x, rng)
        out.append((family, xi, low, high, float(_slope(x, np.log(L))), int(min(map(len,
                                                                                    values)))))
        surrogate += [(family, d, *v) for d, v in enumerate(zip(*draws, strict=True))]
    return (pd.DataFrame(out, columns=["family", "xi_lambda", "xi_low", "xi_high",
                                       "xi_L_pred", "rows_per_n"]),
            pd.DataFrame(surrogate, columns=["family", "draw", "xi", "low", "high"]))


def beyond_tables(rows: pd.DataFrame, rng):
    """T8, the families outside the powers of log n. Polynomial scales (uniform: n; keys on the
    sphere S⁷: n^{2/7}): κ̂ of log median Λ̂_n = κ log n + c, against the same slope of L_pred
    over the same n, with surrogates as in T4. Heavy tails (Pareto α = 2, Cauchy): the bulk
    sets the scale, Λ̂ ≈ log n / (median gap), so the median over rows of
    Λ̂·(median gap)/log n is reported per n with an interval (→ 1)."""
    out, surrogate = [], []
    for family, sampler in (("uniform", "semi"), ("sphere-8", "semi")):
        r = rows[(rows.family == family) & (rows.sampler == sampler)]
        if r.empty:
            continue
        ns = np.array(sorted(r.n.unique()), dtype=float)
        values = [r.loc[r.n == n, "lambda_robust"].to_numpy() for n in ns]
        x = np.log(ns)
        L = theory.predicted_scale(family, ns)
        kappa, low, high, draws, _ = _fit_with_surrogate(ns, values, L, x, rng)
        out.append((family, "exponent in n", float(ns.max()), kappa, low, high,
                    float(_slope(x, np.log(L))), int(min(map(len, values))), len(ns)))
        surrogate += [(family, d, *v) for d, v in enumerate(zip(*draws, strict=True))]
    for family in ("pareto", "cauchy"):
        r = rows[(rows.family == family) & (rows.sampler == "exact")]
        for n, rn in r.groupby("n"):
            ratio = (rn["lambda_robust"] * rn["median_gap"] / np.log(n)).to_numpy(float)
            low, high = interval(row_medians(ratio, rng))
            out.append((family, "Λ̂·median gap/log n", float(n), float(np.median(ratio)),
                        float(low), float(high), 1.0, len(ratio), 1))
    return (pd.DataFrame(out, columns=["family", "quantity", "n", "estimate", "low", "high",
                                       "predicted", "rows_per_n", "n_points"]),
            pd.DataFrame(surrogate, columns=["family", "draw", "estimate", "low", "high"]))


def replicate_curves(groups: dict, rng, *, reps: int = BOOTSTRAP) -> dict:
    """Bootstrap replicates of the mean p_max and h curves per (family, n) of semi-analytic
    rows: ``groups[(family, n)] = {"x", "pmax": [G, X], "h": [G, X], "group_rows"}`` →
    ``{(family, n): {"x", "pmax": [reps, X], "h": [reps, X]}}`` (one group draw for both)."""
    out = {}
    for key, g in sorted(groups.items()):
        pmax, h = (np.asarray(g[k], dtype=np.float64) for k in ("pmax", "h"))
        pick = rng.integers(0, pmax.shape[0], size=(reps, pmax.shape[0]))
        out[key] = {"x": g["x"], "rows": pmax.shape[0] * g["group_rows"],
                    "pmax": pmax[pick].mean(axis=1) / g["group_rows"],
                    "h": h[pick].mean(axis=1) / g["group_rows"]}
    return out
