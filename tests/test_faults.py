"""Fault injection: what the store, the engines, the outputs and the CLI do when things go
wrong — nothing stored under the wrong key, nothing lost, one line for every user error."""

import dataclasses
import http.server
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from attnlab.reproductions import Cell, CellFunction, CellStore, cell_key, run_sweep, write_report
from attnlab.reproductions._outputs import _HOST, write_outputs
from attnlab.reproductions._store import CorruptCellWarning, cell_meta

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "attnlab.reproductions.cli"]


def slow_cell(params: dict, seed: int) -> dict:
    """A cell that says what it was computed for, slowly enough that two runs overlap."""
    time.sleep(params["sleep"])
    return {"x": params["x"], "seed": seed}


SLOW = CellFunction("test_faults.slow_cell", 1, slow_cell)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    start = time.perf_counter()
    r = subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                       env=env)
    return r, time.perf_counter() - start


# ---- the store -------------------------------------------------------------------------------

def _key_and_meta(params, seed, fn=SLOW):
    meta = cell_meta("demo", fn.name, fn.version, params, seed)
    return cell_key(**meta), meta


def test_a_payload_stored_under_another_cells_key_is_never_reused(tmp_path):
    store = CellStore(tmp_path)
    key_a, meta_a = _key_and_meta({"x": 1, "sleep": 0}, 0)
    _, meta_b = _key_and_meta({"x": 1, "sleep": 0}, 1)
    store.save(key_a, meta_b, {"x": 1, "seed": 1})  # valid checksum, wrong cell
    with pytest.warns(CorruptCellWarning, match="other parameters or another seed"):
        assert store.load(key_a, meta_a) is None
    assert not store.path(key_a).exists()


@pytest.mark.parametrize("damage", ["folder", "deep", "bytes"])
def test_damaged_cell_files_are_recomputed_not_fatal(tmp_path, damage):
    store = CellStore(tmp_path)
    params = {"x": 2, "sleep": 0}
    key, meta = _key_and_meta(params, 0)
    path = store.path(key)
    path.parent.mkdir(parents=True)
    if damage == "folder":
        path.mkdir()
    elif damage == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    else:
        path.write_bytes(os.urandom(256))
    with pytest.warns(CorruptCellWarning):
        payloads, stats = run_sweep("demo", SLOW, [Cell(params, 0)], store, progress=False)
    assert payloads == [{"x": 2, "seed": 0}] and stats.computed == 1
    assert store.load(key, meta) == {"x": 2, "seed": 0}


def test_a_read_only_store_reports_but_keeps_a_corrupt_cell(tmp_path):
    key, meta = _key_and_meta({"x": 3, "sleep": 0}, 0)
    CellStore(tmp_path).save(key, meta, {"x": 3, "seed": 0})
    path = CellStore(tmp_path).path(key)
    path.write_text(path.read_text().replace('"x":3', '"x":4'))
    before = path.read_bytes()
    with pytest.warns(CorruptCellWarning, match="left in place"):
        assert CellStore(tmp_path, read_only=True).load(key, meta) is None
    assert path.read_bytes() == before


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_cells_and_outputs_follow_the_umask(tmp_path, umask):
    before = os.umask(umask)
    try:
        key, meta = _key_and_meta({"x": 5, "sleep": 0}, 0)
        store = CellStore(tmp_path / "cells")
        store.save(key, meta, {"x": 5})
        dest = _write(tmp_path / "out" / "smoke", 1)
        report = write_report(tmp_path / "out")
    finally:
        os.umask(before)
    for path in (store.path(key), dest / "verdict.json", dest / "tables" / "t.csv", report):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


# ---- the dask engine -------------------------------------------------------------------------

@pytest.fixture
def scheduler():
    """A real Dask scheduler and one worker on loopback (the worker imports this module)."""
    port = _free_port()
    dask = Path(sys.executable).parent / "dask"
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    address = f"tcp://127.0.0.1:{port}"
    procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads",
                                   "2", "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL))
    try:
        from dask.distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(1, timeout=30)
        yield address
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.mark.slow
def test_two_clients_of_one_scheduler_never_receive_each_others_results(scheduler, tmp_path):
    """Two runs from one process (so: the same pid) on one scheduler at the same time, with
    the same cells but different seeds — each must store its own results, and neither may be
    left waiting (they share the process's one client of that scheduler: closing a second
    client once left the other run waiting forever)."""
    cells = {seed: [Cell({"x": i, "sleep": 0.4}, seed) for i in range(4)] for seed in (0, 1)}
    results, errors = {}, {}

    def run(seed):
        try:
            results[seed] = run_sweep("demo", SLOW, cells[seed], CellStore(tmp_path / str(seed)),
                                      engine="dask", scheduler=scheduler, progress=False)[0]
        except BaseException as e:  # shown below: a thread's exception is otherwise lost
            errors[seed] = repr(e)

    threads = [threading.Thread(target=run, args=(s,)) for s in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads), errors
    for seed in (0, 1):
        assert results[seed] == [{"x": i, "seed": seed} for i in range(4)]


# ---- the outputs -----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Config:
    scale: str = "smoke"
    seed: int = 0


class _Paper:
    slug, title, authors, arxiv = "demo", "Demo", "Nobody", "0000.00000"


def _write(dest, value):
    man = {"slug": "demo", "scale": "smoke", "config_hash": "h", "git_sha": "g",
           "device": "cpu", "device_name": "cpu", "engine": "serial"}
    return write_outputs(dest, paper=_Paper, config=_Config(), tables={
        "t": pd.DataFrame({"v": [value]})}, claims=[], figures={}, man=man)


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_swap_killed_between_its_renames_is_repaired_by_the_next_run(tmp_path):
    dest = tmp_path / "smoke"
    _write(dest, 1)
    pid = _dead_pid()
    os.replace(dest, tmp_path / f".smoke.old-abc-{_HOST}-{pid}")  # killed mid-swap
    (tmp_path / f".smoke.staging-def-{_HOST}-{pid}").mkdir()  # and a dead run's staging
    kept = [f".smoke.staging-abc-otherhost-{pid}",  # another host's: its pid means nothing
            ".smoke.notes-1"]  # not a name attnlab makes
    for name in kept:
        (tmp_path / name).mkdir()
    assert write_report(tmp_path).read_text().count("| demo |") == 0  # leftovers aren't runs
    _write(dest, 2)
    assert pd.read_csv(dest / "tables" / "t.csv").v.tolist() == [2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".smoke.lock", "REPORT.md", "smoke", *kept])


def test_concurrent_writers_of_one_folder_both_succeed(tmp_path):
    dest, errors = tmp_path / "smoke", []

    def write(v):
        try:
            for _ in range(5):
                _write(dest, v)
        except Exception as e:  # noqa: BLE001 - the test reports any
            errors.append(e)

    threads = [threading.Thread(target=write, args=(v,)) for v in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert pd.read_csv(dest / "tables" / "t.csv").v.tolist() in ([1], [2])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".smoke.lock", "smoke"]


# ---- the command line ------------------------------------------------------------------------

@pytest.fixture
def not_a_scheduler():
    """An HTTP server on loopback: something answers, but it is not Dask."""
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _one_line_exit_2(r, seconds, message):
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("attnlab: error:"), r.stderr
    assert message in lines[0], lines[0]
    assert seconds < 10 + 5  # + interpreter start-up on a loaded 2-core machine


@pytest.mark.parametrize("args, message", [
    (["--out", ""], "--out is empty"),
    (["--out", "FILE"], "is a file, not a folder"),
    (["--out", "FILE/sub"], "is a file, not a folder"),
    (["--out", "/proc/attnlab-results"], "cannot write in /proc"),
    (["--out", "x" * 5000], "File name too long"),
    (["--engine", "dask", "--workers", "1000000"], "--workers must be between 1 and"),
    (["--engine", "dask", "--scheduler", "garbage"], "no Dask scheduler there"),
    (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"], "no Dask scheduler there"),
])
def test_bad_run_input_is_one_line_exit_2_nothing_written(tmp_path, args, message):
    (tmp_path / "FILE").write_text("mine\n")
    args = [a if a not in ("FILE", "FILE/sub") else str(tmp_path / a) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "results")]
    r, seconds = _cli("run", "query-learning", "--scale", "smoke", *args, cwd=tmp_path)
    _one_line_exit_2(r, seconds, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FILE"]
    assert (tmp_path / "FILE").read_text() == "mine\n"


def test_a_bad_scheduler_is_refused_even_when_every_cell_is_stored(tmp_path):
    """Validation comes first, not only when there is something to compute."""
    out = tmp_path / "r"
    r, _ = _cli("run", "query-learning", "--scale", "smoke", "--out", str(out),
                "--no-progress", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r, seconds = _cli("run", "query-learning", "--scale", "smoke", "--engine", "dask",
                      "--scheduler", "garbage", "--out", str(out), cwd=tmp_path)
    _one_line_exit_2(r, seconds, "no Dask scheduler there")


def test_an_address_that_is_not_a_dask_scheduler_is_one_line(tmp_path, not_a_scheduler):
    r, seconds = _cli("run", "query-learning", "--scale", "smoke", "--engine", "dask",
                      "--scheduler", not_a_scheduler, "--out", str(tmp_path / "r"),
                      cwd=tmp_path)
    _one_line_exit_2(r, seconds, "no Dask scheduler there")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("case", ["corrupt", "stability", "not-a-folder", "missing", "empty"])
def test_bad_report_input_is_one_line_exit_2(tmp_path, case):
    out = tmp_path / "results"
    if case in ("corrupt", "stability"):
        (out / "demo" / "quick").mkdir(parents=True)
        (out / "demo" / "quick" / "verdict.json").write_text(
            '{"slug": "demo", "claims": [' if case == "corrupt" else json.dumps(
                {"slug": "demo", "scale": "quick", "title": "t", "arxiv": "a", "claims": [
                    {"id": "C1", "verdict": "reproduced", "measurement": "m",
                     "stability": 5}]}))
    elif case == "not-a-folder":
        out.write_text("x")
    r, seconds = _cli("report", "--out", "" if case == "empty" else str(out), cwd=tmp_path)
    _one_line_exit_2(r, seconds, {"corrupt": "is not a readable verdict file",
                                  "stability": "malformed stability record",
                                  "not-a-folder": "is not a folder",
                                  "missing": "no results folder",
                                  "empty": "--out is empty"}[case])
    assert case != "missing" or not out.exists()
    assert not (out / "REPORT.md").exists() if out.is_dir() else True


def test_warnings_filter_is_strict():
    # the store's warnings are errors in tests (pyproject's filterwarnings): the tests above
    # that expect them must catch them, or they would fail — check the filter is in force
    with pytest.raises(CorruptCellWarning):
        warnings.warn("x", CorruptCellWarning, stacklevel=1)


def _checked(params, payload):
    if set(payload) != {"x", "seed"} or not isinstance(payload["x"], int):
        raise ValueError(f"expected {{'x': int, 'seed': int}}, got keys {sorted(payload)}")


CHECKED = CellFunction("test_faults.slow_cell", 1, slow_cell, check=_checked)


def test_a_stored_payload_of_the_wrong_shape_is_recomputed(tmp_path):
    """Valid checksum, right key, wrong shape (an old cell function, a hand edit): without a
    check every later run would crash in the tables; with one it is recomputed."""
    store = CellStore(tmp_path)
    params = {"x": 7, "sleep": 0}
    key, meta = _key_and_meta(params, 0, CHECKED)
    store.save(key, meta, {"values": [1, 2]})
    with pytest.warns(CorruptCellWarning, match="does not have the shape the tables read"):
        payloads, stats = run_sweep("demo", CHECKED, [Cell(params, 0)], store, progress=False)
    assert payloads == [{"x": 7, "seed": 0}] and stats.computed == 1
