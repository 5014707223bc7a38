"""MLP-Attn's features and its empirical NTK at finite width (Miñoza, Medina, Ibañez, arXiv
2603.13085; model as reconstructed in reproductions/linear_attention_ntk/README.md).

MLP-Attn is f(x) = m^{−½} Σ_r a_r relu(w_rᵀ x̃) on the row-normalised linearized-attention
features x̃ = normalise(x XᵀX), the training set X being the context; 2L-ReLU is the same net
on x. Its first-layer NTK at width m is exactly K_m = G̃ ∘ (S Sᵀ)/m, S = 1[X̃ W > 0], and
``theory.ntk_infinite`` is its m → ∞ limit K∞. Heavy work is torch, float64 unless stated, on
the CPU or a CUDA device; the caller fixes threads.
"""

from __future__ import annotations

import numpy as np

from attnlab.theory import array_namespace, stable_angles, unit_rows

__all__ = ["attention_features", "sym_gram", "empirical_ntk", "ntk_errors"]


def attention_features(X_context, X_query=None, *, layers: int = 1):
    """x̃ = normalise(x (XᵀX)^k), k = ``layers``: linearized attention over the context
    X_context: [n, d] (its rows are the training samples), row-normalised, for the query rows
    X_query: [q, d] (default: the context's own rows, x̃ = rows of G^k X). Returns [q, d].
    numpy in: float64 numpy out; torch tensors stay tensors (autograd flows through)."""
    if array_namespace(X_context, X_query) is np:
        X = np.asarray(X_context, dtype=np.float64)
        Q = X if X_query is None else np.asarray(X_query, dtype=np.float64)
    else:
        X = X_context
        Q = X if X_query is None else X_query
    M = X.T @ X
    for _ in range(layers):
        Q = Q @ M
    return unit_rows(Q)


def sym_gram(S, *, blocks: int = 2):
    """S Sᵀ for S: [n, m] (numpy or torch), by row blocks, computing only the blocks on and
    above the diagonal and mirroring the rest: (b + 1)/(2b) of one GEMM's multiply-adds
    (b = 2: 3/4), exact for 0/1 S. Returns [n, n]."""
    n = len(S)
    if blocks <= 1 or n < 2 * blocks:
        return S @ S.T
    out = np.empty((n, n), dtype=S.dtype) if isinstance(S, np.ndarray) else S.new_empty((n, n))
    edges = [i * n // blocks for i in range(blocks + 1)]
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        blk = S[lo:hi] @ S[lo:].T
        out[lo:hi, lo:] = blk
        out[hi:, lo:hi] = blk[:, hi - lo:].T
    return out


def empirical_ntk(U, W):
    """K_m = G̃ ∘ (S Sᵀ)/m, S = 1[U W > 0], for U: [n, d] (unit rows) and W: [d, m], numpy or
    torch: the first-layer NTK of f = m^{−½} Σ a_r relu(w_rᵀu) with a_r = ±1 (exact, no
    autodiff). One small GEMM for UW, the sign written in place, S Sᵀ from :func:`sym_gram`,
    the Hadamard product in place. Returns K_m: [n, n]."""
    S = U @ W
    if isinstance(S, np.ndarray):
        np.greater(S, 0, out=S)  # 0/1 in S's dtype, no second buffer
    else:
        S.gt_(0)
    K = U @ U.T
    K *= sym_gram(S)
    K /= W.shape[1]
    return K


def _op_norm(D, *, exact: bool, iters: int = 300):
    """‖D‖₂ of a symmetric torch D: eigvalsh when ``exact``, else power iteration on D (a lower
    bound that converges to |λ|_max; used at n ≥ 2 048 on a GPU)."""
    import torch

    if exact:
        return float(torch.linalg.eigvalsh(D).abs().max())
    v = torch.randn(len(D), 1, dtype=D.dtype, device=D.device,
                    generator=torch.Generator(device=D.device).manual_seed(0))
    lam = 0.0
    for _ in range(iters):
        w = D @ v
        lam = float(torch.linalg.vector_norm(w))
        v = w / max(lam, 1e-300)
    return lam


def ntk_errors(U, widths, *, seed: int, draws: int = 1, device: str = "cpu",
               exact_limit: int = 2048, chunk: int = 1 << 14) -> dict:
    """At initialisation, for unit rows U: [n, d], every width m in ``widths`` and ``draws``
    independent W ~ N(0, I): e_F = ‖K_m − K∞‖_F/‖K∞‖_F and e_λ = ‖K_m − K∞‖₂/λ_min(K∞).

    K_m = G̃ ∘ SSᵀ/m is computed over column chunks of W in float32 (S from a float32 UW: its
    signs differ from float64's only where |uᵀw| is at rounding level; the counts SSᵀ are exact
    integers, accumulated in float64) and K∞ in float64. Also returns ‖K∞‖_F, λ_min, λ_max and
    the exact variance law E‖K_m − K∞‖_F² = (1/m) Σ G̃² p(1 − p) evaluated at m = 1 (``var_m1``;
    ``theory.ntk_variance``). e_F, e_op: [len(widths)][draws]."""
    import torch

    U64 = torch.as_tensor(np.asarray(U, dtype=np.float64), device=device)
    n, d = U64.shape
    theta = stable_angles(U64)
    Gt = U64 @ U64.T
    p = (np.pi - theta) / (2 * np.pi)
    K_inf = Gt * p
    var1 = float((Gt**2 * p * (1 - p)).sum())
    ev = torch.linalg.eigvalsh(K_inf)
    norm_inf = float(torch.linalg.matrix_norm(K_inf))
    U32 = U64.to(torch.float32)
    gen = torch.Generator(device=device).manual_seed(int(seed) % (2**63))
    e_F, e_op = [], []
    exact = n <= exact_limit
    for m in widths:
        row_F, row_op = [], []
        for _ in range(draws):
            SS = torch.zeros((n, n), dtype=torch.float64, device=device)
            for lo in range(0, m, chunk):
                W = torch.randn((d, min(chunk, m - lo)), generator=gen, device=device,
                                dtype=torch.float32)
                S = (U32 @ W).gt_(0)
                SS += sym_gram(S).to(torch.float64)  # counts < 2²⁴: exact in float32
            D = Gt * SS / m - K_inf
            row_F.append(float(torch.linalg.matrix_norm(D)) / norm_inf)
            row_op.append(_op_norm(D, exact=exact) / float(ev[0]))
        e_F.append(row_F)
        e_op.append(row_op)
    return {"e_F": e_F, "e_op": e_op, "lambda_min": float(ev[0]), "lambda_max": float(ev[-1]),
            "norm_inf": norm_inf, "var_m1": var1}
