"""Per-head queries and keys of the real all-MiniLM-L6-v2 (BERT encoder, 6 layers × 12 heads,
d_h = 32, bidirectional: every key visible, so its whole field is the full field Q K_cᵀ/√d_h)
on real text — the out-of-scope probe of Lee's model-level claims (arXiv 2605.02907 tests
autoregressive LMs). Reuses :func:`probes._minilm.load_minilm`'s weights and forward pass.
"""

from __future__ import annotations

import numpy as np
import torch

from ._minilm import load_minilm
from ._text import stdlib_text

__all__ = ["minilm_qk", "minilm_window"]


def minilm_window(n: int, *, seed: int) -> list[int]:
    """Exactly n word-piece ids ([CLS] … [SEP]) from a random offset of the stdlib text."""
    if not 4 <= n <= 512:
        raise ValueError("MiniLM windows need 4 ≤ n ≤ 512 tokens")
    model = load_minilm()
    text = stdlib_text()
    rng = np.random.default_rng(seed)
    cls_id, sep_id = (model.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]"))
    while True:
        start = int(rng.integers(0, len(text) - 20 * n))
        ids = model.tokenizer.encode(text[start: start + 20 * n].decode("utf-8", "replace"),
                                     add_special_tokens=False).ids
        if len(ids) >= n - 2:
            return [cls_id] + ids[: n - 2] + [sep_id]


def minilm_qk(ids) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer (Q ``[12, n, 32]``, K ``[12, n, 32]``), float64, from the model's own forward
    pass (:meth:`MiniLM.forward`)."""
    out: list = []
    load_minilm().forward(torch.as_tensor(ids), qk=out)
    return out
