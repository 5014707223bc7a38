"""The linear-attention-ntk datasets (Miñoza, Medina, Ibañez, arXiv 2603.13085; choices in
reproductions/linear_attention_ntk/README.md): a controlled spectrum family, scikit-learn's
8 × 8 digits, and MNIST/CIFAR-style image files from a user path (IDX or npz). Nothing is
downloaded. Rows are unit-normalised where the model needs unit inputs."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from attnlab.theory import unit_rows

from ._image_files import one_line, read_bounded, read_image_array

__all__ = ["synthetic_spectrum", "designed_spectrum", "digits", "digits_raw", "load_images"]


def synthetic_spectrum(n: int, d: int, alpha: float, *, seed: int):
    """n unit rows x = g/‖g‖, g ~ N(0, diag(k^−α)), k = 1…d: α = 0 is isotropic, larger α a
    faster-decaying spectrum (worse-conditioned G). Also a label y = sign(xᵀβ) from a fixed
    random teacher β. Returns (X [n, d], y [n] in ±1)."""
    if n < 2 or d < 1 or alpha < 0:
        raise ValueError(f"need n ≥ 2, d ≥ 1, α ≥ 0; got n={n}, d={d}, α={alpha}")
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((n, d)) * np.arange(1, d + 1) ** (-alpha / 2)
    beta = rng.standard_normal(d)
    X = unit_rows(g)
    y = np.sign(X @ beta)
    y[y == 0] = 1.0
    return X, y


def designed_spectrum(n: int, d: int, kappa: float, *, seed: int, iters: int = 200):
    """n unit rows whose κ_d(G) is prescribed: the eigenvalues of XᵀX (G = XXᵀ's non-zero
    ones) are geometric from λ_max down to λ_max/``kappa`` over rank r = min(n, d), summing to
    n (the trace of G with unit rows). Such X exists for any spectrum summing to n (Schur–Horn:
    the spectrum majorises G's unit diagonal); it is found by alternating projections from a
    random start — set the singular values (X = U diag(s) Vᵀ), then unit-normalise the rows —
    which at n = d = 40 lands within 1e-6 of ``kappa``. (With n = d and random rows, κ_d is set
    by the random smallest singular value rather than by the spectrum's shape.) Also a label
    y = sign(xᵀβ) from a random teacher β. Returns (X [n, d], y [n] in ±1)."""
    if n < 2 or d < 1 or not kappa >= 1:
        raise ValueError(f"need n ≥ 2, d ≥ 1, κ ≥ 1; got n={n}, d={d}, κ={kappa}")
    rng = np.random.default_rng(seed)
    r = min(n, d)
    lam = float(kappa) ** (-np.arange(r) / max(r - 1, 1))
    s = np.sqrt(lam * n / lam.sum())
    X = unit_rows(rng.standard_normal((n, d)))
    for _ in range(iters):
        U, _, Vt = np.linalg.svd(X, full_matrices=False)
        X = unit_rows((U * s) @ Vt)
    beta = rng.standard_normal(d)
    y = np.sign(X @ beta)
    y[y == 0] = 1.0
    return X, y


# scikit-learn's digits.csv.gz: 1 797 images of 8 × 8 pixels (0–16), then the digit
DIGITS_SHAPE = (1797, 65)
_DIGITS_MAX_BYTES = 4 << 20  # the file is 265 kB uncompressed


def _digits_file():
    """scikit-learn's ``digits.csv.gz``, or where it is not installed ``$ATTNLAB_DIGITS_CSV``."""
    import os

    try:
        from importlib.resources import files

        return files("sklearn.datasets") / "data" / "digits.csv.gz"
    except ModuleNotFoundError:
        path = os.environ.get("ATTNLAB_DIGITS_CSV", "")
        if not path:
            raise ValueError("scikit-learn is not installed and ATTNLAB_DIGITS_CSV is not set: "
                             "no digits data") from None
        return Path(path)


def digits_raw(path=None):
    """scikit-learn's 8 × 8 digits (1 797 real images shipped with the package) as
    (pixels / 16 [1797, 64], digit [1797]). Read from the package's ``digits.csv.gz`` (64
    pixels then the digit per line, what ``load_digits`` reads); where scikit-learn is not
    installed, from the file at ``$ATTNLAB_DIGITS_CSV``; or from ``path``, a copy of that file
    (gzip-compressed or plain). A file that is not the digits — unreadable, not 1 797 rows of
    65 numbers, pixels outside 0–16 or digits outside 0–9 — is a ValueError."""
    path = _digits_file() if path is None else Path(path)
    try:
        data = _read_digits_csv(path)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return data[:, :-1] / 16.0, data[:, -1].astype(int)


def _read_digits_csv(path) -> np.ndarray:
    if not path.is_file():
        raise ValueError("is not a file")
    text = read_bounded(path, limit=_DIGITS_MAX_BYTES)
    if not text.strip():
        raise ValueError("is empty")
    try:
        data = np.loadtxt(io.BytesIO(text), delimiter=",", ndmin=2)
    except ValueError as e:
        raise ValueError(f"is not a CSV of numbers ({one_line(e)})") from None
    if data.shape != DIGITS_SHAPE:
        raise ValueError(f"holds {data.shape[0]} rows of {data.shape[1]} values; the digits are "
                         f"{DIGITS_SHAPE[0]} rows of 64 pixels and the digit")
    pixels, digit = data[:, :-1], data[:, -1]
    if not (np.isfinite(data).all() and (np.round(data) == data).all()
            and pixels.min() >= 0 and pixels.max() <= 16 and digit.min() >= 0
            and digit.max() <= 9):
        raise ValueError("is not the digits: pixels must be whole numbers 0–16 and the last "
                         "column a digit 0–9")
    return data


def digits(n: int | None = None, *, seed: int = 0):
    """The digits (``digits_raw``), rows unit-normalised; label y = +1 for digits 0–4, −1 for
    5–9. ``n`` draws a random subset (seeded). Returns (X [n, 64], y [n])."""
    X, t = digits_raw()
    if n is not None:
        if not 2 <= n <= len(X):
            raise ValueError(f"digits has {len(X)} images; asked for n={n}")
        idx = np.random.default_rng(seed).choice(len(X), n, replace=False)
        X, t = X[idx], t[idx]
    return unit_rows(X), np.where(t < 5, 1.0, -1.0)


def load_images(path, *, n: int | None = None, key: str | None = None) -> np.ndarray:
    """Images from a user-given file, flattened to rows, float64 (uint8 pixels / 255):
    an IDX file (MNIST's ``train-images-idx3-ubyte``, optionally ``.gz``) or an ``.npz``
    (``key``, or the first of x_train, X, data, images, or its only array; CIFAR-10 saved as
    [N, 32, 32, 3] or [N, 3072]). ``n``: the first n rows. Returns [N, pixels]. A file that is
    not such images — unreadable, cut short, not real numbers, NaN or infinite values, fewer
    than 2 images, an absurd size (:func:`read_image_array`) — is a ValueError naming it."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    try:
        arr = read_image_array(path, key=key)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    X = arr.reshape(len(arr), -1)
    X = X.astype(np.float64) / (255.0 if arr.dtype == np.uint8 else 1.0)
    return X[:n] if n is not None else X
