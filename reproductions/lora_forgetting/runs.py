"""Shared pieces of the lora-forgetting cells: tensors on the cell's device, one batched RK4
run of an ensemble, W₂ series between base and perturbed members."""

from __future__ import annotations

import numpy as np
import torch

from attnlab import probes

__all__ = ["device_of", "tensor", "run_ensemble", "w2_series", "base_V", "plain"]


def device_of(p: dict) -> torch.device:
    return torch.device("cuda" if p.get("device") == "cuda" else "cpu")


def tensor(a, p: dict) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a, dtype=np.float64), device=device_of(p))


def base_V(p: dict) -> np.ndarray:
    return np.diag(np.asarray(p["V_diag"], dtype=np.float64))


def run_ensemble(X0: torch.Tensor, Vs, p: dict, T: float, *, h: float | None = None,
                 beta=None, record_dt: float | None = None, sphere: bool = True,
                 M=None, method: str | None = None, rtol: float | None = None):
    """The ensemble X0 [B, n, d] with values Vs [B, d, d] up to T: (final, snapshots
    [S, B, n, d] every ``record_dt`` or None). ``method`` (default ``p["method"]``): "rk4"
    at step ``h`` (default ``p["h"]``) or "dop853" (batched, a step per member) at
    ``rtol`` (default ``p["rtol"]``, atol = rtol/100)."""
    method = method or p.get("method", "rk4")
    h = p["h"] if h is None else h
    steps = int(round(T / h))
    d = X0.shape[-1]
    M = torch.eye(d, dtype=X0.dtype, device=X0.device) if M is None else M
    beta = p.get("beta", 1.0) if beta is None else beta
    system = probes.ParticleSystem(tensor(Vs, p) if not torch.is_tensor(Vs) else Vs, M,
                                   tensor(beta, p) if np.ndim(beta) else beta,
                                   sphere=sphere)
    if method == "dop853":
        rtol = p["rtol"] if rtol is None else rtol
        X, info = probes.dop853_batched(system.field, X0, T, rtol=rtol, atol=rtol / 100,
                                        record_dt=record_dt or 0.0, project=sphere)
        return X, info.get("snapshots")
    every = int(round(record_dt / h)) if record_dt else 0
    return probes.rk4(X0, system.field, h=h, steps=steps, project=sphere, record_every=every)


def w2_series(base: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Exact W₂ between base[s] and other[s] for every snapshot s: base, other [S, n, d]."""
    return np.array([probes.w2_exact(a, b) for a, b in zip(base, other, strict=True)])


def plain(x) -> list:
    """A float array as a JSON list (NaN and ±inf kept as floats)."""
    return np.asarray(x, dtype=np.float64).tolist()
