"""T-A4 (optimal weights), T-A4b (harmonic vs mean, one claim per R family), T-A5 (attention
realises the harmonic weights) and T-A6 (conventions) of Seddik, arXiv 2605.06826. Declared on
``claims.CLAIMS`` after T-A3; formulas: ``reproductions/pooled_spectra/README.md``."""

from __future__ import annotations

import numpy as np

from .._claims import (
    INCONCLUSIVE,
    NOT_REPRODUCED,
    all_of,
    decide,
    surrogate_power,
    verdict_from,
)
from . import evidence as ev
from .claim_list import CLAIMS, POWER_DRAWS, SPIKE_TOLERANCES, SRC

_ROUNDING = 1e-12  # slack for a bound met with equality up to float rounding


@CLAIMS.claim(
    "T-A4",
    source_kind="paper",
    statement="SNR-optimal pooling weights are the top eigenvector of R.", source=SRC,
    criterion="α/κ ≤ λ_max(R) for 10⁴ random w in every R family and profile; equality at the "
              "top eigenvector ({equality_tol:g}); simulated alignments (largest d, θ ≥ the "
              "largest θ_c2, where every weighting has an outlier) order the weights as α/κ "
              "does: at least one adjacent pair per R family ahead by > {pair_se:g} SE, none "
              "behind by > {against_se:g} SE (that alone → not reproduced)",
    equality_tol=1e-12, pair_se=2, against_se=3)
def _t_a4(spec, config, t):
    lim = spec.limits
    des, s = t["design"], t["spike"]
    bound_ok = int(des.random_violations.sum()) == 0
    eq = float((des.optimal_alpha_over_kappa - des.lambda_max_R).abs().max())
    order_ok, diffs, unresolved = None, {}, []
    known = []  # per resolved adjacent pair in α/κ order: is the larger one ahead?
    if not s.empty and {"optimal", "mean", "harmonic"} <= set(s.weights):
        for family, f in s.groupby("family"):
            dmax = f.d.max()
            c2max = float(f.theta_c2.max())
            zone = f[(f.d == dmax) & (f.theta >= c2max)]  # every weighting has an outlier
            piv = zone.pivot_table(index=["theta", "replicate"], columns="weights",
                                   values="align_m")
            ak = f.groupby("weights").alpha_over_kappa.first().sort_values(ascending=False)
            order = list(ak.index)  # by α/κ, largest first
            resolved = []
            for hi, lo in zip(order[:-1], order[1:], strict=True):
                diff = ((piv[hi] - piv[lo]).dropna().to_numpy() if {hi, lo} <= set(piv)
                        else np.array([]))
                if diff.size < 2:
                    continue  # no transition-zone points for this pair (said below)
                mean, se = float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(diff.size))
                diffs[f"{family}: {hi}-{lo}"] = {"mean": mean, "se": se,
                                                 "alpha_over_kappa": [float(ak[hi]),
                                                                      float(ak[lo])]}
                # support at pair_se SE; a contradiction only at against_se SE (four pairs:
                # under exact ties, 2 SE would call ~5% of runs "not reproduced")
                if mean - lim["pair_se"] * se > 0:
                    resolved.append(True)
                elif mean + lim["against_se"] * se < 0:
                    resolved.append(False)
            if not resolved:
                unresolved.append(f"{family} (θ ≥ {c2max:.2f} at d = {dmax}: "
                                  f"{len(piv)} points)")
            known += resolved
        # in every family, at least one resolved difference, and each follows α/κ
        order_ok = all(known) if not unresolved else None
    # a violated bound or a resolved pair against α/κ decides alone; else every family must
    # have resolved its ordering
    contradicted = not bound_ok or eq > lim["equality_tol"] or not all(known)
    return spec.result(
        prediction="α/κ ≤ λ_max(R), equality at the top eigenvector",
        measurement=f"{int(des.random_violations.sum())} violations over "
                    f"{len(des)} × {config.design_random_w} random w; |α/κ(optimal) − λ_max| ≤ "
                    f"{eq:.1e}; simulated alignment differences in the transition zone (mean ± "
                    "SE over θ and seeds): "
                    + ", ".join(f"{k} {v['mean']:+.3f} ± {v['se']:.3f}"
                                for k, v in diffs.items())
                    + (f"; no difference resolved beyond {lim['pair_se']:g} SE in: "
                       + ", ".join(unresolved) if unresolved else ""),
        verdict=NOT_REPRODUCED if contradicted else verdict_from(order_ok),
        numbers={"equality_err": eq, "alignment_diffs": diffs, "unresolved": unresolved},
        note="" if order_ok is not None else
        f"an R family without a difference resolved beyond {lim['pair_se']:g} SE in the "
        "simulation: its ordering is untested here, so inconclusive")


def _harmonic_vs_mean(spec, config, t, family: str, why: str):
    """T-A4b on one R family: the smallest margin harmonic α/κ − mean α/κ over the decreasing
    ρ profiles (exact theory, no noise: decided on the number itself)."""
    des = t["design"]
    g = des[des.decreasing & (des.family == family)]
    if g.empty:
        return spec.no_data(f"no decreasing profile of the {family} family")
    margin = g.harmonic_alpha_over_kappa - g.mean_alpha_over_kappa
    worst = float(margin.min())
    cases = [f"{r.profile} {r.rho_start}→{r.rho_end}: harmonic "
             f"{r.harmonic_alpha_over_kappa:.2f} vs mean {r.mean_alpha_over_kappa:.2f}"
             for r in g.itertuples()]
    return spec.result(
        prediction="harmonic > mean for decreasing profiles",
        measurement=f"{family} ({'holds' if worst > 0 else 'FAILS'}): " + ", ".join(cases),
        verdict=decide(worst, worst, (0.0, np.inf)),
        numbers={"worst_margin": worst, "cases": cases},
        note=f"T = {config.design_T}, τ = 0 harmonic weights. {why}")


_T_A4B = dict(source_kind="paper", source=SRC, exact=True,
              criterion="harmonic α/κ − mean α/κ > 0 for every decreasing ρ profile (linear "
                        "0.9→0.3, 0.3→0.1, exponential 0.9→0.1), exact")


@CLAIMS.claim("T-A4b-diagonal", statement="Harmonic weights (from causal self-attention) beat "
              "mean pooling whenever early tokens carry more signal — diagonal R = diag(ρ).",
              **_T_A4B)
def _t_a4b_diagonal(spec, config, t):
    return _harmonic_vs_mean(spec, config, t, "diagonal",
                             "Under a diagonal R, α/κ = Σρ_t w_t²/Σw_t² and the claim is "
                             "Chebyshev's sum inequality (decreasing ρ, decreasing harmonic w): "
                             "a theorem.")


@CLAIMS.claim("T-A4b-class-correlation", statement="Harmonic weights (from causal "
              "self-attention) beat mean pooling whenever early tokens carry more signal — "
              "class-correlation R = ρρᵀ + diag(1 − ρ²).", **_T_A4B)
def _t_a4b_class_correlation(spec, config, t):
    return _harmonic_vs_mean(spec, config, t, "class-correlation",
                             "Under R = ρρᵀ + diag(1 − ρ²) the cross terms ρ_sρ_t reward "
                             "spreading the weight: mean pooling wins for the linear decreasing "
                             "profiles (0.9→0.3: α/κ 6.37 mean vs 5.34 harmonic), harmonic wins "
                             "for the steep exponential one.")


@CLAIMS.claim(
    "T-A5",
    source_kind="paper",
    statement="Parameter-free causal self-attention with τ/d scaling realises the "
    "deterministic harmonic weights.", source=SRC,
    criterion="real causal attention on table embeddings, seed means ± {se_mult:g} SE: "
              "mean |w_eff − w_s(τ)| ≤ {w_bound:g}·τ/(T√d) for every τ; its pooled "
              "covariance's outlier within {rel_tol:.0%} and alignment within {align_tol:g} of "
              "the theory with w(τ), weighted over τ (T-A2's criterion)",
    w_bound=1, **SPIKE_TOLERANCES)
def _t_a5(spec, config, t):
    lim = spec.limits
    k = lim["se_mult"]
    a = t["attention"]
    if a.empty:
        return spec.no_data("no attention cells")
    T = config.spike_T
    a = a.assign(bound=lim["w_bound"] * a.tau / (T * np.sqrt(a.d)),
                 rel=a["lambda"] / a.pred_lambda - 1, al=a.align_m - a.pred_align_m)
    g = a.groupby("tau")
    mean = g[["mean_abs_w", "bound", "lambda", "pred_lambda", "align_m", "pred_align_m",
              "rel", "al"]].mean()
    se = g[["mean_abs_w", "rel", "al"]].std(ddof=1).div(np.sqrt(g.size()), axis=0)
    w_v = [ev.within(mean.mean_abs_w[x], se.mean_abs_w[x], k, (-np.inf, mean.bound[x]))
           for x in mean.index]
    pos_v = [ev.pooled_verdict(mean.rel, se.rel, k, (-lim["rel_tol"], lim["rel_tol"]))]
    al_v = [ev.pooled_verdict(mean.al, se.al, k, (-lim["align_tol"], lim["align_tol"]))]

    def draw(rng):  # ideal: exact harmonic weights, covariance seed means at the prediction
        return ev.passes([
            ev.pooled_verdict(rng.normal(0, se.rel), se.rel, k,
                              (-lim["rel_tol"], lim["rel_tol"])),
            ev.pooled_verdict(rng.normal(0, se.al), se.al, k,
                              (-lim["align_tol"], lim["align_tol"]))])

    return spec.result(
        prediction="w_eff → w(τ); covariance as with w(τ)",
        measurement="; ".join(f"τ={tau:g}: |w_eff − w(τ)| {r.mean_abs_w:.4f} (bound "
                              f"{r.bound:.4f}), outlier {r['lambda']:.4f} vs {r.pred_lambda:.4f}, "
                              f"alignment {r.align_m:.3f} vs {r.pred_align_m:.3f}"
                              for tau, r in mean.iterrows()),
        verdict=all_of(w_v + pos_v + al_v),
        power=surrogate_power(draw, draws=POWER_DRAWS, seed=config.seed),
        numbers={"worst_position_err": float(mean.rel.abs().max()),
                 "worst_align_err": float(mean.al.abs().max()),
                 "weights": all_of(w_v), "position": all_of(pos_v), "alignment": all_of(al_v)},
        note="The weight bound is the size of the finite-d error: a score τ⟨e_s, e_t⟩/d "
             "fluctuates by O(τ/√d) and moves weights of size 1/T by that fraction, so "
             "|w_eff − w(τ)| ~ c·τ/(T√d) with c ≈ 0.3–0.4 measured at d = 400; mean pooling "
             "in place of w(τ) misses it by an order of magnitude. (The earlier bound 5τ/√d "
             "exceeded the largest possible deviation, 2/T, for τ ≥ 1 at d = 400.)")


@CLAIMS.claim(
    "T-A6",
    source_kind="reconstruction",
    statement="Conventions (beyond the abstract): centred vs uncentred C, alignment "
    "with μ vs m.", source="beyond the paper (our reconstruction, "
    "reproductions/pooled_spectra/README.md), so the paper's convention can be matched",
    criterion="at d ≥ {d_decide}, weighted over the θ points (inverse variance) ± {se_mult:g} "
              "SE: |⟨û, μ̂⟩|² "
              "within {mu_tol:g} of a₁a₂ θ/(θ + δ) for θ ≥ {above:g} θ_c2; the uncentred C has "
              "one more outlier than the centred C (its λ₂ above {edge_factor:g} × edge where "
              "the centred λ₂ is not)",
    mu_tol=0.03, above=1.5, edge_factor=1.03, se_mult=3, d_decide=1000)
def _t_a6(spec, config, t):
    lim = spec.limits
    k = lim["se_mult"]
    s = ev.class_correlation(t["spike"])
    if s.empty:
        return spec.no_data("no spike cells")
    m = ev.spike_means(s)
    dmax = int(m.d.max())
    extra = m[(m.d == dmax) & (m.theta >= lim["above"] * m.theta_c2)]
    big = extra[extra.theta > 0]
    mu_v = [ev.pooled_verdict(big.align_mu - big.pred_align_mu, big.align_mu_se, k,
                              (-lim["mu_tol"], lim["mu_tol"]))]
    spike_v = [ev.pooled_verdict(extra.uncentred_lambda_2 / extra.edge,
                                 extra.uncentred_lambda_2_se / extra.edge, k,
                                 (lim["edge_factor"], np.inf)),
               ev.pooled_verdict(extra.lambda_2 / extra.edge, extra.lambda_2_se / extra.edge,
                                 k, (-np.inf, lim["edge_factor"]))]

    def draw(rng):
        return ev.passes([ev.pooled_verdict(rng.normal(0, big.align_mu_se), big.align_mu_se,
                                            k, (-lim["mu_tol"], lim["mu_tol"]))])

    decided = dmax >= lim["d_decide"] and len(big) > 0
    mu_err = float((big.align_mu - big.pred_align_mu).abs().max())
    text = (f"alignment with μ: worst error {mu_err:.3f} over {len(big)} points "
            f"({all_of(mu_v)}); uncentred λ₂/κ {extra.uncentred_lambda_2.mean():.3f} vs centred "
            f"{extra.lambda_2.mean():.3f}, edge {extra.edge.mean():.3f} ({all_of(spike_v)})")
    if dmax < lim["d_decide"]:
        text += f"; largest d here {dmax} < {lim['d_decide']}: decided at --scale medium"
    return spec.result(
        prediction="|⟨û, μ̂⟩|² = a₁a₂θ/(θ + δ); uncentred C: one extra spike",
        measurement=text, verdict=all_of(mu_v + spike_v) if decided else INCONCLUSIVE,
        power=surrogate_power(draw, draws=POWER_DRAWS, seed=config.seed) if decided else None,
        numbers={"mu_align_err": mu_err, "mu": all_of(mu_v), "extra_spike": all_of(spike_v),
                 "d": dmax},
        note="the extra uncentred spike comes from the table's mean (Σw)² c cᵀ, ‖c‖² ≈ δ; "
             f"judged at d = {dmax}")
