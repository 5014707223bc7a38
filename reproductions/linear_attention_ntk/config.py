"""Configuration of the linear-attention-ntk reproduction: one frozen dataclass, three presets.

MNIST / CIFAR-10 (T8, and the full scale's real data) come only from a user path: set
``ATTNLAB_MNIST`` (an IDX images file, e.g. ``train-images-idx3-ubyte[.gz]``, or an .npz) and/or
``ATTNLAB_CIFAR10`` (an .npz with the training images) before running.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

__all__ = ["Config", "make_config"]


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
    # --- T10: the sensitivity bound
    bound_eps: tuple = (0.01, 0.1)
    bound_pairs: int = 30
    # --- T8: real data (digits always; MNIST / CIFAR-10 from a user path)
    mnist_path: str = ""
    cifar_path: str = ""
    bootstrap: int = 2000


def make_config(scale: str, *, device: str = "cpu", seed: int = 0) -> Config:
    for var in ("ATTNLAB_MNIST", "ATTNLAB_CIFAR10"):
        path = os.environ.get(var, "")
        if path and not os.path.isfile(path):
            raise ValueError(f"{var}={path!r} is not a file")
    quick = Config(scale="quick", device=device, seed=seed,
                   mnist_path=os.environ.get("ATTNLAB_MNIST", ""),
                   cifar_path=os.environ.get("ATTNLAB_CIFAR10", ""))
    if scale == "quick":
        return quick
    if scale == "smoke":
        return replace(quick, scale="smoke", family_alpha=(0.0, 1.0, 2.0), widths=(16, 64, 256),
                       draws=4, train_widths=(16, 64, 256), train_steps=50,
                       train_seeds=2, attack_sets=("synthetic",), attack_eps=(0.02, 0.1),
                       attack_points=2, attack_seeds=1, bound_pairs=5, bootstrap=200)
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
