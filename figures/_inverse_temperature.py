"""Figures of the inverse-temperature reproduction (Hayase & Karakida, arXiv 2605.12697; the
claims are in ``reproductions/inverse_temperature/README.md``).

Tables in, Figure out; the tables are those ``reproductions/inverse_temperature/tables.py``
writes, theory lines included (``scale_references``, ``sharp_limits``, ``bound_curves``), so
these functions only draw. Each takes ``ax=`` (one panel) or ``axes=`` (a sequence, one per
panel) to draw into existing axes; the figure is then the caller's, and its layout is left
alone.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_counting_function", "plot_scale_vs_n", "plot_collapse", "plot_phase",
           "plot_critical_beta", "plot_bound_scatter", "plot_head_scales"]


def _colors(values):
    cmap = plt.get_cmap("viridis")
    values = list(values)
    return {v: cmap(i / max(len(values) - 1, 1)) for i, v in enumerate(values)}


def _given(axes, n: int):
    """The caller's axes as a list of ``n`` (or more: a grid may have spare panels)."""
    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    if len(axes) < n:
        raise ValueError(f"this figure draws {n} panels, got {len(axes)} axes")
    return axes[0].figure, axes


def _panels(axes, n: int, **subplots):
    """(figure, n axes, whether we made the figure): new ones in a row, or the caller's."""
    if axes is not None:
        return (*_given(axes, n), False)
    fig, grid = plt.subplots(1, n, squeeze=False, **subplots)
    return fig, list(grid[0]), True


def _family_panels(axes, families, height: float):
    """One panel per family, up to four a row (unused panels of a new grid hidden)."""
    if axes is not None:
        return (*_given(axes, len(families)), False)
    cols = min(4, len(families))
    rows = int(np.ceil(len(families) / cols))
    fig, grid = plt.subplots(rows, cols, figsize=(6.75, height * rows), squeeze=False)
    for ax in list(grid.flat)[len(families):]:
        ax.set_visible(False)
    return fig, list(grid.flat), True


def plot_counting_function(counting, *, axes=None):
    """N_n(t) of one row per family with its envelope e^{Λt} (raw Λ of that row).

    ``counting``: the ``counting`` table (columns family, n, t, N, lambda_raw) at one n."""
    with style():
        fams = list(dict.fromkeys(counting["family"]))
        fig, axes, made = _family_panels(axes, fams, 1.7)
        for ax, fam in zip(axes, fams, strict=False):
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
        if made:
            fig.tight_layout()
    return fig


def plot_scale_vs_n(scale_law, references, *, axes=None):
    """Median robust Λ̂_n against n for each family, with L_pred(n) and the prior laws.

    ``scale_law``: the ``scale_law`` table; ``references``: the ``scale_references`` table
    (columns family, law, n, beta; law "L_pred" or a prior law matched to L_pred at the
    middle n)."""
    with style():
        fams = list(dict.fromkeys(scale_law["family"]))
        fig, axes, made = _family_panels(axes, fams, 1.8)
        for ax, fam in zip(axes, fams, strict=False):
            s = scale_law[scale_law.family == fam]
            for sampler, marker in (("exact", "o"), ("semi", "s")):
                ss = s[s.sampler == sampler].sort_values("n")
                if len(ss):
                    ax.plot(ss["n"], ss["median_lambda_robust"], marker, ms=3, ls="-", lw=0.6,
                            label=f"median Λ̂ ({sampler})")
            ref = references[references.family == fam]
            pred = ref[ref.law == "L_pred"]
            ax.plot(pred["n"], pred["beta"], "k--", lw=0.8, label="L_pred")
            laws = [law for law in dict.fromkeys(ref["law"]) if law != "L_pred"]
            for i, law in enumerate(laws):
                line = ref[ref.law == law]
                ax.plot(line["n"], line["beta"], ":", lw=0.8,
                        color=PALETTE[(i + 2) % len(PALETTE)], label=law)
            ax.set(xscale="log", yscale="log", title=fam, xlabel="n")
        axes[0].legend(fontsize=5)
        if made:
            fig.tight_layout()
    return fig


_LABELS = {"mean_pmax": "mean p_max", "mean_gap": "mean top-two gap", "mean_h": "H / log n"}


def plot_collapse(curves, quantity: str = "mean_pmax", *, sharp_limit=None,
                  sampler: str = "semi", families=None, judged_from=None, axes=None):
    """One panel per family: ``quantity`` against x = β/L_pred(n), one curve per n.

    ``curves``: the ``curves`` table. ``sharp_limit``: the ``sharp_limits`` table (columns
    sampler, family, x, h), the limit (1 − c^{1/(1−θ)})₊ of H/log n drawn dashed where a
    family has one; pass it with ``quantity="mean_h"``. ``judged_from``: shade x ≥ this
    value, the window where a collapse criterion is judged."""
    with style():
        c = curves[curves.sampler == sampler]
        fams = families or list(dict.fromkeys(c["family"]))
        fig, axes, made = _panels(axes, len(fams), figsize=(6.75, 2.0), sharey=True)
        for ax, fam in zip(axes, fams, strict=True):
            cf = c[c.family == fam]
            colors = _colors(sorted(cf["n"].unique()))
            for n, cn in cf.groupby("n"):
                ax.plot(cn["x"], cn[quantity], color=colors[n], lw=0.9,
                        label=f"n=1e{np.log10(n):.0f}")
            if sharp_limit is not None:
                lim = sharp_limit[(sharp_limit.sampler == sampler)
                                  & (sharp_limit.family == fam)]
                if len(lim):
                    ax.plot(lim["x"], lim["h"], "k--", lw=0.8, label="(1 − c^{1/(1−θ)})₊")
            if judged_from is not None and cf["x"].max() > judged_from:
                ax.axvspan(judged_from, cf["x"].max(), color="0.5", alpha=0.12, lw=0)
            ax.set(xscale="log", title=fam, xlabel="β / L_pred(n)")
        axes[0].set_ylabel(_LABELS.get(quantity, quantity))
        axes[-1].legend(fontsize=5, loc="best")
        if made:
            fig.tight_layout()
    return fig


_PHASE_LAWS = ("(log n)^1/2", "log n", "(log n)^2")


def plot_phase(curves, references, *, family: str = "gaussian", sampler: str = "semi",
               ax=None):
    """Heat-map of h = H/log n over (log n, log β) with the √log, log and log² lines.

    ``curves``: the ``curves`` table; ``references``: the ``scale_references`` table (the
    three laws, matched to L_pred at the middle n)."""
    with style():
        c = curves[(curves.family == family) & (curves.sampler == sampler)]
        ns = np.array(sorted(c["n"].unique()), dtype=float)
        fig, (ax,), made = _panels(None if ax is None else [ax], 1, figsize=(3.4, 2.6))
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
        ref = references[references.family == family]
        for i, law in enumerate(_PHASE_LAWS):
            line = ref[ref.law == law]
            ax.plot(np.log10(line["n"].to_numpy()), line["beta"], ls=["-", "--", ":"][i],
                    color=PALETTE[5], lw=1.2, label=f"{law} (matched at the middle n)")
        ax.set(yscale="log", xlabel="log10 n", ylabel="β", title=f"H / log n — {family}")
        fig.colorbar(mesh, ax=ax, label="H / log n")
        ax.legend(fontsize=5, loc="lower right")
        if made:
            fig.tight_layout()
    return fig


def plot_critical_beta(scale_law, exponents, *, ax=None):
    """β_½(n) against log n per family with the fitted (log n)^ξ̂ line and its 95% band.

    ``scale_law``, ``exponents``: the tables of those names."""
    with style():
        fig, (ax,), made = _panels(None if ax is None else [ax], 1, figsize=(3.4, 2.6))
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
        if made:
            fig.tight_layout()
    return fig


_BOUND_PANELS = (("top_two_gap", "top-two gap D"), ("max_weight", "p_max"),
                 ("entropy", "entropy H"))


def plot_bound_scatter(samples, bound_curves, *, axes=None):
    """Measured D, p_max and H against r = β/Λ with the exact bounds.

    ``samples``: the ``bound_samples`` table; ``bound_curves``: the ``bound_curves`` table
    (columns quantity, r, bound), each bound on the side of r = 1 where it holds."""
    with style():
        fig, axes, made = _panels(axes, 3, figsize=(6.75, 2.1))
        for ax, (col, label) in zip(axes, _BOUND_PANELS, strict=True):
            for i, (_, s) in enumerate(samples.groupby("source")):
                ax.plot(s["r"], s[col], ".", ms=1.5, alpha=0.5, color=PALETTE[i % len(PALETTE)])
            curve = bound_curves[bound_curves.quantity == col]
            ax.plot(curve["r"], curve["bound"], "k-", lw=1, label="bound (raw Λ)")
            top = 1.05 if col != "entropy" else 1.1 * float(samples[col].max())
            ax.set(xscale="log", xlabel="r = β / Λ", ylabel=label, xlim=(1e-3, 1e3),
                   ylim=(-0.02 * top, top))
            ax.legend(loc="upper left")
        if made:
            fig.tight_layout()
    return fig


def plot_head_scales(heads, fits, *, axes=None):
    """Per-head Λ̂_h(n) (times σ, against i.i.d. Gaussian rows) and the histogram of ξ̂.

    ``heads``, ``fits``: the ``heads`` and ``head_fits`` tables."""
    with style():
        fig, axes, made = _panels(axes, 2, figsize=(6.75, 2.3))
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
        if made:
            fig.tight_layout()
    return fig
