"""What the judges of T1–T8 share: the claim list, and how per-family decisions and surrogate
draws become one verdict (Hayase & Karakida, arXiv 2605.12697;
``reproductions/inverse_temperature/README.md``)."""

from __future__ import annotations

import math

import pandas as pd

from .._claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, ClaimList, Power, decide

__all__ = ["CLAIMS", "SRC", "combine", "resolved", "surrogate_power", "interval_text",
           "band_verdict", "law_verdicts", "reach_notes", "law_power", "parts_note", "BELOW",
           "ABOVE"]

CLAIMS = ClaimList()

SRC = ("arXiv 2605.12697, abstract; definitions reconstructed "
       "(reproductions/inverse_temperature/README.md)")

BELOW = -math.inf
ABOVE = math.inf


def combine(verdicts) -> str:
    """A conjunction of decided parts: any part refuted → not reproduced; every part
    reproduced → reproduced; otherwise (or with no parts) inconclusive."""
    verdicts = list(verdicts)
    if NOT_REPRODUCED in verdicts:
        return NOT_REPRODUCED
    if verdicts and all(v == REPRODUCED for v in verdicts):
        return REPRODUCED
    return INCONCLUSIVE


def resolved(flat: str, apart: str) -> str:
    """A law that must be flat under its own scale (``flat``) and told apart from its rivals
    (``apart``): flat refuted → not reproduced; flat, and apart from every rival → reproduced;
    a rival that the data cannot tell apart leaves it inconclusive — the diagnostic's reach
    over this n range, not evidence against the law (a rival that fits better than the
    predicted law shows up as ``flat`` refuted)."""
    if flat == NOT_REPRODUCED:
        return NOT_REPRODUCED
    return REPRODUCED if flat == REPRODUCED and apart == REPRODUCED else INCONCLUSIVE


def surrogate_power(draws: pd.DataFrame, passes) -> Power | None:
    """Power of a criterion on a table of surrogate draws: ``passes(frame of one draw) ->
    bool``; None where no surrogate was built (the verdict then stands on the data alone)."""
    if draws is None or draws.empty:
        return None
    groups = list(draws.groupby("draw"))
    return Power(draws=len(groups), passes=sum(bool(passes(g)) for _, g in groups))


def interval_text(estimate, low, high, digits: int = 2) -> str:
    return f"{estimate:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def band_verdict(low, high, lo=BELOW, hi=ABOVE) -> str:
    return decide(low, high, (lo, hi))


def law_verdicts(frame, *, at_most: float, others_at_least: float) -> dict:
    """Per family: the predicted law's spread must be ≤ at_most, every competing law's
    ≥ others_at_least (interval against band), combined by :func:`resolved`."""
    per = {}
    for family, f in frame.groupby("family", sort=False):
        pred = f[f.predicted].iloc[0]
        others = f[~f.predicted]
        nearest = others.loc[others["spread"].idxmin()]
        flat = band_verdict(pred.low, pred.high, BELOW, at_most)
        apart = combine(band_verdict(o.low, o.high, others_at_least, ABOVE)
                        for _, o in others.iterrows())
        per[family] = {"predicted": [float(pred.spread), float(pred.low), float(pred.high)],
                       "nearest_law": nearest.law,
                       "nearest": [float(nearest.spread), float(nearest.low),
                                   float(nearest.high)],
                       "flat": flat, "apart": apart, "verdict": resolved(flat, apart)}
    return per


def reach_notes(per: dict, what: str, at_most: float, others: float) -> list[str]:
    notes = []
    for f, v in per.items():
        p, q = v["predicted"], v["nearest"]
        if v["flat"] == "not reproduced":
            notes.append(f"{f}: {what} under L_pred spreads {interval_text(*p)} > {at_most:g}")
        elif v["flat"] != "reproduced":
            notes.append(f"{f}: {what} under L_pred spreads {interval_text(*p)}, across the "
                         f"{at_most:g} edge")
        if v["apart"] != "reproduced":
            notes.append(f"{f}: reach of the diagnostic — under the competing law "
                         f"{v['nearest_law']} it spreads {interval_text(*q)}, not clearly ≥ "
                         f"{others:g}: over this n range the two laws differ by less than the "
                         "criterion resolves (a limit of the n range, not evidence against "
                         "the paper)")
    return notes


def law_power(draws, at_most: float, others: float):
    """The surrogate's pass rate for the whole criterion, and per family for each of its two
    parts (flat under L_pred; apart from every rival), so that a failing power says which
    part an ideal model cannot pass at this n range."""
    if draws is None or draws.empty:
        return None, {}
    judged = [law_verdicts(d, at_most=at_most, others_at_least=others)
              for _, d in draws.groupby("draw")]
    parts = {f: {part: sum(j[f][part] == "reproduced" for j in judged) / len(judged)
                 for part in ("flat", "apart")} for f in judged[0]}
    power = surrogate_power(draws, lambda d: all(
        v["verdict"] == "reproduced" for v in law_verdicts(
            d, at_most=at_most, others_at_least=others).values()))
    return power, parts


def parts_note(parts: dict, rival: str) -> str:
    if not parts:
        return ""
    flat = ", ".join(f"{f} {100 * v['flat']:.0f}%" for f, v in parts.items())
    apart = ", ".join(f"{f} {100 * v['apart']:.0f}%" for f, v in parts.items())
    return (f"ideal surrogate (the predicted law exactly, with the measured noise): flat in "
            f"{flat} of draws; {rival} in {apart} of draws")
