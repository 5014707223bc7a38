"""Figures of the linear-attention-ntk reproduction (Miñoza, Medina, Ibañez, arXiv 2603.13085;
reproductions/linear_attention_ntk/README.md). Tables in, Figure out: every line drawn —
measured or theoretical — is a column of the table given (built in the paper's ``tables.py``).
``ax=`` / ``axes=`` draw into the caller's axes (then the caller's figure is returned)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_kernel_errors", "plot_width_law", "plot_kappa_chain", "plot_drift",
           "plot_function_gap", "plot_malleability", "plot_paper_malleability"]

_NET = {"attn": PALETTE[0], "relu": PALETTE[1]}
_NAME = {"attn": "MLP-Attn", "relu": "2L-ReLU"}
_DYN = {"gd": "GD (NTK param.)", "adam": "Adam 1e-3 + L2 1e-3", "mup": "μP (mean field)"}


def _line(dataset: str) -> str:
    return "s--" if dataset == "digits" else "o-"


def _one(ax, figsize):
    """(figure, axes, whether the figure is ours to lay out)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax, True
    return ax.figure, ax, False


def _row(axes, count: int, figsize, **subplots):
    """(figure, ``count`` axes in a row, whether the figure is ours to lay out)."""
    if axes is None:
        fig, grid = plt.subplots(1, count, figsize=figsize, squeeze=False, **subplots)
        return fig, list(grid[0]), True
    axes = list(np.ravel(axes))
    if len(axes) != count:
        raise ValueError(f"this figure draws {count} panels; got {len(axes)} axes")
    return axes[0].figure, axes, False


def plot_kernel_errors(kernel, dataset: str, *, axes=None):
    """Two panels for one dataset, both nets: e_F(m) (markers, ``e_F_rms``) with the variance-law
    prediction (line, ``e_F_pred``) and the slope −½ guide (dotted, ``e_F_lazy``); e_λ(m)
    (``e_op_mean`` ± ``e_op_std``)."""
    with style():
        fig, axes, own = _row(axes, 2, (6.75, 2.4))
        k = kernel[kernel.dataset == dataset]
        for net, g in k.groupby("net"):
            axes[0].loglog(g.m, g.e_F_rms, "o", color=_NET[net], label=f"{_NAME[net]} measured")
            axes[0].loglog(g.m, g.e_F_pred, "-", color=_NET[net], lw=0.9,
                           label=f"{_NAME[net]} variance law")
            axes[1].errorbar(g.m, g.e_op_mean, yerr=g.e_op_std, fmt="o-", color=_NET[net],
                             label=_NAME[net])
        for ax in axes:
            ax.set_xscale("log")
            ax.set_yscale("log")
        guide = k.groupby("m").e_F_lazy.first().iloc[[0, -1]]  # a straight line: its ends
        axes[0].loglog(guide.index, guide.to_numpy(), ":", color="0.4", label="slope −½")
        axes[0].set(xlabel="width m", ylabel="‖K_m − K∞‖_F / ‖K∞‖_F", title=f"{dataset}: e_F")
        axes[1].axhline(1.0, color="0.4", ls="--", lw=0.8)
        axes[1].set(xlabel="width m", ylabel="‖K_m − K∞‖₂ / λ_min(K∞)",
                    title="e_λ (dashed: perturbation = λ_min)")
        axes[0].legend()
        axes[1].legend()
        if own:
            fig.tight_layout()
    return fig


def plot_width_law(width, paper_kappa: dict | None = None, *, ax=None):
    """m*(ε) against κ_d for MLP-Attn (``m_star``), with the fitted line (``m_star_fit``, its
    slope ``m_star_fit_slope``), the paper's slope-6 line through the data's centre
    (``m_star_paper_slope``), the 2L-ReLU baseline's m* on the same data (hollow), and
    ``paper_kappa`` ({name: κ_d}) marked."""
    with style():
        fig, ax, own = _one(ax, (3.4, 2.6))
        a = width[width.net == "attn"].sort_values("kappa_d")
        ax.loglog(a.kappa_d, a.m_star, "o", color=PALETTE[0], label="m*(ε), MLP-Attn")
        r = width[width.net == "relu"].sort_values("kappa_d")
        if len(r):
            ax.loglog(r.kappa_d, r.m_star, "o", mfc="none", color=PALETTE[2],
                      label="m*(ε), 2L-ReLU")
        ax.loglog(a.kappa_d, a.m_star_fit, color=PALETTE[0], lw=0.9,
                  label=f"fit: slope {a.m_star_fit_slope.iloc[0]:.2f}")
        ax.loglog(a.kappa_d, a.m_star_paper_slope, "--", color=PALETTE[1],
                  label="slope 6 (paper)")
        low = float(min(a.m_star.min(), r.m_star.min() if len(r) else np.inf))
        ax.set_ylim(low / 1e4, float(a.m_star.max()) * 1e8)
        for name, k in (paper_kappa or {}).items():
            ax.axvline(k, color="0.5", ls=":", lw=0.8)
            ax.text(k, ax.get_ylim()[1], f" {name}", rotation=90, va="top", fontsize=6)
        ax.set(xlabel="κ_d(G)", ylabel="m*: ‖K_m − K∞‖₂ = ε·λ_min(K∞)")
        ax.legend(loc="lower right")
        if own:
            fig.tight_layout()
    return fig


def plot_kappa_chain(gram, width, *, ax=None):
    """κ(x̃-Gram) (one layer, ``gram.kappa_xtilde``) and κ(K∞) (MLP-Attn, ``width.kappa_K``)
    against κ_d(G), with the slope-3 cube law (``gram.kappa_xtilde_cubed``)."""
    with style():
        fig, ax, own = _one(ax, (3.4, 2.6))
        g = gram[gram.layers == 1].sort_values("kappa_d")
        a = width[width.net == "attn"]
        ax.loglog(g.kappa_d, g.kappa_xtilde, "s", color=PALETTE[2], label="κ(x̃-Gram)")
        ax.loglog(a.kappa_d, a.kappa_K, "o", color=PALETTE[0], label="κ(K∞), MLP-Attn")
        ax.loglog(g.kappa_d, g.kappa_xtilde_cubed, "--", color="0.4", label="slope 3")
        ax.set(xlabel="κ_d(G)", ylabel="condition number")
        ax.legend()
        if own:
            fig.tight_layout()
    return fig


def _per_dynamics(train, dyns, column: str, ylabel: str, *, guide: str | None, sharey: bool,
                  axes):
    """One panel per dynamics: ``column``'s mean ± SE over seeds against m, one line per
    (dataset, net); ``guide`` names the column of a dotted lazy-regime guide."""
    dyns = [d for d in dyns if d in set(train.dynamics)]
    fig, axes, own = _row(axes, len(dyns), (6.75, 2.3), sharey=sharey)
    for ax, dyn in zip(axes, dyns, strict=True):
        t = train[train.dynamics == dyn]
        for (data, net), g in t.groupby(["dataset", "net"]):
            s = g.groupby("m")[column].agg(["mean", "sem"])
            ax.errorbar(s.index, s["mean"], yerr=s["sem"], fmt=_line(data), color=_NET[net],
                        label=f"{_NAME[net]}, {data}")
        if guide:
            line = t.groupby("m")[guide].first().iloc[[0, -1]]  # a straight line: its ends
            ax.plot(line.index, line.to_numpy(), ":", color="0.4", label="slope −½ (lazy)")
        ax.set(xscale="log", yscale="log", xlabel="width m", title=_DYN[dyn])
        if not sharey or ax is axes[0]:
            ax.set_ylabel(ylabel)
    axes[0].legend()
    if own:
        fig.tight_layout()
    return fig


def plot_drift(train, *, axes=None):
    """Relative kernel drift ‖K_T − K₀‖_F/‖K₀‖_F (``drift``) against m, one panel per dynamics,
    with the lazy slope −½ (``drift_lazy``)."""
    with style():
        return _per_dynamics(train, ("gd", "adam", "mup"), "drift", "‖K_T − K₀‖_F / ‖K₀‖_F",
                             guide="drift_lazy", sharey=True, axes=axes)


def plot_function_gap(train, *, axes=None):
    """Table 1 (v1) as a plot: RMS(f_m − f_NTK) on held-out points (``f_gap``) against m, GD
    and Adam."""
    with style():
        return _per_dynamics(train, ("gd", "adam"), "f_gap", "RMS(f_m − f_NTK), test",
                             guide=None, sharey=False, axes=axes)


def plot_malleability(attack, *, axes=None):
    """Flip rate of the top-10% influence signs and Spearman ρ against ε (PGD): ReLU,
    attention transductive, attention with a frozen context."""
    with style():
        fig, axes, own = _row(axes, 2, (6.75, 2.3))
        a = attack[attack.attack == "pgd"]
        names = {"relu": "2L-ReLU", "attn_transductive": "MLP-Attn, transductive",
                 "attn_frozen": "MLP-Attn, frozen context"}
        for i, (mode, name) in enumerate(names.items()):
            g = a[a["mode"] == mode].groupby("eps")
            for ax, col in zip(axes, ("flip", "spearman"), strict=True):
                s = g[col].agg(["mean", "sem"])
                ax.errorbar(s.index, s["mean"], yerr=s["sem"], fmt="o-", color=PALETTE[i],
                            label=name)
        axes[0].set(xscale="log", xlabel="ε (ℓ∞, PGD)", ylabel="flip rate, top 10%")
        axes[1].set(xscale="log", xlabel="ε (ℓ∞, PGD)", ylabel="Spearman ρ(clean, attacked)")
        axes[0].legend()
        if own:
            fig.tight_layout()
    return fig


def plot_paper_malleability(paper_attack, *, band_low: float = 2.0, axes=None):
    """T9 under the paper's protocol: flip rate of the top-10% training points' influence
    signs against ε, MLP-Attn and 2L-ReLU (mean ± SE over replicates), one panel per attack
    (PGD, MIM). The dotted line is 1/``band_low``: where ReLU flips more, an Attn/ReLU ratio
    ≥ ``band_low`` is impossible (flip rates are ≤ 1)."""
    with style():
        attacks = [a for a in ("pgd", "mim") if a in set(paper_attack.attack)]
        fig, axes, own = _row(axes, len(attacks), (3.4 * len(attacks), 2.4), sharey=True)
        for ax, attack in zip(axes, attacks, strict=True):
            a = paper_attack[paper_attack.attack == attack]
            for net in ("attn", "relu"):
                s = a[a.net == net].groupby("eps").flip.agg(["mean", "sem"])
                ax.errorbar(s.index, s["mean"], yerr=s["sem"], fmt="o-", color=_NET[net],
                            label=_NAME[net])
            ax.axhline(1 / band_low, color="0.5", ls=":", lw=1,
                       label=f"ReLU above: ratio ≥ {band_low:g} impossible")
            eps = sorted(set(a.eps))
            ax.set(xscale="log", xlabel=f"ε (ℓ∞, {attack.upper()}), pixels in [0, 1]",
                   title=f"{attack.upper()}, training points attacked", ylim=(0, 1.02))
            ax.set_xticks(eps, [f"{e:g}" for e in eps])
            ax.xaxis.set_minor_formatter(plt.NullFormatter())
        axes[0].set(ylabel="flip rate, top 10%")
        axes[0].legend(loc="upper left")
        if own:
            fig.tight_layout()
    return fig
