"""Configuration of the logic-encoder-decoder reproduction (arXiv 2605.07705): one frozen
dataclass, three presets (smoke: seconds, for tests; quick: ≤ 3 min on 2 CPU cores; full: the
spec's grid, A9 on a GPU)."""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Config", "make_config"]


@dataclass(frozen=True)
class Config:
    scale: str
    device: str = "cpu"
    seed: int = 0
    # --- A1 float semantics: operand pairs per (format, op) against numpy (float16/float32)
    # and against the exact rational reference (every format; Fraction is ~50 µs a pair)
    a1_numpy_pairs: int = 10_000  # spec, quick: 10⁴
    a1_exact_pairs: int = 2_000
    a1_formats: tuple = ("float16", "float32", "bfloat16", "tiny3", "tiny5")
    # --- A2 saturation and softmax support, every built-in format
    a2_formats: tuple = ("float16", "float32", "bfloat16", "tiny3", "tiny4", "tiny5", "tiny6")
    # --- A3 logic → transformer agreement (float32, sorted sums): spec quick 50 × 10
    a3_formulas: int = 50
    a3_pairs: int = 10
    a3_chunk: int = 10  # formulas per cell
    a3_depth: int = 4  # modal depth ≤ 4 (spec)
    a3_max_k: int = 8  # thresholds ≤ 8 (spec)
    a3_size: int = 6  # connectives per random formula
    a3_enc_len: tuple = (1, 64)
    a3_dec_len: tuple = (1, 16)
    a3_long: tuple = (1_000, 100_000, 10_000_000)  # encoder lengths via letter counts
    # --- A4 format sweep: certification per (format, k) and agreement where certified
    a4_formats: tuple = ("float32", "float16", "bfloat16", "tiny3", "tiny4", "tiny5", "tiny6")
    a4_ks: tuple = (1, 2, 3, 4, 5, 6, 7, 8)
    a4_float32_ks: tuple = tuple(range(1, 21))  # the spec's one-head table is for float32
    a4_formulas: int = 10
    a4_pairs: int = 10
    # --- A5 robustness: masks × summation orders × split heads on random formulas
    a5_formulas: int = 10
    a5_pairs: int = 6
    a5_perm_models: int = 20  # random tiny-format transformers for the permutation check
    a5_perm_len: int = 40  # encoder words 4 … 40 letters (tiny3 saturates at 2^3)
    a5_tiny_format: str = "tiny4"  # masks × orders × split heads past 2^p as well
    a5_tiny_len: int = 300
    a5_tiny_pairs: int = 12
    # --- A6 indistinguishability: random transformers in a tiny format
    a6_models: int = 100  # spec: 500 (full)
    a6_pairs: int = 6
    a6_format: str = "tiny3"
    a6_scan_factor: int = 6  # each model's K_T from a joint count scan over [0, 6·2^p]²
    a6_control: int = 2  # control pairs (K_T − 1 vs K_T, real words) per model
    # --- A7 separating examples: MAJORITY averaging transformer over precisions p
    a7_precisions: tuple = (3, 4, 5, 6, 7, 8, 9, 10)
    a7_formulas: int = 100  # random formulas checked on the witness pairs
    a7_K: int = 8  # the witness pairs' threshold bound (formulas)
    a7_witness_precisions: tuple = (3, 4, 5, 6)  # MAJORITY transformers run on witnesses
    a7_witness_models: int = 10  # random tiny3 transformers run on witnesses
    # --- A8 autoregressive: greedy generation
    a8_formulas: int = 60  # ~16% of runs are non-constant: ≥ 10 needed to judge
    a8_starts: int = 5
    a8_steps: int = 20
    # --- A9 native torch kernels: on the CPU at quick (reported), on the GPU at full + cuda
    a9_formulas: int = 10
    a9_pairs: int = 40


def make_config(scale: str, *, device: str = "cpu", seed: int = 0) -> Config:
    quick = Config(scale="quick", device=device, seed=seed)
    if scale == "quick":
        return quick
    if scale == "smoke":
        return replace(quick, scale="smoke", a1_numpy_pairs=2000, a1_exact_pairs=300,
                       a1_formats=("float16", "float32", "tiny3"),
                       a2_formats=("float16", "float32", "tiny3"), a3_formulas=6,
                       a3_pairs=4, a3_chunk=6, a3_long=(1_000, 10_000_000),
                       a4_formats=("float32", "tiny4"), a4_ks=(1, 2, 3, 4),
                       a4_float32_ks=tuple(range(1, 9)), a4_formulas=3, a4_pairs=4,
                       a5_formulas=3, a5_pairs=3, a5_perm_models=4, a5_tiny_len=100,
                       a5_tiny_pairs=4,
                       a6_models=8, a6_pairs=3, a6_scan_factor=4,
                       a7_precisions=(3, 4, 5, 6), a7_formulas=20,
                       a7_witness_precisions=(3, 4), a7_witness_models=3,
                       a8_formulas=3, a8_starts=2, a8_steps=8, a9_formulas=2, a9_pairs=10)
    if scale == "full":
        full = replace(quick, scale="full", a1_numpy_pairs=100_000, a1_exact_pairs=20_000,
                       a3_formulas=200, a3_pairs=20, a3_chunk=20, a4_formulas=40,
                       a5_formulas=40, a5_perm_models=100, a6_models=500,
                       a7_precisions=tuple(range(3, 13)), a7_formulas=500,
                       a8_formulas=100, a3_long=(1_000, 100_000, 10_000_000, 2 ** 24 + 3))
        if device == "cuda":
            full = replace(full, a9_formulas=50, a9_pairs=200)
        return full
    raise ValueError(f"unknown scale {scale!r}")
