"""One reproduction end to end: config → sweep → tables → claims → figures → outputs."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ._outputs import manifest, write_outputs
from ._paper import SCALES
from ._registry import get_paper
from ._store import CellStore, cell_key
from ._sweep import ENGINES, SweepStats, run_sweep

__all__ = ["UsageError", "resolve_device", "run_paper", "judge_stored", "RunResult",
           "load_tables"]


class UsageError(ValueError):
    """Bad input from the user: reported as one line, exit code 2."""


@dataclass
class RunResult:
    path: Path
    claims: list
    tables: dict
    stats: SweepStats
    manifest: dict


def resolve_device(device: str) -> tuple[str, str]:
    """``auto`` → cuda when present; ``cuda`` without CUDA is a usage error."""
    if device not in ("auto", "cpu", "cuda"):
        raise UsageError(f"unknown device {device!r}; choose from auto, cpu, cuda")
    if device == "cpu":
        return "cpu", "cpu"
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise UsageError("--device cuda was asked for, but CUDA is not available on this "
                         "machine (torch.cuda.is_available() is False)")
    if has_cuda:
        return "cuda", torch.cuda.get_device_name(0)
    return "cpu", "cpu"


def _validate(slug, scale, engine, workers, scheduler):
    try:
        paper = get_paper(slug)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if scale not in SCALES:
        raise UsageError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be ≥ 1, got {workers}")
    if (workers or scheduler) and engine != "dask":
        raise UsageError("--workers and --scheduler need --engine dask")
    if workers and scheduler:
        raise UsageError("give either --workers (local cluster) or --scheduler, not both")
    return paper


def _make_config(paper, scale: str, device: str, seed: int):
    """The paper's config; its ValueErrors (impossible parameters, a bad data path) are the
    user's input, reported as one line."""
    try:
        return paper.make_config(scale, device=device, seed=seed)
    except ValueError as e:
        raise UsageError(str(e)) from None


def run_paper(slug: str, *, scale: str = "quick", device: str = "auto", engine: str = "serial",
              workers: int | None = None, scheduler: str | None = None,
              out: str | Path = "results", seed: int = 0, progress: bool = True) -> RunResult:
    """Run one paper's reproduction and write ``<out>/<slug>/<scale>/``."""
    start = time.perf_counter()
    paper = _validate(slug, scale, engine, workers, scheduler)
    device, device_name = resolve_device(device)
    config = _make_config(paper, scale, device, seed)
    out = Path(out)
    cells = paper.cells(config)
    store = CellStore(out / slug / "cells")
    payloads, stats = run_sweep(slug, paper.cell_function, cells, store, engine=engine,
                                workers=workers, scheduler=scheduler, progress=progress)
    return _finish(paper, config, cells, payloads, stats, out=out, device=device,
                   device_name=device_name, engine=engine, start=start)


def judge_stored(slug: str, *, scale: str = "quick", device: str = "cpu",
                 out: str | Path = "results", seed: int = 0) -> RunResult:
    """Rebuild tables, verdicts and figures from stored cells only, computing nothing: e.g. a
    GPU run's cells (``device="cuda"``) judged again on a laptop after the claims changed.
    Every cell of the grid must be in the store."""
    start = time.perf_counter()
    paper = _validate(slug, scale, "serial", None, None)
    if device not in ("cpu", "cuda"):
        raise UsageError(f"unknown device {device!r}; choose from cpu, cuda")
    config = _make_config(paper, scale, device, seed)
    out = Path(out)
    cells = paper.cells(config)
    store = CellStore(out / slug / "cells")
    fn = paper.cell_function
    payloads = [store.load(cell_key(slug, fn.name, fn.version, c.params, c.seed))
                for c in cells]
    missing = sum(p is None for p in payloads)
    if missing:
        raise UsageError(f"{missing} of {len(cells)} cells of {slug} [{scale}, {device}] are "
                         f"not in {store.root}; run it first")
    previous = out / slug / scale / "manifest.json"
    device_name = device
    if previous.is_file():
        import json

        device_name = json.loads(previous.read_text()).get("device_name", device)
    stats = SweepStats(total=len(cells), reused=len(cells))
    return _finish(paper, config, cells, payloads, stats, out=out, device=device,
                   device_name=device_name, engine="stored", start=start)


def _finish(paper, config, cells, payloads, stats, *, out: Path, device: str,
            device_name: str, engine: str, start: float) -> RunResult:
    """Tables → claims → figures → outputs (staged, then swapped in)."""
    slug = paper.slug
    tables = paper.tables(config, cells, payloads)
    claims = paper.judge(config, tables)
    figures = paper.figures(config, tables)
    man = manifest(paper=paper, config=config, device=device, device_name=device_name,
                   engine=engine, stats=stats, wall_seconds=time.perf_counter() - start,
                   command=sys.argv)
    path = write_outputs(out / slug / config.scale, paper=paper, config=config, tables=tables,
                         claims=claims, figures=figures, man=man)
    import matplotlib.pyplot as plt

    for fig in figures.values():
        plt.close(fig)
    return RunResult(path, claims, tables, stats, man)


def load_tables(slug: str, scale: str = "quick", *, out: str | Path = "results") -> dict:
    """The tables a finished run wrote, as data frames (for notebooks)."""
    import pandas as pd

    folder = Path(out) / slug / scale / "tables"
    if not folder.is_dir():
        raise UsageError(f"no results at {folder}; run `attnlab run {slug} --scale {scale}`")
    return {p.stem: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))}
