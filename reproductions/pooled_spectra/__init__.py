"""Seddik, "How Does Attention Help? Insights from Random Matrices on Signal Recovery from
Sequence Models", arXiv 2605.06826 — claims T-A1–T-A6; what the paper says, what we
reconstructed and how each claim is judged: ``reproductions/pooled_spectra/README.md``."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from .cells import CELL_FUNCTION, grid
from .claims import CLAIMS
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {"phase_diagram": figs.plot_phase_diagram(t["phase_diagram"], t["phase_thresholds"]),
           "alpha_vs_decay": figs.plot_decay(t["decay"])}
    if not t["esd"].empty:
        out["esd"] = figs.plot_esd(t["esd"], t["esd_theory"], outlier=t.get("esd_outlier"))
    if not t["spike"].empty:
        out["outlier"] = figs.plot_outlier(t["spike"], t["outlier_theory"])
        out["alignment"] = figs.plot_alignment(t["spike"], t["alignment_theory"])
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
    figures=_figures,
    scales=("smoke", "quick", "medium", "full"),
)
