"""Figures of the pooled-spectra reproduction (arXiv 2605.06826). Tables in, Figure out."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import spectra
import theory

from ._style import PALETTE, style

__all__ = ["plot_esd", "plot_outlier", "plot_alignment", "plot_phase_diagram", "plot_decay"]

_W = {"mean": PALETTE[0], "harmonic": PALETTE[1], "optimal": PALETTE[2]}


def plot_esd(esd):
    """ESD of C/κ (histogram) with the κν density and plain MP_γ (dashed), per (δ, γ)."""
    with style():
        keys = sorted(esd.groupby(["delta", "gamma"]).groups)
        fig, axes = plt.subplots(1, len(keys), figsize=(6.75, 2.0), squeeze=False)
        for ax, (delta, gamma) in zip(axes[0], keys, strict=True):
            h = esd[(esd.delta == delta) & (esd.gamma == gamma)]
            width = (h.hi - h.lo).to_numpy()
            dens = h["count"].to_numpy() / (h["count"].sum() * width)
            ax.bar(h.lo, dens, width=width, align="edge", color="0.8",
                   label=f"ESD, d={h.d.iloc[0]}")
            x = np.linspace(1e-4, float(h.hi.max()), 600)
            ax.plot(x, spectra.product_mp_density(x, delta, gamma), color=PALETTE[0],
                    label="MP_δ ⊠ MP_γ")
            ax.plot(x, spectra.mp_density(x, gamma), "--", color=PALETTE[1], label="MP_γ")
            atom = spectra.product_mp_atom(delta, gamma)
            top = float(np.nanmax(dens[1:])) * 1.3 if len(dens) > 1 else 1.0  # skip the atom bin
            ax.set(title=f"δ={delta:g}, γ={gamma:g}" + (f" (atom {atom:.2f} at 0)" if atom else ""),
                   xlabel="eigenvalue / κ", ylim=(0, top))
        axes[0, 0].set_ylabel("density")
        axes[0, 0].legend(loc="upper right")
        fig.tight_layout()
    return fig


def plot_outlier(spike, delta: float, gamma: float):
    """λ₁/κ vs θ (largest d; markers: mean ± SE over seeds) with the theory κψ(ℓ)/κ and the
    bulk edge, for each weights."""
    with style():
        fig, ax = plt.subplots(figsize=(3.4, 2.5))
        if "family" in spike:
            spike = spike[spike.family == "class-correlation"]
        s = spike[spike.d == spike.d.max()]
        for w, g in s.groupby("weights"):
            m = g.groupby("theta")["lambda"].agg(["mean", "sem"])
            ax.errorbar(m.index, m["mean"], yerr=m["sem"], fmt="o", ms=2.5, color=_W.get(w),
                        label=f"{w} (α/κ={g.alpha_over_kappa.iloc[0]:.2f})")
            theta = np.linspace(0, float(s.theta.max()), 200)
            ak = float(g.alpha_over_kappa.iloc[0])
            pred = [theory.pooled_prediction(th, alpha=ak, kappa=1.0, delta=delta, gamma=gamma)
                    for th in theta]
            ax.plot(theta, [p.outlier if p.outlier else np.nan for p in pred], color=_W.get(w))
        ax.axhline(float(s.edge.iloc[0]), color="0.4", ls="--", lw=0.8, label="bulk edge")
        ax.set(xlabel="θ = ‖μ‖²", ylabel="λ₁ / κ", title=f"d = {s.d.max()}, δ={delta}, γ={gamma}")
        ax.legend(loc="upper left")
        fig.tight_layout()
    return fig


def plot_alignment(spike, delta: float, gamma: float):
    """|⟨û, m̂⟩|² and |⟨û, μ̂⟩|² vs θ with θ_c1 (dotted) and θ_c2 (dashed), mean weights, each d."""
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(6.75, 2.3), sharey=True)
        if "family" in spike:
            spike = spike[spike.family == "class-correlation"]
        w = "mean" if "mean" in set(spike.weights) else spike.weights.iloc[0]
        s = spike[spike.weights == w]
        ak = float(s.alpha_over_kappa.iloc[0])
        theta = np.linspace(0, float(s.theta.max()), 300)
        pred = [theory.pooled_prediction(th, alpha=ak, kappa=1.0, delta=delta, gamma=gamma)
                for th in theta]
        for ax, col, pcol, label in ((axes[0], "align_m", "align_m", "|⟨û, m̂⟩|²"),
                                     (axes[1], "align_mu", "align_mu", "|⟨û, μ̂⟩|²")):
            for k, (d, g) in enumerate(s.groupby("d")):
                m = g.groupby("theta")[col].mean()
                ax.plot(m.index, m.to_numpy(), "o", ms=2.5, color=PALETTE[k], label=f"d = {d}")
            ax.plot(theta, [getattr(p, pcol) for p in pred], "k-", lw=1, label="theory")
            ax.axvline(float(s.theta_c1.iloc[0]), color="0.5", ls=":", label="θ_c1")
            ax.axvline(float(s.theta_c2.iloc[0]), color="0.5", ls="--", label="θ_c2")
            ax.set(xlabel="θ", title=f"{label}, {w} pooling")
        axes[0].legend(loc="lower right")
        fig.tight_layout()
    return fig


def plot_phase_diagram(delta: float, gamma: float):
    """Theory: a₁a₂ over (θ, α/κ) with the population (θ_c1) and sampling (θ_c2) curves."""
    with style():
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        thetas = np.linspace(0, 4, 121)
        ratios = np.linspace(0.5, 4, 71)
        Z = np.array([[theory.pooled_prediction(th, alpha=r, kappa=1.0, delta=delta,
                                                gamma=gamma).align_m for th in thetas]
                      for r in ratios])
        im = ax.pcolormesh(thetas, ratios, Z, cmap="viridis", vmin=0, vmax=1, shading="auto")
        c = np.array([theory.pooled_thresholds(alpha=r, kappa=1.0, delta=delta, gamma=gamma)
                      for r in ratios])
        ax.plot(np.clip(c[:, 0], 0, None), ratios, "w:", lw=1.2, label="θ_c1 (population)")
        ax.plot(np.clip(c[:, 1], 0, None), ratios, "w--", lw=1.2, label="θ_c2 (sampling)")
        ax.set(xlabel="θ", ylabel="α / κ", xlim=(0, 4), title=f"a₁a₂, δ={delta}, γ={gamma}")
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="|⟨û, m̂⟩|²")
        ax.legend(loc="upper right", fontsize=5.5, labelcolor="white")
        fig.tight_layout()
    return fig


def plot_decay(decay):
    """α/κ of mean, harmonic and optimal weights vs the decay end/start of a linear ρ profile
    (T = 16), per R family."""
    with style():
        fams = list(dict.fromkeys(decay.family))
        fig, axes = plt.subplots(1, len(fams), figsize=(6.75, 2.1), squeeze=False)
        for ax, fam in zip(axes[0], fams, strict=True):
            g = decay[decay.family == fam]
            for w, h in g.groupby("weights"):
                ax.plot(h.end_over_start, h.alpha_over_kappa, color=_W.get(w), label=w)
            ax.set(xlabel="ρ_T / ρ_1 (linear profile from 0.9)", ylabel="α / κ",
                   title=f"{fam} R")
        axes[0, 0].legend(loc="best")
        fig.tight_layout()
    return fig
