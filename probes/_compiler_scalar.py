"""A straightforward per-element evaluator of the same transformers with the same float
semantics as ``_compiler_model.evaluate`` (arXiv 2605.07705 reproduction): Python loops over
word pairs, positions, heads and terms, every operation rounded by ``round_scalar``. It is the
benchmark's peer and a second, independent implementation for the tests (bitwise agreement).
"""

from __future__ import annotations

import math

from ._compiler_model import FFN
from ._floats_ref import round_scalar, scalar_sum

__all__ = ["evaluate_scalar"]


def _matvec(x, W, b, fmt, order):
    """y_o = R(Σ_{k: W_ko ≠ 0} R(x_k W_ko) + b_o), terms padded with zeros to the widest
    column's count (as the vectorised evaluator does)."""
    din, dout = len(W), len(W[0]) if len(W) else 0
    cols = [[k for k in range(din) if W[k][o] != 0] for o in range(dout)]
    K = max([len(c) for c in cols] + [1])
    out = []
    for o in range(dout):
        terms = [round_scalar(x[k] * W[k][o], fmt) for k in cols[o]]
        terms += [0.0] * (K - len(terms))
        out.append(round_scalar(scalar_sum(terms, fmt, order) + b[o], fmt))
    return out


def _ffn(X, layer, fmt, order):
    W1, b1, W2, b2 = (layer.W1.tolist(), layer.b1.tolist(), layer.W2.tolist(),
                      layer.b2.tolist())
    live = [o for o in range(len(b2)) if b2[o] != 0 or any(r[o] != 0 for r in W2)]
    W2l = [[r[o] for o in live] for r in W2]
    out = []
    for x in X:
        h = [max(v, 0.0) for v in _matvec(x, W1, b1, fmt, order)]
        y = _matvec(h, W2l, [b2[o] for o in live], fmt, order)
        x = list(x)
        for j, o in enumerate(live):
            x[o] = round_scalar(x[o] + y[j], fmt)
        out.append(x)
    return out


def _head(X, keys, h, allowed, fmt, order):
    W = [m.tolist() for m in (h.W_q, h.W_k, h.W_v)]
    bq, bk, bv = h.b_q.tolist(), h.b_k.tolist(), h.b_v.tolist()
    ks = [_matvec(y, W[1], bk, fmt, order) for y in keys]
    vs = [_matvec(y, W[2], bv, fmt, order) for y in keys]
    out = []
    for i, x in enumerate(X):
        q = _matvec(x, W[0], bq, fmt, order)
        js = [j for j in range(len(keys)) if allowed(i, j)]
        if not js:
            out.append([0.0] * len(bv))
            continue
        s = [scalar_sum([round_scalar(a * b, fmt) for a, b in zip(q, ks[j], strict=True)],
                        fmt, order) for j in range(len(keys))]
        mx = max(s[j] for j in js)
        e = [round_scalar(math.exp(round_scalar(s[j] - mx, fmt)), fmt) if j in js else 0.0
             for j in range(len(keys))]
        Z = scalar_sum(e, fmt, order)
        w = [round_scalar(e[j] / Z, fmt) if j in js else 0.0 for j in range(len(keys))]
        out.append([scalar_sum([round_scalar(w[j] * vs[j][c], fmt) for j in range(len(keys))],
                               fmt, order) for c in range(len(bv))])
    return out


def _attention(X, layer, keys, fmt, order):
    n = len(keys)
    masks = {"none": lambda i, j: j < n, "causal": lambda i, j: j <= i,
             "strict": lambda i, j: j < i}
    outs = [_head(X, keys, h, masks[layer.mask], fmt, order) for h in layer.heads]
    if not outs:
        return X
    W_o = [r for h in layer.heads for r in h.W_o.tolist()]
    live = [o for o in range(len(W_o[0])) if any(r[o] != 0 for r in W_o)]
    Wl = [[r[o] for o in live] for r in W_o]
    new = []
    for i, x in enumerate(X):
        cat = [v for out in outs for v in out[i]]
        y = _matvec(cat, Wl, [0.0] * len(live), fmt, order)
        x = list(x)
        for j, o in enumerate(live):
            x[o] = round_scalar(x[o] + y[j], fmt)
        new.append(x)
    return new


def evaluate_scalar(model, enc_words, dec_words) -> list[list[float]]:
    """Outputs at every decoder position, one list per word pair."""
    fmt, order = model.fmt, model.order
    results = []
    for u, w in zip(enc_words, dec_words, strict=False):
        Xe = [[1.0 if k == model.enc_alphabet.index(c) else 0.0 for k in range(model.d_enc)]
              for c in u]
        Xd = [[1.0 if k == model.dec_alphabet.index(c) else 0.0 for k in range(model.d_dec)]
              for c in w]
        for layer in model.encoder:
            Xe = (_ffn(Xe, layer, fmt, order) if isinstance(layer, FFN)
                  else _attention(Xe, layer, Xe, fmt, order))
        for layer in model.decoder:
            if isinstance(layer, FFN):
                Xd = _ffn(Xd, layer, fmt, order)
            else:
                Xd = _attention(Xd, layer, Xe if layer.source == "cross" else Xd, fmt, order)
        results.append([x[model.out_dim] for x in Xd])
    return results
