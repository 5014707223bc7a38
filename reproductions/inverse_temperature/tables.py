"""Turning cell payloads into tidy tables: the measurements, the derived tables the claims of
Hayase & Karakida (arXiv 2605.12697; ``reproductions/inverse_temperature/README.md``) read,
and the theory lines the figures draw (``scale_references``, ``sharp_limits``,
``bound_curves``), so that :mod:`attnlab.figures` only draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

from attnlab import theory

from .._checks import crossing, fit_slope, spread_ratio
from .config import SCALE_FAMILIES, Config

__all__ = ["build_tables"]


def _family_frames(cells, payloads):
    """Combine row blocks: per-β means and per-row scalars of exact and semi-analytic rows."""
    groups: dict = {}
    rows, counting, checks, samples = [], [], [], []
    for cell, out in zip(cells, payloads, strict=True):
        p = cell.params
        if p["kind"] not in ("exact", "semi"):
            continue
        key = (p["family"], p["kind"], p["n"])
        g = groups.setdefault(key, {"x": p["x"], "scale": out["scale"], "rows": 0,
                                    "sum": {k: np.zeros(len(p["x"])) for k in out["sum"]}})
        g["rows"] += p["rows"]
        for k, v in out["sum"].items():
            g["sum"][k] += np.asarray(v)
        for lam_raw, lam_rob, gap, ent in out["rows"]:
            rows.append((p["family"], p["kind"], p["n"], lam_raw, lam_rob, gap, ent))
        checks.append({"source": f"{p['kind']}:{p['family']}", **out["checks"]})
        if out["samples"]:
            samples += [(f"{p['kind']}:{p['family']}", *s) for s in out["samples"]]
        if out.get("counting") and p["block"] == 0:
            lam_raw, lam_rob = out["rows"][0][:2]
            counting += [(p["family"], p["n"], t, n_, lam_raw, lam_rob) for t, n_ in
                         zip(out["counting"]["t"], out["counting"]["N"], strict=True)]
    curves = []
    for (family, kind, n), g in sorted(groups.items()):
        for i, x in enumerate(g["x"]):
            curves.append((family, kind, n, x, x * g["scale"], g["scale"],
                           *(g["sum"][k][i] / g["rows"] for k in ("pmax", "gap", "h"))))
    return (
        pd.DataFrame(curves, columns=["family", "sampler", "n", "x", "beta", "L_pred",
                                      "mean_pmax", "mean_gap", "mean_h"]),
        pd.DataFrame(rows, columns=["family", "sampler", "n", "lambda_raw", "lambda_robust",
                                    "t2_gap", "t2_entropy"]),
        pd.DataFrame(counting, columns=["family", "n", "t", "N", "lambda_raw", "lambda_robust"]),
        checks,
        samples,
    )


def _model_frames(cells, payloads):
    heads, curves, checks = [], [], []
    for cell, out in zip(cells, payloads, strict=True):
        p = cell.params
        if p["kind"] not in ("model", "minilm"):
            continue
        model = "random-init GPT" if p["kind"] == "model" else "MiniLM-L6 (pretrained)"
        checks.append({"source": f"{p['kind']}", **out["checks"]})
        for h in out["heads"]:
            sigma = np.asarray(h["sigma"])
            heads.append((model, h["layer"], h["head"], p["n"], h["lambda_head"],
                          float(np.median(h["lambda_raw"])),
                          float(np.median(np.asarray(h["lambda_robust"]) * sigma)),
                          float(np.median(sigma)), out["gauss_robust"]))
            curves += [(model, h["layer"], h["head"], p["n"], x, v)
                       for x, v in zip(p["x"], h["pmax"], strict=True)]
    return (pd.DataFrame(heads, columns=["model", "layer", "head", "n", "lambda_head",
                                         "median_lambda_raw", "median_lambda_sigma",
                                         "median_sigma", "gaussian_lambda"]),
            pd.DataFrame(curves, columns=["model", "layer", "head", "n", "x", "mean_pmax"]),
            checks)


def _scale_law(curves: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """β_½ (mean p_max = ½) and median robust Λ̂ per family, sampler and n."""
    out = []
    med = rows.groupby(["family", "sampler", "n"])["lambda_robust"].median()
    for (family, sampler, n), c in curves.groupby(["family", "sampler", "n"]):
        x_half = crossing(c["x"].to_numpy(), c["mean_pmax"].to_numpy(), 0.5)
        scale = float(c["L_pred"].iloc[0])
        out.append((family, sampler, n, scale, x_half * scale, x_half,
                    float(med.loc[(family, sampler, n)])))
    return pd.DataFrame(out, columns=["family", "sampler", "n", "L_pred", "beta_half",
                                      "beta_half_over_L", "median_lambda_robust"])


def _exponents(scale_law: pd.DataFrame) -> pd.DataFrame:
    out = []
    for family in SCALE_FAMILIES:
        s = scale_law[(scale_law.family == family) & (scale_law.sampler == "semi")]
        if s.empty:
            continue
        loglog = np.log(np.log(s["n"].to_numpy(dtype=float)))
        fb = fit_slope(loglog, np.log(s["beta_half"]))
        fl = fit_slope(loglog, np.log(s["median_lambda_robust"]))
        out.append((family, theory.get_family(family).xi, fl.slope, fl.low, fl.high,
                    fb.slope, fb.low, fb.high, int(s["n"].min()), int(s["n"].max())))
    return pd.DataFrame(out, columns=["family", "xi_pred", "xi_lambda", "xi_lambda_low",
                                      "xi_lambda_high", "xi_beta_half", "xi_beta_half_low",
                                      "xi_beta_half_high", "n_min", "n_max"])


def _law_spreads(scale_law: pd.DataFrame) -> pd.DataFrame:
    """Spread (max/min over n) of β_½ divided by the predicted scale and by each prior law."""
    out = []
    for family in SCALE_FAMILIES:
        s = scale_law[(scale_law.family == family) & (scale_law.sampler == "semi")]
        if s.empty:
            continue
        n = s["n"].to_numpy(dtype=float)
        out.append((family, "predicted L(n)", spread_ratio(s["beta_half_over_L"]), True))
        own = theory.get_family(family).law
        for law in theory.LAWS:
            if law != own:
                out.append((family, law, spread_ratio(s["beta_half"] / theory.law_scale(law, n)),
                            False))
    return pd.DataFrame(out, columns=["family", "law", "spread", "predicted"])


def _collapse(curves: pd.DataFrame) -> pd.DataFrame:
    """Max over x of the spread (max − min over n) of mean p_max on x = β/L, per law."""
    out = []
    grid = np.geomspace(1e-2, 1e2, 161)
    for family in SCALE_FAMILIES:
        c = curves[(curves.family == family) & (curves.sampler == "semi")]
        if c.empty:
            continue
        ns = sorted(c["n"].unique())
        n_ref = ns[len(ns) // 2]
        laws = {"predicted L(n)": None} | {
            law: law for law in theory.LAWS if law != theory.get_family(family).law}
        for name, law in laws.items():
            interp = []
            for n in ns:
                cn = c[c.n == n]
                x = cn["x"].to_numpy()
                if law is not None:  # β/L_law(n), normalised to agree with L_pred at n_ref
                    L_pred = float(cn["L_pred"].iloc[0])
                    ref = float(c[c.n == n_ref]["L_pred"].iloc[0])
                    x = x * L_pred / theory.law_scale(law, n) * theory.law_scale(law, n_ref) / ref
                inside = (grid >= x.min()) & (grid <= x.max())
                vals = np.full(grid.size, np.nan)
                vals[inside] = np.interp(np.log(grid[inside]), np.log(x), cn["mean_pmax"])
                interp.append(vals)
            interp = np.array(interp)
            both = np.all(np.isfinite(interp), axis=0)
            spread, where = np.nan, np.nan
            if both.any():
                per_x = np.ptp(interp[:, both], axis=0)
                spread, where = float(per_x.max()), float(grid[both][np.argmax(per_x)])
            out.append((family, name, spread, where, law is None, int(both.sum())))
    return pd.DataFrame(out, columns=["family", "law", "max_spread", "x_at_max", "predicted",
                                      "grid_points"])


def _sharp(curves: pd.DataFrame) -> pd.DataFrame:
    """h = H/log n crossings at the largest n, and the h-transition width per n."""
    out = []
    for family, c in curves[curves.sampler == "semi"].groupby("family"):
        theta = theory.get_family(family).theta
        for n, cn in c.groupby("n"):
            x, h = cn["x"].to_numpy(), cn["mean_h"].to_numpy()
            c_half = crossing(x, h, 0.5)
            width = np.log10(crossing(x, h, 0.1) / crossing(x, h, 0.9))
            pred = theory.sharp_entropy_crossing(theta) if theta is not None else np.nan
            out.append((family, n, c_half, pred, width))
    return pd.DataFrame(out, columns=["family", "n", "c_half", "c_half_pred",
                                      "h_width_decades"])


def _scale_references(scale_law: pd.DataFrame) -> pd.DataFrame:
    """The reference lines of the Λ̂-vs-n and phase figures: per family, L_pred(n) and every
    prior law of :data:`theory.LAWS` scaled to agree with L_pred at the geometric middle of the
    family's n range, on 100 log-spaced n over that range."""
    out = []
    for family, s in scale_law.groupby("family", sort=False):
        n = np.geomspace(s["n"].min(), s["n"].max(), 100)
        n_mid = float(np.sqrt(n[0] * n[-1]))
        lines = {"L_pred": theory.predicted_scale(family, n)}
        for law in theory.LAWS:
            lines[law] = theory.law_scale(law, n) * theory.predicted_scale(family, n_mid) / \
                theory.law_scale(law, n_mid)
        out += [pd.DataFrame({"family": family, "law": law, "n": n, "beta": beta})
                for law, beta in lines.items()]
    return pd.concat(out, ignore_index=True)


def _sharp_limits(curves: pd.DataFrame) -> pd.DataFrame:
    """The limit h = H/log n → (1 − c^{1/(1−θ)})₊ at β = c·L_pred (theory), on 300 log-spaced
    c over each (sampler, family)'s x range, for the families with a θ."""
    out = []
    for (sampler, family), c in curves.groupby(["sampler", "family"]):
        theta = theory.get_family(family).theta
        if theta is None:
            continue
        x = np.geomspace(c["x"].min(), c["x"].max(), 300)
        out.append(pd.DataFrame({"sampler": sampler, "family": family, "x": x,
                                 "h": theory.sharp_entropy_fraction(x, theta)}))
    columns = ["sampler", "family", "x", "h"]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)


def _bound_curves(samples: pd.DataFrame) -> pd.DataFrame:
    """The exact bounds (theory) over the measured r = β/Λ range for the T1 scatter: the top-two
    gap bound below r = 1, the p_max and entropy bounds above it, 200 points each."""
    r = samples["r"].to_numpy()
    below = np.geomspace(max(r.min(), 1e-3), 0.999, 200)
    above = np.geomspace(1.001, max(r.max(), 2), 200)
    curves = (("top_two_gap", below, theory.top_two_gap_bound),
              ("max_weight", above, theory.max_weight_bound),
              ("entropy", above, theory.entropy_bound))
    return pd.concat([pd.DataFrame({"quantity": name, "r": grid, "bound": bound(grid)})
                      for name, grid, bound in curves], ignore_index=True)


def _aic_prefers_log(n, lam) -> tuple[bool, float, float]:
    """Least-squares fits of log Λ̂ on log log n (power of log) and on log n (power of n),
    both two-parameter, so AIC compares residual sums of squares."""
    y = np.log(lam)
    slopes, rss = [], []
    for x in (np.log(np.log(n)), np.log(n)):
        coef = np.polyfit(x, y, 1)
        slopes.append(float(coef[0]))
        rss.append(float(np.sum((np.polyval(coef, x) - y) ** 2)))
    return rss[0] <= rss[1], slopes[0], slopes[1]


def _head_fits(heads: pd.DataFrame) -> pd.DataFrame:
    """Per head: ξ of C(log n)^ξ, κ of C n^κ, which AIC prefers, and Λ̂·σ over Gaussian rows."""
    out = []
    for (model, layer, head), h in heads.groupby(["model", "layer", "head"]):
        h = h.sort_values("n")
        prefers_log, xi, kappa = _aic_prefers_log(h["n"].to_numpy(float),
                                                  h["lambda_head"].to_numpy())
        ratio = h["median_lambda_sigma"] / h["gaussian_lambda"]
        out.append((model, layer, head, xi, kappa, prefers_log, float(ratio.min()),
                    float(ratio.max())))
    return pd.DataFrame(out, columns=["model", "layer", "head", "xi", "kappa", "aic_prefers_log",
                                      "gauss_ratio_min", "gauss_ratio_max"])


def build_tables(config: Config, cells, payloads) -> dict[str, pd.DataFrame]:
    curves, rows, counting, checks, samples = _family_frames(cells, payloads)
    heads, head_curves, model_checks = _model_frames(cells, payloads)
    for cell, out in zip(cells, payloads, strict=True):
        if cell.params["kind"] == "adversarial":
            checks.append({"source": f"adversarial:{cell.params['family']}", **out["checks"]})
            samples += [(f"adversarial:{cell.params['family']}", *s) for s in out["samples"]]
    bounds = pd.DataFrame(checks + model_checks).groupby("source", as_index=False).agg(
        {k: ("max" if k.endswith("max_ratio") else "sum")
         for k in checks[0] if k != "source"})
    scale_law = _scale_law(curves, rows)
    bound_samples = pd.DataFrame(samples, columns=["source", "r", "top_two_gap", "max_weight",
                                                   "entropy"])
    return {
        "curves": curves,
        "rows": rows,
        "counting": counting,
        "bounds": bounds,
        "bound_samples": bound_samples,
        "bound_curves": _bound_curves(bound_samples),
        "scale_law": scale_law,
        "scale_references": _scale_references(scale_law),
        "exponents": _exponents(scale_law),
        "law_spreads": _law_spreads(scale_law),
        "collapse": _collapse(curves),
        "sharp": _sharp(curves),
        "sharp_limits": _sharp_limits(curves),
        "heads": heads,
        "head_fits": _head_fits(heads),
        "head_curves": head_curves,
    }
