"""Koubbi, Hernandez, Boussard, "Understanding Catastrophic Forgetting in LoRA via Mean-Field
Attention Dynamics", arXiv 2402.15415 (v2; v1 "The Impact of LoRA on the Emergence of
Clusters in Transformers") — claims T1–T11; what the paper says, what we reconstructed and
how each claim is judged: ``reproductions/lora_forgetting/README.md``."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from . import claims_more  # noqa: F401  (declares T5–T10 on CLAIMS)
from .cells import CELL_FUNCTION, grid
from .claims import CLAIMS
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {}
    if not t["trajectory"].empty:
        out["trajectories"] = figs.plot_lora_trajectories(t["trajectory"])
    if not t["response"].empty:
        out["drift_envelope"] = figs.plot_lora_drift(t["response"])
    if not t["depth"].empty:
        out["terminal_w2"] = figs.plot_lora_terminal(t["depth"], t.get("transition"))
        out["depth_transition"] = figs.plot_lora_depth(t["depth"])
        out["oversmoothing"] = figs.plot_lora_oversmoothing(t["oversmoothing"])
    if not t["v1"].empty:
        out["v1_phase_diagram"] = figs.plot_lora_v1(t["v1"])
    return out


PAPER = Paper(
    slug="lora-forgetting",
    title="Understanding Catastrophic Forgetting in LoRA via Mean-Field Attention Dynamics",
    authors="Koubbi, Hernandez, Boussard",
    arxiv="2402.15415",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    figures=_figures,
    scales=("smoke", "quick", "full"),
)
