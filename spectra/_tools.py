"""Empirical spectra and their distance to a law; top eigenpairs without dense eigensolvers;
the Silverstein equation for a finite population."""

from __future__ import annotations

import numpy as np

__all__ = ["ks_distance", "wasserstein1", "empirical_moments", "top_eigenpairs",
           "covariance_operator", "silverstein_density"]


def ks_distance(eigs, cdf) -> float:
    """sup_x |F_n(x) − F(x)| between the ESD of ``eigs`` and a right-continuous CDF (a callable,
    atoms allowed): at every distinct value both F_n(x) − F(x) and F(x−) − F_n(x−) are checked,
    so tied eigenvalues (an atom at 0) jump together, as the law's atom does."""
    x = np.sort(np.asarray(eigs, dtype=np.float64))
    n = x.size
    values, first = np.unique(x, return_index=True)  # ties (an atom) jump together
    below = first / n  # F_n(x−)
    upto = np.append(first[1:], n) / n  # F_n(x)
    F = np.asarray(cdf(values), dtype=np.float64)
    F_left = np.asarray(cdf(np.nextafter(values, -np.inf)), dtype=np.float64)  # F(x−): atoms
    return float(max(np.max(upto - F), np.max(F_left - below)))


def wasserstein1(eigs, cdf, *, points: int = 20_000) -> float:
    """W₁ = ∫ |F_n − F| dx over the range of both (trapezoid on a fine grid)."""
    x = np.sort(np.asarray(eigs, dtype=np.float64))
    lo, hi = min(0.0, x[0]), x[-1] * 1.5 + 1e-12
    grid = np.linspace(lo, hi, points)
    Fn = np.searchsorted(x, grid, side="right") / x.size
    return float(np.trapezoid(np.abs(Fn - cdf(grid)), grid))


def empirical_moments(eigs, k: int = 3) -> list[float]:
    e = np.asarray(eigs, dtype=np.float64)
    return [float(np.mean(e**j)) for j in range(1, k + 1)]


def covariance_operator(X, *, centred: bool = True):
    """v ↦ C v for C = XᵀX/N (X: [N, d], rows samples), centred or not, without forming C."""
    from scipy.sparse.linalg import LinearOperator

    X = np.asarray(X, dtype=np.float64)
    N, d = X.shape
    mean = X.mean(axis=0) if centred else np.zeros(d)

    def matvec(v):
        v = np.ravel(v)
        return (X.T @ (X @ v) - N * mean * (mean @ v)) / N

    return LinearOperator((d, d), matvec=matvec, rmatvec=matvec, dtype=np.float64)


def top_eigenpairs(A, k: int = 1, *, tol: float = 1e-10, seed: int = 0):
    """The k largest eigenpairs of a symmetric matrix or LinearOperator by Lanczos
    (ARPACK's implicitly restarted Lanczos through scipy.sparse.linalg.eigsh), largest first."""
    from scipy.sparse.linalg import eigsh

    d = A.shape[0]
    v0 = np.random.default_rng(seed).standard_normal(d)
    vals, vecs = eigsh(A, k=k, which="LA", tol=tol, v0=v0)
    order = np.argsort(vals)[::-1]
    return vals[order], vecs[:, order]


def silverstein_density(x, population, gamma: float, *, eta: float = 1e-6,
                        iterations: int = 20_000, tol: float = 1e-12):
    """Deterministic equivalent of the sample-covariance density for population eigenvalues
    τ (``population``) and d/N = γ: the Stieltjes transform m(z) solves (Silverstein 1995)

        m = (1/d) Σ_i 1 / (τ_i (1 − γ − γ z m) − z),   z = x + iη,

    iterated with damping from m = −1/z on every x at once; density Im m / π."""
    tau = np.asarray(population, dtype=np.float64)[None, :]
    z = np.asarray(x, dtype=np.float64)[:, None] + 1j * eta
    m = -1 / z[:, 0]
    for _ in range(iterations):
        new = np.mean(1 / (tau * (1 - gamma - gamma * z * m[:, None]) - z), axis=1)
        step = np.max(np.abs(new - m) / np.maximum(np.abs(new), 1e-300))
        m = 0.5 * m + 0.5 * new
        if step < tol:
            break
    return np.maximum(m.imag / np.pi, 0.0)
