"""Claims T5–T10 of Koubbi, Hernandez, Boussard, arXiv 2402.15415 (T11, T1–T4 in
``claims.py``): the depth transition, rank, mean-field consistency, v1's phase diagram and
second-cluster time, and the β trend."""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from .._claims import INCONCLUSIVE, all_of, decide, surrogate_power
from . import claims as _first  # noqa: F401  (T11 and T1–T4 are declared before T5–T10)
from .claim_list import ABSTRACT, CLAIMS, RECON, fit_line, gate_failure

__all__ = ["CLAIMS", "depth_exponent", "rank_trend"]

BOOT = 400  # bootstrap resamples over seeds
V1 = "arXiv 2402.15415 v1 (its simulation notebook's numbers, as quoted in our spec)"


def _power_law(x, a, p, b):
    return a * x ** p + b


def depth_exponent(offset, t_star) -> float:
    """p of T* = a·(ε − g)^p + b for one seed, least squares with a > 0, p ∈ [−3, 0],
    0 ≤ b ≤ min T* (NaN below four finite points or if the fit fails)."""
    offset, t_star = np.asarray(offset, np.float64), np.asarray(t_star, np.float64)
    ok = np.isfinite(t_star)
    if ok.sum() < 4:
        return float("nan")
    x, y = offset[ok], t_star[ok]
    try:
        coef, _ = optimize.curve_fit(_power_law, x, y, p0=(float(np.median(x * y)), -1.0, 0.0),
                                     bounds=([1e-12, -3.0, 0.0], [np.inf, 0.0, float(y.min())]),
                                     maxfev=20000)
        return float(coef[1])
    except (RuntimeError, ValueError):
        return float("nan")


@CLAIMS.claim(
    "T5", source=ABSTRACT + " (depth transition); " + RECON, source_kind="reconstruction",
    statement="A phase transition in depth: past the gap, forgetting starts at a depth T* ≍ "
              "1/(ε − g) (critical slowing down); below it sup_t D stays bounded as depth grows.",
    criterion="T*: the last t at which mean_i ⟨x_i, v₂⟩² rises above {level} for good, "
              "on the seeds whose BASE cloud, at its own merge moment (mean ⟨x_i, x_j⟩² ≥ "
              "0.98), has mean ⟨x, v₁⟩² > {side_min} (the law's premise, decided on the base "
              "run alone; the others reported apart); exponent p of T* = a(ε − g)^p + b "
              "fitted per seed, mean over seeds ± 2 SE in [{exp_band[0]}, {exp_band[1]}]; "
              "below the gap sup_{{t≤T}} D / sup_{{t≤T/2}} D − 1 ≤ {growth_tol:g} for every "
              "run whose base cloud merged by ±v₁ (mean ⟨x, v₁⟩² ≥ {merged_min} at t = 10, "
              "as T4)",
    exp_band=(-1.2, -0.8), growth_tol=0.05, side_min=0.5, merged_min=0.9, level=0.9)
def _depth(spec, config, tables):
    why = gate_failure(tables)
    d = tables.get("depth")
    if why or d is None or d.empty:
        return spec.no_data(why or "no depth cells")
    premise = d.base_a1_own_merge > spec.limits["side_min"]  # NaN (never merged) → False
    direct = d[(d.offset > 0) & ~premise]
    above = d[(d.offset > 0) & premise]
    censored = int((~np.isfinite(above.t_star)).sum())
    per_seed = np.array([depth_exponent(g.offset, g.t_star) for _, g in above.groupby("seed")])
    per_seed = per_seed[np.isfinite(per_seed)]
    seeds = per_seed.size
    p_hat = float(per_seed.mean()) if seeds else float("nan")
    se = float(per_seed.std(ddof=1) / np.sqrt(seeds)) if seeds > 1 else float("nan")
    lo, hi = p_hat - 2 * se, p_hat + 2 * se
    below = d[(d.offset < 0) & (d.base_a1_merge >= spec.limits["merged_min"])]
    growth = (below.sup_full / below.sup_half - 1).to_numpy()
    v_exp = decide(lo, hi, spec.limits["exp_band"], enough_data=seeds >= 3)
    v_bounded = decide(growth.min(), growth.max(), (0.0, spec.limits["growth_tol"]),
                       enough_data=growth.size > 0)
    flat = direct.t_star[np.isfinite(direct.t_star)]
    return spec.result(prediction="p = −1; bounded below the gap",
                       measurement=f"p = {p_hat:.3f} [{lo:.3f}, {hi:.3f}] over "
                                   f"{seeds} seeds' fits (per-seed p "
                                   + ", ".join(f"{x:.2f}" for x in per_seed) + ") "
                                   f"({censored} runs not flipped by the horizon; "
                                   f"{direct.seed.nunique()} of {d.seed.nunique()} seeds set "
                                   f"apart: base merged on ±v₂'s side, their T* "
                                   + (f"{flat.min():.1f}–{flat.max():.1f}" if len(flat)
                                      else "none") + "); below the gap (base merged by ±v₁) "
                                   f"sup D grows by {growth.max():.2e} from T/2 to T",
                       verdict=all_of([v_exp, v_bounded]),
                       note="The first selection rule (T* at ½; kept runs whose LoRA cloud "
                            "merged on ±v₁'s side) was chosen after seeing the data and "
                            "selected on the outcome. The present rule (T* at 0.9; kept seeds "
                            "decided on the base run alone) was fixed by an independent second "
                            "reading before its held-out check (run seed 7: p = −0.999 "
                            "[−1.003, −0.994]).",
                       numbers={"exponent": p_hat, "low": lo, "high": hi, "seeds": seeds,
                                "growth_max": float(growth.max()) if growth.size else None})


def rank_trend(rank, ratio) -> float:
    """Slope of D/ε on log₂ r relative to the mean D/ε."""
    ratio = np.asarray(ratio, dtype=np.float64)
    return fit_line(np.log2(np.asarray(rank, dtype=np.float64)), ratio)[0] / float(ratio.mean())


def rank_interval(rank, ratio, rng, draws: int = 200) -> tuple[float, float]:
    """95% bootstrap interval of ``rank_trend``, resampling seeds within each rank."""
    rank, ratio = np.asarray(rank), np.asarray(ratio, dtype=np.float64)
    groups = [np.nonzero(rank == r)[0] for r in np.unique(rank)]
    boot = []
    for _ in range(draws):
        pick = np.concatenate([g[rng.integers(0, g.size, g.size)] for g in groups])
        boot.append(rank_trend(rank[pick], ratio[pick]))
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return float(lo), float(hi)


@CLAIMS.claim(
    "T6", source=RECON + " (the spec: rank enters only through norms)",
    source_kind="reconstruction",
    statement="At fixed ‖ΔV‖_op the drift does not depend on the LoRA rank r.",
    criterion="relative slope of D/ε per doubling of r (95% bootstrap over seeds) inside "
              "±{tol:g}; power: the same criterion on an ideal no-trend sample (the measured "
              "residuals shuffled across ranks); the fixed-Frobenius log-log slope reported",
    tol=0.1)
def _rank(spec, config, tables):
    why = gate_failure(tables)
    r = tables.get("rank")
    if why or r is None or r.empty:
        return spec.no_data(why or "no rank cells")
    op, fro = r[r.norm == "op"], r[r.norm == "fro"]
    tol = spec.limits["tol"]
    rank, ratio = op["rank"].to_numpy(), op.ratio.to_numpy()
    lo, hi = rank_interval(rank, ratio, np.random.default_rng(config.seed))
    trend = rank_trend(rank, ratio)

    # the ideal model: no trend by construction, the measured scatter (residuals about each
    # rank's mean, shuffled across ranks) around the overall mean
    means = {r: ratio[rank == r].mean() for r in np.unique(rank)}
    residuals = ratio - np.array([means[r] for r in rank])

    def ideal(rng):
        fake = ratio.mean() + rng.permutation(residuals)
        return decide(*rank_interval(rank, fake, rng), (-tol, tol)) == "reproduced"

    power = surrogate_power(ideal, draws=40, seed=config.seed)
    means = fro.groupby("rank").ratio.mean()
    fro_slope = fit_line(np.log(means.index), np.log(means.values))[0]
    return spec.result(prediction="no trend in r at fixed op-norm",
                       measurement=f"relative slope per doubling {trend:+.3f} [{lo:+.3f}, "
                                   f"{hi:+.3f}] over {op.seed.nunique()} seeds × ranks "
                                   f"{sorted(set(op['rank']))}; fixed-Frobenius log-log slope "
                                   f"{fro_slope:+.3f}",
                       verdict=decide(lo, hi, (-tol, tol)), power=power,
                       numbers={"trend": trend, "low": lo, "high": hi, "fro_slope": fro_slope})


@CLAIMS.claim(
    "T7", source=RECON + " (mean-field limit: the empirical measure solves the continuity "
                         "equation)", source_kind="reconstruction",
    statement="Mean-field consistency: the n-token drift D_n converges as n grows, "
              "|D_n − D_2n| shrinking ≈ √2 per doubling (n^{−½}).",
    criterion="log₂-slope of mean |D_n − D_2n| vs n (95% bootstrap over seeds) in "
              "[{slope_band[0]}, {slope_band[1]}], judged only where n reaches {n_min} "
              "(the GPU scale, n = 256…16384)", slope_band=(-0.7, -0.3), n_min=4096)
def _meanfield(spec, config, tables):
    why = gate_failure(tables)
    m = tables.get("meanfield")
    if why or m is None or m.empty or m.n.nunique() < 3:
        return spec.no_data(why or "fewer than three n in this run")
    ns = sorted(set(m.n))
    table = np.array([m[m.n == n].sort_values("seed").coupled.to_numpy() for n in ns])

    def slope(cols):
        diffs = np.abs(table[1:, cols] - table[:-1, cols]).mean(1)
        return fit_line(np.log2(ns[:-1]), np.log2(diffs))[0]

    S = table.shape[1]
    rng = np.random.default_rng(config.seed)
    boot = [slope(rng.integers(0, S, S)) for _ in range(BOOT)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    s_hat = slope(np.arange(S))
    measured = (f"log₂-slope {s_hat:+.3f} [{lo:+.3f}, {hi:+.3f}] over n = {ns[0]}…{ns[-1]} "
                f"({S} seeds)")
    if ns[-1] < spec.limits["n_min"]:
        return spec.no_data(measured + f"; full scale only (n up to 16384 on a GPU): this "
                                       f"scale stops at n = {ns[-1]}", prediction="−0.5")
    return spec.result(prediction="−0.5 (√2 per doubling)", measurement=measured,
                       verdict=decide(lo, hi, spec.limits["slope_band"]),
                       numbers={"slope": s_hat, "low": lo, "high": hi})


@CLAIMS.claim(
    "T8", source=V1, source_kind="secondary",
    statement="v1's phase diagram (ℝ², V = I → diag(1, 1 − ε), n = 20, dt = 0.1, δ = 0.1): "
              "tokens enter the base clusters at t ≈ 4–5 whatever ε, and leave at "
              "T_dep ≈ 0.535/ε.",
    criterion="on every cloud (x0 = RandomState(s).uniform(−1, 1), s ∈ the configured v1 "
              "seeds): entry times in [{entry_band[0]}, {entry_band[1]}]; wherever departure "
              "happens (≥ 3 ε with a finite T_dep), the log-log slope of T_dep vs ε (± 2 SE) "
              "in [{slope_band[0]}, {slope_band[1]}] and ε·T_dep within ±{c_tol:.0%} of {c_v1} "
              "for every ε; at least {min_clouds} clouds departing; the clouds that never "
              "depart reported", entry_band=(3.5, 5.5), slope_band=(-1.1, -0.9), c_v1=0.535,
    c_tol=0.15, min_clouds=2, v1_seed=42)
def _v1_diagram(spec, config, tables):
    why = gate_failure(tables)
    v = tables.get("v1")
    if why or v is None or v.empty:
        return spec.no_data(why or "no v1 cells")
    lim = spec.limits
    band = (lim["c_v1"] * (1 - lim["c_tol"]), lim["c_v1"] * (1 + lim["c_tol"]))
    verdicts = [decide(v.entry.min(), v.entry.max(), lim["entry_band"])]
    parts, never, slopes = [], [], {}
    for s, g in v.groupby("v1_seed"):
        gone = g[np.isfinite(g.departure)]
        if len(gone) < 3:
            never.append(int(s))
            continue
        slope, se, _ = fit_line(np.log(gone.eps), np.log(gone.departure))
        c = gone.c.to_numpy()
        verdicts += [decide(slope - 2 * se, slope + 2 * se, lim["slope_band"]),
                     decide(c.min(), c.max(), band)]
        slopes[int(s)] = slope
        parts.append(f"{int(s)}: slope {slope:.3f} ± {2 * se:.3f}, ε·T_dep "
                     f"{c.min():.3f}–{c.max():.3f}")
    verdict = all_of(verdicts) if len(slopes) >= lim["min_clouds"] else INCONCLUSIVE
    half = (v.departure_half_step / v.departure - 1).abs()
    return spec.result(
        prediction="entry 4–5; slope −1; ε·T_dep = 0.535",
        measurement=f"entry {v.entry.min():.1f}–{v.entry.max():.1f} over {v.v1_seed.nunique()} "
                    f"clouds; departing clouds — " + ("; ".join(parts) or "none")
                    + f"; never departing (< 3 ε): {never or 'none'} "
                    f"(dt/2 moves T_dep by ≤ {np.nanmax(half):.1%})",
        verdict=verdict,
        note=f"The 0.535 match on cloud {lim['v1_seed']} is one cloud; that cloud is "
             f"RandomState({lim['v1_seed']}), not v1's notebook cloud (its x0 was unseeded), "
             "and it is the same on every run seed (--seeds does not resample T8).",
        numbers={"slopes": slopes, "never_depart": never,
                 "entry_min": float(v.entry.min()), "entry_max": float(v.entry.max())})


@CLAIMS.claim(
    "T9", source=V1 + "; v1 abstract: 'an upper bound on the formation time of the second "
                      "cluster'", source_kind="secondary",
    statement="v1 bounds the time at which the second cluster forms after the LoRA "
              "perturbation.",
    criterion="measured time ≤ the bound where the bound is known; otherwise reported")
def _second_cluster(spec, config, tables):
    why = gate_failure(tables)
    v = tables.get("v1")
    if why or v is None or v.empty:
        return spec.no_data(why or "no v1 cells")
    gone = v[np.isfinite(v.departure)]
    return spec.no_data(
        f"v1's bound (its constants) is not in any text we could read, so nothing to compare "
        f"with; measured: departure from the base clusters in {len(gone)}/{len(v)} runs, "
        f"cluster count at the horizon {int(v.clusters_end.min())}–"
        f"{int(v.clusters_end.max())} vs the base's {int(v.base_clusters.min())}–"
        f"{int(v.base_clusters.max())}", prediction="unknown bound")


@CLAIMS.claim(
    "T10", source=RECON + " (β enters L and Δ)", source_kind="reconstruction",
    statement="How the time-to-deviation below the critical norm depends on the inverse "
              "temperature β (the spec's table said it grows; nothing we could read states it).",
    criterion="none (no stated prediction): Kendall τ between β and T_dev(δ) (censored at the "
              "horizon; 95% bootstrap over seeds) reported")
def _beta(spec, config, tables):
    why = gate_failure(tables)
    b = tables.get("beta")
    if why or b is None or b.empty:
        return spec.no_data(why or "no beta cells")
    t = np.where(np.isfinite(b.t_dev), b.t_dev, b.horizon)
    beta, seed = b.beta.to_numpy(), b.seed.to_numpy()

    def tau(rows):
        return stats.kendalltau(beta[rows], t[rows]).statistic

    seeds = np.unique(seed)
    by_seed = [np.nonzero(seed == s)[0] for s in seeds]
    rng = np.random.default_rng(config.seed)
    boot = [tau(np.concatenate([by_seed[i] for i in rng.integers(0, seeds.size, seeds.size)]))
            for _ in range(BOOT)]
    lo, hi = np.nanpercentile(boot, [2.5, 97.5])
    t_hat = tau(np.arange(len(b)))
    means = b.assign(t=t).groupby("beta").t.mean()
    return spec.result(prediction="none stated",
                       measurement=f"no stated prediction: the paper's text we could read says "
                                   f"nothing on β, and our bound log(1 + δL/Δ)/L falls with β "
                                   f"(L = 3 + 4β, Δ free of β); measured τ = {t_hat:+.3f} "
                                   f"[{lo:+.3f}, {hi:+.3f}]; mean T_dev by β: "
                                   + ", ".join(f"{k:g}: {x:.1f}" for k, x in means.items())
                                   + f" ({int(b.censored.sum())} censored)",
                       verdict=INCONCLUSIVE,
                       numbers={"tau": t_hat, "low": lo, "high": hi})
