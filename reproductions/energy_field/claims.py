"""Claims of Lee, "On the Invariants of Softmax Attention" (arXiv 2605.02907): the
mechanism-level invariants (T0: the ones the abstract names; T0-derived: ours) and the
random-matrix null (T1) here; the model-level claims (T2, T2-sink, T2-trained), the monitor
(T3) and the real pretrained heads (T4) in ``claims_model.py``. Only the abstract could be
read: the formulas and criteria are our reconstruction (``README.md`` here). Exact invariants
are decided on the worst head against the tolerance (the worst residual is an exact bound
over the heads)."""

from __future__ import annotations

import numpy as np

from .._claims import all_of, decide
from .claim_list import CLAIMS, SRC

__all__ = ["CLAIMS", "exact_checks", "fmt_checks"]


def _worst(frame, column) -> float:
    """The largest value of ``column``; NaN if any head's value is NaN (pandas' max would skip
    it, and a head that could not be measured must not pass)."""
    if column not in frame or not len(frame) or frame[column].isna().any():
        return float("nan")
    return float(frame[column].max())


def exact_checks(heads, groups, lim, *, low_precision: bool = True) -> dict:
    """Each exact invariant's worst residual over ``heads`` (per query head) and ``groups``
    (per KV head) → verdict against its tolerance; a column absent is skipped."""
    tol = {"i1": lim["tol_exact"], "i2_softmax": lim["tol_exact"],
           "i2_logprob": lim["tol_exact"], "i5_frobenius": lim["tol_exact"],
           "i5_null": lim["tol_exact"], "i4": lim["tol_exact"], "causal_i1": lim["tol_exact"],
           "causal_i2_softmax": lim["tol_exact"], "causal_i2_logprob": lim["tol_exact"],
           "i3_tail": lim["tol_rank"], "row_span": lim["tol_rank"]}
    if low_precision:
        tol.update({"i1_fp32_bound": lim["rounding_factor"],
                    "i1_bf16_bound": lim["rounding_factor"]})
    out = {}
    for column, t in tol.items():
        if column in heads:
            w = _worst(heads, column)
            out[column] = (w, decide(w, w, (0, t)))
    gtol = {"group_tail": lim["tol_rank"], "rank_residual": lim["tol_rank"],
            "i6_slack": lim["tol_i6"], "i6_linf_slack": lim["tol_i6"]}
    for column, t in gtol.items():
        if column in groups:
            w = _worst(groups, column)
            out[column] = (w, decide(w, w, (-np.inf, t)))
    return out


def fmt_checks(checks) -> str:
    return ", ".join(f"{k} {w:.1e} ({v})" for k, (w, v) in checks.items())


_T0_TOLS = dict(tol_exact=1e-12, tol_rank=1e-10, tol_i6=1e-9, rounding_factor=1.0,
                control_min=1e-6, spec_fp32=1e-5, spec_bf16=1e-2)
# the invariants the abstract names (zero-sum, rank bound, spectral signatures) vs ours
_T0_PAPER = ("i1", "causal_i1", "i1_fp32_bound", "i1_bf16_bound", "i5_frobenius", "i5_null",
             "i3_tail", "row_span", "group_tail")


def _blocks_or_none(spec, t):
    if t["block_heads"].empty:
        return None, spec.no_data("no random-init block cells at this scale")
    return exact_checks(t["block_heads"], t["block_groups"], spec.limits), None


def _over(t) -> str:
    heads, groups = t["block_heads"], t["block_groups"]
    return (f"{len(heads)} query heads / {len(groups)} KV heads over "
            f"{heads.family.nunique()} geometries, L ∈ {sorted(set(heads.L))}: ")


@CLAIMS.claim(
    "T0", source_kind="paper", source=SRC,
    statement="Mechanism-level invariants the abstract names: per-row zero-sum (I1, also in "
              "fp32/bf16), full-field rank ≤ min(d_h, L − 1) also for a GQA group (I3; the "
              "causal field only row-wise) and the spectral signatures that follow (I5) — on "
              "every random-init head of the families' geometries.",
    criterion="worst head, float64: I1, I5 ≤ {tol_exact:g} (relative); σ_(d_h+1)/σ₁ (head and "
              "GQA group) and the causal row-wise residual ≤ {tol_rank:g}; fp32/bf16 zero-sum "
              "within {rounding_factor:g}× its first-order rounding bound "
              "L(⌈log₂L⌉ + 2)·u·max|S_i|", **_T0_TOLS)
def _t0(spec, config, t):
    lim = spec.limits
    checks, empty = _blocks_or_none(spec, t)
    if empty:
        return empty
    checks = {k: v for k, v in checks.items() if k in _T0_PAPER}
    heads = t["block_heads"]
    beyond = heads[heads.L > heads.d_h + 1]
    causal_rank = {f"{f} L={L}": int(g.causal_rank.min())
                   for (f, L), g in beyond.groupby(["family", "L"])}
    spec_fixed = {"fp32": _worst(heads, "i1_fp32"), "bf16": _worst(heads, "i1_bf16")}
    return spec.result(
        prediction="every residual at rounding level; causal rank > d_h",
        measurement=_over(t) + fmt_checks(checks)
                    + "; causal-field rank (not bounded by d_h): " + ", ".join(
                        f"{k}: {v}" for k, v in list(causal_rank.items())[:4])
                    + f"; spec's fixed tolerances: fp32 I1 {spec_fixed['fp32']:.1e} (vs "
                    f"{lim['spec_fp32']:g}), bf16 {spec_fixed['bf16']:.1e} (vs "
                    f"{lim['spec_bf16']:g})",
        verdict=all_of(v for _, v in checks.values()),
        numbers={"checks": {k: w for k, (w, _) in checks.items()},
                 "causal_rank_min": causal_rank, "spec_fixed_tolerance": spec_fixed},
        note="A fixed bf16 tolerance (1e-2 relative to max|Ẽ|) fails for an exact-arithmetic "
             "identity computed in bf16 once L·u·|S̄_i| grows (u = 2⁻⁸): the low-precision "
             "zero-sum is judged against its first-order rounding bound instead and the fixed "
             "numbers are reported. That bound is loose (a field not centred at all exceeds "
             "it only a few times over), so the low-precision check shows the error stays at "
             "rounding scale, not that centring was done in low precision. The causal L × L "
             "field's rank is reported, never asserted: it exceeds d_h (the bound is a "
             "theorem only for the full field). I1, I3 and I5 are largely true by "
             "construction of Ẽ = S − mean; T0 checks our implementation of them.")


@CLAIMS.claim(
    "T0-derived", source_kind="reconstruction",
    source="our derivations from the abstract's definitions (README): not in the abstract",
    statement="The invariants we derived: softmax(Ẽ) = softmax(S) and Ẽ from probabilities "
              "alone (I2), key-translation invariance (I4, broken by a key bias before RoPE "
              "or a query bias), incoherence ⇒ delocalization bound (I6) — on every "
              "random-init head of the families' geometries.",
    criterion="worst head, float64: I2, I4 ≤ {tol_exact:g} (relative); I6 slack ≤ "
              "{tol_i6:g}; negative controls (RoPE + key bias, query bias) change Ẽ by > "
              "{control_min:g}", **_T0_TOLS)
def _t0_derived(spec, config, t):
    lim = spec.limits
    checks, empty = _blocks_or_none(spec, t)
    if empty:
        return empty
    checks = {k: v for k, v in checks.items() if k not in _T0_PAPER}
    heads = t["block_heads"]
    rot = heads[heads.rotary > 0]
    controls = {"query_bias": float(heads.ctrl_query_bias.min())}
    if len(rot):
        controls["rope_key_bias"] = float(rot.ctrl_key_prebias.min())
    for name, v in controls.items():
        checks[f"control_{name}"] = (v, decide(v, v, (lim["control_min"], np.inf)))
    return spec.result(
        prediction="every residual at rounding level; controls O(1)",
        measurement=_over(t) + fmt_checks(checks),
        verdict=all_of(v for _, v in checks.values()),
        numbers={"checks": {k: w for k, (w, _) in checks.items()}},
        note="I6's slack is computed from the same QR factors as p_j and ℓ_j; the dense "
             "cross-check (SVD of the L × L field) is in tests/test_energy_field.py.")


@CLAIMS.claim(
    "T1", source_kind="reconstruction",
    source="our reconstruction of the paper's calibration of 'incoherent' (README)",
    statement="Random-matrix null: for Gaussian Q, K the leverages of K_c are those of a "
              "uniform random r-dimensional subspace of 1^⊥, so μ_K's 95% quantile is "
              "F_Beta(r/2,(L−1−r)/2)-max's; the null tables of PR/L, max L·p_j, IPR and the "
              "components for 90% of Ẽ and W_QᵀW_K calibrate T2.",
    criterion="at every (L, d_h) with r < L − 1: the Monte-Carlo 95% quantile of μ_K (its "
              "order-statistic 95% CI) within ±{rel_tol:.0%} of the Beta-max value; I6 holds "
              "on every null draw",
    rel_tol=0.03, spec_reference=1.70)
def _t1(spec, config, t):
    lim = spec.limits
    n = t["null"]
    n = n[np.isfinite(n.beta_mu95)] if not n.empty else n
    if n.empty:
        return spec.no_data("no null cells with r < L − 1 at this scale")
    checks = {}
    for _, row in n.iterrows():
        lo, hi = row.mu95_low / row.beta_mu95 - 1, row.mu95_high / row.beta_mu95 - 1
        checks[f"L={row.L},d_h={row.d_h}"] = decide(lo, hi, (-lim["rel_tol"], lim["rel_tol"]))
    i6 = float(t["null"].i6_slack_max.max())
    checks["i6"] = decide(i6, i6, (-np.inf, 1e-9))
    ref = n[(n.L == 128) & (n.d_h == 32)]
    ref_txt = (f"; at L = 128, r = 32 our 95% quantile is {ref.mu95.iloc[0]:.3f} "
               f"[{ref.mu95_low.iloc[0]:.3f}, {ref.mu95_high.iloc[0]:.3f}] (Beta-max "
               f"{ref.beta_mu95.iloc[0]:.3f}); the spec's example value is "
               f"{lim['spec_reference']:.2f}" if len(ref) else "")
    return spec.result(
        prediction="MC quantile = Beta-max quantile",
        measurement="; ".join(f"L={r.L}, d_h={r.d_h} ({r.draws} draws): μ_K 95% "
                              f"{r.mu95:.3f} [{r.mu95_low:.3f}, "
                              f"{r.mu95_high:.3f}] vs {r.beta_mu95:.3f}, PR/L 5% "
                              f"{r.pr_over_L_05:.2f}, max L·p 95% {r.max_Lp_95:.2f}, comps90 "
                              f"{r.comps90_median:.0f} vs W_QᵀW_K {r.comps90_wqk_median:.0f}"
                              for r in n.itertuples()) + f"; max I6 slack {i6:.1e}" + ref_txt,
        verdict=all_of(checks.values()), numbers={"checks": checks,
                                                  "null": n.to_dict(orient="records")},
        note="The spec's 1.70 at (128, 32) is an example figure from a summary; our null "
             "(Gaussian keys, centred or not) and its closed form agree on ≈ 1.80, so we "
             "calibrate with our own null. The closed form treats the L leverages as "
             "independent (they sum to r), so it may sit slightly off the Monte-Carlo quantile; "
             "the ±3% band is our tolerance for that.")
