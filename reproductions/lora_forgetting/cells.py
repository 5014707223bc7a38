"""The cell function of the lora-forgetting sweep and its grid. Kinds: ``numerics`` (T11),
``response`` (T1, T2), ``transition`` (T4), ``depth`` (T3, T5, figures), ``rank`` (T6),
``meanfield`` (T7), ``v1`` (T8, T9), ``beta`` (T10). A cell integrates its whole ensemble
(seeds × perturbations) as one batched tensor and returns plain JSON."""

from __future__ import annotations

import numpy as np
import torch

from attnlab import probes, theory

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import payloads
from .cells_more import KINDS as MORE_KINDS
from .config import Config
from .runs import base_V, plain, run_ensemble, tensor, w2_series

__all__ = ["CELL_FUNCTION", "grid"]


def _numerics_cell(p: dict, seed: int) -> dict:
    V = base_V(p)
    d, n = V.shape[0], p["n"]
    X0 = probes.uniform_sphere(2, n, d, seed=seed, device=str(tensor(0, p).device))
    Vs = np.stack([V, V])
    # RK4 order: errors against a run at h_min/16
    steps = sorted(p["gate_steps"], reverse=True)
    ref, _ = run_ensemble(X0, Vs, p, p["gate_T"], h=steps[-1] / 16, method="rk4")
    errors = [float((run_ensemble(X0, Vs, p, p["gate_T"], h=h, method="rk4")[0] - ref)
                    .abs().max()) for h in steps]
    # unit norm, base-vs-base and refinement on a LoRA past the gap (ε = g + 0.03)
    g = theory.eigen_gap(V)
    pair = np.stack([V, V + probes.aligned_lora(V, g + 0.03)])
    same = np.stack([V, probes.perturbed(V, 0.0 * probes.aligned_lora(V, 1.0))[0]])
    X_same, _ = run_ensemble(X0[:1].expand(2, n, d).contiguous(), same, p, p["halving_T"],
                             method="dop853")
    X_a, _ = run_ensemble(X0, pair, p, p["halving_T"], method="dop853")
    X_a2, _ = run_ensemble(X0, pair, p, p["halving_T"], method="dop853", rtol=p["rtol"] / 100)
    X_h, _ = run_ensemble(X0, pair, p, p["response_T"], method="rk4")
    X_h2, _ = run_ensemble(X0, pair, p, p["response_T"], method="rk4", h=p["h"] / 2)
    free = probes.ParticleSystem(tensor(Vs, p), tensor(np.eye(d), p), p["beta"]).field
    unprojected = probes.rk4(X0, free, h=p["h"], steps=int(round(p["gate_T"] / p["h"])),
                             project=False)[0]
    norm = torch.linalg.vector_norm
    return {"steps": list(steps), "errors": errors, "field_naive": _naive_field_error(p, pair, X0),
            "norm_error": max(float((norm(X, dim=-1) - 1).abs().max()) for X in (X_a, X_h)),
            "norm_error_unprojected": float((norm(unprojected, dim=-1) - 1).abs().max()),
            "base_vs_base": float((X_same[0] - X_same[1]).abs().max()),
            "halving": float((X_h - X_h2).abs().max()),
            "refinement": float((X_a - X_a2).abs().max())}


def _naive_field_error(p: dict, Vs: np.ndarray, X0) -> float:
    """max |F − F_naive| between the batched field and a per-token loop of the formula
    F_i = P⊥_{x_i} Σ_j softmax_j(β⟨x_i, x_j⟩) V x_j (Q = K = I)."""
    X = X0.cpu().numpy()
    fast = probes.ParticleSystem(tensor(Vs, p), tensor(np.eye(X.shape[-1]), p),
                                 p["beta"]).field(X0).cpu().numpy()
    worst = 0.0
    for b in range(X.shape[0]):
        for i, x in enumerate(X[b]):
            logits = p["beta"] * np.array([x @ y for y in X[b]])
            w = np.exp(logits - logits.max())
            w /= w.sum()
            y = sum(w[j] * (Vs[b] @ X[b, j]) for j in range(X.shape[1]))
            worst = max(worst, float(np.abs(y - (x @ y) * x - fast[b, i]).max()))
    return worst


def _response_cell(p: dict, seed: int) -> dict:
    V = base_V(p)
    d, n, R, eps = V.shape[0], p["n"], p["seeds"], list(p["eps"])
    X0 = probes.uniform_sphere(R, n, d, seed=seed, device=str(tensor(0, p).device))
    E = np.stack([probes.random_lora(d, p["rank"], 1.0, seed=seed + 1 + r) for r in range(R)])
    Vs = np.concatenate([np.stack([V] * R)] + [V + e * E for e in eps])
    X = X0.repeat(len(eps) + 1, 1, 1)
    _, snaps = run_ensemble(X, Vs, p, p["T"], record_dt=p["record_dt"], method="rk4")
    snaps = snaps.cpu().numpy()
    base, lora = snaps[:, :R], snaps[:, R:].reshape(snaps.shape[0], len(eps), R, n, d)
    coupled = probes.coupled_distance(lora, base[:, None])  # [S, eps, R]
    worst = probes.max_distance(lora, base[:, None])
    w2 = np.array([[w2_series(base[:, r], lora[:, k, r]) for r in range(R)]
                   for k in range(len(eps))])  # [eps, R, S]
    # the tangent of the same RK4 map (step p["h"]): D/ε → its RMS as ε → 0
    tangent = probes.linear_response(X0, tensor(np.stack([V] * R), p), tensor(E, p),
                                     tensor(np.eye(d), p), p["beta"], h=p["h"],
                                     steps=int(round(p["T"] / p["h"])),
                                     record_every=int(round(p["record_dt"] / p["h"])))
    jvp = np.sqrt((tangent.detach().cpu().numpy() ** 2).sum(-1).mean(-1))  # [S, R]
    L = theory.lipschitz_constant(V, p["beta"])
    return {"times": plain(np.arange(snaps.shape[0]) * p["record_dt"]), "eps": eps,
            "coupled": plain(coupled.transpose(1, 2, 0)), "max": plain(worst.transpose(1, 2, 0)),
            "w2": plain(w2), "jvp": plain(jvp.T), "lipschitz": L,
            "delta": [theory.field_difference_bound(e * E[0], p["beta"]) for e in eps]}


def _alignment(X: np.ndarray, projector: np.ndarray) -> np.ndarray:
    """mean_i ⟨x_i, v₂⟩² for X [..., n, d] and P = v₂v₂ᵀ: > ½ once the cloud has flipped
    to ±v₂ (the Oja flow's new terminal state), whatever its cluster split."""
    return np.einsum("...ni,ij,...nj->...n", X, projector, X).mean(-1)


def _top_projector(V: np.ndarray) -> np.ndarray:
    v = theory.oja_terminal_state(V)
    return np.outer(v, v)


def _transition_cell(p: dict, seed: int) -> dict:
    """Bisection, per seed, for the smallest ε whose cloud has flipped to ±v₂ by t = T
    (ΔV = ε v₂v₂ᵀ); then W₂(μ_T, μ̃_T) at 0.9ε* and 1.1ε*."""
    V = base_V(p)
    d, n, S = V.shape[0], p["n"], p["seeds"]
    g = theory.eigen_gap(V)
    X0 = probes.uniform_sphere(S, n, d, seed=seed, device=str(tensor(0, p).device))
    unit = probes.aligned_lora(V, 1.0)
    base = run_ensemble(X0, np.stack([V] * S), p, p["T"])[0].cpu().numpy()
    merged = run_ensemble(X0, np.stack([V] * S), p, p["merge_T"])[0].cpu().numpy()

    def terminal(eps):
        X = run_ensemble(X0, V + np.asarray(eps)[:, None, None] * unit, p, p["T"])[0]
        return X.cpu().numpy()

    lo, hi = np.full(S, 0.5 * g), np.full(S, 1.5 * g)
    bracketed = (_alignment(terminal(lo), unit) <= 0.5) & (_alignment(terminal(hi), unit) > 0.5)
    for _ in range(p["bisect_iters"]):
        mid = (lo + hi) / 2
        flipped = _alignment(terminal(mid), unit) > 0.5
        hi, lo = np.where(flipped, mid, hi), np.where(flipped, lo, mid)
    critical = np.where(bracketed, (lo + hi) / 2, np.nan)
    safe = np.where(bracketed, critical, g)
    w2 = {}
    for name, factor in (("w2_below", 0.9), ("w2_above", 1.1)):
        X = terminal(factor * safe)
        w2[name] = [probes.w2_exact(a, b) for a, b in zip(base, X, strict=True)]
    return {"gap": g, "critical": plain(critical), **{k: plain(v) for k, v in w2.items()},
            "base_a1_merge": plain(_alignment(merged, _top_projector(V)))}


def _last_crossing(times, series, level: float) -> float:
    """The last recorded t at which ``series`` rises above ``level`` and stays there to the
    end (∞ if it ends at or below ``level``)."""
    series = np.asarray(series)
    if series[-1] <= level:
        return float("inf")
    below = np.nonzero(series <= level)[0]
    return float(times[below[-1] + 1]) if below.size else float(times[0])


def _merging(times, clouds, projector, level: float) -> dict:
    """For clouds [t, k, S, n, d]: the first t at which mean_{i≠j} ⟨x_i, x_j⟩² ≥ ``level``
    (one cluster up to sign) and mean ⟨x, v₁⟩² then (NaN if it never merges)."""
    n = clouds.shape[-2]
    when, side = [], []
    for k in range(clouds.shape[1]):
        gram = np.einsum("tsnd,tsmd->tsnm", clouds[:, k], clouds[:, k]) ** 2
        index = (gram.sum((-1, -2)) - n) / (n * (n - 1))  # [t, S]
        a1 = _alignment(clouds[:, k], projector)
        row_t, row_a = [], []
        for s in range(clouds.shape[2]):
            hit = np.nonzero(index[:, s] >= level)[0]
            row_t.append(float(times[hit[0]]) if hit.size else float("inf"))
            row_a.append(float(a1[hit[0], s]) if hit.size else float("nan"))
        when.append(row_t)
        side.append(row_a)
    return {"lora_merge_t": plain(when), "lora_a1_at_merge": plain(side)}


def _depth_cell(p: dict, seed: int) -> dict:
    V = base_V(p)
    d, n, S = V.shape[0], p["n"], p["seeds"]
    g = theory.eigen_gap(V)
    eps = [g + o for o in p["offsets"]] + list(p["below"])
    X0 = probes.uniform_sphere(S, n, d, seed=seed, device=str(tensor(0, p).device))
    unit = probes.aligned_lora(V, 1.0)
    Vs = np.concatenate([np.stack([V] * S)] + [np.stack([V + e * unit] * S) for e in eps])
    _, snaps = run_ensemble(X0.repeat(len(eps) + 1, 1, 1), Vs, p, p["T"],
                            record_dt=p["record_dt"])
    snaps = snaps.cpu().numpy()
    times = np.arange(snaps.shape[0]) * p["record_dt"]
    base = snaps[:, :S]
    lora = snaps[:, S:].reshape(len(times), len(eps), S, n, d)
    coupled = probes.coupled_distance(lora, base[:, None])  # [t, eps, S]
    w2 = np.array([[w2_series(base[:, s], lora[:, k, s]) for s in range(S)]
                   for k in range(len(eps))])  # [eps, S, t]
    aligned = _alignment(lora, unit)  # [t, eps, S]
    # T*: the last upward crossing of the level (0.9: the flip that lasts, well past the
    # v₁/v₂ diagonal); ∞ if not flipped at the end
    t_star = [[_last_crossing(times, aligned[:, k, s], p["t_star_level"]) for s in range(S)]
              for k in range(len(eps))]
    merge = int(round(p["merge_T"] / p["record_dt"]))
    t_dev = [[[probes.time_to_deviation(times, coupled[:, k, s], dl) for s in range(S)]
              for k in range(len(eps))] for dl in p["deltas"]]
    half = len(times) // 2
    stride = max(1, len(times) // 120)
    # the discrete-depth model (x ← normalize(x + h F(x))) for the oversmoothing figure
    system = probes.ParticleSystem(tensor(np.stack([V, V + eps[-len(p["below"]) - 1] * unit]),
                                          p), tensor(np.eye(d), p), p["beta"])
    layers = probes.discrete_depth(X0[:1].expand(2, n, d).contiguous(), system.field,
                                   h=p["depth_h"],
                                   layers=int(round(p["T"] / p["depth_h"]))).cpu().numpy()
    return {"gap": g, "eps": eps, "times": plain(times[::stride]),
            "t_star": plain(t_star), "t_dev": plain(t_dev),
            "sup_full": plain(coupled.max(0).T), "sup_half": plain(coupled[: half + 1].max(0).T),
            "terminal_w2": plain(w2[:, :, -1]),
            # seeds whose base cloud itself passes near ±v₂ (merges by the saddle): there the
            # flip time is the base's escape time, not the LoRA's (T5 sets them apart)
            "base_a2_max": plain(_alignment(base, unit).max(0)),
            "base_a1_merge": plain(_alignment(base[merge], _top_projector(V))),
            # when each LoRA cloud first merges (up to sign) and on which side of the v₁/v₂
            # diagonal: the starting point of the Oja flow whose slow exit T5's law describes
            **_merging(times, lora, _top_projector(V), p["merged_cos2"]),
            # the base cloud's side at its own merge moment (T5's blind selection: nothing
            # from the LoRA run)
            "base_a1_own_merge": _merging(times, base[:, None], _top_projector(V),
                                          p["merged_cos2"])["lora_a1_at_merge"][0],
            "coupled_seed0": plain(coupled[::stride, :, 0].T),
            "w2_seed0": plain(w2[:, 0, ::stride]),
            "oversmoothing": plain(probes.oversmoothing_index(base[::stride, 0])),
            "oversmoothing_discrete": plain(probes.oversmoothing_index(layers[::stride * 5, 0])),
            "trajectory_base": plain(base[::stride, 0]),
            "trajectory_lora": plain(lora[::stride, len(p["offsets"]) - 1, 0]),
            "lipschitz": theory.lipschitz_constant(V, p["beta"])}


_KINDS = {"numerics": _numerics_cell, "response": _response_cell,
          "transition": _transition_cell, "depth": _depth_cell, **MORE_KINDS}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


CELL_FUNCTION = CellFunction(name="lora_forgetting.cell", version=5, fn=_cell,
                             check=payloads.check)


def grid(config: Config) -> list[Cell]:
    c = config
    base = {"d": c.d, "n": c.n, "beta": c.beta, "V_diag": list(c.V_diag), "h": c.h,
            "rtol": c.rtol, "method": "dop853", "device": c.device, "record_dt": c.record_dt}

    def cell(kind, **params):
        p = {"kind": kind, **base, **params}
        identity = sorted((k, repr(v)) for k, v in p.items() if k != "device")
        return Cell(p, cell_seed(c.seed, kind, identity))

    cells = [cell("numerics", gate_steps=list(c.gate_steps), gate_T=c.gate_T,
                  halving_T=c.halving_T, response_T=c.response_T),
             cell("response", eps=list(c.response_eps), T=c.response_T, rank=c.response_rank,
                  seeds=c.response_seeds),
             cell("transition", T=c.transition_T, seeds=c.transition_seeds, merge_T=c.merge_T,
                  bisect_iters=c.bisect_iters),
             cell("depth", offsets=list(c.depth_offsets), below=list(c.below_eps), T=c.depth_T,
                  seeds=c.depth_seeds, deltas=list(c.deviation_deltas), depth_h=c.depth_h,
                  merge_T=c.merge_T, merged_cos2=c.merged_cos2, t_star_level=c.t_star_level),
             cell("rank", rank_d=c.rank_d, ranks=list(c.rank_values), seeds=c.rank_seeds,
                  eps=c.rank_eps, t=c.rank_t),
             cell("beta", betas=list(c.beta_values), seeds=c.beta_seeds, eps=c.beta_eps,
                  delta=c.beta_delta, T=c.beta_T)]
    for n in c.meanfield_n:
        cells.append(cell("meanfield", n=n, seeds=c.meanfield_seeds, eps=c.meanfield_eps,
                          t=c.meanfield_t, chunk=c.meanfield_chunk))
    for s in c.v1_seeds:
        cells.append(cell("v1", h=c.v1_h, v1_seed=s, eps=list(c.v1_eps), n=c.v1_n, T=c.v1_T_max,
                          cluster_T=c.v1_cluster_T, tube=c.v1_tube))
    return cells
