"""The sensitivity bound of linearized attention's similarity, as summarised from arXiv
2603.13085 v1 (Miñoza, Medina, Ibañez; reconstruction in
reproductions/linear_attention_ntk/README.md, claim T10)."""

from __future__ import annotations

import numpy as np

__all__ = ["sensitivity_violations"]


def sensitivity_violations(X, *, eps, pairs: int, seed: int, directions: int = 32) -> dict:
    """The bound |ΔK(x_i + δ, x_j)| ≤ ‖X x_j‖₁ ε for the attention similarity
    K(x_i, x_j) = Σ_k ⟨x_i, x_k⟩⟨x_k, x_j⟩ over the context X: [n, d] (unit rows, ‖δ‖₂ = ε),
    checked on ``pairs`` random (i, j) for every ε in ``eps``: with the context frozen (the
    bound is then exact: |⟨x_k, δ⟩| ≤ ε) and transductive (row i of the context is perturbed
    too). δ: the worst frozen direction ±XᵀXx_j, and ``directions`` random ones. Returns, per
    context, the number of violations and checks and the worst ratio |ΔK|/bound."""
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    rng = np.random.default_rng(seed)
    M = X.T @ X
    out = {"frozen": [0, 0, 0.0], "transductive": [0, 0, 0.0]}
    for _ in range(pairs):
        i, j = rng.choice(n, 2, replace=False)
        worst = M @ X[j]
        dirs = np.vstack([worst, -worst, rng.standard_normal((directions, d))])
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        base = X[i] @ M @ X[j]
        for e in eps:
            bound = np.abs(X @ X[j]).sum() * e
            for delta in e * dirs:
                xi = X[i] + delta
                frozen = xi @ M @ X[j]
                Mt = M + np.outer(xi, xi) - np.outer(X[i], X[i])
                trans = xi @ Mt @ X[j]
                for key, val in (("frozen", frozen), ("transductive", trans)):
                    ratio = abs(val - base) / bound
                    rec = out[key]
                    rec[0] += ratio > 1 + 1e-12
                    rec[1] += 1
                    rec[2] = max(rec[2], ratio)
    return {k: {"violations": int(v[0]), "checks": int(v[1]), "worst_ratio": float(v[2])}
            for k, v in out.items()}
