"""Bhattamishra, Shah, Hahn, Kanade, "Provably Learning Attention with Queries", arXiv
2601.16873 — claims B1–B8 (:mod:`.claims`); what the paper says, what we could read of it and
what we assumed: ``reproductions/query_learning/README.md``."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from .cells import CELL_FUNCTION, grid
from .claims import CLAIMS
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {"query_counts": figs.plot_query_counts(t["query_curves"], t["exact"],
                                                  t["transitions"], t["transformer"])}
    if not t["breakdown"].empty:
        out["precision"] = figs.plot_precision(t["precision"], t["breakdown"])
    if not t["lowrank"].empty:
        out["phase_transition"] = figs.plot_phase_transition(t["lowrank"])
    if not t["noise_fits"].empty:
        out["noise"] = figs.plot_noise(t["noise"], t["noise_fits"])
    return out


PAPER = Paper(
    slug="query-learning",
    title="Provably Learning Attention with Queries",
    authors="Bhattamishra, Shah, Hahn, Kanade",
    arxiv="2601.16873",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    figures=_figures,
)
