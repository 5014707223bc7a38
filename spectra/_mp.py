"""Marchenko–Pastur law MP_γ (unit variance): X of size d × N with i.i.d. unit entries,
S = XXᵀ/N, d/N → γ. Support [(1 − √γ)², (1 + √γ)²], an atom 1 − 1/γ at 0 when γ > 1,

    ρ(x) = √((λ₊ − x)(x − λ₋)) / (2π γ x),

and Cauchy transform G(z) = ∫ dμ(λ)/(z − λ), the root of γ z G² − (z + γ − 1) G + 1 = 0 that
behaves as 1/z at infinity (Bai & Silverstein 2010, §3.3):

    G(z) = [z + γ − 1 − √((z − 1 − γ)² − 4γ)] / (2γ z).

Moments: m_k = Σ_{j=0}^{k−1} γ^j/(j+1) C(k, j) C(k−1, j) (Narayana): 1, 1 + γ, 1 + 3γ + γ², …
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["mp_edges", "mp_atom", "mp_density", "mp_cdf", "mp_cauchy", "mp_cauchy_derivative",
           "mp_moment"]


def _check(gamma: float) -> float:
    gamma = float(gamma)
    if not gamma > 0:
        raise ValueError(f"the ratio γ = d/N must be > 0, got {gamma}")
    return gamma


def mp_edges(gamma: float) -> tuple[float, float]:
    """(λ₋, λ₊) = ((1 − √γ)², (1 + √γ)²)."""
    g = _check(gamma)
    return (1 - math.sqrt(g)) ** 2, (1 + math.sqrt(g)) ** 2


def mp_atom(gamma: float) -> float:
    """Mass at 0: max(0, 1 − 1/γ)."""
    return max(0.0, 1 - 1 / _check(gamma))


def mp_density(x, gamma: float):
    """Density of the absolutely continuous part (the atom excluded)."""
    lo, hi = mp_edges(gamma)
    x = np.asarray(x, dtype=np.float64)
    inside = (x > lo) & (x < hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.sqrt(np.clip((hi - x) * (x - lo), 0, None)) / (2 * np.pi * gamma * x)
    return np.where(inside, rho, 0.0)


def mp_cdf(x, gamma: float, *, points: int = 4001):
    """F(x) = atom·1[x ≥ 0] + ∫_{λ₋}^{x} ρ, by Gauss–Chebyshev-friendly substitution
    x = λ₋ + (λ₊ − λ₋) sin²(φ/2) (the square-root edges become smooth)."""
    lo, hi = mp_edges(gamma)
    phi = np.linspace(0, np.pi, points)
    grid = lo + (hi - lo) * np.sin(phi / 2) ** 2
    dens = mp_density(grid, gamma) * (hi - lo) * np.sin(phi / 2) * np.cos(phi / 2)
    cum = np.concatenate([[0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(phi))])
    cum *= (1 - mp_atom(gamma)) / cum[-1]
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, mp_atom(gamma), 0.0) + np.interp(x, grid, cum, left=0.0)


def mp_cauchy(z, gamma: float):
    """G(z) for complex z, or real z outside the support (then real; the discriminant is
    clipped at 0 so a z a hair above λ₊ stays real). Branch: G(z) ~ 1/z at infinity."""
    g = _check(gamma)
    real = np.isrealobj(z)
    z = np.asarray(z, dtype=np.float64 if real else np.complex128)
    disc = (z - 1 - g) ** 2 - 4 * g
    disc = np.sqrt(np.clip(disc, 0, None)) if real else np.sqrt(disc)
    s = np.where(np.abs(z + g - 1 - disc) < np.abs(z + g - 1 + disc), disc, -disc)
    return (z + g - 1 - s) / (2 * g * z)


def mp_cauchy_derivative(z, gamma: float):
    """G′(z), from implicit differentiation of γ z G² − (z + γ − 1) G + 1 = 0:
    G′ = (G − γ G²) / (2γ z G − (z + γ − 1))."""
    G = mp_cauchy(z, gamma)
    return (G - gamma * G**2) / (2 * gamma * z * G - (z + gamma - 1))


def mp_moment(k: int, gamma: float) -> float:
    """m_k = Σ_{j<k} γ^j C(k, j) C(k − 1, j) / (j + 1)."""
    return float(sum(gamma**j * math.comb(k, j) * math.comb(k - 1, j) / (j + 1)
                     for j in range(k)))
