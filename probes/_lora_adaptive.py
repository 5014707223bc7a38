"""A batched Dormand–Prince 8(5,3) integrator: each ensemble member keeps its own step size.

The tableau and the error estimator are Hairer's DOP853 (Hairer, Nørsett, Wanner, "Solving
Ordinary Differential Equations I", §II.10), read from scipy's own coefficients so the
scheme is exactly the one ``scipy.integrate.solve_ivp(method="DOP853")`` uses member by
member. Here the ensemble X [B, n, d] (seeds × perturbations) advances as one tensor: each
stage is one batched right-hand-side evaluation over the members still running, each with
its own time t_b and step h_b. A member's step is accepted when its scaled error norm
(scipy's: ‖err₅‖²/√(‖err₅‖² + 0.01‖err₃‖²), scale atol + rtol·max(|y|, |y_new|), RMS over
its n·d entries) is ≤ 1, and its next step follows scipy's controller — so every member
takes the steps scipy would take for it alone (but for the first step, 0.1, and the landings
on recording times), and a member that has reached t_end drops out of the batch. Used for the
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
    """Integrate dX/dt = field(X, members) from 0 to ``t_end``; X0 [B, n, d]; ``members``
    (indices into the ensemble) says which members the rows of X are. Returns the final state
    and {"steps", "rejected", "evaluations", "member_evaluations", "snapshots"}: steps and
    rejections summed over members, evaluations = batched field calls; with ``record_dt`` the
    states at t = 0, record_dt, 2·record_dt, … ([S, B, n, d]; each member shortens its step
    to land on them and keeps the controller's proposal; ``t_end`` must be a multiple of
    it). ``project`` renormalises tokens onto the sphere after every accepted step (as
    ``rk4`` does). A member whose error is not finite has its step cut (×0.2) and retried;
    once its step is below 10 ulp of its time, RuntimeError (scipy's "too small step")."""
    A, Bw, C, E3, E5 = _tableau(X0.dtype, X0.device)
    stages = _dop.N_STAGES
    B, dev = X0.shape[0], X0.device
    members = torch.arange(B, device=dev)
    f_all = field(X0, members)
    X_all = X0.clone()
    evaluations, member_evals = 1, B
    t = torch.zeros(B, dtype=torch.float64, device=dev)
    h = torch.full((B,), h0 if h0 is not None else min(0.1, t_end), dtype=torch.float64,
                   device=dev)
    record = torch.ones(B, dtype=torch.float64, device=dev)  # index of each one's next record
    dims = X0[0].numel()
    n_records = int(round(t_end / record_dt)) if record_dt else 0
    if record_dt and abs(n_records * record_dt - t_end) > 1e-9 * max(1.0, t_end):
        raise ValueError(f"t_end {t_end:g} is not a multiple of record_dt {record_dt:g}")
    snaps = X0.new_empty((n_records + 1, *X0.shape)) if record_dt else None
    if record_dt:
        snaps[0] = X0
    retry = torch.zeros(B, dtype=torch.bool, device=dev)  # last try of this step rejected
    steps = rejected = iterations = 0
    active = members
    while active.numel():
        if iterations >= max_steps:
            raise RuntimeError(f"dop853_batched: more than {max_steps} steps")
        iterations += 1
        X, f, ta, h_proposed = X_all[active], f_all[active], t[active], h[active]
        target = (torch.clamp(record_dt * record[active], max=t_end) if record_dt
                  else torch.full_like(ta, t_end))
        hs = torch.minimum(h_proposed, target - ta)
        landing = (hs < h_proposed) | ((ta + hs - target).abs()
                                       <= 1e-12 * torch.clamp(target, min=1.0))
        hb = hs.to(X.dtype).reshape(-1, 1, 1)
        # the stages in one buffer, so that each combination Σ_j a_sj k_j is one matrix
        # product (as scipy's np.dot(K[:s].T, a[:s])) instead of s tensor operations
        K = X.new_empty((stages + 1, *X.shape))
        K[0] = f
        flat = K.view(stages + 1, -1)
        for s in range(1, stages):
            K[s] = field(X + hb * (A[s, :s] @ flat[:s]).view(X.shape), active)
        Xn = X + hb * (Bw @ flat[:stages]).view(X.shape)
        K[stages] = field(Xn, active)
        evaluations += stages
        member_evals += stages * active.numel()
        scale = atol + rtol * torch.maximum(X.abs(), Xn.abs())
        e5 = (((E5 @ flat).view(X.shape) / scale) ** 2).flatten(1).sum(1).double()
        e3 = (((E3 @ flat).view(X.shape) / scale) ** 2).flatten(1).sum(1).double()
        denom = torch.clamp(e5 + 0.01 * e3, min=1e-300)
        err = hs.abs() * e5 / torch.sqrt(denom * dims)
        finite = torch.isfinite(err)
        ok = finite & (err <= 1.0)
        power = _SAFETY * err.clamp(min=1e-300) ** _EXPONENT
        growth = torch.where(err == 0, torch.full_like(err, _MAX_FACTOR),
                             torch.clamp(power, max=_MAX_FACTOR))
        growth = torch.where(retry[active], torch.clamp(growth, max=1.0), growth)  # as scipy
        shrink = torch.where(finite, torch.clamp(power, min=_MIN_FACTOR),
                             torch.full_like(err, _MIN_FACTOR))
        grown = torch.where(landing & (hs < h_proposed),
                            torch.maximum(h_proposed, hs * growth), hs * growth)
        h[active] = torch.where(ok, grown, hs * shrink)
        retry[active] = ~ok
        tiny = ~ok & (h[active] < 10 * torch.finfo(torch.float64).eps * ta.abs().clamp(min=1e-300))
        if bool(tiny.any()):
            raise RuntimeError(f"dop853_batched: step size below 10 ulp of t = "
                               f"{float(ta[tiny][0]):g} for member {int(active[tiny][0])} "
                               "(non-finite or unresolvable error)")
        steps += int(ok.sum())
        rejected += int((~ok).sum())
        if bool(ok.any()):
            acc = active[ok]
            Xa = Xn[ok]
            if project:
                Xa = Xa / torch.linalg.vector_norm(Xa, dim=-1, keepdim=True)
                f_all[acc] = field(Xa, acc)
                evaluations += 1
                member_evals += acc.numel()
            else:
                f_all[acc] = K[stages][ok]
            X_all[acc] = Xa
            t[acc] = torch.where(landing[ok], target[ok], ta[ok] + hs[ok])
            if record_dt:
                lands = landing[ok] & (record[acc] <= n_records)  # t_end itself may not be one
                snaps[record[acc][lands].long(), acc[lands]] = Xa[lands]
                record[acc[lands]] += 1
        active = members[t < t_end * (1 - 1e-14)]
    info = {"steps": steps, "rejected": rejected, "evaluations": evaluations,
            "member_evaluations": member_evals}
    if record_dt:
        info["snapshots"] = snaps
    return X_all, info
