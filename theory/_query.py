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
           "canonical_multi_head_count", "noisy_entry_bound", "noisy_probe_scales",
           "unit_probe_error", "SIGMOID_SLOPE_HALF", "NOISY_PROBES"]


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
    us, so its algorithm is not ours: ``probes.learn_multi_head`` is our own learner, run within
    this budget (claim B7 in ``reproductions/query_learning/README.md``). ``heads`` is H, ``d``
    the width."""
    return 4 * heads * d * d - 2 * heads + 1


SIGMOID_SLOPE_HALF = float(np.exp(-0.5) / (1 + np.exp(-0.5)) ** 2)  # σ'(½) = σ(½)(1 − σ(½))


NOISY_PROBES = ("query-scaled", "key-scaled")


def noisy_probe_scales(norm_bound, probes: str = "query-scaled"):
    """(s, t) of the noisy learner's length-2 probes x₁ = s e_i + t e_j, x₂ = t e_j, whose
    logit difference is s t W_ij; both designs have s t = 1/(2B), so every logit is in
    [−½, ½] when B ≥ max|W_ij|:

    - ``query-scaled`` (our learner): s = 1, t = 1/(2B) — the value signal s v_i stays O(1);
    - ``key-scaled`` (the design our secondary notes attach the ‖W‖² d/μ scaling to):
      s = 1/(2B), t = 1 — only the key's extra component is scaled, so the value signal
      s v_i shrinks like 1/B as well.
    """
    B = np.asarray(norm_bound, dtype=np.float64)
    if probes == "query-scaled":
        return np.ones_like(B), 1 / (2 * B)
    if probes == "key-scaled":
        return 1 / (2 * B), np.ones_like(B)
    raise ValueError(f"unknown probe design {probes!r}; known: {', '.join(NOISY_PROBES)}")


def noisy_entry_bound(tau, norm_bound, margin, *, probes: str = "query-scaled"):
    """First-order worst case of the noisy learner (``probes.learn_noisy``), per entry, for
    probes x₁ = s e_i + t e_j, x₂ = t e_j (:func:`noisy_probe_scales`):

        |ΔW_ij| ≤ (1 + s + t) τ / (s² t μ σ'(½)),

    from σ̂ = (f − t v̂_j)/(s v̂_i) with |Δf|, |Δv̂| ≤ τ and |σ| ≤ 1, so |Δσ| ≤ (1 + s + t)τ/(sμ);
    |Δlogit| ≤ |Δσ|/σ'(½) on |logit| ≤ ½; ΔW = Δlogit/(s t). With the query-scaled probes
    (s = 1, t = 1/(2B)) this is 2B (2 + t) τ / (μ σ'(½)): linear in B. With the key-scaled
    probes (s = 1/(2B), t = 1) it is (2B)² (2 + s) τ / (μ σ'(½)): quadratic in B, the ‖W‖²
    our secondary notes give. τ is ``tau`` (the oracle's additive tolerance), B
    ``norm_bound`` (≥ max|W_ij|), μ ``margin`` (min|v_i|); arrays broadcast. Our derivation,
    not the paper's constant (its theorem text was not found; only the abstract and
    introduction are public to us; claim B4 in ``reproductions/query_learning/README.md``)."""
    tau, mu = (np.asarray(x, dtype=np.float64) for x in (tau, margin))
    s, t = noisy_probe_scales(norm_bound, probes)
    return (1 + s + t) * tau / (s * s * t * mu * SIGMOID_SLOPE_HALF)


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
