"""Closed forms for LoRA perturbations of mean-field self-attention on the sphere (Koubbi,
Hernandez, Boussard, arXiv 2402.15415; theorem forms reconstructed, constants ours).

Model (SA, Q = K = I unless M is given): dx_i/dt = P⊥_{x_i}(Σ_j softmax_j(β x_iᵀ M x_j) V x_j).

- Lipschitz constant in the max-coupled metric D_∞ = max_i ‖x_i − y_i‖ (our derivation):
  the projection contributes 2‖V‖, the values ‖V‖, the softmax weights 4β‖M‖‖V‖ (logits move
  by ≤ 2β‖M‖D_∞, and Σ_j A_ij|s_j − s̄| ≤ 2 max|s_j|), so L = ‖V‖(3 + 4β‖M‖).
- Field difference at a common state (the Δ of the paper's Grönwall argument):
  Δ ≤ ‖ΔV‖ + ‖V + ΔV‖(e^{2β‖Δ(QᵀK)‖} − 1) ≈ ‖ΔV‖ + 2β‖V‖‖Δ(QᵀK)‖ (softmax weights
  whose logits move by ≤ c change by ≤ e^{2c} − 1 in ℓ¹; the β‖V‖‖Δ(QᵀK)‖ form up to 2).
- Grönwall envelope: D_∞(t) ≤ e^{Lt} D_∞(0) + Δ(e^{Lt} − 1)/L, and W₂ ≤ D_c ≤ D_∞.
  Hence the linear response D = O(Δ) at fixed t and the deviation time
  T_dev(δ) ≥ log(1 + δL/Δ)/L ≈ log(1/Δ)/L (from a common start).
- Long time: a merged cluster follows the Oja flow dx/dt = Vx − ⟨x, Vx⟩x to ± the top
  eigenvector of the symmetric V, at rate ≈ g = λ₁ − λ₂. A ΔV = ε v₂v₂ᵀ reorders the top
  eigenvalues at ε* = g: below, the terminal state is kept (W₂ → 0); above, it flips to ±v₂
  (W₂ → √2); the time to flip diverges as T* ≍ 1/(ε − g) (critical slowing down), T* ∝ 1/ε
  when g = 0 (v1's V = I → diag(1, 1 − ε)).
"""

from __future__ import annotations

import numpy as np

__all__ = ["lipschitz_constant", "field_difference_bound", "gronwall_envelope",
           "deviation_time_lower_bound", "eigen_gap", "critical_norm", "oja_terminal_state",
           "oja_flow", "forgetting_time_laws", "TERMINAL_FLIP_DISTANCE"]

TERMINAL_FLIP_DISTANCE = float(np.sqrt(2.0))  # W₂ between two antipodal-free unit clusters
# at ±v₁ and ±v₂ (orthogonal unit vectors): ‖v₁ − v₂‖ = √2


def _op(A) -> float:
    return float(np.linalg.norm(np.asarray(A, dtype=np.float64), 2))


def lipschitz_constant(V, beta: float, M=None) -> float:
    """L = ‖V‖(3 + 4β‖M‖) of the SA sphere field in the max-coupled metric (M = QᵀK, I
    by default)."""
    m = 1.0 if M is None else _op(M)
    return _op(V) * (3.0 + 4.0 * beta * m)


def field_difference_bound(delta_V, beta: float, V=None, delta_M=None) -> float:
    """Δ ≥ sup_X max_i ‖F̃_i(X) − F_i(X)‖: ‖ΔV‖ + ‖V + ΔV‖(e^{2β‖Δ(QᵀK)‖} − 1)."""
    out = _op(delta_V)
    if delta_M is not None:
        out += _op(np.asarray(V) + np.asarray(delta_V)) * np.expm1(2.0 * beta * _op(delta_M))
    return out


def gronwall_envelope(t, L: float, delta: float, d0: float = 0.0) -> np.ndarray:
    """e^{Lt} d0 + Δ(e^{Lt} − 1)/L at times ``t`` (L > 0)."""
    t = np.asarray(t, dtype=np.float64)
    return np.exp(L * t) * d0 + delta * np.expm1(L * t) / L


def deviation_time_lower_bound(deviation: float, L: float, delta: float) -> float:
    """The Grönwall bound on the time-to-deviation from a common start:
    T_dev(δ) ≥ log(1 + δL/Δ)/L."""
    return float(np.log1p(deviation * L / delta) / L)


def eigen_gap(V) -> float:
    """g = λ₁ − λ₂ of the symmetric part of V."""
    S = np.asarray(V, dtype=np.float64)
    vals = np.sort(np.linalg.eigvalsh((S + S.T) / 2))[::-1]
    return float(vals[0] - vals[1])


def critical_norm(V, *, k: int = 2) -> float:
    """ε* at which ΔV = ε v_k v_kᵀ lifts λ_k to λ₁: λ₁ − λ_k (= g for k = 2)."""
    vals = np.sort(np.linalg.eigvalsh(np.asarray(V, dtype=np.float64)))[::-1]
    return float(vals[0] - vals[k - 1])


def oja_terminal_state(V) -> np.ndarray:
    """The stable equilibria ±v₁ of the Oja flow: v₁, the top eigenvector (sign: largest
    entry positive)."""
    vals, vecs = np.linalg.eigh(np.asarray(V, dtype=np.float64))
    v = vecs[:, np.argmax(vals)]
    return v * np.sign(v[np.argmax(np.abs(v))])


def oja_flow(x0, V, t_end: float, *, steps: int = 2000) -> np.ndarray:
    """x(t_end) of dx/dt = Vx − ⟨x, Vx⟩x by RK4 (the single-cluster limit of the model)."""
    V = np.asarray(V, dtype=np.float64)
    x = np.asarray(x0, dtype=np.float64) / np.linalg.norm(x0)
    h = t_end / steps

    def f(y):
        vy = V @ y
        return vy - (y @ vy) * y

    for _ in range(steps):
        k1 = f(x)
        k2 = f(x + h / 2 * k1)
        k3 = f(x + h / 2 * k2)
        k4 = f(x + h * k3)
        x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        x /= np.linalg.norm(x)
    return x


def forgetting_time_laws(eps, gap: float) -> dict:
    """The candidate laws for the forgetting / deviation time as regressors (T ≈ a·f(ε) + b):
    1/(ε − g) (critical slowing down at the gap), 1/ε (v1, g = 0) and log(1/ε) (Grönwall)."""
    eps = np.asarray(eps, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {"1/(eps-g)": np.where(eps > gap, 1.0 / (eps - gap), np.nan),
                "1/eps": 1.0 / eps, "log(1/eps)": np.log(1.0 / eps)}
