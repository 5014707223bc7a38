"""The cell function of the pooled-spectra sweep and its grid. Kinds: ``bulk`` (T-A1),
``spike`` (T-A2, T-A3, T-A6, and the simulated side of T-A4), ``attention`` (T-A5).
Each cell draws its own token table and sequences from its seed and returns plain JSON."""

from __future__ import annotations

import numpy as np

from attnlab import probes, spectra, theory

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import payloads
from .config import Config

__all__ = ["CELL_FUNCTION", "grid", "weights_for"]


def weights_for(kind: str, T: int, R, *, seed: int = 0, tau: float = 0.0) -> np.ndarray:
    if kind == "mean":
        return theory.mean_weights(T)
    if kind == "harmonic":
        return theory.harmonic_weights(T, tau)
    if kind == "optimal":
        return theory.optimal_weights(R)
    if kind == "random":
        w = np.random.default_rng(seed).exponential(size=T)
        return w / w.sum()
    raise ValueError(f"unknown weights {kind!r}")


def _eig(C, device: str):
    """Eigenvalues (ascending) and the top eigenvector of a symmetric C (numpy, or a torch
    tensor), on ``device``, float64."""
    if device == "cuda":
        import torch

        vals, vecs = torch.linalg.eigh(torch.as_tensor(C, device="cuda"))
        return vals.cpu().numpy(), vecs[:, -1].cpu().numpy()
    vals, vecs = np.linalg.eigh(C)
    return vals, vecs[:, -1]


def _top(A, device: str, *, seed: int = 0):
    """(λ₁, λ₂, top eigenvector) of a symmetric d × d matrix A: on the CPU by Lanczos
    (``spectra.top_eigenpairs``: ~200 matrix–vector products, a few times faster than a
    dense eigh at d = 1000), on the GPU by a dense eigh."""
    if device == "cuda":
        vals, vec = _eig(A, device)
        return vals[-1], vals[-2], vec
    vals, vecs = spectra.top_eigenpairs(np.asarray(A), 2, tol=1e-12, seed=seed)
    return vals[0], vals[1], vecs[:, 0]


def _pooled(table, tokens, w, device: str):
    """The pooled samples X: numpy on the CPU, a torch tensor on the GPU (so C is formed
    there too)."""
    return probes.pool(table, tokens, w, device="cuda" if device == "cuda" else None)


def _setup(p, seed):
    d, delta, gamma, T = p["d"], p["delta"], p["gamma"], p["T"]
    V, N = int(round(d / delta)), int(round(d / gamma))
    rho = theory.rho_profile(T, "linear", start=p["rho"][0], end=p["rho"][1])
    family = p.get("family", "class-correlation")
    R = (theory.diagonal_R if family == "diagonal" else theory.class_correlation_R)(rho)
    w = weights_for(p["weights"], T, R, seed=seed, tau=p.get("tau", 0.0))
    table = probes.make_table(V, d, p["theta"], seed=seed, neutral=p.get("neutral", 0.0))
    tokens = probes.sample_tokens(table, N, rho, seed=seed + 1, family=family)
    return table, tokens, w, R


def _spectrum(C, kappa: float, device: str, *, values_only: bool = False) -> np.ndarray:
    """Eigenvalues of C/κ, ascending. C is positive semi-definite of rank ≤ min(V, N):
    eigenvalues below the numerical-rank tolerance d·ε·λ_max (numpy.linalg.matrix_rank's) are
    rounding of exact zeros — the atom when V < d or N < d — and are set to 0, so they jump
    together with the law's atom. ``values_only`` (the d = 8192 cells): eigvalsh, no vectors."""
    if values_only:
        import torch

        ev = torch.linalg.eigvalsh(torch.as_tensor(C, device=device)).cpu().numpy()
    else:
        ev, _ = _eig(C, device)
    tol = ev.size * np.finfo(np.float64).eps * float(ev[-1])
    return np.where(ev > tol, ev, 0.0) / kappa


def _law_stats(x, cdf) -> dict:
    return {"ks": spectra.ks_distance(x, cdf), "moments": spectra.empirical_moments(x, 3),
            "lambda_max": float(x[-1])}


def _incidence_population_torch(tokens: np.ndarray, w, V: int, device: str) -> np.ndarray:
    """:func:`probes.incidence_population` on a torch device (the d = 8192 cells: B is
    32 768 × 16 384, its Gram 16 384² — minutes of one CPU thread, about a second on a GPU)."""
    import torch

    w = np.asarray(w, dtype=np.float64)
    N, T = tokens.shape
    B = torch.zeros((N, V), dtype=torch.float64, device=device)
    B.scatter_add_(1, torch.as_tensor(tokens, device=device),
                   torch.as_tensor(w, device=device).expand(N, T))  # a token twice: summed
    B -= B.mean(dim=0)
    gram = B.T @ B if V <= N else B @ B.T
    del B
    vals = torch.linalg.eigvalsh(gram).clamp(min=0).cpu().numpy()
    vals = np.concatenate([vals, np.zeros(V - vals.size)]) if vals.size < V else vals
    return vals * V / (N * float(w @ w))


def _bulk_cell(p: dict, seed: int) -> dict:
    table, tokens, w, R = _setup(p, seed)
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    # "linalg" (only the d = 8192 cells): every dense product and eigendecomposition of the
    # cell on that device, eigenvalues only; elsewhere as before (the ideal surrogates on CPU)
    linalg = p.get("linalg")
    x = _spectrum(probes.pooled_covariance(_pooled(table, tokens, w, p["device"])), kappa,
                  p["device"], values_only=bool(linalg))
    delta, gamma = p["delta"], p["gamma"]
    V, N, d = table.E.shape[0], tokens.shape[0], table.E.shape[1]

    def product(q):
        return spectra.product_mp_cdf(q, delta, gamma)

    # the finite-pooling law MP_δ ⊠ H, H the law of the centred token-incidence Gram: exact at
    # θ = 0 given the tokens. Its CDF once on a fine grid, then interpolated.
    tau = (_incidence_population_torch(tokens, w, V, linalg) if linalg
           else probes.incidence_population(tokens, w, V))
    grid = np.linspace(0, (1 + np.sqrt(delta)) ** 2 * float(tau.max()) * 1.02, 6000)
    F_grid = spectra.compound_mp_cdf(grid, tau, delta)

    def finite(q):
        return np.interp(q, grid, F_grid, left=0.0, right=1.0)

    # ideal surrogates at this d (the claims' power checks): the same Gram with a fresh
    # Gaussian table (exactly MP_δ ⊠ H), and a Gaussian incidence (exactly MP_δ ⊠ MP_γ)
    rng = np.random.default_rng(seed + 2)
    Z = rng.standard_normal((V, d))
    ideal = {}
    for name, law, incidence in (
            ("finite", finite, None),
            ("product", product, rng.standard_normal((N, V)) / np.sqrt(N))):
        if linalg:
            import torch

            Z_t = torch.as_tensor(Z, device=linalg)
            if incidence is None:
                Xs = Z_t[: tau.size] * torch.as_tensor(np.sqrt(tau / V), device=linalg)[:, None]
            else:
                Xs = torch.as_tensor(incidence, device=linalg) @ Z_t / np.sqrt(V)
            ideal[name] = _law_stats(_spectrum(Xs.T @ Xs, 1.0, linalg, values_only=True), law)
            del Z_t, Xs
            continue
        if incidence is None:  # C = Zᵀ (V·BᵀPB/(Nκ)) Z / V through τ's eigenbasis: same law
            Xs = Z[: tau.size] * np.sqrt(tau)[:, None] / np.sqrt(V)
        else:
            Xs = incidence @ Z / np.sqrt(V)
        ideal[name] = _law_stats(_spectrum(Xs.T @ Xs, 1.0, "cpu"), law)
    hist, edges = np.histogram(x, bins=60, range=(0, max(float(x.max()) * 1.05, 1e-12)))
    return {
        "alpha": alpha, "kappa": kappa,
        "ks": spectra.ks_distance(x, product),
        "ks_mp": spectra.ks_distance(x, lambda q: spectra.mp_cdf(q, gamma)),
        "w1": spectra.wasserstein1(x, product),
        "moments": spectra.empirical_moments(x, 3),
        "lambda_max": float(x[-1]), "lambda_2": float(x[-2]),
        "ks_finite": spectra.ks_distance(x, finite),
        "moments_finite": spectra.compound_mp_moments(tau, delta, 3),
        "ideal": ideal,
        "hist": hist.tolist(), "edges": edges.tolist(),
    }


def _spike_cell(p: dict, seed: int) -> dict:
    table, tokens, w, R = _setup(p, seed)
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    X = _pooled(table, tokens, w, p["device"])  # pooled once, for both covariances
    if p.get("linalg"):  # d = 8192: W = DᵀD/V on the device (2·V·d² flops)
        import torch

        D, m = probes.table_within(table)
        D = torch.as_tensor(D, device=p["linalg"])
        population = kappa * (D.T @ D / D.shape[0]) + alpha * torch.as_tensor(
            np.outer(m, m), device=p["linalg"])
        del D
    else:
        W, m = probes.table_population(table)
        population = kappa * W + alpha * np.outer(m, m)
    out = {"alpha": alpha, "kappa": kappa, "m_norm2": float(m @ m)}
    # the population Σ_E = κW + α m mᵀ, exactly, from the table
    pop_1, pop_2, pop_vec = _top(population, p["device"], seed=seed)
    mu_hat = table.mu / max(np.linalg.norm(table.mu), 1e-300)
    out["population"] = {"lambda": float(pop_1 / kappa), "lambda_2": float(pop_2 / kappa),
                         "align_m": float((pop_vec @ m) ** 2 / (m @ m))}
    C = probes.pooled_covariance(X)
    mean = X.mean(axis=0)
    for centred in (True, False):
        if not centred:  # XᵀX/N = C + x̄x̄ᵀ: one d × d product instead of two
            C = C + (mean[:, None] * mean[None, :])
        lam_1, lam_2, u = _top(C, p["device"], seed=seed)
        out["centred" if centred else "uncentred"] = {
            "lambda": float(lam_1), "lambda_2": float(lam_2),
            "align_m": float((u @ m) ** 2 / (m @ m)),
            "align_mu": float((u @ mu_hat) ** 2) if p["theta"] > 0 else 0.0}
    return out


def _attention_cell(p: dict, seed: int) -> dict:
    table, tokens, w, R = _setup(p, seed)  # w: the harmonic w(τ) of the theory
    X, w_eff = probes.attention_pool(table, tokens, p["tau"])
    _, m = probes.table_within(table)
    lam_1, _, u = _top(probes.pooled_covariance(X), p["device"], seed=seed)
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    mu_hat = table.mu / np.linalg.norm(table.mu)
    return {"alpha": alpha, "kappa": kappa,
            "mean_abs_w": float(np.abs(w_eff - w[None, :]).mean()),
            "mean_w_eff": w_eff.mean(axis=0).tolist(), "w_theory": w.tolist(),
            "lambda": float(lam_1), "align_m": float((u @ m) ** 2 / (m @ m)),
            "align_mu": float((u @ mu_hat) ** 2)}


_KINDS = {"bulk": _bulk_cell, "spike": _spike_cell, "attention": _attention_cell}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


CELL_FUNCTION = CellFunction(name="pooled_spectra.cell", version=7, fn=_cell,
                             check=payloads.check)


def _seed(config: Config, *parts) -> int:
    return cell_seed(config.seed, *parts)


def grid(config: Config) -> list[Cell]:
    rho = [config.rho_start, config.rho_end]
    cells = []
    # full on a GPU: only the d = 8192 cells use it; the rest are medium's CPU cells
    device = "cpu" if config.scale == "full" else config.device
    if config.big_d:  # GPU scale first: δ = ½, γ = ¼, T = 8, mean weights
        base = {"d": config.big_d, "delta": config.spike_delta, "gamma": config.spike_gamma,
                "T": config.spike_T, "weights": "mean", "rho": rho, "device": config.device,
                "linalg": config.device}
        for s in range(config.big_seeds):
            cells.append(Cell({"kind": "bulk", **base, "theta": 0.0, "replicate": s},
                              _seed(config, "bulk", config.big_d, s)))
            for theta in config.big_theta:
                cells.append(Cell({"kind": "spike", **base, "theta": theta, "replicate": s},
                                  _seed(config, "spike", config.big_d, theta, s)))
    for d in sorted(config.bulk_d, reverse=True):
        for delta, gamma in config.bulk_ratios:
            for T in config.bulk_T:
                for weights in config.bulk_weights:
                    for s in range(config.bulk_seeds):
                        p = {"kind": "bulk", "d": d, "delta": delta, "gamma": gamma, "T": T,
                             "weights": weights, "theta": 0.0, "rho": rho, "replicate": s,
                             "device": device}
                        cells.append(Cell(p, _seed(config, "bulk", d, delta, gamma, T,
                                                   weights, s)))
    for d in sorted(config.spike_d, reverse=True):
        for weights in config.spike_weights:
            for theta in config.spike_theta:
                for s in range(config.spike_seeds):
                    p = {"kind": "spike", "d": d, "delta": config.spike_delta,
                         "gamma": config.spike_gamma, "T": config.spike_T, "weights": weights,
                         "theta": theta, "rho": rho, "replicate": s, "device": device}
                    cells.append(Cell(p, _seed(config, "spike", d, weights, theta, s)))
    d = config.diagonal_d
    for weights in config.spike_weights:
        for theta in config.diagonal_theta or config.spike_theta:
            for s in range(config.diagonal_seeds):
                p = {"kind": "spike", "family": "diagonal", "neutral": config.diagonal_neutral,
                     "d": d, "delta": config.spike_delta, "gamma": config.spike_gamma,
                     "T": config.spike_T, "weights": weights, "theta": theta,
                     "rho": list(config.diagonal_rho), "replicate": s, "device": device}
                cells.append(Cell(p, _seed(config, "spike-diagonal", d, weights, theta, s)))
    for tau in config.attention_tau:
        for s in range(config.attention_seeds):
            p = {"kind": "attention", "d": config.attention_d, "delta": config.spike_delta,
                 "gamma": config.spike_gamma, "T": config.spike_T, "weights": "harmonic",
                 "tau": tau, "theta": config.attention_theta, "rho": rho, "replicate": s,
                 "device": device}
            cells.append(Cell(p, _seed(config, "attention", tau, s)))
    return cells
