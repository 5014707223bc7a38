"""Lee, "On the Invariants of Softmax Attention", arXiv 2605.02907 — claims T0–T4: what the
paper says, what we reconstructed and how each claim is judged:
``reproductions/energy_field/README.md``."""

from __future__ import annotations

from attnlab import figures as figs

from .._paper import Paper
from . import claims, claims_model  # noqa: F401  (declare T0, T1, then T2, T2-trained, T3, T4)
from .cells import CELL_FUNCTION, grid
from .claim_list import CLAIMS
from .config import Config, make_config
from .tables import build_tables

__all__ = ["PAPER", "Config", "make_config"]


def _figures(config: Config, t: dict) -> dict:
    out = {"field_heatmaps": figs.plot_energy_heatmaps(t["example"]),
           "field_spectra": figs.plot_field_spectra(t["spectra"]),
           "leverage_bound": figs.plot_leverage_bound(t["leverage"]),
           "mu_histograms": figs.plot_mu_histograms(t["block_groups"], t["trained"],
                                                    t["smollm2"], t["null_samples"])}
    if not t["monitor"].empty:
        out["monitor"] = figs.plot_monitor(t["monitor"])
    if not t["smollm2"].empty or not t["trained"].empty:
        out["components"] = figs.plot_components(t["smollm2"], t["trained"])
    return out


PAPER = Paper(
    slug="energy-field",
    title="On the Invariants of Softmax Attention",
    authors="Lee",
    arxiv="2605.02907",
    claims=CLAIMS,
    make_config=make_config,
    cells=grid,
    cell_function=CELL_FUNCTION,
    tables=build_tables,
    figures=_figures,
    scales=("smoke", "quick", "full"),
)
