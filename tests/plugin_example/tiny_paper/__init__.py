"""A complete paper in one file, registered from outside attnlab through the ``attnlab.papers``
entry point — what a researcher writes to check their own paper's claims without forking.

The "paper" claims that the mean of n i.i.d. standard normals has variance 1/n (true) and
that it has variance 2/n (false). Register it in your own distribution's pyproject.toml::

    [project.entry-points."attnlab.papers"]
    tiny-paper = "tiny_paper:PAPER"

then ``attnlab list`` shows it and ``attnlab run tiny-paper --scale quick`` judges it (smoke
scale runs the pipeline and decides exact claims only).
"""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from attnlab.figures import style
from attnlab.reproductions import Cell, CellFunction, ClaimList, Paper, cell_seed, decide


@dataclasses.dataclass(frozen=True)
class Config:
    scale: str
    device: str
    seed: int
    sizes: tuple = (4, 16, 64)  # n, the sample size of each mean
    repeats: int = 40_000  # means per n: the variance's relative SE is √(2/repeats) ≈ 0.7%,
    # so n·Var ± 3 SE stays well inside the ±10% band whatever the seed (at 4 000 it did not:
    # one seed in three came out inconclusive)


def make_config(scale: str, *, device: str, seed: int) -> Config:
    return Config(scale=scale, device=device, seed=seed,
                  repeats=40_000 if scale == "smoke" else 400_000)


def grid(config: Config) -> list[Cell]:
    return [Cell({"n": n, "repeats": config.repeats}, cell_seed(config.seed, n))
            for n in config.sizes]


def variance_of_mean(params: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((params["repeats"], params["n"])).mean(axis=1)
    return {"variance": float(means.var(ddof=1))}


CELL_FUNCTION = CellFunction("tiny_paper.variance_of_mean", 1, variance_of_mean)


def tables(config: Config, cells, payloads) -> dict:
    rows = [{"n": c.params["n"], "repeats": c.params["repeats"], **p}
            for c, p in zip(cells, payloads, strict=True)]
    t = pd.DataFrame(rows)
    t["n_times_variance"] = t.n * t.variance
    t["se"] = t.n_times_variance * np.sqrt(2 / (t.repeats - 1))  # SE of a Gaussian variance
    return {"variance": t}


CLAIMS = ClaimList()


def _judge_ratio(spec, config, t):
    v = t["variance"]
    z = spec.limits["z"]
    low, high = float((v.n_times_variance - z * v.se).min()), float(
        (v.n_times_variance + z * v.se).max())
    band = (spec.limits["ratio"] * (1 - spec.limits["rel_tol"]),
            spec.limits["ratio"] * (1 + spec.limits["rel_tol"]))
    return spec.result(prediction=f"n·Var = {spec.limits['ratio']:g}",
                       measurement=f"n·Var ± {z:g} SE spans [{low:.3f}, {high:.3f}]",
                       verdict=decide(low, high, band), numbers={"low": low, "high": high})


CLAIMS.claim("V1", statement="Var(mean of n standard normals) = 1/n.", source="folklore",
             source_kind="paper",
             criterion="n·Var ± {z:g} SE inside {ratio:g} ± {rel_tol:.0%} for every n",
             ratio=1.0, rel_tol=0.1, z=3)(_judge_ratio)
CLAIMS.claim("V2", statement="Var(mean of n standard normals) = 2/n (false on purpose).",
             source="folklore", source_kind="paper",
             criterion="n·Var ± {z:g} SE inside {ratio:g} ± {rel_tol:.0%}",
             ratio=2.0, rel_tol=0.1, z=3)(_judge_ratio)


def figures(config: Config, t: dict) -> dict:
    with style():
        fig, ax = plt.subplots(figsize=(3, 2))
        v = t["variance"]
        ax.errorbar(v.n, v.n_times_variance, yerr=v.se, fmt="o")
        ax.set(xscale="log", xlabel="n", ylabel="n · Var(mean)")
    return {"variance": fig}


PAPER = Paper(slug="tiny-paper", title="The variance of a mean", authors="Example",
              arxiv="0000.00000", claims=CLAIMS, make_config=make_config, cells=grid,
              cell_function=CELL_FUNCTION, tables=tables, figures=figures, cuda_capable=False)
