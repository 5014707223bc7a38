"""The inverse-temperature full scale on one GPU (issue 17): which rows run where, how many, and
that a streamed cell is a valid exact cell. The GPU itself is not needed: streamed rows run on
CPU tensors here."""

import numpy as np
import torch

from attnlab.probes import summarize_row
from attnlab.probes._samplers import exact_row_chunks
from attnlab.reproductions.inverse_temperature import cells as it_cells
from attnlab.reproductions.inverse_temperature import payloads
from attnlab.reproductions.inverse_temperature.config import (
    MEDIAN_ONLY_FAMILIES,
    SCALE_FAMILIES,
    make_config,
)


def _exact(cells):
    return [c.params for c in cells if c.params["kind"] == "exact"]


def test_full_gpu_plan_rows_per_n():
    config = make_config("full", device="cuda")
    rows: dict = {}
    for p in _exact(it_cells.grid(config)):
        rows.setdefault(p["n"], {}).setdefault(p["family"], 0)
        rows[p["n"]][p["family"]] += p["rows"]
        assert p["rows"] % it_cells.GROUP_ROWS == 0
        assert ("stream" in p) == (p["n"] > it_cells.STREAM_ABOVE)
        if p["n"] <= it_cells.CPU_EXACT_MAX_N or p["family"] == "sphere-8":
            assert p["device"] == "cpu"
        else:
            assert p["device"] == "cuda"
    assert max(rows) == 10**9
    for n, per_family in rows.items():
        if n > config.large_n:  # the four log-law families only, on the budget's schedule
            assert set(per_family) == set(SCALE_FAMILIES)
            assert set(per_family.values()) == {dict(config.large_rows)[n]}
        else:
            assert set(per_family.values()) == {config.exact_rows}


def test_smaller_scales_have_no_streamed_rows():
    for scale in ("smoke", "quick"):
        for device in ("cpu", "cuda"):
            assert not any("stream" in p for p in _exact(it_cells.grid(make_config(scale,
                                                                                  device=device))))
    full_cpu = it_cells.grid(make_config("full"))
    assert max(p["n"] for p in _exact(full_cpu)) == 10**7
    # the sphere's 64 semi rows (fewer than a full cell's 128) are one cell, not none
    for family in MEDIAN_ONLY_FAMILIES:
        semi = [c.params for c in full_cpu if c.params["kind"] == "semi"
                and c.params["family"] == family]
        assert semi and {p["rows"] for p in semi} == {64}


def test_streamed_cell_is_a_valid_exact_cell():
    """A streamed cell (small n, small chunks, CPU tensors): its payload passes the exact
    cell's check and its Λ̂ are those of the same rows summarised whole."""
    x = list(np.geomspace(1e-2, 1e2, 21))
    params = {"kind": "exact", "family": "gaussian", "n": 20_000, "rows": 4, "block": 0,
              "x": x, "skip": 8, "device": "cpu", "stream": 3_000}
    seed = 123
    out = it_cells.CELL_FUNCTION.fn(params, seed)
    payloads.check(params, out)
    assert out["checks"]["pairs"] > 0 and out["checks"]["max_weight_violations"] == 0
    rng = np.random.default_rng(seed)
    for row, s in zip(out["rows"], rng.integers(0, 2**63 - 1, size=4), strict=True):
        scores = torch.cat(list(exact_row_chunks("gaussian", 20_000, seed=int(s),
                                                 chunk=3_000)())).numpy()
        ref = summarize_row(scores.max() - scores, [1.0], skip=8)
        assert row[:2] == [ref.lambda_raw, ref.lambda_robust]
        assert row[4:] == [None, None]  # no bulk distance for a log-law family
