"""Everything the claims need from one row, from one sort: gaps, raw and robust Λ̂, N(t) —
or, for rows too large to hold and sort (10⁸–10⁹ scores on one GPU), the same numbers from a
few streamed passes over the row (:func:`summarize_streamed_row`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._beta_grid import SoftmaxStatistics, softmax_statistics, taylor_statistics

__all__ = ["RowSummary", "summarize_row", "summarize_streamed_row", "row_scales"]


@dataclass(frozen=True)
class RowSummary:
    n: float  # number of scores (sum of weights for a semi-analytic row)
    lambda_raw: float  # sup_{t>0} log N(t)/t (inf on a tie at the maximum)
    lambda_robust: float  # the same sup over t ≥ Δ_(k0+1)
    stats: SoftmaxStatistics  # p_max, top-two gap, entropy at every β


def row_scales(sorted_gaps, counts, skip: int) -> tuple[float, float]:
    """(raw Λ, robust Λ) from sorted gaps ``[n]`` and cumulative counts N(Δ_(j)) ``[n]``
    (``counts=None``: 1, 2, …, n, i.e. unit weights).

    Same definition as :func:`theory.accumulation_scale` (the reference), computed once for both
    variants and on whichever device the row lives (numpy, or torch block by block so that a
    10⁹-score row needs no n-sized temporaries)."""
    is_torch = type(sorted_gaps).__module__.startswith("torch")
    n = len(sorted_gaps)
    zeros = int((sorted_gaps <= 0).sum())
    n_at_zero = float(zeros) if counts is None else float(counts[zeros - 1])
    if not is_torch:
        if counts is None:
            counts = np.arange(1, n + 1, dtype=np.float64)
        ratio = _ratios(np, sorted_gaps, counts)
        raw_max = float(ratio.max())
        robust = float(ratio[skip:].max()) if n > skip else float("nan")
    else:
        import torch

        from ._beta_grid import _torch_blocks

        raw_max, robust = -np.inf, (-np.inf if n > skip else float("nan"))
        for a, b in _torch_blocks(n):
            c = (torch.arange(a + 1, b + 1, dtype=sorted_gaps.dtype, device=sorted_gaps.device)
                 if counts is None else counts[a:b])
            ratio = _ratios(torch, sorted_gaps[a:b], c)
            raw_max = max(raw_max, float(ratio.max()))
            if b > skip:
                robust = max(robust, float(ratio[max(skip - a, 0):].max()))
    raw = float("inf") if n_at_zero >= 2 else raw_max
    return max(raw, 0.0), max(robust, 0.0)


def _ratios(xp, sorted_gaps, counts):
    """log N(Δ_j)/Δ_j where Δ_j > 0, −∞ elsewhere."""
    positive = sorted_gaps > 0
    safe = xp.where(positive, sorted_gaps, xp.ones_like(sorted_gaps))
    with np.errstate(over="ignore"):  # subnormal gaps overflow to inf, as in theory's version
        ratio = xp.log(counts) / safe
    return xp.where(positive, ratio, xp.zeros_like(ratio) - np.inf)


def summarize_row(gaps, betas, *, weights=None, skip: int = 8) -> RowSummary:
    """Λ̂ (raw and robust) and the softmax statistics at ``betas`` for one row of ``gaps``.

    ``gaps: [n]`` numpy or torch (any device); ``weights: [n]`` optional multiplicities."""
    is_torch = type(gaps).__module__.startswith("torch")
    if is_torch:
        import torch

        sorted_gaps, order = torch.sort(gaps)
        sorted_weights = None if weights is None else weights[order]
        del order  # 8 GB at n = 10⁹
        counts = None if weights is None else torch.cumsum(sorted_weights, 0)
    else:
        gaps = np.asarray(gaps, dtype=np.float64)
        order = np.argsort(gaps, kind="stable")
        sorted_gaps = gaps[order]
        sorted_weights = None if weights is None else np.asarray(weights, np.float64)[order]
        counts = (np.arange(1, gaps.size + 1, dtype=np.float64) if weights is None
                  else np.cumsum(sorted_weights))
    total = float(len(sorted_gaps)) if counts is None else float(counts[-1])
    raw, robust = row_scales(sorted_gaps, counts, skip)
    second = float(sorted_gaps[1]) if len(sorted_gaps) > 1 else float("inf")
    if counts is not None and float(counts[0]) > 1:  # the maximum itself has multiplicity
        second = 0.0
    # the statistics do not depend on the order: hand over the sorted row (segmented sums)
    stats = softmax_statistics(sorted_gaps, betas, weights=sorted_weights, second_gap=second,
                               presorted=True)
    return RowSummary(total, raw, robust, stats)


# --- rows streamed in chunks (10⁸–10⁹ scores): the same numbers without holding the row ---

HISTOGRAM_BINS = 1 << 20  # log-spaced gap bins that locate where Λ̂'s sup can sit
_MAX_RUNS = 64  # runs of candidate bins gathered by interval; more: one lookup per element
MAX_GATHERED = 1 << 27  # scores gathered to rank exactly (1 GB of float64 on the host)


def summarize_streamed_row(chunks, betas, *, skip: int = 8, bins: int = HISTOGRAM_BINS,
                           order: int = 20, radius: float = 1.5) -> RowSummary:
    """:func:`summarize_row` of one unweighted row given as ``chunks``, a re-iterable source of
    float64 torch score chunks (:func:`probes.exact_row_chunks`), in three passes and O(chunk)
    memory; chunks are sorted, the row never is.

    1. max M, its multiplicity n₀, the smallest positive gap Δ₊ and the largest gap.
    2. per chunk, gaps sorted within the chunk: the softmax statistics' chunk power sums
       (:mod:`probes._beta_grid`, the same Taylor sums, added over chunks), and the counts
       C_b = N(e_{b+1}⁻) at ``bins`` log-spaced edges e_b from Δ₊.
    3. Λ̂ = sup_j log j / Δ_(j). An element of bin b has rank j ≤ C_b and gap ≥ e_b, so its
       ratio is ≤ log C_b / e_b; bin b's last element has ratio ≥ log C_b / e_{b+1}. Only bins
       whose upper bound reaches the best lower bound can hold the sup: their elements are
       gathered, sorted, and ranked exactly (C_{b−1} + position in the bin).

    Exact, not approximate: Λ̂ (raw and robust) equals the numpy sorted row's bit for bit (same
    ranks, same gaps, numpy's log), the statistics agree to ~1e-13 (sums in another order)."""
    import torch

    betas = np.atleast_1d(np.asarray(betas, dtype=np.float64))
    m, n_zero, below, low, n = _stream_extremes(chunks)
    if n_zero == n:
        raise ValueError("every score ties with the maximum")
    offset, delta_max = m - below, m - low  # Δ₊ and the largest gap
    edges = _log_edges(offset, delta_max, bins)
    stats, counts = _stream_sums(chunks, m, offset, delta_max, n_zero, n, betas, edges,
                                 order, radius)
    raw, robust = _stream_scales(chunks, m, edges, counts, n_zero, skip, torch)
    return RowSummary(float(n), raw, robust, stats)


def _stream_extremes(chunks):
    m, n_zero, below, low, n = -np.inf, 0, -np.inf, np.inf, 0
    for s in chunks():
        top = float(s.max())
        at_top = int((s == top).sum())
        under = s[s < top]
        below_chunk = float(under.max()) if under.numel() else -np.inf
        if top > m:  # the old maximum is now the best candidate below the new one
            below, m, n_zero = max(m, below_chunk, below), top, at_top
        elif top == m:
            n_zero, below = n_zero + at_top, max(below, below_chunk)
        else:
            below = max(below, top)
        low, n = min(low, float(s.min())), n + s.numel()
    return m, n_zero, below, low, n


def _log_edges(offset: float, delta_max: float, bins: int) -> np.ndarray:
    """``bins + 1`` edges from Δ₊ up; the last is +∞ so that every positive gap is in a bin."""
    span = max(np.log(delta_max / offset), 1e-12)
    edges = offset * np.exp(np.linspace(0.0, span, bins + 1))
    edges[0], edges[-1] = offset, np.inf
    return edges


def _stream_sums(chunks, m, offset, delta_max, n_zero, n, betas, edges, order, radius):
    import torch

    from ._beta_grid import _layout, _power_sums_torch

    layout = _layout(delta_max - offset, float(betas.max()), float(n - n_zero), radius)
    sums, geometry, cum = None, None, 0  # cum: #{Δ < e_b}, b = 0..bins, on the row's device
    for s in chunks():
        g = torch.sort(m - s).values
        cum = cum + torch.searchsorted(g, torch.as_tensor(edges, device=g.device))
        if not bool((g > 0).any()):
            continue
        lo, centre, half, part = _power_sums_torch(g, None, offset, layout, order, True)
        if sums is None or part.shape[0] > sums.shape[0]:
            grown = np.zeros_like(part)
            if sums is not None:
                grown[: sums.shape[0]] = sums
            sums, geometry = grown, (lo, centre, half)
        sums[: part.shape[0]] += part
    second = 0.0 if n_zero >= 2 else offset
    return taylor_statistics(betas, layout, *geometry, sums, order, radius, offset,
                             float(n_zero), second), cum.cpu().numpy()[1:]


def _stream_scales(chunks, m, edges, counts, n_zero, skip, torch):
    """(raw, robust) Λ̂ from bin counts ``counts[b] = C_b`` and one gathering pass."""
    full = counts > np.concatenate([[n_zero], counts[:-1]])  # bins holding an element
    with np.errstate(divide="ignore"):
        log_c = np.log(np.maximum(counts, 1).astype(np.float64))
        upper, lower = log_c / edges[:-1], log_c / edges[1:]
    candidates = np.zeros(full.size, dtype=bool)
    for min_rank in (1, skip + 1):  # raw, robust: the sup over ranks j ≥ min_rank
        ok = full & (counts >= min_rank)
        if ok.any():
            candidates |= ok & (upper >= lower[ok].max())
    gathered = int(np.diff(counts, prepend=n_zero)[candidates].sum())
    if gathered > MAX_GATHERED:  # never expected: the sup's neighbourhood is a few bins
        raise RuntimeError(f"Λ̂ would gather {gathered} scores; raise `bins`")
    # candidate bins come in a few runs of neighbours: gather by interval, not by bin lookup
    step = np.diff(np.concatenate([[0], candidates.astype(np.int8), [0]]))
    runs = list(zip(edges[np.flatnonzero(step == 1)], edges[np.flatnonzero(step == -1)],
                    strict=True))
    picked = []
    for s in chunks():
        g = m - s
        if len(runs) <= _MAX_RUNS:
            keep = torch.zeros_like(g, dtype=torch.bool)
            for lo, hi in runs:
                keep |= (g >= lo) & (g < hi)
        else:  # scattered candidates: one bin lookup per element
            e_t = torch.as_tensor(edges, device=g.device)
            idx = torch.searchsorted(e_t, g, right=True) - 1  # −1: a gap of 0 (the maximum)
            keep = (idx >= 0) & torch.as_tensor(candidates, device=g.device)[idx.clamp(min=0)]
        picked.append(g[keep].cpu().numpy())
    values = np.sort(np.concatenate(picked))
    which = np.searchsorted(edges, values, side="right") - 1
    first = np.searchsorted(which, which, side="left")  # first position of each element's bin
    before = np.where(which > 0, counts[np.maximum(which - 1, 0)], n_zero)
    ranks = (before + np.arange(values.size) - first + 1).astype(np.float64)
    ratio = np.log(ranks) / values
    raw = float("inf") if n_zero >= 2 else float(ratio.max(initial=-np.inf))
    robust = ratio[ranks >= skip + 1]
    return max(raw, 0.0), max(float(robust.max(initial=-np.inf)), 0.0)
