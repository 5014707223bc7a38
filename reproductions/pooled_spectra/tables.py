"""Cell payloads → tidy tables, and the theory tables the claims and figures compare them with
(Seddik, arXiv 2605.06826; the formulas: ``reproductions/pooled_spectra/README.md``).

Measurements: ``bulk`` (T-A1), ``esd`` (one histogram per (δ, γ)), ``spike`` (T-A2, T-A3,
T-A4, T-A6), ``attention`` (T-A5). Theory only: ``design`` (T-A4, T-A4b), ``decay``, and the
curves the figures draw — ``esd_theory``, ``outlier_theory``, ``alignment_theory``,
``phase_diagram``, ``phase_thresholds`` — so that ``figures`` computes nothing.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from attnlab import spectra, theory

from .._sweep import cells_of_kind
from .config import Config

__all__ = ["build_tables", "design_table", "esd_theory", "esd_outlier", "spike_theory",
           "phase_diagram"]


@functools.cache
def law_distance_to_mp(delta: float, gamma: float) -> float:
    """sup_x |F_ν(x) − F_MP_γ(x)|, ν = MP_δ ⊠ MP_γ (theory against theory, on a grid over both
    supports): how far apart the two laws are, so how well a spectrum's KS against MP_γ can
    tell them apart at all (small δ, or γ > 1 where both carry the atom 1 − 1/γ at 0)."""
    top = max(spectra.product_mp_edges(delta, gamma)[1], spectra.mp_edges(gamma)[1])
    q = np.linspace(0.0, 1.02 * top, 20001)
    return float(np.max(np.abs(spectra.product_mp_cdf(q, delta, gamma)
                               - spectra.mp_cdf(q, gamma))))


def _bulk(items):
    """One row per spectrum: the fit to the abstract's law κν (ks, m*_theory, edge), to the
    finite-pooling law MP_δ ⊠ H_Gram (ks_finite, m*_finite), how far ν is from MP_γ in theory
    (law_vs_mp), and the same statistics of the two ideal surrogates drawn at this d
    (ideal_product_*, ideal_finite_*; the power checks)."""
    rows = []
    for p, o in items:
        m = spectra.product_mp_moments(3, p["delta"], p["gamma"])
        edge = spectra.product_mp_edges(p["delta"], p["gamma"])[1]
        row = {"d": p["d"], "delta": p["delta"], "gamma": p["gamma"], "T": p["T"],
               "weights": p["weights"], "replicate": p["replicate"],
               "alpha_over_kappa": o["alpha"] / o["kappa"], "pooling_length": 1 / o["kappa"],
               "ks": o["ks"], "ks_mp_control": o["ks_mp"], "w1": o["w1"],
               "law_vs_mp": law_distance_to_mp(p["delta"], p["gamma"]),
               **{f"m{k + 1}": o["moments"][k] for k in range(3)},
               **{f"m{k + 1}_theory": m[k] for k in range(3)},
               "lambda_max": o["lambda_max"], "edge": edge, "ks_finite": o["ks_finite"],
               **{f"m{k + 1}_finite": o["moments_finite"][k] for k in range(3)}}
        for law, stats in o["ideal"].items():
            row[f"ideal_{law}_ks"] = stats["ks"]
            row[f"ideal_{law}_lambda_max"] = stats["lambda_max"]
            row.update({f"ideal_{law}_m{k + 1}": stats["moments"][k] for k in range(3)})
        rows.append(row)
    return pd.DataFrame(rows)


def _spike(items):
    rows = []
    for p, o in items:
        pred = theory.pooled_prediction(p["theta"], alpha=o["alpha"], kappa=o["kappa"],
                                        delta=p["delta"], gamma=p["gamma"])
        c1, c2 = theory.pooled_thresholds(alpha=o["alpha"], kappa=o["kappa"],
                                          delta=p["delta"], gamma=p["gamma"])
        rows.append({"family": p.get("family", "class-correlation"), "d": p["d"],
                     "weights": p["weights"], "theta": p["theta"],
                     "replicate": p["replicate"], "alpha_over_kappa": o["alpha"] / o["kappa"],
                     "kappa": o["kappa"], "theta_c1": c1, "theta_c2": c2,
                     "edge": pred.bulk_edge / o["kappa"],
                     "pop_edge": (1 + np.sqrt(p["delta"])) ** 2,
                     "lambda": o["centred"]["lambda"] / o["kappa"],
                     "lambda_2": o["centred"]["lambda_2"] / o["kappa"],
                     "align_m": o["centred"]["align_m"], "align_mu": o["centred"]["align_mu"],
                     "uncentred_lambda": o["uncentred"]["lambda"] / o["kappa"],
                     "uncentred_lambda_2": o["uncentred"]["lambda_2"] / o["kappa"],
                     "uncentred_align_m": o["uncentred"]["align_m"],
                     "pop_lambda": o["population"]["lambda"],
                     "pop_align_m": o["population"]["align_m"],
                     "pred_lambda": (pred.outlier / o["kappa"]) if pred.outlier else np.nan,
                     "pred_align_m": pred.align_m, "pred_align_mu": pred.align_mu,
                     "pred_pop_lambda": pred.population if pred.population else np.nan,
                     "pred_a1": pred.a1})
    return pd.DataFrame(rows)


def _attention(items):
    rows = []
    for p, o in items:
        pred = theory.pooled_prediction(p["theta"], alpha=o["alpha"], kappa=o["kappa"],
                                        delta=p["delta"], gamma=p["gamma"])
        rows.append({"d": p["d"], "tau": p["tau"], "replicate": p["replicate"],
                     "mean_abs_w": o["mean_abs_w"],
                     "lambda": o["lambda"], "pred_lambda": pred.outlier,
                     "align_m": o["align_m"], "pred_align_m": pred.align_m,
                     "align_mu": o["align_mu"], "pred_align_mu": pred.align_mu})
    return pd.DataFrame(rows)


def design_table(T: int = 16, *, random_w: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """α/κ of mean, harmonic (τ = 0) and optimal weights, and the largest α/κ over random
    weight vectors, for both R families and several ρ profiles (theory only)."""
    rng = np.random.default_rng(seed)
    rows = []
    for family, make in (("class-correlation", theory.class_correlation_R),
                         ("diagonal", theory.diagonal_R)):
        for profile, (start, end) in (("linear", (0.9, 0.3)), ("linear", (0.3, 0.1)),
                                      ("exponential", (0.9, 0.1)), ("constant", (0.6, 0.6)),
                                      ("increasing", (0.9, 0.3))):
            R = make(theory.rho_profile(T, profile, start=start, end=end))
            ratio = {}
            for name, w in (("mean", theory.mean_weights(T)),
                            ("harmonic", theory.harmonic_weights(T, 0.0)),
                            ("optimal", theory.optimal_weights(R))):
                a, k = theory.pooled_alpha_kappa(w, R)
                ratio[name] = a / k
            W = rng.standard_normal((random_w, T))
            rq = np.einsum("ns,st,nt->n", W, R, W) / np.einsum("ns,ns->n", W, W)
            lam = float(np.linalg.eigvalsh(R)[-1])
            rows.append({"family": family, "profile": profile, "rho_start": start,
                         "rho_end": end, "decreasing": profile in ("linear", "exponential"),
                         **{f"{k}_alpha_over_kappa": v for k, v in ratio.items()},
                         "random_max": float(rq.max()), "lambda_max_R": lam,
                         "random_violations": int((rq > lam * (1 + 1e-12)).sum())})
    return pd.DataFrame(rows)


def _decay_curve(T: int = 16) -> pd.DataFrame:
    """α/κ vs the decay end/start of a linear ρ profile from 0.9 (figure)."""
    rows = []
    for family, make in (("class-correlation", theory.class_correlation_R),
                         ("diagonal", theory.diagonal_R)):
        for ratio in np.linspace(0.05, 1.0, 39):
            R = make(theory.rho_profile(T, "linear", start=0.9, end=0.9 * ratio))
            for name, w in (("mean", theory.mean_weights(T)),
                            ("harmonic", theory.harmonic_weights(T, 0.0)),
                            ("optimal", theory.optimal_weights(R))):
                a, k = theory.pooled_alpha_kappa(w, R)
                rows.append((family, ratio, name, a / k))
    return pd.DataFrame(rows, columns=["family", "end_over_start", "weights",
                                       "alpha_over_kappa"])


def esd_theory(esd: pd.DataFrame, *, points: int = 600) -> pd.DataFrame:
    """The laws beside each ESD histogram: densities (κ units) of ν = MP_δ ⊠ MP_γ and of plain
    MP_γ on ``points`` x from 1e-4 to the histogram's right end, and ν's atom at 0, per (δ, γ).
    Columns delta, gamma, x, product_density, mp_density, atom."""
    frames = []
    for delta, gamma in sorted(esd.groupby(["delta", "gamma"]).groups):
        h = esd[(esd.delta == delta) & (esd.gamma == gamma)]
        x = np.linspace(1e-4, float(h.hi.max()), points)
        frames.append(pd.DataFrame({
            "delta": delta, "gamma": gamma, "x": x,
            "product_density": spectra.product_mp_density(x, delta, gamma),
            "mp_density": spectra.mp_density(x, gamma),
            "atom": spectra.product_mp_atom(delta, gamma)}))
    columns = ["delta", "gamma", "x", "product_density", "mp_density", "atom"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def spike_theory(weights: str, alpha_over_kappa: float, theta, *, delta: float,
                 gamma: float) -> pd.DataFrame:
    """The predicted outlier λ/κ (NaN below θ_c2) and alignments |⟨û, m̂⟩|², |⟨û, μ̂⟩|² along
    ``theta`` for one weighting (κ = 1: everything in κ units). Columns as the spike table's
    pred_* columns, plus weights, alpha_over_kappa, theta, delta, gamma."""
    rows = []
    for th in theta:
        p = theory.pooled_prediction(th, alpha=alpha_over_kappa, kappa=1.0, delta=delta,
                                     gamma=gamma)
        rows.append({"weights": weights, "alpha_over_kappa": alpha_over_kappa, "theta": th,
                     "pred_lambda": p.outlier if p.outlier else np.nan,
                     "pred_align_m": p.align_m, "pred_align_mu": p.align_mu,
                     "delta": delta, "gamma": gamma})
    return pd.DataFrame(rows)


def _spike_curves(spike: pd.DataFrame, delta: float, gamma: float) -> dict:
    """``outlier_theory`` (every weighting, 200 θ, at the largest d's θ range) and
    ``alignment_theory`` (mean weights if simulated, 300 θ) for the class-correlation sweep."""
    s = spike[spike.family == "class-correlation"] if "family" in spike else spike
    if s.empty:
        return {"outlier_theory": pd.DataFrame(), "alignment_theory": pd.DataFrame()}
    big = s[s.d == s.d.max()]
    theta = np.linspace(0, float(big.theta.max()), 200)
    outlier = pd.concat([spike_theory(w, float(g.alpha_over_kappa.iloc[0]), theta,
                                      delta=delta, gamma=gamma)
                         for w, g in big.groupby("weights")], ignore_index=True)
    w = "mean" if "mean" in set(s.weights) else s.weights.iloc[0]
    one = s[s.weights == w]
    alignment = spike_theory(w, float(one.alpha_over_kappa.iloc[0]),
                             np.linspace(0, float(one.theta.max()), 300), delta=delta,
                             gamma=gamma)
    return {"outlier_theory": outlier, "alignment_theory": alignment}


def esd_outlier(spike: pd.DataFrame, delta: float, gamma: float) -> pd.DataFrame:
    """The ESD figure's inset: per seed, λ₁/κ of the class-correlation sweep at the largest d,
    mean weights (else the first), the largest θ, with its prediction and the bulk edge."""
    columns = ["delta", "gamma", "d", "theta", "weights", "lambda", "pred_lambda", "edge"]
    s = spike[spike.family == "class-correlation"] if "family" in spike else spike
    if s.empty:
        return pd.DataFrame(columns=columns)
    s = s[s.d == s.d.max()]
    w = "mean" if "mean" in set(s.weights) else s.weights.iloc[0]
    s = s[(s.weights == w) & (s.theta == s.theta.max())]
    return s.assign(delta=delta, gamma=gamma)[columns].reset_index(drop=True)


def phase_diagram(delta: float, gamma: float, *, theta=None, alpha_over_kappa=None) -> dict:
    """Theory over the (θ, α/κ) plane: ``phase_diagram`` holds a₁a₂ = |⟨û, m̂⟩|² on the full
    grid (default θ: 121 points in [0, 4], α/κ: 71 points in [0.5, 4]), ``phase_thresholds``
    (θ_c1, θ_c2) per α/κ, both with δ, γ."""
    theta = np.linspace(0, 4, 121) if theta is None else np.asarray(theta, dtype=np.float64)
    ratios = (np.linspace(0.5, 4, 71) if alpha_over_kappa is None
              else np.asarray(alpha_over_kappa, dtype=np.float64))
    grid, thresholds = [], []
    for r in ratios:
        for th in theta:
            p = theory.pooled_prediction(th, alpha=r, kappa=1.0, delta=delta, gamma=gamma)
            grid.append((delta, gamma, r, th, p.align_m))
        c1, c2 = theory.pooled_thresholds(alpha=r, kappa=1.0, delta=delta, gamma=gamma)
        thresholds.append((delta, gamma, r, c1, c2))
    return {"phase_diagram": pd.DataFrame(grid, columns=["delta", "gamma", "alpha_over_kappa",
                                                         "theta", "align_m"]),
            "phase_thresholds": pd.DataFrame(thresholds, columns=[
                "delta", "gamma", "alpha_over_kappa", "theta_c1", "theta_c2"])}


def build_tables(config: Config, cells, payloads) -> dict:
    bulk_items = cells_of_kind(cells, payloads, "bulk")
    hist = []
    if bulk_items:  # the histogram of the largest d, T = max, mean weights, first replicate
        dmax = max(p["d"] for p, _ in bulk_items)
        for p, o in bulk_items:
            if p["d"] == dmax and p["replicate"] == 0 and p["weights"] == bulk_items[0][0][
                    "weights"] and p["T"] == max(q["T"] for q, _ in bulk_items):
                hist += [(p["delta"], p["gamma"], p["d"], lo, hi, c) for lo, hi, c in
                         zip(o["edges"][:-1], o["edges"][1:], o["hist"], strict=True)]
    esd = pd.DataFrame(hist, columns=["delta", "gamma", "d", "lo", "hi", "count"])
    spike = _spike(cells_of_kind(cells, payloads, "spike"))
    return {
        "bulk": _bulk(bulk_items),
        "esd": esd,
        "spike": spike,
        "attention": _attention(cells_of_kind(cells, payloads, "attention")),
        "design": design_table(config.design_T, random_w=config.design_random_w,
                               seed=config.seed),
        "decay": _decay_curve(config.design_T),
        "esd_theory": esd_theory(esd),
        "esd_outlier": esd_outlier(spike, config.spike_delta, config.spike_gamma),
        **_spike_curves(spike, config.spike_delta, config.spike_gamma),
        **phase_diagram(config.spike_delta, config.spike_gamma),
    }
