"""Training MLP-Attn / 2L-ReLU's first layer under three dynamics and measuring how far its
kernel moves (Miñoza, Medina, Ibañez, arXiv 2603.13085 v1's non-convergence claim and its
Table 1; protocol in reproductions/linear_attention_ntk/README.md)."""

from __future__ import annotations

import numpy as np

from attnlab.theory import ntk_infinite

from ._ntk_kernels import empirical_ntk

__all__ = ["DYNAMICS", "train_two_layer"]

DYNAMICS = ("gd", "adam", "mup")


def train_two_layer(U, y, m: int, *, dynamics: str, steps: int, seed: int, U_test=None,
                    lr: float | None = None, device: str = "cpu") -> dict:
    """Train the first layer of f(x) = c_m Σ_r a_r relu(w_rᵀ u) on ½·mean (f − y)², full batch,
    on unit rows U: [n, d] with labels y: [n] (U_test: [q, d] held out).

    - ``gd``: NTK parameterisation c_m = m^{−½}, step ``lr`` (default 1/λ_max(K∞/n), the same at
      every width, so the kernel-regime dynamics do not depend on m);
    - ``adam``: the paper's Adam (lr 1e-3, β = (0.9, 0.999), ε = 1e-8) with L2 1e-3 added to the
      gradient (coupled, as torch's ``weight_decay``), NTK parameterisation (v1);
    - ``mup``: mean-field/μP control, c_m = 1/m with step lr·m (the same function-space step as
      ``gd`` at t = 0, but each w_r moves O(1) instead of O(m^{−½})).

    Initialisation: m/2 pairs (w, +1), (w, −1) with w ~ N(0, I), so f₀ = 0 exactly (the usual
    antisymmetric start that makes f_NTK's comparison free of the random initial function).
    Returns the kernel drift ‖K_T − K₀‖_F/‖K₀‖_F on the training inputs, the relative weight
    change, f on train ([n]) and test ([q]), the final loss and the step ``lr``."""
    if dynamics not in DYNAMICS:
        raise ValueError(f"unknown dynamics {dynamics!r}; choose from {', '.join(DYNAMICS)}")
    if m < 2 or m % 2:
        raise ValueError(f"width m must be even and ≥ 2 (antisymmetric pairs); got {m}")
    import torch

    Ut = torch.as_tensor(np.asarray(U, dtype=np.float64), device=device)
    yt = torch.as_tensor(np.asarray(y, dtype=np.float64), device=device)
    n, d = Ut.shape
    gen = torch.Generator(device=device).manual_seed(int(seed) % (2**63))
    half = torch.randn((d, m // 2), generator=gen, device=device, dtype=torch.float64)
    W0 = torch.cat([half, half], dim=1)
    a = torch.cat([torch.ones(m // 2), -torch.ones(m // 2)]).to(device, torch.float64)
    if lr is None:
        K = ntk_infinite(Ut)
        lr = float(n / torch.linalg.eigvalsh(K)[-1])
    scale = m**-0.5 if dynamics != "mup" else 1.0 / m
    step = lr * m if dynamics == "mup" else lr
    W = W0.clone()
    mom, vel = torch.zeros_like(W), torch.zeros_like(W)
    for t in range(1, steps + 1):
        pre = Ut @ W
        r = (torch.relu(pre) @ a) * scale - yt
        grad = Ut.T @ ((r / n)[:, None] * (pre > 0) * (a * scale)[None, :])
        if dynamics == "adam":
            grad = grad + 1e-3 * W
            mom.mul_(0.9).add_(grad, alpha=0.1)
            vel.mul_(0.999).addcmul_(grad, grad, value=0.001)
            W -= 1e-3 * (mom / (1 - 0.9**t)) / ((vel / (1 - 0.999**t)).sqrt() + 1e-8)
        else:
            W -= step * grad

    def f(V):
        return ((torch.relu(V @ W) @ a) * scale).cpu().numpy()

    K0, KT = empirical_ntk(Ut, W0), empirical_ntk(Ut, W)
    out = {"drift": float(torch.linalg.matrix_norm(KT - K0) / torch.linalg.matrix_norm(K0)),
           "weight_change": float(torch.linalg.matrix_norm(W - W0)
                                  / torch.linalg.matrix_norm(W0)),
           "f_train": f(Ut), "loss": float(0.5 * ((torch.as_tensor(f(Ut)) - yt.cpu())**2)
                                          .mean()), "lr": lr}
    if U_test is not None:
        out["f_test"] = f(torch.as_tensor(np.asarray(U_test, dtype=np.float64), device=device))
    return out
