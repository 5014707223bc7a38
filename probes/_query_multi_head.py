"""A canonical multi-head learner from value queries, within the budget 4Hd² − 2H + 1.

Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv
2601.16873, show that multi-head attention is not identifiable; a follow-up (Kim et al., arXiv
2608.03294, not available to us; its count 4Hd² − 2H + 1 is quoted by our secondary notes)
recovers a *canonical* multi-head form. This module is our own construction of such a learner
(claim B7 in ``reproductions/query_learning/README.md``), not the follow-up's algorithm.

Model: f(X) = Σ_h softmax(X W_h x_N)ᵀ X v_h, ``W: [H, d, d]``, ``v: [H, d]``.

Multiplicity probes. A query of m rows x₁ = a + u followed by n rows x₂ = u (the last one the
query row) gives head h the weight p_h = ρ y_h / (1 + ρ y_h) on x₁, with ρ = m/n and
y_h = exp(aᵀ W_h u) (the term uᵀ W_h u is common to both rows and cancels). So

    R(ρ) = f − uᵀ V = Σ_h c_h · ρ y_h / (1 + ρ y_h),     c_h = aᵀ v_h,  V = Σ_h v_h,

a rational function of ρ of degree H: 2H values of ρ determine its H poles (−1/y_h) and
residues (c_h) — rational interpolation, polished by Gauss–Newton. The shift ln ρ is the same
for every head, which is why row multiplicities are used rather than a scale.

The learner: V from d length-1 queries; for p "row" vectors a_i and q directions u_k, 2H
multiplicity queries per (a_i, u_k) give the pairs {(aᵢᵀv_h, aᵢᵀW_h u_k)}_h; within a row the
values aᵢᵀv_h are shared by every u_k, which labels the heads consistently along the row (they
are sorted by value) and lets every row be refitted with its values fixed; rows are linked to
a reference row r by 2H queries on (a_r + a_i, u_1) each, whose pairs must be sums of one
head's pairs in both rows. Then W_hᵀ a_i by least squares over the directions and W_h by least
squares over the rows, dropping the worst-conditioned fits (p > d and q > d is what the spare
budget buys). Queries: d + 2H(pq + p − 1) ≤ 4Hd² − 2H + 1, with p, q chosen as large as the
budget allows.

Canonical form: heads with a zero value or a W shared with another head are not separable by
these probes (the rational function then has fewer than H poles); the learner assumes H
generic heads — distinct W_h, values aᵀv_h of distinct size — and returns them sorted by the
first entry of v_h. That is the canonical form here; merging same-W heads and dropping
zero-value heads (the follow-up's canonical form, as far as the notes say) is not built.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["MultiHeadEstimate", "learn_multi_head", "multi_head_design"]

# multiplicity ratios ρ = m/n per head count: 2H of them, symmetric in log ρ (lengths ≤ 9)
_RATIOS = {1: ((1, 2), (2, 1)), 2: ((1, 4), (1, 2), (2, 1), (4, 1)),
           3: ((1, 8), (1, 4), (1, 2), (2, 1), (4, 1), (8, 1))}


@dataclass(frozen=True)
class MultiHeadEstimate:
    W: torch.Tensor  # [H, d, d], float64, canonical order
    v: torch.Tensor  # [H, d]
    queries: int  # counted by the oracle
    max_length: int
    seconds: float
    rows: int  # p row vectors
    directions: int  # q directions


def multi_head_design(d: int, heads: int, budget: int) -> tuple[int, int]:
    """(p, q): row vectors and directions, p, q ≥ d, as large and as balanced as fit in
    ``budget`` queries: d + K(pq + p − 1) ≤ budget, K = len(_RATIOS[H]) (2H). ValueError if
    even p = q = d do not."""
    K = len(_RATIOS[heads])

    def cost(p, q):
        return d + K * (p * q + p - 1)

    if cost(d, d) > budget:
        raise ValueError(f"budget {budget} is below the {cost(d, d)} queries of p = q = d")
    p = q = d
    while True:  # grow the smaller of the two while the budget allows
        if q <= p and cost(p, q + 1) <= budget:
            q += 1
        elif cost(p + 1, q) <= budget:
            p += 1
        elif cost(p, q + 1) <= budget:
            q += 1
        else:
            return p, q


def _weights(z, rho):
    """p_h(ρ) = σ(z_h + ln ρ): ``z: [H]``, ``rho: [K]`` → [K, H]."""
    with np.errstate(over="ignore"):  # a diverging iterate: σ → 0, its fit is dropped
        return 1 / (1 + np.exp(-(z[None, :] + np.log(rho)[:, None])))


def _polish(rho, R, z, c=None, *, iterations: int = 40):
    """Gauss–Newton on R(ρ) = Σ_h c_h σ(z_h + ln ρ): over (z, c), or over z alone with the
    values ``c`` fixed. Returns (z, c, condition number of the Jacobian)."""
    free_c = c is None

    def linearise(z, c):
        """(weights, values, Jacobian) at z; free values are solved for first."""
        p = _weights(z, rho)
        if free_c:
            c = np.linalg.lstsq(p, R, rcond=None)[0]
        J = p * (1 - p) * c[None, :]
        return p, c, (np.concatenate([J, p], axis=1) if free_c else J)

    for _ in range(iterations):
        p, c, J = linearise(z, c)
        step = np.linalg.lstsq(J, p @ c - R, rcond=None)[0]
        z = z - step[:z.size]
        if not np.all(np.isfinite(z)) or np.abs(step).max() < 1e-15:
            break
    _, c, J = linearise(z, c)
    cond = np.linalg.cond(J) if np.all(np.isfinite(J)) else np.inf
    return z, c, float(cond)


def _fit(rho, R, heads: int):
    """The H (z_h, c_h) of R(ρ) = Σ c_h ρ y_h/(1 + ρ y_h), z = ln y, sorted by c; from the
    linearised rational interpolation N(ρ) − R D(ρ) = 0 (D(0) = 1, N(0) = 0), polished."""
    P = rho[:, None] ** np.arange(1, heads + 1)
    sol = np.linalg.lstsq(np.concatenate([P, -R[:, None] * P], axis=1), R, rcond=None)[0]
    roots = np.roots(np.concatenate([sol[heads:][::-1], [1.0]]))
    y = np.abs((-1 / roots).real) if roots.size == heads else np.ones(heads)
    z, c, cond = _polish(rho, R, np.log(np.maximum(y, 1e-300)))
    order = np.argsort(c)
    return z[order], c[order], cond


def _ask(oracle, pairs, V, ratios, d):
    """R(ρ) for every (a, u) in ``pairs`` (lists of [d] arrays), one batched call per ρ:
    ``[len(pairs), 2H]``."""
    a = torch.from_numpy(np.stack([p[0] for p in pairs]))
    u = torch.from_numpy(np.stack([p[1] for p in pairs]))
    out = []
    for m, n in ratios:
        X = torch.cat([(a + u)[:, None, :].expand(-1, m, d), u[:, None, :].expand(-1, n, d)],
                      dim=1)
        out.append(oracle(X).cpu().numpy() - u.numpy() @ V)
    return np.stack(out, axis=1)


def _robust_lstsq(M, Y, weight, keep_min: int, tol: float = 1e-9):
    """Weighted least squares M x = Y (``M: [n, d]``, ``Y: [n, k]``), dropping the worst row
    while any residual exceeds ``tol`` and more than ``keep_min`` rows remain."""
    idx = np.arange(M.shape[0])
    while True:
        w = weight[idx, None]
        x = np.linalg.lstsq(M[idx] * w, Y[idx] * w, rcond=None)[0]
        res = np.abs(M[idx] @ x - Y[idx]).max(axis=1)
        if idx.size <= keep_min or res.max() <= tol:
            return x
        idx = np.delete(idx, res.argmax())


def learn_multi_head(oracle, heads: int, *, seed: int, budget: int | None = None,
                     scale: float = 1.0) -> MultiHeadEstimate:
    """The canonical form (heads sorted by v_h[0]) of an H-head oracle from at most
    ``budget`` value queries (default 4Hd² − 2H + 1). ``scale`` multiplies the directions u:
    the logits aᵀW_h u should be O(1) (|·| ≲ 4) for the ratios ρ ∈ [1/8, 8] to resolve them.
    ``seed`` draws the row vectors (unit Gaussian) and directions (standard Gaussian)."""
    if heads not in _RATIOS:
        raise ValueError(f"heads must be one of {sorted(_RATIOS)}, got {heads}")
    start, before = time.perf_counter(), oracle.log.queries
    d = oracle.d
    budget = 4 * heads * d * d - 2 * heads + 1 if budget is None else budget
    p, q = multi_head_design(d, heads, budget)
    ratios = _RATIOS[heads]
    rho = np.array([m / n for m, n in ratios], dtype=np.float64)
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((p, d))
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    U = scale * rng.standard_normal((q, d))
    eye = torch.eye(d, dtype=torch.float64, device=oracle.device)[:, None, :]
    V = oracle(eye).cpu().numpy()
    R = _ask(oracle, [(A[i], U[k]) for i in range(p) for k in range(q)], V, ratios, d)
    fits = [_fit(rho, R[n], heads) for n in range(p * q)]
    Z = np.array([f[0] for f in fits]).reshape(p, q, heads)
    C = np.array([f[1] for f in fits]).reshape(p, q, heads)
    cond = np.array([f[2] for f in fits]).reshape(p, q)
    # per row: the values a_iᵀv_h (median over directions of the best-conditioned fits), the
    # logits refitted with them fixed, then b_{h,i} = W_hᵀ a_i from the directions
    values, B, quality = np.empty((p, heads)), np.empty((p, heads, d)), np.empty(p)
    for i in range(p):
        best = np.argsort(cond[i])[: max(d, (3 * q) // 4)]
        values[i] = np.median(C[i, best], axis=0)
        refit = [_polish(rho, R[i * q + k], Z[i, k].copy(), values[i]) for k in range(q)]
        z = np.array([r[0] for r in refit])
        k_cond = np.array([r[2] for r in refit])
        weight = np.where(np.isfinite(k_cond) & np.all(np.isfinite(z), axis=1),
                          1 / k_cond, 0.0)
        z = np.nan_to_num(z)
        quality[i] = np.median(k_cond)
        B[i] = _robust_lstsq(U, z, weight, keep_min=d + 1).T
    # link every row to the best-conditioned one through (a_ref + a_i, u_1)
    ref = int(np.argmin(quality))
    others = [i for i in range(p) if i != ref]
    R_link = _ask(oracle, [(A[ref] + A[i], U[0]) for i in others], V, ratios, d)
    perm = {ref: np.arange(heads)}
    for n, i in enumerate(others):
        z, c, _ = _fit(rho, R_link[n], heads)
        observed = np.column_stack([c, z])
        best_cost, best = np.inf, None
        for pi in itertools.permutations(range(heads)):
            pi = list(pi)
            predicted = np.column_stack([values[ref] + values[i, pi],
                                         B[ref] @ U[0] + B[i, pi] @ U[0]])
            cost = min(np.abs(predicted[list(s)] - observed).max()
                       for s in itertools.permutations(range(heads)))
            if cost < best_cost:
                best_cost, best = cost, np.array(pi)
        perm[i] = best
    values = np.stack([values[i, perm[i]] for i in range(p)])  # head h of row i: column h
    B = np.stack([B[i, perm[i]] for i in range(p)])
    # W_h from A W_h = [b_{h,i}ᵀ]_i and v_h from A v_h = values[:, h], over the best rows
    keep = np.argsort(quality)[: max(d, (3 * p) // 4)]
    W = np.stack([np.linalg.lstsq(A[keep], B[keep, h], rcond=None)[0] for h in range(heads)])
    v = np.linalg.lstsq(A[keep], values[keep], rcond=None)[0].T  # [H, d]
    order = np.argsort(-v[:, 0])
    return MultiHeadEstimate(torch.from_numpy(W[order].copy()), torch.from_numpy(v[order].copy()),
                             oracle.log.queries - before, oracle.log.max_length,
                             time.perf_counter() - start, p, q)
