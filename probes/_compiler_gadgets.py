"""Counting gadgets for ⟨G⟩^{≥k} and ⟨P⟩, certified per (format, summation order, k).

One attention head with scores L·ψ_j (L so large that exp(−L) underflows to 0) puts weight
w(m) = R(1/Z(m)) on each of the m positions where ψ holds, Z(m) = the float sum of m ones
(saturating at 2^p). With values c·ψ_j, c = a·σ (σ the smallest subnormal), the output is

    y_a(m) = Σ_{m copies} R(w(m)·a·σ) = σ·Y_a(m),   Y_a(m) = m ⊗-sum of rne(a·w(m)),

the *underflow trick* (arXiv 2605.07705, proof of the logic → transformer direction, as
summarised secondarily; the construction details are ours): R(w·aσ) = 0 once a·w(m) ≤ ½, so
y_a is nonzero exactly for 1 ≤ m < k_a. A single head "realises" k when some a gives
Y_a(m) ≠ 0 ⇔ 1 ≤ m < k (float32: k = 2, 4, 7, 8, 11, 13, 15, 16, …; k = 3 is not
realisable). The *composite* gadget reads the value, not only its support: [m ≥ k] =
[m ≥ 1] ∧ ¬[Y_a(m) ∈ S] with S = {Y_a(m) : 1 ≤ m < k}, valid when no m ≥ k has Y_a(m) ∈ S;
an integer-indicator FFN computes [z ∈ S] exactly. ⟨G⟩^{≥1} and ⟨P⟩ use c = 1: y(m) ≥ ½.

Certification evaluates Y_a(m) for every m = 1 … M (M past the last nonzero value and past
2^p for tiny formats) and on a logarithmic grid of m up to 2^(p+6) with the closed-form
multiset sums; w(m) is non-increasing in m, so Y_a(m) = 0 for every larger m once
rne(a·w(m)) = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._floats import f_div, f_exp, f_mul, float_format
from ._floats_sums import multiset_sum

__all__ = ["Gadget", "score_scale", "count_table", "count_candidates", "certify_count",
           "exists_table", "certified_thresholds", "check_m"]


@dataclass(frozen=True)
class Gadget:
    k: int
    a: int  # value c = a·σ
    accept: tuple  # S: the Y values that mean 1 ≤ m < k
    simple: bool  # S = every nonzero value (the one-head gadget)


def score_scale(fmt) -> float:
    """L: an integer with exp_F(−L) = 0 in the format (the softmax ignores ψ = 0)."""
    f = float_format(fmt)
    L = float(np.ceil(-np.log(f.smallest_subnormal)) + 2)
    assert f_exp(-L, f) == 0.0
    return L


def check_m(fmt, extra: int = 0) -> np.ndarray:
    """The m at which gadgets are certified: 1 … M exhaustively, then a log grid ±1."""
    f = float_format(fmt)
    M = min(2 ** (f.p + 2), 4096) + extra
    grid = np.unique(np.round(np.logspace(np.log10(M), (f.p + 6) * np.log10(2), 60)))
    near = np.concatenate([grid - 1, grid, grid + 1, [2 ** f.p - 1, 2 ** f.p, 2 ** f.p + 1]])
    return np.unique(np.concatenate([np.arange(1, M + 1), near])).astype(np.int64)


def _weights(m, fmt, order):
    if order not in ("sorted", "sequential"):
        raise ValueError("gadgets are certified for sorted and sequential summation (zeros "
                         "add exactly there; pairwise trees depend on where the zeros sit)")
    Z = multiset_sum(1.0, m, fmt)
    return f_div(1.0, Z, fmt)


def count_table(a: int, m, fmt, order: str = "sorted", w=None) -> np.ndarray:
    """Y_a(m) = y_a(m)/σ for each m ≥ 1 (integers, exact); ``w`` the precomputed weights."""
    f = float_format(fmt)
    sigma = f.smallest_subnormal
    w = _weights(np.asarray(m), f, order) if w is None else w
    term = f_mul(w, a * sigma, f)
    return multiset_sum(term, np.asarray(m), f) / sigma


def exists_table(m, fmt, order: str = "sorted") -> np.ndarray:
    """y(m) of the value-1 head (⟨G⟩^{≥1}, ⟨P⟩): Σ of m copies of R(1/Z(m))."""
    w = _weights(np.asarray(m), fmt, order)
    return multiset_sum(w, np.asarray(m), fmt)


def count_candidates(k: int, fmt, order: str = "sorted", *, max_a: int | None = None,
                     max_set: int = 30) -> list:
    """Gadgets for ⟨G⟩^{≥k} (k ≥ 2) whose count table separates m < k from m ≥ k, best first:
    the simple one-head gadgets, then composite ones by |S| (≤ max_set), a ≤ max_a."""
    f = float_format(fmt)
    if k < 2:
        raise ValueError("k ≥ 2 (⟨G⟩^{≥1} is the exists head)")
    max_a = max_a or 4 * k + 8
    m = check_m(f, extra=8 * max_a)
    w = _weights(m, f, order)
    found = []
    for a in range(1, max_a + 1):
        if a * f.smallest_subnormal > f.max_finite:
            break
        Y = count_table(a, m, f, order, w=w)
        if np.any(Y[m > 8 * max_a] != 0):  # the tail must vanish (non-increasing w)
            continue
        lo, hi = set(Y[m < k].tolist()), set(Y[m >= k].tolist())
        simple = hi == {0.0}
        if 0.0 in lo or lo & hi or not lo or (len(lo) > max_set and not simple):
            continue
        found.append(Gadget(k, a, tuple(sorted(lo)), simple))
    return sorted(found, key=lambda g: (not g.simple, len(g.accept) if not g.simple else 0, g.a))


def certify_count(k: int, fmt, order: str = "sorted", **kw):
    """The best candidate of :func:`count_candidates`, or None (uncertifiable)."""
    found = count_candidates(k, fmt, order, **kw)
    return found[0] if found else None


def certified_thresholds(fmt, ks, order: str = "sorted") -> list[dict]:
    """One row per k: whether a one-head gadget realises it, the composite gadget's a and |S|,
    or neither (uncertifiable, reported, never approximated)."""
    rows = []
    for k in ks:
        g = certify_count(int(k), fmt, order)
        rows.append({"format": float_format(fmt).name, "order": order, "k": int(k),
                     "simple": bool(g is not None and g.simple),
                     "certified": g is not None,
                     "a": None if g is None else g.a,
                     "set_size": None if g is None else len(g.accept)})
    return rows
