"""Pooled-covariance model of Seddik, "How Does Attention Help? Insights from Random Matrices on
Signal Recovery from Sequence Models", arXiv 2605.06826. Only the abstract could be read (no
section or theorem numbers to cite); the formulas below are our reconstruction, written out in
``reproductions/pooled_spectra/README.md``, which reproduces every quantitative statement of the
abstract. Regime: d, V, N → ∞ with d/V → δ, d/N → γ, T and w fixed.

Table e_v = y_v μ + z_v (V tokens, d dims, θ = ‖μ‖², δ = d/V); sequences of T tokens whose
classes have E[y_s y_t] = R_st; pooled x = Σ_t w_t e_{v_t}; N samples, γ = d/N. Given the table,

    Cov(x | E) = κ W + α m mᵀ,   κ = ‖w‖²,  α = wᵀ R w,  m = μ + η,  ‖η‖² → δ,

so in κ units the bulk is ν = MP_δ ⊠ MP_γ and the spike is ρ = (α/κ)(θ + δ). The bulk law is a
long-pooling limit: at θ = 0 and finite T the pooled covariance is exactly MP_δ ⊠ H, H the law of
the centred token-incidence Gram (``probes.incidence_population``, ``spectra.compound_mp_cdf``),
and H → MP_{γ/δ} only as the pooling length 1/κ grows. Two transitions:
a population outlier once ρ > δ + √δ (θ > θ_c1), a sample outlier once ψ′(ℓ(ρ)) > 0
(θ > θ_c2 > θ_c1). Alignments: |⟨û, m̂⟩|² → a₁a₂, |⟨û, μ̂⟩|² → a₁a₂ θ/(θ + δ).

Weights: mean 1/T; harmonic w_s(τ) = (1/T)[e^τ/(e^τ + s − 1) + Σ_{t>s} 1/(e^τ + t − 1)] (what
parameter-free causal self-attention with scores τ⟨e_s, e_t⟩/d gives as d → ∞); optimal = the
top eigenvector of R (α/κ is a Rayleigh quotient, ≤ λ_max(R)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["PooledPrediction", "pooled_alpha_kappa", "pooled_prediction", "pooled_thresholds",
           "harmonic_weights", "mean_weights", "optimal_weights", "class_correlation_R",
           "diagonal_R", "rho_profile"]


def pooled_alpha_kappa(w, R) -> tuple[float, float]:
    """(α, κ) = (wᵀRw, ‖w‖²)."""
    w = np.asarray(w, dtype=np.float64)
    return float(w @ np.asarray(R, dtype=np.float64) @ w), float(w @ w)


@dataclass(frozen=True)
class PooledPrediction:
    theta: float
    rho: float  # spike strength in κ units
    bulk_edge: float  # right edge of κ·ν
    population: float | None  # population outlier / κ (ℓ), None below θ_c1
    a1: float
    outlier: float | None  # sample outlier λ (absolute, κ included), None below θ_c2
    a2: float
    align_m: float  # |⟨û, m̂⟩|² = a₁a₂ (0 below θ_c2)
    align_mu: float  # |⟨û, μ̂⟩|² = a₁a₂ θ/(θ + δ)


def pooled_prediction(theta, *, alpha, kappa, delta, gamma) -> PooledPrediction:
    """Limits of the pooled covariance C at signal strength θ = ‖μ‖² (``theta``), for weights
    with α = wᵀRw (``alpha``) and κ = ‖w‖² (``kappa``), δ = d/V (``delta``), γ = d/N
    (``gamma``): the bulk edge of κν, the population outlier ℓ and a₁ (above θ_c1), the sample
    outlier κψ(ℓ) and a₂ (above θ_c2), and the alignments a₁a₂ (with m) and a₁a₂ θ/(θ + δ)
    (with μ). Our reconstruction of arXiv 2605.06826's two transitions (module docstring)."""
    from attnlab.spectra import population_spike, product_mp_edges, sample_spike

    rho = alpha / kappa * (theta + delta)
    edge = product_mp_edges(delta, gamma, kappa)[1]
    pop = population_spike(rho, delta)
    if pop is None:
        return PooledPrediction(theta, rho, edge, None, 0.0, None, 0.0, 0.0, 0.0)
    ell, a1 = pop
    samp = sample_spike(ell, gamma, delta)
    if samp is None:
        return PooledPrediction(theta, rho, edge, ell, a1, None, 0.0, 0.0, 0.0)
    psi, a2 = samp
    return PooledPrediction(theta, rho, edge, ell, a1, kappa * psi, a2, a1 * a2,
                            a1 * a2 * theta / (theta + delta))


def pooled_thresholds(*, alpha, kappa, delta, gamma) -> tuple[float, float]:
    """(θ_c1, θ_c2): θ_c1 where ρ = (α/κ)(θ + δ) reaches δ + √δ (population outlier), θ_c2
    where ψ′(ℓ(ρ)) = 0 (sample outlier; root by Brent's method). Either may be negative (then
    the spike is there already at θ = 0)."""
    from scipy.optimize import brentq

    from attnlab.spectra import spike_map_derivative

    rho_c1 = delta + math.sqrt(delta)

    def dpsi(rho):  # ψ′(ℓ(ρ)) for ρ above the population threshold (→ −∞ at it)
        with np.errstate(divide="ignore"):
            out = float(spike_map_derivative(rho + rho / (rho - delta), gamma, delta))
        return out if np.isfinite(out) else -np.inf

    lo, hi = rho_c1 * (1 + 1e-6), rho_c1 * 2
    while dpsi(hi) <= 0:
        hi *= 2
    rho_c2 = brentq(dpsi, lo, hi, xtol=1e-14) if dpsi(lo) <= 0 else lo
    to_theta = kappa / alpha
    return rho_c1 * to_theta - delta, rho_c2 * to_theta - delta


def harmonic_weights(T: int, tau: float = 0.0) -> np.ndarray:
    """w_s(τ), s = 1…T (sums to 1): τ = 0 gives (H_T − H_{s−1})/T, τ → ∞ mean pooling."""
    if T < 1:
        raise ValueError("T ≥ 1")
    e = math.exp(tau) if tau < 700 else float("inf")
    s = np.arange(1, T + 1, dtype=np.float64)
    if not np.isfinite(e):
        return np.full(T, 1 / T)
    own = e / (e + s - 1)
    later = 1 / (e + s - 1)  # 1/(e^τ + t − 1) for t = s
    tail = np.concatenate([np.cumsum(later[::-1])[::-1][1:], [0.0]])  # Σ_{t>s}
    return (own + tail) / T


def mean_weights(T: int) -> np.ndarray:
    return np.full(T, 1 / T)


def optimal_weights(R) -> np.ndarray:
    """The top eigenvector of R (sign fixed so its sum is positive), scaled to sum 1 when it
    can be; the SNR α/κ is scale-free."""
    vals, vecs = np.linalg.eigh(np.asarray(R, dtype=np.float64))
    w = vecs[:, -1]
    w = w if w.sum() >= 0 else -w
    return w / w.sum() if abs(w.sum()) > 1e-12 else w


def rho_profile(T: int, kind: str, *, start: float = 0.9, end: float = 0.3) -> np.ndarray:
    """Per-position signal ρ_t: linear / exponential decay from ``start`` to ``end``, constant,
    or increasing (the reverse of linear)."""
    t = np.linspace(0, 1, T)
    if kind == "linear":
        return start + (end - start) * t
    if kind == "exponential":
        return start * (end / start) ** t
    if kind == "constant":
        return np.full(T, start)
    if kind == "increasing":
        return end + (start - end) * t
    raise ValueError(f"unknown ρ profile {kind!r}")


def class_correlation_R(rho) -> np.ndarray:
    """R = ρρᵀ + diag(1 − ρ²): position t agrees with the sequence label w.p. (1 + ρ_t)/2."""
    rho = np.asarray(rho, dtype=np.float64)
    return np.outer(rho, rho) + np.diag(1 - rho**2)


def diagonal_R(rho) -> np.ndarray:
    """R = diag(ρ_t): uncorrelated positions, position t carrying signal energy ρ_t."""
    return np.diag(np.asarray(rho, dtype=np.float64))
