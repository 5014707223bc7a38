"""Self-attention as an interacting particle system, integrated as one batched float64 tensor.

The sphere model (Geshkovski, Letrouit, Polyanskiy, Rigollet, "A mathematical perspective on
Transformers", arXiv 2312.10794; the toy model of Koubbi, Hernandez, Boussard, arXiv
2402.15415, §2): n tokens x_i ∈ S^{d−1} move by

    SA:   dx_i/dt = P⊥_{x_i}( Σ_j softmax_j(β⟨Q x_i, K x_j⟩) V x_j ),   P⊥_x y = y − ⟨x, y⟩x
    USA:  dx_i/dt = P⊥_{x_i}( (1/n) Σ_j exp(β⟨Q x_i, K x_j⟩) V x_j )

and v1's ℝᵈ model (arXiv 2402.15415 v1, its simulation code) moves them without the
projection, dx_i/dt = Σ_j softmax_j(⟨A x_i, A x_j⟩) V x_j (``sphere=False``, M = AᵀA, β = 1).
Symbol map: ``X`` [B, n, d] holds B ensemble members (seeds × perturbations), ``V`` and ``M``
(= QᵀK) are [B, d, d] or [d, d], ``beta`` a scalar or [B]. Every softmax is the max-shifted
(log-sum-exp) one. The right-hand side is evaluated afresh at every Runge–Kutta stage
(stage-consistent: the attention is never frozen over a step, as v1's code did). Layers are
time (weights shared across depth); the discrete-depth model is x ← normalize(x + h·F(x)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

__all__ = ["ParticleSystem", "attention_field", "rk4", "discrete_depth", "uniform_sphere",
           "linear_response"]


def attention_field(X: torch.Tensor, V: torch.Tensor, M: torch.Tensor, beta, *,
                    normalisation: str = "SA", sphere: bool = True) -> torch.Tensor:
    """F(X) [B, n, d] for X [B, n, d], V and M = QᵀK [B, d, d] or [d, d], beta scalar or
    [B]."""
    beta = torch.as_tensor(beta, dtype=X.dtype, device=X.device).reshape(-1, 1, 1)
    logits = (beta * X @ M) @ X.transpose(1, 2)  # [B, n, n]: β x_iᵀ QᵀK x_j
    values = X @ V.transpose(-1, -2)  # V x_j
    if normalisation == "SA":
        # max-shifted exponentials (log-sum-exp safe), in place on the one [B, n, n] buffer,
        # and the row sums divide the [B, n, d] output rather than the weights: the field
        # costs ~0.65× the three-allocation form (torch.softmax in float64 on the CPU is ~3×
        # slower still). The shift is detached: the ratio does not depend on it, and amax
        # then saves nothing that sub_ overwrites (reverse mode works)
        weights = logits.sub_(logits.amax(-1, keepdim=True).detach()).exp_()
        out = (weights @ values).div_(weights.sum(-1, keepdim=True))
    elif normalisation == "USA":
        out = logits.sub_(math.log(X.shape[1])).exp_() @ values
    else:
        raise ValueError(f"normalisation must be SA or USA, got {normalisation!r}")
    if sphere:
        out = out - (out * X).sum(-1, keepdim=True) * X
    return out


@dataclass(frozen=True)
class ParticleSystem:
    """One ensemble's parameters: ``V``, ``M`` [B, d, d] (or [d, d]), ``beta``."""

    V: torch.Tensor
    M: torch.Tensor
    beta: object = 1.0
    normalisation: str = "SA"
    sphere: bool = True

    def field(self, X: torch.Tensor, members: torch.Tensor | None = None) -> torch.Tensor:
        """F(X); ``members`` (indices into the ensemble) when X holds only those members
        (the per-member step control of ``dop853_batched`` integrates the unfinished ones)."""
        # a matrix shared by the ensemble stays [d, d] (or [1, d, d]): X @ M then broadcasts
        # as one (B·n, d) × (d, d) product instead of B small ones
        V, M = (torch.as_tensor(m, dtype=X.dtype, device=X.device) for m in (self.V, self.M))
        beta = self.beta
        if members is not None:
            V, M = (m[members.to(m.device)] if m.dim() == 3 and m.shape[0] > 1 else m
                    for m in (V, M))
            beta = torch.as_tensor(beta)
            if beta.numel() > 1:
                beta = beta.reshape(-1)[members.to(beta.device)]
        return attention_field(X, V, M, beta, normalisation=self.normalisation,
                               sphere=self.sphere)


def _normalize(X: torch.Tensor) -> torch.Tensor:
    return X / torch.linalg.vector_norm(X, dim=-1, keepdim=True)


def rk4(X0: torch.Tensor, field: Callable, *, h: float, steps: int, project: bool = True,
        record_every: int = 0) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Classical RK4 with step ``h`` for ``steps`` steps; ``project`` renormalises each token
    onto the sphere after every step (a projection method: the order stays 4, and the norm
    is kept to rounding). Returns the final state and, with ``record_every = k``, the states
    at t = 0, kh, 2kh, … as [S, B, n, d]."""
    X = X0
    snaps = [X0] if record_every else None
    for s in range(1, steps + 1):
        k1 = field(X)
        k2 = field(X + 0.5 * h * k1)
        k3 = field(X + 0.5 * h * k2)
        k4 = field(X + h * k3)
        X = X + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        if project:
            X = _normalize(X)
        if record_every and s % record_every == 0:
            snaps.append(X)
    return X, (torch.stack(snaps) if record_every else None)


def discrete_depth(X0: torch.Tensor, field: Callable, *, h: float, layers: int
                   ) -> torch.Tensor:
    """The discrete-depth transformer: x ← normalize(x + h·F(x)), ``layers`` = L = T/h times;
    returns every layer's state [L + 1, B, n, d]."""
    X, out = X0, [X0]
    for _ in range(layers):
        X = _normalize(X + h * field(X))
        out.append(X)
    return torch.stack(out)


def uniform_sphere(B: int, n: int, d: int, *, seed: int, dtype=torch.float64,
                   device="cpu") -> torch.Tensor:
    """B independent clouds of n uniform points on S^{d−1}: [B, n, d] (seeded generator)."""
    g = torch.Generator().manual_seed(int(seed) % (2 ** 63))
    X = torch.randn(B, n, d, generator=g, dtype=torch.float64)
    return _normalize(X).to(dtype=dtype, device=device)


def linear_response(X0: torch.Tensor, V: torch.Tensor, E: torch.Tensor, M, beta, *, h: float,
                    steps: int, record_every: int, normalisation: str = "SA"
                    ) -> torch.Tensor:
    """The tangent (forward-mode JVP) of the RK4 map ε ↦ X_t(V + εE) at ε = 0: the linear
    response dX_t/dε [S, B, n, d] at the recorded times. Its RMS over tokens is the
    prediction for D(t)/ε as ε → 0 (claim T1)."""
    import warnings

    from torch.func import jvp

    def run(eps):
        system = ParticleSystem(V + eps.reshape(-1, 1, 1) * E, M, beta, normalisation)
        return rk4(X0, system.field, h=h, steps=steps, record_every=record_every)[1]

    zero = torch.zeros(X0.shape[0], dtype=X0.dtype, device=X0.device)
    with warnings.catch_warnings():  # torch.func calls torch.jit.script (deprecated in 2.13)
        warnings.simplefilter("ignore", DeprecationWarning)
        return jvp(run, (zero,), (torch.ones_like(zero),))[1]
