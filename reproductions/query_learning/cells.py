"""The cell function of the query-learning sweep and the grid it runs over.

Every cell builds its own hidden model from its seed, asks the oracle through a learner, and
returns plain JSON: the oracle's query count, the error of the estimate, and what the claim
needs. Kinds: ``exact`` (B1), ``precision`` (B2), ``lowrank`` (B3), ``noise`` (B4),
``transformer`` (B5; ``bias`` true is its negative control), ``multihead`` (B6),
``canonical`` (B7), ``gpu`` (B8, on a GPU only).
"""

from __future__ import annotations

import numpy as np
import torch

from attnlab import probes, theory

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import payloads
from .config import Config

__all__ = ["CELL_FUNCTION", "grid"]

_DTYPE = {"float64": torch.float64, "float32": torch.float32, "float16": torch.float16,
          "bfloat16": torch.bfloat16}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed) % 2**63)


def _rel(est, true) -> float:
    est, true = torch.as_tensor(est, dtype=torch.float64), torch.as_tensor(true,
                                                                           dtype=torch.float64)
    return float(torch.linalg.norm(est - true) / torch.linalg.norm(true))


def _exact_cell(p: dict, seed: int) -> dict:
    d, s = p["d"], p["s"]
    runs = []
    for k in range(p["seeds"]):
        g = _gen(seed + k)
        W = torch.randn(d, d, generator=g, dtype=torch.float64) * s / d**0.5
        v = torch.randn(d, generator=g, dtype=torch.float64)
        oracle = probes.AttentionOracle(W, v)
        est = probes.learn_exact(oracle)
        runs.append({"queries": oracle.log.queries, "max_length": oracle.log.max_length,
                     "calls": oracle.log.calls, "err_W": _rel(est.W, W),
                     "max_entry_err_W": float(((est.W - W).abs() / W.abs()).max()),
                     "err_v": _rel(est.v, v), "seconds": est.seconds})
    return {"runs": runs}


def _precision_cell(p: dict, seed: int) -> dict:
    """Unit and adaptive probes on W = z·S over the logit grid z, in one oracle dtype."""
    d, dtype = p["d"], _DTYPE[p["dtype"]]
    eps = float(torch.finfo(dtype).eps)
    out = []
    for k in range(p["seeds"]):
        g = _gen(seed + k)
        S = torch.where(torch.rand(d, d, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
        sign = torch.where(torch.rand(d, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
        v = sign * (0.5 + torch.rand(d, generator=g, dtype=torch.float64))
        for z in p["z"]:
            oracle = probes.AttentionOracle(z * S, v, dtype=dtype)
            W_t, v_t = oracle.stored  # what the oracle holds: the best a learner can get
            row = {"seed": k, "z": z}
            for name, learner in (("unit", probes.learn_exact), ("adaptive",
                                                                 probes.learn_adaptive)):
                before = oracle.log.queries
                est = learner(oracle)
                err = (est.W - W_t).abs() / W_t.abs()
                finite = torch.isfinite(est.W)
                row[f"{name}_nonfinite"] = int((~finite).sum())
                row[f"{name}_max_rel"] = float(err.max()) if bool(finite.all()) else float("inf")
                row[f"{name}_median_rel"] = float(err.nan_to_num(float("inf")).median())
                row[f"{name}_queries"] = oracle.log.queries - before
                if name == "unit":
                    pred = theory.unit_probe_error(W_t.numpy(), v_t.numpy(), eps)
                    absolute = (est.W - W_t).abs().numpy()
                    row["unit_rms_err"] = float(np.sqrt(np.mean(absolute**2)))
                    row["unit_rms_pred"] = float(np.sqrt(np.mean(pred**2)))
            out.append(row)
    return {"eps": eps, "rows": out}


def _lowrank_cell(p: dict, seed: int) -> dict:
    d, r = p["d"], p["r"]
    m = max(1, int(round(p["ratio"] * theory.low_rank_dof(d, r))))
    runs = []
    for k in range(p["trials"]):
        g = _gen(seed + k)
        A = torch.randn(d, r, generator=g, dtype=torch.float64)
        B = torch.randn(d, r, generator=g, dtype=torch.float64)
        W = A @ B.T / (r * d) ** 0.5
        v = torch.randn(d, generator=g, dtype=torch.float64)
        oracle = probes.AttentionOracle(W, v)
        est = probes.learn_low_rank(oracle, r, m, seed=seed + 7919 * (k + 1), method=p["method"])
        err = _rel(est.W, W)
        runs.append({"queries": oracle.log.queries, "err": err,
                     "success": bool(err <= p["tol"]), "iterations": est.iterations,
                     "seconds": est.seconds})
    return {"m": m, "runs": runs}


def _noise_cell(p: dict, seed: int) -> dict:
    d, B, mu = p["d"], p["norm"], p["margin"]
    runs = []
    for k in range(p["seeds"]):
        g = _gen(seed + k)
        W0 = torch.randn(d, d, generator=g, dtype=torch.float64)
        W = W0 * (B / torch.linalg.matrix_norm(W0, 2))  # ‖W‖₂ = B exactly
        sign = torch.where(torch.rand(d, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
        v = sign * mu * (1 + torch.rand(d, generator=g, dtype=torch.float64))
        noise = probes.Noise(p["noise"], p["tau"], seed=seed + k)
        oracle = probes.AttentionOracle(W, v, noise=noise)
        est = probes.learn_noisy(oracle, norm_bound=B, repeats=p["repeats"],
                                 probes=p["probes"])
        delta = (est.W - W).abs()
        finite = bool(torch.isfinite(est.W).all())
        runs.append({"err_fro": float(torch.linalg.norm(delta)) if finite else float("inf"),
                     "err_max": float(delta.max()) if finite else float("inf"),
                     "margin": float(v.abs().min()), "queries": oracle.log.queries,
                     "nonfinite": int((~torch.isfinite(est.W)).sum())})
    margin = min(r["margin"] for r in runs)
    bound = (float(theory.noisy_entry_bound(p["tau"], B, margin, probes=p["probes"]))
             if p["probes"] in theory.NOISY_PROBES else float("inf"))  # unit probes: none
    return {"entry_bound": bound, "runs": runs}


def _transformer_cell(p: dict, seed: int) -> dict:
    """B5: a one-layer transformer without (``bias`` false) or with (the negative control) a
    hidden bias b ~ N(0, 1/d), the size of M a(X) on the learner's unit probes."""
    d = p["d"]
    k, h = max(2, d // 2), 2 * d
    runs = []
    for s in range(p["seeds"]):
        g = _gen(seed + s)
        W = torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5
        V = torch.randn(k, d, generator=g, dtype=torch.float64) / d**0.5
        M = torch.randn(h, k, generator=g, dtype=torch.float64) / k**0.5
        u = torch.randn(h, generator=g, dtype=torch.float64) / h**0.5
        bias = (torch.randn(h, generator=g, dtype=torch.float64) / d**0.5 if p["bias"]
                else None)
        oracle = probes.TransformerOracle(W, V, M, u, bias=bias)
        v_eff = oracle.effective_value
        X = torch.randn(p["queries"], 5, d, generator=g, dtype=torch.float64)
        odd = oracle(X) - oracle(-X)
        head = probes.AttentionOracle(W, v_eff)(X)
        identity = float((odd - head).abs().max() / head.abs().max())
        before = oracle.log.queries
        est = probes.learn_transformer(oracle)
        runs.append({"identity_rel": identity, "queries": oracle.log.queries - before,
                     "err_W": _rel(est.W, W), "err_v": _rel(est.v, v_eff),
                     "max_length": est.max_length})
    return {"runs": runs}


def _multihead_cell(p: dict, seed: int) -> dict:
    """B6: per seed, the three equivalent pairs (a third head shared by both sides at H = 3),
    and the single-head learner's consistency check on each and on a true single head."""
    d, heads = p["d"], p["heads"]
    out = []
    for k in range(p["seeds"]):
        pairs = theory.equivalent_multi_head_pairs(d, seed=seed + k)
        g = _gen(seed + k)
        X = torch.randn(p["queries"], 5, d, generator=g, dtype=torch.float64)
        extra_W = torch.randn(heads - 2, d, d, generator=g, dtype=torch.float64) / d**0.5
        extra_v = torch.randn(heads - 2, d, generator=g, dtype=torch.float64)
        row = {}
        for kind, ((W1, v1), (W2, v2)) in pairs.items():
            W1, v1, W2, v2 = (torch.from_numpy(a) for a in (W1, v1, W2, v2))
            W1, W2 = torch.cat([W1, extra_W]), torch.cat([W2, extra_W])
            v1, v2 = torch.cat([v1, extra_v]), torch.cat([v2, extra_v])
            a, b = probes.MultiHeadOracle(W1, v1), probes.MultiHeadOracle(W2, v2)
            distance = float(torch.sqrt(((W1 - W2) ** 2).sum() + ((v1 - v2) ** 2).sum()))
            fa = a(X)
            row[kind] = {"distance": distance,
                         "max_output_diff": float((fa - b(X)).abs().max()),
                         "output_scale": float(fa.abs().max()),
                         "consistency_multi": probes.consistency_check(
                             a, probes.learn_exact(a), seed=seed + k)}
        single = probes.AttentionOracle(
            torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5,
            torch.randn(d, generator=g, dtype=torch.float64))
        row["consistency_single"] = probes.consistency_check(
            single, probes.learn_exact(single), seed=seed + k)
        out.append(row)
    return {"seeds": out}


def _canonical_cell(p: dict, seed: int) -> dict:
    """B7: the canonical multi-head learner on generic H-head models, W_h ~ N(0, 1/d),
    v_h ~ N(0, I); error against the truth in canonical order (sorted by v_h[0])."""
    d, heads = p["d"], p["heads"]
    runs = []
    for k in range(p["seeds"]):
        g = _gen(seed + k)
        W = torch.randn(heads, d, d, generator=g, dtype=torch.float64) / d**0.5
        v = torch.randn(heads, d, generator=g, dtype=torch.float64)
        oracle = probes.MultiHeadOracle(W, v)
        est = probes.learn_multi_head(oracle, heads, seed=seed + 7919 * (k + 1))
        order = torch.argsort(-v[:, 0])
        fitted = probes.MultiHeadOracle(est.W.nan_to_num(), est.v.nan_to_num())
        X = torch.randn(1000, 5, d, generator=g, dtype=torch.float64)
        runs.append({"queries": est.queries, "max_length": est.max_length,
                     "err_W": _rel(est.W.nan_to_num(), W[order]),
                     "err_v": _rel(est.v.nan_to_num(), v[order]),
                     "consistency": float((fitted(X) - oracle(X)).abs().max()),
                     "rows": est.rows, "directions": est.directions})
    return {"budget": theory.canonical_multi_head_count(d, heads), "runs": runs}


def _gpu_cell(p: dict, seed: int) -> dict:
    """B8: batched exact recovery of a d × d head (d² length-2 queries in blocks) on the
    device, in a low-precision oracle; unit probes against adaptive ones."""
    import time

    d, dtype, dev = p["d"], _DTYPE[p["dtype"]], p["device"]
    g = torch.Generator(device=dev).manual_seed(seed)
    W = torch.randn(d, d, generator=g, device=dev, dtype=torch.float64) / d**0.5
    v = torch.randn(d, generator=g, device=dev, dtype=torch.float64)
    out = {}
    for name in ("unit", "adaptive"):
        oracle = probes.AttentionOracle(W, v, dtype=dtype, device=dev)
        W_t, _ = oracle.stored
        if dev == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        est = (probes.learn_exact(oracle, chunk=p["chunk"]) if name == "unit"
               else probes.learn_adaptive(oracle, chunk=p["chunk"]))
        if dev == "cuda":
            torch.cuda.synchronize()
        finite = torch.isfinite(est.W)
        out[name] = {"queries": oracle.log.queries, "calls": oracle.log.calls,
                     "seconds": time.perf_counter() - t0,
                     "nonfinite": int((~finite).sum()),
                     "err_W": _rel(est.W.nan_to_num(0.0, 0.0, 0.0), W_t)}
    return out


_KINDS = {"exact": _exact_cell, "precision": _precision_cell, "lowrank": _lowrank_cell,
          "noise": _noise_cell, "transformer": _transformer_cell, "multihead": _multihead_cell,
          "canonical": _canonical_cell, "gpu": _gpu_cell}


def _cell(params: dict, seed: int) -> dict:
    """One cell. The CPU kinds work on small tensors (d ≤ 32 at quick scale), where torch's
    and BLAS's thread pools only add contention (ten- to forty-fold slower on a busy 2-core
    machine), so they run on one thread; the low-rank solver picks its BLAS thread count by
    problem size, the GPU cells keep the engine's budget."""
    from threadpoolctl import threadpool_limits

    if params["kind"] == "gpu" or (params["kind"] == "lowrank" and params["d"] > 32):
        return run_kind(_KINDS, params, seed)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1, user_api="blas"):
            return run_kind(_KINDS, params, seed)
    finally:
        torch.set_num_threads(before)


# version 4: noise cells name their probe design, transformer cells their bias, multihead
# cells run several seeds, canonical (B7) cells are new; small cells run on one thread
CELL_FUNCTION = CellFunction(name="query_learning.cell", version=4, fn=_cell,
                             check=payloads.check)


def _seed(config: Config, *parts) -> int:
    return cell_seed(config.seed, *parts)


def _noise_params(config: Config):
    """(sweep, params) of every B4 cell: τ per noise kind (query-scaled probes), then one
    factor at a time for both probe designs (and the unit-probe control over ‖W‖), then the
    repeats."""
    base = {"d": config.noise_d, "norm": config.noise_norm, "margin": config.noise_margin,
            "tau": config.noise_sweep_tau, "noise": "uniform", "repeats": 1,
            "probes": "query-scaled"}
    for kind in ("uniform", "gaussian", "adversarial"):
        for tau in config.noise_tau:
            yield "tau", {**base, "noise": kind, "tau": tau}
    for design in ("query-scaled", "key-scaled", "unit"):
        for norm in config.noise_norms:
            yield "norm", {**base, "norm": norm, "probes": design}
    for design in ("query-scaled", "key-scaled"):
        for d in config.noise_dims:
            yield "dim", {**base, "d": d, "probes": design}
        for mu in config.noise_margins:
            yield "margin", {**base, "margin": mu, "probes": design}
    for kind in ("uniform", "gaussian", "adversarial"):
        for r in config.noise_repeats:
            yield "repeats", {**base, "noise": kind, "tau": config.noise_repeat_tau,
                              "repeats": r}


def grid(config: Config) -> list[Cell]:
    # the GPU cells first (a run cut short still has B8), then the longest CPU cells, so a
    # cluster's workers do not wait on one at the end
    cells = [Cell({"kind": "gpu", "d": d, "dtype": dtype, "device": config.device,
                   "chunk": config.gpu_chunk}, _seed(config, "gpu", d, dtype))
             for d in config.gpu_d for dtype in config.gpu_dtypes]
    for d in sorted(config.lowrank_d, reverse=True):
        for method, ds, trials in (("factored", config.lowrank_d, config.lowrank_trials),
                                   ("nuclear", config.nuclear_d, config.nuclear_trials)):
            if d not in ds:
                continue
            for r in config.lowrank_r:
                if r > d // 2 or d * r > config.lowrank_max_dr:
                    continue
                if max(config.lowrank_ratio) * theory.low_rank_dof(d, r) > d * d:
                    continue  # the grid reaches d² measurements: B3 cannot judge it there
                for ratio in config.lowrank_ratio:
                    params = {"kind": "lowrank", "method": method, "d": d, "r": r,
                              "ratio": ratio, "trials": trials, "tol": config.success_tol}
                    cells.append(Cell(params, _seed(config, "lowrank", method, d, r, ratio)))
    for d in config.exact_d:
        for s in config.exact_s:
            cells.append(Cell({"kind": "exact", "d": d, "s": s, "seeds": config.exact_seeds},
                              _seed(config, "exact", d, s)))
    for dtype in config.precision_dtypes:
        cells.append(Cell({"kind": "precision", "dtype": dtype, "d": config.precision_d,
                           "z": list(config.precision_z), "seeds": config.precision_seeds},
                          _seed(config, "precision", dtype)))
    for sweep, params in _noise_params(config):
        params = {"kind": "noise", "sweep": sweep, **params, "seeds": config.noise_seeds}
        cells.append(Cell(params, _seed(config, "noise", sorted(params.items()))))
    for bias in (False, True):
        for d in config.transformer_d:
            cells.append(Cell({"kind": "transformer", "d": d, "bias": bias,
                               "seeds": config.transformer_seeds, "queries": 2000},
                              _seed(config, "transformer", d, bias)))
    for heads in (2, 3):
        cells.append(Cell({"kind": "multihead", "d": config.multihead_d, "heads": heads,
                           "queries": config.multihead_queries,
                           "seeds": config.multihead_seeds},
                          _seed(config, "multihead", heads)))
    for heads in config.canonical_heads:
        cells.append(Cell({"kind": "canonical", "d": config.canonical_d, "heads": heads,
                           "seeds": config.canonical_seeds},
                          _seed(config, "canonical", config.canonical_d, heads)))
    return cells
