"""A black-box single-head attention regressor that counts its queries.

Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv 2601.16873
(only the abstract is public; the model below is ``shared/papers/query-learning.md``'s):

    f(X) = softmax(X W x_N)ᵀ X v,      X: [N, d] (its last row x_N is the query), W: [d, d], v: [d]

One call evaluates a whole batch ``X: [B, N, d]`` in a few tensor ops (CPU or GPU, any float
dtype); the oracle itself records every call, every query and every query length, so a
learner's query count is measured, not computed from a formula. The softmax is a log-sum-exp
(``torch.softmax`` subtracts the row maximum).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

__all__ = ["QueryLog", "AttentionOracle", "MultiHeadOracle"]


@dataclass
class QueryLog:
    calls: int = 0
    queries: int = 0
    max_length: int = 0
    lengths: dict = field(default_factory=dict)  # query length → how many queries had it

    def record(self, batch: int, length: int) -> None:
        self.calls += 1
        self.queries += batch
        self.max_length = max(self.max_length, length)
        self.lengths[length] = self.lengths.get(length, 0) + batch


class AttentionOracle:
    """f(X) for hidden ``W: [d, d]`` and ``v: [d]``, evaluated in ``dtype`` on ``device``."""

    def __init__(self, W: torch.Tensor, v: torch.Tensor, *, dtype=torch.float64,
                 device: str = "cpu"):
        if W.ndim != 2 or W.shape[0] != W.shape[1] or v.shape != (W.shape[0],):
            raise ValueError(f"need W: [d, d] and v: [d], got {tuple(W.shape)}, {tuple(v.shape)}")
        self._W = W.to(device=device, dtype=dtype)
        self._v = v.to(device=device, dtype=dtype)
        self.d, self.dtype, self.device = W.shape[0], dtype, device
        self.log = QueryLog()

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        """``X: [B, N, d]`` (or ``[N, d]``) → outputs ``[B]`` (or a scalar), in float64."""
        single = X.ndim == 2
        X = (X[None] if single else X).to(device=self.device, dtype=self.dtype)
        if X.ndim != 3 or X.shape[-1] != self.d:
            raise ValueError(f"queries must be [B, N, {self.d}], got {tuple(X.shape)}")
        self.log.record(X.shape[0], X.shape[1])
        if single:  # one query: plain matrix-vector products, the least per-call overhead
            weights = torch.softmax(X[0] @ (self._W @ X[0, -1]), dim=0)
            return (weights @ (X[0] @ self._v)).to(torch.float64)
        keys = X[:, -1, :] @ self._W.T  # [B, d]: W x_N for the whole batch, one GEMM
        logits = torch.bmm(X, keys[:, :, None])[..., 0]  # x_jᵀ W x_N
        weights = torch.softmax(logits, dim=-1)  # [B, N]
        out = torch.einsum("bn,bn->b", weights, X @ self._v)
        out = out.to(torch.float64)
        return out[0] if single else out


class MultiHeadOracle(AttentionOracle):
    """f(X) = Σ_h softmax(X W_h x_N)ᵀ X v_h for ``W: [H, d, d]``, ``v: [H, d]``."""

    def __init__(self, W: torch.Tensor, v: torch.Tensor, *, dtype=torch.float64,
                 device: str = "cpu"):
        if W.ndim != 3 or W.shape[1] != W.shape[2] or v.shape != W.shape[:2]:
            raise ValueError(f"need W: [H, d, d], v: [H, d], got {tuple(W.shape)}, "
                             f"{tuple(v.shape)}")
        self._heads = [AttentionOracle(w, u, dtype=dtype, device=device)
                       for w, u in zip(W, v, strict=True)]
        self.d, self.dtype, self.device = W.shape[1], dtype, device
        self.log = QueryLog()

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        single = X.ndim == 2
        batch = X[None] if single else X
        self.log.record(batch.shape[0], batch.shape[1])
        out = sum(head(batch) for head in self._heads)
        return out[0] if single else out
