"""Figures of the query-learning reproduction (Bhattamishra, Shah, Hahn, Kanade, arXiv
2601.16873; the claims are in ``reproductions/query_learning/README.md``).

Tables in, Figure out; the tables are those ``reproductions/query_learning/tables.py`` writes,
theory lines included (``query_curves``, the precision table's ``unit_rel_pred``), so these
functions only draw. Each takes ``ax=`` (one panel) or ``axes=`` (a sequence, one per panel)
to draw into existing axes; the figure is then the caller's, and its layout is left alone.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._style import PALETTE, style

__all__ = ["plot_query_counts", "plot_precision", "plot_phase_transition", "plot_noise"]


def _panels(axes, n: int, **subplots):
    """(figure, n axes, whether we made the figure): new ones in a row, or the caller's."""
    if axes is None:
        fig, grid = plt.subplots(1, n, squeeze=False, **subplots)
        return fig, list(grid[0]), True
    axes = list(axes)
    if len(axes) != n:
        raise ValueError(f"this figure draws {n} panels, got {len(axes)} axes")
    return axes[0].figure, axes, False


def plot_query_counts(curves, exact, transitions, transformer=None, *, ax=None):
    """Queries vs d (log-log): the oracle's counts for exact recovery on the d² + d line, the
    one-layer transformer's on 2(d² + d), and low-rank queries d + C·r(2d − r) at the measured
    transition C (factored solver), with their lines. ``curves``: the ``query_curves`` table
    (columns curve, r, C, d, queries); ``exact``, ``transitions``, ``transformer``: the
    measured tables of those names."""
    with style():
        fig, (ax,), made = _panels(None if ax is None else [ax], 1, figsize=(3.4, 2.6))
        line = curves[curves.curve == "exact"]
        ax.plot(line.d, line.queries, color="0.6", lw=1, label="d² + d")
        q = exact.groupby("d").queries.first()
        ax.plot(q.index, q.to_numpy(), "o", color=PALETTE[0], label="exact (oracle count)")
        if transformer is not None and len(transformer):
            qt = transformer.groupby("d").queries.first()
            line = curves[curves.curve == "transformer"]
            ax.plot(line.d, line.queries, ":", color="0.6", lw=1)
            ax.plot(qt.index, qt.to_numpy(), "s", mfc="none", color=PALETTE[1],
                    label="transformer: 2(d² + d)")
        fac = transitions[(transitions.method == "factored") & np.isfinite(transitions.C)]
        low = curves[curves.curve == "low rank"]
        for k, (r, g) in enumerate(fac.groupby("r")):
            c = PALETTE[(k + 2) % len(PALETTE)]
            line = low[low.r == r]
            C = float(line.C.iloc[0])
            ax.plot(line.d, line.queries, "--", color=c, lw=0.8)
            ax.plot(g.d, g.queries_at_C, "^", color=c, label=f"low rank r={r} (C={C:g})")
        ax.set(xscale="log", yscale="log", xlabel="d", ylabel="value queries")
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
        ax.legend(loc="upper left")
        if made:
            fig.tight_layout()
    return fig


def plot_precision(precision, breakdown, *, axes=None):
    """Max relative error of Ŵ vs logit scale z, one panel per oracle dtype (``axes``: one
    per row of ``breakdown``): unit probes (solid) and adaptive probes (dashed), the
    first-order prediction (dotted, relative RMS, column ``unit_rel_pred``) and the breakdown
    logit ln(2/ε) (vertical)."""
    with style():
        dtypes = list(breakdown.dtype)
        fig, axes, made = _panels(axes, len(dtypes), figsize=(6.75, 2.1), sharey=True)
        for ax, dtype in zip(axes, dtypes, strict=True):
            g = precision[precision.dtype == dtype]
            unit = g.groupby("z").unit_max_rel.median().replace(np.inf, 1e3).clip(upper=1e3)
            adapt = g.groupby("z").adaptive_max_rel.median().clip(lower=1e-17)
            pred = g.groupby("z").unit_rel_pred.median()
            ax.plot(unit.index, unit.clip(lower=1e-17), color=PALETTE[0], label="unit probes")
            ax.plot(adapt.index, adapt, "--", color=PALETTE[2], label="adaptive")
            ax.plot(pred.index, pred, ":", color=PALETTE[1], label="first order")
            b = breakdown[breakdown.dtype == dtype].iloc[0]
            ax.axvline(b.breakdown_pred, color="0.4", lw=0.8, label="ln(2/ε)")
            if np.isfinite(b.breakdown_measured):
                ax.axvline(b.breakdown_measured, color=PALETTE[3], lw=0.8, ls="-.",
                           label="measured z*")
            ax.set(xscale="log", yscale="log", xlabel="logit scale z = |W_ij|",
                   title=f"{dtype} (ln 2/ε = {b.breakdown_pred:.1f})", ylim=(1e-17, 2e3))
            ax.xaxis.set_minor_formatter(plt.NullFormatter())
        axes[0].set_ylabel("relative error of Ŵ")
        axes[0].legend(loc="upper left")
        if made:
            fig.tight_layout()
    return fig


def plot_phase_transition(lowrank, *, axes=None):
    """Success rate of low-rank recovery over (r, m/[r(2d − r)]), one panel per (solver, d)
    of the ``lowrank`` table (``axes``: one per pair, sorted), with a shared colour bar."""
    with style():
        keys = sorted(lowrank.groupby(["method", "d"]).groups)
        fig, axes, made = _panels(axes, len(keys), figsize=(6.75, 1.9))
        for ax, (method, d) in zip(axes, keys, strict=True):
            g = lowrank[(lowrank.method == method) & (lowrank.d == d)]
            table = g.pivot(index="r", columns="ratio", values="success")
            im = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis",
                           vmin=0, vmax=1)
            ax.set_xticks(range(table.shape[1]), [f"{x:g}" for x in table.columns],
                          fontsize=5, rotation=90)
            ax.set_yticks(range(table.shape[0]), [str(r) for r in table.index])
            ax.set(xlabel="m / r(2d − r)", title=f"{method}, d = {d}")
            ax.grid(False)
            for (i, j), val in np.ndenumerate(table.to_numpy()):
                if np.isfinite(val):
                    ax.text(j, i, f"{val:.2f}".lstrip("0") if val < 1 else "1", ha="center",
                            va="center", fontsize=5 if table.shape[1] <= 8 else 3.5,
                            rotation=0 if table.shape[1] <= 8 else 90,
                            color="white" if val < 0.6 else "black")
        axes[0].set_ylabel("rank r")
        fig.colorbar(im, ax=axes, fraction=0.02, label="success")
        if made:
            fig.subplots_adjust(bottom=0.25)
    return fig


def plot_noise(noise, fits, *, axes=None):
    """Error vs tolerance τ per noise model with the first-order bound (first panel; column
    ``entry_bound``; query-scaled probes), and the one-factor sweeps ‖W‖, d, μ, R with their
    fitted slopes from ``fits`` (four panels; ``axes``: five in all): query-scaled probes
    solid, key-scaled probes dashed, the unit-probe control dotted (‖W‖ panel)."""
    with style():
        fig, axes, made = _panels(axes, 5, figsize=(6.75, 1.9))
        ax = axes[0]
        ours = noise[noise.probes == "query-scaled"]
        tau = ours[ours.sweep == "tau"]
        for k, (kind, g) in enumerate(tau.groupby("noise")):
            m = g.groupby("tau").err_max.mean()
            ax.plot(m.index, m.to_numpy(), "o-", color=PALETTE[k], label=kind, ms=2)
        b = tau.groupby("tau").entry_bound.first()
        ax.plot(b.index, b.to_numpy(), "k--", lw=0.8, label="bound")
        ax.set(xscale="log", yscale="log", xlabel="τ", ylabel="max |Ŵ − W|",
               title="max error vs τ")
        ax.legend(loc="upper left", fontsize=5)
        styles = {"query-scaled": "o-", "key-scaled": "s--"}
        for ax, (sweep, col, label) in zip(axes[1:], [("norm", "norm", "‖W‖₂"),
                                                      ("dim", "d", "d"),
                                                      ("margin", "margin", "μ"),
                                                      ("repeats", "repeats", "R")],
                                           strict=True):
            g = noise[noise.sweep == sweep]
            for k, ((design, kind), h) in enumerate(g[g.probes != "unit"]
                                                    .groupby(["probes", "noise"])):
                m = h.groupby(col).err_fro.mean()
                f = fits[(fits.sweep == sweep) & (fits.noise == kind)
                         & (fits.probes == design)]
                slope = f"{float(f.slope.iloc[0]):+.2f}" if len(f) else "–"
                short = "key" if design == "key-scaled" else "query"
                name = f"{short} {slope}" if sweep != "repeats" else f"{kind} {slope}"
                ax.plot(m.index, m.to_numpy(), styles.get(design, "o-"), ms=2,
                        color=PALETTE[k % len(PALETTE)], label=name)
            if sweep == "norm":
                un = g[g.probes == "unit"].groupby("norm").err_fro.mean()
                un = un.replace(np.inf, np.nan)
                ax.plot(un.index, un.to_numpy(), "x:", color=PALETTE[3], label="unit")
            ax.set(xscale="log", yscale="log", xlabel=label if label != "R" else "repeats R",
                   title=f"error vs {label}")
            ax.legend(loc="best", fontsize=5)
        axes[1].set_ylabel("‖Ŵ − W‖_F (mean)")
        for ax in axes:
            ax.xaxis.set_minor_formatter(plt.NullFormatter())
            ax.yaxis.set_minor_formatter(plt.NullFormatter())
        if made:
            fig.tight_layout()
    return fig
