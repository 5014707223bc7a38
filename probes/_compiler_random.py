"""Transformers not compiled from formulas (arXiv 2605.07705 reproduction, claims A5–A7):
random float transformers in a tiny format (the transformer → logic direction: equal
bounded-threshold types must give equal outputs under sorted sums), and the natural averaging
transformer for MAJORITY (not expressible in the logic: it must fail at some length n*(p)).
"""

from __future__ import annotations

import numpy as np

from ._compiler_model import FFN, Attention, Head, Model
from ._floats import FloatFormat, float_format, round_to

__all__ = ["random_transformer", "majority_transformer", "precision_format"]


def _w(rng, shape, fmt, scale=1.0):
    """Weights from {0, ±½, ±1, ±1.5, ±2}·scale, a third of them zero, rounded to fmt."""
    vals = rng.choice([0, 0, 0.5, 1.0, 1.5, 2.0], size=shape) * rng.choice([-1, 1], size=shape)
    return round_to(vals * scale, fmt)


def _head(rng, d_q, d_k, fmt, d_out, dk=2):
    return Head(_w(rng, (d_q, dk), fmt), _w(rng, (dk,), fmt), _w(rng, (d_k, dk), fmt),
                _w(rng, (dk,), fmt), _w(rng, (d_k, 1), fmt), _w(rng, (1,), fmt),
                _w(rng, (1, d_out), fmt, 0.5))


def _ffn(rng, d, hidden, fmt):
    return FFN(_w(rng, (d, hidden), fmt), _w(rng, (hidden,), fmt),
               _w(rng, (hidden, d), fmt, 0.5), _w(rng, (d,), fmt, 0.5))


def random_transformer(rng: np.random.Generator, fmt="tiny3", *, order: str = "sorted",
                       enc_alphabet: str = "ab", dec_alphabet: str = "ab", width: int = 2,
                       mask: str = "causal") -> Model:
    """An encoder layer (self-attention, FFN) and a decoder layer (masked self-attention,
    cross-attention, FFN) with random weights in ``fmt``; residual width |Σ| + ``width``."""
    f = float_format(fmt)
    de, dd = len(enc_alphabet) + width, len(dec_alphabet) + width
    encoder = [Attention([_head(rng, de, de, f, de)]), _ffn(rng, de, 4, f)]
    decoder = [Attention([_head(rng, dd, dd, f, dd)], "self", mask),
               Attention([_head(rng, dd, de, f, dd)], "cross"), _ffn(rng, dd, 4, f)]
    return Model(f, order, enc_alphabet, dec_alphabet, de, dd, encoder, decoder, dd - 1,
                 notes={"kind": "random"})


def precision_format(p: int) -> FloatFormat:
    """A format with precision p and a wide exponent range (underflow plays no part)."""
    return FloatFormat(f"p{p}", p, -60, 63)


def majority_transformer(fmt) -> Model:
    """MAJORITY by averaging: one cross-attention head with constant scores (uniform
    weights) and values +1 for a, −1 for b; the output y = Σ_j w·v_j, read as #a > #b iff
    y > 0. Exact over the reals for every length; in floats it fails from some n*(p)."""
    f = float_format(fmt)
    W_v = np.array([[1.0], [-1.0]])
    head = Head(np.zeros((2, 1)), np.zeros(1), np.zeros((2, 1)), np.zeros(1), W_v,
                np.zeros(1), np.array([[0.0, 1.0]]))
    return Model(f, "sorted", "ab", "a", 2, 2, [], [Attention([head], "cross")], 1,
                 notes={"kind": "majority-average"})
