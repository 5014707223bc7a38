"""Sweeps: a grid of cells × seeds mapped over a pure cell function, with resume.

Engines
- ``serial``: in this process, one cell after another (debuggable; tests and notebooks).
- ``dask``: Dask distributed. ``workers=N`` starts a LocalCluster of N worker processes on this
  machine; ``scheduler=ADDR`` joins a running scheduler (SLURM via dask-jobqueue, Kubernetes
  via dask-kubernetes, …) unchanged. Workers only compute; this process stores each result as
  it arrives, so workers need no shared file system.

Both engines call the same function on the same parameters and seeds, so they give the same
payloads. Each worker gets its share of the cores for BLAS and torch threads: on a 2-core
machine, oversubscribed BLAS threads are many times slower than one thread per process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tqdm.auto import tqdm

from ._store import CellStore, cell_key

__all__ = ["Cell", "CellFunction", "SweepStats", "run_sweep", "ENGINES"]

ENGINES = ("serial", "dask")


@dataclass(frozen=True)
class Cell:
    """One point of the grid: JSON-plain ``params`` and a ``seed``."""

    params: dict
    seed: int


@dataclass(frozen=True)
class CellFunction:
    """A pure, importable function ``fn(params, seed) -> JSON-plain payload``. Bump
    ``version`` whenever its output would change: the version is part of every key."""

    name: str
    version: int
    fn: Callable


@dataclass
class SweepStats:
    total: int = 0
    reused: int = 0
    computed: int = 0
    seconds: float = 0.0
    computed_keys: list = field(default_factory=list)


def _execute(fn: Callable, params: dict, seed: int, threads: int):
    """Run one cell under a fixed thread budget (BLAS and torch)."""
    from threadpoolctl import threadpool_limits

    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:  # pragma: no cover - torch is a hard dependency
        pass
    with threadpool_limits(threads):
        return fn(params, seed)


def run_sweep(
    slug: str,
    function: CellFunction,
    cells: Sequence[Cell],
    store: CellStore,
    *,
    engine: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> tuple[list, SweepStats]:
    """Payloads for ``cells`` (in order), computing only those not already in ``store``."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    start = time.perf_counter()
    keys = [cell_key(slug, function.name, function.version, c.params, c.seed) for c in cells]
    payloads: list = [store.load(k) for k in keys]
    missing = [i for i, p in enumerate(payloads) if p is None]
    stats = SweepStats(total=len(cells), reused=len(cells) - len(missing))
    bar = tqdm(total=len(cells), initial=stats.reused, desc=f"{slug} cells", unit="cell",
               disable=not progress, dynamic_ncols=True)

    def finish(i, payload):
        meta = {"slug": slug, "function": function.name, "version": function.version,
                "params": cells[i].params, "seed": cells[i].seed}
        store.save(keys[i], meta, payload)
        payloads[i] = payload
        stats.computed += 1
        stats.computed_keys.append(keys[i])
        bar.update()

    try:
        if engine == "serial" or not missing:
            threads = os.cpu_count() or 1
            for i in missing:
                finish(i, _execute(function.fn, cells[i].params, cells[i].seed, threads))
        else:
            _run_dask(function, cells, missing, finish, workers=workers, scheduler=scheduler)
    finally:
        bar.close()
    stats.seconds = time.perf_counter() - start
    return payloads, stats


def _run_dask(function, cells, missing, finish, *, workers, scheduler):
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="20s")
        threads = 1
    else:
        n_workers = workers or 2
        threads = max(1, (os.cpu_count() or 1) // n_workers)
        env = {v: str(threads) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                          "MKL_NUM_THREADS")}
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, env=env)
        client = Client(cluster)
    try:
        futures = {
            client.submit(_execute, function.fn, cells[i].params, cells[i].seed, threads,
                          pure=False, key=f"{function.name}-{i}-{os.getpid()}"): i
            for i in missing
        }
        for future in as_completed(futures):
            finish(futures[future], future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
