"""Finite-width probes of linearized attention's NTK (Miñoza, Medina, Ibañez, arXiv 2603.13085;
model as reconstructed in ``shared/papers/linear-attention-ntk.md``).

Data: a controlled spectrum family, scikit-learn's digits, and MNIST/CIFAR-style files from a
user path (IDX or npz). Models: MLP-Attn f(x) = m^{−½} Σ_r a_r relu(w_rᵀ x̃) on the row-normalised
linearized-attention features x̃ = normalise(x XᵀX) (the training set X is the context), and the
baseline 2L-ReLU, the same net on x. Measurements: the empirical NTK K_m = G̃ ∘ SSᵀ/m and its
errors against K∞, training under three dynamics (GD in NTK parameterisation, the paper's Adam
1e-3 + L2 1e-3, a mean-field/μP control) with the kernel drift, kernel-ridge leave-one-out
influences and FGSM/PGD attacks on them, transductive or with the context frozen.

Everything heavy is torch, float64, on the CPU or a CUDA device; the caller fixes threads.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

__all__ = ["synthetic_spectrum", "digits", "digits_raw", "load_images", "unit",
           "attention_features", "ntk_errors", "train_two_layer", "DYNAMICS",
           "influence_attack", "sensitivity_violations", "stable_angles_torch",
           "ntk_infinite_torch", "empirical_ntk", "sym_gram", "loo_influences"]

DYNAMICS = ("gd", "adam", "mup")


# --------------------------------------------------------------------------- data
def unit(X):
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("an input row is all zeros: it cannot be unit-normalised")
    return X / norms


def synthetic_spectrum(n: int, d: int, alpha: float, *, seed: int):
    """n unit rows x = g/‖g‖, g ~ N(0, diag(k^−α)), k = 1…d: α = 0 is isotropic, larger α a
    faster-decaying spectrum (worse-conditioned G). Also a label y = sign(xᵀβ) from a fixed
    random teacher β. Returns (X [n, d], y [n] in ±1)."""
    if n < 2 or d < 1 or alpha < 0:
        raise ValueError(f"need n ≥ 2, d ≥ 1, α ≥ 0; got n={n}, d={d}, α={alpha}")
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, d)) * np.arange(1, d + 1) ** (-alpha / 2)
    beta = rng.standard_normal(d)
    X = unit(g)
    y = np.sign(X @ beta)
    y[y == 0] = 1.0
    return X, y


def digits_raw():
    """scikit-learn's 8 × 8 digits (1 797 real images shipped with the package) as
    (pixels / 16 [1797, 64], digit [1797]). Read from the package's ``digits.csv.gz`` (64
    pixels then the digit per line, what ``load_digits`` reads); where scikit-learn is not
    installed, from the file at ``$ATTNLAB_DIGITS_CSV``."""
    import os

    try:
        from importlib.resources import files

        path = files("sklearn.datasets") / "data" / "digits.csv.gz"
    except ModuleNotFoundError:
        path = os.environ.get("ATTNLAB_DIGITS_CSV", "")
        if not path:
            raise ValueError("scikit-learn is not installed and ATTNLAB_DIGITS_CSV is not set: "
                             "no digits data") from None
    with path.open("rb") if hasattr(path, "open") else open(path, "rb") as f:
        data = np.loadtxt(gzip.open(f), delimiter=",")
    return data[:, :-1] / 16.0, data[:, -1].astype(int)


def digits(n: int | None = None, *, seed: int = 0):
    """The digits (``digits_raw``), rows unit-normalised; label y = +1 for digits 0–4, −1 for
    5–9. ``n`` draws a random subset (seeded). Returns (X [n, 64], y [n])."""
    X, t = digits_raw()
    if n is not None:
        if not 2 <= n <= len(X):
            raise ValueError(f"digits has {len(X)} images; asked for n={n}")
        idx = np.random.default_rng(seed).choice(len(X), n, replace=False)
        X, t = X[idx], t[idx]
    return unit(X), np.where(t < 5, 1.0, -1.0)


def _read_idx(raw: bytes) -> np.ndarray:
    """The IDX format of the MNIST files: two zero bytes, a type code, the number of
    dimensions, big-endian uint32 sizes, then the data."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError("not an IDX file (it must start with two zero bytes)")
    types = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if raw[2] not in types:
        raise ValueError(f"IDX type code 0x{raw[2]:02x} is not one of the format's six")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    dtype = np.dtype(types[raw[2]])
    body = raw[4 + 4 * ndim:]
    if len(body) != int(np.prod(shape)) * dtype.itemsize:
        raise ValueError(f"IDX header says {shape} of {dtype}, but the file holds "
                         f"{len(body)} data bytes")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def load_images(path, *, n: int | None = None, key: str | None = None) -> np.ndarray:
    """Images from a user-given file, flattened to rows, float64 (uint8 pixels / 255):
    an IDX file (MNIST's ``train-images-idx3-ubyte``, optionally ``.gz``) or an ``.npz``
    (``key``, or the first of x_train, X, data, images, or its only array; CIFAR-10 saved as
    [N, 32, 32, 3] or [N, 3072]). ``n``: the first n rows."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as z:
            names = list(z.keys())
            pick = key or next((k for k in ("x_train", "X", "data", "images") if k in names),
                               names[0] if len(names) == 1 else None)
            if pick is None or pick not in names:
                raise ValueError(f"{path.name}: give key= one of {names}")
            arr = z[pick]
    else:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        arr = _read_idx(raw)
    if arr.ndim < 2:
        raise ValueError(f"{path.name}: expected images, got an array of shape {arr.shape}")
    X = arr.reshape(len(arr), -1)
    X = X.astype(np.float64) / (255.0 if arr.dtype == np.uint8 else 1.0)
    return X[:n] if n is not None else X


def attention_features(X_context, X_query=None, *, layers: int = 1):
    """x̃ = normalise(x (XᵀX)^k): linearized attention over the context X (its rows are the
    training samples), row-normalised. For the context's own rows this is Z = G^k X."""
    X = np.asarray(X_context, dtype=np.float64)
    Q = X if X_query is None else np.asarray(X_query, dtype=np.float64)
    M = X.T @ X
    for _ in range(layers):
        Q = Q @ M
    return unit(Q)


# --------------------------------------------------------------------------- kernels (torch)
def _torch():
    import torch

    return torch


def stable_angles_torch(U, V=None, *, block: int = 1 << 26, grad_safe: bool = False):
    """θ_ij = 2·atan2(‖u_i − v_j‖, ‖u_i + v_j‖) between unit rows (differences taken directly),
    blockwise so that at most ``block`` elements of differences exist at once. ``grad_safe``:
    the norms as clamped square roots of squared sums, so that autograd stays finite where
    u = v (the diagonal), for the attacks; the default path is the measurement path."""
    torch = _torch()
    V = U if V is None else V
    n, d = U.shape

    def norm(D):
        if grad_safe:
            return (D**2).sum(-1).clamp_min(1e-300).sqrt()
        return torch.linalg.vector_norm(D, dim=-1)

    theta = torch.empty((n, len(V)), dtype=U.dtype, device=U.device)
    step = max(1, block // max(len(V) * d, 1))
    for lo in range(0, n, step):
        u = U[lo:lo + step, None, :]
        theta[lo:lo + step] = 2 * torch.atan2(norm(u - V[None]), norm(u + V[None]))
    return theta


def ntk_infinite_torch(U, V=None, *, grad_safe: bool = False):
    """K∞(u, v) = ⟨u, v⟩ (π − θ)/(2π) for unit rows (torch); ``grad_safe`` as in
    :func:`stable_angles_torch`."""
    V = U if V is None else V
    return (U @ V.T) * (np.pi - stable_angles_torch(U, V, grad_safe=grad_safe)) / (2 * np.pi)


def sym_gram(S, *, blocks: int = 2):
    """S Sᵀ by row blocks, computing only the blocks on and above the diagonal and mirroring
    the rest: (b + 1)/(2b) of one GEMM's multiply-adds (b = 2: 3/4), exact for 0/1 S."""
    torch = _torch()
    n = len(S)
    if blocks <= 1 or n < 2 * blocks:
        return S @ S.T
    out = torch.empty((n, n), dtype=S.dtype, device=S.device)
    edges = [i * n // blocks for i in range(blocks + 1)]
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        blk = S[lo:hi] @ S[lo:].T
        out[lo:hi, lo:] = blk
        out[hi:, lo:hi] = blk[:, hi - lo:].T
    return out


def empirical_ntk(U, W):
    """K_m = G̃ ∘ (S Sᵀ)/m, S = 1[U W > 0], for torch tensors U: [n, d] and W: [d, m] (the
    first-layer NTK of f = m^{−½} Σ a_r relu(w_rᵀu) with a_r = ±1): one small GEMM for UW, the
    sign written in place, S Sᵀ from :func:`sym_gram`, and the Hadamard product in place."""
    S = U @ W
    S.gt_(0)  # 0/1 in U's dtype, no second buffer
    return (U @ U.T).mul_(sym_gram(S)).div_(W.shape[1])


def _op_norm(D, *, exact: bool, iters: int = 300):
    """‖D‖₂ of a symmetric D: eigvalsh when ``exact``, else power iteration on D (a lower
    bound that converges to |λ|_max; used at n ≥ 2 048 on a GPU)."""
    torch = _torch()
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
    """At initialisation: for every width m and ``draws`` independent W ~ N(0, I),
    e_F = ‖K_m − K∞‖_F/‖K∞‖_F and e_λ = ‖K_m − K∞‖₂/λ_min(K∞), with K_m = G̃ ∘ SSᵀ/m computed
    over column chunks of W in float32 (S from a float32 UW: its signs differ from float64's only
    where |uᵀw| is at rounding level; the counts SSᵀ are exact integers, accumulated in float64)
    and K∞ in float64; also ‖K∞‖_F, λ_min, λ_max, and the exact variance law
    E‖K_m − K∞‖_F² = (1/m) Σ G̃² p(1 − p) (evaluated at m = 1)."""
    torch = _torch()
    U64 = torch.as_tensor(np.asarray(U, dtype=np.float64), device=device)
    n, d = U64.shape
    theta = stable_angles_torch(U64)
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


# --------------------------------------------------------------------------- training
def train_two_layer(U, y, m: int, *, dynamics: str, steps: int, seed: int, U_test=None,
                    lr: float | None = None, device: str = "cpu") -> dict:
    """Train the first layer of f(x) = c_m Σ_r a_r relu(w_rᵀ u) on ½·mean (f − y)², full batch.

    - ``gd``: NTK parameterisation c_m = m^{−½}, step ``lr`` (default 1/λ_max(K∞/n), the same at
      every width, so the kernel-regime dynamics do not depend on m);
    - ``adam``: the paper's Adam (lr 1e-3, β = (0.9, 0.999), ε = 1e-8) with L2 1e-3 added to the
      gradient (coupled, as torch's ``weight_decay``), NTK parameterisation;
    - ``mup``: mean-field/μP control, c_m = 1/m with step lr·m (the same function-space step as
      ``gd`` at t = 0, but each w_r moves O(1) instead of O(m^{−½})).

    Initialisation: m/2 pairs (w, +1), (w, −1) with w ~ N(0, I), so f₀ = 0 exactly (the usual
    antisymmetric start that makes f_NTK's comparison free of the random initial function).
    Returns W₀, W_T's kernel drift ‖K_T − K₀‖_F/‖K₀‖_F on the training inputs, f on train/test,
    and the final loss."""
    if dynamics not in DYNAMICS:
        raise ValueError(f"unknown dynamics {dynamics!r}; choose from {', '.join(DYNAMICS)}")
    if m < 2 or m % 2:
        raise ValueError(f"width m must be even and ≥ 2 (antisymmetric pairs); got {m}")
    torch = _torch()
    Ut = torch.as_tensor(np.asarray(U, dtype=np.float64), device=device)
    yt = torch.as_tensor(np.asarray(y, dtype=np.float64), device=device)
    n, d = Ut.shape
    gen = torch.Generator(device=device).manual_seed(int(seed) % (2**63))
    half = torch.randn((d, m // 2), generator=gen, device=device, dtype=torch.float64)
    W0 = torch.cat([half, half], dim=1)
    a = torch.cat([torch.ones(m // 2), -torch.ones(m // 2)]).to(device, torch.float64)
    if lr is None:
        K = ntk_infinite_torch(Ut)
        lr = float(n / torch.linalg.eigvalsh(K)[-1])
    scale = m**-0.5 if dynamics != "mup" else 1.0 / m
    step = lr * m if dynamics == "mup" else lr
    W = W0.clone()
    mom, vel = torch.zeros_like(W), torch.zeros_like(W)
    for t in range(1, steps + 1):
        pre = Ut @ W
        r = (torch.relu(pre) @ a) * scale - yt
        grad = Ut.T @ ((r / n)[:, None] * (pre > 0) * (a * scale)[None, :])
        if dynamics == "adam":
            grad = grad + 1e-3 * W
            mom.mul_(0.9).add_(grad, alpha=0.1)
            vel.mul_(0.999).addcmul_(grad, grad, value=0.001)
            W -= 1e-3 * (mom / (1 - 0.9**t)) / ((vel / (1 - 0.999**t)).sqrt() + 1e-8)
        else:
            W -= step * grad

    def f(V):
        return ((torch.relu(V @ W) @ a) * scale).cpu().numpy()

    def kernel(Wx):
        S = (Ut @ Wx > 0).to(torch.float64)
        return (Ut @ Ut.T) * (S @ S.T) / m

    K0, KT = kernel(W0), kernel(W)
    out = {"drift": float(torch.linalg.matrix_norm(KT - K0) / torch.linalg.matrix_norm(K0)),
           "weight_change": float(torch.linalg.matrix_norm(W - W0)
                                  / torch.linalg.matrix_norm(W0)),
           "f_train": f(Ut), "loss": float(0.5 * ((torch.as_tensor(f(Ut)) - yt.cpu())**2)
                                          .mean()), "lr": lr}
    if U_test is not None:
        out["f_test"] = f(torch.as_tensor(np.asarray(U_test, dtype=np.float64), device=device))
    return out


# --------------------------------------------------------------------------- influence
def _features_torch(X, net: str, query=None):
    """Torch twin of the features (autograd flows through them): the unit rows themselves for
    2L-ReLU, ``attention_features`` (context X, optional query rows) for MLP-Attn."""
    torch = _torch()
    Q = X if query is None else query
    if net == "attn":
        Q = Q @ (X.T @ X)  # linearized attention over the context X
    return Q / torch.linalg.vector_norm(Q, dim=1, keepdim=True)


def _influences(X, y, x, *, net: str, context: str, lam: float):
    """LOO influences I_i = f(x) − f₋ᵢ(x) of kernel ridge regression with K∞ on the features of
    the net, for one test point x (exact formula α_i (k_xᵀ B e_i)/B_ii, B = (K + λI)⁻¹)."""
    torch = _torch()
    if net == "relu" or context == "frozen":  # frozen: the context is the clean training set
        U, u = _features_torch(X, net), _features_torch(X, net, x[None])
    else:  # transductive: x is part of the context, so every training feature moves with it
        F = _features_torch(torch.cat([X, x[None]]), "attn")
        U, u = F[:-1], F[-1:]
    K = ntk_infinite_torch(U, grad_safe=True)
    B = torch.linalg.inv(K + lam * torch.eye(len(K), dtype=K.dtype, device=K.device))
    alpha = B @ y
    return (ntk_infinite_torch(u, U, grad_safe=True) @ B)[0] * alpha / torch.diagonal(B)


def loo_influences(X, y, x, *, lam: float = 1e-3, refeaturize: bool = True) -> np.ndarray:
    """MLP-Attn's leave-one-out influences I_i = f(x) − f₋ᵢ(x) on one test point x, kernel ridge
    regression with K∞ on the attention features. ``refeaturize=False``: the closed formula
    α_i (k_xᵀ B e_i)/B_ii with the features fixed (the context keeps x_i); ``True``: exact —
    sample i also leaves the attention context, so every feature (x's too) is recomputed from
    X₋ᵢ and the regression retrained, n times."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(X)

    def predict(Xc, yc):
        U, u = attention_features(Xc), attention_features(Xc, x[None])
        K = _ntk_inf_np(U, U)
        return (_ntk_inf_np(u, U) @ np.linalg.solve(K + lam * np.eye(len(K)), yc))[0]

    if not refeaturize:
        from theory import krr_loo_influence

        U, u = attention_features(X), attention_features(X, x[None])
        return krr_loo_influence(_ntk_inf_np(U, U), y, lam, _ntk_inf_np(u, U))[0]
    full = predict(X, y)
    keep = ~np.eye(n, dtype=bool)
    return np.array([full - predict(X[keep[i]], y[keep[i]]) for i in range(n)])


def _ntk_inf_np(U, V):
    torch = _torch()
    return ntk_infinite_torch(torch.as_tensor(U), torch.as_tensor(V)).numpy()


def influence_attack(X, y, x, *, net: str, context: str = "transductive", eps, attack: str,
                     lam: float = 1e-3, top: float = 0.1, pgd_steps: int = 10) -> dict:
    """Attack the influence ranking of one test point x with an ℓ∞-bounded δ (FGSM: one signed
    step; PGD: ``pgd_steps`` steps of ε/4 with projection) that pushes the top-``top`` fraction
    of training points (by |I_i|) toward the opposite sign of their clean influence. Returns,
    per ε, the flip rate on those points and Spearman's ρ between clean and attacked
    influences over all n."""
    if net not in ("relu", "attn") or context not in ("transductive", "frozen") \
            or attack not in ("fgsm", "pgd"):
        raise ValueError(f"bad attack settings: net={net!r}, context={context!r}, "
                         f"attack={attack!r}")
    from scipy.stats import spearmanr

    torch = _torch()
    Xt = torch.as_tensor(np.asarray(X, dtype=np.float64))
    yt = torch.as_tensor(np.asarray(y, dtype=np.float64))
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64))

    def infl(delta):
        return _influences(Xt, yt, xt + delta, net=net, context=context, lam=lam)

    clean = infl(torch.zeros_like(xt)).detach()
    k = max(1, int(round(top * len(clean))))
    idx = torch.argsort(clean.abs(), descending=True)[:k]
    sign = torch.sign(clean[idx])

    def objective(delta):
        return (sign * infl(delta)[idx] / clean[idx].abs()).sum()

    out = {"flip": [], "spearman": []}
    for e in eps:
        delta = torch.zeros_like(xt)
        for _ in range(1 if attack == "fgsm" else pgd_steps):
            delta.requires_grad_(True)
            (g,) = torch.autograd.grad(objective(delta), delta)
            stepsize = e if attack == "fgsm" else e / 4
            delta = (delta.detach() - stepsize * torch.sign(g)).clamp(-e, e)
        attacked = infl(delta).detach()
        out["flip"].append(float((torch.sign(attacked[idx]) != sign).double().mean()))
        out["spearman"].append(float(spearmanr(clean.numpy(), attacked.numpy()).statistic))
    return out


def sensitivity_violations(X, *, eps, pairs: int, seed: int, directions: int = 32) -> dict:
    """The sensitivity bound as summarised, |ΔK(x_i + δ, x_j)| ≤ ‖X x_j‖₁ ε, for the attention
    similarity K(x_i, x_j) = Σ_k ⟨x_i, x_k⟩⟨x_k, x_j⟩ over the context X (unit rows, ‖δ‖₂ = ε):
    with the context frozen (the bound is then exact: |⟨x_k, δ⟩| ≤ ε) and transductive (row i
    of the context is perturbed too). δ: the worst frozen direction ±XᵀXx_j, and ``directions``
    random ones. Returns the number of violations and checks, and the worst ratio |ΔK|/bound."""
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    rng = np.random.default_rng(seed)
    M = X.T @ X
    out = {"frozen": [0, 0, 0.0], "transductive": [0, 0, 0.0]}
    for _ in range(pairs):
        i, j = rng.choice(n, 2, replace=False)
        worst = M @ X[j]
        dirs = np.vstack([worst, -worst, rng.standard_normal((directions, d))])
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        base = X[i] @ M @ X[j]
        for e in eps:
            bound = np.abs(X @ X[j]).sum() * e
            for delta in e * dirs:
                xi = X[i] + delta
                frozen = xi @ M @ X[j]
                Mt = M + np.outer(xi, xi) - np.outer(X[i], X[i])
                trans = xi @ Mt @ X[j]
                for key, val in (("frozen", frozen), ("transductive", trans)):
                    ratio = abs(val - base) / bound
                    rec = out[key]
                    rec[0] += ratio > 1 + 1e-12
                    rec[1] += 1
                    rec[2] = max(rec[2], ratio)
    return {k: {"violations": int(v[0]), "checks": int(v[1]), "worst_ratio": float(v[2])}
            for k, v in out.items()}
