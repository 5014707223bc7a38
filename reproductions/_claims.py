"""Claims and verdicts: the unit in which a reproduction reports.

A :class:`ClaimSpec` is what the paper says (id, statement, where, the criterion we test) and
how it is judged, declared once with :meth:`ClaimList.claim`::

    CLAIMS = ClaimList()

    @CLAIMS.claim("T1", statement="ZZᵀ = G³", source="arXiv 2603.13085, abstract",
                  criterion="relative error < {tol:g} on every dataset", tol=1e-10)
    def _t1(spec, config, tables):
        worst = float(tables["gram"].rel_error.max())
        return spec.result(prediction="0", measurement=f"{worst:.1e}",
                           verdict=verdict_from(worst < spec.limits["tol"]))

The criterion's numbers (``tol`` above) are written once, as keywords: the prose criterion is
formatted from them and the judge reads them from ``spec.limits``, so the two cannot drift
apart. A :class:`Claim` adds what was predicted, what was measured, the numbers and the
verdict. Verdicts are computed from measurements (:func:`verdict_from`, :func:`decide`), never
written by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType

import numpy as np

__all__ = ["REPRODUCED", "NOT_REPRODUCED", "INCONCLUSIVE", "SOURCE_KINDS", "ClaimSpec",
           "ClaimList", "Claim", "Power", "surrogate_power", "verdict_from", "decide",
           "all_of", "across_seeds", "enough_at_scale"]

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
INCONCLUSIVE = "inconclusive"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE)

# where a claim's statement comes from: the paper's own text (its abstract counts), a summary
# of the paper by someone else, or our own assumption where neither says enough
SOURCE_KINDS = ("paper", "secondary", "reconstruction")

# an ideal model must pass a criterion at least this often for the scale to decide it
MIN_POWER = 0.95


@dataclass(frozen=True)
class Power:
    """How often an ideal surrogate — one that satisfies the claim exactly (i.i.d. rows from
    the predicted law, the exact limiting spectrum, …) at the run's scale — passes the
    claim's criterion, over ``draws`` independent draws."""

    draws: int
    passes: int

    @property
    def rate(self) -> float:
        return self.passes / self.draws

    def decides(self) -> bool:
        return self.rate >= MIN_POWER


def surrogate_power(passes_criterion: Callable, *, draws: int, seed: int) -> Power:
    """Run ``passes_criterion(rng) -> bool`` (draw an ideal surrogate at this scale, apply
    the claim's criterion) on ``draws`` independent generators."""
    if draws < 1:
        raise ValueError(f"draws must be ≥ 1, got {draws}")
    streams = np.random.SeedSequence(seed).spawn(draws)
    passes = sum(bool(passes_criterion(np.random.default_rng(s))) for s in streams)
    return Power(draws=draws, passes=passes)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per claim
class ClaimSpec:
    """A claim: ``criterion`` is prose formatted from ``limits`` (``"{tol:g}"``); ``judge``
    is ``(spec, config, tables) -> Claim``. Calling the spec judges it."""

    id: str
    statement: str
    source: str  # where the paper makes it (or "reconstruction" / "beyond the paper")
    criterion: str
    limits: Mapping = field(default_factory=dict)  # the criterion's numbers, by name
    judge: Callable | None = field(default=None, repr=False, compare=False)
    source_kind: str = "reconstruction"  # one of SOURCE_KINDS; ClaimList.claim requires it
    template: str = field(default="", repr=False)  # the criterion before formatting
    # decided by an exact computation (an identity to rounding, closed-form theory against
    # closed-form theory): no sample size enters, so even smoke scale decides it
    exact: bool = False

    def __post_init__(self):
        if self.source_kind not in SOURCE_KINDS:
            raise ValueError(f"claim {self.id}: source_kind must be one of {SOURCE_KINDS}, "
                             f"got {self.source_kind!r}")
        limits = MappingProxyType(dict(self.limits))
        object.__setattr__(self, "limits", limits)
        template = self.template or self.criterion  # dataclasses.replace passes both
        object.__setattr__(self, "template", template)
        try:
            text = template.format(**limits)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"claim {self.id}: criterion does not format from its limits "
                             f"({type(e).__name__}: {e}); double literal braces") from None
        object.__setattr__(self, "criterion", text)

    def __call__(self, config, tables) -> Claim:
        if self.judge is None:
            raise TypeError(f"claim {self.id} has no judge")
        return self.judge(self, config, tables)

    def result(self, *, prediction: str, measurement: str, verdict: str, numbers=None,
               note: str = "", power: Power | None = None) -> Claim:
        """The judged claim. With ``power`` (the criterion applied to an ideal surrogate at
        this scale), a criterion the ideal model fails more than 1 − MIN_POWER of the time
        cannot decide: the verdict becomes inconclusive and the measurement says so."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
        numbers = dict(numbers or {})
        if power is not None:
            numbers["surrogate_pass_rate"] = power.rate
            numbers["surrogate_draws"] = power.draws
            if not power.decides():
                verdict = INCONCLUSIVE
                measurement += (f"; scale cannot decide: an ideal model fails this criterion "
                                f"{100 * (1 - power.rate):.0f}% of the time ({power.passes}/"
                                f"{power.draws} surrogate draws pass)")
        return Claim(self.id, self.statement, self.source, self.criterion, prediction,
                     measurement, verdict, _plain(numbers), note,
                     source_kind=self.source_kind,
                     power=None if power is None else {"draws": power.draws,
                                                       "passes": power.passes,
                                                       "rate": power.rate})

    def no_data(self, measurement: str, *, prediction: str = "") -> Claim:
        """Inconclusive: the run has none of the measurements this claim needs (e.g. a scale
        without the cells it judges); ``measurement`` says what is missing."""
        return self.result(prediction=prediction, measurement=measurement,
                           verdict=INCONCLUSIVE)


class ClaimList(Sequence):
    """A paper's claims in declaration order; :meth:`claim` declares one (a decorator on its
    judge, returning the :class:`ClaimSpec`)."""

    def __init__(self):
        self._specs: list[ClaimSpec] = []

    def claim(self, id: str, *, statement: str, source: str, source_kind: str, criterion: str,
              exact: bool = False, **limits):
        """Declare a claim: ``source`` says where the paper makes it, ``source_kind`` whether
        that is the paper's own text ("paper"), a summary of it ("secondary") or our
        assumption ("reconstruction"); ``exact`` that its verdict comes from an exact
        computation, with no sample size in it (see :func:`enough_at_scale`); ``limits`` are
        the criterion's numbers."""
        if any(s.id == id for s in self._specs):
            raise ValueError(f"claim {id} is declared twice")

        def register(judge: Callable) -> ClaimSpec:
            spec = ClaimSpec(id, statement, source, criterion, limits, judge, source_kind,
                             exact=exact)
            self._specs.append(spec)
            return spec

        return register

    def judge(self, config, tables) -> list[Claim]:
        """Every claim's verdict, in declaration order."""
        return [spec(config, tables) for spec in self._specs]

    def __getitem__(self, i):
        if isinstance(i, str):
            for s in self._specs:
                if s.id == i:
                    return s
            raise KeyError(i)
        return self._specs[i]

    def __len__(self) -> int:
        return len(self._specs)

    def __iter__(self) -> Iterator[ClaimSpec]:
        return iter(self._specs)


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
    # {"seeds": K, "agree": k, "verdicts": {seed: verdict}}: k = the largest number of seeds
    # that gave the same verdict (see :func:`across_seeds`)
    stability: dict | None = None
    source_kind: str = "reconstruction"
    power: dict | None = None  # {"draws", "passes", "rate"} of the ideal surrogate, if built

    def to_dict(self) -> dict:
        return asdict(self)


def across_seeds(runs: dict[int, list[Claim]]) -> list[Claim]:
    """One list of claims from the same claims judged on K independent seeds: the first
    seed's claim, with ``stability`` recorded. A verdict is only as good as its agreement:
    where the seeds disagree, the claim is reported inconclusive, with the split."""
    seeds = list(runs)
    first = runs[seeds[0]]
    if any([c.id for c in runs[s]] != [c.id for c in first] for s in seeds):
        raise ValueError("the seeds judged different lists of claims")
    out = []
    for i, claim in enumerate(first):
        verdicts = {str(s): runs[s][i].verdict for s in seeds}
        counts = {v: list(verdicts.values()).count(v) for v in VERDICTS if v in
                  verdicts.values()}
        stability = {"seeds": len(seeds), "agree": max(counts.values()), "verdicts": verdicts}
        if len(counts) == 1:
            out.append(replace(claim, stability=stability))
            continue
        split = ", ".join(f"{v} ×{n}" for v, n in counts.items())
        out.append(replace(
            claim, verdict=INCONCLUSIVE, stability=stability,
            measurement=f"the verdict changes with the seed ({split} over {len(seeds)} seeds); "
                        f"seed {seeds[0]}: {claim.measurement}"))
    return out


# the scale that checks the pipeline only; see enough_at_scale
PIPELINE_SCALE = "smoke"


def enough_at_scale(spec: ClaimSpec, claim: Claim, scale: str | None) -> Claim:
    """The enough-data rule every paper shares (applied by ``Paper.judge``): a smoke-scale run
    checks that the pipeline runs, on data sized for seconds, so it decides only claims
    declared ``exact``; any other decided verdict there becomes inconclusive, and the
    measurement says what it would have read. Above smoke scale, each claim's own interval,
    data minimums and power check decide."""
    if scale != PIPELINE_SCALE or spec.exact or claim.verdict == INCONCLUSIVE:
        return claim
    return replace(claim, verdict=INCONCLUSIVE, numbers={**claim.numbers,
                                                          "verdict_on_thin_data": claim.verdict},
                   measurement=f"{claim.measurement}; smoke scale checks the pipeline and "
                               f"decides only exact claims (this data alone would read "
                               f"'{claim.verdict}'): run --scale quick")


def verdict_from(passed, *, enough_data: bool = True) -> str:
    """``passed`` True/False → reproduced / not reproduced; not enough data → inconclusive."""
    if not enough_data or passed is None:
        return INCONCLUSIVE
    return REPRODUCED if bool(passed) else NOT_REPRODUCED


def decide(low, high, band, *, enough_data: bool = True) -> str:
    """The one three-way rule for an estimate with its uncertainty ``[low, high]`` (a
    confidence interval, a ± k SE range, or an exact bound) against the claim's tolerance
    ``band = (lo, hi)`` (use ±inf for a one-sided band): inside → reproduced; disjoint →
    not reproduced; overlapping the band's edge, NaN, or not enough data → inconclusive."""
    lo, hi = float(band[0]), float(band[1])
    if not lo <= hi:
        raise ValueError(f"band ({lo}, {hi}) is empty")
    low, high = float(low), float(high)
    if not enough_data or math.isnan(low) or math.isnan(high):
        return INCONCLUSIVE
    if low > high:
        raise ValueError(f"interval [{low}, {high}] is empty")
    if lo <= low and high <= hi:
        return REPRODUCED
    if high < lo or low > hi:
        return NOT_REPRODUCED
    return INCONCLUSIVE


def all_of(verdicts) -> str:
    """A claim made of several checks: all reproduced → reproduced; any not reproduced → not
    reproduced; otherwise inconclusive."""
    verdicts = list(verdicts)
    if NOT_REPRODUCED in verdicts:
        return NOT_REPRODUCED
    return REPRODUCED if verdicts and all(v == REPRODUCED for v in verdicts) else INCONCLUSIVE


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
