import numpy as np
import pytest
import torch

from attnlab import theory
from attnlab.probes import (
    _beta_grid,
    exact_scores,
    row_scales,
    semi_analytic_row,
    softmax_statistics,
    softmax_statistics_direct,
    summarize_row,
)
from attnlab.reproductions._checks import assert_rel_close

FIELDS = ("log_partition", "max_weight", "top_two_gap", "entropy")


def _compare(a, b, rtol, atol=0.0):
    for f in FIELDS:
        assert_rel_close(getattr(a, f), getattr(b, f), rtol=rtol, atol=atol, what=f)


@pytest.fixture
def force_chunks(monkeypatch):
    """Exercise the chunked Taylor path even on rows small enough for the dense one."""
    monkeypatch.setattr(_beta_grid, "_DIRECT_BELOW", 0)


@pytest.mark.parametrize("family", ["gaussian", "exponential", "thin-endpoint", "uniform",
                                    "cauchy", "pareto"])
def test_chunked_sums_match_direct_sums(family, force_chunks):
    s = exact_scores(family, 20_000, 1, seed=3)[0]
    gaps = theory.gaps_from_scores(s)
    scale = float(theory.predicted_scale(family, 20_000))
    betas = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 57) * scale])
    _compare(softmax_statistics(gaps, betas), softmax_statistics_direct(gaps, betas),
             rtol=1e-11, atol=1e-300)


def test_chunked_sums_with_weights_and_ties(force_chunks):
    gaps = np.array([0.0, 0.0, 0.3, 0.3, 1.0, 7.0, 7.5])
    w = np.array([1.0, 1.0, 2.0, 0.5, 1e6, 3.0, 1e12])
    betas = np.geomspace(1e-4, 1e4, 41)
    _compare(softmax_statistics(gaps, betas, weights=w),
             softmax_statistics_direct(gaps, betas, weights=w), rtol=1e-11)
    st = softmax_statistics(gaps, betas, weights=w)
    assert np.all(st.top_two_gap == 0)  # tie at the maximum


def test_statistics_against_a_plain_softmax():
    rng = np.random.default_rng(1)
    s = rng.standard_normal(500)
    betas = np.array([0.1, 1.0, 5.0])
    st = softmax_statistics(theory.gaps_from_scores(s), betas)
    for i, beta in enumerate(betas):
        p = np.exp(beta * s - np.logaddexp.reduce(beta * s))
        top = np.sort(p)[::-1]
        assert st.max_weight[i] == pytest.approx(top[0], rel=1e-12)
        assert st.top_two_gap[i] == pytest.approx(top[0] - top[1], rel=1e-10)
        assert st.entropy[i] == pytest.approx(-(p * np.log(p)).sum(), rel=1e-10)


def test_torch_path_matches_numpy(force_chunks):
    s = exact_scores("gaussian", 5000, 1, seed=0)[0]
    gaps = theory.gaps_from_scores(s)
    betas = np.geomspace(0.01, 100, 31)
    _compare(softmax_statistics(torch.from_numpy(gaps), betas), softmax_statistics(gaps, betas),
             rtol=1e-12)


def test_gaps_must_start_at_zero():
    with pytest.raises(ValueError, match="minimum exactly 0"):
        softmax_statistics(np.array([0.5, 1.0]), [1.0])


def test_row_scales_match_the_reference_definition():
    rng = np.random.default_rng(5)
    for s in (rng.standard_normal(300), np.round(rng.standard_normal(300), 1)):
        g = theory.gaps_from_scores(s)
        summary = summarize_row(g, [1.0], skip=8)
        assert summary.lambda_raw == theory.accumulation_scale(g)
        assert summary.lambda_robust == pytest.approx(theory.accumulation_scale(g, skip=8))
        sorted_g = torch.from_numpy(np.sort(g))
        raw, robust = row_scales(sorted_g, torch.arange(1, 301, dtype=torch.float64), 8)
        assert raw == summary.lambda_raw and robust == pytest.approx(summary.lambda_robust)


def test_semi_analytic_rows_agree_with_exact_rows():
    """Mean p_max and entropy of histogrammed rows vs fully drawn rows, within 4 standard
    errors, at n = 1e5 (where both exist)."""
    n, rows, betas = 10**5, 200, np.array([1.0, 3.0, 5.0, 10.0])
    exact = [summarize_row(theory.gaps_from_scores(r), betas)
             for r in exact_scores("gaussian", n, rows, seed=11)]
    semi = []
    for i in range(rows):
        row = semi_analytic_row("gaussian", n, seed=100 + i)
        assert row.weights.sum() == pytest.approx(n)
        semi.append(summarize_row(row.gaps, betas, weights=row.weights))
    for field in ("max_weight", "entropy"):
        a = np.array([getattr(s.stats, field) for s in exact])
        b = np.array([getattr(s.stats, field) for s in semi])
        se = np.sqrt(a.var(0) / rows + b.var(0) / rows)
        assert np.all(np.abs(a.mean(0) - b.mean(0)) <= 4 * se + 1e-9), field


def test_semi_analytic_row_reaches_1e12_in_constant_size():
    row = semi_analytic_row("log-exponential", 10**12, seed=0, top=256, bins=512)
    assert row.gaps.size <= 256 + 1 + 512 and row.weights.sum() == pytest.approx(1e12)
    assert row.gaps.min() == 0.0


def test_exact_rows_need_sane_sizes():
    with pytest.raises(ValueError):
        exact_scores("gaussian", 1, 1, seed=0)
    with pytest.raises(ValueError, match="unknown score family"):
        exact_scores("nope", 10, 1, seed=0)


def test_summarize_row_on_torch_matches_numpy(force_chunks):
    """The path a GPU takes (sort, Λ̂ and power sums in torch), run here on CPU tensors."""
    s = exact_scores("log-exponential", 30_000, 1, seed=2)[0]
    gaps = theory.gaps_from_scores(s)
    betas = np.geomspace(0.1, 1e3, 23)
    a = summarize_row(torch.from_numpy(gaps), betas, skip=8)
    b = summarize_row(gaps, betas, skip=8)
    assert (a.lambda_raw, a.n) == (b.lambda_raw, b.n)
    assert a.lambda_robust == pytest.approx(b.lambda_robust, rel=1e-15)
    _compare(a.stats, b.stats, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_torch_rows_processed_in_blocks_match_numpy(weighted, force_chunks, monkeypatch):
    """A 10⁹-score row on a GPU goes through Λ̂ and the power sums 2²⁶ elements at a time;
    here blocks of 997 elements over 30 000 (weights: a semi-analytic row) on CPU tensors."""
    from attnlab.probes import semi_analytic_row

    monkeypatch.setattr(_beta_grid, "TORCH_BLOCK", 997)
    betas = np.geomspace(0.1, 1e3, 23)
    if weighted:
        row = semi_analytic_row("gaussian", 10**8, seed=4, top=1000, bins=2000)
        gaps, w = row.gaps, row.weights
        a = summarize_row(torch.from_numpy(gaps), betas, weights=torch.from_numpy(w), skip=8)
        b = summarize_row(gaps, betas, weights=w, skip=8)
    else:
        gaps = theory.gaps_from_scores(exact_scores("gaussian", 30_000, 1, seed=5)[0])
        a = summarize_row(torch.from_numpy(gaps), betas, skip=8)
        b = summarize_row(gaps, betas, skip=8)
    assert a.n == b.n and a.lambda_raw == pytest.approx(b.lambda_raw, rel=1e-15)
    assert a.lambda_robust == pytest.approx(b.lambda_robust, rel=1e-15)
    _compare(a.stats, b.stats, rtol=1e-12)


@pytest.mark.parametrize("as_torch", [False, True])
def test_presorted_segmented_sums_match(as_torch, force_chunks):
    s = exact_scores("gaussian", 40_000, 1, seed=9)[0]
    gaps = np.sort(theory.gaps_from_scores(s))
    w = np.random.default_rng(0).uniform(0.5, 2, gaps.size)
    w[0] = 1.0
    betas = np.geomspace(0.01, 300, 25)
    g, wt = (torch.from_numpy(gaps), torch.from_numpy(w)) if as_torch else (gaps, w)
    _compare(softmax_statistics(g, betas, weights=wt, presorted=True),
             softmax_statistics_direct(gaps, betas, weights=w), rtol=1e-11)


# --- rows streamed in chunks (the full scale's 1e8–1e9 rows) ---------------------------------


def _chunked(values, size):
    t = torch.as_tensor(np.asarray(values, dtype=np.float64))
    return lambda: iter(t.split(size))


@pytest.mark.parametrize("family", ["exponential", "gaussian", "log-exponential", "thin-endpoint"])
def test_streamed_row_is_the_sorted_row(family, force_chunks):
    """Λ̂ bit for bit, the statistics to rounding, on a row cut into uneven chunks."""
    from attnlab.probes._rows import summarize_streamed_row
    from attnlab.probes._samplers import exact_row_chunks

    n = 30_011
    chunks = exact_row_chunks(family, n, seed=11, chunk=4_096)
    s = torch.cat(list(chunks())).numpy()
    assert s.size == n and np.array_equal(s, torch.cat(list(chunks())).numpy())  # re-iterable
    scale = float(theory.predicted_scale(family, n))
    betas = np.concatenate([np.geomspace(1e-2, 1e2, 31) * scale, [scale / 3, scale * 3]])
    ref = summarize_row(s.max() - s, betas, skip=8)
    for bins in (64, 1 << 14):  # coarse bins gather more candidates; the answer is the same
        got = summarize_streamed_row(chunks, betas, skip=8, bins=bins)
        assert (got.lambda_raw, got.lambda_robust) == (ref.lambda_raw, ref.lambda_robust)
        assert got.n == n
        _compare(got.stats, ref.stats, rtol=1e-12, atol=1e-300)


def test_streamed_row_with_ties_and_scattered_candidates(force_chunks, monkeypatch):
    from attnlab.probes import _rows

    rng = np.random.default_rng(2)
    s = np.round(rng.standard_normal(5_000) * 8) / 8  # many ties
    s[[10, 4_000]] = s.max() + 1  # two at the maximum, in different chunks
    betas = np.geomspace(0.1, 100, 17)
    ref = summarize_row(s.max() - s, betas, skip=8)
    got = _rows.summarize_streamed_row(_chunked(s, 777), betas, skip=8, bins=256)
    assert got.lambda_raw == ref.lambda_raw == np.inf
    assert got.lambda_robust == ref.lambda_robust
    _compare(got.stats, ref.stats, rtol=1e-12)
    # the interval runs, then the per-bin lookup
    s[10] += 0.01  # now a single maximum
    ref = summarize_row(s.max() - s, betas, skip=8)
    for runs in (64, 0):
        monkeypatch.setattr(_rows, "_MAX_RUNS", runs)
        got = _rows.summarize_streamed_row(_chunked(s, 1_000), betas, skip=8, bins=4_096)
        assert (got.lambda_raw, got.lambda_robust) == (ref.lambda_raw, ref.lambda_robust)
        _compare(got.stats, ref.stats, rtol=1e-12)


def test_exact_row_chunks_sizes():
    from attnlab.probes._samplers import exact_row_chunks

    sizes = [c.numel() for c in exact_row_chunks("gaussian", 10, seed=0, chunk=4)()]
    assert sizes == [4, 4, 2]
    with pytest.raises(ValueError):
        exact_row_chunks("gaussian", 1, seed=0)
