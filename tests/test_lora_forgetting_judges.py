"""Every lora-forgetting claim, judged on synthetic tables, goes through each of its verdicts
(reproduced / not reproduced / inconclusive; T9 has no bound to compare with and T10 no
stated prediction: they can only be inconclusive), and a failing T11 gate makes the
numerical claims inconclusive. No cells are computed here."""

import numpy as np
import pandas as pd
import pytest

from attnlab.reproductions._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED
from attnlab.reproductions.lora_forgetting import CLAIMS, make_config

QUICK, FULL = make_config("quick"), make_config("full", device="cuda")


def _gate(norm=1e-16, halving=1e-10, unprojected=1e-9, field=1e-16):
    return {"numerics": pd.DataFrame([{"norm_error": norm,
                                       "norm_error_unprojected": unprojected,
                                       "field_naive": field, "base_vs_base": 0.0,
                                       "halving": halving, "refinement": 1e-12}]),
            "rk4_order": pd.DataFrame({"h": [0.4, 0.2, 0.1], "error": [1.6e-4, 1e-5, 6.25e-7]})}


def _judge(cid, tables, config=QUICK, gate=True):
    return CLAIMS[cid](config, {**(_gate() if gate else {}), **tables})


def _response(power=1.0, jvp_bias=0.0, scale=1.0):
    rows = []
    for seed in range(3):
        for eps in (1e-6, 1e-4, 1e-2):
            for t in (0.0, 1.0, 5.0):
                D = 0.3 * t * eps ** power
                rows.append({"seed": seed, "eps": eps, "t": t, "coupled": D,
                             "max": 2 * D * scale, "w2": D, "jvp": 0.3 * t * (1 + jvp_bias),
                             "envelope": eps * np.expm1(7 * t) / 7 + 1e-12, "lipschitz": 7.0,
                             "Delta": eps})
    return {"response": pd.DataFrame(rows)}


def test_gate_verdicts_and_its_failure_blocks_dependent_claims():
    assert _judge("T11", {}).verdict == REPRODUCED
    bad = _gate(norm=1e-6)
    assert CLAIMS["T11"](QUICK, bad).verdict == NOT_REPRODUCED
    assert CLAIMS["T11"](QUICK, _gate(unprojected=1e-6)).verdict == NOT_REPRODUCED
    assert CLAIMS["T11"](QUICK, _gate(field=1e-9)).verdict == NOT_REPRODUCED
    assert CLAIMS["T11"](QUICK, {}).verdict == INCONCLUSIVE
    blocked = CLAIMS["T1"](QUICK, {**bad, **_response()})
    assert blocked.verdict == INCONCLUSIVE and "gate" in blocked.measurement


def test_t1_linear_response():
    assert _judge("T1", _response()).verdict == REPRODUCED
    assert _judge("T1", _response(power=1.2)).verdict == NOT_REPRODUCED
    edge = _response(jvp_bias=0.0)
    frame = edge["response"]
    frame.loc[frame.t == 1.0, "coupled"] *= 1.02  # 2% off the tangent at t = 1 only
    assert _judge("T1", edge).verdict == INCONCLUSIVE


def test_t2_envelope():
    ok = _judge("T2", _response())
    assert ok.verdict == REPRODUCED and ok.numbers["informative"] == 9  # t = 1: envelope < 2
    over = _response()
    over["response"]["max"] = over["response"].envelope + 1e-3
    assert _judge("T2", over).verdict == NOT_REPRODUCED
    # a violation where the envelope exceeds the sphere's diameter cannot happen: not counted
    loose = _response()
    frame = loose["response"]
    frame.loc[frame.t == 5.0, "max"] = frame.envelope + 1e-3
    assert _judge("T2", loose).verdict == REPRODUCED
    assert _judge("T2", {}).verdict == INCONCLUSIVE
    frame = _response()["response"]
    assert _judge("T2", {"response": frame[frame.t != 1.0]}).verdict == INCONCLUSIVE


def _deviation(shift=0.0):
    rows = []
    for seed in range(3):
        for eps in (0.21, 0.22, 0.25, 0.3):
            rows.append({"seed": seed, "eps": eps, "gap": 0.2, "delta": 0.1,
                         "t_dev": 1 / (eps - 0.2) + 1, "bound": 0.3 + shift})
    return {"deviation": pd.DataFrame(rows)}


def test_t3_deviation_bound():
    ok = _judge("T3", {**_deviation(), **_response()})
    assert ok.verdict == REPRODUCED and ok.numbers["crossed"] > 0
    # the crossing is interpolated: D_∞ = 0.6 t ε crosses δ = ε at t = 1 + 4·(0.4/2.4)
    assert ok.numbers["margin"] == pytest.approx((1 + 4 / 6) / (np.log(8) / 7))
    assert _judge("T3", {**_deviation(shift=50.0), **_response()}).verdict == NOT_REPRODUCED
    # the response runs cross δ = ε before the bound log(8)/7 ≈ 0.3 (interpolated, not t = 1)
    early = _judge("T3", {**_deviation(), **_response(scale=1e3)})
    assert early.verdict == NOT_REPRODUCED
    # no response run ever crosses δ: the bound is never tested there
    assert _judge("T3", {**_deviation(), **_response(scale=0.0)}).verdict == INCONCLUSIVE
    assert _judge("T3", {}).verdict == INCONCLUSIVE


def _transition(seeds=40, rel=0.01, below=0.01):
    return {"transition": pd.DataFrame([{"seed": s, "gap": 0.2, "critical": 0.2 * (1 + rel),
                                         "w2_below": below, "w2_above": 1.4,
                                         "base_a1_merge": 0.99} for s in range(seeds)])}


def test_t4_norm_transition():
    assert _judge("T4", _transition()).verdict == REPRODUCED
    assert _judge("T4", _transition(rel=0.3)).verdict == NOT_REPRODUCED
    assert _judge("T4", _transition(seeds=10)).verdict == INCONCLUSIVE  # too few seeds


def _depth(power=-1.0, seeds=5, growth=0.0, base_side=0.99):
    rows = []
    for s in range(seeds):
        for off in (0.004, 0.006, 0.01, 0.02, 0.03, -0.05):
            t_star = (1 + 0.1 * s) * off ** power + 5 if off > 0 else np.inf
            rows.append({"seed": s, "eps": 0.2 + off, "gap": 0.2, "offset": off,
                         "t_star": t_star, "terminal_w2": 0.0, "base_a1_merge": 0.99,
                         "lora_merge_t": 8.0, "lora_a1_at_merge": 0.99,
                         "base_a1_own_merge": base_side,
                         "sup_full": 0.1 * (1 + growth), "sup_half": 0.1})
    return {"depth": pd.DataFrame(rows)}


def test_t5_depth_transition():
    assert _judge("T5", _depth()).verdict == REPRODUCED
    assert _judge("T5", _depth(power=-0.5)).verdict == NOT_REPRODUCED
    assert _judge("T5", _depth(seeds=2)).verdict == INCONCLUSIVE
    # seeds whose base cloud merged on ±v₂'s side are set apart before any LoRA outcome
    apart = _judge("T5", _depth(power=-0.5, base_side=0.3))
    assert apart.verdict == INCONCLUSIVE and apart.numbers["seeds"] == 0


def _rank(slope=0.0, noise=0.01, seeds=32):
    rng = np.random.default_rng(0)
    rows = [{"norm": norm, "rank": r, "seed": s,
             "ratio": (1 + slope * np.log2(r)) * (1 + noise * rng.standard_normal())}
            for norm in ("op", "fro") for r in (1, 2, 4, 8) for s in range(seeds)]
    return {"rank": pd.DataFrame(rows)}


def test_t6_rank():
    assert _judge("T6", _rank()).verdict == REPRODUCED
    assert _judge("T6", _rank(slope=0.5)).verdict == NOT_REPRODUCED
    noisy = _judge("T6", _rank(noise=0.8))
    assert noisy.verdict == INCONCLUSIVE and noisy.power["rate"] < 0.95


def _meanfield(exponent=-0.5, ns=(256, 512, 1024, 2048, 4096, 8192)):
    rng = np.random.default_rng(1)
    rows = [{"n": n, "seed": s, "coupled": 0.2 + n ** exponent * rng.standard_normal()}
            for n in ns for s in range(200)]
    return {"meanfield": pd.DataFrame(rows)}


def test_t7_meanfield_only_at_gpu_scale():
    assert _judge("T7", _meanfield(), FULL).verdict == REPRODUCED
    assert _judge("T7", _meanfield(exponent=-1.5), FULL).verdict == NOT_REPRODUCED
    quick = _judge("T7", _meanfield(ns=(32, 64, 128, 256)))
    assert quick.verdict == INCONCLUSIVE and "full scale only" in quick.measurement


def _v1(c=0.535, entry=4.5, eps=(0.002, 0.005, 0.01, 0.02, 0.05)):
    rows = [{"v1_seed": seed, "eps": e, "entry": entry, "departure": c / e, "c": c,
             "departure_half_step": c / e, "clusters_end": 1, "base_clusters": 2,
             "base_entry": entry, "finite": True} for seed in (42, 0) for e in eps]
    return {"v1": pd.DataFrame(rows)}


def test_t8_v1_phase_diagram():
    assert _judge("T8", _v1()).verdict == REPRODUCED
    assert _judge("T8", _v1(c=1.0, entry=8.0)).verdict == NOT_REPRODUCED
    assert _judge("T8", _v1(eps=(0.05,))).verdict == INCONCLUSIVE
    # every cloud is judged: one cloud off the 1/ε law (overlapping the band) is enough
    mixed = _v1()
    frame = mixed["v1"]
    off = frame.v1_seed == 0
    frame.loc[off, "departure"] = 0.535 / frame.eps[off] ** 1.1
    frame.loc[off, "c"] = frame.eps[off] * frame.departure[off]
    assert _judge("T8", mixed).verdict != REPRODUCED


def test_t9_has_no_bound_to_compare_with():
    assert _judge("T9", _v1()).verdict == INCONCLUSIVE


def _beta(trend=1.0, noise=0.1):
    rng = np.random.default_rng(2)
    rows = [{"beta": b, "seed": s, "t_dev": 10 + trend * b + noise * rng.standard_normal(),
             "censored": False, "horizon": 60.0, "sup": 0.1}
            for b in (0.5, 1, 2, 4) for s in range(8)]
    return {"beta": pd.DataFrame(rows)}


def test_t10_has_no_stated_prediction():
    for trend in (1.0, -1.0):
        out = _judge("T10", _beta(trend=trend))
        assert out.verdict == INCONCLUSIVE and "no stated prediction" in out.measurement
        assert np.sign(out.numbers["tau"]) == np.sign(trend)


@pytest.mark.parametrize("cid", [f"T{i}" for i in range(1, 11)])
def test_every_numerical_claim_waits_for_the_gate(cid):
    tables = {**_gate(norm=1.0), **_response(), **_deviation(), **_transition(), **_depth(),
              **_rank(), **_meanfield(), **_v1(), **_beta()}
    assert CLAIMS[cid](FULL, tables).verdict == INCONCLUSIVE
