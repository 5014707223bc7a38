"""Sweeps: a grid of cells × seeds mapped over a pure cell function, with resume.

Engines
- ``serial``: in this process, one cell after another (debuggable; tests and notebooks).
- ``dask``: Dask distributed. ``workers=N`` starts a LocalCluster of N worker processes on this
  machine; ``scheduler=ADDR`` joins a running scheduler (SLURM via dask-jobqueue, Kubernetes
  via dask-kubernetes, …) unchanged. Workers only compute; this process stores each result as
  it arrives, so workers need no shared file system.

Both engines call the same function on the same parameters, seeds and thread count, so they
give bit-identical payloads: every cell runs with one BLAS/torch thread (a reduction split over
more threads rounds differently), and the parallelism is across cells — the dask engine's
worker processes. A fresh payload is passed through the same JSON round trip as a stored one,
so a resumed run's tables equal an uninterrupted run's to the last bit.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tqdm.auto import tqdm

from ._errors import UsageError
from ._store import CellStore, canonical_json, cell_key, cell_meta

__all__ = ["Cell", "CellFunction", "SweepStats", "run_sweep", "cell_seed", "cells_of_kind",
           "run_kind", "check_scheduler", "ENGINES"]

ENGINES = ("serial", "dask")
CELL_THREADS = 1  # per cell, in every engine: determinism (see the module docstring)


@dataclass(frozen=True)
class Cell:
    """One point of the grid: JSON-plain ``params`` and a ``seed``."""

    params: dict
    seed: int


def cell_seed(run_seed: int, *parts) -> int:
    """A cell's seed: the run seed mixed with the cell's identity ``parts`` (any repr-able
    values) through SHA-256 and SeedSequence — never a global RNG, so a cell's draws do not
    depend on which other cells run or in which order."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256(repr(parts).encode()).digest()
    key = [run_seed, int.from_bytes(digest[:8], "little")]
    return int(np.random.SeedSequence(key).generate_state(1)[0])


def run_kind(functions: dict, params: dict, seed: int):
    """A cell function's body: call ``functions[params["kind"]](params, seed)``; an unknown
    kind is a ValueError naming it."""
    fn = functions.get(params["kind"])
    if fn is None:
        raise ValueError(f"unknown cell kind {params['kind']!r}")
    return fn(params, seed)


def cells_of_kind(cells, payloads, kind: str) -> list[tuple[dict, object]]:
    """(params, payload) of the cells whose ``params["kind"]`` is ``kind``, in grid order."""
    return [(c.params, out) for c, out in zip(cells, payloads, strict=True)
            if c.params["kind"] == kind]


@dataclass(frozen=True)
class CellFunction:
    """A pure, importable function ``fn(params, seed) -> JSON-plain payload``. Bump
    ``version`` whenever its output would change: the version is part of every key.
    ``check(params, payload)``, if given, raises ValueError/KeyError/TypeError for a payload
    that does not have the shape the paper's tables read; a stored payload it rejects is
    treated as corrupt (reported, removed, recomputed) instead of crashing every later run."""

    name: str
    version: int
    fn: Callable
    check: Callable | None = None

    def checker(self, params: dict):
        """``check`` bound to one cell's parameters (None when there is no check)."""
        if self.check is None:
            return None
        return lambda payload: self.check(params, payload)


@dataclass
class SweepStats:
    total: int = 0
    reused: int = 0
    computed: int = 0
    seconds: float = 0.0
    computed_keys: list = field(default_factory=list)


def _execute(fn: Callable, params: dict, seed: int, threads: int):
    """Run one cell under a fixed thread budget (BLAS and torch)."""
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(threads):
            return fn(params, seed)
    finally:
        torch.set_num_threads(before)


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
    metas = [cell_meta(slug, function.name, function.version, c.params, c.seed) for c in cells]
    keys = [cell_key(**m) for m in metas]
    payloads: list = [store.load(k, m, function.checker(c.params))
                      for k, m, c in zip(keys, metas, cells, strict=True)]
    missing = [i for i, p in enumerate(payloads) if p is None]
    stats = SweepStats(total=len(cells), reused=len(cells) - len(missing))
    bar = tqdm(total=len(cells), initial=stats.reused, desc=f"{slug} cells", unit="cell",
               disable=not progress, dynamic_ncols=True)

    def finish(i, payload):
        if function.check is not None:  # a fresh payload passes its own check, or it is a bug
            function.check(cells[i].params, payload)
        store.save(keys[i], metas[i], payload)
        payloads[i] = json.loads(canonical_json(payload))
        stats.computed += 1
        stats.computed_keys.append(keys[i])
        bar.update()

    try:
        if engine == "serial" or not missing:
            for i in missing:
                finish(i, _execute(function.fn, cells[i].params, cells[i].seed, CELL_THREADS))
        else:
            _run_dask(function, cells, missing, finish, workers=workers, scheduler=scheduler)
    finally:
        bar.close()
    stats.seconds = time.perf_counter() - start
    return payloads, stats


# A worker runs cells in a thread beside its event loop; the loop's frequent callbacks take the
# GIL from cells made of many small numpy calls (measured here: 0.49 s per cell in a worker
# against 0.36 s in a plain process; 0.44 s with these intervals).
_QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "5s",
}


def _run_dask(function, cells, missing, finish, *, workers, scheduler):
    import dask
    import distributed  # noqa: F401 - loads its config defaults before we override four

    with dask.config.set(_QUIET_WORKERS):
        _run_dask_client(function, cells, missing, finish, workers=workers, scheduler=scheduler)


def _tagged(fn: Callable, params: dict, seed: int, threads: int) -> dict:
    """A worker's answer names what it was computed for, so that a result delivered for the
    wrong cell (whatever the cause) is caught before it is stored."""
    return {"params": params, "seed": seed, "payload": _execute(fn, params, seed, threads)}


def _probe(scheduler: str) -> None:
    """Refuse a tcp:// address where no Dask scheduler answers within seconds: a Dask
    listener greets a new connection with its handshake (message sizes, then a msgpack map
    naming "compression"); anything else (an HTTP server, silence) is not one. Dask's own
    client can wait far past its timeout on such a peer."""
    from distributed.comm import parse_address, parse_host_port

    scheme, location = parse_address(scheduler)
    if scheme != "tcp":
        return  # tls:// and others: leave it to the client
    host, port = parse_host_port(location)
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.settimeout(5)
        greeting = b""
        while len(greeting) < 64 and b"compression" not in greeting:
            chunk = sock.recv(64)
            if not chunk:
                break
            greeting += chunk
    if b"compression" not in greeting:
        raise ValueError("something answers there, but not with Dask's handshake")


def check_scheduler(scheduler: str) -> None:
    """A usage error unless a Dask scheduler answers at ``scheduler``."""
    _connect(scheduler).close()


def _connect(scheduler: str):
    """A client of a running scheduler; an address that is not one is a usage error."""
    from dask.distributed import Client

    try:
        _probe(scheduler)
        return Client(scheduler, timeout="10s")
    except Exception as e:  # garbage, unreachable, or something else answering there
        why = " ".join(str(e).split())[:200] or type(e).__name__
        raise UsageError(f"--scheduler {scheduler!r}: no Dask scheduler there ({why})") from None


def _quiet_worker_logs() -> None:
    """On a local worker: only errors reach the terminal (not, e.g., a warning for each task
    that Ctrl-C cancelled mid-run)."""
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)


@contextlib.contextmanager
def _workers_ignore_ctrl_c():
    """Ctrl-C in a terminal signals the whole process group: local worker processes started
    in here inherit SIGINT ignored (it survives exec), so only this process hears it and
    shuts them down in order — instead of each worker dying with a traceback while the
    nannies restart them and the run carries on."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# one client per scheduler address per process, shared by concurrent runs and closed by the
# last: two clients in one process share distributed's event loop, and closing one of them
# while the other waits on its futures left that one waiting forever (seen in a test run)
_CLIENTS: dict = {}  # address -> [client, runs using it]
_CLIENTS_LOCK = threading.Lock()


def _acquire_client(scheduler: str):
    with _CLIENTS_LOCK:
        entry = _CLIENTS.get(scheduler)
        if entry is None or entry[0].status not in ("running", "connecting"):
            entry = _CLIENTS[scheduler] = [_connect(scheduler), 0]
        entry[1] += 1
        return entry[0]


def _release_client(scheduler: str) -> None:
    with _CLIENTS_LOCK:
        entry = _CLIENTS[scheduler]
        entry[1] -= 1
        if entry[1] == 0:
            del _CLIENTS[scheduler]
            entry[0].close()


def _run_dask_client(function, cells, missing, finish, *, workers, scheduler):
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    threads = CELL_THREADS
    if scheduler:
        client = _acquire_client(scheduler)
    else:
        env = {v: str(threads) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                          "MKL_NUM_THREADS")}
        n_workers = workers or 2
        with _workers_ignore_ctrl_c():
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, env=env)
        client = Client(cluster)
        client.run(_quiet_worker_logs)
    # task keys unique to this submission: two clients of one scheduler (equal pids are
    # routine in containers) must never share a key, or they receive each other's results
    submission = uuid.uuid4().hex
    try:
        futures = {
            client.submit(_tagged, function.fn, cells[i].params, cells[i].seed, threads,
                          pure=False, key=f"{function.name}-{submission}-{i}"): i
            for i in missing
        }
        for future in as_completed(futures):
            i, answer = futures[future], future.result()
            if (canonical_json(answer["params"]) != canonical_json(cells[i].params)
                    or answer["seed"] != cells[i].seed):
                raise RuntimeError(f"the scheduler returned a result computed for other "
                                   f"parameters than cell {i} of {function.name}; not stored")
            finish(i, answer["payload"])
    finally:
        if scheduler:
            _release_client(scheduler)
        else:
            client.close()
        if cluster is not None:
            cluster.close()
