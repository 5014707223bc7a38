"""The exploration notebook runs top to bottom (smoke scale, reading the stored cells)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "inverse-temperature.ipynb"


@pytest.mark.slow
def test_notebook_executes(smoke_run, monkeypatch, tmp_path):
    out, result = smoke_run
    monkeypatch.setenv("ATTNLAB_SCALE", "smoke")
    monkeypatch.setenv("ATTNLAB_OUT", str(out))
    monkeypatch.setenv("PYTHONPATH", str(NOTEBOOK.parents[1]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert f"0 cells computed, {result.stats.total} read back" in printed
