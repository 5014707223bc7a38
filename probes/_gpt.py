"""A random-initialised GPT-style byte model whose attention logits we read explicitly.

nanoGPT's architecture and initialisation (Karpathy): token and learned position embeddings
N(0, 0.02²), pre-LayerNorm blocks, causal multi-head attention, a 4× GELU MLP, weights
N(0, 0.02²) with residual projections scaled by 1/√(2·layers). Logits are computed as
q·k/√d_h in float64 (fused SDPA kernels do not expose them; bf16 would create ties).
"""

from __future__ import annotations

import math

import torch

__all__ = ["RandomGPT"]


class RandomGPT(torch.nn.Module):
    def __init__(self, *, d_model: int = 128, n_heads: int = 4, n_layers: int = 2,
                 context: int = 4096, vocab: int = 256, seed: int = 0):
        super().__init__()
        if d_model % n_heads:
            raise ValueError("d_model must be divisible by n_heads")
        gen = torch.Generator().manual_seed(seed)

        def normal(*shape, std=0.02):
            return torch.nn.Parameter(torch.randn(*shape, generator=gen, dtype=torch.float64)
                                      * std)

        proj_std = 0.02 / math.sqrt(2 * n_layers)
        self.d_model, self.n_heads, self.n_layers = d_model, n_heads, n_layers
        self.tok = normal(vocab, d_model)
        self.pos = normal(context, d_model)
        self.qkv = torch.nn.ParameterList([normal(d_model, 3 * d_model) for _ in range(n_layers)])
        self.out = torch.nn.ParameterList([normal(d_model, d_model, std=proj_std)
                                           for _ in range(n_layers)])
        self.up = torch.nn.ParameterList([normal(d_model, 4 * d_model) for _ in range(n_layers)])
        self.down = torch.nn.ParameterList([normal(4 * d_model, d_model, std=proj_std)
                                            for _ in range(n_layers)])

    @torch.no_grad()
    def last_query_logits(self, tokens: torch.Tensor) -> torch.Tensor:
        """``tokens: [rows, n]`` → logits ``[rows, layers, heads, n]`` of the last position's
        query against all n keys, in every layer. One row at a time: the n × n score matrices
        of a whole batch would not fit in memory at n = 16k."""
        return torch.cat([self._last_query_logits(row[None]) for row in tokens])

    @torch.no_grad()
    def last_query_logits_distinct(self, rows: int, n: int, *, seed: int) -> torch.Tensor:
        """Logits ``[rows, layers, heads, n]`` of the same heads when every position holds its
        own token, never repeated: each token embedding is a fresh N(0, 0.02²) draw, as the
        model's own are, as if the vocabulary were unbounded. Byte text repeats its ≤ 256
        tokens, so its keys are not independent; this input removes that and nothing else."""
        gen = torch.Generator().manual_seed(seed)
        device = self.tok.device
        return torch.cat([
            self._embedded_logits(
                (torch.randn(1, n, self.d_model, generator=gen, dtype=torch.float64) * 0.02)
                .to(device))
            for _ in range(rows)])

    def _last_query_logits(self, tokens: torch.Tensor, *, full: bool = False) -> torch.Tensor:
        return self._embedded_logits(self.tok[tokens], full=full)

    def _embedded_logits(self, embedded: torch.Tensor, *, full: bool = False) -> torch.Tensor:
        """``embedded: [rows, n, d_model]`` token embeddings (positions are added here)."""
        rows, n, _ = embedded.shape
        if n > self.pos.shape[0]:
            raise ValueError(f"context {n} exceeds the model's {self.pos.shape[0]}")
        h, d_h = self.n_heads, self.d_model // self.n_heads
        x = embedded + self.pos[:n]
        mask = torch.ones(n, n, dtype=torch.bool, device=x.device).tril()
        logits = []
        for layer in range(self.n_layers):
            a = torch.nn.functional.layer_norm(x, (self.d_model,))
            q, k, v = (a @ self.qkv[layer]).split(self.d_model, dim=-1)
            q, k, v = (t.view(rows, n, h, d_h).transpose(1, 2) for t in (q, k, v))
            if layer == self.n_layers - 1 and not full:  # only the last query's logits count
                logits.append((q[:, :, -1:, :] @ k.transpose(-1, -2))[:, :, 0, :]
                              / math.sqrt(d_h))
                break
            scores = q @ k.transpose(-1, -2) / math.sqrt(d_h)  # [rows, h, n, n]
            logits.append(scores[:, :, -1, :].clone())
            weights = torch.softmax(scores.masked_fill(~mask, -torch.inf), dim=-1)
            y = (weights @ v).transpose(1, 2).reshape(rows, n, self.d_model)
            x = x + y @ self.out[layer]
            b = torch.nn.functional.layer_norm(x, (self.d_model,))
            x = x + torch.nn.functional.gelu(b @ self.up[layer]) @ self.down[layer]
        return torch.stack(logits, dim=1)
