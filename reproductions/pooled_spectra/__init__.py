"""Seddik, "How Does Attention Help? Insights from Random Matrices on Signal Recovery from
Sequence Models", arXiv 2605.06826 — claims T-A1–T-A6 of ``shared/papers/pooled-spectra.md``."""

from __future__ import annotations

import figures as figs

from .._paper import Paper
from .cells import CELL_FUNCTION, grid
from .claims import CLAIMS, judge
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {"phase_diagram": figs.plot_phase_diagram(config.spike_delta, config.spike_gamma),
           "alpha_vs_decay": figs.plot_decay(t["decay"])}
    if not t["esd"].empty:
        out["esd"] = figs.plot_esd(t["esd"])
    if not t["spike"].empty:
        out["outlier"] = figs.plot_outlier(t["spike"], config.spike_delta, config.spike_gamma)
        out["alignment"] = figs.plot_alignment(t["spike"], config.spike_delta,
                                               config.spike_gamma)
    return out


PAPER = Paper(
    slug="pooled-spectra",
    title="How Does Attention Help? Insights from Random Matrices on Signal Recovery from "
          "Sequence Models",
    authors="Seddik",
    arxiv="2605.06826",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    judge=judge,
    figures=_figures,
)
