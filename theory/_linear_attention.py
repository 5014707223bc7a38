"""Closed forms for linearized attention and its NTK (Miñoza, Medina, Ibañez, "Linearized
Attention Cannot Enter the Kernel Regime at Any Practical Width", arXiv 2603.13085). Only the
abstracts are public; the model and formulas are our reconstruction, documented claim by
claim in reproductions/linear_attention_ntk/README.md.

- Linearized attention over the training set X: [n, d] (rows = samples): Z = X Xᵀ X = G X,
  G = XXᵀ; k stacked layers Z_k = G^k X, so Z_k Z_kᵀ = G^{2k+1} and κ(Z_k Z_kᵀ) = κ_d(G)^{2k+1}
  (computed from G's eigenvalues, never by eigendecomposing G^{2k+1}).
- MLP-Attn f(x) = m^{−½} Σ_r a_r relu(w_rᵀ x̃), x̃ = Z_i/‖Z_i‖, a_r = ±1 fixed, w_r ~ N(0, I):
  its NTK (first layer only) at width m is K_m = G̃ ∘ (S Sᵀ)/m, S = 1[X̃ W > 0], G̃ = X̃X̃ᵀ
  (``probes.empirical_ntk``), and K∞ = G̃ (π − θ)/(2π), θ = 2·atan2(‖u − v‖, ‖u + v‖) for unit
  u, v (stable when the x̃ are nearly collinear, as they are after cubing G).
- E‖K_m − K∞‖_F² = (1/m) Σ_ij G̃_ij² p_ij (1 − p_ij), p_ij = (π − θ_ij)/(2π) (each entry is a mean
  of m Bernoulli(p_ij) indicators times G̃_ij; derived here, not in the abstracts).
- The paper's width law m = κ_d⁶ · n · ln n (abstract).
- Trainable-QKV linear attention (the paper's extension) in neural-tangents' convention
  (``stax.GlobalSelfAttention(linear_scaling=True, attention_mechanism="IDENTITY")``: logits
  scaled by 1/n_key AND the key and query weights tied, W_Q = W_K — with independent W_Q, W_K
  and 1/n scaling the logits converge to 0). Over tokens X: [T, d], Σ = XXᵀ/d, the infinite-
  width logits are A = σ_QK Σ and the output kernels are NNGP = σ_OV² A Σ Aᵀ = σ_QK² σ_OV² Σ³ —
  again the cube of the Gram matrix — and NTK = 2·NNGP (the value and output weights each give
  one NNGP; the tied Q/K path vanishes under 1/n scaling).

``unit_rows``, ``stable_angles``, ``ntk_infinite`` and ``ntk_variance`` take numpy arrays or
torch tensors (the probes' path: GPU, autograd) and answer in the same kind; each backend
keeps its own arithmetic, so the numbers a path produced before stay the same bits.
"""

from __future__ import annotations

import numpy as np

from ._arrays import array_namespace

__all__ = ["linearized_attention", "unit_rows", "stable_angles", "ntk_infinite",
           "ntk_variance", "gram_eigenvalues", "kappa_d", "gram_power_condition",
           "paper_width", "krr_loo_influence", "condition_number", "qkv_linear_attention_kernels",
           "ntk_gd_prediction"]


def linearized_attention(X, layers: int = 1):
    """Z = G^k X for k = ``layers`` (G = XXᵀ), float64; X, Z: [n, d]."""
    X = np.asarray(X, dtype=np.float64)
    Z = X
    for _ in range(layers):
        Z = X @ (X.T @ Z)  # G Z without forming the n × n G
    return Z


def unit_rows(Z):
    """Z: [n, d] with every row divided by its ℓ2 norm. numpy in: float64 numpy out; a torch
    tensor stays a tensor (dtype, device, autograd). A row of zeros has no direction: ValueError."""
    xp = array_namespace(Z)
    if xp is np:
        Z = np.asarray(Z, dtype=np.float64)
        norms = np.linalg.norm(Z, axis=1, keepdims=True)
    else:
        norms = xp.linalg.vector_norm(Z, dim=1, keepdim=True)
    if bool((norms == 0).any()):
        raise ValueError("a row is all zeros: it cannot be unit-normalised")
    return Z / norms


def stable_angles(U, V=None, *, block: int | None = None, grad_safe: bool = False):
    """θ_ij = 2·atan2(‖u_i − v_j‖, ‖u_i + v_j‖) between unit rows U: [n, d] and V: [p, d]
    (default V = U), θ: [n, p]. The differences are taken directly: arccos of a rounded cosine
    loses everything when rows are nearly parallel, and ‖u‖² + ‖v‖² − 2uᵀv cancels.

    Computed over row blocks with at most ``block`` difference elements at once (default 10⁷
    for numpy, 2²⁶ for torch). ``grad_safe``: norms as clamped square roots of squared sums, so
    that autograd stays finite where u = v (the diagonal) — the influence attacks' path; the
    default is the measurement path."""
    xp = array_namespace(U, V)
    if xp is np:
        U = np.asarray(U, dtype=np.float64)
        V = U if V is None else np.asarray(V, dtype=np.float64)
        theta = np.empty((len(U), len(V)))
        block = block or 10_000_000

        def norm(D):
            if grad_safe:
                return np.sqrt(np.maximum((D**2).sum(-1), 1e-300))
            return np.linalg.norm(D, axis=-1)
    else:
        V = U if V is None else V
        theta = xp.empty((len(U), len(V)), dtype=U.dtype, device=U.device)
        block = block or 1 << 26

        def norm(D):
            if grad_safe:
                return (D**2).sum(-1).clamp_min(1e-300).sqrt()
            return xp.linalg.vector_norm(D, dim=-1)

    n, d = U.shape
    step = max(1, block // max(len(V) * d, 1))
    for lo in range(0, n, step):
        u = U[lo:lo + step, None, :]
        theta[lo:lo + step] = 2 * xp.arctan2(norm(u - V[None]), norm(u + V[None]))
    return theta


def ntk_infinite(U, V=None, *, grad_safe: bool = False):
    """K∞(u, v) = ⟨u, v⟩ (π − θ)/(2π) for unit rows U: [n, d], V: [p, d] (default U): the
    first-layer NTK of a ReLU net at infinite width (the paper's MLP-Attn on x̃ = U). K∞: [n, p];
    ``grad_safe`` as in :func:`stable_angles`."""
    V = U if V is None else V
    return (U @ V.T) * (np.pi - stable_angles(U, V, grad_safe=grad_safe)) / (2 * np.pi)


def ntk_variance(U, m: int) -> float:
    """E‖K_m − K∞‖_F² = (1/m) Σ G̃² p(1 − p), p = (π − θ)/(2π), for unit rows U: [n, d] and
    width m (module docstring)."""
    p = (np.pi - stable_angles(U)) / (2 * np.pi)
    return float(((U @ U.T) ** 2 * p * (1 - p)).sum() / m)


def gram_eigenvalues(X, *, rtol: float | None = None):
    """The top min(n, d) eigenvalues of G = XXᵀ, descending, from the d × d XᵀX (G and XᵀX
    share their non-zero eigenvalues). ``rtol``: only those > rtol·λ_max — the numerical rank
    (real images have pixels that are zero in every sample). X: [n, d]; returns [r]."""
    X = np.asarray(X, dtype=np.float64)
    ev = np.linalg.eigvalsh(X.T @ X)[::-1][: min(X.shape)]
    if rtol is not None:
        ev = ev[ev > rtol * ev[0]]
    return ev


def kappa_d(X, *, rtol: float | None = None) -> float:
    """κ_d(G) = λ_max/λ_min of G = XXᵀ truncated to rank min(n, d) (the abstract's κ_d), or to
    the numerical rank with ``rtol`` (:func:`gram_eigenvalues`); inf where λ_min ≤ 0."""
    ev = gram_eigenvalues(X, rtol=rtol)
    return float(ev[0] / ev[-1]) if ev[-1] > 0 else float("inf")


def condition_number(K, *, rank: int | None = None) -> float:
    """λ_max/λ_min of a symmetric positive semi-definite K over its top ``rank`` eigenvalues."""
    ev = np.linalg.eigvalsh(np.asarray(K, dtype=np.float64))[::-1]
    ev = ev[: rank or len(ev)]
    return float(ev[0] / ev[-1]) if ev[-1] > 0 else float("inf")


def gram_power_condition(X, power: int) -> float:
    """log κ(G^power) / log κ_d(G) from G's eigenvalues: exactly ``power`` (the abstract's
    "cubes the condition number" for power = 3)."""
    k = kappa_d(X)
    return float(np.log(k**power) / np.log(k)) if k > 1 else float("nan")


def paper_width(kappa: float, n: int) -> float:
    """The paper's width law m = κ_d⁶ · n · ln n (arXiv 2603.13085, abstract; the natural log,
    as v1's MNIST/CIFAR-10 numbers require): ``kappa`` is κ_d, ``n`` the training-set size."""
    return float(kappa**6 * n * np.log(n))


def krr_loo_influence(K, y, lam: float, K_test):
    """Exact kernel-ridge leave-one-out influence: with A = K + λI, B = A⁻¹, α = By,
    f(x) − f₋ᵢ(x) = α_i (k_xᵀ B e_i)/B_ii; returns [n_test, n]."""
    K, y = np.asarray(K, dtype=np.float64), np.asarray(y, dtype=np.float64)
    B = np.linalg.inv(K + lam * np.eye(len(K)))
    alpha = B @ y
    return np.asarray(K_test, dtype=np.float64) @ B * (alpha / np.diag(B))[None, :]


def qkv_linear_attention_kernels(X, *, qk_std: float = 1.0, ov_std: float = 1.0):
    """Infinite-width NNGP and NTK of one trainable-QKV linear-attention layer over the tokens
    X: [T, d] in neural-tangents' tied-Q/K, 1/n-scaled convention (module docstring):
    NNGP = σ_QK² σ_OV² (XXᵀ/d)³, NTK = 2·NNGP. Returns (nngp, ntk), each [T, T]."""
    X = np.asarray(X, dtype=np.float64)
    S = X @ X.T / X.shape[1]
    nngp = (qk_std * ov_std) ** 2 * S @ S @ S
    return nngp, 2 * nngp


def ntk_gd_prediction(K_train, K_test, y, *, lr: float, steps: int):
    """Function of full-batch GD on ½·mean (f − y)² after ``steps`` steps of size ``lr`` in the
    kernel regime with kernel K (f₀ = 0): on the training points f_t = (I − (I − ηK/n)^t) y,
    elsewhere f_t(x) = k_xᵀ K⁻¹ f_t(X) (computed in K's eigenbasis, so K need not be well
    conditioned). Returns (f_train, f_test)."""
    K_train = np.asarray(K_train, dtype=np.float64)
    n = len(K_train)
    lam, V = np.linalg.eigh(K_train)
    lam = np.clip(lam, 0.0, None)
    decay = 1 - (1 - lr * lam / n) ** steps  # [n]
    coef = V.T @ np.asarray(y, dtype=np.float64)
    f_train = V @ (decay * coef)
    # k_xᵀ K⁻¹ V diag(decay) Vᵀ y; directions with λ = 0 carry decay = 0
    safe = np.where(lam > 0, decay / np.where(lam > 0, lam, 1.0), 0.0)
    f_test = np.asarray(K_test, dtype=np.float64) @ (V @ (safe * coef))
    return f_train, f_test
