"""Ahvonen, Heiman, Kuusisto, Moreno, Selin, "Cross-attention and encoder–decoder transformers:
a logical characterization", arXiv 2605.07705 — claims A1–A9; what the paper says, what we
reconstructed and how each claim is judged: ``reproductions/logic_encoder_decoder/README.md``."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from .cells import CELL_FUNCTION, grid
from .claims import CLAIMS
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {}
    if not t["certification"].empty:
        out["certified_gadgets"] = figs.plot_certification(t["certification"])
    if not t["saturation"].empty:
        out["saturation"] = figs.plot_saturation(t["saturation"])
    if not t["majority"].empty:
        out["majority_nstar"] = figs.plot_majority_nstar(t["majority"])
    if not t["depth_length"].empty:
        out["depth_length"] = figs.plot_depth_length(t["depth_length"])
    return out


PAPER = Paper(
    slug="logic-encoder-decoder",
    title="Cross-attention and encoder–decoder transformers: a logical characterization",
    authors="Ahvonen, Heiman, Kuusisto, Moreno, Selin",
    arxiv="2605.07705",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    figures=_figures,
    scales=("smoke", "quick", "full"),
)
