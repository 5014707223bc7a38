"""Probes, data loaders and the linear-attention-ntk reproduction at smoke scale."""

import gzip
import json
import struct

import numpy as np
import pytest
import torch

from attnlab import probes, theory
from attnlab.reproductions import run_paper
from attnlab.reproductions._claims import VERDICTS
from attnlab.reproductions.linear_attention_ntk import claims as la_claims
from attnlab.reproductions.linear_attention_ntk.config import make_config


def _idx_bytes(arr: np.ndarray) -> bytes:
    return bytes([0, 0, 0x08, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) \
        + arr.astype(np.uint8).tobytes()


def test_idx_and_npz_loaders_read_what_the_test_wrote(tmp_path):
    imgs = np.random.default_rng(0).integers(0, 256, (7, 4, 5)).astype(np.uint8)
    (tmp_path / "a-idx3-ubyte").write_bytes(_idx_bytes(imgs))
    (tmp_path / "b-idx3-ubyte.gz").write_bytes(gzip.compress(_idx_bytes(imgs)))
    np.savez(tmp_path / "c.npz", x_train=imgs, y_train=np.arange(7))
    for name in ("a-idx3-ubyte", "b-idx3-ubyte.gz", "c.npz"):
        X = probes.load_images(tmp_path / name)
        np.testing.assert_array_equal(X, imgs.reshape(7, 20) / 255.0)
    assert probes.load_images(tmp_path / "c.npz", n=3).shape == (3, 20)
    (tmp_path / "bad").write_bytes(b"\x00\x00\x08\x03" + struct.pack(">3I", 7, 4, 5) + b"xx")
    with pytest.raises(ValueError, match="data bytes"):
        probes.load_images(tmp_path / "bad")
    with pytest.raises(ValueError, match="no such file"):
        probes.load_images(tmp_path / "missing.npz")


def test_attention_features_are_rows_of_GX_normalised():
    X, _ = probes.synthetic_spectrum(12, 5, 1.0, seed=0)
    U = probes.attention_features(X)
    Z = (X @ X.T) @ X
    np.testing.assert_allclose(U, Z / np.linalg.norm(Z, axis=1, keepdims=True), rtol=1e-12)
    # a query's feature uses the same context: x XᵀX
    q = probes.attention_features(X, X[:3])
    np.testing.assert_allclose(q, U[:3], rtol=1e-12)


def test_ntk_errors_follow_the_variance_law():
    X, _ = probes.synthetic_spectrum(30, 30, 1.0, seed=1)
    U = probes.attention_features(X)
    widths = [32, 512]
    r = probes.ntk_errors(U, widths, seed=0, draws=200)
    for m, row in zip(widths, r["e_F"], strict=True):
        measured = np.mean(np.square(row)) * r["norm_inf"] ** 2
        assert measured / (r["var_m1"] / m) == pytest.approx(1.0, abs=0.12)
    K = theory.ntk_infinite(U)
    assert r["lambda_min"] == pytest.approx(np.linalg.eigvalsh(K)[0], rel=1e-8)


def test_gd_in_the_kernel_regime_matches_the_ntk_prediction_at_large_width():
    X, y = probes.synthetic_spectrum(60, 10, 0.5, seed=2)
    Xtr, ytr, Xte = X[:40], y[:40], X[40:]
    K, Kx = theory.ntk_infinite(Xtr), theory.ntk_infinite(Xte, Xtr)
    gaps = []
    for m in (64, 16384):
        out = probes.train_two_layer(Xtr, ytr, m, dynamics="gd", steps=100, seed=3, U_test=Xte)
        f_ntk = theory.ntk_gd_prediction(K, Kx, ytr, lr=out["lr"], steps=100)[1]
        gaps.append(np.sqrt(np.mean((out["f_test"] - f_ntk) ** 2)))
    assert gaps[1] < 0.25 * gaps[0]  # lazy training: the gap shrinks like m^(-1/2)
    assert gaps[1] < 0.05


def test_gd_prediction_on_training_points_solves_the_linear_recursion():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 6))
    K = A @ A.T
    y = rng.standard_normal(6)
    lr, f = 0.5 / np.linalg.eigvalsh(K / 6)[-1], np.zeros(6)
    for _ in range(25):
        f = f - lr * K @ (f - y) / 6
    f_train, f_test = theory.ntk_gd_prediction(K, K, y, lr=lr, steps=25)
    np.testing.assert_allclose(f_train, f, rtol=1e-10)
    np.testing.assert_allclose(f_test, f, rtol=1e-8)  # K_test = K reproduces the train points


def test_influence_attack_flips_and_the_frozen_context_moves_only_the_query():
    X, y = probes.synthetic_spectrum(25, 8, 1.0, seed=4)
    clean = probes.influence_attack(X[:24], y[:24], X[24], net="attn", eps=[0.0],
                                    attack="pgd")
    assert clean["flip"] == [0.0] and clean["spearman"][0] == pytest.approx(1.0)
    big = probes.influence_attack(X[:24], y[:24], X[24], net="attn", eps=[0.5], attack="pgd")
    assert big["flip"][0] > 0  # a large perturbation does flip top influences
    with pytest.raises(ValueError, match="bad attack"):
        probes.influence_attack(X[:24], y[:24], X[24], net="cnn", eps=[0.1], attack="pgd")


def test_influences_match_brute_force_retraining():
    X, y = probes.synthetic_spectrum(15, 6, 1.0, seed=5)
    from attnlab.probes._ntk_influence import _influences

    Xt = torch.as_tensor(X[:14])
    got = _influences(Xt, torch.as_tensor(y[:14]), torch.as_tensor(X[14]), net="relu",
                      context="frozen", lam=1e-2).numpy()
    K, kx = theory.ntk_infinite(X[:14]), theory.ntk_infinite(X)[14, :14]
    full = kx @ np.linalg.solve(K + 1e-2 * np.eye(14), y[:14])
    for i in range(14):
        keep = np.arange(14) != i
        loo = kx[keep] @ np.linalg.solve(K[np.ix_(keep, keep)] + 1e-2 * np.eye(13), y[:14][keep])
        assert got[i] == pytest.approx(full - loo, rel=1e-7, abs=1e-12)


def test_sensitivity_bound_counts_a_violation_when_one_exists():
    X, _ = probes.synthetic_spectrum(20, 6, 0.0, seed=6)
    res = probes.sensitivity_violations(X, eps=[0.05], pairs=10, seed=0)
    assert res["frozen"]["violations"] == 0  # a theorem with the context frozen
    assert 0.5 < res["frozen"]["worst_ratio"] <= 1 + 1e-12  # the worst direction is probed
    # rows of norm 3: the summarised bound assumes unit rows and must then fail
    bad = probes.sensitivity_violations(3 * X, eps=[0.05], pairs=10, seed=0)
    assert bad["frozen"]["violations"] > 0


def test_qkv_linear_attention_kernel_equals_neural_tangents():
    nt = theory.import_neural_tangents()
    from jax import experimental

    X = np.random.default_rng(7).standard_normal((1, 6, 4))  # one sequence of 6 tokens
    with experimental.enable_x64():
        import jax.numpy as jnp

        _, _, kernel_fn = nt.stax.GlobalSelfAttention(
            n_chan_out=8, n_chan_key=8, n_chan_val=8, n_heads=1, linear_scaling=True,
            attention_mechanism="IDENTITY", W_key_std=1.3, W_query_std=0.7, W_value_std=1.1,
            W_out_std=0.9)
        with pytest.warns(UserWarning, match="tying the weights"):  # its documented convention
            k = kernel_fn(jnp.asarray(X), None, ("nngp", "ntk"))
        nngp, ntk = theory.qkv_linear_attention_kernels(X[0], qk_std=1.3 * 0.7,
                                                        ov_std=1.1 * 0.9)
        # neural-tangents' token-level kernel: [batch, batch, T, T]
        np.testing.assert_allclose(np.asarray(k.nngp)[0, 0], nngp, rtol=1e-10)
        np.testing.assert_allclose(np.asarray(k.ntk)[0, 0], ntk, rtol=1e-10)


def test_qkv_linear_attention_nngp_is_the_wide_limit_of_a_finite_layer():
    """Our own finite tied-Q/K layer (not neural-tangents'): the output covariance over many
    heads and key channels approaches σ_QK²σ_OV²(XXᵀ/d)³."""
    rng = np.random.default_rng(8)
    T, d, heads, k = 5, 3, 4000, 256
    X = rng.standard_normal((T, d))
    W = rng.standard_normal((heads, d, k))
    V = rng.standard_normal((heads, d))  # one value channel per head, one output
    keys = np.einsum("td,hdk->htk", X, W)
    A = np.einsum("htk,hsk->hts", keys, keys) / (d * k)  # tied, 1/n scaling
    out = np.einsum("hts,sd,hd->ht", A, X, V) / np.sqrt(d)  # per head, value path
    emp = out.T @ out / heads
    nngp, _ = theory.qkv_linear_attention_kernels(X)
    assert np.abs(emp - nngp).max() < 0.1 * np.abs(nngp).max()


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = tmp_path_factory.mktemp("la")
    return out, run_paper("linear-attention-ntk", scale="smoke", device="cpu", out=out,
                          progress=False)


def test_smoke_run_writes_a_verdict_for_every_claim(smoke):
    out, result = smoke
    run = out / "linear-attention-ntk" / "smoke"
    verdict = json.loads((run / "verdict.json").read_text())
    assert [c["id"] for c in verdict["claims"]] == [f"T{i}" for i in range(1, 11)]
    assert all(c["verdict"] in VERDICTS for c in verdict["claims"])
    for name in ("kernel_errors_synthetic", "width_law", "kappa_chain", "drift",
                 "function_gap", "malleability"):
        assert (run / "figures" / f"{name}.png").is_file()
    by_id = {c.id: c for c in result.claims}
    assert by_id["T1"].verdict == "reproduced"  # exact algebra in float64
    assert by_id["T8"].verdict == "inconclusive"  # no MNIST/CIFAR path in the tests


def test_figures_draw_into_given_axes(smoke):
    import matplotlib.pyplot as plt

    from attnlab import figures

    _, result = smoke
    t = result.tables
    fig, ax = plt.subplots()
    assert figures.plot_width_law(t["width"], ax=ax) is fig
    assert figures.plot_kappa_chain(t["gram"], t["width"], ax=ax) is fig
    fig2, axes = plt.subplots(1, 2)
    assert figures.plot_malleability(t["attack"], axes=axes) is fig2
    assert figures.plot_function_gap(t["train"], axes=axes) is fig2
    assert figures.plot_kernel_errors(t["kernel"], "digits", axes=axes) is fig2
    with pytest.raises(ValueError, match="3 panels"):
        figures.plot_drift(t["train"], axes=axes)
    plt.close("all")


def test_claims_fail_on_contradicting_numbers(smoke):
    _, result = smoke
    config = make_config("smoke")
    t = {k: v.copy() for k, v in result.tables.items()}
    t["gram"]["rel_error"] = t["gram"]["rel_error"] + 1e-6
    assert la_claims._t1(config, t).verdict == "not reproduced"
    t["bound"].loc[t["bound"].index[0], "violations"] = 1
    assert la_claims._t10(config, t).verdict == "not reproduced"
    w = t["width"]
    # a κ⁶ law with scatter makes T5 pass, a κ² law fails it
    w["m_star"] = w.kappa_d**6 * np.exp(0.3 * np.sin(np.arange(len(w))))
    assert la_claims._t5(config, t).verdict == "reproduced"
    w["m_star"] = w.kappa_d**2 * np.exp(0.3 * np.sin(np.arange(len(w))))
    assert la_claims._t5(config, t).verdict == "not reproduced"


def test_t8_checks_a_user_given_mnist_file(tmp_path, monkeypatch):
    rng = np.random.default_rng(9)
    imgs = (rng.random((300, 6, 6)) * 255).astype(np.uint8)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(_idx_bytes(imgs))
    monkeypatch.setenv("ATTNLAB_MNIST", str(path))
    config = make_config("smoke")
    assert config.mnist_path == str(path)
    from attnlab.reproductions.linear_attention_ntk.cells import grid

    assert any(c.params.get("source") == "mnist" for c in grid(config))
    monkeypatch.setenv("ATTNLAB_MNIST", str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="is not a file"):
        make_config("smoke")


def test_empirical_ntk_equals_the_plain_formula_and_the_jacobian_contraction():
    rng = np.random.default_rng(10)
    U = torch.as_tensor(theory.unit_rows(rng.standard_normal((9, 4))))
    W = torch.as_tensor(rng.standard_normal((4, 64)))
    S = (U @ W > 0).double()
    np.testing.assert_array_equal(probes.sym_gram(S.clone(), blocks=3).numpy(),
                                  (S @ S.T).numpy())
    K = probes.empirical_ntk(U, W).numpy()
    # the same function on numpy arrays (its numpy path)
    np.testing.assert_allclose(K, probes.empirical_ntk(U.numpy(), W.numpy()), rtol=1e-14)
    a = torch.as_tensor(rng.choice([-1.0, 1.0], 64))
    J = torch.func.vmap(torch.func.jacrev(lambda w, x: torch.relu(x @ w) @ a / 8.0),
                        in_dims=(None, 0))(W, U).reshape(9, -1)
    np.testing.assert_allclose(K, (J @ J.T).numpy(), rtol=1e-12, atol=1e-14)


def test_exact_loo_recomputes_the_attention_context():
    X, y = probes.synthetic_spectrum(13, 5, 1.0, seed=11)
    Xtr, ytr, x = X[:12], y[:12], X[12]
    formula = probes.loo_influences(Xtr, ytr, x, lam=1e-2, refeaturize=False)
    exact = probes.loo_influences(Xtr, ytr, x, lam=1e-2, refeaturize=True)

    def predict(Xc, yc):  # by hand: features of the context Xc, K∞, ridge
        U = probes.attention_features(Xc)
        u = probes.attention_features(Xc, x[None])
        K = theory.ntk_infinite(U)
        ku = theory.ntk_infinite(u, U)
        return (ku @ np.linalg.solve(K + 1e-2 * np.eye(len(K)), yc))[0]

    keep = np.arange(12) != 3
    assert exact[3] == pytest.approx(predict(Xtr, ytr) - predict(Xtr[keep], ytr[keep]),
                                     rel=1e-10)
    assert np.abs(exact - formula).max() > 1e-3  # the context matters


def test_judge_rebuilds_the_verdict_from_stored_cells_only(smoke):
    from attnlab.reproductions._run import UsageError, judge_stored

    out, result = smoke
    again = judge_stored("linear-attention-ntk", scale="smoke", device="cpu", out=out)
    assert again.stats.computed == 0 and again.stats.reused == result.stats.total
    assert [(c.id, c.verdict, c.measurement) for c in again.claims] == \
        [(c.id, c.verdict, c.measurement) for c in result.claims]
    with pytest.raises(UsageError, match="not in"):  # the cuda grid was never computed here
        judge_stored("linear-attention-ntk", scale="smoke", device="cuda", out=out)
