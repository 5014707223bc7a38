"""The free multiplicative convolution ν = MP_δ ⊠ MP_γ of two Marchenko–Pastur laws: the limit
spectrum of W^{1/2} (Z Zᵀ/N) W^{1/2} with W ~ MP_δ (a Wishart of ratio δ) and d/N → γ — the
bulk of the pooled covariance in Seddik, arXiv 2605.06826 (abstract: "κ(MP_δ ⊠ MP_γ)"; the
derivation below is our reconstruction, ``reproductions/pooled_spectra/README.md``).

With G the Cauchy transform of ν and u(z) = z G(z) − 1 (the moment series Σ m_k z^{−k}),

    z u = (1 + u)(1 + δu)(1 + γu)  ⇔  δγ u³ + (δ + γ + δγ) u² + (1 + δ + γ − z) u + 1 = 0,

the S-transform identity S_ν = S_{MP_δ} S_{MP_γ} with S_MP(u) = 1/(1 + γu). The density is
−Im u(x − i0⁺)/(πx) off the atom max(0, 1 − 1/δ, 1 − 1/γ); the edges are z(u*) at the real
critical points u* of z(u) = (1 + u)(1 + δu)(1 + γu)/u, i.e. the real roots of
2δγ u³ + (δ + γ + δγ) u² − 1 = 0 (the right edge from u* > 0). Moments (κ = 1):
m₁ = 1, m₂ = 1 + δ + γ, m₃ = 1 + 3δ + 3γ + δ² + γ² + 3δγ (``product_moments`` derives any k
from the same equation with sympy; the tests check both).
"""

from __future__ import annotations

import numpy as np

__all__ = ["product_mp_density", "product_mp_edges", "product_mp_atom", "product_mp_cdf",
           "product_mp_moments", "product_mp_u"]


def _cubic_coefficients(z, delta, gamma):
    z = np.asarray(z, dtype=np.complex128)
    one = np.ones_like(z)
    return (delta * gamma * one, (delta + gamma + delta * gamma) * one, 1 + delta + gamma - z,
            one)


def product_mp_u(x, delta: float, gamma: float):
    """u(x − i0⁺) on real x: the root of the cubic with the most negative imaginary part
    (the physical branch, Im u ≤ 0 on the support). All roots of every x at once, as the
    eigenvalues of stacked 3 × 3 companion matrices."""
    if not (delta > 0 and gamma > 0):
        raise ValueError(f"δ and γ must be > 0, got δ = {delta}, γ = {gamma}")
    a, b, c, d = _cubic_coefficients(x, delta, gamma)
    comp = np.zeros(a.shape + (3, 3), dtype=np.complex128)
    comp[..., 0, 0], comp[..., 0, 1], comp[..., 0, 2] = -b / a, -c / a, -d / a
    comp[..., 1, 0] = comp[..., 2, 1] = 1
    roots = np.linalg.eigvals(comp)
    pick = np.argmin(roots.imag, axis=-1)
    return np.take_along_axis(roots, pick[..., None], axis=-1)[..., 0]


def product_mp_density(x, delta: float, gamma: float, kappa: float = 1.0):
    """Density of κ·ν at x (absolutely continuous part)."""
    x = np.asarray(x, dtype=np.float64) / kappa
    u = product_mp_u(x, delta, gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(x > 0, -u.imag / (np.pi * x), 0.0)
    return np.clip(rho, 0, None) / kappa


def product_mp_atom(delta: float, gamma: float) -> float:
    """Mass at 0: max(0, 1 − 1/δ, 1 − 1/γ)."""
    return max(0.0, 1 - 1 / delta, 1 - 1 / gamma)


def product_mp_edges(delta: float, gamma: float, kappa: float = 1.0) -> tuple[float, float]:
    """(left, right) edge of the support of κ·ν (left = 0 when there is an atom)."""
    crit = np.roots([2 * delta * gamma, delta + gamma + delta * gamma, 0.0, -1.0])
    crit = crit[np.abs(crit.imag) < 1e-10].real

    def z_of(u):
        return (1 + u) * (1 + delta * u) * (1 + gamma * u) / u

    right = min(z_of(u) for u in crit if u > 0)
    # left edge of the continuous part: the positive critical value at a u* < 0 (an atom at 0,
    # if any, sits apart from it)
    neg = [z_of(u) for u in crit if u < 0 and z_of(u) > 0]
    left = max(neg) if neg else 0.0
    return kappa * left, kappa * right


def product_mp_cdf(x, delta: float, gamma: float, kappa: float = 1.0, *, points: int = 4001):
    """F(x) of κ·ν: the atom at 0 plus the integrated density on a grid that clusters at the
    edges (x = a + (b − a) sin²(φ/2)); renormalised so the continuous part has mass 1 − atom."""
    a, b = product_mp_edges(delta, gamma)
    phi = np.linspace(0, np.pi, points)
    grid = a + (b - a) * np.sin(phi / 2) ** 2
    jac = (b - a) * np.sin(phi / 2) * np.cos(phi / 2)
    dens = product_mp_density(grid, delta, gamma) * jac
    cum = np.concatenate([[0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(phi))])
    atom = product_mp_atom(delta, gamma)
    cum *= (1 - atom) / cum[-1]
    x = np.asarray(x, dtype=np.float64) / kappa
    return np.where(x >= 0, atom, 0.0) + np.interp(x, grid, cum, left=0.0)


def product_mp_moments(k: int, delta=None, gamma=None):
    """m₁ … m_k of ν from the series u = Σ m_j z^{−j} of z u = (1 + u)(1 + δu)(1 + γu)
    (sympy, exact). With numbers for δ, γ: floats; without: sympy expressions."""
    import sympy as sp

    d_, g_, w = sp.symbols("delta gamma w")  # w = 1/z
    m = sp.symbols(f"m1:{k + 1}")
    u = sum(m[j] * w ** (j + 1) for j in range(k))
    eq = sp.expand(u - w * (1 + u) * (1 + d_ * u) * (1 + g_ * u))  # z u − P(u), times w
    sol = {}
    for j in range(1, k + 1):
        coeff = sp.expand(eq.coeff(w, j).subs(sol))
        sol[m[j - 1]] = sp.solve(coeff, m[j - 1])[0]
    exprs = [sp.factor(sp.expand(sol[m[j]])) for j in range(k)]
    if delta is None:
        return exprs
    return [float(e.subs({d_: delta, g_: gamma})) for e in exprs]
