"""Distances between a base and a LoRA-perturbed token cloud, and cluster statistics
(Koubbi, Hernandez, Boussard, arXiv 2402.15415: forgetting measured as geometric drift).

All take numpy or torch arrays X, Y [n, d] (or [B, n, d] where noted) on the sphere.

- coupled distance D_c = (1/n Σ_i ‖x_i − y_i‖²)^½ (same initial tokens) and its max form;
- exact W₂ between the empirical measures: min over permutations σ of (1/n Σ ‖x_i − y_σ(i)‖²)^½
  (the assignment problem, scipy ``linear_sum_assignment``; n ≤ ~2000), sliced W₂ beyond;
- MMD with the Gaussian kernel k(x, y) = exp(−‖x − y‖²/(2s²));
- clusters: connected components of {⟨x_i, x_j⟩ > 1 − τ}; the adjusted Rand index of two
  labelings; oversmoothing index: mean pairwise cosine; terminal alignment |⟨x̄/‖x̄‖, v⟩|;
- time-to-deviation T_dev(δ) = first t with D(t) > δ, interpolated between records (∞ if
  never).
"""

from __future__ import annotations

import numpy as np

__all__ = ["coupled_distance", "max_distance", "w2_exact", "w2_sliced", "mmd",
           "cluster_labels", "cluster_count", "adjusted_rand_index", "oversmoothing_index",
           "terminal_alignment", "time_to_deviation"]


def _np(X) -> np.ndarray:
    return X.detach().cpu().numpy() if hasattr(X, "detach") else np.asarray(X, np.float64)


def coupled_distance(X, Y) -> np.ndarray:
    """RMS over tokens of ‖x_i − y_i‖: shape X.shape[:-2]."""
    return np.sqrt(((_np(X) - _np(Y)) ** 2).sum(-1).mean(-1))


def max_distance(X, Y) -> np.ndarray:
    """max_i ‖x_i − y_i‖: shape X.shape[:-2]."""
    return np.sqrt(((_np(X) - _np(Y)) ** 2).sum(-1)).max(-1)


def w2_exact(X, Y) -> float:
    """Exact W₂ between two uniform empirical measures of n points (assignment problem)."""
    from scipy.optimize import linear_sum_assignment

    X, Y = _np(X), _np(Y)
    cost = ((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
    rows, cols = linear_sum_assignment(cost)
    return float(np.sqrt(cost[rows, cols].mean()))


def w2_sliced(X, Y, *, projections: int = 200, seed: int = 0) -> float:
    """Sliced W₂ (for n too large for the assignment problem): RMS over random directions of
    the 1-D W₂ of the projected measures."""
    X, Y = _np(X), _np(Y)
    dirs = np.random.default_rng(seed).standard_normal((projections, X.shape[1]))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    px, py = np.sort(X @ dirs.T, axis=0), np.sort(Y @ dirs.T, axis=0)
    return float(np.sqrt(((px - py) ** 2).mean()))


def mmd(X, Y, *, scale: float = 0.5) -> float:
    """Biased (V-statistic) MMD with a Gaussian kernel of bandwidth ``scale``."""
    X, Y = _np(X), _np(Y)

    def k(a, b):
        return np.exp(-((a[:, None] - b[None]) ** 2).sum(-1) / (2 * scale ** 2)).mean()

    return float(np.sqrt(max(k(X, X) + k(Y, Y) - 2 * k(X, Y), 0.0)))


def cluster_labels(X, *, tau: float = 1e-2) -> np.ndarray:
    """Labels of the components of the graph {⟨x_i, x_j⟩ > 1 − τ} (unit vectors)."""
    from scipy.sparse.csgraph import connected_components

    X = _np(X)
    X = X / np.linalg.norm(X, axis=-1, keepdims=True)
    return connected_components(X @ X.T > 1 - tau, directed=False)[1]


def cluster_count(X, *, tau: float = 1e-2) -> int:
    return int(cluster_labels(X, tau=tau).max() + 1)


def adjusted_rand_index(a, b) -> float:
    """Hubert–Arabie adjusted Rand index of two labelings (1 = identical partitions)."""
    a, b = np.asarray(a), np.asarray(b)
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1)

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / pairs(np.array([a.size]))
    top = (rows + cols) / 2
    return 1.0 if top == expected else float((index - expected) / (top - expected))


def oversmoothing_index(X) -> np.ndarray:
    """Mean pairwise cosine (i ≠ j) of a cloud, shape X.shape[:-2]; 1 = one point."""
    X = _np(X)
    X = X / np.linalg.norm(X, axis=-1, keepdims=True)
    n = X.shape[-2]
    s = (X.sum(-2) ** 2).sum(-1)
    return (s - n) / (n * (n - 1))


def terminal_alignment(X, v) -> float:
    """|⟨x̄/‖x̄‖, v⟩| for the cloud's mean direction x̄ and a unit vector v."""
    m = _np(X).mean(0)
    return float(abs(m @ np.asarray(v)) / max(np.linalg.norm(m), 1e-300))


def time_to_deviation(times, distance, delta: float) -> float:
    """The first time the distance exceeds δ, linearly interpolated between the recorded
    point at or below δ and the first one above (so it is not tied to the recording grid;
    the recorded start if it already exceeds δ there; inf if it never does)."""
    distance, times = np.asarray(distance, np.float64), np.asarray(times, np.float64)
    above = np.nonzero(distance > delta)[0]
    if not above.size:
        return float("inf")
    j = int(above[0])
    if j == 0:
        return float(times[0])
    d0, d1 = distance[j - 1], distance[j]
    return float(times[j - 1] + (times[j] - times[j - 1]) * (delta - d0) / (d1 - d0))
