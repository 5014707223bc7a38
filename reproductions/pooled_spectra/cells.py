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


def _bulk_cell(p: dict, seed: int) -> dict:
    table, tokens, w, R = _setup(p, seed)
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    C = probes.pooled_covariance(_pooled(table, tokens, w, p["device"]))
    ev, _ = _eig(C, p["device"])
    # C is positive semi-definite of rank ≤ min(V, N): eigenvalues below the numerical-rank
    # tolerance d·ε·λ_max (numpy.linalg.matrix_rank's) are rounding of exact zeros — the atom
    # when V < d or N < d — and are set to 0, so they jump together with the law's atom
    tol = ev.size * np.finfo(np.float64).eps * float(ev[-1])
    x = np.where(ev > tol, ev, 0.0) / kappa
    delta, gamma = p["delta"], p["gamma"]
    hist, edges = np.histogram(x, bins=60, range=(0, max(float(x.max()) * 1.05, 1e-12)))
    return {
        "alpha": alpha, "kappa": kappa,
        "ks": spectra.ks_distance(x, lambda q: spectra.product_mp_cdf(q, delta, gamma)),
        "ks_mp": spectra.ks_distance(x, lambda q: spectra.mp_cdf(q, gamma)),
        "w1": spectra.wasserstein1(x, lambda q: spectra.product_mp_cdf(q, delta, gamma)),
        "moments": spectra.empirical_moments(x, 3),
        "lambda_max": float(x[-1]), "lambda_2": float(x[-2]),
        "hist": hist.tolist(), "edges": edges.tolist(),
    }


def _spike_cell(p: dict, seed: int) -> dict:
    table, tokens, w, R = _setup(p, seed)
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    X = _pooled(table, tokens, w, p["device"])  # pooled once, for both covariances
    W, m = probes.table_population(table)
    out = {"alpha": alpha, "kappa": kappa, "m_norm2": float(m @ m)}
    # the population Σ_E = κW + α m mᵀ, exactly, from the table
    pop_vals, pop_vec = _eig(kappa * W + alpha * np.outer(m, m), p["device"])
    mu_hat = table.mu / max(np.linalg.norm(table.mu), 1e-300)
    out["population"] = {"lambda": float(pop_vals[-1] / kappa),
                         "lambda_2": float(pop_vals[-2] / kappa),
                         "align_m": float((pop_vec @ m) ** 2 / (m @ m))}
    for centred in (True, False):
        vals, u = _eig(probes.pooled_covariance(X, centred=centred), p["device"])
        out["centred" if centred else "uncentred"] = {
            "lambda": float(vals[-1]), "lambda_2": float(vals[-2]),
            "align_m": float((u @ m) ** 2 / (m @ m)),
            "align_mu": float((u @ mu_hat) ** 2) if p["theta"] > 0 else 0.0}
    return out


def _attention_cell(p: dict, seed: int) -> dict:
    table, tokens, w, R = _setup(p, seed)  # w: the harmonic w(τ) of the theory
    X, w_eff = probes.attention_pool(table, tokens, p["tau"])
    W, m = probes.table_population(table)
    vals, u = _eig(probes.pooled_covariance(X), p["device"])
    alpha, kappa = theory.pooled_alpha_kappa(w, R)
    mu_hat = table.mu / np.linalg.norm(table.mu)
    return {"alpha": alpha, "kappa": kappa,
            "mean_abs_w": float(np.abs(w_eff - w[None, :]).mean()),
            "mean_w_eff": w_eff.mean(axis=0).tolist(), "w_theory": w.tolist(),
            "lambda": float(vals[-1]), "align_m": float((u @ m) ** 2 / (m @ m)),
            "align_mu": float((u @ mu_hat) ** 2)}


_KINDS = {"bulk": _bulk_cell, "spike": _spike_cell, "attention": _attention_cell}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


CELL_FUNCTION = CellFunction(name="pooled_spectra.cell", version=5, fn=_cell,
                             check=payloads.check)


def _seed(config: Config, *parts) -> int:
    return cell_seed(config.seed, *parts)


def grid(config: Config) -> list[Cell]:
    rho = [config.rho_start, config.rho_end]
    cells = []
    if config.big_d:  # GPU scale first: δ = ½, γ = ¼, T = 8, mean weights
        base = {"d": config.big_d, "delta": config.spike_delta, "gamma": config.spike_gamma,
                "T": config.spike_T, "weights": "mean", "rho": rho, "device": config.device}
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
                             "device": config.device}
                        cells.append(Cell(p, _seed(config, "bulk", d, delta, gamma, T,
                                                   weights, s)))
    for d in sorted(config.spike_d, reverse=True):
        for weights in config.spike_weights:
            for theta in config.spike_theta:
                for s in range(config.spike_seeds):
                    p = {"kind": "spike", "d": d, "delta": config.spike_delta,
                         "gamma": config.spike_gamma, "T": config.spike_T, "weights": weights,
                         "theta": theta, "rho": rho, "replicate": s, "device": config.device}
                    cells.append(Cell(p, _seed(config, "spike", d, weights, theta, s)))
    d = max(config.spike_d)
    for weights in config.spike_weights:
        for theta in config.spike_theta:
            for s in range(config.diagonal_seeds):
                p = {"kind": "spike", "family": "diagonal", "neutral": config.diagonal_neutral,
                     "d": d, "delta": config.spike_delta, "gamma": config.spike_gamma,
                     "T": config.spike_T, "weights": weights, "theta": theta,
                     "rho": list(config.diagonal_rho), "replicate": s, "device": config.device}
                cells.append(Cell(p, _seed(config, "spike-diagonal", d, weights, theta, s)))
    for tau in config.attention_tau:
        for s in range(config.attention_seeds):
            p = {"kind": "attention", "d": config.attention_d, "delta": config.spike_delta,
                 "gamma": config.spike_gamma, "T": config.spike_T, "weights": "harmonic",
                 "tau": tau, "theta": config.attention_theta, "rho": rho, "replicate": s,
                 "device": config.device}
            cells.append(Cell(p, _seed(config, "attention", tau, s)))
    return cells
