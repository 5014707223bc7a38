"""The cell function of the logic-encoder-decoder sweep and its grid (arXiv 2605.07705).

Kinds: ``floats`` (A1), ``saturation`` (A2), ``agreement`` (A3, one chunk of formulas),
``formats`` (A4, one format); ``robustness`` (A5), ``indistinguishability`` (A6),
``separating`` (A7), ``autoregressive`` (A8) live in ``cells_more.py``. Every cell draws its
formulas and words from its own seed and returns plain JSON.
"""

from __future__ import annotations

import numpy as np

from attnlab.probes._compiler import CompileError
from attnlab.probes._compiler_certify import certification_table, compile_formula
from attnlab.probes._compiler_model import evaluate, evaluate_counts
from attnlab.probes._floats import FORMATS, f_add, f_div, f_mul, f_sub, round_to
from attnlab.probes._floats_ref import exact_op
from attnlab.probes._floats_sums import multiset_sum
from attnlab.theory._logic import format_formula, modal_depth, subformulas
from attnlab.theory._logic_semantics import decoder_values, random_formula

from .._sweep import Cell, CellFunction, cell_seed, run_kind
from . import cells_more, payloads
from .config import Config

__all__ = ["CELL_FUNCTION", "grid", "ENC", "DEC", "check_formula"]

ENC, DEC = "abc", "ab"
_OPS = {"add": (f_add, np.add), "sub": (f_sub, np.subtract), "mul": (f_mul, np.multiply),
        "div": (f_div, np.divide)}
_NUMPY = {"float16": np.float16, "float32": np.float32}
try:  # bfloat16 reference: the float32 result rounded to bfloat16 (24 ≥ 2·8 + 2: one rounding)
    import ml_dtypes
    _NUMPY["bfloat16"] = ml_dtypes.bfloat16
except ImportError:  # pragma: no cover
    pass


def _operands(rng, n, fmt):
    """Operand pairs in a format: random significands over the whole exponent range,
    subnormals, exact ties (x + ½ulp constructions), values near overflow, signed zeros."""
    f = FORMATS[fmt]
    e = rng.integers(f.emin - f.p, f.emax + 1, size=(2, n))
    x = round_to(rng.uniform(1, 2, size=(2, n)) * np.ldexp(1.0, e) *
                 rng.choice([-1, 1], size=(2, n)), fmt)
    k = n // 5  # ties: y = ½ulp(x) makes x + y a tie; subnormal pairs; near-max pairs
    x[1, :k] = np.ldexp(1.0, np.frexp(x[0, :k])[1] - f.p - 1) * np.sign(x[0, :k])
    sub = rng.integers(0, 2 ** (f.p - 1), size=(2, k)) * f.smallest_subnormal
    x[:, k:2 * k] = sub * rng.choice([-1, 1], size=(2, k))
    x[:, 2 * k:2 * k + k // 4] = f.max_finite * rng.choice([-1, 1, 0.75], size=(2, k // 4))
    x[:, 2 * k + k // 4] = 0.0
    return round_to(x, fmt)


def _floats_cell(p, seed):
    rng = np.random.default_rng(seed)
    fmt, out = p["format"], {}
    for op, (ours, ref) in _OPS.items():
        x, y = _operands(rng, p["numpy_pairs"], fmt)
        got = ours(x, y, fmt)
        row = {"n_numpy": 0, "mismatch_numpy": 0}
        if fmt in _NUMPY:
            dt = _NUMPY[fmt]
            with np.errstate(all="ignore"):
                if fmt == "bfloat16":
                    want = ref(x.astype(np.float32), y.astype(np.float32)).astype(dt)
                else:
                    want = ref(x.astype(dt), y.astype(dt))
                want = want.astype(np.float64)
            same = (want.view(np.int64) == got.view(np.int64)) | (np.isnan(want) &
                                                                  np.isnan(got))
            row = {"n_numpy": int(same.size), "mismatch_numpy": int((~same).sum())}
        # the rational reference on a shuffled sample (the operand blocks are contiguous:
        # ties, subnormals, near-overflow, general); counts are of checked pairs only
        idx = rng.permutation(x.shape[0])[:p["exact_pairs"]]
        mism = n_ex = n_sub = n_ovf = 0
        small = FORMATS[fmt].smallest_normal
        for a, b, g in zip(x[idx].tolist(), y[idx].tolist(), got[idx].tolist(), strict=True):
            if (op == "div" and b == 0) or not (np.isfinite(a) and np.isfinite(b)):
                continue
            want = exact_op(a, b, op, fmt)
            n_ex += 1
            n_ovf += int(np.isinf(g))
            n_sub += int(g != 0 and abs(g) < small)
            if not (want == g and np.signbit(want) == np.signbit(g)):
                mism += 1
        row.update(n_exact=n_ex, mismatch_exact=mism, n_overflow=n_ovf, n_subnormal=n_sub)
        out[op] = row
    return out


def _saturation_cell(p, seed):
    f = FORMATS[p["format"]]
    m = np.unique(np.concatenate([np.arange(1, 4097), 2 ** f.p + np.arange(-3, 4),
                                  np.round(np.logspace(3, 9, 40))])).astype(np.int64)
    m = m[m > 0]
    s = multiset_sum(1.0, m, f)
    growing = multiset_sum(1.0, m + 1, f) > s
    sat = int(m[~growing].min()) if (~growing).any() else -1
    brute = -1
    if p["format"] in _NUMPY and 2 ** f.p < 2 ** 25:  # numpy's own sequential cumsum
        ones = np.ones(2 ** f.p + 16, dtype=_NUMPY[p["format"]])
        c = np.cumsum(ones, dtype=_NUMPY[p["format"]]).astype(np.float64)
        brute = int(np.argmax(c[1:] == c[:-1]) + 1)
    # uniform softmax over n equal scores: weight R(1/Z(n)), Z saturating at 2^p
    n = np.round(np.logspace(0, 9, 28)).astype(np.int64)
    w = f_div(1.0, multiset_sum(1.0, n, f), f)
    return {"p": f.p, "saturation": sat, "saturation_numpy": brute, "predicted": 2 ** f.p,
            "softmax_n": n.tolist(), "softmax_weight": w.tolist(),
            "softmax_nonzero": int((w > 0).sum()), "softmax_min_weight": float(w.min())}


def _word(rng, alphabet, lo, hi):
    return "".join(rng.choice(list(alphabet), size=int(rng.integers(lo, hi + 1))))


def check_formula(phi, fmt, rng, *, pairs, enc_len, dec_len, long=(), order="sorted",
                  mask="causal", enc=ENC, dec=DEC):
    """Compile φ and compare the transformer with the semantics at every decoder position on
    random pairs, adversarial counts k − 1, k, k + 1 per letter, and long encoder words (letter
    counts). Returns (positions, mismatches, the smallest mismatching pair or None, rows)."""
    model = compile_formula(phi, fmt, order=order, enc_alphabet=enc, dec_alphabet=dec,
                            mask=mask)
    ks = sorted({g.k for g in subformulas(phi) if hasattr(g, "k")})
    us = [_word(rng, enc, *enc_len) for _ in range(pairs)]
    for k in ks:
        for x in enc:
            for c in (k - 1, k, k + 1):
                rest = "".join(rng.choice([y for y in enc if y != x], int(rng.integers(0, k + 2))))
                us.append("".join(rng.permutation(list(x * c + rest))))
    us = [u if u else enc[0] for u in us]
    ws = [_word(rng, dec, *dec_len) for _ in us]
    out = evaluate(model, us, ws)
    strict = mask == "strict"
    checked = []
    for u, w, o in zip(us, ws, out, strict=False):
        checked.append((len(u), u, w, decoder_values(phi, u, w, enc, strict=strict),
                        o[:len(w)]))
    if long and order == "sorted":
        counts = np.array([[int(rng.integers(0, 12)) for _ in enc] for _ in long])
        for i, n in enumerate(long):
            counts[i, int(rng.integers(len(enc)))] = n
        lw = [_word(rng, dec, *dec_len) for _ in long]
        lo = evaluate_counts(model, counts, lw)
        for c, w, o in zip(counts, lw, lo, strict=False):
            checked.append((int(c.sum()), {x: int(v) for x, v in zip(enc, c, strict=False)}, w,
                            decoder_values(phi, c, w, enc, strict=strict), o[:len(w)]))
    positions = mismatches = 0
    worst, rows = None, []
    for n, u, w, truth, got in checked:
        bad = int((got != truth.astype(np.float64)).sum())
        positions += len(w)
        mismatches += bad
        rows.append([n, len(w), bad])
        if bad and (worst is None or (n, len(w)) < (worst["n_enc"], len(worst["w"]))):
            worst = {"formula": format_formula(phi), "n_enc": n,
                     "u": u if isinstance(u, str) else str(u), "w": w,
                     "expected": truth.astype(int).tolist(), "got": got.tolist()}
    if worst and isinstance(worst["u"], str):
        worst = _shrink(model, phi, worst, enc, strict)
    return positions, mismatches, worst, rows


def _shrink(model, phi, worst, enc, strict):
    """Delete letters of u, then of w, one at a time while the pair still fails: a minimal
    counterexample (no single deletion keeps it failing)."""
    def fails(u, w):
        if not u or not w:
            return False
        got = evaluate(model, [u], [w])[0, :len(w)]
        return not np.array_equal(got, decoder_values(phi, u, w, enc, strict=strict))

    u, w = worst["u"], worst["w"]
    changed = True
    while changed:
        changed = False
        for which in ("u", "w"):
            s = u if which == "u" else w
            for i in range(len(s)):
                cand = s[:i] + s[i + 1:]
                if fails(cand, w) if which == "u" else fails(u, cand):
                    u, w = (cand, w) if which == "u" else (u, cand)
                    changed = True
                    break
    truth = decoder_values(phi, u, w, enc, strict=strict)
    return {**worst, "n_enc": len(u), "u": u, "w": w,
            "expected": truth.astype(int).tolist(),
            "got": evaluate(model, [u], [w])[0, :len(w)].tolist()}


def _agreement_cell(p, seed):
    rng = np.random.default_rng(seed)
    out = {"formulas": [], "positions": 0, "mismatches": 0, "pairs": 0, "uncompiled": 0,
           "counterexample": None, "by_depth_length": []}
    for _ in range(p["n_formulas"]):
        phi = random_formula(rng, enc_alphabet=ENC, dec_alphabet=DEC, depth=p["depth"],
                             max_k=p["max_k"], size=p["size"])
        try:
            pos, mism, worst, rows = check_formula(
                phi, p["format"], rng, pairs=p["pairs"], enc_len=tuple(p["enc_len"]),
                dec_len=tuple(p["dec_len"]), long=tuple(p["long"]))
        except CompileError:
            out["uncompiled"] += 1
            continue
        out["formulas"].append(format_formula(phi))
        out["positions"] += pos
        out["mismatches"] += mism
        out["pairs"] += len(rows)
        d = modal_depth(phi)
        out["by_depth_length"] += [[d, n, t, bad] for n, t, bad in rows]
        if worst and out["counterexample"] is None:
            out["counterexample"] = worst
    return out


def _formats_cell(p, seed):
    rng = np.random.default_rng(seed)
    table = certification_table(p["format"], p["ks"])
    good = [r["k"] for r in table if r["certified"]]
    positions = mismatches = n = 0
    worst = None
    tries = 0
    while n < p["n_formulas"] and tries < 50 * p["n_formulas"]:
        tries += 1
        phi = random_formula(rng, enc_alphabet=ENC, dec_alphabet=DEC, depth=3,
                             max_k=max(good), size=5)
        if any(getattr(g, "k", 1) not in good for g in subformulas(phi)):
            continue
        pos, mism, w, _ = check_formula(phi, p["format"], rng, pairs=p["pairs"],
                                        enc_len=(1, 64), dec_len=(1, 8), long=(1_000, 10 ** 6))
        n += 1
        positions += pos
        mismatches += mism
        worst = worst or w
    return {"certification": table, "formulas": n, "positions": positions,
            "mismatches": mismatches, "counterexample": worst}


_KINDS = {"floats": _floats_cell, "saturation": _saturation_cell,
          "agreement": _agreement_cell, "formats": _formats_cell, **cells_more.KINDS}


def _cell(params: dict, seed: int) -> dict:
    return run_kind(_KINDS, params, seed)


CELL_FUNCTION = CellFunction(name="logic_encoder_decoder.cell", version=4, fn=_cell,
                             check=payloads.check)


def grid(config: Config) -> list[Cell]:
    c, cells = config, []

    def add(kind, **params):
        cells.append(Cell({"kind": kind, **params}, cell_seed(c.seed, kind,
                                                              sorted(params.items()))))

    for fmt in c.a1_formats:
        add("floats", format=fmt, numpy_pairs=c.a1_numpy_pairs, exact_pairs=c.a1_exact_pairs)
    for fmt in c.a2_formats:
        add("saturation", format=fmt)
    for chunk in range(0, c.a3_formulas, c.a3_chunk):
        add("agreement", format="float32", chunk=chunk,
            n_formulas=min(c.a3_chunk, c.a3_formulas - chunk), pairs=c.a3_pairs,
            depth=c.a3_depth, max_k=c.a3_max_k, size=c.a3_size, enc_len=list(c.a3_enc_len),
            dec_len=list(c.a3_dec_len), long=list(c.a3_long))
    for fmt in c.a4_formats:
        ks = c.a4_float32_ks if fmt == "float32" else c.a4_ks
        add("formats", format=fmt, ks=list(ks), n_formulas=c.a4_formulas,
            pairs=c.a4_pairs)
    cells_more.grid(c, add)
    return cells
