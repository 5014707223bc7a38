"""Pooled sequence representations of the pooled-spectra paper (Seddik, arXiv 2605.06826,
abstract; the reference model: ``reproductions/pooled_spectra/README.md``): a fixed two-class
Gaussian-mixture token table, sequences whose positions' classes are correlated through R,
and pooling with fixed weights or with a real parameter-free causal self-attention layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TokenTable", "make_table", "sample_tokens", "pool", "attention_pool",
           "pooled_covariance", "table_population", "table_within", "incidence_population"]


@dataclass(frozen=True)
class TokenTable:
    E: np.ndarray  # [V, d] embeddings e_v = y_v μ + z_v
    y: np.ndarray  # [V] classes ±1 (balanced), and 0 for neutral tokens if any
    mu: np.ndarray  # [d], ‖μ‖² = θ


def make_table(V: int, d: int, theta: float, *, seed: int, neutral: float = 0.0
               ) -> TokenTable:
    """V tokens in d dims, μ = √θ times a random unit vector; a fraction ``neutral`` of the
    tokens carries no class (y = 0, e = z: what the diagonal-R sequences draw from), the rest
    half of each class."""
    if V < 2 or d < 1 or theta < 0 or not 0 <= neutral < 1:
        raise ValueError(f"need V ≥ 2, d ≥ 1, θ ≥ 0, 0 ≤ neutral < 1; got V={V}, d={d}, "
                         f"θ={theta}, neutral={neutral}")
    rng = np.random.default_rng(seed)
    n_class = V - int(round(neutral * V))
    y = np.where(np.arange(V) < n_class // 2, 1.0, -1.0)
    y[n_class:] = 0.0
    rng.shuffle(y)
    direction = rng.standard_normal(d)
    mu = np.sqrt(theta) * direction / np.linalg.norm(direction)
    E = y[:, None] * mu[None, :] + rng.standard_normal((V, d))
    return TokenTable(E, y, mu)


def sample_tokens(table: TokenTable, N: int, rho, *, seed: int,
                  family: str = "class-correlation") -> np.ndarray:
    """[N, T] token ids, the token uniform within its class.

    ``class-correlation``: a sequence label ℓ = ±1, position t of class ℓ with probability
    (1 + ρ_t)/2, so E[y_s y_t] = ρ_s ρ_t (s ≠ t): R = ρρᵀ + diag(1 − ρ²).
    ``diagonal``: position t draws a class token (of an independent random sign) with
    probability ρ_t and a neutral token (y = 0) otherwise, so E[y_s y_t] = 0 (s ≠ t) and
    E[y_t²] = ρ_t: R = diag(ρ). Needs a table with neutral tokens."""
    rho = np.asarray(rho, dtype=np.float64)
    rng = np.random.default_rng(seed)
    shape = (N, rho.size)
    if family == "class-correlation":
        label = np.where(rng.random(N) < 0.5, 1.0, -1.0)
        agree = rng.random(shape) < (1 + rho[None, :]) / 2
        cls = np.where(agree, label[:, None], -label[:, None])
    elif family == "diagonal":
        sign = np.where(rng.random(shape) < 0.5, 1.0, -1.0)
        cls = np.where(rng.random(shape) < rho[None, :], sign, 0.0)
    else:
        raise ValueError(f"unknown R family {family!r}; known: class-correlation, diagonal")
    out = np.empty(shape, dtype=np.int64)
    for value in (1.0, -1.0, 0.0):
        members = np.flatnonzero(table.y == value)
        where = cls == value
        if where.any() and members.size == 0:
            raise ValueError("the diagonal family needs a table with neutral tokens")
        out[where] = members[rng.integers(0, max(members.size, 1), int(where.sum()))]
    return out


def pool(table: TokenTable, tokens: np.ndarray, w, *, device: str | None = None):
    """x_i = Σ_t w_t e_{v(i, t)}: [N, d] float64 — numpy, or with ``device`` a torch tensor
    pooled there (d = 8192 with N = 32 768 is 2 GB of X: the GPU path of the full scale)."""
    w = np.asarray(w, dtype=np.float64)
    if device is None:
        E, idx = table.E, tokens
        X = np.zeros((tokens.shape[0], table.E.shape[1]))
    else:
        import torch

        E = torch.as_tensor(table.E, device=device)
        idx = torch.as_tensor(tokens, device=device)
        X = torch.zeros(tokens.shape[0], E.shape[1], dtype=torch.float64, device=device)
    for t in range(tokens.shape[1]):
        X += float(w[t]) * E[idx[:, t]]
    return X


def attention_pool(table: TokenTable, tokens: np.ndarray, tau: float, *, block: int = 512):
    """Parameter-free causal self-attention, then mean over positions:

        a_ts = softmax_{s ≤ t}(τ ⟨e_t, e_s⟩ / d),   x = (1/T) Σ_t Σ_{s≤t} a_ts e_s,

    (log-sum-exp softmax). Returns (X: [N, d], effective weights w_eff: [N, T] with
    w_eff,s = (1/T) Σ_{t ≥ s} a_ts) — as d → ∞ these approach the harmonic w_s(τ)."""
    N, T = tokens.shape
    d = table.E.shape[1]
    mask = np.tril(np.ones((T, T), dtype=bool))
    X = np.empty((N, d))
    w_eff = np.empty((N, T))
    for lo in range(0, N, block):
        H = table.E[tokens[lo:lo + block]]  # [b, T, d]
        scores = tau * np.einsum("btd,bsd->bts", H, H) / d
        scores = np.where(mask, scores, -np.inf)
        scores -= scores.max(axis=-1, keepdims=True)
        A = np.exp(scores)
        A /= A.sum(axis=-1, keepdims=True)
        w = A.sum(axis=1) / T  # [b, T]: Σ_t a_ts / T
        w_eff[lo:lo + block] = w
        X[lo:lo + block] = np.einsum("bs,bsd->bd", w, H)
    return X, w_eff


def pooled_covariance(X, *, centred: bool = True):
    """C = (X − x̄)ᵀ(X − x̄)/N (or XᵀX/N uncentred), float64; X numpy or a torch tensor (C is
    then computed on X's device)."""
    Xc = X - X.mean(axis=0) if centred else X
    return Xc.T @ Xc / X.shape[0]


def table_population(table: TokenTable):
    """(W, m): the within-class scatter (1/V) Σ_v (e_v − m_{y_v})(…)ᵀ and m = (m₊ − m₋)/2, so
    that Cov(x | E) = κ W + α m mᵀ — exactly for the class-correlation family; for the
    diagonal family up to the O(√(d/V)) fluctuations of the group means around ±m and 0."""
    centred, m = table_within(table)
    return centred.T @ centred / centred.shape[0], m


def table_within(table: TokenTable):
    """(D, m): the table rows minus their class mean, D: [V, d] (so W = DᵀD/V, without forming
    it: a matrix-free Σ_E for Lanczos), and m = (m₊ − m₋)/2: [d]."""
    E, y = table.E, table.y
    means = {v: E[y == v].mean(axis=0) for v in (1.0, -1.0, 0.0) if (y == v).any()}
    centred = E - np.stack([means[v] for v in y])
    return centred, (means[1.0] - means[-1.0]) / 2


def incidence_population(tokens: np.ndarray, w, V: int) -> np.ndarray:
    """τ: [V], the eigenvalues of V·BᵀPB/(Nκ) — B: [N, V] the token-incidence matrix weighted by
    the pooling weights (B_iv = Σ_t w_t 1[v_it = v]), P the centring projection on the N
    sequences, κ = ‖w‖². At θ = 0 the centred pooled covariance is (1/N) Zᵀ BᵀPB Z, so C/κ
    follows MP_δ ⊠ (the law of τ) (``spectra.compound_mp_cdf``); τ has mean ≈ 1 and tends to
    MP_{V/N} only as 1/κ grows. The smaller of the two Grams BᵀPB, PBBᵀP is diagonalised."""
    from scipy import sparse

    w = np.asarray(w, dtype=np.float64)
    N, T = tokens.shape
    B = sparse.csr_matrix((np.tile(w, N), tokens.ravel(), np.arange(0, N * T + 1, T)),
                          shape=(N, V)).toarray()  # duplicates (a token twice) are summed
    B -= B.mean(axis=0)
    gram = B.T @ B if V <= N else B @ B.T
    vals = np.clip(np.linalg.eigvalsh(gram), 0, None)
    vals = np.concatenate([vals, np.zeros(V - vals.size)]) if vals.size < V else vals
    return vals * V / (N * float(w @ w))
