"""Configuration of the query-learning reproduction: one frozen dataclass, three presets."""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Config", "make_config", "DTYPES"]

DTYPES = ("float64", "float32", "float16", "bfloat16")


@dataclass(frozen=True)
class Config:
    scale: str
    device: str = "cpu"
    seed: int = 0
    # --- B1 exact recovery: W ~ N(0, s²/d), v ~ N(0, I)
    exact_d: tuple = (2, 4, 8, 16, 32)  # spec quick: d ≤ 32
    exact_s: tuple = (0.3, 1.0, 3.0)
    exact_seeds: int = 10
    # --- B2 precision: W = z·S (S random signs), |v_i| ∈ [½, 3/2]; unit vs adaptive probes
    precision_dtypes: tuple = DTYPES
    precision_d: int = 6
    # 1 … 81 in 4% steps: z* is known to within one step, and ±4% fits well inside the
    # ±15% band (8% steps left float16's bracket straddling the band's edge)
    precision_z: tuple = tuple(round(1.04**k, 6) for k in range(0, 113))
    precision_seeds: int = 3
    # --- B3 low rank: W = A Bᵀ of rank r, m = ratio · r(2d − r) rank-one measurements
    # d = 32 adds three (d, r) where the whole ratio grid stays below d² measurements (B3
    # judges only those: 4·r(2d − r) ≤ d²)
    lowrank_d: tuple = (16, 24, 32)
    lowrank_r: tuple = (1, 2, 4, 8)
    lowrank_max_dr: int = 192  # skip (d, r) with d·r above this (CPU time grows as (d·r)²)
    # 1.75 and 2.5 split the 2 → 3 step near the transitions: with 20 trials a (d, r) whose
    # success at 2 is 18/20 jumped to 3, and an ideal (collapsed) model failed the spread
    # criterion on 36–71% of draws
    lowrank_ratio: tuple = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
    # 40 trials: the factored solver's success nears 100% through a tail of occasional local
    # minima, and with 20 trials the ≥ 95% transition jumped a grid step between seeds (an
    # ideal collapsed model passed the spread criterion on only 89% of draws)
    lowrank_trials: int = 40
    # nuclear-norm minimisation (a dense m × d² solve): small d, and only the (d, r) that B3
    # judges (the ratio grid stays below d² measurements); two d for a collapse
    nuclear_d: tuple = (16, 24)
    nuclear_trials: int = 20
    success_tol: float = 1e-6  # ‖Ŵ − W‖_F / ‖W‖_F
    # --- B4 noise: base point and one-factor sweeps
    noise_d: int = 8
    noise_norm: float = 2.0  # ‖W‖₂ (= the learner's bound B)
    noise_margin: float = 1.0  # μ: |v_i| ∈ [μ, 2μ]
    noise_tau: tuple = tuple(10.0**k for k in range(-8, -1))
    noise_sweep_tau: float = 1e-6
    # five or more points per sweep and 16 seeds: with four points and 8 seeds an ideal model
    # fails the ±0.15 exponent band a third of the time (the 95% interval of a 4-point fit is
    # wide); ‖W‖ = 32 makes the unit-probe control saturate for every seed
    noise_norms: tuple = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
    noise_dims: tuple = (4, 8, 16, 32, 64)
    noise_margins: tuple = (0.125, 0.25, 0.5, 1.0, 2.0)
    noise_repeats: tuple = (1, 4, 16, 64, 256)
    noise_repeat_tau: float = 1e-4
    noise_seeds: int = 16
    # --- B5 one-layer transformer (bias-free, and the biased negative control)
    transformer_d: tuple = (2, 4, 8, 16, 32)
    transformer_seeds: int = 3
    # --- B6 multi-head
    multihead_d: int = 6
    multihead_queries: int = 10_000
    multihead_seeds: int = 3
    # --- B7 canonical multi-head learner (ours), within 4Hd² − 2H + 1 queries
    canonical_d: int = 6
    canonical_heads: tuple = (2, 3)
    canonical_seeds: int = 5
    # --- B8 (GPU only): batched exact recovery at large d in low precision
    gpu_d: tuple = ()
    gpu_dtypes: tuple = ("float32", "float16", "bfloat16")
    gpu_chunk: int = 1 << 16


def make_config(scale: str, *, device: str = "cpu", seed: int = 0) -> Config:
    quick = Config(scale="quick", device=device, seed=seed)
    if scale == "quick":
        return quick
    if scale == "smoke":  # seconds: for tests
        return replace(quick, scale="smoke", exact_d=(2, 8), exact_s=(1.0,), exact_seeds=2,
                       precision_dtypes=("float64", "float16"),
                       precision_z=tuple(round(1.1**k, 6) for k in range(0, 46)),
                       precision_seeds=1, lowrank_d=(12,), lowrank_r=(1, 2),
                       lowrank_ratio=(0.5, 2.0, 4.0), lowrank_trials=3, nuclear_d=(),
                       noise_tau=(1e-7, 1e-5, 1e-3), noise_norms=(1.0, 4.0), noise_dims=(4, 8),
                       noise_margins=(0.5, 1.0), noise_repeats=(1, 16), noise_seeds=3,
                       transformer_d=(2, 4), transformer_seeds=1, multihead_queries=2000,
                       multihead_seeds=1, canonical_d=4, canonical_seeds=1)
    if scale == "full":
        # B3 at the notes' d ∈ {64, 128} for the factored solver (d·r ≤ 512: r ≤ 8 at d = 64,
        # r ≤ 4 at d = 128); nuclear norm (a dense m × d² solve) to d = 32
        return replace(quick, scale="full", exact_d=quick.exact_d + (64, 128),
                       lowrank_d=(16, 24, 32, 64, 128), lowrank_max_dr=512,
                       nuclear_d=(16, 24, 32), nuclear_trials=20, precision_seeds=10,
                       canonical_d=8, canonical_seeds=20,
                       noise_seeds=32, transformer_d=quick.transformer_d + (64,),
                       gpu_d=(768, 4096) if device == "cuda" else ())
    raise ValueError(f"unknown scale {scale!r}")
