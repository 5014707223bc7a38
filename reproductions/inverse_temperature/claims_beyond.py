"""Claims T7 (practical transformers) and T8 (families outside the powers of log n) of
Hayase & Karakida, arXiv 2605.12697 (registered on :data:`.judging.CLAIMS` after T1–T6; see
:mod:`.claims` and ``reproductions/inverse_temperature/README.md``)."""

from __future__ import annotations

from .config import Config
from .estimates import FROZEN_FROM
from .judging import BELOW, CLAIMS, SRC, band_verdict, combine, interval_text, surrogate_power
from .tables_models import MINILM, RANDOM_INIT

__all__: list = []

_BOUNDS = ("top_two_gap", "partition", "max_weight", "entropy")


def _bound_tally(bounds, source: str) -> tuple[int, int]:
    b = bounds[bounds.source == source]
    return int(sum(b[f"{k}_violations"].sum() for k in _BOUNDS)), int(b["pairs"].sum())


@CLAIMS.claim(
    "T7",
    source_kind="paper",
    statement="Practical transformers: the diagnostic applies to real attention logits.",
    source=SRC + " (PG19, Proof-Pile-2, SlimPajama, OpenWebText in the paper; offline here: "
                  "random-init GPT heads on the stdlib's text, pretrained MiniLM as a probe)",
    criterion="T1 holds exactly on every model's logits; random-init heads match i.i.d. "
              "Gaussian rows on byte text and on input without repeated tokens — every head's "
              "geometric mean over n of median Λ̂·σ / Gaussian Λ̂ has a 95% interval within a "
              "factor {gauss_factor:g} of 1 on both inputs; p_max on τ/Λ̂_h(n) over byte text "
              "collapses on the frozen side x ≥ "
              "{frozen_from:g} — the median head's largest spread across n has a 95% interval "
              "≤ {max_spread:g}; ≥ {min_rows} rows per n; per-head AIC of C(log n)^ξ vs C·n^κ "
              "reported",
    gauss_factor=1.25,
    max_spread=0.12,
    frozen_from=FROZEN_FROM,  # where the head tables cut (tables_models.py)
    min_rows=32,
)
def _t7(spec, config: Config, t: dict):
    lim = spec.limits
    factor, max_spread = lim["gauss_factor"], lim["max_spread"]
    stats, fits = t["head_statistics"], t["head_fits"]
    if stats.empty:
        return spec.no_data("no random-init model cells", prediction="-")
    tallies = {m: _bound_tally(t["bounds"], src) for m, src in
               ((RANDOM_INIT, "model"), (MINILM, "minilm"))}
    violations = sum(v for v, _ in tallies.values())
    bounds_v = band_verdict(violations, violations, BELOW, 0)
    # the pipeline check: heads on input without repeated tokens against i.i.d. Gaussian rows
    control = [band_verdict(r.control_low, r.control_high, 1 / factor, factor)
               for _, r in stats.iterrows()]
    # and on the real input: the control was chosen after byte text had been seen to push
    # one head out of the band, so byte text is judged too (a second reading's finding)
    text = [band_verdict(r.text_low, r.text_high, 1 / factor, factor)
            for _, r in stats.iterrows()]
    collapse = t["head_collapse"].iloc[0]
    collapse_v = band_verdict(collapse.low, collapse.high, BELOW, max_spread)
    enough = int(stats["rows"].min()) >= lim["min_rows"]
    verdict = (combine([bounds_v, combine(control), combine(text), collapse_v]) if enough
               else "inconclusive")
    rnd = fits[fits.model == RANDOM_INIT]
    pairs = "; ".join(f"{m}: {v} violations in {p:,} pairs" for m, (v, p) in tallies.items()
                      if p)
    raised = stats[stats.repetition_low > 1]
    measured = (
        f"T1 on model logits — {pairs}; control heads (no repeated tokens) Λ̂·σ / Gaussian "
        f"from {stats.control_ratio.min():.2f} to {stats.control_ratio.max():.2f} (intervals "
        f"{stats.control_low.min():.2f}–{stats.control_high.max():.2f}); byte text: "
        f"{stats.text_ratio.min():.2f} to {stats.text_ratio.max():.2f}; collapse, median head "
        f"{collapse.median_spread:.3f} (noise-corrected {collapse.corrected:.3f}, 95% interval "
        f"[{collapse.low:.3f}, {collapse.high:.3f}]); AIC prefers "
        f"C(log n)^ξ in {int(rnd.aic_prefers_log.sum())}/{len(rnd)} heads, median ξ̂ = "
        f"{rnd.xi.median():.2f}")
    numbers = {"bounds": {m: {"violations": v, "pairs": p} for m, (v, p) in tallies.items()},
               "control_verdicts": control, "text_verdicts": text,
               "heads": stats.drop(columns="model").to_dict("records"),
               "collapse_median": [float(collapse.median_spread), float(collapse.low),
                                   float(collapse.high)],
               "collapse_median_corrected": float(collapse.corrected),
               "aic_log_fraction": float(rnd.aic_prefers_log.mean()),
               "xi_median": float(rnd.xi.median())}
    notes = []
    if violations:
        notes.append(f"{violations} bound violations on model logits")
    bad = sum(v != "reproduced" for v in control)
    if bad:
        notes.append(f"{bad}/{len(control)} control heads not clearly within "
                     f"[{1 / factor:g}, {factor:g}]× of i.i.d. Gaussian rows")
    if collapse_v != "reproduced":
        notes.append(f"median head collapse spread {collapse.median_spread:.3f} "
                     f"[{collapse.low:.3f}, {collapse.high:.3f}] vs ≤ {max_spread:g}")
    text_in = sum(band_verdict(r.text_low, r.text_high, 1 / factor, factor) == "reproduced"
                  for _, r in stats.iterrows())
    notes.append(
        f"Repeated byte tokens, tested: byte text against the control input (the same heads, "
        f"no token repeated), Λ̂·σ ratio text/control median {stats.repetition_effect.median():.2f}"
        f" (heads {stats.repetition_effect.min():.2f}–{stats.repetition_effect.max():.2f}), "
        f"its 95% interval above 1 in {len(raised)}/{len(stats)} heads"
        + (" — repetition raises Λ̂ in those heads" if len(raised) else
           " — the test does not show repetition moving Λ̂")
        + f". The Gaussian comparison is judged on both inputs: the control's keys are "
          f"independent as the i.i.d. reference assumes, byte text is the real input; on byte "
          f"text {text_in}/{len(stats)} heads' intervals lie inside the band")
    notes.append("Trained models (the paper's PG19/Proof-Pile-2/SlimPajama/OpenWebText heads) "
                 "are not available offline; this checks the pipeline on random-init heads")
    mini = fits[fits.model == MINILM]
    if not mini.empty:
        curves = t["head_curves"]
        mc = curves[curves.model == MINILM]
        spread = mc.groupby(["layer", "head", "x"])["mean_pmax"].agg(lambda v: v.max() - v.min())
        numbers["minilm"] = {"heads": len(mini), "aic_log_fraction":
                             float(mini.aic_prefers_log.mean()), "xi_median":
                             float(mini.xi.median()), "collapse_spread_median":
                             float(spread.groupby(["layer", "head"]).max().median())}
        notes.append(f"Pretrained MiniLM (probe, no criterion; its T1 pairs are counted above "
                     f"under its own name): AIC prefers the log form in "
                     f"{int(mini.aic_prefers_log.sum())}/{len(mini)} heads, median ξ̂ = "
                     f"{mini.xi.median():.2f}, median collapse spread "
                     f"{numbers['minilm']['collapse_spread_median']:.3f} (n ≤ 512)")
    if not enough:
        notes.insert(0, f"only {int(stats['rows'].min())} rows per n (< {lim['min_rows']}): "
                        "inconclusive")

    def passes(d):
        r = d.iloc[0]
        return (band_verdict(r.control_low_min, r.control_high_max, 1 / factor, factor)
                == "reproduced"
                and band_verdict(r.low, r.high, BELOW, max_spread) == "reproduced")

    return spec.result(prediction="T1 exact; Gaussian √(2 log n)/σ law; collapse",
                       measurement=measured, verdict=verdict, numbers=numbers,
                       note=". ".join(notes) + ".",
                       power=surrogate_power(t.get("head_surrogate"), passes))


@CLAIMS.claim(
    "T8",
    source_kind="reconstruction",
    statement="Families outside the powers of log n: bounded scores have polynomial scales — "
              "uniform L ∝ n, keys uniform on the sphere S^{d−1} L ∝ n^{2/(d−1)} — and heavy "
              "tails (Pareto, Cauchy) have the scale of their bulk, Λ ≈ log n / (distance of "
              "the bulk below the top).",
    source=SRC + "; families and scales derived in the reconstruction",
    criterion="κ̂ of log median Λ̂_n = κ log n + c has its 95% interval (the hull of the row "
              "bootstrap and the regression's t-interval, as in T4) within "
              "{exponent_tol:g} of the slope of L_pred over the same n (semi-analytic rows, "
              "n = 1e3–1e12; uniform: 1, sphere S⁷: → 2/7); for Pareto (α = 2) and Cauchy "
              "rows, the median over rows of Λ̂·(median gap)/log n has a 95% interval within "
              "1 ± {bulk_tol:g} at every n (i.i.d. Gaussian rows give 1.4–1.5 at n = 1e3–1e5: "
              "their scale is set by the top); ≥ {min_rows} rows per n",
    exponent_tol=0.05,
    bulk_tol=0.1,
    min_rows=64,
)
def _t8(spec, config: Config, t: dict):
    lim = spec.limits
    b = t["beyond"]
    if b.empty:
        return spec.no_data("no rows of the uniform, sphere, Pareto or Cauchy families",
                            prediction="-")
    per, parts, text = {}, [], []
    for _, r in b.iterrows():
        if r.quantity == "exponent in n":
            band = (r.predicted - lim["exponent_tol"], r.predicted + lim["exponent_tol"])
            label = f"{r.family}: κ̂={interval_text(r.estimate, r.low, r.high, 3)} vs " \
                    f"{r.predicted:.3f}"
        else:
            band = (1 - lim["bulk_tol"], 1 + lim["bulk_tol"])
            label = f"{r.family} n={r.n:.0e}: {interval_text(r.estimate, r.low, r.high, 3)}"
        v = band_verdict(r.low, r.high, *band)
        parts.append(v)
        text.append(label)
        per.setdefault(r.family, []).append({"quantity": r.quantity, "n": r.n,
                                             "estimate": r.estimate,
                                             "interval": [r.low, r.high],
                                             "predicted": r.predicted, "verdict": v})
    enough = int(b["rows_per_n"].min()) >= lim["min_rows"]
    notes = [f"{f} ({d['quantity']}, n = {d['n']:.0e}): {d['verdict']}"
             for f, ds in per.items() for d in ds if d["verdict"] != "reproduced"]
    tol = lim["exponent_tol"]
    pred = b[b.quantity == "exponent in n"].set_index("family")["predicted"]

    def passes(d):
        return all(band_verdict(r.low, r.high, pred[r.family] - tol, pred[r.family] + tol)
                   == "reproduced" for _, r in d.iterrows())

    return spec.result(
        prediction="κ = 1 (uniform), ≈ 2/7 (sphere S⁷); Λ̂·(median gap)/log n → 1 (heavy tails)",
        measurement="; ".join(text),
        verdict=combine(parts) if enough else "inconclusive", numbers=per,
        note="; ".join(notes)
             + ("" if enough else f"; fewer than {lim['min_rows']} rows per n: inconclusive"),
        power=surrogate_power(t.get("beyond_surrogate"), passes))
