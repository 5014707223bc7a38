"""Groundwork for the query-learning paper (arXiv 2601.16873): oracle and exact learner."""

import pytest
import torch

from probes import AttentionOracle, learn_exact, learn_exact_loop
from reproductions._checks import max_rel_error


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

    import theory

    assert theory.breakdown_logit(np.float64) == pytest.approx(36.7, abs=0.05)
    assert theory.breakdown_logit(np.float32) == pytest.approx(16.6, abs=0.05)
    assert theory.breakdown_logit(np.float16) == pytest.approx(7.6, abs=0.05)
    assert theory.exact_query_count(32) == 32 * 32 + 32


@pytest.mark.parametrize("kind", ["permuted", "merged", "zero-value"])
def test_multi_head_parameters_are_not_identifiable(kind):
    import theory
    from probes import MultiHeadOracle

    (W1, v1), (W2, v2) = theory.equivalent_multi_head_pairs(6, seed=1)[kind]
    distance = float(((W1 - W2) ** 2).sum() + ((v1 - v2) ** 2).sum()) ** 0.5
    assert distance >= 1
    a = MultiHeadOracle(torch.from_numpy(W1), torch.from_numpy(v1))
    b = MultiHeadOracle(torch.from_numpy(W2), torch.from_numpy(v2))
    X = torch.randn(10_000, 5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert float((a(X) - b(X)).abs().max()) <= 1e-12


def test_single_head_learner_on_two_heads_is_caught_by_a_consistency_check():
    import theory
    from probes import MultiHeadOracle

    (W, v), _ = theory.equivalent_multi_head_pairs(5, seed=2)["permuted"]
    two_heads = MultiHeadOracle(torch.from_numpy(W), torch.from_numpy(v))
    est = learn_exact(two_heads)  # it answers, but with the wrong model
    X = torch.randn(1000, 4, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    mismatch = (AttentionOracle(est.W.nan_to_num(), est.v)(X) - two_heads(X)).abs().max()
    assert float(mismatch) > 1e-3
    single = AttentionOracle(torch.from_numpy(W[0]), torch.from_numpy(v[0]))
    est1 = learn_exact(single)
    assert float((AttentionOracle(est1.W, est1.v)(X) - single(X)).abs().max()) <= 1e-9
