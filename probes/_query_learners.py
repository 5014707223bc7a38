"""Learners that recover a single attention head from value queries.

Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv
2601.16873 (abstract: an elementary algorithm with O(d²) queries; the extension to one-layer
transformers; noisy access). Only the abstract and the opening of the introduction were
readable to us, so the algorithms here are our reconstruction of the abstract's claims; what
each assumes is in ``reproductions/query_learning/README.md`` (claims B1, B2, B4, B5, B6).
The low-rank learner (claim B3) is :mod:`._query_low_rank`.

Every learner returns a :class:`HeadEstimate` (Ŵ, v̂, queries, max length, wall time); the
query count is the oracle's own log, never a formula. Queries are batched: one oracle call
evaluates a whole block of them (``chunk`` bounds a block's size, for d = 4096 on a GPU).

Exact (:func:`learn_exact`). Length-1 queries X = [s·e_i] give f = s·v_i, so d queries give v.
A length-2 query x₁ = s e_i + t e_j, x₂ = t e_j (the query row) has logits differing by
x₁ᵀWx₂ − x₂ᵀWx₂ = s t W_ij, so the softmax is a sigmoid:

    f = t v_j + σ(s t W_ij) · s v_i   ⇒   W_ij = logit((f − t v_j)/(s v_i)) / (s t),

and d² such queries give W: d² + d in all (the paper proves O(d²); this count is our
reconstruction of its elementary algorithm). s = t = 1 is the plain "unit probe"; it loses
W_ij once |W_ij| ≳ ln(2/ε_mach), where σ rounds to 0 or 1.

Adaptive (:func:`learn_adaptive`): the logit scale κ = s t shrinks by 4 per round for the
entries whose σ̂ left [0.05, 0.95] and grows by 4 for those whose logit is below ½ (σ ≈ ½
keeps too few digits of it), and s/t balances the two values in the answer, so the inversion
is always well conditioned and never produces NaN (given the margin v_i ≠ 0).

Noisy (:func:`learn_noisy`): with a known bound B ≥ max|W_ij| (the norm condition) the probes
have s t = 1/(2B), so every logit is in [−½, ½]; σ̂ is clipped to [σ(−½), σ(½)] and outputs
may be averaged over R repeats. Two designs: query-scaled (s = 1, t = 1/(2B), ours) and
key-scaled (s = 1/(2B), t = 1). First order, per entry, |ΔW_ij| ≤ (1 + s + t)τ/(s²t μ σ'(½)),
μ = min|v_i|, σ'(½) = σ(½)(1 − σ(½)) ≈ 0.2350 (:func:`theory.noisy_entry_bound`): linear in B
for the query-scaled probes, quadratic for the key-scaled ones.

Transformer (:func:`learn_transformer`): f(X) − f(−X) is a single head with v_eff (see
:class:`probes.TransformerOracle`), so the exact learner on that difference recovers W and
v_eff with 2(d² + d) queries.

Shapes: the oracle takes queries ``X: [B, N, d]`` and answers ``[B]``; estimates are
``W: [d, d]``, ``v: [d]`` in float64.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch

__all__ = ["HeadEstimate", "value_queries", "pair_queries", "learn_exact", "learn_exact_loop",
           "learn_adaptive", "learn_noisy", "learn_transformer", "consistency_check"]

_SIGMOID_HALF = 1 / (1 + math.exp(-0.5))


@dataclass(frozen=True)
class HeadEstimate:
    W: torch.Tensor  # [d, d], float64
    v: torch.Tensor  # [d]
    queries: int  # counted by the oracle
    max_length: int
    seconds: float


def _finish(oracle, W, v, before: int, start: float) -> HeadEstimate:
    return HeadEstimate(W, v, oracle.log.queries - before, oracle.log.max_length,
                        time.perf_counter() - start)


def value_queries(d: int, scale: float = 1.0, *, device="cpu") -> torch.Tensor:
    """[d, 1, d]: query i is the single row s·e_i."""
    return (scale * torch.eye(d, dtype=torch.float64, device=device))[:, None, :]


def pair_queries(i: torch.Tensor, j: torch.Tensor, d: int, *, s=1.0, t=1.0) -> torch.Tensor:
    """[B, 2, d]: query k is [s e_{i_k} + t e_{j_k} ; t e_{j_k}]. ``s`` and ``t`` are scalars
    or tensors [B]."""
    B = i.shape[0]
    X = torch.zeros(B, 2, d, dtype=torch.float64, device=i.device)
    rows = torch.arange(B, device=i.device)
    s = torch.as_tensor(s, dtype=torch.float64, device=i.device).expand(B)
    t = torch.as_tensor(t, dtype=torch.float64, device=i.device).expand(B)
    X[rows, 1, j] = t
    X[rows, 0, j] = t
    X[rows, 0, i] += s  # i = j: (s + t) e_j
    return X


def _all_pairs(d: int, chunk: int | None, device):
    """(i, j) index blocks covering every entry, row-major, at most ``chunk`` per block."""
    total, step = d * d, chunk or d * d
    for lo in range(0, total, step):
        k = torch.arange(lo, min(lo + step, total), device=device)
        yield k // d, k % d


class _PairRows:
    """The unit-probe queries (i, j) for a block of whole rows i0 ≤ i < i1, all j, row-major
    — :func:`pair_queries` for whole rows, built by broadcasting into one reused buffer (the
    query rows e_j are written once; only the first rows change from block to block)."""

    def __init__(self, rows: int, d: int, scale: float, device):
        self.eye = torch.eye(d, dtype=torch.float64, device=device)
        self.X = torch.empty(rows, d, 2, d, dtype=torch.float64, device=device)
        self.X[:, :, 1, :] = self.eye  # the query row e_j
        self.d, self.scale = d, scale

    def __call__(self, i0: int, i1: int) -> torch.Tensor:
        X = self.X[:i1 - i0]
        torch.add(self.eye[None, :, :], self.eye[i0:i1, None, :], alpha=self.scale,
                  out=X[:, :, 0, :])  # s e_i + e_j
        return X.reshape(-1, 2, self.d)


# queries per oracle call: 4 MB of float64 queries at d = 128, so a block, its keys W x_N and
# the oracle's passes over it stay in the L2/L3 cache (≈ 10% faster than 8 192 on 2 cores)
CHUNK = 2048


def learn_exact(oracle, *, scale: float = 1.0, chunk: int | None = CHUNK) -> HeadEstimate:
    """W and v from d + d² queries: one batched call for v, then batched calls of
    ⌊chunk/d⌋ whole rows of W each (d·⌊chunk/d⌋ queries; ``chunk=None``: all d² in one call)."""
    start, before = time.perf_counter(), oracle.log.queries
    d, dev = oracle.d, oracle.device
    v = oracle(value_queries(d, scale, device=dev)).to(dev) / scale
    rows = d if chunk is None else max(1, chunk // d)
    W = torch.empty(d, d, dtype=torch.float64, device=dev)
    block = _PairRows(rows, d, scale, dev)
    for i0 in range(0, d, rows):
        i1 = min(d, i0 + rows)
        f = oracle(block(i0, i1)).to(dev).reshape(i1 - i0, d)
        W[i0:i1] = torch.logit((f - v[None, :]) / (scale * v[i0:i1, None])) / scale
    return _finish(oracle, W, v, before, start)


def learn_exact_loop(oracle, *, scale: float = 1.0) -> HeadEstimate:
    """The same estimates with one oracle call per query (the per-query baseline)."""
    start, before = time.perf_counter(), oracle.log.queries
    d, dev = oracle.d, oracle.device
    v = torch.stack([oracle(q) for q in value_queries(d, scale, device=dev)]) / scale
    i, j = next(_all_pairs(d, None, dev))
    f = torch.stack([oracle(q) for q in pair_queries(i, j, d, s=scale)])
    W = torch.logit((f - v[j]) / (scale * v[i])) / scale
    return _finish(oracle, W.reshape(d, d), v, before, start)


def learn_adaptive(oracle, *, window: float = 0.05, flat: float = 0.5, step: float = 4.0,
                   max_rounds: int = 16, max_scale: float = 2.0**16,
                   chunk: int | None = CHUNK) -> HeadEstimate:
    """Probes x₁ = s e_i + t e_j, x₂ = t e_j with logit scale κ = s t and value balance
    ρ = s/t = max(1, 4|v̂_j|/|v̂_i|), so that s|v_i| dominates t|v_j| in the answer (the
    cancellation f − t v_j then loses no digits, which matters in 8–11-bit formats).

    κ adapts per entry, both ways: κ = 1 first; where σ̂ leaves [window, 1 − window] (the
    sigmoid saturates: |logit| > 2.94) κ shrinks by ``step``; where |logit(σ̂)| < ``flat``
    (σ ≈ ½ + z/4 keeps too few digits of z) κ grows by ``step``, up to ``max_scale``; an
    entry is settled once its logit is in [flat, 2.94] (wider than one step, so every entry
    settles; the relative error of z, ∝ 1/(z σ'(z)), is smallest near z ≈ 2.4). At most
    ``max_rounds`` rounds; an entry left over keeps its last, clipped estimate. Never NaN
    given v_i ≠ 0. Each round sends its queries in batched calls of at most ``chunk``."""
    start, before = time.perf_counter(), oracle.log.queries
    d, dev = oracle.d, oracle.device
    v = oracle(value_queries(d, device=dev)).to(dev)
    i, j = next(_all_pairs(d, None, dev))
    rho = (4 * v[j].abs() / v[i].abs()).clamp(1.0, 1e8)
    kappa = torch.ones(d * d, dtype=torch.float64, device=dev)
    W = torch.zeros(d * d, dtype=torch.float64, device=dev)
    todo = torch.arange(d * d, device=dev)
    batch = chunk or d * d
    for _ in range(max_rounds):
        if todo.numel() == 0:
            break
        k, r = kappa[todo], rho[todo]
        s, t = (k * r).sqrt(), (k / r).sqrt()
        f = torch.cat([oracle(pair_queries(i[todo[lo:lo + batch]], j[todo[lo:lo + batch]], d,
                                           s=s[lo:lo + batch], t=t[lo:lo + batch])).to(dev)
                       for lo in range(0, todo.numel(), batch)])
        sig = (f - t * v[j[todo]]) / (s * v[i[todo]])
        W[todo] = torch.logit(sig.clamp(window, 1 - window)) / k
        saturated = (sig <= window) | (sig >= 1 - window)
        small = (torch.logit(sig.clamp(window, 1 - window)).abs() < flat) & (k * step <= max_scale)
        kappa[todo[saturated]] /= step
        kappa[todo[small]] *= step
        todo = todo[saturated | small]
    return _finish(oracle, W.reshape(d, d), v, before, start)


def _averaged(oracle, X: torch.Tensor, repeats: int) -> torch.Tensor:
    """Mean of ``repeats`` answers to each query (one batched call of R·B queries)."""
    B = X.shape[0]
    f = oracle(X.repeat(repeats, 1, 1)).to(X.device)
    return f.reshape(repeats, B).mean(dim=0)


def learn_noisy(oracle, *, norm_bound: float, repeats: int = 1,
                probes: str = "query-scaled") -> HeadEstimate:
    """The noisy-output learner: probes x₁ = s e_i + t e_j, x₂ = t e_j with logits in
    [−½, ½] (s t = 1/(2B), B ≥ max|W_ij|), σ̂ clipped to [σ(−½), σ(½)], each query asked
    ``repeats`` times and averaged. ``probes``: ``"query-scaled"`` (s = 1, t = 1/(2B): ours),
    ``"key-scaled"`` (s = 1/(2B), t = 1: the design whose error grows like B², see
    :func:`theory.noisy_probe_scales`), or ``"unit"`` (s = t = 1, σ̂ clipped only into
    (0, 1): the control that blows up once logits are large)."""
    if not norm_bound > 0 or repeats < 1:
        raise ValueError("need norm_bound > 0 and repeats ≥ 1")
    if probes == "query-scaled":
        s, t = 1.0, 1 / (2 * norm_bound)
    elif probes == "key-scaled":
        s, t = 1 / (2 * norm_bound), 1.0
    elif probes == "unit":
        s = t = 1.0
    else:
        raise ValueError(f"unknown probes {probes!r}; known: query-scaled, key-scaled, unit")
    start, before = time.perf_counter(), oracle.log.queries
    d, dev = oracle.d, oracle.device
    v = _averaged(oracle, value_queries(d, device=dev), repeats)
    i, j = next(_all_pairs(d, None, dev))
    f = _averaged(oracle, pair_queries(i, j, d, s=s, t=t), repeats)
    sig = (f - t * v[j]) / (s * v[i])
    if probes == "unit":
        tiny = torch.finfo(torch.float64).eps
        sig = sig.clamp(tiny, 1 - tiny)
    else:
        sig = sig.clamp(1 - _SIGMOID_HALF, _SIGMOID_HALF)
    return _finish(oracle, (torch.logit(sig) / (s * t)).reshape(d, d), v, before, start)


class _OddPart:
    """X ↦ f(X) − f(−X): one batched call of 2B queries to the wrapped oracle per call."""

    def __init__(self, oracle):
        self._oracle = oracle
        self.d, self.device, self.log = oracle.d, oracle.device, oracle.log

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        f = self._oracle(torch.cat([X, -X]))
        return f[:X.shape[0]] - f[X.shape[0]:]


def learn_transformer(oracle, *, chunk: int | None = None) -> HeadEstimate:
    """W and v_eff of a one-layer transformer from 2(d² + d) queries (the exact learner on
    f(X) − f(−X)); the FFN itself (M, u, V) needs a ReLU-network learner, not built here."""
    return learn_exact(_OddPart(oracle), chunk=chunk)


def consistency_check(oracle, estimate: HeadEstimate, *, queries: int = 1000, length: int = 4,
                      seed: int = 0) -> float:
    """Max |f(X) − f̂(X)| over ``queries`` random Gaussian queries of ``length`` rows: a
    learner that assumed the wrong model (one head for several) is caught by this."""
    from ._query_oracle import AttentionOracle

    g = torch.Generator().manual_seed(seed)
    X = torch.randn(queries, length, oracle.d, generator=g, dtype=torch.float64)
    model = AttentionOracle(estimate.W.nan_to_num(), estimate.v.nan_to_num())
    return float((model(X) - oracle(X).cpu()).abs().max())
