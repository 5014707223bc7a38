"""One reproduction end to end: config → sweep → tables → claims → figures → outputs."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ._claims import across_seeds
from ._errors import UsageError
from ._outputs import manifest, write_outputs
from ._paper import SCALES
from ._registry import get_paper
from ._store import CellStore, cell_key, cell_meta
from ._sweep import ENGINES, SweepStats, run_sweep

__all__ = ["UsageError", "resolve_device", "run_paper", "judge_stored", "RunResult",
           "load_tables"]


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


MAX_SEEDS = 100  # a stability check, not a sweep: more seeds are a bigger grid


def _validate_seeds(seed: int, seeds: int) -> list[int]:
    if seed < 0:
        raise UsageError(f"--seed must be ≥ 0, got {seed}")
    if not 1 <= seeds <= MAX_SEEDS:
        raise UsageError(f"--seeds must be between 1 and {MAX_SEEDS}, got {seeds}")
    return list(range(seed, seed + seeds))


MAX_WORKERS = 4 * (os.cpu_count() or 1)  # local worker processes: more only thrash


def _validate_out(out, *, slug: str, scale: str) -> Path:
    """The results folder: a folder (existing or creatable) this user can write into, and
    so are its ``<slug>/cells`` and ``<slug>/<scale>`` where they exist. Checked before
    anything is computed; nothing is created here."""
    if str(out).strip() == "":
        raise UsageError("--out is empty; name a results folder (default: results)")
    out = Path(out)
    try:
        for folder in (out, out / slug, out / slug / "cells", out / slug / scale):
            if folder.exists() and not folder.is_dir():
                raise UsageError(f"--out {out}: {folder} is a file, not a folder")
            if folder.is_dir():
                _try_writing(folder, out)
        probe = out
        while not probe.exists():
            if probe.is_symlink():
                raise UsageError(f"--out {out}: {probe} is a broken link")
            probe = probe.parent
        if not probe.is_dir():
            raise UsageError(f"--out {out}: {probe} is a file, not a folder")
        _try_writing(probe, out)
    except OSError as e:  # a name too long, a folder we may not even look into, …
        raise UsageError(f"--out {out}: {e.strerror or e}") from None
    return out


def _try_writing(folder: Path, out: Path) -> None:
    try:  # os.access says yes to root even on a read-only file system: try it
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as e:
        raise UsageError(f"--out {out}: cannot write in {folder} ({e.strerror})") from None


def _validate(slug, scale, engine, workers, scheduler):
    try:
        paper = get_paper(slug)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if scale not in SCALES:
        raise UsageError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    if scale not in paper.scales:
        raise UsageError(f"{slug} has no {scale} scale; it has {', '.join(paper.scales)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be between 1 and {MAX_WORKERS} (4 × this machine's "
                         f"{os.cpu_count()} cores), got {workers}")
    if scheduler is not None and not scheduler.strip():
        raise UsageError("--scheduler is empty; give an address such as tcp://host:8786")
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
              out: str | Path = "results", seed: int = 0, seeds: int = 1,
              progress: bool = True) -> RunResult:
    """Run one paper's reproduction and write ``<out>/<slug>/<scale>/``.

    ``seeds = K`` judges every claim on K independent run seeds (``seed``, ``seed + 1``, …)
    in one sweep (a cell two seeds share is computed once) and records each claim's
    agreement (:func:`across_seeds`); tables and figures are the first seed's."""
    start = time.perf_counter()
    paper = _validate(slug, scale, engine, workers, scheduler)
    run_seeds = _validate_seeds(seed, seeds)
    out = _validate_out(out, slug=slug, scale=scale)
    if scheduler:  # a bad address is one line before anything is read or computed
        from ._sweep import check_scheduler

        check_scheduler(scheduler)
    device, device_name = resolve_device(device)
    configs = [_make_config(paper, scale, device, s) for s in run_seeds]
    grids = [paper.cells(c) for c in configs]
    fn = paper.cell_function
    unique = {}
    for cells in grids:
        for c in cells:
            unique.setdefault(cell_key(slug, fn.name, fn.version, c.params, c.seed), c)
    store = CellStore(out / slug / "cells")
    payloads, stats = run_sweep(slug, fn, list(unique.values()), store, engine=engine,
                                workers=workers, scheduler=scheduler, progress=progress)
    by_key = dict(zip(unique, payloads, strict=True))
    per_seed = [[by_key[cell_key(slug, fn.name, fn.version, c.params, c.seed)] for c in cells]
                for cells in grids]
    return _finish(paper, configs, grids, per_seed, stats, out=out, device=device,
                   device_name=device_name, engine=engine, start=start)


def judge_stored(slug: str, *, scale: str = "quick", device: str = "cpu",
                 out: str | Path = "results", seed: int = 0, seeds: int = 1) -> RunResult:
    """Rebuild tables, verdicts and figures from stored cells only, computing nothing and
    changing no cell: e.g. a GPU run's cells (``device="cuda"``) judged again on a laptop
    after the claims changed. Every cell of the grid (of every seed) must be in the store."""
    start = time.perf_counter()
    paper = _validate(slug, scale, "serial", None, None)
    run_seeds = _validate_seeds(seed, seeds)
    out = _validate_out(out, slug=slug, scale=scale)
    if device not in ("cpu", "cuda"):
        raise UsageError(f"unknown device {device!r}; choose from cpu, cuda")
    configs = [_make_config(paper, scale, device, s) for s in run_seeds]
    grids = [paper.cells(c) for c in configs]
    store = CellStore(out / slug / "cells", read_only=True)  # judging changes no cell
    fn = paper.cell_function
    per_seed, missing, total = [], 0, 0
    for cells in grids:
        metas = [cell_meta(slug, fn.name, fn.version, c.params, c.seed) for c in cells]
        payloads = [store.load(cell_key(**m), m, fn.checker(c.params))
                    for m, c in zip(metas, cells, strict=True)]
        missing += sum(p is None for p in payloads)
        total += len(cells)
        per_seed.append(payloads)
    if missing:
        raise UsageError(f"{missing} of {total} cells of {slug} [{scale}, {device}, seeds "
                         f"{run_seeds[0]}–{run_seeds[-1]}] are not in {store.root}; run it first")
    previous = out / slug / scale / "manifest.json"
    device_name = device
    if previous.is_file():
        import json

        try:
            device_name = json.loads(previous.read_text()).get("device_name", device)
        except (OSError, ValueError, AttributeError):
            pass  # the previous manifest is only where the device's name is read from
    stats = SweepStats(total=total, reused=total)
    return _finish(paper, configs, grids, per_seed, stats, out=out, device=device,
                   device_name=device_name, engine="stored", start=start)


def _finish(paper, configs, grids, per_seed, stats, *, out: Path, device: str,
            device_name: str, engine: str, start: float) -> RunResult:
    """Tables → claims (per seed, then their agreement) → figures → outputs (staged, then
    swapped in)."""
    slug = paper.slug
    judged = {}
    for config, cells, payloads in zip(configs, grids, per_seed, strict=True):
        tables = paper.tables(config, cells, payloads)
        judged[config.seed] = paper.judge(config, tables)
        if len(judged) == 1:
            config0, tables0 = config, tables
    claims = across_seeds(judged)
    figures = paper.figures(config0, tables0)
    man = manifest(paper=paper, config=config0, device=device, device_name=device_name,
                   engine=engine, stats=stats, wall_seconds=time.perf_counter() - start,
                   command=sys.argv)
    man["seeds"] = list(judged)
    path = write_outputs(out / slug / config0.scale, paper=paper, config=config0,
                         tables=tables0, claims=claims, figures=figures, man=man)
    import matplotlib.pyplot as plt

    for fig in figures.values():
        plt.close(fig)
    return RunResult(path, claims, tables0, stats, man)


def load_tables(slug: str, scale: str = "quick", *, out: str | Path = "results") -> dict:
    """The tables a finished run wrote, as data frames (for notebooks)."""
    import pandas as pd

    folder = Path(out) / slug / scale / "tables"
    if not folder.is_dir():
        raise UsageError(f"no results at {folder}; run `attnlab run {slug} --scale {scale}`")
    return {p.stem: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))}
