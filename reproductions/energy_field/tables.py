"""Cell payloads → tidy tables for the energy-field claims and figures (Lee, arXiv 2605.02907).

Measurements: ``block_heads`` / ``block_groups`` (T0), ``null`` + ``null_samples`` (T1),
``smollm2`` / ``minilm`` (+ ``sanity``; T4, T2), ``trained`` and ``training`` (T2 on our
models), ``monitor`` (T3). Theory for the figures: ``example`` (S and Ẽ of one small head),
``spectra`` (singular values of its full and causal fields), ``leverage`` (p_j against ℓ_j/sr),
so that ``figures`` computes nothing. Every real-head row carries ``mu_null95``, the Gaussian
null's 95% quantile of μ_K at its (L, r) (:func:`theory.null_mu_quantile`, checked in T1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from attnlab import probes, theory

from .._sweep import cells_of_kind
from .config import Config

__all__ = ["build_tables", "example_tables"]


def _null95(L: int, r: int) -> float:
    """μ_K's null 95% quantile; with r = L − 1 every leverage is (L−1)/L and μ_K ≡ 1."""
    if r >= L - 1:
        return 1.0
    return theory.null_mu_quantile(L, r) if r >= 1 else float("nan")


def _with_null(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    cache = {}
    for key in set(zip(frame.L, frame.rank_K, strict=True)):
        cache[key] = _null95(int(key[0]), int(key[1]))
    frame["mu_null95"] = [cache[k] for k in zip(frame.L, frame.rank_K, strict=True)]
    frame["mu_over_null"] = frame.mu_K / frame.mu_null95
    return frame


def _blocks(items):
    heads, groups = [], []
    for p, o in items:
        base = {"family": p["family"], "L": p["L"], "replicate": p["replicate"],
                "d_h": o["d_h"], "rotary": o["rotary"]}
        heads += [{**base, **h} for h in o["heads"]]
        groups += [{**base, **g} for g in o["kv_heads"]]
    return pd.DataFrame(heads), pd.DataFrame(groups)


def _nulls(items):
    rows, samples = [], []
    for p, o in items:
        mu = np.asarray(o["mu_K"])
        q, lo, hi = theory.null_quantile(mu, 0.95)
        rows.append({"L": p["L"], "d_h": p["d_h"], "draws": mu.size, "mu95": q, "mu95_low": lo,
                     "mu95_high": hi, "beta_mu95": o["beta_mu95"],
                     "mu_median": float(np.median(mu)),
                     "pr_over_L_05": float(np.quantile(o["pr_over_L"], 0.05)),
                     "max_Lp_95": float(np.quantile(o["max_Lp"], 0.95)),
                     "ipr_top_95": float(np.quantile(o["ipr_top"], 0.95)),
                     "comps90_median": float(np.median(o["comps90"])),
                     "comps90_wqk_median": float(np.median(o["comps90_wqk"])),
                     "i6_slack_max": float(np.max(o["i6_slack"]))})
        samples += [{"L": p["L"], "d_h": p["d_h"], "mu_K": m} for m in mu]
    return pd.DataFrame(rows), pd.DataFrame(samples)


def _real(items, model: str):
    """(heads, sanity, heads without position 0): the last has L = window − 1 (its null)."""
    rows, sanity, missing, nosink = [], [], [], []
    for p, o in items:
        if "missing" in o:
            missing.append(o["missing"])
            continue
        rows += [{"model": model, "L": p["L"], "input": p["input"], **h} for h in o["heads"]]
        nosink += [{"model": model, "L": p["L"] - 1, "window": p["L"], "input": p["input"],
                    **h} for h in o.get("heads_nosink", [])]
        if "nll" in o:
            sanity.append({"model": model, "L": p["L"], "nll": o["nll"],
                           "nll_shuffled": o["nll_shuffled"]})
    frame, nosink = _with_null(pd.DataFrame(rows)), _with_null(pd.DataFrame(nosink))
    if missing:
        frame.attrs["missing"] = nosink.attrs["missing"] = missing[0]
    return frame, sanity, nosink


def _trained(items):
    final, steps = [], []
    for p, o in items:
        for row in o["history"]:
            base = {"style": p["style"], "text": p["text"], "step": row["step"],
                    "eval_loss": row["eval_loss"]}
            for h in row.get("heads", []):
                steps.append({**base, **h, "L": p["context"]})
        last = o["history"][-1]
        final += [{"style": p["style"], "text": p["text"], "L": p["context"], "steps": last["step"],
                   "eval_loss": last["eval_loss"], **h} for h in last.get("heads", [])]
    return _with_null(pd.DataFrame(final)), _with_null(pd.DataFrame(steps))


def _monitor(items):
    rows = []
    for p, o in items:
        rows += [{"run": p["run"], "replicate": p.get("replicate", 0), "every": p["every"],
                  "L": p["context"],
                  "d_h": p["d_model"] // p["heads"], **r} for r in o["history"]]
    return pd.DataFrame(rows)


def example_tables(L: int = 160, family: str = "llama3.2", *, seed: int = 0) -> dict:
    """S vs Ẽ (``example``), singular spectra of the full and causal fields (``spectra``) and
    p_j vs ℓ_j/sr (``leverage``) of one random-init head of ``family``."""
    b = probes.block_qk(family, L, seed=seed)
    q, k = b["Q"][0], b["K"][0]
    d_h = q.shape[1]
    S = q @ k.T / np.sqrt(d_h)
    E = theory.energy_field(q, k)
    i, j = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
    example = pd.DataFrame({"i": i.ravel(), "j": j.ravel(), "S": S.ravel(), "E": E.ravel()})
    spectra = []
    for kind, vis in (("full", None), ("causal", theory.causal_mask(L))):
        s = np.linalg.svd(theory.energy_field(q, k, visible=vis), compute_uv=False)
        spectra += [{"field": kind, "index": n + 1, "sigma": float(v / s[0]), "d_h": d_h}
                    for n, v in enumerate(s)]
    Kc = k - k.mean(axis=0)
    U = np.linalg.svd(Kc, full_matrices=False)[0][:, :min(d_h, L - 1)]
    lev = (U ** 2).sum(axis=1)
    s = np.linalg.svd(E, compute_uv=False)
    sr = float((s ** 2).sum() / s[0] ** 2)
    p = (E ** 2).sum(axis=0) / (E ** 2).sum()
    leverage = pd.DataFrame({"j": np.arange(L), "p": p, "bound": lev / sr})
    return {"example": example, "spectra": pd.DataFrame(spectra), "leverage": leverage}


def build_tables(config: Config, cells, payloads) -> dict:
    heads, groups = _blocks(cells_of_kind(cells, payloads, "block"))
    null, samples = _nulls(cells_of_kind(cells, payloads, "null"))
    smol, sanity, smol_ns = _real(cells_of_kind(cells, payloads, "smollm2"), "SmolLM2-135M")
    mini, _, _ = _real(cells_of_kind(cells, payloads, "minilm"), "all-MiniLM-L6-v2")
    trained, training = _trained(cells_of_kind(cells, payloads, "train"))
    if not groups.empty:
        groups = _with_null(groups)
    return {"block_heads": heads, "block_groups": groups, "null": null,
            "null_samples": samples, "smollm2": smol, "smollm2_nosink": smol_ns, "minilm": mini,
            "sanity": pd.DataFrame(sanity), "trained": trained, "training": training,
            "monitor": _monitor(cells_of_kind(cells, payloads, "monitor")),
            **example_tables()}
