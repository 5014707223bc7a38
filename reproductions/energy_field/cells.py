"""The cell function of the energy-field sweep and its grid. Kinds: ``block`` (T0: exact
invariants on a random-init block of one family geometry), ``null`` (T1: Gaussian nulls at one
(L, d_h)), ``smollm2`` / ``minilm`` (T4, T2: real pretrained heads on one stdlib window),
``train`` (T2 on the toolkit's trained LMs), ``monitor`` (T3). Payloads are plain JSON."""

from __future__ import annotations

import numpy as np
import torch

from attnlab import probes, theory

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import payloads
from .cells_models import minilm_cell, monitor_cell, smollm2_cell, train_cell
from .config import Config

__all__ = ["CELL_FUNCTION", "grid", "field_change"]

SPAN_ROWS = 24  # rows checked by the row-wise span test (each costs one SVD)


def field_change(Q0, K0, Q1, K1) -> float:
    """max|Ẽ(Q1, K1) − Ẽ(Q0, K0)| / max|Ẽ(Q0, K0)| of the full field, float64."""
    E0 = theory.energy_field(np.asarray(Q0, np.float64), np.asarray(K0, np.float64))
    E1 = theory.energy_field(np.asarray(Q1, np.float64), np.asarray(K1, np.float64))
    return float(np.abs(E1 - E0).max() / np.abs(E0).max())


def _low_precision_i1(Q, K, dtype) -> float:
    """I1 of a field computed in ``dtype`` (logits, mean and centring), as a multiple of its
    first-order rounding bound: max_i |Σ_j Ẽ_ij| / (L·(⌈log₂L⌉ + 2)·u·max_j |S_ij|), u the unit
    roundoff. Each centred entry carries ≤ u|Ẽ_ij| ≤ 2u·max|S_i| and the row mean, summed
    pairwise, ≤ ⌈log₂L⌉·u·max|S_i|; L of them add up to the bound (≤ 1 when I1 holds in
    exact arithmetic). Row sums are read in float64."""
    q = torch.from_numpy(Q).to(dtype)
    k = torch.from_numpy(K).to(dtype)
    S = (q @ k.T) / torch.tensor(Q.shape[1] ** 0.5, dtype=dtype)
    E = (S - S.mean(dim=-1, keepdim=True)).double()
    L = S.shape[1]
    u = torch.finfo(dtype).eps / 2
    bound = L * (np.ceil(np.log2(max(L, 2))) + 2) * u * S.double().abs().amax(dim=-1)
    return float((E.sum(dim=-1).abs() / bound.clamp_min(1e-300)).max())


def _fixed_i1(Q, K, dtype) -> float:
    """The same field's I1 relative to max|Ẽ| (the spec's fixed-tolerance form)."""
    q = torch.from_numpy(Q).to(dtype)
    k = torch.from_numpy(K).to(dtype)
    S = (q @ k.T) / torch.tensor(Q.shape[1] ** 0.5, dtype=dtype)
    E = (S - S.mean(dim=-1, keepdim=True)).double()
    return float(E.sum(dim=-1).abs().max() / E.abs().max())


def _block_cell(p: dict, seed: int) -> dict:
    fam, L = p["family"], p["L"]
    b = probes.block_qk(fam, L, seed=seed)
    Q, K, g, window = b["Q"], b["K"], b["groups"], b["window"]
    d_h = Q.shape[-1]
    visible = theory.sliding_mask(L, window) if window else theory.causal_mask(L)
    rows = np.unique(np.linspace(1, L - 1, SPAN_ROWS).astype(int))
    rng = np.random.default_rng(seed + 1)
    shift = rng.standard_normal(d_h) * float(np.abs(K).mean()) * 3
    pre = probes.block_qk(fam, L, seed=seed, key_shift=shift)  # a key bias before positions
    qpre = probes.block_qk(fam, L, seed=seed, query_shift=shift)  # a query bias
    heads, groups = [], []
    for h in range(Q.shape[0]):
        kv = h // g
        q, k = Q[h], K[kv]
        full = theory.invariant_residuals(q, k)
        causal = theory.invariant_residuals(q, k, visible=visible)
        Ec = theory.energy_field(q, k, visible=visible)
        heads.append({
            "head": h, "kv": kv, **full,
            "causal_i1": causal["i1"], "causal_i2_softmax": causal["i2_softmax"],
            "causal_i2_logprob": causal["i2_logprob"], "causal_rank": causal["rank"],
            "row_span": theory.row_span_residual(q, k, Ec, visible, rows=rows),
            "i4": field_change(q, k, q, k + shift),  # translation of the encoded keys
            "ctrl_key_prebias": field_change(q, k, pre["Q"][h], pre["K"][kv]),
            "ctrl_query_bias": field_change(q, k, qpre["Q"][h], qpre["K"][kv]),
            "i1_fp32": _fixed_i1(q, k, torch.float32),
            "i1_bf16": _fixed_i1(q, k, torch.bfloat16),
            "i1_fp32_bound": _low_precision_i1(q, k, torch.float32),
            "i1_bf16_bound": _low_precision_i1(q, k, torch.bfloat16)})
    for kv in range(K.shape[0]):
        stacked = Q[kv * g:(kv + 1) * g].reshape(-1, d_h)
        s = np.linalg.svd(theory.energy_field(stacked, K[kv]), compute_uv=False)
        m = theory.head_metrics(stacked, K[kv])
        groups.append({"kv": kv, "group_tail": float(s[d_h] / s[0]) if s.size > d_h else 0.0,
                       **m})
    return {"d_h": d_h, "groups_size": g, "rotary": probes.energy_families()[fam].rotary,
            "heads": heads, "kv_heads": groups}


def _null_cell(p: dict, seed: int) -> dict:
    L, d_h = p["L"], p["d_h"]
    n = theory.null_samples(L, d_h, p["draws"], seed=seed, d_model=4 * d_h)
    keys = ("mu_K", "pr_over_L", "max_Lp", "ipr_top", "comps90", "comps90_wqk", "i6_slack")
    out = {k: n[k].tolist() for k in keys}
    r = min(d_h, L - 1)
    out["beta_mu95"] = theory.null_mu_quantile(L, r) if r < L - 1 else float("nan")
    return out


_KINDS = {"block": _block_cell, "null": _null_cell, "smollm2": smollm2_cell,
          "minilm": minilm_cell, "train": train_cell, "monitor": monitor_cell}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


CELL_FUNCTION = CellFunction(name="energy_field.cell", version=4, fn=_cell,
                             check=payloads.check)


def grid(config: Config) -> list[Cell]:
    s = config.seed
    cells = []
    for fam in config.block_families:
        for L in config.block_L:
            for r in range(config.block_seeds):
                cells.append(Cell({"kind": "block", "family": fam, "L": L, "replicate": r},
                                  cell_seed(s, "block", fam, L, r)))
    for L, d_h in config.null_points:
        draws = config.null_draws_large if d_h >= 64 else config.null_draws
        cells.append(Cell({"kind": "null", "L": L, "d_h": d_h, "draws": draws},
                          cell_seed(s, "null", L, d_h)))
    for L in config.smol_L:
        for i in range(config.smol_inputs):
            cells.append(Cell({"kind": "smollm2", "L": L, "input": i},
                              cell_seed(s, "smollm2", L, i)))
    for L in config.minilm_L:
        for i in range(config.minilm_inputs):
            cells.append(Cell({"kind": "minilm", "L": L, "input": i},
                              cell_seed(s, "minilm", L, i)))
    model = {"d_model": config.train_d_model, "layers": config.train_layers,
             "heads": config.train_heads, "context": config.train_context,
             "batch": config.train_batch, "device": config.device}
    for style in config.train_styles:
        for text in config.train_texts:
            cells.append(Cell({"kind": "train", "style": style, "text": text, **model,
                               "steps": config.train_steps, "lr": config.train_lr,
                               "every": config.train_every},
                              cell_seed(s, "train", style, text)))
    for r in range(config.monitor_seeds):
        for run, lr, bos in (("baseline", config.train_lr, False),
                             ("sink", config.train_lr, True),
                             ("high_lr", config.monitor_high_lr, False)):
            cells.append(Cell({"kind": "monitor", "run": run, "style": "gpt2", "text": "stdlib",
                               **model, "steps": config.monitor_steps, "lr": lr, "bos": bos,
                               "every": config.monitor_every, "dense": config.monitor_dense,
                               "replicate": r},
                              cell_seed(s, "monitor", r)))  # runs differ by the intervention
    return cells
