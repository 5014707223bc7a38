"""Random-initialised attention blocks with the attention geometry of the LM families that Lee
(arXiv 2605.02907, abstract and experiments: Pythia, GPT-2, OPT, Qwen-2.5, LLaMA-3.2, Phi-2,
Mistral) measured, at their real head dimensions: learned absolute positions with q/k/v biases
(GPT-2, OPT), partial rotary (Pythia 25%, Phi-2 40% of d_h), RoPE + GQA + q/k/v biases
(Qwen-2.5), RoPE θ = 5·10⁵ with GQA 32:8 (LLaMA-3.2), sliding-window causal attention
(Mistral), and a d_h = 256 multi-query geometry (the spec's largest head dimension).

A block maps random token embeddings ``X: [L, d_model]`` (+ learned positions where used) to
per-head ``Q: [H, L, d_h]`` and per-KV-head ``K: [H_kv, L, d_h]`` after the position encoding.
The hidden width is ``d_model = 256`` for every family: the invariants depend on d_h, the
position encoding, the biases and the grouping, not on the width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FAMILIES", "Family", "rope", "block_qk", "energy_families"]


@dataclass(frozen=True)
class Family:
    d_h: int
    groups: int  # query heads per KV head (GQA group size)
    kv_heads: int  # KV heads built (the first few of the real model's)
    rotary: float = 0.0  # fraction of d_h rotated (0: learned absolute positions)
    theta: float = 1e4
    bias: bool = False  # q/k/v projection biases
    learned_pe: bool = False
    window: int = 0  # sliding-window width (0: none); the field is then banded-causal


FAMILIES = {
    "gpt2": Family(d_h=64, groups=1, kv_heads=4, bias=True, learned_pe=True),
    "opt": Family(d_h=64, groups=1, kv_heads=4, bias=True, learned_pe=True),
    "pythia": Family(d_h=64, groups=1, kv_heads=4, rotary=0.25, bias=True),
    "phi2": Family(d_h=80, groups=1, kv_heads=4, rotary=0.4, bias=True),
    "qwen2.5": Family(d_h=128, groups=7, kv_heads=1, rotary=1.0, theta=1e6, bias=True),
    "llama3.2": Family(d_h=64, groups=4, kv_heads=2, rotary=1.0, theta=5e5),
    "mistral": Family(d_h=128, groups=4, kv_heads=1, rotary=1.0, window=32),
    "mqa-d256": Family(d_h=256, groups=4, kv_heads=1, rotary=1.0),
}
D_MODEL = 256


def energy_families() -> dict:
    """The geometries by name (a copy of ``FAMILIES``)."""
    return dict(FAMILIES)


def rope(x, *, fraction: float = 1.0, theta: float = 1e4, interleaved: bool = False,
         offset: int = 0):
    """Rotary position encoding of ``x: [..., L, d_h]`` on the first ``fraction``·d_h dims
    (partial rotary passes the rest through). ``interleaved``: rotate adjacent pairs (GPT-J,
    llama.cpp's GGUF layout); else the two halves of the rotated block (GPT-NeoX, HF LLaMA)."""
    x = np.asarray(x)
    L, d_h = x.shape[-2:]
    rot = int(round(fraction * d_h)) // 2 * 2
    if rot == 0:
        return x
    freqs = theta ** (-np.arange(0, rot, 2, dtype=np.float64) / rot)
    ang = (np.arange(L, dtype=np.float64) + offset)[:, None] * freqs[None, :]
    cos, sin = np.cos(ang).astype(x.dtype), np.sin(ang).astype(x.dtype)
    out = x.copy()
    part = x[..., :rot]
    if interleaved:
        a, b = part[..., 0::2], part[..., 1::2]
        out[..., 0:rot:2] = a * cos - b * sin
        out[..., 1:rot:2] = a * sin + b * cos
    else:
        a, b = part[..., : rot // 2], part[..., rot // 2:]
        out[..., : rot // 2] = a * cos - b * sin
        out[..., rot // 2: rot] = a * sin + b * cos
    return out


def block_qk(family: str, L: int, *, seed: int, key_shift=None, query_shift=None,
             dtype=np.float64) -> dict:
    """Queries and keys of a random-init block of ``family`` on L random tokens.

    ``key_shift`` / ``query_shift`` (``[d_h]``) are added to every head's key / query
    projection *before* the position encoding — a key or query bias. Returns ``{"Q": [H, L,
    d_h], "K": [H_kv, L, d_h], "groups", "window", "Wq": [H, d_model, d_h], "Wk": [H_kv,
    d_model, d_h]}``; query head h uses KV head h // groups.
    """
    f = FAMILIES[family]
    rng = np.random.default_rng(seed)
    H, Hk = f.kv_heads * f.groups, f.kv_heads
    X = rng.standard_normal((L, D_MODEL))
    if f.learned_pe:
        X = X + 0.5 * rng.standard_normal((L, D_MODEL))
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)  # LayerNorm
    Wq = rng.standard_normal((H, D_MODEL, f.d_h)) / np.sqrt(D_MODEL)
    Wk = rng.standard_normal((Hk, D_MODEL, f.d_h)) / np.sqrt(D_MODEL)
    bq = 0.3 * rng.standard_normal((H, 1, f.d_h)) if f.bias else 0.0
    bk = 0.3 * rng.standard_normal((Hk, 1, f.d_h)) if f.bias else 0.0
    Q = np.einsum("ld,hde->hle", X, Wq) + bq
    K = np.einsum("ld,hde->hle", X, Wk) + bk
    if query_shift is not None:
        Q = Q + np.asarray(query_shift)
    if key_shift is not None:
        K = K + np.asarray(key_shift)
    if f.rotary:
        Q = rope(Q, fraction=f.rotary, theta=f.theta)
        K = rope(K, fraction=f.rotary, theta=f.theta)
    return {"Q": Q.astype(dtype), "K": K.astype(dtype), "groups": f.groups,
            "window": f.window, "Wq": Wq, "Wk": Wk}
