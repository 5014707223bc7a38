"""Configuration of the linear-attention-ntk reproduction: one frozen dataclass, three presets.

MNIST / CIFAR-10 (T8, and the full scale's real data) come only from a user path: set
``ATTNLAB_MNIST`` (an IDX images file, e.g. ``train-images-idx3-ubyte[.gz]``, or an .npz) and/or
``ATTNLAB_CIFAR10`` (an .npz with the training images) before running. The digits are
scikit-learn's; where it is not installed, ``ATTNLAB_DIGITS_CSV`` names a copy of its
``digits.csv.gz`` (gzip-compressed or plain; read only where scikit-learn is missing, but
checked whenever it is set).

:func:`make_config` reads and checks every such file before anything is computed (the same
readers the cells use, ``probes.load_images`` and ``probes.digits_raw``): a file that is not
what it should be is one ValueError naming the variable, the file and what is wrong, which the
command reports as a usage error.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass, replace

import numpy as np

from attnlab import probes

__all__ = ["Config", "make_config", "file_id"]


@dataclass(frozen=True)
class Config:
    scale: str
    device: str = "cpu"
    seed: int = 0
    # --- datasets: the controlled spectrum family (rows ~ N(0, diag(k^−α)), unit norm) and
    # a random subset of scikit-learn's digits, n samples each (n = d = 40: seconds per cell)
    n: int = 40
    d: int = 40
    family_alpha: tuple = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    digits_n: int = 40
    # T4/T5's controlled family: X with prescribed κ_d (``probes.designed_spectrum``), 10¹ …
    # 10⁵ in half decades. The α family's κ_d is set by its random smallest singular value at
    # n = d (not even monotone in α), so it cannot carry a slope in κ_d
    design_kappa: tuple = tuple(float(10 ** (k / 2)) for k in range(2, 11))
    layers: tuple = (1, 2)  # stacked linearized attention, ZZᵀ = G^{2k+1}
    # --- T3/T5: the empirical NTK at initialisation
    widths: tuple = tuple(2**k for k in range(4, 13))  # 16 … 4096
    draws: int = 40  # independent W per width (2 seeds × 20 draws; T3 ratio SE ≤ 0.08 at quick)
    epsilon: float = 0.1  # m*(ε): ‖K_m − K∞‖₂/λ_min(K∞) = ε
    # --- T6/T7: training (GD in NTK parameterisation, Adam 1e-3 + L2 1e-3, μP)
    train_sets: tuple = ("synthetic", "digits")  # synthetic: α = train_alpha
    train_alpha: float = 1.0
    train_widths: tuple = (16, 64, 256, 1024, 4096)
    train_steps: int = 200
    train_seeds: int = 5
    train_n: int = 40
    n_test: int = 40
    # --- T9: influence attacks (ℓ∞ ε, FGSM and PGD), transductive vs frozen context
    attack_sets: tuple = ("synthetic", "digits")
    attack_eps: tuple = (0.01, 0.02, 0.05, 0.1)
    attack_n: int = 40
    attack_points: int = 5  # test points per seed
    attack_seeds: int = 2
    ridge: float = 1e-3
    # --- T9 under the paper's protocol (v1, as summarised): digits, 10 classes, both nets
    # trained with Adam 1e-3 on cross-entropy, then PGD on the top-10% most influential
    # *training* points under the trained net's kernel; ε = 0.3 is the paper's (pixels in
    # [0, 1]), the smaller ε are reported beside it
    paper_eps: tuple = (0.03, 0.1, 0.3)
    paper_n: int = 100  # training points (10 per class on average); top 10% = 10 attacked
    paper_n_test: int = 40  # held-out points the influences are measured on
    paper_width: int = 256
    paper_steps: int = 1000  # Adam 1e-3: the ReLU net reaches ≈ 95% training accuracy
    paper_replicates: int = 8  # the units of the bootstrap (subset and init differ)
    # --- T10: the sensitivity bound
    bound_eps: tuple = (0.01, 0.1)
    bound_pairs: int = 30
    # --- T8: real data (digits always; MNIST / CIFAR-10 from a user path)
    mnist_path: str = ""
    cifar_path: str = ""
    # content hash of $ATTNLAB_DIGITS_CSV where scikit-learn is missing and the file is what
    # the digits cells read ("" otherwise: the keys of scikit-learn's copy stay as they were)
    digits_file: str = ""
    bootstrap: int = 2000


def _realdata_problem(X: np.ndarray) -> str | None:
    """What would stop the realdata cell (``cells._realdata_cell``) on pixels X [N, pixels]:
    it unit-normalises every image, as is and centred (``theory.unit_rows``: a row of norm 0
    has no direction), and forms XᵀX, whose entries reach 4·N·max|x|² once centred."""
    biggest = float(np.abs(X).max())
    if biggest > np.sqrt(np.finfo(np.float64).max / (4.0 * len(X))):
        return f"pixel values up to {biggest:.3g} overflow the Gram matrix of {len(X):,} images"
    for what, rows in (("is all zeros", X), ("equals the mean image", X - X.mean(0))):
        zero = np.flatnonzero(np.linalg.norm(rows, axis=1) == 0)
        if zero.size:
            return (f"image {zero[0]} (of {len(X):,}) {what}, so it cannot be unit-normalised "
                    f"({zero.size:,} such image(s))")
    return None


def _image_file(var: str) -> str:
    """``$var``, read and checked as the realdata cell will read it ("" when unset)."""
    path = os.environ.get(var, "")
    if not path:
        return ""
    if not os.path.isfile(path):
        raise ValueError(f"{var}={path!r} is not a file")
    try:
        X = probes.load_images(path)
    except ValueError as e:
        raise ValueError(f"{var}: {e}") from None
    why = _realdata_problem(X)
    if why:
        raise ValueError(f"{var}: {path}: {why}")
    return path


def _check_digits() -> str:
    """The digits every run uses: ``$ATTNLAB_DIGITS_CSV`` read and checked when set (a wrong
    file is an error even where scikit-learn's copy is the one read), and some source at all.
    Returns the file's content hash where it is the copy read (scikit-learn missing), so that
    another copy's cells are not reused; "" where scikit-learn's copy is read."""
    path = os.environ.get("ATTNLAB_DIGITS_CSV", "")
    missing = importlib.util.find_spec("sklearn") is None
    if path:
        try:
            probes.digits_raw(path)
        except ValueError as e:
            raise ValueError(f"ATTNLAB_DIGITS_CSV: {e}") from None
        return file_id(path) if missing else ""
    if missing:
        raise ValueError("scikit-learn is not installed and ATTNLAB_DIGITS_CSV is not set: no "
                         "digits data (set it to a copy of scikit-learn's digits.csv.gz)")
    return ""


def file_id(path: str) -> str:
    """Content hash of a user-given data file: a changed file is a new cell."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def make_config(scale: str, *, device: str = "cpu", seed: int = 0) -> Config:
    if scale not in ("smoke", "quick", "full"):
        raise ValueError(f"unknown scale {scale!r}")
    digits_file = _check_digits()
    quick = Config(scale="quick", device=device, seed=seed, digits_file=digits_file,
                   mnist_path=_image_file("ATTNLAB_MNIST"),
                   cifar_path=_image_file("ATTNLAB_CIFAR10"))
    if scale == "quick":
        return quick
    if scale == "smoke":
        return replace(quick, scale="smoke", family_alpha=(0.0, 1.0, 2.0),
                       design_kappa=(1e1, 1e3, 1e5), widths=(16, 64, 256),
                       draws=4, train_widths=(16, 64, 256), train_steps=50,
                       train_seeds=2, attack_sets=("synthetic",), attack_eps=(0.02, 0.1),
                       attack_points=2, attack_seeds=1, bound_pairs=5, bootstrap=200,
                       paper_eps=(0.3,), paper_steps=200, paper_replicates=2)
    if scale == "full":
        full = replace(quick, scale="full", widths=tuple(2**k for k in range(4, 15)),
                       draws=100, train_sets=("synthetic", "digits"), train_seeds=5,
                       train_steps=1000, train_widths=(16, 64, 256, 1024, 4096, 16384),
                       attack_points=10, attack_seeds=5, bound_pairs=200)
        if device == "cuda":  # n = 10 000 points, widths to 2¹⁷ (S Sᵀ is a GEMM)
            full = replace(full, n=10_000, d=64, digits_n=1797, draws=6,
                           family_alpha=(0.0, 0.5, 1.0, 2.0),
                           widths=tuple(2**k for k in range(4, 18)), train_n=1024,
                           train_widths=(64, 256, 1024, 4096, 16384), train_steps=1000,
                           train_seeds=5, n_test=256, attack_n=100, attack_points=5,
                           attack_seeds=4)
        return full
    raise ValueError(f"unknown scale {scale!r}")
