"""The linear-attention-ntk datasets (Miñoza, Medina, Ibañez, arXiv 2603.13085; choices in
reproductions/linear_attention_ntk/README.md): a controlled spectrum family, scikit-learn's
8 × 8 digits, and MNIST/CIFAR-style image files from a user path (IDX or npz). Nothing is
downloaded. Rows are unit-normalised where the model needs unit inputs."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from attnlab.theory import unit_rows

__all__ = ["synthetic_spectrum", "digits", "digits_raw", "load_images"]


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
    return unit_rows(X), np.where(t < 5, 1.0, -1.0)


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
    [N, 32, 32, 3] or [N, 3072]). ``n``: the first n rows. Returns [N, pixels]."""
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
