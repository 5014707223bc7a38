"""Exact recovery of a single attention head from value queries (d² + d of them).

Length-1 queries X = [s·e_i] give f = s·v_i, so d queries give v. A length-2 query with
x₁ = u + e_j, x₂ = e_j (the query row) turns the softmax into a sigmoid,

    f = v_j + σ(uᵀ W e_j) · uᵀ v,

and with u = s·e_i it returns W_ij = logit((f − v_j)/(s v_i)) / s: d² queries give W
(``shared/papers/query-learning.md``; arXiv 2601.16873 proves O(d²) — our reconstruction of its
elementary algorithm). ``scale`` s = 1 is the plain "unit probe"; it loses W_ij once
|W_ij| ≳ ln(2/ε_mach), where σ rounds to 0 or 1.

``learn_exact`` sends all d² length-2 queries as one batch; ``learn_exact_loop`` sends them one
by one (the baseline of the batched-query benchmark). Both return the same estimates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

__all__ = ["HeadEstimate", "learn_exact", "learn_exact_loop"]


@dataclass(frozen=True)
class HeadEstimate:
    W: torch.Tensor  # [d, d]
    v: torch.Tensor  # [d]
    queries: int  # counted by the oracle
    max_length: int
    seconds: float


def _value_queries(d: int, scale: float) -> torch.Tensor:
    return (scale * torch.eye(d, dtype=torch.float64))[:, None, :]  # [d, 1, d]


def _pair_queries(d: int, scale: float) -> torch.Tensor:
    """[d², 2, d]: query (i, j) at index i·d + j is [s e_i + e_j ; e_j]."""
    eye = torch.eye(d, dtype=torch.float64)
    X = torch.empty(d, d, 2, d, dtype=torch.float64)
    X[:, :, 0, :] = eye  # e_j in the first row …
    X[:, :, 1, :] = eye  # … and as the query row
    X[:, :, 0, :].diagonal(dim1=0, dim2=2).add_(scale)  # + s e_i in the first row
    return X.reshape(d * d, 2, d)


def _solve(f_pairs: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
    d = v.shape[0]
    ratio = (f_pairs.reshape(d, d) - v[None, :]) / (scale * v[:, None])  # σ(s W_ij)
    return torch.logit(ratio) / scale


def learn_exact(oracle, *, scale: float = 1.0) -> HeadEstimate:
    """W and v from d + d² queries in two batched oracle calls."""
    start, before = time.perf_counter(), oracle.log.queries
    d = oracle.d
    v = oracle(_value_queries(d, scale)) / scale
    W = _solve(oracle(_pair_queries(d, scale)), v, scale)
    return HeadEstimate(W, v, oracle.log.queries - before, oracle.log.max_length,
                        time.perf_counter() - start)


def learn_exact_loop(oracle, *, scale: float = 1.0) -> HeadEstimate:
    """The same estimates with one oracle call per query (the per-query baseline)."""
    start, before = time.perf_counter(), oracle.log.queries
    d = oracle.d
    v = torch.stack([oracle(q) for q in _value_queries(d, scale)]) / scale
    f = torch.stack([oracle(q) for q in _pair_queries(d, scale)])
    return HeadEstimate(_solve(f, v, scale), v, oracle.log.queries - before,
                        oracle.log.max_length, time.perf_counter() - start)
