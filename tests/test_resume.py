"""Kill a real sweep mid-way, rerun it, and compare with a run that was never interrupted."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

CMD = [sys.executable, "-m", "attnlab.reproductions.cli", "run", "inverse-temperature",
       "--scale", "smoke", "--device", "cpu", "--no-progress"]


def _cells(out: Path) -> dict:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in (out / "inverse-temperature" / "cells").glob("*/*.json")}


@pytest.mark.slow
def test_killed_run_resumes_without_recomputing(tmp_path, smoke_run):
    reference_out, reference = smoke_run
    out = tmp_path / "results"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([*CMD, "--out", str(out)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while len(_cells(out)) < 5 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _cells(out)
    total = reference.stats.total
    assert 5 <= len(done) < total, "the kill should land mid-sweep"
    assert not (out / "inverse-temperature" / "smoke").exists()  # no half-written outputs

    rerun = subprocess.run([*CMD, "--out", str(out)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{total - len(done)} cells computed, {len(done)} reused" in rerun.stdout
    after = _cells(out)
    assert all(after[name] == stamp for name, stamp in done.items())  # none rewritten
    for name in ("curves", "rows", "bounds", "scale_law", "heads"):
        a = pd.read_csv(out / "inverse-temperature" / "smoke" / "tables" / f"{name}.csv")
        b = pd.read_csv(reference_out / "inverse-temperature" / "smoke" / "tables" /
                        f"{name}.csv")
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow
def test_ctrl_c_is_one_line_and_leaves_a_resumable_store(tmp_path):
    out = tmp_path / "results"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([*CMD, "--out", str(out)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while len(_cells(out)) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == [
        "attnlab: interrupted; every finished cell is stored — run the same command again "
        "to resume"]
    done = len(_cells(out))
    assert done >= 3 and not (out / "inverse-temperature" / "smoke").exists()
    rerun = subprocess.run([*CMD, "--out", str(out)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0 and f"{done} reused" in rerun.stdout, rerun.stderr


@pytest.mark.slow
def test_ctrl_c_under_dask_is_one_line_too(tmp_path):
    """A terminal's Ctrl-C signals the whole process group, local workers included: the
    workers ignore it and this process shuts them down — one line, no worker tracebacks."""
    out = tmp_path / "results"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cmd = [sys.executable, "-m", "attnlab.reproductions.cli", "run", "pooled-spectra",
           "--scale", "quick", "--device", "cpu", "--no-progress", "--out", str(out),
           "--engine", "dask", "--workers", "2"]  # quick: long enough to stop mid-sweep
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while (len(list((out / "pooled-spectra" / "cells").glob("*/*.json"))) < 3
           and time.time() < deadline and proc.poll() is None):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines() == [
        "attnlab: interrupted; every finished cell is stored — run the same command again "
        "to resume"]
    assert not (out / "pooled-spectra" / "quick").exists()
