"""Low-rank recovery of a single attention head from O(rd) value queries: rank-one
measurements and two solvers for them.

Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv
2601.16873 — the abstract's claim that with head dimension r ≪ d, O(rd) queries suffice "via
compressed sensing arguments". The algorithm is our reconstruction (claim B3 in
``reproductions/query_learning/README.md``); the paper's own construction was not available.

Gaussian probes X = [a + b; b] (a, b ∈ R^d) have logits differing by aᵀ W b, so with v known
(d length-1 queries, as in the exact learner)

    y = logit((f − bᵀv) / (aᵀv)) = aᵀ W b = ⟨W, a bᵀ⟩,

a rank-one linear measurement of W. A W of rank r has r(2d − r) degrees of freedom
(:func:`theory.low_rank_dof`); from m ≈ C·r(2d − r) measurements it is recovered by
Levenberg–Marquardt on W = A Bᵀ (spectral start; ``method="factored"``, rank known) or by
nuclear-norm minimisation (ADMM; ``method="nuclear"``, for small d). d + m queries in all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ._query_learners import value_queries

__all__ = ["LowRankEstimate", "rank_one_measurements", "solve_low_rank", "learn_low_rank"]


@dataclass(frozen=True)
class LowRankEstimate:
    W: np.ndarray  # [d, d]
    v: np.ndarray
    queries: int
    max_length: int
    seconds: float
    iterations: int
    residual: float  # relative measurement residual ‖𝒜(Ŵ) − y‖/‖y‖


def rank_one_measurements(oracle, m: int, *, seed: int, v: torch.Tensor):
    """m Gaussian probes [a + b; b] (a, b ~ N(0, I/√d)) → (a, b, y = aᵀWb) in float64."""
    d = oracle.d
    g = torch.Generator().manual_seed(seed)
    ab = torch.randn(2, m, d, generator=g, dtype=torch.float64) / d**0.25
    a, b = ab[0], ab[1]
    f = oracle(torch.stack([a + b, b], dim=1)).cpu()
    vc = v.cpu()
    y = torch.logit((f - b @ vc) / (a @ vc))
    return a.numpy(), b.numpy(), y.numpy()


def _factored(a, b, y, rank, *, iterations, tol):
    """Levenberg–Marquardt on the factorisation W = A Bᵀ (A, B: d × r) from the spectral start
    P_r(m⁻¹ Σ y_k a_k b_kᵀ) (an unbiased estimate of W for Gaussian probes):
    residual r_k = y_k − (a_kᵀA)(Bᵀb_k), Jacobian rows [a_k ⊗ Bᵀb_k, b_k ⊗ Aᵀa_k]; the damping
    also fixes the r² gauge directions (A G, B G⁻ᵀ) the Jacobian cannot see."""
    m, d = a.shape
    U, S, Vt = np.linalg.svd(np.einsum("k,ki,kj->ij", y, a, b) / m)
    A, Bm = U[:, :rank] * np.sqrt(S[:rank]), Vt[:rank].T * np.sqrt(S[:rank])
    ynorm = np.linalg.norm(y)

    def residual(A, Bm):
        return y - np.einsum("kr,kr->k", a @ A, b @ Bm)

    r = residual(A, Bm)
    res, lam, it = np.linalg.norm(r) / ynorm, 1e-3, 0
    while it < iterations:
        it += 1
        ca, cb = a @ A, b @ Bm  # [m, r]
        J = np.concatenate([(a[:, :, None] * cb[:, None, :]).reshape(m, -1),
                            (b[:, :, None] * ca[:, None, :]).reshape(m, -1)], axis=1)
        G, grad = J.T @ J, J.T @ r
        scale = np.trace(G) / G.shape[0]
        while True:  # raise the damping until the step lowers the residual
            step = np.linalg.solve(G + lam * scale * np.eye(G.shape[0]), grad)
            A2 = A + step[:d * rank].reshape(d, rank)
            B2 = Bm + step[d * rank:].reshape(d, rank)
            r2 = residual(A2, B2)
            res2 = np.linalg.norm(r2) / ynorm
            if res2 < res or lam > 1e6:
                break
            lam *= 10
        if res2 >= res:  # no descent even with heavy damping: a stationary point
            break
        A, Bm, r, res, lam = A2, B2, r2, res2, max(lam / 10, 1e-12)
        if res < tol:
            break
    return A @ Bm.T, it, res


def _nuclear(a, b, y, *, iterations, tol):
    """min ‖W‖_* s.t. ⟨W, a_k b_kᵀ⟩ = y_k by ADMM (Boyd et al. 2011, §5) on X = Z:
    X ← SVT_{1/ρ}(Z − U), Z ← Π_{𝒜Z = y}(X + U), U ← U + X − Z. The affine projection uses
    the measurement matrix 𝒜 = [vec(a_k b_kᵀ)] (m × d²) once; meant for small d."""
    m, d = a.shape
    A = (a[:, :, None] * b[:, None, :]).reshape(m, d * d)
    pinv = np.linalg.pinv(A)  # d² × m
    def project(V):
        return V - pinv @ (A @ V - y)
    rho = 1.0 / max(np.abs(y).max(), 1e-300)  # scale-free: SVT threshold ∝ |y|
    Z = project(np.zeros(d * d))
    U = np.zeros(d * d)
    ynorm = np.linalg.norm(y)
    it, res = 0, np.inf
    while it < iterations:
        it += 1
        P, S, Qt = np.linalg.svd((Z - U).reshape(d, d))
        X = ((P * np.maximum(S - 1 / rho, 0)) @ Qt).ravel()
        Z_old, Z = Z, project(X + U)
        U += X - Z
        res = np.linalg.norm(A @ X - y) / ynorm  # X is the low-rank iterate
        if res < tol and np.linalg.norm(Z - Z_old) <= tol * np.linalg.norm(Z):
            break
    return X.reshape(d, d), it, res


# below this many entries in the largest dense matrix (J: m × 2dr, or 𝒜: m × d²) one BLAS
# thread is faster: threading small GEMMs costs more than it saves, badly so on a loaded machine
_ONE_THREAD_BELOW = 2_000_000


def solve_low_rank(a, b, y, rank: int, *, method: str = "factored",
                   iterations: int | None = None, tol: float = 1e-12):
    """Ŵ from rank-one measurements y_k = a_kᵀ W b_k: ``factored`` (Levenberg–Marquardt on
    W = A Bᵀ, rank known; 30 iterations by default) or ``nuclear`` (ADMM, no rank needed;
    600 iterations by default). Returns (Ŵ, iterations, relative residual)."""
    from threadpoolctl import threadpool_limits

    m, d = a.shape
    if method not in ("factored", "nuclear"):
        raise ValueError(f"unknown low-rank method {method!r}; known: factored, nuclear")
    size = m * (2 * d * rank if method == "factored" else d * d)
    with threadpool_limits(1 if size < _ONE_THREAD_BELOW else None, user_api="blas"):
        if method == "factored":
            return _factored(a, b, y, rank, iterations=iterations or 30, tol=tol)
        return _nuclear(a, b, y, iterations=iterations or 600, tol=tol)


def learn_low_rank(oracle, rank: int, m: int, *, seed: int, method: str = "factored",
                   iterations: int | None = None) -> LowRankEstimate:
    """v from d value queries, then W from m rank-one measurements: d + m queries."""
    start, before = time.perf_counter(), oracle.log.queries
    v = oracle(value_queries(oracle.d, device=oracle.device)).cpu()
    a, b, y = rank_one_measurements(oracle, m, seed=seed, v=v)
    W, it, res = solve_low_rank(a, b, y, rank, method=method, iterations=iterations)
    return LowRankEstimate(W, v.numpy(), oracle.log.queries - before, oracle.log.max_length,
                           time.perf_counter() - start, it, float(res))
