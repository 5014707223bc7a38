"""Softmax statistics of one attention row on a whole grid of inverse temperatures.

For gaps Δ: [n] (Δ_j = max s − s_j ≥ 0, optional multiplicities w_j) and β: [B],

    Z(β)  = Σ_j w_j e^{−βΔ_j}        p_max = 1/Z        top-two gap D = (1 − e^{−βΔ_(2)})/Z
    H(β)  = log Z + β S₁/Z,          S₁(β) = Σ_j w_j Δ_j e^{−βΔ_j}

(softmax written on gaps: every weight is in (0, 1], so nothing overflows and no log-sum-exp
shift is needed; Hayase & Karakida, arXiv 2605.12697, as reconstructed in
``reproductions/inverse_temperature/README.md``).

Evaluating these sums for B values of β naively costs B passes over the row. Here the row is
cut into chunks of the gap axis, each with centre c and half-width h, and the chunk's power sums
M_k = Σ w (u)^k of u = (Δ − c)/h are taken once. Then, exactly up to a Taylor remainder,

    Σ_chunk w e^{−βΔ} = e^{−βc} Σ_{k≤K} (−βh)^k/k! · M_k,     |βh| ≤ ρ on every chunk that counts.

The chunk layout makes |βh| ≤ ρ hold wherever a chunk matters. Gaps are measured from the
smallest positive gap Δ₊ (the maximum's own terms are added exactly): linear chunks of width
2ρ/β_max up to a* = L/β_max, geometric ones of ratio 1 + 2ρ/L beyond, and a chunk whose lower
edge a has βa > L = log(Σw) + 40 is dropped (it adds < e^{−40} of the row's largest
non-maximal term, so even Z − 1 and H keep their relative precision). With ρ = 1.5, K = 20 the
remainder is < 1e-14 relative, so the result agrees with a direct sum to ~1e-13. Cost: one
pass per power over the row (K + 2 passes, independent of B) plus O(B·chunks·K).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["SoftmaxStatistics", "softmax_statistics", "softmax_statistics_direct"]

_CUTOFF_EXTRA = 40.0  # e^{-40} ≈ 4e-18: relative share of Z a dropped chunk may carry
# Below this many exponentials (n·B) one dense exp(−β Δᵀ) beats the chunk bookkeeping.
_DIRECT_BELOW = 400_000


@dataclass(frozen=True)
class SoftmaxStatistics:
    """Per-β statistics of one row; every field is ``[B]`` float64."""

    beta: np.ndarray
    log_partition: np.ndarray  # log Z
    max_weight: np.ndarray  # p_max
    top_two_gap: np.ndarray  # p_(1) − p_(2)
    entropy: np.ndarray  # H in nats


@dataclass(frozen=True)
class _Layout:
    width_linear: float
    n_linear: int
    a_star: float
    log_ratio: float  # log(1 + q)
    cutoff: float  # L

    def lower_edge(self, idx):
        idx = np.asarray(idx, dtype=np.float64)
        geo = self.a_star * np.exp((idx - self.n_linear) * self.log_ratio)
        return np.where(idx < self.n_linear, idx * self.width_linear, geo)

    def upper_edge(self, idx):
        return self.lower_edge(np.asarray(idx) + 1)


def _layout(delta_max: float, beta_max: float, total_weight: float, radius: float) -> _Layout:
    cutoff = math.log(max(total_weight, 1.0)) + _CUTOFF_EXTRA
    beta_ref = max(beta_max, 2 * radius / max(delta_max, 1e-300))
    width = 2 * radius / beta_ref
    n_linear = math.ceil(cutoff / (2 * radius))
    return _Layout(width, n_linear, n_linear * width, math.log1p(2 * radius / cutoff), cutoff)


def _chunk_index(gaps, layout: _Layout, xp):
    linear = xp.floor(gaps / layout.width_linear)
    with np.errstate(divide="ignore"):
        ratio = xp.log(xp.clip(gaps, layout.a_star, None) / layout.a_star)
    geometric = layout.n_linear + xp.floor(ratio / layout.log_ratio)
    return xp.where(gaps < layout.a_star, linear, geometric)


def _zero_count(gaps, weights) -> float:
    if weights is None:
        return float((gaps == 0).sum())
    return float(weights[gaps == 0].sum())


def _chunk_geometry(idx_max: int, layout: _Layout):
    chunks = np.arange(idx_max + 1)
    lo, hi = layout.lower_edge(chunks), layout.upper_edge(chunks)
    return lo, (lo + hi) / 2, (hi - lo) / 2


def _power_sums_numpy(shifted, term, layout, order, presorted):
    idx = _chunk_index(shifted, layout, np).astype(np.int64)
    lo, centre, half = _chunk_geometry(int(idx.max()), layout)
    u = (shifted - centre[idx]) / half[idx]
    sums = np.zeros((lo.size, order + 2))
    if presorted:  # contiguous chunks: a segmented sum, no scatter
        starts = np.searchsorted(idx, np.arange(lo.size))
        present = starts < np.append(starts[1:], idx.size)
    for k in range(order + 2):
        if presorted:
            sums[present, k] = np.add.reduceat(term, starts[present])
        else:
            sums[:, k] = np.bincount(idx, weights=term, minlength=lo.size)
        term = term * u
    return lo, centre, half, sums


TORCH_BLOCK = 1 << 26  # elements per pass on a torch device: 0.5 GB of float64 temporaries


def _torch_blocks(n: int):
    for lo in range(0, n, TORCH_BLOCK):
        yield lo, min(n, lo + TORCH_BLOCK)


def _power_sums_torch(gaps, weights, offset, layout, order, presorted):
    """Chunk power sums of a torch row, TORCH_BLOCK elements at a time, so a 10⁹-score row
    (8 GB) needs ~10 GB, not ~8× that; sums over blocks add up chunk by chunk."""
    import torch

    dev = gaps.device
    top = torch.as_tensor(float(gaps.max()) - offset, dtype=torch.float64, device=dev)
    n_chunks = int(_chunk_index(top, layout, torch).item()) + 1
    lo, centre, half = _chunk_geometry(n_chunks - 1, layout)
    c_t = torch.as_tensor(centre, device=dev)
    h_t = torch.as_tensor(half, device=dev)
    sums = torch.zeros((order + 2, lo.size), dtype=torch.float64, device=dev)
    for a, b in _torch_blocks(gaps.numel()):
        g = gaps[a:b]
        positive = g > 0
        shifted = torch.where(positive, g - offset, torch.zeros_like(g))
        term = positive.to(g.dtype)
        if weights is not None:
            term = term * weights[a:b]
        idx = _chunk_index(shifted, layout, torch).long()
        u = (shifted - c_t[idx]) / h_t[idx]
        del shifted, positive
        lengths = torch.bincount(idx, minlength=lo.size) if presorted else None
        for k in range(order + 2):
            if presorted:  # segmented reduction: no atomics piling onto ~100 chunk sums
                sums[k] += torch.segment_reduce(term, "sum", lengths=lengths)
            else:
                sums[k].index_add_(0, idx, term)
            term = term * u
    return lo, centre, half, sums.T.cpu().numpy()


def _torch_positive_min(gaps) -> float:
    import torch

    return min(float(torch.where(gaps[a:b] > 0, gaps[a:b], torch.inf).min())
               for a, b in _torch_blocks(gaps.numel()))


def _torch_total(gaps, weights) -> float:
    if weights is None:
        return float(sum(int((gaps[a:b] > 0).sum()) for a, b in _torch_blocks(gaps.numel())))
    return float(sum(float(weights[a:b][gaps[a:b] > 0].sum())
                     for a, b in _torch_blocks(gaps.numel())))


def softmax_statistics(
    gaps, betas, *, weights=None, second_gap=None, presorted: bool = False, order: int = 20,
    radius: float = 1.5
) -> SoftmaxStatistics:
    """p_max, top-two gap, entropy and log Z of one row at every β (chunked Taylor sums).

    ``gaps: [n]`` (numpy, or a float64 torch tensor on any device), ``betas: [B]`` ≥ 0,
    ``weights: [n]`` optional multiplicities (the semi-analytic sampler's histogram counts).
    ``second_gap`` is Δ_(2) if the caller knows it (else it is found in one pass).
    ``presorted=True`` promises ascending gaps: chunk sums become segmented sums.
    """
    betas = np.atleast_1d(np.asarray(betas, dtype=np.float64))
    if np.any(betas < 0) or not np.all(np.isfinite(betas)):
        raise ValueError("betas must be finite and ≥ 0")
    is_torch = type(gaps).__module__.startswith("torch")
    if not is_torch:
        gaps = np.asarray(gaps, dtype=np.float64).ravel()
    if (gaps.numel() if is_torch else gaps.size) == 0:
        raise ValueError("a row needs at least one score")
    delta_min = float(gaps.min())
    if delta_min != 0.0:
        raise ValueError("gaps must have minimum exactly 0 (use theory.gaps_from_scores)")
    if not is_torch and gaps.size * betas.size <= _DIRECT_BELOW:
        return softmax_statistics_direct(gaps, betas, weights=weights, second_gap=second_gap)
    if second_gap is None:
        second_gap = _second_gap(gaps, weights, is_torch)
    n_zero = _zero_count(gaps, weights)
    positive = gaps > 0
    if not bool(positive.any()):  # every score ties with the maximum
        zeros = np.zeros_like(betas)
        return _finish(betas, n_zero, zeros, zeros, second_gap)
    # The maximum's own terms (Δ = 0, weight 1 each) stay out of the sums and are added back
    # exactly: Z = n₀ + rest. The rest is taken relative to its own largest term e^{−βΔ₊}
    # (Δ₊ the smallest positive gap), so both rest and H ≈ rest·(1 + βΔ₊) keep full relative
    # precision even where they are 1e-200 — no cancellation against the 1 of the maximum.
    if is_torch:  # block by block: a 10⁹-score row on a GPU has no room for 8 copies
        del positive
        offset = _torch_positive_min(gaps)
        total = _torch_total(gaps, weights)
        layout = _layout(float(gaps.max()) - offset, float(betas.max()), total, radius)
        lo, centre, half, sums = _power_sums_torch(gaps, weights, offset, layout, order,
                                                   presorted)
    else:
        offset = float(gaps[positive].min())
        shifted = np.where(positive, gaps - offset, 0.0)
        term = positive.astype(np.float64)
        if weights is not None:
            term = term * np.asarray(weights, dtype=np.float64)
        total = float(term.sum())
        layout = _layout(float(shifted.max()), float(betas.max()), total, radius)
        lo, centre, half, sums = _power_sums_numpy(shifted, term, layout, order, presorted)

    return taylor_statistics(betas, layout, lo, centre, half, sums, order, radius, offset,
                             n_zero, second_gap)


def taylor_statistics(betas, layout, lo, centre, half, sums, order, radius, offset, n_zero,
                      second_gap) -> SoftmaxStatistics:
    """The last step of :func:`softmax_statistics`, shared with the streamed rows of
    ``_rows``: chunk power sums → p_max, gap, H, log Z."""
    t = betas[:, None] * half[None, :]  # [B, chunks]
    live = betas[:, None] * lo[None, :] <= layout.cutoff
    assert np.all(t[live] <= radius * (1 + 1e-9)), "chunk layout violated |βh| ≤ ρ"
    t = np.where(live, t, 0.0)
    coeff = np.empty(t.shape + (order + 1,))  # (−t)^k / k!
    coeff[..., 0] = 1.0
    for k in range(1, order + 1):
        coeff[..., k] = coeff[..., k - 1] * (-t) / k
    shift = np.where(live, np.exp(-betas[:, None] * centre[None, :]), 0.0)
    z_chunks = shift * np.einsum("bik,ik->bi", coeff, sums[:, : order + 1])
    s1_chunks = centre * z_chunks + half * shift * np.einsum("bik,ik->bi", coeff, sums[:, 1:])
    rest, s1 = z_chunks.sum(axis=1), s1_chunks.sum(axis=1)
    decay = np.exp(-betas * offset)
    return _finish(betas, n_zero, decay * rest, decay * (offset * rest + s1), second_gap)


def _second_gap(gaps, weights, is_torch) -> float:
    if is_torch:
        import torch

        g = gaps.cpu() if weights is None else gaps
        if weights is not None and float(weights[torch.argmin(gaps)]) > 1:
            return 0.0
        return float(torch.topk(g, min(2, g.numel()), largest=False).values[-1])
    if weights is not None:
        if weights[np.argmin(gaps)] > 1:
            return 0.0
        pos = np.asarray(weights) > 0
        gaps = gaps[pos]
    return float(np.partition(gaps, 1)[1]) if gaps.size > 1 else float("inf")


def _finish(betas, n_zero, rest, s1, second_gap) -> SoftmaxStatistics:
    # Z = n₀ + rest, with n₀ the (exact) weight of the maximum and rest the other terms
    z = n_zero + rest
    log_z = np.log(n_zero) + np.log1p(rest / n_zero)
    with np.errstate(invalid="ignore"):
        second = -np.expm1(-betas * second_gap) if np.isfinite(second_gap) else np.ones_like(z)
    entropy = np.maximum(log_z + betas * s1 / z, 0.0)
    return SoftmaxStatistics(betas, log_z, 1.0 / z, second / z, entropy)


def softmax_statistics_direct(gaps, betas, *, weights=None, second_gap=None
                              ) -> SoftmaxStatistics:
    """Reference implementation: every term for every β (B·n exponentials, in blocks of β)."""
    betas = np.atleast_1d(np.asarray(betas, dtype=np.float64))
    gaps = np.asarray(gaps, dtype=np.float64).ravel()
    w = np.ones_like(gaps) if weights is None else np.asarray(weights, dtype=np.float64)
    others = gaps > 0
    g, wo = gaps[others], w[others]
    rest = np.empty_like(betas)
    s1 = np.empty_like(betas)
    step = max(1, _DIRECT_BELOW // max(g.size, 1))
    for i in range(0, betas.size, step):
        e = wo * np.exp(-betas[i : i + step, None] * g)  # [block, n−n₀], all in (0, w]
        rest[i : i + step], s1[i : i + step] = e.sum(axis=1), e @ g
    if second_gap is None:
        second_gap = _second_gap(gaps, weights, False)
    return _finish(betas, float(w[~others].sum()), rest, s1, second_gap)
