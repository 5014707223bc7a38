"""Every linear-attention-ntk claim driven through each of its verdicts from synthetic tables
(no sweep): reproduced, not reproduced and inconclusive, each for the reason the criterion
names."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from attnlab.reproductions.linear_attention_ntk import CLAIMS
from attnlab.reproductions.linear_attention_ntk.config import Config

R, N, I = "reproduced", "not reproduced", "inconclusive"
CONFIG = Config(scale="quick", bootstrap=400)
KAPPAS = 10 ** np.linspace(1, 5, 9)


def judge(cid, **tables):
    base = {k: pd.DataFrame() for k in ("gram", "kernel", "width", "train", "attack", "loo",
                                        "paper_attack", "bound", "realdata")}
    return CLAIMS[cid](CONFIG, {**base, **tables})


def _wiggle(n, size):  # deterministic scatter around a law
    return size * np.sin(1.7 * np.arange(n) + 0.3)


def gram(rel_error=1e-15, exponent_error=1e-12, resolvable=True, xtilde_slope=3.0):
    rows = []
    for kd in KAPPAS:
        for k in (1, 2):
            rows.append({"dataset": f"designed κ_d={kd:.3g}", "layers": k, "kappa_d": kd,
                         "kappa_xtilde": kd**xtilde_slope, "rel_error": rel_error,
                         "exponent": 2 * k + 1 + exponent_error, "predicted_exponent": 2 * k + 1,
                         "exponent_naive": 2.5, "naive_negative": False,
                         "resolvable": resolvable})
    return pd.DataFrame(rows)


def width(*, kappa_K_slope=3.0, m_slope=6.0, ratio=1.0, ratio_se=0.01, slope=-0.5,
          slope_half=0.01, relu_m=None, scatter=0.05):
    rows = []
    for net in ("attn", "relu"):
        for i, kd in enumerate(KAPPAS):
            wig = _wiggle(len(KAPPAS), scatter)[i]
            rows.append({"dataset": f"designed κ_d={kd:.3g}", "family": "designed", "net": net,
                         "kappa_d": kd, "kappa_K": kd**kappa_K_slope * np.exp(wig),
                         "slope_F": slope, "slope_F_low": slope - slope_half,
                         "slope_F_high": slope + slope_half, "variance_ratio": ratio,
                         "variance_ratio_se": ratio_se,
                         "m_star": (kd**m_slope if net == "attn" else kd**2) * np.exp(wig),
                         "paper_width": kd**6})
        rows.append({"dataset": "digits", "family": "digits", "net": net, "kappa_d": 3e4,
                     "kappa_K": 3e4, "slope_F": slope, "slope_F_low": slope - slope_half,
                     "slope_F_high": slope + slope_half, "variance_ratio": ratio,
                     "variance_ratio_se": ratio_se,
                     "m_star": 1e10 if net == "attn" else (relu_m or 1e4), "paper_width": 1e27})
    return pd.DataFrame(rows)


def test_t1_t2_exact_checks():
    assert judge("T1", gram=gram()).verdict == R
    assert judge("T1", gram=gram(rel_error=1e-6)).verdict == N
    assert judge("T1").verdict == I
    assert judge("T2", gram=gram()).verdict == R
    assert judge("T2", gram=gram(exponent_error=1e-3)).verdict == N
    assert judge("T2", gram=gram(resolvable=False)).verdict == I  # float64 resolves nothing


def test_t3_pooled_law_and_single_dataset_contradiction():
    assert judge("T3", width=width()).verdict == R
    assert judge("T3", width=width(ratio=1.3)).verdict == N
    assert judge("T3", width=width(slope=-0.7)).verdict == N
    # a ratio 0.95 measured so coarsely that the pooled interval reaches past 0.9
    c = judge("T3", width=width(ratio=0.93, ratio_se=0.1))
    assert c.verdict == I
    assert c.power["rate"] < 0.95  # an ideal model cannot pass at such errors either
    w = width()
    w.loc[0, ["variance_ratio", "variance_ratio_se"]] = [2.0, 0.01]  # one dataset contradicts
    assert judge("T3", width=w).verdict == N


def test_t4_slope_interval_against_the_band():
    c = judge("T4", gram=gram(), width=width())
    assert c.verdict == R and c.power["rate"] >= 0.95
    assert judge("T4", gram=gram(), width=width(kappa_K_slope=0.3)).verdict == N
    # slope 2.6 with scatter large enough that its interval crosses 2.5
    c = judge("T4", gram=gram(), width=width(kappa_K_slope=2.6, scatter=1.5))
    assert c.verdict == I
    assert judge("T4", gram=gram()).verdict == I  # no kernel cells


def test_t5_width_law_and_who_needs_the_width():
    c = judge("T5", width=width())
    assert c.verdict == R
    assert "impractical width is attention's" in c.measurement  # ReLU's digits m* 1e4
    c = judge("T5", width=width(m_slope=0.6, relu_m=1e8))
    assert c.verdict == N
    assert "a statement about the data" in c.measurement and c.numbers["practical_is_data"]
    c = judge("T5", width=width(m_slope=5.2, scatter=1.5))
    assert c.verdict == I


def train(*, attn_drift=0.0, relu_drift=-0.5, attn_gap=0.3, relu_gap=-0.3, adam_loss=0.01,
          noise=0.02):
    rows = []
    rng = np.random.default_rng(0)
    for dyn in ("gd", "adam", "mup"):
        for data in ("digits", "synthetic α=1"):
            for net, ds, gs in (("attn", attn_drift, attn_gap), ("relu", relu_drift, relu_gap)):
                for m in (16, 64, 256, 1024, 4096):
                    for rep in range(5):
                        e = np.exp(noise * rng.standard_normal(2))
                        rows.append({"dataset": data, "net": net, "dynamics": dyn, "m": m,
                                     "replicate": rep, "drift": m**ds * e[0],
                                     "f_gap": m**gs * e[1],
                                     "loss": adam_loss if dyn == "adam" else 0.01})
    return pd.DataFrame(rows)


def test_t6_drift_pattern_under_adam():
    assert judge("T6", train=train()).verdict == R
    assert judge("T6", train=train(attn_drift=-0.5)).verdict == N
    # MLP-Attn's slope −0.1 sits on the band's edge: its interval straddles it
    assert judge("T6", train=train(attn_drift=-0.1, noise=0.3)).verdict == I


def test_t7_needs_trained_nets_for_the_adam_half():
    assert judge("T7", train=train()).verdict == R
    assert judge("T7", train=train(attn_gap=-0.3)).verdict == N
    c = judge("T7", train=train(attn_gap=-0.3, adam_loss=0.45))
    assert c.verdict == I and "barely left initialisation" in c.measurement
    assert judge("T7", train=train(adam_loss=0.45)).verdict == R  # GD alone shows it


def realdata(mnist_kappa=None):
    rows = [{"source": "digits", "n": 1797, "d": 64, "preprocessing": p, "kappa_full": None,
             "kappa_numerical": 6e6, "rank": 61} for p in ("pixels", "unit", "centred-unit")]
    if mnist_kappa:
        rows += [{"source": "mnist", "n": 60000, "d": 784, "preprocessing": p,
                  "kappa_full": None, "kappa_numerical": k, "rank": 700}
                 for p, k in zip(("pixels", "unit", "centred-unit"), mnist_kappa, strict=True)]
    return pd.DataFrame(rows)


def test_t8_needs_a_user_path_and_says_digits_stands_in():
    c = judge("T8", realdata=realdata())
    assert c.verdict == I and "digits stands in" in c.measurement
    assert judge("T8", realdata=realdata([5e5, 1.5e3, 4e4])).verdict == R
    assert judge("T8", realdata=realdata([5e5, 9e3, 4e4])).verdict == N


def paper_attack(attn, relu, reps=8, mim=None):
    """Flip rates per replicate (a number: the same in every one, give or take 0.02) under PGD,
    and under MIM (``mim`` = (attn, relu); PGD's by default)."""
    rows = []
    for attack, (a, b) in (("pgd", (attn, relu)), ("mim", mim or (attn, relu))):
        for r in range(reps):
            for net, f in (("attn", a), ("relu", b)):
                flip = f[r] if isinstance(f, list) else f + 0.02 * np.sin(r + 1.0)
                rows.append({"replicate": r, "net": net, "attack": attack, "eps": 0.3,
                             "flip": flip, "spearman": 0.5, "train_accuracy": 0.9,
                             "train_loss": 0.3})
    return pd.DataFrame(rows)


def test_t9_judges_the_paper_protocol():
    assert judge("T9", paper_attack=paper_attack(0.8, 0.2)).verdict == R
    assert judge("T9", paper_attack=paper_attack(0.2, 0.2)).verdict == N
    c = judge("T9", paper_attack=paper_attack(0.45, 0.9))
    assert c.verdict == I and "no ratio ≥ 2 is possible" in c.measurement  # ReLU saturated
    # replicates from 1× to 3×: the interval straddles 2
    assert judge("T9", paper_attack=paper_attack([0.2, 0.6, 0.4, 0.3], 0.2, reps=4)).verdict == I
    assert judge("T9").verdict == I  # no paper-protocol cells


def test_t9_needs_both_attacks():
    # PGD reproduces, MIM does not: not reproduced; MIM saturates ReLU: inconclusive
    assert judge("T9", paper_attack=paper_attack(0.8, 0.2, mim=(0.2, 0.2))).verdict == N
    c = judge("T9", paper_attack=paper_attack(0.8, 0.2, mim=(0.9, 0.6)))
    assert c.verdict == I and c.numbers["paper_protocol"]["mim"]["relu_saturated"]
    assert c.numbers["paper_protocol"]["pgd"]["verdict"] == R
    # an attack that flips nothing measures nothing: no verdict from it (0/0 is no ratio)
    c = judge("T9", paper_attack=paper_attack(0.8, 0.2, mim=([0.0] * 8, [0.0] * 8)))
    assert c.verdict == I and "flips no sign" in c.measurement
    # PGD alone is not the criterion
    pgd_only = paper_attack(0.8, 0.2)
    assert judge("T9", paper_attack=pgd_only[pgd_only.attack == "pgd"]).verdict == I


def test_t10_counts_violations():
    b = pd.DataFrame([{"dataset": "digits", "context": c, "violations": 0, "checks": 10,
                       "worst_ratio": 0.5} for c in ("frozen", "transductive")])
    assert judge("T10", bound=b).verdict == R
    b.loc[0, "violations"] = 1
    assert judge("T10", bound=b).verdict == N
    assert judge("T10").verdict == I


@pytest.mark.parametrize("cid", [f"T{i}" for i in range(1, 11)])
def test_every_claim_is_inconclusive_without_data(cid):
    assert judge(cid).verdict == I


def test_claims_are_declared_in_order():
    assert [s.id for s in CLAIMS] == [f"T{i}" for i in range(1, 11)]
    assert replace(CONFIG).paper_eps[-1] == CLAIMS["T9"].limits["eps"]
