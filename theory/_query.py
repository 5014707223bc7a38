"""Closed forms for learning attention from value queries: Bhattamishra, Shah, Hahn, Kanade,
"Provably Learning Attention with Queries", arXiv 2601.16873. Only its abstract and the opening
of its introduction were readable to us, so the counts and bounds below are those of our
reconstruction of its algorithms (``reproductions/query_learning/README.md``), not the paper's
theorems.

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

__all__ = ["exact_query_count", "breakdown_logit", "equivalent_multi_head_pairs", "low_rank_dof",
           "canonical_multi_head_count", "noisy_entry_bound", "unit_probe_error",
           "SIGMOID_SLOPE_HALF"]


def exact_query_count(d: int, *, transformer: bool = False) -> int:
    """d² + d value queries for one head; 2(d² + d) for a one-layer transformer (claims B1,
    B5). ``d`` is the width: an int, or an array of widths for a curve."""
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


def low_rank_dof(d: int, r: int) -> int:
    """r(2d − r): the dimension of the d × d matrices of rank r (the O(rd) of the abstract)."""
    if not 1 <= r <= d:
        raise ValueError(f"need 1 ≤ r ≤ d, got r = {r}, d = {d}")
    return r * (2 * d - r)


def canonical_multi_head_count(d: int, heads: int) -> int:
    """4Hd² − 2H + 1: queries of the canonical multi-head learner of the follow-up by Kim et
    al. (arXiv 2608.03294), as quoted by our secondary notes; that paper was not available to
    us (claim B7 in ``reproductions/query_learning/README.md``). ``heads`` is H, ``d`` the
    width."""
    return 4 * heads * d * d - 2 * heads + 1


SIGMOID_SLOPE_HALF = float(np.exp(-0.5) / (1 + np.exp(-0.5)) ** 2)  # σ'(½) = σ(½)(1 − σ(½))


def noisy_entry_bound(tau, norm_bound, margin):
    """First-order worst case of the scaled-probe learner (``probes.learn_noisy``), per entry:

        |ΔW_ij| ≤ 2B (2 + t) τ / (μ σ'(½)),   t = 1/(2B),

    from σ̂ = (f − t v̂_j)/v̂_i with |Δf|, |Δv̂| ≤ τ, |σ| ≤ 1, μ = min|v_i|, and
    |Δlogit| ≤ |Δσ|/σ'(½) on |logit| ≤ ½; ΔW = Δlogit/t. τ is ``tau`` (the oracle's additive
    tolerance), B ``norm_bound`` (≥ max|W_ij|), μ ``margin``; arrays broadcast. Our
    derivation, not the paper's constant (its theorem text was not found; only the abstract
    and introduction are public to us). Our secondary notes state the scaling ‖W‖² d / μ
    (claim B4 in ``reproductions/query_learning/README.md``)."""
    tau, B, mu = (np.asarray(x, dtype=np.float64) for x in (tau, norm_bound, margin))
    t = 1 / (2 * B)
    return 2 * B * (2 + t) * tau / (mu * SIGMOID_SLOPE_HALF)


def unit_probe_error(W, v, eps):
    """First-order rounding error of Ŵ_ij from unit probes in a float format of unit
    roundoff u = ε/2, ``W: [d, d]``, ``v: [d]`` (the values the oracle holds):

        |ΔW_ij| ≈ u [ (|f| + |v_i + v_j| + |v_j|) / (|v_i| σ(1 − σ)) + |W_ij + W_jj| + |W_jj| ],

    f = v_j + σ v_i, σ = σ(W_ij): rounding of the answer and of v̂ enters through the
    sigmoid's inverse (1/σ'), rounding of the two logits W_ij + W_jj and W_jj directly."""
    W, v = np.asarray(W, dtype=np.float64), np.asarray(v, dtype=np.float64)
    u = eps / 2
    sig = 1 / (1 + np.exp(-W))
    f = v[None, :] + sig * v[:, None]
    diag = np.diag(W)[None, :]
    with np.errstate(divide="ignore", over="ignore"):
        inv = (np.abs(f) + np.abs(v[:, None] + v[None, :]) + np.abs(v[None, :])) / (
            np.abs(v[:, None]) * sig * (1 - sig))
    return u * (inv + np.abs(W + diag) + np.abs(diag))
