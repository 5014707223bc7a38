"""Figures of the logic-encoder-decoder reproduction (Ahvonen, Heiman, Kuusisto, Moreno, Selin,
arXiv 2605.07705; reconstruction: ``reproductions/logic_encoder_decoder/README.md``). Tables
in, Figure out: every number comes from ``reproductions.logic_encoder_decoder.tables``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_certification", "plot_saturation", "plot_majority_nstar",
           "plot_depth_length"]

_GADGET = {"one head": 2, "exists head": 2, "uncertifiable": 0}


def _panel(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=figsize, layout="constrained")


def _bin_start(label: str) -> float:
    """Order bin labels such as "5–16" or "> 1000" by their first number."""
    digits = "".join(c if c.isdigit() else " " for c in label).split()
    return float(digits[0]) if digits else float("inf")


def plot_certification(table, *, ax=None):
    """Certified counting gadgets per (format, k): one head (dark), composite (light),
    uncertifiable (white). ``table``: columns format, k, gadget."""
    with style():
        fig, ax = _panel(ax, (5.0, 2.8))
        formats = list(dict.fromkeys(table["format"]))
        ks = sorted(set(table["k"]))
        grid = np.zeros((len(formats), len(ks)))
        for r in table.itertuples():
            grid[formats.index(r.format), ks.index(r.k)] = _GADGET.get(r.gadget, 1)
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=2.5, aspect="auto")
        ax.set_xticks(range(len(ks)), [str(k) for k in ks])
        ax.set_yticks(range(len(formats)), formats)
        ax.set_xlabel("threshold k of ⟨G⟩^≥k")
        ax.set_title("certified gadgets (dark: one head, light: composite, white: none)",
                     fontsize=8)
    return fig


def plot_saturation(table, *, ax=None):
    """log₂ of the saturation constant of a sum of ones against the precision p (line: 2^p).
    ``table``: columns format, p, log2_saturation."""
    with style():
        fig, ax = _panel(ax, (3.6, 2.8))
        ax.plot(table.p, table.p, color="0.6", lw=1, label="2^p")
        ax.scatter(table.p, table.log2_saturation, color=PALETTE[0], zorder=3,
                   label="measured")
        for r in table.itertuples():
            ax.annotate(r.format, (r.p, r.log2_saturation), fontsize=6,
                        xytext=(3, -8), textcoords="offset points")
        ax.set_xlabel("precision p")
        ax.set_ylabel("log₂ saturation")
        ax.legend(fontsize=7)
    return fig


def plot_majority_nstar(table, *, ax=None):
    """log₂ n*(p), the first length where the averaging transformer gets MAJORITY wrong
    (margin ±1 words), against p. ``table``: columns p, log2_n_star."""
    with style():
        fig, ax = _panel(ax, (3.6, 2.8))
        t = table.dropna(subset=["log2_n_star"])
        ax.plot(t.p, t.log2_n_star, "o-", color=PALETTE[1])
        if len(t) > 1:
            ax.plot(t.p, t.p - t.p.iloc[0] + t.log2_n_star.iloc[0], ":", color="0.5",
                    label="slope 1")
            ax.legend(fontsize=7)
        ax.set_xlabel("precision p")
        ax.set_ylabel("log₂ n*")
    return fig


def plot_depth_length(table, *, ax=None):
    """Agreement (percent of decoder positions) per formula modal depth × encoder-length bin;
    ``table``: columns depth, length_bin, positions, mismatches."""
    with style():
        fig, ax = _panel(ax, (4.4, 2.8))
        depths = sorted(set(table.depth))
        bins = sorted(dict.fromkeys(table.length_bin), key=_bin_start)
        grid = np.full((len(depths), len(bins)), np.nan)
        for r in table.itertuples():
            grid[depths.index(r.depth), bins.index(r.length_bin)] = (
                100.0 * (r.positions - r.mismatches) / max(r.positions, 1))
        im = ax.imshow(grid, cmap="viridis", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(bins)), bins, fontsize=7)
        ax.set_yticks(range(len(depths)), [str(d) for d in depths])
        ax.set_xlabel("encoder length")
        ax.set_ylabel("modal depth")
        fig.colorbar(im, ax=ax, label="agreement %")
    return fig
