"""Cells on trained models for the energy-field sweep: the real SmolLM2-135M and MiniLM heads on
stdlib text (T4, T2), the toolkit's trained byte-level LMs (T2) and the monitor runs (T3).
A real model that is not installed gives ``{"missing": reason}`` (its claims: inconclusive)."""

from __future__ import annotations

import numpy as np
import torch

from attnlab import probes, theory

__all__ = ["smollm2_cell", "minilm_cell", "train_cell", "monitor_cell", "wqk_components"]

SPAN_ROWS = 6  # causal rows per real head checked by the row-wise span test


def wqk_components(Wq, Wk) -> int:
    """Components for 90% of ‖[W_Q1; …; W_Qg] W_Kᵀ‖_F² (``Wq: [g, d_model, d_h]``, ``Wk:
    [d_model, d_h]``), the bilinear form of one KV head, through R factors."""
    _, Rq = np.linalg.qr(np.asarray(Wq, np.float64).reshape(-1, Wq.shape[-1]))
    _, Rk = np.linalg.qr(np.asarray(Wk, np.float64))
    return theory.components_for(np.linalg.svd(Rq @ Rk.T, compute_uv=False))


def _head_invariants(q, k, visible, rows) -> dict:
    """I1, I2, I5 of one real head's full and causal fields, the row-wise span residual on
    ``rows`` and I4 (a key translation), float64."""
    full = theory.invariant_residuals(q, k, rank_check=False)
    shift = np.full(k.shape[1], 3.0 * float(np.abs(k).mean()))
    E0 = theory.energy_field(q, k)
    i4 = float(np.abs(theory.energy_field(q, k + shift) - E0).max() / np.abs(E0).max())
    out = {"i1": full["i1"], "i2_softmax": full["i2_softmax"],
           "i2_logprob": full["i2_logprob"], "i5_frobenius": full["i5_frobenius"],
           "i5_null": full["i5_null"], "i4": i4}
    if visible is not None:  # a causal model: its own field is the causal one
        causal = theory.invariant_residuals(q, k, visible=visible, rank_check=False)
        Ec = theory.energy_field(q, k, visible=visible)
        out.update({"causal_i1": causal["i1"], "causal_i2_softmax": causal["i2_softmax"],
                    "causal_i2_logprob": causal["i2_logprob"],
                    "row_span": theory.row_span_residual(q, k, Ec, visible, rows=rows)})
    return out


def _kv_records(qk, weights, *, causal: bool, invariants: bool,
                skip_first: bool = False) -> list[dict]:
    """One record per KV head: the QR statistics of its (stacked) full field, the components
    of W_QᵀW_K, the rank bound of the stacked field and the worst per-query-head invariant.
    ``skip_first``: the statistics only, on queries and keys 1..L−1 (position 0 — the
    first-token attention sink of a window without BOS — dropped)."""
    out = []
    for layer, (Q, K) in enumerate(qk):
        Q, K = Q.astype(np.float64), K.astype(np.float64)
        if skip_first:
            Q, K, invariants = Q[:, 1:], K[:, 1:], False
        g = Q.shape[0] // K.shape[0]
        L = K.shape[1]
        visible = theory.causal_mask(L) if causal else None
        rows = np.unique(np.linspace(1, L - 1, SPAN_ROWS).astype(int))
        Wq, Wk = weights(layer)
        for kv in range(K.shape[0]):
            stacked = Q[kv * g:(kv + 1) * g].reshape(-1, Q.shape[-1])
            rec = {"layer": layer, "kv": kv, **theory.head_metrics(stacked, K[kv]),
                   "comps90_wqk": wqk_components(Wq[kv * g:(kv + 1) * g], Wk[kv])}
            if invariants:
                rec["rank_residual"] = theory.rank_residual(
                    theory.energy_field(stacked, K[kv]), K[kv])
                per = [_head_invariants(Q[h], K[kv], visible if causal else None, rows)
                       for h in range(kv * g, (kv + 1) * g)]
                rec.update({k: max(p[k] for p in per) for k in per[0]})
            out.append(rec)
    return out


def _text_ids(model, L: int, seed: int) -> list[int]:
    text = probes.stdlib_text()
    rng = np.random.default_rng(seed)
    while True:
        start = int(rng.integers(0, len(text) - 12 * L))
        ids = model.encode(text[start: start + 12 * L].decode("utf-8", "replace"))
        if len(ids) >= L:
            return ids[:L]


def _nll(logits, ids) -> float:
    lp = torch.log_softmax(logits.double(), dim=-1)
    return float(-lp[:-1].gather(1, torch.tensor(ids[1:])[:, None]).mean())


def smollm2_cell(p: dict, seed: int) -> dict:
    try:
        model = probes.load_smollm2()
    except probes.MissingModel as e:
        return {"missing": str(e)}
    ids = _text_ids(model, p["L"], seed)
    logits, qk = model.forward(ids)
    out = {"heads": _kv_records(qk, model.head_weights, causal=True,
                                invariants=p["input"] == 0),
           "heads_nosink": _kv_records(qk, model.head_weights, causal=True, invariants=False,
                                       skip_first=True)}
    if p["input"] == 0:  # the forward pass's sanity check: real text vs the same tokens shuffled
        shuffled = [int(t) for t in np.random.default_rng(seed).permutation(ids)]
        out["nll"] = _nll(logits, ids)
        out["nll_shuffled"] = _nll(model.forward(shuffled, keep_qk=False)[0], shuffled)
    return out


def minilm_cell(p: dict, seed: int) -> dict:
    try:
        ids = probes.minilm_window(p["L"], seed=seed)
        qk = probes.minilm_qk(ids)
    except (ImportError, ModuleNotFoundError, OSError) as e:
        return {"missing": f"all-MiniLM-L6-v2 unavailable: {e}"}
    from attnlab.probes._minilm import load_minilm

    w = load_minilm().w

    def weights(layer):
        pre = f"encoder.layer.{layer}.attention.self."
        wq = w[pre + "query.weight"].numpy().reshape(12, 32, -1).transpose(0, 2, 1)
        wk = w[pre + "key.weight"].numpy().reshape(12, 32, -1).transpose(0, 2, 1)
        return wq, wk

    return {"heads": _kv_records(qk, weights, causal=False, invariants=p["input"] == 0)}


def _lm(p):
    return probes.LMConfig(style=p["style"], d_model=p["d_model"], layers=p["layers"],
                           heads=p["heads"], context=p["context"])


def _model_heads(model, ids) -> list[list[dict]]:
    """Per eval row, per (layer, head): the QR statistics of the full field."""
    with torch.no_grad():
        _, inner = model.run(ids)
    out = []
    for r in range(ids.shape[0]):
        row = []
        for layer, (q, k, _) in enumerate(inner):
            for h in range(q.shape[1]):
                m = theory.head_metrics(q[r, h].double().cpu().numpy(),
                                        k[r, h].double().cpu().numpy())
                row.append({"layer": layer, "head": h, **m})
        out.append(row)
    return out


def train_cell(p: dict, seed: int) -> dict:
    c = _lm(p)

    def monitor(model, ids):
        per_row = _model_heads(model, ids)
        heads = []
        for j, base in enumerate(per_row[0]):
            mus = np.array([row[j]["mu_K"] for row in per_row])
            Wq, Wk = model.head_weights(base["layer"])
            heads.append({**base, "mu_K_cv": float(mus.std() / mus.mean()),
                          "comps90_wqk": wqk_components(Wq[base["head"]][None],
                                                        Wk[base["head"]])})
        return {"heads": heads}

    _, history = probes.train_lm(c, steps=p["steps"], batch=p["batch"], lr=p["lr"], seed=seed,
                                 text=p["text"], every=p["every"], monitor=monitor,
                                 device=p["device"], eval_rows=3)
    return {"history": history}


def monitor_cell(p: dict, seed: int) -> dict:
    c = _lm(p)
    half = c.context // 2

    def monitor(model, ids):
        with torch.no_grad():
            _, inner = model.run(ids)
        stats = {"mu_K": [], "p0": [], "leverage0": [], "sink_mass": [], "entropy": []}
        for q, k, a in inner:
            tail = a[:, :, half:, :].double()  # rows i ≥ L/2: many keys visible
            stats["sink_mass"] += tail[..., 0].mean(dim=(0, 2)).tolist()
            ent = -(tail * torch.log(tail.clamp_min(1e-300))).sum(-1).mean(dim=(0, 2))
            stats["entropy"] += ent.tolist()
            for h in range(q.shape[1]):
                m = theory.head_metrics(q[0, h].double().cpu().numpy(),
                                        k[0, h].double().cpu().numpy())
                for key in ("mu_K", "p0", "leverage0"):
                    stats[key].append(m[key])
        return {"max_mu_K": max(stats["mu_K"]), "max_p0": max(stats["p0"]),
                "max_leverage0": max(stats["leverage0"]),
                "max_sink_mass": max(stats["sink_mass"]),
                "mean_entropy": float(np.mean(stats["entropy"]))}

    _, history = probes.train_lm(c, steps=p["steps"], batch=p["batch"], lr=p["lr"], seed=seed,
                                 text=p["text"], bos=p["bos"], every=p["every"],
                                 dense=p.get("dense", 0), monitor=monitor,
                                 device=p["device"], eval_rows=4)
    return {"history": history}
