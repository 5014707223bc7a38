"""The exploration notebooks run top to bottom, after a reproduction, reading its stored cells
back instead of recomputing them (how a researcher meets them). They run at smoke scale here —
every cell, plot and printed check of the notebook is exercised in seconds; the quick scale's
numbers are the reproduction's (`make reproduce-all`), and ``ATTNLAB_NOTEBOOK_SCALE=quick``
runs the notebooks there too.
One test per built-in paper, found by discovery; ``EXPECTED`` adds what a paper's notebook
must print beyond the checks every notebook passes."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from attnlab.reproductions import get_paper, run_paper
from attnlab.reproductions._registry import builtin_slugs

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SCALE = os.environ.get("ATTNLAB_NOTEBOOK_SCALE", "smoke")

# slug → (strings the notebook prints, least number of figures it shows)
EXPECTED = {
    "inverse-temperature": ((), 4),  # the row by hand, two collapse plots, β_½, the 1e12 row
    "query-learning": (("queries 272 (d² + d = 272)",), 4),  # the oracle's count for d = 16
    "pooled-spectra": (("KS to MP_δ ⊠ MP_γ",), 5),
    "linear-attention-ntk": (("exponent from Z's singular values: 3.0000000000",), 6),
    "energy-field": (("rank 124 — above d_h",), 5),
    "logic-encoder-decoder": (("agreement 1194/1194 decoder positions",), 4),
    "lora-forgetting": (("Oja terminal state of V: [1. 0. 0.]",), 6),
}


@pytest.mark.slow
@pytest.mark.parametrize("slug", builtin_slugs())
def test_notebook_executes_from_stored_cells(slug, monkeypatch, tmp_path):
    run = run_paper(slug, scale=SCALE, device="cpu", out=tmp_path, progress=False)
    monkeypatch.setenv("ATTNLAB_SCALE", SCALE)
    monkeypatch.setenv("ATTNLAB_OUT", str(tmp_path))
    nb = nbformat.read(NOTEBOOKS / f"{slug}.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs)
    images = sum("image/png" in o.get("data", {}) for o in outputs)

    assert [c.id for c in run.claims] == [c.id for c in get_paper(slug).claims]
    assert f"0 cells computed, {run.stats.total} read back" in printed
    strings, least_images = EXPECTED.get(slug, ((), 1))
    for s in strings:
        assert s in printed, s
    assert images >= least_images
