"""Everything the claims need from one row, from one sort: gaps, raw and robust Λ̂, N(t)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._beta_grid import SoftmaxStatistics, softmax_statistics

__all__ = ["RowSummary", "summarize_row", "row_scales"]


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
