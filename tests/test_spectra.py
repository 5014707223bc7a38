"""spectra/: the random-matrix toolkit against closed forms (sympy), quadrature and simulation."""

import numpy as np
import pytest
from scipy import integrate, stats

from attnlab import spectra

PAIRS = [(0.5, 0.25), (2.0, 0.25), (0.25, 1.5)]


@pytest.mark.parametrize("delta,gamma", PAIRS)
def test_product_density_integrates_to_one_minus_atom(delta, gamma):
    a, b = spectra.product_mp_edges(delta, gamma)
    mass = integrate.quad(lambda x: spectra.product_mp_density(x, delta, gamma), a, b,
                          limit=400, epsabs=1e-13)[0]
    assert abs(mass - (1 - spectra.product_mp_atom(delta, gamma))) <= 1e-6


@pytest.mark.parametrize("delta,gamma", PAIRS)
def test_product_moments_match_sympy_series(delta, gamma):
    a, b = spectra.product_mp_edges(delta, gamma)
    exact = spectra.product_mp_moments(4, delta, gamma)
    for k in range(1, 5):
        def moment(x, k=k):
            return x**k * spectra.product_mp_density(x, delta, gamma)

        num = integrate.quad(moment, a, b, limit=400, epsabs=1e-12)[0]
        assert num == pytest.approx(exact[k - 1], rel=1e-6)


def test_sympy_moments_are_the_closed_forms():
    import sympy as sp

    d, g = sp.symbols("delta gamma")
    m = spectra.product_mp_moments(3)
    assert sp.simplify(m[1] - (1 + d + g)) == 0
    assert sp.simplify(m[2] - (1 + 3 * d + 3 * g + d**2 + g**2 + 3 * d * g)) == 0


def test_edges_of_the_spec_example_and_the_mp_limit():
    lo, hi = spectra.product_mp_edges(0.5, 0.25)
    assert (lo, hi) == (pytest.approx(0.0559, abs=1e-4), pytest.approx(3.7467, abs=1e-4))
    # δ → 0: MP_γ
    lo, hi = spectra.product_mp_edges(1e-8, 0.25)
    assert (lo, hi) == (pytest.approx(0.25, rel=1e-4), pytest.approx(2.25, rel=1e-4))


def test_mp_cauchy_transform_and_moments():
    g = 0.3
    lo, hi = spectra.mp_edges(g)
    for z in (3.0, 5.0, -1.0):
        num = integrate.quad(lambda x, z=z: spectra.mp_density(x, g) / (z - x), lo, hi)[0]
        assert spectra.mp_cauchy(z, g) == pytest.approx(num, rel=1e-7)
    eps = 1e-6
    fd = (spectra.mp_cauchy(5 + eps, g) - spectra.mp_cauchy(5 - eps, g)) / (2 * eps)
    assert spectra.mp_cauchy_derivative(5.0, g) == pytest.approx(fd, rel=1e-6)
    for k in (1, 2, 3):
        num = integrate.quad(lambda x, k=k: x**k * spectra.mp_density(x, g), lo, hi)[0]
        assert spectra.mp_moment(k, g) == pytest.approx(num, rel=1e-7)


def test_silverstein_solver_gives_mp_for_identity_population():
    x = np.linspace(0.2, 2.8, 40)
    dens = spectra.silverstein_density(x, np.ones(100), 0.5, eta=1e-8)
    np.testing.assert_allclose(dens, spectra.mp_density(x, 0.5), atol=1e-5)


def test_ks_distance_matches_scipy_and_handles_atoms():
    y = np.random.default_rng(1).normal(size=777)
    assert spectra.ks_distance(y, stats.norm.cdf) == pytest.approx(
        stats.kstest(y, stats.norm.cdf).statistic, abs=1e-15)
    x = np.concatenate([np.zeros(500), np.random.default_rng(0).uniform(1, 2, 500)])

    def cdf(q):
        return np.where(q >= 0, 0.5, 0.0) + 0.5 * np.clip(q - 1, 0, 1)

    assert spectra.ks_distance(x, cdf) < 0.06
    assert spectra.ks_distance(x + 0.2, cdf) > 0.09  # a shifted sample is caught


def test_top_eigenpairs_match_dense_eigh():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 200))
    X[:, 0] *= 3
    C = np.cov(X, rowvar=False, bias=True)
    vals, vecs = np.linalg.eigh(C)
    for A in (C, spectra.covariance_operator(X)):
        v, V = spectra.top_eigenpairs(A, 2)
        np.testing.assert_allclose(v, vals[::-1][:2], rtol=1e-10)
        assert np.all(np.abs(np.sum(V * vecs[:, ::-1][:, :2], axis=0)) > 1 - 1e-8)


def test_population_spike_against_simulation():
    rng = np.random.default_rng(3)
    d, delta, rho = 1000, 0.5, 2.5
    Z = rng.standard_normal((d, int(d / delta)))
    W = Z @ Z.T / Z.shape[1]
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    vals, vecs = np.linalg.eigh(W + rho * np.outer(u, u))
    ell, a1 = spectra.population_spike(rho, delta)
    assert vals[-1] == pytest.approx(ell, rel=0.02)
    assert (vecs[:, -1] @ u) ** 2 == pytest.approx(a1, abs=0.03)
    assert spectra.population_spike(delta + delta**0.5 - 1e-9, delta) is None


@pytest.mark.parametrize("delta,gamma", [(0.5, 0.25), (2.0, 0.25), (0.25, 1.5)])
def test_compound_law_with_an_mp_population_is_the_product_law(delta, gamma):
    """MP_δ ⊠ H with H the spectrum of a Wishart of ratio γ/δ is MP_δ ⊠ MP_γ (up to that
    Wishart's finite size), moments included; a simulation with the same τ follows it."""
    rng = np.random.default_rng(0)
    d = 300
    V, N = int(d / delta), int(d / gamma)
    G = rng.standard_normal((V, N))
    tau = np.clip(np.linalg.eigvalsh(G @ G.T / N), 0, None)
    x = np.linspace(0, 8, 200)
    F = spectra.compound_mp_cdf(x, tau, delta)
    assert np.abs(F - spectra.product_mp_cdf(x, delta, gamma)).max() < 0.01
    np.testing.assert_allclose(spectra.compound_mp_moments(tau, delta),
                               spectra.product_mp_moments(3, delta, gamma), rtol=0.03)
    Z = rng.standard_normal((V, d))
    ev = np.linalg.eigvalsh(Z.T @ (tau[:, None] * Z) / V)
    ev[ev < 1e-9 * ev.max()] = 0.0
    assert spectra.ks_distance(ev, lambda q: spectra.compound_mp_cdf(q, tau, delta)) < 0.02
    assert spectra.compound_mp_atom(tau, delta) == pytest.approx(
        spectra.product_mp_atom(delta, gamma), abs=0.01)


def test_compound_law_of_a_point_mass_is_marchenko_pastur():
    m = spectra.compound_mp_stieltjes(np.array([1.0 + 1e-3j, 2.5 + 1e-3j]), np.ones(50), 0.5)
    np.testing.assert_allclose(m, -spectra.mp_cauchy(np.array([1.0 + 1e-3j, 2.5 + 1e-3j]), 0.5),
                               rtol=1e-8)
