"""Hayase & Karakida, "A Unified Framework for Critical Scaling of Inverse Temperature in
Self-Attention", arXiv 2605.12697 — claims T1–T7; what the paper says, what we assumed and
why each criterion is what it is: ``reproductions/inverse_temperature/README.md``."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from .cells import CELL_FUNCTION, grid
from .claims import CLAIMS
from .config import Config, make_config
from .estimates import FROZEN_FROM
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    counting = t["counting"]
    out = {
        "counting_function": figs.plot_counting_function(
            counting[counting.n == counting.n.max()]),
        "scale_vs_n": figs.plot_scale_vs_n(t["scale_law"], t["scale_references"]),
        # shaded: the frozen side x ≥ FROZEN_FROM, where T5 judges the collapse
        "collapse_pmax": figs.plot_collapse(t["curves"], "mean_pmax",
                                            judged_from=FROZEN_FROM),
        "collapse_gap": figs.plot_collapse(t["curves"], "mean_gap"),
        "collapse_entropy": figs.plot_collapse(t["curves"], "mean_h",
                                               sharp_limit=t["sharp_limits"]),
        "phase_gaussian": figs.plot_phase(t["curves"], t["scale_references"],
                                          family="gaussian"),
        "critical_beta": figs.plot_critical_beta(t["scale_law"], t["exponents"]),
        "bounds": figs.plot_bound_scatter(t["bound_samples"], t["bound_curves"]),
    }
    if not t["heads"].empty:
        out["head_scales"] = figs.plot_head_scales(t["heads"], t["head_fits"])
    return out


PAPER = Paper(
    slug="inverse-temperature",
    title="A Unified Framework for Critical Scaling of Inverse Temperature in Self-Attention",
    authors="Hayase, Karakida",
    arxiv="2605.12697",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    figures=_figures,
)
