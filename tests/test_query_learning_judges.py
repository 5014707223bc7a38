"""Every query-learning judge gives each of its verdicts from synthetic tables.

The tables below are built by hand (no sweep runs), in the schema ``tables.py`` writes, so each
test says which measurement flips which claim: reproduced when every evidence part is inside
its band, not reproduced when one is outside, inconclusive when one straddles the band's edge,
when a sanity check or control fails, or when the run is too thin to decide. B7 is an
achievability claim judged on our own learner: its precision alone can make it inconclusive,
never not reproduced; a functionally equal but different canonical form refutes it.
"""

import numpy as np
import pandas as pd
import pytest

from attnlab.reproductions._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED
from attnlab.reproductions.query_learning import make_config, tables
from attnlab.reproductions.query_learning.claims import CLAIMS
from attnlab.reproductions.query_learning.judging import spread

CONFIG = make_config("quick")


def _judge(cid, **tabs):
    return CLAIMS[cid](CONFIG, tabs)


# ------------------------------------------------------------------------------------ B1


def _exact(err=1e-13, extra=0, widths=(2, 4, 8), seeds=5):
    rows = [(d, 1.0, k, d * d + d + extra, d * d + d, 2, 2, err, 10 * err, 1e-16)
            for d in widths for k in range(seeds)]
    return pd.DataFrame(rows, columns=["d", "s", "seed", "queries", "d2_plus_d", "calls",
                                       "max_length", "err_W", "max_entry_err_W", "err_v"])


def test_b1_verdicts():
    good = _judge("B1", exact=_exact())
    assert good.verdict == REPRODUCED and good.power["rate"] >= 0.95
    assert _judge("B1", exact=_exact(extra=1)).verdict == NOT_REPRODUCED
    assert _judge("B1", exact=_exact(err=1e-6)).verdict == NOT_REPRODUCED
    split = _exact()
    split.loc[split.seed == 0, "err_W"] = 1e-6  # one seed fails, four pass
    assert _judge("B1", exact=split).verdict == INCONCLUSIVE
    thin = _judge("B1", exact=_exact(widths=(2, 8), seeds=2))
    assert thin.verdict == INCONCLUSIVE and "too little data" in thin.measurement
    # an exact count refutes even on thin data
    assert _judge("B1", exact=_exact(extra=1, widths=(2, 8), seeds=2)).verdict == NOT_REPRODUCED


# ------------------------------------------------------------------------------------ B2


def _breakdown(override=None):
    rows = []
    for dtype, eps in (("float64", 2.2e-16), ("float32", 1.19e-7), ("float16", 9.77e-4),
                       ("bfloat16", 7.8e-3)):
        pred = float(np.log(2 / eps))
        rows.append({"dtype": dtype, "eps": eps, "breakdown_pred": pred,
                     "breakdown_measured": pred, "measured_over_pred": 1.0, "ratio_low": 0.97,
                     "ratio_high": 1.01, "median_err_over_first_order": 0.3,
                     "first_order_low": 0.25, "first_order_high": 0.35,
                     "max_err_over_first_order": 1.0, "adaptive_nonfinite": 0,
                     "adaptive_max_rel_err": 1e-3, "adaptive_worst_low": 1e-4,
                     "adaptive_worst_high": 1e-3, "adaptive_query_factor": 2.0, "seeds": 3})
    frame = pd.DataFrame(rows)
    for (dtype, col), value in (override or {}).items():
        frame.loc[frame.dtype == dtype, col] = value
    return frame


_Z = pd.DataFrame({"z": [round(1.04**k, 6) for k in range(113)]})


def test_b2_verdicts():
    good = CLAIMS["B2"](CONFIG, {"breakdown": _breakdown(), "precision": _Z})
    assert good.verdict == REPRODUCED and good.power["rate"] >= 0.95

    def verdict(override):
        return CLAIMS["B2"](CONFIG, {"breakdown": _breakdown(override), "precision": _Z}).verdict

    assert verdict({("float32", "ratio_low"): 0.5, ("float32", "ratio_high"): 0.55}) \
        == NOT_REPRODUCED
    assert verdict({("float16", "ratio_low"): 0.80, ("float16", "ratio_high"): 0.88}) \
        == INCONCLUSIVE  # the bracket straddles 0.85
    assert verdict({("float64", "adaptive_worst_low"): 2.0,
                    ("float64", "adaptive_worst_high"): 5.0}) == NOT_REPRODUCED
    assert verdict({("float16", "first_order_low"): 20.0,
                    ("float16", "first_order_high"): 30.0}) == NOT_REPRODUCED
    # bfloat16's breakdown is reported, not judged
    assert verdict({("bfloat16", "ratio_low"): 0.5, ("bfloat16", "ratio_high"): 0.6}) \
        == REPRODUCED
    # the clamp (a sanity check) failing makes it untrustworthy, not refuted
    assert verdict({("float32", "adaptive_nonfinite"): 3}) == INCONCLUSIVE
    assert verdict({(d, "seeds"): 1 for d in ("float64", "float32", "float16",
                                              "bfloat16")}) == INCONCLUSIVE


def test_b2_surrogate_sees_a_coarse_grid():
    """With only a few z points the ideal model's bracket straddles the band: inconclusive."""
    coarse = pd.DataFrame({"z": [1.0, 4.0, 16.0, 64.0]})
    claim = CLAIMS["B2"](CONFIG, {"breakdown": _breakdown(), "precision": coarse})
    assert claim.power["rate"] < 0.95 and claim.verdict == INCONCLUSIVE


# ------------------------------------------------------------------------------------ B3


_RATIOS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)


def _lowrank(transition, methods=("factored", "nuclear"), trials=20, widths=(16, 24, 32)):
    """Success 0 below, 1 from ``transition(d, r)`` on (a sharp transition per (d, r))."""
    rows = []
    for method in methods:
        for d in widths:
            for r in (1, 2):
                c = transition(d, r)
                for x in _RATIOS:
                    rows.append((method, d, r, x, 0, 0, trials, float(x >= c), 1.0, 0.0,
                                 d * d + d, 0.0))
    return pd.DataFrame(rows, columns=["method", "d", "r", "ratio", "m", "dof", "trials",
                                       "success", "median_err", "queries", "d2_plus_d",
                                       "mean_iterations"])


def _b3(transition, **kw):
    low = _lowrank(transition, **kw)
    return CLAIMS["B3"](CONFIG, {"lowrank": low, "transitions": tables._transitions(low)})


def test_b3_verdicts():
    good = _b3(lambda d, r: 1.5)
    assert good.verdict == REPRODUCED and good.power["rate"] >= 0.95
    assert _b3(lambda d, r: 0.75 if d == 16 else 4.0).verdict == NOT_REPRODUCED  # no collapse
    assert _b3(lambda d, r: 1.5 if d == 16 else 3.0).verdict == INCONCLUSIVE  # spread 1.3–2.4
    thin = _b3(lambda d, r: 1.5, trials=3)
    assert thin.verdict == INCONCLUSIVE and "too little data" in thin.measurement


def test_b3_judges_only_where_the_grid_stays_below_d_squared():
    t = tables._transitions(_lowrank(lambda d, r: 1.5, widths=(8, 16)))
    valid = set(zip(t[t.valid].d, t[t.valid].r, strict=True))
    # 4·r(2d − r) ≤ d²: (16, 1) 124, (16, 2) 240 ≤ 256; (8, 1) 60 ≤ 64; (8, 2) 112 > 64
    assert valid == {(16, 1), (16, 2), (8, 1)}


def test_spread_of_bracketed_values():
    assert spread([1.25, 2.0], [1.5, 3.0]) == (pytest.approx(2.0 / 1.5), pytest.approx(3 / 1.25))
    assert spread([1.25, 1.25], [1.5, 1.5]) == (1.0, pytest.approx(1.2))


# ------------------------------------------------------------------------------------ B4


_LAWS = {"query-scaled": lambda B: 4 * B + 1, "key-scaled": lambda B: 8 * B * B + 2 * B}


def _noise(*, scatter=0.02, bound_factor=2.0, unit_factor=1e3, seeds=16, key_norm_power=None):
    """Errors that follow each design's own first-order bound, with log-normal scatter."""
    rng = np.random.default_rng(0)
    rows = []

    def add(sweep, noise, probes, d=8, norm=2.0, margin=1.0, tau=1e-6, repeats=1):
        for k in range(seeds):
            law = _LAWS.get(probes, lambda B: 1e3 * (4 * B + 1))(norm)
            if probes == "key-scaled" and key_norm_power is not None:
                law = norm ** key_norm_power
            if probes == "unit":
                law = unit_factor * _LAWS["query-scaled"](norm)
            rep = 1.0 if noise == "adversarial" else repeats ** -0.5
            err = tau * law * d / margin * rep * np.exp(scatter * rng.standard_normal())
            rows.append((sweep, noise, probes, d, norm, margin, tau, repeats, k, err, err / d,
                         bound_factor * err / d, margin, 0, 0))

    for kind in ("uniform", "gaussian", "adversarial"):
        for tau in 10.0 ** np.arange(-8, -1):
            add("tau", kind, "query-scaled", tau=tau)
        for r in (1, 4, 16, 64, 256):
            add("repeats", kind, "query-scaled", tau=1e-4, repeats=r)
    for design in ("query-scaled", "key-scaled", "unit"):
        for norm in (0.5, 1, 2, 4, 8, 16, 32):
            add("norm", "uniform", design, norm=norm)
    for design in ("query-scaled", "key-scaled"):
        for d in (4, 8, 16, 32, 64):
            add("dim", "uniform", design, d=d)
        for mu in (0.125, 0.25, 0.5, 1.0, 2.0):
            add("margin", "uniform", design, margin=mu)
    frame = pd.DataFrame(rows, columns=["sweep", "noise", "probes", "d", "norm", "margin", "tau",
                                        "repeats", "seed", "err_fro", "err_max", "entry_bound",
                                        "measured_margin", "queries", "nonfinite"])
    frame.loc[frame.probes == "unit", "entry_bound"] = np.inf
    return frame


def _b4(**kw):
    n = _noise(**kw)
    return CLAIMS["B4"](CONFIG, {"noise": n, "noise_fits": tables._noise_fits(n)})


def test_b4_verdicts():
    good = _b4()
    assert good.verdict == REPRODUCED and good.power["rate"] >= 0.95
    assert _b4(bound_factor=0.5).verdict == NOT_REPRODUCED  # errors above the own bound
    # the key-scaled probes growing like ‖W‖ instead of their bound's ‖W‖²: refuted
    assert _b4(key_norm_power=1.0).verdict == NOT_REPRODUCED
    assert _b4(unit_factor=1.0).verdict == INCONCLUSIVE  # the control does not blow up
    noisy = _b4(scatter=0.6)  # slopes too uncertain for ±0.15 at this scale
    assert noisy.verdict == INCONCLUSIVE
    assert _b4(seeds=3).verdict == INCONCLUSIVE


def test_b4_exponents_come_from_each_designs_own_bound():
    x = [0.5, 1, 2, 4, 8, 16, 32]
    assert tables.bound_exponent("norm", x, "query-scaled") == pytest.approx(0.9, abs=0.05)
    assert tables.bound_exponent("norm", x, "key-scaled") == pytest.approx(1.9, abs=0.05)
    assert tables.bound_exponent("repeats", x, "query-scaled", noise="adversarial") == 0.0


# ------------------------------------------------------------------------------------ B5


def _transformer(err=1e-13, identity=1e-16, biased_identity=0.3, widths=(2, 4, 8), seeds=3):
    rows = []
    for bias in (False, True):
        for d in widths:
            for k in range(seeds):
                q = 2 * (d * d + d)
                rows.append((d, bias, k, biased_identity if bias else identity, q, q, 2,
                             0.5 if bias else err, err))
    return pd.DataFrame(rows, columns=["d", "bias", "seed", "identity_rel", "queries",
                                       "expected_queries", "max_length", "err_W", "err_v"])


def test_b5_verdicts():
    good = _judge("B5", transformer=_transformer())
    assert good.verdict == REPRODUCED and good.power["rate"] >= 0.95
    assert _judge("B5", transformer=_transformer(err=1e-3)).verdict == NOT_REPRODUCED
    # a biased FFN whose odd part still looks like one head: the control cannot discriminate
    assert _judge("B5", transformer=_transformer(biased_identity=1e-15)).verdict == INCONCLUSIVE
    assert _judge("B5", transformer=_transformer(identity=1e-6)).verdict == INCONCLUSIVE
    assert _judge("B5", transformer=_transformer(widths=(2, 4))).verdict == INCONCLUSIVE


# ------------------------------------------------------------------------------------ B6


def _multihead(flag=5.0, single=1e-13, diff=1e-15, seeds=3, queries=10_000):
    rows = []
    for heads in (2, 3):
        for k in range(seeds):
            for kind in ("permuted", "merged", "zero-value"):
                one = heads == 2 and kind != "permuted"
                rows.append((heads, k, kind, 3.0, diff, 1.0, single if one else flag, one,
                             single, queries))
    return pd.DataFrame(rows, columns=["heads", "seed", "kind", "distance", "max_output_diff",
                                       "output_scale", "consistency_mismatch",
                                       "is_single_head_function", "consistency_true_single",
                                       "queries"])


def test_b6_verdicts():
    assert _judge("B6", multihead=_multihead()).verdict == REPRODUCED
    # the check misses every function that is not one head: refuted
    assert _judge("B6", multihead=_multihead(flag=1e-10)).verdict == NOT_REPRODUCED
    # it catches some and misses others: the seeds disagree
    split = _multihead()
    split.loc[(split.seed == 0) & ~split.is_single_head_function, "consistency_mismatch"] = 1e-10
    assert _judge("B6", multihead=split).verdict == INCONCLUSIVE
    # the pairs' equal outputs are exact algebra: failing that is a broken oracle, not evidence
    assert _judge("B6", multihead=_multihead(diff=1e-3)).verdict == INCONCLUSIVE
    assert _judge("B6", multihead=_multihead(queries=2000)).verdict == INCONCLUSIVE


# ------------------------------------------------------------------------------------ B7


def _canonical(err3=1e-12, consistency=1e-13, over=0, seeds=3):
    rows = []
    for heads in (2, 3):
        budget = 4 * heads * 36 - 2 * heads + 1
        for k in range(seeds):
            err = 1e-12 if heads == 2 else err3
            rows.append((6, heads, k, budget - 3 + over, budget, 9, err, err, consistency, 7, 9))
    return pd.DataFrame(rows, columns=["d", "heads", "seed", "queries", "budget", "max_length",
                                       "err_W", "err_v", "consistency", "rows", "directions"])


def test_b7_verdicts():
    assert _judge("B7", canonical=_canonical()).verdict == REPRODUCED
    assert _judge("B7", canonical=_canonical(over=10)).verdict == NOT_REPRODUCED
    # an estimate far from the truth that answers exactly like it: a second canonical form
    assert _judge("B7", canonical=_canonical(err3=0.5, consistency=1e-12)).verdict \
        == NOT_REPRODUCED
    # our learner missing 1e-8 (and answering differently) refutes nothing
    assert _judge("B7", canonical=_canonical(err3=1e-6, consistency=1e-5)).verdict \
        == INCONCLUSIVE
    assert _judge("B7", canonical=_canonical(seeds=1)).verdict == INCONCLUSIVE


# ------------------------------------------------------------------------------------ B8


def _gpu(extra=0, nonfinite=0):
    rows = []
    for d in (768, 4096):
        for dtype in ("float32", "bfloat16"):
            rows.append((d, dtype, "unit", d * d + d + extra, d * d + d, 3, 0, 1e-3))
            rows.append((d, dtype, "adaptive", 2 * d * d, d * d + d, 9, nonfinite, 1e-2))
    return pd.DataFrame(rows, columns=["d", "dtype", "probes", "queries", "d2_plus_d", "calls",
                                       "nonfinite", "err_W"])


def test_b8_verdicts():
    assert _judge("B8", gpu=_gpu()).verdict == REPRODUCED
    assert _judge("B8", gpu=_gpu(extra=1)).verdict == NOT_REPRODUCED
    assert _judge("B8", gpu=_gpu(nonfinite=2)).verdict == INCONCLUSIVE
    assert _judge("B8", gpu=_gpu().iloc[:0]).verdict == INCONCLUSIVE
