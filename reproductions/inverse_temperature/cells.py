"""The cell function of the inverse-temperature sweep (Hayase & Karakida, arXiv 2605.12697;
``reproductions/inverse_temperature/README.md``) and the grid it runs over.

Every cell returns plain JSON: per-β sums over its rows (so blocks of rows combine into means),
per-row scalars (so medians combine), the T1 bound check over every (row, β) pair it saw, and a
few sample points for figures. Per-β sums are also kept per group of ``GROUP_ROWS`` rows, so
that every statistic of the mean curves can be bootstrapped over groups of rows. Kinds:
``exact`` and ``semi`` rows of a score family, ``adversarial`` rows for T1, ``model`` logits
of random-init GPT heads, ``minilm`` logits of the real pretrained MiniLM.
"""

from __future__ import annotations

import numpy as np

from attnlab import theory
from attnlab.probes import (
    exact_row_chunks,
    exact_rows,
    semi_analytic_row,
    summarize_row,
    summarize_streamed_row,
)

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import payloads
from .bound_checks import add_checks, bound_samples, check_bounds
from .config import MEDIAN_ONLY_FAMILIES, SCALE_FAMILIES, Config
from .models import model_cell, model_cells

__all__ = ["CELL_FUNCTION", "grid", "ADVERSARIAL_KINDS"]

ADVERSARIAL_KINDS = ("near-tie", "clusters", "rounded", "bf16-rounded", "needle", "cauchy")
GROUP_ROWS = 4  # rows per bootstrap group of the per-β sums (rows per cell is a multiple)
# Rows above 1e7 are streamed in chunks of 2²⁴ scores (134 MB of float64 per temporary).
STREAM_CHUNK = 1 << 24
STREAM_ABOVE = 10**7
# Exact rows a torch device cannot draw (the sphere's g needs scipy) stay on the CPU.
NUMPY_ONLY_FAMILIES = ("sphere-8",)
# At full scale, exact rows up to this n run on the CPU even on a GPU machine: a 1e5-score row
# is a few ms of numpy, less than the kernel launches of the torch path (quick is unchanged).
CPU_EXACT_MAX_N = 10**5
RATIO_GRID = np.unique(np.concatenate([np.geomspace(1e-2, 1e2, 101),
                                       [0.9, 0.99, 0.999, 1.001, 1.01, 1.1]]))


def _counting_curve(gaps, weights=None, points: int = 120) -> dict:
    g = np.asarray(gaps)
    pos = g[g > 0]
    t = np.geomspace(pos.min(), g.max(), points)
    return {"t": t.tolist(), "N": theory.gap_counting_function(g, t, weights=weights).tolist()}


def _family_rows(p: dict, seed: int):
    """Yield (gaps, weights) for the rows of an exact or semi-analytic cell."""
    if p["kind"] == "exact":
        for row in exact_rows(p["family"], p["n"], p["rows"], seed=seed, device=p["device"]):
            yield row.max() - row, None
    else:
        rng = np.random.default_rng(seed)
        for s in rng.integers(0, 2**63 - 1, size=p["rows"]):
            row = semi_analytic_row(p["family"], p["n"], seed=int(s), top=p["top"],
                                    bins=p["bins"])
            yield row.gaps, row.weights


def _row_summaries(p: dict, seed: int, betas):
    """Yield (summary, gaps, weights) per row. ``stream`` (full scale, n > 10⁷ on a GPU): the
    row is drawn chunk by chunk and summarised in streamed passes (exact, O(chunk) memory), so
    there are no gaps to hand back."""
    if p.get("stream"):
        rng = np.random.default_rng(seed)
        for s in rng.integers(0, 2**63 - 1, size=p["rows"]):
            chunks = exact_row_chunks(p["family"], p["n"], seed=int(s), device=p["device"],
                                      chunk=p["stream"])
            yield summarize_streamed_row(chunks, betas, skip=p["skip"]), None, None
        return
    for gaps, weights in _family_rows(p, seed):
        yield summarize_row(gaps, betas, weights=weights, skip=p["skip"]), gaps, weights


def _bulk_distance(gaps, weights) -> tuple[float, float]:
    """(median gap, largest gap) of a row: how far the bulk and the far end sit below the top,
    which set Λ for heavy tails (Λ ≈ log n / median gap)."""
    if hasattr(gaps, "cpu"):  # a torch row (GPU): only for families that stay ≤ 10⁷ keys
        return float(gaps.quantile(0.5)), float(gaps.max())  # np.median's interpolation
    g = np.asarray(gaps)
    if weights is None:
        return float(np.median(g)), float(g.max())
    order = np.argsort(g)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(g[order][np.searchsorted(cum, cum[-1] / 2)]), float(g.max())


def _family_cell(p: dict, seed: int) -> dict:
    n = p["n"]
    bulk = theory.get_family(p["family"]).xi is None  # scale set by the bulk, not a log law
    scale = float(theory.predicted_scale(p["family"], n))
    loglog = np.log(np.log(n))
    x = np.asarray(p["x"])
    # the grid, then the two T2 temperatures β = L/log log n and β = L·log log n
    betas = np.concatenate([x * scale, [scale / loglog, scale * loglog]])
    sums = {k: np.zeros(len(x)) for k in ("pmax", "gap", "h")}
    groups = {k: np.zeros((-(-p["rows"] // GROUP_ROWS), len(x))) for k in ("pmax", "h")}
    rows, checks, samples, counting = [], {}, [], None
    if bulk and p.get("stream"):
        raise ValueError("streamed rows keep no gaps: only for families with a log law")
    for i, (summary, gaps, weights) in enumerate(_row_summaries(p, seed, betas)):
        st = summary.stats
        sums["pmax"] += st.max_weight[:-2]
        sums["gap"] += st.top_two_gap[:-2]
        sums["h"] += st.entropy[:-2] / np.log(n)
        groups["pmax"][i // GROUP_ROWS] += st.max_weight[:-2]
        groups["h"][i // GROUP_ROWS] += st.entropy[:-2] / np.log(n)
        # only where Λ is set by the bulk (T8): elsewhere a 10⁹-key GPU row would need a
        # second sort for nothing
        median_gap, max_gap = _bulk_distance(gaps, weights) if bulk else (None, None)
        rows.append([summary.lambda_raw, summary.lambda_robust, float(st.top_two_gap[-2]),
                     float(st.entropy[-1]), median_gap, max_gap])
        checks = add_checks(checks, check_bounds(st, summary.lambda_raw))
        if i == 0:
            samples = bound_samples(st, summary.lambda_raw)
            if p["kind"] == "exact" and n <= 10**6 and gaps is not None:  # N(t) figure
                g = gaps.cpu().numpy() if hasattr(gaps, "cpu") else gaps
                counting = _counting_curve(g)
    return {"scale": scale, "sum": {k: v.tolist() for k, v in sums.items()},
            "groups": {k: v.tolist() for k, v in groups.items()}, "group_rows": GROUP_ROWS,
            "rows": rows, "checks": checks, "samples": samples, "counting": counting}


def _adversarial_scores(kind: str, n: int, rng) -> np.ndarray:
    base = rng.standard_normal(n)
    if kind == "near-tie":
        i, j = np.argsort(base)[-2:]
        base[i] = base[j] + 10 ** rng.uniform(-15, -3)  # the top two a hair apart
        return base
    if kind == "clusters":
        centres = rng.standard_normal(rng.integers(2, 6)) * 3
        return centres[rng.integers(0, centres.size, n)] + 1e-6 * rng.standard_normal(n)
    if kind == "rounded":
        return np.round(base * 4, rng.integers(0, 3))  # ties, possibly at the maximum
    if kind == "bf16-rounded":  # 8 mantissa bits: what bf16 logits look like
        m, e = np.frexp(base * 4)
        return np.ldexp(np.round(m * 256) / 256, e)
    if kind == "needle":
        s = rng.uniform(0, 1, n)
        s[rng.integers(n)] = 1 + rng.exponential(3)
        return s
    if kind == "cauchy":
        return rng.standard_cauchy(n)
    raise ValueError(f"unknown adversarial kind {kind!r}")


def _adversarial_cell(p: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    checks, samples = {}, []
    for i in range(p["rows"]):
        s = _adversarial_scores(p["family"], p["n"], rng)
        gaps = s.max() - s
        lam = theory.accumulation_scale(gaps)
        # β on the ratio grid r = β/Λ (stress r ≈ 1); on a tie (Λ = ∞) on an absolute grid
        betas = RATIO_GRID * lam if np.isfinite(lam) and lam > 0 else RATIO_GRID / s.std()
        summary = summarize_row(gaps, betas, skip=p["skip"])
        checks = add_checks(checks, check_bounds(summary.stats, summary.lambda_raw))
        if i == 0:
            samples = bound_samples(summary.stats, summary.lambda_raw)
    return {"checks": checks, "samples": samples}


_KINDS = {"exact": _family_cell, "semi": _family_cell, "adversarial": _adversarial_cell,
          "model": model_cell, "minilm": model_cell}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


# version 3: per-group sums and each row's bulk distance (family cells); the no-repeat control,
# per-row p_max curves and the reference rows one by one (model cells). Version-2 cells are
# recomputed.
CELL_FUNCTION = CellFunction(name="inverse_temperature.cell", version=3, fn=_cell,
                             check=payloads.check)


def _seed(config: Config, *parts) -> int:
    return cell_seed(config.seed, *parts)


def _large_rows(config: Config, n: int) -> int:
    if isinstance(config.large_rows, int):
        return config.large_rows
    return dict(config.large_rows)[n]


def _exact_device(config: Config, family: str, n: int) -> str:
    if family in NUMPY_ONLY_FAMILIES or (config.scale == "full" and n <= CPU_EXACT_MAX_N):
        return "cpu"
    return config.device


def grid(config: Config) -> list[Cell]:
    # The model cells are the longest: first, largest n first, so a cluster's workers do not
    # wait on one long cell at the end of the sweep.
    models = model_cells(config, [float(v) for v in config.beta_factors()], _seed)
    cells = sorted(models, key=lambda c: -c.params["n"])
    for kind, families, ns, rows, per_cell in (
        ("exact", config.exact_families, config.exact_n, config.exact_rows,
         config.exact_rows_per_cell),
        ("semi", config.semi_families, config.semi_n, config.semi_rows,
         config.semi_rows_per_cell),
    ):
        for family in families:
            x = [float(v) for v in config.beta_factors(family)]
            for n in ns:
                large = kind == "exact" and n > config.large_n
                if large and family not in SCALE_FAMILIES:
                    continue
                count = (_large_rows(config, n) if large else
                         config.median_only_rows if kind == "semi"
                         and family in MEDIAN_ONLY_FAMILIES else rows)
                size = min(per_cell, count)  # full: the sphere's 64 semi rows in one cell
                for block in range(count // size):
                    params = {"kind": kind, "family": family, "n": int(n), "rows": size,
                              "block": block, "x": x, "skip": config.robust_skip,
                              "device": _exact_device(config, family, n) if kind == "exact"
                              else "cpu"}
                    if kind == "exact" and n > STREAM_ABOVE:
                        params["stream"] = STREAM_CHUNK
                    if kind == "semi":
                        # at small n the histogram still needs a bulk below the exact top
                        params.update(top=min(config.semi_top, int(n) // 4),
                                      bins=config.semi_bins)
                    cells.append(Cell(params, _seed(config, kind, family, n, block)))
    for adv in ADVERSARIAL_KINDS:
        params = {"kind": "adversarial", "family": adv, "n": config.adversarial_n,
                  "rows": config.adversarial_rows, "skip": config.robust_skip}
        cells.append(Cell(params, _seed(config, "adversarial", adv)))
    return cells
