"""Cells of the lora-forgetting sweep beyond the sphere prototype: ``rank`` (T6),
``meanfield`` (T7), ``v1`` (T8, T9: v1's ℝ² model in original coordinates) and ``beta``
(T10)."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components

from attnlab import probes

from .runs import base_V, plain, run_ensemble, tensor

__all__ = ["KINDS", "rank_V", "MEANFIELD_DIRECTION_SEED"]

MEANFIELD_DIRECTION_SEED = 20240223  # one ΔV for every n: D_n must converge to one limit


def rank_V(d: int) -> np.ndarray:
    """The d × d base V of the rank sweep: diag(1, 0.9, …) (distinct eigenvalues)."""
    return np.diag(1.0 - 0.1 * np.arange(d))


def _rank_cell(p: dict, seed: int) -> dict:
    d, n, S = p["rank_d"], p["n"], p["seeds"]
    V = rank_V(d)
    X0 = probes.uniform_sphere(S, n, d, seed=seed, device=str(tensor(0, p).device))
    mats = [np.stack([V] * S)]
    for norm in ("op", "fro"):
        for r in p["ranks"]:
            mats.append(np.stack([V + probes.random_lora(d, r, p["eps"], norm=norm,
                                                         seed=seed + 7919 * r + s
                                                         + 104729 * (norm == "fro"))
                                  for s in range(S)]))
    X, _ = run_ensemble(X0.repeat(len(mats), 1, 1), np.concatenate(mats), p, p["t"])
    X = X.cpu().numpy().reshape(len(mats), S, n, d)
    ratio = probes.coupled_distance(X[1:], X[0][None]) / p["eps"]  # [2·ranks, S]
    k = len(p["ranks"])
    return {"ranks": list(p["ranks"]), "op": plain(ratio[:k]), "fro": plain(ratio[k:])}


def _meanfield_cell(p: dict, seed: int) -> dict:
    V = base_V(p)
    d, n, S = V.shape[0], p["n"], p["seeds"]
    delta = probes.random_lora(d, 2, p["eps"], seed=MEANFIELD_DIRECTION_SEED)
    X0 = probes.uniform_sphere(S, n, d, seed=seed, device=str(tensor(0, p).device))
    out = []
    for start in range(0, S, p["chunk"]):
        part = X0[start: start + p["chunk"]]
        B = part.shape[0]
        X, _ = run_ensemble(part.repeat(2, 1, 1), np.stack([V] * B + [V + delta] * B), p,
                            p["t"])
        out.extend(probes.coupled_distance(X[B:].cpu().numpy(), X[:B].cpu().numpy()))
    return {"n": n, "coupled": plain(out)}


def _v1_times(p: dict, h: float) -> dict:
    n, eps = p["n"], list(p["eps"])
    x0 = np.random.RandomState(p["v1_seed"]).uniform(-1, 1, size=(n, 2))
    diags = np.array([[1.0, 1.0]] + [[1.0, 1.0 - e] for e in eps])
    X0 = tensor(np.stack([x0] * len(diags)), p)
    Vs = np.stack([np.diag(v) for v in diags])
    _, snaps = run_ensemble(X0, Vs, p, p["T"], beta=1.0, h=h, record_dt=h, sphere=False,
                            method="rk4")
    snaps = snaps.cpu().numpy()  # [S, members, n, 2]
    times = np.arange(snaps.shape[0]) * h
    z = snaps * np.exp(-times[:, None, None, None] * diags[None, :, None, :])
    centres = z[int(round(p["cluster_T"] / h)), 0]  # every base token's z at t = 20
    worst = np.sqrt(((z[:, :, :, None, :] - centres[None, None, None]) ** 2).sum(-1)
                    ).min(-1).max(-1)  # [S, members]: max_i min_c ‖z_i − c‖
    tube = p["tube"]
    entry, departure, clusters_end = [], [], []
    for m in range(len(diags)):
        inside = np.nonzero(worst[:, m] < tube)[0]
        t_in = float(times[inside[0]]) if inside.size else float("nan")
        later = np.nonzero((worst[:, m] > tube) & (times > t_in))[0] if inside.size else []
        entry.append(t_in)
        departure.append(float(times[later[0]]) if len(later) else float("inf"))
        final = z[-1, m]
        close = np.sqrt(((final[:, None] - final[None]) ** 2).sum(-1)) < tube
        clusters_end.append(int(connected_components(close, directed=False)[0]))
    close0 = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(-1)) < tube
    return {"entry": entry, "departure": departure, "clusters_end": clusters_end,
            "base_clusters": int(connected_components(close0, directed=False)[0]),
            "finite": bool(np.isfinite(snaps).all())}


def _v1_cell(p: dict, seed: int) -> dict:
    """v1's experiment: x0 ~ U[−1, 1]^{n×2} (numpy's legacy generator seeded with
    ``v1_seed``, as in v1's notebook), A = I, base V = I, LoRA V = diag(1, 1 − ε). Integrated
    in x (dx_i/dt = Σ_j softmax_j(⟨x_i, x_j⟩) V x_j) by stage-consistent RK4 at v1's dt,
    measured in z = e^{−tV}x against the base clusters (the base tokens' z at t = 20);
    entry: first t with max_i min_c ‖z_i − c‖ < δ; departure: the first t after entry with
    it > δ. Run again at dt/2 to show how much the times depend on the step."""
    out, fine = _v1_times(p, p["h"]), _v1_times(p, p["h"] / 2)
    return {"v1_seed": p["v1_seed"], "eps": list(p["eps"]), "entry": out["entry"][1:],
            "departure": out["departure"][1:], "departure_half_step": fine["departure"][1:],
            "base_entry": out["entry"][0], "base_departure": out["departure"][0],
            "base_clusters": out["base_clusters"], "clusters_end": out["clusters_end"][1:],
            "finite": out["finite"] and fine["finite"]}


def _beta_cell(p: dict, seed: int) -> dict:
    V = base_V(p)
    d, n, S, betas = V.shape[0], p["n"], p["seeds"], list(p["betas"])
    X0 = probes.uniform_sphere(S, n, d, seed=seed, device=str(tensor(0, p).device))
    E = np.stack([probes.random_lora(d, 2, p["eps"], seed=seed + 1 + s) for s in range(S)])
    k = len(betas)
    Vs = np.concatenate([np.stack([V] * S)] * k + [V + E] * k)
    beta = np.repeat(np.array(betas * 2, dtype=np.float64), S)
    _, snaps = run_ensemble(X0.repeat(2 * k, 1, 1), Vs, p, p["T"], beta=beta,
                            record_dt=p["record_dt"])
    snaps = snaps.cpu().numpy()
    times = np.arange(snaps.shape[0]) * p["record_dt"]
    D = probes.coupled_distance(snaps[:, k * S:], snaps[:, : k * S])  # [t, k·S]
    t_dev = [[probes.time_to_deviation(times, D[:, b * S + s], p["delta"]) for s in range(S)]
             for b in range(k)]
    return {"betas": betas, "t_dev": plain(t_dev), "T": p["T"],
            "sup": plain(D.max(0).reshape(k, S))}


KINDS = {"rank": _rank_cell, "meanfield": _meanfield_cell, "v1": _v1_cell,
         "beta": _beta_cell}
