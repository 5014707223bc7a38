"""Claims T1–T7 of Hayase & Karakida, arXiv 2605.12697, each declared once with its judge.

Only the abstract of the paper is public, so every definition and criterion below is this
reproduction's reconstruction; ``reproductions/inverse_temperature/README.md`` says what was
assumed for each claim and why its criterion is what it is. Each criterion's numbers are the
keywords of its declaration (``spec.limits``): the prose is formatted from them and the judge
reads them back, so the two cannot disagree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from attnlab import theory

from .._claims import ClaimList, verdict_from
from .bound_checks import BOUND_REL_TOL
from .config import SCALE_FAMILIES, Config

__all__ = ["CLAIMS"]

_SRC = ("arXiv 2605.12697, abstract; definitions reconstructed "
        "(reproductions/inverse_temperature/README.md)")
_BOUNDS = ("top_two_gap", "partition", "max_weight", "entropy")
# The families whose sharp h = ½ crossing T6 judges, and the tolerance for each.
_SHARP_TOL = {"gaussian": 0.03, "log-exponential": 0.08, "exponential": 0.03}

CLAIMS = ClaimList()


@CLAIMS.claim(
    "T1",
    source_kind="reconstruction",
    statement="Exact per-row bounds from the raw accumulation scale Λ: D ≤ r/(e(1−r)) for r < 1; "
              "Z ≤ r/(r−1), p_max ≥ 1 − 1/r, H ≤ log(r/(r−1)) + (r/(r−1))² − 1 for r > 1 "
              "(r = β/Λ).",
    source=_SRC + "; bounds derived in the reconstruction",
    criterion="0 violations at relative tolerance {rel_tol:g} over ≥ {min_pairs_quick:,} "
              "(row, β) pairs (quick; ≥ {min_pairs_full:,} at full), adversarial rows included",
    rel_tol=BOUND_REL_TOL,  # applied where the cells count violations (bound_checks.py)
    min_pairs_quick=2 * 10**4,
    min_pairs_full=10**5,
)
def _t1(spec, config: Config, t: dict):
    b = t["bounds"]
    violations = {k: int(b[f"{k}_violations"].sum()) for k in _BOUNDS}
    checked = {k: int(b[f"{k}_checked"].sum()) for k in _BOUNDS}
    pairs = int(b["pairs"].sum())
    needed = spec.limits["min_pairs_full" if config.scale == "full" else "min_pairs_quick"]
    total = sum(violations.values())
    worst = {k: float(b[f"{k}_max_ratio"].max()) for k in ("top_two_gap", "partition", "entropy")}
    return spec.result(
        prediction="0 violations",
        measurement=f"{total} violations in {pairs:,} (row, β) pairs over {len(b)} row sources; "
                    f"tightest measured/bound: D {worst['top_two_gap']:.3f}, Z "
                    f"{worst['partition']:.3f}, H {worst['entropy']:.3f}",
        verdict=verdict_from(total == 0, enough_data=pairs >= needed),
        numbers={"pairs": pairs, "violations": violations, "checked": checked,
                 "max_ratio": worst})


def _decreasing(n, values, max_rho: float) -> tuple[bool, float]:
    rho = stats.spearmanr(n, values).statistic if len(n) > 2 else np.nan
    return bool(rho <= max_rho and values[-1] < values[0]), float(rho)


@CLAIMS.claim(
    "T2",
    source_kind="paper",
    statement="Limit statements: β/Λ_n → 0 makes the top two weights equal; β/Λ_n → ∞ "
              "collapses the entropy.",
    source=_SRC,
    criterion="β_n = L/log log n: median top-two gap decreases in n; β_n = L·log log n: median "
              "entropy decreases in n (Spearman ρ ≤ {max_rho:g} and last < first), "
              "n ≥ {min_n:g}, ≥ {min_rows} rows",
    max_rho=-0.8,
    min_n=1000,
    min_rows=128,
)
def _t2(spec, config: Config, t: dict):
    lim = spec.limits
    rows = t["rows"][t["rows"].sampler == "semi"]
    per = {}
    ok_all = True
    for family in SCALE_FAMILIES:
        r = rows[(rows.family == family) & (rows.n >= lim["min_n"])]
        if r.empty:
            continue
        med = r.groupby("n")[["t2_gap", "t2_entropy"]].median()
        n = med.index.to_numpy()
        gap_ok, rho_gap = _decreasing(n, med["t2_gap"].to_numpy(), lim["max_rho"])
        ent_ok, rho_ent = _decreasing(n, med["t2_entropy"].to_numpy(), lim["max_rho"])
        ok_all &= gap_ok and ent_ok
        per[family] = {"rho_gap": rho_gap, "rho_entropy": rho_ent, "gap_ok": gap_ok,
                       "entropy_ok": ent_ok, "gap_first_last": [med["t2_gap"].iloc[0],
                                                                med["t2_gap"].iloc[-1]],
                       "entropy_first_last": [med["t2_entropy"].iloc[0],
                                              med["t2_entropy"].iloc[-1]]}
    n_rows = int(rows.groupby(["family", "n"]).size().min()) if len(rows) else 0
    enough = n_rows >= lim["min_rows"]
    text = "; ".join(f"{f}: ρ_D={v['rho_gap']:+.2f}, ρ_H={v['rho_entropy']:+.2f}"
                     for f, v in per.items())
    return spec.result(
        prediction="median gap and entropy both decrease (ρ = −1 ideally)",
        measurement=f"{text} ({n_rows} rows per n)",
        verdict=verdict_from(ok_all, enough_data=bool(per) and enough),
        numbers={"families": per, "rows_per_n": n_rows},
        note="" if enough else f"only {n_rows} rows per n (< {lim['min_rows']}): inconclusive")


def _predicted_vs_nearest(frame: pd.DataFrame, column: str, *, at_most: float,
                          others_at_least: float) -> dict:
    """Per family: the predicted law's value of ``column`` and the nearest competing law's
    (the smallest), with ok = predicted ≤ at_most and nearest ≥ others_at_least."""
    per = {}
    for family, f in frame.groupby("family", sort=False):
        predicted = f[f.predicted].iloc[0]
        others = f[~f.predicted]
        nearest = others.loc[others[column].idxmin()]
        per[family] = {"predicted": float(predicted[column]), "nearest_law": nearest["law"],
                       "nearest": float(nearest[column]), "row": predicted,
                       "ok": bool(predicted[column] <= at_most
                                  and nearest[column] >= others_at_least)}
    return per


@CLAIMS.claim(
    "T3",
    source_kind="paper",
    statement="Scale law: the critical β is set by the family's accumulation scale, unifying "
              "(log n)^½, log n and (log n)².",
    source=_SRC,
    criterion="β_½(n)/L_pred(n) varies ≤ {at_most:g}× over n; every competing law "
              "≥ {others_at_least:g}×",
    at_most=1.5,
    others_at_least=1.7,
)
def _t3(spec, config: Config, t: dict):
    at_most, others = spec.limits["at_most"], spec.limits["others_at_least"]
    per = {f: {"predicted_spread": v["predicted"], "nearest_law": v["nearest_law"],
               "nearest_spread": v["nearest"], "ok": v["ok"]}
           for f, v in _predicted_vs_nearest(t["law_spreads"], "spread", at_most=at_most,
                                             others_at_least=others).items()}
    ok_all = all(v["ok"] for v in per.values())
    text = "; ".join(f"{f}: {v['predicted_spread']:.2f}× vs {v['nearest_spread']:.2f}× "
                     f"({v['nearest_law']})" for f, v in per.items())
    fails = []
    for f, v in per.items():
        if v["predicted_spread"] > at_most:
            fails.append(f"{f}: β_½/L_pred itself spreads {v['predicted_spread']:.2f}× > "
                         f"{at_most:g}×")
        if v["nearest_spread"] < others:
            fails.append(f"{f}: the competing law {v['nearest_law']} spreads only "
                         f"{v['nearest_spread']:.2f}× < {others:g}×, so over this n range the "
                         f"data cannot tell it from the predicted law")
    return spec.result(prediction=f"≤ {at_most:g}× under L_pred, ≥ {others:g}× under every "
                                  "other law",
                       measurement=text, verdict=verdict_from(ok_all, enough_data=bool(per)),
                       numbers=per, note="; ".join(fails))


@CLAIMS.claim(
    "T4",
    source_kind="paper",
    statement="Exponent: β_c ∝ (log n)^ξ with ξ = 0, ½, 1, 2 for exponential, Gaussian, log E, "
              "thin endpoint.",
    source=_SRC,
    criterion="fit log Λ̂_n = ξ log log n + c on the median robust Λ̂_n over the semi-analytic "
              "n grid, which must reach n ≥ {min_largest_n:.0e}; |ξ̂ − ξ| ≤ {tol:g} (the β_½ "
              "fit is reported too)",
    tol=0.25,
    min_largest_n=10**9,
)
def _t4(spec, config: Config, t: dict):
    tol = spec.limits["tol"]
    e = t["exponents"]
    per, ok_all = {}, True
    for _, r in e.iterrows():
        ok = abs(r.xi_lambda - r.xi_pred) <= tol
        ok_all &= ok
        per[r.family] = {"xi_pred": r.xi_pred, "xi_lambda": r.xi_lambda,
                         "ci_lambda": [r.xi_lambda_low, r.xi_lambda_high],
                         "xi_beta_half": r.xi_beta_half,
                         "ci_beta_half": [r.xi_beta_half_low, r.xi_beta_half_high], "ok": ok}
    text = "; ".join(f"{f}: ξ̂={v['xi_lambda']:.2f} [{v['ci_lambda'][0]:.2f}, "
                     f"{v['ci_lambda'][1]:.2f}] (β_½ fit {v['xi_beta_half']:.2f}) vs "
                     f"{v['xi_pred']:g}" for f, v in per.items())
    beta_ok = all(abs(v["xi_beta_half"] - v["xi_pred"]) <= tol for v in per.values())
    enough = len(e) > 0 and int(e.n_max.max()) >= spec.limits["min_largest_n"]
    return spec.result(
        prediction="ξ = 0, ½, 1, 2", measurement=text,
        verdict=verdict_from(ok_all, enough_data=enough),
        numbers=per,
        note="" if beta_ok else f"the β_½ regression misses the ±{tol:g} band for at least one "
                                "family (finite-size drift; T4 judges the Λ̂ regression)")


@CLAIMS.claim(
    "T5",
    source_kind="paper",
    statement="Curve collapse: p_max as a function of β/L_pred(n) is one curve for all n.",
    source=_SRC,
    criterion="max spread of mean p_max across n ≤ {at_most:g} on x = β/L_pred; "
              "≥ {wrong_law_at_least:g} under the nearest wrong law",
    at_most=0.12,
    wrong_law_at_least=0.3,
)
def _t5(spec, config: Config, t: dict):
    at_most, wrong = spec.limits["at_most"], spec.limits["wrong_law_at_least"]
    per = {f: {"spread": v["predicted"], "nearest_law": v["nearest_law"],
               "x_at_max": float(v["row"]["x_at_max"]), "nearest_spread": v["nearest"],
               "ok": v["ok"]}
           for f, v in _predicted_vs_nearest(t["collapse"], "max_spread", at_most=at_most,
                                             others_at_least=wrong).items()}
    ok_all = all(v["ok"] for v in per.values())
    text = "; ".join(f"{f}: {v['spread']:.3f} vs {v['nearest_spread']:.3f} ({v['nearest_law']})"
                     for f, v in per.items())
    fails = [f"{f}: spread {v['spread']:.3f} > {at_most:g}, largest at β/L_pred ≈ "
             f"{v['x_at_max']:.2g}" for f, v in per.items() if v["spread"] > at_most]
    fails += [f"{f}: nearest wrong law {v['nearest_law']} spreads only {v['nearest_spread']:.3f}"
              for f, v in per.items() if v["nearest_spread"] < wrong]
    return spec.result(prediction=f"spread ≤ {at_most:g}; ≥ {wrong:g} under a wrong law",
                       measurement=text, verdict=verdict_from(ok_all, enough_data=bool(per)),
                       numbers=per, note="; ".join(fails))


@CLAIMS.claim(
    "T6",
    source_kind="reconstruction",
    statement="Sharp constants (beyond the paper): H/log n → (1 − c^{1/(1−θ)})₊ at β = c·L_pred "
              "for g ∝ E^θ.",
    source="beyond the paper (reconstruction's derivation)",
    criterion="at n = {at_n:.0e}, h = ½ crossing within {tol[gaussian]:g} of "
              "{centre[gaussian]:.3f} (Gaussian), {tol[log-exponential]:g} of "
              "{centre[log-exponential]:g} (log E), {tol[exponential]:g} of "
              "{centre[exponential]:g} (exponential); the polynomial family (uniform) shows no "
              "sharpening",
    at_n=10**12,
    tol=_SHARP_TOL,
    # c_½ = 2^{−(1−θ)}, the crossing of the limit (1 − c^{1/(1−θ)})₊ (theory._families)
    centre={f: theory.sharp_entropy_crossing(theory.get_family(f).theta) for f in _SHARP_TOL},
)
def _t6(spec, config: Config, t: dict):
    tols, centres = spec.limits["tol"], spec.limits["centre"]
    s = t["sharp"]
    if s.empty:
        return spec.no_data("no semi-analytic rows", prediction="-")
    n_max = int(s["n"].max())
    top = s[s.n == n_max].set_index("family")
    per, ok_all = {}, True
    for family, tol in tols.items():
        if family in top.index:
            got, want = float(top.loc[family, "c_half"]), float(centres[family])
            ok = bool(abs(got - want) <= tol)
            ok_all &= ok
            per[family] = {"c_half": got, "predicted": want, "tol": tol, "ok": ok}
    extra = {}
    if "thin-endpoint" in top.index:  # reported, without a criterion
        extra["thin-endpoint"] = {"c_half": float(top.loc["thin-endpoint", "c_half"]),
                                  "predicted": float(top.loc["thin-endpoint", "c_half_pred"])}
    poly = s[s.family == "uniform"].sort_values("n")
    if not poly.empty:
        w = poly["h_width_decades"].to_numpy()
        no_sharpening = bool(np.isfinite(w[[0, -1]]).all() and w[-1] >= w[0])
        ok_all &= no_sharpening
        per["uniform"] = {"width_first": float(w[0]), "width_last": float(w[-1]),
                          "no_sharpening": no_sharpening}
    text = "; ".join(f"{f}: c_½={v['c_half']:.3f} (pred {v['predicted']:.3f})"
                     for f, v in per.items() if "c_half" in v)
    if "uniform" in per:
        u = per["uniform"]
        text += (f"; uniform h-transition width {u['width_first']:.2f} → "
                 f"{u['width_last']:.2f} decades")
    parts = [f"{f}: |{v['c_half']:.5f} − {v['predicted']:.3f}| = "
             f"{abs(v['c_half'] - v['predicted']):.5f} > {v['tol']}"
             for f, v in per.items() if "c_half" in v and not v["ok"]]
    if "uniform" in per and not per["uniform"]["no_sharpening"]:
        parts.append("the uniform family's h-transition narrowed with n")
    if extra:
        parts.append(f"thin endpoint (no criterion): c_½={extra['thin-endpoint']['c_half']:.3f}"
                     f" vs predicted {extra['thin-endpoint']['predicted']:.3f}")
    enough = n_max >= spec.limits["at_n"] and len(per) >= len(tols)
    return spec.result(
        prediction=f"c_½ = {centres['gaussian']:.3f}, {centres['log-exponential']:g}, "
                   f"{centres['exponential']:g}; uniform width does not shrink",
        measurement=f"n = {n_max:.0e}: {text}",
        verdict=verdict_from(ok_all, enough_data=enough),
        numbers=per | {"extra": extra}, note="; ".join(parts))


def _head_collapse(curves: pd.DataFrame) -> pd.Series:
    spreads = curves.groupby(["model", "layer", "head", "x"])["mean_pmax"].agg(np.ptp)
    return spreads.groupby(["model", "layer", "head"]).max()


@CLAIMS.claim(
    "T7",
    source_kind="paper",
    statement="Practical transformers: the diagnostic applies to real attention logits.",
    source=_SRC + " (PG19, Proof-Pile-2, SlimPajama, OpenWebText in the paper; offline here: "
                  "random-init GPT heads on the stdlib's text, pretrained MiniLM as a probe)",
    criterion="T1 holds on real logits; random-init heads' median Λ̂·σ within a factor "
              "{gauss_factor:g} either way of i.i.d. Gaussian rows' Λ̂ at the same n; p_max on "
              "τ/Λ̂_h(n) collapses (median head spread ≤ {max_spread:g}); per-head AIC of "
              "C(log n)^ξ vs C·n^κ reported",
    gauss_factor=1.25,
    max_spread=0.12,
)
def _t7(spec, config: Config, t: dict):
    factor, max_spread = spec.limits["gauss_factor"], spec.limits["max_spread"]
    heads, curves, b = t["heads"], t["head_curves"], t["bounds"]
    if heads.empty:
        return spec.no_data("no model cells", prediction="-")
    model_b = b[b.source.isin(["model", "minilm"])]
    violations = int(sum(model_b[f"{k}_violations"].sum() for k in _BOUNDS))
    pairs = int(model_b["pairs"].sum())
    fits = t["head_fits"]
    rnd = fits[fits.model == "random-init GPT"]
    gauss_ok = bool(((rnd.gauss_ratio_min >= 1 / factor)
                     & (rnd.gauss_ratio_max <= factor)).all())
    spread = _head_collapse(curves)
    rnd_spread = float(spread.loc["random-init GPT"].median())
    ok = violations == 0 and gauss_ok and rnd_spread <= max_spread
    measured = (f"random-init: {violations} T1 violations in {pairs:,} pairs; Λ̂·σ / Gaussian "
                f"in [{rnd.gauss_ratio_min.min():.2f}, {rnd.gauss_ratio_max.max():.2f}]; "
                f"collapse spread (median head) {rnd_spread:.3f}; AIC prefers C(log n)^ξ in "
                f"{int(rnd.aic_prefers_log.sum())}/{len(rnd)} heads, median ξ̂ = "
                f"{rnd.xi.median():.2f}")
    numbers = {"violations": violations, "pairs": pairs, "gauss_ok": gauss_ok,
               "collapse_spread_median": rnd_spread,
               "aic_log_fraction": float(rnd.aic_prefers_log.mean()),
               "xi_median": float(rnd.xi.median())}
    fails = []
    if violations:
        fails.append(f"{violations} bound violations on model logits")
    if not gauss_ok:
        outside = (rnd.gauss_ratio_min < 1 / factor) | (rnd.gauss_ratio_max > factor)
        fails.append(f"{int(outside.sum())}/{len(rnd)} random-init heads leave the "
                     f"[{1 / factor:g}, {factor:g}]× band around i.i.d. Gaussian rows (a "
                     "plausible cause, not tested here: byte tokens repeat, so a head's logits "
                     "mix one Gaussian per token)")
    if rnd_spread > max_spread:
        fails.append(f"median head collapse spread {rnd_spread:.3f} > {max_spread:g}")
    note = ("; ".join(fails) + ". ") if fails else ""
    note += ("Trained models (the paper's PG19/Proof-Pile-2/SlimPajama/OpenWebText heads) are "
             "not available offline; this checks the pipeline on random-init heads.")
    mini = fits[fits.model != "random-init GPT"]
    if not mini.empty:
        numbers["minilm"] = {"heads": len(mini), "aic_log_fraction":
                             float(mini.aic_prefers_log.mean()), "xi_median":
                             float(mini.xi.median()), "collapse_spread_median":
                             float(spread.drop("random-init GPT").median())}
        note += (f" Pretrained MiniLM (probe, no criterion): AIC prefers the log form in "
                 f"{int(mini.aic_prefers_log.sum())}/{len(mini)} heads, median ξ̂ = "
                 f"{mini.xi.median():.2f}, median collapse spread "
                 f"{numbers['minilm']['collapse_spread_median']:.3f} (n ≤ 512).")
    return spec.result(prediction="T1 exact; Gaussian √(2 log n)/σ law; collapse",
                       measurement=measured, verdict=verdict_from(ok), numbers=numbers,
                       note=note)
