"""Claims and verdicts: the unit in which a reproduction reports.

A :class:`ClaimSpec` is what the paper says (id, statement, where, the criterion we test);
a :class:`Claim` adds what was predicted, what was measured, the numbers and the verdict.
Verdicts are computed from measurements by :func:`verdict_from`, never written by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["REPRODUCED", "NOT_REPRODUCED", "INCONCLUSIVE", "ClaimSpec", "Claim", "verdict_from"]

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
INCONCLUSIVE = "inconclusive"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE)


@dataclass(frozen=True)
class ClaimSpec:
    id: str
    statement: str
    source: str  # where the paper makes it (or "reconstruction" / "beyond the paper")
    criterion: str

    def result(self, *, prediction: str, measurement: str, verdict: str, numbers=None,
               note: str = "") -> Claim:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
        return Claim(self.id, self.statement, self.source, self.criterion, prediction,
                     measurement, verdict, _plain(numbers or {}), note)

    def no_data(self, measurement: str, *, prediction: str = "") -> Claim:
        """Inconclusive: the run has none of the measurements this claim needs (e.g. a scale
        without the cells it judges); ``measurement`` says what is missing."""
        return self.result(prediction=prediction, measurement=measurement,
                           verdict=INCONCLUSIVE)


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    source: str
    criterion: str
    prediction: str
    measurement: str
    verdict: str
    numbers: dict = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def verdict_from(passed, *, enough_data: bool = True) -> str:
    """``passed`` True/False → reproduced / not reproduced; not enough data → inconclusive."""
    if not enough_data or passed is None:
        return INCONCLUSIVE
    return REPRODUCED if bool(passed) else NOT_REPRODUCED


def _plain(obj):
    """Numbers as JSON-ready Python scalars (numpy scalars and arrays included)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    return obj
