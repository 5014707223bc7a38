"""Figures of the lora-forgetting reproduction (Koubbi, Hernandez, Boussard, arXiv 2402.15415;
the model and our reconstruction: ``reproductions/lora_forgetting/README.md``). Tables in,
Figure out: the Grönwall envelope and the gap come as table columns; nothing here computes a
prediction. Each function draws into ``ax`` (or ``axes``) when given, else makes its figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_lora_trajectories", "plot_lora_drift", "plot_lora_terminal",
           "plot_lora_depth", "plot_lora_v1", "plot_lora_oversmoothing"]


def _panel(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=figsize)


def plot_lora_trajectories(trajectory, *, axes=None):
    """Token paths of one seed projected on the (v₁, v₂) plane, base vs LoRA (past the gap);
    ``trajectory``: (model, t, token, x, y, z) — ``tables["trajectory"]``."""
    with style():
        if axes is None:
            fig, axes = plt.subplots(1, 2, figsize=(6.0, 3.0), sharex=True, sharey=True)
        else:
            fig = axes[0].figure
        for ax, model in zip(axes, ("base", "lora"), strict=True):
            part = trajectory[trajectory.model == model]
            for i, (_, tok) in enumerate(part.groupby("token")):
                tok = tok.sort_values("t")
                ax.plot(tok.x, tok.y, color=PALETTE[i % 6], lw=0.6, alpha=0.7)
                ax.plot(tok.x.iloc[-1], tok.y.iloc[-1], "o", ms=2.5, color="k")
            ax.add_patch(plt.Circle((0, 0), 1, fill=False, lw=0.5, color="0.5"))
            ax.set_aspect("equal")
            ax.set_title("base V" if model == "base" else "V + ε v₂v₂ᵀ (ε > gap)")
            ax.set_xlabel("⟨x, v₁⟩")
        axes[0].set_ylabel("⟨x, v₂⟩")
        return fig


def plot_lora_drift(response, *, ax=None):
    """Coupled drift D(t) of seed 0 for every ε (log scale) with the Grönwall envelope
    (dashed); ``response``: (seed, eps, t, coupled, envelope) — ``tables["response"]``."""
    with style():
        fig, ax = _panel(ax, (4.0, 2.8))
        seed0 = response[(response.seed == 0) & (response.t > 0)]
        for i, (eps, g) in enumerate(seed0.groupby("eps")):
            ax.plot(g.t, g.coupled, color=PALETTE[i % 8], label=f"ε = {eps:g}")
            ax.plot(g.t, g.envelope, "--", color=PALETTE[i % 8], lw=0.7)
        ax.set_yscale("log")
        ax.set_ylim(max(seed0.coupled.min() / 3, 1e-12), 10)
        ax.set_xlabel("depth t")
        ax.set_ylabel("D(t)  (dashed: Grönwall envelope)")
        ax.legend(ncol=2)
        return fig


def plot_lora_terminal(depth, transition=None, *, ax=None):
    """Terminal W₂ between base and LoRA clouds vs ε (ΔV = ε v₂v₂ᵀ) with the gap g marked;
    with ``transition``, the bisected ε* of every seed (ticks). ``depth``: (seed, eps, gap,
    terminal_w2) — ``tables["depth"]``."""
    with style():
        fig, ax = _panel(ax, (4.0, 2.8))
        for _, g in depth.groupby("seed"):
            g = g.sort_values("eps")
            ax.plot(g.eps, g.terminal_w2, "o-", ms=2.5, lw=0.6, color=PALETTE[0], alpha=0.5)
        ax.axvline(depth.gap.iloc[0], color=PALETTE[1], ls="--", label="gap g = λ₁ − λ₂")
        ax.axhline(np.sqrt(2), color="0.5", lw=0.6, ls=":", label="√2")
        if transition is not None and not transition.empty:
            ax.plot(transition.critical, np.full(len(transition), -0.05), "|", ms=8,
                    color=PALETTE[2], label="bisected ε*")
        ax.set_xlabel("ε = ‖ΔV‖")
        ax.set_ylabel("W₂(μ_T, μ̃_T)")
        ax.legend()
        return fig


def plot_lora_depth(depth, *, ax=None):
    """Forgetting depth T* vs ε − g (log-log), one point per seed kept by T5's base-run rule
    (``base_a1_own_merge`` > ½, when the column is there), with a slope −1 guide;
    ``depth``: (seed, offset, t_star) — ``tables["depth"]``."""
    with style():
        fig, ax = _panel(ax, (4.0, 2.8))
        above = depth[(depth.offset > 0) & np.isfinite(depth.t_star)]
        if "base_a1_own_merge" in above:
            above = above[above.base_a1_own_merge > 0.5]
        ax.plot(above.offset, above.t_star, "o", ms=3, color=PALETTE[0], alpha=0.6,
                label="measured T*")
        if not above.empty:
            x = np.geomspace(above.offset.min(), above.offset.max(), 20)
            ref = float(np.median(above.t_star * above.offset))
            ax.plot(x, ref / x, "--", color=PALETTE[1], label="∝ 1/(ε − g)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("ε − g")
        ax.set_ylabel("T*")
        ax.legend()
        return fig


def plot_lora_v1(v1, *, ax=None):
    """v1's phase diagram: entry and departure times vs ε for every seed (log-log);
    ``v1``: (v1_seed, eps, entry, departure) — ``tables["v1"]``."""
    with style():
        fig, ax = _panel(ax, (4.0, 2.8))
        for i, (s, g) in enumerate(v1.groupby("v1_seed")):
            g = g.sort_values("eps")
            ax.plot(g.eps, g.entry, "s:", ms=2.5, color=PALETTE[i % 8])
            ax.plot(g.eps, g.departure.replace(np.inf, np.nan), "o-", ms=3,
                    color=PALETTE[i % 8], label=f"seed {s}")
        eps = np.geomspace(v1.eps.min(), v1.eps.max(), 20)
        ax.plot(eps, 0.535 / eps, "k--", lw=0.7, label="0.535/ε (v1)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("ε")
        ax.set_ylabel("entry (squares), departure (dots)")
        ax.legend(ncol=2)
        return fig


def plot_lora_oversmoothing(oversmoothing, *, ax=None):
    """Oversmoothing index (mean pairwise cosine) vs depth, continuous time and discrete
    depth; ``oversmoothing``: (model, t, index) — ``tables["oversmoothing"]``."""
    with style():
        fig, ax = _panel(ax, (4.0, 2.8))
        for i, (model, g) in enumerate(oversmoothing.groupby("model")):
            ax.plot(g.t, g["index"], color=PALETTE[i], label=model)
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlabel("depth t (layers × h)")
        ax.set_ylabel("mean pairwise cosine")
        ax.legend()
        return fig
