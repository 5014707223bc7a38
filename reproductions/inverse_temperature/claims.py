"""Claims T1–T8 of Hayase & Karakida, arXiv 2605.12697, each declared once with its judge
(T1–T4 here, T5–T6 in :mod:`.claims_curves`, T7–T8 in :mod:`.claims_beyond`).

Only the abstract of the paper is public, so every definition and criterion is this
reproduction's reconstruction; ``reproductions/inverse_temperature/README.md`` says what was
assumed for each claim and why its criterion is what it is. Each criterion's numbers are the
keywords of its declaration (``spec.limits``): the prose is formatted from them and the judge
reads them back. Every estimate carries a 95% interval (a row bootstrap, or an exact count)
and is judged against its band by :func:`decide`; where an ideal surrogate is built, its pass
rate is the claim's power (``spec.result(power=...)``).
"""

from __future__ import annotations

from .._claims import decide
from .bound_checks import BOUND_REL_TOL
from .config import Config
from .judging import (
    BELOW,
    CLAIMS,
    SRC,
    band_verdict,
    combine,
    interval_text,
    law_power,
    law_verdicts,
    parts_note,
    reach_notes,
    surrogate_power,
)

__all__ = ["CLAIMS"]

_BOUNDS = ("top_two_gap", "partition", "max_weight", "entropy")


@CLAIMS.claim(
    "T1",
    source_kind="reconstruction",
    statement="Exact per-row bounds from the raw accumulation scale Λ: D ≤ r/(e(1−r)) for r < 1; "
              "Z ≤ r/(r−1), p_max ≥ 1 − 1/r, H ≤ log(r/(r−1)) + (r/(r−1))² − 1 for r > 1 "
              "(r = β/Λ).",
    source=SRC + "; bounds derived in the reconstruction",
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
    # an exact count: its interval is the count itself
    return spec.result(
        prediction="0 violations",
        measurement=f"{total} violations in {pairs:,} (row, β) pairs over {len(b)} row sources; "
                    f"tightest measured/bound: D {worst['top_two_gap']:.3f}, Z "
                    f"{worst['partition']:.3f}, H {worst['entropy']:.3f}",
        verdict=decide(total, total, (0, 0), enough_data=pairs >= needed),
        numbers={"pairs": pairs, "violations": violations, "checked": checked,
                 "max_ratio": worst},
        note="" if pairs >= needed else f"only {pairs:,} pairs (< {needed:,}): inconclusive")


@CLAIMS.claim(
    "T2",
    source_kind="paper",
    statement="Limit statements: β/Λ_n → 0 makes the top two weights equal; β/Λ_n → ∞ "
              "collapses the entropy.",
    source=SRC,
    criterion="β_n = L/log log n: median top-two gap decreases in n; β_n = L·log log n: median "
              "entropy decreases in n — the slope of log(median) on log₁₀ n has a row-bootstrap "
              "95% interval below 0, for every family, over n ≥ {min_n:g} with ≥ {min_rows} "
              "rows per n and ≥ {min_points} values of n",
    min_n=1000,
    min_rows=128,
    min_points=6,
)
def _t2(spec, config: Config, t: dict):
    lim = spec.limits
    tr = t["trends"]
    if tr.empty:
        return spec.no_data("no semi-analytic rows with n ≥ 1e3", prediction="slopes < 0")
    enough = bool(tr["rows_per_n"].min() >= lim["min_rows"]
                  and tr["n_points"].min() >= lim["min_points"])
    parts, per, text = [], {}, []
    for _, r in tr.iterrows():
        v = band_verdict(r.low, r.high, BELOW, 0.0)
        parts.append(v)
        per.setdefault(r.family, {})[r.limit] = {
            "slope": r.slope, "interval": [r.low, r.high], "rho": r.rho,
            "first_last": [r["first"], r["last"]], "verdict": v}
        text.append(f"{r.family} {'D' if r.limit == 'gap' else 'H'} "
                    f"{interval_text(r.slope, r.low, r.high, 3)} (ρ={r.rho:+.2f})")
    rows = int(tr["rows_per_n"].min())
    fails = [f"{f} {k}: the median does not decrease (slope interval above 0)"
             for f, d in per.items() for k, v in d.items() if v["verdict"] == "not reproduced"]
    note = "; ".join(fails)
    if not enough:
        note = (f"only {rows} rows per n or {int(tr['n_points'].min())} values of n (< "
                f"{lim['min_rows']} / {lim['min_points']}): inconclusive. " + note).strip()
    return spec.result(
        prediction="both medians decrease in n (slope < 0)",
        measurement="slope of log median per decade of n: " + "; ".join(text)
                    + f" ({rows} rows per n)",
        verdict=combine(parts) if enough else "inconclusive",
        numbers={"families": per, "rows_per_n": rows},
        note=note)


@CLAIMS.claim(
    "T3",
    source_kind="paper",
    statement="Scale law: the critical β is set by the family's accumulation scale, unifying "
              "(log n)^½, log n and (log n)².",
    source=SRC,
    criterion="β_½(n)/L_pred(n) spreads ≤ {at_most:g}× over n and every competing law's "
              "β_½/L_law ≥ {others_at_least:g}× (95% bootstrap intervals, semi-analytic rows, "
              "≥ {min_rows} rows per n); a competing law the interval cannot separate is "
              "reported as the diagnostic's reach (inconclusive)",
    at_most=1.5,
    others_at_least=1.7,
    min_rows=128,
)
def _t3(spec, config: Config, t: dict):
    lim = spec.limits
    at_most, others = lim["at_most"], lim["others_at_least"]
    spreads = t["law_spreads"]
    if spreads.empty:
        return spec.no_data("no semi-analytic rows", prediction="-")
    per = law_verdicts(spreads, at_most=at_most, others_at_least=others)
    enough = int(spreads["rows_per_n"].min()) >= lim["min_rows"]
    text = "; ".join(f"{f}: {interval_text(*v['predicted'])}× vs "
                     f"{interval_text(*v['nearest'])}× ({v['nearest_law']})"
                     for f, v in per.items())
    power, parts = law_power(t.get("law_spreads_surrogate"), at_most, others)
    notes = reach_notes(per, "β_½", at_most, others)
    notes.append(parts_note(parts, f"every rival ≥ {others:g}×"))
    return spec.result(
        prediction=f"≤ {at_most:g}× under L_pred, ≥ {others:g}× under every other law",
        measurement="spread of β_½/L over n, estimate [noise-corrected 95% interval]: " + text,
        verdict=combine(v["verdict"] for v in per.values()) if enough else "inconclusive",
        numbers=per | {"surrogate_parts": parts}, note="; ".join(n for n in notes if n),
        power=power)


@CLAIMS.claim(
    "T4",
    source_kind="paper",
    statement="Exponent: β_c ∝ (log n)^ξ with ξ = 0, ½, 1, 2 for exponential, Gaussian, log E, "
              "thin endpoint.",
    source=SRC,
    criterion="fit log Λ̂_n = ξ log log n + c on the median robust Λ̂_n over the semi-analytic "
              "n grid, which must reach n ≥ {min_largest_n:.0e} with ≥ {min_rows} rows per n; "
              "ξ̂'s 95% interval — the hull of the row bootstrap (noise) and the regression's "
              "t-interval (lack of fit) — lies within ξ ± {tol:g} (the β_½ fit is reported too)",
    tol=0.25,
    min_largest_n=10**9,
    min_rows=128,
)
def _t4(spec, config: Config, t: dict):
    tol = spec.limits["tol"]
    e = t["exponents"]
    if e.empty:
        return spec.no_data("no semi-analytic rows", prediction="ξ = 0, ½, 1, 2")
    per, parts = {}, []
    for _, r in e.iterrows():
        v = band_verdict(r.xi_low, r.xi_high, r.xi_pred - tol, r.xi_pred + tol)
        parts.append(v)
        per[r.family] = {"xi_pred": r.xi_pred, "xi_lambda": r.xi_lambda,
                         "interval": [r.xi_low, r.xi_high],
                         "regression_ci": [r.xi_lambda_low, r.xi_lambda_high],
                         "xi_L_pred": r.xi_L_pred, "xi_beta_half": r.xi_beta_half,
                         "verdict": v}
    text = "; ".join(f"{f}: ξ̂={interval_text(v['xi_lambda'], *v['interval'])} (β_½ fit "
                     f"{v['xi_beta_half']:.2f}; L_pred itself {v['xi_L_pred']:.2f}) vs "
                     f"{v['xi_pred']:g}" for f, v in per.items())
    enough = (int(e.n_max.max()) >= spec.limits["min_largest_n"]
              and int(e.rows_per_n.min()) >= spec.limits["min_rows"])
    beta_ok = all(abs(v["xi_beta_half"] - v["xi_pred"]) <= tol for v in per.values())

    def passes(d):
        pred = e.set_index("family")["xi_pred"]
        return all(band_verdict(r.low, r.high, pred[r.family] - tol, pred[r.family] + tol)
                   == "reproduced" for _, r in d.iterrows())

    notes = [f"{f}: ξ̂ interval [{v['interval'][0]:.2f}, {v['interval'][1]:.2f}] "
             + ("reaches past" if v["verdict"] == "inconclusive" else "lies outside")
             + f" {v['xi_pred']:g} ± {tol:g} while L_pred itself has slope "
               f"{v['xi_L_pred']:.2f} over the same n: finite-size drift of Λ̂"
             for f, v in per.items() if v["verdict"] != "reproduced"]
    if not beta_ok:
        notes.append(f"the β_½ regression misses the ±{tol:g} band for at least one family "
                     "(finite-size drift; T4 judges the Λ̂ regression)")
    if not enough:
        notes.insert(0, "n must reach 1e9 with enough rows per n: inconclusive")
    return spec.result(
        prediction="ξ = 0, ½, 1, 2", measurement=text,
        verdict=combine(parts) if enough else "inconclusive", numbers=per,
        note="; ".join(notes),
        power=surrogate_power(t.get("exponents_surrogate"), passes))


# T5–T6, then T7–T8, in that order (declaration order is the report's order)
from . import claims_curves  # noqa: E402,F401,I001
from . import claims_beyond  # noqa: E402,F401,I001
