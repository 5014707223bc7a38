"""The query-learning paper's (arXiv 2601.16873) oracle and exact learner."""

import pytest
import torch

from attnlab.probes import AttentionOracle, learn_exact, learn_exact_loop
from attnlab.reproductions._checks import max_rel_error


def _head(d, s, seed):
    g = torch.Generator().manual_seed(seed)
    W = torch.randn(d, d, generator=g, dtype=torch.float64) * s / d**0.5
    v = torch.randn(d, generator=g, dtype=torch.float64)
    return W, v


def test_oracle_is_softmax_attention_and_counts():
    W, v = _head(4, 1.0, 0)
    oracle = AttentionOracle(W, v)
    X = torch.randn(3, 5, 4, dtype=torch.float64)
    y = oracle(X)
    for b in range(3):
        p = torch.softmax(X[b] @ W @ X[b, -1], dim=0)
        assert y[b].item() == pytest.approx(float(p @ X[b] @ v), rel=1e-14)
    oracle(X[0])
    assert (oracle.log.calls, oracle.log.queries, oracle.log.max_length) == (2, 4, 5)
    assert oracle.log.lengths == {5: 4}
    with pytest.raises(ValueError):
        oracle(torch.zeros(2, 3, 5))


@pytest.mark.parametrize("d", [2, 8, 32])
@pytest.mark.parametrize("s", [0.3, 1.0, 3.0])
def test_exact_recovery_uses_d2_plus_d_queries(d, s):
    W, v = _head(d, s, seed=d)
    oracle = AttentionOracle(W, v)
    est = learn_exact(oracle)
    assert oracle.log.queries == d * d + d == est.queries  # the oracle's own count
    assert est.max_length == 2
    assert max_rel_error(est.W, W, floor=1e-300) <= 1e-9
    assert max_rel_error(est.v, v) <= 1e-12


def test_batched_and_per_query_learners_agree():
    W, v = _head(6, 1.0, 3)
    a = learn_exact(AttentionOracle(W, v))
    b = learn_exact_loop(AttentionOracle(W, v))
    torch.testing.assert_close(a.W, b.W, rtol=1e-12, atol=1e-14)
    assert a.queries == b.queries == 42


def test_unit_probes_break_where_the_sigmoid_saturates():
    # |W_ij| past ln(2/ε_mach) ≈ 36.7 in float64: σ rounds to 1 and the logit is lost
    W = torch.tensor([[45.0, 0.1], [0.2, 0.3]], dtype=torch.float64)
    v = torch.tensor([1.0, 2.0], dtype=torch.float64)
    est = learn_exact(AttentionOracle(W, v))
    assert not torch.isfinite(est.W[0, 0]) or abs(est.W[0, 0] - 45) > 1
    assert abs(est.W[1, 1] - 0.3) < 1e-12


def test_breakdown_logits_per_dtype():
    import numpy as np

    from attnlab import theory

    assert theory.breakdown_logit(np.float64) == pytest.approx(36.7, abs=0.05)
    assert theory.breakdown_logit(np.float32) == pytest.approx(16.6, abs=0.05)
    assert theory.breakdown_logit(np.float16) == pytest.approx(7.6, abs=0.05)
    assert theory.exact_query_count(32) == 32 * 32 + 32


@pytest.mark.parametrize("kind", ["permuted", "merged", "zero-value"])
def test_multi_head_parameters_are_not_identifiable(kind):
    from attnlab import theory
    from attnlab.probes import MultiHeadOracle

    (W1, v1), (W2, v2) = theory.equivalent_multi_head_pairs(6, seed=1)[kind]
    distance = float(((W1 - W2) ** 2).sum() + ((v1 - v2) ** 2).sum()) ** 0.5
    assert distance >= 1
    a = MultiHeadOracle(torch.from_numpy(W1), torch.from_numpy(v1))
    b = MultiHeadOracle(torch.from_numpy(W2), torch.from_numpy(v2))
    X = torch.randn(10_000, 5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert float((a(X) - b(X)).abs().max()) <= 1e-12


def test_single_head_learner_on_two_heads_is_caught_by_a_consistency_check():
    from attnlab import theory
    from attnlab.probes import MultiHeadOracle

    (W, v), _ = theory.equivalent_multi_head_pairs(5, seed=2)["permuted"]
    two_heads = MultiHeadOracle(torch.from_numpy(W), torch.from_numpy(v))
    est = learn_exact(two_heads)  # it answers, but with the wrong model
    X = torch.randn(1000, 4, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    mismatch = (AttentionOracle(est.W.nan_to_num(), est.v)(X) - two_heads(X)).abs().max()
    assert float(mismatch) > 1e-3
    single = AttentionOracle(torch.from_numpy(W[0]), torch.from_numpy(v[0]))
    est1 = learn_exact(single)
    assert float((AttentionOracle(est1.W, est1.v)(X) - single(X)).abs().max()) <= 1e-9


# --------------------------------------------------------------------------- beyond B1


def test_noise_models_are_bounded_fresh_and_seeded():
    from attnlab.probes import Noise

    W, v = _head(4, 1.0, 5)
    X = torch.randn(4000, 3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    clean = AttentionOracle(W, v)(X)
    uni = AttentionOracle(W, v, noise=Noise("uniform", 1e-3, seed=1))
    e1, e2 = uni(X) - clean, uni(X) - clean
    assert float(e1.abs().max()) <= 1e-3 and float(e1.abs().max()) > 0.9e-3
    assert not torch.equal(e1, e2)  # fresh noise on every query
    again = AttentionOracle(W, v, noise=Noise("uniform", 1e-3, seed=1))
    assert torch.equal(again(X) - clean, e1)  # seeded
    gauss = AttentionOracle(W, v, noise=Noise("gaussian", 1e-3, seed=1))(X) - clean
    assert float(gauss.std()) == pytest.approx(1e-3, rel=0.1)
    adv = AttentionOracle(W, v, noise=Noise("adversarial", 1e-3))(X) - clean
    torch.testing.assert_close(adv, 1e-3 * torch.where(clean >= 0, 1.0, -1.0).double())
    with pytest.raises(ValueError):
        Noise("laplace", 1.0)


def test_pair_query_builders_agree_and_chunking_changes_nothing():
    from attnlab.probes import pair_queries
    from attnlab.probes._query_learners import _PairRows

    d = 5
    k = torch.arange(d * d)
    X = pair_queries(k // d, k % d, d, s=0.7)
    assert torch.equal(_PairRows(d, d, 0.7, "cpu")(0, d), X)
    assert torch.equal(X[1 * d + 3], torch.tensor([[0, 0.7, 0, 1, 0], [0, 0, 0, 1, 0]],
                                                  dtype=torch.float64))
    W, v = _head(d, 1.0, 9)
    a = learn_exact(AttentionOracle(W, v), chunk=None)
    oracle = AttentionOracle(W, v)
    b = learn_exact(oracle, chunk=7)  # whole rows per call: 1 row = 5 queries
    assert torch.equal(a.W, b.W) and b.queries == d * d + d
    assert oracle.log.calls == 1 + d


def test_a_hidden_bias_breaks_the_odd_part_reduction():
    from attnlab.probes import TransformerOracle

    d = 5
    g = torch.Generator().manual_seed(7)
    W, V = torch.randn(d, d, generator=g).double() / 3, torch.randn(3, d, generator=g).double()
    M, u = torch.randn(8, 3, generator=g).double(), torch.randn(8, generator=g).double()
    bias = torch.randn(8, generator=g).double()
    X = torch.randn(300, 4, d, generator=g, dtype=torch.float64)
    for b, broken in ((None, False), (bias, True)):
        oracle = TransformerOracle(W, V, M, u, bias=b)
        head = AttentionOracle(W, oracle.effective_value)(X)
        residual = float((oracle(X) - oracle(-X) - head).abs().max())
        assert (residual > 1e-3) if broken else (residual <= 1e-12)


def test_transformer_odd_part_is_one_head_and_is_learned():
    from attnlab.probes import TransformerOracle, learn_transformer

    d = 6
    g = torch.Generator().manual_seed(4)
    W, V = torch.randn(d, d, generator=g).double() / 3, torch.randn(3, d, generator=g).double()
    M, u = torch.randn(8, 3, generator=g).double(), torch.randn(8, generator=g).double()
    oracle = TransformerOracle(W, V, M, u)
    X = torch.randn(500, 4, d, generator=g, dtype=torch.float64)
    head = AttentionOracle(W, oracle.effective_value)(X)
    assert float((oracle(X) - oracle(-X) - head).abs().max()) <= 1e-12
    assert float((oracle(X) - head).abs().max()) > 1e-3  # f itself is not that head
    est = learn_transformer(oracle)
    assert est.queries == 2 * (d * d + d)
    assert max_rel_error(est.W, W, floor=1e-300) <= 1e-9


def test_adaptive_probes_recover_where_unit_probes_break():
    from attnlab.probes import learn_adaptive

    W, v = _head(4, 1.0, 1)
    W = W / W.abs().max() * 60  # past ln(2/ε) ≈ 36.7 in float64
    unit = learn_exact(AttentionOracle(W, v))
    assert not bool(torch.isfinite(unit.W).all()) or max_rel_error(unit.W, W) > 0.5
    est = learn_adaptive(AttentionOracle(W, v))
    assert max_rel_error(est.W, W, floor=1e-300) <= 1e-10
    half = learn_adaptive(AttentionOracle(W, v, dtype=torch.float16))
    assert bool(torch.isfinite(half.W).all())
    assert est.queries > 4 * 4 + 4  # it asked again for the saturated entries


def test_adaptive_probes_balance_values_in_low_precision():
    from attnlab.probes import learn_adaptive

    W, v = _head(48, 1.0, 8)  # small logits, but |v_j|/|v_i| up to ~10³: unit probes cancel
    for dtype in (torch.float16, torch.bfloat16):
        oracle = AttentionOracle(W, v, dtype=dtype)
        target, _ = oracle.stored
        unit, adaptive = learn_exact(oracle), learn_adaptive(oracle)
        assert bool(torch.isfinite(adaptive.W).all())
        err_a = float(torch.linalg.norm(adaptive.W - target) / torch.linalg.norm(target))
        err_u = float(torch.linalg.norm(unit.W.nan_to_num(0.0, 0.0, 0.0) - target)
                      / torch.linalg.norm(target))
        assert err_a < 0.2 * err_u, (dtype, err_a, err_u)


def test_noisy_learner_is_linear_in_tau_and_within_its_bound():
    from attnlab import theory
    from attnlab.probes import Noise, learn_noisy

    W, v = _head(6, 1.0, 2)
    v = torch.sign(v) * (1 + v.abs())  # margin μ ≥ 1
    B = float(torch.linalg.matrix_norm(W, 2))
    errs = []
    for tau in (1e-7, 1e-5):
        est = learn_noisy(AttentionOracle(W, v, noise=Noise("uniform", tau, seed=3)),
                          norm_bound=B)
        err = float((est.W - W).abs().max())
        assert err <= float(theory.noisy_entry_bound(tau, B, float(v.abs().min())))
        errs.append(err)
    assert errs[1] / errs[0] == pytest.approx(100, rel=0.5)
    big = W / B * 40  # logits far past ½: unit probes saturate, scaled ones do not
    noise = Noise("uniform", 1e-6, seed=4)
    scaled = learn_noisy(AttentionOracle(big, v, noise=noise), norm_bound=40.0)
    unit = learn_noisy(AttentionOracle(big, v, noise=noise), norm_bound=40.0, probes="unit")
    assert float((unit.W - big).abs().max()) > 10 * float((scaled.W - big).abs().max())


def test_key_scaled_probes_lose_a_factor_of_the_norm_and_stay_within_their_bound():
    """Both designs keep every logit in [−½, ½]; scaling only the key's component also
    shrinks the value signal, so the error grows like ‖W‖² instead of ‖W‖."""
    from attnlab import theory
    from attnlab.probes import Noise, learn_noisy

    W0, v = _head(6, 1.0, 12)
    v = torch.sign(v) * (1 + v.abs())
    errors = {}
    for design in ("query-scaled", "key-scaled"):
        for B in (1.0, 16.0):
            W = W0 / torch.linalg.matrix_norm(W0, 2) * B
            oracle = AttentionOracle(W, v, noise=Noise("uniform", 1e-7, seed=5))
            est = learn_noisy(oracle, norm_bound=B, probes=design)
            err = float((est.W - W).abs().max())
            assert err <= float(theory.noisy_entry_bound(1e-7, B, float(v.abs().min()),
                                                         probes=design))
            errors[design, B] = err
    growth = {d: errors[d, 16.0] / errors[d, 1.0] for d in ("query-scaled", "key-scaled")}
    assert 8 < growth["query-scaled"] < 32 and 120 < growth["key-scaled"] < 512


@pytest.mark.parametrize("method", ["factored", "nuclear"])
def test_low_rank_recovery_needs_enough_measurements(method):
    import numpy as np

    from attnlab import theory
    from attnlab.probes import learn_low_rank

    d, r = 10, 1
    g = torch.Generator().manual_seed(0)
    W = torch.randn(d, r, generator=g, dtype=torch.float64) @ torch.randn(
        r, d, generator=g, dtype=torch.float64) / d**0.5
    v = torch.randn(d, generator=g, dtype=torch.float64)
    dof = theory.low_rank_dof(d, r)
    many = learn_low_rank(AttentionOracle(W, v), r, 4 * dof, seed=1, method=method)
    assert many.queries == d + 4 * dof < d * d + d
    assert np.linalg.norm(many.W - W.numpy()) / np.linalg.norm(W.numpy()) <= 1e-6
    few = learn_low_rank(AttentionOracle(W, v), r, dof // 2, seed=1, method=method)
    assert np.linalg.norm(few.W - W.numpy()) / np.linalg.norm(W.numpy()) > 1e-2


def test_first_order_unit_probe_error_matches_float32_measurements():
    import numpy as np

    from attnlab import theory

    W, v = _head(5, 1.0, 6)
    W = W / W.abs().max() * 8
    oracle = AttentionOracle(W, v, dtype=torch.float32)
    Wt, vt = oracle.stored
    est = learn_exact(oracle)
    measured = float(((est.W - Wt) ** 2).mean().sqrt())
    predicted = float(np.sqrt((theory.unit_probe_error(Wt.numpy(), vt.numpy(),
                                                       np.finfo(np.float32).eps) ** 2).mean()))
    assert 0.05 <= measured / predicted <= 2


@pytest.mark.parametrize("heads", [2, 3])
def test_canonical_multi_head_learner_within_the_budget(heads):
    """Generic heads come back in canonical order (sorted by v_h[0]) from at most
    4Hd² − 2H + 1 queries, counted by the oracle."""
    from attnlab import theory
    from attnlab.probes import MultiHeadOracle, learn_multi_head
    from attnlab.probes._query_multi_head import multi_head_design

    d = 5
    g = torch.Generator().manual_seed(heads)
    W = torch.randn(heads, d, d, generator=g, dtype=torch.float64) / d**0.5
    v = torch.randn(heads, d, generator=g, dtype=torch.float64)
    oracle = MultiHeadOracle(W, v)
    est = learn_multi_head(oracle, heads, seed=1)
    budget = theory.canonical_multi_head_count(d, heads)
    p, q = multi_head_design(d, heads, budget)
    assert est.queries == oracle.log.queries == d + 2 * heads * (p * q + p - 1) <= budget
    order = torch.argsort(-v[:, 0])
    assert max_rel_error(est.W, W[order]) <= 1e-5 and max_rel_error(est.v, v[order]) <= 1e-6
    with pytest.raises(ValueError):
        multi_head_design(d, heads, budget=d * d)
