"""Claims T1–T10 of ``shared/papers/linear-attention-ntk.md`` and their verdicts.

Only the abstracts of arXiv 2603.13085 (v2; v1 titled "Influence Malleability in Linearized
Attention") are public — searched 2026-11-26, no body text or code found. The model, the
formulas and the criteria are the spec's reconstruction; each verdict says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import fit_slope
from .._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, ClaimSpec, verdict_from
from .config import Config

__all__ = ["CLAIMS", "judge", "PAPER_KAPPA"]

_ABS = "arXiv 2603.13085, abstract (v2)"
_V1 = "arXiv 2603.13085 v1, as summarised (shared/papers/linear-attention-ntk.md)"
PAPER_KAPPA = {"mnist": 1.2e3, "cifar10": 8.7e3}  # v1's κ_d; n = 60 000 and 50 000
PAPER_N = {"mnist": 60_000, "cifar10": 50_000}

CLAIMS = [
    ClaimSpec("T1", "Linearized attention's kernel is the Gram-induced G³ (ZZᵀ = G³, G = XXᵀ).",
              _ABS, "‖ZZᵀ − G³‖_F/‖G³‖_F < 1e-10 in float64 on every dataset (also "
              "‖Z₂Z₂ᵀ − G⁵‖ for two stacked layers)"),
    ClaimSpec("T2", "It cubes G's condition number: κ(ZZᵀ) = κ_d(G)³ (2k + 1 for k layers).",
              _ABS, "log κ(Z_kZ_kᵀ)/log κ_d(G) within 1e-8 of 2k + 1, κ(Z_kZ_kᵀ) from Z_k's "
              "singular values and κ_d from XᵀX, on every dataset where float64 resolves it "
              "(ε·κ(Z_k) ≪ 1e-8); eigendecomposing G³ itself is reported, not used"),
    ClaimSpec("T3", "The empirical NTK concentrates at rate m^{−½} with the exact variance law.",
              "derived (spec)", "slope of log RMS e_F against log m in [−0.55, −0.45] and "
              "measured/predicted E‖K_m − K∞‖_F² in [0.9, 1.1], for both nets on every dataset"),
    ClaimSpec("T4", "The amplification governs the NTK: the κ chain κ_d(G) → κ(x̃-Gram) → "
              "κ(K∞).", _V1, "slope of log κ(K∞) against log κ_d(G) over the spectrum family "
              "and digits in [2.5, 3.5] (the x̃-Gram's slope reported beside it)"),
    ClaimSpec("T5", "The NTK regime needs width m = Ω(κ_d(G)⁶ · n log n).", _ABS,
              "the 95% CI of d log m*/d log κ_d contains 6, with m*(ε) from ‖K_m − K∞‖₂/"
              "λ_min(K∞) ≈ C m^{−½} (slope against κ(K∞) reported: concentration theory "
              "predicts ≈ 2)"),
    ClaimSpec("T6", "Non-convergence: MLP-Attn's kernel keeps drifting at large width while "
              "the ReLU net's settles.", _V1,
              "relative kernel drift ‖K_T − K₀‖_F/‖K₀‖_F against m: MLP-Attn slope ≥ −0.1 while "
              "2L-ReLU ≤ −0.4, under the paper's optimiser (Adam 1e-3 + L2 1e-3); GD (NTK "
              "parameterisation) and a μP control reported"),
    ClaimSpec("T7", "‖f_m − f_NTK‖ grows with width for attention and falls for ReLU "
              "(Table 1).", _V1,
              "slope of log RMS(f_m − f_NTK) on held-out points against log m: bootstrap 95% CI "
              "(over seeds) > 0 for MLP-Attn and < 0 for 2L-ReLU under at least one optimiser"),
    ClaimSpec("T8", "Real data is ill-conditioned: κ_d ≈ 1.2·10³ (MNIST), 8.7·10³ (CIFAR-10), "
              "so m ≫ 10²⁴ and ≫ 10²⁹.", _ABS + "; v1's κ values",
              "κ_d from XᵀX within 2× of the paper's for a documented preprocessing (needs a "
              "user path to MNIST/CIFAR-10; digits always reported); the width arithmetic "
              "κ⁶·n·ln n checked"),
    ClaimSpec("T9", "Linearized attention is 2–9× more influence-malleable than a ReLU network "
              "under adversarial perturbation.", _ABS + " (v1: 6–9×)",
              "PGD flip rate of the influence sign on the top-10% points, MLP-Attn/2L-ReLU: "
              "bootstrap 95% CI inside [2, 9]; disjoint from it → not reproduced; frozen-context "
              "control reported"),
    ClaimSpec("T10", "Sensitivity bound |ΔK(x_i + δ, x_j)| ≤ ‖X x_j‖₁ ε.", _V1 + " (as "
              "summarised; K = the attention similarity Σ_k⟨x_i, x_k⟩⟨x_k, x_j⟩, ‖δ‖₂ = ε, unit "
              "rows)", "no violations, frozen context and transductive"),
]
SPEC = {c.id: c for c in CLAIMS}


def _t1(config: Config, t: dict):
    g = t["gram"]
    if g.empty:
        return SPEC["T1"].no_data("no gram cells at this scale")
    worst = g.groupby("layers").rel_error.max()
    ok = bool((g.rel_error < 1e-10).all())
    return SPEC["T1"].result(
        prediction="0 (exact identity)",
        measurement=f"{g.dataset.nunique()} datasets; worst relative error "
                    + ", ".join(f"{k} layer(s) (G^{2 * k + 1}): {v:.1e}" for k, v in worst.items()),
        verdict=verdict_from(ok), numbers={"worst_by_layers": worst.to_dict()})


def _t2(config: Config, t: dict):
    g = t["gram"]
    if g.empty:
        return SPEC["T2"].no_data("no gram cells at this scale")
    ok_rows = g[g.resolvable]
    err = (ok_rows.exponent - ok_rows.predicted_exponent).abs()
    naive = g[g.layers == 1].exponent_naive.dropna()
    negative = int(g[g.layers == 1].naive_negative.sum())
    rest = g[~g.resolvable]
    rest_err = (rest.exponent - rest.predicted_exponent).abs()
    passed = bool((err <= 1e-8).all()) if len(ok_rows) else None
    return SPEC["T2"].result(
        prediction="exponent 2k + 1 (3 for one layer, 5 for two)",
        measurement=f"{len(ok_rows)}/{len(g)} (dataset, k) pairs resolvable in float64; worst "
                    f"|exponent − (2k + 1)| there {float(err.max()) if len(err) else np.nan:.1e}"
                    f"; κ_d(G) from {g.kappa_d.min():.3g} to {g.kappa_d.max():.3g}; "
                    f"(elsewhere, beyond float64's resolution, up to "
                    f"{float(rest_err.max()) if len(rest_err) else 0:.1e}); "
                    "eigendecomposing G³ instead gives exponents "
                    f"{naive.min():.2f}–{naive.max():.2f}, with a negative smallest eigenvalue "
                    f"on {negative} of {int((g.layers == 1).sum())} datasets",
        verdict=verdict_from(passed, enough_data=len(ok_rows) > 0),
        numbers={"worst_error": float(err.max()) if len(err) else None,
                 "resolvable": int(len(ok_rows)), "pairs": int(len(g)),
                 "naive_min": float(naive.min()), "naive_max": float(naive.max()),
                 "naive_negative": negative,
                 "worst_error_unresolvable": float(rest_err.max()) if len(rest_err) else None},
        note="The identity is exact algebra (σ(Z_k) = σ(X)^{2k+1}); what the measurement adds "
             "is that the exponent survives float64 when taken from Z's singular values, and "
             "that it does not when G³ is eigendecomposed.")


def _t3(config: Config, t: dict):
    w = t["width"]
    if w.empty:
        return SPEC["T3"].no_data("no kernel cells at this scale")
    slope_ok = w.slope_F.between(-0.55, -0.45)
    ratio_ok = w.variance_ratio.between(0.9, 1.1)
    # the ratio is a mean of few heavy-tailed samples when draws are few: a ratio outside the
    # band whose ±2 SE interval still reaches it is undecided, not a failure
    lo = w.variance_ratio - 2 * w.variance_ratio_se
    hi = w.variance_ratio + 2 * w.variance_ratio_se
    ratio_fail = (hi < 0.9) | (lo > 1.1)
    if not slope_ok.all() or ratio_fail.any():
        verdict = NOT_REPRODUCED
    elif ratio_ok.all():
        verdict = REPRODUCED
    else:
        verdict = INCONCLUSIVE
    by_net = w.groupby("net").agg(slope_min=("slope_F", "min"), slope_max=("slope_F", "max"),
                                  ratio_min=("variance_ratio", "min"),
                                  ratio_max=("variance_ratio", "max"),
                                  se_max=("variance_ratio_se", "max"))
    return SPEC["T3"].result(
        prediction="slope −½; measured/predicted variance 1",
        measurement="; ".join(f"{net}: slope {r.slope_min:.3f}…{r.slope_max:.3f}, variance "
                              f"ratio {r.ratio_min:.3f}…{r.ratio_max:.3f} (SE ≤ {r.se_max:.3f})"
                              for net, r in by_net.iterrows())
                    + f" ({w.dataset.nunique()} datasets, widths {config.widths[0]}–"
                      f"{config.widths[-1]}, {config.draws} draws each)",
        verdict=verdict,
        numbers={"by_net": by_net.to_dict("index"),
                 "outside_band": w[~(slope_ok & ratio_ok)][["dataset", "net", "slope_F",
                                                            "variance_ratio",
                                                            "variance_ratio_se"]]
                 .to_dict("records")},
        note="" if verdict != INCONCLUSIVE else "A variance ratio lies outside [0.9, 1.1] but "
             "within 2 standard errors of it: too few draws at this scale to decide.")


def _attn_fits(t: dict) -> pd.DataFrame:
    w = t["width"]
    return w[w.net == "attn"] if not w.empty else w


def _t4(config: Config, t: dict):
    a, g = _attn_fits(t), t["gram"]
    if a.empty or g.empty or len(a) < 3:
        return SPEC["T4"].no_data("no enough datasets at this scale")
    g1 = g[g.layers == 1].set_index("dataset")
    x = np.log(a.kappa_d.to_numpy())
    sK = fit_slope(x, np.log(a.kappa_K.to_numpy()))
    sx = fit_slope(np.log(g1.kappa_d.to_numpy()), np.log(g1.kappa_xtilde.to_numpy()))
    ok = 2.5 <= sK.slope <= 3.5
    return SPEC["T4"].result(
        prediction="slope 3 (the chain the paper needs)",
        measurement=f"log κ(K∞) vs log κ_d: slope {sK.slope:.2f} [95% CI {sK.low:.2f}, "
                    f"{sK.high:.2f}]; log κ(x̃-Gram) vs log κ_d: slope {sx.slope:.2f} "
                    f"[{sx.low:.2f}, {sx.high:.2f}]; {len(a)} datasets, κ_d "
                    f"{a.kappa_d.min():.3g}–{a.kappa_d.max():.3g}, κ(K∞) "
                    f"{a.kappa_K.min():.3g}–{a.kappa_K.max():.3g}",
        verdict=verdict_from(ok),
        numbers={"slope_K": sK.slope, "ci_K": [sK.low, sK.high], "slope_xtilde": sx.slope,
                 "ci_xtilde": [sx.low, sx.high]},
        note="The x̃-Gram inherits the cube (rows of Z = G X, normalised); the NTK does not: "
             "K∞ = G̃ ∘ (π − θ)/(2π) is a Hadamard product with the arc-cosine factor, whose "
             "smallest eigenvalue is bounded below independently of G̃'s (Schur product "
             "theorem), so κ(K∞) need not follow κ_d³.")


def _t5(config: Config, t: dict):
    a = _attn_fits(t)
    if a.empty or len(a) < 3:
        return SPEC["T5"].no_data("no enough datasets at this scale")
    s = fit_slope(np.log(a.kappa_d.to_numpy()), np.log(a.m_star.to_numpy()))
    sK = fit_slope(np.log(a.kappa_K.to_numpy()), np.log(a.m_star.to_numpy()))
    ok = s.low <= 6 <= s.high
    return SPEC["T5"].result(
        prediction="m* ∝ κ_d⁶ (slope 6)",
        measurement=f"d log m*/d log κ_d = {s.slope:.2f} [95% CI {s.low:.2f}, {s.high:.2f}] over "
                    f"{len(a)} datasets (ε = {config.epsilon}); against κ(K∞): {sK.slope:.2f} "
                    f"[{sK.low:.2f}, {sK.high:.2f}]; m* from {a.m_star.min():.3g} to "
                    f"{a.m_star.max():.3g} where κ_d⁶·n·ln n gives {a.paper_width.min():.3g} to "
                    f"{a.paper_width.max():.3g}",
        verdict=verdict_from(ok),
        numbers={"slope_kappa_d": s.slope, "ci": [s.low, s.high], "slope_kappa_K": sK.slope,
                 "ci_K": [sK.low, sK.high]})


def _slope_text(name: str, slope: float, low: float, high: float) -> str:
    return f"{name} {slope:.2f} [{low:.2f}, {high:.2f}]"


def _drift_slopes(tr: pd.DataFrame) -> pd.DataFrame:
    """Slope of log mean drift against log m per (dataset, dynamics, net), with a 95% CI."""
    rows = []
    for (data, dyn, net), g in tr.groupby(["dataset", "dynamics", "net"]):
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


def _t6(config: Config, t: dict):
    tr = t["train"]
    if tr.empty or tr.m.nunique() < 3:
        return SPEC["T6"].no_data("no training runs at this scale")
    s = _drift_slopes(tr).set_index(["dataset", "dynamics", "net"])
    sets = sorted(tr.dataset.unique())

    def pattern(data, dyn):
        return bool(s.loc[(data, dyn, "attn"), "slope"] >= -0.1
                    and s.loc[(data, dyn, "relu"), "slope"] <= -0.4)

    holds = {dyn: {data: pattern(data, dyn) for data in sets} for dyn in ("gd", "adam", "mup")}

    def fmt(data, dyn, net):
        r = s.loc[(data, dyn, net)]
        return _slope_text(net, r.slope, r.low, r.high)

    return SPEC["T6"].result(
        prediction="MLP-Attn drift flat in m (≥ −0.1) while 2L-ReLU falls (≤ −0.4)",
        measurement="drift slopes vs m [95% CI] — " + "; ".join(
            f"{dyn}, {data}: {fmt(data, dyn, 'attn')}, {fmt(data, dyn, 'relu')}"
            for dyn in ("adam", "gd", "mup") for data in sets)
        + f" ({config.train_steps} steps; widths {config.train_widths[0]}–"
          f"{config.train_widths[-1]}; {config.train_seeds} seeds)",
        verdict=verdict_from(all(holds["adam"].values())),
        numbers={"slopes": s.reset_index().to_dict("records"), "pattern": holds},
        note="Judged under the paper's optimiser (Adam 1e-3 + L2 1e-3), on every dataset "
             "separately (a slope is nan where fewer than 3 widths had any drift at all). The "
             "pattern holds under Adam on "
             f"{sum(holds['adam'].values())}/{len(sets)} datasets, under GD in NTK "
             f"parameterisation on {sum(holds['gd'].values())}/{len(sets)}, and under the μP "
             f"control (where both nets are expected to drift, slope ≈ 0) on "
             f"{sum(holds['mup'].values())}/{len(sets)}.")


def _gap_slope_ci(g: pd.DataFrame, rng, reps: int):
    """Slope of log mean f_gap against log m, and its bootstrap 95% CI over replicates."""
    piv = g.pivot_table(index="replicate", columns="m", values="f_gap")
    logm = np.log(piv.columns.to_numpy(float))
    vals = piv.to_numpy()
    slope = fit_slope(logm, np.log(vals.mean(0))).slope
    boot = [fit_slope(logm, np.log(vals[rng.integers(0, len(vals), len(vals))].mean(0))).slope
            for _ in range(reps)]
    return slope, float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))


def _t7(config: Config, t: dict):
    tr = t["train"]
    tr = tr[tr.dynamics.isin(["gd", "adam"])] if not tr.empty else tr
    if tr.empty or tr.m.nunique() < 3:
        return SPEC["T7"].no_data("no training runs at this scale")
    rng = np.random.default_rng(config.seed)
    res = {key: _gap_slope_ci(g, rng, config.bootstrap)
           for key, g in tr.groupby(["dataset", "dynamics", "net"])}
    sets = sorted(tr.dataset.unique())
    holds = {dyn: all(res[(d, dyn, "attn")][1] > 0 and res[(d, dyn, "relu")][2] < 0
                      for d in sets) for dyn in ("gd", "adam")}
    contradicted = {dyn: all(res[(d, dyn, "attn")][2] < 0 or res[(d, dyn, "relu")][1] > 0
                             for d in sets) for dyn in ("gd", "adam")}
    verdict = REPRODUCED if any(holds.values()) else (
        NOT_REPRODUCED if all(contradicted.values()) else INCONCLUSIVE)

    def fmt(d, dyn, net):
        return _slope_text(net, *res[(d, dyn, net)])

    return SPEC["T7"].result(
        prediction="‖f_m − f_NTK‖ grows with m for MLP-Attn, falls for 2L-ReLU",
        measurement="slopes of log RMS(f_m − f_NTK) vs log m [bootstrap 95% CI] — " + "; ".join(
            f"{dyn}, {d}: {fmt(d, dyn, 'attn')}, {fmt(d, dyn, 'relu')}"
            for dyn in ("gd", "adam") for d in sets) + f"; {config.train_seeds} seeds",
        verdict=verdict,
        numbers={"slopes": {"/".join(k): list(v) for k, v in res.items()}, "holds": holds},
        note="f_NTK: for GD, the exact finite-step kernel-regime prediction with K∞ (same step "
             "and number of steps); for Adam, which has no exact NTK limit, kernel ridge "
             "regression with K∞ and λ = 1e-3 (the L2 weight). The pattern must hold on every "
             "dataset under one optimiser.")


def _t8(config: Config, t: dict):
    r = t["realdata"]
    widths = {k: float(np.log10(PAPER_KAPPA[k] ** 6 * PAPER_N[k] * np.log(PAPER_N[k])))
              for k in PAPER_KAPPA}
    digits = r[r.source == "digits"]
    text = "digits (1 797 × 64): κ_d " + ", ".join(
        f"{row.preprocessing} {row.kappa_numerical:.3g} (rank {row.rank})"
        for row in digits.itertuples()) + "; the paper's width arithmetic from its κ: " \
        + ", ".join(f"{k} 10^{v:.2f}" for k, v in widths.items())
    checks = {}
    for src, kappa in PAPER_KAPPA.items():
        rows = r[r.source == src]
        if len(rows):
            ratios = (rows.kappa_numerical / kappa).to_numpy()
            checks[src] = {"ratios": dict(zip(rows.preprocessing, ratios, strict=True)),
                           "within_2x": bool(np.any((ratios >= 0.5) & (ratios <= 2)))}
            text += f"; {src}: κ_d/paper " + ", ".join(
                f"{p} {v:.3g}" for p, v in checks[src]["ratios"].items())
    arithmetic = widths["mnist"] > 24 and widths["cifar10"] > 29
    verdict = INCONCLUSIVE if not checks else verdict_from(
        all(c["within_2x"] for c in checks.values()) and arithmetic)
    return SPEC["T8"].result(
        prediction="MNIST κ_d ≈ 1.2e3, CIFAR-10 ≈ 8.7e3; m ≫ 10²⁴, ≫ 10²⁹",
        measurement=text, verdict=verdict,
        numbers={"paper_width_log10": widths, "checks": checks,
                 "digits": digits.drop(columns=["source"]).to_dict("records")},
        note=("" if checks else "No MNIST/CIFAR-10 path was given (set ATTNLAB_MNIST / "
              "ATTNLAB_CIFAR10): the κ values cannot be checked here; nothing is downloaded. ")
        + "κ_d is taken over the numerical rank (eigenvalues of XᵀX above 1e-12·λ_max): pixels "
          "that are zero in every image make the full-rank κ infinite.")


def _ratio_ci(units: pd.DataFrame, num: str, den: str, rng, reps: int):
    a, b = units[num].to_numpy(), units[den].to_numpy()
    point = a.mean() / b.mean() if b.mean() > 0 else np.inf
    boot = []
    for _ in range(reps):
        i = rng.integers(0, len(a), len(a))
        boot.append(a[i].mean() / b[i].mean() if b[i].mean() > 0 else np.inf)
    return float(point), float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))


def _t9(config: Config, t: dict):
    at = t["attack"]
    if at.empty:
        return SPEC["T9"].no_data("no attacks at this scale")
    rng = np.random.default_rng(config.seed)
    out = {}
    for attack in ("pgd", "fgsm"):
        u = at[at.attack == attack].pivot_table(index=["dataset", "replicate", "point"],
                                                columns="mode", values="flip", aggfunc="mean")
        out[attack] = {"trans": _ratio_ci(u, "attn_transductive", "relu", rng, config.bootstrap),
                       "frozen": _ratio_ci(u, "attn_frozen", "relu", rng, config.bootstrap),
                       "flip": u.mean().to_dict(), "units": len(u)}
    rho = at[at.attack == "pgd"].groupby("mode").spearman.mean().to_dict()
    point, lo, hi = out["pgd"]["trans"]
    if 2 <= lo and hi <= 9:
        verdict = REPRODUCED
    elif hi < 2 or lo > 9:
        verdict = NOT_REPRODUCED
    else:
        verdict = INCONCLUSIVE
    f = out["pgd"]["flip"]
    lo_t = t.get("loo")
    loo = "" if lo_t is None or lo_t.empty else (
        f"; MLP-Attn's exact LOO (sample i also leaves the context) against the fixed-feature "
        f"formula: Spearman ρ {lo_t.spearman.mean():.3f} (min {lo_t.spearman.min():.3f}), "
        f"top-10% signs agree {lo_t.top_sign_agreement.mean():.1%}, relative change "
        f"{lo_t.rel_change.mean():.2f}")
    return SPEC["T9"].result(
        prediction="Attn/ReLU flip-rate ratio in [2, 9]",
        measurement=f"PGD (ε {', '.join(map(str, config.attack_eps))}): flip rate ReLU "
                    f"{f['relu']:.3f}, Attn transductive {f['attn_transductive']:.3f}, Attn "
                    f"frozen context {f['attn_frozen']:.3f}; ratio transductive/ReLU "
                    f"{point:.2f} [95% CI {lo:.2f}, {hi:.2f}], frozen/ReLU "
                    f"{out['pgd']['frozen'][0]:.2f} [{out['pgd']['frozen'][1]:.2f}, "
                    f"{out['pgd']['frozen'][2]:.2f}]; FGSM ratio {out['fgsm']['trans'][0]:.2f} "
                    f"[{out['fgsm']['trans'][1]:.2f}, {out['fgsm']['trans'][2]:.2f}]; Spearman ρ "
                    "(PGD) " + ", ".join(f"{k} {v:.3f}" for k, v in rho.items())
                    + f"; {out['pgd']['units']} attacked test points" + loo,
        verdict=verdict, numbers={"attacks": out, "spearman": rho,
                                  "exact_loo": None if lo_t is None or lo_t.empty else
                                  lo_t[["spearman", "top_sign_agreement", "rel_change"]]
                                  .mean().to_dict()},
        note="Influence: exact kernel-ridge LOO with K∞ (λ = "
             f"{config.ridge}) on the net's features; the top 10% points by |influence| are "
             "attacked. Transductive: the perturbed test point is part of the attention context, "
             "so every training feature moves; frozen: the context is the clean training set."
             + ("" if verdict != INCONCLUSIVE else " The interval is too wide (or straddles "
                "the band's edge) at this scale to decide."))


def _t10(config: Config, t: dict):
    b = t["bound"]
    if b.empty:
        return SPEC["T10"].no_data("no bound checks at this scale")
    s = b.groupby("context")[["violations", "checks"]].sum()
    worst = b.groupby("context").worst_ratio.max()
    ok = int(s.violations.sum()) == 0
    return SPEC["T10"].result(
        prediction="no violations",
        measurement="; ".join(f"{ctx}: {int(r.violations)} violations in {int(r.checks)} checks,"
                              f" worst |ΔK|/bound {worst[ctx]:.3f}" for ctx, r in s.iterrows()),
        verdict=verdict_from(ok),
        numbers={"by_context": s.to_dict("index"), "worst_ratio": worst.to_dict()},
        note="With the context frozen the bound is a theorem (|⟨x_k, δ⟩| ≤ ‖δ‖₂ = ε for unit "
             "rows); transductively the perturbed x_i also enters the context XᵀX, adding "
             "first-order terms the summarised bound does not carry (counted above).")


def judge(config: Config, t: dict) -> list:
    return [fn(config, t) for fn in (_t1, _t2, _t3, _t4, _t5, _t6, _t7, _t8, _t9, _t10)]
