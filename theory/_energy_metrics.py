"""Per-head statistics of the full energy field through QR factors, O(L·d_h²) per head (Lee,
arXiv 2605.02907: delocalization and key incoherence; the abstract names both, the formulas are
our reconstruction).

With ``Q = Q_q R_q`` (``Q: [L, m]``, m = g·d_h when a GQA group's g query heads are stacked as
``[g·L, d_h]`` rows) and ``K_c = U_K Σ_K W_Kᵀ`` (thin SVD through a QR of ``K_c: [L, d_h]``),
``Ẽ = Q K_cᵀ/√d_h = Q_q (R_q W_K Σ_K/√d_h) U_Kᵀ``: every singular value of Ẽ is one of the
small core ``M = R_q W_K Σ_K/√d_h`` (``[d_h, r]``), the right singular vectors are ``U_K V_M``.

- leverage ``ℓ_j = [K_c (K_cᵀK_c)⁺ K_cᵀ]_jj = ‖U_K[j]‖²`` (Σ_j ℓ_j = r = rank K_c);
- coherence ``μ_K = (L/r) max_j ℓ_j`` (1 ≤ μ_K ≤ L/r);
- energy fraction ``p_j = ‖Ẽ e_j‖²/‖Ẽ‖_F² = ‖M U_K[j]ᵀ‖²/‖M‖_F²``; ``pr_over_L`` =
  1/(L Σ_j p_j²) and ``max_Lp`` = L·max_j p_j;
- stable rank ``sr = ‖Ẽ‖_F²/‖Ẽ‖₂²``; ``comps90`` = fewest singular values holding 90% of ‖Ẽ‖_F²;
- I6: ``p_j ≤ ℓ_j/sr ≤ μ_K r/(L·sr)`` and ``‖v‖_∞² ≤ max_j ℓ_j`` for every right singular
  vector v (both exact: Ẽ e_j = Ẽ P_K e_j and v ∈ range K_c); ``i6_slack`` is the largest
  violation max_j (p_j − ℓ_j/sr)·L (≤ 0 when the inequality holds).
"""

from __future__ import annotations

import numpy as np

__all__ = ["head_metrics", "head_metrics_dense", "components_for", "METRIC_NAMES"]

METRIC_NAMES = ("mu_K", "max_leverage", "rank_K", "stable_rank", "pr_over_L", "max_Lp", "p0",
                "leverage0", "comps90", "ipr_top", "i6_slack", "i6_linf_slack", "sigma_tail")


def components_for(s, fraction: float = 0.9) -> int:
    """Fewest leading singular values ``s`` (descending) whose squares hold ``fraction`` of
    Σ s²."""
    e = np.asarray(s, dtype=np.float64) ** 2
    total = e.sum()
    if total <= 0:
        return 0
    return int(np.searchsorted(np.cumsum(e) / total, fraction - 1e-12) + 1)


def _rank_tol(s, n) -> float:
    return max(s.max(), 1e-300) * max(n, 1) * np.finfo(np.float64).eps * 10


def _summary(L, d_h, lev, r, s, p, V) -> dict:
    """The statistics from leverage ``lev: [L]``, field singular values ``s`` (descending),
    energy fractions ``p: [L]`` and right singular vectors ``V: [L, k]``."""
    fro2 = float((s ** 2).sum())
    sr = fro2 / float(s[0] ** 2) if s[0] > 0 else 0.0
    k = int((s > _rank_tol(s, L)).sum())  # the field's numerical rank
    top = V[:, 0] if V.shape[1] else np.zeros(L)
    bound = lev / sr if sr > 0 else np.full(L, np.inf)
    linf = float((V[:, :k] ** 2).max(axis=0).max() - lev.max()) if k else 0.0
    return {"mu_K": float(L / r * lev.max()) if r else float("nan"),
            "max_leverage": float(lev.max()), "rank_K": int(r), "stable_rank": sr,
            "pr_over_L": float(1.0 / (L * (p ** 2).sum())), "max_Lp": float(L * p.max()),
            "p0": float(p[0]), "leverage0": float(lev[0]),
            "comps90": components_for(s), "ipr_top": float(L * (top ** 4).sum()),
            "i6_slack": float(L * (p - bound).max()), "i6_linf_slack": linf,
            "sigma_tail": float(s[d_h] / s[0]) if s.size > d_h and s[0] > 0 else 0.0,
            "field_rank": k}


def head_metrics(Q, K) -> dict:
    """The statistics above for one KV head, by QR factors: ``Q: [m, d_h]`` query rows (one
    head: m = L; a GQA group: its g heads' rows stacked, m = g·L), ``K: [L, d_h]``. float64."""
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    L, d_h = K.shape
    Kc = K - K.mean(axis=0)
    Qk, Rk = np.linalg.qr(Kc)
    a, sk, wt = np.linalg.svd(Rk)
    r = int((sk > _rank_tol(sk, L)).sum())
    U = Qk @ a[:, :r]  # [L, r] orthonormal basis of range K_c
    lev = (U ** 2).sum(axis=1)
    _, Rq = np.linalg.qr(Q)
    core = Rq @ (wt[:r].T * sk[:r]) / np.sqrt(d_h)  # [d_h, r]
    _, s, vt = np.linalg.svd(core, full_matrices=False)
    cols = core @ U.T  # [d_h, L]: ‖Ẽ e_j‖ = ‖core U[j]ᵀ‖ (Q_q has orthonormal columns)
    energy = (cols ** 2).sum(axis=0)
    p = energy / energy.sum()
    V = U @ vt.T  # [L, r] right singular vectors of Ẽ
    return _summary(L, d_h, lev, r, s, p, V)


def head_metrics_dense(Q, K) -> dict:
    """The same statistics from the dense field: the L × L Ẽ, its full SVD and the dense
    hat matrix of K_c — O(L³), the reference the QR route is benchmarked against."""
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    L, d_h = K.shape
    Kc = K - K.mean(axis=0)
    E = Q @ Kc.T / np.sqrt(d_h)
    _, s, vt = np.linalg.svd(E, full_matrices=False)
    s, vt = s[:min(L, E.shape[0])], vt
    hat = Kc @ np.linalg.pinv(Kc.T @ Kc, hermitian=True) @ Kc.T
    lev = np.diag(hat).copy()
    r = int(round(float(np.trace(hat))))
    energy = (E ** 2).sum(axis=0)
    p = energy / energy.sum()
    k = int((s > _rank_tol(s, L)).sum())
    return _summary(L, d_h, lev, r, s, p, vt[:k].T)
