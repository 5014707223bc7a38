"""The free multiplicative convolution MP_δ ⊠ H of a Marchenko–Pastur law with a general law H:
the limit spectrum of the d × d matrix

    M = (1/V) Zᵀ diag(τ) Z = (1/V) Σ_v τ_v z_v z_vᵀ,   Z: [V, d] i.i.d. N(0, 1),  d/V → δ,

with τ distributed as H (Marchenko & Pastur 1967; Bai & Silverstein 2010, Thm 4.3). Its Stieltjes
transform m(z) = ∫ dμ(λ)/(λ − z) is the root with Im m > 0 (Im z > 0) of

    m = 1 / (−z + E_H[τ / (1 + δ τ m)]),

and its free cumulants are c_k = δ^{k−1} h_k (h_k = E_H τ^k), so the moments are
m₁ = h₁, m₂ = h₁² + δ h₂, m₃ = h₁³ + 3δ h₁h₂ + δ² h₃. With H = MP_{γ/δ} this is MP_δ ⊠ MP_γ
(``product_mp_*``).

In the pooled-spectra reproduction (Seddik, arXiv 2605.06826; ``reproductions/pooled_spectra/
README.md``) H is the spectral law of the centred token-incidence Gram: at θ = 0 the pooled
covariance is exactly (1/N) Zᵀ Bᵀ P B Z, B: [N, V] the pooling weights of each sequence on each
token, P the centring projection, so conditionally on the tokens C/κ follows MP_δ ⊠ H with τ the
eigenvalues of V·BᵀPB/(Nκ). H tends to MP_{γ/δ} only as the pooling length 1/κ grows.
"""

from __future__ import annotations

import numpy as np

__all__ = ["compound_mp_stieltjes", "compound_mp_cdf", "compound_mp_moments",
           "compound_mp_atom"]


def _population(population) -> np.ndarray:
    tau = np.asarray(population, dtype=np.float64).ravel()
    if tau.size == 0 or np.any(tau < 0) or not np.all(np.isfinite(tau)):
        raise ValueError("the population τ must be a non-empty array of finite values ≥ 0")
    return tau


def _atoms(tau: np.ndarray, max_atoms: int) -> tuple[np.ndarray, np.ndarray]:
    """H as at most ``max_atoms`` weighted atoms: the zeros as one exact atom, the sorted
    positive τ in equal-count groups, each replaced by its mean (exact mean; the law moves by
    less than a group's spread)."""
    tau = np.sort(tau)
    if tau.size <= max_atoms:
        return tau, np.full(tau.size, 1 / tau.size)
    positive = tau[tau > 1e-9 * tau[-1]]
    groups = np.array_split(positive, min(max_atoms, positive.size))
    values = [0.0] + [g.mean() for g in groups]
    counts = [tau.size - positive.size] + [g.size for g in groups]
    return np.array(values), np.array(counts, dtype=np.float64) / tau.size


def compound_mp_stieltjes(z, population, delta: float, *, max_atoms: int = 256) -> np.ndarray:
    """m(z) of MP_δ ⊠ H at complex z (Im z > 0), H the empirical law of ``population`` (τ,
    [V]; more than ``max_atoms`` values are grouped, ``_atoms``), δ = d/V (``delta``).
    Newton's method on m·(−z + E[τ/(1 + δτm)]) − 1 for every z at once, continued in Im z:
    from far above the real axis (where m ≈ −1/z, the branch that behaves as −1/z at ∞) down
    to Im z by factors of 8, so every z stays on that branch."""
    tau, weight = _atoms(_population(population), max_atoms)
    z = np.asarray(z, dtype=np.complex128)
    flat = z.ravel()
    scale = max(float(np.abs(flat.real).max()), float(tau.max()), 1e-300)
    etas = [scale]
    while etas[-1] > flat.imag.min():
        etas.append(etas[-1] / 8)
    m = -1 / (flat.real + 1j * np.maximum(flat.imag, etas[0]))
    for k, eta in enumerate(etas):
        zk = flat.real + 1j * np.maximum(flat.imag, eta)
        active = np.arange(flat.size)
        for _ in range(60 if k == len(etas) - 1 else 8):  # converge fully only at the end
            ma, za = m[active], zk[active]
            q = 1 + delta * tau[None, :] * ma[:, None]
            s = (tau[None, :] / q) @ weight
            step = (ma * (s - za) - 1) / ((s - za) - ma * delta * ((tau[None, :] ** 2
                                                                     / q**2) @ weight))
            m[active] = ma - step
            active = active[np.abs(step) > 1e-12 * np.abs(ma)]
            if active.size == 0:
                break
    return m.reshape(z.shape)


def compound_mp_atom(population, delta: float, *, rtol: float = 1e-9) -> float:
    """Mass at 0 of MP_δ ⊠ H: max(0, 1 − r/d) with r = #{τ > 0} the rank of diag(τ) (V = the
    number of τ, d = δV); τ below ``rtol`` × max τ count as 0."""
    tau = _population(population)
    rank = int((tau > rtol * tau.max()).sum())
    return max(0.0, 1 - rank / (delta * tau.size))


def compound_mp_cdf(x, population, delta: float, kappa: float = 1.0, *, points: int = 1000,
                    eta: float = 1e-6):
    """F(x) of κ·(MP_δ ⊠ H): the atom at 0 plus the density Im m(t + iη)/π integrated on a grid
    clustered at both ends of [0, (1 + √δ)² max τ] (which holds the support), the continuous
    part renormalised to 1 − atom. η = ``eta`` × the grid's right end: small enough that the
    Cauchy smoothing moves F by ≲ 1e-4 (checked against a direct simulation in the tests)."""
    tau = _population(population)
    right = (1 + np.sqrt(delta)) ** 2 * float(tau.max()) * 1.02
    phi = np.linspace(0, np.pi, points)
    grid = right * np.sin(phi / 2) ** 2
    grid[0] = right * 1e-9
    z = grid + 1j * eta * right
    atom = compound_mp_atom(tau, delta)
    m = compound_mp_stieltjes(z, tau, delta) + atom / z  # the atom's −atom/z taken out
    dens = np.clip(m.imag, 0, None) / np.pi
    cum = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
    cum *= (1 - atom) / cum[-1]
    x = np.asarray(x, dtype=np.float64) / kappa
    return np.where(x >= 0, atom, 0.0) + np.interp(x, grid, cum, left=0.0, right=1 - atom)


def compound_mp_moments(population, delta: float, k: int = 3) -> list[float]:
    """m₁ … m_k (k ≤ 3) of MP_δ ⊠ H from h_j = mean τ^j (free cumulants δ^{j−1} h_j)."""
    if not 1 <= k <= 3:
        raise ValueError(f"k must be 1, 2 or 3, got {k}")
    tau = _population(population)
    h1, h2, h3 = (float(np.mean(tau**j)) for j in (1, 2, 3))
    return [h1, h1**2 + delta * h2, h1**3 + 3 * delta * h1 * h2 + delta**2 * h3][:k]
