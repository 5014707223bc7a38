"""T-A3 of Seddik, arXiv 2605.06826: two successive BBP-type transitions (population, then
sampling). Declared on ``claims.CLAIMS`` after T-A2; formulas: ``README.md``."""

from __future__ import annotations

import numpy as np

from .._claims import INCONCLUSIVE, all_of, decide, surrogate_power
from . import evidence as ev
from .claim_list import CLAIMS, POWER_DRAWS, SRC

BOOTSTRAP = 200  # resamples of the seeds for the finite-d threshold's interval


def _threshold_shift(s, c2: float, level: float, rng) -> tuple[float, float, float]:
    """|θ*(d_max) − θ_c2| − |θ*(d_min) − θ_c2|, θ* the first θ where the seed-mean sample
    alignment reaches ``level``: (estimate, 2.5%, 97.5%) over seed resamples."""
    ds = sorted(set(s.d))
    tables = {d: s[s.d == d].pivot_table(index="theta", columns="replicate",
                                         values="align_m") for d in (ds[0], ds[-1])}

    def shift(pick):
        thr = {d: ev.first_reach(t.index, pick(t).mean(axis=1), level)
               for d, t in tables.items()}
        return abs(thr[ds[-1]] - c2) - abs(thr[ds[0]] - c2)

    if min(t.shape[1] for t in tables.values()) < 2:  # one seed: no interval
        return float("nan"), float("nan"), float("nan")
    est = shift(lambda t: t)
    boot = [shift(lambda t: t.iloc[:, rng.integers(0, t.shape[1], t.shape[1])])
            for _ in range(BOOTSTRAP)]
    boot = np.asarray(boot, dtype=np.float64)
    if not np.isfinite(est) or not np.isfinite(boot).all():
        return est, float("nan"), float("nan")
    return est, float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975))


@CLAIMS.claim(
    "T-A3",
    source_kind="paper",
    statement="Two successive BBP-type transitions (population, then sampling), "
    "θ_c1 < θ_c2.", source=SRC,
    criterion="at d ≥ {d_decide}, per weights, errors weighted over the θ points (inverse "
              "variance) ± {se_mult:g} SE (no single point's seed mean ± {se_mult:g} SE outside): "
              "population "
              "Σ_E = κW + α m mᵀ "
              "outlier within {pop_rel_tol:.0%} of ℓ and alignment within {a1_tol:g} of a₁ for "
              "θ ≥ {above:g} θ_c1, none (λ₁ ≤ {edge_factor:g} × the MP_δ edge) for θ ≤ "
              "{below:g} θ_c1; θ_c1 < θ_c2 for every weights; at grid points θ_c1 < θ < θ_c2 "
              "the population eigenvector carries m (alignment ≥ a₁/{carry_divisor:g}) and the "
              "sample's does not (≤ {window_max:g}); the finite-d threshold (first θ with sample "
              "alignment ≥ {level:g}) closer to θ_c2 at the largest d than at the smallest "
              "(95% seed-bootstrap interval)",
    pop_rel_tol=0.03, a1_tol=0.05, above=1.5, below=0.7, edge_factor=1.03, carry_divisor=2,
    window_max=0.1, level=0.1, se_mult=3, d_decide=1000)
def _t_a3(spec, config, t):
    lim = spec.limits
    k = lim["se_mult"]
    s = ev.class_correlation(t["spike"])
    if s.empty:
        return spec.no_data("no spike cells")
    m = ev.spike_means(s)
    dmax = int(m.d.max())
    rng = np.random.default_rng(config.seed)
    per, verdicts, pop_points = {}, [], []
    for w, g in m.groupby("weights"):
        c1, c2 = float(g.theta_c1.iloc[0]), float(g.theta_c2.iloc[0])
        big = g[g.d == dmax]
        above = big[big.theta >= lim["above"] * c1]
        below = big[big.theta <= lim["below"] * c1]
        window = big[(big.theta > c1) & (big.theta < c2)]
        checks = {
            "population outlier": ev.pooled_verdict(
                above.pop_lambda / above.pred_pop_lambda - 1,
                above.pop_lambda_se / above.pred_pop_lambda, k,
                (-lim["pop_rel_tol"], lim["pop_rel_tol"])),
            "a1": ev.pooled_verdict(above.pop_align_m - above.pred_a1, above.pop_align_m_se, k,
                                    (-lim["a1_tol"], lim["a1_tol"])),
            "no population outlier below": ev.pooled_verdict(
                below.pop_lambda / below.pop_edge, below.pop_lambda_se / below.pop_edge, k,
                (-np.inf, lim["edge_factor"])),
            "θ_c1 < θ_c2": decide(c2 - c1, c2 - c1, (0.0, np.inf)),
            "window": INCONCLUSIVE if window.empty else all_of(
                ev.interval_verdicts(window.pop_align_m - window.pred_a1 / lim["carry_divisor"],
                                     window.pop_align_m_se, k, (0.0, np.inf))
                + ev.interval_verdicts(window.align_m, window.align_m_se, k,
                                       (-np.inf, lim["window_max"])))}
        raw = s[s.weights == w]
        shift = (_threshold_shift(raw, c2, lim["level"], rng) if raw.d.nunique() > 1
                 else (float("nan"),) * 3)
        checks["threshold → θ_c2"] = decide(shift[1], shift[2], (-np.inf, 0.0))
        thresholds = {int(d): ev.first_reach(h.sort_values("theta").theta,
                                             h.sort_values("theta").align_m, lim["level"])
                      for d, h in g.groupby("d")}
        verdicts += list(checks.values())
        pop_points.append(above)
        per[w] = {"theta_c1": c1, "theta_c2": c2, "window_points": len(window),
                  "window_align": window.align_m.round(3).tolist(),
                  "finite_d_threshold": thresholds, "shift": shift, "checks": checks}

    def draw(rng):  # ideal population: seed means normal around ℓ and a₁, measured SE
        out = []
        for a in pop_points:
            rel_se = a.pop_lambda_se / a.pred_pop_lambda
            out += [ev.pooled_verdict(rng.normal(0.0, rel_se), rel_se, k,
                                      (-lim["pop_rel_tol"], lim["pop_rel_tol"])),
                    ev.pooled_verdict(rng.normal(0.0, a.pop_align_m_se), a.pop_align_m_se, k,
                                      (-lim["a1_tol"], lim["a1_tol"]))]
        return ev.passes(out)

    decided = dmax >= lim["d_decide"]
    text = "; ".join(
        f"{w}: θ_c1 {v['theta_c1']:.3f} < θ_c2 {v['theta_c2']:.3f}; window points "
        f"{v['window_points']} (sample alignment {v['window_align']}); alignment-"
        f"{lim['level']:g} threshold by d: "
        + ", ".join(f"{d}: {x:.2f}" for d, x in v["finite_d_threshold"].items())
        + f" (distance to θ_c2 changes by {v['shift'][0]:+.3f}, 95% [{v['shift'][1]:+.3f}, "
          f"{v['shift'][2]:+.3f}]); " + ", ".join(f"{c} {r}" for c, r in v["checks"].items())
        for w, v in per.items())
    if not decided:
        text += (f"; largest d here {dmax} < {lim['d_decide']}: decided at --scale medium")
    return spec.result(
        prediction="θ_c1 < θ_c2; population spike first", measurement=text,
        verdict=all_of(verdicts) if decided else INCONCLUSIVE,
        power=surrogate_power(draw, draws=POWER_DRAWS, seed=config.seed) if decided else None,
        numbers={"per_weights": per, "d": dmax},
        note=f"population checks at d = {dmax}. A weighting whose window θ_c1 < θ < θ_c2 holds "
             "no grid point cannot decide the window check (inconclusive). The power covers the "
             "population checks (the window's finite-d sample alignment has no ideal model).")
