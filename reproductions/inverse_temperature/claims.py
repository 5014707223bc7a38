"""Claims T1–T7 of ``shared/papers/inverse-temperature.md`` and their verdicts.

Only the abstract of arXiv 2605.12697 is public (searched 2026-11-26: abstract pages only, no
full text), so every criterion below is the reconstruction's; verdicts say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._claims import ClaimSpec, verdict_from
from .config import SCALE_FAMILIES, Config

__all__ = ["CLAIMS", "judge"]

_SRC = "arXiv 2605.12697, abstract; definitions reconstructed (shared/papers)"

CLAIMS = [
    ClaimSpec("T1", "Exact per-row bounds from the raw accumulation scale Λ: D ≤ r/(e(1−r)) "
              "for r < 1; Z ≤ r/(r−1), p_max ≥ 1 − 1/r, H ≤ log(r/(r−1)) + (r/(r−1))² − 1 for "
              "r > 1 (r = β/Λ).", _SRC + "; bounds derived in the reconstruction",
              "0 violations at relative tolerance 1e-9 over ≥ 2·10⁴ (row, β) pairs (quick; "
              "≥ 10⁵ at full), adversarial rows included"),
    ClaimSpec("T2", "Limit statements: β/Λ_n → 0 makes the top two weights equal; β/Λ_n → ∞ "
              "collapses the entropy.", _SRC,
              "β_n = L/log log n: median top-two gap decreases in n; β_n = L·log log n: median "
              "entropy decreases in n (Spearman ρ ≤ −0.8 and last < first), n ≥ 10³, ≥ 128 rows"),
    ClaimSpec("T3", "Scale law: the critical β is set by the family's accumulation scale, "
              "unifying (log n)^½, log n and (log n)².", _SRC,
              "β_½(n)/L_pred(n) varies ≤ 1.5× over n; every competing law ≥ 1.7×"),
    ClaimSpec("T4", "Exponent: β_c ∝ (log n)^ξ with ξ = 0, ½, 1, 2 for exponential, Gaussian, "
              "log E, thin endpoint.", _SRC,
              "fit log Λ̂_n = ξ log log n + c on the median robust Λ̂_n over 10³ ≤ n ≤ 10¹²; "
              "|ξ̂ − ξ| ≤ 0.25 (the β_½ fit is reported too)"),
    ClaimSpec("T5", "Curve collapse: p_max as a function of β/L_pred(n) is one curve for all n.",
              _SRC, "max spread of mean p_max across n ≤ 0.12 on x = β/L_pred; ≥ 0.3 under the "
              "nearest wrong law"),
    ClaimSpec("T6", "Sharp constants (beyond the paper): H/log n → (1 − c^{1/(1−θ)})₊ at "
              "β = c·L_pred for g ∝ E^θ.", "beyond the paper (reconstruction's derivation)",
              "at n = 10¹², h = ½ crossing within 0.03 of 0.707 (Gaussian), 0.08 of 0.5 (log E), "
              "0.03 of 1 (exponential); the polynomial family (uniform) shows no sharpening"),
    ClaimSpec("T7", "Practical transformers: the diagnostic applies to real attention logits.",
              _SRC + " (PG19, Proof-Pile-2, SlimPajama, OpenWebText in the paper; offline "
              "here: random-init GPT heads on the stdlib's text, pretrained MiniLM as a probe)",
              "T1 holds on real logits; random-init heads' median Λ̂·σ within ±25% of i.i.d. "
              "Gaussian rows' Λ̂ at the same n; p_max on τ/Λ̂_h(n) collapses (median head spread "
              "≤ 0.12); per-head AIC of C(log n)^ξ vs C·n^κ reported"),
]
SPEC = {c.id: c for c in CLAIMS}


def _t1(config: Config, t: dict):
    b = t["bounds"]
    names = ("top_two_gap", "partition", "max_weight", "entropy")
    violations = {k: int(b[f"{k}_violations"].sum()) for k in names}
    checked = {k: int(b[f"{k}_checked"].sum()) for k in names}
    pairs = int(b["pairs"].sum())
    needed = 10**5 if config.scale == "full" else 2 * 10**4
    total = sum(violations.values())
    worst = {k: float(b[f"{k}_max_ratio"].max()) for k in ("top_two_gap", "partition", "entropy")}
    return SPEC["T1"].result(
        prediction="0 violations",
        measurement=f"{total} violations in {pairs:,} (row, β) pairs over {len(b)} row sources; "
                    f"tightest measured/bound: D {worst['top_two_gap']:.3f}, Z "
                    f"{worst['partition']:.3f}, H {worst['entropy']:.3f}",
        verdict=verdict_from(total == 0, enough_data=pairs >= needed),
        numbers={"pairs": pairs, "violations": violations, "checked": checked,
                 "max_ratio": worst})


def _decreasing(n, values) -> tuple[bool, float]:
    rho = stats.spearmanr(n, values).statistic if len(n) > 2 else np.nan
    return bool(rho <= -0.8 and values[-1] < values[0]), float(rho)


def _t2(config: Config, t: dict):
    rows = t["rows"][t["rows"].sampler == "semi"]
    per = {}
    ok_all = True
    for family in SCALE_FAMILIES:
        r = rows[(rows.family == family) & (rows.n >= 1000)]
        if r.empty:
            continue
        med = r.groupby("n")[["t2_gap", "t2_entropy"]].median()
        n = med.index.to_numpy()
        gap_ok, rho_gap = _decreasing(n, med["t2_gap"].to_numpy())
        ent_ok, rho_ent = _decreasing(n, med["t2_entropy"].to_numpy())
        ok_all &= gap_ok and ent_ok
        per[family] = {"rho_gap": rho_gap, "rho_entropy": rho_ent, "gap_ok": gap_ok,
                       "entropy_ok": ent_ok, "gap_first_last": [med["t2_gap"].iloc[0],
                                                                med["t2_gap"].iloc[-1]],
                       "entropy_first_last": [med["t2_entropy"].iloc[0],
                                              med["t2_entropy"].iloc[-1]]}
    n_rows = int(rows.groupby(["family", "n"]).size().min()) if len(rows) else 0
    text = "; ".join(f"{f}: ρ_D={v['rho_gap']:+.2f}, ρ_H={v['rho_entropy']:+.2f}"
                     for f, v in per.items())
    return SPEC["T2"].result(
        prediction="median gap and entropy both decrease (ρ = −1 ideally)",
        measurement=f"{text} ({n_rows} rows per n)",
        verdict=verdict_from(ok_all, enough_data=bool(per) and n_rows >= 128),
        numbers={"families": per, "rows_per_n": n_rows},
        note="" if n_rows >= 128 else f"only {n_rows} rows per n (< 128): inconclusive")


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


def _t3(config: Config, t: dict):
    per = {f: {"predicted_spread": v["predicted"], "nearest_law": v["nearest_law"],
               "nearest_spread": v["nearest"], "ok": v["ok"]}
           for f, v in _predicted_vs_nearest(t["law_spreads"], "spread", at_most=1.5,
                                             others_at_least=1.7).items()}
    ok_all = all(v["ok"] for v in per.values())
    text = "; ".join(f"{f}: {v['predicted_spread']:.2f}× vs {v['nearest_spread']:.2f}× "
                     f"({v['nearest_law']})" for f, v in per.items())
    fails = []
    for f, v in per.items():
        if v["predicted_spread"] > 1.5:
            fails.append(f"{f}: β_½/L_pred itself spreads {v['predicted_spread']:.2f}× > 1.5×")
        if v["nearest_spread"] < 1.7:
            fails.append(f"{f}: the competing law {v['nearest_law']} spreads only "
                         f"{v['nearest_spread']:.2f}× < 1.7×, so over this n range the data "
                         f"cannot tell it from the predicted law")
    return SPEC["T3"].result(prediction="≤ 1.5× under L_pred, ≥ 1.7× under every other law",
                             measurement=text, verdict=verdict_from(ok_all, enough_data=bool(per)),
                             numbers=per, note="; ".join(fails))


def _t4(config: Config, t: dict):
    e = t["exponents"]
    per, ok_all = {}, True
    for _, r in e.iterrows():
        ok = abs(r.xi_lambda - r.xi_pred) <= 0.25
        ok_all &= ok
        per[r.family] = {"xi_pred": r.xi_pred, "xi_lambda": r.xi_lambda,
                         "ci_lambda": [r.xi_lambda_low, r.xi_lambda_high],
                         "xi_beta_half": r.xi_beta_half,
                         "ci_beta_half": [r.xi_beta_half_low, r.xi_beta_half_high], "ok": ok}
    text = "; ".join(f"{f}: ξ̂={v['xi_lambda']:.2f} [{v['ci_lambda'][0]:.2f}, "
                     f"{v['ci_lambda'][1]:.2f}] (β_½ fit {v['xi_beta_half']:.2f}) vs "
                     f"{v['xi_pred']:g}" for f, v in per.items())
    beta_ok = all(abs(v["xi_beta_half"] - v["xi_pred"]) <= 0.25 for v in per.values())
    return SPEC["T4"].result(
        prediction="ξ = 0, ½, 1, 2", measurement=text,
        verdict=verdict_from(ok_all, enough_data=len(e) > 0 and int(e.n_max.max()) >= 10**9),
        numbers=per,
        note="" if beta_ok else "the β_½ regression misses the ±0.25 band for at least one "
                                "family (finite-size drift; the spec prefers the Λ̂ regression)")


def _t5(config: Config, t: dict):
    per = {f: {"spread": v["predicted"], "nearest_law": v["nearest_law"],
               "x_at_max": float(v["row"]["x_at_max"]), "nearest_spread": v["nearest"],
               "ok": v["ok"]}
           for f, v in _predicted_vs_nearest(t["collapse"], "max_spread", at_most=0.12,
                                             others_at_least=0.3).items()}
    ok_all = all(v["ok"] for v in per.values())
    text = "; ".join(f"{f}: {v['spread']:.3f} vs {v['nearest_spread']:.3f} ({v['nearest_law']})"
                     for f, v in per.items())
    fails = [f"{f}: spread {v['spread']:.3f} > 0.12, largest at β/L_pred ≈ {v['x_at_max']:.2g}"
             for f, v in per.items() if v["spread"] > 0.12]
    fails += [f"{f}: nearest wrong law {v['nearest_law']} spreads only {v['nearest_spread']:.3f}"
              for f, v in per.items() if v["nearest_spread"] < 0.3]
    return SPEC["T5"].result(prediction="spread ≤ 0.12; ≥ 0.3 under a wrong law",
                             measurement=text, verdict=verdict_from(ok_all, enough_data=bool(per)),
                             numbers=per, note="; ".join(fails))


_SHARP_TOL = {"gaussian": 0.03, "log-exponential": 0.08, "exponential": 0.03}


def _t6(config: Config, t: dict):
    s = t["sharp"]
    if s.empty:
        return SPEC["T6"].no_data("no semi-analytic rows", prediction="-")
    n_max = int(s["n"].max())
    top = s[s.n == n_max].set_index("family")
    per, ok_all = {}, True
    for family, tol in _SHARP_TOL.items():
        if family in top.index:
            got, want = float(top.loc[family, "c_half"]), float(top.loc[family, "c_half_pred"])
            ok = bool(abs(got - want) <= tol)
            ok_all &= ok
            per[family] = {"c_half": got, "predicted": want, "tol": tol, "ok": ok}
    extra = {}
    if "thin-endpoint" in top.index:  # reported, no criterion in the spec
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
    note = "; ".join(parts)
    return SPEC["T6"].result(prediction="c_½ = 0.707, 0.5, 1; uniform width does not shrink",
                             measurement=f"n = {n_max:.0e}: {text}",
                             verdict=verdict_from(ok_all, enough_data=n_max >= 10**12 and
                                                  len(per) >= 3),
                             numbers=per | {"extra": extra}, note=note)


def _head_collapse(curves: pd.DataFrame) -> pd.Series:
    spreads = curves.groupby(["model", "layer", "head", "x"])["mean_pmax"].agg(np.ptp)
    return spreads.groupby(["model", "layer", "head"]).max()


def _t7(config: Config, t: dict):
    heads, curves, b = t["heads"], t["head_curves"], t["bounds"]
    if heads.empty:
        return SPEC["T7"].no_data("no model cells", prediction="-")
    model_b = b[b.source.isin(["model", "minilm"])]
    names = ("top_two_gap", "partition", "max_weight", "entropy")
    violations = int(sum(model_b[f"{k}_violations"].sum() for k in names))
    pairs = int(model_b["pairs"].sum())
    fits = t["head_fits"]
    rnd = fits[fits.model == "random-init GPT"]
    gauss_ok = bool(((rnd.gauss_ratio_min >= 0.8) & (rnd.gauss_ratio_max <= 1.25)).all())
    spread = _head_collapse(curves)
    rnd_spread = float(spread.loc["random-init GPT"].median())
    ok = violations == 0 and gauss_ok and rnd_spread <= 0.12
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
        off = rnd[(rnd.gauss_ratio_min < 0.8) | (rnd.gauss_ratio_max > 1.25)]
        fails.append(f"{len(off)}/{len(rnd)} random-init heads leave the ±25% band around "
                     "i.i.d. Gaussian rows (a plausible cause, not tested here: byte tokens "
                     "repeat, so a head's logits mix one Gaussian per token)")
    if rnd_spread > 0.12:
        fails.append(f"median head collapse spread {rnd_spread:.3f} > 0.12")
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
    return SPEC["T7"].result(prediction="T1 exact; Gaussian √(2 log n)/σ law; collapse",
                             measurement=measured, verdict=verdict_from(ok), numbers=numbers,
                             note=note)


def judge(config: Config, tables: dict) -> list:
    return [f(config, tables) for f in (_t1, _t2, _t3, _t4, _t5, _t6, _t7)]
