"""Figures of the pooled-spectra reproduction (Seddik, arXiv 2605.06826; the model and its
reconstruction: ``reproductions/pooled_spectra/README.md``). Tables in, Figure out: every curve
of the theory comes as a table from ``reproductions.pooled_spectra.tables``; nothing here
computes a law or a prediction.

Each function draws into ``ax`` (one panel) or ``axes`` (a sequence, one per panel) when given
and returns their figure; without them it makes its own figure in the paper style.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_esd", "plot_outlier", "plot_alignment", "plot_phase_diagram", "plot_decay"]

_W = {"mean": PALETTE[0], "harmonic": PALETTE[1], "optimal": PALETTE[2]}


def _panel(ax, figsize):
    """(figure, axes, whether we made the figure) for a one-panel plot."""
    if ax is not None:
        return ax.figure, ax, False
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax, True


def _panels(axes, n: int, figsize, *, per_row: int | None = None, **kw):
    """(figure, [n axes], whether we made the figure) for n panels, in rows of ``per_row``
    (one row by default; ``figsize`` is one row's)."""
    if axes is not None:
        axes = list(np.ravel(axes))
        if len(axes) != n:
            raise ValueError(f"this figure has {n} panels; got {len(axes)} axes")
        return axes[0].figure, axes, False
    cols = min(n, per_row or n)
    rows = -(-n // cols)
    fig, grid = plt.subplots(rows, cols, figsize=(figsize[0], figsize[1] * rows),
                             squeeze=False, **kw)
    flat = list(grid.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n], True


def _class_correlation(spike):
    return spike[spike.family == "class-correlation"] if "family" in spike else spike


def plot_esd(esd, density, *, axes=None, outlier=None):
    """ESD of C/κ (histogram) with the κν density and plain MP_γ (dashed), one panel per (δ, γ);
    with ``outlier``, an inset on the panel of its (δ, γ): the law's right edge, the measured
    top eigenvalue λ₁/κ of each seed (ticks) and the predicted outlier κψ(ℓ)/κ (dashed).

    ``esd``: histogram bins (delta, gamma, d, lo, hi, count); ``density``: the laws on a grid
    (delta, gamma, x, product_density, mp_density, atom) — ``tables["esd"]`` and
    ``tables["esd_theory"]``; ``outlier``: ``tables["esd_outlier"]`` (delta, gamma, d, theta,
    weights, lambda, pred_lambda, edge; one row per seed)."""
    with style():
        keys = sorted(esd.groupby(["delta", "gamma"]).groups)
        fig, panels, own = _panels(axes, len(keys), (6.75, 2.0), per_row=3)
        for ax, (delta, gamma) in zip(panels, keys, strict=True):
            h = esd[(esd.delta == delta) & (esd.gamma == gamma)]
            law = density[(density.delta == delta) & (density.gamma == gamma)]
            width = (h.hi - h.lo).to_numpy()
            dens = h["count"].to_numpy() / (h["count"].sum() * width)
            ax.bar(h.lo, dens, width=width, align="edge", color="0.8",
                   label=f"ESD, d={h.d.iloc[0]}")
            ax.plot(law.x, law.product_density, color=PALETTE[0], label="MP_δ ⊠ MP_γ")
            ax.plot(law.x, law.mp_density, "--", color=PALETTE[1], label="MP_γ")
            atom = float(law.atom.iloc[0])
            top = float(np.nanmax(dens[1:])) * 1.3 if len(dens) > 1 else 1.0  # skip the atom bin
            ax.set(title=f"δ={delta:g}, γ={gamma:g}" + (f" (atom {atom:.2f} at 0)" if atom else ""),
                   xlabel="eigenvalue / κ", ylim=(0, top))
            if outlier is not None and not outlier.empty:
                o = outlier[(outlier.delta == delta) & (outlier.gamma == gamma)]
                if not o.empty:
                    _outlier_inset(ax, o, law)
        for ax in panels[::3]:
            ax.set_ylabel("density")
        inset = outlier is not None and not outlier.empty
        panels[0].legend(loc="upper left", bbox_to_anchor=(0.22, 1.0)) if inset else \
            panels[0].legend(loc="upper right")
        if own:
            fig.tight_layout()
    return fig


def _outlier_inset(ax, o, law):
    """The spiked spectrum's top: law density near its right edge, seed λ₁ ticks, prediction."""
    inset = ax.inset_axes([0.6, 0.4, 0.37, 0.34])
    edge, pred = float(o.edge.iloc[0]), float(o.pred_lambda.iloc[0])
    near = law[law.x >= 0.6 * edge]
    inset.plot(near.x, near.product_density, color=PALETTE[0], lw=0.8)
    top = float(near.product_density.max()) if len(near) else 1.0
    inset.vlines(o["lambda"], 0, 0.5 * top, color=PALETTE[2], lw=0.6, label="λ₁/κ, seeds")
    inset.axvline(pred, ls="--", color=PALETTE[2], lw=0.8, label="κψ(ℓ)/κ")
    inset.axvline(edge, ls=":", color="0.4", lw=0.8)
    inset.set_xlim(0.6 * edge, max(pred, float(o["lambda"].max())) * 1.08)
    inset.set_yticks([])
    inset.set_title(f"θ={o.theta.iloc[0]:g}, {o.weights.iloc[0]}, d={int(o.d.iloc[0])}",
                    fontsize=5)
    inset.tick_params(labelsize=5)


def plot_outlier(spike, prediction, *, ax=None):
    """λ₁/κ vs θ (largest d; markers: mean ± SE over seeds) with the theory κψ(ℓ)/κ and the
    bulk edge, for each weights.

    ``spike``: ``tables["spike"]`` (the class-correlation rows are drawn); ``prediction``:
    ``tables["outlier_theory"]`` (weights, theta, pred_lambda, delta, gamma)."""
    with style():
        fig, ax, own = _panel(ax, (3.4, 2.5))
        spike = _class_correlation(spike)
        s = spike[spike.d == spike.d.max()]
        for w, g in s.groupby("weights"):
            m = g.groupby("theta")["lambda"].agg(["mean", "sem"])
            ax.errorbar(m.index, m["mean"], yerr=m["sem"], fmt="o", ms=2.5, color=_W.get(w),
                        label=f"{w} (α/κ={g.alpha_over_kappa.iloc[0]:.2f})")
            p = prediction[prediction.weights == w]
            ax.plot(p.theta, p.pred_lambda, color=_W.get(w))
        delta, gamma = prediction.delta.iloc[0], prediction.gamma.iloc[0]
        ax.axhline(float(s.edge.iloc[0]), color="0.4", ls="--", lw=0.8, label="bulk edge")
        ax.set(xlabel="θ = ‖μ‖²", ylabel="λ₁ / κ", title=f"d = {s.d.max()}, δ={delta}, γ={gamma}")
        ax.legend(loc="upper left")
        if own:
            fig.tight_layout()
    return fig


def plot_alignment(spike, prediction, *, axes=None):
    """|⟨û, m̂⟩|² and |⟨û, μ̂⟩|² vs θ with θ_c1 (dotted) and θ_c2 (dashed), for the weights of
    ``prediction``, each d: two panels.

    ``spike``: ``tables["spike"]``; ``prediction``: ``tables["alignment_theory"]`` (weights,
    theta, pred_align_m, pred_align_mu)."""
    with style():
        fig, panels, own = _panels(axes, 2, (6.75, 2.3), sharey=True)
        w = prediction.weights.iloc[0]
        s = _class_correlation(spike)
        s = s[s.weights == w]
        for ax, col, label in ((panels[0], "align_m", "|⟨û, m̂⟩|²"),
                               (panels[1], "align_mu", "|⟨û, μ̂⟩|²")):
            for k, (d, g) in enumerate(s.groupby("d")):
                m = g.groupby("theta")[col].mean()
                ax.plot(m.index, m.to_numpy(), "o", ms=2.5, color=PALETTE[k], label=f"d = {d}")
            ax.plot(prediction.theta, prediction[f"pred_{col}"], "k-", lw=1, label="theory")
            ax.axvline(float(s.theta_c1.iloc[0]), color="0.5", ls=":", label="θ_c1")
            ax.axvline(float(s.theta_c2.iloc[0]), color="0.5", ls="--", label="θ_c2")
            ax.set(xlabel="θ", title=f"{label}, {w} pooling")
        panels[0].legend(loc="lower right")
        if own:
            fig.tight_layout()
    return fig


def plot_phase_diagram(phase, thresholds, *, ax=None):
    """Theory: a₁a₂ over (θ, α/κ) with the population (θ_c1) and sampling (θ_c2) curves.

    ``phase``: ``tables["phase_diagram"]`` (alpha_over_kappa, theta, align_m on a full grid);
    ``thresholds``: ``tables["phase_thresholds"]`` (alpha_over_kappa, theta_c1, theta_c2,
    delta, gamma)."""
    with style():
        fig, ax, own = _panel(ax, (3.4, 2.6))
        grid = phase.pivot(index="alpha_over_kappa", columns="theta", values="align_m")
        thetas, ratios = grid.columns.to_numpy(), grid.index.to_numpy()
        im = ax.pcolormesh(thetas, ratios, grid.to_numpy(), cmap="viridis", vmin=0, vmax=1,
                           shading="auto")
        c = thresholds.sort_values("alpha_over_kappa")
        ax.plot(np.clip(c.theta_c1.to_numpy(), 0, None), c.alpha_over_kappa, "w:", lw=1.2,
                label="θ_c1 (population)")
        ax.plot(np.clip(c.theta_c2.to_numpy(), 0, None), c.alpha_over_kappa, "w--", lw=1.2,
                label="θ_c2 (sampling)")
        delta, gamma = thresholds.delta.iloc[0], thresholds.gamma.iloc[0]
        ax.set(xlabel="θ", ylabel="α / κ", xlim=(thetas[0], thetas[-1]),
               title=f"a₁a₂, δ={delta}, γ={gamma}")
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="|⟨û, m̂⟩|²")
        ax.legend(loc="upper right", fontsize=5.5, labelcolor="white")
        if own:
            fig.tight_layout()
    return fig


def plot_decay(decay, *, axes=None):
    """α/κ of mean, harmonic and optimal weights vs the decay end/start of a linear ρ profile
    (T = 16), one panel per R family. ``decay``: ``tables["decay"]``."""
    with style():
        fams = list(dict.fromkeys(decay.family))
        fig, panels, own = _panels(axes, len(fams), (6.75, 2.1))
        for ax, fam in zip(panels, fams, strict=True):
            g = decay[decay.family == fam]
            for w, h in g.groupby("weights"):
                ax.plot(h.end_over_start, h.alpha_over_kappa, color=_W.get(w), label=w)
            ax.set(xlabel="ρ_T / ρ_1 (linear profile from 0.9)", ylabel="α / κ",
                   title=f"{fam} R")
        panels[0].legend(loc="best")
        if own:
            fig.tight_layout()
    return fig
