"""Exact floating-point emulation with pluggable formats, vectorised over numpy arrays.

A binary format with precision ``p`` (significand bits, hidden bit included) and exponent
range [``emin``, ``emax``] represents ±M·2^(e−p+1) with integer M < 2^p, e ≥ emin (subnormals
at e = emin), largest finite value (2 − 2^(1−p))·2^emax. Every emulated operation is
computed in float64 and rounded once to the format, round to nearest, ties to even, with
gradual underflow and overflow to ±inf:

    x ⊕ y = R(x + y),  x ⊗ y = R(x·y),  x ⊘ y = R(x / y),  exp_F(x) = R(exp(x))

Rounding once from float64 is exact for +, −, ×, ÷ when 53 ≥ 2p + 2 (Figueroa's double
rounding theorem; p ≤ 24 here): float32, float16, bfloat16 and tiny custom formats. exp is
float64's exp rounded to the format (the emulator's definition; faithful, not guaranteed
correctly rounded). Values are stored as float64 arrays holding format values exactly.

The float model follows the reconstruction of Ahvonen, Heiman, Kuusisto, Moreno, Selin,
"Cross-attention and encoder–decoder transformers: a logical characterization",
arXiv 2605.07705 (floating-point arithmetic): the paper's own text on rounding could
not be read (only its abstract and introduction were available), so the IEEE-style model above
is our assumption; summation orders live in ``_floats_sums``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FloatFormat", "FORMATS", "float_format", "round_to", "f_add", "f_sub", "f_mul",
           "f_div", "f_exp", "ulp"]


@dataclass(frozen=True)
class FloatFormat:
    """A binary floating-point format: ``p`` significand bits (hidden bit included),
    exponents ``emin`` … ``emax`` (IEEE: emin = 1 − emax)."""

    name: str
    p: int
    emin: int
    emax: int

    def __post_init__(self):
        if not 2 <= self.p <= 24:
            raise ValueError(f"format {self.name}: precision p must be in 2…24 (53 ≥ 2p + 2 "
                             f"keeps float64 rounding exact), got {self.p}")
        if not -1000 < self.emin < 0 < self.emax < 1000:
            raise ValueError(f"format {self.name}: need emin < 0 < emax, got {self.emin}, "
                             f"{self.emax}")

    @property
    def smallest_subnormal(self) -> float:
        """σ = 2^(emin − p + 1), the spacing of the subnormal grid."""
        return float(np.ldexp(1.0, self.emin - self.p + 1))

    @property
    def smallest_normal(self) -> float:
        return float(np.ldexp(1.0, self.emin))

    @property
    def max_finite(self) -> float:
        return float(np.ldexp(2.0 - np.ldexp(1.0, 1 - self.p), self.emax))

    @property
    def saturation_ones(self) -> int:
        """Where a running sum of ones stops growing: 2^p (2^p + 1 rounds to 2^p)."""
        return 2 ** self.p


FORMATS = {
    "float32": FloatFormat("float32", 24, -126, 127),
    "float16": FloatFormat("float16", 11, -14, 15),
    "bfloat16": FloatFormat("bfloat16", 8, -126, 127),
    # tiny formats: float effects (saturation, underflow) show at word lengths 10–1000
    "tiny3": FloatFormat("tiny3", 3, -6, 7),
    "tiny4": FloatFormat("tiny4", 4, -6, 7),
    "tiny5": FloatFormat("tiny5", 5, -8, 9),
    "tiny6": FloatFormat("tiny6", 6, -10, 11),
}


def float_format(fmt) -> FloatFormat:
    """A :class:`FloatFormat` from itself or its name in :data:`FORMATS`."""
    if isinstance(fmt, FloatFormat):
        return fmt
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown float format {fmt!r}; known: {sorted(FORMATS)}") from None


def round_to(x, fmt) -> np.ndarray:
    """R(x): float64 values rounded to ``fmt`` (nearest, ties to even; subnormals; overflow
    to ±inf). x: any shape; returns float64 of the same shape holding format values."""
    f = float_format(fmt)
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        _, e = np.frexp(x)  # |x| ∈ [2^(e−1), 2^e)
        q = np.maximum(e.astype(np.int64) - f.p, f.emin - f.p + 1)  # exponent of the ulp
        r = np.ldexp(np.rint(np.ldexp(x, -q)), q)  # np.rint: ties to even
        r = np.where(np.abs(r) > f.max_finite, np.copysign(np.inf, x), r)
        return np.where(np.isfinite(x), r, x)


def ulp(x, fmt) -> np.ndarray:
    """Spacing of the format's grid at |x| (binade of x; σ in the subnormal range)."""
    f = float_format(fmt)
    _, e = np.frexp(np.asarray(x, dtype=np.float64))
    return np.ldexp(1.0, np.maximum(e.astype(np.int64) - f.p, f.emin - f.p + 1))


def f_add(x, y, fmt):
    with np.errstate(invalid="ignore", over="ignore"):
        return round_to(np.add(x, y, dtype=np.float64), fmt)


def f_sub(x, y, fmt):
    with np.errstate(invalid="ignore", over="ignore"):
        return round_to(np.subtract(x, y, dtype=np.float64), fmt)


def f_mul(x, y, fmt):
    with np.errstate(invalid="ignore", over="ignore"):
        return round_to(np.multiply(x, y, dtype=np.float64), fmt)


def f_div(x, y, fmt):
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        return round_to(np.divide(x, y, dtype=np.float64), fmt)


def f_exp(x, fmt):
    with np.errstate(over="ignore", under="ignore"):
        return round_to(np.exp(np.asarray(x, dtype=np.float64)), fmt)
