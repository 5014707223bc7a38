"""Influence malleability under the paper's protocol (Miñoza, Medina, Ibañez, arXiv 2603.13085
v1, as summarised; reproductions/linear_attention_ntk/README.md, claim T9): train MLP-Attn and
2L-ReLU with 10 outputs on a 10-class cross-entropy, take each net's empirical NTK *after*
training, rank the training points by their kernel-ridge leave-one-out influence on held-out
points, and attack the top 10% of them — perturbing those training points' pixels (ℓ∞ PGD and
MIM, ε = 0.3 on pixels in [0, 1]) — so that their influences change sign. MIM is the momentum
iterative method (Dong et al., "Boosting Adversarial Attacks with Momentum", CVPR 2018):
g ← μ g + ∇/‖∇‖₁ per attacked point, δ ← clip_ε(δ − α sign g), α = ε/steps, μ = 1.

The net: f(x) = m^{−½} A relu(Wᵀ x̃), A: [10, m] fixed ±1 in antisymmetric pairs (f₀ = 0), W:
[d, m] trained by full-batch gradient descent on the mean cross-entropy; x̃ = the attention
features over the (perturbed) training set for MLP-Attn, the unit rows for 2L-ReLU. Since
a_cr² = 1, every class's diagonal NTK block is K_T = G̃ ∘ (S Sᵀ)/m with S = 1[X̃ W_T > 0]
(``empirical_ntk``); influences are those of kernel ridge regression with K_T on centred
one-hot targets.
"""

from __future__ import annotations

import numpy as np

from attnlab.theory import ntk_infinite, unit_rows

from ._ntk_kernels import attention_features

__all__ = ["train_multiclass", "training_point_attack"]


def _features(P, net: str, Q=None):
    """Unit rows of pixels P: [n, d] (queries Q: [q, d]), through linearized attention over P
    for MLP-Attn. torch in, torch out (autograd flows)."""
    X = unit_rows(P)
    if net == "attn":
        return attention_features(X, None if Q is None else unit_rows(Q))
    return X if Q is None else unit_rows(Q)


def train_multiclass(U, labels, m: int, *, steps: int, seed: int, classes: int = 10,
                     optimizer: str = "adam", lr: float = 1e-3):
    """Full-batch training on mean cross-entropy of f(u) = m^{−½} A relu(Wᵀu) on unit rows
    U: [n, d] (torch, float64) with integer ``labels`` [n]: ``adam`` (v1's optimiser: Adam
    ``lr``, β = (0.9, 0.999), L2 1e-3 coupled) or ``gd`` (step ``lr``·n/λ_max(K∞), NTK
    parameterisation). Returns (W_T [d, m], A [classes, m], training accuracy, final mean
    cross-entropy)."""
    import torch

    n, d = U.shape
    gen = torch.Generator().manual_seed(int(seed) % (2**63))
    half = torch.randn((d, m // 2), generator=gen, dtype=torch.float64)
    W = torch.cat([half, half], dim=1).requires_grad_(True)
    a = (torch.randint(0, 2, (classes, m // 2), generator=gen) * 2 - 1).double()
    A = torch.cat([a, -a], dim=1)
    y = torch.as_tensor(labels, dtype=torch.long)
    if optimizer == "gd":
        lr = lr * n / float(torch.linalg.eigvalsh(ntk_infinite(U))[-1])
    elif optimizer != "adam":
        raise ValueError(f"optimizer must be 'adam' or 'gd', got {optimizer!r}")
    mom, vel = torch.zeros_like(W), torch.zeros_like(W)
    for t in range(1, steps + 1):
        loss = torch.nn.functional.cross_entropy(torch.relu(U @ W) @ A.T / m**0.5, y)
        (g,) = torch.autograd.grad(loss, W)
        with torch.no_grad():
            if optimizer == "gd":
                W -= lr * n * g  # the mean loss's gradient, scaled back to the sum's
                continue
            g = g + 1e-3 * W
            mom.mul_(0.9).add_(g, alpha=0.1)
            vel.mul_(0.999).addcmul_(g, g, value=0.001)
            W -= lr * (mom / (1 - 0.9**t)) / ((vel / (1 - 0.999**t)).sqrt() + 1e-8)
    with torch.no_grad():
        logits = torch.relu(U @ W) @ A.T / m**0.5
        acc = float((logits.argmax(1) == y).double().mean())
        loss = float(torch.nn.functional.cross_entropy(logits, y))
    return W.detach(), A, acc, loss


def _influences(U, Uq, W, Y, yq, lam: float):
    """LOO influence of each training point on the held-out points' true-class scores, kernel
    ridge regression with the trained net's kernel: I_i = mean_q (k_qᵀ B e_i) α_{i, y_q}/B_ii,
    B = (K_T + λI)⁻¹, α = B Y, K_T = G̃ ∘ (S Sᵀ)/m (S held fixed: a step function's gradient is
    0 almost everywhere). U: [n, d], Uq: [q, d], Y: [n, classes]; returns [n]."""
    import torch

    m = W.shape[1]
    S, Sq = (U @ W > 0).double(), (Uq @ W > 0).double()
    K = (U @ U.T) * (S @ S.T) / m
    Kq = (Uq @ U.T) * (Sq @ S.T) / m
    B = torch.linalg.inv(K + lam * torch.eye(len(K), dtype=K.dtype))
    alpha = B @ Y
    return ((Kq @ B) * alpha[:, yq].T).mean(0) / torch.diagonal(B)


def training_point_attack(P, labels, P_test, labels_test, *, net: str, m: int, steps: int,
                          seed: int, eps, lam: float = 1e-3, top: float = 0.1,
                          pgd_steps: int = 10, classes: int = 10, optimizer: str = "adam",
                          lr: float = 1e-3, mim: bool = False, momentum: float = 1.0) -> dict:
    """The paper's protocol for one net (``attn`` or ``relu``) on pixels P: [n, d] in [0, 1]
    (labels [n] in 0…classes−1; held-out P_test: [q, d]): train (``train_multiclass``), rank the
    training points by |I_i| under the trained kernel, and PGD-perturb the pixels of the top
    ``top`` fraction (ℓ∞ ≤ ε, each iterate projected so pixels stay in [0, 1]; ``pgd_steps``
    steps of ε/4) to push each
    I_i toward the sign opposite its clean one; the kernel is re-evaluated on the perturbed
    inputs with the trained W. With ``mim`` the same points are also attacked by MIM
    (``pgd_steps`` steps of ε/``pgd_steps``, ``momentum`` μ) from the same trained net. Returns,
    per ε in ``eps``, the flip rate of those signs and Spearman's ρ between clean and attacked
    influences (``mim_flip``, ``mim_spearman`` for MIM), with the net's training accuracy and
    loss."""
    if net not in ("attn", "relu"):
        raise ValueError(f"net must be 'attn' or 'relu', got {net!r}")
    import torch
    from scipy.stats import spearmanr

    Pt = torch.as_tensor(np.asarray(P, dtype=np.float64))
    Qt = torch.as_tensor(np.asarray(P_test, dtype=np.float64))
    Y = torch.nn.functional.one_hot(torch.as_tensor(labels), classes).double()
    Y = Y - Y.mean(0)
    yq = torch.as_tensor(labels_test, dtype=torch.long)
    W, _, acc, loss = train_multiclass(_features(Pt, net), labels, m, steps=steps, seed=seed,
                                       classes=classes, optimizer=optimizer, lr=lr)

    def infl(delta, idx):
        Pd = Pt.clone()
        Pd[idx] = (Pt[idx] + delta).clamp(0.0, 1.0)
        return _influences(_features(Pd, net), _features(Pd, net, Qt), W, Y, yq, lam)

    k = max(1, int(round(top * len(Pt))))
    clean = infl(torch.zeros(0, Pt.shape[1], dtype=torch.float64), torch.arange(0)).detach()
    idx = torch.argsort(clean.abs(), descending=True)[:k]
    sign = torch.sign(clean[idx])

    def objective_grad(delta):
        delta = delta.detach().requires_grad_(True)
        objective = (sign * infl(delta, idx)[idx] / clean[idx].abs()).sum()
        return torch.autograd.grad(objective, delta)[0]

    def project(delta, e):
        """Onto the feasible set: |δ| ≤ ε and pixels P + δ in [0, 1] (else a pixel pushed
        past the box sits in the clamp's flat part and gets no gradient again)."""
        return (Pt[idx] + delta.clamp(-e, e)).clamp(0.0, 1.0) - Pt[idx]

    def pgd(e):
        delta = torch.zeros((k, Pt.shape[1]), dtype=torch.float64)
        for _ in range(pgd_steps):
            delta = project(delta - e / 4 * torch.sign(objective_grad(delta)), e)
        return delta

    def momentum_iterative(e):
        delta = torch.zeros((k, Pt.shape[1]), dtype=torch.float64)
        g = torch.zeros_like(delta)
        for _ in range(pgd_steps):
            grad = objective_grad(delta)
            g = momentum * g + grad / grad.abs().sum(1, keepdim=True).clamp(min=1e-300)
            delta = project(delta - e / pgd_steps * torch.sign(g), e)
        return delta

    def score(delta):
        attacked = infl(delta, idx).detach()
        flip = float((torch.sign(attacked[idx]) != sign).double().mean())
        constant = bool(clean.std() == 0 or attacked.std() == 0)  # ρ undefined: NaN, no warning
        rho = (float("nan") if constant else
               float(spearmanr(clean.numpy(), attacked.numpy()).statistic))
        return flip, rho

    out = {"flip": [], "spearman": [], "train_accuracy": acc, "train_loss": loss}
    if mim:
        out.update(mim_flip=[], mim_spearman=[])
    for e in eps:
        flip, rho = score(pgd(e))
        out["flip"].append(flip)
        out["spearman"].append(rho)
        if mim:
            flip, rho = score(momentum_iterative(e))
            out["mim_flip"].append(flip)
            out["mim_spearman"].append(rho)
    return out
