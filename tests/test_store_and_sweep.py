import json
import warnings

import pytest

from attnlab.reproductions import Cell, CellFunction, CellStore, cell_key, run_sweep
from attnlab.reproductions._store import CorruptCellWarning


def square(params, seed):
    return {"value": params["x"] ** 2 + seed, "x": params["x"]}


FN = CellFunction("tests.square", 1, square)
CELLS = [Cell({"x": x}, seed=s) for x in range(4) for s in range(2)]


def test_key_depends_on_every_part():
    base = cell_key("p", "f", 1, {"a": 1}, 0)
    assert base == cell_key("p", "f", 1, {"a": 1}, 0)
    others = [cell_key("q", "f", 1, {"a": 1}, 0), cell_key("p", "g", 1, {"a": 1}, 0),
              cell_key("p", "f", 2, {"a": 1}, 0), cell_key("p", "f", 1, {"a": 2}, 0),
              cell_key("p", "f", 1, {"a": 1}, 1)]
    assert base not in others and len(set(others)) == len(others)


def test_rerun_reuses_every_cell(tmp_path):
    store = CellStore(tmp_path)
    first, s1 = run_sweep("t", FN, CELLS, store, progress=False)
    second, s2 = run_sweep("t", FN, CELLS, store, progress=False)
    assert first == second
    assert (s1.computed, s1.reused) == (8, 0) and (s2.computed, s2.reused) == (0, 8)
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary files left behind


@pytest.mark.parametrize("damage", ["truncate", "tamper", "garbage"])
def test_corrupt_cell_is_reported_and_recomputed(tmp_path, damage):
    store = CellStore(tmp_path)
    expected, _ = run_sweep("t", FN, CELLS, store, progress=False)
    key = cell_key("t", FN.name, FN.version, CELLS[3].params, CELLS[3].seed)
    path = store.path(key)
    text = path.read_text()
    if damage == "truncate":
        path.write_text(text[: len(text) // 2])
    elif damage == "tamper":
        record = json.loads(text)
        record["payload"]["value"] = -1
        path.write_text(json.dumps(record))
    else:
        path.write_bytes(b"\x00\xff not json")
    with pytest.warns(CorruptCellWarning, match="corrupt cell"):
        again, stats = run_sweep("t", FN, CELLS, store, progress=False)
    assert again == expected and stats.computed == 1 and stats.computed_keys == [key]


def test_store_rejects_non_json_payloads(tmp_path):
    with pytest.raises(TypeError):
        CellStore(tmp_path).save("ab" * 16, {}, object())


@pytest.mark.slow
def test_dask_engine_gives_the_serial_payloads(tmp_path):
    serial, _ = run_sweep("t", FN, CELLS, CellStore(tmp_path / "a"), progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's own start-up chatter
        dask, stats = run_sweep("t", FN, CELLS, CellStore(tmp_path / "b"), engine="dask",
                                workers=2, progress=False)
    assert dask == serial and stats.computed == len(CELLS)


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown engine"):
        run_sweep("t", FN, CELLS, CellStore("/nonexistent"), engine="spark")


@pytest.mark.slow
def test_joining_a_running_scheduler(tmp_path):
    """--scheduler ADDR: the path a SLURM or Kubernetes cluster takes (here a local one)."""
    from dask.distributed import LocalCluster

    serial, _ = run_sweep("t", FN, CELLS, CellStore(tmp_path / "a"), progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                          dashboard_address=None) as cluster:
            joined, _ = run_sweep("t", FN, CELLS, CellStore(tmp_path / "b"), engine="dask",
                                  scheduler=cluster.scheduler_address, progress=False)
    assert joined == serial
