"""One paper style for every figure: an rcParams dict (tueplots' approach), LaTeX off."""

from __future__ import annotations

import contextlib

import matplotlib

__all__ = ["STYLE", "style", "PALETTE"]

# Colour-blind-safe (Okabe–Ito), in the order curves are drawn.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000"]

STYLE = {
    "figure.figsize": (6.75, 2.6),  # a two-column paper's full text width
    "figure.dpi": 150,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 6.5,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "lines.linewidth": 1.2,
    "lines.markersize": 3,
    "legend.frameon": False,
    "text.usetex": False,
    "mathtext.fontset": "dejavusans",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "pdf.fonttype": 42,  # TrueType in PDFs: editable text, accepted by publishers
}


@contextlib.contextmanager
def style():
    """``with style(): fig = ...`` — the paper style, restored afterwards."""
    with matplotlib.rc_context(STYLE):
        yield
