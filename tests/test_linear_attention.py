"""The linear-attention-ntk closed forms (theory/_linear_attention.py) against independent
computations — neural-tangents' infinite-width kernel, autodiff, brute-force retraining."""

import numpy as np
import pytest

from attnlab import probes, theory


def _data(n=30, d=12, seed=0):
    return np.random.default_rng(seed).standard_normal((n, d))


def test_linearized_attention_gram_is_g_cubed_and_exponent_is_2k_plus_1():
    X = _data()
    G = X @ X.T
    Z = theory.linearized_attention(X)
    assert np.linalg.norm(Z @ Z.T - G @ G @ G) / np.linalg.norm(G @ G @ G) < 1e-10
    Z2 = theory.linearized_attention(X, layers=2)
    G5 = np.linalg.matrix_power(G, 5)
    assert np.linalg.norm(Z2 @ Z2.T - G5) / np.linalg.norm(G5) < 1e-10
    # the exponent measured from Z_k's own singular values (not from G's: log κᵖ/log κ = p
    # by definition would test nothing)
    kd = theory.kappa_d(X)
    for k in (1, 2, 3):
        s = np.linalg.svd(theory.linearized_attention(X, layers=k), compute_uv=False)[:12]
        assert np.log((s[0] / s[-1]) ** 2) / np.log(kd) == pytest.approx(2 * k + 1, abs=1e-8)


def test_infinite_width_kernel_matches_neural_tangents():
    nt = theory.import_neural_tangents()
    stax = nt.stax
    U = theory.unit_rows(theory.linearized_attention(_data(8, 5)))
    d = U.shape[1]
    _, _, kernel_fn = stax.serial(stax.Dense(512, W_std=np.sqrt(d), b_std=None), stax.Relu(),
                                  stax.Dense(1, W_std=1.0, b_std=None))
    from jax.experimental import enable_x64

    with enable_x64():  # float32 arccos near θ = 0 is off by ~1e-4 on the diagonal
        k = kernel_fn(U, U, ("ntk", "nngp"))
        first_layer = np.asarray(k.ntk) - np.asarray(k.nngp)  # the readout's share removed
    np.testing.assert_allclose(theory.ntk_infinite(U), first_layer, rtol=1e-9, atol=1e-9)


def test_empirical_ntk_is_the_jacobian_contraction_and_has_the_variance_law():
    import torch

    rng = np.random.default_rng(1)
    U = theory.unit_rows(_data(6, 4, seed=1))
    m = 64
    W = rng.standard_normal((4, m))
    a = rng.choice([-1.0, 1.0], m)
    K = probes.empirical_ntk(U, W)

    def f(w, x):
        return (torch.relu(x @ w) @ torch.as_tensor(a)) / m**0.5

    J = torch.func.vmap(torch.func.jacrev(f), in_dims=(None, 0))(torch.as_tensor(W),
                                                                  torch.as_tensor(U))
    J = J.reshape(len(U), -1).numpy()
    np.testing.assert_allclose(K, J @ J.T, rtol=1e-12, atol=1e-14)
    # E‖K_m − K∞‖_F² = Σ G̃² p(1 − p)/m, over 400 draws of W
    U = theory.unit_rows(_data(10, 6, seed=2))
    Kinf = theory.ntk_infinite(U)
    errs = [np.sum((probes.empirical_ntk(U, rng.standard_normal((6, 256))) - Kinf) ** 2)
            for _ in range(400)]
    assert np.mean(errs) == pytest.approx(theory.ntk_variance(U, 256), rel=0.1)


def test_stable_angle_beats_arccos_on_nearly_parallel_rows():
    u = np.array([1.0, 0.0])
    v = np.array([np.cos(1e-9), np.sin(1e-9)])
    theta = theory.stable_angles(np.stack([u, v]))[0, 1]
    assert theta == pytest.approx(1e-9, rel=1e-6)
    assert np.arccos(np.clip(u @ v, -1, 1)) == 0.0  # the naive way loses it entirely


def test_loo_influence_matches_retraining_and_width_law():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((12, 3))
    K = np.exp(-((X[:, None] - X[None]) ** 2).sum(-1))
    y = rng.standard_normal(12)
    lam = 0.1
    Kt = K[:4]
    infl = theory.krr_loo_influence(K, y, lam, Kt)
    full = Kt @ np.linalg.solve(K + lam * np.eye(12), y)
    for i in range(12):
        keep = np.delete(np.arange(12), i)
        f_i = Kt[:, keep] @ np.linalg.solve(K[np.ix_(keep, keep)] + lam * np.eye(11), y[keep])
        np.testing.assert_allclose(full - f_i, infl[:, i], rtol=1e-9, atol=1e-12)
    # the paper's MNIST figure: κ ≈ 1.2e3, n = 60 000 → ≫ 10²⁴
    assert theory.paper_width(1.2e3, 60_000) > 1e24


def test_closed_forms_take_numpy_or_torch_and_answer_in_kind():
    import torch

    U = theory.unit_rows(_data(7, 4, seed=4))
    V = theory.unit_rows(_data(3, 4, seed=5))
    Ut, Vt = torch.as_tensor(U), torch.as_tensor(V)
    for fn, args in ((theory.stable_angles, (U, V)), (theory.ntk_infinite, (U, V)),
                     (theory.unit_rows, (3 * U,))):
        a, b = fn(*args), fn(*(torch.as_tensor(x) for x in args))
        assert isinstance(a, np.ndarray) and isinstance(b, torch.Tensor)
        np.testing.assert_allclose(b.numpy(), a, rtol=1e-13, atol=1e-15)
    assert theory.ntk_variance(Ut, 16) == pytest.approx(theory.ntk_variance(U, 16), rel=1e-13)
    np.testing.assert_allclose(theory.ntk_infinite(U), theory.ntk_infinite(U, U), rtol=0)
    # the attacks' autograd path: finite gradients on the diagonal (u = v)
    Ug = Ut.clone().requires_grad_(True)
    theory.ntk_infinite(Ug, grad_safe=True).sum().backward()
    assert torch.isfinite(Ug.grad).all()
    with pytest.raises(ValueError, match="all zeros"):
        theory.unit_rows(np.zeros((2, 3)))
    assert theory.array_namespace(U, None) is np and theory.array_namespace(U, Vt) is torch


def test_theory_imports_without_torch():
    import subprocess
    import sys

    code = "import sys; from attnlab import theory; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_kappa_d_over_the_numerical_rank():
    X = np.hstack([_data(20, 5, seed=6), np.zeros((20, 3))])  # 3 pixels zero in every row
    ev = np.linalg.eigvalsh(X.T @ X)[::-1]
    assert len(theory.gram_eigenvalues(X)) == 8 and len(theory.gram_eigenvalues(X, rtol=1e-12)) == 5
    assert theory.kappa_d(X, rtol=1e-12) == pytest.approx(ev[0] / ev[4], rel=1e-12)
    assert theory.kappa_d(X) > 1e12  # the zero pixels: rounding-level λ_min (or ≤ 0: inf)
