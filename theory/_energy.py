"""The energy field of one softmax-attention head and its exact invariants (Lee, "On the
Invariants of Softmax Attention", arXiv 2605.02907; the abstract names the per-row zero-sum
constraint, the head-dimension rank bound and the spectral signatures — the formulas below are
our reconstruction, pure algebra).

Symbols: logits ``S = Q Kᵀ/√d_h`` (``Q, K: [L, d_h]``, after RoPE where used); the energy field
over the visible keys V(i) is ``Ẽ_ij = S_ij − mean_{j'∈V(i)} S_ij'`` (``visible: [L, L]`` bool,
None = every key). With every key visible, ``Ẽ = S P_L = Q K_cᵀ/√d_h``, ``K_c = P_L K`` the
position-centred keys, ``P_L = I − 11ᵀ/L``.

I1 zero-sum Σ_{j∈V(i)} Ẽ_ij = 0; I2 softmax(Ẽ_i) = softmax(S_i) and Ẽ_ij = log A_ij −
mean_{j'} log A_ij'; I3 rank(full Ẽ) ≤ min(d_h, L − 1) (also a GQA group's stacked fields);
the causal field is *not* so bounded, but each row lies in span{k_j − k̄_{≤i}}; I4 k_j → k_j + b
leaves Ẽ unchanged; I5 Ẽ1 = 0, ‖Ẽ‖_F² = Σ_i L·Var_j(S_ij).
"""

from __future__ import annotations

import numpy as np

__all__ = ["energy_field", "log_softmax", "invariant_residuals", "causal_mask",
           "sliding_mask", "row_span_residual", "numerical_rank", "rank_residual"]


def causal_mask(L: int) -> np.ndarray:
    """``[L, L]`` visible keys of causal attention: j ≤ i."""
    return np.tri(L, dtype=bool)


def sliding_mask(L: int, window: int) -> np.ndarray:
    """``[L, L]`` visible keys of sliding-window causal attention: i − window < j ≤ i."""
    i = np.arange(L)
    return (i[None, :] <= i[:, None]) & (i[None, :] > i[:, None] - window)


def energy_field(Q, K, *, visible=None) -> np.ndarray:
    """``Ẽ: [L, L]`` (or ``[..., L, L]`` for stacked heads) — the logits row-centred over the
    visible keys; invisible entries are 0. Computed in the inputs' dtype (``Q: [..., L, d_h]``,
    ``K: [..., L, d_h]``)."""
    Q, K = np.asarray(Q), np.asarray(K)
    d_h = Q.shape[-1]
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(np.asarray(d_h, dtype=Q.dtype))
    if visible is None:
        return S - S.mean(axis=-1, keepdims=True)
    m = visible.astype(S.dtype)
    mean = (S * m).sum(axis=-1, keepdims=True) / m.sum(axis=-1, keepdims=True)
    return (S - mean) * m


def log_softmax(S, *, visible=None) -> np.ndarray:
    """Row-wise log-softmax by log-sum-exp over the visible keys (−inf elsewhere)."""
    S = np.asarray(S, dtype=np.float64)
    if visible is not None:
        S = np.where(visible, S, -np.inf)
    top = S.max(axis=-1, keepdims=True)
    return S - top - np.log(np.exp(S - top).sum(axis=-1, keepdims=True))


def numerical_rank(s, *, rel: float = 1e-10) -> int:
    """Number of singular values ``s`` above ``rel`` · s₁."""
    s = np.asarray(s)
    return int((s > rel * s.max()).sum()) if s.size and s.max() > 0 else 0


def row_span_residual(Q, K, E, visible, *, rows=None) -> float:
    """max_i ‖Ẽ_i,V(i) − proj onto span{k_j − k̄_V(i)}‖ / ‖Ẽ_i,V(i)‖ — the row-wise form of
    I3 that holds for a causal (or windowed) field whose L × L rank is not bounded by d_h.
    ``E: [L, L]`` is the field computed by centring the logits (:func:`energy_field`);
    ``rows``: the rows checked (default every row)."""
    worst = 0.0
    for i in range(E.shape[0]) if rows is None else rows:
        idx = np.flatnonzero(visible[i])
        if idx.size < 2:
            continue
        Kc = K[idx] - K[idx].mean(axis=0)
        row = E[i, idx]
        basis, s, _ = np.linalg.svd(Kc, full_matrices=False)
        basis = basis[:, s > 1e-12 * max(s.max(), 1e-300)]
        res = row - basis @ (basis.T @ row)
        worst = max(worst, float(np.linalg.norm(res) / max(np.linalg.norm(row), 1e-300)))
    return worst


def invariant_residuals(Q, K, *, visible=None, rank_check: bool = True) -> dict:
    """The invariants I1, I2, I5 of one head in float64 and, with every key visible, I3.

    ``Q, K: [L, d_h]``. Returns relative residuals: ``i1`` = max_i |Σ_j Ẽ_ij| / max|Ẽ|;
    ``i2_softmax`` = max |softmax(Ẽ) − softmax(S)|; ``i2_logprob`` = max |Ẽ − (log A −
    mean log A)| / max|Ẽ|; ``i5_null`` = ‖Ẽ1‖/‖Ẽ‖_F (full field); ``i5_frobenius`` =
    |‖Ẽ‖_F² − Σ_i L_i Var_j S_ij| / ‖Ẽ‖_F²; ``i3_tail`` = σ_{d_h+1}/σ₁ (full field);
    ``rank`` the numerical rank (1e-10 σ₁) of the L × L field.
    """
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    L, d_h = Q.shape
    S = Q @ K.T / np.sqrt(d_h)
    E = energy_field(Q, K, visible=visible)
    scale = max(float(np.abs(E).max()), 1e-300)
    mask = np.ones((L, L), dtype=bool) if visible is None else visible
    out = {"i1": float(np.abs(E.sum(axis=1)).max() / scale)}
    logA_S = log_softmax(S, visible=visible)
    logA_E = log_softmax(E, visible=visible)
    out["i2_softmax"] = float(np.abs(np.exp(logA_E) - np.exp(logA_S)).max())
    la = np.where(mask, logA_S, 0.0)
    centred = (la - la.sum(axis=1, keepdims=True) / mask.sum(axis=1, keepdims=True)) * mask
    out["i2_logprob"] = float(np.abs(E - centred).max() / scale)
    n_vis = mask.sum(axis=1)
    Sm = np.where(mask, S, 0.0)  # Var_j S_ij over the visible keys, from S alone (two-pass)
    dev = np.where(mask, S - Sm.sum(axis=1, keepdims=True) / n_vis[:, None], 0.0)
    var = (dev ** 2).sum(axis=1) / n_vis
    fro2 = float((E ** 2).sum())
    out["i5_frobenius"] = abs(fro2 - float((n_vis * var).sum())) / max(fro2, 1e-300)
    if rank_check:
        s = np.linalg.svd(E, compute_uv=False)
        out["rank"] = numerical_rank(s)
        out["i3_tail"] = float(s[d_h] / s[0]) if s.size > d_h and s[0] > 0 else 0.0
    if visible is None:
        out["i5_null"] = float(np.linalg.norm(E.sum(axis=1)) / max(np.sqrt(fro2), 1e-300))
    return out


def rank_residual(E, K, *, iterations: int = 30) -> float:
    """An upper bound on σ_{d_h+1}(Ẽ)/σ₁(Ẽ) for a dense field ``E: [m, L]`` and its keys
    ``K: [L, d_h]``: ‖Ẽ(I − P)‖_F / ‖Ẽ v‖, P the projector on range K_c (rank ≤ d_h, so
    σ_{d_h+1} ≤ ‖Ẽ(I − P)‖₂ ≤ ‖Ẽ(I − P)‖_F) and v a unit vector from ``iterations`` power
    steps (‖Ẽ v‖ ≤ σ₁). O(m L d_h) instead of an SVD."""
    E = np.asarray(E, dtype=np.float64)
    Kc = np.asarray(K, dtype=np.float64)
    Kc = Kc - Kc.mean(axis=0)
    U, s, _ = np.linalg.svd(Kc, full_matrices=False)
    U = U[:, s > 1e-12 * max(s.max(), 1e-300)]
    rest = E - (E @ U) @ U.T
    v = np.random.default_rng(0).standard_normal(E.shape[1])
    for _ in range(iterations):
        v = E.T @ (E @ v)
        v /= max(np.linalg.norm(v), 1e-300)
    return float(np.linalg.norm(rest) / max(np.linalg.norm(E @ v), 1e-300))
