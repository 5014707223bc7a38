"""Configuration of the lora-forgetting reproduction: one frozen dataclass, three presets
(smoke: seconds, for tests; quick: ≤ 3 min on 2 CPU cores; full: one GPU, ≤ 8 min on an H100).

The sphere model is the spec's prototype: d = 3, n = 32, β = 1, V = diag(1, 0.8, 0.5) (gap
g = 0.2), Q = K = I, SA normalisation, RK4 at h = 0.1 with renormalisation."""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Config", "make_config"]


@dataclass(frozen=True)
class Config:
    scale: str
    device: str = "cpu"
    seed: int = 0
    # --- the base sphere model
    d: int = 3
    n: int = 32
    beta: float = 1.0
    V_diag: tuple = (1.0, 0.8, 0.5)  # g = λ₁ − λ₂ = 0.2: the predicted critical ‖ΔV‖
    # RK4 step of the T1 runs (whose JVP differentiates this very map): h → h/2 moves the
    # t = 10 state by ~1e-10 (h = 0.05: ~2e-8, over T11's 1e-8)
    h: float = 0.025
    # every other sphere run: batched DOP853 (a step per member) at this rtol (atol
    # rtol/100); rtol → rtol/100 moves a t = 60 state by ~1e-10
    rtol: float = 1e-9
    depth_h: float = 0.1  # the discrete-depth model's step (oversmoothing figure only)
    # --- T11 numerics gate: RK4 order from these steps against h/16, at t = gate_T
    gate_steps: tuple = (0.4, 0.2, 0.1, 0.05)
    gate_T: float = 4.0
    halving_T: float = 60.0  # step halving checked on a run this long (a LoRA past the gap)
    # --- T1 linear response and T2 envelope: random rank-2 ΔV at fixed ‖ΔV‖_op = ε
    response_eps: tuple = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2)
    response_times: tuple = (1.0, 5.0)
    response_T: float = 10.0
    response_rank: int = 2
    response_seeds: int = 4
    # --- T4 norm transition (ΔV = ε v₂v₂ᵀ): bisection on ε in [0.5g, 1.5g] for the flip to
    # ±v₂ by t = T
    # "≥ 90% of seeds" needs ≥ 29 seeds (all inside) for a 95% bound above 0.9; about 40% of
    # clouds merge far from ±v₁ and are set apart, so 64 leave ~38
    transition_seeds: int = 64
    # the flip time is ≈ log(1/dist₀)/(ε − g) for a cloud merged at distance dist₀ from v₁:
    # at T = 600 the finite-horizon shift of ε* is ≤ ~3% of g for dist₀ ≥ 1e-5
    transition_T: float = 600.0
    bisect_iters: int = 8  # bracket [0.5g, 1.5g] → width g/2⁸ ≈ 0.004g
    # --- T3/T5 depth transition and deviation times: ε = g + offset (and below the gap)
    depth_offsets: tuple = (0.004, 0.006, 0.01, 0.015, 0.02, 0.03)
    below_eps: tuple = (0.1, 0.15, 0.18)
    # T* at ⟨x, v₂⟩² = 0.9: the slowest seeds flip at ≈ 300 at g + 0.004 (second reading)
    depth_T: float = 400.0
    depth_seeds: int = 12
    deviation_deltas: tuple = (0.05, 0.1, 0.2)
    record_dt: float = 0.5
    # the theory's setting for T4/T5: the base cloud has merged near ±v₁ (mean ⟨x, v₁⟩² ≥
    # merged_min at t = merge_T) before the LoRA pushes it; clouds that merge far from v₁
    # leave at once (no critical slowing down) and are reported apart
    merge_T: float = 10.0
    merged_min: float = 0.9
    # T5: a LoRA cloud has merged once its mean pairwise ⟨x_i, x_j⟩² reaches this (one
    # cluster, up to sign); the law's start is that moment, on v₁'s side of the diagonal
    merged_cos2: float = 0.98
    # T5's T*: the last time mean ⟨x, v₂⟩² rises above this for good (the second reading's
    # blind rule; ½ flipped at once for clouds merged near the v₁/v₂ diagonal)
    t_star_level: float = 0.9
    # --- T6 rank at fixed norm: d = 8 so that r = 1 … 8
    rank_d: int = 8
    rank_values: tuple = (1, 2, 4, 8)
    rank_seeds: int = 32
    rank_eps: float = 1e-3
    rank_t: float = 5.0
    # --- T7 mean-field consistency: D at t = 5 for n doubling (independent seeds)
    meanfield_n: tuple = (32, 64, 128, 256)
    meanfield_seeds: int = 8
    meanfield_eps: float = 0.1
    meanfield_t: float = 5.0
    meanfield_chunk: int = 16  # members integrated together (memory: chunk·n² floats)
    # --- T8/T9 v1's ℝ² model (x-form), V = I → diag(1, 1 − ε), n = 20, dt = 0.1, δ = 0.1
    v1_eps: tuple = (0.002, 0.005, 0.01, 0.02, 0.05)
    v1_seeds: tuple = (42, 0, 1, 2, 3)  # 42: the v1 notebook's numbers (seed as the spec's)
    v1_n: int = 20
    v1_T_max: float = 340.0  # logits ⟨x_i, x_j⟩ ~ e^{2t} overflow float64 past t ≈ 354
    v1_cluster_T: float = 20.0  # the base clusters: base tokens at t = 20 (v1's code)
    v1_tube: float = 0.1
    v1_h: float = 0.1  # v1's dt; T8 reports how much ε·T_dep moves at dt/2
    # --- T10 β trend: random rank-2 ΔV, ‖ΔV‖_op = 0.05 < g
    beta_values: tuple = (0.5, 1.0, 2.0, 4.0)
    beta_seeds: int = 8
    beta_eps: float = 0.05
    beta_delta: float = 0.05
    beta_T: float = 60.0


def make_config(scale: str, *, device: str = "cpu", seed: int = 0) -> Config:
    quick = Config(scale="quick", device=device, seed=seed)
    if scale == "quick":
        return quick
    if scale == "smoke":  # seconds: every cell kind, tiny grids; verdicts mostly inconclusive
        return replace(quick, scale="smoke", response_seeds=2, transition_seeds=4,
                       transition_T=80.0, bisect_iters=4, depth_offsets=(0.03, 0.06),
                       below_eps=(0.1,), depth_T=60.0, depth_seeds=2, rank_values=(1, 8),
                       rank_seeds=4, meanfield_n=(16, 32), meanfield_seeds=2,
                       v1_eps=(0.05,), v1_seeds=(42,), v1_T_max=40.0,
                       beta_values=(1.0, 4.0), beta_seeds=2, beta_T=20.0, halving_T=10.0)
    if scale == "full":  # GPU: the same claims with the spec's n up to 16384 for T7
        full = replace(quick, scale="full", response_seeds=16, transition_seeds=64,
                       bisect_iters=12, depth_seeds=32, rank_seeds=128,
                       depth_offsets=(0.003, 0.004, 0.006, 0.01, 0.015, 0.02, 0.03, 0.05),
                       v1_seeds=(42,) + tuple(range(16)), beta_seeds=32)
        if device == "cuda":
            full = replace(full, meanfield_n=(256, 512, 1024, 2048, 4096, 8192, 16384),
                           meanfield_seeds=4, meanfield_chunk=1)
        return full
    raise ValueError(f"unknown scale {scale!r}")
