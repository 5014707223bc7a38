"""Claims B1–B8 of the query-learning reproduction and their judges, one declaration each.

Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv 2601.16873.
Only the abstract and the opening of the introduction were readable to us; the theorems,
algorithms and constants were not. The claims are the abstract's, the algorithms and criteria
are our reconstruction, and every verdict says so. ``reproductions/query_learning/README.md``
says what each claim assumes and why each criterion is what it is.

Every number a criterion quotes is a keyword limit of its declaration, read back from
``spec.limits`` by the judge (or, for the two thresholds that define a table's columns, taken
from the constant :mod:`.tables` uses), so the prose and the code cannot drift apart.
"""

from __future__ import annotations

import numpy as np

from .._claims import INCONCLUSIVE, ClaimList, verdict_from
from .config import Config
from .tables import LOST_AT, PREDICTED_EXPONENTS, SUCCESS_LEVEL

__all__ = ["CLAIMS"]

_SRC = ("arXiv 2601.16873 (abstract; algorithm reconstructed, see "
        "reproductions/query_learning/README.md)")
_OURS = "beyond the paper (our addition, see reproductions/query_learning/README.md)"

CLAIMS = ClaimList()


@CLAIMS.claim(
    "B1",
    source_kind="paper",
    statement="An elementary algorithm learns a single-head softmax attention regressor "
    "exactly with O(d²) value queries (d² + d in the reconstruction).", source=_SRC,
    criterion="the oracle's own count == d² + d for every run; max length {max_length}; "
    "relative Frobenius error of Ŵ ≤ {tol:g} in float64",
    max_length=2, tol=1e-9)
def _b1(spec, config: Config, t: dict):
    e = t["exact"]
    limits = spec.limits
    counts_ok = bool((e.queries == e.d2_plus_d).all())
    worst = float(e.err_W.max())
    per_d = e.groupby("d").err_W.max()
    scales = ", ".join(f"{s:g}" for s in sorted(e.s.unique()))
    grid = (f"W ~ N(0, s²/d), v ~ N(0, I) with s ∈ {{{scales}}}, {e.seed.nunique()} seeds "
            f"per (d, s)." if len(e) else "")
    return spec.result(
        prediction="queries = d² + d; error at rounding level",
        measurement=f"{len(e)} runs, d ∈ {{{', '.join(map(str, sorted(e.d.unique())))}}}: "
                    f"query count == d² + d in {int((e.queries == e.d2_plus_d).sum())}/"
                    f"{len(e)}; max length {int(e.max_length.max())}; worst relative error "
                    f"{worst:.1e} (largest entrywise {float(e.max_entry_err_W.max()):.1e})",
        verdict=verdict_from(counts_ok and int(e.max_length.max()) == limits["max_length"]
                             and worst <= limits["tol"], enough_data=len(e) > 0),
        numbers={"runs": len(e), "worst_rel_err": worst,
                 "worst_rel_err_by_d": per_d.to_dict(),
                 "queries_by_d": e.groupby("d").queries.first().to_dict()},
        note=grid)


@CLAIMS.claim(
    "B2",
    source_kind="reconstruction",
    statement="Precision and conditioning (beyond the paper): unit probes break where "
    "σ rounds, adaptive probes do not.", source=_OURS,
    criterion="adaptive probes never give NaN/inf; unit probes lose W (max relative entry "
    "error ≥ {lost_at:g} or non-finite) at z* within ±{breakdown_tol:.0%} of ln(2/ε_mach) for "
    "{dtypes[0]}, {dtypes[1]}, {dtypes[2]} (the spec's three; bfloat16 is reported); error "
    "before breakdown within {first_order:g}× of the first-order prediction (median ratio)",
    lost_at=LOST_AT, breakdown_tol=0.15, dtypes=("float64", "float32", "float16"),
    first_order=10)
def _b2(spec, config: Config, t: dict):
    b = t["breakdown"]
    if b.empty:
        return spec.no_data("no precision cells")
    limits = spec.limits
    no_nan = int(b.adaptive_nonfinite.sum()) == 0
    judged = b[b.dtype.isin(limits["dtypes"])]  # the spec states ln(2/ε) for these three only
    within = (judged.measured_over_pred - 1).abs() <= limits["breakdown_tol"]
    factor = limits["first_order"]
    first = ((b.median_err_over_first_order >= 1 / factor)
             & (b.median_err_over_first_order <= factor))
    text = "; ".join(f"{r.dtype}: z* {r.breakdown_measured:.1f} vs {r.breakdown_pred:.1f} "
                     f"({r.measured_over_pred:.2f}×), "
                     f"err/first-order {r.median_err_over_first_order:.2f}"
                     for r in b.itertuples())
    return spec.result(
        prediction="z* = ln(2/ε): " + ", ".join(f"{r.dtype} {r.breakdown_pred:.1f}"
                                                 for r in b.itertuples()),
        measurement=f"{text}; adaptive: {int(b.adaptive_nonfinite.sum())} non-finite entries, "
                    f"worst relative error {float(b.adaptive_max_rel_err.max()):.1e}, "
                    f"{float(b.adaptive_query_factor.max()):.2f}× the unit probes' queries",
        verdict=verdict_from(no_nan and bool(within.all()) and bool(first.all()),
                             enough_data=bool(np.isfinite(b.breakdown_measured).all())),
        numbers={"per_dtype": b.set_index("dtype").to_dict(orient="index")},
        note=("" if np.isfinite(b.breakdown_measured).all() else
              "some dtype never broke on the logit grid: inconclusive. ")
        + f"The z grid steps by 8%, so z* is known to ±8%. The adaptive probes' worst error "
          f"({float(b.adaptive_max_rel_err.max()):.1e}, "
          f"{b.loc[b.adaptive_max_rel_err.idxmax(), 'dtype']}) is at the dtype's own precision.")


@CLAIMS.claim(
    "B3",
    source_kind="paper",
    statement="With head dimension r ≪ d, O(rd) queries suffice (compressed sensing).",
    source=_SRC,
    criterion="success (‖Ŵ − W‖_F/‖W‖_F ≤ {success_tol:g}) ≥ {level:.0%} from m = C·r(2d − r) "
    "on, for every (d, r) and solver (C = the transition on the grid, reported); C varies "
    "≤ {spread:g}× across (d, r) (collapse on m/[r(2d − r)]); at r ≤ {small_rank} the total "
    "queries d + m ≤ {fraction:g}·(d² + d)",
    success_tol=1e-6, level=SUCCESS_LEVEL, spread=2, small_rank=2, fraction=0.5)
def _b3(spec, config: Config, t: dict):
    tr = t["transitions"]
    if tr.empty:
        return spec.no_data("no low-rank cells")
    limits = spec.limits
    per_method, ok = {}, True
    for method, g in tr.groupby("method"):
        found = bool(np.isfinite(g.C).all())
        spread = float(g.C.max() / g.C.min()) if found else float("nan")
        small = g[g.r <= limits["small_rank"]]
        few = bool((small.fraction_of_exact <= limits["fraction"]).all()) if found else False
        per_method[method] = {"C": float(g.C.max()), "C_min": float(g.C.min()),
                              "spread": spread, "all_found": found,
                              "fraction_of_exact_r_le_2": small.fraction_of_exact.tolist()}
        ok &= found and spread <= limits["spread"] and (few or method != "factored")
    text = "; ".join(f"{m}: C = {v['C']:.2f} (range {v['C_min']:.2f}–{v['C']:.2f}, spread "
                     f"{v['spread']:.2f}×, "
                     f"{'all (d, r) found' if v['all_found'] else 'some (d, r) never reach 95%'})"
                     for m, v in per_method.items())
    fac = tr[tr.method == "factored"]
    fractions = ", ".join(f"d={r.d} r={r.r}: {r.fraction_of_exact:.2f}" for r in fac.itertuples())
    # a run whose cells called a looser error "success" cannot show the criterion's rate
    strict_enough = config.success_tol <= limits["success_tol"]
    return spec.result(
        prediction="a transition at m = C·r(2d − r), C independent of d and r",
        measurement=f"{text}. Queries at C as a fraction of d² + d (factored): {fractions}",
        verdict=verdict_from(ok, enough_data=tr.d.nunique() >= 2 and strict_enough),
        numbers={"per_method": per_method, "transitions": tr.to_dict(orient="records")},
        note="Judged on every solver. The factored solver (Levenberg–Marquardt on W = A Bᵀ, "
             "30 iterations) runs at every d; nuclear-norm minimisation (ADMM, 600 iterations) "
             "only at small d, where C·r(2d − r) reaches d² at large r (then any linear solve "
             "succeeds), so its C is not comparable across r there.")


@CLAIMS.claim(
    "B4",
    source_kind="secondary",
    statement="With outputs known only up to an additive tolerance τ, ε-accurate "
    "estimates need polynomially many queries, under norm and margin conditions.",
    source=_SRC + "; scaling ‖W‖² d/μ from secondary notes",
    criterion="log-log slope of error vs τ = {tau_exponent:g} ± {tau_tol:g} for uniform, "
    "Gaussian and adversarial noise; max entry error ≤ our first-order bound (bounded noise); "
    "slopes vs ‖W‖, d, μ within ±{exponent_tol:g} of {norm_exponent:g}, {dim_exponent:g}, "
    "{margin_exponent:g}; averaging R repeats: slope {repeats_exponent:g} ± {repeats_tol:g} "
    "for random noise; unscaled probes ≥ {blowup:g}× worse (or non-finite) at the largest ‖W‖",
    tau_exponent=PREDICTED_EXPONENTS["tau"], tau_tol=0.05, exponent_tol=0.15,
    norm_exponent=PREDICTED_EXPONENTS["norm"], dim_exponent=PREDICTED_EXPONENTS["dim"],
    margin_exponent=PREDICTED_EXPONENTS["margin"],
    repeats_exponent=PREDICTED_EXPONENTS["repeats"], repeats_tol=0.1, blowup=10)
def _b4(spec, config: Config, t: dict):
    n, fits = t["noise"], t["noise_fits"]
    if fits.empty:
        return spec.no_data("no noise cells")
    limits = spec.limits
    scaled = n[n.scaled]
    tau = fits[fits.sweep == "tau"]
    tau_ok = (bool(((tau.slope - limits["tau_exponent"]).abs() <= limits["tau_tol"]).all())
              and len(tau) == 3)
    bounded = scaled[scaled.noise.isin(["uniform", "adversarial"])]
    ratio = float((bounded.err_max / bounded.entry_bound).max())
    bound_ok = ratio <= 1
    dep = fits[fits.sweep.isin(["norm", "dim", "margin"]) & (fits.noise == "uniform")]
    expected = dep.sweep.map({"norm": limits["norm_exponent"], "dim": limits["dim_exponent"],
                              "margin": limits["margin_exponent"]})
    dep_ok = (bool(((dep.slope - expected).abs() <= limits["exponent_tol"]).all())
              and len(dep) == 3)
    rep = fits[(fits.sweep == "repeats") & fits.noise.isin(["uniform", "gaussian"])]
    rep_ok = (bool(((rep.slope - limits["repeats_exponent"]).abs()
                    <= limits["repeats_tol"]).all()) and len(rep) == 2)
    big = n[(n.sweep.isin(["norm", "unscaled"])) & (n.norm == n.norm.max())]
    worse = big[~big.scaled].err_fro.mean() / big[big.scaled].err_fro.mean()
    blow_ok = bool(not np.isfinite(worse) or worse >= limits["blowup"])
    slopes = {f"{r.sweep}:{r.noise}": round(float(r.slope), 3) for r in fits.itertuples()}
    measured = ("slope vs τ: " + ", ".join(f"{r.noise} {r.slope:.3f}" for r in tau.itertuples())
                + f"; max entry error / bound {ratio:.2f}; slopes vs ‖W‖, d, μ: "
                + ", ".join(f"{r.sweep} {r.slope:+.2f} (pred {r.predicted:+.0f})"
                            for r in dep.itertuples())
                + "; vs R: " + ", ".join(f"{r.noise} {r.slope:+.2f}"
                                         for r in fits[fits.sweep == "repeats"].itertuples())
                + f"; unscaled/scaled error at ‖W‖ = {n.norm.max():g}: {worse:.3g}")
    note = ("The learner and its bound are ours (scaled probes, logits in [−½, ½]); the "
            "paper's theorem and constants were not found. Linear-in-τ error under a bound is "
            "the abstract's claim; the exponents test the spec's ‖W‖²d/μ reading.")
    return spec.result(
        prediction="slope 1 in τ; ‖W‖² d / μ; R^{-½}",
        measurement=measured,
        verdict=verdict_from(tau_ok and bound_ok and dep_ok and rep_ok and blow_ok,
                             enough_data=bool(np.isfinite(fits.slope).all())),
        numbers={"slopes": slopes, "tau_ok": tau_ok, "bound_ok": bound_ok,
                 "bound_ratio": ratio, "dependences_ok": dep_ok, "averaging_ok": rep_ok,
                 "unscaled_over_scaled": float(worse), "blow_up_ok": blow_ok},
        note=note)


@CLAIMS.claim(
    "B5",
    source_kind="secondary",
    statement="Given a learner for ReLU FFNs, the single-head algorithm extends to a "
    "one-layer single-head transformer.",
    source=_SRC + "; the f(X) − f(−X) reduction from secondary notes",
    criterion="f(X) − f(−X) equals a single head with v_eff = VᵀMᵀu to ≤ {identity_tol:g} "
    "(relative); recovery of W and v_eff to ≤ {tol:g} with exactly 2(d² + d) queries",
    identity_tol=1e-12, tol=1e-9)
def _b5(spec, config: Config, t: dict):
    tf = t["transformer"]
    limits = spec.limits
    ident = float(tf.identity_rel.max())
    counts = bool((tf.queries == tf.expected_queries).all())
    err = float(max(tf.err_W.max(), tf.err_v.max()))
    return spec.result(
        prediction="identity exact; 2(d² + d) queries",
        measurement=f"{len(tf)} transformers, d ≤ {int(tf.d.max())}: identity residual "
                    f"{ident:.1e}; queries == 2(d² + d) in "
                    f"{int((tf.queries == tf.expected_queries).sum())}"
                    f"/{len(tf)}; worst error of Ŵ, v̂_eff {err:.1e}",
        verdict=verdict_from(ident <= limits["identity_tol"] and counts
                             and err <= limits["tol"], enough_data=len(tf) > 0),
        numbers={"identity_rel": ident, "worst_err": err},
        note="the FFN itself (V, M, u) is not recovered: that needs a ReLU-network learner, "
             "which the paper assumes given")


@CLAIMS.claim(
    "B6",
    source_kind="paper",
    statement="Multi-head attention is not identifiable from value queries.", source=_SRC,
    criterion="H ∈ {{{heads[0]}, {heads[1]}}}: pairs at parameter distance ≥ {min_distance:g} "
    "with max output difference ≤ {output_tol:g} on random queries (permuted, merged, "
    "zero-value heads); the single-head learner's consistency check (mismatch > {flag_tol:g}) "
    "flags exactly the functions that are not one head, and passes a true single head "
    "(mismatch ≤ {single_tol:g})",
    heads=(2, 3), min_distance=1, output_tol=1e-12, flag_tol=1e-6, single_tol=1e-9)
def _b6(spec, config: Config, t: dict):
    m = t["multihead"]
    limits = spec.limits
    same = bool(((m.distance >= limits["min_distance"])
                 & (m.max_output_diff <= limits["output_tol"])).all())
    flagged = m.consistency_mismatch > limits["flag_tol"]
    right = bool((flagged == ~m.is_single_head_function).all())
    single_ok = bool((m.consistency_true_single <= limits["single_tol"]).all())
    text = "; ".join(f"H={r.heads} {r.kind}: distance {r.distance:.2f}, "
                     f"Δf {r.max_output_diff:.0e}, check {r.consistency_mismatch:.1e}"
                     for r in m.itertuples())
    return spec.result(
        prediction="equal outputs, distinct parameters; flagged iff not one head",
        measurement=f"{text}; true single head: check {float(m.consistency_true_single.max()):.1e}",
        verdict=verdict_from(same and right and single_ok,
                             enough_data=set(m.heads) == set(limits["heads"])),
        numbers={"rows": m.to_dict(orient="records")},
        note=f"Output differences over {config.multihead_queries:,} random queries of 5 rows. "
             "H = 2 merged and zero-value pairs compute one head, so the single-head learner "
             "answers them correctly (the check does not flag them); the paper's own example "
             "was not available")


@CLAIMS.claim(
    "B7",
    source_kind="secondary",
    statement="Optional (follow-up, Kim et al. arXiv 2608.03294): a canonical multi-head "
    "form is recoverable with 4Hd² − 2H + 1 queries.",
    source="follow-up paper, Kim et al. arXiv 2608.03294 (not available to us)",
    criterion="query count 4Hd² − 2H + 1; error ≤ {tol:g}", tol=1e-8)
def _b7(spec, config: Config, t: dict):
    # no learner was built, so nothing is measured against the limit: always inconclusive
    return spec.result(
        prediction="4Hd² − 2H + 1 queries", measurement="not run",
        verdict=INCONCLUSIVE,
        note="optional; the follow-up's canonical form and algorithm are not available to us, "
             "so no learner was built")


@CLAIMS.claim(
    "B8",
    source_kind="reconstruction",
    statement="GPU scale: batched exact recovery at d = 768 and 4096 (16.8 M length-2 "
    "queries) in fp32/fp16/bf16 oracles.", source=_OURS,
    criterion="query count d² + d; no NaN with adaptive probes; error vs dtype reported "
    "(--scale full --device cuda only)")
def _b8(spec, config: Config, t: dict):
    g = t["gpu"]
    if g.empty:
        return spec.result(prediction="", measurement="not run at this scale/device",
                           verdict=INCONCLUSIVE, note="needs --scale full --device cuda")
    unit = g[g.probes == "unit"]
    counts = bool((unit.queries == unit.d2_plus_d).all())
    no_nan = int(g[g.probes == "adaptive"].nonfinite.sum()) == 0
    seconds = t["timings"].set_index("run").seconds
    text = "; ".join(f"d={r.d} {r.dtype} {r.probes}: err {r.err_W:.1e}, {r.nonfinite} "
                     f"non-finite, {seconds[f'd={r.d} dtype={r.dtype} probes={r.probes}']:.1f} s"
                     for r in g.itertuples())
    return spec.result(prediction="d² + d queries; no NaN (adaptive)", measurement=text,
                       verdict=verdict_from(counts and no_nan),
                       numbers={"rows": g.to_dict(orient="records")})
