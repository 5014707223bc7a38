"""How the query-learning claims turn measurements into one verdict.

Every claim has *evidence* parts — an estimate with its uncertainty (a range over seeds, a
confidence interval of a fitted slope, a grid bracket, or an exact count) compared with the
claim's band by :func:`decide` — and *checks*: sanity checks that are true by construction (a
clamp, an exact algebraic identity) and controls that must fail for the test to discriminate.
Checks are not evidence: a failing one says the measurement cannot be trusted (inconclusive);
passing ones add nothing to the verdict. The verdict is

- inconclusive when the run has too little data to decide (the reason is given) — unless an
  exact part (a count: no sampling uncertainty) is already outside its band, which refutes
  the claim whatever the amount of data — or when a check failed;
- otherwise not reproduced when any evidence part is (its interval is outside the band),
  inconclusive when any part's interval straddles the band's edge, reproduced when every part
  lies inside its band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, decide

__all__ = ["Part", "part", "exact", "spread", "verdict_of", "why", "parts_numbers"]


@dataclass(frozen=True)
class Part:
    """One evidence part: ``[low, high]`` against ``band``, and its verdict."""

    name: str
    low: float
    high: float
    band: tuple
    verdict: str
    exact: bool = False  # an exact quantity (a count), not an estimate


def part(name: str, values_or_low, high=None, *, band, enough: bool = True) -> Part:
    """A part from an interval ``(low, high)``, or from values (their range over seeds or
    runs: every value inside → reproduced, every one outside → not, a split → inconclusive).
    Missing or non-finite data → inconclusive."""
    if high is None:
        v = np.asarray(values_or_low, dtype=np.float64).ravel()
        if v.size == 0 or np.isnan(v).any():
            return Part(name, math.nan, math.nan, tuple(band), INCONCLUSIVE)
        low, high = float(v.min()), float(v.max())
    else:
        low, high = float(values_or_low), float(high)
    if any(math.isnan(float(b)) for b in band) or math.isnan(low) or math.isnan(high):
        return Part(name, low, high, tuple(band), INCONCLUSIVE)
    return Part(name, low, high, tuple(band), decide(low, high, band, enough_data=enough))


def exact(name: str, value, *, band) -> Part:
    """A part from an exact quantity (a count): its interval is the point itself."""
    p = part(name, value, value, band=band)
    return Part(p.name, p.low, p.high, p.band, p.verdict, exact=True)


def spread(low, high) -> tuple[float, float]:
    """The range of max/min over values known only to lie in brackets ``[low_i, high_i]``:
    from max(1, max low / min high) to max high / min low."""
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    if low.size == 0:
        return math.nan, math.nan
    best = max(1.0, float(low.max() / high.min()))
    worst = float(high.max() / low.min()) if low.min() > 0 else math.inf
    return best, max(best, worst)


def verdict_of(parts: list[Part], *, checks: dict | None = None, enough: bool = True) -> str:
    """The claim's verdict from its evidence ``parts`` and ``checks`` (name → passed)."""
    if any(not ok for ok in (checks or {}).values()):
        return INCONCLUSIVE
    if not enough:
        refuted = any(p.exact and p.verdict == NOT_REPRODUCED for p in parts)
        return NOT_REPRODUCED if refuted else INCONCLUSIVE
    if not parts:
        return INCONCLUSIVE
    verdicts = {p.verdict for p in parts}
    if NOT_REPRODUCED in verdicts:
        return NOT_REPRODUCED
    return INCONCLUSIVE if INCONCLUSIVE in verdicts else REPRODUCED


def _interval(p: Part) -> str:
    lo, hi = p.band
    band = f"[{lo:.3g}, {hi:.3g}]".replace("inf", "∞")
    return f"{p.name} [{p.low:.3g}, {p.high:.3g}] vs {band}".replace("inf", "∞")


def why(parts: list[Part], *, checks: dict | None = None, enough: bool = True,
        thin: str = "") -> str:
    """One sentence: what decided the verdict (the parts outside or straddling the band, a
    failed check, or too little data)."""
    failed = [name for name, ok in (checks or {}).items() if not ok]
    refuted = [p for p in parts if p.exact and p.verdict == NOT_REPRODUCED]
    if not enough and refuted and not failed:
        return "an exact count is outside its band: " + "; ".join(_interval(p) for p in refuted)
    if not enough:
        text = f"too little data to decide ({thin})" if thin else "too little data to decide"
        return text + (f"; failed besides: {', '.join(failed)}" if failed else "")
    if failed:
        return "a sanity check or control failed, so the measurement cannot be trusted: " + \
            ", ".join(failed)
    outside = [p for p in parts if p.verdict == NOT_REPRODUCED]
    straddle = [p for p in parts if p.verdict == INCONCLUSIVE]
    if outside:
        return "outside the band: " + "; ".join(_interval(p) for p in outside)
    if straddle:
        return "straddles the band's edge: " + "; ".join(_interval(p) for p in straddle)
    return f"all {len(parts)} evidence parts inside their bands" + (
        f"; checks passed: {', '.join(checks)}" if checks else "")


def parts_numbers(parts: list[Part], checks: dict | None = None) -> dict:
    """The parts and checks as JSON-ready numbers for the verdict file."""
    return {"parts": {p.name: {"low": p.low, "high": p.high, "band": list(p.band),
                               "verdict": p.verdict} for p in parts},
            "checks": dict(checks or {})}
