"""Figures of the energy-field reproduction (Lee, arXiv 2605.02907). Tables in, Figure out:
every number comes from ``reproductions.energy_field.tables``; nothing here computes a field.
Each function draws into ``ax`` / ``axes`` when given, else makes its own figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_energy_heatmaps", "plot_field_spectra", "plot_leverage_bound",
           "plot_mu_histograms", "plot_monitor", "plot_components"]


def _axes(axes, n, figsize):
    if axes is not None:
        axes = list(axes)
        if len(axes) != n:
            raise ValueError(f"this figure has {n} panels; got {len(axes)} axes")
        return axes[0].figure, axes
    fig, grid = plt.subplots(1, n, figsize=figsize, squeeze=False)
    return fig, list(grid[0])


def _ax(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def plot_energy_heatmaps(example, *, axes=None):
    """S and Ẽ of one head (``example``: i, j, S, E), each with its row sums."""
    with style():
        fig, (a, b) = _axes(axes, 2, (8, 3.6))
        L = int(example.i.max()) + 1
        for ax, col, name in ((a, "S", "logits S"), (b, "E", "energy field Ẽ")):
            M = example[col].to_numpy().reshape(L, L)
            im = ax.imshow(M, cmap="RdBu_r", vmin=-np.abs(M).max(), vmax=np.abs(M).max())
            ax.set_title(f"{name}; max |row sum| {np.abs(M.sum(1)).max():.1e}")
            ax.set_xlabel("key j")
            ax.set_ylabel("query i")
            fig.colorbar(im, ax=ax, shrink=0.8)
        return fig


def plot_field_spectra(spectra, *, ax=None):
    """σ_k/σ₁ of the full and causal fields (``spectra``: field, index, sigma, d_h)."""
    with style():
        fig, ax = _ax(ax, (5, 3.6))
        for n, (field, g) in enumerate(spectra.groupby("field")):
            ax.semilogy(g["index"], g.sigma.clip(lower=1e-18), ".-", color=PALETTE[n],
                        label=field)
        ax.axvline(float(spectra.d_h.iloc[0]) + 0.5, color="grey", ls="--", label="d_h")
        ax.set_xlabel("index k")
        ax.set_ylabel("σ_k / σ₁")
        ax.legend()
        return fig


def plot_leverage_bound(leverage, *, ax=None):
    """p_j against ℓ_j/sr (``leverage``: p, bound) with the line y = x (I6: p_j ≤ ℓ_j/sr)."""
    with style():
        fig, ax = _ax(ax, (4.2, 4))
        ax.scatter(leverage.bound, leverage.p, s=10, color=PALETTE[0])
        top = float(max(leverage.bound.max(), leverage.p.max())) * 1.05
        ax.plot([0, top], [0, top], color="grey", ls="--", label="y = x")
        ax.set_xlabel("ℓ_j / sr")
        ax.set_ylabel("p_j")
        ax.legend()
        return fig


def plot_mu_histograms(init, trained, real, null, *, ax=None):
    """μ_K histograms: random-init heads, our trained heads, SmolLM2 heads, Gaussian null."""
    with style():
        fig, ax = _ax(ax, (5.5, 3.6))
        sets = (("init", init), ("trained (ours)", trained), ("SmolLM2", real),
                ("null", null))
        sets = [(n, name, np.asarray(f.mu_K, dtype=float)) for n, (name, f) in enumerate(sets)
                if f is not None and len(f) and "mu_K" in f]
        sets = [(n, name, v[np.isfinite(v)]) for n, name, v in sets]
        values = np.concatenate([v for *_, v in sets] or [np.ones(1)])
        lo, hi = float(values.min()), float(values.max())
        edges = np.linspace(lo, max(hi, lo + 1e-3), 31)
        for n, name, v in sets:
            if v.size:
                ax.hist(v, bins=edges, alpha=0.5, density=True, color=PALETTE[n], label=name)
        ax.set_xlabel("μ_K")
        ax.set_ylabel("density")
        ax.legend()
        return fig


def plot_monitor(monitor, *, axes=None):
    """μ_K, p₀ and eval loss over training per run and seed (``monitor``: run, step, …,
    optional replicate); the sink run drawn thick."""
    with style():
        fig, axs = _axes(axes, 3, (11, 3.4))
        frame = monitor if "replicate" in monitor else monitor.assign(replicate=0)
        for n, (run, g) in enumerate(frame.groupby("run")):
            for k, (_, h) in enumerate(g.groupby("replicate")):
                kw = {"color": PALETTE[n], "label": run if k == 0 else None,
                      "lw": 2.2 if run == "sink" else 1.0, "alpha": 0.9 if k == 0 else 0.5}
                for ax, col in zip(axs, ("max_mu_K", "max_p0", "eval_loss"), strict=True):
                    if col in h:
                        ax.plot(h.step, h[col], **kw)
        for ax, col in zip(axs, ("max-head μ_K", "max-head p₀", "eval loss"), strict=True):
            ax.set_xlabel("step")
            ax.set_ylabel(col)
        axs[0].legend()
        return fig


def plot_components(real, trained, *, ax=None):
    """Components for 90% of Ẽ against those of W_QᵀW_K per head, with the 1:1 line."""
    with style():
        fig, ax = _ax(ax, (4.2, 4))
        top = 1
        for n, (name, f) in enumerate((("SmolLM2", real), ("trained (ours)", trained))):
            if f is not None and len(f):
                ax.scatter(f.comps90_wqk, f.comps90, s=10, alpha=0.6, color=PALETTE[n],
                           label=name)
                top = max(top, float(f.comps90_wqk.max()), float(f.comps90.max()))
        ax.plot([0, top], [0, top], color="grey", ls="--", label="1:1")
        ax.set_xlabel("components for 90% of W_QᵀW_K")
        ax.set_ylabel("components for 90% of Ẽ")
        ax.legend()
        return fig
