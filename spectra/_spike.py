"""Outliers of spiked models: the population (additive) BBP transition of a Wishart plus a
rank-one term, and the sampling spike map of a sample covariance (Baik, Ben Arous, Péché 2005;
Benaych-Georges & Nadakuditi 2011), in the forms the pooled-spectra reproduction uses for the
"two successive BBP-type transitions" of Seddik, arXiv 2605.06826 (our reconstruction:
``reproductions/pooled_spectra/README.md``).

Population: W ~ MP_δ plus ρ m̂m̂ᵀ has an outlier iff ρ > δ + √δ, at

    ℓ(ρ) = ρ + ρ/(ρ − δ),   alignment |⟨û, m̂⟩|² → a₁ = 1 − δ/(ρ − δ)².

Sampling: a population spike ℓ above a bulk with Cauchy transform G, seen through N samples
(d/N → γ), gives a sample outlier iff ψ′(ℓ) > 0, at λ = ψ(ℓ), with alignment a₂ = ℓψ′(ℓ)/ψ(ℓ):

    ψ(ℓ) = ℓ (1 − γ + γ ℓ G(ℓ)),    ψ′(ℓ) = 1 − γ + 2γℓ G(ℓ) + γℓ² G′(ℓ).
"""

from __future__ import annotations

import math

import numpy as np

from ._mp import mp_cauchy, mp_cauchy_derivative

__all__ = ["population_spike", "spike_map", "spike_map_derivative", "sample_spike"]


def population_spike(rho: float, delta: float):
    """(ℓ, a₁) of W + ρ m̂m̂ᵀ, W ~ MP_δ; None below the threshold ρ ≤ δ + √δ."""
    if rho <= delta + math.sqrt(delta):
        return None
    return rho + rho / (rho - delta), 1 - delta / (rho - delta) ** 2


def spike_map(ell, gamma: float, delta: float):
    """ψ(ℓ) for the population bulk MP_δ (G = G_δ); ℓ above the bulk's right edge."""
    ell = np.asarray(ell, dtype=np.float64)
    return ell * (1 - gamma + gamma * ell * mp_cauchy(ell, delta))


def spike_map_derivative(ell, gamma: float, delta: float):
    ell = np.asarray(ell, dtype=np.float64)
    G, dG = mp_cauchy(ell, delta), mp_cauchy_derivative(ell, delta)
    return 1 - gamma + 2 * gamma * ell * G + gamma * ell**2 * dG


def sample_spike(ell: float, gamma: float, delta: float):
    """(λ, a₂) of the sample outlier from a population spike ℓ; None if ψ′(ℓ) ≤ 0."""
    dpsi = float(spike_map_derivative(ell, gamma, delta))
    if dpsi <= 0:
        return None
    psi = float(spike_map(ell, gamma, delta))
    return psi, ell * dpsi / psi
