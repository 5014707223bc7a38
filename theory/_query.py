"""Closed forms for learning attention from value queries (arXiv 2601.16873; only its abstract
is public, so these follow ``shared/papers/query-learning.md``).

- Query counts: exact single-head recovery takes d + d² value queries (d of length 1 for v,
  d² of length 2 for W); a one-layer transformer twice that (f(X) and f(−X)).
- Breakdown of unit probes: a length-2 probe returns σ(W_ij)·v_i; σ(z) rounds to 1 once
  e^{−z} < ε_mach/2, so W_ij is lost beyond z ≈ ln(2/ε_mach) (float64 ≈ 36.7, float32 ≈ 16.6,
  float16 ≈ 7.6).
- Multi-head attention f = Σ_h softmax(X W_h x_N)ᵀ X v_h is not identifiable: parameter sets
  far apart give the same function (:func:`equivalent_multi_head_pairs`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["exact_query_count", "breakdown_logit", "equivalent_multi_head_pairs"]


def exact_query_count(d: int, *, transformer: bool = False) -> int:
    """d² + d value queries for one head; 2(d² + d) for a one-layer transformer."""
    return (2 if transformer else 1) * (d * d + d)


def breakdown_logit(dtype) -> float:
    """ln(2/ε_mach) of a numpy dtype: where a unit probe's sigmoid saturates."""
    return float(np.log(2 / np.finfo(dtype).eps))


def equivalent_multi_head_pairs(d: int, *, seed: int) -> dict:
    """Pairs ((W, v), (W', v')) of 2-head parameters, ``W: [2, d, d]``, ``v: [2, d]``, that
    define the same function but differ as parameters:

    - ``permuted``: the heads swapped;
    - ``merged``: heads (W, a), (W, b) against (W, a + b), (W″, 0) — same-W heads merge,
      and the freed head is any W″ with zero value;
    - ``zero-value``: a head with v = 0 contributes nothing, whatever its W.
    """
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((3, d, d)) / np.sqrt(d)
    v = rng.standard_normal((3, d))
    zero = np.zeros(d)
    return {
        "permuted": ((W[:2], v[:2]), (W[[1, 0]], v[[1, 0]])),
        "merged": ((np.stack([W[0], W[0]]), v[:2]),
                   (np.stack([W[0], W[2]]), np.stack([v[0] + v[1], zero]))),
        "zero-value": ((np.stack([W[0], W[1]]), np.stack([v[0], zero])),
                       (np.stack([W[0], W[2]]), np.stack([v[0], zero]))),
    }
