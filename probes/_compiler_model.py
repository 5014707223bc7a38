"""Encoder–decoder transformers with explicit weights, evaluated exactly in an emulated float
format (arXiv 2605.07705; encoder self-attention without masking, decoder masked
self-attention, cross-attention to the encoder's last layer, ReLU feed-forward sublayers,
residual connections, no positional encodings; our reconstruction of the architecture).

Every sublayer adds its output to the residual stream, X ← R(X + sublayer(X)). Shapes: a
batch of B word pairs, encoder X_e [B, n, d_e], decoder X_d [B, t, d_d].

* matrix products: y_o = R(Σ_k R(x_k·W_ko) + b_o), the sum over the k with W_ko ≠ 0 (a zero
  weight contributes no term; padded to the column's nonzero count with exact zeros), in the
  model's summation order, the bias added last;
* attention head: s_ij = q_i·k_j, e_ij = exp_F(R(s_ij − max_j s_ij)) over the allowed j,
  Z_i = Σ_j e_ij, w_ij = R(e_ij / Z_i), out_i = Σ_j R(w_ij·v_j); masked keys contribute
  exact zeros; a query with no allowed key (strict mask at t = 0) outputs 0;
* FFN: X ← X ⊕ (ReLU(X W₁ + b₁) W₂ + b₂).

``evaluate(model, batch)`` runs words (any order of summation); ``evaluate_counts`` runs
encoder words given as letter counts (no positions: equal letters have equal states) with the
closed-form multiset sums — sorted order only, where a sum is a function of the multiset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._floats import f_div, f_exp, f_mul, round_to
from ._floats_sums import float_sum, sorted_multiset_sum

__all__ = ["Head", "Attention", "FFN", "Model", "sparse_matmul", "evaluate", "evaluate_counts",
           "one_hot_words"]


@dataclass
class Head:
    """One head: q = X W_q + b_q [.., dk], k = Y W_k + b_k, v = Y W_v + b_v [.., dv],
    output written through W_o [dv, d] (Y: the keys' residual, X: the queries')."""

    W_q: np.ndarray
    b_q: np.ndarray
    W_k: np.ndarray
    b_k: np.ndarray
    W_v: np.ndarray
    b_v: np.ndarray
    W_o: np.ndarray


@dataclass
class Attention:
    heads: list
    source: str = "self"  # "self" or "cross" (keys: the encoder's final residual)
    mask: str = "none"  # "none", "causal" (t' ≤ t) or "strict" (t' < t)


@dataclass
class FFN:
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray


@dataclass
class Model:
    fmt: object
    order: str
    enc_alphabet: str
    dec_alphabet: str
    d_enc: int
    d_dec: int
    encoder: list
    decoder: list
    out_dim: int  # the decoder dimension read as the output
    notes: dict = field(default_factory=dict)


def _columns(W: np.ndarray):
    """For each output column, the row indices of its nonzero weights, padded to the largest
    count with index 0 and weight 0: (idx [dout, K], w [dout, K], live [dout])."""
    nz = W != 0
    K = max(int(nz.sum(axis=0).max(initial=0)), 1)
    idx = np.zeros((W.shape[1], K), dtype=np.int64)
    w = np.zeros((W.shape[1], K))
    for o in range(W.shape[1]):
        rows = np.flatnonzero(nz[:, o])
        idx[o, :rows.size] = rows
        w[o, :rows.size] = W[rows, o]
    return idx, w, nz.any(axis=0)


def sparse_matmul(X, W, b, fmt, order) -> np.ndarray:
    """R(Σ_k R(X_k W_ko) + b_o) over X's last axis: X [..., din], W [din, dout] → [..., dout]."""
    idx, w, _ = _columns(np.asarray(W, np.float64))
    terms = f_mul(X[..., idx], w, fmt)  # [..., dout, K]
    with np.errstate(invalid="ignore"):
        return round_to(float_sum(terms, fmt, order) + np.asarray(b, np.float64), fmt)


def one_hot_words(words, alphabet: str, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Residual streams [B, n_max, d] with the letters one-hot in the first dims, and the
    validity mask [B, n_max] (words padded to the longest)."""
    n = max((len(w) for w in words), default=0)
    X = np.zeros((len(words), n, d))
    valid = np.zeros((len(words), n), bool)
    for b, w in enumerate(words):
        for i, c in enumerate(w):
            X[b, i, alphabet.index(c)] = 1.0
        valid[b, :len(w)] = True
    return X, valid


def _ffn(X, layer: FFN, fmt, order):
    h = np.maximum(sparse_matmul(X, layer.W1, layer.b1, fmt, order), 0.0)
    live = (layer.W2 != 0).any(axis=0) | (layer.b2 != 0)
    cols = np.flatnonzero(live)
    y = sparse_matmul(h, layer.W2[:, cols], layer.b2[cols], fmt, order)
    X = X.copy()
    X[..., cols] = round_to(X[..., cols] + y, fmt)
    return X


def _softmax_out(s, allowed, v, fmt, order, counts=None):
    """Attention output from scores s [B, nq, nk], allowed [B, nq, nk], values v [B, nk, dv];
    with ``counts`` [B, nk] the keys are letters with multiplicities (sorted order)."""
    with np.errstate(invalid="ignore"):
        mx = np.max(np.where(allowed, s, -np.inf), axis=-1, keepdims=True)
        e = np.where(allowed, f_exp(round_to(s - np.where(np.isfinite(mx), mx, 0), fmt), fmt),
                     0.0)
        if counts is None:
            Z = float_sum(e, fmt, order)
        else:
            Z = sorted_multiset_sum(e, counts[:, None, :], fmt)
        w = np.where(allowed, f_div(e, Z[..., None], fmt), 0.0)
        terms = f_mul(w[..., None], v[:, None, :, :], fmt)  # [B, nq, nk, dv]
        terms = np.moveaxis(terms, 2, -1)  # [B, nq, dv, nk]
        if counts is None:
            out = float_sum(terms, fmt, order)
        else:
            out = sorted_multiset_sum(terms, counts[:, None, None, :], fmt)
    return np.where(allowed.any(axis=-1)[..., None], out, 0.0)


def _attention(X, layer: Attention, fmt, order, *, keys, key_valid, counts=None):
    B, nq, _ = X.shape
    nk = keys.shape[1]
    allowed = np.broadcast_to(key_valid[:, None, :], (B, nq, nk)).copy()
    if layer.mask != "none":
        tri = np.tril(np.ones((nq, nk), bool), k=0 if layer.mask == "causal" else -1)
        allowed &= tri[None]
    outs = []
    for h in layer.heads:
        q = sparse_matmul(X, h.W_q, h.b_q, fmt, order)
        k = sparse_matmul(keys, h.W_k, h.b_k, fmt, order)
        v = sparse_matmul(keys, h.W_v, h.b_v, fmt, order)
        # unmasked attention with one query vector for every position (constant queries, as
        # in compiled heads): every row's output is the same — computed once, broadcast
        same = layer.mask == "none" and nq > 1 and bool(np.all(q == q[:, :1]))
        qs, al = (q[:, :1], allowed[:, :1]) if same else (q, allowed)
        prods = f_mul(qs[:, :, None, :], k[:, None, :, :], fmt)  # [B, nq, nk, dk]
        s = float_sum(prods, fmt, order)
        out = _softmax_out(s, al, v, fmt, order, counts)
        outs.append(np.broadcast_to(out, (B, nq, out.shape[-1])) if same else out)
    if not outs:
        return X
    cat = np.concatenate(outs, axis=-1)
    W_o = np.concatenate([h.W_o for h in layer.heads], axis=0)
    live = np.flatnonzero((W_o != 0).any(axis=0))
    y = sparse_matmul(cat, W_o[:, live], np.zeros(live.size), fmt, order)
    X = X.copy()
    X[..., live] = round_to(X[..., live] + y, fmt)
    return X


def _run(model: Model, Xe, enc_valid, Xd, dec_valid, counts=None):
    fmt, order = model.fmt, model.order
    for layer in model.encoder:
        if isinstance(layer, FFN):
            Xe = _ffn(Xe, layer, fmt, order)
        else:
            Xe = _attention(Xe, layer, fmt, order, keys=Xe, key_valid=enc_valid, counts=counts)
    for layer in model.decoder:
        if isinstance(layer, FFN):
            Xd = _ffn(Xd, layer, fmt, order)
        elif layer.source == "cross":
            Xd = _attention(Xd, layer, fmt, order, keys=Xe, key_valid=enc_valid, counts=counts)
        else:
            Xd = _attention(Xd, layer, fmt, order, keys=Xd, key_valid=dec_valid)
    return Xd


def evaluate(model: Model, enc_words, dec_words, *, residual: bool = False):
    """Output at every decoder position: [B, t_max] (NaN past a word's end), or the whole
    decoder residual [B, t_max, d_dec] with ``residual``."""
    if model.order == "pairwise" and (len({len(u) for u in enc_words}) > 1
                                      or len({len(w) for w in dec_words}) > 1):
        raise ValueError("pairwise sums depend on padding: evaluate equal-length words")
    Xe, ev = one_hot_words(enc_words, model.enc_alphabet, model.d_enc)
    Xd, dv = one_hot_words(dec_words, model.dec_alphabet, model.d_dec)
    Xd = _run(model, Xe, ev, Xd, dv)
    return Xd if residual else np.where(dv, Xd[..., model.out_dim], np.nan)


def evaluate_counts(model: Model, enc_counts, dec_words, *, residual: bool = False):
    """As :func:`evaluate`, the encoder words given by letter counts [B, |Σ_enc|] (any size:
    the multiset sums are closed-form). Sorted summation only."""
    if model.order != "sorted":
        raise ValueError("letter counts stand for a word only under sorted summation")
    counts = np.asarray(enc_counts, np.int64)
    A = len(model.enc_alphabet)
    Xe = np.zeros((counts.shape[0], A, model.d_enc))
    Xe[:, np.arange(A), np.arange(A)] = 1.0
    Xd, dv = one_hot_words(dec_words, model.dec_alphabet, model.d_dec)
    Xd = _run(model, Xe, counts > 0, Xd, dv, counts=counts)
    return Xd if residual else np.where(dv, Xd[..., model.out_dim], np.nan)
