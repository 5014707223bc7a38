"""Influence malleability (Miñoza, Medina, Ibañez, arXiv 2603.13085: "2–9× more
influence-malleable than a ReLU network"; protocol reconstructed in
reproductions/linear_attention_ntk/README.md, claim T9): exact kernel-ridge leave-one-out
influences with K∞ on the net's features, and FGSM/PGD attacks on them — transductive (the
attacked point is part of the attention context) or with the context frozen."""

from __future__ import annotations

import numpy as np

from attnlab.theory import krr_loo_influence, ntk_infinite, unit_rows

from ._ntk_kernels import attention_features

__all__ = ["loo_influences", "influence_attack"]


def _features(X, net: str, query=None):
    """The net's input rows: ``attention_features`` (context X, optional query rows) for
    MLP-Attn, the unit rows themselves for 2L-ReLU (numpy or torch; autograd flows)."""
    if net == "attn":
        return attention_features(X, query)
    return unit_rows(X if query is None else query)


def _influences(X, y, x, *, net: str, context: str, lam: float):
    """LOO influences I_i = f(x) − f₋ᵢ(x) of kernel ridge regression with K∞ on the features of
    the net, for one test point x: [d] (torch; X: [n, d], y: [n]): the exact formula
    α_i (k_xᵀ B e_i)/B_ii, B = (K + λI)⁻¹. Returns [n]."""
    import torch

    if net == "relu" or context == "frozen":  # frozen: the context is the clean training set
        U, u = _features(X, net), _features(X, net, x[None])
    else:  # transductive: x is part of the context, so every training feature moves with it
        F = _features(torch.cat([X, x[None]]), "attn")
        U, u = F[:-1], F[-1:]
    K = ntk_infinite(U, grad_safe=True)
    B = torch.linalg.inv(K + lam * torch.eye(len(K), dtype=K.dtype, device=K.device))
    alpha = B @ y
    return (ntk_infinite(u, U, grad_safe=True) @ B)[0] * alpha / torch.diagonal(B)


def _k_inf(U, V):
    """K∞ between numpy rows, through torch's arithmetic (the stored loo cells' numbers; numpy's
    norms can differ in the last bit)."""
    import torch

    return ntk_infinite(torch.as_tensor(U), torch.as_tensor(V)).numpy()


def loo_influences(X, y, x, *, lam: float = 1e-3, refeaturize: bool = True) -> np.ndarray:
    """MLP-Attn's leave-one-out influences I_i = f(x) − f₋ᵢ(x) on one test point x: [d], kernel
    ridge regression (ridge ``lam``) with K∞ on the attention features of X: [n, d], y: [n].
    ``refeaturize=False``: the closed formula α_i (k_xᵀ B e_i)/B_ii with the features fixed
    (the context keeps x_i); ``True``: exact — sample i also leaves the attention context, so
    every feature (x's too) is recomputed from X₋ᵢ and the regression retrained, n times.
    Returns [n]."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(X)

    def predict(Xc, yc):
        U, u = attention_features(Xc), attention_features(Xc, x[None])
        K = _k_inf(U, U)
        return (_k_inf(u, U) @ np.linalg.solve(K + lam * np.eye(len(K)), yc))[0]

    if not refeaturize:
        U, u = attention_features(X), attention_features(X, x[None])
        return krr_loo_influence(_k_inf(U, U), y, lam, _k_inf(u, U))[0]
    full = predict(X, y)
    keep = ~np.eye(n, dtype=bool)
    return np.array([full - predict(X[keep[i]], y[keep[i]]) for i in range(n)])


def influence_attack(X, y, x, *, net: str, context: str = "transductive", eps, attack: str,
                     lam: float = 1e-3, top: float = 0.1, pgd_steps: int = 10) -> dict:
    """Attack the influence ranking of one test point x: [d] (training set X: [n, d], y: [n])
    with an ℓ∞-bounded δ (FGSM: one signed step; PGD: ``pgd_steps`` steps of ε/4 with
    projection) that pushes the top-``top`` fraction of training points (by |I_i|) toward the
    opposite sign of their clean influence. Returns, per ε in ``eps``, the flip rate on those
    points and Spearman's ρ between clean and attacked influences over all n."""
    if net not in ("relu", "attn") or context not in ("transductive", "frozen") \
            or attack not in ("fgsm", "pgd"):
        raise ValueError(f"bad attack settings: net={net!r}, context={context!r}, "
                         f"attack={attack!r}")
    import torch
    from scipy.stats import spearmanr

    Xt = torch.as_tensor(np.asarray(X, dtype=np.float64))
    yt = torch.as_tensor(np.asarray(y, dtype=np.float64))
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64))

    def infl(delta):
        return _influences(Xt, yt, xt + delta, net=net, context=context, lam=lam)

    clean = infl(torch.zeros_like(xt)).detach()
    k = max(1, int(round(top * len(clean))))
    idx = torch.argsort(clean.abs(), descending=True)[:k]
    sign = torch.sign(clean[idx])

    def objective(delta):
        return (sign * infl(delta)[idx] / clean[idx].abs()).sum()

    out = {"flip": [], "spearman": []}
    for e in eps:
        delta = torch.zeros_like(xt)
        for _ in range(1 if attack == "fgsm" else pgd_steps):
            delta.requires_grad_(True)
            (g,) = torch.autograd.grad(objective(delta), delta)
            stepsize = e if attack == "fgsm" else e / 4
            delta = (delta.detach() - stepsize * torch.sign(g)).clamp(-e, e)
        attacked = infl(delta).detach()
        out["flip"].append(float((torch.sign(attacked[idx]) != sign).double().mean()))
        out["spearman"].append(float(spearmanr(clean.numpy(), attacked.numpy()).statistic))
    return out
