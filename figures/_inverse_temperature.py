"""Figures of the inverse-temperature reproduction (arXiv 2605.12697). Data frames in, Figure
out; the frames are the tables written by the reproduction."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import theory

from ._style import PALETTE, style

__all__ = ["plot_counting_function", "plot_scale_vs_n", "plot_collapse", "plot_phase",
           "plot_critical_beta", "plot_bound_scatter", "plot_head_scales"]


def _colors(values):
    cmap = plt.get_cmap("viridis")
    values = list(values)
    return {v: cmap(i / max(len(values) - 1, 1)) for i, v in enumerate(values)}


def _family_panels(families, height: float):
    """A grid of up to four panels a row, one per family; unused panels hidden."""
    cols = min(4, len(families))
    rows = int(np.ceil(len(families) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6.75, height * rows), squeeze=False)
    for ax in list(axes.flat)[len(families):]:
        ax.set_visible(False)
    return fig, axes


def plot_counting_function(counting):
    """N_n(t) of one row per family with its envelope e^{Λt} (raw Λ of that row)."""
    with style():
        fams = list(dict.fromkeys(counting["family"]))
        fig, axes = _family_panels(fams, 1.7)
        for ax, fam in zip(axes.flat, fams, strict=False):
            c = counting[counting.family == fam]
            t, N = c["t"].to_numpy(), c["N"].to_numpy()
            lam = float(c["lambda_raw"].iloc[0])
            ax.step(t, N, where="post", color=PALETTE[0], label="N(t)")
            if np.isfinite(lam):
                env = np.exp(np.minimum(lam * t, np.log(N.max()) * 1.5))
                ax.plot(t, env, "--", color=PALETTE[1], label=f"e^(Λt), Λ={lam:.3g}")
            ax.set(xscale="log", yscale="log", title=f"{fam} (n={int(c['n'].iloc[0]):.0e})",
                   xlabel="gap t", ylim=(0.8, N.max() * 3))
            ax.xaxis.set_minor_formatter(plt.NullFormatter())
            ax.legend(loc="upper left")
        fig.tight_layout()
    return fig


def plot_scale_vs_n(scale_law):
    """Median robust Λ̂_n against n for each family, with L_pred(n) and the prior laws."""
    with style():
        fams = list(dict.fromkeys(scale_law["family"]))
        fig, axes = _family_panels(fams, 1.8)
        for ax, fam in zip(axes.flat, fams, strict=False):
            s = scale_law[scale_law.family == fam]
            for sampler, marker in (("exact", "o"), ("semi", "s")):
                ss = s[s.sampler == sampler].sort_values("n")
                if len(ss):
                    ax.plot(ss["n"], ss["median_lambda_robust"], marker, ms=3, ls="-", lw=0.6,
                            label=f"median Λ̂ ({sampler})")
            n = np.geomspace(s["n"].min(), s["n"].max(), 100)
            pred = theory.predicted_scale(fam, n)
            ax.plot(n, pred, "k--", lw=0.8, label="L_pred")
            n_mid = float(np.sqrt(n[0] * n[-1]))
            for i, law in enumerate(theory.LAWS):
                scaled = theory.law_scale(law, n) * theory.predicted_scale(fam, n_mid) / \
                    theory.law_scale(law, n_mid)
                ax.plot(n, scaled, ":", lw=0.8, color=PALETTE[(i + 2) % len(PALETTE)],
                        label=law)
            ax.set(xscale="log", yscale="log", title=fam, xlabel="n")
        axes.flat[0].legend(fontsize=5)
        fig.tight_layout()
    return fig


_LABELS = {"mean_pmax": "mean p_max", "mean_gap": "mean top-two gap", "mean_h": "H / log n"}


def plot_collapse(curves, quantity: str = "mean_pmax", *, sampler: str = "semi",
                  families=None):
    """One panel per family: ``quantity`` against x = β/L_pred(n), one curve per n."""
    with style():
        c = curves[curves.sampler == sampler]
        fams = families or list(dict.fromkeys(c["family"]))
        fig, axes = plt.subplots(1, len(fams), figsize=(6.75, 2.0), squeeze=False, sharey=True)
        for ax, fam in zip(axes.flat, fams, strict=True):
            cf = c[c.family == fam]
            colors = _colors(sorted(cf["n"].unique()))
            for n, cn in cf.groupby("n"):
                ax.plot(cn["x"], cn[quantity], color=colors[n], lw=0.9,
                        label=f"n=1e{np.log10(n):.0f}")
            theta = theory.get_family(fam).theta
            if quantity == "mean_h" and theta is not None:
                x = np.geomspace(cf["x"].min(), cf["x"].max(), 300)
                ax.plot(x, theory.sharp_entropy_fraction(x, theta), "k--", lw=0.8,
                        label="(1 − c^{1/(1−θ)})₊")
            ax.set(xscale="log", title=fam, xlabel="β / L_pred(n)")
        axes.flat[0].set_ylabel(_LABELS.get(quantity, quantity))
        axes.flat[-1].legend(fontsize=5, loc="best")
        fig.tight_layout()
    return fig


def plot_phase(curves, *, family: str = "gaussian", sampler: str = "semi"):
    """Heat-map of h = H/log n over (log n, log β) with the √log, log and log² lines."""
    with style():
        c = curves[(curves.family == family) & (curves.sampler == sampler)]
        ns = np.array(sorted(c["n"].unique()), dtype=float)
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        for i, n in enumerate(ns):
            cn = c[c.n == n]
            lo = np.log10(n) - 0.5 if i == 0 else 0.5 * (np.log10(ns[i - 1]) + np.log10(n))
            hi = np.log10(n) + 0.5 if i == len(ns) - 1 else 0.5 * (np.log10(n) +
                                                                    np.log10(ns[i + 1]))
            beta = cn["beta"].to_numpy()
            edges = np.sqrt(beta[1:] * beta[:-1])
            edges = np.concatenate([[beta[0] ** 2 / edges[0]], edges, [beta[-1] ** 2 / edges[-1]]])
            mesh = ax.pcolormesh([lo, hi], edges, cn["mean_h"].to_numpy()[:, None],
                                 vmin=0, vmax=1, cmap="magma", shading="flat")
        n = np.geomspace(ns[0], ns[-1], 100)
        ref = float(np.sqrt(ns[0] * ns[-1]))
        for i, law in enumerate(("(log n)^1/2", "log n", "(log n)^2")):
            line = theory.law_scale(law, n) * theory.predicted_scale(family, ref) / \
                theory.law_scale(law, ref)
            ax.plot(np.log10(n), line, ls=["-", "--", ":"][i], color=PALETTE[5], lw=1.2,
                    label=f"{law} (matched at the middle n)")
        ax.set(yscale="log", xlabel="log10 n", ylabel="β", title=f"H / log n — {family}")
        fig.colorbar(mesh, ax=ax, label="H / log n")
        ax.legend(fontsize=5, loc="lower right")
        fig.tight_layout()
    return fig


def plot_critical_beta(scale_law, exponents):
    """β_½(n) against log n per family with the fitted (log n)^ξ̂ line and its 95% band."""
    with style():
        fig, ax = plt.subplots(figsize=(3.4, 2.6))
        s = scale_law[scale_law.sampler == "semi"]
        for i, (_, e) in enumerate(exponents.iterrows()):
            f = s[s.family == e.family].sort_values("n")
            logn = np.log(f["n"].to_numpy(float))
            color = PALETTE[i % len(PALETTE)]
            ax.plot(logn, f["beta_half"], "o", color=color, ms=3,
                    label=f"{e.family}: ξ̂={e.xi_beta_half:.2f} (pred {e.xi_pred:g})")
            b = np.log(f["beta_half"].to_numpy())
            ok = np.isfinite(b)
            if ok.sum() >= 3:
                x = np.log(logn[ok])
                c0 = np.mean(b[ok] - e.xi_beta_half * x)
                grid = np.linspace(x.min(), x.max(), 50)
                ax.plot(np.exp(grid), np.exp(c0 + e.xi_beta_half * grid), color=color, lw=0.8)
                xm = x.mean()
                lo = np.exp(c0 + e.xi_beta_half * xm + e.xi_beta_half_low * (grid - xm))
                hi = np.exp(c0 + e.xi_beta_half * xm + e.xi_beta_half_high * (grid - xm))
                ax.fill_between(np.exp(grid), np.minimum(lo, hi), np.maximum(lo, hi),
                                color=color, alpha=0.15, lw=0)
        ax.set(xscale="log", yscale="log", xlabel="log n", ylabel="β_½ (mean p_max = ½)")
        ax.legend(fontsize=5)
        fig.tight_layout()
    return fig


def plot_bound_scatter(samples):
    """Measured D, p_max and H against r = β/Λ with the exact bounds."""
    with style():
        fig, axes = plt.subplots(1, 3, figsize=(6.75, 2.1))
        r = samples["r"].to_numpy()
        grid_lo = np.geomspace(max(r.min(), 1e-3), 0.999, 200)
        grid_hi = np.geomspace(1.001, max(r.max(), 2), 200)
        panels = [("top_two_gap", "top-two gap D", grid_lo, theory.top_two_gap_bound),
                  ("max_weight", "p_max", grid_hi, theory.max_weight_bound),
                  ("entropy", "entropy H", grid_hi, theory.entropy_bound)]
        for ax, (col, label, grid, bound) in zip(axes, panels, strict=True):
            for i, (_, s) in enumerate(samples.groupby("source")):
                ax.plot(s["r"], s[col], ".", ms=1.5, alpha=0.5, color=PALETTE[i % len(PALETTE)])
            ax.plot(grid, bound(grid), "k-", lw=1, label="bound (raw Λ)")
            top = 1.05 if col != "entropy" else 1.1 * float(samples[col].max())
            ax.set(xscale="log", xlabel="r = β / Λ", ylabel=label, xlim=(1e-3, 1e3),
                   ylim=(-0.02 * top, top))
            ax.legend(loc="upper left")
        fig.tight_layout()
    return fig


def plot_head_scales(heads, fits):
    """Per-head Λ̂_h(n) (times σ, against i.i.d. Gaussian rows) and the histogram of ξ̂."""
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(6.75, 2.3))
        for i, (model, m) in enumerate(heads.groupby("model")):
            for _, h in m.groupby(["layer", "head"]):
                h = h.sort_values("n")
                axes[0].plot(h["n"], h["median_lambda_sigma"], lw=0.7, alpha=0.7,
                             color=PALETTE[i])
            axes[0].plot([], [], color=PALETTE[i], label=f"{model}: median Λ̂·σ per head")
        g = heads.drop_duplicates("n").sort_values("n")
        axes[0].plot(g["n"], g["gaussian_lambda"], "k--", label="i.i.d. Gaussian rows Λ̂")
        axes[0].set(xscale="log", yscale="log", xlabel="n (keys)", ylabel="Λ̂ · σ")
        axes[0].legend(fontsize=5)
        for i, (model, f) in enumerate(fits.groupby("model")):
            axes[1].hist(f["xi"], bins=15, alpha=0.6, color=PALETTE[i], label=model)
        axes[1].axvline(0.5, color="k", ls="--", lw=0.8, label="Gaussian ξ = ½")
        axes[1].set(xlabel="fitted ξ in Λ̂_h(n) = C (log n)^ξ", ylabel="heads")
        axes[1].legend(fontsize=5)
        fig.tight_layout()
    return fig
