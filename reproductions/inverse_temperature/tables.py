"""Turning cell payloads into tidy tables: the measurements, the derived tables the claims of
Hayase & Karakida (arXiv 2605.12697; ``reproductions/inverse_temperature/README.md``) read,
and the theory lines the figures draw (``scale_references``, ``sharp_limits``,
``bound_curves``), so that :mod:`attnlab.figures` only draws."""

from __future__ import annotations

import numpy as np
import pandas as pd

from attnlab import theory

from .._checks import crossing, fit_slope
from .config import SCALE_FAMILIES, Config
from .estimates import (
    beyond_tables,
    collapse_tables,
    exponent_tables,
    replicate_curves,
    sharp_tables,
    spread_tables,
    trend_table,
)
from .tables_models import model_tables

__all__ = ["build_tables"]


def _family_frames(cells, payloads):
    """Combine row blocks: per-β means and per-row scalars of exact and semi-analytic rows."""
    groups: dict = {}
    boot: dict = {}  # per-group sums of semi-analytic rows, for the bootstrap
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
        if p["kind"] == "semi":
            b = boot.setdefault((p["family"], p["n"]), {"x": p["x"], "pmax": [], "h": [],
                                                        "group_rows": out["group_rows"]})
            b["pmax"] += out["groups"]["pmax"]
            b["h"] += out["groups"]["h"]
        for lam_raw, lam_rob, gap, ent, median_gap, max_gap in out["rows"]:
            rows.append((p["family"], p["kind"], p["n"], lam_raw, lam_rob, gap, ent,
                         median_gap, max_gap))
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
                                    "t2_gap", "t2_entropy", "median_gap", "max_gap"],
                     dtype=None).astype({"median_gap": float, "max_gap": float}),
        pd.DataFrame(counting, columns=["family", "n", "t", "N", "lambda_raw", "lambda_robust"]),
        checks,
        samples,
        boot,
    )




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






def build_tables(config: Config, cells, payloads) -> dict[str, pd.DataFrame]:
    curves, rows, counting, checks, samples, groups = _family_frames(cells, payloads)
    models = model_tables(cells, payloads, seed=config.seed)
    for cell, out in zip(cells, payloads, strict=True):
        if cell.params["kind"] == "adversarial":
            checks.append({"source": f"adversarial:{cell.params['family']}", **out["checks"]})
            samples += [(f"adversarial:{cell.params['family']}", *s) for s in out["samples"]]
    bounds = pd.DataFrame(checks + models.pop("model_checks")).groupby(
        "source", as_index=False).agg({k: ("max" if k.endswith("max_ratio") else "sum")
                                       for k in checks[0] if k != "source"})
    scale_law = _scale_law(curves, rows)
    bound_samples = pd.DataFrame(samples, columns=["source", "r", "top_two_gap", "max_weight",
                                                   "entropy"])
    # one generator per run seed for every bootstrap and surrogate of the family claims
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, 2605, 12697]))
    reps = replicate_curves(groups, rng)
    families = [f for f in SCALE_FAMILIES if f in set(curves.family)]
    law_spreads, law_spreads_surrogate = spread_tables(scale_law, reps, families, rng)
    collapse, collapse_surrogate = collapse_tables(curves, reps, families, rng)
    sharp, sharp_surrogate = sharp_tables(curves, reps, rng)
    exponents_boot, exponents_surrogate = exponent_tables(rows, families, rng)
    beyond, beyond_surrogate = beyond_tables(rows, rng)
    exponents = _exponents(scale_law)
    if not exponents.empty:
        exponents = exponents.merge(exponents_boot.drop(columns="xi_lambda"), on="family")
    return {
        "curves": curves,
        "rows": rows,
        "counting": counting,
        "bounds": bounds,
        "bound_samples": bound_samples,
        "bound_curves": _bound_curves(bound_samples),
        "scale_law": scale_law,
        "scale_references": _scale_references(scale_law),
        "trends": trend_table(rows, families, min_n=1000, rng=rng),
        "exponents": exponents,
        "exponents_surrogate": exponents_surrogate,
        "law_spreads": law_spreads,
        "law_spreads_surrogate": law_spreads_surrogate,
        "collapse": collapse,
        "collapse_surrogate": collapse_surrogate,
        "sharp": sharp,
        "sharp_surrogate": sharp_surrogate,
        "sharp_limits": _sharp_limits(curves),
        "beyond": beyond,
        "beyond_surrogate": beyond_surrogate,
        **models,
    }
