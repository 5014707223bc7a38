"""Per-element pure-Python references for the float emulator (no numpy in the arithmetic).

* ``round_fraction(q, fmt)`` — an exact rational q (``fractions.Fraction``) rounded to the
  format: nearest, ties to even, subnormals, overflow to ±inf. The independent reference the
  vectorised ``round_to`` is checked against (claim A1 of arXiv 2605.07705's reproduction).
* ``round_scalar(x, fmt)`` — a Python float rounded with ``math.frexp``/``math.ldexp`` and
  Python's ``round`` (ties to even): the straightforward per-element emulator that the
  benchmark compares the vectorised one with.
* ``scalar_sum(terms, fmt, order)`` — the four summation orders of ``_floats_sums``, element
  by element.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ._floats import float_format

__all__ = ["round_fraction", "round_scalar", "scalar_sum", "exact_op"]


def round_fraction(q: Fraction, fmt) -> float:
    """R(q) for an exact rational q."""
    f = float_format(fmt)
    if q == 0:
        return 0.0
    sign = -1 if q < 0 else 1
    a = abs(q)
    e = a.numerator.bit_length() - a.denominator.bit_length()  # 2^e ≤ a < 2^(e+2)
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    qexp = max(e - f.p + 1, f.emin - f.p + 1)  # ulp exponent
    scaled = a / Fraction(2) ** qexp
    n, rem = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rem
    if twice > scaled.denominator or (twice == scaled.denominator and n % 2 == 1):
        n += 1
    value = Fraction(n) * Fraction(2) ** qexp
    if value > Fraction(f.max_finite):
        return sign * math.inf
    return sign * float(value)


def exact_op(x: float, y: float, op: str, fmt) -> float:
    """R(x op y) computed exactly in rationals (op: add, sub, mul, div)."""
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("the rational reference takes finite operands")
    a, b = Fraction(x), Fraction(y)
    if op == "div" and b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, x) * math.copysign(1, y)
    q = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b if b != 0 else 0}[op]
    r = round_fraction(q, fmt)
    if r == 0:  # the sign of a zero: IEEE's, which float64 computes for these operands
        sign = {"add": lambda: x + y, "sub": lambda: x - y, "mul": lambda: x * y,
                "div": lambda: x / y}[op]()
        return math.copysign(0.0, sign)
    return r


def round_scalar(x: float, fmt) -> float:
    """R(x) for one Python float, per element (the benchmark's plain implementation)."""
    f = float_format(fmt)
    if x != x or x in (math.inf, -math.inf) or x == 0:
        return x
    _, e = math.frexp(x)
    q = max(e - f.p, f.emin - f.p + 1)
    r = math.ldexp(round(math.ldexp(x, -q)), q)  # round(): ties to even
    if abs(r) > f.max_finite:
        return math.copysign(math.inf, x)
    return r


def scalar_sum(terms, fmt, order: str = "sorted") -> float:
    terms = list(terms)
    if order == "sorted":
        terms.sort()
    if order in ("sorted", "sequential"):
        s = 0.0
        for t in terms:
            s = round_scalar(s + t, fmt)
        return s
    if order == "pairwise":
        def tree(ts):
            if not ts:
                return 0.0
            if len(ts) == 1:
                return ts[0]
            h = (len(ts) + 1) // 2
            return round_scalar(tree(ts[:h]) + tree(ts[h:]), fmt)
        return tree(terms)
    if order == "exact":
        if not all(math.isfinite(t) for t in terms):
            return scalar_sum(terms, fmt, "sequential")
        return round_fraction(sum((Fraction(t) for t in terms), Fraction(0)), fmt)
    raise ValueError(f"unknown summation order {order!r}")
