"""Claims T-A1–T-A6 of Seddik, arXiv 2605.06826, each declared once with its judge.

Only the abstract of the paper could be read; the formulas behind every prediction are our
reconstruction (``reproductions/pooled_spectra/README.md``), which reproduces every quantitative
statement of the abstract. Every number a criterion uses is a keyword of its declaration: the
prose is formatted from it and the judge reads it back from ``spec.limits``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._claims import INCONCLUSIVE, REPRODUCED, ClaimList, decide, verdict_from

__all__ = ["CLAIMS"]

CLAIMS = ClaimList()

_SRC = ("arXiv 2605.06826, abstract; formulas reconstructed "
        "(reproductions/pooled_spectra/README.md)")
# T-A2's outlier/alignment tolerances; T-A5 judges the attention-pooled covariance by the same
_SPIKE_TOLERANCES = {"rel_tol": 0.03, "se_mult": 3, "align_tol": 0.03}
_ROUNDING = 1e-12  # slack for a bound met with equality up to float rounding


def _outlier_error(spec, measured, predicted, se):
    """(|measured/predicted − 1| per point, whether every point is within the claim's tolerance
    max(rel_tol, se_mult · SE / predicted)): relative, but never tighter than the seed noise."""
    err = (measured / predicted - 1).abs()
    tol = np.maximum(spec.limits["rel_tol"], spec.limits["se_mult"] * se / predicted)
    return err, bool((err <= tol).all())


@CLAIMS.claim(
    "T-A1",
    source_kind="paper",
    statement="The bulk of the pooled covariance is not Marchenko–Pastur but "
    "κ·(MP_δ ⊠ MP_γ) (finite vocabulary).", source=_SRC,
    criterion="KS(ESD of C/κ, ν) ≤ {ks_max:g} at d ≥ {d_min} and its mean non-increasing in d; "
              "moments m₁…m₃ within {moment_tol:.0%}; λ_max/κ within {edge_tol:.0%} of the edge "
              "(d ≥ {d_min}); control: KS against plain MP_γ > {control_min:g} everywhere",
    ks_max=0.02, d_min=500, moment_tol=0.02, edge_tol=0.03, control_min=0.05)
def _t_a1(spec, config, t):
    lim = spec.limits
    b = t["bulk"]
    if b.empty:
        return spec.no_data("no bulk cells")
    d_min = lim["d_min"]
    big = b[b.d >= d_min]
    per_d = b.groupby("d").ks.mean()
    ks_ok = bool((big.ks <= lim["ks_max"]).all()) if len(big) else None
    mono = bool(np.all(np.diff(per_d.to_numpy()) <= 0))
    mom = max(float((big[f"m{k}"] / big[f"m{k}_theory"] - 1).abs().max()) for k in (1, 2, 3)) \
        if len(big) else np.nan
    edge = float((big.lambda_max / big.edge - 1).abs().max()) if len(big) else np.nan
    control = float(b.ks_mp_control.min())
    by_T = big.groupby("T").ks.agg(["mean", "max"]) if len(big) else None
    ok = (ks_ok and mono and mom <= lim["moment_tol"] and edge <= lim["edge_tol"]
          and control > lim["control_min"])
    below = int((big.lambda_max < big.edge).sum())
    return spec.result(
        prediction="KS → 0 against κν; MP_γ fails",
        measurement=f"{len(b)} spectra; mean KS by d: "
                    + ", ".join(f"{d}: {v:.4f}" for d, v in per_d.items())
                    + (f"; at d ≥ {d_min} by pooling length T: " + ", ".join(
                        f"T={T_}: mean {r['mean']:.4f}, max {r['max']:.4f}"
                        for T_, r in by_T.iterrows()) if by_T is not None else "")
                    + f"; worst KS at d ≥ {d_min}: {float(big.ks.max()):.4f}; worst moment error "
                    f"{mom:.2%}; worst |λ_max/edge − 1| {edge:.2%}; KS against MP_γ ≥ "
                    f"{control:.3f}",
        verdict=verdict_from(ok, enough_data=ks_ok is not None),
        numbers={"ks_by_d": per_d.to_dict(), "worst_ks_big": float(big.ks.max()) if len(big)
                 else None, "moment_err": mom, "edge_err": edge, "control_min": control,
                 "below_edge": below, "spectra_big": len(big)},
        note=("" if ks_ok is not None else f"no d ≥ {d_min} at this scale. ")
        + f"Per spectrum, λ_max/κ lies below the edge in {below}/{len(big)} spectra at d ≥ "
          f"{d_min}: Tracy–Widom fluctuations of relative size ~d^(−2/3) "
          f"({d_min ** (-2 / 3):.1%} at d = {d_min}, times an O(1) constant) with a negative "
          f"mean, so a {lim['edge_tol']:.0%} criterion per spectrum needs larger d than the "
          "quick scale's. The KS grows at short pooling length: given the table, "
          "x = Σ_t w_t e_{v_t} is a sum of only T table rows, not a Gaussian vector, so the "
          "MP_γ factor is reached only as T (and the reuse of tokens, N·T/V) grows.")


def _class_correlation(s: pd.DataFrame) -> pd.DataFrame:
    """T-A2/T-A3/T-A6 are judged on the class-correlation sweep (every d)."""
    return s[s.family == "class-correlation"] if "family" in s else s


def _spike_means(s: pd.DataFrame) -> pd.DataFrame:
    """Means over seeds per (d, weights, θ), with the standard error of the outlier."""
    g = s.groupby(["d", "weights", "theta"])
    out = g[["lambda", "align_m", "align_mu", "pred_lambda", "pred_align_m", "pred_align_mu",
             "edge", "theta_c1", "theta_c2", "pop_lambda", "pop_align_m", "pred_pop_lambda",
             "pred_a1", "pop_edge", "lambda_2", "uncentred_lambda_2"]].mean()
    out["lambda_se"] = g["lambda"].std(ddof=1) / np.sqrt(g.size())
    return out.reset_index()


@CLAIMS.claim(
    "T-A2",
    source_kind="paper",
    statement="Exact outlier position and eigenvector alignment.", source=_SRC,
    criterion="for θ ≥ {above:g} θ_c2: mean λ₁/κ within max({rel_tol:.0%}, {se_mult:g} SE) of "
              "κψ(ℓ)/κ and mean |⟨û, m̂⟩|² within {align_tol:g} of a₁a₂ (largest d), the "
              "alignment error shrinking with d; for θ ≤ {below:g} θ_c2: no outlier "
              "(λ₁ ≤ {edge_factor:g} × edge); per weights",
    above=1.5, below=0.7, edge_factor=1.03, **_SPIKE_TOLERANCES)
def _t_a2(spec, config, t):
    lim = spec.limits
    s = _class_correlation(t["spike"])
    if s.empty:
        return spec.no_data("no spike cells")
    m = _spike_means(s)
    dmax = m.d.max()
    per, ok = {}, True
    for w, g in m.groupby("weights"):
        above = g[g.theta >= lim["above"] * g.theta_c2]
        big = above[above.d == dmax]
        pos_err, pos_ok = _outlier_error(spec, big["lambda"], big.pred_lambda, big.lambda_se)
        al_err = float((big.align_m - big.pred_align_m).abs().max())
        shrink = above.assign(err=(above.align_m - above.pred_align_m).abs()) \
            .groupby("d").err.mean()
        below = g[(g.theta <= lim["below"] * g.theta_c2)]
        none_ok = bool((below["lambda"] <= lim["edge_factor"] * below.edge).all())
        shrinking = bool(shrink.iloc[-1] <= shrink.iloc[0]) if len(shrink) > 1 else True
        per[w] = {"points": len(big), "max_pos_err": float(pos_err.max()),
                  "max_align_err": al_err, "align_err_by_d": shrink.to_dict(),
                  "no_outlier_below": none_ok, "theta_c2": float(g.theta_c2.iloc[0])}
        ok &= pos_ok and al_err <= lim["align_tol"] and none_ok and shrinking and len(big) > 0
    text = "; ".join(f"{w}: θ_c2 {v['theta_c2']:.2f}, {v['points']} points ≥ "
                     f"{lim['above']:g}θ_c2, position error ≤ {v['max_pos_err']:.1%}, alignment "
                     f"error ≤ {v['max_align_err']:.3f} (mean by d: "
                     + ", ".join(f"{d}: {e:.3f}" for d, e in v["align_err_by_d"].items())
                     + f"), {'no' if v['no_outlier_below'] else 'an'} outlier below "
                     f"{lim['below']:g}θ_c2"
                     for w, v in per.items())
    return spec.result(prediction="λ = κψ(ℓ), |⟨û, m̂⟩|² = a₁a₂", measurement=text,
                       verdict=verdict_from(ok), numbers={"per_weights": per},
                       note=f"largest d here {dmax} (the {lim['align_tol']:g} alignment "
                            "criterion is meant at d = 1000)")


def _first_reach(x, y, level: float) -> float:
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


@CLAIMS.claim(
    "T-A3",
    source_kind="paper",
    statement="Two successive BBP-type transitions (population, then sampling), "
    "θ_c1 < θ_c2.", source=_SRC,
    criterion="population Σ_E = κW + α m mᵀ (largest d): outlier within {pop_rel_tol:.0%} of ℓ "
              "and alignment within {a1_tol:g} of a₁ for θ ≥ {above:g} θ_c1, none (λ₁ ≤ "
              "{edge_factor:g} × the MP_δ edge) for θ ≤ {below:g} θ_c1; θ_c1 < θ_c2 for every "
              "weights; at grid points θ_c1 < θ < θ_c2 the population eigenvector carries m "
              "(alignment ≥ a₁/{carry_divisor:g}) and the sample's does not (≤ {window_max:g}); "
              "the finite-d threshold (first θ with sample alignment ≥ {level:g}) moves toward "
              "θ_c2 as d grows",
    pop_rel_tol=0.03, a1_tol=0.05, above=1.5, below=0.7, edge_factor=1.03, carry_divisor=2,
    window_max=0.1, level=0.1)
def _t_a3(spec, config, t):
    lim = spec.limits
    s = _class_correlation(t["spike"])
    if s.empty:
        return spec.no_data("no spike cells")
    m = _spike_means(s)
    dmax = m.d.max()
    per, ok = {}, True
    for w, g in m.groupby("weights"):
        c1, c2 = float(g.theta_c1.iloc[0]), float(g.theta_c2.iloc[0])
        big = g[g.d == dmax]
        above = big[big.theta >= lim["above"] * c1]
        pop_err = float((above.pop_lambda / above.pred_pop_lambda - 1).abs().max())
        a1_err = float((above.pop_align_m - above.pred_a1).abs().max())
        below = big[big.theta <= lim["below"] * c1]
        pop_none = bool((below.pop_lambda <= lim["edge_factor"] * below.pop_edge).all())
        # in the window the population eigenvector already carries m, the sample's does not
        window = big[(big.theta > c1) & (big.theta < c2)]
        win_ok = bool(((window.pop_align_m >= window.pred_a1 / lim["carry_divisor"])
                       & (window.align_m <= lim["window_max"])).all()) and len(window) > 0
        thresholds = {}
        for d, h in g.groupby("d"):
            h = h.sort_values("theta")
            thresholds[int(d)] = _first_reach(h.theta, h.align_m, lim["level"])
        ds = sorted(thresholds)
        finite = all(np.isfinite(list(thresholds.values())))
        toward = (abs(thresholds[ds[-1]] - c2) <= abs(thresholds[ds[0]] - c2)
                  if len(ds) > 1 and finite else None)
        per[w] = {"theta_c1": c1, "theta_c2": c2, "pop_err": pop_err, "a1_err": a1_err,
                  "pop_none_below": pop_none, "window_points": len(window),
                  "window_ok": win_ok, "finite_d_threshold": thresholds, "toward_c2": toward}
        ok &= (c1 < c2 and pop_err <= lim["pop_rel_tol"] and a1_err <= lim["a1_tol"]
               and pop_none and win_ok and bool(toward))
    text = "; ".join(
        f"{w}: θ_c1 {v['theta_c1']:.3f} < θ_c2 {v['theta_c2']:.3f}; population outlier error "
        f"≤ {v['pop_err']:.1%}, a₁ error ≤ {v['a1_err']:.3f}; window points "
        f"{v['window_points']} ({'ok' if v['window_ok'] else 'not ok'}); "
        f"alignment-{lim['level']:g} threshold by d: "
        + ", ".join(f"{d}: {x:.2f}" for d, x in v["finite_d_threshold"].items())
        for w, v in per.items())
    return spec.result(prediction="θ_c1 < θ_c2; population spike first",
                       measurement=text, verdict=verdict_from(ok),
                       numbers={"per_weights": per},
                       note=f"population checks at d = {dmax}; θ grid step 1/3 at quick scale: "
                            "a window narrower than that may hold no grid point (then not ok)")


@CLAIMS.claim(
    "T-A4",
    source_kind="paper",
    statement="SNR-optimal pooling weights are the top eigenvector of R.", source=_SRC,
    criterion="α/κ ≤ λ_max(R) for 10⁴ random w in every R family and profile; equality at the "
              "top eigenvector ({equality_tol:g}); simulated alignments (largest d, θ ≥ the "
              "largest θ_c2, where every weighting has an outlier) order the weights as α/κ "
              "does for every adjacent pair whose mean difference exceeds {pair_se:g} SE (at "
              "least one such pair), in both R families",
    equality_tol=1e-12, pair_se=2)
def _t_a4(spec, config, t):
    lim = spec.limits
    des, s = t["design"], t["spike"]
    bound_ok = int(des.random_violations.sum()) == 0
    eq = float((des.optimal_alpha_over_kappa - des.lambda_max_R).abs().max())
    order_ok, diffs = None, {}
    if not s.empty and {"optimal", "mean", "harmonic"} <= set(s.weights):
        verdicts = []  # per adjacent pair in α/κ order, per family: is the larger one ahead?
        for family, f in s.groupby("family"):
            dmax = f.d.max()
            c2max = float(f.theta_c2.max())
            zone = f[(f.d == dmax) & (f.theta >= c2max)]  # every weighting has an outlier
            piv = zone.pivot_table(index=["theta", "replicate"], columns="weights",
                                   values="align_m")
            ak = f.groupby("weights").alpha_over_kappa.first().sort_values(ascending=False)
            order = list(ak.index)  # by α/κ, largest first
            for hi, lo in zip(order[:-1], order[1:], strict=True):
                diff = ((piv[hi] - piv[lo]).dropna().to_numpy() if {hi, lo} <= set(piv)
                        else np.array([]))
                mean = float(diff.mean()) if diff.size else float("nan")
                se = float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else np.inf
                diffs[f"{family}: {hi}-{lo}"] = {"mean": mean, "se": se,
                                                 "alpha_over_kappa": [float(ak[hi]),
                                                                      float(ak[lo])]}
                half = lim["pair_se"] * se
                verdicts.append(decide(mean - half, mean + half, (0.0, np.inf)))
        # wherever the simulation resolves a difference (beyond pair_se SE), it must follow α/κ
        known = [v == REPRODUCED for v in verdicts if v != INCONCLUSIVE]
        order_ok = all(known) if known else None
    ok = bound_ok and eq <= lim["equality_tol"] and order_ok
    return spec.result(
        prediction="α/κ ≤ λ_max(R), equality at the top eigenvector",
        measurement=f"{int(des.random_violations.sum())} violations over "
                    f"{len(des)} × {config.design_random_w} random w; |α/κ(optimal) − λ_max| ≤ "
                    f"{eq:.1e}; simulated alignment differences in the transition zone (mean ± "
                    "SE over θ and seeds): "
                    + ", ".join(f"{k} {v['mean']:+.3f} ± {v['se']:.3f}"
                                for k, v in diffs.items()),
        verdict=verdict_from(ok, enough_data=order_ok is not None),
        numbers={"equality_err": eq, "alignment_diffs": diffs},
        note="" if order_ok is not None else
        f"no pair of weightings differs by more than {lim['pair_se']:g} SE in the simulation: "
        "inconclusive")


@CLAIMS.claim(
    "T-A4b",
    source_kind="paper",
    statement="Harmonic weights (from causal self-attention) beat mean pooling "
    "whenever early tokens carry more signal.", source=_SRC,
    criterion="harmonic α/κ > mean α/κ for every decreasing ρ profile, in both R families "
              "(class-correlation R = ρρᵀ + diag(1 − ρ²) and diagonal R = diag(ρ))")
def _t_a4b(spec, config, t):
    des = t["design"]
    dec = des[des.decreasing]
    per = {}
    for fam, g in dec.groupby("family"):
        wins = g.harmonic_alpha_over_kappa > g.mean_alpha_over_kappa
        per[fam] = {"holds": bool(wins.all()),
                    "cases": [f"{r.profile} {r.rho_start}→{r.rho_end}: harmonic "
                              f"{r.harmonic_alpha_over_kappa:.2f} vs mean "
                              f"{r.mean_alpha_over_kappa:.2f}" for r in g.itertuples()]}
    ok = all(v["holds"] for v in per.values())
    return spec.result(
        prediction="harmonic > mean for decreasing profiles",
        measurement="; ".join(f"{fam} ({'holds' if v['holds'] else 'FAILS'}): "
                              + ", ".join(v["cases"]) for fam, v in per.items()),
        verdict=verdict_from(ok, enough_data=bool(per)),
        numbers={"per_family": per},
        note=f"T = {config.design_T}, τ = 0 harmonic weights. Under the diagonal R the claim is "
             "Chebyshev's sum inequality; under the class-correlation R the cross terms ρ_sρ_t "
             "reward spreading the weight, and mean pooling wins for these decreasing profiles.")


@CLAIMS.claim(
    "T-A5",
    source_kind="paper",
    statement="Parameter-free causal self-attention with τ/d scaling realises the "
    "deterministic harmonic weights.", source=_SRC,
    criterion="real causal attention on table embeddings: mean |w_eff − w_s(τ)| ≤ "
              "{w_bound:g}τ/√d for every τ; its pooled covariance's outlier within "
              "max({rel_tol:.0%}, {se_mult:g} SE) and alignment within {align_tol:g} of the "
              "theory with w(τ) (T-A2's criterion)",
    w_bound=5, **_SPIKE_TOLERANCES)
def _t_a5(spec, config, t):
    lim = spec.limits
    a = t["attention"]
    if a.empty:
        return spec.no_data("no attention cells")
    a = a.assign(bound=lim["w_bound"] * a.tau / np.sqrt(a.d))
    g = a.groupby("tau").mean(numeric_only=True)
    se = a.groupby("tau")["lambda"].std(ddof=1) / np.sqrt(a.groupby("tau").size())
    w_ok = bool((g.mean_abs_w <= g.bound + _ROUNDING).all())
    rel, pos_ok = _outlier_error(spec, g["lambda"], g.pred_lambda, se)
    pos = float(rel.max())
    al = float((g.align_m - g.pred_align_m).abs().max())
    return spec.result(
        prediction="w_eff → w(τ); covariance as with w(τ)",
        measurement="; ".join(f"τ={tau:g}: |w_eff − w(τ)| {r.mean_abs_w:.4f} (bound "
                              f"{r.bound:.3f}), outlier {r['lambda']:.4f} vs {r.pred_lambda:.4f}, "
                              f"alignment {r.align_m:.3f} vs {r.pred_align_m:.3f}"
                              for tau, r in g.iterrows()),
        verdict=verdict_from(w_ok and pos_ok and al <= lim["align_tol"]),
        numbers={"worst_position_err": pos, "worst_align_err": al})


@CLAIMS.claim(
    "T-A6",
    source_kind="reconstruction",
    statement="Conventions (beyond the abstract): centred vs uncentred C, alignment "
    "with μ vs m.", source="beyond the paper (our reconstruction, "
    "reproductions/pooled_spectra/README.md), so the paper's convention can be matched",
    criterion="|⟨û, μ̂⟩|² within {mu_tol:g} of a₁a₂ θ/(θ + δ) for θ ≥ {above:g} θ_c2; the "
              "uncentred C has one more outlier than the centred C (its λ₂ above "
              "{edge_factor:g} × edge where the centred λ₂ is not)",
    mu_tol=0.03, above=1.5, edge_factor=1.03)
def _t_a6(spec, config, t):
    lim = spec.limits
    s = _class_correlation(t["spike"])
    if s.empty:
        return spec.no_data("no spike cells")
    m = _spike_means(s)
    dmax = m.d.max()
    extra = m[(m.d == dmax) & (m.theta >= lim["above"] * m.theta_c2)]
    big = extra[extra.theta > 0]
    mu_err = float((big.align_mu - big.pred_align_mu).abs().max())
    spiked = extra.uncentred_lambda_2 > lim["edge_factor"] * extra.edge
    more = bool((spiked & (extra.lambda_2 <= lim["edge_factor"] * extra.edge)).all())
    return spec.result(
        prediction="|⟨û, μ̂⟩|² = a₁a₂θ/(θ + δ); uncentred C: one extra spike",
        measurement=f"alignment with μ: worst error {mu_err:.3f} over {len(big)} points; "
                    f"uncentred C has an extra outlier at {int(spiked.sum())}/{len(extra)}"
                    f" points (λ₂/κ uncentred {extra.uncentred_lambda_2.mean():.3f} vs centred "
                    f"{extra.lambda_2.mean():.3f}, edge {extra.edge.mean():.3f})",
        verdict=verdict_from(mu_err <= lim["mu_tol"] and more, enough_data=len(big) > 0),
        numbers={"mu_align_err": mu_err, "uncentred_extra_spike": more},
        note="the extra uncentred spike comes from the table's mean (Σw)² c cᵀ, ‖c‖² ≈ δ")
