"""LoRA perturbations of the attention matrices (Koubbi, Hernandez, Boussard, arXiv 2402.15415,
§2: ΔM = M_Aᵀ M_B of rank r ≪ d on V, Q, K or QᵀK).

- ``random_lora``: ΔM = B A with A [r, d], B [d, r] Gaussian, rescaled so that ‖ΔM‖_op = ε
  (``norm="op"``) or ‖ΔM‖_F = ε (``norm="fro"``). Rank enters the Grönwall bound only through
  these norms.
- ``aligned_lora``: ΔM = ε v_k v_kᵀ, v_k the k-th eigenvector of the symmetric V (k = 2 is the
  worst case: it closes the top eigen-gap at ε = λ₁ − λ₂).
- ``perturbed``: (V, M) of the perturbed system for a ΔM on "V", "Q", "K" or "QK" (Q = K = I
  at the base, so M = QᵀK = I).
"""

from __future__ import annotations

import numpy as np

__all__ = ["random_lora", "aligned_lora", "perturbed"]


def random_lora(d: int, rank: int, eps: float, *, norm: str = "op", seed: int) -> np.ndarray:
    """A random rank-``rank`` d × d matrix with ‖·‖_op = eps or ‖·‖_F = eps (float64)."""
    if not 1 <= rank <= d:
        raise ValueError(f"rank must be in 1…{d}, got {rank}")
    rng = np.random.default_rng(seed)
    delta = rng.standard_normal((d, rank)) @ rng.standard_normal((rank, d))
    size = np.linalg.norm(delta, 2 if norm == "op" else "fro")
    if norm not in ("op", "fro"):
        raise ValueError(f"norm must be 'op' or 'fro', got {norm!r}")
    return eps * delta / size


def aligned_lora(V: np.ndarray, eps: float, *, k: int = 2) -> np.ndarray:
    """ε v_k v_kᵀ, v_k the eigenvector of the k-th largest eigenvalue of the symmetric V."""
    vals, vecs = np.linalg.eigh(np.asarray(V, dtype=np.float64))
    v = vecs[:, np.argsort(vals)[::-1][k - 1]]
    return eps * np.outer(v, v)


def perturbed(V: np.ndarray, delta: np.ndarray, where: str = "V",
              M: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(Ṽ, M̃) with the LoRA ``delta`` added on V, Q, K or QᵀK (base Q = K = I unless ``M``)."""
    d = V.shape[0]
    eye = np.eye(d)
    M = eye if M is None else M
    if where == "V":
        return V + delta, M
    if where == "QK":
        return V, M + delta
    if where == "Q":  # (I + Δ)ᵀ K with K = I
        return V, (eye + delta).T @ eye
    if where == "K":
        return V, eye @ (eye + delta)
    raise ValueError(f"where must be V, Q, K or QK, got {where!r}")
