"""A batched Dormand–Prince 8(5,3) integrator with one step size shared by the ensemble.

The tableau and the error estimator are Hairer's DOP853 (Hairer, Nørsett, Wanner, "Solving
Ordinary Differential Equations I", §II.10), read from scipy's own coefficients so the
scheme is exactly the one ``scipy.integrate.solve_ivp(method="DOP853")`` uses member by
member. Here the whole ensemble X [B, n, d] (seeds × perturbations) advances as one tensor:
each stage is one batched right-hand-side evaluation, and the step is accepted when the
worst member's scaled error norm (scipy's: ‖err₅‖²/√(‖err₅‖² + 0.01‖err₃‖²), scale
atol + rtol·max(|y|, |y_new|), RMS over each member's n·d entries) is ≤ 1. Used for the
ensemble benchmark against member-by-member DOP853 (``benchmarks/bench_lora_forgetting.py``)
and wherever a step chosen from an error estimate beats a fixed RK4 step.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from scipy.integrate._ivp import dop853_coefficients as _dop  # scipy's DOP853 tableau

__all__ = ["dop853_batched"]

_SAFETY, _MIN_FACTOR, _MAX_FACTOR = 0.9, 0.2, 10.0  # scipy's step-size controller
_EXPONENT = -1.0 / 8.0  # error estimator of order 7


def _tableau(dtype, device):
    s = _dop.N_STAGES
    return (torch.as_tensor(_dop.A[:s, :s], dtype=dtype, device=device),
            torch.as_tensor(_dop.B, dtype=dtype, device=device),
            torch.as_tensor(_dop.C[:s], dtype=dtype, device=device),
            torch.as_tensor(_dop.E3, dtype=dtype, device=device),
            torch.as_tensor(_dop.E5, dtype=dtype, device=device))


def dop853_batched(field: Callable, X0: torch.Tensor, t_end: float, *, rtol: float = 1e-8,
                   atol: float = 1e-10, h0: float | None = None, max_steps: int = 1_000_000,
                   record_dt: float = 0.0, project: bool = False
                   ) -> tuple[torch.Tensor, dict]:
    """Integrate dX/dt = field(X) from 0 to ``t_end``; X0 [B, n, d]. Returns the final state
    and {"steps", "rejected", "evaluations", "snapshots"}: with ``record_dt`` the states at
    t = 0, record_dt, 2·record_dt, … ([S, B, n, d]; steps are shortened to land on them, the
    controller's proposal is kept). ``project`` renormalises tokens onto the sphere after
    every accepted step (as ``rk4`` does)."""
    A, Bw, C, E3, E5 = _tableau(X0.dtype, X0.device)
    stages = _dop.N_STAGES
    X, t = X0, 0.0
    f = field(X)
    evaluations = 1
    h = h0 if h0 is not None else min(0.1, t_end)
    steps = rejected = 0
    dims = X0[0].numel()
    n_records = int(round(t_end / record_dt)) if record_dt else 0
    snaps = [X0] if record_dt else None
    t_next = record_dt if record_dt else t_end
    while t < t_end * (1 - 1e-14):
        if steps + rejected >= max_steps:
            raise RuntimeError(f"dop853_batched: more than {max_steps} steps")
        h_proposed = h
        h = min(h, t_next - t)
        landing = h < h_proposed or abs(t + h - t_next) <= 1e-12 * max(1.0, t_next)
        K = [f]
        for s in range(1, stages):
            dX = sum(A[s, j] * K[j] for j in range(s))
            K.append(field(X + h * dX))
        evaluations += stages - 1
        Xn = X + h * sum(Bw[j] * K[j] for j in range(stages))
        fn = field(Xn)
        evaluations += 1
        K.append(fn)
        scale = atol + rtol * torch.maximum(X.abs(), Xn.abs())
        err5 = sum(E5[j] * K[j] for j in range(stages + 1)) / scale
        err3 = sum(E3[j] * K[j] for j in range(stages + 1)) / scale
        e5 = (err5 ** 2).flatten(1).sum(1)
        e3 = (err3 ** 2).flatten(1).sum(1)
        denom = torch.clamp(e5 + 0.01 * e3, min=1e-300)
        err = float((abs(h) * e5 / torch.sqrt(denom * dims)).max())
        if err <= 1.0:
            t += h
            X = Xn / torch.linalg.vector_norm(Xn, dim=-1, keepdim=True) if project else Xn
            f = field(X) if project else fn
            evaluations += int(project)
            steps += 1
            factor = _MAX_FACTOR if err == 0 else min(_MAX_FACTOR, _SAFETY * err ** _EXPONENT)
            if landing:
                t = t_next
                if record_dt:
                    snaps.append(X)
                    t_next = min(t_end, record_dt * (len(snaps)))
                h = max(h_proposed, h * factor) if h < h_proposed else h * factor
            else:
                h *= factor
        else:
            rejected += 1
            h *= max(_MIN_FACTOR, _SAFETY * err ** _EXPONENT)
    info = {"steps": steps, "rejected": rejected, "evaluations": evaluations}
    if record_dt:
        info["snapshots"] = torch.stack(snaps[: n_records + 1])
    return X, info
