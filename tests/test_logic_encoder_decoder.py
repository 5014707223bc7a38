"""The float emulator, the logic and the compiler of the logic-encoder-decoder reproduction
(arXiv 2605.07705): property-based checks against numpy's own float16/float32 arithmetic and
the exact rational reference, the closed-form multiset sums against the loop, compiled
transformers against the semantics and against the per-element evaluator."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attnlab.probes._compiler import CompileError
from attnlab.probes._compiler_certify import certification_table, compile_formula
from attnlab.probes._compiler_gadgets import count_candidates
from attnlab.probes._compiler_model import evaluate, evaluate_counts
from attnlab.probes._compiler_scalar import evaluate_scalar
from attnlab.probes._floats import FORMATS, f_add, f_div, f_mul, f_sub, round_to
from attnlab.probes._floats_ref import exact_op, round_fraction, round_scalar
from attnlab.probes._floats_sums import float_sum, multiset_sum, sorted_multiset_sum
from attnlab.reproductions.logic_encoder_decoder.cells import check_formula
from attnlab.theory._logic import format_formula, parse_formula
from attnlab.theory._logic_semantics import decoder_values, random_formula

OPS = {"add": (f_add, np.add), "sub": (f_sub, np.subtract), "mul": (f_mul, np.multiply),
       "div": (f_div, np.divide)}


def _bits(x):
    return np.asarray(x, np.float64).view(np.int64)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2 ** 16 - 1), st.integers(0, 2 ** 16 - 1), st.sampled_from(list(OPS)))
def test_float16_ops_bitwise_equal_to_numpy(a, b, op):
    x, y = np.array([a], np.uint16).view(np.float16), np.array([b], np.uint16).view(np.float16)
    ours, ref = OPS[op]
    with np.errstate(all="ignore"):
        want = ref(x, y).astype(np.float64)
    got = ours(x.astype(np.float64), y.astype(np.float64), "float16")
    assert (np.isnan(want) & np.isnan(got)).all() or (_bits(want) == _bits(got)).all()


@settings(max_examples=300, deadline=None)
@given(st.floats(width=32, allow_nan=False), st.floats(width=32, allow_nan=False),
       st.sampled_from(list(OPS)))
def test_float32_ops_bitwise_equal_to_numpy(a, b, op):
    x, y = np.float32(a), np.float32(b)
    ours, ref = OPS[op]
    with np.errstate(all="ignore"):
        want = np.float64(ref(x, y))
    got = ours(np.float64(x), np.float64(y), "float32")
    assert (np.isnan(want) and np.isnan(got)) or _bits(want) == _bits(got)


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=-300, max_value=300, max_denominator=10 ** 6),
       st.sampled_from(["tiny3", "tiny5", "float16", "bfloat16"]))
def test_rounding_matches_the_exact_rational_reference(q, fmt):
    # float64 of q first: the emulator rounds float64 values; compare on that exact value
    x = float(q)
    assert round_to(x, fmt) == round_fraction(Fraction(x), fmt) == round_scalar(x, fmt)


@settings(max_examples=200, deadline=None)
@given(st.integers(-40, 40), st.integers(-40, 40), st.integers(1, 7), st.integers(1, 7),
       st.sampled_from(list(OPS)), st.sampled_from(["tiny3", "tiny4", "tiny6"]))
def test_tiny_ops_match_exact_rationals(ea, eb, ma, mb, op, fmt):
    x = float(round_to(ma * 2.0 ** (ea // 4), fmt))
    y = float(round_to(-mb * 2.0 ** (eb // 4), fmt))
    if np.isfinite(x) and np.isfinite(y):
        assert OPS[op][0](x, y, fmt) == exact_op(x, y, op, fmt)


def test_ties_go_to_even_and_overflow_goes_to_inf():
    f = FORMATS["float16"]
    assert f_add(1.0, 2.0 ** -11, f) == 1.0  # a tie: 1 is even
    assert f_add(1.0 + 2.0 ** -10, 2.0 ** -11, f) == 1.0 + 2.0 ** -9  # tie up to even
    assert f_mul(f.max_finite, 2.0, f) == np.inf
    assert f_mul(f.smallest_subnormal, 0.5, f) == 0.0  # exactly half: ties to even (0)
    assert f_mul(f.smallest_subnormal, 0.75, f) == f.smallest_subnormal


@settings(max_examples=200, deadline=None)
@given(st.integers(-60, 60), st.integers(-60, 60), st.integers(0, 400),
       st.sampled_from(["tiny3", "tiny5", "float16"]))
def test_multiset_sum_equals_the_loop(v8, s8, m, fmt):
    v, s0 = float(round_to(v8 / 8, fmt)), float(round_to(s8 * 1.5, fmt))
    s = s0
    for _ in range(m):
        s = float(round_to(s + v, fmt))
    assert multiset_sum(v, m, fmt, start=s0) == s


def test_saturation_constants_from_the_closed_form():
    assert multiset_sum(1.0, 10 ** 9, "float16") == 2048
    assert multiset_sum(1.0, 2 ** 24 + 7, "float32") == 2 ** 24
    assert multiset_sum(1.0, 2 ** 24 - 1, "float32") == 2 ** 24 - 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-30, 30), min_size=1, max_size=4),
       st.lists(st.integers(0, 25), min_size=4, max_size=4))
def test_sorted_multiset_sum_equals_the_sorted_sum(vals, counts):
    v = round_to(np.array(vals, float) / 4, "tiny4")
    c = np.array(counts[:len(vals)])
    expanded = np.repeat(v, c)[None, :]
    assert sorted_multiset_sum(v, c, "tiny4") == float_sum(expanded, "tiny4", "sorted")[0]


def test_exact_order_is_the_rounded_rational_sum():
    rng = np.random.default_rng(0)
    x = round_to(rng.standard_normal((20, 15)) * 100, "float16")
    want = [round_fraction(sum(map(Fraction, row.tolist()), Fraction(0)), "float16")
            for row in x]
    assert float_sum(x, "float16", "exact").tolist() == want


def test_parser_round_trips_and_rejects_bad_input():
    rng = np.random.default_rng(1)
    for _ in range(200):
        phi = random_formula(rng, enc_alphabet="abc", dec_alphabet="ab", depth=4, max_k=8)
        assert parse_formula(format_formula(phi)) == phi
    assert parse_formula("⟨P⟩ (p_a ∧ ⟨G⟩≥2 ¬q_b)") == parse_formula("P (p_a & G>=2 !q_b)")
    for bad in ("p_a &", "G>=2 p_a", "(q_a", "x_a", "G>=0 q_a"):
        with pytest.raises(ValueError):
            parse_formula(bad)


def test_semantics_by_hand():
    phi = parse_formula("P p_b")
    assert decoder_values(phi, "a", "aba", "ab").tolist() == [False, True, True]
    assert decoder_values(phi, "a", "aba", "ab", strict=True).tolist() == [False, False, True]
    g = parse_formula("G>=3 (q_a & G>=2 q_b)")
    assert decoder_values(g, "aaab", "a", "ab").tolist() == [False]
    assert decoder_values(g, "aaabb", "a", "ab").tolist() == [True]


@pytest.mark.slow  # ~12 s: certifies six float32 gadgets end to end
def test_one_head_gadgets_in_float32_skip_k_3():
    table = certification_table("float32", [2, 3, 4, 5, 7, 8])
    assert [r["k"] for r in table if r["one_head"]] == [2, 4, 7, 8]
    assert all(r["certified"] for r in table)  # the composite gadgets cover 3 and 5
    assert not [g for g in count_candidates(3, "float32") if g.simple]


def test_uncertifiable_threshold_is_refused_not_approximated():
    with pytest.raises(CompileError):
        compile_formula("G>=7 q_a", "tiny3")


def test_compiled_transformer_agrees_everywhere_and_with_the_scalar_evaluator():
    phi = parse_formula("P (p_b & G>=3 (q_a & !G>=2 q_c)) | G>=5 q_b")
    model = compile_formula(phi, "float32")
    rng = np.random.default_rng(2)
    us = ["".join(rng.choice(list("abc"), int(rng.integers(1, 25)))) for _ in range(25)]
    ws = ["".join(rng.choice(list("ab"), int(rng.integers(1, 7)))) for _ in range(25)]
    out = evaluate(model, us, ws)
    scalar = evaluate_scalar(model, us, ws)
    counts = np.array([[u.count(c) for c in "abc"] for u in us])
    by_counts = evaluate_counts(model, counts, ws)
    for i, (u, w) in enumerate(zip(us, ws, strict=False)):
        truth = decoder_values(phi, u, w, "abc").astype(float)
        assert out[i, :len(w)].tolist() == truth.tolist() == scalar[i]
        assert by_counts[i, :len(w)].tolist() == truth.tolist()


def test_long_words_through_letter_counts():
    model = compile_formula("G>=3 q_a & !G>=8 q_b", "float32")
    counts = [[10 ** 7, 7, 0], [2, 0, 0], [2 ** 24 + 3, 2 ** 25, 1]]
    out = evaluate_counts(model, counts, ["a"] * 3)[:, 0]
    assert out.tolist() == [1.0, 0.0, 0.0]


def test_a_broken_transformer_is_caught_with_a_counterexample(monkeypatch):
    import attnlab.reproductions.logic_encoder_decoder.cells as cells

    real = cells.compile_formula

    def broken(*a, **kw):
        model = real(*a, **kw)
        model.encoder[-1].b1[:] += 0.5  # a wrong bias in the last encoder FFN
        return model

    monkeypatch.setattr(cells, "compile_formula", broken)
    phi = parse_formula("G>=2 (q_a & !q_b)")
    _, bad, worst, _ = check_formula(phi, "float32", np.random.default_rng(3), pairs=20,
                                     enc_len=(1, 10), dec_len=(1, 3))
    assert bad > 0 and worst["formula"] == format_formula(phi)
    assert len(worst["u"]) <= 2 and len(worst["w"]) == 1  # shrunk to a minimal pair


def test_letter_counts_equal_words_for_random_transformers_under_sorted_sums():
    from attnlab.probes._compiler_random import random_transformer

    rng = np.random.default_rng(4)
    for _ in range(10):
        model = random_transformer(rng, "tiny3")
        us = ["".join(rng.choice(list("ab"), int(rng.integers(1, 30)))) for _ in range(6)]
        ws = ["".join(rng.choice(list("ab"), int(rng.integers(1, 5)))) for _ in range(6)]
        counts = [[u.count("a"), u.count("b")] for u in us]
        a = evaluate(model, us, ws, residual=True)
        b = evaluate_counts(model, counts, ws, residual=True)
        assert np.array_equal(a, b, equal_nan=True)


def test_majority_by_averaging_fails_from_about_2_to_the_p():
    from attnlab.probes._compiler_random import majority_transformer, precision_format

    model = majority_transformer(precision_format(5))
    m = np.arange(1, 200)
    y = evaluate_counts(model, np.stack([m, m + 1], 1), ["a"] * len(m))[:, 0]
    wrong = (2 * m + 1)[y > 0]  # #a < #b read as a majority of a
    assert wrong.min() == 2 ** 6 + 3


def test_native_torch_fp32_matches_the_emulator_on_cpu():
    from attnlab.probes._compiler_torch import evaluate_torch

    model = compile_formula("P (p_b & G>=3 q_a) | !G>=2 q_c", "float32")
    us, ws = ["aacab", "cc", "aaa"], ["ab", "bba", "a"]
    ours = evaluate(model, us, ws)
    theirs = evaluate_torch(model, us, ws, dtype="float32")
    assert np.array_equal(ours, theirs, equal_nan=True)


def test_saturation_count_predicts_real_words_past_it():
    from attnlab.probes._compiler_random import random_transformer
    from attnlab.reproductions.logic_encoder_decoder.cells_more import saturation_count

    rng = np.random.default_rng(3)
    model = random_transformer(rng, "tiny3", order="sorted")
    kt, (x, other, w) = saturation_count(model, 24)
    assert 0 < kt <= 24
    lo, hi = [other, other], [other, other]
    lo[x], hi[x] = kt - 1, kt
    words = ["".join(rng.permutation(list("a" * c[0] + "b" * c[1]))) for c in (lo, hi)]
    r = evaluate(model, words, [w, w], residual=True)
    assert not np.array_equal(r[0], r[1], equal_nan=True)  # the control: K_T − 1 vs K_T
    u, v = "a" * (kt + 3) + "b" * (kt + 1), "b" * (kt + 5) + "a" * (kt + 2)
    r = evaluate(model, [u, v], [w, w], residual=True)
    assert np.array_equal(r[0], r[1], equal_nan=True)  # both counts ≥ K_T: one type


def test_sorted_certified_gadget_breaks_under_exact_sums_past_saturation():
    """A reported finding (claim A5): tiny4 gadgets certified for sorted sums give a wrong
    output under exact (and pairwise) sums on a word past 2^p; sorted sums are right."""
    phi = parse_formula("G>=3 G>=1 q_a & ((p_a & p_a) & p_a)")
    u, w = "a" * 56 + "b" * 104 + "c" * 88, "bab"
    truth = decoder_values(phi, u, w, "abc").astype(float).tolist()
    got = {o: evaluate(compile_formula(phi, "tiny4", order=o), [u], [w])[0].tolist()
           for o in ("sorted", "exact")}
    assert got["sorted"] == truth and got["exact"] != truth


def test_float32_k18_and_k20_certify_with_the_raised_set_cap():
    found = {k: count_candidates(k, "float32") for k in (18, 20)}
    assert all(found.values())  # composite gadgets with |S| = 9 and 10 (the cap was 8)
    assert max(len(g.accept) for g in (found[18][0], found[20][0])) > 8
