"""The command line as a user meets it: bad input is one line, exit code 2, nothing written."""

import os
import subprocess
import sys

import pytest
import torch

ATTNLAB = [sys.executable, "-m", "attnlab.reproductions.cli"]


def attnlab(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([*ATTNLAB, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


@pytest.mark.parametrize("args, message", [
    (["run", "no-such-paper"], "unknown paper 'no-such-paper'"),
    (["run", "inverse-temperature", "--scale", "huge"], "invalid choice: 'huge'"),
    (["run", "inverse-temperature", "--engine", "spark"], "invalid choice: 'spark'"),
    (["run", "inverse-temperature", "--workers", "2"], "need --engine dask"),
    (["run", "inverse-temperature", "--engine", "dask", "--workers", "0"],
     "--workers must be between 1 and"),
    (["run", "Energy-Field"], "unknown paper 'Energy-Field'; known: energy-field, "),
    (["run", "inverse-temperature", "--seed", "-1"], "--seed must be ≥ 0"),
    (["run", "inverse-temperature", "--seeds", "0"], "--seeds must be between 1 and 100"),
    (["run", "inverse-temperature", "--scale", "medium"], "inverse-temperature has no medium "
     "scale; it has smoke, quick, full"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, args, message):
    out = tmp_path / "results"
    r = attnlab(*args, "--out", str(out), cwd=tmp_path) if args[0] == "run" else \
        attnlab(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("attnlab: error:") and message in lines[0]
    assert list(tmp_path.iterdir()) == []  # no results folder, no stray files


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_a_clear_error(tmp_path):
    r = attnlab("run", "inverse-temperature", "--device", "cuda", "--out", str(tmp_path / "o"),
                cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "attnlab: error: --device cuda was asked for, but CUDA is not available on this "
        "machine (torch.cuda.is_available() is False)"]
    assert not (tmp_path / "o").exists()


def test_list_names_papers_claims_and_scales(tmp_path):
    r = attnlab("list", cwd=tmp_path)
    assert r.returncode == 0
    assert "inverse-temperature" in r.stdout and "T7" in r.stdout and "quick" in r.stdout
    slugs = attnlab("list", "--slugs", cwd=tmp_path).stdout.split()
    builtin = ["inverse-temperature", "linear-attention-ntk", "pooled-spectra", "query-learning"]
    assert [s for s in slugs if s in builtin] == builtin  # alphabetical, plugins after


def test_report_without_runs(tmp_path):
    r = attnlab("report", "--out", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 0 and "No runs yet" in (tmp_path / "REPORT.md").read_text()
