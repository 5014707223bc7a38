"""Attention rows s = g(E) drawn exactly (n ≤ 10⁷ on a CPU) or semi-analytically (n ≤ 10¹²).

Exact: E_j i.i.d. Exp(1), s_j = g(E_j) — the law of every family in :mod:`theory._families`;
a whole row at once, or (10⁸–10⁹ scores on a GPU) as re-drawable chunks (:func:`exact_row_chunks`).
Semi-analytic (this toolkit's sampler for n up to 10¹², not the paper's; see
``reproductions/inverse_temperature/README.md``): the (K+1)-th largest E is −log U with
U ~ Beta(K+1, n−K); the K values above it are that threshold τ plus i.i.d. Exp(1)
(memorylessness); the n−K−1 values below τ are represented by their expected counts in a
deterministic histogram whose bins are log-spaced in the distance y = τ − E from the
threshold, i.e. fine where the top of the row is. Linear bins would smear the
values next to the top and corrupt every statistic that depends on the first gaps. Cost
O(K + bins), independent of n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnlab.theory import get_family

__all__ = ["exact_scores", "exact_rows", "exact_row_chunks", "SemiAnalyticRow",
           "semi_analytic_row"]


def exact_scores(family: str, n: int, rows: int, *, seed: int, device: str = "cpu"):
    """Scores ``[rows, n]`` in float64: numpy on the CPU, a torch tensor on ``cuda``."""
    if n < 2 or rows < 1:
        raise ValueError(f"need n ≥ 2 and rows ≥ 1, got n={n}, rows={rows}")
    fam = get_family(family)
    if device == "cpu":
        return fam.draw(np.random.default_rng(seed), (rows, n))
    g = fam.g
    import torch

    gen = torch.Generator(device=device).manual_seed(seed)
    e = torch.empty((rows, n), dtype=torch.float64, device=device).exponential_(generator=gen)
    return g(e)


def exact_rows(family: str, n: int, rows: int, *, seed: int, device: str = "cpu"):
    """Yield the ``rows`` rows of :func:`exact_scores` one at a time (float64 ``[n]`` each).

    On the CPU they are the rows of one ``[rows, n]`` draw; on a GPU each row is drawn when it
    is needed from one generator, so only one row is ever on the device (8 GB at n = 10⁹)."""
    if device == "cpu":
        yield from exact_scores(family, n, rows, seed=seed)
        return
    import torch

    g = get_family(family).g
    gen = torch.Generator(device=device).manual_seed(seed)
    for _ in range(rows):
        e = torch.empty(n, dtype=torch.float64, device=device).exponential_(generator=gen)
        s = g(e)
        del e  # the generator's frame would hold it while the caller works on the row
        yield s


def exact_row_chunks(family: str, n: int, *, seed: int, device: str = "cpu",
                     chunk: int = 1 << 24):
    """One exact row of n scores as a re-iterable source of float64 torch chunks ``[≤ chunk]``.

    Chunk i is drawn from its own generator, seeded from ``SeedSequence(seed)``'s i-th word, so
    every pass over the row sees bit-identical scores while only one chunk is ever held: the
    law is that of :func:`exact_rows` (n i.i.d. g(E), E ~ Exp(1)), the draws are not (another
    stream). Lets a 10⁹-score row be summarised in a few passes at O(chunk) memory."""
    if n < 2 or chunk < 1:
        raise ValueError(f"need n ≥ 2 and chunk ≥ 1, got n={n}, chunk={chunk}")
    import torch

    g = get_family(family).g
    words = np.random.SeedSequence(seed).generate_state(-(-n // chunk), dtype=np.uint64)

    def chunks():
        for i, word in enumerate(words):
            gen = torch.Generator(device=device).manual_seed(int(word) >> 1)
            size = min(chunk, n - i * chunk)
            e = torch.empty(size, dtype=torch.float64, device=device).exponential_(generator=gen)
            yield g(e)

    return chunks


@dataclass(frozen=True)
class SemiAnalyticRow:
    """A row as weighted gaps: ``gaps: [m]`` with ``weights: [m]`` expected counts summing
    to n; the first ``exact`` entries are single sampled scores (weight 1), the top one Δ = 0."""

    gaps: np.ndarray
    weights: np.ndarray
    exact: int
    n: int


def semi_analytic_row(
    family: str, n: int, *, seed: int, top: int = 1024, bins: int = 2048
) -> SemiAnalyticRow:
    """One row of n scores of ``family`` with the top ``top``+1 exact and the bulk histogrammed."""
    if n <= top + 1:
        raise ValueError(f"semi-analytic rows need n > top + 1 = {top + 1}; use exact_scores")
    g = get_family(family).g
    rng = np.random.default_rng(seed)
    # U_(K+1) ~ Beta(K+1, n−K) as X/(X+Y) with X ~ Γ(K+1), Y ~ Γ(n−K); τ = −log U
    x, y = rng.standard_gamma(top + 1), rng.standard_gamma(n - top)
    tau = np.log(x + y) - np.log(x)
    top_e = np.concatenate([[tau], tau + rng.standard_exponential(top)])

    # Bulk E ∈ (0, τ): log-spaced in y = τ − E from y_min (expected count ≈ 1e-6 below it).
    y_min = min(1e-6 / (top + 1), tau / 2)
    edges_y = np.concatenate([[0.0], np.geomspace(y_min, tau, bins)])
    lo_e, hi_e = tau - edges_y[1:], tau - edges_y[:-1]  # E-interval of each bin
    bulk = n - top - 1
    # P(E ∈ [lo, hi] | E < τ) = (e^{−lo} − e^{−hi}) / (1 − e^{−τ})
    mass = (np.exp(-lo_e) * -np.expm1(-(hi_e - lo_e))) / -np.expm1(-tau)
    width = hi_e - lo_e
    # conditional mean of E under density ∝ e^{−E} on [lo, hi]: lo + 1 − w/(e^w − 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shape = np.where(width > 1e-8, width / np.expm1(width), 1 - width / 2)
    mean_e = lo_e + 1 - shape
    keep = mass > 0
    scores = np.concatenate([g(top_e), g(mean_e[keep])])
    gaps = scores.max() - scores
    weights = np.concatenate([np.ones(top + 1), bulk * mass[keep] / mass[keep].sum()])
    return SemiAnalyticRow(gaps=gaps, weights=weights, exact=top + 1, n=n)
