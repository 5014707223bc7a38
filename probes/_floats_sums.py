"""Summation in an emulated float format: the order is a parameter, recorded in every result.

Orders (Σ over the last axis of ``terms``, every partial sum rounded, R = ``round_to``):

* ``"sorted"`` — ascending by value, then left to right: s ← R(s + x_(i)). The convention of
  the float GNN / graph-transformer papers of the same group (arXiv 2405.14606, 2508.01067)
  and our reading of arXiv 2605.07705; it makes a sum a function of the multiset of terms.
* ``"sequential"`` — left to right in the given order.
* ``"pairwise"`` — a balanced tree: the two halves (first ⌈n/2⌉, rest) summed recursively.
* ``"exact"`` — the exact rational sum, rounded once (``fractions``-free: integer arithmetic on
  the common grid 2^(emin−p+1)).

``multiset_sum(v, m, start=s)`` is the closed form of the sorted/sequential sum of m copies of
one value v (any m, e.g. 2^24 + 5): inside a region where the grid spacing u is constant the
increments R(s + v) − s are constant after at most one step (ties go to even and stay even),
so the run jumps arithmetically to the region's edge; a zero increment is a fixed point
(saturation). O(number of binades crossed) steps instead of m.
"""

from __future__ import annotations

import numpy as np

from ._floats import float_format, round_to

__all__ = ["ORDERS", "float_sum", "multiset_sum", "sorted_multiset_sum"]

ORDERS = ("sorted", "sequential", "pairwise", "exact")


def float_sum(terms, fmt, order: str = "sorted") -> np.ndarray:
    """Σ of ``terms`` [..., n] over the last axis in format ``fmt`` and ``order``; an empty
    sum is 0. Returns [...] float64 holding format values."""
    t = np.asarray(terms, dtype=np.float64)
    if order == "sorted":
        return _sequential(np.sort(t, axis=-1), fmt)
    if order == "sequential":
        return _sequential(t, fmt)
    if order == "pairwise":
        return _pairwise(t, fmt)
    if order == "exact":
        return _exact(t, fmt)
    raise ValueError(f"unknown summation order {order!r}; known: {ORDERS}")


def _sequential(t, fmt):
    """Left to right. Zero terms add exactly (s + 0 = s; s is never −0), so they are moved
    to the end of each row (stable: the other terms keep their order) and not added."""
    if t.shape[-1] > 1:
        zero = t == 0
        if zero.any():
            keep = np.argsort(zero, axis=-1, kind="stable")
            t = np.take_along_axis(t, keep, axis=-1)[..., :int((~zero).sum(-1).max(initial=0))]
    s = np.zeros(t.shape[:-1])
    with np.errstate(invalid="ignore"):
        for i in range(t.shape[-1]):
            s = round_to(s + t[..., i], fmt)
    return s


def _pairwise(t, fmt):
    n = t.shape[-1]
    if n == 0:
        return np.zeros(t.shape[:-1])
    if n == 1:
        return t[..., 0].copy()
    h = (n + 1) // 2
    with np.errstate(invalid="ignore"):
        return round_to(_pairwise(t[..., :h], fmt) + _pairwise(t[..., h:], fmt), fmt)


def _exact(t, fmt):
    f = float_format(fmt)
    flat = t.reshape(-1, t.shape[-1]) if t.shape[-1] else t.reshape(-1, 0)
    out = np.empty(flat.shape[0])
    shift = -(f.emin - f.p + 1)  # every finite format value × 2^shift is an integer
    for r, row in enumerate(flat):
        if not np.all(np.isfinite(row)):
            with np.errstate(invalid="ignore"):
                out[r] = _sequential(row[None, :], f)[0]  # inf/nan propagate as in any order
            continue
        total = sum(int(np.ldexp(x, shift)) for x in row)
        out[r] = _round_integer(total, shift, f)
    return out.reshape(t.shape[:-1])


def _round_integer(total: int, shift: int, f) -> float:
    """R(total · 2^−shift) for a Python integer, ties to even, exactly."""
    if total == 0:
        return 0.0
    sign, a = (-1.0 if total < 0 else 1.0), abs(total)
    drop = max(a.bit_length() - f.p, 0)  # bits below the significand (grid 2^(drop − shift))
    if drop:
        q, rem = divmod(a, 1 << drop)
        half = 1 << (drop - 1)
        a = (q + (rem > half or (rem == half and q & 1))) << drop
    value = sign * float(np.ldexp(float(a), -shift))
    return float(round_to(value, f))  # overflow → inf (the value is already on the grid)


def _region(s, f):
    """Start points s moving up: (lo, hi, u) with the grid spacing u constant on [lo, hi]."""
    tiny = f.smallest_normal
    a = np.abs(s)
    with np.errstate(divide="ignore"):
        e_pos = np.floor(np.log2(np.where(s > 0, a, 1.0)))
        e_neg = np.ceil(np.log2(np.where(s < 0, a, 1.0))) - 1
    # float64 log2 can be off by one near powers of two: fix by comparing with 2^E
    e_pos = np.where(np.ldexp(1.0, e_pos.astype(np.int64)) > a, e_pos - 1, e_pos)
    e_pos = np.where(np.ldexp(1.0, (e_pos + 1).astype(np.int64)) <= a, e_pos + 1, e_pos)
    e_neg = np.where(np.ldexp(1.0, (e_neg + 1).astype(np.int64)) < a, e_neg + 1, e_neg)
    e_neg = np.where(np.ldexp(1.0, e_neg.astype(np.int64)) >= a, e_neg - 1, e_neg)
    sub = ((s >= 0) & (a < tiny)) | ((s < 0) & (a <= tiny))
    e = np.where(s >= 0, e_pos, e_neg).astype(np.int64)
    e = np.where(sub, f.emin, e)
    u = np.ldexp(1.0, e - f.p + 1)
    lo = np.where(sub, -tiny, np.where(s >= 0, np.ldexp(1.0, e), -np.ldexp(1.0, e + 1)))
    hi = np.where(sub, tiny, np.where(s >= 0, np.ldexp(1.0, e + 1), -np.ldexp(1.0, e)))
    return lo, hi, u


def multiset_sum(v, m, fmt, *, start=0.0) -> np.ndarray:
    """s_m where s_0 = start and s_{i+1} = R(s_i + v): m copies of v added one by one (the
    sorted and the sequential order agree on equal terms). v, m, start broadcast; m ≥ 0
    integers (any size); v, start format values. Exact, in O(binades) vectorised steps."""
    f = float_format(fmt)
    v, m, s = np.broadcast_arrays(np.asarray(v, np.float64), np.asarray(m, np.int64),
                                  np.asarray(start, np.float64))
    if np.any(m < 0):
        raise ValueError("multiplicities must be ≥ 0")
    neg = v < 0  # R is odd-symmetric: sum(s, v) = −sum(−s, −v)
    v = np.where(neg, -v, v)
    s = np.where(neg, -s, s).astype(np.float64).copy()
    rem = m.copy()
    active = (rem > 0) & np.isfinite(s) & (v != 0) & np.isfinite(v)
    rem = np.where(active, rem, 0)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.where((m > 0) & ~np.isfinite(v), round_to(s + v, f), s)  # inf/nan terms
        while np.any(active):
            s1 = np.where(active, round_to(s + v, f), s)
            d = s1 - s
            s2 = round_to(s1 + v, f)
            d2 = s2 - s1
            lo, hi, _ = _region(s, f)
            with np.errstate(divide="ignore"):
                n_in = np.floor((hi - v - s) / np.where(d > 0, d, 1.0)) + 1
            n_in = np.where(np.isfinite(n_in), np.clip(n_in, 0, 2 ** 62), 0).astype(np.int64)
            # verify the region bound exactly (all quantities are format values in float64)
            ok = s + (n_in - 1) * d + v <= hi
            n_in = np.where(ok, n_in, n_in - 1)
            fixed = active & (d == 0)  # R(s + v) = s: saturated for good
            jump = active & ~fixed & (d == d2) & (n_in >= 2) & (s >= lo)
            steps = np.where(jump, np.minimum(n_in, rem), np.where(active, 1, 0))
            steps = np.where(fixed, 0, steps)
            s = np.where(jump, s + steps * d, np.where(active & ~fixed, s1, s))
            rem = np.where(fixed, 0, rem - steps)
            active = active & (rem > 0) & np.isfinite(s)
    return np.where(neg, -s, s)


def sorted_multiset_sum(values, counts, fmt) -> np.ndarray:
    """The sorted-ascending sum of a multiset given as distinct-or-not ``values`` [..., k]
    with multiplicities ``counts`` [..., k] (broadcast): sort by value, then add each group
    with :func:`multiset_sum`. Equals ``float_sum(expanded, fmt, "sorted")`` exactly."""
    v, c = np.broadcast_arrays(np.asarray(values, np.float64), np.asarray(counts, np.int64))
    order = np.argsort(v, axis=-1, kind="stable")
    v = np.take_along_axis(v, order, axis=-1)
    c = np.take_along_axis(c, order, axis=-1)
    s = np.zeros(v.shape[:-1])
    for i in range(v.shape[-1]):
        s = multiset_sum(v[..., i], c[..., i], fmt, start=s)
    return s
