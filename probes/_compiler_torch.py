"""The native path: the same transformers (``_compiler_model.Model``) run with torch kernels in
fp32/fp16/bf16 on CPU or GPU (arXiv 2605.07705 reproduction, claim A9). Dense matmuls in
whatever order the kernel sums, ``torch.softmax`` (max-subtracting), masks as −inf. Where the
hardware flushes subnormals to zero, or a kernel reorders or fuses sums, the underflow gadgets
may fail — the point of the comparison with the exact emulator.
"""

from __future__ import annotations

import numpy as np

from ._compiler_model import FFN, Model, one_hot_words

__all__ = ["evaluate_torch", "TORCH_DTYPES"]

TORCH_DTYPES = {"float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}


def _t(x, dtype, device):
    import torch

    return torch.as_tensor(np.asarray(x, np.float64), dtype=getattr(torch, dtype),
                           device=device)


def _attention(X, layer, keys, key_valid, dtype, device):
    import torch

    B, nq, _ = X.shape
    nk = keys.shape[1]
    allowed = key_valid[:, None, :].expand(B, nq, nk).clone()
    if layer.mask != "none":
        tri = torch.ones(nq, nk, dtype=torch.bool, device=device)
        allowed &= torch.tril(tri, diagonal=0 if layer.mask == "causal" else -1)[None]
    outs = []
    for h in layer.heads:
        q = X @ _t(h.W_q, dtype, device) + _t(h.b_q, dtype, device)
        k = keys @ _t(h.W_k, dtype, device) + _t(h.b_k, dtype, device)
        v = keys @ _t(h.W_v, dtype, device) + _t(h.b_v, dtype, device)
        s = (q @ k.transpose(1, 2)).masked_fill(~allowed, float("-inf"))
        w = torch.softmax(s, dim=-1)
        w = torch.where(allowed.any(-1, keepdim=True), w, torch.zeros_like(w))  # no key: 0
        outs.append(w @ v)
    if not outs:
        return X
    W_o = np.concatenate([h.W_o for h in layer.heads], axis=0)
    return X + torch.cat(outs, dim=-1) @ _t(W_o, dtype, device)


def evaluate_torch(model: Model, enc_words, dec_words, *, dtype: str = "float32",
                   device: str = "cpu") -> np.ndarray:
    """Outputs at every decoder position [B, t_max] (NaN past a word's end), float64."""
    import torch

    Xe_np, ev_np = one_hot_words(enc_words, model.enc_alphabet, model.d_enc)
    Xd_np, dv_np = one_hot_words(dec_words, model.dec_alphabet, model.d_dec)
    Xe, Xd = _t(Xe_np, dtype, device), _t(Xd_np, dtype, device)
    ev = torch.as_tensor(ev_np, device=device)
    dv = torch.as_tensor(dv_np, device=device)
    with torch.no_grad():
        for layer in model.encoder:
            if isinstance(layer, FFN):
                h = torch.relu(Xe @ _t(layer.W1, dtype, device) + _t(layer.b1, dtype, device))
                Xe = Xe + h @ _t(layer.W2, dtype, device) + _t(layer.b2, dtype, device)
            else:
                Xe = _attention(Xe, layer, Xe, ev, dtype, device)
        for layer in model.decoder:
            if isinstance(layer, FFN):
                h = torch.relu(Xd @ _t(layer.W1, dtype, device) + _t(layer.b1, dtype, device))
                Xd = Xd + h @ _t(layer.W2, dtype, device) + _t(layer.b2, dtype, device)
            elif layer.source == "cross":
                Xd = _attention(Xd, layer, Xe, ev, dtype, device)
            else:
                Xd = _attention(Xd, layer, Xd, dv, dtype, device)
    out = Xd[..., model.out_dim].to(torch.float64).cpu().numpy()
    return np.where(dv_np, out, np.nan)
