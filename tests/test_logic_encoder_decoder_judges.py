"""Every judge of the logic-encoder-decoder claims (arXiv 2605.07705) driven through each of its
verdicts from synthetic tables: an exact count of 0 reproduces, any mismatch does not, missing
data or a powerless test is inconclusive."""

import numpy as np
import pandas as pd
import pytest

from attnlab.reproductions.logic_encoder_decoder.claims import CLAIMS
from attnlab.reproductions.logic_encoder_decoder.config import make_config

CFG = make_config("quick")
R, N, I = "reproduced", "not reproduced", "inconclusive"


def _empty():
    from attnlab.reproductions.logic_encoder_decoder.tables import build_tables
    return build_tables(CFG, [], [])


F32_ONE_HEAD = (2, 4, 7, 8, 11, 13, 15, 16, 19)


def _tables(bad=0, control=600, slope=1.0, witness_sep=0, varied=16):
    t = _empty()
    t["floats"] = pd.DataFrame([{"format": "float16", "op": "add", "n_numpy": 100,
                                 "mismatch_numpy": bad, "n_exact": 10, "mismatch_exact": 0,
                                 "n_overflow": 1, "n_subnormal": 2}])
    t["saturation"] = pd.DataFrame([{"format": "float16", "p": 11, "saturation": 2048 + bad,
                                     "saturation_numpy": 2048, "predicted": 2048,
                                     "log2_saturation": 11.0, "softmax_nonzero": 28,
                                     "softmax_points": 28}])
    t["agreement"] = pd.DataFrame([{"chunk": 0, "formulas": 5, "pairs": 50, "positions": 400,
                                    "mismatches": bad, "uncompiled": 0}])
    t["counterexamples"] = pd.DataFrame(
        [{"claim": "A3", "formula": "G>=2 q_a", "n_enc": 2, "u": "aa", "w": "a",
          "expected": [1], "got": [0.0]}] if bad else [],
        columns=["claim", "formula", "n_enc", "u", "w", "expected", "got"])
    t["certification"] = pd.DataFrame(
        [{"format": "tiny4", "p": 4, "k": 3, "one_head": False, "certified": True,
          "gadget": "composite |S|=1", "a": 2}]
        + [{"format": "float32", "p": 24, "k": k, "one_head": k in F32_ONE_HEAD,
            "certified": True, "gadget": "one head", "a": 1} for k in range(1, 21)])
    t["format_agreement"] = pd.DataFrame([{"format": "tiny4", "formulas": 3, "positions": 90,
                                           "mismatches": bad}])
    t["robustness"] = pd.DataFrame([
        {"format": "tiny4", "mask": "strict", "order": "sorted", "split_heads": True,
         "positions": 30, "mismatches": bad},
        {"format": "tiny4", "mask": "causal", "order": "exact", "split_heads": False,
         "positions": 30, "mismatches": 4}])  # other orders: reported, never judged
    t["permutation"] = pd.DataFrame([{"order": "sorted", "pairs": 30, "changed": 0},
                                     {"order": "sequential", "pairs": 30, "changed": 5}])
    t["indistinguishability"] = pd.DataFrame([{"chunk": 0, "format": "tiny3", "K": 64,
                                               "pairs": 600, "unequal": bad,
                                               "control_pairs": 600,
                                               "control_distinguished": control,
                                               "models": 25, "blind": 1, "K_T_max": 18,
                                               "scan_max": 48}])
    t["witnesses"] = pd.DataFrame([{"language": "PARITY", "u1": "aa", "u2": "aaa",
                                    "type_equal": True, "membership_differs": True,
                                    "formulas_separating": witness_sep, "formulas": 10}])
    p = np.arange(3, 11)
    t["majority"] = pd.DataFrame({"p": p, "n_star": np.round(2.0 ** (slope * p + 1)) + 3,
                                  "tie_first_failure": 6})
    t["majority"]["log2_n_star"] = np.log2(t["majority"].n_star)
    t["counterparts"] = pd.DataFrame([{"formula": "G q_a", "pairs": 40, "mismatches": 0}])
    t["witness_runs"] = pd.DataFrame([{"transformer": "majority p=3", "language": "PARITY",
                                       "K": 32, "membership_differs": True, "separated": 0}])
    t["autoregressive"] = pd.DataFrame([{"steps": 400, "agree": 400 - bad, "runs": 20,
                                         "varied_runs": varied, "varied_steps": 20 * varied,
                                         "varied_agree": 20 * varied - bad}])
    return t


@pytest.mark.parametrize("cid", ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"])
def test_exact_claims_reproduce_at_zero_and_fail_on_one_mismatch(cid):
    assert CLAIMS[cid](CFG, _tables(bad=0)).verdict == R
    if cid != "A7":  # A7 has no mismatch count of this kind (its own test below)
        assert CLAIMS[cid](CFG, _tables(bad=1)).verdict == N
    assert CLAIMS[cid](CFG, _empty()).verdict == I


def test_a3_prints_the_smallest_counterexample():
    claim = CLAIMS["A3"](CFG, _tables(bad=3))
    assert claim.verdict == N and "u=aa" in claim.measurement
    assert "397/400" in claim.measurement  # an exact count, not a rounded percentage


def test_a5_fails_when_sorted_sums_are_not_permutation_invariant():
    t = _tables()
    t["permutation"].loc[0, "changed"] = 2
    assert CLAIMS["A5"](CFG, t).verdict == N


def test_a6_without_power_is_inconclusive():
    assert CLAIMS["A6"](CFG, _tables(control=0)).verdict == I
    assert CLAIMS["A6"](CFG, _tables(control=500)).verdict == I  # below 90% of 600
    assert CLAIMS["A6"](CFG, _tables(control=600)).verdict == R
    assert CLAIMS["A6"](CFG, _tables(bad=1, control=600)).verdict == N


def test_a4_requires_the_predicted_float32_one_head_table():
    t = _tables()
    assert CLAIMS["A4"](CFG, t).verdict == R
    c = t["certification"]
    c.loc[(c.format == "float32") & (c.k == 3), "one_head"] = True  # k = 3 one-head: wrong
    assert CLAIMS["A4"](CFG, t).verdict == N
    t = _tables()
    t["certification"] = t["certification"][t["certification"].format != "float32"]
    assert CLAIMS["A4"](CFG, t).verdict == I  # the predicted table is untested


def test_a5_judges_sorted_sums_and_reports_other_orders():
    t = _tables()
    claim = CLAIMS["A5"](CFG, t)  # the exact-order row has 4 mismatches: reported only
    assert claim.verdict == R and "tiny4 exact 26/30" in claim.measurement


def test_a7_fails_when_a_transformer_separates_a_witness_pair():
    t = _tables()
    t["witness_runs"].loc[0, "separated"] = 1
    assert CLAIMS["A7"](CFG, t).verdict == N


def test_a8_is_judged_on_non_constant_runs():
    assert CLAIMS["A8"](CFG, _tables(varied=16)).verdict == R
    assert CLAIMS["A8"](CFG, _tables(varied=3)).verdict == I  # too few non-constant runs
    assert CLAIMS["A8"](CFG, _tables(bad=1, varied=3)).verdict == N


def test_a7_slope_and_witnesses_decide():
    assert CLAIMS["A7"](CFG, _tables(slope=1.0)).verdict == R
    assert CLAIMS["A7"](CFG, _tables(slope=0.5)).verdict == N  # far outside [0.8, 1.2]
    assert CLAIMS["A7"](CFG, _tables(witness_sep=1)).verdict == N
    t = _tables(slope=1.0)  # a noisy slope straddling the band edge
    t["majority"]["log2_n_star"] = 1.2 * t["majority"].p + np.array([0, 3, -3, 3, -3, 3, -3, 0])
    assert CLAIMS["A7"](CFG, t).verdict == I


def test_a9_decides_only_on_a_gpu():
    t = _tables()
    assert CLAIMS["A9"](CFG, t).verdict == I  # no native cells
    rows = [{"dtype": "float32", "device": "cpu", "positions": 50, "agree": 50},
            {"dtype": "float16", "device": "cpu", "positions": 50, "agree": 20}]
    t["native"] = pd.DataFrame(rows)
    claim = CLAIMS["A9"](CFG, t)
    assert claim.verdict == I and "cpu float16 20/50" in claim.measurement
    t["native"] = pd.DataFrame(rows + [{"dtype": "float32", "device": "cuda", "positions": 50,
                                        "agree": 50}])
    assert CLAIMS["A9"](CFG, t).verdict == R
    t["native"].loc[2, "agree"] = 49
    assert CLAIMS["A9"](CFG, t).verdict == N
