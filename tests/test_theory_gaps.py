import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attnlab import theory
from attnlab.reproductions._checks import assert_rel_close


def brute_force_scale(gaps, skip=0):
    """sup_t log N(t)/t straight from the definition, on every gap value as t."""
    g = np.sort(np.asarray(gaps, dtype=float))
    best = 0.0
    for t in g[skip:]:
        if t > 0:
            best = max(best, np.log(np.sum(g <= t)) / t)
    return best


def test_scale_matches_definition_on_random_rows():
    rng = np.random.default_rng(0)
    for _ in range(50):
        s = rng.standard_normal(rng.integers(2, 60))
        g = theory.gaps_from_scores(s)
        assert theory.accumulation_scale(g) == pytest.approx(brute_force_scale(g), rel=1e-12)
        assert theory.accumulation_scale(g, skip=3) == pytest.approx(
            brute_force_scale(g, skip=3), rel=1e-12)


def test_scale_counts_ties_and_a_tie_at_the_max_is_infinite():
    assert theory.accumulation_scale([0.0, 0.0, 1.0]) == np.inf
    # N(1) = 3 through a tie at t = 1: Λ = max(log 3 / 1, log 4 / 2)
    assert theory.accumulation_scale([0.0, 1.0, 1.0, 2.0]) == pytest.approx(np.log(3))
    assert theory.accumulation_scale([0.0]) == 0.0


def test_subnormal_gap_overflows_to_infinity_quietly():
    # found by hypothesis: log 2 / 5e-324 is beyond float64, so Λ is inf (like a tie)
    assert theory.accumulation_scale([0.0, 5e-324]) == np.inf


def test_counting_function_with_weights():
    g, w = np.array([0.0, 0.5, 2.0]), np.array([1.0, 2.5, 10.0])
    assert_rel_close(theory.gap_counting_function(g, [0, 0.4, 0.5, 3], weights=w),
                     [1, 1, 3.5, 13.5], rtol=0)


def test_bad_rows_are_rejected():
    with pytest.raises(ValueError):
        theory.accumulation_scale([-1.0, 0.0])
    with pytest.raises(ValueError):
        theory.gaps_from_scores([0.0, np.nan])


@pytest.mark.parametrize("name", ["exponential", "gaussian", "log-exponential", "thin-endpoint",
                                  "uniform", "sphere-8"])
def test_predicted_scale_is_inverse_slope_of_g_at_log_n(name):
    fam = theory.get_family(name)
    for n in (1e3, 1e6, 1e9):
        e, h = np.log(n), 1e-5
        slope = (fam.g(np.array(e + h)) - fam.g(np.array(e - h))) / (2 * h)
        assert float(theory.predicted_scale(name, n)) == pytest.approx(1 / slope, rel=1e-5)


def test_gaussian_scale_tends_to_sqrt_2_log_n():
    ratios = [float(theory.predicted_scale("gaussian", n)) / np.sqrt(2 * np.log(n))
              for n in (1e3, 1e12, 1e100)]
    assert ratios[0] < ratios[1] < ratios[2] < 1.0001
    assert ratios[2] > 0.99


def test_sharp_entropy_constants():
    assert theory.sharp_entropy_crossing(0.5) == pytest.approx(1 / np.sqrt(2))
    assert theory.sharp_entropy_crossing(0.0) == pytest.approx(0.5)
    assert theory.sharp_entropy_crossing(-1.0) == pytest.approx(0.25)
    assert theory.sharp_entropy_crossing(1.0) == 1.0
    c = theory.sharp_entropy_crossing(0.5)
    assert float(theory.sharp_entropy_fraction(c, 0.5)) == pytest.approx(0.5)


def test_the_step_limit_is_one_half_at_c_equal_one():
    # θ = 1 (exponential scores): at β = L the weights fall off like 1/rank, H/log n → ½, so
    # the step's own crossing sits at c = 1 on any grid that contains it (T6's surrogate)
    h = theory.sharp_entropy_fraction([0.99, 1.0, 1.01], 1.0)
    np.testing.assert_array_equal(h, [1.0, 0.5, 0.0])


# ---- T1's exact bounds, property-based -------------------------------------------------

def _row_statistics(gaps, beta):
    w = np.exp(-beta * gaps)
    z = w.sum()
    p = w / z
    top = np.sort(p)[::-1]
    entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
    return z, top[0], top[0] - (top[1] if top.size > 1 else 0.0), entropy


rows = st.one_of(
    st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=40),
    # near-ties and clusters: few distinct values plus tiny jitter
    st.lists(st.sampled_from([0.0, 1.0, 1.0 + 1e-9, 3.0, 3.0 + 1e-12]), min_size=2,
             max_size=40),
    st.lists(st.integers(-5, 5).map(float), min_size=2, max_size=40),  # rounded logits
)


@settings(deadline=None)
@given(rows, st.floats(1e-3, 1e3))
def test_exact_bounds_hold(scores, ratio):
    gaps = theory.gaps_from_scores(scores)
    lam = theory.accumulation_scale(gaps)
    if not np.isfinite(lam) or lam == 0:
        return  # tie at the maximum: r = 0, D = 0 trivially (checked below)
    beta = ratio * lam
    if not np.isfinite(beta):
        return  # a gap near the float64 floor (~1e-308) puts β beyond float64 itself
    z, p_max, gap, entropy = _row_statistics(gaps, beta)
    r = beta / lam
    tol = 1e-9
    assert gap <= theory.top_two_gap_bound(r) * (1 + tol) + 1e-15
    assert z <= theory.partition_bound(r) * (1 + tol)
    assert p_max >= theory.max_weight_bound(r) * (1 - tol) - 1e-15
    assert entropy <= theory.entropy_bound(r) * (1 + tol) + 1e-15


def test_tie_at_the_maximum_gives_zero_gap():
    z, p_max, gap, _ = _row_statistics(theory.gaps_from_scores([2.0, 2.0, 0.0]), 5.0)
    assert gap == 0.0 and float(theory.top_two_gap_bound(0.0)) == 0.0


def test_bounds_are_tight_enough_to_fail():
    # a bound check that could never fail would be worthless: a two-point row sits close to it
    gaps = np.array([0.0, 1.0])
    lam = theory.accumulation_scale(gaps)  # log 2
    r = 0.5
    _, _, gap, _ = _row_statistics(gaps, r * lam)
    assert gap / float(theory.top_two_gap_bound(r)) > 0.4
