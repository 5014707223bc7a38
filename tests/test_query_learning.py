"""The query-learning reproduction at smoke scale: outputs, verdicts, and claims that fail
when the measurement says so."""

import json

import pytest

from attnlab.reproductions import run_paper
from attnlab.reproductions._claims import INCONCLUSIVE, NOT_REPRODUCED

IDS = [f"B{i}" for i in range(1, 9)]


@pytest.fixture(scope="module")
def ql_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    return out, run_paper("query-learning", scale="smoke", device="cpu", out=out,
                          progress=False)


def test_outputs_and_verdicts(ql_run):
    out, result = ql_run
    run = out / "query-learning" / "smoke"
    verdict = json.loads((run / "verdict.json").read_text())
    assert [c["id"] for c in verdict["claims"]] == IDS
    figures = {p.name for p in (run / "figures").iterdir()}
    assert {"query_counts.png", "precision.png", "phase_transition.png", "noise.png"} <= figures
    for t in ("exact", "breakdown", "transitions", "noise_fits", "multihead", "canonical"):
        assert (run / "tables" / f"{t}.csv").is_file()
    claims = {c.id: c for c in result.claims}
    # smoke data is too thin to decide anything: never "reproduced", and each claim says why
    for cid in IDS[:7]:
        assert claims[cid].verdict == INCONCLUSIVE, cid
        assert "too little data" in claims[cid].measurement, cid
    assert claims["B8"].verdict == INCONCLUSIVE  # GPU scale only
    # what was measured is still right: the oracle's own count, d² + d
    exact = result.tables["exact"]
    assert (exact.queries == exact.d ** 2 + exact.d).all() and exact.err_W.max() <= 1e-9
    # the precision study finds the float64 breakdown near ln(2/ε) ≈ 36.7
    b = result.tables["breakdown"].set_index("dtype")
    assert b.loc["float64", "breakdown_measured"] == pytest.approx(36.7, rel=0.15)
    assert b.adaptive_nonfinite.sum() == 0
    # the biased control breaks the transformer reduction, the bias-free model does not
    tf = result.tables["transformer"]
    assert tf[tf.bias].identity_rel.min() > 1e-3 > 1e-12 >= tf[~tf.bias].identity_rel.max()


def test_b1_fails_when_a_learner_asks_one_query_too_many(ql_run, monkeypatch):
    _, result = ql_run
    from attnlab import probes
    from attnlab.reproductions.query_learning import cells, claims, make_config, tables
    from attnlab.reproductions.query_learning.cells import CELL_FUNCTION

    real = probes.learn_exact

    def wasteful(oracle, **kw):
        oracle(torch_zeros(oracle.d))  # one extra query the formula would not see
        return real(oracle, **kw)

    monkeypatch.setattr(cells.probes, "learn_exact", wasteful)
    config = make_config("smoke")
    grid = [c for c in cells.grid(config) if c.params["kind"] == "exact"]
    payloads = [CELL_FUNCTION.fn(c.params, c.seed) for c in grid]
    t = dict(result.tables, exact=tables.build_tables(config, grid, payloads)["exact"])
    b1 = claims.CLAIMS["B1"](config, t)
    # an exact count refutes the claim even where the data are too thin for anything else
    assert b1.id == "B1" and b1.verdict == NOT_REPRODUCED


def torch_zeros(d):
    import torch

    return torch.zeros(1, d, dtype=torch.float64)


def test_transition_ratio_needs_success_from_there_on():
    import math

    import pandas as pd

    from attnlab.reproductions.query_learning.tables import transition_ratio

    s = pd.Series([0.0, 0.5, 1.0, 0.9, 1.0, 1.0])
    x = pd.Series([0.5, 1.0, 1.5, 2.0, 3.0, 4.0])
    assert transition_ratio(s, x) == 3.0  # a dip at 2.0 moves the transition past it
    assert transition_ratio(s[::-1], x[::-1]) == 3.0  # order of rows does not matter
    assert math.isnan(transition_ratio(pd.Series([0.0, 0.2]), pd.Series([1.0, 2.0])))


def test_figures_only_draw_and_draw_into_given_axes(ql_run):
    import matplotlib.pyplot as plt
    import numpy as np

    from attnlab import figures

    _, result = ql_run
    t = result.tables
    curves = t["query_curves"]  # the theory lines are table columns, computed in tables.py
    exact = curves[curves.curve == "exact"]
    np.testing.assert_allclose(exact.queries, exact.d ** 2 + exact.d, rtol=1e-15)
    low = curves[curves.curve == "low rank"]
    assert (low.d >= 2 * low.r).all() and np.isfinite(low.C).all()
    fig, axes = plt.subplots(2, 5)
    dtypes, panels = len(t["breakdown"]), t["lowrank"].groupby(["method", "d"]).ngroups
    assert figures.plot_query_counts(curves, t["exact"], t["transitions"], t["transformer"],
                                     ax=axes[0, 0]) is fig
    assert figures.plot_precision(t["precision"], t["breakdown"],
                                  axes=axes[0, 1:1 + dtypes]) is fig
    assert figures.plot_phase_transition(t["lowrank"],
                                         axes=axes[0, 1 + dtypes:1 + dtypes + panels]) is fig
    assert figures.plot_noise(t["noise"], t["noise_fits"], axes=axes[1]) is fig
    plt.close(fig)
