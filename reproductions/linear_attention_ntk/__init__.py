"""Miñoza, Medina, Ibañez, "Linearized Attention Cannot Enter the Kernel Regime at Any Practical
Width", arXiv 2603.13085 — claims T1–T10, reconstructed from the abstracts (README.md here says
what the paper says, what we assumed, and why each criterion is what it is)."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from .cells import CELL_FUNCTION, grid
from .claims import PAPER_KAPPA
from .claims_data import CLAIMS  # T1–T5, then T6–T7 (claims_training), then T8–T10
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {}
    if not t["kernel"].empty:
        for name in ("digits", f"synthetic α={config.train_alpha:g}"):
            if name in set(t["kernel"].dataset):
                key = "digits" if name == "digits" else "synthetic"
                out[f"kernel_errors_{key}"] = figs.plot_kernel_errors(t["kernel"], name)
        out["width_law"] = figs.plot_width_law(t["width"], PAPER_KAPPA)
        out["kappa_chain"] = figs.plot_kappa_chain(t["gram"], t["width"])
    if not t["train"].empty:
        out["drift"] = figs.plot_drift(t["train"])
        out["function_gap"] = figs.plot_function_gap(t["train"])
    if not t["paper_attack"].empty:
        out["malleability_paper"] = figs.plot_paper_malleability(t["paper_attack"])
    if not t["attack"].empty:
        out["malleability"] = figs.plot_malleability(t["attack"])
    return out


PAPER = Paper(
    slug="linear-attention-ntk",
    title="Linearized Attention Cannot Enter the Kernel Regime at Any Practical Width",
    authors="Miñoza, Medina, Ibañez",
    arxiv="2603.13085",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    figures=_figures,
)
