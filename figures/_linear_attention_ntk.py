"""Figures of the linear-attention-ntk reproduction (arXiv 2603.13085). Tables in, Figure out."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_kernel_errors", "plot_width_law", "plot_kappa_chain", "plot_drift",
           "plot_function_gap", "plot_malleability"]

_NET = {"attn": PALETTE[0], "relu": PALETTE[1]}
_NAME = {"attn": "MLP-Attn", "relu": "2L-ReLU"}


def _line(dataset: str) -> str:
    return "s--" if dataset == "digits" else "o-"


_DYN = {"gd": "GD (NTK param.)", "adam": "Adam 1e-3 + L2 1e-3", "mup": "μP (mean field)"}


def plot_kernel_errors(kernel, dataset: str):
    """e_F(m) (markers) with the variance-law prediction (line) and e_λ(m), both nets, one
    dataset; the dotted guide has slope −½."""
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(6.75, 2.4))
        k = kernel[kernel.dataset == dataset]
        for net, g in k.groupby("net"):
            axes[0].loglog(g.m, g.e_F_rms, "o", color=_NET[net], label=f"{_NAME[net]} measured")
            axes[0].loglog(g.m, g.e_F_pred, "-", color=_NET[net], lw=0.9,
                           label=f"{_NAME[net]} variance law")
            axes[1].errorbar(g.m, g.e_op_mean, yerr=g.e_op_std, fmt="o-", color=_NET[net],
                             label=_NAME[net])
        for ax in axes:
            m = np.array([k.m.min(), k.m.max()], dtype=float)
            ax.set_xscale("log")
            ax.set_yscale("log")
        m = np.array([k.m.min(), k.m.max()], dtype=float)
        ref = float(k.e_F_rms.max())
        axes[0].loglog(m, ref * (m / m[0]) ** -0.5, ":", color="0.4", label="slope −½")
        axes[0].set(xlabel="width m", ylabel="‖K_m − K∞‖_F / ‖K∞‖_F", title=f"{dataset}: e_F")
        axes[1].axhline(1.0, color="0.4", ls="--", lw=0.8)
        axes[1].set(xlabel="width m", ylabel="‖K_m − K∞‖₂ / λ_min(K∞)",
                    title="e_λ (dashed: perturbation = λ_min)")
        axes[0].legend()
        axes[1].legend()
        fig.tight_layout()
    return fig


def plot_width_law(width, paper_kappa: dict | None = None):
    """m*(ε) against κ_d (MLP-Attn), with a fitted line, a slope-6 line through the data's
    centre, and the paper's MNIST/CIFAR κ_d marked."""
    with style():
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        a = width[width.net == "attn"]
        ax.loglog(a.kappa_d, a.m_star, "o", color=PALETTE[0], label="m*(ε) measured")
        x, y = np.log(a.kappa_d.to_numpy()), np.log(a.m_star.to_numpy())
        slope, icept = np.polyfit(x, y, 1)
        xs = np.linspace(x.min(), x.max(), 50)
        ax.loglog(np.exp(xs), np.exp(icept + slope * xs), color=PALETTE[0], lw=0.9,
                  label=f"fit: slope {slope:.2f}")
        ax.loglog(np.exp(xs), np.exp(y.mean() + 6 * (xs - x.mean())), "--", color=PALETTE[1],
                  label="slope 6 (paper)")
        ax.set_ylim(float(a.m_star.min()) / 1e4, float(a.m_star.max()) * 1e8)
        for name, k in (paper_kappa or {}).items():
            ax.axvline(k, color="0.5", ls=":", lw=0.8)
            ax.text(k, ax.get_ylim()[1], f" {name}", rotation=90, va="top", fontsize=6)
        ax.set(xlabel="κ_d(G)", ylabel="m*: ‖K_m − K∞‖₂ = ε·λ_min(K∞)")
        ax.legend(loc="lower right")
        fig.tight_layout()
    return fig


def plot_kappa_chain(gram, width):
    """log κ(x̃-Gram) and log κ(K∞) against log κ_d(G), with the slope-3 line."""
    with style():
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        g = gram[gram.layers == 1]
        a = width[width.net == "attn"]
        ax.loglog(g.kappa_d, g.kappa_xtilde, "s", color=PALETTE[2], label="κ(x̃-Gram)")
        ax.loglog(a.kappa_d, a.kappa_K, "o", color=PALETTE[0], label="κ(K∞), MLP-Attn")
        kd = np.geomspace(float(g.kappa_d.min()), float(g.kappa_d.max()), 50)
        ax.loglog(kd, kd**3 / float(g.kappa_d.min()) ** 3 * float(g.kappa_xtilde.min()), "--",
                  color="0.4", label="slope 3")
        ax.set(xlabel="κ_d(G)", ylabel="condition number")
        ax.legend()
        fig.tight_layout()
    return fig


def _per_dynamics(train, dyns, column: str, ylabel: str, *, guide: bool, sharey: bool):
    """One panel per dynamics: ``column``'s mean ± SE over seeds against m, one line per
    (dataset, net); ``guide`` adds the lazy slope −½ from the panel's largest value."""
    dyns = [d for d in dyns if d in set(train.dynamics)]
    fig, axes = plt.subplots(1, len(dyns), figsize=(6.75, 2.3), squeeze=False, sharey=sharey)
    for ax, dyn in zip(axes[0], dyns, strict=True):
        t = train[train.dynamics == dyn]
        for (data, net), g in t.groupby(["dataset", "net"]):
            s = g.groupby("m")[column].agg(["mean", "sem"])
            ax.errorbar(s.index, s["mean"], yerr=s["sem"], fmt=_line(data), color=_NET[net],
                        label=f"{_NAME[net]}, {data}")
        if guide:
            m = np.array([t.m.min(), t.m.max()], dtype=float)
            ax.plot(m, float(t[column].max()) * (m / m[0]) ** -0.5, ":", color="0.4",
                    label="slope −½ (lazy)")
        ax.set(xscale="log", yscale="log", xlabel="width m", title=_DYN[dyn])
        if not sharey or ax is axes[0, 0]:
            ax.set_ylabel(ylabel)
    axes[0, 0].legend()
    fig.tight_layout()
    return fig


def plot_drift(train):
    """Relative kernel drift ‖K_T − K₀‖_F/‖K₀‖_F against m, one panel per dynamics."""
    with style():
        return _per_dynamics(train, ("gd", "adam", "mup"), "drift", "‖K_T − K₀‖_F / ‖K₀‖_F",
                             guide=True, sharey=True)


def plot_function_gap(train):
    """Table 1 as a plot: RMS(f_m − f_NTK) on held-out points against m, GD and Adam."""
    with style():
        return _per_dynamics(train, ("gd", "adam"), "f_gap", "RMS(f_m − f_NTK), test",
                             guide=False, sharey=False)


def plot_malleability(attack):
    """Flip rate of the top-10% influence signs and Spearman ρ against ε (PGD): ReLU,
    attention transductive, attention with a frozen context."""
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(6.75, 2.3))
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
        fig.tight_layout()
    return fig
