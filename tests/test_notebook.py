"""The exploration notebooks run top to bottom at quick scale, after the quick reproduction,
reading its stored cells back instead of recomputing them (how a researcher meets them)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from reproductions import run_paper

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _run_notebook(slug: str, monkeypatch, tmp_path):
    """Run the quick reproduction of ``slug`` into tmp_path, then its notebook against it.
    Returns (the reproduction's result, everything the notebook printed, its PNG count)."""
    quick = run_paper(slug, scale="quick", device="cpu", out=tmp_path, progress=False)
    monkeypatch.setenv("ATTNLAB_SCALE", "quick")
    monkeypatch.setenv("ATTNLAB_OUT", str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(NOTEBOOKS.parent))
    nb = nbformat.read(NOTEBOOKS / f"{slug}.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs)
    images = sum("image/png" in o.get("data", {}) for o in outputs)
    return quick, printed, images


@pytest.mark.slow
def test_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    quick, printed, images = _run_notebook("inverse-temperature", monkeypatch, tmp_path)
    assert len(quick.claims) == 7
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    assert images >= 4  # the row-by-hand plot, two collapse plots, β_½, the 1e12 row


@pytest.mark.slow
def test_query_learning_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    quick, printed, images = _run_notebook("query-learning", monkeypatch, tmp_path)
    assert [c.id for c in quick.claims] == [f"B{i}" for i in range(1, 9)]
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    assert "queries 272 (d² + d = 272)" in printed  # the oracle's count for d = 16
    assert images >= 4


@pytest.mark.slow
def test_pooled_spectra_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    quick, printed, images = _run_notebook("pooled-spectra", monkeypatch, tmp_path)
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    assert "KS to MP_δ ⊠ MP_γ" in printed
    assert images >= 5


@pytest.mark.slow
def test_linear_attention_ntk_notebook_executes_at_quick_scale(monkeypatch, tmp_path):
    quick, printed, images = _run_notebook("linear-attention-ntk", monkeypatch, tmp_path)
    assert [c.id for c in quick.claims] == [f"T{i}" for i in range(1, 11)]
    assert f"0 cells computed, {quick.stats.total} read back" in printed
    assert "exponent from Z's singular values: 3.0000000000" in printed
    assert images >= 6
