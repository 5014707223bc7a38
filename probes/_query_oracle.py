"""Black-box attention models that count their queries (the oracles of the query-learning paper).

Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv 2601.16873.
The setting is the abstract's: "a learner may adaptively query the oracle with any sequence of
vectors and observe the output"; the model, a single-head attention regressor, is as we
reconstruct it (``reproductions/query_learning/README.md``):

    f(X) = softmax(X W x_N)ᵀ X v,      X: [N, d] (its last row x_N is the query), W: [d, d], v: [d]

One call evaluates a whole batch ``X: [B, N, d]`` in a few tensor ops (CPU or GPU, any float
dtype); the oracle itself records every call, every query and every query length, so a
learner's query count is measured, not computed from a formula. The softmax is a log-sum-exp
(``torch.softmax`` subtracts the row maximum).

Noisy access (:class:`Noise`): the answer is f(X) + τ ξ with ξ uniform on [−1, 1], standard
Gaussian, or the adversarial sign ξ = sign f(X) (deterministic, so averaging repeats cannot
remove it). Noise is drawn in float64 from the oracle's own generator, fresh for every query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

__all__ = ["QueryLog", "Noise", "AttentionOracle", "MultiHeadOracle", "TransformerOracle"]

NOISE_KINDS = ("uniform", "gaussian", "adversarial")


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


@dataclass(frozen=True)
class Noise:
    """Additive output noise of tolerance ``tau``: uniform [−τ, τ], Gaussian (std τ) or the
    adversarial sign τ·sign f."""

    kind: str
    tau: float
    seed: int = 0

    def __post_init__(self):
        if self.kind not in NOISE_KINDS:
            raise ValueError(f"unknown noise {self.kind!r}; known: {', '.join(NOISE_KINDS)}")
        if not self.tau >= 0:
            raise ValueError(f"noise tolerance must be ≥ 0, got {self.tau}")


class _Counted:
    """Shared by every oracle: the query log, input checks, and the noise it adds."""

    def _setup(self, d: int, dtype, device: str, noise: Noise | None) -> None:
        self.d, self.dtype, self.device, self.noise = d, dtype, device, noise
        self.log = QueryLog()
        self._gen = None
        if noise is not None:
            self._gen = torch.Generator(device=device).manual_seed(noise.seed)

    def _batch(self, X: torch.Tensor) -> tuple[torch.Tensor, bool]:
        single = X.ndim == 2
        X = (X[None] if single else X).to(device=self.device, dtype=self.dtype)
        if X.ndim != 3 or X.shape[-1] != self.d:
            raise ValueError(f"queries must be [B, N, {self.d}], got {tuple(X.shape)}")
        self.log.record(X.shape[0], X.shape[1])
        return X, single

    def _noisy(self, out: torch.Tensor) -> torch.Tensor:
        out = out.to(torch.float64)
        nz = self.noise
        if nz is None or nz.tau == 0:
            return out
        if nz.kind == "uniform":
            xi = torch.rand(out.shape, generator=self._gen, device=out.device,
                            dtype=torch.float64) * 2 - 1
        elif nz.kind == "gaussian":
            xi = torch.randn(out.shape, generator=self._gen, device=out.device,
                             dtype=torch.float64)
        else:
            xi = torch.where(out >= 0, 1.0, -1.0).to(torch.float64)
        return out + nz.tau * xi


def _attend(X: torch.Tensor, W: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """softmax(X W x_N)ᵀ X v for a batch ``X: [B, N, d]`` → ``[B]`` (in X's dtype)."""
    keys = X[:, -1, :] @ W.T  # [B, d]: W x_N for the whole batch, one GEMM
    logits = torch.bmm(X, keys[:, :, None])[..., 0]  # x_jᵀ W x_N
    weights = torch.softmax(logits, dim=-1)  # [B, N]
    return torch.bmm(weights[:, None, :], (X @ v)[:, :, None])[:, 0, 0]


class AttentionOracle(_Counted):
    """f(X) for hidden ``W: [d, d]`` and ``v: [d]``, evaluated in ``dtype`` on ``device``;
    answers are float64 (plus ``noise`` if given)."""

    def __init__(self, W: torch.Tensor, v: torch.Tensor, *, dtype=torch.float64,
                 device: str = "cpu", noise: Noise | None = None):
        if W.ndim != 2 or W.shape[0] != W.shape[1] or v.shape != (W.shape[0],):
            raise ValueError(f"need W: [d, d] and v: [d], got {tuple(W.shape)}, {tuple(v.shape)}")
        self._W = W.to(device=device, dtype=dtype)
        self._v = v.to(device=device, dtype=dtype)
        self._setup(W.shape[0], dtype, device, noise)

    @property
    def stored(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(W, v) as the oracle holds them (rounded to its dtype), in float64 — the target a
        learner can at best recover. For tests and error measurement, not for learners."""
        return self._W.to(torch.float64), self._v.to(torch.float64)

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        """``X: [B, N, d]`` (or ``[N, d]``) → outputs ``[B]`` (or a scalar), in float64."""
        X, single = self._batch(X)
        if single:  # one query: plain matrix-vector products, the least per-call overhead
            weights = torch.softmax(X[0] @ (self._W @ X[0, -1]), dim=0)
            out = self._noisy((weights @ (X[0] @ self._v))[None])
        else:
            out = self._noisy(_attend(X, self._W, self._v))
        return out[0] if single else out


class MultiHeadOracle(_Counted):
    """f(X) = Σ_h softmax(X W_h x_N)ᵀ X v_h for ``W: [H, d, d]``, ``v: [H, d]``."""

    def __init__(self, W: torch.Tensor, v: torch.Tensor, *, dtype=torch.float64,
                 device: str = "cpu", noise: Noise | None = None):
        if W.ndim != 3 or W.shape[1] != W.shape[2] or v.shape != W.shape[:2]:
            raise ValueError(f"need W: [H, d, d], v: [H, d], got {tuple(W.shape)}, "
                             f"{tuple(v.shape)}")
        self._W = W.to(device=device, dtype=dtype)
        self._v = v.to(device=device, dtype=dtype)
        self._setup(W.shape[1], dtype, device, noise)

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        X, single = self._batch(X)
        out = sum(_attend(X, w, u) for w, u in zip(self._W, self._v, strict=True))
        out = self._noisy(out)
        return out[0] if single else out


class TransformerOracle(_Counted):
    """A one-layer single-head transformer with a ReLU feed-forward read-out:

        a(X) = V Xᵀ softmax(X W x_N) ∈ R^k,      f(X) = uᵀ ReLU(M a(X) + b),

    ``W: [d, d]``, ``V: [k, d]``, ``M: [h, k]``, ``u: [h]``, hidden bias ``bias`` b: [h]
    (default none). Without the bias, because the logits are even in X and ReLU(t) −
    ReLU(−t) = t, the odd part is a single head with an effective value vector:

        f(X) − f(−X) = softmax(X W x_N)ᵀ X v_eff,      v_eff = Vᵀ Mᵀ u.

    With a bias, ReLU(t + b) − ReLU(−t + b) ≠ t, and the odd part is not one head: the
    negative control of the reduction (claim B5).
    """

    def __init__(self, W, V, M, u, *, bias=None, dtype=torch.float64, device: str = "cpu",
                 noise: Noise | None = None):
        d = W.shape[0]
        if W.shape != (d, d) or V.shape[1] != d or M.shape[1] != V.shape[0] or \
                u.shape != (M.shape[0],):
            raise ValueError("need W: [d, d], V: [k, d], M: [h, k], u: [h]; got "
                             f"{tuple(W.shape)}, {tuple(V.shape)}, {tuple(M.shape)}, "
                             f"{tuple(u.shape)}")
        if bias is not None and bias.shape != u.shape:
            raise ValueError(f"bias must be [h] = {tuple(u.shape)}, got {tuple(bias.shape)}")
        bias = torch.zeros_like(u) if bias is None else bias
        self._W, self._V, self._M, self._u, self._b = (t.to(device=device, dtype=dtype)
                                                       for t in (W, V, M, u, bias))
        self._setup(d, dtype, device, noise)

    @property
    def effective_value(self) -> torch.Tensor:
        """v_eff = Vᵀ Mᵀ u (float64) — what the odd-part reduction recovers as v (when the
        FFN has no bias)."""
        return (self._V.T @ self._M.T @ self._u).to(torch.float64)

    def __call__(self, X: torch.Tensor) -> torch.Tensor:
        X, single = self._batch(X)
        keys = X[:, -1, :] @ self._W.T
        weights = torch.softmax(torch.bmm(X, keys[:, :, None])[..., 0], dim=-1)  # [B, N]
        a = torch.bmm(weights[:, None, :], X)[:, 0, :] @ self._V.T  # [B, k]
        out = self._noisy(torch.relu(a @ self._M.T + self._b) @ self._u)
        return out[0] if single else out
