"""Every inverse-temperature judge gives each of its verdicts from synthetic measurements.

The tables below are written by hand in the shape ``tables.py`` produces: an estimate with its
95% interval per family (and, where the claim has one, the ideal surrogate's draws). Each test
moves one interval across its band and checks that the verdict follows — including the power
check: a criterion the surrogate fails more than 5% of the time makes the verdict inconclusive.
"""

import numpy as np
import pandas as pd
import pytest

from attnlab.reproductions._checks import crossing
from attnlab.reproductions._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED
from attnlab.reproductions.inverse_temperature import claims, make_config
from attnlab.reproductions.inverse_temperature.judging import combine, resolved
from attnlab.reproductions.inverse_temperature.uncertainty import crossings, interval

QUICK = make_config("quick")
FAMILIES = ("exponential", "gaussian", "log-exponential", "thin-endpoint")
BOUNDS = ("top_two_gap", "partition", "max_weight", "entropy")


def judge(claim_id, tables, config=QUICK):
    return claims.CLAIMS[claim_id](config, tables)


# ---- the shared rules ----------------------------------------------------------------------

def test_combine_and_resolved():
    assert combine([REPRODUCED, REPRODUCED]) == REPRODUCED
    assert combine([REPRODUCED, INCONCLUSIVE]) == INCONCLUSIVE
    assert combine([INCONCLUSIVE, NOT_REPRODUCED]) == NOT_REPRODUCED
    assert combine([]) == INCONCLUSIVE
    assert resolved(REPRODUCED, REPRODUCED) == REPRODUCED
    assert resolved(REPRODUCED, INCONCLUSIVE) == INCONCLUSIVE  # the diagnostic's reach
    assert resolved(REPRODUCED, NOT_REPRODUCED) == INCONCLUSIVE
    assert resolved(NOT_REPRODUCED, REPRODUCED) == NOT_REPRODUCED


def test_vectorised_crossings_follow_the_scalar_rule():
    rng = np.random.default_rng(0)
    x = np.geomspace(1e-2, 1e2, 41)
    curves = np.cumsum(rng.normal(size=(200, 41)), axis=1) / 5
    curves[::7, 10] = 0.3  # exact hits on a grid point
    got = crossings(x, curves, 0.3)
    want = np.array([crossing(x, c, 0.3) for c in curves])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.isnan(got).sum() == np.isnan(want).sum() > 0


def test_reflected_interval_removes_the_bootstrap_inflation():
    reps = np.array([0.10, 0.12, 0.14, 0.16, 0.18] * 40)  # replicates sit above the estimate
    low, high = interval(reps)
    assert low == pytest.approx(0.10) and high == pytest.approx(0.18)
    low, high = interval(reps, point=0.11)  # reflected about the estimate
    assert low == pytest.approx(0.04) and high == pytest.approx(0.12)
    assert np.isnan(interval(np.r_[reps, np.nan])[0])


# ---- T1 --------------------------------------------------------------------------------------

def _bounds(pairs=10**6, violations=0, at="semi:gaussian"):
    rows = []
    for s in ("semi:gaussian", "model", "minilm"):
        row = {"source": s, "pairs": pairs // 3}
        for k in BOUNDS:
            row |= {f"{k}_checked": 10, f"{k}_violations": violations if s == at else 0,
                    f"{k}_max_ratio": 0.5}
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("pairs, violations, verdict", [
    (10**6, 0, REPRODUCED), (10**6, 1, NOT_REPRODUCED), (10**4, 0, INCONCLUSIVE)])
def test_t1_verdicts(pairs, violations, verdict):
    assert judge("T1", {"bounds": _bounds(pairs, violations)}).verdict == verdict


# ---- T2 --------------------------------------------------------------------------------------

def _trends(low=-0.2, high=-0.1, rows=128, points=10, family="gaussian"):
    out = []
    for f in FAMILIES:
        for limit in ("gap", "entropy"):
            lo, hi = (low, high) if (f, limit) == (family, "entropy") else (-2.0, -1.0)
            out.append((f, limit, (lo + hi) / 2, lo, hi, -0.9, 1.0, 0.5, points, rows))
    return {"trends": pd.DataFrame(out, columns=["family", "limit", "slope", "low", "high",
                                                 "rho", "first", "last", "n_points",
                                                 "rows_per_n"])}


@pytest.mark.parametrize("kwargs, verdict", [
    ({}, REPRODUCED),
    ({"low": 0.01, "high": 0.05}, NOT_REPRODUCED),  # the entropy grows with n
    ({"low": -0.05, "high": 0.02}, INCONCLUSIVE),  # the interval straddles 0
    ({"rows": 16}, INCONCLUSIVE),  # too few rows to decide, whatever the slopes say
    ({"points": 3}, INCONCLUSIVE),
])
def test_t2_verdicts(kwargs, verdict):
    assert judge("T2", _trends(**kwargs)).verdict == verdict


# ---- T3 and T5: a flat predicted law, told apart from its rivals ---------------------------

def _laws(predicted, rival, rows=256, value="spread"):
    out = []
    for f in FAMILIES:
        out.append((f, "predicted L(n)", predicted[0], *predicted, True, rows))
        for law in ("constant", "(log n)^1/2", "log n"):
            out.append((f, law, rival[0], *rival, False, rows))
    return pd.DataFrame(out, columns=["family", "law", value, "low", "high", "predicted",
                                      "rows_per_n"])


def _law_surrogate(predicted, rival, draws=100, failing=0):
    frames = []
    for d in range(draws):
        bad = d < failing
        f = _laws(rival if bad else predicted, rival)
        frames.append(f.drop(columns="rows_per_n").assign(draw=d))
    return pd.concat(frames, ignore_index=True)


T3_CASES = [
    ((1.0, 1.3), (2.0, 3.0), 0, REPRODUCED),
    ((1.6, 1.9), (2.0, 3.0), 0, NOT_REPRODUCED),  # β_½/L_pred itself drifts
    ((1.3, 1.6), (2.0, 3.0), 0, INCONCLUSIVE),  # across the 1.5× edge
    ((1.0, 1.3), (1.5, 1.9), 0, INCONCLUSIVE),  # a rival the data cannot tell apart: reach
    ((1.0, 1.3), (2.0, 3.0), 10, INCONCLUSIVE),  # the ideal model fails 10% of draws
]


@pytest.mark.parametrize("predicted, rival, failing, verdict", T3_CASES)
def test_t3_verdicts(predicted, rival, failing, verdict):
    tables = {"law_spreads": _laws(predicted, rival),
              "law_spreads_surrogate": _law_surrogate((1.0, 1.2), (2.0, 3.0),
                                                      failing=failing)}
    claim = judge("T3", tables)
    assert claim.verdict == verdict
    assert claim.power["rate"] == pytest.approx(1 - failing / 100)


def test_t3_reach_is_reported_not_refuted():
    claim = judge("T3", {"law_spreads": _laws((1.0, 1.3), (1.5, 1.9))})
    assert claim.verdict == INCONCLUSIVE and "reach of the diagnostic" in claim.note


def _collapse(predicted, rival, rows=256):
    frozen = _laws(predicted, rival, rows, value="max_spread").assign(window="frozen")
    whole = _laws((0.15, 0.2), rival, rows, value="max_spread").assign(window="all")
    return pd.concat([frozen, whole], ignore_index=True).assign(x_at_max=0.9, grid_points=50)


@pytest.mark.parametrize("predicted, rival, failing, verdict", [
    ((0.0, 0.08), (0.35, 0.5), 0, REPRODUCED),
    ((0.15, 0.25), (0.35, 0.5), 0, NOT_REPRODUCED),
    ((0.05, 0.15), (0.35, 0.5), 0, INCONCLUSIVE),
    ((0.0, 0.08), (0.2, 0.33), 0, INCONCLUSIVE),  # reach
    ((0.0, 0.08), (0.35, 0.5), 6, INCONCLUSIVE),  # power
])
def test_t5_verdicts(predicted, rival, failing, verdict):
    surrogate = _law_surrogate((0.0, 0.08), (0.35, 0.5), failing=failing)
    tables = {"collapse": _collapse(predicted, rival), "collapse_surrogate": surrogate}
    assert judge("T5", tables).verdict == verdict


def test_t5_is_inconclusive_on_thin_data():
    assert judge("T5", {"collapse": _collapse((0.0, 0.08), (0.35, 0.5), rows=16)}).verdict \
        == INCONCLUSIVE


# ---- T4 --------------------------------------------------------------------------------------

XI = {"exponential": 0.0, "gaussian": 0.5, "log-exponential": 1.0, "thin-endpoint": 2.0}


def _exponents(shift=(0.0, 0.1), n_max=10**12, rows=256, failing=0):
    e = pd.DataFrame([(f, xi, xi + sum(shift) / 2, xi + shift[0], xi + shift[1], xi, xi + 0.3,
                       xi, xi, n_max, rows) for f, xi in XI.items()],
                     columns=["family", "xi_pred", "xi_lambda", "xi_low", "xi_high",
                              "xi_lambda_low", "xi_lambda_high", "xi_L_pred", "xi_beta_half",
                              "n_max", "rows_per_n"])
    s = pd.DataFrame([(f, d, xi, xi - 0.05, xi + (0.4 if d < failing else 0.05))
                      for d in range(100) for f, xi in XI.items()],
                     columns=["family", "draw", "xi", "low", "high"])
    return {"exponents": e, "exponents_surrogate": s}


@pytest.mark.parametrize("kwargs, verdict", [
    ({}, REPRODUCED),
    ({"shift": (0.3, 0.4)}, NOT_REPRODUCED),
    ({"shift": (0.2, 0.3)}, INCONCLUSIVE),  # the interval reaches past the 0.25 band
    ({"n_max": 10**6}, INCONCLUSIVE),  # log log n barely moves below 1e9
    ({"failing": 20}, INCONCLUSIVE),
])
def test_t4_verdicts(kwargs, verdict):
    assert judge("T4", _exponents(**kwargs)).verdict == verdict


# ---- T6 --------------------------------------------------------------------------------------

CENTRE = {"gaussian": 0.5**0.5, "log-exponential": 0.5, "exponential": 1.0}


def _sharp(offset=(0.0, 0.01), width=(0.75, 0.8), n_max=10**12, failing=0):
    rows = []
    for f, c in CENTRE.items():
        rows.append((f, n_max, c, c + offset[0], c + offset[1], c, c, c - 0.01, c + 0.01,
                     0.1, 0.1, 0.1, 0.5, 256))
    rows.append(("uniform", 10**3, 0.08, 0.07, 0.09, np.nan, np.nan, np.nan, np.nan,
                 0.85, 0.84, 0.86, 2.5, 256))
    rows.append(("uniform", n_max, 3e-6, 2e-6, 4e-6, np.nan, np.nan, np.nan, np.nan,
                 sum(width) / 2, *width, 9.6, 256))
    s = pd.DataFrame(rows, columns=[
        "family", "n", "c_half", "c_half_low", "c_half_high", "c_half_pred", "c_half_sqrt",
        "c_half_sqrt_low", "c_half_sqrt_high", "width_rel", "width_rel_low", "width_rel_high",
        "h_width_decades", "rows_per_n"])
    sur = pd.DataFrame([(f, d, c, c - 0.005, c + (0.1 if d < failing else 0.005), c, c, c)
                        for d in range(100) for f, c in CENTRE.items()],
                       columns=["family", "draw", "c_half", "low", "high", "c_half_sqrt",
                                "low_sqrt", "high_sqrt"])
    return {"sharp": s, "sharp_surrogate": sur}


@pytest.mark.parametrize("kwargs, verdict", [
    ({}, REPRODUCED),
    ({"offset": (0.1, 0.12)}, NOT_REPRODUCED),
    ({"offset": (0.025, 0.035)}, INCONCLUSIVE),  # straddles the ±0.03 edge
    ({"width": (0.1, 0.2)}, NOT_REPRODUCED),  # the uniform transition sharpened
    ({"width": (0.3, 0.5)}, INCONCLUSIVE),
    ({"n_max": 10**9}, INCONCLUSIVE),
    ({"failing": 10}, INCONCLUSIVE),
])
def test_t6_verdicts(kwargs, verdict):
    claim = judge("T6", _sharp(**kwargs))
    assert claim.verdict == verdict
    assert "√(2 log n)" in claim.measurement  # the Gaussian on both normalisations


# ---- T7 --------------------------------------------------------------------------------------

def _models(control=(0.9, 1.1), spread=(0.02, 0.08), violations=0, rows=48, failing=0):
    heads = pd.DataFrame([("random-init GPT", layer, head, 1.1, 1.0, 1.2, 1.0, *control,
                           1.1, 1.0, 1.2, 0.05, 0.0, 0.1, rows, 32)
                          for layer in range(2) for head in range(4)],
                         columns=["model", "layer", "head", "text_ratio", "text_low",
                                  "text_high", "control_ratio", "control_low", "control_high",
                                  "repetition_effect", "repetition_low", "repetition_high",
                                  "spread", "spread_low", "spread_high", "rows",
                                  "control_rows"])
    fits = pd.DataFrame([("random-init GPT", 0, h, 0.8, 0.1, True, 0.9, 1.1) for h in range(8)],
                        columns=["model", "layer", "head", "xi", "kappa", "aic_prefers_log",
                                 "gauss_ratio_min", "gauss_ratio_max"])
    surrogate = pd.DataFrame([(d, 0.9, 1.4 if d < failing else 1.1, 0.05, 0.0, 0.08)
                              for d in range(100)],
                             columns=["draw", "control_low_min", "control_high_max",
                                      "median_spread", "low", "high"])
    return {"head_statistics": heads, "head_fits": fits,
            "head_collapse": pd.DataFrame(
                [("random-init GPT", sum(spread) / 2, sum(spread) / 2, *spread)],
                columns=["model", "median_spread", "corrected", "low", "high"]),
            "bounds": _bounds(violations=violations, at="minilm"), "head_curves": pd.DataFrame(
                columns=["model", "layer", "head", "n", "x", "mean_pmax"]),
            "head_surrogate": surrogate}


@pytest.mark.parametrize("kwargs, verdict", [
    ({}, REPRODUCED),
    ({"violations": 1}, NOT_REPRODUCED),
    ({"control": (1.3, 1.5)}, NOT_REPRODUCED),  # heads far from the Gaussian law
    ({"spread": (0.15, 0.3)}, NOT_REPRODUCED),  # no collapse
    ({"control": (1.1, 1.3)}, INCONCLUSIVE),
    ({"spread": (0.08, 0.16)}, INCONCLUSIVE),
    ({"rows": 12}, INCONCLUSIVE),  # the original 12 rows per n
    ({"failing": 10}, INCONCLUSIVE),
])
def test_t7_verdicts(kwargs, verdict):
    assert judge("T7", _models(**kwargs)).verdict == verdict


def test_t7_reports_each_model_s_bound_pairs_under_its_own_name():
    measurement = judge("T7", _models()).measurement
    assert "random-init GPT: 0 violations" in measurement
    assert "MiniLM-L6 (pretrained): 0 violations" in measurement


# ---- T8 --------------------------------------------------------------------------------------

def _beyond(kappa=(0.99, 1.01), bulk=(0.97, 1.0), rows=64, failing=0):
    b = pd.DataFrame([("uniform", "exponent in n", 1e12, sum(kappa) / 2, *kappa, 1.0, 256, 10),
                      ("sphere-8", "exponent in n", 1e12, 0.29, 0.28, 0.30, 0.29, 256, 10),
                      ("pareto", "Λ̂·median gap/log n", 1e5, 0.99, 0.98, 1.0, 1.0, rows, 1),
                      ("cauchy", "Λ̂·median gap/log n", 1e5, sum(bulk) / 2, *bulk, 1.0, rows,
                       1)],
                     columns=["family", "quantity", "n", "estimate", "low", "high",
                              "predicted", "rows_per_n", "n_points"])
    s = pd.DataFrame([(f, d, p, p - 0.01, p + (0.2 if d < failing else 0.01))
                      for d in range(100) for f, p in (("uniform", 1.0), ("sphere-8", 0.29))],
                     columns=["family", "draw", "estimate", "low", "high"])
    return {"beyond": b, "beyond_surrogate": s}


@pytest.mark.parametrize("kwargs, verdict", [
    ({}, REPRODUCED),
    ({"kappa": (0.5, 0.6)}, NOT_REPRODUCED),  # uniform rows do not scale like n
    ({"bulk": (1.8, 2.2)}, NOT_REPRODUCED),  # a heavy tail whose scale is set by its top
    ({"kappa": (0.94, 0.97)}, INCONCLUSIVE),
    ({"rows": 8}, INCONCLUSIVE),
    ({"failing": 10}, INCONCLUSIVE),
])
def test_t8_verdicts(kwargs, verdict):
    assert judge("T8", _beyond(**kwargs)).verdict == verdict


def test_t7_is_judged_on_byte_text_too():
    """The control input was chosen after byte text was seen to push a head out of the band:
    one byte-text head straddling the band leaves T7 undecided, whatever the control says."""
    t = _models()
    assert judge("T7", t).verdict == REPRODUCED
    t["head_statistics"].loc[0, ["text_low", "text_high"]] = (1.09, 1.31)
    assert judge("T7", t).verdict == INCONCLUSIVE
