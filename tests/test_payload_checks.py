"""Every paper's payload check: a stored cell whose payload has the wrong shape for the tables
(a key dropped, a list turned into a number, a length that no longer matches) is reported as
corrupt and recomputed by the next run, instead of crashing it; what the cell computes passes."""

import copy
import json

import pytest

from attnlab.reproductions._registry import get_paper
from attnlab.reproductions._store import CellStore, CorruptCellWarning, cell_key, cell_meta
from attnlab.reproductions._sweep import run_sweep


def _moments_to_a_number(payload):
    payload["moments"] = 0.5


def _one_width_fewer(payload):
    payload["e_op"] = payload["e_op"][:-1]


def _drop_a_run_key(payload):
    del payload["runs"][0]["err_W"]


def _sums_to_a_number(payload):
    payload["sum"]["pmax"] = 1.0


BREAKS = [  # (paper, a cheap kind of its smoke grid, how the stored payload is broken)
    ("pooled-spectra", "bulk", _moments_to_a_number),
    ("linear-attention-ntk", "kernel", _one_width_fewer),
    ("query-learning", "transformer", _drop_a_run_key),  # exact cells time themselves
    ("inverse-temperature", "semi", _sums_to_a_number),
]


@pytest.mark.parametrize("slug, kind, breaks", BREAKS, ids=[b[0] for b in BREAKS])
def test_a_stored_payload_of_the_wrong_shape_is_recomputed(tmp_path, slug, kind, breaks):
    paper = get_paper(slug)
    fn = paper.cell_function
    assert fn.check is not None
    cell = next(c for c in paper.cells(paper.make_config("smoke", device="cpu", seed=0))
                if c.params["kind"] == kind)
    store = CellStore(tmp_path / slug / "cells")
    (payload,), stats = run_sweep(slug, fn, [cell], store, progress=False)
    assert stats.computed == 1
    fn.check(cell.params, payload)  # what the cell computes has the shape

    broken = copy.deepcopy(payload)
    breaks(broken)
    with pytest.raises((ValueError, KeyError, TypeError)):
        fn.check(cell.params, broken)
    meta = cell_meta(slug, fn.name, fn.version, cell.params, cell.seed)
    key = cell_key(**meta)
    store.save(key, meta, broken)  # a valid checksum: only the shape is wrong
    assert json.loads(store.path(key).read_text())["payload"] == broken

    with pytest.warns(CorruptCellWarning, match="does not have the shape the tables read"):
        (again,), stats = run_sweep(slug, fn, [cell], store, progress=False)
    assert stats.computed == 1 and stats.reused == 0
    assert again == payload
    assert json.loads(store.path(key).read_text())["payload"] == payload
    # and the run after that reuses the recomputed cell
    (_,), stats = run_sweep(slug, fn, [cell], store, progress=False)
    assert stats.reused == 1
