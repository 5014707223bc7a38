"""The exploration notebook runs top to bottom at quick scale, after the quick reproduction,
reading its stored cells back instead of recomputing them (how a researcher meets it)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from reproductions import run_paper

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "inverse-temperature.ipynb"


@pytest.mark.slow
def test_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    quick = run_paper("inverse-temperature", scale="quick", device="cpu", out=tmp_path,
                      progress=False)
    assert len(quick.claims) == 7
    monkeypatch.setenv("ATTNLAB_SCALE", "quick")
    monkeypatch.setenv("ATTNLAB_OUT", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(NOTEBOOK.parents[1]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    assert images >= 4  # the row-by-hand plot, two collapse plots, β_½, the 1e12 row


@pytest.mark.slow
def test_query_learning_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    notebook = NOTEBOOK.parent / "query-learning.ipynb"
    quick = run_paper("query-learning", scale="quick", device="cpu", out=tmp_path,
                      progress=False)
    assert [c.id for c in quick.claims] == [f"B{i}" for i in range(1, 9)]
    monkeypatch.setenv("ATTNLAB_SCALE", "quick")
    monkeypatch.setenv("ATTNLAB_OUT", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(notebook.parents[1]))
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    assert "queries 272 (d² + d = 272)" in printed  # the oracle's count for d = 16
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    assert images >= 4


@pytest.mark.slow
def test_pooled_spectra_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    notebook = NOTEBOOK.parent / "pooled-spectra.ipynb"
    quick = run_paper("pooled-spectra", scale="quick", device="cpu", out=tmp_path,
                      progress=False)
    monkeypatch.setenv("ATTNLAB_SCALE", "quick")
    monkeypatch.setenv("ATTNLAB_OUT", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(notebook.parents[1]))
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    assert "KS to MP_δ ⊠ MP_γ" in printed
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []))
    assert images >= 5
