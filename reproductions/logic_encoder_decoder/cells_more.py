"""Cells for claims A5–A8 of the logic-encoder-decoder reproduction (arXiv 2605.07705):
``robustness`` (masks, summation orders, split heads, permutation invariance),
``indistinguishability`` (random tiny-format transformers on type-equal pairs),
``separating`` (witness pairs, the MAJORITY averaging transformer's n*(p)),
``autoregressive`` (greedy generation against the formula-defined next token)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from attnlab.probes._compiler import CompileError
from attnlab.probes._compiler_certify import certified_gadget, compile_formula
from attnlab.probes._compiler_model import Attention, evaluate, evaluate_counts
from attnlab.probes._compiler_random import (
    majority_transformer,
    precision_format,
    random_transformer,
)
from attnlab.probes._floats import FORMATS
from attnlab.theory._logic import parse_formula, subformulas
from attnlab.theory._logic_semantics import decoder_values, encoder_type, random_formula

__all__ = ["KINDS", "grid", "type_bound", "saturation_count", "WITNESSES", "COUNTERPARTS"]

ENC, DEC = "abc", "ab"
ORDERS = ("sorted", "sequential", "pairwise", "exact")


def _word(rng, alphabet, lo, hi):
    return "".join(rng.choice(list(alphabet), size=int(rng.integers(lo, hi + 1))))


def _split_heads(model):
    """The same transformer with every multi-head attention sublayer split into one
    sublayer per head (valid here: heads write dimensions no head of the layer reads)."""
    def split(layers):
        out = []
        for layer in layers:
            if isinstance(layer, Attention) and len(layer.heads) > 1:
                out += [Attention([h], layer.source, layer.mask) for h in layer.heads]
            else:
                out.append(layer)
        return out
    return replace(model, encoder=split(model.encoder), decoder=split(model.decoder))


def _variants(formulas, pairs, fmt, masks):
    rows = []
    for mask in masks:
        for order, split in [(o, False) for o in ORDERS] + [("sorted", True)]:
            pos = bad = 0
            for phi in formulas:
                model = compile_formula(phi, fmt, order=order, enc_alphabet=ENC,
                                        dec_alphabet=DEC, mask=mask)
                model = _split_heads(model) if split else model
                for u, w in pairs:  # one pair at a time: pairwise trees see no padding
                    got = evaluate(model, [u], [w])[0]
                    truth = decoder_values(phi, u, w, ENC, strict=mask == "strict")
                    pos += len(w)
                    bad += int((got != truth).sum())
            rows.append({"format": fmt, "mask": mask, "order": order,
                         "split_heads": split, "positions": pos, "mismatches": bad})
    return rows


def _robustness_cell(p, seed):
    """Masks × summation orders × split heads: float32 on short words, and a tiny format on
    words past its saturation 2^p (there the summation order can matter: the gadgets are
    certified for sorted sums only). Permutation check on random tiny-format transformers,
    encoder words past 2^p."""
    rng = np.random.default_rng(seed)
    rows = []
    for fmt, n_pairs, n_max in (("float32", p["pairs"], 12),
                                (p["tiny_format"], p["tiny_pairs"], p["tiny_len"])):
        good = {1} | {k for k in range(2, 9) if certified_gadget(k, fmt) is not None}
        formulas, tries = [], 0
        while len(formulas) < p["n_formulas"] and tries < 100 * p["n_formulas"]:
            tries += 1  # formulas with a counting threshold ≥ 2, all certified in fmt
            phi = random_formula(rng, enc_alphabet=ENC, dec_alphabet=DEC, depth=3, max_k=8,
                                 size=5)
            ks = [g.k for g in subformulas(phi) if hasattr(g, "k")]
            if ks and max(ks) >= 2 and set(ks) <= good:
                formulas.append(phi)
        pairs = [(_word(rng, ENC, 1, n_max), _word(rng, DEC, 1, 6)) for _ in range(n_pairs)]
        rows += _variants(formulas, pairs, fmt, ("causal", "strict"))
    perm = []
    for order in ORDERS:
        changed = total = 0
        prng = np.random.default_rng(seed + 1)
        for _ in range(p["perm_models"]):
            model = random_transformer(prng, "tiny3", order=order)
            for _ in range(3):
                u = _word(prng, "ab", 4, p["perm_len"])
                v = "".join(prng.permutation(list(u)))
                while v == u and len(set(u)) > 1:
                    v = "".join(prng.permutation(list(u)))
                w = _word(prng, "ab", 1, 4)
                a = evaluate(model, [u], [w], residual=True)
                b = evaluate(model, [v], [w], residual=True)
                changed += int(not np.array_equal(a, b, equal_nan=True))
                total += 1
        perm.append({"order": order, "pairs": total, "changed": changed})
    return {"variants": rows, "permutation": perm}


def type_bound(fmt) -> int:
    """K with: every sorted float sum of ≥ K equal terms, from any start, has saturated —
    K = 2^(p + emax − emin + 2) bounds the steps (|start|/|v| ≤ 2^(emax − emin + p) plus
    2^(p+1) in the last binade). Counts ≥ K are indistinguishable (a loose bound: each model's
    own saturation count K_T, :func:`saturation_count`, is far smaller)."""
    f = FORMATS[fmt]
    return 2 ** (f.p + f.emax - f.emin + 2)


SCAN_WORDS = ("abab", "baba", "aabb", "bbaa")  # decoder words of the scans and the tests


def saturation_count(model, cmax: int):
    """K_T of a 2-letter-encoder transformer from a joint count scan over [0, cmax]²: the
    largest count c of either letter (the other letter at any count of the grid) at which the
    decoder residual on any of ``SCAN_WORDS`` changes from c − 1 to c (0 if it never does),
    with that (letter, other count, decoder word). Within the grid the residual then depends
    only on the counts clipped at K_T."""
    cs = np.arange(cmax + 1)
    ca, cb = np.meshgrid(cs, cs, indexing="ij")
    counts = np.stack([ca.ravel(), cb.ravel()], 1)
    best, where = 0, None
    for w in SCAN_WORDS:
        R = evaluate_counts(model, counts, [w] * len(counts), residual=True)
        R = R.reshape(cs.size, cs.size, -1)
        for x, (hi, lo) in enumerate(((R[1:], R[:-1]), (R[:, 1:], R[:, :-1]))):
            same = ((hi == lo) | (np.isnan(hi) & np.isnan(lo))).all(axis=-1)
            idx = np.argwhere(~same)  # (c − 1 along axis x, other count) pairs
            if idx.size:
                j = int(np.argmax(idx[:, x]))
                c, other = int(idx[j, x]) + 1, int(idx[j, 1 - x])
                if c > best:
                    best, where = c, (x, other, w)
    return best, where


def _counts_word(rng, ca, cb):
    return "".join(rng.permutation(list("a" * ca + "b" * cb)))


def _same(a, b):
    return bool(np.array_equal(a, b, equal_nan=True))


def _indistinguishability_cell(p, seed):
    """Random transformers in a tiny format, sorted sums: each model's own saturation count
    K_T (a count scan); then real permuted words through ``evaluate``: pairs of equal
    K_T-type (each letter count equal below K_T, or both ≥ K_T) and distinct words must give
    bitwise-equal residuals; the control K_T − 1 vs K_T (where the scan saw the last change),
    as real words, must differ."""
    rng = np.random.default_rng(seed)
    fmt = FORMATS[p["format"]]
    cmax = p["scan_factor"] * 2 ** fmt.p
    K = type_bound(p["format"])
    equal_pairs = unequal = control_pairs = distinguished = 0
    kts, example = [], None
    for _ in range(p["n_models"]):
        model = random_transformer(rng, p["format"], order="sorted")
        kt, where = saturation_count(model, cmax)
        kts.append(kt)
        us, vs, ws = [], [], []
        while len(us) < p["pairs"]:
            c1, c2 = [], []
            for _ in range(2):
                if kt and rng.random() < 0.5:
                    c = int(rng.integers(0, kt))
                    c1.append(c)
                    c2.append(c)
                else:
                    c1 += [int(rng.integers(kt, kt + 2 ** (fmt.p + 2)))]
                    c2 += [int(rng.integers(kt, kt + 2 ** (fmt.p + 2)))]
            u, v = _counts_word(rng, *c1), _counts_word(rng, *c2)
            if u == v or not u or not v:
                continue
            us.append(u)
            vs.append(v)
            ws.append(SCAN_WORDS[int(rng.integers(len(SCAN_WORDS)))])
        ra = evaluate(model, us, ws, residual=True)
        rb = evaluate(model, vs, ws, residual=True)
        for i in range(len(us)):
            equal_pairs += 1
            if not _same(ra[i], rb[i]):
                unequal += 1
                example = example or {"u": us[i], "v": vs[i], "w": ws[i], "K_T": kt}
        if where is not None:
            x, other, w = where
            for _ in range(p["control"]):
                lo, hi = [0, 0], [0, 0]
                lo[x], hi[x], lo[1 - x], hi[1 - x] = kt - 1, kt, other, other
                r = evaluate(model, [_counts_word(rng, *lo), _counts_word(rng, *hi)],
                             [w, w], residual=True) if sum(lo) else None
                if r is None:
                    continue
                control_pairs += 1
                distinguished += int(not _same(r[0], r[1]))
    return {"K": K, "pairs": equal_pairs, "unequal": unequal, "control_pairs": control_pairs,
            "control_distinguished": distinguished, "K_T": kts, "scan_max": cmax,
            "example": example}


def _majority(u):
    return u.count("a") > u.count("b")


WITNESSES = {  # language: (membership, u1, u2 as functions of K)
    "MAJORITY": (_majority, lambda K: "a" * (K + 1) + "b" * K, lambda K: "a" * K + "b" * (K + 1)),
    "PARITY": (lambda u: u.count("a") % 2 == 1, lambda K: "a" * K, lambda K: "a" * (K + 1)),
    "#a = #b": (lambda u: u.count("a") == u.count("b"), lambda K: "a" * K + "b" * K,
                lambda K: "a" * (K + 1) + "b" * K),
    "a before b": (lambda u: "a" in u and "b" in u and u.index("a") < u.index("b"),
                   lambda K: "ab", lambda K: "ba"),
}
COUNTERPARTS = ("G>=3 q_a & !G>=3 q_b", "G q_a & !G>=2 q_a", "G q_a & G q_b",
                "(G>=2 q_a & G>=2 q_b) | (!G q_a & !G q_b)")


def _separating_cell(p, seed):
    rng = np.random.default_rng(seed)
    K = p["K"]
    wit = []
    formulas = [random_formula(rng, enc_alphabet="ab", dec_alphabet="a", depth=3, max_k=K,
                               size=5) for _ in range(p["n_formulas"])]
    for name, (member, f1, f2) in WITNESSES.items():
        u1, u2 = f1(K), f2(K)
        c1, c2 = [u1.count(x) for x in "ab"], [u2.count(x) for x in "ab"]
        split = sum(int(decoder_values(phi, u1, "a", "ab")[0]
                        != decoder_values(phi, u2, "a", "ab")[0]) for phi in formulas)
        wit.append({"language": name, "u1": u1, "u2": u2,
                    "type_equal": encoder_type(c1, K) == encoder_type(c2, K),
                    "membership_differs": member(u1) != member(u2),
                    "formulas_separating": split, "formulas": len(formulas)})
    # the witness pairs through transformers, K past each one's saturation: the MAJORITY
    # averaging transformer at K = 2^(p+2), random tiny3 transformers at K = max(K_T, 2^(p+2))
    models = [(f"majority p={q}", majority_transformer(precision_format(q)), 2 ** (q + 2))
              for q in p["witness_precisions"]]
    for i in range(p["witness_models"]):
        m_ = random_transformer(rng, "tiny3", order="sorted")
        models.append((f"random tiny3 #{i}", m_,
                       max(saturation_count(m_, 32)[0], 2 ** (FORMATS["tiny3"].p + 2))))
    through = []
    for label, model, Kw in models:
        for name, (member, f1, f2) in WITNESSES.items():
            u1, u2 = f1(Kw), f2(Kw)
            r = evaluate(model, [u1, u2], [model.dec_alphabet[0]] * 2, residual=True)
            through.append({"transformer": label, "language": name, "K": Kw,
                            "membership_differs": member(u1) != member(u2),
                            "separated": int(not _same(r[0], r[1]))})
    nstar = []
    for prec in p["precisions"]:
        f = precision_format(prec)
        model = majority_transformer(f)
        m = np.arange(1, 2 ** (prec + 4))  # #a = m + δ, #b = m, δ ∈ {1, 0, −1}
        first = []
        for delta in (1, 0, -1):
            counts = np.stack([m + delta, m], axis=1)
            y = evaluate_counts(model, counts, ["a"] * len(m))[:, 0]
            wrong = (2 * m + delta)[(y > 0) != (delta > 0)]
            first.append(int(wrong.min()) if wrong.size else -1)
        # n*: margin ±1 words only; at #a = #b the decision y > 0 hinges on an exact zero
        # that rounding of R(1/n)·(±1) sums need not give (reported as tie_first_failure)
        ok = [x for x in (first[0], first[2]) if x > 0]
        nstar.append({"p": prec, "n_star": min(ok) if ok else -1,
                      "tie_first_failure": first[1], "by_margin": first})
    counter = []
    for text in COUNTERPARTS:
        phi = parse_formula(text)
        us = [_word(rng, "ab", 1, 40) for _ in range(40)]
        try:
            model = compile_formula(phi, "float32", enc_alphabet="ab", dec_alphabet="a")
        except CompileError:  # an uncertifiable threshold: every pair counts as a mismatch
            counter.append({"formula": text, "pairs": len(us), "mismatches": len(us)})
            continue
        got = evaluate(model, us, ["a"] * len(us))[:, 0]
        truth = np.array([decoder_values(phi, u, "a", "ab")[0] for u in us])
        counter.append({"formula": text, "pairs": len(us), "mismatches": int((got != truth).sum())})
    return {"witnesses": wit, "n_star": nstar, "counterparts": counter, "through": through}


def _autoregressive_cell(p, seed):
    rng = np.random.default_rng(seed)
    steps = agree = runs = varied = varied_steps = varied_agree = 0
    example = None
    for _ in range(p["n_formulas"]):
        phi = random_formula(rng, enc_alphabet=ENC, dec_alphabet=DEC, depth=3, max_k=8, size=5)
        model = compile_formula(phi, "float32", enc_alphabet=ENC, dec_alphabet=DEC)
        us = [_word(rng, ENC, 1, 30) for _ in range(p["starts"])]
        ours = [_word(rng, DEC, 1, 3) for _ in us]
        ref = list(ours)
        for _ in range(p["steps"]):
            out = evaluate(model, us, ours)
            ours = [w + ("b" if out[i, len(w) - 1] == 1.0 else "a") for i, w in enumerate(ours)]
            ref = [w + ("b" if decoder_values(phi, u, w, ENC)[-1] else "a")
                   for u, w in zip(us, ref, strict=False)]
        for a, b in zip(ours, ref, strict=False):
            ok = sum(x == y for x, y in zip(a[-p["steps"]:], b[-p["steps"]:], strict=False))
            steps += p["steps"]
            agree += ok
            runs += 1
            if len(set(b[-p["steps"]:])) > 1:  # the formula-defined run is not constant
                varied += 1
                varied_steps += p["steps"]
                varied_agree += ok
            if a != b and example is None:
                example = {"ours": a, "formula_defined": b}
    return {"steps": steps, "agree": agree, "runs": runs, "varied_runs": varied,
            "varied_steps": varied_steps, "varied_agree": varied_agree, "example": example}


def _native_cell(p, seed):
    """A9: compiled transformers (each format's own gadgets) under torch kernels against the
    emulator, every decoder position, per dtype."""
    from attnlab.probes._compiler_torch import evaluate_torch

    rng = np.random.default_rng(seed)
    formulas = [random_formula(rng, enc_alphabet=ENC, dec_alphabet=DEC, depth=3, max_k=4,
                               size=5) for _ in range(p["n_formulas"])]
    us = [_word(rng, ENC, 1, 64) for _ in range(p["pairs"])]
    ws = [_word(rng, DEC, 1, 16) for _ in us]
    rows = []
    for dtype in ("float32", "float16", "bfloat16"):
        pos = agree = 0
        for phi in formulas:
            model = compile_formula(phi, dtype, enc_alphabet=ENC, dec_alphabet=DEC)
            ours = evaluate(model, us, ws)
            theirs = evaluate_torch(model, us, ws, dtype=dtype, device=p["device"])
            live = ~np.isnan(ours)
            pos += int(live.sum())
            agree += int((ours[live] == theirs[live]).sum())
        rows.append({"dtype": dtype, "device": p["device"], "positions": pos, "agree": agree})
    return {"rows": rows}


KINDS = {"native": _native_cell, "robustness": _robustness_cell,
         "indistinguishability": _indistinguishability_cell, "separating": _separating_cell,
         "autoregressive": _autoregressive_cell}


def grid(c, add) -> None:
    add("robustness", n_formulas=c.a5_formulas, pairs=c.a5_pairs, perm_models=c.a5_perm_models,
        tiny_format=c.a5_tiny_format, tiny_len=c.a5_tiny_len, tiny_pairs=c.a5_tiny_pairs,
        perm_len=c.a5_perm_len)
    for chunk in range(0, c.a6_models, 25):
        add("indistinguishability", chunk=chunk, n_models=min(25, c.a6_models - chunk),
            pairs=c.a6_pairs, format=c.a6_format, scan_factor=c.a6_scan_factor,
            control=c.a6_control)
    add("separating", K=c.a7_K, n_formulas=c.a7_formulas, precisions=list(c.a7_precisions),
        witness_precisions=list(c.a7_witness_precisions), witness_models=c.a7_witness_models)
    add("autoregressive", n_formulas=c.a8_formulas, starts=c.a8_starts, steps=c.a8_steps)
    if c.a9_formulas:
        add("native", n_formulas=c.a9_formulas, pairs=c.a9_pairs, device=c.device)
