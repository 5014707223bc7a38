"""A small reusable byte-level language-model trainer: GPT-2-style (learned absolute positions,
LayerNorm, GELU MLP, biases) or LLaMA-style (RoPE, RMSNorm, SwiGLU, no biases) decoder, trained
with AdamW on local text — Python's standard-library sources (``text="stdlib"``) or a synthetic
language (``text="synthetic"``: a random sparse first-order Markov chain over 64 symbols) — on
CPU at small size or on a GPU at full size. Checkpoints are safetensors files.

Architectures after nanoGPT (Karpathy) and LLaMA (Touvron et al., arXiv 2302.13971). ``bos``
puts one fixed token at position 0 of every sequence: the induced attention sink of the
energy-field paper's training monitor (Lee, arXiv 2605.02907).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from ._text import text_windows

__all__ = ["LMConfig", "TinyLM", "train_lm", "save_checkpoint", "load_checkpoint",
           "synthetic_windows", "BOS"]

BOS = 0  # the fixed first token of ``bos`` runs (the NUL byte: absent from the text)


@dataclass(frozen=True)
class LMConfig:
    style: str = "gpt2"  # "gpt2" | "llama"
    d_model: int = 64
    layers: int = 2
    heads: int = 2
    context: int = 64
    vocab: int = 256
    theta: float = 1e4  # RoPE base (llama)

    def __post_init__(self):
        if self.style not in ("gpt2", "llama"):
            raise ValueError(f"unknown style {self.style!r}; choose gpt2 or llama")
        if self.d_model % self.heads:
            raise ValueError("d_model must be divisible by heads")


def _rope(x, theta):  # x: [B, H, L, d_h], half-split layout
    L, d = x.shape[-2:]
    freqs = theta ** (-torch.arange(0, d, 2, dtype=torch.float32, device=x.device) / d)
    ang = torch.arange(L, dtype=torch.float32, device=x.device)[:, None] * freqs
    cos, sin = ang.cos(), ang.sin()
    a, b = x[..., : d // 2], x[..., d // 2:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


class _Block(nn.Module):
    def __init__(self, c: LMConfig):
        super().__init__()
        bias = c.style == "gpt2"
        norm = nn.LayerNorm if bias else nn.RMSNorm
        self.c = c
        self.n1, self.n2 = norm(c.d_model), norm(c.d_model)
        self.qkv = nn.Linear(c.d_model, 3 * c.d_model, bias=bias)
        self.out = nn.Linear(c.d_model, c.d_model, bias=bias)
        hidden = 4 * c.d_model
        self.up = nn.Linear(c.d_model, hidden * (1 if bias else 2), bias=bias)
        self.down = nn.Linear(hidden, c.d_model, bias=bias)

    def qk(self, x):
        B, L, _ = x.shape
        h, d_h = self.c.heads, self.c.d_model // self.c.heads
        q, k, v = self.qkv(self.n1(x)).split(self.c.d_model, dim=-1)
        q, k, v = (t.view(B, L, h, d_h).transpose(1, 2) for t in (q, k, v))
        if self.c.style == "llama":
            q, k = _rope(q, self.c.theta), _rope(k, self.c.theta)
        return q, k, v

    def forward(self, x, mask):
        B, L, _ = x.shape
        q, k, v = self.qk(x)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        a = torch.softmax(s.masked_fill(~mask, -torch.inf), dim=-1)
        x = x + self.out((a @ v).transpose(1, 2).reshape(B, L, -1))
        u = self.up(self.n2(x))
        if self.c.style == "gpt2":
            u = nn.functional.gelu(u)
        else:
            g, w = u.chunk(2, dim=-1)
            u = nn.functional.silu(g) * w
        return x + self.down(u), q, k, a


class TinyLM(nn.Module):
    def __init__(self, c: LMConfig, *, seed: int = 0):
        super().__init__()
        self.c = c
        self.tok = nn.Embedding(c.vocab, c.d_model)
        self.pos = nn.Embedding(c.context, c.d_model) if c.style == "gpt2" else None
        self.blocks = nn.ModuleList(_Block(c) for _ in range(c.layers))
        self.norm = nn.LayerNorm(c.d_model) if c.style == "gpt2" else nn.RMSNorm(c.d_model)
        gen = torch.Generator().manual_seed(seed)  # no global RNG: every tensor set here
        with torch.no_grad():
            for name, p in self.named_parameters():
                if p.dim() == 2:
                    p.copy_(torch.randn(p.shape, generator=gen) * 0.02)
                elif name.endswith("bias"):
                    p.zero_()
                else:  # norm gains
                    p.fill_(1.0)

    def run(self, ids):
        """``ids: [B, L]`` → (logits ``[B, L, vocab]``, per layer (Q, K ``[B, H, L, d_h]``,
        attention ``[B, H, L, L]``))."""
        L = ids.shape[1]
        x = self.tok(ids)
        if self.pos is not None:
            x = x + self.pos(torch.arange(L, device=ids.device))
        mask = torch.ones(L, L, dtype=torch.bool, device=ids.device).tril()
        inner = []
        for b in self.blocks:
            x, q, k, a = b(x, mask)
            inner.append((q, k, a))
        return self.norm(x) @ self.tok.weight.T, inner

    def forward(self, ids):
        return self.run(ids)[0]

    def head_weights(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(W_Q, W_K) of one layer as ``[heads, d_model, d_h]`` float64 numpy."""
        c = self.c
        w = self.blocks[layer].qkv.weight.detach().double().cpu().numpy()  # [3d, d]
        d_h = c.d_model // c.heads
        wq = w[: c.d_model].reshape(c.heads, d_h, c.d_model).transpose(0, 2, 1)
        wk = w[c.d_model: 2 * c.d_model].reshape(c.heads, d_h, c.d_model).transpose(0, 2, 1)
        return wq, wk


def synthetic_windows(n: int, rows: int, *, seed: int, symbols: int = 64) -> np.ndarray:
    """``[rows, n]`` tokens 1…symbols of a fixed random sparse Markov chain (each symbol has 4
    successors; the chain is fixed, the walks drawn from ``seed``)."""
    chain = np.random.default_rng(12345)
    succ = chain.integers(1, symbols + 1, size=(symbols + 1, 4))
    rng = np.random.default_rng(seed)
    out = np.empty((rows, n), dtype=np.int64)
    out[:, 0] = rng.integers(1, symbols + 1, size=rows)
    for t in range(1, n):
        out[:, t] = succ[out[:, t - 1], rng.integers(0, 4, size=rows)]
    return out


def _batch(text, n, rows, seed, bos):
    w = (text_windows if text == "stdlib" else synthetic_windows)(n, rows, seed=seed)
    if bos:
        w[:, 0] = BOS
    return torch.from_numpy(w)


def train_lm(c: LMConfig, *, steps: int, batch: int = 16, lr: float = 3e-3, seed: int = 0,
             text: str = "stdlib", bos: bool = False, every: int = 10, monitor=None,
             device: str = "cpu", eval_rows: int = 4,
             dense: int = 0) -> tuple[TinyLM, list[dict]]:
    """Train for ``steps`` AdamW steps (warm-up 10%, cosine decay) on windows of the context
    length. Every ``every`` steps (and at 0, at each step below ``dense``, and at the end)
    records ``{"step", "loss", "eval_loss"}`` plus ``monitor(model, eval_ids)`` (a dict) on a
    fixed evaluation batch; a non-finite loss is recorded and stops the run (the
    over-large-learning-rate pathology). Returns (model, history)."""
    model = TinyLM(c, seed=seed).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.95))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(s, steps)
                                                                       / max(steps, 1))))
    eval_ids = _batch(text, c.context, eval_rows, seed + 10 ** 6, bos).to(device)
    history, loss_value = [], float("nan")

    def record(step):
        with torch.no_grad():
            logits = model(eval_ids)
            ev = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, c.vocab),
                                             eval_ids[:, 1:].reshape(-1))
        row = {"step": step, "loss": loss_value, "eval_loss": float(ev)}
        if monitor is not None and math.isfinite(row["eval_loss"]):
            row.update(monitor(model, eval_ids))
        history.append(row)

    for step in range(steps + 1):
        if step % every == 0 or step < dense or step == steps:
            record(step)
        if step == steps or not math.isfinite(history[-1]["eval_loss"]):
            break
        ids = _batch(text, c.context, batch, seed * 100_003 + step, bos).to(device)
        logits = model(ids)
        loss = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, c.vocab),
                                           ids[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        loss_value = float(loss.detach())
    return model, history


def save_checkpoint(model: TinyLM, path) -> None:
    """Weights as safetensors, the config in the file's metadata."""
    from safetensors.torch import save_file

    meta = {k: str(v) for k, v in asdict(model.c).items()}
    save_file({k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()},
              str(path), metadata=meta)


def load_checkpoint(path) -> TinyLM:
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
    kinds = {"style": str, "theta": float}
    c = LMConfig(**{k: kinds.get(k, int)(v) for k, v in meta.items()})
    model = TinyLM(c)
    model.load_state_dict(load_file(str(path)))
    return model
